/* SPDX-License-Identifier: MIT */
/*
 * analyze_areas.c -- the areas of the analysis (quarter/analyze.h): communities of the
 * residences (a column, boundaries or a grid) and the circles with their member communities.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/outfile.h"
#include "base/strbuf.h"
#include "base/strmap.h"
#include "base/geo.h"
#include "quarter/analyze.h"
#include "quarter/inputs.h"
#include "quarter/coords.h"
#include "quarter/hours.h"
#include "quarter/place.h"
#include "quarter/search.h"
#include "quarter/snap.h"
#include "domain/analyze_internal.h"

/* ---- the areas: communities and circles ---------------------------------- */

/* "<prefix>%02ld-%02ld" of (cy, cx) into buf (64 bytes), as snprintf wrote it: one call per
   residence, so the digits by hand (the cells count from the residences' minimum: never negative) */
static void grid_name(char *buf, const char *prefix, long cy, long cx)
{
    size_t n = strlen(prefix), k;
    long v[2] = {cy, cx};
    if (cy < 0 || cx < 0 || n > 20) {
        snprintf(buf, 64, "%s%02ld-%02ld", prefix, cy, cx);
        return;
    }
    memcpy(buf, prefix, n);
    for (k = 0; k < 2; k++) {
        if (k)
            buf[n++] = '-';
        if (v[k] < 10)
            buf[n++] = '0';
        n += qt__fmt_i64(buf + n, v[k]);
    }
    buf[n] = 0;
}

static void grid_cell(double lon, double lat, double lon0, double lat0, double m, long *cx, long *cy)
{
    const double k = QT__M_PER_DEG;
    *cx = (long)floor((lon - lon0) * k * cos(lat0 * QT__DEG2RAD) / m);
    *cy = (long)floor((lat - lat0) * k / m);
}

int qt_analysis_community_cell(const qt_analysis *a, size_t c, double *lonmin, double *latmin, double *lonmax,
                               double *latmax)
{
    const double k = QT__M_PER_DEG;
    double dlon, dlat;
    if (!a->community_cell || c >= a->ncommunities || a->community_cell[2 * c] == INT32_MIN || !(a->grid_m > 0))
        return 0;
    dlon = a->grid_m / (k * cos(a->grid_lat0 * QT__DEG2RAD));
    dlat = a->grid_m / k;
    /* both edges from the cell's index, so neighbours share theirs exactly */
    *lonmin = a->grid_lon0 + a->community_cell[2 * c] * dlon;
    *latmin = a->grid_lat0 + a->community_cell[2 * c + 1] * dlat;
    *lonmax = a->grid_lon0 + (a->community_cell[2 * c] + 1) * dlon;
    *latmax = a->grid_lat0 + (a->community_cell[2 * c + 1] + 1) * dlat;
    return 1;
}

/* communities of the residences, circles and their members */
static void free_names(qt__strmap *m)
{
    size_t i;
    for (i = 0; m->name && i < m->n; i++)
        qt__free(m->name[i]);
    qt__free(m->name);
    m->name = NULL;
    qt__strmap_free_slots(m);
}

/* Each residence's community: its own, else its grid cell's (网格…) with community_grid_m; the
 * circles file's communities first, in its order.  -1 without memory. */
static int assign_communities(const qt_analysis_input *in, const qt_analysis_opts *o, qt_analysis *a, double lon0,
                              double lat0, int *any_named)
{
    const qt_residence_list *r = in->residences;
    const qt_circle_list *cl = in->circles;
    qt__strmap com = {0};
    size_t i;
    *any_named = 0;
    for (i = 0; cl && i < cl->ncommunities; i++)
        if (qt__strmap_add(&com, cl->community[i]) < 0)
            goto nomem;
    a->res_community = qt__malloc((r->n ? r->n : 1) * sizeof *a->res_community);
    if (!a->res_community)
        goto nomem;
    for (i = 0; i < r->n; i++) {
        char buf[64];
        const char *name = r->community[i];
        int idx;
        if (!*name && o->community_grid_m > 0) {
            long cx, cy;
            grid_cell(r->lon[i], r->lat[i], lon0, lat0, o->community_grid_m, &cx, &cy);
            grid_name(buf, "网格", cy, cx);
            name = buf;
        }
        if (!*name) {
            a->res_community[i] = UINT32_MAX;
            continue;
        }
        *any_named = 1;
        if ((idx = qt__strmap_add(&com, name)) < 0)
            goto nomem;
        a->res_community[i] = (uint32_t)idx;
    }
    a->ncommunities = com.n;
    a->community = com.name;
    com.name = NULL;
    qt__strmap_free_slots(&com);
    return 0;
nomem:
    free_names(&com);
    return -1;
}

/* The cell of each grid community (the maps draw it as its boundary). */
static int community_cells(const qt_residence_list *r, double grid_m, double lon0, double lat0, qt_analysis *a)
{
    size_t i, k;
    a->grid_m = grid_m;
    a->grid_lon0 = lon0;
    a->grid_lat0 = lat0;
    a->community_cell = qt__malloc((2 * a->ncommunities + 2) * sizeof *a->community_cell);
    if (!a->community_cell)
        return -1;
    for (k = 0; k < 2 * a->ncommunities; k++)
        a->community_cell[k] = INT32_MIN;
    for (i = 0; i < r->n; i++) {
        long cx, cy;
        uint32_t c = a->res_community[i];
        if (*r->community[i] || c == UINT32_MAX)
            continue;
        grid_cell(r->lon[i], r->lat[i], lon0, lat0, grid_m, &cx, &cy);
        a->community_cell[2 * c] = (int32_t)cx;
        a->community_cell[2 * c + 1] = (int32_t)cy;
    }
    for (i = 0; i < r->n; i++) /* a community some residence names itself is no cell */
        if (*r->community[i] && a->res_community[i] != UINT32_MAX)
            a->community_cell[2 * a->res_community[i]] = INT32_MIN;
    return 0;
}

/* The circles of the circles file; every community one names must have residents. */
static qt_status circles_from_file(const qt_circle_list *cl, const qt_residence_list *r, int any_named, qt_analysis *a,
                                   qt_error *err)
{
    uint32_t *count;
    size_t i, k;
    if (!any_named)
        return qt_error_set(err, QT_EINVAL, "residences",
                            _("the circles file names communities, but no residence has a community "
                              "(add a community column to the residences)"));
    if (!(count = qt__calloc(a->ncommunities + 1, sizeof *count)))
        return QT_ENOMEM;
    for (i = 0; i < r->n; i++)
        if (a->res_community[i] != UINT32_MAX)
            count[a->res_community[i]]++;
    for (i = 0; i < cl->ncircles; i++)
        for (k = cl->member_start[i]; k < cl->member_start[i + 1]; k++)
            if (!count[cl->member[k]]) {
                char where[300];
                snprintf(where, sizeof where, "%s:%zu", cl->path ? cl->path : "circles", cl->line[i]);
                qt__free(count);
                return qt_error_set(err, QT_EINVAL, where,
                                    _("circle '%s' names community '%s', which no residence belongs to "
                                      "(a typo, or a community missing from the residences?)"),
                                    cl->circle[i], a->community[cl->member[k]]);
            }
    qt__free(count);
    a->ncircles = cl->ncircles;
    a->circle = qt__calloc(a->ncircles + 1, sizeof *a->circle);
    a->circle_start = qt__malloc((a->ncircles + 1) * sizeof *a->circle_start);
    a->circle_member = qt__malloc((cl->member_start[cl->ncircles] + 1) * sizeof *a->circle_member);
    if (!a->circle || !a->circle_start || !a->circle_member)
        return QT_ENOMEM;
    for (i = 0; i < a->ncircles; i++)
        if (!(a->circle[i] = qt__strdup(cl->circle[i])))
            return QT_ENOMEM;
    memcpy(a->circle_start, cl->member_start, (a->ncircles + 1) * sizeof *a->circle_start);
    memcpy(a->circle_member, cl->member, cl->member_start[cl->ncircles] * sizeof *a->circle_member);
    return QT_OK;
}

/* Circles from a grid: each community goes to the cell of its first residence.  -1 without memory. */
static int circles_from_grid(const qt_residence_list *r, double grid_m, double lon0, double lat0, qt_analysis *a)
{
    qt__strmap cir = {0};
    uint32_t *of = qt__malloc((a->ncommunities + 1) * sizeof *of);
    size_t *fill = NULL, i, k;
    if (!of)
        return -1;
    for (k = 0; k < a->ncommunities; k++)
        of[k] = UINT32_MAX;
    for (i = 0; i < r->n; i++) {
        uint32_t c = a->res_community[i];
        char buf[64];
        long cx, cy;
        int idx;
        if (c == UINT32_MAX || of[c] != UINT32_MAX)
            continue;
        grid_cell(r->lon[i], r->lat[i], lon0, lat0, grid_m, &cx, &cy);
        grid_name(buf, "生活圈", cy, cx);
        if ((idx = qt__strmap_add(&cir, buf)) < 0) {
            qt__free(of);
            free_names(&cir);
            return -1;
        }
        of[c] = (uint32_t)idx;
    }
    a->ncircles = cir.n;
    a->circle = cir.name;
    cir.name = NULL;
    qt__strmap_free_slots(&cir);
    a->circle_start = qt__calloc(a->ncircles + 1, sizeof *a->circle_start);
    a->circle_member = qt__malloc((a->ncommunities + 1) * sizeof *a->circle_member);
    fill = qt__malloc((a->ncircles + 1) * sizeof *fill);
    if (!a->circle_start || !a->circle_member || !fill) {
        qt__free(of);
        qt__free(fill);
        return -1;
    }
    for (k = 0; k < a->ncommunities; k++)
        if (of[k] != UINT32_MAX)
            a->circle_start[of[k] + 1]++;
    for (i = 0; i < a->ncircles; i++)
        a->circle_start[i + 1] += a->circle_start[i];
    memcpy(fill, a->circle_start, a->ncircles * sizeof *fill);
    for (k = 0; k < a->ncommunities; k++)
        if (of[k] != UINT32_MAX)
            a->circle_member[fill[of[k]]++] = (uint32_t)k;
    qt__free(of);
    qt__free(fill);
    return 0;
}

qt_status qt__analysis_areas(const qt_analysis_input *in, const qt_analysis_opts *o, qt_analysis *a, qt_error *err)
{
    const qt_residence_list *r = in->residences;
    size_t i;
    double lon0 = 180, lat0 = 90;
    int any_named = 0;
    qt_status st = QT_OK;
    for (i = 0; i < r->n; i++) { /* the grids' origin */
        if (r->lon[i] < lon0)
            lon0 = r->lon[i];
        if (r->lat[i] < lat0)
            lat0 = r->lat[i];
    }
    if (assign_communities(in, o, a, lon0, lat0, &any_named) != 0 ||
        (o->community_grid_m > 0 && community_cells(r, o->community_grid_m, lon0, lat0, a) != 0))
        st = QT_ENOMEM;
    else if (in->circles)
        st = circles_from_file(in->circles, r, any_named, a, err);
    else if (o->circle_grid_m > 0 && circles_from_grid(r, o->circle_grid_m, lon0, lat0, a) != 0)
        st = QT_ENOMEM;
    return st == QT_ENOMEM ? qt_error_set(err, QT_ENOMEM, "analyze", _("no memory")) : st;
}

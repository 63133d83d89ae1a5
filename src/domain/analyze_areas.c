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
qt_status qt__analysis_areas(const qt_analysis_input *in, const qt_analysis_opts *o, qt_analysis *a, qt_error *err)
{
    const qt_residence_list *r = in->residences;
    const qt_circle_list *cl = in->circles;
    qt__strmap com = {0}, cir = {0};
    size_t i, k;
    double lon0 = 180, lat0 = 90;
    int any_named = 0;
    uint32_t *count = NULL;
    for (i = 0; i < r->n; i++) {
        if (r->lon[i] < lon0)
            lon0 = r->lon[i];
        if (r->lat[i] < lat0)
            lat0 = r->lat[i];
    }
    if (cl)
        for (i = 0; i < cl->ncommunities; i++)
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
        any_named = 1;
        idx = qt__strmap_add(&com, name);
        if (idx < 0)
            goto nomem;
        a->res_community[i] = (uint32_t)idx;
    }
    a->ncommunities = com.n;
    a->community = com.name;
    com.name = NULL;
    qt__strmap_free_slots(&com);
    if (o->community_grid_m > 0) {
        /* the cell of each grid community (the maps draw it as its boundary) */
        a->grid_m = o->community_grid_m;
        a->grid_lon0 = lon0;
        a->grid_lat0 = lat0;
        a->community_cell = qt__malloc((2 * a->ncommunities + 2) * sizeof *a->community_cell);
        if (!a->community_cell)
            goto nomem;
        for (k = 0; k < 2 * a->ncommunities; k++)
            a->community_cell[k] = INT32_MIN;
        for (i = 0; i < r->n; i++) {
            long cx, cy;
            uint32_t c = a->res_community[i];
            if (*r->community[i] || c == UINT32_MAX)
                continue;
            grid_cell(r->lon[i], r->lat[i], lon0, lat0, o->community_grid_m, &cx, &cy);
            a->community_cell[2 * c] = (int32_t)cx;
            a->community_cell[2 * c + 1] = (int32_t)cy;
        }
        for (i = 0; i < r->n; i++) /* a community some residence names itself is no cell */
            if (*r->community[i] && a->res_community[i] != UINT32_MAX)
                a->community_cell[2 * a->res_community[i]] = INT32_MIN;
    }
    /* every community a circle names must have residents */
    count = qt__calloc(a->ncommunities + 1, sizeof *count);
    if (!count)
        goto nomem;
    for (i = 0; i < r->n; i++)
        if (a->res_community[i] != UINT32_MAX)
            count[a->res_community[i]]++;
    if (cl) {
        if (!any_named) {
            qt__free(count);
            return qt_error_set(err, QT_EINVAL, "residences",
                                _("the circles file names communities, but no residence has a community "
                                  "(add a community column to the residences)"));
        }
        for (i = 0; i < cl->ncircles; i++)
            for (k = cl->member_start[i]; k < cl->member_start[i + 1]; k++)
                if (!count[cl->member[k]]) {
                    char where[300];
                    snprintf(where, sizeof where, "%s:%zu", cl->path ? cl->path : "circles", cl->line[i]);
                    qt_error_set(err, QT_EINVAL, where,
                                 _("circle '%s' names community '%s', which no residence belongs to "
                                   "(a typo, or a community missing from the residences?)"),
                                 cl->circle[i], a->community[cl->member[k]]);
                    qt__free(count);
                    return QT_EINVAL;
                }
        a->ncircles = cl->ncircles;
        a->circle = qt__calloc(a->ncircles + 1, sizeof *a->circle);
        a->circle_start = qt__malloc((a->ncircles + 1) * sizeof *a->circle_start);
        a->circle_member = qt__malloc((cl->member_start[cl->ncircles] + 1) * sizeof *a->circle_member);
        if (!a->circle || !a->circle_start || !a->circle_member)
            goto nomem;
        for (i = 0; i < a->ncircles; i++)
            if (!(a->circle[i] = qt__strdup(cl->circle[i])))
                goto nomem;
        memcpy(a->circle_start, cl->member_start, (a->ncircles + 1) * sizeof *a->circle_start);
        memcpy(a->circle_member, cl->member, cl->member_start[cl->ncircles] * sizeof *a->circle_member);
    } else if (o->circle_grid_m > 0) {
        /* circles from a grid: each community goes to the cell of its first residence */
        uint32_t *of = qt__malloc((a->ncommunities + 1) * sizeof *of);
        size_t *fill;
        if (!of)
            goto nomem;
        for (k = 0; k < a->ncommunities; k++)
            of[k] = UINT32_MAX;
        for (i = 0; i < r->n; i++) {
            uint32_t c = a->res_community[i];
            char buf[64];
            long cx, cy;
            int idx;
            if (c == UINT32_MAX || of[c] != UINT32_MAX)
                continue;
            grid_cell(r->lon[i], r->lat[i], lon0, lat0, o->circle_grid_m, &cx, &cy);
            grid_name(buf, "生活圈", cy, cx);
            if ((idx = qt__strmap_add(&cir, buf)) < 0) {
                qt__free(of);
                goto nomem;
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
            goto nomem;
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
    }
    qt__free(count);
    return QT_OK;
nomem:
    for (i = 0; com.name && i < com.n; i++)
        qt__free(com.name[i]);
    qt__free(com.name);
    qt__strmap_free_slots(&com);
    for (i = 0; cir.name && i < cir.n; i++)
        qt__free(cir.name[i]);
    qt__free(cir.name);
    qt__strmap_free_slots(&cir);
    qt__free(count);
    return qt_error_set(err, QT_ENOMEM, "analyze", _("no memory"));
}

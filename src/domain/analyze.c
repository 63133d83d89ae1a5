/* SPDX-License-Identifier: MIT */
/*
 * analyze.c -- the planning analysis of quarter/analyze.h: place outlets
 * and residences on the network, one streamed accessibility pass (or a kept
 * one plus incremental additions for a what-if), then the indicators of
 * every community, circle and the city, and the grades.  The areas are built
 * in analyze_areas.c, the indicators summed in analyze_indicators.c, the
 * grades decided in analyze_grade.c (shared through analyze_internal.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
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

#define FAR_M 200.0 /* "more than 200 m from any street" */

int qt_target_met(double value, double target)
{
    if (!isfinite(target) || !isfinite(value))
        return -1;
    return value >= target - 1e-12;
}

/* ---- freeing ------------------------------------------------------------- */

static void area_free(qt_area_stats *s)
{
    qt__free(s->coverage);
    qt__free(s->unserved);
    qt__free(s->reasons);
    qt__free(s->checks);
}

void qt_analysis_free(qt_analysis *a)
{
    size_t i;
    if (!a)
        return;
    qt_analysis_free(a->before);
    for (i = 0; a->communities_stats && i < a->ncommunities; i++)
        area_free(&a->communities_stats[i]);
    for (i = 0; a->circles_stats && i < a->ncircles; i++)
        area_free(&a->circles_stats[i]);
    area_free(&a->city);
    for (i = 0; a->community && i < a->ncommunities; i++)
        qt__free(a->community[i]);
    for (i = 0; a->circle && i < a->ncircles; i++)
        qt__free(a->circle[i]);
    qt__free(a->community);
    qt__free(a->circle);
    qt__free(a->circle_start);
    qt__free(a->circle_member);
    qt__free(a->communities_stats);
    qt__free(a->circles_stats);
    qt__free(a->minutes);
    qt__free(a->res_community);
    qt__free(a->res_placed);
    qt__free(a->outlet_community);
    qt__free(a->community_cell);
    qt__free(a);
}

typedef struct sink_ctx {
    qt_analysis *a;
    const qt_placement *pl;
    size_t res0; /* first residence in the placement */
} sink_ctx;

static void fill_times(qt_analysis *a, const qt_placement *pl, size_t res0, uint32_t cat, const qt_search *nearest,
                       const qt_access *acc)
{
    size_t i;
    double lim = a->max_minutes;
    for (i = 0; i < a->nres; i++) {
        uint32_t v = pl->node[res0 + i];
        double d, m;
        if (v == QT_NODE_NONE) {
            a->minutes[i * a->ncat + cat] = INFINITY;
            continue;
        }
        d = nearest ? qt_search_dist(nearest, v) : qt_access_nearest_m(acc, cat, v);
        m = d / a->speed_mps / 60.0;
        a->minutes[i * a->ncat + cat] = m <= lim ? (float)m : INFINITY;
    }
}

static qt_status times_sink(void *ud, const qt_access_column *col, qt_error *err)
{
    sink_ctx *s = ud;
    (void)err;
    fill_times(s->a, s->pl, s->res0, col->category, col->nearest, NULL);
    return QT_OK;
}

/* ---- the whole analysis -------------------------------------------------------- */

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* On up to 1000 points (every step-th): the share farther than FAR_M from a
   street and the median distance to one, as given (as_gcj = 0) or read as
   GCJ-02 and converted to WGS-84 (as_gcj = 1). */
static void street_distance(const qt_snapper *sn, const double *lon, const double *lat, size_t n, int as_gcj,
                            double *far_share, double *median)
{
    size_t i, step = n > 1000 ? n / 1000 : 1, m = 0, far = 0;
    double d[1001];
    *far_share = *median = NAN;
    for (i = 0; i < n && m < 1000; i += step) {
        double x = lon[i], y = lat[i];
        qt_snap s;
        qt_error e = QT_ERROR_INIT;
        if (as_gcj && qt_coords_convert(QT_CRS_GCJ02, QT_CRS_WGS84, lon[i], lat[i], &x, &y, NULL) != QT_OK)
            continue;
        d[m] = qt_snapper_snap(sn, x, y, QT_SNAP_EDGE, 2000, &s, &e) == QT_OK ? s.leg_m : INFINITY;
        far += !(d[m] <= FAR_M);
        m++;
    }
    if (!m)
        return;
    qsort(d, m, sizeof *d, cmp_double);
    *far_share = (double)far / (double)m;
    *median = d[m / 2];
}

qt_status qt_analyze(const qt_analysis_input *in, const qt_analysis_opts *o, qt_analysis **out, qt_error *err)
{
    const qt_profile *p = in->profile;
    const qt_residence_list *r = in->residences;
    const qt_outlet_list *ol = in->outlets, *wl = in->what_if;
    size_t ncat = qt_profile_category_count(p), no = 0, nw = 0, npts, i;
    qt_analysis *a = NULL;
    qt_snapper *sn = NULL;
    qt_placement *pl = NULL;
    qt_access *acc = NULL;
    qt_search *ws = NULL;
    double *lon = NULL, *lat = NULL, snap_max = o->snap_max_m > 0 ? o->snap_max_m : QT_SNAP_DEFAULT_MAX_M;
    size_t *oidx = NULL;
    const qt_outlet_list **osrc = NULL;
    qt_access_poi *ap = NULL;
    size_t nap = 0, napw = 0, *oi2 = NULL, m = 0, mbase = 0;
    const qt_outlet_list **os2 = NULL;
    qt_access_opts ao;
    qt_status st = QT_OK;
    int weekday = o->at_weekday >= 0 ? o->at_weekday : 0;

    *out = NULL;
    a = qt__calloc(1, sizeof *a);
    if (!a)
        return qt_error_set(err, QT_ENOMEM, "analyze", _("no memory"));
    a->ncat = ncat;
    a->nres = r->n;
    a->speed_mps = qt__kmh_mps(o->speed_kmh > 0 ? o->speed_kmh : qt_profile_speed_kmh(p, "default"));
    a->max_minutes = o->max_minutes > 0 ? o->max_minutes : 30;
    for (i = 0; i < ncat; i++)
        if (qt_profile_category(p, i)->ring_min > a->max_minutes)
            a->max_minutes = qt_profile_category(p, i)->ring_min;
    if ((st = qt__analysis_areas(in, o, a, err)) != QT_OK)
        goto done;
    /* each outlet's community: the one its boundary names, else the nearest residence's */
    a->outlet_community = qt__malloc((ol->n + 1) * sizeof *a->outlet_community);
    if (!a->outlet_community || qt__analysis_outlet_homes(a, r, ol->lon, ol->lat, ol->n, a->outlet_community) != QT_OK)
        goto nomem;
    if (in->outlet_community) {
        qt__strmap idx = {0};
        size_t nslot = 64;
        idx.name = a->community; /* borrowed: only the slots are ours */
        idx.n = a->ncommunities;
        while (nslot < 2 * idx.n + 2)
            nslot *= 2;
        if (qt__strmap_rehash(&idx, nslot) != 0)
            goto nomem;
        for (i = 0; i < ol->n; i++)
            if (in->outlet_community[i] && in->outlet_community[i][0]) {
                int k = qt__strmap_find(&idx, in->outlet_community[i]);
                a->outlet_community[i] = k >= 0 ? (uint32_t)k : UINT32_MAX;
            }
        qt__strmap_free_slots(&idx);
    }

    /* the outlets that count: classified, and open at --at */
    oidx = qt__malloc((ol->n + (wl ? wl->n : 0) + 1) * sizeof *oidx);
    osrc = qt__malloc((ol->n + (wl ? wl->n : 0) + 1) * sizeof *osrc);
    if (!oidx || !osrc)
        goto nomem;
    for (i = 0; i < ol->n + (wl ? wl->n : 0); i++) {
        const qt_outlet_list *l = i < ol->n ? ol : wl;
        size_t j = i < ol->n ? i : i - ol->n;
        if (l->category[j] < 0) {
            if (l == ol)
                a->outlets_unclassified++;
            continue;
        }
        if (o->at_minute >= 0) {
            int open = qt_hours_open_at(l->hours[j], weekday, o->at_minute);
            if (open == 0) {
                if (l == ol)
                    a->outlets_closed++;
                continue;
            }
            if (open < 0 && l == ol)
                a->outlets_hours_unknown++;
        }
        oidx[no] = j;
        osrc[no] = l;
        no++;
        if (l == wl)
            nw++;
    }
    /* place outlets, then residences */
    npts = no + r->n;
    lon = qt__malloc((npts + 1) * sizeof *lon);
    lat = qt__malloc((npts + 1) * sizeof *lat);
    if (!lon || !lat)
        goto nomem;
    for (i = 0; i < no; i++) {
        lon[i] = osrc[i]->lon[oidx[i]];
        lat[i] = osrc[i]->lat[oidx[i]];
    }
    memcpy(lon + no, r->lon, r->n * sizeof *lon);
    memcpy(lat + no, r->lat, r->n * sizeof *lat);
    if ((st = qt_snapper_new(in->graph, &sn, err)) != QT_OK)
        goto done;
    if ((st = qt_place(in->graph, sn, npts, lon, lat, snap_max, &pl, err)) != QT_OK)
        goto done;
    /* outlets first in lon/lat: the baseline ones are those from ol (what-if ones come after them) */
    street_distance(sn, lon, lat, no - nw, 0, &a->outlets_far_share, &a->outlets_median_m);
    street_distance(sn, lon, lat, no - nw, 1, &a->outlets_far_share_gcj, &a->outlets_median_m_gcj);
    street_distance(sn, lon + no, lat + no, r->n, 0, &a->residences_far_share, &a->residences_median_m);
    street_distance(sn, lon + no, lat + no, r->n, 1, &a->residences_far_share_gcj, &a->residences_median_m_gcj);
    a->res_placed = qt__malloc(r->n + 1);
    a->minutes = qt__malloc((r->n * ncat + 1) * sizeof *a->minutes);
    ap = qt__calloc(no + 1, sizeof *ap);
    if (!a->res_placed || !a->minutes || !ap)
        goto nomem;
    for (i = 0; i < r->n; i++) {
        a->res_placed[i] = pl->node[no + i] != QT_NODE_NONE;
        a->residences_unplaced += !a->res_placed[i];
    }
    { /* network coverage: who sits on a part that does not reach the largest */
        qt_components *cc = NULL;
        if ((st = qt_graph_components(pl->graph, &cc, err)) != QT_OK)
            goto done;
        a->network_components = cc->count;
        for (i = 0; i < npts; i++)
            if (pl->node[i] != QT_NODE_NONE && cc->comp[pl->node[i]] != 0) {
                if (i >= no)
                    a->residences_off_main++;
                else if (osrc[i] == ol)
                    a->outlets_off_main++;
            }
        qt_components_free(cc);
    }
    /* baseline outlets first, the what-if ones after them */
    for (i = 0; i < no; i++) {
        if (pl->node[i] == QT_NODE_NONE) {
            if (osrc[i] == ol)
                a->outlets_unplaced++;
            continue;
        }
        if (osrc[i] != ol)
            continue;
        ap[nap].category = (uint32_t)osrc[i]->category[oidx[i]];
        ap[nap].nseeds = 1;
        ap[nap].seeds[0] = (qt_seed){pl->node[i], 0};
        nap++;
    }
    napw = nap;
    for (i = 0; i < no; i++)
        if (pl->node[i] != QT_NODE_NONE && osrc[i] != ol) {
            ap[napw].category = (uint32_t)osrc[i]->category[oidx[i]];
            ap[napw].nseeds = 1;
            ap[napw].seeds[0] = (qt_seed){pl->node[i], 0};
            napw++;
        }
    a->outlets_used = nap;
    /* the placed outlets, baseline ones first, for the outlet figures */
    oi2 = qt__malloc((no + 1) * sizeof *oi2);
    os2 = qt__malloc((no + 1) * sizeof *os2);
    if (!oi2 || !os2)
        goto nomem;
    for (i = 0; i < no; i++)
        if (pl->node[i] != QT_NODE_NONE && osrc[i] == ol) {
            oi2[m] = oidx[i];
            os2[m++] = osrc[i];
        }
    mbase = m;
    for (i = 0; i < no; i++)
        if (pl->node[i] != QT_NODE_NONE && osrc[i] != ol) {
            oi2[m] = oidx[i];
            os2[m++] = osrc[i];
        }
    memset(&ao, 0, sizeof ao);
    ao.max_dist_m = qt__minutes_m(a->max_minutes, a->speed_mps);
    ao.threads = o->threads;
    ao.progress = o->progress;
    ao.progress_ud = o->progress_ud;
    if (!wl) {
        sink_ctx sc = {a, pl, no};
        st = qt_access_stream(pl->graph, (uint32_t)ncat, ap, nap, &ao, times_sink, &sc, err);
        if (st != QT_OK)
            goto done;
    } else {
        /* what-if: keep the baseline, then open the new outlets one by one */
        qt_analysis *b;
        size_t c;
        if ((st = qt_access_run(pl->graph, (uint32_t)ncat, ap, nap, &ao, &acc, err)) != QT_OK)
            goto done;
        for (c = 0; c < ncat; c++)
            fill_times(a, pl, no, (uint32_t)c, NULL, acc);
        /* the baseline's indicators, on the same areas and times */
        b = qt__calloc(1, sizeof *b);
        if (!b)
            goto nomem;
        a->before = b;
        b->ncat = a->ncat;
        b->nres = a->nres;
        b->speed_mps = a->speed_mps;
        b->max_minutes = a->max_minutes;
        b->ncommunities = a->ncommunities;
        b->ncircles = a->ncircles;
        b->outlets_used = nap;
        if ((st = qt__analysis_indicators(b, a, in, os2, oi2, mbase, err)) != QT_OK)
            goto done;
        if ((st = qt_search_new(pl->graph, &ws, err)) != QT_OK)
            goto done;
        for (i = nap; i < napw; i++)
            if ((st = qt_access_add_poi(acc, ws, &ap[i], NULL, err)) != QT_OK)
                goto done;
        for (c = 0; c < ncat; c++)
            fill_times(a, pl, no, (uint32_t)c, NULL, acc);
        a->outlets_used = napw;
    }
    if ((st = qt__analysis_indicators(a, a, in, os2, oi2, m, err)) != QT_OK)
        goto done;
    a->chain_known = ol->cols[QT_OCOL_BRAND] || ol->cols[QT_OCOL_CHAIN] || ol->from_osm;
    a->area_known = ol->cols[QT_OCOL_AREA] != NULL;
    a->staff_known = ol->cols[QT_OCOL_STAFF] != NULL;
    if (a->before) {
        a->before->chain_known = a->chain_known;
        a->before->area_known = a->area_known;
        a->before->staff_known = a->staff_known;
    }
    goto done;
nomem:
    st = qt_error_set(err, QT_ENOMEM, "analyze", _("no memory"));
done:
    qt_search_free(ws);
    qt_access_free(acc);
    qt_placement_free(pl);
    qt_snapper_free(sn);
    qt__free(lon);
    qt__free(lat);
    qt__free(oidx);
    qt__free(osrc);
    qt__free(ap);
    qt__free(oi2);
    qt__free(os2);
    if (st != QT_OK) {
        qt_analysis_free(a);
        return st;
    }
    *out = a;
    return QT_OK;
}

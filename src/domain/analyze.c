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

/* What qt_analyze works with between its steps. */
typedef struct run {
    const qt_analysis_input *in;
    const qt_analysis_opts *o;
    qt_analysis *a;
    size_t no, nw;               /* outlets that count: all, of them what-if */
    size_t *oidx;                /* per outlet that counts: its row in osrc[i] */
    const qt_outlet_list **osrc; /* in->outlets or in->what_if */
    double *lon, *lat;           /* the outlets that count, then the residences */
    qt_snapper *sn;
    qt_placement *pl;
    qt_access_poi *ap; /* placed outlets: baseline ones (nap), then what-if ones (to napw) */
    size_t nap, napw;
    size_t *oi2, m, mbase; /* the placed outlets, baseline ones (mbase) first, for the outlet figures */
    const qt_outlet_list **os2;
} run;

/* Each outlet's community: the one its boundary names, else the nearest residence's. */
static qt_status outlet_communities(const qt_analysis_input *in, qt_analysis *a)
{
    const qt_outlet_list *ol = in->outlets;
    qt__strmap idx = {0};
    size_t nslot = 64, i;
    a->outlet_community = qt__malloc((ol->n + 1) * sizeof *a->outlet_community);
    if (!a->outlet_community ||
        qt__analysis_outlet_homes(a, in->residences, ol->lon, ol->lat, ol->n, a->outlet_community) != QT_OK)
        return QT_ENOMEM;
    if (!in->outlet_community)
        return QT_OK;
    idx.name = a->community; /* borrowed: only the slots are ours */
    idx.n = a->ncommunities;
    while (nslot < 2 * idx.n + 2)
        nslot *= 2;
    if (qt__strmap_rehash(&idx, nslot) != 0)
        return QT_ENOMEM;
    for (i = 0; i < ol->n; i++)
        if (in->outlet_community[i] && in->outlet_community[i][0]) {
            int k = qt__strmap_find(&idx, in->outlet_community[i]);
            a->outlet_community[i] = k >= 0 ? (uint32_t)k : UINT32_MAX;
        }
    qt__strmap_free_slots(&idx);
    return QT_OK;
}

/* The outlets that count: classified, and open at --at; the rest counted. */
static qt_status pick_outlets(run *R)
{
    const qt_outlet_list *ol = R->in->outlets, *wl = R->in->what_if;
    size_t i, total = ol->n + (wl ? wl->n : 0);
    int weekday = R->o->at_weekday >= 0 ? R->o->at_weekday : 0;
    R->oidx = qt__malloc((total + 1) * sizeof *R->oidx);
    R->osrc = qt__malloc((total + 1) * sizeof *R->osrc);
    if (!R->oidx || !R->osrc)
        return QT_ENOMEM;
    for (i = 0; i < total; i++) {
        const qt_outlet_list *l = i < ol->n ? ol : wl;
        size_t j = i < ol->n ? i : i - ol->n;
        if (l->category[j] < 0) {
            if (l == ol)
                R->a->outlets_unclassified++;
            continue;
        }
        if (R->o->at_minute >= 0) {
            int open = qt_hours_open_at(l->hours[j], weekday, R->o->at_minute);
            if (open == 0) {
                if (l == ol)
                    R->a->outlets_closed++;
                continue;
            }
            if (open < 0 && l == ol)
                R->a->outlets_hours_unknown++;
        }
        R->oidx[R->no] = j;
        R->osrc[R->no] = l;
        R->no++;
        if (l == wl)
            R->nw++;
    }
    return QT_OK;
}

/* The outlets that count, then the residences, placed on the streets; how
 * far they sit from them; which residences are placed. */
static qt_status place_points(run *R, qt_error *err)
{
    const qt_residence_list *r = R->in->residences;
    qt_analysis *a = R->a;
    size_t i, no = R->no, npts = no + r->n;
    double snap_max = R->o->snap_max_m > 0 ? R->o->snap_max_m : QT_SNAP_DEFAULT_MAX_M;
    qt_status st;
    R->lon = qt__malloc((npts + 1) * sizeof *R->lon);
    R->lat = qt__malloc((npts + 1) * sizeof *R->lat);
    if (!R->lon || !R->lat)
        return qt_error_set(err, QT_ENOMEM, "analyze", _("no memory"));
    for (i = 0; i < no; i++) {
        R->lon[i] = R->osrc[i]->lon[R->oidx[i]];
        R->lat[i] = R->osrc[i]->lat[R->oidx[i]];
    }
    memcpy(R->lon + no, r->lon, r->n * sizeof *R->lon);
    memcpy(R->lat + no, r->lat, r->n * sizeof *R->lat);
    if ((st = qt_snapper_new(R->in->graph, &R->sn, err)) != QT_OK ||
        (st = qt_place(R->in->graph, R->sn, npts, R->lon, R->lat, snap_max, &R->pl, err)) != QT_OK)
        return st;
    /* outlets first in lon/lat: the baseline ones are those from ol (what-if ones come after them) */
    street_distance(R->sn, R->lon, R->lat, no - R->nw, 0, &a->outlets_far_share, &a->outlets_median_m);
    street_distance(R->sn, R->lon, R->lat, no - R->nw, 1, &a->outlets_far_share_gcj, &a->outlets_median_m_gcj);
    street_distance(R->sn, R->lon + no, R->lat + no, r->n, 0, &a->residences_far_share, &a->residences_median_m);
    street_distance(R->sn, R->lon + no, R->lat + no, r->n, 1, &a->residences_far_share_gcj,
                    &a->residences_median_m_gcj);
    a->res_placed = qt__malloc(r->n + 1);
    a->minutes = qt__malloc((r->n * a->ncat + 1) * sizeof *a->minutes);
    if (!a->res_placed || !a->minutes)
        return qt_error_set(err, QT_ENOMEM, "analyze", _("no memory"));
    for (i = 0; i < r->n; i++) {
        a->res_placed[i] = R->pl->node[no + i] != QT_NODE_NONE;
        a->residences_unplaced += !a->res_placed[i];
    }
    return QT_OK;
}

/* Network coverage: who sits on a part that does not reach the largest. */
static qt_status count_off_main(run *R, qt_error *err)
{
    qt_components *cc = NULL;
    size_t i, npts = R->no + R->in->residences->n;
    qt_status st = qt_graph_components(R->pl->graph, &cc, err);
    if (st != QT_OK)
        return st;
    R->a->network_components = cc->count;
    for (i = 0; i < npts; i++)
        if (R->pl->node[i] != QT_NODE_NONE && cc->comp[R->pl->node[i]] != 0) {
            if (i >= R->no)
                R->a->residences_off_main++;
            else if (R->osrc[i] == R->in->outlets)
                R->a->outlets_off_main++;
        }
    qt_components_free(cc);
    return QT_OK;
}

/* The placed outlets as the access search's POIs, baseline ones first and the
 * what-if ones after them, and in that order for the outlet figures. */
static qt_status outlet_pois(run *R)
{
    const qt_outlet_list *ol = R->in->outlets;
    size_t i, pass;
    R->ap = qt__calloc(R->no + 1, sizeof *R->ap);
    R->oi2 = qt__malloc((R->no + 1) * sizeof *R->oi2);
    R->os2 = qt__malloc((R->no + 1) * sizeof *R->os2);
    if (!R->ap || !R->oi2 || !R->os2)
        return QT_ENOMEM;
    for (i = 0; i < R->no; i++)
        if (R->pl->node[i] == QT_NODE_NONE && R->osrc[i] == ol)
            R->a->outlets_unplaced++;
    for (pass = 0; pass < 2; pass++) { /* 0: baseline, 1: what-if */
        for (i = 0; i < R->no; i++) {
            if (R->pl->node[i] == QT_NODE_NONE || (R->osrc[i] == ol) != (pass == 0))
                continue;
            R->ap[R->napw].category = (uint32_t)R->osrc[i]->category[R->oidx[i]];
            R->ap[R->napw].nseeds = 1;
            R->ap[R->napw].seeds[0] = (qt_seed){R->pl->node[i], 0};
            R->napw++;
            R->oi2[R->m] = R->oidx[i];
            R->os2[R->m++] = R->osrc[i];
        }
        if (pass == 0)
            R->nap = R->napw, R->mbase = R->m;
    }
    R->a->outlets_used = R->nap;
    return QT_OK;
}

/* Minutes from every residence to each 业态: one streamed pass, or for a
 * what-if the baseline (and its indicators in a->before), then the new
 * outlets added one by one. */
static qt_status compute_times(run *R, qt_error *err)
{
    qt_analysis *a = R->a, *b;
    qt_access_opts ao;
    qt_access *acc = NULL;
    qt_search *ws = NULL;
    uint32_t ncat = (uint32_t)a->ncat, c;
    size_t i;
    qt_status st;
    memset(&ao, 0, sizeof ao);
    ao.max_dist_m = qt__minutes_m(a->max_minutes, a->speed_mps);
    ao.threads = R->o->threads;
    ao.progress = R->o->progress;
    ao.progress_ud = R->o->progress_ud;
    if (!R->in->what_if) {
        sink_ctx sc = {a, R->pl, R->no};
        return qt_access_stream(R->pl->graph, ncat, R->ap, R->nap, &ao, times_sink, &sc, err);
    }
    if ((st = qt_access_run(R->pl->graph, ncat, R->ap, R->nap, &ao, &acc, err)) != QT_OK)
        return st;
    for (c = 0; c < ncat; c++)
        fill_times(a, R->pl, R->no, c, NULL, acc);
    /* the baseline's indicators, on the same areas and times */
    if (!(b = a->before = qt__calloc(1, sizeof *b))) {
        st = qt_error_set(err, QT_ENOMEM, "analyze", _("no memory"));
        goto done;
    }
    b->ncat = a->ncat;
    b->nres = a->nres;
    b->speed_mps = a->speed_mps;
    b->max_minutes = a->max_minutes;
    b->ncommunities = a->ncommunities;
    b->ncircles = a->ncircles;
    b->outlets_used = R->nap;
    if ((st = qt__analysis_indicators(b, a, R->in, R->os2, R->oi2, R->mbase, err)) != QT_OK ||
        (st = qt_search_new(R->pl->graph, &ws, err)) != QT_OK)
        goto done;
    for (i = R->nap; i < R->napw; i++)
        if ((st = qt_access_add_poi(acc, ws, &R->ap[i], NULL, err)) != QT_OK)
            goto done;
    for (c = 0; c < ncat; c++)
        fill_times(a, R->pl, R->no, c, NULL, acc);
    a->outlets_used = R->napw;
done:
    qt_search_free(ws);
    qt_access_free(acc);
    return st;
}

qt_status qt_analyze(const qt_analysis_input *in, const qt_analysis_opts *o, qt_analysis **out, qt_error *err)
{
    const qt_profile *p = in->profile;
    const qt_outlet_list *ol = in->outlets;
    size_t ncat = qt_profile_category_count(p), i;
    qt_analysis *a;
    run R;
    qt_status st;

    *out = NULL;
    a = qt__calloc(1, sizeof *a);
    if (!a)
        return qt_error_set(err, QT_ENOMEM, "analyze", _("no memory"));
    a->ncat = ncat;
    a->nres = in->residences->n;
    a->speed_mps = qt__kmh_mps(o->speed_kmh > 0 ? o->speed_kmh : qt_profile_speed_kmh(p, "default"));
    a->max_minutes = o->max_minutes > 0 ? o->max_minutes : 30;
    for (i = 0; i < ncat; i++)
        if (qt_profile_category(p, i)->ring_min > a->max_minutes)
            a->max_minutes = qt_profile_category(p, i)->ring_min;
    memset(&R, 0, sizeof R);
    R.in = in;
    R.o = o;
    R.a = a;
    if ((st = qt__analysis_areas(in, o, a, err)) != QT_OK)
        goto done;
    if ((st = outlet_communities(in, a)) != QT_OK || (st = pick_outlets(&R)) != QT_OK)
        goto nomem;
    if ((st = place_points(&R, err)) != QT_OK || (st = count_off_main(&R, err)) != QT_OK)
        goto done;
    if ((st = outlet_pois(&R)) != QT_OK)
        goto nomem;
    if ((st = compute_times(&R, err)) != QT_OK ||
        (st = qt__analysis_indicators(a, a, in, R.os2, R.oi2, R.m, err)) != QT_OK)
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
    qt_placement_free(R.pl);
    qt_snapper_free(R.sn);
    qt__free(R.lon);
    qt__free(R.lat);
    qt__free(R.oidx);
    qt__free(R.osrc);
    qt__free(R.ap);
    qt__free(R.oi2);
    qt__free(R.os2);
    if (st != QT_OK) {
        qt_analysis_free(a);
        return st;
    }
    *out = a;
    return QT_OK;
}

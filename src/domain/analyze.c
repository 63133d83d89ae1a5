/* SPDX-License-Identifier: MIT */
/*
 * analyze.c -- the planning analysis of quarter/analyze.h: place outlets
 * and residences on the network, one streamed accessibility pass (or a kept
 * one plus incremental additions for a what-if), then the indicators of
 * every community, circle and the city, and the grades.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define FAR_M 200.0          /* "more than 200 m from any street" */
#define OUTLET_HOME_M 500.0  /* an outlet belongs to the community of the nearest residence within this */

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
    qt__free(a);
}

/* ---- the areas: communities and circles ---------------------------------- */

static void grid_cell(double lon, double lat, double lon0, double lat0, double m, long *cx, long *cy)
{
    const double k = QT__M_PER_DEG;
    *cx = (long)floor((lon - lon0) * k * cos(lat0 * QT__DEG2RAD) / m);
    *cy = (long)floor((lat - lat0) * k / m);
}

/* communities of the residences, circles and their members */
static qt_status build_areas(const qt_analysis_input *in, const qt_analysis_opts *o, qt_analysis *a,
                             qt_error *err)
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
            snprintf(buf, sizeof buf, "网格%02ld-%02ld", cy, cx);
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
                                "the circles file names communities, but no residence has a community "
                                "(add a community column to the residences)");
        }
        for (i = 0; i < cl->ncircles; i++)
            for (k = cl->member_start[i]; k < cl->member_start[i + 1]; k++)
                if (!count[cl->member[k]]) {
                    char where[300];
                    snprintf(where, sizeof where, "%s:%zu", cl->path ? cl->path : "circles", cl->line[i]);
                    qt_error_set(err, QT_EINVAL, where,
                                 "circle '%s' names community '%s', which no residence belongs to "
                                 "(a typo, or a community missing from the residences?)",
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
            snprintf(buf, sizeof buf, "生活圈%02ld-%02ld", cy, cx);
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
    return qt_error_set(err, QT_ENOMEM, "analyze", "no memory");
}

/* ---- times ----------------------------------------------------------------- */

typedef struct sink_ctx {
    qt_analysis *a;
    const qt_placement *pl;
    size_t res0; /* first residence in the placement */
} sink_ctx;

static void fill_times(qt_analysis *a, const qt_placement *pl, size_t res0, uint32_t cat,
                       const qt_search *nearest, const qt_access *acc)
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

/* ---- indicators ------------------------------------------------------------ */

static qt_status area_init(qt_area_stats *s, size_t ncat)
{
    memset(s, 0, sizeof *s);
    s->coverage = qt__calloc(ncat ? ncat : 1, sizeof *s->coverage);
    s->unserved = qt__calloc(ncat ? ncat : 1, sizeof *s->unserved);
    s->investment = NAN;
    s->grade = -1;
    return s->coverage && s->unserved ? QT_OK : QT_ENOMEM;
}

/* add residence i (served[c]: within the ring) to s; coverage holds served population until finished */
static void area_add_residence(qt_area_stats *s, const qt_residence_list *r, size_t i, const unsigned char *in_ring,
                               int all_basic, size_t ncat)
{
    size_t c;
    double p = r->population[i];
    s->population += p;
    s->households += r->households[i];
    s->residences++;
    if (isfinite(r->floor_area[i]))
        s->residential_area += r->floor_area[i];
    for (c = 0; c < ncat; c++) {
        if (in_ring[c])
            s->coverage[c] += p;
        else
            s->unserved[c] += p;
    }
    if (all_basic)
        s->all_basic += p;
}

static void area_add(qt_area_stats *dst, const qt_area_stats *src, size_t ncat)
{
    size_t c;
    dst->population += src->population;
    dst->households += src->households;
    dst->residences += src->residences;
    dst->residential_area += src->residential_area;
    for (c = 0; c < ncat; c++) {
        dst->coverage[c] += src->coverage[c];
        dst->unserved[c] += src->unserved[c];
    }
    dst->all_basic += src->all_basic;
    dst->outlets += src->outlets;
    dst->chain_outlets += src->chain_outlets;
    dst->outlets_with_area += src->outlets_with_area;
    dst->outlets_with_staff += src->outlets_with_staff;
    dst->outlet_area += src->outlet_area;
    dst->staff += src->staff;
}

static void area_finish(qt_area_stats *s, const qt_profile *p)
{
    const qt_targets *t = qt_profile_targets(p);
    size_t c, ncat = qt_profile_category_count(p);
    for (c = 0; c < ncat; c++) {
        const qt_category *k = qt_profile_category(p, c);
        s->coverage[c] = s->population > 0 ? s->coverage[c] / s->population : NAN;
        if (k->cls == QT_CLASS_QUALITY)
            s->quality_total++;
        if (k->required && k->cls == QT_CLASS_BASIC)
            s->basic_required++;
        if (!(s->coverage[c] >= t->present_share))
            continue;
        if (k->cls == QT_CLASS_QUALITY)
            s->quality_present++;
        else if (k->required)
            s->basic_present++;
    }
    s->all_basic = s->population > 0 ? s->all_basic / s->population : NAN;
}

/* ---- grading ---------------------------------------------------------------- */

static int grade_holds(const qt_grade_rule *g, const qt_area_stats *s, const qt_targets *t, qt__strbuf *b)
{
    int ok = 1, n = 0;
#define SEP() qt__sb_printf(b, "%s", n++ ? "; " : "")
    if (g->basic_present != -1) {
        int need = g->basic_present == -2 ? s->basic_required : g->basic_present;
        int pass = s->basic_present >= need;
        SEP();
        qt__sb_printf(b, "%d of %d basic present%s", s->basic_present, s->basic_required,
                  pass ? "" : need == s->basic_required ? " (all needed)" : "");
        if (!pass && need != s->basic_required)
            qt__sb_printf(b, " (%d needed)", need);
        ok &= pass;
    }
    if (g->quality_present >= 0) {
        int pass = s->quality_present >= g->quality_present;
        SEP();
        qt__sb_printf(b, "%d quality %s %d", s->quality_present, pass ? ">=" : "<", g->quality_present);
        ok &= pass;
    }
    if (isfinite(g->all_basic_share)) {
        int pass = s->all_basic >= g->all_basic_share - 1e-12;
        SEP();
        qt__sb_printf(b, "all basic in reach for %.0f%% of residents %s %.0f%%", 100 * s->all_basic, pass ? ">=" : "<",
                  100 * g->all_basic_share);
        ok &= pass;
    }
    if (isfinite(g->communities_covered)) {
        double v = s->communities ? (double)s->communities_covered / s->communities : NAN;
        int pass = v >= g->communities_covered - 1e-12;
        SEP();
        qt__sb_printf(b, "%u of %u communities covered", s->communities_covered, s->communities);
        ok &= pass;
    }
    if (isfinite(g->chain_share)) {
        double v = s->outlets ? (double)s->chain_outlets / s->outlets : NAN;
        int pass = v >= g->chain_share - 1e-12;
        SEP();
        if (isfinite(v))
            qt__sb_printf(b, "chain share %.0f%% %s %.0f%%", 100 * v, pass ? ">=" : "<", 100 * g->chain_share);
        else
            qt__sb_printf(b, "chain share unknown (no outlets)");
        ok &= pass;
    }
    if (isfinite(g->satisfaction)) {
        double need_n = t->survey_min_samples;
        SEP();
        if (s->survey_answers < need_n) {
            qt__sb_printf(b, "satisfaction n = %u < %.0f, not yet valid", s->survey_answers, need_n);
            ok = 0;
        } else {
            double v = (double)s->survey_satisfied / s->survey_answers;
            int pass = v >= g->satisfaction - 1e-12;
            qt__sb_printf(b, "satisfaction %.0f%% (n = %u) %s %.0f%%", 100 * v, s->survey_answers, pass ? ">=" : "<",
                      100 * g->satisfaction);
            ok &= pass;
        }
    }
#undef SEP
    return ok;
}

static qt_status grade(qt_area_stats *s, const qt_profile *p)
{
    size_t g, ng = qt_profile_grade_count(p);
    const qt_targets *t = qt_profile_targets(p);
    qt__strbuf b = {0};
    int best = -1;
    for (g = 0; g < ng; g++) {
        qt__strbuf tmp = {0};
        int ok = grade_holds(qt_profile_grade(p, g), s, t, &tmp);
        qt__free(tmp.p);
        if (tmp.oom)
            return QT_ENOMEM;
        if (!ok)
            break;
        best = (int)g;
    }
    s->grade = best;
    /* reasons: why the grade reached, and what the next one lacks */
    if (best >= 0) {
        qt__sb_printf(&b, "%s: ", qt_profile_grade(p, (size_t)best)->name);
        grade_holds(qt_profile_grade(p, (size_t)best), s, t, &b);
    }
    if ((size_t)(best + 1) < ng) {
        qt__sb_printf(&b, "%snot %s: ", b.n ? " — " : "", qt_profile_grade(p, (size_t)best + 1)->name);
        grade_holds(qt_profile_grade(p, (size_t)best + 1), s, t, &b);
    }
    if (b.oom) {
        qt__free(b.p);
        return QT_ENOMEM;
    }
    s->reasons = b.p ? b.p : qt__strdup("");
    return s->reasons ? QT_OK : QT_ENOMEM;
}

/* ---- the whole analysis -------------------------------------------------------- */

/* community of each outlet: the nearest residence within OUTLET_HOME_M, on a grid of that size */
static qt_status outlet_homes(const qt_analysis *a, const qt_residence_list *r, const double *olon,
                              const double *olat, size_t no, uint32_t *home)
{
    const double k = QT__M_PER_DEG;
    double lat0 = 0, coslat;
    size_t i, ncell, *start = NULL, *idx = NULL;
    long minx = 0, miny = 0, maxx = 0, maxy = 0, w, h;
    for (i = 0; i < no; i++)
        home[i] = UINT32_MAX;
    if (!r->n || !no)
        return QT_OK;
    for (i = 0; i < r->n; i++)
        lat0 += r->lat[i];
    lat0 /= (double)r->n;
    coslat = cos(lat0 * QT__DEG2RAD);
#define CX(lon) ((long)floor((lon)*k * coslat / OUTLET_HOME_M))
#define CY(lat) ((long)floor((lat)*k / OUTLET_HOME_M))
    for (i = 0; i < r->n; i++) {
        long x = CX(r->lon[i]), y = CY(r->lat[i]);
        if (!i || x < minx) minx = x;
        if (!i || x > maxx) maxx = x;
        if (!i || y < miny) miny = y;
        if (!i || y > maxy) maxy = y;
    }
    w = maxx - minx + 1;
    h = maxy - miny + 1;
    if ((double)w * (double)h > 64e6) /* residences spread over a continent: not worth a grid */
        return QT_OK;
    ncell = (size_t)(w * h);
    start = qt__calloc(ncell + 1, sizeof *start);
    idx = qt__malloc(r->n * sizeof *idx);
    if (!start || !idx) {
        qt__free(start);
        qt__free(idx);
        return QT_ENOMEM;
    }
    for (i = 0; i < r->n; i++)
        start[(size_t)((CY(r->lat[i]) - miny) * w + (CX(r->lon[i]) - minx)) + 1]++;
    for (i = 0; i < ncell; i++)
        start[i + 1] += start[i];
    {
        size_t *fill = qt__malloc((ncell + 1) * sizeof *fill);
        if (!fill) {
            qt__free(start);
            qt__free(idx);
            return QT_ENOMEM;
        }
        memcpy(fill, start, ncell * sizeof *fill);
        for (i = 0; i < r->n; i++)
            idx[fill[(size_t)((CY(r->lat[i]) - miny) * w + (CX(r->lon[i]) - minx))]++] = i;
        qt__free(fill);
    }
    for (i = 0; i < no; i++) {
        long x = CX(olon[i]), y = CY(olat[i]), dx, dy;
        double best = OUTLET_HOME_M;
        for (dy = -1; dy <= 1; dy++)
            for (dx = -1; dx <= 1; dx++) {
                long cx = x + dx - minx, cy = y + dy - miny;
                size_t j, cell;
                if (cx < 0 || cy < 0 || cx >= w || cy >= h)
                    continue;
                cell = (size_t)(cy * w + cx);
                for (j = start[cell]; j < start[cell + 1]; j++) {
                    size_t ri = idx[j];
                    double d = qt_haversine_m(olon[i], olat[i], r->lon[ri], r->lat[ri]);
                    if (d <= best && a->res_community[ri] != UINT32_MAX) {
                        best = d;
                        home[i] = a->res_community[ri];
                    }
                }
            }
    }
#undef CX
#undef CY
    qt__free(start);
    qt__free(idx);
    return QT_OK;
}

/* indicators of every area into a, from the times and areas of sh (a itself, or the analysis a
   what-if baseline belongs to); the outlets used are osrc[i]'s outlet oidx[i], i < no */
static qt_status indicators(qt_analysis *a, const qt_analysis *sh, const qt_analysis_input *in,
                            const qt_outlet_list *const *osrc, const size_t *oidx, size_t no, qt_error *err)
{
    const qt_profile *p = in->profile;
    const qt_targets *t = qt_profile_targets(p);
    const qt_residence_list *r = in->residences;
    size_t ncat = a->ncat, i, c, k;
    unsigned char *in_ring = qt__malloc(ncat ? ncat : 1);
    double *olon = qt__malloc((no ? no : 1) * sizeof *olon), *olat = qt__malloc((no ? no : 1) * sizeof *olat);
    uint32_t *home = qt__malloc((no ? no : 1) * sizeof *home);
    qt_status st = QT_OK;
    if (!in_ring || !olon || !olat || !home)
        goto nomem;
    a->communities_stats = qt__calloc(a->ncommunities + 1, sizeof *a->communities_stats);
    a->circles_stats = qt__calloc(a->ncircles + 1, sizeof *a->circles_stats);
    if (!a->communities_stats || !a->circles_stats)
        goto nomem;
    for (i = 0; i < a->ncommunities; i++)
        if (area_init(&a->communities_stats[i], ncat) != QT_OK)
            goto nomem;
    for (i = 0; i < a->ncircles; i++)
        if (area_init(&a->circles_stats[i], ncat) != QT_OK)
            goto nomem;
    if (area_init(&a->city, ncat) != QT_OK)
        goto nomem;
    /* residences */
    for (i = 0; i < a->nres; i++) {
        int all = 1;
        if (!sh->res_placed[i])
            continue;
        for (c = 0; c < ncat; c++) {
            const qt_category *k2 = qt_profile_category(p, c);
            in_ring[c] = sh->minutes[i * ncat + c] <= k2->ring_min;
            if (k2->cls == QT_CLASS_BASIC && k2->required && !in_ring[c])
                all = 0;
        }
        area_add_residence(&a->city, r, i, in_ring, all, ncat);
        if (sh->res_community[i] != UINT32_MAX)
            area_add_residence(&a->communities_stats[sh->res_community[i]], r, i, in_ring, all, ncat);
    }
    /* outlets, each in the community of its nearest residence */
    for (i = 0; i < no; i++) {
        olon[i] = osrc[i]->lon[oidx[i]];
        olat[i] = osrc[i]->lat[oidx[i]];
    }
    if (outlet_homes(sh, r, olon, olat, no, home) != QT_OK)
        goto nomem;
    for (i = 0; i < no; i++) /* the input's outlets: as the analysis placed them (boundaries first) */
        if (osrc[i] == in->outlets && sh->outlet_community)
            home[i] = sh->outlet_community[oidx[i]];
    for (i = 0; i < no; i++) {
        const qt_outlet_list *l = osrc[i];
        size_t j = oidx[i];
        qt_area_stats *targets2[2] = {&a->city, home[i] != UINT32_MAX ? &a->communities_stats[home[i]] : NULL};
        for (k = 0; k < 2; k++) {
            qt_area_stats *s = targets2[k];
            if (!s)
                continue;
            s->outlets++;
            s->chain_outlets += l->chain[j];
            if (isfinite(l->floor_area[j])) {
                s->outlets_with_area++;
                s->outlet_area += l->floor_area[j];
            }
            if (isfinite(l->staff[j])) {
                s->outlets_with_staff++;
                s->staff += l->staff[j];
            }
        }
    }
    /* circles: the sums of their communities */
    for (i = 0; i < a->ncircles; i++) {
        qt_area_stats *s = &a->circles_stats[i];
        for (k = sh->circle_start[i]; k < sh->circle_start[i + 1]; k++)
            area_add(s, &a->communities_stats[sh->circle_member[k]], ncat);
        s->communities = (uint32_t)(sh->circle_start[i + 1] - sh->circle_start[i]);
        if (in->circles && isfinite(in->circles->investment[i]))
            s->investment = in->circles->investment[i];
        if (in->survey && i < in->survey->ncircles) {
            s->survey_answers = in->survey->answers[i];
            s->survey_satisfied = in->survey->satisfied[i];
            a->city.survey_answers += s->survey_answers;
            a->city.survey_satisfied += s->survey_satisfied;
        }
        if (isfinite(s->investment))
            a->city.investment = isfinite(a->city.investment) ? a->city.investment + s->investment : s->investment;
    }
    /* finish: shares, presence, covered communities, grades */
    for (i = 0; i < a->ncommunities; i++) {
        qt_area_stats *s = &a->communities_stats[i];
        area_finish(s, p);
        s->communities = 1;
        s->communities_covered = s->all_basic >= t->community_covered_share - 1e-12;
        a->city.communities++;
        a->city.communities_covered += s->communities_covered;
    }
    for (i = 0; i < a->ncircles; i++) {
        qt_area_stats *s = &a->circles_stats[i];
        area_finish(s, p);
        for (k = sh->circle_start[i]; k < sh->circle_start[i + 1]; k++)
            s->communities_covered += a->communities_stats[sh->circle_member[k]].communities_covered;
        if ((st = grade(s, p)) != QT_OK)
            goto nomem;
    }
    area_finish(&a->city, p);
    if ((st = grade(&a->city, p)) != QT_OK)
        goto nomem;
    qt__free(in_ring);
    qt__free(olon);
    qt__free(olat);
    qt__free(home);
    return QT_OK;
nomem:
    qt__free(in_ring);
    qt__free(olon);
    qt__free(olat);
    qt__free(home);
    return qt_error_set(err, QT_ENOMEM, "analyze", "no memory for the indicators");
}

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
        return qt_error_set(err, QT_ENOMEM, "analyze", "no memory");
    a->ncat = ncat;
    a->nres = r->n;
    a->speed_mps = qt__kmh_mps(o->speed_kmh > 0 ? o->speed_kmh : qt_profile_speed_kmh(p, "default"));
    a->max_minutes = o->max_minutes > 0 ? o->max_minutes : 30;
    for (i = 0; i < ncat; i++)
        if (qt_profile_category(p, i)->ring_min > a->max_minutes)
            a->max_minutes = qt_profile_category(p, i)->ring_min;
    if ((st = build_areas(in, o, a, err)) != QT_OK)
        goto done;
    /* each outlet's community: the one its boundary names, else the nearest residence's */
    a->outlet_community = qt__malloc((ol->n + 1) * sizeof *a->outlet_community);
    if (!a->outlet_community || outlet_homes(a, r, ol->lon, ol->lat, ol->n, a->outlet_community) != QT_OK)
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
        if ((st = indicators(b, a, in, os2, oi2, mbase, err)) != QT_OK)
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
    if ((st = indicators(a, a, in, os2, oi2, m, err)) != QT_OK)
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
    st = qt_error_set(err, QT_ENOMEM, "analyze", "no memory");
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

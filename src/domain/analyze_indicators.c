/* SPDX-License-Identifier: MIT */
/*
 * analyze_indicators.c -- the indicators of every community, circle and the city
 * (quarter/analyze.h): population served per 业态, outlets per area, floor
 * areas, survey answers, then the grades of analyze_grade.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/keysort.h"
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

#define OUTLET_HOME_M 500.0 /* an outlet belongs to the community of the nearest residence within this */

/* ---- indicators ------------------------------------------------------------ */

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

/* The residences copied out cell by cell (file order within a cell), on a grid of OUTLET_HOME_M cells. */
typedef struct home_grid {
    double k, coslat; /* metres per degree; the longitude scale at the residences' mean latitude */
    long minx, miny, w, h;
    size_t ncell, *start; /* per cell: the first of its residences below */
    double *glon, *glat;
    uint32_t *gcom;
} home_grid;

static inline long grid_cx(const home_grid *G, double lon)
{
    return (long)floor(lon * G->k * G->coslat / OUTLET_HOME_M);
}

static inline long grid_cy(const home_grid *G, double lat)
{
    return (long)floor(lat * G->k / OUTLET_HOME_M);
}

/* The grid's scale and extent over the residences (r->n > 0); 0 when it would be too large to be worth it. */
static int grid_extent(home_grid *G, const qt_residence_list *r)
{
    double lat0 = 0;
    long maxx = 0, maxy = 0;
    size_t i;
    G->k = QT__M_PER_DEG;
    for (i = 0; i < r->n; i++)
        lat0 += r->lat[i];
    lat0 /= (double)r->n;
    G->coslat = cos(lat0 * QT__DEG2RAD);
    for (i = 0; i < r->n; i++) {
        long x = grid_cx(G, r->lon[i]), y = grid_cy(G, r->lat[i]);
        if (!i || x < G->minx)
            G->minx = x;
        if (!i || x > maxx)
            maxx = x;
        if (!i || y < G->miny)
            G->miny = y;
        if (!i || y > maxy)
            maxy = y;
    }
    G->w = maxx - G->minx + 1;
    G->h = maxy - G->miny + 1;
    if ((double)G->w * (double)G->h > 64e6) /* residences spread over a continent: not worth a grid */
        return 0;
    G->ncell = (size_t)(G->w * G->h);
    return 1;
}

/* Copies the residences' positions and communities out cell by cell; cell[] is scratch. */
static void grid_fill(home_grid *G, const qt_analysis *a, const qt_residence_list *r, size_t *cell)
{
    size_t i, *start = G->start;
    for (i = 0; i < r->n; i++) {
        cell[i] = (size_t)((grid_cy(G, r->lat[i]) - G->miny) * G->w + (grid_cx(G, r->lon[i]) - G->minx));
        start[cell[i] + 1]++;
    }
    for (i = 0; i < G->ncell; i++)
        start[i + 1] += start[i];
    for (i = 0; i < r->n; i++) { /* start[c] runs ahead while filling, then is put back */
        size_t j = start[cell[i]]++;
        G->glon[j] = r->lon[i];
        G->glat[j] = r->lat[i];
        G->gcom[j] = a->res_community[i];
    }
    for (i = G->ncell; i > 0; i--)
        start[i] = start[i - 1];
    start[0] = 0;
}

/* The outlets by cell (off the grid: INT64_MAX), so neighbouring outlets read the same few cells. */
static void grid_order(const home_grid *G, const double *olon, const double *olat, size_t no, qt__keyed *ord)
{
    size_t i;
    for (i = 0; i < no; i++) {
        long x = grid_cx(G, olon[i]) - G->minx, y = grid_cy(G, olat[i]) - G->miny;
        ord[i].key = x >= -1 && y >= -1 && x <= G->w && y <= G->h ? (int64_t)((y + 1) * (G->w + 2) + (x + 1))
                                                                  : INT64_MAX;
        ord[i].i = i;
    }
    qt__keyed_sort(ord, no);
}

/* The community of the nearest residence within OUTLET_HOME_M of (lon, lat), or UINT32_MAX. */
static inline uint32_t grid_nearest(const home_grid *G, double lon, double lat)
{
    long x = grid_cx(G, lon), y = grid_cy(G, lat), dx, dy;
    double best = OUTLET_HOME_M;
    uint32_t home = UINT32_MAX;
    /* a cheap planar distance (equirectangular at the outlet's latitude) first: within a
       kilometre it is within a fraction of a per mille of the haversine distance, so a
       residence it puts beyond best (with a 1% + 1 m margin) cannot be the nearest, and the
       haversine distance (which decides, ties to the later residence as before) is only
       computed for the rest */
    double ky = fabs(lat) < 80 ? G->k : 0, kx = ky * cos(lat * QT__DEG2RAD); /* no filter near a pole */
    for (dy = -1; dy <= 1; dy++)
        for (dx = -1; dx <= 1; dx++) {
            long cx = x + dx - G->minx, cy = y + dy - G->miny;
            size_t j, c;
            if (cx < 0 || cy < 0 || cx >= G->w || cy >= G->h)
                continue;
            c = (size_t)(cy * G->w + cx);
            for (j = G->start[c]; j < G->start[c + 1]; j++) {
                double ex = (G->glon[j] - lon) * kx, ey = (G->glat[j] - lat) * ky, lim = best * 1.01 + 1;
                if (ex * ex + ey * ey > lim * lim)
                    continue;
                double d = qt_haversine_m(lon, lat, G->glon[j], G->glat[j]);
                if (d <= best && G->gcom[j] != UINT32_MAX) {
                    best = d;
                    home = G->gcom[j];
                }
            }
        }
    return home;
}

/* community of each outlet: the nearest residence within OUTLET_HOME_M, on a grid of that size.
   The residences are copied out cell by cell (file order within a cell) and the outlets visited in
   cell order, so neighbouring outlets read the same few cells; each outlet's answer is what it was
   in file order. */
qt_status qt__analysis_outlet_homes(const qt_analysis *a, const qt_residence_list *r, const double *olon,
                                    const double *olat, size_t no, uint32_t *home)
{
    home_grid G = {0};
    size_t i, *cell = NULL, oi;
    qt__keyed *ord = NULL; /* the outlets by cell (off the grid: INT64_MAX) */
    qt_status st = QT_OK;
    for (i = 0; i < no; i++)
        home[i] = UINT32_MAX;
    if (!r->n || !no)
        return QT_OK;
    if (!grid_extent(&G, r))
        return QT_OK;
    G.start = qt__calloc(G.ncell + 1, sizeof *G.start);
    cell = qt__malloc(r->n * sizeof *cell);
    G.glon = qt__malloc(r->n * sizeof *G.glon);
    G.glat = qt__malloc(r->n * sizeof *G.glat);
    G.gcom = qt__malloc(r->n * sizeof *G.gcom);
    ord = qt__malloc(no * sizeof *ord);
    if (!G.start || !cell || !G.glon || !G.glat || !G.gcom || !ord) {
        st = QT_ENOMEM;
        goto done;
    }
    grid_fill(&G, a, r, cell);
    grid_order(&G, olon, olat, no, ord);
    for (oi = 0; oi < no; oi++) {
        size_t i2 = ord[oi].i;
        if (ord[oi].key == INT64_MAX)
            continue; /* no residence within a cell of it */
        home[i2] = grid_nearest(&G, olon[i2], olat[i2]);
    }
done:
    qt__free(G.start);
    qt__free(cell);
    qt__free(G.glon);
    qt__free(G.glat);
    qt__free(G.gcom);
    qt__free(ord);
    return st;
}

/* The stats of every community, circle and the city, empty; -1 on no memory. */
static int indicators_alloc(qt_analysis *a, size_t ncat)
{
    size_t i;
    a->communities_stats = qt__calloc(a->ncommunities + 1, sizeof *a->communities_stats);
    a->circles_stats = qt__calloc(a->ncircles + 1, sizeof *a->circles_stats);
    if (!a->communities_stats || !a->circles_stats)
        return -1;
    for (i = 0; i < a->ncommunities; i++)
        if (area_init(&a->communities_stats[i], ncat) != QT_OK)
            return -1;
    for (i = 0; i < a->ncircles; i++)
        if (area_init(&a->circles_stats[i], ncat) != QT_OK)
            return -1;
    return area_init(&a->city, ncat) != QT_OK ? -1 : 0;
}

/* Every placed residence into the city and its community; in_ring is scratch for ncat flags. */
static void add_residences(qt_analysis *a, const qt_analysis *sh, const qt_profile *p, const qt_residence_list *r,
                           unsigned char *in_ring)
{
    size_t ncat = a->ncat, i, c;
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
}

/* The community of each outlet: the input's outlets as the analysis placed them (boundaries
   first); the others (a what-if's) by the nearest residence.  olon/olat are scratch for no
   outlets.  -1 on no memory. */
static int outlet_communities(const qt_analysis *sh, const qt_analysis_input *in, const qt_outlet_list *const *osrc,
                              const size_t *oidx, size_t no, double *olon, double *olat, uint32_t *home)
{
    size_t i, nother = 0;
    uint32_t *other;
    for (i = 0; i < no; i++)
        if (osrc[i] == in->outlets && sh->outlet_community)
            home[i] = sh->outlet_community[oidx[i]];
        else {
            olon[nother] = osrc[i]->lon[oidx[i]];
            olat[nother] = osrc[i]->lat[oidx[i]];
            nother++;
        }
    other = qt__malloc((nother ? nother : 1) * sizeof *other);
    if (!other || qt__analysis_outlet_homes(sh, in->residences, olon, olat, nother, other) != QT_OK) {
        qt__free(other);
        return -1;
    }
    for (i = 0, nother = 0; i < no; i++)
        if (!(osrc[i] == in->outlets && sh->outlet_community))
            home[i] = other[nother++];
    qt__free(other);
    return 0;
}

/* Every outlet into the city and its community (home[i]). */
static void add_outlets(qt_analysis *a, const qt_outlet_list *const *osrc, const size_t *oidx, size_t no,
                        const uint32_t *home)
{
    size_t i, k;
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
}

/* circles: the sums of their communities, with their investment and survey answers */
static void sum_circles(qt_analysis *a, const qt_analysis *sh, const qt_analysis_input *in)
{
    size_t i, k;
    for (i = 0; i < a->ncircles; i++) {
        qt_area_stats *s = &a->circles_stats[i];
        for (k = sh->circle_start[i]; k < sh->circle_start[i + 1]; k++)
            area_add(s, &a->communities_stats[sh->circle_member[k]], a->ncat);
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
}

/* finish: shares, presence, covered communities, grades */
static qt_status finish_areas(qt_analysis *a, const qt_analysis *sh, const qt_profile *p)
{
    const qt_targets *t = qt_profile_targets(p);
    size_t i, k;
    qt_status st;
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
        if ((st = qt__analysis_grade(s, p)) != QT_OK)
            return st;
    }
    area_finish(&a->city, p);
    return qt__analysis_grade(&a->city, p);
}

/* indicators of every area into a, from the times and areas of sh (a itself, or the analysis a
   what-if baseline belongs to); the outlets used are osrc[i]'s outlet oidx[i], i < no */
qt_status qt__analysis_indicators(qt_analysis *a, const qt_analysis *sh, const qt_analysis_input *in,
                                  const qt_outlet_list *const *osrc, const size_t *oidx, size_t no, qt_error *err)
{
    size_t ncat = a->ncat;
    unsigned char *in_ring = qt__malloc(ncat ? ncat : 1);
    double *olon = qt__malloc((no ? no : 1) * sizeof *olon), *olat = qt__malloc((no ? no : 1) * sizeof *olat);
    uint32_t *home = qt__malloc((no ? no : 1) * sizeof *home);
    int ok = in_ring && olon && olat && home && indicators_alloc(a, ncat) == 0;
    if (ok) {
        add_residences(a, sh, in->profile, in->residences, in_ring);
        /* outlets, each in the community of its nearest residence */
        ok = outlet_communities(sh, in, osrc, oidx, no, olon, olat, home) == 0;
    }
    if (ok) {
        add_outlets(a, osrc, oidx, no, home);
        sum_circles(a, sh, in);
        ok = finish_areas(a, sh, in->profile) == QT_OK;
    }
    qt__free(in_ring);
    qt__free(olon);
    qt__free(olat);
    qt__free(home);
    return ok ? QT_OK : qt_error_set(err, QT_ENOMEM, "analyze", _("no memory for the indicators"));
}

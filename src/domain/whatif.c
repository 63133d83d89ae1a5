/* SPDX-License-Identifier: MIT */
/*
 * domain/whatif.c -- the planner's quick what-if (domain/whatif.h).
 *
 * The baseline's served population per area and 业态 (and the population
 * reaching every basic 业态) is summed once, in qt__whatif_new; a what-if
 * then visits only the residences the added outlets reach, adds the people
 * they newly serve to those sums, and clears what it marked.  A request
 * costs the bounded searches and the reached residences, not a pass over
 * every residence and 业态 of the city.
 */
#include <math.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "domain/whatif.h"
#include "quarter/place.h"
#include "quarter/search.h"
#include "quarter/snap.h"

struct qt__whatif {
    const qt_profile *profile;
    qt__whatif_homes homes;
    const qt_analysis *base;
    double snap_max_m;
    qt_placement *pl;     /* residences placed on the network */
    qt_snapper *sn;       /* of pl->graph */
    qt_search *ws;        /* on pl->graph */
    uint32_t *node_first; /* pl->graph nodes + 1: residences at node v are node_res[node_first[v] ..] */
    uint32_t *node_res;
    uint32_t *res_circle; /* per residence: circle index, UINT32_MAX none */
    unsigned char *basic; /* per category: counts towards all_basic */
    double *ring_m;       /* per category: the ring in walking metres */
    double *pop0;         /* the baseline: per area (circles, then the city) [ncat] served, all basic, P */
    unsigned char *newly; /* nres x ncat: reached within the ring by an added outlet (all 0 between runs) */
    unsigned char *mark;  /* nres: in touched (all 0 between runs) */
    uint32_t *touched;    /* residences reached in this run */
    size_t ntouched, touched_cap;
};

/* Residence i into pop: with newly NULL its baseline (served per 业态, all
 * basic, P); else only what the added outlets change (the people newly
 * served, and newly reaching every basic 业态). */
static void count_residence(const qt__whatif *w, size_t i, const unsigned char *newly, double *pop)
{
    const qt_analysis *a = w->base;
    size_t ncat = a->ncat, nc = a->ncircles;
    double p = w->homes.population[i];
    size_t areas[2] = {nc, w->res_circle[i]};
    int all0 = 1, all1 = 1;
    for (size_t k = 0; k < ncat; k++) {
        float m = a->minutes[i * ncat + k];
        int served0 = m <= qt_profile_category(w->profile, k)->ring_min;
        int served1 = served0 || (newly && newly[i * ncat + k]);
        all0 &= !w->basic[k] || served0;
        all1 &= !w->basic[k] || served1;
        if (newly ? served1 && !served0 : served0)
            for (int t = 0; t < 2; t++)
                if (areas[t] != UINT32_MAX)
                    pop[areas[t] * (ncat + 2) + k] += p;
    }
    for (int t = 0; t < 2; t++) {
        if (areas[t] == UINT32_MAX)
            continue;
        if (newly ? all1 && !all0 : all0)
            pop[areas[t] * (ncat + 2) + ncat] += p;
        if (!newly)
            pop[areas[t] * (ncat + 2) + ncat + 1] += p;
    }
}

void qt__whatif_free(qt__whatif *w)
{
    if (!w)
        return;
    qt_search_free(w->ws);
    qt_snapper_free(w->sn);
    qt_placement_free(w->pl);
    qt__free(w->node_first);
    qt__free(w->node_res);
    qt__free(w->res_circle);
    qt__free(w->basic);
    qt__free(w->ring_m);
    qt__free(w->pop0);
    qt__free(w->newly);
    qt__free(w->mark);
    qt__free(w->touched);
    qt__free(w);
}

/* The residences placed on g, and a snapper and search workspace on the placed graph. */
static qt_status whatif_place(qt__whatif *w, const qt_graph *g, size_t nres, qt_error *err)
{
    qt_snapper *sn0 = NULL;
    qt_status st;
    if ((st = qt_snapper_new(g, &sn0, err)) != QT_OK ||
        (st = qt_place(g, sn0, nres, w->homes.lon, w->homes.lat, w->snap_max_m, &w->pl, err)) != QT_OK ||
        (st = qt_snapper_new(w->pl->graph, &w->sn, err)) != QT_OK ||
        (st = qt_search_new(w->pl->graph, &w->ws, err)) != QT_OK) {
        qt_snapper_free(sn0);
        return st;
    }
    qt_snapper_free(sn0);
    return QT_OK;
}

/* The residences at each node of the placed graph (node_first, node_res); -1 on no memory. */
static int whatif_index_nodes(qt__whatif *w, uint32_t nn, size_t nres)
{
    uint32_t *fill;
    for (size_t i = 0; i < nres; i++)
        if (w->pl->node[i] != QT_NODE_NONE)
            w->node_first[w->pl->node[i] + 1]++;
    for (uint32_t v = 0; v < nn; v++)
        w->node_first[v + 1] += w->node_first[v];
    fill = qt__malloc_array((size_t)nn + 1, sizeof *fill);
    if (!fill)
        return -1;
    memcpy(fill, w->node_first, ((size_t)nn + 1) * sizeof *fill);
    for (size_t i = 0; i < nres; i++)
        if (w->pl->node[i] != QT_NODE_NONE)
            w->node_res[fill[w->pl->node[i]]++] = (uint32_t)i;
    qt__free(fill);
    return 0;
}

/* Each residence's circle: the first circle its community is a member of. */
static void whatif_res_circles(qt__whatif *w, const qt_analysis *base, uint32_t *com_circle)
{
    for (size_t k = 0; k < base->ncommunities; k++)
        com_circle[k] = UINT32_MAX;
    for (size_t c = 0; c < base->ncircles; c++)
        for (size_t k = base->circle_start[c]; k < base->circle_start[c + 1]; k++)
            if (com_circle[base->circle_member[k]] == UINT32_MAX)
                com_circle[base->circle_member[k]] = (uint32_t)c;
    for (size_t i = 0; i < base->nres; i++)
        w->res_circle[i] = base->res_community[i] != UINT32_MAX ? com_circle[base->res_community[i]] : UINT32_MAX;
}

qt_status qt__whatif_new(const qt_graph *g, const qt_profile *p, const qt__whatif_homes *homes,
                         const qt_analysis_opts *o, const qt_analysis *base, qt__whatif **out, qt_error *err)
{
    size_t nres = base->nres;
    qt_status st;
    *out = NULL;
    qt__whatif *w = qt__calloc(1, sizeof *w);
    if (!w)
        return qt_error_set(err, QT_ENOMEM, "what-if", _("out of memory"));
    w->profile = p;
    w->homes = *homes;
    w->base = base;
    w->snap_max_m = o->snap_max_m > 0 ? o->snap_max_m : QT_SNAP_DEFAULT_MAX_M;
    if ((st = whatif_place(w, g, nres, err)) != QT_OK) {
        qt__whatif_free(w);
        return st;
    }
    uint32_t nn = qt_graph_node_count(w->pl->graph);
    w->node_first = qt__calloc((size_t)nn + 1, sizeof *w->node_first);
    w->node_res = qt__malloc_array(nres + 1, sizeof *w->node_res);
    w->res_circle = qt__malloc_array(nres + 1, sizeof *w->res_circle);
    w->basic = qt__calloc(base->ncat + 1, 1);
    w->ring_m = qt__malloc_array(base->ncat + 1, sizeof *w->ring_m);
    uint32_t *com_circle = qt__malloc_array(base->ncommunities + 1, sizeof *com_circle);
    if (!w->node_first || !w->node_res || !w->res_circle || !w->basic || !w->ring_m || !com_circle ||
        whatif_index_nodes(w, nn, nres) != 0) {
        qt__free(com_circle);
        qt__whatif_free(w);
        return qt_error_set(err, QT_ENOMEM, "what-if", _("out of memory"));
    }
    whatif_res_circles(w, base, com_circle);
    qt__free(com_circle);
    for (size_t k = 0; k < base->ncat; k++) {
        const qt_category *c = qt_profile_category(p, k);
        w->basic[k] = c->cls == QT_CLASS_BASIC && c->required;
        w->ring_m[k] = c->ring_min * 60.0 * base->speed_mps;
    }
    w->pop0 = qt__calloc((base->ncircles + 1) * (base->ncat + 2), sizeof *w->pop0);
    w->newly = qt__calloc(nres * base->ncat + 1, 1);
    w->mark = qt__calloc(nres + 1, 1);
    if (!w->pop0 || !w->newly || !w->mark) {
        qt__whatif_free(w);
        return qt_error_set(err, QT_ENOMEM, "what-if", _("out of memory"));
    }
    for (size_t i = 0; i < nres; i++)
        if (base->res_placed[i])
            count_residence(w, i, NULL, w->pop0);
    *out = w;
    return QT_OK;
}

void qt__whatif_result_free(qt__whatif_result *r)
{
    if (!r)
        return;
    qt__free(r->city.coverage);
    for (size_t c = 0; r->circles && c < r->ncircles; c++)
        qt__free(r->circles[c].coverage);
    qt__free(r->circles);
    qt__free(r);
}

static void clear_marks(qt__whatif *w)
{
    size_t ncat = w->base->ncat;
    for (size_t t = 0; t < w->ntouched; t++) {
        w->mark[w->touched[t]] = 0;
        memset(w->newly + (size_t)w->touched[t] * ncat, 0, ncat);
    }
    w->ntouched = 0;
}

/* Added outlet ad (the i-th, 1-based in messages): the residences within its
 * category's ring marked newly served; *unplaced counted when it does not snap. */
static qt_status whatif_add_one(qt__whatif *w, const qt__whatif_add *ad, size_t i, size_t *unplaced, qt_error *err)
{
    size_t ncat = w->base->ncat;
    qt_status st;
    if (ad->category < 0 || (size_t)ad->category >= ncat)
        return qt_error_set(err, QT_EINVAL, "category", _("what-if outlet %zu has no category of the profile"), i + 1);
    qt_snap sp;
    qt_seed seeds[2];
    qt_error e2;
    qt_error_clear(&e2);
    if (qt_snapper_snap(w->sn, ad->lon, ad->lat, QT_SNAP_EDGE, w->snap_max_m, &sp, &e2) != QT_OK) {
        (*unplaced)++;
        return QT_OK;
    }
    size_t ns = qt_snap_seeds(w->pl->graph, &sp, QT_SNAP_EDGE, seeds);
    size_t k = (size_t)ad->category;
    if ((st = qt_search_run(w->ws, seeds, ns, w->ring_m[k], 0, err)) != QT_OK)
        return st;
    const uint32_t *reached;
    size_t nr = qt_search_reached(w->ws, &reached);
    for (size_t j = 0; j < nr; j++) {
        uint32_t v = reached[j];
        double d = qt_search_dist(w->ws, v);
        if (!(d <= w->ring_m[k]))
            continue;
        for (uint32_t q = w->node_first[v]; q < w->node_first[v + 1]; q++) {
            uint32_t r = w->node_res[q];
            if (!w->mark[r]) {
                if (qt__grow((void **)&w->touched, &w->touched_cap, w->ntouched + 1, sizeof *w->touched) != 0)
                    return qt_error_set(err, QT_ENOMEM, "what-if", _("out of memory"));
                w->mark[r] = 1;
                w->touched[w->ntouched++] = r;
            }
            w->newly[(size_t)r * ncat + k] = 1;
        }
    }
    return QT_OK;
}

/* The shares of every circle and the city from pop; -1 on no memory. */
static int whatif_shares(qt__whatif_result *res, const double *pop, size_t nc, size_t ncat)
{
    res->circles = qt__calloc(nc + 1, sizeof *res->circles);
    if (!res->circles)
        return -1;
    for (size_t c = 0; c <= nc; c++) {
        qt__whatif_area *ar = c == nc ? &res->city : &res->circles[c];
        double P = pop[c * (ncat + 2) + ncat + 1];
        ar->coverage = qt__malloc_array(ncat + 1, sizeof *ar->coverage);
        if (!ar->coverage)
            return -1;
        for (size_t k = 0; k < ncat; k++)
            ar->coverage[k] = P > 0 ? pop[c * (ncat + 2) + k] / P : NAN;
        ar->all_basic = P > 0 ? pop[c * (ncat + 2) + ncat] / P : NAN;
    }
    return 0;
}

qt_status qt__whatif_run(qt__whatif *w, const qt__whatif_add *add, size_t n, qt__whatif_result **out, qt_error *err)
{
    const qt_analysis *a = w->base;
    size_t ncat = a->ncat, nc = a->ncircles;
    qt_status st = QT_OK;
    *out = NULL;
    qt__whatif_result *res = qt__calloc(1, sizeof *res);
    size_t npop = (nc + 1) * (ncat + 2);
    double *pop = qt__malloc_array(npop, sizeof *pop); /* per area: [ncat] served, [ncat] all basic, [ncat+1] P */
    if (!res || !pop)
        goto oom;
    memcpy(pop, w->pop0, npop * sizeof *pop);
    res->ncat = ncat;
    res->ncircles = nc;
    w->ntouched = 0;
    for (size_t i = 0; i < n; i++)
        if ((st = whatif_add_one(w, &add[i], i, &res->unplaced, err)) != QT_OK)
            goto fail;
    /* the reached residences: the people the added outlets newly serve */
    for (size_t t = 0; t < w->ntouched; t++) {
        uint32_t i = w->touched[t];
        if (a->res_placed[i])
            count_residence(w, i, w->newly, pop);
    }
    if (whatif_shares(res, pop, nc, ncat) != 0)
        goto oom;
    qt__free(pop);
    clear_marks(w);
    *out = res;
    return QT_OK;
oom:
    st = qt_error_set(err, QT_ENOMEM, "what-if", _("out of memory"));
fail:
    clear_marks(w);
    qt__free(pop);
    qt__whatif_result_free(res);
    return st;
}

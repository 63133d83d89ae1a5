/* SPDX-License-Identifier: MIT */
/*
 * site.c -- maximal covering location for one 业态 (quarter/site.h): the
 * coverage of each candidate by bounded searches on all cores, lazy greedy,
 * and the exact model through GLPK.
 */
#include <glpk.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/heap.h"
#include "base/geo.h"
#include "core/search_internal.h"
#include "quarter/place.h"
#include "quarter/inputs.h"
#include "quarter/search.h"
#include "quarter/site.h"
#include "quarter/snap.h"

void qt_site_result_free(qt_site_result *r)
{
    if (!r)
        return;
    qt__free(r->cand_lon);
    qt__free(r->cand_lat);
    qt__free(r->chosen);
    qt__free(r->gain);
    qt__free(r->exact_chosen);
    qt__free(r);
}

/* coverage lists: cover[start[j] .. start[j+1]) are the demand indices candidate j serves */
typedef struct cover {
    uint32_t **list;
    uint32_t *len;
} cover;

typedef struct work {
    const qt_graph *g;
    const uint32_t *cand_node; /* per candidate, QT_NODE_NONE when not placed */
    const uint32_t *demand_of; /* per node of g, demand index or UINT32_MAX */
    size_t ncand;
    double limit_m;
    cover *cv;
    atomic_size_t next;
    atomic_int failed;
} work;

static int by_index(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * Per candidate: one bounded search over the core of the network (chains
 * filled, the same distances as node by node), the demand it reaches in
 * ascending demand order, whatever order the search settled them in.
 */
static void *worker(void *arg)
{
    work *w = arg;
    qt_search *s = NULL;
    qt_error err = QT_ERROR_INIT;
    uint32_t *buf = NULL;
    size_t cap = 0;
    if (qt_search_new(w->g, &s, &err) != QT_OK) {
        atomic_store(&w->failed, 1);
        return NULL;
    }
    for (;;) {
        size_t j = atomic_fetch_add(&w->next, 1), n = 0, i, nr;
        const uint32_t *reached;
        qt_seed seed;
        if (j >= w->ncand || atomic_load(&w->failed))
            break;
        if (w->cand_node[j] == QT_NODE_NONE)
            continue;
        seed.node = w->cand_node[j];
        seed.dist_m = 0;
        if (qt__search_run_core(s, &seed, 1, w->limit_m, &err) != QT_OK) {
            atomic_store(&w->failed, 1);
            break;
        }
        nr = qt_search_reached(s, &reached);
        for (i = 0; i < nr; i++) {
            uint32_t d = w->demand_of[reached[i]];
            if (d == UINT32_MAX || !(qt_search_dist(s, reached[i]) <= w->limit_m))
                continue;
            if (n == cap) {
                size_t c2 = cap;
                if (qt__grow((void **)&buf, &c2, n + 1, sizeof *buf) != 0) {
                    atomic_store(&w->failed, 1);
                    break;
                }
                cap = c2;
            }
            buf[n++] = d;
        }
        if (atomic_load(&w->failed))
            break;
        if (n) {
            qsort(buf, n, sizeof *buf, by_index);
            w->cv->list[j] = qt__malloc(n * sizeof *buf);
            if (!w->cv->list[j]) {
                atomic_store(&w->failed, 1);
                break;
            }
            memcpy(w->cv->list[j], buf, n * sizeof *buf);
        }
        w->cv->len[j] = (uint32_t)n;
    }
    qt__free(buf);
    qt_search_free(s);
    return NULL;
}

/* ---- lazy greedy --------------------------------------------------------------- */

static double gain_of(const cover *cv, uint32_t j, const unsigned char *covered, const double *w)
{
    double g = 0;
    uint32_t k;
    for (k = 0; k < cv->len[j]; k++)
        if (!covered[cv->list[j][k]])
            g += w[cv->list[j][k]];
    return g;
}

/* lazy greedy on a heap keyed by -gain (ties: the smaller candidate first);
 * round_of[j]: the round candidate j's gain was computed in */
static qt_status greedy(const cover *cv, size_t ncand, const double *w, size_t nd, size_t k, qt_site_result *r)
{
    qt__heap h = {0};
    uint32_t *round_of = qt__calloc(ncand + 1, sizeof *round_of);
    unsigned char *covered = qt__calloc(nd + 1, 1);
    size_t j;
    uint32_t round = 0;
    if (!round_of || !covered || qt__heap_reserve(&h, ncand + 1) != 0) {
        qt__free(round_of);
        qt__free(covered);
        qt__heap_free(&h);
        return QT_ENOMEM;
    }
    for (j = 0; j < ncand; j++)
        if (cv->len[j]) {
            h.v[h.n].key = -gain_of(cv, (uint32_t)j, covered, w);
            h.v[h.n].id = (uint32_t)j;
            h.n++;
        }
    qt__heap_build(&h);
    while (r->nchosen < k && h.n) {
        qt__heap_item top = h.v[0];
        if (round_of[top.id] != round) {
            /* stale: recompute and put back (gains only fall: submodular) */
            round_of[top.id] = round;
            qt__heap_update_top(&h, -gain_of(cv, top.id, covered, w));
            continue;
        }
        if (!(-top.key > 0))
            break;
        r->chosen[r->nchosen] = top.id;
        r->gain[r->nchosen] = -top.key;
        r->nchosen++;
        r->greedy_total += -top.key;
        for (j = 0; j < cv->len[top.id]; j++)
            covered[cv->list[top.id][j]] = 1;
        qt__heap_pop(&h);
        round++;
    }
    qt__heap_free(&h);
    qt__free(round_of);
    qt__free(covered);
    return QT_OK;
}

/* ---- exact model ------------------------------------------------------------------ */

static int glpk_quiet(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1;
}

/* The maximal-covering model in lp: rows 1..nd: y_i - Σ x_j <= 0; row nd+1: Σ x_j <= k;
 * columns y_1..y_nd continuous in [0,1], then one binary x per useful candidate (col_of[j],
 * 0 for none).  ia/ja/ar hold the matrix entries. */
static void exact_model(glp_prob *lp, const cover *cv, size_t ncand, const double *w, size_t nd, size_t k, int *ia,
                        int *ja, double *ar, int *col_of)
{
    size_t j, e = 0;
    glp_set_obj_dir(lp, GLP_MAX);
    glp_add_rows(lp, (int)nd + 1);
    for (j = 0; j < nd; j++)
        glp_set_row_bnds(lp, (int)j + 1, GLP_UP, 0, 0);
    glp_set_row_bnds(lp, (int)nd + 1, GLP_UP, 0, (double)k);
    glp_add_cols(lp, (int)nd);
    for (j = 0; j < nd; j++) {
        glp_set_col_bnds(lp, (int)j + 1, GLP_DB, 0, 1);
        glp_set_obj_coef(lp, (int)j + 1, w[j]);
        e++;
        ia[e] = (int)j + 1;
        ja[e] = (int)j + 1;
        ar[e] = 1;
    }
    for (j = 0; j < ncand; j++) {
        uint32_t m;
        col_of[j] = 0;
        if (!cv->len[j])
            continue;
        col_of[j] = glp_add_cols(lp, 1);
        glp_set_col_kind(lp, col_of[j], GLP_BV);
        for (m = 0; m < cv->len[j]; m++) {
            e++;
            ia[e] = (int)cv->list[j][m] + 1;
            ja[e] = col_of[j];
            ar[e] = -1;
        }
        e++;
        ia[e] = (int)nd + 1;
        ja[e] = col_of[j];
        ar[e] = 1;
    }
    glp_load_matrix(lp, (int)e, ia, ja, ar);
}

/* Solves lp within tl seconds and reads the chosen candidates into r. */
static void exact_solve(glp_prob *lp, double tl, const int *col_of, size_t ncand, qt_site_result *r)
{
    glp_iocp parm;
    size_t j;
    int ret, st;
    glp_init_iocp(&parm);
    parm.presolve = GLP_ON;
    parm.msg_lev = GLP_MSG_OFF;
    parm.tm_lim = (int)(tl * 1000);
    ret = glp_intopt(lp, &parm);
    st = glp_mip_status(lp);
    if ((ret == 0 || ret == GLP_ETMLIM) && (st == GLP_OPT || st == GLP_FEAS)) {
        r->exact_status = st == GLP_OPT && ret == 0 ? 1 : 2;
        r->exact_total = glp_mip_obj_val(lp);
        for (j = 0; j < ncand; j++)
            if (col_of[j] && glp_mip_col_val(lp, col_of[j]) > 0.5)
                r->exact_chosen[r->nexact++] = j;
    } else {
        r->exact_status = -1;
    }
}

static qt_status exact(const cover *cv, size_t ncand, const double *w, size_t nd, size_t k, double tl,
                       qt_site_result *r)
{
    glp_prob *lp;
    size_t j, nnz = 0;
    int *ia, *ja, *col_of = qt__malloc((ncand + 1) * sizeof *col_of);
    double *ar;
    struct timespec t0, t1;
    if (!col_of)
        return QT_ENOMEM;
    for (j = 0; j < ncand; j++)
        nnz += cv->len[j] + 1;
    ia = qt__malloc((nnz + nd + 2) * sizeof *ia);
    ja = qt__malloc((nnz + nd + 2) * sizeof *ja);
    ar = qt__malloc((nnz + nd + 2) * sizeof *ar);
    if (!ia || !ja || !ar) {
        qt__free(ia);
        qt__free(ja);
        qt__free(ar);
        qt__free(col_of);
        return QT_ENOMEM;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    glp_term_hook(glpk_quiet, NULL);
    lp = glp_create_prob();
    exact_model(lp, cv, ncand, w, nd, k, ia, ja, ar, col_of);
    exact_solve(lp, tl, col_of, ncand, r);
    glp_delete_prob(lp);
    glp_term_hook(NULL, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->exact_seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    qt__free(ia);
    qt__free(ja);
    qt__free(ar);
    qt__free(col_of);
    return QT_OK;
}

/* ---- candidates from the network ---------------------------------------------------- */

/* nodes of g within limit_m of some demand node, thinned to one per spacing cell */
static qt_status node_candidates(const qt_graph *g, const uint32_t *dnode, size_t nd, double limit_m, double spacing,
                                 qt_site_result *r, qt_error *err)
{
    qt_search *s = NULL;
    qt_seed *seeds = qt__malloc((nd + 1) * sizeof *seeds);
    const uint32_t *reached;
    size_t i, n, nr, hn = 1;
    int64_t *cell = NULL; /* open-addressing set of the cells taken, INT64_MIN empty */
    qt_status st;
    uint32_t norig = qt_graph_node_count(g);
    double lat0 = 0;
    if (!seeds)
        return qt_error_set(err, QT_ENOMEM, "site", _("no memory"));
    for (i = n = 0; i < nd; i++)
        if (dnode[i] != QT_NODE_NONE) {
            seeds[n].node = dnode[i];
            seeds[n].dist_m = 0;
            n++;
        }
    if ((st = qt_search_new(g, &s, err)) != QT_OK || (st = qt_search_run(s, seeds, n, limit_m, 0, err)) != QT_OK) {
        qt__free(seeds);
        qt_search_free(s);
        return st;
    }
    qt__free(seeds);
    nr = qt_search_reached(s, &reached);
    while (hn < 2 * nr + 2)
        hn <<= 1;
    cell = qt__malloc(hn * sizeof *cell);
    r->cand_lon = qt__malloc((nr + 1) * sizeof *r->cand_lon);
    r->cand_lat = qt__malloc((nr + 1) * sizeof *r->cand_lat);
    if (!cell || !r->cand_lon || !r->cand_lat) {
        qt__free(cell);
        qt_search_free(s);
        return qt_error_set(err, QT_ENOMEM, "site", _("no memory"));
    }
    for (i = 0; i < hn; i++)
        cell[i] = INT64_MIN;
    for (i = 0; i < nr; i++) {
        double lon, lat;
        qt_graph_node_coord(g, reached[i], &lon, &lat);
        lat0 += lat;
    }
    lat0 = nr ? lat0 / (double)nr : 0;
    /* one candidate per spacing cell: the first node reached in it */
    for (i = 0; i < nr; i++) {
        double lon, lat;
        int64_t key;
        size_t h;
        if (reached[i] >= norig || qt_graph_node_id(g, reached[i]) < 0)
            continue; /* split points are homes, not sites */
        qt_graph_node_coord(g, reached[i], &lon, &lat);
        key = (int64_t)floor(lat * QT__M_PER_DEG / spacing) * 100000000LL +
              (int64_t)floor(lon * QT__M_PER_DEG * cos(lat0 * QT__DEG2RAD) / spacing);
        h = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ULL >> 20) & (hn - 1);
        while (cell[h] != INT64_MIN && cell[h] != key)
            h = (h + 1) & (hn - 1);
        if (cell[h] == key)
            continue;
        cell[h] = key;
        r->cand_lon[r->ncand] = lon;
        r->cand_lat[r->ncand] = lat;
        r->ncand++;
    }
    qt__free(cell);
    qt_search_free(s);
    return QT_OK;
}

/* ---- the whole ---------------------------------------------------------------------------- */

/* Network nodes near the demand as the candidates (the demand placed alone first). */
static qt_status network_candidates(const qt_site_input *in, const qt_snapper *sn, const uint32_t *didx, size_t nd,
                                    double limit_m, double snap_max, qt_site_result *r, qt_error *err)
{
    const qt_residence_list *res = in->residences;
    double *lon = qt__malloc((nd + 1) * sizeof *lon), *lat = qt__malloc((nd + 1) * sizeof *lat);
    qt_placement *pd = NULL;
    size_t i;
    qt_status st;
    if (!lon || !lat) {
        qt__free(lon);
        qt__free(lat);
        return qt_error_set(err, QT_ENOMEM, "site", _("no memory"));
    }
    for (i = 0; i < nd; i++) {
        lon[i] = res->lon[didx[i]];
        lat[i] = res->lat[didx[i]];
    }
    if ((st = qt_place(in->graph, sn, nd, lon, lat, snap_max, &pd, err)) == QT_OK)
        st = node_candidates(pd->graph, pd->node, nd, limit_m, in->node_spacing_m > 0 ? in->node_spacing_m : 100, r,
                             err);
    qt_placement_free(pd);
    qt__free(lon);
    qt__free(lat);
    return st;
}

/* The coverage of every candidate, on nth threads; -1 without memory. */
static int coverage_all(const qt_graph *g, const uint32_t *cand_node, const uint32_t *demand_of, size_t ncand,
                        double limit_m, cover *cv, unsigned nth)
{
    work wk;
    pthread_t th[64];
    unsigned t, started = 0;
    memset(&wk, 0, sizeof wk);
    wk.g = g;
    wk.cand_node = cand_node;
    wk.demand_of = demand_of;
    wk.ncand = ncand;
    wk.limit_m = limit_m;
    wk.cv = cv;
    atomic_init(&wk.next, 0);
    atomic_init(&wk.failed, 0);
    if (nth > 64)
        nth = 64;
    if (nth < 1)
        nth = 1;
    for (t = 1; t < nth; t++)
        if (pthread_create(&th[t], NULL, worker, &wk) == 0)
            started++;
    worker(&wk);
    for (t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    return atomic_load(&wk.failed) ? -1 : 0;
}

/* The residents some candidate reaches, into r->reachable_total; -1 without memory. */
static int reachable(const cover *cv, size_t ncand, const double *w, size_t nd, qt_site_result *r)
{
    unsigned char *seen = qt__calloc(nd + 1, 1);
    size_t i, j, m;
    if (!seen)
        return -1;
    for (j = 0; j < ncand; j++)
        for (m = 0; m < cv->len[j]; m++)
            seen[cv->list[j][m]] = 1;
    for (i = 0; i < nd; i++)
        if (seen[i])
            r->reachable_total += w[i];
    qt__free(seen);
    return 0;
}

/* demand: placed residences beyond the ring (didx, their population w); returns how many */
static size_t site_demand(const qt_site_input *in, const qt_category *cat, uint32_t *didx, double *w, qt_site_result *r)
{
    const qt_analysis *a = in->analysis;
    const qt_residence_list *res = in->residences;
    size_t i, nd = 0;
    for (i = 0; i < res->n; i++)
        if (a->res_placed[i] && !(a->minutes[i * a->ncat + in->category] <= cat->ring_min)) {
            didx[nd] = (uint32_t)i;
            w[nd] = res->population[i];
            r->unserved_total += w[nd];
            nd++;
        }
    r->ndemand = nd;
    return nd;
}

/* candidates: the input's, or network nodes near the demand */
static qt_status site_candidates(const qt_site_input *in, qt_snapper *sn, const uint32_t *didx, size_t nd,
                                 double limit_m, double snap_max, qt_site_result *r, qt_error *err)
{
    if (in->ncand) {
        r->ncand = in->ncand;
        r->cand_lon = qt__malloc(in->ncand * sizeof *r->cand_lon);
        r->cand_lat = qt__malloc(in->ncand * sizeof *r->cand_lat);
        if (!r->cand_lon || !r->cand_lat)
            return qt_error_set(err, QT_ENOMEM, "site", _("no memory"));
        memcpy(r->cand_lon, in->cand_lon, in->ncand * sizeof *r->cand_lon);
        memcpy(r->cand_lat, in->cand_lat, in->ncand * sizeof *r->cand_lat);
    } else if (nd) {
        return network_candidates(in, sn, didx, nd, limit_m, snap_max, r, err);
    }
    return QT_OK;
}

/* place candidates and demand together (candidates first) */
static qt_status site_place(const qt_site_input *in, qt_snapper *sn, const uint32_t *didx, size_t nd, double snap_max,
                            const qt_site_result *r, qt_placement **pl, qt_error *err)
{
    const qt_residence_list *res = in->residences;
    size_t i, npts = r->ncand + nd;
    double *lon = qt__malloc((npts + 1) * sizeof *lon), *lat = qt__malloc((npts + 1) * sizeof *lat);
    qt_status st;
    if (!lon || !lat) {
        qt__free(lon);
        qt__free(lat);
        return qt_error_set(err, QT_ENOMEM, "site", _("no memory"));
    }
    for (i = 0; i < r->ncand; i++) {
        lon[i] = r->cand_lon[i];
        lat[i] = r->cand_lat[i];
    }
    for (i = 0; i < nd; i++) {
        lon[r->ncand + i] = res->lon[didx[i]];
        lat[r->ncand + i] = res->lat[didx[i]];
    }
    st = qt_place(in->graph, sn, npts, lon, lat, snap_max, pl, err);
    qt__free(lon);
    qt__free(lat);
    return st;
}

/* The coverage of every candidate (on nth cores) into cv, then the greedy and (when asked or
 * small enough) the exact choice; -1 on no memory. */
static int site_choose(const qt_site_input *in, const qt_placement *pl, const double *w, size_t nd, double limit_m,
                       unsigned nth, cover *cv, qt_site_result *r)
{
    size_t i, nn = qt_graph_node_count(pl->graph), nnz = 0;
    uint32_t *demand_of = qt__malloc((nn + 1) * sizeof *demand_of);
    uint32_t *cand_node = qt__malloc((r->ncand + 1) * sizeof *cand_node);
    int bad = 1;
    cv->list = qt__calloc(r->ncand + 1, sizeof *cv->list);
    cv->len = qt__calloc(r->ncand + 1, sizeof *cv->len);
    r->chosen = qt__malloc((in->k + 1) * sizeof *r->chosen);
    r->gain = qt__malloc((in->k + 1) * sizeof *r->gain);
    r->exact_chosen = qt__malloc((r->ncand + 1) * sizeof *r->exact_chosen);
    if (!demand_of || !cand_node || !cv->list || !cv->len || !r->chosen || !r->gain || !r->exact_chosen)
        goto out;
    for (i = 0; i < nn; i++)
        demand_of[i] = UINT32_MAX;
    for (i = 0; i < nd; i++)
        if (pl->node[r->ncand + i] != QT_NODE_NONE)
            demand_of[pl->node[r->ncand + i]] = (uint32_t)i;
    memcpy(cand_node, pl->node, r->ncand * sizeof *cand_node);
    /* coverage of every candidate, on all cores */
    if (coverage_all(pl->graph, cand_node, demand_of, r->ncand, limit_m, cv, nth) != 0 ||
        reachable(cv, r->ncand, w, nd, r) != 0)
        goto out;
    if (greedy(cv, r->ncand, w, nd, in->k, r) != QT_OK)
        goto out;
    for (i = 0; i < r->ncand; i++)
        nnz += cv->len[i];
    if (in->exact == 1 || (in->exact < 0 && nnz <= 200000))
        if (exact(cv, r->ncand, w, nd, in->k, in->time_limit_s > 0 ? in->time_limit_s : 30, r) != QT_OK)
            goto out;
    bad = 0;
out:
    qt__free(demand_of);
    qt__free(cand_node);
    return bad ? -1 : 0;
}

qt_status qt_site(const qt_site_input *in, qt_site_result **out, qt_error *err)
{
    const qt_analysis *a = in->analysis;
    const qt_residence_list *res = in->residences;
    const qt_category *cat;
    qt_site_result *r;
    qt_snapper *sn = NULL;
    qt_placement *pl = NULL;
    size_t i, nd = 0;
    uint32_t *didx = NULL;
    double *w = NULL, limit_m, snap_max = in->snap_max_m > 0 ? in->snap_max_m : 500;
    cover cv = {NULL, NULL};
    qt_status st = QT_OK;
    unsigned nth = in->threads ? in->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    *out = NULL;
    if (in->category >= a->ncat)
        return qt_error_set(err, QT_EINVAL, "site", _("category %u is not in the profile"), in->category);
    if (res->n != a->nres)
        return qt_error_set(err, QT_EINVAL, "site", _("the analysis is of other residences"));
    cat = qt_profile_category(in->profile, in->category);
    limit_m = qt__minutes_m(cat->ring_min, a->speed_mps);
    r = qt__calloc(1, sizeof *r);
    if (!r)
        return qt_error_set(err, QT_ENOMEM, "site", _("no memory"));
    didx = qt__malloc((res->n + 1) * sizeof *didx);
    w = qt__malloc((res->n + 1) * sizeof *w);
    if (!didx || !w)
        goto nomem;
    nd = site_demand(in, cat, didx, w, r);
    if ((st = qt_snapper_new(in->graph, &sn, err)) != QT_OK)
        goto done;
    if ((st = site_candidates(in, sn, didx, nd, limit_m, snap_max, r, err)) != QT_OK)
        goto done;
    if ((st = site_place(in, sn, didx, nd, snap_max, r, &pl, err)) != QT_OK)
        goto done;
    if (site_choose(in, pl, w, nd, limit_m, nth, &cv, r) != 0)
        goto nomem;
    goto done;
nomem:
    st = qt_error_set(err, QT_ENOMEM, "site", _("no memory"));
done:
    if (cv.list)
        for (i = 0; i < r->ncand; i++)
            qt__free(cv.list[i]);
    qt__free(cv.list);
    qt__free(cv.len);
    qt__free(didx);
    qt__free(w);
    qt_placement_free(pl);
    qt_snapper_free(sn);
    if (st != QT_OK) {
        qt_site_result_free(r);
        return st;
    }
    *out = r;
    return QT_OK;
}

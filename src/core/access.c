/* SPDX-License-Identifier: MIT */
/*
 * access.c -- nearest-by-category and counts-within-radius for every node,
 * on a pool of threads, plus exact incremental updates.
 * The algorithms are described in docs/internals/access.md.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "core/search_internal.h"
#include "quarter/access.h"

struct qt_access {
    const qt_graph *g;
    uint32_t ncat;
    size_t nradii;
    double *radii;
    double max_dist;
    double *nearest;   /* [cat][node] */
    uint32_t *counts;  /* [cat][radius][node] */
    qt_access_poi *pois;
    unsigned char *removed;
    size_t npois, pcap;
    uint32_t *mark; /* [node] for removals, allocated on first use */
    uint32_t markgen;
};

static inline double *nearest_col(const qt_access *a, uint32_t c)
{
    return a->nearest + (size_t)c * a->g->n;
}

static inline uint32_t *count_col(const qt_access *a, uint32_t c, size_t r)
{
    return a->counts + ((size_t)c * a->nradii + r) * a->g->n;
}

double qt_access_nearest_m(const qt_access *a, uint32_t cat, uint32_t node)
{
    return nearest_col(a, cat)[node];
}

uint32_t qt_access_count(const qt_access *a, uint32_t cat, size_t r, uint32_t node)
{
    return count_col(a, cat, r)[node];
}

/* ---- tasks -------------------------------------------------------------- */

typedef struct task {
    int kind; /* 0 nearest, 1 counts */
    uint32_t cat;
    size_t weight;
} task;

typedef struct pool {
    qt_access *a;
    uint32_t *cat_first; /* POIs sorted by category: positions */
    uint32_t *order;     /* POI indices sorted by (category, seeds) */
    task *tasks;
    size_t ntasks;
    atomic_size_t next;
    atomic_size_t done;
    atomic_int failed;
    qt_error err; /* first failure, guarded by err_lock */
    pthread_mutex_t err_lock;
} pool;

static int same_place(const qt_access_poi *x, const qt_access_poi *y)
{
    uint32_t i;
    if (x->nseeds != y->nseeds)
        return 0;
    for (i = 0; i < x->nseeds; i++)
        if (x->seeds[i].node != y->seeds[i].node || x->seeds[i].dist_m != y->seeds[i].dist_m)
            return 0;
    return 1;
}

static int cmp_poi(const qt_access_poi *x, const qt_access_poi *y)
{
    uint32_t i;
    if (x->category != y->category)
        return x->category < y->category ? -1 : 1;
    if (x->nseeds != y->nseeds)
        return x->nseeds < y->nseeds ? -1 : 1;
    for (i = 0; i < x->nseeds; i++) {
        if (x->seeds[i].node != y->seeds[i].node)
            return x->seeds[i].node < y->seeds[i].node ? -1 : 1;
        if (x->seeds[i].dist_m != y->seeds[i].dist_m)
            return x->seeds[i].dist_m < y->seeds[i].dist_m ? -1 : 1;
    }
    return 0;
}

static void sort_order(uint32_t *a, uint32_t *tmp, size_t n, const qt_access_poi *p)
{
    size_t i, j, k, mid;
    if (n < 2)
        return;
    mid = n / 2;
    sort_order(a, tmp, mid, p);
    sort_order(a + mid, tmp, n - mid, p);
    for (i = 0, j = mid, k = 0; i < mid || j < n;) {
        if (j >= n || (i < mid && cmp_poi(&p[a[i]], &p[a[j]]) <= 0))
            tmp[k++] = a[i++];
        else
            tmp[k++] = a[j++];
    }
    memcpy(a, tmp, n * sizeof *a);
}

/* Seeds of every POI of category c into a growable array. */
static qt_status category_seeds(const pool *P, uint32_t c, qt_seed **seeds, size_t *cap,
                                size_t *n, qt_error *err)
{
    size_t i;
    *n = 0;
    for (i = P->cat_first[c]; i < P->cat_first[c + 1]; i++) {
        const qt_access_poi *p = &P->a->pois[P->order[i]];
        uint32_t k;
        if (qt__grow((void **)seeds, cap, *n + p->nseeds, sizeof **seeds) != 0)
            return qt_error_set(err, QT_ENOMEM, NULL, "no memory for seeds");
        for (k = 0; k < p->nseeds; k++)
            (*seeds)[(*n)++] = p->seeds[k];
    }
    return QT_OK;
}

static qt_status run_nearest(pool *P, qt_search *ws, uint32_t c, qt_seed **seeds, size_t *cap,
                             qt_error *err)
{
    qt_access *a = P->a;
    double *col = nearest_col(a, c);
    size_t ns, i;
    qt_status st = category_seeds(P, c, seeds, cap, &ns, err);
    if (st != QT_OK)
        return st;
    for (i = 0; i < a->g->n; i++)
        col[i] = INFINITY;
    if (!ns)
        return QT_OK;
    st = qt_search_run(ws, *seeds, ns, a->max_dist, 0, err);
    if (st != QT_OK)
        return st;
    for (i = 0; i < ws->nreached; i++) {
        uint32_t v = ws->reached[i];
        col[v] = ws->dist[v];
    }
    return QT_OK;
}

/* add `mult` (may be negative through wraparound) to the counts of every node the last search reached */
static void add_counts(qt_access *a, const qt_search *ws, uint32_t c, uint32_t mult)
{
    size_t i, r;
    if (a->nradii == 1) {
        uint32_t *col = count_col(a, c, 0);
        double R = a->radii[0];
        for (i = 0; i < ws->nreached; i++) {
            uint32_t v = ws->reached[i];
            if (ws->dist[v] <= R)
                col[v] += mult;
        }
        return;
    }
    for (i = 0; i < ws->nreached; i++) {
        uint32_t v = ws->reached[i];
        double d = ws->dist[v];
        for (r = 0; r < a->nradii; r++)
            if (d <= a->radii[r])
                count_col(a, c, r)[v] += mult;
    }
}

static qt_status run_counts(pool *P, qt_search *ws, uint32_t c, qt_error *err)
{
    qt_access *a = P->a;
    size_t i = P->cat_first[c], end = P->cat_first[c + 1];
    double R = a->radii[a->nradii - 1];
    while (i < end) {
        const qt_access_poi *p = &a->pois[P->order[i]];
        size_t j = i + 1;
        qt_status st;
        while (j < end && same_place(p, &a->pois[P->order[j]]))
            j++;
        st = qt_search_run(ws, p->seeds, p->nseeds, R, 0, err);
        if (st != QT_OK)
            return st;
        add_counts(a, ws, c, (uint32_t)(j - i));
        i = j;
    }
    return QT_OK;
}

typedef struct worker {
    pool *P;
    int report; /* this worker reports progress */
    const qt_access_opts *opts;
} worker;

static void *work(void *arg)
{
    worker *W = arg;
    pool *P = W->P;
    qt_search *ws = NULL;
    qt_seed *seeds = NULL;
    size_t cap = 0;
    qt_error err;
    qt_error_clear(&err);
    if (qt_search_new(P->a->g, &ws, &err) != QT_OK)
        goto fail;
    for (;;) {
        size_t t = atomic_fetch_add(&P->next, 1);
        qt_status st;
        if (t >= P->ntasks || atomic_load(&P->failed))
            break;
        if (P->tasks[t].kind == 0)
            st = run_nearest(P, ws, P->tasks[t].cat, &seeds, &cap, &err);
        else
            st = run_counts(P, ws, P->tasks[t].cat, &err);
        if (st != QT_OK)
            goto fail;
        atomic_fetch_add(&P->done, 1);
        if (W->report && W->opts->progress)
            W->opts->progress(W->opts->progress_ud, "accessibility", atomic_load(&P->done),
                              P->ntasks);
    }
    qt_search_free(ws);
    qt__free(seeds);
    return NULL;
fail:
    pthread_mutex_lock(&P->err_lock);
    if (!atomic_load(&P->failed)) {
        P->err = err;
        atomic_store(&P->failed, 1);
    }
    pthread_mutex_unlock(&P->err_lock);
    qt_search_free(ws);
    qt__free(seeds);
    return NULL;
}

static int cmp_task(const void *x, const void *y)
{
    const task *a = x, *b = y;
    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    return (a->cat > b->cat) - (a->cat < b->cat);
}

static qt_status validate(const qt_graph *g, uint32_t ncat, const qt_access_poi *pois,
                          size_t npois, const qt_access_opts *o, qt_error *err)
{
    size_t i, k;
    if (isnan(o->max_dist_m) || o->max_dist_m < 0)
        return qt_error_set(err, QT_EINVAL, "max distance", "must be >= 0 (INFINITY for none)");
    for (i = 0; i < o->nradii; i++) {
        if (!isfinite(o->radii_m[i]) || o->radii_m[i] < 0)
            return qt_error_set(err, QT_EINVAL, "radius", "%g is not a finite radius >= 0", o->radii_m[i]);
        if (i && o->radii_m[i] <= o->radii_m[i - 1])
            return qt_error_set(err, QT_EINVAL, "radius", "radii must be ascending");
    }
    for (i = 0; i < npois; i++) {
        if (pois[i].category >= ncat)
            return qt_error_set(err, QT_EINVAL, "poi", "POI %zu: category %u out of range", i,
                                pois[i].category);
        if (pois[i].nseeds < 1 || pois[i].nseeds > 2)
            return qt_error_set(err, QT_EINVAL, "poi", "POI %zu: needs 1 or 2 seeds", i);
        for (k = 0; k < pois[i].nseeds; k++)
            if (pois[i].seeds[k].node >= g->n || !(pois[i].seeds[k].dist_m >= 0) ||
                !isfinite(pois[i].seeds[k].dist_m))
                return qt_error_set(err, QT_EINVAL, "poi", "POI %zu: bad seed", i);
    }
    return QT_OK;
}

void qt_access_free(qt_access *a)
{
    if (!a)
        return;
    qt__free(a->radii);
    qt__free(a->nearest);
    qt__free(a->counts);
    qt__free(a->pois);
    qt__free(a->removed);
    qt__free(a->mark);
    qt__free(a);
}

qt_status qt_access_run(const qt_graph *g, uint32_t ncat, const qt_access_poi *pois, size_t npois,
                        const qt_access_opts *opts, qt_access **out, qt_error *err)
{
    qt_access *a = NULL;
    pool P;
    worker *W = NULL;
    pthread_t *th = NULL;
    unsigned nth, t, started = 0;
    size_t i, nt = 0;
    uint32_t *tmp = NULL;
    qt_status st;

    *out = NULL;
    memset(&P, 0, sizeof P);
    st = validate(g, ncat, pois, npois, opts, err);
    if (st != QT_OK)
        return st;
    a = qt__calloc(1, sizeof *a);
    if (!a)
        return qt_error_set(err, QT_ENOMEM, NULL, "no memory");
    a->g = g;
    a->ncat = ncat;
    a->nradii = opts->nradii;
    a->max_dist = opts->max_dist_m;
    a->radii = qt__malloc_array(opts->nradii ? opts->nradii : 1, sizeof *a->radii);
    {
        size_t cells = (size_t)ncat * g->n, ccells = cells * opts->nradii;
        a->nearest = qt__malloc_array(cells > 0 ? cells : 1, sizeof *a->nearest);
        a->counts = qt__calloc(ccells > 0 ? ccells : 1, sizeof *a->counts);
    }
    a->pcap = npois ? npois : 16;
    a->pois = qt__malloc_array(a->pcap, sizeof *a->pois);
    a->removed = qt__calloc(a->pcap, 1);
    P.cat_first = qt__calloc((size_t)ncat + 1, sizeof *P.cat_first);
    P.order = qt__malloc_array(npois ? npois : 1, sizeof *P.order);
    tmp = qt__malloc_array(npois ? npois : 1, sizeof *tmp);
    P.tasks = qt__malloc_array((size_t)ncat * 2 + 1, sizeof *P.tasks);
    if (!a->radii || !a->nearest || !a->counts || !a->pois || !a->removed || !P.cat_first ||
        !P.order || !tmp || !P.tasks) {
        st = qt_error_set(err, QT_ENOMEM, NULL,
                          "no memory for results of %u categories x %u nodes", ncat, g->n);
        goto done;
    }
    if (opts->nradii)
        memcpy(a->radii, opts->radii_m, opts->nradii * sizeof *a->radii);
    if (npois)
        memcpy(a->pois, pois, npois * sizeof *pois);
    a->npois = npois;
    for (i = 0; i < npois; i++) {
        P.order[i] = (uint32_t)i;
        P.cat_first[pois[i].category + 1]++;
    }
    for (i = 0; i < ncat; i++)
        P.cat_first[i + 1] += P.cat_first[i];
    sort_order(P.order, tmp, npois, a->pois);
    P.a = a;
    for (i = 0; i < ncat; i++) {
        size_t np = P.cat_first[i + 1] - P.cat_first[i];
        P.tasks[nt++] = (task){0, (uint32_t)i, g->n / 4 + 1};
        if (a->nradii && np)
            P.tasks[nt++] = (task){1, (uint32_t)i, np * 64};
    }
    qsort(P.tasks, nt, sizeof *P.tasks, cmp_task);
    P.ntasks = nt;
    atomic_init(&P.next, 0);
    atomic_init(&P.done, 0);
    atomic_init(&P.failed, 0);
    qt_error_clear(&P.err);
    pthread_mutex_init(&P.err_lock, NULL);

    nth = opts->threads;
    if (!nth) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        nth = c > 0 ? (unsigned)c : 1;
    }
    if (nth > nt)
        nth = nt ? (unsigned)nt : 1;
    W = qt__calloc(nth, sizeof *W);
    th = qt__calloc(nth, sizeof *th);
    if (!W || !th) {
        pthread_mutex_destroy(&P.err_lock);
        st = qt_error_set(err, QT_ENOMEM, NULL, "no memory for threads");
        goto done;
    }
    for (t = 0; t < nth; t++) {
        W[t].P = &P;
        W[t].report = t == 0;
        W[t].opts = opts;
    }
    for (t = 1; t < nth; t++) {
        if (pthread_create(&th[t], NULL, work, &W[t]) != 0)
            break;
        started++;
    }
    work(&W[0]); /* the calling thread works too, and reports progress */
    for (t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    pthread_mutex_destroy(&P.err_lock);
    if (atomic_load(&P.failed)) {
        if (err && err->code == QT_OK)
            *err = P.err;
        st = P.err.code ? P.err.code : QT_EINTERNAL;
        goto done;
    }
    st = QT_OK;
done:
    qt__free(W);
    qt__free(th);
    qt__free(tmp);
    qt__free(P.cat_first);
    qt__free(P.order);
    qt__free(P.tasks);
    if (st != QT_OK) {
        qt_access_free(a);
        return st;
    }
    *out = a;
    return QT_OK;
}

/* ---- incremental updates -------------------------------------------------- */

qt_status qt_access_add_poi(qt_access *a, qt_search *ws, const qt_access_poi *poi, uint32_t *handle,
                            qt_error *err)
{
    qt_status st = validate(a->g, a->ncat, poi, 1, &(qt_access_opts){a->max_dist, a->radii,
                                                                      a->nradii, 1, NULL, NULL},
                            err);
    size_t cap;
    uint32_t i;
    if (st != QT_OK)
        return st;
    if (ws->g != a->g)
        return qt_error_set(err, QT_EINVAL, NULL, "workspace is for another graph");
    if (a->npois >= UINT32_MAX - 1)
        return qt_error_set(err, QT_EINVAL, NULL, "too many POIs");
    if (a->npois == a->pcap) {
        cap = a->pcap;
        if (qt__grow((void **)&a->pois, &cap, a->npois + 1, sizeof *a->pois) != 0)
            return qt_error_set(err, QT_ENOMEM, NULL, "no memory");
        {
            unsigned char *r = qt__realloc(a->removed, cap);
            if (!r)
                return qt_error_set(err, QT_ENOMEM, NULL, "no memory");
            memset(r + a->pcap, 0, cap - a->pcap);
            a->removed = r;
        }
        a->pcap = cap;
    }
    /* nearest: only nodes the new outlet brings strictly closer */
    st = qt__search_run_filtered(ws, poi->seeds, poi->nseeds, a->max_dist, 0, NULL, NULL,
                                 nearest_col(a, poi->category), 0, err);
    if (st != QT_OK)
        return st;
    {
        double *col = nearest_col(a, poi->category);
        for (i = 0; i < ws->nreached; i++)
            col[ws->reached[i]] = ws->dist[ws->reached[i]];
    }
    if (a->nradii) {
        st = qt_search_run(ws, poi->seeds, poi->nseeds, a->radii[a->nradii - 1], 0, err);
        if (st != QT_OK)
            return st;
        add_counts(a, ws, poi->category, 1);
    }
    a->pois[a->npois] = *poi;
    a->removed[a->npois] = 0;
    if (handle)
        *handle = (uint32_t)a->npois;
    a->npois++;
    return QT_OK;
}

static int in_mark(void *ctx, uint32_t v)
{
    const qt_access *a = ctx;
    return a->mark[v] == a->markgen;
}

qt_status qt_access_remove_poi(qt_access *a, qt_search *ws, uint32_t handle, qt_error *err)
{
    const qt_graph *g = a->g;
    qt_access_poi p;
    double *col;
    uint32_t *aff = NULL;
    qt_seed *seeds = NULL;
    size_t naff, ns = 0, scap = 0, i;
    qt_status st;

    if (handle >= a->npois || a->removed[handle])
        return qt_error_set(err, QT_ENOTFOUND, NULL, "no open POI with handle %u", handle);
    if (ws->g != a->g)
        return qt_error_set(err, QT_EINVAL, NULL, "workspace is for another graph");
    p = a->pois[handle];
    col = nearest_col(a, p.category);
    if (!a->mark) {
        a->mark = qt__calloc(g->n ? g->n : 1, sizeof *a->mark);
        if (!a->mark)
            return qt_error_set(err, QT_ENOMEM, NULL, "no memory");
    }
    /* counts: the same bounded search, subtracting */
    if (a->nradii) {
        st = qt_search_run(ws, p.seeds, p.nseeds, a->radii[a->nradii - 1], 0, err);
        if (st != QT_OK)
            return st;
        add_counts(a, ws, p.category, (uint32_t)-1);
    }
    /* nearest: the nodes whose nearest outlet was this one (ties included) */
    st = qt__search_run_filtered(ws, p.seeds, p.nseeds, a->max_dist, 0, NULL, NULL, col, 1e-12, err);
    if (st != QT_OK)
        return st;
    naff = ws->nreached;
    aff = qt__malloc_array(naff ? naff : 1, sizeof *aff);
    if (!aff)
        return qt_error_set(err, QT_ENOMEM, NULL, "no memory");
    memcpy(aff, ws->reached, naff * sizeof *aff);
    a->markgen++;
    if (a->markgen == 0) {
        memset(a->mark, 0, (size_t)g->n * sizeof *a->mark);
        a->markgen = 1;
    }
    for (i = 0; i < naff; i++)
        a->mark[aff[i]] = a->markgen;
    a->removed[handle] = 1;
    /* seeds for the affected region: its unaffected neighbours ... */
    for (i = 0; i < naff; i++) {
        uint32_t v = aff[i], k;
        double best = INFINITY;
        for (k = g->first[v]; k < g->first[v + 1]; k++) {
            uint32_t w = g->arc_to[k];
            if (a->mark[w] != a->markgen && isfinite(col[w]))
                best = fmin(best, col[w] + g->arc_cost[k]);
        }
        if (best <= a->max_dist) {
            if (qt__grow((void **)&seeds, &scap, ns + 1, sizeof *seeds) != 0)
                goto nomem;
            seeds[ns++] = (qt_seed){v, best};
        }
    }
    /* ... and the other open outlets of the category inside it */
    for (i = 0; i < a->npois; i++) {
        uint32_t k;
        if (a->removed[i] || a->pois[i].category != p.category)
            continue;
        for (k = 0; k < a->pois[i].nseeds; k++) {
            uint32_t v = a->pois[i].seeds[k].node;
            if (a->mark[v] != a->markgen)
                continue;
            if (qt__grow((void **)&seeds, &scap, ns + 1, sizeof *seeds) != 0)
                goto nomem;
            seeds[ns++] = a->pois[i].seeds[k];
        }
    }
    st = qt__search_run_filtered(ws, seeds, ns, a->max_dist, 0, in_mark, a, NULL, 0, err);
    if (st != QT_OK) {
        a->removed[handle] = 0;
        goto out;
    }
    for (i = 0; i < naff; i++)
        col[aff[i]] = qt__search_dist(ws, aff[i]);
out:
    qt__free(aff);
    qt__free(seeds);
    return st;
nomem:
    a->removed[handle] = 0;
    st = qt_error_set(err, QT_ENOMEM, NULL, "no memory");
    goto out;
}

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
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "core/search_internal.h"
#include "quarter/access.h"

struct qt_access {
    const qt_graph *g;
    uint32_t ncat;
    size_t nradii;
    double *radii;
    double max_dist;
    double *nearest;  /* [cat][node] */
    uint32_t *counts; /* [cat][radius][node] */
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

/* ---- the category pipeline -----------------------------------------------
 *
 * Workers take categories in order (an atomic counter).  For its category a
 * worker takes a column buffer (a search workspace and count columns), runs
 * the count searches into it and then the nearest multi-source search, whose
 * labels stay in the workspace, and puts the buffer in the category's ready
 * slot.  Whoever fills the slot the sink is waiting for becomes the deliverer:
 * it hands every ready column to the sink in category order, one at a time,
 * and returns their buffers.  A worker that finishes early does not wait for
 * its turn: it leaves its column ready and goes on with the next category in
 * another buffer.  At most threads + 2 buffers exist, so memory is per thread,
 * not per category; a worker waits only when all of them hold ready columns.
 */

typedef struct colbuf {
    qt_search *ws;
    uint32_t *cols;
} colbuf;

typedef struct pool {
    const qt_graph *g;
    uint32_t ncat;
    const qt_access_poi *pois;
    uint32_t *cat_first; /* POIs sorted by category: positions */
    uint32_t *order;     /* POI indices sorted by (category, seeds) */
    qt_access_sink sink;
    void *sink_ud;
    const qt_access_opts *opts;
    atomic_uint next;
    /* guarded by lock: */
    uint32_t turn;  /* next category to hand to the sink */
    int sinking;    /* a worker is delivering */
    colbuf **ready; /* ncat: finished columns waiting for the sink */
    colbuf **spare; /* buffers free for a new category */
    size_t nspare;
    colbuf **all; /* every buffer made, freed at the end */
    size_t nall, maxbuf;
    unsigned searching; /* workers inside a search right now */
    double busy_since, search_s, sink_s;
    int failed;
    qt_error err; /* first failure */
    pthread_mutex_t lock;
    pthread_cond_t cond;
} pool;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

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
static qt_status category_seeds(const pool *P, uint32_t c, qt_seed **seeds, size_t *cap, size_t *n, qt_error *err)
{
    size_t i;
    *n = 0;
    for (i = P->cat_first[c]; i < P->cat_first[c + 1]; i++) {
        const qt_access_poi *p = &P->pois[P->order[i]];
        uint32_t k;
        if (qt__grow((void **)seeds, cap, *n + p->nseeds, sizeof **seeds) != 0)
            return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for seeds"));
        for (k = 0; k < p->nseeds; k++)
            (*seeds)[(*n)++] = p->seeds[k];
    }
    return QT_OK;
}

/*
 * Add `mult` (may be negative through wraparound) to the counts of every node
 * the last search reached.  cols: nradii columns of n counts, one after another.
 */
static void add_counts(uint32_t *cols, size_t n, const double *radii, size_t nradii, const qt_search *ws, uint32_t mult)
{
    size_t i, r;
    if (nradii == 1) {
        double R = radii[0];
        for (i = 0; i < ws->nreached; i++) {
            uint32_t v = ws->reached[i];
            if (ws->lab[v].dist <= R)
                cols[v] += mult;
        }
        return;
    }
    for (i = 0; i < ws->nreached; i++) {
        uint32_t v = ws->reached[i];
        double d = ws->lab[v].dist;
        for (r = 0; r < nradii; r++)
            if (d <= radii[r])
                cols[r * n + v] += mult;
    }
}

static qt_status run_counts(const pool *P, qt_search *ws, uint32_t c, uint32_t *cols, qt_error *err)
{
    size_t i = P->cat_first[c], end = P->cat_first[c + 1];
    double R = P->opts->radii_m[P->opts->nradii - 1];
    memset(cols, 0, P->opts->nradii * P->g->n * sizeof *cols);
    while (i < end) {
        const qt_access_poi *p = &P->pois[P->order[i]];
        size_t j = i + 1;
        qt_status st;
        while (j < end && same_place(p, &P->pois[P->order[j]]))
            j++;
        st = qt__search_run_core(ws, p->seeds, p->nseeds, R, err);
        if (st != QT_OK)
            return st;
        add_counts(cols, P->g->n, P->opts->radii_m, P->opts->nradii, ws, (uint32_t)(j - i));
        i = j;
    }
    return QT_OK;
}

/* Record the first failure and wake everyone; lock held. */
static void pool_fail_locked(pool *P, const qt_error *err)
{
    if (!P->failed) {
        P->err = *err;
        if (P->err.code == QT_OK)
            P->err.code = QT_EINTERNAL;
        P->failed = 1;
    }
    pthread_cond_broadcast(&P->cond);
}

/* A buffer for a new category: a spare one, a new one, or wait.  NULL: the run failed. */
static colbuf *take_buffer(pool *P, qt_error *err)
{
    colbuf *b = NULL;
    pthread_mutex_lock(&P->lock);
    while (!P->failed && !P->nspare && P->nall == P->maxbuf)
        pthread_cond_wait(&P->cond, &P->lock);
    if (P->failed) {
        pthread_mutex_unlock(&P->lock);
        return NULL;
    }
    if (P->nspare) {
        b = P->spare[--P->nspare];
        pthread_mutex_unlock(&P->lock);
        return b;
    }
    b = qt__calloc(1, sizeof *b);
    if (b) {
        P->all[P->nall++] = b;
        if (qt_search_new(P->g, &b->ws, err) != QT_OK ||
            (P->opts->nradii && !(b->cols = qt__malloc_array(P->opts->nradii * P->g->n + 1, sizeof *b->cols))))
            b = NULL;
    }
    if (!b) {
        qt_error_set(err, QT_ENOMEM, NULL, _("no memory for a column buffer (%u nodes)"), P->g->n);
        pool_fail_locked(P, err);
    }
    pthread_mutex_unlock(&P->lock);
    return b;
}

/* The union of the intervals in which some worker searches: the wall time of the search phase. */
static void search_begins(pool *P)
{
    pthread_mutex_lock(&P->lock);
    if (P->searching++ == 0)
        P->busy_since = now_s();
    pthread_mutex_unlock(&P->lock);
}

static void search_ends(pool *P)
{
    pthread_mutex_lock(&P->lock);
    if (--P->searching == 0)
        P->search_s += now_s() - P->busy_since;
    pthread_mutex_unlock(&P->lock);
}

/* Hand every ready column to the sink in order; lock held on entry and exit. */
static void deliver_locked(pool *P)
{
    qt_error err = QT_ERROR_INIT;
    P->sinking = 1;
    while (!P->failed && P->turn < P->ncat && P->ready[P->turn]) {
        uint32_t c = P->turn;
        colbuf *b = P->ready[c];
        qt_access_column col;
        qt_status st;
        double t0;
        P->ready[c] = NULL;
        pthread_mutex_unlock(&P->lock);
        col.category = c;
        col.nearest = b->ws;
        col.counts = b->cols;
        col.nradii = P->opts->nradii;
        qt_error_clear(&err);
        t0 = now_s();
        st = P->sink(P->sink_ud, &col, &err);
        if (st == QT_OK && P->opts->progress)
            P->opts->progress(P->opts->progress_ud, "accessibility", (uint64_t)c + 1, P->ncat);
        pthread_mutex_lock(&P->lock);
        P->sink_s += now_s() - t0;
        P->spare[P->nspare++] = b;
        if (st != QT_OK) {
            if (err.code == QT_OK)
                err.code = st;
            pool_fail_locked(P, &err);
            break;
        }
        P->turn = c + 1;
        pthread_cond_broadcast(&P->cond);
    }
    P->sinking = 0;
    pthread_cond_broadcast(&P->cond);
}

static void *work(void *arg)
{
    pool *P = arg;
    qt_seed *seeds = NULL;
    size_t cap = 0;
    qt_error err = QT_ERROR_INIT;
    for (;;) {
        uint32_t c;
        size_t ns;
        colbuf *b;
        qt_status st = QT_OK;
        /* the buffer first, then the category: the category the sink waits
           for is always held by a worker that has a buffer */
        if (!(b = take_buffer(P, &err)))
            break;
        c = atomic_fetch_add(&P->next, 1);
        if (c >= P->ncat) {
            pthread_mutex_lock(&P->lock);
            P->spare[P->nspare++] = b;
            pthread_cond_broadcast(&P->cond);
            pthread_mutex_unlock(&P->lock);
            break;
        }
        search_begins(P);
        if (P->opts->nradii)
            st = run_counts(P, b->ws, c, b->cols, &err);
        if (st == QT_OK)
            st = category_seeds(P, c, &seeds, &cap, &ns, &err);
        if (st == QT_OK)
            st = qt__search_run_core(b->ws, seeds, ns, P->opts->max_dist_m, &err);
        search_ends(P);
        pthread_mutex_lock(&P->lock);
        if (st != QT_OK) {
            P->spare[P->nspare++] = b;
            pool_fail_locked(P, &err);
            pthread_mutex_unlock(&P->lock);
            break;
        }
        P->ready[c] = b;
        if (!P->sinking && P->turn == c)
            deliver_locked(P);
        pthread_mutex_unlock(&P->lock);
    }
    qt__free(seeds);
    return NULL;
}

static qt_status validate(const qt_graph *g, uint32_t ncat, const qt_access_poi *pois, size_t npois,
                          const qt_access_opts *o, qt_error *err)
{
    size_t i, k;
    if (isnan(o->max_dist_m) || o->max_dist_m < 0)
        return qt_error_set(err, QT_EINVAL, "max distance", _("must be >= 0 (INFINITY for none)"));
    for (i = 0; i < o->nradii; i++) {
        if (!isfinite(o->radii_m[i]) || o->radii_m[i] < 0)
            return qt_error_set(err, QT_EINVAL, "radius", _("%g is not a finite radius >= 0"), o->radii_m[i]);
        if (i && o->radii_m[i] <= o->radii_m[i - 1])
            return qt_error_set(err, QT_EINVAL, "radius", _("radii must be ascending"));
    }
    for (i = 0; i < npois; i++) {
        if (pois[i].category >= ncat)
            return qt_error_set(err, QT_EINVAL, "poi", _("POI %zu: category %u out of range"), i, pois[i].category);
        if (pois[i].nseeds < 1 || pois[i].nseeds > 2)
            return qt_error_set(err, QT_EINVAL, "poi", _("POI %zu: needs 1 or 2 seeds"), i);
        for (k = 0; k < pois[i].nseeds; k++)
            if (pois[i].seeds[k].node >= g->n || !(pois[i].seeds[k].dist_m >= 0) || !isfinite(pois[i].seeds[k].dist_m))
                return qt_error_set(err, QT_EINVAL, "poi", _("POI %zu: bad seed"), i);
    }
    return QT_OK;
}

/* Worker threads for ncat categories: opts->threads, else every core, never more than the categories. */
static unsigned thread_count(const qt_access_opts *opts, uint32_t ncat)
{
    unsigned nth = opts->threads;
    if (!nth) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        nth = c > 0 ? (unsigned)c : 1;
    }
    if (nth > ncat)
        nth = ncat ? ncat : 1;
    return nth;
}

/* The POIs grouped by category: P->order and each category's start in it. */
static void pool_index(pool *P, uint32_t *tmp, size_t npois)
{
    size_t i;
    for (i = 0; i < npois; i++) {
        P->order[i] = (uint32_t)i;
        P->cat_first[P->pois[i].category + 1]++;
    }
    for (i = 0; i < P->ncat; i++)
        P->cat_first[i + 1] += P->cat_first[i];
    sort_order(P->order, tmp, npois, P->pois);
}

/* Runs the workers (nth - 1 threads and the calling one) to the end; fills the stats. */
static qt_status pool_run(pool *P, pthread_t *th, unsigned nth, qt_error *err)
{
    unsigned t, started = 0;
    double t0;
    qt_status st = QT_OK;
    atomic_init(&P->next, 0);
    qt_error_clear(&P->err);
    pthread_mutex_init(&P->lock, NULL);
    pthread_cond_init(&P->cond, NULL);
    t0 = now_s();
    for (t = 1; t < nth; t++) {
        if (pthread_create(&th[t], NULL, work, P) != 0)
            break; /* fewer threads; the answer is the same */
        started++;
    }
    work(P); /* the calling thread works too */
    for (t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    if (P->opts->stats) {
        P->opts->stats->wall_s = now_s() - t0;
        P->opts->stats->search_s = P->search_s;
        P->opts->stats->sink_s = P->sink_s;
    }
    pthread_cond_destroy(&P->cond);
    pthread_mutex_destroy(&P->lock);
    if (P->failed) {
        if (err)
            *err = P->err;
        st = P->err.code;
    }
    return st;
}

static void pool_free(pool *P)
{
    size_t i;
    for (i = 0; i < P->nall; i++) {
        if (P->all[i]) {
            qt_search_free(P->all[i]->ws);
            qt__free(P->all[i]->cols);
            qt__free(P->all[i]);
        }
    }
    qt__free(P->all);
    qt__free(P->spare);
    qt__free(P->ready);
    qt__free(P->cat_first);
    qt__free(P->order);
}

qt_status qt_access_stream(const qt_graph *g, uint32_t ncat, const qt_access_poi *pois, size_t npois,
                           const qt_access_opts *opts, qt_access_sink sink, void *ud, qt_error *err)
{
    pool P;
    pthread_t *th = NULL;
    unsigned nth;
    uint32_t *tmp = NULL;
    qt_status st;

    memset(&P, 0, sizeof P);
    st = validate(g, ncat, pois, npois, opts, err);
    if (st != QT_OK)
        return st;
    P.g = g;
    P.ncat = ncat;
    P.pois = pois;
    P.sink = sink;
    P.sink_ud = ud;
    P.opts = opts;
    P.cat_first = qt__calloc((size_t)ncat + 1, sizeof *P.cat_first);
    P.order = qt__malloc_array(npois ? npois : 1, sizeof *P.order);
    tmp = qt__malloc_array(npois ? npois : 1, sizeof *tmp);
    nth = thread_count(opts, ncat);
    th = qt__calloc(nth, sizeof *th);
    P.maxbuf = (size_t)nth + 2;
    P.ready = qt__calloc((size_t)ncat + 1, sizeof *P.ready);
    P.spare = qt__calloc(P.maxbuf, sizeof *P.spare);
    P.all = qt__calloc(P.maxbuf, sizeof *P.all);
    if (!P.cat_first || !P.order || !tmp || !th || !P.ready || !P.spare || !P.all) {
        st = qt_error_set(err, QT_ENOMEM, NULL, _("no memory for %zu POIs"), npois);
    } else {
        pool_index(&P, tmp, npois);
        st = pool_run(&P, th, nth, err);
    }
    pool_free(&P);
    qt__free(th);
    qt__free(tmp);
    return st;
}

/* ---- resident results ------------------------------------------------------ */

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

/* the sink of qt_access_run: keep every column */
static qt_status keep_column(void *ud, const qt_access_column *col, qt_error *err)
{
    qt_access *a = ud;
    const qt_search *ws = col->nearest;
    double *dst = nearest_col(a, col->category);
    size_t i;
    (void)err;
    for (i = 0; i < a->g->n; i++)
        dst[i] = INFINITY;
    for (i = 0; i < ws->nreached; i++)
        dst[ws->reached[i]] = ws->lab[ws->reached[i]].dist;
    if (col->nradii)
        memcpy(count_col(a, col->category, 0), col->counts, col->nradii * a->g->n * sizeof(uint32_t));
    return QT_OK;
}

qt_status qt_access_run(const qt_graph *g, uint32_t ncat, const qt_access_poi *pois, size_t npois,
                        const qt_access_opts *opts, qt_access **out, qt_error *err)
{
    qt_access *a = NULL;
    qt_status st;

    *out = NULL;
    st = validate(g, ncat, pois, npois, opts, err);
    if (st != QT_OK)
        return st;
    a = qt__calloc(1, sizeof *a);
    if (!a)
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory"));
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
    if (!a->radii || !a->nearest || !a->counts || !a->pois || !a->removed) {
        qt_access_free(a);
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for results of %u categories x %u nodes"), ncat, g->n);
    }
    if (opts->nradii)
        memcpy(a->radii, opts->radii_m, opts->nradii * sizeof *a->radii);
    if (npois)
        memcpy(a->pois, pois, npois * sizeof *pois);
    a->npois = npois;
    st = qt_access_stream(g, ncat, a->pois, npois, opts, keep_column, a, err);
    if (st != QT_OK) {
        qt_access_free(a);
        return st;
    }
    *out = a;
    return QT_OK;
}

/* ---- incremental updates -------------------------------------------------- */

qt_status qt_access_add_poi(qt_access *a, qt_search *ws, const qt_access_poi *poi, uint32_t *handle, qt_error *err)
{
    qt_status st = validate(a->g, a->ncat, poi, 1,
                            &(qt_access_opts){a->max_dist, a->radii, a->nradii, 1, NULL, NULL, NULL}, err);
    size_t cap;
    uint32_t i;
    if (st != QT_OK)
        return st;
    if (ws->g != a->g)
        return qt_error_set(err, QT_EINVAL, NULL, _("workspace is for another graph"));
    if (a->npois >= UINT32_MAX - 1)
        return qt_error_set(err, QT_EINVAL, NULL, _("too many POIs"));
    if (a->npois == a->pcap) {
        cap = a->pcap;
        if (qt__grow((void **)&a->pois, &cap, a->npois + 1, sizeof *a->pois) != 0)
            return qt_error_set(err, QT_ENOMEM, NULL, _("no memory"));
        {
            unsigned char *r = qt__realloc(a->removed, cap);
            if (!r)
                return qt_error_set(err, QT_ENOMEM, NULL, _("no memory"));
            memset(r + a->pcap, 0, cap - a->pcap);
            a->removed = r;
        }
        a->pcap = cap;
    }
    /* nearest: only nodes the new outlet brings strictly closer */
    st = qt__search_run_filtered(ws, poi->seeds, poi->nseeds, a->max_dist, 0, NULL, NULL, nearest_col(a, poi->category),
                                 0, err);
    if (st != QT_OK)
        return st;
    {
        double *col = nearest_col(a, poi->category);
        for (i = 0; i < ws->nreached; i++)
            col[ws->reached[i]] = ws->lab[ws->reached[i]].dist;
    }
    if (a->nradii) {
        st = qt__search_run_core(ws, poi->seeds, poi->nseeds, a->radii[a->nradii - 1], err);
        if (st != QT_OK)
            return st;
        add_counts(count_col(a, poi->category, 0), a->g->n, a->radii, a->nradii, ws, 1);
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

/* Marks the nodes aff[0..naff) with a fresh generation of a->mark. */
static void mark_affected(qt_access *a, const uint32_t *aff, size_t naff)
{
    size_t i;
    a->markgen++;
    if (a->markgen == 0) {
        memset(a->mark, 0, (size_t)a->g->n * sizeof *a->mark);
        a->markgen = 1;
    }
    for (i = 0; i < naff; i++)
        a->mark[aff[i]] = a->markgen;
}

/* A growable list of seeds. */
typedef struct seedvec {
    qt_seed *s;
    size_t n, cap;
} seedvec;

static int seed_push(seedvec *sv, qt_seed s)
{
    if (qt__grow((void **)&sv->s, &sv->cap, sv->n + 1, sizeof *sv->s) != 0)
        return -1;
    sv->s[sv->n++] = s;
    return 0;
}

/* Seeds for the marked region: each node at its best distance from an
 * unmarked neighbour (col), and the category's other open outlets inside it;
 * -1 on no memory. */
static int region_seeds(const qt_access *a, const double *col, uint32_t category, const uint32_t *aff, size_t naff,
                        seedvec *sv)
{
    const qt_graph *g = a->g;
    size_t i;
    for (i = 0; i < naff; i++) {
        uint32_t v = aff[i], k;
        double best = INFINITY;
        for (k = g->first[v]; k < g->first[v + 1]; k++) {
            uint32_t w = g->arc[k].to;
            if (a->mark[w] != a->markgen && isfinite(col[w]))
                best = fmin(best, col[w] + g->arc[k].cost);
        }
        if (best <= a->max_dist && seed_push(sv, (qt_seed){v, best}) != 0)
            return -1;
    }
    for (i = 0; i < a->npois; i++) {
        uint32_t k;
        if (a->removed[i] || a->pois[i].category != category)
            continue;
        for (k = 0; k < a->pois[i].nseeds; k++)
            if (a->mark[a->pois[i].seeds[k].node] == a->markgen && seed_push(sv, a->pois[i].seeds[k]) != 0)
                return -1;
    }
    return 0;
}

qt_status qt_access_remove_poi(qt_access *a, qt_search *ws, uint32_t handle, qt_error *err)
{
    const qt_graph *g = a->g;
    qt_access_poi p;
    double *col;
    uint32_t *aff = NULL;
    seedvec sv = {0};
    size_t naff, i;
    qt_status st;

    if (handle >= a->npois || a->removed[handle])
        return qt_error_set(err, QT_ENOTFOUND, NULL, _("no open POI with handle %u"), handle);
    if (ws->g != a->g)
        return qt_error_set(err, QT_EINVAL, NULL, _("workspace is for another graph"));
    p = a->pois[handle];
    col = nearest_col(a, p.category);
    if (!a->mark) {
        a->mark = qt__calloc(g->n ? g->n : 1, sizeof *a->mark);
        if (!a->mark)
            return qt_error_set(err, QT_ENOMEM, NULL, _("no memory"));
    }
    /* counts: the same bounded search, subtracting */
    if (a->nradii) {
        st = qt__search_run_core(ws, p.seeds, p.nseeds, a->radii[a->nradii - 1], err);
        if (st != QT_OK)
            return st;
        add_counts(count_col(a, p.category, 0), a->g->n, a->radii, a->nradii, ws, (uint32_t)-1);
    }
    /* nearest: the nodes whose nearest outlet was this one (ties included) */
    st = qt__search_run_filtered(ws, p.seeds, p.nseeds, a->max_dist, 0, NULL, NULL, col, 1e-12, err);
    if (st != QT_OK)
        return st;
    naff = ws->nreached;
    aff = qt__malloc_array(naff ? naff : 1, sizeof *aff);
    if (!aff)
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory"));
    memcpy(aff, ws->reached, naff * sizeof *aff);
    mark_affected(a, aff, naff);
    a->removed[handle] = 1;
    if (region_seeds(a, col, p.category, aff, naff, &sv) != 0)
        st = qt_error_set(err, QT_ENOMEM, NULL, _("no memory"));
    else
        st = qt__search_run_filtered(ws, sv.s, sv.n, a->max_dist, 0, in_mark, a, NULL, 0, err);
    if (st != QT_OK) {
        a->removed[handle] = 0;
    } else {
        for (i = 0; i < naff; i++)
            col[aff[i]] = qt__search_dist(ws, aff[i]);
    }
    qt__free(aff);
    qt__free(sv.s);
    return st;
}

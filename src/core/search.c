/* SPDX-License-Identifier: MIT */
/* search.c -- multi-source Dijkstra with a radix heap. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "core/search_internal.h"

qt_status qt_search_new(const qt_graph *g, qt_search **out, qt_error *err)
{
    qt_search *s = qt__calloc(1, sizeof *s);
    size_t n = g->n ? g->n : 1;
    *out = NULL;
    if (!s)
        goto nomem;
    s->g = g;
    s->lab = qt__calloc(n, sizeof *s->lab);
    if (!s->lab)
        goto nomem;
    s->gen = 0;
    *out = s;
    return QT_OK;
nomem:
    qt_search_free(s);
    return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for a search workspace"));
}

void qt_search_free(qt_search *s)
{
    if (!s)
        return;
    qt__free(s->lab);
    qt__free(s->pred);
    {
        size_t i;
        for (i = 0; i < QT_NBUCKETS; i++)
            qt__free(s->bucket[i].e);
    }
    qt__free(s->reached);
    qt__free(s->ch_stamp);
    qt__free(s->touched);
    qt__free(s->aseed);
    qt__free(s);
}

/*
 * The priority queue is a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan
 * 1990) over the bit patterns of the distances: for doubles >= +0 the
 * patterns order like the values, and Dijkstra pops keys in non-decreasing
 * order, which is all a radix heap needs.  A push appends to a bucket; a pop
 * refills bucket 0 from the lowest non-empty bucket.  Improved labels are
 * pushed again and stale entries skipped on pop, so there is no decrease-key
 * and no scattered writes: on a city-size graph this is what keeps the
 * search near memory speed.  Distances are the same as with any exact
 * Dijkstra: a node's label is the least of dist(u) + cost over its settled
 * neighbours u, whatever the order equal keys come out in.
 */
static inline uint64_t key_of(double d)
{
    uint64_t k;
    d += 0.0; /* -0 becomes +0 */
    memcpy(&k, &d, sizeof k);
    return k;
}

static inline unsigned bucket_of(uint64_t key, uint64_t last)
{
    uint64_t x = key ^ last;
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

static inline int push(qt_search *s, uint64_t key, uint32_t v)
{
    qt__bucket *b = &s->bucket[bucket_of(key, s->last)];
    if (b->len == b->cap && qt__grow((void **)&b->e, &b->cap, b->len + 1, sizeof *b->e) != 0)
        return -1;
    b->e[b->len].key = key;
    b->e[b->len].node = v;
    b->len++;
    s->qlen++;
    return 0;
}

/*
 * Make bucket 0 hold the least keys: find the lowest non-empty bucket, make
 * its least key the new `last` and move its entries to lower buckets.  The
 * queue must not be empty.  Returns -1 when out of memory (the search fails).
 */
static int refill(qt_search *s)
{
    unsigned i = 1;
    size_t k;
    qt__bucket *bi;
    uint64_t least;
    while (!s->bucket[i].len)
        i++;
    bi = &s->bucket[i];
    least = bi->e[0].key;
    for (k = 1; k < bi->len; k++)
        if (bi->e[k].key < least)
            least = bi->e[k].key;
    s->last = least;
    for (k = 0; k < bi->len; k++) {
        qt__bucket *t = &s->bucket[bucket_of(bi->e[k].key, least)];
        if (t->len == t->cap && qt__grow((void **)&t->e, &t->cap, t->len + 1, sizeof *t->e) != 0)
            return -1;
        t->e[t->len++] = bi->e[k];
    }
    bi->len = 0;
    return 0;
}

/* Offer distance d to v; returns -1 on no memory. */
static inline int offer(qt_search *s, uint32_t v, double d, uint32_t from)
{
    qt__label *l = &s->lab[v];
    if (l->stamp != s->gen) {
        l->stamp = s->gen;
        l->hpos = QT_HPOS_OPEN;
    } else if (l->hpos == QT_HPOS_SETTLED || !(d < l->dist)) {
        return 0;
    }
    l->dist = d;
    if (s->have_pred)
        s->pred[v] = from;
    return push(s, key_of(d), v);
}

static inline int within_bound(const double *bound, double tol, uint32_t w, double d)
{
    return tol > 0 ? d <= bound[w] + tol * (1 + bound[w]) : d < bound[w];
}

static void next_generation(qt_search *s)
{
    s->gen++;
    if (s->gen == 0) { /* wrapped: forget every old stamp */
        uint32_t v;
        for (v = 0; v < s->g->n; v++)
            s->lab[v].stamp = 0;
        if (s->ch_stamp)
            memset(s->ch_stamp, 0, (size_t)s->g->ch.nchain * sizeof *s->ch_stamp);
        s->gen = 1;
    }
}

qt_status qt__search_run_filtered(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m, int want_pred,
                                  int (*allow)(void *ctx, uint32_t v), void *ctx, const double *bound, double bound_tol,
                                  qt_error *err)
{
    const qt_graph *g = s->g;
    size_t i;
    if (isnan(limit_m))
        return qt_error_set(err, QT_EINVAL, NULL, _("search limit is NaN"));
    for (i = 0; i < nseeds; i++)
        if (seeds[i].node >= g->n || !(seeds[i].dist_m >= 0))
            return qt_error_set(err, QT_EINVAL, NULL, _("seed %zu: node out of range or bad distance"), i);
    if (want_pred && !s->pred) {
        s->pred = qt__malloc_array(g->n ? g->n : 1, sizeof *s->pred);
        if (!s->pred)
            return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for predecessors"));
    }
    s->have_pred = want_pred != 0;
    next_generation(s);
    for (i = 0; i < QT_NBUCKETS; i++)
        s->bucket[i].len = 0;
    s->qlen = 0;
    s->last = 0;
    s->nreached = 0;
    for (i = 0; i < nseeds; i++) {
        if (seeds[i].dist_m > limit_m)
            continue;
        if (allow && !allow(ctx, seeds[i].node))
            continue;
        if (bound && !within_bound(bound, bound_tol, seeds[i].node, seeds[i].dist_m))
            continue;
        if (offer(s, seeds[i].node, seeds[i].dist_m, QT_NODE_NONE) != 0)
            return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the search queue"));
    }
    while (s->qlen) {
        qt__qent top;
        uint32_t v, a, end;
        double dv;
        if (!s->bucket[0].len && refill(s) != 0)
            return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the search queue"));
        top = s->bucket[0].e[--s->bucket[0].len];
        s->qlen--;
        v = top.node;
        if (s->lab[v].hpos == QT_HPOS_SETTLED || top.key != key_of(s->lab[v].dist))
            continue; /* stale: v was settled, or improved after this push */
        dv = s->lab[v].dist;
        s->lab[v].hpos = QT_HPOS_SETTLED;
        if (s->nreached == s->rcap &&
            qt__grow((void **)&s->reached, &s->rcap, s->nreached + 1, sizeof *s->reached) != 0)
            return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the search"));
        s->reached[s->nreached++] = v;
        if (s->visit && s->visit(s->visit_ctx, v, dv))
            break; /* the caller has what it needs */
        end = g->first[v + 1];
        for (a = g->first[v]; a < end; a++) {
            uint32_t w = g->arc[a].to;
            double d = dv + g->arc[a].cost;
            if (d > limit_m)
                continue;
            {
                const qt__label *l = &s->lab[w];
                if (l->stamp == s->gen && (l->hpos == QT_HPOS_SETTLED || d >= l->dist))
                    continue;
            }
            if (allow && !allow(ctx, w))
                continue;
            if (bound && !within_bound(bound, bound_tol, w, d))
                continue;
            if (offer(s, w, d, v) != 0)
                return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the search queue"));
        }
    }
    return QT_OK;
}

/* ---- the search over the core of the chain-contracted graph ----------------
 *
 * A node-by-node Dijkstra gives node v the least, over the walks from a seed
 * to v, of the walk's costs added one by one from the seed's distance (each
 * label is the least of dist(u) + cost over v's neighbours, and adding a cost
 * >= 0 never makes a double smaller, so the minimum passes through every
 * addition).  Along a chain the walks that matter come straight in from one
 * end or from a seed on it, so: the core search adds a chain's costs in order
 * to go from one end to the other, a seed on a chain is carried to both ends
 * the same way, and afterwards each touched chain is filled by one pass from
 * A (keeping the lesser of the carried value and a seed's) and one from B
 * (keeping the lesser of that and the first pass).  Same additions, same
 * order, same doubles.
 */

static inline int touch(qt_search *s, uint32_t c)
{
    if (s->ch_stamp[c] == s->gen)
        return 0;
    s->ch_stamp[c] = s->gen;
    if (s->ntouched == s->tcap && qt__grow((void **)&s->touched, &s->tcap, s->ntouched + 1, sizeof *s->touched) != 0)
        return -1;
    s->touched[s->ntouched++] = c;
    return 0;
}

/* Offer d to core node w unless it is settled or no better (as the main loop does). */
static inline int offer_core(qt_search *s, uint32_t w, double d)
{
    const qt__label *l = &s->lab[w];
    if (l->stamp == s->gen && (l->hpos == QT_HPOS_SETTLED || d >= l->dist))
        return 0;
    return offer(s, w, d, QT_NODE_NONE);
}

/*
 * For a visiting search: walk chain c from position p (0: A, k + 1: B, else
 * its p-th node) at distance x towards B (up) or A, telling the visitor of
 * every chain node and attachment within the limit on the way.  The same
 * additions as the walks below; returns the sum at the far end.
 */
static double walk_passed(const qt_search *s, uint32_t c, uint32_t p, int up, double x, double limit_m,
                          const qt__core_visitor *vis)
{
    const qt__chains *ch = &s->g->ch;
    uint32_t k = ch->first[c + 1] - ch->first[c], f = ch->att_first[c], l = ch->att_first[c + 1], q;
    const uint32_t *node = ch->node + ch->first[c];
    const double *w = ch->cost + ch->first[c] + c;
    if (up) {
        for (q = f; q < l && ch->att_pos[q] <= p; q++)
            ;
        while (p <= k) { /* p -> p + 1 adds w[p] */
            x += w[p++];
            if (x > limit_m || p > k)
                break;
            vis->passed(vis->ctx, node[p - 1], x);
            for (; q < l && ch->att_pos[q] == p; q++)
                if (x + ch->att_cost[q] <= limit_m)
                    vis->passed(vis->ctx, ch->att_node[q], x + ch->att_cost[q]);
        }
    } else {
        for (q = l; q > f && ch->att_pos[q - 1] >= p; q--)
            ;
        while (p >= 1) { /* p -> p - 1 adds w[p - 1] */
            x += w[--p];
            if (x > limit_m || p == 0)
                break;
            vis->passed(vis->ctx, node[p - 1], x);
            for (; q > f && ch->att_pos[q - 1] == p; q--)
                if (x + ch->att_cost[q - 1] <= limit_m)
                    vis->passed(vis->ctx, ch->att_node[q - 1], x + ch->att_cost[q - 1]);
        }
    }
    return x;
}

/* The attachments of chain c's node at position j, at x + their leg, for the visitor. */
static void pass_attachments(const qt_search *s, uint32_t c, uint32_t j, double x, double limit_m,
                             const qt__core_visitor *vis)
{
    const qt__chains *ch = &s->g->ch;
    uint32_t q;
    for (q = ch->att_first[c]; q < ch->att_first[c + 1]; q++)
        if (ch->att_pos[q] == j && x + ch->att_cost[q] <= limit_m)
            vis->passed(vis->ctx, ch->att_node[q], x + ch->att_cost[q]);
}

/* A seed on chain node v: label it and carry it to both ends of its chain. */
static int seed_on_chain(qt_search *s, uint32_t v, double d, double limit_m, const qt__core_visitor *vis)
{
    const qt__chains *ch = &s->g->ch;
    uint32_t c = ch->node_chain[v], j = ch->node_pos[v], k = ch->first[c + 1] - ch->first[c], i;
    const double *w = ch->cost + ch->first[c] + c;
    qt__label *l = &s->lab[v];
    double x;
    if (vis) { /* the visitor needs no labels */
        vis->passed(vis->ctx, v, d);
        pass_attachments(s, c, j, d, limit_m, vis);
        if ((x = walk_passed(s, c, j, 0, d, limit_m, vis)) <= limit_m && offer_core(s, ch->end[2 * c], x) != 0)
            return -1;
        if ((x = walk_passed(s, c, j, 1, d, limit_m, vis)) <= limit_m && offer_core(s, ch->end[2 * c + 1], x) != 0)
            return -1;
        return 0;
    }
    if (touch(s, c) != 0)
        return -1;
    if (l->stamp != s->gen || d < l->dist) {
        l->stamp = s->gen;
        l->hpos = QT_HPOS_OPEN;
        l->dist = d;
    }
    for (x = d, i = j; i-- > 0;) { /* towards A: costs j-1 .. 0 */
        x += w[i];
        if (x > limit_m)
            break;
        if (i == 0 && offer_core(s, ch->end[2 * c], x) != 0)
            return -1;
    }
    for (x = d, i = j; i <= k; i++) { /* towards B: costs j .. k */
        x += w[i];
        if (x > limit_m)
            break;
    }
    if (i > k && offer_core(s, ch->end[2 * c + 1], x) != 0)
        return -1;
    return 0;
}

/* Attachment v's distance is d (from its host) unless its own seed is nearer. */
static int settle_attachment(qt_search *s, uint32_t v, double d, double limit_m)
{
    qt__label *l = &s->lab[v];
    if (l->stamp == s->gen) {
        if (l->hpos == QT_HPOS_SETTLED)
            return 0;
        if (!(d < l->dist))
            d = l->dist;
    } else {
        if (!(d <= limit_m && d < (double)INFINITY))
            return 0;
        l->stamp = s->gen;
    }
    l->dist = d;
    l->hpos = QT_HPOS_SETTLED;
    if (s->nreached == s->rcap && qt__grow((void **)&s->reached, &s->rcap, s->nreached + 1, sizeof *s->reached) != 0)
        return -1;
    s->reached[s->nreached++] = v;
    return 0;
}

/* A seed on attachment v: label it and carry it to its host, as a seed there. */
static int seed_on_attachment(qt_search *s, uint32_t v, double d, double limit_m, const qt__core_visitor *vis)
{
    const qt_graph *g = s->g;
    const qt__arc *a = &g->arc[g->first[v]];
    qt__label *l = &s->lab[v];
    double x = d + a->cost;
    if (vis) {
        vis->passed(vis->ctx, v, d);
    } else {
        if (l->stamp != s->gen || d < l->dist) {
            l->stamp = s->gen;
            l->hpos = QT_HPOS_OPEN;
            l->dist = d;
        }
        if (s->naseed == s->acap && qt__grow((void **)&s->aseed, &s->acap, s->naseed + 1, sizeof *s->aseed) != 0)
            return -1;
        s->aseed[s->naseed++] = v;
    }
    if (x > limit_m)
        return 0;
    return g->ch.node_chain[a->to] == QT_NODE_NONE ? offer_core(s, a->to, x) : seed_on_chain(s, a->to, x, limit_m, vis);
}

/* Fill chain c from the settled distances of its ends and the seeds on it. */
static int fill_chain(qt_search *s, uint32_t c, double limit_m)
{
    const qt__chains *ch = &s->g->ch;
    uint32_t k = ch->first[c + 1] - ch->first[c], j, p;
    const uint32_t *node = ch->node + ch->first[c];
    const double *w = ch->cost + ch->first[c] + c;
    double x = qt__search_dist(s, ch->end[2 * c]);
    size_t most = s->nreached + k + (ch->att_first[c + 1] - ch->att_first[c]);
    if (most > s->rcap && qt__grow((void **)&s->reached, &s->rcap, most, sizeof *s->reached) != 0)
        return -1;
    for (j = 1; j <= k; j++) {
        qt__label *l = &s->lab[node[j - 1]];
        x += w[j - 1];
        if (l->stamp != s->gen) {
            l->stamp = s->gen;
            l->hpos = QT_HPOS_OPEN;
        } else if (!(x < l->dist)) {
            x = l->dist; /* a seed here is nearer */
        }
        l->dist = x;
    }
    x = qt__search_dist(s, ch->end[2 * c + 1]);
    p = ch->att_first[c + 1];
    for (j = k; j >= 1; j--) {
        qt__label *l = &s->lab[node[j - 1]];
        x += w[j];
        if (!(x < l->dist))
            x = l->dist;
        l->dist = x;
        if (x <= limit_m && x < (double)INFINITY) {
            l->hpos = QT_HPOS_SETTLED;
            s->reached[s->nreached++] = node[j - 1];
        }
        for (; p > ch->att_first[c] && ch->att_pos[p - 1] == j; p--)
            if (settle_attachment(s, ch->att_node[p - 1], x + ch->att_cost[p - 1], limit_m) != 0)
                return -1;
    }
    return 0;
}

/* The plain search of a graph without chains, telling vis (if any) of every settled node. */
static qt_status run_unchained(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m,
                               const qt__core_visitor *vis, qt_error *err)
{
    qt_status st;
    if (!vis)
        return qt__search_run_filtered(s, seeds, nseeds, limit_m, 0, NULL, NULL, NULL, 0, err);
    s->visit = vis->settled;
    s->visit_ctx = vis->ctx;
    st = qt__search_run_filtered(s, seeds, nseeds, limit_m, 0, NULL, NULL, NULL, 0, err);
    s->visit = NULL;
    s->visit_ctx = NULL;
    return st;
}

/* Checks the limit and seeds, and empties the workspace for a core search. */
static qt_status core_prepare(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m, qt_error *err)
{
    const qt__chains *ch = &s->g->ch;
    size_t i;
    if (isnan(limit_m))
        return qt_error_set(err, QT_EINVAL, NULL, _("search limit is NaN"));
    for (i = 0; i < nseeds; i++)
        if (seeds[i].node >= s->g->n || !(seeds[i].dist_m >= 0))
            return qt_error_set(err, QT_EINVAL, NULL, _("seed %zu: node out of range or bad distance"), i);
    if (!s->ch_stamp && ch->nchain) {
        s->ch_stamp = qt__calloc(ch->nchain, sizeof *s->ch_stamp);
        if (!s->ch_stamp)
            return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the chain marks"));
    }
    s->have_pred = 0;
    next_generation(s);
    for (i = 0; i < QT_NBUCKETS; i++)
        s->bucket[i].len = 0;
    s->qlen = 0;
    s->last = 0;
    s->nreached = 0;
    s->ntouched = 0;
    s->naseed = 0;
    return QT_OK;
}

/* Offers every seed within the limit, each by the kind of node it is on. */
static inline __attribute__((always_inline)) int core_seed(qt_search *s, const qt_seed *seeds, size_t nseeds,
                                                           double limit_m, const qt__core_visitor *vis)
{
    const qt__chains *ch = &s->g->ch;
    size_t i;
    for (i = 0; i < nseeds; i++) {
        uint32_t v = seeds[i].node;
        double d = seeds[i].dist_m;
        int bad;
        if (d > limit_m)
            continue;
        if (ch->node_chain[v] == QT_NODE_NONE)
            bad = offer(s, v, d, QT_NODE_NONE);
        else if (ch->node_chain[v] == QT_CHAIN_ATTACH)
            bad = seed_on_attachment(s, v, d, limit_m, vis);
        else
            bad = seed_on_chain(s, v, d, limit_m, vis);
        if (bad)
            return -1;
    }
    return 0;
}

/* After the plain core search: fills the touched chains and settles the seeded attachments. */
static int core_finish(qt_search *s, double limit_m)
{
    size_t i;
    for (i = 0; i < s->ntouched; i++)
        if (fill_chain(s, s->touched[i], limit_m) != 0)
            return -1;
    for (i = 0; i < s->naseed; i++)
        if (settle_attachment(s, s->aseed[i], INFINITY, limit_m) != 0)
            return -1;
    return 0;
}

/*
 * Plain search: the arc into chain ac (its first cost already in *d) walked
 * to the chain's far end *w.  Returns 1 to offer *w at *d, 0 when the end is
 * settled or beyond the limit, -1 on no memory.
 */
static inline __attribute__((always_inline)) int walk_chain(qt_search *s, uint32_t ac, double *dp, double limit_m,
                                                            uint32_t *wp)
{
    const qt__chains *ch = &s->g->ch;
    uint32_t c = ac >> 1, k = ch->first[c + 1] - ch->first[c], j, w;
    const double *cw = ch->cost + ch->first[c] + c;
    const qt__label *l;
    double d = *dp;
    if (touch(s, c) != 0)
        return -1;
    w = ch->end[2 * c + !(ac & 1)];
    l = &s->lab[w];
    if (l->stamp == s->gen && l->hpos == QT_HPOS_SETTLED)
        return 0;
    if (!(ac & 1)) { /* from A: costs 0 (added above), 1 .. k */
        for (j = 1; j <= k && d <= limit_m; j++)
            d += cw[j];
    } else { /* from B: costs k (added above), k-1 .. 0 */
        for (j = k; j-- > 0 && d <= limit_m;)
            d += cw[j];
    }
    if (d > limit_m)
        return 0;
    *dp = d;
    *wp = w;
    return 1;
}

/* The core search; vis == NULL for the plain one (inlined twice, so the plain loop has no visitor tests). */
static inline __attribute__((always_inline)) qt_status
run_core(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m, const qt__core_visitor *vis, qt_error *err)
{
    const qt_graph *g = s->g;
    const qt__chains *ch = &g->ch;
    qt_status st;
    if (!ch->node_chain) /* no chains: every node is core */
        return run_unchained(s, seeds, nseeds, limit_m, vis, err);
    st = core_prepare(s, seeds, nseeds, limit_m, err);
    if (st != QT_OK)
        return st;
    if (core_seed(s, seeds, nseeds, limit_m, vis) != 0)
        goto nomem;
    while (s->qlen) {
        qt__qent top;
        uint32_t v, a, end;
        double dv;
        if (!s->bucket[0].len && refill(s) != 0)
            goto nomem;
        top = s->bucket[0].e[--s->bucket[0].len];
        s->qlen--;
        v = top.node;
        if (s->lab[v].hpos == QT_HPOS_SETTLED || top.key != key_of(s->lab[v].dist))
            continue;
        dv = s->lab[v].dist;
        s->lab[v].hpos = QT_HPOS_SETTLED;
        if (s->nreached == s->rcap &&
            qt__grow((void **)&s->reached, &s->rcap, s->nreached + 1, sizeof *s->reached) != 0)
            goto nomem;
        s->reached[s->nreached++] = v;
        if (vis && vis->settled(vis->ctx, v, dv))
            break; /* the visitor has what it needs */
        end = g->first[v + 1];
        for (a = g->first[v]; a < end; a++) {
            uint32_t ac = ch->arc_chain[a], w;
            double d = dv + g->arc[a].cost;
            if (d > limit_m)
                continue;
            if (ac == QT_NODE_NONE) {
                w = g->arc[a].to;
            } else if (ac == QT_CHAIN_ATTACH) {
                if (vis)
                    vis->passed(vis->ctx, g->arc[a].to, d);
                else if (settle_attachment(s, g->arc[a].to, d, limit_m) != 0)
                    goto nomem;
                continue;
            } else if (vis) { /* walk it even when the far end is settled: its nodes may be nearer from here */
                uint32_t c = ac >> 1;
                w = ch->end[2 * c + !(ac & 1)];
                d = walk_passed(s, c, (ac & 1) ? ch->first[c + 1] - ch->first[c] + 1 : 0, !(ac & 1), dv, limit_m, vis);
                if (d > limit_m)
                    continue;
            } else {
                int r = walk_chain(s, ac, &d, limit_m, &w);
                if (r < 0)
                    goto nomem;
                if (r == 0)
                    continue;
            }
            if (offer_core(s, w, d) != 0)
                goto nomem;
        }
    }
    if (vis)
        return QT_OK; /* the visitor had every node; no fill */
    if (core_finish(s, limit_m) != 0)
        goto nomem;
    return QT_OK;
nomem:
    return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the search queue"));
}

qt_status qt__search_run_core(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m, qt_error *err)
{
    return run_core(s, seeds, nseeds, limit_m, NULL, err);
}

qt_status qt__search_run_core_visit(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m,
                                    const qt__core_visitor *vis, qt_error *err)
{
    return run_core(s, seeds, nseeds, limit_m, vis, err);
}

qt_status qt_search_run(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m, int want_pred, qt_error *err)
{
    return qt__search_run_filtered(s, seeds, nseeds, limit_m, want_pred, NULL, NULL, NULL, 0, err);
}

double qt_search_dist(const qt_search *s, uint32_t node)
{
    if (node >= s->g->n)
        return INFINITY;
    return qt__search_dist(s, node);
}

size_t qt_search_reached(const qt_search *s, const uint32_t **nodes)
{
    *nodes = s->reached;
    return s->nreached;
}

qt_status qt_search_path(const qt_search *s, uint32_t node, uint32_t **path, size_t *len, qt_error *err)
{
    size_t k = 0, i;
    uint32_t v;
    uint32_t *p;
    *path = NULL;
    *len = 0;
    if (!s->have_pred)
        return qt_error_set(err, QT_EINVAL, NULL, _("the last search kept no predecessors"));
    if (node >= s->g->n || !isfinite(qt__search_dist(s, node)))
        return qt_error_set(err, QT_ENOTFOUND, NULL, _("node not reached"));
    for (v = node; v != QT_NODE_NONE; v = s->pred[v])
        k++;
    p = malloc(k * sizeof *p);
    if (!p)
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the path"));
    for (v = node, i = k; v != QT_NODE_NONE; v = s->pred[v])
        p[--i] = v;
    *path = p;
    *len = k;
    return QT_OK;
}

qt_status qt_search_run_visit(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m,
                              int (*visit)(void *ctx, uint32_t node, double dist_m), void *ctx, qt_error *err)
{
    qt_status st;
    s->visit = visit;
    s->visit_ctx = ctx;
    st = qt__search_run_filtered(s, seeds, nseeds, limit_m, 0, NULL, NULL, NULL, 0, err);
    s->visit = NULL;
    s->visit_ctx = NULL;
    return st;
}

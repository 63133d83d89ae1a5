/* SPDX-License-Identifier: MIT */
/*
 * core/search_internal.h -- the qt_search workspace layout, for core modules
 * that read labels in their inner loops (accessibility, isochrones).
 */
#ifndef QUARTER_CORE_SEARCH_INTERNAL_H
#define QUARTER_CORE_SEARCH_INTERNAL_H

#include "core/graph_internal.h"
#include "quarter/search.h"

#define QT_HPOS_SETTLED UINT32_MAX
#define QT_HPOS_OPEN    0u

/* A queue entry: the distance's bit pattern (monotone for doubles >= +0) and the node. */
typedef struct qt__qent {
    uint64_t key;
    uint32_t node;
} qt__qent;

/* One bucket of the radix queue. */
typedef struct qt__bucket {
    qt__qent *e;
    size_t len, cap;
} qt__bucket;

#define QT_NBUCKETS 65

/* A node's label: one 16-byte record, so relaxing an arc touches one cache line. */
typedef struct qt__label {
    double dist; /* valid when stamp == the workspace's gen */
    uint32_t stamp;
    uint32_t hpos; /* QT_HPOS_OPEN (labelled) or QT_HPOS_SETTLED */
} qt__label;

struct qt_search {
    const qt_graph *g;
    qt__label *lab; /* n */
    uint32_t *pred; /* n, allocated on first want_pred run */
    uint32_t gen;
    int have_pred;
    /* radix queue: bucket b > 0 holds keys whose highest bit differing from
       `last` (the last key popped) is bit b-1; bucket 0 holds keys == last */
    qt__bucket bucket[QT_NBUCKETS];
    uint64_t last;
    size_t qlen;
    uint32_t *reached;
    size_t nreached, rcap;
    /* qt_search_run_visit: called as each node is settled; non-zero stops */
    int (*visit)(void *ctx, uint32_t node, double dist_m);
    void *visit_ctx;
    /* qt__search_run_core: chains touched by this run (stamp == gen) */
    uint32_t *ch_stamp; /* g->ch.nchain, allocated on first use */
    uint32_t *touched;
    size_t ntouched, tcap;
    uint32_t *aseed; /* seeds on attachments, settled at the end if nothing nearer came */
    size_t naseed, acap;
};

static inline double qt__search_dist(const qt_search *s, uint32_t v)
{
    const qt__label *l = &s->lab[v];
    return (l->stamp == s->gen && l->hpos == QT_HPOS_SETTLED) ? l->dist : (double)INFINITY;
}

/*
 * Dijkstra restricted to nodes for which allow(ctx, v) is true (NULL: all),
 * and, when bound is given, entering node w only with a distance d where
 * d < bound[w] (or d <= bound[w] + bound_tol when bound_tol > 0).
 */
qt_status qt__search_run_filtered(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m, int want_pred,
                                  int (*allow)(void *ctx, uint32_t v), void *ctx, const double *bound, double bound_tol,
                                  qt_error *err);

/*
 * The same distances as qt_search_run (bit for bit) computed over the core of
 * the chain-contracted graph, then filled into every chain the search
 * touched.  No predecessors and no visit callback; the settled nodes
 * (qt_search_reached) are the core nodes in order of distance, then the chain
 * nodes chain by chain.
 */
qt_status qt__search_run_core(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m, qt_error *err);

/*
 * What a visiting search over the core tells its caller.  settled(ctx, v, d):
 * core node v is settled at d, in order of distance (non-zero stops the
 * search).  passed(ctx, v, d): a walk along a chain (from one of its ends or
 * from a seed on it) or to an attachment brings chain node or attachment v
 * within the limit at d.  Each d passed is an upper bound of v's distance
 * and the least of them is its distance, bit for bit (the sums of the
 * node-by-node search); a node whose distance is less than a core node's is
 * passed at that distance before that core node is settled.
 */
typedef struct qt__core_visitor {
    int (*settled)(void *ctx, uint32_t v, double d);
    void (*passed)(void *ctx, uint32_t v, double d);
    void *ctx;
} qt__core_visitor;

/*
 * The core search with a visitor (vis: BORROWED for the call), for searches
 * that stop once they have what they need (the k nearest outlets).  Chains
 * are not filled: afterwards only the core nodes settled have a distance
 * (qt_search_reached lists them).  On a graph without chains every node is
 * core and settled.
 */
qt_status qt__search_run_core_visit(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m,
                                    const qt__core_visitor *vis, qt_error *err);

#endif

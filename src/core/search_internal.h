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

typedef struct qt__hent {
    double key;
    uint32_t node;
} qt__hent;

struct qt_search {
    const qt_graph *g;
    double *dist;    /* n: label, valid when stamp[v] == gen */
    uint32_t *stamp; /* n */
    uint32_t *hpos;  /* n: heap position, or QT_HPOS_SETTLED */
    uint32_t *pred;  /* n, allocated on first want_pred run */
    uint32_t gen;
    int have_pred;
    qt__hent *heap;
    size_t hlen, hcap;
    uint32_t *reached;
    size_t nreached, rcap;
};

static inline double qt__search_dist(const qt_search *s, uint32_t v)
{
    return (s->stamp[v] == s->gen && s->hpos[v] == QT_HPOS_SETTLED) ? s->dist[v] : (double)INFINITY;
}

/*
 * Dijkstra restricted to nodes for which allow(ctx, v) is true (NULL: all),
 * and, when bound is given, entering node w only with a distance d where
 * d < bound[w] (or d <= bound[w] + bound_tol when bound_tol > 0).
 */
qt_status qt__search_run_filtered(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m,
                                  int want_pred, int (*allow)(void *ctx, uint32_t v), void *ctx,
                                  const double *bound, double bound_tol, qt_error *err);

#endif

/* SPDX-License-Identifier: MIT */
/* search.c -- multi-source Dijkstra with a 4-ary indexed heap. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    s->dist = qt__malloc_array(n, sizeof *s->dist);
    s->stamp = qt__calloc(n, sizeof *s->stamp);
    s->hpos = qt__malloc_array(n, sizeof *s->hpos);
    if (!s->dist || !s->stamp || !s->hpos)
        goto nomem;
    s->gen = 0;
    *out = s;
    return QT_OK;
nomem:
    qt_search_free(s);
    return qt_error_set(err, QT_ENOMEM, NULL, "no memory for a search workspace");
}

void qt_search_free(qt_search *s)
{
    if (!s)
        return;
    qt__free(s->dist);
    qt__free(s->stamp);
    qt__free(s->hpos);
    qt__free(s->pred);
    qt__free(s->heap);
    qt__free(s->reached);
    qt__free(s);
}

static void sift_up(qt_search *s, size_t i)
{
    qt__hent e = s->heap[i];
    while (i > 0) {
        size_t p = (i - 1) >> 2;
        if (s->heap[p].key <= e.key)
            break;
        s->heap[i] = s->heap[p];
        s->hpos[s->heap[i].node] = (uint32_t)i;
        i = p;
    }
    s->heap[i] = e;
    s->hpos[e.node] = (uint32_t)i;
}

static void sift_down(qt_search *s, size_t i)
{
    qt__hent e = s->heap[i];
    size_t n = s->hlen;
    for (;;) {
        size_t c = (i << 2) + 1, best, k, end;
        if (c >= n)
            break;
        best = c;
        end = c + 4 < n ? c + 4 : n;
        for (k = c + 1; k < end; k++)
            if (s->heap[k].key < s->heap[best].key)
                best = k;
        if (s->heap[best].key >= e.key)
            break;
        s->heap[i] = s->heap[best];
        s->hpos[s->heap[i].node] = (uint32_t)i;
        i = best;
    }
    s->heap[i] = e;
    s->hpos[e.node] = (uint32_t)i;
}

/* Offer distance d to v; returns -1 on no memory. */
static inline int offer(qt_search *s, uint32_t v, double d, uint32_t from)
{
    if (s->stamp[v] != s->gen) {
        s->stamp[v] = s->gen;
        if (s->hlen == s->hcap &&
            qt__grow((void **)&s->heap, &s->hcap, s->hlen + 1, sizeof *s->heap) != 0)
            return -1;
        s->dist[v] = d;
        if (s->have_pred)
            s->pred[v] = from;
        s->heap[s->hlen].key = d;
        s->heap[s->hlen].node = v;
        s->hpos[v] = (uint32_t)s->hlen;
        s->hlen++;
        sift_up(s, s->hlen - 1);
    } else if (s->hpos[v] != QT_HPOS_SETTLED && d < s->dist[v]) {
        s->dist[v] = d;
        if (s->have_pred)
            s->pred[v] = from;
        s->heap[s->hpos[v]].key = d;
        sift_up(s, s->hpos[v]);
    }
    return 0;
}

static inline int within_bound(const double *bound, double tol, uint32_t w, double d)
{
    return tol > 0 ? d <= bound[w] + tol * (1 + bound[w]) : d < bound[w];
}

static void next_generation(qt_search *s)
{
    s->gen++;
    if (s->gen == 0) { /* wrapped: forget every old stamp */
        memset(s->stamp, 0, (size_t)s->g->n * sizeof *s->stamp);
        s->gen = 1;
    }
}

qt_status qt__search_run_filtered(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m,
                                  int want_pred, int (*allow)(void *ctx, uint32_t v), void *ctx,
                                  const double *bound, double bound_tol, qt_error *err)
{
    const qt_graph *g = s->g;
    size_t i;
    if (isnan(limit_m))
        return qt_error_set(err, QT_EINVAL, NULL, "search limit is NaN");
    for (i = 0; i < nseeds; i++)
        if (seeds[i].node >= g->n || !(seeds[i].dist_m >= 0))
            return qt_error_set(err, QT_EINVAL, NULL, "seed %zu: node out of range or bad distance", i);
    if (want_pred && !s->pred) {
        s->pred = qt__malloc_array(g->n ? g->n : 1, sizeof *s->pred);
        if (!s->pred)
            return qt_error_set(err, QT_ENOMEM, NULL, "no memory for predecessors");
    }
    s->have_pred = want_pred != 0;
    next_generation(s);
    s->hlen = 0;
    s->nreached = 0;
    for (i = 0; i < nseeds; i++) {
        if (seeds[i].dist_m > limit_m)
            continue;
        if (allow && !allow(ctx, seeds[i].node))
            continue;
        if (bound && !within_bound(bound, bound_tol, seeds[i].node, seeds[i].dist_m))
            continue;
        if (offer(s, seeds[i].node, seeds[i].dist_m, QT_NODE_NONE) != 0)
            return qt_error_set(err, QT_ENOMEM, NULL, "no memory for the search heap");
    }
    while (s->hlen) {
        qt__hent top = s->heap[0];
        uint32_t v = top.node, a, end;
        double dv = top.key;
        s->hlen--;
        if (s->hlen) {
            s->heap[0] = s->heap[s->hlen];
            sift_down(s, 0);
        }
        s->hpos[v] = QT_HPOS_SETTLED;
        if (s->nreached == s->rcap &&
            qt__grow((void **)&s->reached, &s->rcap, s->nreached + 1, sizeof *s->reached) != 0)
            return qt_error_set(err, QT_ENOMEM, NULL, "no memory for the search");
        s->reached[s->nreached++] = v;
        end = g->first[v + 1];
        for (a = g->first[v]; a < end; a++) {
            uint32_t w = g->arc_to[a];
            double d = dv + g->arc_cost[a];
            if (d > limit_m)
                continue;
            if (s->stamp[w] == s->gen && (s->hpos[w] == QT_HPOS_SETTLED || d >= s->dist[w]))
                continue;
            if (allow && !allow(ctx, w))
                continue;
            if (bound && !within_bound(bound, bound_tol, w, d))
                continue;
            if (offer(s, w, d, v) != 0)
                return qt_error_set(err, QT_ENOMEM, NULL, "no memory for the search heap");
        }
    }
    return QT_OK;
}

qt_status qt_search_run(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m,
                        int want_pred, qt_error *err)
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

qt_status qt_search_path(const qt_search *s, uint32_t node, uint32_t **path, size_t *len,
                         qt_error *err)
{
    size_t k = 0, i;
    uint32_t v;
    uint32_t *p;
    *path = NULL;
    *len = 0;
    if (!s->have_pred)
        return qt_error_set(err, QT_EINVAL, NULL, "the last search kept no predecessors");
    if (node >= s->g->n || !isfinite(qt__search_dist(s, node)))
        return qt_error_set(err, QT_ENOTFOUND, NULL, "node not reached");
    for (v = node; v != QT_NODE_NONE; v = s->pred[v])
        k++;
    p = malloc(k * sizeof *p);
    if (!p)
        return qt_error_set(err, QT_ENOMEM, NULL, "no memory for the path");
    for (v = node, i = k; v != QT_NODE_NONE; v = s->pred[v])
        p[--i] = v;
    *path = p;
    *len = k;
    return QT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * quarter/search.h -- shortest walking distances over a qt_graph.
 *
 * A qt_search is a per-thread workspace (distance labels, queue, settled list)
 * for one graph.  qt_search_run performs a multi-source Dijkstra: each seed
 * is a node with a starting distance (0 for a node, or the access leg plus
 * the offset along an edge for a point snapped onto that edge).  The search
 * settles every node whose distance is <= limit_m and stops; its cost is
 * proportional to what it reaches, not to the graph size.
 *
 * Thread-safety: a workspace is used by one thread at a time; the graph it
 * reads may be shared by any number of workspaces.  Results stay valid until
 * the next qt_search_run on the same workspace.
 */
#ifndef QUARTER_SEARCH_H
#define QUARTER_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/graph.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_seed {
    uint32_t node; /* graph node index */
    double dist_m; /* distance already walked when standing at node, >= 0 */
} qt_seed;

typedef struct qt_search qt_search;

/**
 * New workspace for g.  g: BORROWED, must outlive the workspace.
 * OUT *out, caller frees with qt_search_free().
 */
QT_API qt_status qt_search_new(const qt_graph *g, qt_search **out, qt_error *err);
QT_API void qt_search_free(qt_search *s);

/**
 * Multi-source Dijkstra from seeds (IN, copied) up to limit_m (INFINITY for
 * no limit).  want_pred != 0 records predecessors for qt_search_path.
 * Statuses: QT_EINVAL (seed node out of range, negative or NaN distance),
 * QT_ENOMEM.
 */
QT_API qt_status qt_search_run(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m, int want_pred,
                               qt_error *err);

/**
 * As qt_search_run, calling visit(ctx, node, dist_m) as each node is
 * settled, in order of distance; a non-zero return stops the search there
 * (the nodes settled so far keep their distances).  For searches that can
 * tell when they have enough, e.g. the k nearest outlets.
 */
QT_API qt_status qt_search_run_visit(qt_search *s, const qt_seed *seeds, size_t nseeds, double limit_m,
                                     int (*visit)(void *ctx, uint32_t node, double dist_m), void *ctx, qt_error *err);

/** Distance of node after the last run; INFINITY when not reached within the limit. */
QT_API double qt_search_dist(const qt_search *s, uint32_t node);

/**
 * Nodes settled by the last run, in order of distance.  *nodes: BORROWED,
 * valid until the next run.  Returns the count.
 */
QT_API size_t qt_search_reached(const qt_search *s, const uint32_t **nodes);

/**
 * Path of the last run (which had want_pred) from its nearest seed to node,
 * seed first.  *path: OUT, caller frees with free().  Statuses:
 * QT_ENOTFOUND (node not reached), QT_EINVAL (run without predecessors).
 */
QT_API qt_status qt_search_path(const qt_search *s, uint32_t node, uint32_t **path, size_t *len, qt_error *err);

#ifdef __cplusplus
}
#endif
#endif

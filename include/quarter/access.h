/* SPDX-License-Identifier: MIT */
/*
 * quarter/access.h -- whole-city walking accessibility in one pass.
 *
 * Given a graph and categorised outlets (POIs), qt_access_run computes for
 * every node and every category:
 *   - the network distance to the nearest POI of the category (cost metres),
 *     or INFINITY when none lies within max_dist_m;
 *   - the number of POIs of the category within each count radius (two POIs
 *     at one place count twice; a POI exactly at the radius counts).
 * Origins that are not graph nodes (homes, query points) are placed into the
 * graph first with qt_graph_split, so they are nodes too.
 *
 * Work is split by category (nearest: one multi-source Dijkstra; counts: one
 * bounded Dijkstra per distinct POI position) over `threads` threads.
 * qt_access_stream hands each category's answers to a sink, in category
 * order, and keeps nothing: its memory is a search workspace and a set of
 * count columns for each of threads + 2 column buffers, so a 2M-node city
 * with 25 categories fits in a few hundred megabytes.  qt_access_run keeps every column (8 + 4 x nradii
 * bytes per node and category) for lookups and incremental updates.  Either
 * way the answers are identical whatever the thread count.
 *
 * Incremental: qt_access_add_poi / qt_access_remove_poi update nearest and
 * counts for one outlet opening or closing, touching only the nodes whose
 * answer can change; the result equals a full recompute.
 *
 * Ownership: a qt_access borrows its graph (which must outlive it) and copies
 * the POIs.  Not thread-safe for concurrent updates; concurrent reads of a
 * qt_access that nobody updates are safe.
 */
#ifndef QUARTER_ACCESS_H
#define QUARTER_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/graph.h"
#include "quarter/search.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One outlet as the search sees it: one seed (a node) or two (a point on an edge). */
typedef struct qt_access_poi {
    uint32_t category; /* 0 .. ncat-1 */
    uint32_t nseeds;   /* 1 or 2 */
    qt_seed seeds[2];
} qt_access_poi;

/**
 * Progress report: stage name, units done of total.  Called from one worker
 * thread at a time (never concurrently), after each category.
 */
typedef void (*qt_progress_fn)(void *ud, const char *stage, uint64_t done, uint64_t total);

typedef struct qt_access_opts {
    double max_dist_m;       /* nearest cutoff in metres; INFINITY for none */
    const double *radii_m;   /* count radii in metres, ascending; IN, copied */
    size_t nradii;           /* 0 for no counts */
    unsigned threads;        /* 0: one per online CPU */
    qt_progress_fn progress; /* may be NULL */
    void *progress_ud;
    struct qt_access_stats *stats; /* OUT, filled by qt_access_stream; may be NULL */
} qt_access_opts;

/**
 * Where the time of a qt_access_stream went.  search_s: the wall time of the
 * search phase (the union of the intervals in which some worker is
 * searching); sink_s: the time spent in the sink (one call at a time, which
 * on several threads overlaps other workers' searches); wall_s: the whole call.
 */
typedef struct qt_access_stats {
    double search_s, sink_s, wall_s;
} qt_access_stats;

typedef struct qt_access qt_access;

/** One category's answers, as qt_access_stream hands them to its sink. */
typedef struct qt_access_column {
    uint32_t category;
    /* nearest: qt_search_dist(nearest, v) is node v's distance to the nearest
       POI of the category, INFINITY beyond max_dist_m */
    const qt_search *nearest;
    /* counts[r * node_count + v]: POIs within radius r of node v */
    const uint32_t *counts;
    size_t nradii;
} qt_access_column;

/**
 * Receives one category's column.  col and everything it points to are
 * BORROWED for the call.  Calls come from worker threads, one at a time, in
 * category order 0 .. ncat-1 (a column finished early waits in a buffer
 * while its worker goes on with the next category).  A status other than QT_OK (with err filled)
 * stops the run, and qt_access_stream returns it.
 */
typedef qt_status (*qt_access_sink)(void *ud, const qt_access_column *col, qt_error *err);

/**
 * Compute nearest distances and counts for every node of g, handing each
 * category to sink in order and keeping nothing.  g, pois: BORROWED for the
 * call.  Statuses: those of qt_access_run, and whatever the sink returns.
 */
QT_API qt_status qt_access_stream(const qt_graph *g, uint32_t ncat, const qt_access_poi *pois, size_t npois,
                                  const qt_access_opts *opts, qt_access_sink sink, void *ud, qt_error *err);

/**
 * Compute nearest distances and counts for every node of g.
 * g: BORROWED, must outlive *out.  pois: IN, copied.  OUT *out, caller frees
 * with qt_access_free().  Statuses: QT_EINVAL (category >= ncat, bad seed,
 * radii not ascending or not finite), QT_ENOMEM.
 */
QT_API qt_status qt_access_run(const qt_graph *g, uint32_t ncat, const qt_access_poi *pois, size_t npois,
                               const qt_access_opts *opts, qt_access **out, qt_error *err);
QT_API void qt_access_free(qt_access *a);

/** Distance from node to the nearest POI of cat, or INFINITY. */
QT_API double qt_access_nearest_m(const qt_access *a, uint32_t cat, uint32_t node);
/** Number of POIs of cat within radius number r of node. */
QT_API uint32_t qt_access_count(const qt_access *a, uint32_t cat, size_t r, uint32_t node);

/**
 * An outlet opens: update in place.  ws: a workspace on the same graph,
 * BORROWED for the call.  *handle (OUT, may be NULL) names it for removal.
 */
QT_API qt_status qt_access_add_poi(qt_access *a, qt_search *ws, const qt_access_poi *poi, uint32_t *handle,
                                   qt_error *err);

/**
 * An outlet closes: handle is an index into the POIs given to qt_access_run
 * (in their order) or one returned by qt_access_add_poi.  Statuses:
 * QT_ENOTFOUND (no such POI, or removed already).
 */
QT_API qt_status qt_access_remove_poi(qt_access *a, qt_search *ws, uint32_t handle, qt_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* SPDX-License-Identifier: MIT */
/*
 * quarter/place.h -- putting many points (outlets, homes, candidate sites)
 * on the walking network at once: each is snapped to the nearest point of
 * the nearest street and the graph is split there, so every point is a node
 * of one new graph, reached over its walked access leg.  The distance of
 * every point to the street is kept, also for points too far to place, so
 * callers can tell a likely coordinate-system mistake.
 * Ownership: qt_place gives the caller a placement to release with
 * qt_placement_free; it borrows nothing.
 */
#ifndef QUARTER_PLACE_H
#define QUARTER_PLACE_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/graph.h"
#include "quarter/snap.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_placement {
    qt_graph *graph; /* g split at every placed point; OWNED by the placement */
    size_t n;        /* points given */
    uint32_t *node;  /* per point: its node in graph, QT_NODE_NONE when not placed */
    double *leg_m;   /* per point: distance to the nearest street, INFINITY when none within 2 km */
    size_t nplaced;
} qt_placement;

/**
 * Place n points (WGS-84) on g: points within max_m of a street become
 * nodes; the others get QT_NODE_NONE.  sn: a snapper of g, BORROWED.
 * OUT *out, free with qt_placement_free().  Statuses: QT_ENOMEM.
 */
QT_API qt_status qt_place(const qt_graph *g, const qt_snapper *sn, size_t n, const double *lon, const double *lat,
                          double max_m, qt_placement **out, qt_error *err);
QT_API void qt_placement_free(qt_placement *p);

#ifdef __cplusplus
}
#endif
#endif

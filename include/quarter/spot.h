/* SPDX-License-Identifier: MIT */
/*
 * quarter/spot.h -- one point placed on an edge of the walking network
 * without splitting the graph, and its walking distance from a query point:
 * the one placement and distance rule of nearby search, the jobs list and
 * anything else that measures from a snapped point to many fixed points.
 *
 * A spot is at position t of its edge, with the walking distance to each end
 * of the edge (its straight access leg plus the walk along the edge, at the
 * edge's walking cost).  A query point and a spot on the same edge are joined
 * straight along it (leg + along + leg); otherwise the walk goes through
 * one end of the spot's edge.
 * Thread-safety: pure functions; they read the graph, the snapper and the
 * search given.
 */
#ifndef QUARTER_SPOT_H
#define QUARTER_SPOT_H

#include <stdint.h>

#include "quarter/graph.h"
#include "quarter/search.h"
#include "quarter/snap.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_spot {
    uint32_t edge;     /* the edge it is on */
    uint32_t u, v;     /* the edge's ends */
    double t;          /* position on the edge, 0 at u .. 1 at v */
    double leg_m;      /* straight distance from the point to the street */
    double to_u, to_v; /* walking distance from the point to u and to v */
} qt_spot;

/**
 * Place (lon, lat) on g's nearest edge.  sn: a snapper of g, BORROWED.
 * Statuses: QT_ENOTFOUND (no street within max_m), QT_EINVAL (bad coordinate).
 */
QT_API qt_status qt_spot_place(const qt_graph *g, const qt_snapper *sn, double lon, double lat, double max_m,
                               qt_spot *out, qt_error *err);

/**
 * Walking distance from the query point `from` (snapped in edge mode) to p
 * along the same edge; INFINITY when p is on another edge.
 */
QT_API double qt_spot_same_edge_m(const qt_graph *g, const qt_snap *from, const qt_spot *p);

/**
 * Walking distance from `from` to p, given the search s that last ran from
 * qt_snap_seeds(g, from, QT_SNAP_EDGE, ...): the shorter of the walk through
 * either end of p's edge and the walk along a shared edge.  INFINITY when
 * neither end was reached within the search's limit and the edges differ.
 */
QT_API double qt_spot_dist_m(const qt_graph *g, const qt_search *s, const qt_snap *from, const qt_spot *p);

#ifdef __cplusplus
}
#endif
#endif

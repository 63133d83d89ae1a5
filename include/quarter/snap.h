/* SPDX-License-Identifier: MIT */
/*
 * quarter/snap.h -- attaching points (outlets, homes, query locations) to the
 * walking network.
 *
 * QT_SNAP_EDGE (the default everywhere) puts a point on the nearest point of
 * the nearest edge; the straight access leg from the point to the street is
 * walked too.  QT_SNAP_NODE takes the nearest graph node and no leg, as tools
 * that only know nodes do (for comparison with them).  A point farther than
 * max_m from every edge is not snapped: QT_ENOTFOUND, never a silent jump.
 *
 * A qt_snapper is a grid index over the edges of one graph.  It is immutable
 * after qt_snapper_new, so many threads may query one snapper at once.
 */
#ifndef QUARTER_SNAP_H
#define QUARTER_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/graph.h"
#include "quarter/search.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qt_snap_mode { QT_SNAP_EDGE = 0, QT_SNAP_NODE = 1 } qt_snap_mode;

#define QT_SNAP_DEFAULT_MAX_M 500.0

typedef struct qt_snap {
    uint32_t edge;   /* nearest edge */
    double t;        /* position on it, 0 at its first node .. 1 at its second */
    double leg_m;    /* straight distance from the point to that position */
    uint32_t node;   /* nearest node (QT_SNAP_NODE) */
    double node_m;   /* straight distance from the point to that node */
    double lon, lat; /* the point on the street (edge mode) or the node */
} qt_snap;

typedef struct qt_snapper qt_snapper;

/** Index g's edges. g: BORROWED, must outlive the snapper. OUT *out, free with qt_snapper_free(). */
QT_API qt_status qt_snapper_new(const qt_graph *g, qt_snapper **out, qt_error *err);
QT_API void qt_snapper_free(qt_snapper *s);

/**
 * Snap (lon, lat).  Statuses: QT_EINVAL (coordinate not finite / out of
 * range), QT_ENOTFOUND (nothing within max_m; out->leg_m or node_m then holds
 * the distance found, or INFINITY).  Thread-safe.
 */
QT_API qt_status qt_snapper_snap(const qt_snapper *s, double lon, double lat, qt_snap_mode mode, double max_m,
                                 qt_snap *out, qt_error *err);

/**
 * The search seeds that stand for a snapped point: the two ends of its edge
 * with leg + offset along the edge (edge mode), or its node at 0 (node mode).
 * Returns the number written to seeds[2].
 */
QT_API size_t qt_snap_seeds(const qt_graph *g, const qt_snap *snap, qt_snap_mode mode, qt_seed seeds[2]);

/** Great-circle distance in metres (haversine, R = 6371008.8 m). */
QT_API double qt_haversine_m(double lon1, double lat1, double lon2, double lat2);

#ifdef __cplusplus
}
#endif
#endif

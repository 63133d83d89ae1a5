/* SPDX-License-Identifier: MIT */
/*
 * quarter/route.h -- walking routes and isochrones between snapped points.
 *
 * Routes: the shortest walking path from one snapped point to another, with
 * its geometry (point, access leg, streets, access leg, point), its length and
 * its walking time.  Isochrones: the area reachable within each of several
 * budgets, as polygons built with GEOS from the reachable street pieces.
 * Rings nest by construction (each contains the smaller ones), holes enclosed
 * by reached streets are filled up to a size limit, and only streets reached
 * on the network count.
 *
 * Thread-safety: both use the caller's qt_search workspace; the graph may be
 * shared.  Results are the caller's.
 */
#ifndef QUARTER_ROUTE_H
#define QUARTER_ROUTE_H

#include <stddef.h>

#include "quarter/graph.h"
#include "quarter/search.h"
#include "quarter/snap.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_route {
    double length_m; /* geometric length, access legs included */
    double cost_m;   /* walking effort in metres (steps weigh more) */
    double time_s;   /* cost_m at the given speed */
    size_t npoints;
    double *lon, *lat; /* npoints: the line, from the start point to the end point */
} qt_route;

/**
 * Shortest walking route.  from/to: snapped with qt_snapper_snap in `mode`;
 * from_lon/lat and to_lon/lat are the original points (the line starts and
 * ends there).  OUT *out, free with qt_route_free().  Statuses: QT_ENOTFOUND
 * (no walking connection), QT_EINVAL, QT_ENOMEM.
 */
QT_API qt_status qt_route_compute(const qt_graph *g, qt_search *ws, double from_lon, double from_lat,
                                  const qt_snap *from, double to_lon, double to_lat, const qt_snap *to,
                                  qt_snap_mode mode, double speed_mps, qt_route **out, qt_error *err);
QT_API void qt_route_free(qt_route *r);

/**
 * The route as one line of GeoJSON (and a newline): a Feature with the
 * LineString (7 decimals) and properties length_m, time_s, cost_m,
 * speed_kmh, snap -- the one writer of `quarter route` and GET /api/v1/route.
 * OUT *text, caller frees with free().  Statuses: QT_ENOMEM.
 */
QT_API qt_status qt_route_geojson(const qt_route *r, double speed_kmh, qt_snap_mode mode, char **text, qt_error *err);

typedef struct qt_isochrone_opts {
    double speed_mps;   /* walking speed */
    double buffer_m;    /* half-width of the area drawn around reached streets (default 40) */
    double max_hole_m2; /* holes up to this area are filled (default 500000 = 50 ha) */
} qt_isochrone_opts;

QT_API void qt_isochrone_opts_default(qt_isochrone_opts *o);

/**
 * Isochrones around a snapped point as a GeoJSON FeatureCollection, one
 * feature per budget (ascending), properties minutes, cost_m, area_m2.
 * minutes: IN, nminutes ascending positive values.  *geojson: OUT, caller
 * frees with free().  Statuses: QT_EINVAL, QT_ENOMEM, QT_EINTERNAL (GEOS).
 */
QT_API qt_status qt_isochrone_geojson(const qt_graph *g, qt_search *ws, const qt_snap *at, qt_snap_mode mode,
                                      const double *minutes, size_t nminutes, const qt_isochrone_opts *opts,
                                      char **geojson, qt_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* SPDX-License-Identifier: MIT */
/*
 * quarter/coords.h -- the coordinate systems Chinese map data comes in:
 * WGS-84 (GPS, OpenStreetMap), GCJ-02 (the state-mandated offset used by
 * Amap and Tencent) and BD-09 (Baidu's further offset of GCJ-02).
 *
 * Forward transforms are the published formulas (Krasovsky ellipsoid
 * constants; see docs/internals/coords.md).  Inverses are exact: they iterate
 * until the forward transform of the answer is within 1e-9 degrees (about
 * 0.1 mm) of the input, so a round trip is within 1 mm.  Outside China
 * (longitude 73.66..135.05, latitude 3.86..53.55, the box most tools use)
 * no offset exists and points pass through unchanged.
 *
 * Pure functions, no state: safe from any thread.
 */
#ifndef QUARTER_COORDS_H
#define QUARTER_COORDS_H

#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qt_crs {
    QT_CRS_WGS84 = 0,
    QT_CRS_GCJ02 = 1,
    QT_CRS_BD09 = 2,
    /* any other system by its EPSG code: QT_CRS_EPSG + code (e.g. CGCS2000 /
       3-degree Gauss-Kruger, EPSG:4547); table readers convert it through PROJ,
       qt_coords_convert does not */
    QT_CRS_EPSG = 0x10000,
    QT_CRS_EPSG_LAST = 0x7fffffff
} qt_crs;

/**
 * Parse "wgs84", "gcj02", "bd09" (case-insensitive; "wgs-84", "gcj-02",
 * "bd-09" too) or "EPSG:n" (EPSG:4326 is wgs84).
 */
QT_API qt_status qt_crs_parse(const char *name, qt_crs *out, qt_error *err);
/** "wgs84", "gcj02", "bd09" or "EPSG" (see qt_crs_epsg). */
QT_API const char *qt_crs_name(qt_crs crs);
/** The EPSG code of an EPSG system, else 0. */
QT_API int qt_crs_epsg(qt_crs crs);

/** True when (lon, lat) lies in the box where the GCJ-02 offset applies. */
QT_API int qt_coords_in_china(double lon, double lat);

/**
 * Convert (lon, lat) in degrees from one system to another among wgs84,
 * gcj02 and bd09, exactly (inverse transforms iterate).  Statuses: QT_EINVAL
 * for a non-finite or out-of-range coordinate or an EPSG system.
 */
QT_API qt_status qt_coords_convert(qt_crs from, qt_crs to, double lon, double lat, double *out_lon, double *out_lat,
                                   qt_error *err);

#ifdef __cplusplus
}
#endif
#endif

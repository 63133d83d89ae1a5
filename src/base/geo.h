/* SPDX-License-Identifier: MIT */
/*
 * base/geo.h -- the one place for the geodesy every layer shares: the
 * earth's radius, degrees to metres, the local (equirectangular) projection
 * around a point, and walking minutes <-> metres at a speed.
 *
 * The projection: x = (lon - lon0) * kx, y = (lat - lat0) * ky with
 * ky = QT__M_PER_DEG and kx = ky * cos(lat0); good to well under a metre over a
 * city district.  Great-circle distances are qt_haversine_m (quarter/snap.h).
 * Pure functions and constants; no state.
 */
#ifndef QUARTER_BASE_GEO_H
#define QUARTER_BASE_GEO_H

#include <math.h>

#define QT__EARTH_R_M 6371008.8 /* mean radius (IUGG), the haversine's R */
#define QT__PI        3.14159265358979323846
#define QT__DEG2RAD   (QT__PI / 180.0)
#define QT__M_PER_DEG (QT__EARTH_R_M * QT__DEG2RAD) /* metres per degree of latitude */

typedef struct qt__proj {
    double lon0, lat0; /* the origin */
    double kx, ky;     /* metres per degree of longitude and of latitude there */
} qt__proj;

static inline void qt__proj_init(qt__proj *p, double lon0, double lat0)
{
    p->lon0 = lon0;
    p->lat0 = lat0;
    p->ky = QT__M_PER_DEG;
    p->kx = QT__M_PER_DEG * cos(lat0 * QT__DEG2RAD);
}

static inline void qt__proj_fwd(const qt__proj *p, double lon, double lat, double *x, double *y)
{
    *x = (lon - p->lon0) * p->kx;
    *y = (lat - p->lat0) * p->ky;
}

static inline void qt__proj_inv(const qt__proj *p, double x, double y, double *lon, double *lat)
{
    *lon = p->lon0 + x / p->kx;
    *lat = p->lat0 + y / p->ky;
}

/* metres per second at kmh kilometres an hour */
static inline double qt__kmh_mps(double kmh)
{
    return kmh / 3.6;
}

/* metres walked in `minutes` at speed_mps */
static inline double qt__minutes_m(double minutes, double speed_mps)
{
    return minutes * 60 * speed_mps;
}

/* minutes to walk m metres at speed_mps */
static inline double qt__m_minutes(double m, double speed_mps)
{
    return m / speed_mps / 60;
}

#endif

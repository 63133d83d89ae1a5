/* SPDX-License-Identifier: MIT */
/*
 * coords.c -- WGS-84 / GCJ-02 / BD-09 conversions, with exact inverses.
 * Formulas as in wandergis/coordtransform and eviltransform (checked against
 * the eviltransform test vectors in tests/unit/domain/test_coords.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "quarter/coords.h"

#define QT_PI 3.14159265358979323846

static const double KRASOVSKY_A = 6378245.0;
static const double KRASOVSKY_EE = 0.00669342162296594323;
static const double BD_X_PI = QT_PI * 3000.0 / 180.0;

qt_status qt_crs_parse(const char *name, qt_crs *out, qt_error *err)
{
    static const struct {
        const char *name;
        qt_crs crs;
    } names[] = {{"wgs84", QT_CRS_WGS84}, {"wgs-84", QT_CRS_WGS84}, {"epsg:4326", QT_CRS_WGS84},
                 {"gcj02", QT_CRS_GCJ02}, {"gcj-02", QT_CRS_GCJ02}, {"bd09", QT_CRS_BD09},
                 {"bd-09", QT_CRS_BD09},  {"bd09ll", QT_CRS_BD09}};
    size_t i;
    for (i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].crs;
            return QT_OK;
        }
    if (name && strncasecmp(name, "epsg:", 5) == 0) {
        char *end;
        long code = strtol(name + 5, &end, 10);
        if (end != name + 5 && !*end && code > 0 && code < 0x10000000L) {
            *out = (qt_crs)(QT_CRS_EPSG + code);
            return QT_OK;
        }
    }
    return qt_error_set(err, QT_EINVAL, "crs", _("'%s' is not a coordinate system (wgs84, gcj02, bd09, EPSG:n)"),
                        name ? name : "");
}

const char *qt_crs_name(qt_crs crs)
{
    switch (crs) {
    case QT_CRS_WGS84:
        return "wgs84";
    case QT_CRS_GCJ02:
        return "gcj02";
    case QT_CRS_BD09:
        return "bd09";
    default:
        break;
    }
    return crs >= QT_CRS_EPSG ? "EPSG" : "?";
}

int qt_crs_epsg(qt_crs crs)
{
    return crs > QT_CRS_EPSG ? (int)(crs - QT_CRS_EPSG) : 0;
}

int qt_coords_in_china(double lon, double lat)
{
    return lon >= 73.66 && lon <= 135.05 && lat >= 3.86 && lat <= 53.55;
}

static void gcj_delta(double lon, double lat, double *dlon, double *dlat)
{
    double x = lon - 105.0, y = lat - 35.0, rad = lat * QT_PI / 180.0, m, sm;
    double dla = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    double dlo = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    dla += (20.0 * sin(6.0 * x * QT_PI) + 20.0 * sin(2.0 * x * QT_PI)) * 2.0 / 3.0;
    dla += (20.0 * sin(y * QT_PI) + 40.0 * sin(y / 3.0 * QT_PI)) * 2.0 / 3.0;
    dla += (160.0 * sin(y / 12.0 * QT_PI) + 320.0 * sin(y * QT_PI / 30.0)) * 2.0 / 3.0;
    dlo += (20.0 * sin(6.0 * x * QT_PI) + 20.0 * sin(2.0 * x * QT_PI)) * 2.0 / 3.0;
    dlo += (20.0 * sin(x * QT_PI) + 40.0 * sin(x / 3.0 * QT_PI)) * 2.0 / 3.0;
    dlo += (150.0 * sin(x / 12.0 * QT_PI) + 300.0 * sin(x / 30.0 * QT_PI)) * 2.0 / 3.0;
    m = 1.0 - KRASOVSKY_EE * sin(rad) * sin(rad);
    sm = sqrt(m);
    *dlat = (dla * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (m * sm) * QT_PI);
    *dlon = (dlo * 180.0) / (KRASOVSKY_A / sm * cos(rad) * QT_PI);
}

static void wgs_to_gcj(double lon, double lat, double *olon, double *olat)
{
    double dlon, dlat;
    if (!qt_coords_in_china(lon, lat)) {
        *olon = lon;
        *olat = lat;
        return;
    }
    gcj_delta(lon, lat, &dlon, &dlat);
    *olon = lon + dlon;
    *olat = lat + dlat;
}

static void gcj_to_bd(double lon, double lat, double *olon, double *olat)
{
    double z = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * BD_X_PI);
    double t = atan2(lat, lon) + 0.000003 * cos(lon * BD_X_PI);
    *olon = z * cos(t) + 0.0065;
    *olat = z * sin(t) + 0.006;
}

/*
 * Invert a forward transform f by fixed-point iteration: w <- w - (f(w) - p),
 * started from the naive inverse.  The offsets vary slowly (their derivative
 * is far below 1), so each step gains several digits; stop at 1e-9 degrees.
 */
static void invert(void (*f)(double, double, double *, double *), double lon, double lat, double *olon, double *olat)
{
    double wlon = lon, wlat = lat, flon, flat;
    int i;
    f(wlon, wlat, &flon, &flat);
    wlon = lon - (flon - lon);
    wlat = lat - (flat - lat);
    for (i = 0; i < 30; i++) {
        double elon, elat;
        f(wlon, wlat, &flon, &flat);
        elon = flon - lon;
        elat = flat - lat;
        if (fabs(elon) < 1e-10 && fabs(elat) < 1e-10)
            break;
        wlon -= elon;
        wlat -= elat;
    }
    *olon = wlon;
    *olat = wlat;
}

static void gcj_to_wgs(double lon, double lat, double *olon, double *olat)
{
    invert(wgs_to_gcj, lon, lat, olon, olat);
}

static void bd_to_gcj(double lon, double lat, double *olon, double *olat)
{
    invert(gcj_to_bd, lon, lat, olon, olat);
}

qt_status qt_coords_convert(qt_crs from, qt_crs to, double lon, double lat, double *out_lon, double *out_lat,
                            qt_error *err)
{
    if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
        return qt_error_set(err, QT_EINVAL, "coordinate", _("(%g, %g) is not a valid longitude, latitude"), lon, lat);
    if ((unsigned)from > QT_CRS_BD09 || (unsigned)to > QT_CRS_BD09)
        return qt_error_set(err, QT_EINVAL, "crs", _("unknown coordinate system"));
    /* to GCJ-02 first, then out of it */
    if (from == QT_CRS_WGS84 && to != QT_CRS_WGS84)
        wgs_to_gcj(lon, lat, &lon, &lat);
    else if (from == QT_CRS_BD09 && to != QT_CRS_BD09)
        bd_to_gcj(lon, lat, &lon, &lat);
    if (from != to) {
        if (to == QT_CRS_WGS84)
            gcj_to_wgs(lon, lat, &lon, &lat);
        else if (to == QT_CRS_BD09)
            gcj_to_bd(lon, lat, &lon, &lat);
    }
    *out_lon = lon;
    *out_lat = lat;
    return QT_OK;
}

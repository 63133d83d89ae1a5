/* SPDX-License-Identifier: MIT */
/*
 * xform.c -- table coordinates to WGS-84 (io/xform.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cpl_error.h>
#include <ogr_srs_api.h>

#include "base/i18n.h"
#include "io/xform.h"

qt_status qt__xform_init(qt__xform *x, qt_crs crs, const char *path, qt_error *err)
{
    int code = qt_crs_epsg(crs);
    OGRSpatialReferenceH s, t;
    x->crs = crs;
    x->ct = NULL;
    if (!code)
        return QT_OK;
    CPLPushErrorHandler(CPLQuietErrorHandler); /* our own message says what is wrong */
    s = OSRNewSpatialReference(NULL);
    t = OSRNewSpatialReference(NULL);
    if (s && t && OSRImportFromEPSG(s, code) == OGRERR_NONE && OSRImportFromEPSG(t, 4326) == OGRERR_NONE) {
        OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(t, OAMS_TRADITIONAL_GIS_ORDER);
        x->ct = OCTNewCoordinateTransformation(s, t);
    }
    if (s)
        OSRDestroySpatialReference(s);
    if (t)
        OSRDestroySpatialReference(t);
    CPLPopErrorHandler();
    if (!x->ct)
        return qt_error_set(err, QT_EINVAL, path, _("EPSG:%d is not a coordinate system PROJ knows"), code);
    return QT_OK;
}

qt_status qt__xform_table(qt__xform *x, const qt__csv *c, int lon_col, qt_crs crs, const char *path, qt_error *err)
{
    if (qt_crs_epsg(crs) && c->geom_wgs84 && lon_col >= 0 && strcmp(c->header[lon_col], QT__GEOM_LON) == 0)
        crs = QT_CRS_WGS84;
    return qt__xform_init(x, crs, path, err);
}

int qt__xform_apply(const qt__xform *x, double *lon, double *lat)
{
    if (x->ct) {
        int ok;
        if (!isfinite(*lon) || !isfinite(*lat))
            return -1;
        CPLPushErrorHandler(CPLQuietErrorHandler);
        ok = OCTTransform((OGRCoordinateTransformationH)x->ct, 1, lon, lat, NULL);
        CPLPopErrorHandler();
        if (!ok)
            return -1;
        return *lon >= -180 && *lon <= 180 && *lat >= -90 && *lat <= 90 ? 0 : -1;
    }
    return qt_coords_convert(x->crs, QT_CRS_WGS84, *lon, *lat, lon, lat, NULL) == QT_OK ? 0 : -1;
}

void qt__xform_free(qt__xform *x)
{
    if (x->ct)
        OCTDestroyCoordinateTransformation((OGRCoordinateTransformationH)x->ct);
    x->ct = NULL;
}

const char *qt__xform_name(const qt__xform *x, char buf[32])
{
    if (qt_crs_epsg(x->crs))
        snprintf(buf, 32, "EPSG:%d", qt_crs_epsg(x->crs));
    else
        snprintf(buf, 32, "%s", qt_crs_name(x->crs));
    return buf;
}

qt_status qt__xform_row(const qt__xform *xf, const qt__csv *c, int cx, int cy, double *x, double *y, double *lon,
                        double *lat, qt_error *re)
{
    char name[32];
    qt_status st;
    if ((st = qt__csv_double(c, cx, lon, re)) != QT_OK || (st = qt__csv_double(c, cy, lat, re)) != QT_OK)
        return st;
    *x = *lon;
    *y = *lat;
    if (qt__xform_apply(xf, lon, lat) != 0)
        return qt__csv_failv(c, cx, re, QT_EINVAL, _("(%g, %g) is not a valid %s coordinate"), *x, *y,
                             qt__xform_name(xf, name));
    return QT_OK;
}

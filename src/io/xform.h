/* SPDX-License-Identifier: MIT */
/*
 * io/xform.h -- coordinates of a table row to WGS-84: GCJ-02 and BD-09 by
 * the exact formulas (quarter/coords.h), any EPSG system through PROJ (one
 * transformation per table, traditional lon/lat order).
 */
#ifndef QUARTER_IO_XFORM_H
#define QUARTER_IO_XFORM_H

#include "io/csv.h"
#include "quarter/coords.h"
#include "quarter/status.h"

typedef struct qt__xform {
    qt_crs crs;
    void *ct; /* OGRCoordinateTransformationH for EPSG systems */
} qt__xform;

/* Statuses: QT_EINVAL (an EPSG code PROJ does not know), naming path. */
qt_status qt__xform_init(qt__xform *x, qt_crs crs, const char *path, qt_error *err);
/* The transform for the rows of table c whose longitude is column lon_col: as
 * qt__xform_init, except that a layer's geometry already transformed from its
 * own coordinate system gets no second EPSG transform (GCJ-02 and BD-09 still
 * apply: they say what the numbers are). */
qt_status qt__xform_table(qt__xform *x, const qt__csv *c, int lon_col, qt_crs crs, const char *path, qt_error *err);
/* (x, y) in place to WGS-84 lon/lat; -1 when not a valid coordinate */
int qt__xform_apply(const qt__xform *x, double *lon, double *lat);
/* The coordinates in columns cx, cy of c's current row: *x, *y as written, *lon, *lat in WGS-84.  A value that is
 * no number, or no valid coordinate of the table's system, is a bad row: its error in re (naming the column). */
qt_status qt__xform_row(const qt__xform *xf, const qt__csv *c, int cx, int cy, double *x, double *y, double *lon,
                        double *lat, qt_error *re);
void qt__xform_free(qt__xform *x);
/* "wgs84", "gcj02", "bd09" or "EPSG:n", in buf */
const char *qt__xform_name(const qt__xform *x, char buf[32]);

#endif

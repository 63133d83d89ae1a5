/* SPDX-License-Identifier: MIT */
/*
 * io/boundary.h -- a layer of community boundaries ([communities] of a
 * project) opened for reading: the layer, its name field and the transform of
 * its geometries to WGS-84.  Shared by the community assignment
 * (io/communities.c) and the report's maps (report/bounds.c).
 */
#ifndef QUARTER_IO_BOUNDARY_H
#define QUARTER_IO_BOUNDARY_H

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "quarter/status.h"

typedef struct qt__boundary_layer {
    GDALDatasetH ds;
    OGRLayerH layer;
    int name_field;                  /* the index of the communities' name field */
    OGRCoordinateTransformationH ct; /* to WGS-84; NULL when the layer is WGS-84 or says no system */
} qt__boundary_layer;

/* Open layer (NULL: the first) of path and find name_field there (NULL: the first of name, 社区, 社区名称,
 * community, NAME, 名称).  Statuses: QT_EIO (not a vector file), QT_EPARSE (no such layer, no name field),
 * naming path.  Close with qt__boundary_close. */
qt_status qt__boundary_open(qt__boundary_layer *b, const char *path, const char *layer, const char *name_field,
                            qt_error *err);
void qt__boundary_close(qt__boundary_layer *b);

#endif

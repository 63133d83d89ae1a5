/* SPDX-License-Identifier: MIT */
/*
 * quarter/tiles.h -- the base map drawn from the city's own walking network:
 * 256 x 256 raster PNG tiles z/x/y in Web Mercator (the XYZ scheme of
 * OpenStreetMap and Leaflet), so the pages need no map server and no
 * internet.  Coordinates are the network's own (WGS-84).
 *
 * A qt_tiles is an index of the graph's edges in a grid over the city; once
 * built it never changes, so any number of threads may render tiles from one
 * index at once (each call draws on its own cairo surface).  Streets are
 * drawn white on a grey casing, steps and other slow ways (walking factor > 1)
 * dashed in brown; the width grows with the zoom level.  A tile that holds no
 * street is the plain background colour.
 *
 * Ownership: qt_tiles_new borrows the graph (it must outlive the index) and
 * gives the caller an index to release with qt_tiles_free; qt_tiles_render
 * gives the caller a PNG buffer to release with qt_tiles_png_free.
 * Free functions accept NULL.
 */
#ifndef QUARTER_TILES_H
#define QUARTER_TILES_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/graph.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_tiles qt_tiles;

#define QT_TILE_SIZE     256
#define QT_TILE_MAX_ZOOM 19

/** The background colour of a tile, 0xRRGGBB (what a blank tile is filled with). */
#define QT_TILE_BACKGROUND 0xEEEAE2

/**
 * Index the edges of g for drawing.  g: BORROWED, must outlive the index.
 * OUT *out, caller frees with qt_tiles_free().  Statuses: QT_ENOMEM,
 * QT_EINVAL (a graph with no edge).
 */
QT_API qt_status qt_tiles_new(const qt_graph *g, qt_tiles **out, qt_error *err);
QT_API void qt_tiles_free(qt_tiles *t);

/** The network's bounding box in WGS-84 degrees (any OUT may be NULL). */
QT_API void qt_tiles_bounds(const qt_tiles *t, double *west, double *south, double *east, double *north);

/**
 * Draw tile z/x/y (z <= QT_TILE_MAX_ZOOM, x and y < 2^z) as a PNG.
 * OUT *png (and its size *len), caller frees with qt_tiles_png_free().
 * Statuses: QT_EINVAL (z, x or y out of range), QT_ENOMEM, QT_EINTERNAL
 * (cairo could not draw or encode).
 */
QT_API qt_status qt_tiles_render(const qt_tiles *t, unsigned z, unsigned x, unsigned y, unsigned char **png,
                                 size_t *len, qt_error *err);
QT_API void qt_tiles_png_free(unsigned char *png);

/** Web Mercator helpers: tile column/row (fractional) of a WGS-84 point at zoom z. */
QT_API void qt_tiles_lonlat_to_tile(double lon, double lat, unsigned z, double *tx, double *ty);

#ifdef __cplusplus
}
#endif
#endif

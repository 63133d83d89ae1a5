/* SPDX-License-Identifier: MIT */
/*
 * report/cells.h -- the outline of a set of grid cells as GeoJSON polygons:
 * the union of the squares, with holes, traced edge by edge (no geometry
 * library needed, linear in the cells).  Cells that touch only at a corner
 * become separate polygons, so the MultiPolygon is valid.
 */
#ifndef QUARTER_REPORT_CELLS_H
#define QUARTER_REPORT_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "base/outfile.h"
#include "base/strbuf.h"

/* a cell's key: row * QT__CELL_STRIDE + column, both >= 0 and < QT__CELL_STRIDE - 1 */
#define QT__CELL_STRIDE 1000000

/* Where the rings go: each outer ring (outer 1) starts a polygon, its holes (outer 0) follow; xy holds
 * n corners as x, y pairs, closed (the last is the first).  Nonzero stops the tracing (an error). */
typedef struct qt__cells_sink {
    int (*ring)(void *ctx, int outer, const double *xy, size_t n);
    void *ctx;
} qt__cells_sink;

/* The rings of the cells (sorted, distinct keys) of the grid below, to sk.  Returns 0, or -1 when out of
 * memory or when sk said stop. */
int qt__cells_rings(const int64_t *cells, size_t n, double x0, double y0, double dx, double dy,
                    const qt__cells_sink *sk);

/*
 * Write {"type":"MultiPolygon","coordinates":[...]} for the cells (sorted,
 * distinct keys) of a grid whose column c, row r starts at (x0 + c dx,
 * y0 + r dy).  Returns 0, or -1 when out of memory (o is then unusable).
 */
int qt__cells_geojson(qt__outfile *o, const int64_t *cells, size_t n, double x0, double y0, double dx, double dy);
/* The same text appended to b (blindspots.geojson's geometry, for the store); -1 when out of memory. */
int qt__cells_geojson_str(qt__strbuf *b, const int64_t *cells, size_t n, double x0, double y0, double dx, double dy);

#endif

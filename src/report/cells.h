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

/* a cell's key: row * QT__CELL_STRIDE + column, both >= 0 and < QT__CELL_STRIDE - 1 */
#define QT__CELL_STRIDE 1000000

/*
 * Write {"type":"MultiPolygon","coordinates":[...]} for the cells (sorted,
 * distinct keys) of a grid whose column c, row r starts at (x0 + c dx,
 * y0 + r dy).  Returns 0, or -1 when out of memory (o is then unusable).
 */
int qt__cells_geojson(qt__outfile *o, const int64_t *cells, size_t n, double x0, double y0, double dx, double dy);

#endif

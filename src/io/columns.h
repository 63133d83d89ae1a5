/* SPDX-License-Identifier: MIT */
/*
 * io/columns.h -- which columns of a table hold the coordinates, when a
 * table has several that could (经度_gcj02 and 经度_wgs84, lon and 经度).
 *
 * The column whose name says the declared system wins; else a column that
 * names no system; a choice between columns that name other systems is an
 * error asking the user to name one.  What was chosen, and why, is written
 * to a note for the caller to print.  No state; reentrant.
 */
#ifndef QUARTER_IO_COLUMNS_H
#define QUARTER_IO_COLUMNS_H

#include <stddef.h>

#include "io/csv.h"
#include "quarter/coords.h"
#include "quarter/status.h"

/* The system a column name says (经度_gcj02, lng(高德), lat_wgs84, 经度(百度)),
 * or -1 when it names none. */
int qt__header_crs(const char *header);

/*
 * Pick the longitude and latitude columns of c for coordinates declared in
 * crs.  named_lon / named_lat: columns the user named (NULL: choose).
 * note (n bytes, may be NULL): gets a sentence on the choice when there was
 * one to make or the chosen name says another system, else "".  Statuses:
 * QT_EPARSE (no coordinate column, or several and none can be chosen),
 * naming the file and the candidates.
 */
qt_status qt__pick_coords(const qt__csv *c, const char *named_lon, const char *named_lat, qt_crs crs, int *lon,
                          int *lat, char *note, size_t n, qt_error *err);

#endif

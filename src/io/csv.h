/* SPDX-License-Identifier: MIT */
/*
 * io/csv.h -- a strict RFC 4180 CSV reader that names file:line:column.
 *
 * The whole file is read into memory and split in place: fields are
 * NUL-terminated views into the reader's buffer (quotes removed, "" unescaped),
 * valid until the next qt__csv_next call.  A UTF-8 byte-order mark is
 * skipped.  Every error names the file, the line and, for value errors, the
 * column.  One reader per thread.
 */
#ifndef QUARTER_IO_CSV_H
#define QUARTER_IO_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/status.h"

#include "quarter/io.h"

typedef struct qt__csv {
    qt_encoding encoding; /* what the file was in (its text is UTF-8 now) */
    const char *path;
    char *data;
    size_t len, pos;
    size_t line;      /* line number of the current record (1-based) */
    size_t next_line; /* line where the next record starts */
    char **field;
    size_t nfield, fcap;
    char **header; /* copies of the header names */
    size_t nheader;
    int features;       /* a vector layer read through OGR: records are features 1, 2, ... */
    int geom_wgs84;     /* its geom_lon/geom_lat were transformed from the layer's own CRS */
    int sheet;          /* a spreadsheet read without headers: its header row is found like a CSV's */
    int header_row;     /* before opening: the line (row) of the header, 0 = find it among the first 10 */
    size_t header_line; /* where the header was found */
    /* bad rows (qt__csv_bad): reported to on_problem (up to max_bad), counted */
    qt_problem_fn on_problem;
    void *problem_ud;
    size_t max_bad, nbad;
    qt_error first_bad;
    char *noise; /* what GDAL/PROJ/GEOS said while reading (qt__table_open): "warning: ..." then
                    "detail: ..." lines, NULL when they said nothing */
} qt__csv;

/* How to open a table (qt__table_open_opts). */
typedef struct qt__table_opts {
    qt_encoding encoding;
    const char *layer;        /* layer or sheet by name, or "N" its number (1-based); NULL: the first */
    int header_row;           /* 0: find the header among the first 10 rows (CSV, spreadsheets) */
    qt_problem_fn on_problem; /* bad rows, one call each (NULL: only the first is returned) */
    void *problem_ud;
    size_t max_bad; /* calls at most (0: 20) */
} qt__table_opts;

/* Open and read the header row (found among the first rows when c->header_row
 * is 0, see qt__table_opts). Statuses: QT_EIO, QT_EPARSE (empty file), QT_ENOMEM. */
qt_status qt__csv_open(qt__csv *c, const char *path, qt_error *err);
/* The same, for a file in a given encoding: QT_ENC_AUTO takes valid UTF-8 as
 * UTF-8 and anything else as GBK (GB18030), which is how Excel saves CSV on
 * Chinese Windows; text is converted to UTF-8. */
qt_status qt__csv_open_enc(qt__csv *c, const char *path, qt_encoding enc, qt_error *err);
/* The same with the header on a given line (0: found, see qt__csv_start). */
qt_status qt__csv_open_hdr(qt__csv *c, const char *path, qt_encoding enc, int header_row, qt_error *err);
void qt__csv_close(qt__csv *c);
/* Read the header row of a buffer already in c (data, len, path, features). */
qt_status qt__csv_start(qt__csv *c, qt_error *err);

/* Columns a vector layer adds for its geometry (WGS-84; a polygon's centroid
 * and its area in square metres; empty without geometry). */
#define QT__GEOM_LON  "geom_lon"
#define QT__GEOM_LAT  "geom_lat"
#define QT__GEOM_AREA "geom_area_m2"
/* OpenStreetMap files: every tag of the object, as key=value lines joined by '\t'. */
#define QT__OSM_TAGS "osm_tags"

/*
 * Open a table of any format: CSV (by its .csv / .txt name, or when GDAL
 * does not know it) with qt__csv_open_enc, anything else (XLSX, GeoJSON,
 * GeoPackage, Shapefile, .osm.pbf) through GDAL/OGR as if it were a CSV:
 * the layer's fields, then geom_lon, geom_lat, geom_area_m2 transformed to
 * WGS-84 when the layer has a coordinate system.  layer: a layer name, or
 * NULL for the first (OSM: points and multipolygons together, with columns
 * osm_id, name, osm_tags).  Records are numbered by feature.
 */
qt_status qt__table_open(qt__csv *c, const char *path, qt_encoding enc, const char *layer, qt_error *err);
qt_status qt__table_open_opts(qt__csv *c, const char *path, const qt__table_opts *o, qt_error *err);
/* *to cleared and filled with the options every table reader takes */
void qt__table_opts_set(qt__table_opts *to, qt_encoding enc, const char *layer, int header_row,
                        qt_problem_fn on_problem, void *problem_ud);
/* A table held in memory (data, len; BORROWED, not changed), read as qt__table_open reads a file whose name
 * is name (e.g. "goods.xlsx": its extension picks nothing, GDAL recognises the content; name, BORROWED,
 * names it in errors). */
qt_status qt__table_open_mem(qt__csv *c, const void *data, size_t len, const char *name, qt_error *err);
/* GDAL's drivers registered, once: a server calls it before its threads start, so no request registers
 * them (every table_open does, at no cost after the first). */
void qt__tables_register(void);
/* A bad row (e filled by qt__csv_failv): report it through on_problem (up to
 * max_bad calls) and count it; the reader goes on with the next row. */
void qt__csv_bad(qt__csv *c, const qt_error *e);
/* After the last row: QT_OK when no row was bad, else the first bad row's
 * status with "N rows of the table are bad" (the callback saw them) or the
 * first row's message and how many more (no callback). */
qt_status qt__csv_bad_end(const qt__csv *c, qt_error *err);
/* The end of a reader's row loop, r the last qt__csv_next result: the read's error (r < 0, already in err),
 * else qt__csv_bad_end's. */
qt_status qt__csv_rows_end(const qt__csv *c, int r, qt_error *err);
/* The id of the current row: column col when there is one and it is not empty, else the line number.
 * qt__malloc'd; NULL when out of memory. */
char *qt__csv_id(const qt__csv *c, int col);
/* Header names compare as written, then normalised: spaces dropped, ASCII
 * lower-cased, full-width brackets as ASCII, a trailing unit in brackets
 * dropped (营业面积(㎡), 面积（平方米）, 户数[户] are 营业面积, 面积, 户数). */
void qt__header_norm(const char *s, char *out, size_t n);
/* Next record: 1 read, 0 end of file, -1 error (err set). Blank lines are skipped. */
int qt__csv_next(qt__csv *c, qt_error *err);
/* Records left, at most: the line breaks after the current position (for reserving). */
size_t qt__csv_rows_left(const qt__csv *c);
/* Index of header column `name`, or -1. */
int qt__csv_col(const qt__csv *c, const char *name);
/* Index of a required column; QT_EPARSE naming the file and the column when absent. */
qt_status qt__csv_require(const qt__csv *c, const char *name, int *idx, qt_error *err);
/* The column the user named (which must exist), else the first header among
 * cands (NULL-terminated).  *idx = -1 when none and not required; required
 * and absent: QT_EPARSE "no WHAT column (looked for ...)". */
qt_status qt__csv_pick(const qt__csv *c, const char *named, const char *const *cands, int required, const char *what,
                       int *idx, qt_error *err);
/* A number in an optional column: NAN when col < 0 or the field is empty. */
qt_status qt__csv_opt_double(const qt__csv *c, int col, double *out, qt_error *err);
/* Typed field access; errors name file:line: column 'name'. */
qt_status qt__csv_double(const qt__csv *c, int col, double *out, qt_error *err);
qt_status qt__csv_i64(const qt__csv *c, int col, int64_t *out, qt_error *err);
const char *qt__csv_str(const qt__csv *c, int col);
/* Set err to code at "file:line: column 'name'" (col < 0: "file:line") with a message. */
qt_status qt__csv_failv(const qt__csv *c, int col, qt_error *err, qt_status code, const char *fmt, ...) QT_PRINTF(5, 6);

#endif

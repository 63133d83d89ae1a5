/* SPDX-License-Identifier: MIT */
/*
 * qt_test.h -- what every cmocka test includes: cmocka, the public API,
 * ASCII-drawn graphs and temporary files.
 */
#ifndef QUARTER_TEST_H
#define QUARTER_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "quarter.h"

/*
 * Build a graph from a drawing.  Letters are nodes (id = the letter's code),
 * '-' and '|' join the nearest nodes along a row or column; each character
 * cell is `cell_m` metres, so an edge's length is its span in cells times
 * cell_m.  Nodes sit at lon/lat near (116.0, 39.9) with the same spacing.
 * '=' draws a zero-length join: the two letters it links are one cell apart
 * but the edge length is 0.
 */
qt_graph *qt_test_graph_from_ascii(const char *drawing, double cell_m);
/* node index of letter c */
uint32_t qt_test_node(const qt_graph *g, char c);
/* lon/lat of grid cell (col,row) of a drawing with cell_m spacing */
void qt_test_cell_lonlat(double col, double row, double cell_m, double *lon, double *lat);
/* path of a new temporary file name (not created) in a per-test directory */
char *qt_test_tmpfile(const char *name);
/* write text to a new temporary file; returns its path (free()) */
char *qt_test_write_file(const char *name, const char *text);
int qt_test_file_exists(const char *path);

/* The store tests on both backends (qt_test_store.c): 1 when QT_TEST_BACKEND=pg and QT_TEST_PG_URL is set */
int qt_test_is_pg(void);
/* where to open a fresh store: a new SQLite file, or the PostgreSQL URL of a new empty schema (free()) */
char *qt_test_store(const char *name);
/* the first column of sql's first row as an integer (t/f as 1/0; a statement without rows: rows changed), -1 on error */
int64_t qt_test_store_scalar(const char *path, const char *sql);

#endif

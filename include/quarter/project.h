/* SPDX-License-Identifier: MIT */
/*
 * quarter/project.h -- a planning project: one file naming the network, the
 * outlets, residences, circles, survey and profile, and how to read each
 * (format in docs/project.md).  Paths are relative to the project file.
 *
 *   [project]   name, profile, speed (default | elderly | winter | km/h),
 *               max_minutes, snap_max_m
 *   [network]   file
 *   [outlets]   file, crs, encoding, layer (or sheet: name or number),
 *               header_row, id_col, name_col, type_col, code_col, lon_col,
 *               lat_col, category_col, address_col
 *   [residences] file, crs, encoding, layer / sheet, header_row, estimate,
 *               community_grid_m, id_col, lon_col, lat_col, population_col,
 *               households_col, community_col, address_col
 *   [communities] file, layer, name_field   (community boundaries)
 *   [circles]   file, encoding, grid_m
 *   [survey]    file, encoding
 *
 * The file may be UTF-8 or GBK (Notepad's "ANSI").  Every error names
 * file:line: key.  Ownership: qt_project_load gives the
 * caller a project to release with qt_project_free.
 */
#ifndef QUARTER_PROJECT_H
#define QUARTER_PROJECT_H

#include "quarter/coords.h"
#include "quarter/io.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Columns a project may name for a table (key NAME_col). */
enum {
    QT_PCOL_ID, QT_PCOL_NAME, QT_PCOL_TYPE, QT_PCOL_CODE, QT_PCOL_LON, QT_PCOL_LAT, QT_PCOL_CATEGORY,
    QT_PCOL_ADDRESS, QT_PCOL_POPULATION, QT_PCOL_HOUSEHOLDS, QT_PCOL_COMMUNITY, QT_PCOL_COUNT
};

typedef struct qt_project_table {
    char *file;  /* resolved path, NULL when absent */
    char *layer; /* NULL: the first */
    qt_crs crs;
    qt_encoding encoding;
    int estimate;
    int header_row; /* 0: found */
    char *col[QT_PCOL_COUNT]; /* columns named in the project (NULL: guessed), by QT_PCOL_* */
} qt_project_table;

typedef struct qt_project {
    char *path;
    char *name;
    char *profile;   /* resolved path */
    char *network;   /* resolved path */
    char *speed;     /* "default", "elderly", "winter" or a number in km/h */
    double max_minutes, snap_max_m, community_grid_m, circle_grid_m;
    qt_project_table outlets, residences, circles, survey, communities;
    char *community_field; /* [communities] name_field, NULL: guessed */
} qt_project;

/** Load and check a project file.  Statuses: QT_EIO, QT_EPARSE, QT_EINVAL, QT_ENOMEM. */
QT_API qt_status qt_project_load(const char *path, qt_project **out, qt_error *err);
QT_API void qt_project_free(qt_project *p);

#ifdef __cplusplus
}
#endif
#endif

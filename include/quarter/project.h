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
 *
 * qt_project_open loads the project and everything it names (profile,
 * network, outlets, residences, community boundaries, circles, survey): what
 * quarter analyze, site, report and import start from.  OUT *out, release
 * with qt_project_close; it borrows nothing.
 */
#ifndef QUARTER_PROJECT_H
#define QUARTER_PROJECT_H

#include "quarter/analyze.h"
#include "quarter/coords.h"
#include "quarter/graph.h"
#include "quarter/io.h"
#include "quarter/plan.h"
#include "quarter/profile.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Columns a project may name for a table (key NAME_col). */
enum {
    QT_PCOL_ID,
    QT_PCOL_NAME,
    QT_PCOL_TYPE,
    QT_PCOL_CODE,
    QT_PCOL_LON,
    QT_PCOL_LAT,
    QT_PCOL_CATEGORY,
    QT_PCOL_ADDRESS,
    QT_PCOL_POPULATION,
    QT_PCOL_HOUSEHOLDS,
    QT_PCOL_COMMUNITY,
    QT_PCOL_COUNT
};

typedef struct qt_project_table {
    char *file;  /* resolved path, NULL when absent */
    char *layer; /* NULL: the first */
    qt_crs crs;
    qt_encoding encoding;
    int estimate;
    int header_row;           /* 0: found */
    char *col[QT_PCOL_COUNT]; /* columns named in the project (NULL: guessed), by QT_PCOL_* */
} qt_project_table;

typedef struct qt_project {
    char *path;
    char *name;
    char *profile; /* resolved path */
    char *network; /* resolved path */
    char *speed;   /* "default", "elderly", "winter" or a number in km/h */
    double max_minutes, snap_max_m, community_grid_m, circle_grid_m;
    qt_project_table outlets, residences, circles, survey, communities;
    char *community_field; /* [communities] name_field, NULL: guessed */
} qt_project;

/** Load and check a project file.  Statuses: QT_EIO, QT_EPARSE, QT_EINVAL, QT_ENOMEM. */
QT_API qt_status qt_project_load(const char *path, qt_project **out, qt_error *err);
QT_API void qt_project_free(qt_project *p);

/** How to open a project (zero it, then set what you need). */
typedef struct qt_project_open_opts {
    const char *speed;        /* NULL: the project's; else default | elderly | winter | km/h */
    qt_problem_fn on_problem; /* every bad table row (NULL: the first bad row is the error) */
    void *problem_ud;
    /* called once each, right after the table is read (may be NULL) */
    void (*on_outlets)(void *ud, const char *path, const qt_outlet_list *l);
    void (*on_residences)(void *ud, const char *path, const qt_residence_list *l);
    void *said_ud;
} qt_project_open_opts;

/** A planning project with everything it names loaded. */
typedef struct qt_project_data {
    qt_project *project;
    qt_profile *profile;
    qt_graph *graph;
    qt_outlet_list *outlets;
    qt_residence_list *residences;
    qt_circle_list *circles; /* NULL when the project has none */
    qt_survey *survey;       /* NULL when the project has none */
    char **outlet_community; /* with [communities] boundaries: per outlet, the community holding it */
    double speed_kmh;
    const char *speed_label; /* the speed asked for (opts->speed or the project's; borrowed from either) */
} qt_project_data;

/**
 * The walking speed named by speed (default | elderly | winter from the
 * profile, or km/h from 0.5 to 15) into *kmh.  Statuses: QT_EINVAL.
 */
QT_API qt_status qt_project_speed(const qt_profile *profile, const char *speed, double *kmh, qt_error *err);

/**
 * Load the project at path and everything it names.  A bad speed is
 * QT_EINVAL with err->where "speed"; other statuses: QT_EIO, QT_EPARSE,
 * QT_EINVAL, QT_ENOTFOUND, QT_EUNSUPPORTED, QT_ENOMEM (each naming its
 * file).  OUT *out (NULL on error), release with qt_project_close.
 */
QT_API qt_status qt_project_open(const char *path, const qt_project_open_opts *opts, qt_project_data **out,
                                 qt_error *err);
/** Release an opened project (NULL is fine). */
QT_API void qt_project_close(qt_project_data *pj);
/** The analysis input and default options of an opened project (in borrows from pj). */
QT_API void qt_project_analysis_input(const qt_project_data *pj, qt_analysis_input *in, qt_analysis_opts *ao);

#ifdef __cplusplus
}
#endif
#endif

/* SPDX-License-Identifier: MIT */
/*
 * quarter/project.h -- a planning project: one file naming the network, the
 * outlets, residences, circles, survey and profile, and how to read each
 * (format in docs/project.md).  Paths are relative to the project file.
 *
 *   [project]   name, profile, speed (default | elderly | winter | km/h),
 *               max_minutes, snap_max_m
 *   [network]   file
 *   [outlets]   file, crs, encoding, layer
 *   [residences] file, crs, encoding, layer, estimate, community_grid_m
 *   [communities] file, layer, name_field   (community boundaries)
 *   [circles]   file, encoding, grid_m
 *   [survey]    file, encoding
 *
 * Every error names file:line: key.  Ownership: qt_project_load gives the
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

typedef struct qt_project_table {
    char *file;  /* resolved path, NULL when absent */
    char *layer; /* NULL: the first */
    qt_crs crs;
    qt_encoding encoding;
    int estimate;
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

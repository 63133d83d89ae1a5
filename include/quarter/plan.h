/* SPDX-License-Identifier: MIT */
/*
 * quarter/plan.h -- the planning inputs besides outlets: residences (who
 * lives where, how many), communities and circles (生活圈: a name and its
 * communities), and satisfaction survey answers.  Readers take the tables
 * as cities hold them (CSV in UTF-8 or GBK, XLSX, GeoJSON, GeoPackage,
 * Shapefile, OpenStreetMap buildings) and name file:line: column on error.
 * Ownership: every `**out` is the caller's, freed with the matching _free.
 */
#ifndef QUARTER_PLAN_H
#define QUARTER_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/coords.h"
#include "quarter/inputs.h"
#include "quarter/io.h"
#include "quarter/profile.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_residence_read_opts {
    qt_encoding encoding;
    qt_crs crs;        /* of the coordinates in the file */
    const char *layer; /* vector files: layer name (NULL: the first) */
    int estimate;      /* 1: rows with neither population nor households get an
                          estimate from floor area (OSM files always do) */
    const char *id_col, *lon_col, *lat_col, *population_col, *households_col, *community_col, *address_col;
    int header_row;           /* CSV line / sheet row of the header; 0: the first row that looks like one */
    qt_problem_fn on_problem; /* every bad row (NULL: the first bad row is the error) */
    void *problem_ud;
} qt_residence_read_opts;

/**
 * Read residences.  Columns are guessed (id/编号/小区, lon/经度, lat/纬度,
 * population/人口/常住人口, households/户数, community/社区/所属社区,
 * levels/层数/building:levels, floor_area/建筑面积); a polygon layer gives
 * its centroid and footprint.  Population: the population column; else
 * households x household_size; else (opts->estimate or OSM) floor area /
 * m2_per_person with floor area = the floor_area column, or footprint x
 * levels (the profile's default_levels when none).  OSM files give the
 * buildings tagged residential, apartments, house, detached, dormitory,
 * terrace or semidetached_house.  A row with no way to a population is an
 * error naming it (a polygon without households).  Counts are whole
 * people and households: estimates are rounded (at least 1 resident).
 * Headers, the header row, coordinate columns and bad rows are handled as
 * by qt_outlets_read (every bad row to opts->on_problem, then the count).
 * OUT *out, free with qt_residence_list_free().
 */
QT_API qt_status qt_residences_read(const char *path, const qt_residence_read_opts *opts, const qt_population_rule *pop,
                                    qt_residence_list **out, qt_error *err);
QT_API void qt_residence_list_free(qt_residence_list *l);

/**
 * Give residences the community whose polygon contains them (a community
 * boundary layer: GeoJSON, GeoPackage, Shapefile ... with a name field,
 * name_field or guessed from name/社区/社区名称/community).  Residences that
 * already name a community keep it unless override is set; residences in no
 * polygon keep "".  *assigned (may be NULL) gets how many were set.
 * Statuses: QT_EIO, QT_EPARSE (no polygon layer, no name field), QT_ENOMEM.
 */
QT_API qt_status qt_communities_assign(const char *path, const char *layer, const char *name_field, int override,
                                       qt_residence_list *res, size_t *assigned, qt_error *err);

/**
 * The community whose polygon holds each of n points: OUT *names, n strings
 * ("" where none), free with qt_communities_names_free.
 */
QT_API qt_status qt_communities_locate(const char *path, const char *layer, const char *name_field, size_t n,
                                       const double *lon, const double *lat, char ***names, qt_error *err);
QT_API void qt_communities_names_free(char **names, size_t n);

/**
 * Read a circles table: one row per circle with its communities in one
 * field, separated by 、 ， , ; ； or spaces (the layout of Tianshui's 附件2:
 * 序号 | 便民生活圈名称 | 包含社区 | 建设年限), or one row per circle and
 * community.  A community in parentheses in the circle's name
 * (大城一刻钟便民生活圈(光明社区)) is a member too.  Optional column
 * investment/投资额 (万元).  OUT *out, free with qt_circle_list_free().
 */
QT_API qt_status qt_circles_read(const char *path, qt_encoding enc, qt_circle_list **out, qt_error *err);

/** How to read a circles or survey table (qt_circles_read_ex, qt_survey_read_ex). */
typedef struct qt_circles_read_opts {
    qt_encoding encoding;
    const char *layer;        /* sheet or layer by name, or "N" its number (1-based); NULL: the first */
    int header_row;           /* CSV line / sheet row of the header; 0: the first row that looks like one */
    qt_problem_fn on_problem; /* every bad row, file:line: column (at most 20 calls, then a count);
                                 NULL: the first bad row is the error, "(and N more bad rows)" */
    void *problem_ud;
} qt_circles_read_opts;

/**
 * qt_circles_read with options: every bad row (no name, no community, a bad
 * or negative investment) is reported through o->on_problem before the read
 * fails with "N bad rows (listed above); nothing was read".  OUT *out, free
 * with qt_circle_list_free().
 */
QT_API qt_status qt_circles_read_ex(const char *path, const qt_circles_read_opts *o, qt_circle_list **out,
                                    qt_error *err);
QT_API void qt_circle_list_free(qt_circle_list *l);
/** Index of a community by name, or -1. */
QT_API int qt_circles_find_community(const qt_circle_list *l, const char *name);

/**
 * Read survey answers: a circle column (生活圈/circle) naming a circle of
 * circles, and satisfied (是/否, yes/no, 1/0; 满意/基本满意 count as
 * satisfied) or score (1-5; 4 and 5 are satisfied).  An unknown circle is an
 * error naming the line.  OUT *out, free with qt_survey_free().
 */
QT_API qt_status qt_survey_read(const char *path, qt_encoding enc, const qt_circle_list *circles, qt_survey **out,
                                qt_error *err);
/** qt_survey_read with options: every bad row reported as for qt_circles_read_ex. */
QT_API qt_status qt_survey_read_ex(const char *path, const qt_circles_read_opts *o, const qt_circle_list *circles,
                                   qt_survey **out, qt_error *err);
QT_API void qt_survey_free(qt_survey *s);

#ifdef __cplusplus
}
#endif
#endif

/* SPDX-License-Identifier: MIT */
/*
 * quarter/province.h -- the province summary of several cities analysed in
 * one go (quarter analyze P1 P2 ..., or the queue of quarter worker): one row
 * per city with its circles, how many circles got each grade, population,
 * the share of residents who reach every required basic 业态 within 5, 10 and
 * 15 minutes, and how many basic and quality 业态 are present city-wide.
 * Written as province.csv (UTF-8 with a byte-order mark, like every CSV
 * meant for people) and province.xlsx, Chinese headers, cities in the order
 * given.  A city that failed is a row with its error and no figures.
 * Ownership: everything here is plain values; nothing to free.
 */
#ifndef QUARTER_PROVINCE_H
#define QUARTER_PROVINCE_H

#include <stddef.h>

#include "quarter/analyze.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QT_PROVINCE_MAX_GRADES 8

typedef struct qt_city_summary {
    char city[128];    /* the folder name: the project file's name without .project */
    char project[256]; /* the project's own name */
    char path[1024];   /* the project file */
    char error[512];   /* "" when analysed; else "file: reason" and no figures */
    size_t circles, communities, communities_covered;
    size_t ngrades; /* the profile's grades, lowest first, then 未达标 (below every grade) */
    char grade[QT_PROVINCE_MAX_GRADES][48];
    size_t grade_circles[QT_PROVINCE_MAX_GRADES];
    double population;                     /* of the residences placed on the network */
    double within_5, within_10, within_15; /* share of that population reaching every required
                                              basic 业态 within 5, 10, 15 minutes (0..1) */
    double all_basic; /* the analysis' all_basic: every required basic 业态 within its own ring */
    int basic_present, basic_required, quality_present, quality_total;
    char city_grade[48]; /* the city's grade, 未达标 below every grade */
} qt_city_summary;

/**
 * The summary of analysis a of inputs in, for the city named city (project
 * file path, project name).  Statuses: QT_EINVAL (a profile with more than
 * QT_PROVINCE_MAX_GRADES - 1 grades, a name too long).
 */
QT_API qt_status qt_city_summary_of(const qt_analysis *a, const qt_analysis_input *in, const char *city,
                                    const char *project, const char *path, qt_city_summary *out, qt_error *err);

/** The figures of a summary in one fixed order (QT_CITY_FIGURES of them): circles, communities,
 *  communities_covered, population, within_5, within_10, within_15, all_basic, basic_present,
 *  basic_required, quality_present, quality_total; and back. */
#define QT_CITY_FIGURES 12
QT_API void qt_city_summary_figures(const qt_city_summary *s, double out[QT_CITY_FIGURES]);
QT_API void qt_city_summary_set_figures(qt_city_summary *s, const double in[QT_CITY_FIGURES]);

/** One line of tab-separated fields (no tab or newline inside a field), for passing between processes;
 *  returns the length, or 0 when cap is too small. */
QT_API size_t qt_city_summary_format(const qt_city_summary *s, char *buf, size_t cap);
/** Read back a line of qt_city_summary_format.  Statuses: QT_EPARSE. */
QT_API qt_status qt_city_summary_parse(const char *line, qt_city_summary *out, qt_error *err);

/**
 * Write dir/province.csv and dir/province.xlsx (each atomically) for the n
 * cities of rows.  The grade columns are the grades of the cities' profiles
 * in order of first appearance.  Statuses: QT_EIO (naming the file), QT_ENOMEM.
 */
QT_API qt_status qt_province_write(const qt_city_summary *rows, size_t n, const char *dir, qt_error *err);

#ifdef __cplusplus
}
#endif
#endif

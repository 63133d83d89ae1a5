/* SPDX-License-Identifier: MIT */
/*
 * report/report_internal.h -- what the report writers share: the outlets
 * per area and 业态 (count, chain, staff), each residence's circle, the
 * rows of the Tianshui 调查表 and which profile 业态 fill them, the
 * recommended sites of a 项目清单, and the 需求清单 of an area.
 */
#ifndef QUARTER_REPORT_REPORT_INTERNAL_H
#define QUARTER_REPORT_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/report.h"

/* Outlets per area and 业态.  Areas: 0 .. ncircles-1 the circles, ncircles the
 * city (without circles: the city only).  Every classified outlet of the
 * input counts, whatever its opening hours; a circle counts the outlets of
 * its communities. */
typedef struct qt__counts {
    size_t nareas, ncat;
    uint32_t *n;     /* nareas x ncat */
    uint32_t *chain; /* nareas x ncat */
    double *staff;   /* nareas x ncat: people, of the outlets that say */
    uint32_t *with_staff;
    double *area_m2; /* nareas x ncat: floor area of the outlets that say */
} qt__counts;

/* OUT *out, free with qt__counts_free.  Returns QT_ENOMEM or QT_OK. */
qt_status qt__counts_new(const qt_analysis *a, const qt_analysis_input *in, qt__counts **out, qt_error *err);
void qt__counts_free(qt__counts *c);

/* Per community, the first circle that names it (UINT32_MAX none).  OUT, free with qt__free. */
uint32_t *qt__community_circles(const qt_analysis *a);
/* Per residence, its circle (UINT32_MAX none).  OUT, free with qt__free. */
uint32_t *qt__residence_circles(const qt_analysis *a);

/* The rows of the 调查表 (Tianshui 附件5) */
typedef struct qt__survey_row {
    int cls;          /* QT_CLASS_BASIC / QT_CLASS_QUALITY */
    const char *name; /* as the table writes it */
} qt__survey_row;
/* The table's rows in order (each class ends with 其他); *n gets the count. */
const qt__survey_row *qt__survey_rows(size_t *n);
/* The row a profile 业态 is filled under (the class's 其他 when the table has no row for it). */
size_t qt__survey_row_of(const qt_category *c);

/* One 业态 an area lacks: category, residents beyond its ring, coverage */
typedef struct qt__need {
    size_t cat;
    double unserved, coverage;
} qt__need;
/* The 业态 an area lacks, most unserved residents first; out has ncat slots; returns how many. */
size_t qt__needs_of(const qt_analysis *a, const qt_area_stats *s, qt__need *out);

/* A grade's name ("未达标" below every grade) */
const char *qt__grade_name(const qt_profile *p, int g);

/* Join dir and name; OUT, free with qt__free (NULL when out of memory). */
char *qt__path_join(const char *dir, const char *name);

/* A UTF-8 byte-order mark: CSV files meant for people start with it so that
 * Excel on Chinese Windows reads them as UTF-8. */
#define QT__UTF8_BOM "\xEF\xBB\xBF"

#endif

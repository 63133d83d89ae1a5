/* SPDX-License-Identifier: MIT */
/*
 * quarter/report.h -- writing an analysis as the folder a bureau reads
 * (docs/analyze.md lists every file and column):
 *   summary.md          the city and every circle: grade, reasons, warnings
 *   indicators.csv      level,area,indicator,value,target,met,note
 *   grades.csv          circle,grade,reasons,...
 *   demand.csv          需求清单: per circle, the 业态 missing or short, ranked
 *   residences.csv      per residence: minutes to the nearest outlet of each 业态
 *   blindspots.geojson  盲区: where the unserved live, per circle and 业态
 *   what-if.csv         with a what-if: every indicator before and after
 * The folder appears whole or not at all: files are written to OUT.partial
 * and renamed into place; an existing OUT is replaced only when it holds a
 * previous analysis (its summary.md).
 */
#ifndef QUARTER_REPORT_H
#define QUARTER_REPORT_H

#include "quarter/analyze.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_report_meta {
    const char *project;   /* name */
    const char *at;        /* --at as given, or NULL */
    const char *speed;     /* walking speed label */
    const char *const *warnings; /* lines for summary.md */
    size_t nwarnings;
    double blind_cell_m;   /* blind spot grid cell (0: 100 m) */
} qt_report_meta;

/**
 * Write analysis a of inputs in to folder dir.  Statuses: QT_EIO (with the
 * file), QT_ECONFLICT (dir exists and is no analysis folder), QT_ENOMEM.
 */
QT_API qt_status qt_report_write(const qt_analysis *a, const qt_analysis_input *in, const qt_report_meta *meta,
                                 const char *dir, qt_error *err);

#ifdef __cplusplus
}
#endif
#endif

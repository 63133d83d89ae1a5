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
 *   outlets.csv         every outlet of a 业态 with its circle and community
 * The folder appears whole or not at all: files are written to OUT.partial
 * and renamed into place; an existing OUT is replaced only when it holds a
 * previous analysis (its summary.md).
 *
 * And the report a bureau prints, files and sends upward (qt_report_make,
 * docs/report.md):
 *   <circle>.pdf, <circle>.png  一图一清单: the map and the lists of one circle
 *   城市报告.pdf                 cover, table of circles, city map, every circle's page
 *   调查表.xlsx                  the Tianshui 附件5 layout, a sheet per circle and a summary
 *   indicators.xlsx             one row per area, one column per indicator, targets beside
 *   analysis.gpkg               outlets, residences, communities, circles, 盲区, sites
 *   report.txt                  what was written (also marks the folder as a report)
 * Dates come from SOURCE_DATE_EPOCH when it is set (reproducible files).
 */
#ifndef QUARTER_REPORT_H
#define QUARTER_REPORT_H

#include "quarter/analyze.h"
#include "quarter/io.h"
#include "quarter/plan.h"
#include "quarter/status.h"
#include "quarter/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_report_meta {
    const char *project;         /* name */
    const char *at;              /* --at as given, or NULL */
    const char *speed;           /* walking speed label */
    const char *const *warnings; /* lines for summary.md */
    size_t nwarnings;
    double blind_cell_m; /* blind spot grid cell (0: 100 m) */
} qt_report_meta;

/**
 * Write analysis a of inputs in to folder dir.  Statuses: QT_EIO (with the
 * file), QT_ECONFLICT (dir exists and is no analysis folder), QT_ENOMEM.
 */
QT_API qt_status qt_report_write(const qt_analysis *a, const qt_analysis_input *in, const qt_report_meta *meta,
                                 const char *dir, qt_error *err);

/** Recommended sites of a 项目清单 (the sites.csv of quarter site). */
typedef struct qt_site_list {
    size_t n;
    char **id;
    int *category;     /* profile category index */
    double *lon, *lat; /* WGS-84 */
    double *served;    /* newly_served residents, NAN when the file does not say */
    size_t *line;      /* line in the file */
} qt_site_list;

/**
 * Read sites.csv (id,category,lon,lat[,newly_served ...]); categories are
 * codes or Chinese names of profile p.  Every site must lie within
 * snap_max_m of a street of g (a file for another project does not):
 * QT_EINVAL naming file:line.  Statuses also QT_EIO, QT_EPARSE, QT_ENOMEM.
 * OUT *out, free with qt_site_list_free().  p, g: BORROWED for the call.
 */
QT_API qt_status qt_sites_read(const char *path, const qt_profile *p, const qt_graph *g, double snap_max_m,
                               qt_site_list **out, qt_error *err);
QT_API void qt_site_list_free(qt_site_list *l);

enum {
    QT_REPORT_PDF = 1,  /* <circle>.pdf and 城市报告.pdf */
    QT_REPORT_PNG = 2,  /* <circle>.png */
    QT_REPORT_XLSX = 4, /* 调查表.xlsx and indicators.xlsx */
    QT_REPORT_GPKG = 8, /* analysis.gpkg */
    QT_REPORT_ALL = 15
};

typedef struct qt_report_opts {
    const char *project;   /* the project's name, for titles */
    unsigned formats;      /* QT_REPORT_* bits (0: all) */
    const size_t *circles; /* circle indices to report (NULL: every circle) */
    size_t ncircles;
    const qt_site_list *sites; /* the 项目清单, or NULL */
    const char *sources;       /* the data sources line on every map, or NULL */
    int osm;                   /* the streets (or outlets) are OpenStreetMap's: credit it */
    double png_dpi;            /* 0: 96 */
    double blind_cell_m;       /* 盲区 cell (0: 100 m) */
    unsigned threads;          /* pages drawn at once (0: all cores) */
    const char *boundaries;    /* the communities' polygons ([communities] file: GeoPackage, GeoJSON ...),
                                 NULL: the maps outline the residences of each community */
    const char *boundaries_layer, *boundaries_field; /* NULL: the first layer, the guessed name field */
    double *stage_s;                                 /* NULL, or QT_REPORT_STAGES slots: seconds spent in each stage */
    double *stage_cpu_s; /* NULL, or QT_REPORT_STAGES slots: CPU seconds of the process (all threads) */
} qt_report_opts;

/* the stages of qt_report_make timed into qt_report_opts.stage_s */
enum {
    QT_REPORT_STAGE_PREPARE, /* counts, indexes, boundaries, sites */
    QT_REPORT_STAGE_CITY,    /* the city report's cover, table and map */
    QT_REPORT_STAGE_PAGES,   /* every circle's page, its PDF and PNG, and the city report's pages */
    QT_REPORT_STAGE_XLSX,    /* 调查表.xlsx, indicators.xlsx */
    QT_REPORT_STAGE_GPKG,    /* analysis.gpkg */
    QT_REPORT_STAGES
};

/**
 * Write the report of analysis a (of inputs in) into folder dir, whole or
 * not at all (dir.partial, then renamed; an existing dir is replaced only
 * when it holds a report, its report.txt).  Statuses: QT_EIO (with the
 * file), QT_ECONFLICT (dir exists and is not a report folder), QT_EINVAL
 * (a circle index out of range), QT_ENOMEM.  a, in, o: BORROWED for the call.
 */
QT_API qt_status qt_report_make(const qt_analysis *a, const qt_analysis_input *in, const qt_report_opts *o,
                                const char *dir, qt_error *err);

/* what qt_report_store wrote, per kind */
typedef struct qt_report_store_counts {
    size_t communities, circles, blindspots, sites;
} qt_report_store_counts;

/**
 * The geometries of analysis a (of inputs in) into store s, for GIS users
 * (issue 14): the previous import's are removed (qt_store_geoms_clear), then
 * every community's and circle's area as analysis.gpkg has it (a polygon of
 * o->boundaries, else a grid cell, else the outline of the residences; a
 * circle, the union of its communities'), every 盲区 per circle and 业态
 * (o->blind_cell_m, as blindspots.geojson), and o->sites with the circle of
 * each.  Reads only o->boundaries*, o->blind_cell_m and o->sites.  Call it
 * inside qt_store_begin: a failure then leaves the store as it was.
 * OUT *n (may be NULL).  Statuses: those of qt_store_geom_put, QT_EIO and
 * QT_EPARSE (the boundaries file), QT_ENOMEM.  a, in, o, s: BORROWED.
 */
QT_API qt_status qt_report_store(const qt_analysis *a, const qt_analysis_input *in, const qt_report_opts *o,
                                 qt_store *s, qt_report_store_counts *n, qt_error *err);

#ifdef __cplusplus
}
#endif
#endif

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
#include "quarter/search.h"
#include "quarter/snap.h"

#include <cairo.h>

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

/* A folder written whole as tmp, moved to dir: an existing dir (exists) goes to old first and comes back
 * when the move fails (report.c).  what names the folder in errors ("analysis", "report"); QT_EIO. */
qt_status qt__folder_into_place(const char *tmp, const char *dir, const char *old, int exists, const char *what,
                                qt_error *err);

/* A UTF-8 byte-order mark: CSV files meant for people start with it so that
 * Excel on Chinese Windows reads them as UTF-8. */
#define QT__UTF8_BOM "\xEF\xBB\xBF"

/* A grid of points (outlets, residences) for box queries (pgrid.c). */
typedef struct qt__pgrid {
    double lon0, lat0, cell;
    int32_t nx, ny;
    uint32_t *start, *idx;
} qt__pgrid;
qt_status qt__pgrid_init(qt__pgrid *g, size_t n, const double *lon, const double *lat, double cell, qt_error *err);
void qt__pgrid_free(qt__pgrid *g);
/* Call fn(ctx, i) for every point i in the box. */
void qt__pgrid_visit(const qt__pgrid *g, const double *lon, const double *lat, double lonmin, double latmin,
                     double lonmax, double latmax, void (*fn)(void *ctx, uint32_t i), void *ctx);

struct qt__street_index;

/* The boundaries of the communities and circles (bounds.c): a community's polygon from the
 * project's [communities] file, else its grid cell (communities made from community_grid_m); a
 * circle's, the union of its communities' when every one has one.  NULL entries: none given (the
 * writers outline the residences instead and say so).  Read-only after qt__bounds_make: thread-safe. */
enum { QT__BOUND_NONE = 0, QT__BOUND_POLYGON = 1, QT__BOUND_CELL = 2 };
typedef struct qt__bounds {
    size_t n;             /* a->ncommunities */
    void **geom;          /* per community: OGRGeometryH multipolygon in WGS84, NULL none; OWNED */
    unsigned char *kind;  /* per community: QT__BOUND_* */
    size_t ncircles;      /* a->ncircles */
    void **circle;        /* per circle: OGRGeometryH multipolygon, NULL none; OWNED */
    size_t circles_given; /* circles with a boundary */
} qt__bounds;
/* path: the [communities] file (layer, name_field: NULL guessed as the analysis does), or NULL.
 * OUT *out, free with qt__bounds_free.  Statuses: QT_EIO (cannot open), QT_EPARSE (no layer, no
 * name field), QT_ENOMEM. */
qt_status qt__bounds_make(const char *path, const char *layer, const char *name_field, const qt_analysis *a,
                          qt__bounds **out, qt_error *err);
void qt__bounds_free(qt__bounds *b);

/* Everything a report's pages and tables read, built once (report_make.c). */
typedef struct qt__report {
    const qt_analysis *a;
    const qt_analysis_input *in;
    const qt_report_opts *o;
    const qt_site_list *sites;
    qt__counts *counts;
    uint32_t *res_circle;     /* per residence */
    size_t *circle_res_start; /* ncircles + 1 (or 2 without circles) */
    uint32_t *circle_res;     /* placed residences grouped by circle */
    size_t *com_res_start;    /* ncommunities + 1 */
    uint32_t *com_res;        /* placed residences grouped by community */
    uint32_t *site_circle;    /* per site: the circle of its nearest residence, UINT32_MAX none */
    char **site_near;         /* per site: "近 NAME 120 米" (the nearest named outlet) */
    struct qt__street_index *streets;
    qt__pgrid outlets;
    qt_snapper *snapper; /* thread-safe */
    qt__bounds *bounds;  /* boundaries of communities and circles (never NULL once made) */
    char date[80];       /* 2026年12月2日 */
    char date_iso[80];   /* 2026-12-02T00:00:00 */
    long long epoch;     /* seconds, for file metadata */
    double blind_cell_m;
} qt__report;

/* Build R for the report of a (in, o: BORROWED while R lives): with pages, also what the pages and tables
 * draw (counts, streets, outlets, snapper, the sites' nearby outlets); without, only the boundaries, the
 * residences by circle and community and the sites' circles (the GeoPackage's areas, qt_report_store).
 * Free with qt__report_free, also after a failure.  Statuses: those of qt__bounds_make, QT_ENOMEM. */
qt_status qt__report_init(qt__report *R, const qt_analysis *a, const qt_analysis_input *in, const qt_report_opts *o,
                          int pages, qt_error *err);
void qt__report_free(qt__report *R);

/* Number of areas with pages: the circles, or the city alone without circles. */
size_t qt__report_ncircles(const qt__report *R);
const char *qt__report_circle_name(const qt__report *R, size_t i);
const qt_area_stats *qt__report_circle_stats(const qt__report *R, size_t i);

/* A3 landscape, in points */
#define QT__PAGE_W 1190.55
#define QT__PAGE_H 841.89
/* the map box of a circle's page */
#define QT__MAP_X 28.0
#define QT__MAP_Y 78.0
#define QT__MAP_W 620.0
#define QT__MAP_H 620.0

/* Pages (report_page.c): a circle's 一图一清单, the city report's cover, its
 * table of circles (page k of qt__table_pages), its city map. */
/* ws: the calling thread's search workspace (the walking area from the circle's centre) */
void qt__page_circle(cairo_t *cr, const qt__report *R, qt_search *ws, size_t circle);
void qt__page_cover(cairo_t *cr, const qt__report *R);
size_t qt__table_pages(const qt__report *R);
void qt__page_table(cairo_t *cr, const qt__report *R, size_t k);
void qt__page_city_map(cairo_t *cr, const qt__report *R);

/* Files of pages (report_pages.c) */
/* a circle's name as a file name: '/' and control characters become '_'; ext appended */
void qt__file_name(char *buf, size_t n, const char *name, const char *ext);
/* a cairo error as a status naming path */
qt_status qt__cairo_fail(cairo_status_t cs, const char *path, qt_error *err);
/* an A3 landscape PDF surface with the report's metadata; finish it with qt__pdf_finish */
cairo_surface_t *qt__pdf_new(const qt__report *R, const char *path, const char *title);
qt_status qt__pdf_finish(cairo_surface_t *s, const char *path, qt_error *err);
/* draw the recording rec into target, scaled */
void qt__replay(cairo_surface_t *target, cairo_surface_t *rec, double scale);
/* Every circle's page (n of them: R->o->circles, else all) into dir: its PDF and PNG as fmt says,
 * and when city is given its page into city, in order; on threads workers (0: all cores). */
qt_status qt__circle_pages(const qt__report *R, const char *dir, unsigned fmt, size_t n, cairo_surface_t *city,
                           unsigned threads, qt_error *err);

/* Excel files (report_xlsx.c) and the GeoPackage (report_gpkg.c), written to path. */
qt_status qt__write_survey_xlsx(const qt__report *R, const char *path, qt_error *err);
qt_status qt__write_indicators_xlsx(const qt__report *R, const char *path, qt_error *err);
/* One 盲区 of the analysis: the cells (sorted keys row * QT__CELL_STRIDE + column of a grid from lon0, lat0
 * in steps of dlon, dlat) where residents of circle lack 业态 cat within its ring. */
typedef struct qt__blind {
    const char *circle; /* "全市" without circles */
    const qt_category *cat;
    double unserved; /* residents */
    const int64_t *cells;
    size_t ncells;
    double lon0, lat0, dlon, dlat;
} qt__blind;
/* fn for every 盲区, circle by circle, 业态 by 业态 (rc: each residence's circle); fn's nonzero stops
 * with err's status (QT_ENOMEM when err is unset).  Statuses: QT_ENOMEM, or fn's. */
qt_status qt__blindspots_visit(const qt_analysis *a, const qt_analysis_input *in, const uint32_t *rc, double cell_m,
                               int (*fn)(void *ctx, const qt__blind *b), void *ctx, qt_error *err);
/* blindspots.geojson (report.c) */
/* blindspots.geojson with rc the circle of each residence (qt__residence_circles) */
qt_status qt__write_blindspots_rc(const qt_analysis *a, const qt_analysis_input *in, const uint32_t *rc, double cell_m,
                                  const char *path, qt_error *err);
qt_status qt__write_blindspots(const qt_analysis *a, const qt_analysis_input *in, double cell_m, const char *path,
                               qt_error *err);
qt_status qt__write_gpkg(const qt__report *R, const char *path, qt_error *err);
/* The area of community i (circle 0) or circle i (circle 1) as the GeoPackage has it: an OGRGeometryH
 * multipolygon in WGS-84 (OUT, destroy with OGR_G_DestroyGeometry), NULL when it has none (no boundary, no
 * placed residence) or out of memory; *boundary says what it is (社区边界, 网格单元, 小区外包线). */
void *qt__report_area_geom(const qt__report *R, int circle, size_t i, const char **boundary);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * report/page_internal.h -- what the page drawers share (page_common.c): the
 * fonts, colours and outlet symbols, table rows and headings, the footer,
 * hulls of points and OGR boundaries as paths; and a circle's map
 * (page_map.c), drawn by its page (page_circle.c).
 */
#ifndef QUARTER_REPORT_PAGE_INTERNAL_H
#define QUARTER_REPORT_PAGE_INTERNAL_H

#include <cairo.h>
#include <stddef.h>

#include "report/map_render.h"
#include "report/report_internal.h"

#define QT__FONT  "Noto Sans CJK SC"
#define F(sz)     QT__FONT " " #sz
#define FB(sz)    QT__FONT " Bold " #sz
#define PI        3.14159265358979323846
#define DEG2RAD   (PI / 180.0)
#define M_PER_DEG (6371008.8 * DEG2RAD)

void qt__pg_rgb(cairo_t *cr, unsigned r, unsigned g, unsigned b);
void qt__pg_rgba(cairo_t *cr, unsigned r, unsigned g, unsigned b, double a);
/* the colour of 业态 cat: its rank within its class picks it */
void qt__pg_pal(cairo_t *cr, const qt_profile *p, size_t cat);
/* an outlet symbol: a disc for basic 业态, a square for quality ones */
void qt__pg_symbol(cairo_t *cr, const qt_profile *p, size_t cat, double x, double y, double r);
/* a grade's colour (g -1: below every grade) */
void qt__pg_grade_rgb(cairo_t *cr, int g, double alpha);
/* a share as "12.3%", "—" when not finite */
void qt__pg_pct(char *buf, size_t n, double v);

typedef struct pt {
    double x, y;
} pt;
/* the rings of an OGR polygon or multipolygon (WGS84) as closed subpaths in map units */
void qt__pg_geom_path(cairo_t *cr, const qt__map_view *v, void *ogr_geometry);
/* the hull of the n points p, widened by pad page units around each (work: 4n, h: 8n points); returns
 * its points in h */
size_t qt__pg_padded_hull(pt *p, size_t n, double pad, pt *work, pt *h);
void qt__pg_hull_path(cairo_t *cr, const pt *h, size_t n);

/* a table row of text cells at the given x offsets; returns the row height */
double qt__pg_row(cairo_t *cr, const char *font, double x, double y, const double *cx, const char *const *cells,
                  size_t n, double w);
void qt__pg_hline(cairo_t *cr, double x0, double x1, double y, double w);
/* a section heading with a rule below; returns its height */
double qt__pg_heading(cairo_t *cr, const char *s, double x, double y, double w);
/* the sources, the OSM credit and the date at the foot of a page */
void qt__pg_footer(cairo_t *cr, const qt__report *R);

/* circle ci's map in the map box of its page, with its legend below (page_map.c) */
void qt__pg_map_circle(cairo_t *cr, const qt__report *R, qt_search *ws, size_t ci);

#endif

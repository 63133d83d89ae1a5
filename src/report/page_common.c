/* SPDX-License-Identifier: MIT */
/*
 * page_common.c -- what the pages of a report share (report/page_internal.h):
 * colours and symbols, hulls and boundaries as paths, table rows, headings
 * and the footer.
 */
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "report/page_internal.h"

void qt__pg_rgb(cairo_t *cr, unsigned r, unsigned g, unsigned b)
{
    cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
}

void qt__pg_rgba(cairo_t *cr, unsigned r, unsigned g, unsigned b, double a)
{
    cairo_set_source_rgba(cr, r / 255.0, g / 255.0, b / 255.0, a);
}

void qt__pg_pal(cairo_t *cr, const qt_profile *p, size_t cat)
{
    /* the rank of the 业态 within its class picks the colour */
    const qt_category *k = qt_profile_category(p, cat);
    size_t i, rank = 0;
    for (i = 0; i < cat; i++)
        rank += qt_profile_category(p, i)->cls == k->cls;
    const unsigned char *c = (k->cls == QT_CLASS_BASIC ? qt__palette : qt__palette_q)[rank % QT__PALETTE_N];
    qt__pg_rgb(cr, c[0], c[1], c[2]);
}

/* an outlet symbol: a disc for basic 业态, a square for quality ones */
void qt__pg_symbol(cairo_t *cr, const qt_profile *p, size_t cat, double x, double y, double r)
{
    const qt_category *k = qt_profile_category(p, cat);
    if (k->cls == QT_CLASS_BASIC)
        cairo_arc(cr, x, y, r, 0, 2 * PI);
    else
        cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke_preserve(cr);
    qt__pg_pal(cr, p, cat);
    cairo_fill(cr);
}

void qt__pg_grade_rgb(cairo_t *cr, int g, double alpha)
{
    static const unsigned char c[4][3] = {
        {0xF4, 0xA5, 0x82}, {0xFD, 0xDB, 0x6D}, {0xA6, 0xD9, 0x6A}, {0x1A, 0x98, 0x50}};
    int k = g < 0 ? 0 : g + 1 > 3 ? 3 : g + 1;
    qt__pg_rgba(cr, c[k][0], c[k][1], c[k][2], alpha);
}

void qt__pg_pct(char *buf, size_t n, double v)
{
    if (isfinite(v))
        snprintf(buf, n, "%.1f%%", 100 * v);
    else
        snprintf(buf, n, "—");
}

/* ---- convex hulls ----------------------------------------------------------------- */

static int by_xy(const void *p, const void *q)
{
    const pt *a = p, *b = q;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    return a->y < b->y ? -1 : a->y > b->y;
}

/* the rings of an OGR polygon or multipolygon (WGS84) as closed subpaths in map units */
void qt__pg_geom_path(cairo_t *cr, const qt__map_view *v, void *ogr_geometry)
{
    OGRGeometryH g = ogr_geometry;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    int i, n = OGR_G_GetGeometryCount(g);
    if (t == wkbLineString || t == wkbLinearRing) {
        int k, np = OGR_G_GetPointCount(g);
        for (k = 0; k < np; k++) {
            double x, y;
            qt__map_xy(v, OGR_G_GetX(g, k), OGR_G_GetY(g, k), &x, &y);
            if (k)
                cairo_line_to(cr, x, y);
            else
                cairo_move_to(cr, x, y);
        }
        if (np)
            cairo_close_path(cr);
        return;
    }
    for (i = 0; i < n; i++)
        qt__pg_geom_path(cr, v, OGR_G_GetGeometryRef(g, i));
}

static double cross(pt o, pt a, pt b)
{
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* Andrew's monotone chain; hull gets up to 2n points; returns how many */
static size_t hull(pt *p, size_t n, pt *h)
{
    size_t k = 0, i, t;
    if (n < 3) {
        memcpy(h, p, n * sizeof *p);
        return n;
    }
    qsort(p, n, sizeof *p, by_xy);
    for (i = 0; i < n; i++) {
        while (k >= 2 && cross(h[k - 2], h[k - 1], p[i]) <= 0)
            k--;
        h[k++] = p[i];
    }
    for (i = n - 1, t = k + 1; i-- > 0;) {
        while (k >= t && cross(h[k - 2], h[k - 1], p[i]) <= 0)
            k--;
        h[k++] = p[i];
    }
    return k - 1;
}

/* the hull of points, widened by pad page units around each point (a square of 4 corners) */
size_t qt__pg_padded_hull(pt *p, size_t n, double pad, pt *work, pt *h)
{
    size_t i, m = 0;
    for (i = 0; i < n; i++) {
        work[m++] = (pt){p[i].x - pad, p[i].y - pad};
        work[m++] = (pt){p[i].x + pad, p[i].y - pad};
        work[m++] = (pt){p[i].x + pad, p[i].y + pad};
        work[m++] = (pt){p[i].x - pad, p[i].y + pad};
    }
    return hull(work, m, h);
}

void qt__pg_hull_path(cairo_t *cr, const pt *h, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        (i ? cairo_line_to : cairo_move_to)(cr, h[i].x, h[i].y);
    if (n)
        cairo_close_path(cr);
}

/* a table row of text cells at the given x offsets; returns the row height */
double qt__pg_row(cairo_t *cr, const char *font, double x, double y, const double *cx, const char *const *cells,
                  size_t n, double w)
{
    size_t i;
    double h = 0;
    for (i = 0; i < n; i++) {
        double cw = (i + 1 < n ? cx[i + 1] : w) - cx[i] - 3;
        double th = qt__text(cr, font, cells[i], x + cx[i], y, cw, i ? 2 : 0);
        if (th > h)
            h = th;
    }
    return h;
}

void qt__pg_hline(cairo_t *cr, double x0, double x1, double y, double w)
{
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, w);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

double qt__pg_heading(cairo_t *cr, const char *s, double x, double y, double w)
{
    double h;
    qt__pg_rgb(cr, QT__RGB_BOUNDARY);
    h = qt__text(cr, FB(10.5), s, x, y, w, 0);
    qt__pg_hline(cr, x, x + w, y + h + 1, 0.8);
    return h + 4;
}

void qt__pg_footer(cairo_t *cr, const qt__report *R)
{
    char buf[512];
    snprintf(buf, sizeof buf, "数据来源: %s%s   制图: quarter 一刻钟便民生活圈分析   %s",
             R->o->sources ? R->o->sources : "项目数据",
             R->o->osm ? "; 底图街道 © OpenStreetMap contributors (ODbL)" : "", R->date);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    qt__text(cr, F(7.5), buf, 28, QT__PAGE_H - 22, QT__PAGE_W - 56, 0);
}

/* SPDX-License-Identifier: MIT */
/*
 * map_render.c -- streets, scale bar, north arrow and text with cairo and
 * pango (report/map_render.h).
 */
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "report/map_render.h"

#define DEG2RAD   (3.14159265358979323846 / 180.0)
#define M_PER_DEG (6371008.8 * DEG2RAD)

const unsigned char qt__palette[QT__PALETTE_N][3] = {
    {0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0x94, 0x67, 0xbd}, {0x8c, 0x56, 0x4b},
    {0x17, 0xbe, 0xcf}, {0xbc, 0xbd, 0x22}, {0x00, 0x5f, 0x5f}, {0xf5, 0xb7, 0x00}, {0x6a, 0x3d, 0x9a},
    {0x00, 0x99, 0x66}, {0xa6, 0x56, 0x28}, {0x33, 0x33, 0x99}, {0x99, 0x66, 0x00}};

const unsigned char qt__palette_q[QT__PALETTE_N][3] = {
    {0x00, 0x3f, 0x7f}, {0xb3, 0x4d, 0x00}, {0x1b, 0x5e, 0x20}, {0x4a, 0x14, 0x8c}, {0x5d, 0x40, 0x37},
    {0x00, 0x83, 0x8f}, {0x82, 0x77, 0x17}, {0xad, 0x14, 0x57}, {0xff, 0x6f, 0x00}, {0x28, 0x35, 0x93},
    {0x2e, 0x7d, 0x32}, {0x8d, 0x6e, 0x63}, {0x00, 0x60, 0x64}, {0x6d, 0x4c, 0x41}};

void qt__map_view_fit(qt__map_view *v, double lonmin, double latmin, double lonmax, double latmax, double x, double y,
                      double w, double h)
{
    double lat0 = (latmin + latmax) / 2, mx = M_PER_DEG * cos(lat0 * DEG2RAD), my = M_PER_DEG;
    double wm = (lonmax - lonmin) * mx, hm = (latmax - latmin) * my, s;
    if (!(wm > 1))
        wm = 1;
    if (!(hm > 1))
        hm = 1;
    s = fmin(w / wm, h / hm); /* page units per metre */
    v->lon0 = (lonmin + lonmax) / 2;
    v->lat0 = lat0;
    v->kx = s * mx;
    v->ky = s * my;
    v->ox = x + w / 2;
    v->oy = y + h / 2;
    v->x = x;
    v->y = y;
    v->w = w;
    v->h = h;
    v->m_per_unit = 1 / s;
    v->lonmin = v->lon0 - (w / 2) / v->kx;
    v->lonmax = v->lon0 + (w / 2) / v->kx;
    v->latmin = v->lat0 - (h / 2) / v->ky;
    v->latmax = v->lat0 + (h / 2) / v->ky;
}

/* ---- the edge grid ---------------------------------------------------------------- */

struct qt__street_index {
    const qt_graph *g;
    double lon0, lat0, cell;
    int32_t nx, ny;
    uint32_t *start; /* nx * ny + 1 */
    uint32_t *edge;
};

static void edge_box(const qt_graph *g, uint32_t e, double *x0, double *y0, double *x1, double *y1)
{
    uint32_t u, v;
    double lu, au, lv, av;
    qt_graph_edge(g, e, &u, &v, NULL, NULL);
    qt_graph_node_coord(g, u, &lu, &au);
    qt_graph_node_coord(g, v, &lv, &av);
    *x0 = fmin(lu, lv);
    *x1 = fmax(lu, lv);
    *y0 = fmin(au, av);
    *y1 = fmax(au, av);
}

qt_status qt__street_index_new(const qt_graph *g, double cell_deg, qt__street_index **out, qt_error *err)
{
    qt__street_index *ix = qt__calloc(1, sizeof *ix);
    uint32_t nn = qt_graph_node_count(g), ne = qt_graph_edge_count(g), i;
    double lonmin = 180, lonmax = -180, latmin = 90, latmax = -90;
    size_t total = 0, ncell;
    int pass;
    *out = NULL;
    if (!ix)
        return qt_error_set(err, QT_ENOMEM, "map", _("no memory"));
    ix->g = g;
    ix->cell = cell_deg > 0 ? cell_deg : 0.005;
    for (i = 0; i < nn; i++) {
        double lon, lat;
        qt_graph_node_coord(g, i, &lon, &lat);
        lonmin = fmin(lonmin, lon);
        lonmax = fmax(lonmax, lon);
        latmin = fmin(latmin, lat);
        latmax = fmax(latmax, lat);
    }
    if (nn == 0)
        lonmin = lonmax = latmin = latmax = 0;
    ix->lon0 = lonmin;
    ix->lat0 = latmin;
    ix->nx = (int32_t)((lonmax - lonmin) / ix->cell) + 1;
    ix->ny = (int32_t)((latmax - latmin) / ix->cell) + 1;
    while ((size_t)ix->nx * (size_t)ix->ny > 4000000) { /* a very large network: coarser cells */
        ix->cell *= 2;
        ix->nx = (int32_t)((lonmax - lonmin) / ix->cell) + 1;
        ix->ny = (int32_t)((latmax - latmin) / ix->cell) + 1;
    }
    ncell = (size_t)ix->nx * (size_t)ix->ny;
    ix->start = qt__calloc(ncell + 2, sizeof *ix->start);
    if (!ix->start)
        goto nomem;
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < ne; i++) {
            double x0, y0, x1, y1;
            int32_t cx0, cy0, cx1, cy1, cx, cy;
            edge_box(g, i, &x0, &y0, &x1, &y1);
            cx0 = qt__grid_clamp((x0 - ix->lon0) / ix->cell, ix->nx);
            cx1 = qt__grid_clamp((x1 - ix->lon0) / ix->cell, ix->nx);
            cy0 = qt__grid_clamp((y0 - ix->lat0) / ix->cell, ix->ny);
            cy1 = qt__grid_clamp((y1 - ix->lat0) / ix->cell, ix->ny);
            for (cy = cy0; cy <= cy1; cy++)
                for (cx = cx0; cx <= cx1; cx++) {
                    size_t c = (size_t)cy * (size_t)ix->nx + (size_t)cx;
                    if (pass == 0)
                        ix->start[c + 1]++;
                    else
                        ix->edge[ix->start[c]++] = i;
                }
        }
        if (pass == 0) {
            for (total = 0, i = 0; i < ncell; i++) {
                total += ix->start[i + 1];
                ix->start[i + 1] = (uint32_t)total;
            }
            if (total >= UINT32_MAX || !(ix->edge = qt__malloc((total + 1) * sizeof *ix->edge)))
                goto nomem;
        } else { /* start[c] now holds the end of cell c: shift back */
            memmove(ix->start + 1, ix->start, ncell * sizeof *ix->start);
            ix->start[0] = 0;
        }
    }
    *out = ix;
    return QT_OK;
nomem:
    qt__street_index_free(ix);
    return qt_error_set(err, QT_ENOMEM, "map", _("no memory for the street index"));
}

void qt__street_index_free(qt__street_index *ix)
{
    if (!ix)
        return;
    qt__free(ix->start);
    qt__free(ix->edge);
    qt__free(ix);
}

void qt__street_index_visit(const qt__street_index *ix, double lonmin, double latmin, double lonmax, double latmax,
                            void (*fn)(void *ctx, uint32_t edge), void *ctx)
{
    int32_t qx0, qy0, qx1, qy1, cx, cy;
    qt__grid_span(ix->lon0, ix->lat0, ix->cell, ix->nx, ix->ny, lonmin, latmin, lonmax, latmax, &qx0, &qy0, &qx1, &qy1);
    for (cy = qy0; cy <= qy1; cy++)
        for (cx = qx0; cx <= qx1; cx++) {
            size_t c = (size_t)cy * (size_t)ix->nx + (size_t)cx;
            uint32_t k;
            for (k = ix->start[c]; k < ix->start[c + 1]; k++) {
                uint32_t e = ix->edge[k];
                double x0, y0, x1, y1;
                int32_t ex, ey;
                edge_box(ix->g, e, &x0, &y0, &x1, &y1);
                if (x1 < lonmin || x0 > lonmax || y1 < latmin || y0 > latmax)
                    continue;
                /* visit once: in the first cell that the edge and the query share */
                ex = qt__grid_clamp((x0 - ix->lon0) / ix->cell, ix->nx);
                ey = qt__grid_clamp((y0 - ix->lat0) / ix->cell, ix->ny);
                if ((ex > qx0 ? ex : qx0) != cx || (ey > qy0 ? ey : qy0) != cy)
                    continue;
                fn(ctx, e);
            }
        }
}

typedef struct stroke_ctx {
    cairo_t *cr;
    const qt__map_view *v;
    const qt_graph *g;
    size_t n;
} stroke_ctx;

static void stroke_edge(void *ctx, uint32_t e)
{
    stroke_ctx *s = ctx;
    uint32_t u, w;
    double lon, lat, x, y;
    qt_graph_edge(s->g, e, &u, &w, NULL, NULL);
    qt_graph_node_coord(s->g, u, &lon, &lat);
    qt__map_xy(s->v, lon, lat, &x, &y);
    cairo_move_to(s->cr, x, y);
    qt_graph_node_coord(s->g, w, &lon, &lat);
    qt__map_xy(s->v, lon, lat, &x, &y);
    cairo_line_to(s->cr, x, y);
    if (++s->n % 4096 == 0) /* keep paths short: cairo strokes long paths slowly */
        cairo_stroke(s->cr);
}

void qt__map_streets(cairo_t *cr, const qt__map_view *v, const qt_graph *g, const qt__street_index *ix, double width,
                     double r, double gr, double b)
{
    stroke_ctx s = {cr, v, g, 0};
    cairo_save(cr);
    cairo_rectangle(cr, v->x, v->y, v->w, v->h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, r, gr, b);
    cairo_set_line_width(cr, width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    qt__street_index_visit(ix, v->lonmin, v->latmin, v->lonmax, v->latmax, stroke_edge, &s);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void qt__map_streets_raster(cairo_t *cr, const qt__map_view *v, const qt_graph *g, const qt__street_index *ix,
                            double width, double dpi, double r, double gr, double b)
{
    double sc = dpi / 72;
    int w = (int)ceil(v->w * sc), h = (int)ceil(v->h * sc);
    cairo_surface_t *m = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_t *mc;
    qt__map_view mv = *v;
    if (cairo_surface_status(m) != CAIRO_STATUS_SUCCESS) { /* no memory: as lines after all */
        cairo_surface_destroy(m);
        qt__map_streets(cr, v, g, ix, width, r, gr, b);
        return;
    }
    /* the same view, its box at the image's origin, dpi / 72 pixels to the page unit */
    mv.x = 0;
    mv.y = 0;
    mv.ox = (v->ox - v->x) * sc;
    mv.oy = (v->oy - v->y) * sc;
    mv.kx = v->kx * sc;
    mv.ky = v->ky * sc;
    mv.w = w;
    mv.h = h;
    mv.m_per_unit = v->m_per_unit / sc;
    mc = cairo_create(m);
    cairo_set_antialias(mc, CAIRO_ANTIALIAS_FAST);
    qt__map_streets(mc, &mv, g, ix, width * sc, 0, 0, 0);
    cairo_destroy(mc);
    cairo_surface_flush(m);
    cairo_save(cr);
    cairo_set_source_rgb(cr, r, gr, b);
    cairo_translate(cr, v->x, v->y);
    cairo_scale(cr, 1 / sc, 1 / sc);
    cairo_mask_surface(cr, m, 0, 0);
    cairo_restore(cr);
    cairo_surface_destroy(m);
}

void qt__map_scale_bar(cairo_t *cr, const qt__map_view *v, double x, double y, const char *font)
{
    static const double steps[] = {50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000};
    double want = v->w / 5 * v->m_per_unit, len = steps[0], w;
    char label[32];
    size_t i;
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i] <= want)
            len = steps[i];
    w = len / v->m_per_unit;
    cairo_save(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_rectangle(cr, x - 4, y - 16, w + 48, 26);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, x, y, w / 2, 4);
    cairo_fill(cr);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, x, y, w, 4);
    cairo_stroke(cr);
    if (len >= 1000)
        snprintf(label, sizeof label, "%g 千米", len / 1000);
    else
        snprintf(label, sizeof label, "%g 米", len);
    qt__text(cr, font, "0", x - 3, y - 14, 0, 0);
    qt__text(cr, font, label, x + w - 10, y - 14, 0, 0);
    cairo_restore(cr);
}

void qt__map_north_arrow(cairo_t *cr, double x, double y, double size)
{
    cairo_save(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_arc(cr, x, y + size * 0.55, size * 0.75, 0, 2 * 3.14159265358979);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + size * 0.35, y + size);
    cairo_line_to(cr, x, y + size * 0.75);
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x - size * 0.35, y + size);
    cairo_line_to(cr, x, y + size * 0.75);
    cairo_close_path(cr);
    cairo_stroke(cr);
    qt__text(cr, "Noto Sans CJK SC Bold 9", "北", x - 10, y - 13, 20, 1);
    cairo_restore(cr);
}

static PangoLayout *layout_for(cairo_t *cr, const char *font, const char *s, double w, int align)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (w > 0) {
        pango_layout_set_width(l, (int)(w * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(l, align == 1 ? PANGO_ALIGN_CENTER : align == 2 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l, s, -1);
    return l;
}

double qt__text(cairo_t *cr, const char *font, const char *s, double x, double y, double w, int align)
{
    PangoLayout *l = layout_for(cr, font, s, w, align);
    int pw, ph;
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    pango_layout_get_size(l, &pw, &ph);
    g_object_unref(l);
    return (double)ph / PANGO_SCALE;
}

int qt__text_unknown_glyphs(cairo_t *cr, const char *font, const char *s)
{
    PangoLayout *l = layout_for(cr, font, s, 0, 0);
    int n = pango_layout_get_unknown_glyphs_count(l);
    g_object_unref(l);
    return n;
}

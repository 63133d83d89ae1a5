/* SPDX-License-Identifier: MIT */
/*
 * report/map_render.h -- drawing the walking network with cairo: a local
 * projection (metres east and north of a centre, equirectangular), a grid
 * index of the street edges so a map of a small area visits only its own
 * streets, and the street painter.  Shared by the 一图一清单 pages and the
 * map tiles; nothing here knows about pages or the analysis.
 * Ownership: qt__street_index_new gives the caller an index to release with
 * qt__street_index_free; it borrows the graph, which must outlive it.
 */
#ifndef QUARTER_REPORT_MAP_RENDER_H
#define QUARTER_REPORT_MAP_RENDER_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

#include "quarter/graph.h"
#include "quarter/status.h"

/* Where lon/lat land on the page: x = ox + (lon - lon0) * kx, y = oy - (lat - lat0) * ky. */
typedef struct qt__map_view {
    double lon0, lat0;                     /* the centre */
    double kx, ky;                         /* page units per degree */
    double ox, oy;                         /* the centre on the page */
    double x, y, w, h;                     /* the map box on the page */
    double m_per_unit;                     /* metres per page unit */
    double lonmin, latmin, lonmax, latmax; /* what the box shows */
} qt__map_view;

/* Fit the lon/lat box into the page box (x, y, w, h), same scale both ways, centred. */
void qt__map_view_fit(qt__map_view *v, double lonmin, double latmin, double lonmax, double latmax, double x, double y,
                      double w, double h);

static inline void qt__map_xy(const qt__map_view *v, double lon, double lat, double *px, double *py)
{
    *px = v->ox + (lon - v->lon0) * v->kx;
    *py = v->oy - (lat - v->lat0) * v->ky;
}

/* v as a cell index of a grid of n cells, clamped to 0 .. n-1 (0 for NAN) */
static inline int32_t qt__grid_clamp(double v, int32_t n)
{
    if (!(v >= 0))
        return 0;
    if (v >= n - 1)
        return n - 1;
    return (int32_t)v;
}

/* The cells x0..x1, y0..y1 of a grid (origin lon0, lat0; cells of cell degrees; nx by ny) that the box
 * lonmin..lonmax, latmin..latmax covers. */
static inline void qt__grid_span(double lon0, double lat0, double cell, int32_t nx, int32_t ny, double lonmin,
                                 double latmin, double lonmax, double latmax, int32_t *x0, int32_t *y0, int32_t *x1,
                                 int32_t *y1)
{
    *x0 = qt__grid_clamp((lonmin - lon0) / cell, nx);
    *x1 = qt__grid_clamp((lonmax - lon0) / cell, nx);
    *y0 = qt__grid_clamp((latmin - lat0) / cell, ny);
    *y1 = qt__grid_clamp((latmax - lat0) / cell, ny);
}

typedef struct qt__street_index qt__street_index;

/* Index g's edges on a grid of cell_deg degrees (0: 0.005). OUT, free with qt__street_index_free. */
qt_status qt__street_index_new(const qt_graph *g, double cell_deg, qt__street_index **out, qt_error *err);
void qt__street_index_free(qt__street_index *ix);

/* Call fn(ctx, edge) once for every edge whose box meets the lon/lat box. */
void qt__street_index_visit(const qt__street_index *ix, double lonmin, double latmin, double lonmax, double latmax,
                            void (*fn)(void *ctx, uint32_t edge), void *ctx);

/* Stroke the streets in the view's box (clipped to it) with a line of width pt. */
void qt__map_streets(cairo_t *cr, const qt__map_view *v, const qt_graph *g, const qt__street_index *ix, double width,
                     double r, double gr, double b);
/* The same as one image at dpi (a mask painted in the colour): for a city's thousands of streets, whose
 * lines would make a page of megabytes that is slow to write and to open. */
void qt__map_streets_raster(cairo_t *cr, const qt__map_view *v, const qt_graph *g, const qt__street_index *ix,
                            double width, double dpi, double r, double gr, double b);

/* A scale bar (a round length near a fifth of the box) at page (x, y), and a north arrow. */
void qt__map_scale_bar(cairo_t *cr, const qt__map_view *v, double x, double y, const char *font);
void qt__map_north_arrow(cairo_t *cr, double x, double y, double size);

/* The colours of the map, shared with the tests that look for them (0..255). */
#define QT__RGB_STREET   0x80, 0x80, 0x80
#define QT__RGB_BLIND    0xE0, 0x30, 0x30
#define QT__RGB_BOUNDARY 0x1F, 0x3A, 0x93
#define QT__RGB_SITE     0xD0, 0x10, 0x80
/* the 业态 palettes: basic 业态 are discs coloured from qt__palette, quality 业态
 * squares from qt__palette_q, by their rank within the class */
#define QT__PALETTE_N 14
extern const unsigned char qt__palette[QT__PALETTE_N][3];
extern const unsigned char qt__palette_q[QT__PALETTE_N][3];

/* Draw text with pango at (x, y) top-left in a box w wide (w <= 0: no wrap).
 * font: a pango font description ("Noto Sans CJK SC 9"); align: 0 left, 1 centre, 2 right.
 * Returns the height drawn. */
double qt__text(cairo_t *cr, const char *font, const char *s, double x, double y, double w, int align);
/* The glyphs pango could not find for s in font (tofu). */
int qt__text_unknown_glyphs(cairo_t *cr, const char *font, const char *s);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * report/tiles.c -- raster base-map tiles drawn with cairo from the walking
 * network (quarter/tiles.h).
 *
 * Every node is projected once to normalised Web Mercator (0..1 both ways,
 * y down).  Edges are bucketed in a uniform grid over the network's box
 * (CSR: cell_first / cell_edge); an edge goes into every cell its box
 * touches.  A tile looks at the cells under it (widened by the line width)
 * and draws each edge once: in the first cell of the edge's box that lies in
 * the queried range.  The index is immutable, so rendering is reentrant.
 *
 * Streets are drawn by road class (qt_graph_edge_road_class: OSM highway=*)
 * as well as zoom: footways thin and first, then residential streets (and
 * edges of unknown class), secondary and primary roads wider and on top,
 * then steps and other slow ways dashed.
 */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "quarter/tiles.h"

struct qt_tiles {
    const qt_graph *g;
    uint32_t n, m;
    double *mx, *my;       /* n: normalised Web Mercator */
    unsigned char *layer;  /* m: LAYER_* (road class; steps and other ways slower than walking) */
    double x0, y0, x1, y1; /* box of the nodes (mercator) */
    double west, south, east, north;
    uint32_t gx, gy;      /* grid columns and rows */
    double cw, ch;        /* cell size (mercator) */
    uint32_t *cell_first; /* gx * gy + 1 */
    uint32_t *cell_edge;  /* total entries */
};

/* the drawing order: each layer is one path, stroked over the ones before */
enum { LAYER_FOOTWAY, LAYER_STREET, LAYER_SECONDARY, LAYER_PRIMARY, LAYER_SLOW };

#define MERC_LAT_MAX 85.05112878
#define PI           3.14159265358979323846

static double merc_x(double lon)
{
    return (lon + 180.0) / 360.0;
}

static double merc_y(double lat)
{
    if (lat > MERC_LAT_MAX)
        lat = MERC_LAT_MAX;
    if (lat < -MERC_LAT_MAX)
        lat = -MERC_LAT_MAX;
    double r = lat * PI / 180.0;
    return (1.0 - log(tan(r) + 1.0 / cos(r)) / PI) / 2.0;
}

void qt_tiles_lonlat_to_tile(double lon, double lat, unsigned z, double *tx, double *ty)
{
    double s = ldexp(1.0, (int)z);
    if (tx)
        *tx = merc_x(lon) * s;
    if (ty)
        *ty = merc_y(lat) * s;
}

static uint32_t cell_of(double v, double origin, double size, uint32_t count)
{
    double c = floor((v - origin) / size);
    if (c < 0)
        return 0;
    if (c >= count)
        return count - 1;
    return (uint32_t)c;
}

void qt_tiles_free(qt_tiles *t)
{
    if (!t)
        return;
    qt__free(t->mx);
    qt__free(t->my);
    qt__free(t->layer);
    qt__free(t->cell_first);
    qt__free(t->cell_edge);
    qt__free(t);
}

void qt_tiles_bounds(const qt_tiles *t, double *west, double *south, double *east, double *north)
{
    if (west)
        *west = t->west;
    if (south)
        *south = t->south;
    if (east)
        *east = t->east;
    if (north)
        *north = t->north;
}

static void edge_cells(const qt_tiles *t, uint32_t e, uint32_t *cx0, uint32_t *cy0, uint32_t *cx1, uint32_t *cy1)
{
    uint32_t u, v;
    qt_graph_edge(t->g, e, &u, &v, NULL, NULL);
    double ax = fmin(t->mx[u], t->mx[v]), bx = fmax(t->mx[u], t->mx[v]);
    double ay = fmin(t->my[u], t->my[v]), by = fmax(t->my[u], t->my[v]);
    *cx0 = cell_of(ax, t->x0, t->cw, t->gx);
    *cx1 = cell_of(bx, t->x0, t->cw, t->gx);
    *cy0 = cell_of(ay, t->y0, t->ch, t->gy);
    *cy1 = cell_of(by, t->y0, t->ch, t->gy);
}

/* Every node in Web Mercator, and the network's extent. */
static void project_nodes(qt_tiles *t)
{
    t->west = 180, t->east = -180, t->south = 90, t->north = -90;
    for (uint32_t i = 0; i < t->n; i++) {
        double lon, lat;
        qt_graph_node_coord(t->g, i, &lon, &lat);
        t->mx[i] = merc_x(lon);
        t->my[i] = merc_y(lat);
        t->west = fmin(t->west, lon);
        t->east = fmax(t->east, lon);
        t->south = fmin(t->south, lat);
        t->north = fmax(t->north, lat);
    }
    t->x0 = merc_x(t->west);
    t->x1 = merc_x(t->east);
    t->y0 = merc_y(t->north);
    t->y1 = merc_y(t->south);
}

/* The cell grid over the extent: about 8 edges per cell, square cells, at most 4M cells. */
static void size_grid(qt_tiles *t)
{
    double w = fmax(t->x1 - t->x0, 1e-9), h = fmax(t->y1 - t->y0, 1e-9);
    double cells = fmin(fmax((double)t->m / 8.0, 1.0), 4e6);
    double side = sqrt(w * h / cells);
    t->gx = (uint32_t)fmin(fmax(ceil(w / side), 1), 4096);
    t->gy = (uint32_t)fmin(fmax(ceil(h / side), 1), 4096);
    t->cw = w / t->gx * (1 + 1e-9);
    t->ch = h / t->gy * (1 + 1e-9);
}

/* Each edge's drawing layer, by its cost and road class. */
static unsigned char edge_layer(const qt_graph *g, uint32_t e)
{
    double len, cost;
    qt_road_class rc = qt_graph_edge_road_class(g, e);
    qt_graph_edge(g, e, NULL, NULL, &len, &cost);
    return cost > len * 1.0001 + 1e-9 ? LAYER_SLOW
           : rc == QT_ROAD_PRIMARY    ? LAYER_PRIMARY
           : rc == QT_ROAD_SECONDARY  ? LAYER_SECONDARY
           : rc == QT_ROAD_FOOTWAY    ? LAYER_FOOTWAY
                                      : LAYER_STREET;
}

/* The edges of each cell (cell_first, cell_edge), counted then filled. */
static qt_status index_edges(qt_tiles *t, qt_error *err)
{
    size_t ncell = (size_t)t->gx * t->gy, total = 0;
    uint32_t *fill;
    if (!(t->cell_first = qt__calloc(ncell + 1, sizeof *t->cell_first)))
        return QT_ENOMEM;
    for (uint32_t e = 0; e < t->m; e++) {
        uint32_t cx0, cy0, cx1, cy1;
        t->layer[e] = edge_layer(t->g, e);
        edge_cells(t, e, &cx0, &cy0, &cx1, &cy1);
        for (uint32_t cy = cy0; cy <= cy1; cy++)
            for (uint32_t cx = cx0; cx <= cx1; cx++)
                t->cell_first[(size_t)cy * t->gx + cx + 1]++;
        total += (size_t)(cx1 - cx0 + 1) * (cy1 - cy0 + 1);
    }
    if (total > UINT32_MAX)
        return qt_error_set(err, QT_EINVAL, "tiles", _("the network is too large to index"));
    for (size_t c = 0; c < ncell; c++)
        t->cell_first[c + 1] += t->cell_first[c];
    t->cell_edge = qt__malloc_array(total ? total : 1, sizeof *t->cell_edge);
    fill = qt__malloc_array(ncell, sizeof *fill);
    if (!t->cell_edge || !fill) {
        qt__free(fill);
        return QT_ENOMEM;
    }
    memcpy(fill, t->cell_first, ncell * sizeof *fill);
    for (uint32_t e = 0; e < t->m; e++) {
        uint32_t cx0, cy0, cx1, cy1;
        edge_cells(t, e, &cx0, &cy0, &cx1, &cy1);
        for (uint32_t cy = cy0; cy <= cy1; cy++)
            for (uint32_t cx = cx0; cx <= cx1; cx++)
                t->cell_edge[fill[(size_t)cy * t->gx + cx]++] = e;
    }
    qt__free(fill);
    return QT_OK;
}

qt_status qt_tiles_new(const qt_graph *g, qt_tiles **out, qt_error *err)
{
    uint32_t n = qt_graph_node_count(g), m = qt_graph_edge_count(g);
    qt_tiles *t;
    qt_status st = QT_ENOMEM;
    *out = NULL;
    if (m == 0)
        return qt_error_set(err, QT_EINVAL, "tiles", _("the network has no street to draw"));
    if (!(t = qt__calloc(1, sizeof *t)))
        return qt_error_set(err, QT_ENOMEM, "tiles", _("out of memory"));
    t->g = g;
    t->n = n;
    t->m = m;
    t->mx = qt__malloc_array(n, sizeof *t->mx);
    t->my = qt__malloc_array(n, sizeof *t->my);
    t->layer = qt__calloc(m, 1);
    if (t->mx && t->my && t->layer) {
        project_nodes(t);
        size_grid(t);
        st = index_edges(t, err);
    }
    if (st != QT_OK) {
        qt_tiles_free(t);
        return st == QT_ENOMEM ? qt_error_set(err, QT_ENOMEM, "tiles", _("out of memory indexing %u edges"), m) : st;
    }
    *out = t;
    return QT_OK;
}

/* line width in pixels of a street at zoom z */
static double street_width(unsigned z)
{
    static const double w[QT_TILE_MAX_ZOOM + 1] = {0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4,
                                                   0.4, 0.5, 0.7, 1.0, 1.6, 2.6, 4.0, 6.0, 9.0, 13.0};
    return w[z];
}

/* per layer: width (x the zoom's street width, at least min_px), colours
   from zoom 14 (casing and fill) and below (one line), the first zoom drawn */
typedef struct road_style {
    double width, min_px;
    unsigned casing, fill, low;
    unsigned min_zoom;
} road_style;

static const road_style ROAD_STYLE[LAYER_PRIMARY + 1] = {
    [LAYER_FOOTWAY] = {0.45, 0.4, 0xCBC4B6, 0xFFFFFF, 0xB5AFA3, 13},
    [LAYER_STREET] = {1.0, 0.4, 0xB9B2A5, 0xFFFFFF, 0x9C9588, 0},
    [LAYER_SECONDARY] = {1.45, 0.6, 0xB7A77C, 0xFDF1BC, 0x8C8170, 0},
    [LAYER_PRIMARY] = {1.9, 0.8, 0xB08A4A, 0xF7D58C, 0x7A6E5E, 0},
};

typedef struct png_buf {
    unsigned char *p;
    size_t len, cap;
    int oom;
} png_buf;

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int length)
{
    png_buf *b = closure;
    if (qt__grow((void **)&b->p, &b->cap, b->len + length, 1) != 0) {
        b->oom = 1;
        return CAIRO_STATUS_NO_MEMORY;
    }
    memcpy(b->p + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static void set_rgb(cairo_t *cr, unsigned rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0);
}

/* Add the edges under the query range of this layer to the path. */
static size_t add_edges(const qt_tiles *t, cairo_t *cr, uint32_t qx0, uint32_t qy0, uint32_t qx1, uint32_t qy1,
                        double ox, double oy, double scale, int layer)
{
    size_t drawn = 0;
    for (uint32_t cy = qy0; cy <= qy1; cy++) {
        for (uint32_t cx = qx0; cx <= qx1; cx++) {
            size_t c = (size_t)cy * t->gx + cx;
            for (uint32_t k = t->cell_first[c]; k < t->cell_first[c + 1]; k++) {
                uint32_t e = t->cell_edge[k];
                if (t->layer[e] != layer)
                    continue;
                uint32_t ex0, ey0, ex1, ey1;
                edge_cells(t, e, &ex0, &ey0, &ex1, &ey1);
                if ((ex0 > qx0 ? ex0 : qx0) != cx || (ey0 > qy0 ? ey0 : qy0) != cy)
                    continue; /* drawn from another cell */
                uint32_t u, v;
                qt_graph_edge(t->g, e, &u, &v, NULL, NULL);
                cairo_move_to(cr, (t->mx[u] - ox) * scale, (t->my[u] - oy) * scale);
                cairo_line_to(cr, (t->mx[v] - ox) * scale, (t->my[v] - oy) * scale);
                drawn++;
            }
        }
    }
    return drawn;
}

qt_status qt_tiles_render(const qt_tiles *t, unsigned z, unsigned x, unsigned y, unsigned char **png, size_t *len,
                          qt_error *err)
{
    *png = NULL;
    *len = 0;
    if (z > QT_TILE_MAX_ZOOM)
        return qt_error_set(err, QT_EINVAL, "tile z", _("zoom %u is above %u"), z, QT_TILE_MAX_ZOOM);
    if (x >= (1u << z) || y >= (1u << z))
        return qt_error_set(err, QT_EINVAL, "tile x/y", _("tile %u/%u is outside zoom %u"), x, y, z);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, QT_TILE_SIZE, QT_TILE_SIZE);
    cairo_t *cr = cairo_create(s);
    set_rgb(cr, QT_TILE_BACKGROUND);
    cairo_paint(cr);

    double scale = ldexp((double)QT_TILE_SIZE, (int)z); /* pixels per unit of mercator */
    double ox = x / ldexp(1.0, (int)z), oy = y / ldexp(1.0, (int)z);
    double wpx = street_width(z);
    double margin = (wpx * ROAD_STYLE[LAYER_PRIMARY].width + 1.6 + 2) / scale, span = QT_TILE_SIZE / scale;
    double qa = ox - margin, qb = ox + span + margin, qc = oy - margin, qd = oy + span + margin;
    if (qb >= t->x0 && qa <= t->x1 + t->cw && qd >= t->y0 && qc <= t->y1 + t->ch) {
        uint32_t qx0 = cell_of(qa, t->x0, t->cw, t->gx), qx1 = cell_of(qb, t->x0, t->cw, t->gx);
        uint32_t qy0 = cell_of(qc, t->y0, t->ch, t->gy), qy1 = cell_of(qd, t->y0, t->ch, t->gy);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        if (z <= 14) /* hair-thin lines: the fast rasteriser looks the same and is several times quicker */
            cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
        for (int layer = LAYER_FOOTWAY; layer <= LAYER_PRIMARY; layer++) {
            const road_style *rs = &ROAD_STYLE[layer];
            if (z < rs->min_zoom || !add_edges(t, cr, qx0, qy0, qx1, qy1, ox, oy, scale, layer))
                continue;
            double w = fmax(wpx * rs->width, rs->min_px);
            if (z >= 14) {
                set_rgb(cr, rs->casing);
                cairo_set_line_width(cr, w + 1.6);
                cairo_stroke_preserve(cr);
                set_rgb(cr, rs->fill);
            } else {
                set_rgb(cr, rs->low);
            }
            cairo_set_line_width(cr, w);
            cairo_stroke(cr);
        }
        if (add_edges(t, cr, qx0, qy0, qx1, qy1, ox, oy, scale, LAYER_SLOW)) {
            double dash[2] = {fmax(wpx, 1.5), fmax(wpx, 1.5)};
            cairo_set_dash(cr, dash, 2, 0);
            set_rgb(cr, 0xA0643C);
            cairo_set_line_width(cr, fmax(wpx * 0.6, 0.6));
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
            cairo_stroke(cr);
        }
    }
    cairo_status_t cst = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    png_buf b = {0};
    if (cst == CAIRO_STATUS_SUCCESS)
        cst = cairo_surface_write_to_png_stream(s, png_write, &b);
    cairo_surface_destroy(s);
    if (b.oom || cst == CAIRO_STATUS_NO_MEMORY) {
        qt__free(b.p);
        return qt_error_set(err, QT_ENOMEM, "tile", _("out of memory drawing tile %u/%u/%u"), z, x, y);
    }
    if (cst != CAIRO_STATUS_SUCCESS) {
        qt__free(b.p);
        return qt_error_set(err, QT_EINTERNAL, "tile", _("cairo: %s"), cairo_status_to_string(cst));
    }
    *png = b.p;
    *len = b.len;
    return QT_OK;
}

void qt_tiles_png_free(unsigned char *png)
{
    qt__free(png);
}

/* SPDX-License-Identifier: MIT */
/*
 * snap.c -- nearest edge / nearest node through a uniform grid over edges.
 *
 * Coordinates are projected to a local equirectangular plane (metres) about
 * the graph's mean latitude.  Every edge is registered in each grid cell its
 * segment passes through (short edges: the cells of their bounding box; long
 * ones: a 3x3 neighbourhood of samples every half cell, a superset).  A query
 * visits rings of cells around the point's cell; after ring k, anything not
 * seen is at least k cells away, which bounds the search.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "core/graph_internal.h"
#include "quarter/snap.h"
#include "base/geo.h"

struct qt_snapper {
    const qt_graph *g;
    double lat0, kx, ky; /* metres per degree */
    double minx, miny, cell;
    uint32_t cols, rows;
    uint32_t *cell_first; /* cols*rows + 1 */
    uint32_t *cell_edges;
};

double qt_haversine_m(double lon1, double lat1, double lon2, double lat2)
{
    double p1 = lat1 * QT__DEG2RAD, p2 = lat2 * QT__DEG2RAD;
    double dp = p2 - p1, dl = (lon2 - lon1) * QT__DEG2RAD;
    double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    if (a > 1)
        a = 1;
    return 2 * QT__EARTH_R_M * asin(sqrt(a));
}

static void project(const qt_snapper *s, double lon, double lat, double *x, double *y)
{
    *x = lon * s->kx;
    *y = lat * s->ky;
}

static long cell_coord(double v, double min, double cell, uint32_t count)
{
    double c = floor((v - min) / cell);
    if (c < 0)
        return 0;
    if (c >= count)
        return (long)count - 1;
    return (long)c;
}

typedef void (*cell_fn)(qt_snapper *s, uint32_t cell, uint32_t edge);

static void for_edge_cells(qt_snapper *s, uint32_t e, cell_fn fn)
{
    const qt_graph *g = s->g;
    double x1, y1, x2, y2, len, step;
    long c1, r1, c2, r2, c, r;
    project(s, g->lon[g->eu[e]], g->lat[g->eu[e]], &x1, &y1);
    project(s, g->lon[g->ev[e]], g->lat[g->ev[e]], &x2, &y2);
    c1 = cell_coord(fmin(x1, x2), s->minx, s->cell, s->cols);
    c2 = cell_coord(fmax(x1, x2), s->minx, s->cell, s->cols);
    r1 = cell_coord(fmin(y1, y2), s->miny, s->cell, s->rows);
    r2 = cell_coord(fmax(y1, y2), s->miny, s->cell, s->rows);
    if ((c2 - c1 + 1) * (r2 - r1 + 1) <= 16) {
        for (r = r1; r <= r2; r++)
            for (c = c1; c <= c2; c++)
                fn(s, (uint32_t)(r * s->cols + c), e);
        return;
    }
    len = hypot(x2 - x1, y2 - y1);
    step = s->cell / 2;
    {
        long nsteps = (long)ceil(len / step), i;
        long lastc = -10, lastr = -10;
        for (i = 0; i <= nsteps; i++) {
            double f = nsteps ? (double)i / (double)nsteps : 0;
            long cc = cell_coord(x1 + (x2 - x1) * f, s->minx, s->cell, s->cols);
            long rr = cell_coord(y1 + (y2 - y1) * f, s->miny, s->cell, s->rows);
            long dc, dr;
            if (cc == lastc && rr == lastr)
                continue;
            /* register the 3x3 block; neighbouring samples overlap, which only
             * costs duplicates in the cell lists */
            for (dr = -1; dr <= 1; dr++)
                for (dc = -1; dc <= 1; dc++) {
                    long x = cc + dc, y = rr + dr;
                    if (x < 0 || y < 0 || x >= (long)s->cols || y >= (long)s->rows)
                        continue;
                    if (labs(x - lastc) <= 1 && labs(y - lastr) <= 1)
                        continue; /* already registered by the previous sample */
                    fn(s, (uint32_t)(y * s->cols + x), e);
                }
            lastc = cc;
            lastr = rr;
        }
    }
}

static void count_cell(qt_snapper *s, uint32_t cell, uint32_t edge)
{
    (void)edge;
    s->cell_first[cell + 1]++;
}

static void fill_cell(qt_snapper *s, uint32_t cell, uint32_t edge)
{
    /* cell_first[cell] is used as a moving cursor during the fill */
    s->cell_edges[s->cell_first[cell]++] = edge;
}

qt_status qt_snapper_new(const qt_graph *g, qt_snapper **out, qt_error *err)
{
    qt_snapper *s;
    double maxx = -INFINITY, maxy = -INFINITY, sumlat = 0, totlen = 0;
    uint32_t v, e;
    size_t ncell, i;
    *out = NULL;
    s = qt__calloc(1, sizeof *s);
    if (!s)
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the snapper"));
    s->g = g;
    for (v = 0; v < g->n; v++)
        sumlat += g->lat[v];
    s->lat0 = g->n ? sumlat / g->n : 0;
    s->ky = QT__M_PER_DEG;
    s->kx = s->ky * cos(s->lat0 * QT__DEG2RAD);
    s->minx = s->miny = INFINITY;
    for (v = 0; v < g->n; v++) {
        double x, y;
        project(s, g->lon[v], g->lat[v], &x, &y);
        s->minx = fmin(s->minx, x);
        s->miny = fmin(s->miny, y);
        maxx = fmax(maxx, x);
        maxy = fmax(maxy, y);
    }
    if (!g->n)
        s->minx = s->miny = maxx = maxy = 0;
    for (e = 0; e < g->m; e++)
        totlen += g->elen[e];
    /* cells about four times the mean edge, at least 25 m, at most 4M cells */
    s->cell = g->m ? fmax(25.0, 4.0 * totlen / g->m) : 100.0;
    for (;;) {
        double c = floor((maxx - s->minx) / s->cell) + 1, r = floor((maxy - s->miny) / s->cell) + 1;
        if (c * r <= 4.0e6) {
            s->cols = (uint32_t)c;
            s->rows = (uint32_t)r;
            break;
        }
        s->cell *= 2;
    }
    ncell = (size_t)s->cols * s->rows;
    s->cell_first = qt__calloc(ncell + 1, sizeof *s->cell_first);
    if (!s->cell_first)
        goto nomem;
    for (e = 0; e < g->m; e++)
        for_edge_cells(s, e, count_cell);
    for (i = 0; i < ncell; i++)
        s->cell_first[i + 1] += s->cell_first[i];
    s->cell_edges = qt__malloc_array(s->cell_first[ncell] ? s->cell_first[ncell] : 1, sizeof *s->cell_edges);
    if (!s->cell_edges)
        goto nomem;
    for (e = 0; e < g->m; e++)
        for_edge_cells(s, e, fill_cell);
    /* the fill moved every cursor to the next cell's start: shift back */
    for (i = ncell; i > 0; i--)
        s->cell_first[i] = s->cell_first[i - 1];
    s->cell_first[0] = 0;
    *out = s;
    return QT_OK;
nomem:
    qt_snapper_free(s);
    return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the snapping index"));
}

void qt_snapper_free(qt_snapper *s)
{
    if (!s)
        return;
    qt__free(s->cell_first);
    qt__free(s->cell_edges);
    qt__free(s);
}

typedef struct best {
    double d2; /* squared planar distance */
    uint32_t edge;
    double t;
    uint32_t node;
} best;

static void consider(const qt_snapper *s, uint32_t e, double px, double py, double kx, qt_snap_mode mode, best *b)
{
    const qt_graph *g = s->g;
    uint32_t u = g->eu[e], v = g->ev[e];
    /* project with the point's own longitude scale for accuracy */
    double x1 = g->lon[u] * kx, y1 = g->lat[u] * s->ky;
    double x2 = g->lon[v] * kx, y2 = g->lat[v] * s->ky;
    if (mode == QT_SNAP_NODE) {
        double du = (x1 - px) * (x1 - px) + (y1 - py) * (y1 - py);
        double dv = (x2 - px) * (x2 - px) + (y2 - py) * (y2 - py);
        if (du < b->d2 || (du == b->d2 && u < b->node)) {
            b->d2 = du;
            b->node = u;
            b->edge = e;
            b->t = 0;
        }
        if (dv < b->d2 || (dv == b->d2 && v < b->node)) {
            b->d2 = dv;
            b->node = v;
            b->edge = e;
            b->t = 1;
        }
        return;
    }
    {
        double dx = x2 - x1, dy = y2 - y1, L2 = dx * dx + dy * dy, t = 0, qx, qy, d2;
        if (L2 > 0) {
            t = ((px - x1) * dx + (py - y1) * dy) / L2;
            t = t < 0 ? 0 : (t > 1 ? 1 : t);
        }
        qx = x1 + t * dx;
        qy = y1 + t * dy;
        d2 = (qx - px) * (qx - px) + (qy - py) * (qy - py);
        if (d2 < b->d2 || (d2 == b->d2 && e < b->edge)) {
            b->d2 = d2;
            b->edge = e;
            b->t = t;
        }
    }
}

/* The snap of (lon, lat) to the best edge or node found, checked against max_m. */
static qt_status snap_result(const qt_graph *g, const best *b, double lon, double lat, qt_snap_mode mode, double max_m,
                             qt_snap *out, qt_error *err)
{
    out->edge = b->edge;
    if (mode == QT_SNAP_NODE) {
        out->node = b->node;
        out->t = b->t;
        out->node_m = qt_haversine_m(lon, lat, g->lon[b->node], g->lat[b->node]);
        out->leg_m = 0;
        out->lon = g->lon[b->node];
        out->lat = g->lat[b->node];
        if (out->node_m > max_m)
            return qt_error_set(err, QT_ENOTFOUND, NULL, _("nearest node is %.0f m from (%.7f, %.7f), over %.0f m"),
                                out->node_m, lon, lat, max_m);
        return QT_OK;
    } else {
        uint32_t u = g->eu[b->edge], v = g->ev[b->edge];
        out->t = b->t;
        out->lon = g->lon[u] + (g->lon[v] - g->lon[u]) * b->t;
        out->lat = g->lat[u] + (g->lat[v] - g->lat[u]) * b->t;
        out->leg_m = qt_haversine_m(lon, lat, out->lon, out->lat);
        out->node = b->t <= 0.5 ? u : v;
        out->node_m = qt_haversine_m(lon, lat, g->lon[out->node], g->lat[out->node]);
        if (out->leg_m > max_m)
            return qt_error_set(err, QT_ENOTFOUND, NULL, _("nearest street is %.0f m from (%.7f, %.7f), over %.0f m"),
                                out->leg_m, lon, lat, max_m);
    }
    return QT_OK;
}

qt_status qt_snapper_snap(const qt_snapper *s, double lon, double lat, qt_snap_mode mode, double max_m, qt_snap *out,
                          qt_error *err)
{
    const qt_graph *g = s->g;
    double px, py, kx;
    long pc, pr, k, kmax;
    best b = {INFINITY, QT_NODE_NONE, 0, QT_NODE_NONE};
    memset(out, 0, sizeof *out);
    out->edge = out->node = QT_NODE_NONE;
    out->leg_m = out->node_m = INFINITY;
    if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
        return qt_error_set(err, QT_EINVAL, NULL, _("(%g, %g) is not a valid lon/lat"), lon, lat);
    if (!g->m)
        return qt_error_set(err, QT_ENOTFOUND, NULL, _("the network has no edges"));
    kx = s->ky * cos(lat * QT__DEG2RAD);
    project(s, lon, lat, &px, &py);
    /* distance from the point to the grid when it lies outside */
    {
        double ox = fmax(0, fmax(s->minx - px, px - (s->minx + s->cols * s->cell)));
        double oy = fmax(0, fmax(s->miny - py, py - (s->miny + s->rows * s->cell)));
        if (hypot(ox, oy) > max_m * 1.01 + s->cell)
            return qt_error_set(err, QT_ENOTFOUND, NULL,
                                _("(%.7f, %.7f) is outside the network area (more than %.0f m from any street)"), lon,
                                lat, max_m);
    }
    pc = cell_coord(px, s->minx, s->cell, s->cols);
    pr = cell_coord(py, s->miny, s->cell, s->rows);
    kmax = (long)fmax(s->cols, s->rows);
    px = lon * kx; /* point in its own-scale plane for exact comparisons */
    py = lat * s->ky;
    for (k = 0; k <= kmax; k++) {
        long c, r;
        for (r = pr - k; r <= pr + k; r++) {
            if (r < 0 || r >= (long)s->rows)
                continue;
            for (c = pc - k; c <= pc + k; c++) {
                uint32_t cell, i;
                if (c < 0 || c >= (long)s->cols)
                    continue;
                if (r != pr - k && r != pr + k && c != pc - k && c != pc + k)
                    continue; /* interior: done in an earlier ring */
                cell = (uint32_t)(r * (long)s->cols + c);
                for (i = s->cell_first[cell]; i < s->cell_first[cell + 1]; i++)
                    consider(s, s->cell_edges[i], px, py, kx, mode, &b);
            }
        }
        /* everything unseen is at least k cells away (less the point's offset in its cell) */
        {
            double reach = k * s->cell * 0.999;
            if (b.d2 <= reach * reach)
                break;
            if (reach > max_m * 1.01 + s->cell && !isfinite(b.d2))
                break;
        }
    }
    if (!isfinite(b.d2))
        return qt_error_set(err, QT_ENOTFOUND, NULL, _("no street within %.0f m of (%.7f, %.7f)"), max_m, lon, lat);
    return snap_result(g, &b, lon, lat, mode, max_m, out, err);
}

size_t qt_snap_seeds(const qt_graph *g, const qt_snap *snap, qt_snap_mode mode, qt_seed seeds[2])
{
    if (mode == QT_SNAP_NODE) {
        seeds[0].node = snap->node;
        seeds[0].dist_m = 0;
        return 1;
    }
    seeds[0].node = g->eu[snap->edge];
    seeds[0].dist_m = snap->leg_m + snap->t * g->ecost[snap->edge];
    seeds[1].node = g->ev[snap->edge];
    seeds[1].dist_m = snap->leg_m + (1 - snap->t) * g->ecost[snap->edge];
    return 2;
}

/* SPDX-License-Identifier: MIT */
/*
 * report_page.c -- the pages of a report, drawn with cairo and pango on A3
 * landscape (report/report_internal.h): a circle's 一图一清单 (the map on the
 * left, the lists on the right), and the city report's cover, table of
 * circles and city map.
 */
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "report/map_render.h"
#include "report/report_internal.h"

#define FONT "Noto Sans CJK SC"
#define F(sz) FONT " " #sz
#define FB(sz) FONT " Bold " #sz
#define PI 3.14159265358979323846
#define DEG2RAD (PI / 180.0)
#define M_PER_DEG (6371008.8 * DEG2RAD)

static void rgb(cairo_t *cr, unsigned r, unsigned g, unsigned b)
{
    cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
}

static void rgba(cairo_t *cr, unsigned r, unsigned g, unsigned b, double a)
{
    cairo_set_source_rgba(cr, r / 255.0, g / 255.0, b / 255.0, a);
}

static void pal(cairo_t *cr, const qt_profile *p, size_t cat)
{
    /* the rank of the 业态 within its class picks the colour */
    const qt_category *k = qt_profile_category(p, cat);
    size_t i, rank = 0;
    for (i = 0; i < cat; i++)
        rank += qt_profile_category(p, i)->cls == k->cls;
    const unsigned char *c = (k->cls == QT_CLASS_BASIC ? qt__palette : qt__palette_q)[rank % QT__PALETTE_N];
    rgb(cr, c[0], c[1], c[2]);
}

/* an outlet symbol: a disc for basic 业态, a square for quality ones */
static void symbol(cairo_t *cr, const qt_profile *p, size_t cat, double x, double y, double r)
{
    const qt_category *k = qt_profile_category(p, cat);
    if (k->cls == QT_CLASS_BASIC)
        cairo_arc(cr, x, y, r, 0, 2 * PI);
    else
        cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke_preserve(cr);
    pal(cr, p, cat);
    cairo_fill(cr);
}

static void grade_rgb(cairo_t *cr, int g, double alpha)
{
    static const unsigned char c[4][3] = {{0xF4, 0xA5, 0x82}, {0xFD, 0xDB, 0x6D}, {0xA6, 0xD9, 0x6A}, {0x1A, 0x98, 0x50}};
    int k = g < 0 ? 0 : g + 1 > 3 ? 3 : g + 1;
    rgba(cr, c[k][0], c[k][1], c[k][2], alpha);
}

static void pct(char *buf, size_t n, double v)
{
    if (isfinite(v))
        snprintf(buf, n, "%.1f%%", 100 * v);
    else
        snprintf(buf, n, "—");
}

/* ---- convex hulls ----------------------------------------------------------------- */

typedef struct pt {
    double x, y;
} pt;

static int by_xy(const void *p, const void *q)
{
    const pt *a = p, *b = q;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    return a->y < b->y ? -1 : a->y > b->y;
}

/* the rings of an OGR polygon or multipolygon (WGS84) as closed subpaths in map units */
static void geom_path(cairo_t *cr, const qt__map_view *v, OGRGeometryH g)
{
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
        geom_path(cr, v, OGR_G_GetGeometryRef(g, i));
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
static size_t padded_hull(pt *p, size_t n, double pad, pt *work, pt *h)
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

static void hull_path(cairo_t *cr, const pt *h, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        (i ? cairo_line_to : cairo_move_to)(cr, h[i].x, h[i].y);
    if (n)
        cairo_close_path(cr);
}

/* ---- a circle's page --------------------------------------------------------------- */

typedef struct page_ctx {
    cairo_t *cr;
    const qt__report *R;
    qt_search *ws;
    const qt__map_view *v;
    double limit_m;
    uint32_t *drawn;   /* per category: outlets drawn */
    int band;          /* walking-area band being stroked: 0 (15 min) .. 2 (5 min) */
} page_ctx;

static void walk_edge(void *ctx, uint32_t e)
{
    page_ctx *c = ctx;
    const qt_graph *g = c->R->in->graph;
    uint32_t u, w;
    double du, dw, lon, lat, x, y, lim = c->limit_m * (3 - c->band) / 3.0;
    qt_graph_edge(g, e, &u, &w, NULL, NULL);
    du = qt_search_dist(c->ws, u);
    dw = qt_search_dist(c->ws, w);
    if (!(du <= lim && dw <= lim))
        return;
    qt_graph_node_coord(g, u, &lon, &lat);
    qt__map_xy(c->v, lon, lat, &x, &y);
    cairo_move_to(c->cr, x, y);
    qt_graph_node_coord(g, w, &lon, &lat);
    qt__map_xy(c->v, lon, lat, &x, &y);
    cairo_line_to(c->cr, x, y);
}

static void draw_outlet(void *ctx, uint32_t i)
{
    page_ctx *c = ctx;
    const qt_outlet_list *ol = c->R->in->outlets;
    double x, y;
    if (ol->category[i] < 0)
        return;
    qt__map_xy(c->v, ol->lon[i], ol->lat[i], &x, &y);
    if (x < c->v->x || x > c->v->x + c->v->w || y < c->v->y || y > c->v->y + c->v->h)
        return;
    symbol(c->cr, c->R->in->profile, (size_t)ol->category[i], x, y, 3.2);
    c->drawn[ol->category[i]]++;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* a table row of text cells at the given x offsets; returns the row height */
static double row(cairo_t *cr, const char *font, double x, double y, const double *cx, const char *const *cells,
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

static void hline(cairo_t *cr, double x0, double x1, double y, double w)
{
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, w);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

static double heading(cairo_t *cr, const char *s, double x, double y, double w)
{
    double h;
    rgb(cr, QT__RGB_BOUNDARY);
    h = qt__text(cr, FB(10.5), s, x, y, w, 0);
    hline(cr, x, x + w, y + h + 1, 0.8);
    return h + 4;
}

static void footer(cairo_t *cr, const qt__report *R)
{
    char buf[512];
    snprintf(buf, sizeof buf, "数据来源: %s%s   制图: quarter 一刻钟便民生活圈分析   %s",
             R->o->sources ? R->o->sources : "项目数据", R->o->osm ? "; 底图街道 © OpenStreetMap contributors (ODbL)" : "",
             R->date);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    qt__text(cr, F(7.5), buf, 28, QT__PAGE_H - 22, QT__PAGE_W - 56, 0);
}

static void map_circle(cairo_t *cr, const qt__report *R, qt_search *ws, size_t ci)
{
    const qt_analysis *a = R->a;
    const qt_residence_list *res = R->in->residences;
    const qt_profile *p = R->in->profile;
    size_t r0 = R->circle_res_start[ci], r1 = R->circle_res_start[ci + 1], n = r1 - r0, i, c;
    double lonmin = 180, lonmax = -180, latmin = 90, latmax = -90, sx = 0, sy = 0, sp = 0;
    double limit_m = 15 * 60 * a->speed_mps, cell = R->blind_cell_m;
    qt__map_view v;
    page_ctx pc;
    pt *pts = NULL, *work = NULL, *h = NULL;
    int64_t *cells = NULL;
    uint32_t *drawn = qt__calloc(a->ncat + 1, sizeof *drawn);
    size_t nh, ndrawn = 0, ncomm;
    double ly;
    int reached = 0;
    OGRGeometryH cgeom = a->ncircles ? R->bounds->circle[ci] : NULL;
    int hull_com = 0, hull_circle = 0; /* outlined by its residences: no boundary given */
    cairo_save(cr);
    rgb(cr, 0xFA, 0xFA, 0xF7);
    cairo_rectangle(cr, QT__MAP_X, QT__MAP_Y, QT__MAP_W, QT__MAP_H);
    cairo_fill(cr);
    if (!drawn || n == 0) {
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        qt__text(cr, F(14), "本生活圈没有可定位的居住点, 无法绘图", QT__MAP_X, QT__MAP_Y + QT__MAP_H / 2 - 10, QT__MAP_W,
                 1);
        goto frame;
    }
    for (i = r0; i < r1; i++) {
        size_t k = R->circle_res[i];
        double w = res->population[k] > 0 ? res->population[k] : 1;
        lonmin = fmin(lonmin, res->lon[k]);
        lonmax = fmax(lonmax, res->lon[k]);
        latmin = fmin(latmin, res->lat[k]);
        latmax = fmax(latmax, res->lat[k]);
        sx += w * res->lon[k];
        sy += w * res->lat[k];
        sp += w;
    }
    if (cgeom) { /* the circle's boundary is on the map */
        OGREnvelope e;
        OGR_G_GetEnvelope(cgeom, &e);
        lonmin = fmin(lonmin, e.MinX);
        lonmax = fmax(lonmax, e.MaxX);
        latmin = fmin(latmin, e.MinY);
        latmax = fmax(latmax, e.MaxY);
    }
    /* the walking area from the circle's centre (population-weighted) */
    {
        qt_snap sn;
        qt_seed seeds[2];
        size_t ns;
        if (qt_snapper_snap(R->snapper, sx / sp, sy / sp, QT_SNAP_NODE, 1000, &sn, NULL) == QT_OK &&
            (ns = qt_snap_seeds(R->in->graph, &sn, QT_SNAP_NODE, seeds)) > 0 &&
            qt_search_run(ws, seeds, ns, limit_m, 0, NULL) == QT_OK) {
            const uint32_t *nodes;
            size_t nr = qt_search_reached(ws, &nodes), k;
            reached = 1;
            for (k = 0; k < nr; k++) {
                double lon, lat;
                if (!(qt_search_dist(ws, nodes[k]) <= limit_m))
                    continue;
                qt_graph_node_coord(R->in->graph, nodes[k], &lon, &lat);
                lonmin = fmin(lonmin, lon);
                lonmax = fmax(lonmax, lon);
                latmin = fmin(latmin, lat);
                latmax = fmax(latmax, lat);
            }
        }
    }
    {
        double pl = (lonmax - lonmin) * 0.06 + 0.001, pa = (latmax - latmin) * 0.06 + 0.001;
        qt__map_view_fit(&v, lonmin - pl, latmin - pa, lonmax + pl, latmax + pa, QT__MAP_X, QT__MAP_Y, QT__MAP_W,
                         QT__MAP_H);
    }
    cairo_rectangle(cr, QT__MAP_X, QT__MAP_Y, QT__MAP_W, QT__MAP_H);
    cairo_clip(cr);
    memset(&pc, 0, sizeof pc);
    pc.cr = cr;
    pc.R = R;
    pc.ws = ws;
    pc.v = &v;
    pc.limit_m = limit_m;
    pc.drawn = drawn;
    /* 5/10/15-minute walking area, along the streets */
    if (reached) {
        static const unsigned char band[3][3] = {{0xD9, 0xF0, 0xD3}, {0xA6, 0xDB, 0xA0}, {0x5A, 0xAE, 0x61}};
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        for (pc.band = 0; pc.band < 3; pc.band++) {
            rgb(cr, band[pc.band][0], band[pc.band][1], band[pc.band][2]);
            cairo_set_line_width(cr, 9 - 2 * pc.band);
            qt__street_index_visit(R->streets, v.lonmin, v.latmin, v.lonmax, v.latmax, walk_edge, &pc);
            cairo_stroke(cr);
        }
    }
    qt__map_streets(cr, &v, R->in->graph, R->streets, 0.7, 0x80 / 255.0, 0x80 / 255.0, 0x80 / 255.0);
    /* 盲区: cells where residents lack a required basic 业态 within its ring */
    pts = qt__malloc((n + 1) * sizeof *pts);
    work = qt__malloc((4 * n + 4) * sizeof *work);
    h = qt__malloc((8 * n + 8) * sizeof *h);
    cells = qt__malloc((n + 1) * sizeof *cells);
    if (!pts || !work || !h || !cells)
        goto frame;
    {
        double dlat = cell / M_PER_DEG, dlon = cell / (M_PER_DEG * cos(v.lat0 * DEG2RAD));
        size_t m = 0, k;
        for (i = r0; i < r1; i++) {
            size_t ri = R->circle_res[i];
            int blind = 0;
            for (c = 0; c < a->ncat && !blind; c++) {
                const qt_category *kc = qt_profile_category(p, c);
                blind = kc->cls == QT_CLASS_BASIC && kc->required && !(a->minutes[ri * a->ncat + c] <= kc->ring_min);
            }
            if (blind)
                cells[m++] = (int64_t)floor((res->lat[ri] - latmin) / dlat) * 1000000 +
                             (int64_t)floor((res->lon[ri] - lonmin) / dlon);
        }
        qsort(cells, m, sizeof *cells, cmp_i64);
        rgba(cr, QT__RGB_BLIND, 0.55);
        for (k = 0; k < m; k++) {
            double x0, y0, x1, y1, clon, clat;
            if (k && cells[k] == cells[k - 1])
                continue;
            clat = latmin + (double)(cells[k] / 1000000) * dlat;
            clon = lonmin + (double)(cells[k] % 1000000) * dlon;
            qt__map_xy(&v, clon, clat, &x0, &y0);
            qt__map_xy(&v, clon + dlon, clat + dlat, &x1, &y1);
            cairo_rectangle(cr, x0, y1, x1 - x0, y0 - y1);
        }
        cairo_fill(cr);
    }
    /* residences */
    cairo_set_source_rgba(cr, 0.25, 0.25, 0.25, 0.8);
    for (i = r0; i < r1; i++) {
        size_t ri = R->circle_res[i];
        double x, y;
        qt__map_xy(&v, res->lon[ri], res->lat[ri], &x, &y);
        cairo_rectangle(cr, x - 0.9, y - 0.9, 1.8, 1.8);
    }
    cairo_fill(cr);
    /* communities (dashed) and the circle (bold): the hulls of their residences */
    ncomm = a->ncircles ? a->circle_start[ci + 1] - a->circle_start[ci] : 0;
    if (a->ncircles) {
        size_t m;
        double dash[2] = {4, 3};
        for (m = a->circle_start[ci]; m < a->circle_start[ci + 1]; m++) {
            uint32_t com = a->circle_member[m];
            size_t np = 0;
            double cx = 0, cy = 0;
            for (i = r0; i < r1; i++) {
                size_t ri = R->circle_res[i];
                if (a->res_community[ri] != com)
                    continue;
                qt__map_xy(&v, res->lon[ri], res->lat[ri], &pts[np].x, &pts[np].y);
                cx += pts[np].x;
                cy += pts[np].y;
                np++;
            }
            if (com < R->bounds->n && R->bounds->geom[com]) { /* its polygon or grid cell */
                OGRGeometryH cg = R->bounds->geom[com];
                if (!np) { /* the label in the middle of its polygon */
                    OGREnvelope e;
                    OGR_G_GetEnvelope(cg, &e);
                    qt__map_xy(&v, (e.MinX + e.MaxX) / 2, (e.MinY + e.MaxY) / 2, &cx, &cy);
                    np = 1;
                }
                cairo_set_dash(cr, dash, 2, 0);
                cairo_set_line_width(cr, 1);
                rgb(cr, 0x55, 0x55, 0x99);
                geom_path(cr, &v, cg);
                cairo_stroke(cr);
            } else {
                if (!np)
                    continue;
                hull_com = 1;
                nh = padded_hull(pts, np, 4, work, h);
                cairo_set_dash(cr, dash, 2, 0);
                cairo_set_line_width(cr, 1);
                rgb(cr, 0x55, 0x55, 0x99);
                hull_path(cr, h, nh);
                cairo_stroke(cr);
            }
            cairo_set_dash(cr, NULL, 0, 0);
            if (ncomm <= 16) {
                const char *nm = a->community[com];
                rgba(cr, 0xFF, 0xFF, 0xFF, 0.75);
                cairo_rectangle(cr, cx / np - 40, cy / np - 7, 80, 13);
                cairo_fill(cr);
                rgb(cr, 0x33, 0x33, 0x77);
                qt__text(cr, F(7), nm, cx / np - 40, cy / np - 7, 80, 1);
            }
        }
    }
    {
        size_t np = 0;
        for (i = r0; i < r1; i++) {
            size_t ri = R->circle_res[i];
            qt__map_xy(&v, res->lon[ri], res->lat[ri], &pts[np].x, &pts[np].y);
            np++;
        }
        rgb(cr, QT__RGB_BOUNDARY);
        cairo_set_line_width(cr, 2.6);
        if (cgeom) { /* the union of its communities' boundaries */
            geom_path(cr, &v, cgeom);
        } else {
            hull_circle = 1;
            nh = padded_hull(pts, np, 8, work, h);
            hull_path(cr, h, nh);
        }
        cairo_stroke(cr);
    }
    /* outlets */
    qt__pgrid_visit(&R->outlets, R->in->outlets->lon, R->in->outlets->lat, v.lonmin, v.latmin, v.lonmax, v.latmax,
                    draw_outlet, &pc);
    /* the recommended sites of the 项目清单, numbered */
    if (R->sites) {
        size_t s, num = 0;
        for (s = 0; s < R->sites->n; s++) {
            double x, y;
            char lab[24];
            if (R->site_circle[s] != ci)
                continue;
            num++;
            qt__map_xy(&v, R->sites->lon[s], R->sites->lat[s], &x, &y);
            cairo_arc(cr, x, y, 8, 0, 2 * PI);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 1.5);
            cairo_stroke_preserve(cr);
            rgb(cr, QT__RGB_SITE);
            cairo_fill(cr);
            snprintf(lab, sizeof lab, "%zu", num);
            cairo_set_source_rgb(cr, 1, 1, 1);
            qt__text(cr, FB(8), lab, x - 8, y - 6.5, 16, 1);
        }
    }
    /* the centre */
    if (reached) {
        double x, y;
        qt__map_xy(&v, sx / sp, sy / sp, &x, &y);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 1.5);
        cairo_move_to(cr, x - 5, y);
        cairo_line_to(cr, x + 5, y);
        cairo_move_to(cr, x, y - 5);
        cairo_line_to(cr, x, y + 5);
        cairo_stroke(cr);
    }
    cairo_reset_clip(cr);
    qt__map_north_arrow(cr, QT__MAP_X + 24, QT__MAP_Y + 14, 22);
    qt__map_scale_bar(cr, &v, QT__MAP_X + 14, QT__MAP_Y + QT__MAP_H - 16, F(7.5));
frame:
    cairo_reset_clip(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, QT__MAP_X, QT__MAP_Y, QT__MAP_W, QT__MAP_H);
    cairo_stroke(cr);
    /* the legend: what is drawn */
    ly = QT__MAP_Y + QT__MAP_H + 8;
    cairo_set_source_rgb(cr, 0, 0, 0);
    qt__text(cr, FB(8.5), "图例", QT__MAP_X, ly, 0, 0);

    {
        const char *const fixed[] = {hull_circle ? "生活圈范围 *" : "生活圈范围", hull_com ? "社区范围 *" : "社区范围", "街道", "5 分钟步行", "10 分钟步行", "15 分钟步行",
                                            "盲区(缺基本保障类业态)", "居住点", "推荐选址(编号)"};
        double colw = QT__MAP_W / 5, x, y;
        size_t slot = 0, k;
        for (k = 0; k < sizeof fixed / sizeof fixed[0]; k++, slot++) {
            x = QT__MAP_X + 30 + (double)(slot % 5) * colw - (slot % 5 ? 0 : 0);
            y = ly + (double)(slot / 5) * 13;
            switch (k) {
            case 0: rgb(cr, QT__RGB_BOUNDARY); cairo_set_line_width(cr, 2.6); break;
            case 1: rgb(cr, 0x55, 0x55, 0x99); cairo_set_line_width(cr, 1); break;
            case 2: rgb(cr, QT__RGB_STREET); cairo_set_line_width(cr, 0.8); break;
            case 3: rgb(cr, 0x5A, 0xAE, 0x61); cairo_set_line_width(cr, 5); break;
            case 4: rgb(cr, 0xA6, 0xDB, 0xA0); cairo_set_line_width(cr, 5); break;
            case 5: rgb(cr, 0xD9, 0xF0, 0xD3); cairo_set_line_width(cr, 5); break;
            default: break;
            }
            if (k <= 5) {
                cairo_move_to(cr, x, y + 6);
                cairo_line_to(cr, x + 14, y + 6);
                cairo_stroke(cr);
            } else if (k == 6) {
                rgba(cr, QT__RGB_BLIND, 0.55);
                cairo_rectangle(cr, x + 2, y + 1, 10, 10);
                cairo_fill(cr);
            } else if (k == 7) {
                cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
                cairo_rectangle(cr, x + 6, y + 5, 2, 2);
                cairo_fill(cr);
            } else {
                rgb(cr, QT__RGB_SITE);
                cairo_arc(cr, x + 7, y + 6, 5, 0, 2 * PI);
                cairo_fill(cr);
            }
            cairo_set_source_rgb(cr, 0, 0, 0);
            qt__text(cr, F(7), fixed[k], x + 18, y, colw - 20, 0);
        }
        if (hull_circle || hull_com) { /* slot 9: where no boundary is given */
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
            qt__text(cr, F(7), "* 范围为小区外包线", QT__MAP_X + 30 + 4 * colw, ly + 13, colw - 4, 0);
        }
        slot = 10;
        for (c = 0; c < a->ncat; c++) {
            const qt_category *kc = qt_profile_category(p, c);
            char lab[96];
            if (!drawn[c])
                continue;
            if (slot >= 10 + 6 * 5) {
                cairo_set_source_rgb(cr, 0, 0, 0);
                qt__text(cr, F(7), "……", QT__MAP_X + 30, ly + (double)(slot / 5) * 13, 0, 0);
                break;
            }
            x = QT__MAP_X + 30 + (double)(slot % 5) * colw;
            y = ly + (double)(slot / 5) * 13;
            symbol(cr, p, c, x + 7, y + 6, 3.6);
            cairo_set_source_rgb(cr, 0, 0, 0);
            snprintf(lab, sizeof lab, "%s %s", kc->cls == QT_CLASS_BASIC ? "基本" : "品质", kc->zh);
            qt__text(cr, F(7), lab, x + 16, y, colw - 18, 0);
            slot++;
            ndrawn++;
        }
        (void)ndrawn;
    }
    qt__free(pts);
    qt__free(work);
    qt__free(h);
    qt__free(cells);
    qt__free(drawn);
    cairo_restore(cr);
}

/* the indicators of an area against their targets, as table rows */
static double indicators_table(cairo_t *cr, const qt__report *R, const qt_area_stats *s, double x, double y, double w)
{
    const qt_analysis *a = R->a;
    const qt_targets *t = qt_profile_targets(R->in->profile);
    static const double cx[] = {0, 96, 146, 192};
    const char *hdr[] = {"指标", "现状", "目标", "达标"};
    char v[8][40], tg[8][40];
    const char *names[8];
    double vals[8], tgts[8];
    int na[8];
    size_t n = 0, i;
#define IND(name, val, tgt, isna, fmt_pct)                                                          \
    do {                                                                                            \
        names[n] = (name);                                                                          \
        vals[n] = (val);                                                                            \
        tgts[n] = (tgt);                                                                            \
        na[n] = (isna);                                                                             \
        if (fmt_pct) {                                                                              \
            pct(v[n], sizeof v[n], vals[n]);                                                        \
            pct(tg[n], sizeof tg[n], tgts[n]);                                                      \
        } else {                                                                                    \
            snprintf(v[n], sizeof v[n], isfinite(vals[n]) ? "%.1f" : "—", vals[n]);                 \
            snprintf(tg[n], sizeof tg[n], isfinite(tgts[n]) ? "%.1f" : "—", tgts[n]);               \
        }                                                                                           \
        n++;                                                                                        \
    } while (0)
    IND("基本保障类业态全覆盖的居民", s->all_basic, t->residents_all_basic, 0, 1);
    IND("覆盖的社区", s->communities ? (double)s->communities_covered / s->communities : NAN, t->communities_covered, 0,
        1);
    IND("每万人网点数", s->population > 0 ? s->outlets / s->population * 1e4 : NAN, t->outlets_per_10k, 0, 0);
    IND("品牌连锁化率", s->outlets ? (double)s->chain_outlets / s->outlets : NAN, t->chain_share, !a->chain_known, 1);
    IND("商业设施面积占比", s->residential_area > 0 && s->outlets_with_area ? s->outlet_area / s->residential_area : NAN,
        t->floor_area_share, !a->area_known, 1);
    IND("每百户商业面积(m²)", s->households > 0 && s->outlets_with_area ? s->outlet_area / s->households * 100 : NAN,
        t->area_per_100_households, !a->area_known, 0);
    IND("居民满意度", s->survey_answers ? (double)s->survey_satisfied / s->survey_answers : NAN, t->satisfaction,
        s->survey_answers < t->survey_min_samples, 1);
#undef IND
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    y += row(cr, FB(7.5), x, y, cx, hdr, 4, w) + 2;
    hline(cr, x, x + w, y, 0.5);
    y += 2;
    for (i = 0; i < n; i++) {
        int met = na[i] ? -2 : qt_target_met(vals[i], tgts[i]);
        const char *cells[4];
        char vv[128];
        if (i == 6)
            snprintf(vv, sizeof vv, "%.39s (n=%u)", v[i], s->survey_answers);
        else
            snprintf(vv, sizeof vv, "%.39s", v[i]);
        cells[0] = names[i];
        cells[1] = na[i] && i != 6 ? "无数据" : vv;
        cells[2] = tg[i];
        cells[3] = met == -2 ? (i == 6 ? "样本不足" : "无数据") : met < 0 ? "—" : met ? "达标" : "未达标";
        if (met == 1)
            rgb(cr, 0x1A, 0x80, 0x40);
        else if (met == 0)
            rgb(cr, 0xC0, 0x20, 0x20);
        else
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        qt__text(cr, F(7.5), cells[3], x + cx[3], y, w - cx[3], 2);
        cairo_set_source_rgb(cr, 0, 0, 0);
        y += row(cr, F(7.5), x, y, cx, cells, 3, cx[3]) + 1.5;
    }
    return y;
}

void qt__page_circle(cairo_t *cr, const qt__report *R, qt_search *ws, size_t ci)
{
    const qt_analysis *a = R->a;
    const qt_profile *p = R->in->profile;
    const qt_area_stats *s = qt__report_circle_stats(R, ci);
    const qt__counts *cn = R->counts;
    size_t area = a->ncircles ? ci : a->ncircles, c, k;
    double x1 = 672, w1 = 238, x2 = 924, w2 = 238, y;
    char buf[1024];
    qt__need *nd = qt__malloc((a->ncat + 1) * sizeof *nd);
    size_t nn = nd ? qt__needs_of(a, s, nd) : 0;
    const qt_targets *t = qt_profile_targets(p);

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    /* title */
    snprintf(buf, sizeof buf, "%s 一刻钟便民生活圈 · 一图一清单", qt__report_circle_name(R, ci));
    cairo_set_source_rgb(cr, 0, 0, 0);
    qt__text(cr, FB(18), buf, 28, 22, 760, 0);
    snprintf(buf, sizeof buf, "%s   步行 %.1f 千米/时   %s", R->o->project ? R->o->project : "", a->speed_mps * 3.6,
             R->date);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    qt__text(cr, F(9), buf, 28, 52, 640, 0);
    /* grade badge */
    grade_rgb(cr, s->grade, 1);
    cairo_rectangle(cr, QT__PAGE_W - 28 - 150, 20, 150, 44);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(buf, sizeof buf, "等级: %s", qt__grade_name(p, s->grade));
    qt__text(cr, FB(16), buf, QT__PAGE_W - 28 - 150, 29, 150, 1);

    map_circle(cr, R, ws, ci);

    /* column 1: outlets by 业态 */
    y = QT__MAP_Y;
    y += heading(cr, "业态网点清单", x1, y, w1);
    {
        static const double cx[] = {0, 86, 110, 134, 162, 212};
        const char *hdr[] = {"业态", "网点", "连锁", "从业", "覆盖", "达标"};
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        y += row(cr, FB(7), x1, y, cx, hdr, 6, w1) + 1;
        hline(cr, x1, x1 + w1, y, 0.5);
        y += 1.5;
        for (c = 0; c < a->ncat; c++) {
            const qt_category *kc = qt_profile_category(p, c);
            size_t j = area * a->ncat + c;
            char nb[16], chb[16], stb[16], cov[16], name[96];
            const char *cells[6];
            int present = s->coverage[c] >= t->present_share;
            if (c && kc->cls != qt_profile_category(p, c - 1)->cls) {
                hline(cr, x1, x1 + w1, y + 0.5, 0.4);
                y += 2;
            }
            snprintf(name, sizeof name, "%s", kc->zh);
            snprintf(nb, sizeof nb, "%u", cn->n[j]);
            if (a->chain_known)
                snprintf(chb, sizeof chb, "%u", cn->chain[j]);
            else
                snprintf(chb, sizeof chb, "—");
            if (a->staff_known && cn->with_staff[j])
                snprintf(stb, sizeof stb, "%.0f", cn->staff[j]);
            else
                snprintf(stb, sizeof stb, "—");
            pct(cov, sizeof cov, s->coverage[c]);
            cells[0] = name;
            cells[1] = nb;
            cells[2] = chb;
            cells[3] = stb;
            cells[4] = cov;
            symbol(cr, p, c, x1 + 3, y + 6, 2.8);
            cairo_set_source_rgb(cr, 0, 0, 0);
            {
                double hh;
                double cx2[5] = {8, cx[1], cx[2], cx[3], cx[4]};
                hh = row(cr, F(7), x1, y, cx2, cells, 5, cx[5]);
                if (present)
                    rgb(cr, 0x1A, 0x80, 0x40);
                else
                    rgb(cr, 0xC0, 0x20, 0x20);
                qt__text(cr, F(7), present ? "是" : "否", x1 + cx[5], y, w1 - cx[5], 2);
                y += hh + 0.6;
            }
        }
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        snprintf(buf, sizeof buf, "覆盖: 在本业态步行时限内的居民占比; 达标: 覆盖 ≥ %.0f%%。基本保障类 %d/%d 项达标, 品质提升类 %d/%d 项。",
                 100 * t->present_share, s->basic_present, s->basic_required, s->quality_present, s->quality_total);
        y += 3 + qt__text(cr, F(6.5), buf, x1, y + 3, w1, 0);
    }
    /* column 2: grade, indicators, 需求清单, 项目清单 */
    y = QT__MAP_Y;
    y += heading(cr, "等级与理由", x2, y, w2);
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(buf, sizeof buf, "%s。人口 %.0f 人, 居住点 %u 个, 社区 %u 个。", s->reasons ? s->reasons : qt__grade_name(p, s->grade),
             s->population, s->residences, s->communities);
    y += qt__text(cr, F(7), buf, x2, y, w2, 0) + 6;
    y += heading(cr, "指标与目标", x2, y, w2);
    y = indicators_table(cr, R, s, x2, y, w2) + 6;
    y += heading(cr, "需求清单 (缺什么)", x2, y, w2);
    if (!nn) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        y += qt__text(cr, F(7.5), "每个业态都在步行时限内覆盖了全部居民。", x2, y, w2, 0) + 4;
    }
    {
        /* every 业态 the circle lacks, most unserved first: missing ones (below present_share), then partial */
        int pass, cls;
        for (pass = 0; pass < 2; pass++)
            for (cls = 0; cls < 2; cls++) {
                size_t len, cnt = 0;
                len = (size_t)snprintf(buf, sizeof buf, "%s%s: ", cls == 0 ? "基本保障类" : "品质提升类",
                                       pass == 0 ? "缺" : "部分缺");
                for (k = 0; k < nn && len < sizeof buf; k++) {
                    const qt_category *kc = qt_profile_category(p, nd[k].cat);
                    if ((int)kc->cls != cls || (nd[k].coverage < t->present_share) != (pass == 0))
                        continue;
                    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s %.0f 人", cnt++ ? "、" : "", kc->zh,
                                            nd[k].unserved);
                }
                if (!cnt)
                    continue;
                if (pass == 0)
                    rgb(cr, 0xA0, 0x10, 0x10);
                else
                    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
                y += qt__text(cr, F(7), buf, x2, y, w2, 0) + 3;
            }
        if (nn) {
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
            y += qt__text(cr, F(6.5), "人数为步行时限内够不到该业态的居民; 缺: 覆盖不足一半; 明细见分析结果 demand.csv。", x2,
                          y, w2, 0);
        }
    }
    y += 6;
    y += heading(cr, "项目清单 (推荐选址)", x2, y, w2);
    {
        size_t num = 0, sidx;
        for (sidx = 0; R->sites && sidx < R->sites->n; sidx++) {
            const qt_category *kc;
            char served[48];
            if (R->site_circle[sidx] != ci)
                continue;
            num++;
            if (y > QT__PAGE_H - 40)
                continue;
            kc = qt_profile_category(p, (size_t)R->sites->category[sidx]);
            if (isfinite(R->sites->served[sidx]))
                snprintf(served, sizeof served, "新增服务 %.0f 人", R->sites->served[sidx]);
            else
                snprintf(served, sizeof served, "服务人数未给出");
            snprintf(buf, sizeof buf, "%zu. 新设%s [%s]: %s (%.5f, %.5f), %s", num, kc->zh, R->sites->id[sidx],
                     R->site_near[sidx], R->sites->lon[sidx], R->sites->lat[sidx], served);
            rgb(cr, QT__RGB_SITE);
            cairo_arc(cr, x2 + 4, y + 6, 3.5, 0, 2 * PI);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            y += qt__text(cr, F(7), buf, x2 + 10, y, w2 - 10, 0) + 1;
        }
        if (!num) {
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
            y += qt__text(cr, F(7),
                          R->sites ? "本生活圈没有推荐选址。"
                                   : "未给出选址: 用 quarter site 求出后以 --sites 传入。",
                          x2, y, w2, 0);
        }
    }
    footer(cr, R);
    qt__free(nd);
}

/* ---- the city report ---------------------------------------------------------------- */

void qt__page_cover(cairo_t *cr, const qt__report *R)
{
    const qt_analysis *a = R->a;
    const qt_profile *p = R->in->profile;
    const qt_area_stats *s = &a->city;
    size_t ng = qt_profile_grade_count(p), i, k;
    char buf[1024];
    double y = 200;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    rgb(cr, QT__RGB_BOUNDARY);
    cairo_rectangle(cr, 0, 0, QT__PAGE_W, 12);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(buf, sizeof buf, "%s", R->o->project ? R->o->project : "");
    qt__text(cr, FB(30), buf, 80, 120, QT__PAGE_W - 160, 1);
    qt__text(cr, FB(26), "一刻钟便民生活圈建设情况报告", 80, 170, QT__PAGE_W - 160, 1);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    qt__text(cr, F(14), R->date, 80, 222, QT__PAGE_W - 160, 1);
    y = 300;
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(buf, sizeof buf,
             "全市 %zu 个生活圈, %zu 个社区, 居民 %.0f 人; 计入业态网点 %zu 个。基本保障类业态全部在步行时限内的居民占 %.1f%%。全市等级: %s。",
             a->ncircles, a->ncommunities, s->population, a->outlets_used, 100 * s->all_basic,
             qt__grade_name(p, s->grade));
    y += qt__text(cr, F(13), buf, 160, y, QT__PAGE_W - 320, 0) + 20;
    qt__text(cr, FB(13), "各等级生活圈数量", 160, y, 400, 0);
    y += 26;
    for (k = 0; k <= ng; k++) {
        int g = (int)k - 1;
        size_t cnt = 0;
        for (i = 0; i < a->ncircles; i++)
            cnt += a->circles_stats[i].grade == g;
        grade_rgb(cr, g, 1);
        cairo_rectangle(cr, 160, y, 18, 18);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(buf, sizeof buf, "%s: %zu 个", qt__grade_name(p, g), cnt);
        qt__text(cr, F(12), buf, 186, y - 1, 400, 0);
        y += 26;
    }
    y += 20;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    snprintf(buf, sizeof buf,
             "本报告: 生活圈一览表, 全市地图, 然后每个生活圈一页 (一图一清单: 地图、业态网点、等级与理由、指标、需求清单、项目清单)。"
             "同一文件夹中: 调查表.xlsx (试点便民生活圈建设情况调查表), indicators.xlsx, analysis.gpkg (可用 QGIS 打开)。");
    qt__text(cr, F(11), buf, 160, y, QT__PAGE_W - 320, 0);
    footer(cr, R);
}

#define TABLE_ROWS 40

size_t qt__table_pages(const qt__report *R)
{
    size_t n = qt__report_ncircles(R);
    return n ? (n + TABLE_ROWS - 1) / TABLE_ROWS : 1;
}

void qt__page_table(cairo_t *cr, const qt__report *R, size_t page)
{
    const qt_profile *p = R->in->profile;
    const qt_targets *t = qt_profile_targets(p);
    static const double cx[] = {0, 50, 330, 420, 520, 620, 740, 860};
    const char *hdr[] = {"序号", "生活圈", "等级", "基本保障类", "品质提升类", "全覆盖居民", "居民满意度(n)", "人口"};
    size_t n = qt__report_ncircles(R), i;
    double x = 60, y = 60, w = QT__PAGE_W - 120;
    char buf[256];
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(buf, sizeof buf, "生活圈一览 (%zu/%zu)", page + 1, qt__table_pages(R));
    qt__text(cr, FB(16), buf, x, 24, w, 0);
    qt__text(cr, FB(10), hdr[0], x, y, cx[1] - 4, 0);
    qt__text(cr, FB(10), hdr[1], x + cx[1], y, cx[2] - cx[1] - 6, 0);
    y += row(cr, FB(10), x + cx[2], y,
             (const double[]){0, cx[3] - cx[2], cx[4] - cx[2], cx[5] - cx[2], cx[6] - cx[2], cx[7] - cx[2]}, hdr + 2, 6,
             w - cx[2]) +
         3;
    hline(cr, x, x + w, y, 0.8);
    y += 3;
    for (i = page * TABLE_ROWS; i < n && i < (page + 1) * TABLE_ROWS; i++) {
        const qt_area_stats *s = qt__report_circle_stats(R, i);
        char c0[24], c3[32], c4[32], c5[32], c6[48], c7[32];
        const char *cells[8];
        snprintf(c0, sizeof c0, "%zu", i + 1);
        snprintf(c3, sizeof c3, "%d/%d", s->basic_present, s->basic_required);
        snprintf(c4, sizeof c4, "%d/%d", s->quality_present, s->quality_total);
        pct(c5, sizeof c5, s->all_basic);
        if (s->survey_answers)
            snprintf(c6, sizeof c6, "%.1f%% (%u)%s", 100.0 * s->survey_satisfied / s->survey_answers, s->survey_answers,
                     s->survey_answers < t->survey_min_samples ? " 样本不足" : "");
        else
            snprintf(c6, sizeof c6, "— (0)");
        snprintf(c7, sizeof c7, "%.0f", s->population);
        cells[0] = c0;
        cells[1] = qt__report_circle_name(R, i);
        cells[2] = qt__grade_name(p, s->grade);
        cells[3] = c3;
        cells[4] = c4;
        cells[5] = c5;
        cells[6] = c6;
        cells[7] = c7;
        grade_rgb(cr, s->grade, 0.5);
        cairo_rectangle(cr, x + cx[2] - 2, y - 1, cx[3] - cx[2] - 2, 16);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        {
            /* the name left-aligned, the rest right-aligned */
            double h = qt__text(cr, F(9.5), cells[0], x, y, cx[1] - 4, 0);
            qt__text(cr, F(9.5), cells[1], x + cx[1], y, cx[2] - cx[1] - 6, 0);
            row(cr, F(9.5), x + cx[2], y, (const double[]){0, cx[3] - cx[2], cx[4] - cx[2], cx[5] - cx[2],
                                                            cx[6] - cx[2], cx[7] - cx[2]},
                cells + 2, 6, w - cx[2]);
            y += (h > 15 ? h : 15) + 2;
        }
        hline(cr, x, x + w, y - 1, 0.3);
    }
    footer(cr, R);
}

typedef struct city_ctx {
    cairo_t *cr;
    const qt__map_view *v;
} city_ctx;

void qt__page_city_map(cairo_t *cr, const qt__report *R)
{
    const qt_analysis *a = R->a;
    const qt_residence_list *res = R->in->residences;
    double lonmin = 180, lonmax = -180, latmin = 90, latmax = -90, mx = 40, my = 70, mw = QT__PAGE_W - 80,
           mh = QT__PAGE_H - 120;
    size_t i, n = qt__report_ncircles(R), maxr = 0, hulls = 0;
    qt__map_view v;
    pt *pts, *work, *h;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    qt__text(cr, FB(16), "全市生活圈分布 (按等级着色)", mx, 24, mw, 0);
    for (i = 0; i < res->n; i++) {
        if (!a->res_placed[i])
            continue;
        lonmin = fmin(lonmin, res->lon[i]);
        lonmax = fmax(lonmax, res->lon[i]);
        latmin = fmin(latmin, res->lat[i]);
        latmax = fmax(latmax, res->lat[i]);
    }
    if (lonmin > lonmax) {
        footer(cr, R);
        return;
    }
    {
        double pl = (lonmax - lonmin) * 0.05 + 0.002, pa = (latmax - latmin) * 0.05 + 0.002;
        qt__map_view_fit(&v, lonmin - pl, latmin - pa, lonmax + pl, latmax + pa, mx, my, mw, mh);
    }
    qt__map_streets(cr, &v, R->in->graph, R->streets, 0.3, 0.6, 0.6, 0.6);
    for (i = 0; i < n; i++)
        if (R->circle_res_start[i + 1] - R->circle_res_start[i] > maxr)
            maxr = R->circle_res_start[i + 1] - R->circle_res_start[i];
    pts = qt__malloc((maxr + 1) * sizeof *pts);
    work = qt__malloc((4 * maxr + 4) * sizeof *work);
    h = qt__malloc((8 * maxr + 8) * sizeof *h);
    if (pts && work && h) {
        for (i = 0; i < n; i++) {
            size_t k, np = 0, nh;
            double cx = 0, cy = 0;
            for (k = R->circle_res_start[i]; k < R->circle_res_start[i + 1]; k++) {
                size_t ri = R->circle_res[k];
                qt__map_xy(&v, res->lon[ri], res->lat[ri], &pts[np].x, &pts[np].y);
                cx += pts[np].x;
                cy += pts[np].y;
                np++;
            }
            if (!np)
                continue;
            grade_rgb(cr, qt__report_circle_stats(R, i)->grade, 0.55);
            if (a->ncircles && R->bounds->circle[i]) { /* its boundary */
                geom_path(cr, &v, R->bounds->circle[i]);
            } else {
                nh = padded_hull(pts, np, 2, work, h);
                hull_path(cr, h, nh);
                hulls++;
            }
            cairo_fill_preserve(cr);
            rgb(cr, QT__RGB_BOUNDARY);
            cairo_set_line_width(cr, 0.6);
            cairo_stroke(cr);
            if (n <= 300) {
                char lab[24];
                snprintf(lab, sizeof lab, "%zu", i + 1);
                cairo_set_source_rgb(cr, 0, 0, 0);
                qt__text(cr, F(6.5), lab, cx / np - 10, cy / np - 5, 20, 1);
            }
        }
    }
    qt__free(pts);
    qt__free(work);
    qt__free(h);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, mx, my, mw, mh);
    cairo_stroke(cr);
    qt__map_north_arrow(cr, mx + 24, my + 14, 22);
    qt__map_scale_bar(cr, &v, mx + 14, my + mh - 16, F(7.5));
    {
        size_t ng = qt_profile_grade_count(R->in->profile), k;
        double lx = mx + mw - 170, ly = my + 10;
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_rectangle(cr, lx - 6, ly - 4, 170, 16.0 * (double)(ng + 2 + (hulls > 0)) + 4);
        cairo_fill(cr);
        if (hulls) { /* circles without a boundary of their communities */
            char note[96];
            if (hulls == n)
                snprintf(note, sizeof note, "范围为小区外包线");
            else
                snprintf(note, sizeof note, "%zu 个生活圈范围为小区外包线", hulls);
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
            qt__text(cr, F(7.5), note, lx, ly + 16 * (double)(ng + 2), 160, 0);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        qt__text(cr, FB(8), "等级 (数字为一览表序号)", lx, ly, 160, 0);
        for (k = 0; k <= ng; k++) {
            grade_rgb(cr, (int)k - 1, 0.8);
            cairo_rectangle(cr, lx, ly + 16 * (double)(k + 1), 12, 10);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            qt__text(cr, F(8), qt__grade_name(R->in->profile, (int)k - 1), lx + 16, ly + 16 * (double)(k + 1) - 2, 90, 0);
        }
    }
    footer(cr, R);
}

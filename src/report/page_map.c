/* SPDX-License-Identifier: MIT */
/*
 * page_map.c -- a circle's map on its 一图一清单 (report/page_internal.h): the
 * 5/10/15-minute walk along the streets, the streets, 盲区, residences, the
 * communities and the circle by their boundaries (the residences' outline
 * where none is given, marked in the legend), outlets, sites, the centre,
 * north arrow, scale bar and the legend of what is drawn.
 */
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "report/page_internal.h"

/* ---- a circle's page --------------------------------------------------------------- */

typedef struct page_ctx {
    cairo_t *cr;
    const qt__report *R;
    qt_search *ws;
    const qt__map_view *v;
    double limit_m;
    uint32_t *drawn; /* per category: outlets drawn */
    int band;        /* walking-area band being stroked: 0 (15 min) .. 2 (5 min) */
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
    qt__pg_symbol(c->cr, c->R->in->profile, (size_t)ol->category[i], x, y, 3.2);
    c->drawn[ol->category[i]]++;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* The map's extent: the circle's residences (and their population-weighted
 * centre), its boundary, and the 15-minute walk from the centre (searched in
 * ws; *reached when it ran). */
typedef struct extent {
    double lonmin, lonmax, latmin, latmax, sx, sy, sp;
} extent;

static void grow(extent *e, double lon, double lat)
{
    e->lonmin = fmin(e->lonmin, lon);
    e->lonmax = fmax(e->lonmax, lon);
    e->latmin = fmin(e->latmin, lat);
    e->latmax = fmax(e->latmax, lat);
}

static void circle_extent(const qt__report *R, qt_search *ws, size_t ci, OGRGeometryH cgeom, double limit_m, extent *e,
                          int *reached)
{
    const qt_residence_list *res = R->in->residences;
    size_t i, r0 = R->circle_res_start[ci], r1 = R->circle_res_start[ci + 1];
    qt_snap sn;
    qt_seed seeds[2];
    size_t ns;
    e->lonmin = 180, e->lonmax = -180, e->latmin = 90, e->latmax = -90, e->sx = e->sy = e->sp = 0;
    *reached = 0;
    for (i = r0; i < r1; i++) {
        size_t k = R->circle_res[i];
        double w = res->population[k] > 0 ? res->population[k] : 1;
        grow(e, res->lon[k], res->lat[k]);
        e->sx += w * res->lon[k];
        e->sy += w * res->lat[k];
        e->sp += w;
    }
    if (cgeom) { /* the circle's boundary is on the map */
        OGREnvelope b;
        OGR_G_GetEnvelope(cgeom, &b);
        grow(e, b.MinX, b.MinY);
        grow(e, b.MaxX, b.MaxY);
    }
    /* the walking area from the circle's centre (population-weighted) */
    if (qt_snapper_snap(R->snapper, e->sx / e->sp, e->sy / e->sp, QT_SNAP_NODE, 1000, &sn, NULL) == QT_OK &&
        (ns = qt_snap_seeds(R->in->graph, &sn, QT_SNAP_NODE, seeds)) > 0 &&
        qt_search_run(ws, seeds, ns, limit_m, 0, NULL) == QT_OK) {
        const uint32_t *nodes;
        size_t nr = qt_search_reached(ws, &nodes), k;
        *reached = 1;
        for (k = 0; k < nr; k++) {
            double lon, lat;
            if (!(qt_search_dist(ws, nodes[k]) <= limit_m))
                continue;
            qt_graph_node_coord(R->in->graph, nodes[k], &lon, &lat);
            grow(e, lon, lat);
        }
    }
}

/* 盲区: cells where residents lack a required basic 业态 within its ring
 * (cells: scratch for the circle's residences). */
static void draw_blindspots(cairo_t *cr, const qt__report *R, size_t ci, const qt__map_view *v, const extent *e,
                            int64_t *cells)
{
    const qt_analysis *a = R->a;
    const qt_residence_list *res = R->in->residences;
    const qt_profile *p = R->in->profile;
    double cell = R->blind_cell_m;
    double dlat = cell / M_PER_DEG, dlon = cell / (M_PER_DEG * cos(v->lat0 * DEG2RAD));
    size_t m = 0, k, i, c;
    for (i = R->circle_res_start[ci]; i < R->circle_res_start[ci + 1]; i++) {
        size_t ri = R->circle_res[i];
        int blind = 0;
        for (c = 0; c < a->ncat && !blind; c++) {
            const qt_category *kc = qt_profile_category(p, c);
            blind = kc->cls == QT_CLASS_BASIC && kc->required && !(a->minutes[ri * a->ncat + c] <= kc->ring_min);
        }
        if (blind)
            cells[m++] = (int64_t)floor((res->lat[ri] - e->latmin) / dlat) * 1000000 +
                         (int64_t)floor((res->lon[ri] - e->lonmin) / dlon);
    }
    qsort(cells, m, sizeof *cells, cmp_i64);
    qt__pg_rgba(cr, QT__RGB_BLIND, 0.55);
    for (k = 0; k < m; k++) {
        double x0, y0, x1, y1, clon, clat;
        if (k && cells[k] == cells[k - 1])
            continue;
        clat = e->latmin + (double)(cells[k] / 1000000) * dlat;
        clon = e->lonmin + (double)(cells[k] % 1000000) * dlon;
        qt__map_xy(v, clon, clat, &x0, &y0);
        qt__map_xy(v, clon + dlon, clat + dlat, &x1, &y1);
        cairo_rectangle(cr, x0, y1, x1 - x0, y0 - y1);
    }
    cairo_fill(cr);
}

/* Scratch for outlines: the residences' points, the hull's work space and the hull. */
typedef struct hull_buf {
    pt *pts, *work, *h;
} hull_buf;

/* The circle's communities, dashed: their polygon or grid cell, else the
 * hull of their residences (*hulled); named when there are 16 or fewer. */
static void draw_communities(cairo_t *cr, const qt__report *R, size_t ci, const qt__map_view *v, hull_buf *hb,
                             int *hulled)
{
    const qt_analysis *a = R->a;
    const qt_residence_list *res = R->in->residences;
    size_t r0 = R->circle_res_start[ci], r1 = R->circle_res_start[ci + 1], m, i, nh;
    size_t ncomm = a->circle_start[ci + 1] - a->circle_start[ci];
    double dash[2] = {4, 3};
    for (m = a->circle_start[ci]; m < a->circle_start[ci + 1]; m++) {
        uint32_t com = a->circle_member[m];
        size_t np = 0;
        double cx = 0, cy = 0;
        for (i = r0; i < r1; i++) {
            size_t ri = R->circle_res[i];
            if (a->res_community[ri] != com)
                continue;
            qt__map_xy(v, res->lon[ri], res->lat[ri], &hb->pts[np].x, &hb->pts[np].y);
            cx += hb->pts[np].x;
            cy += hb->pts[np].y;
            np++;
        }
        if (com < R->bounds->n && R->bounds->geom[com]) { /* its polygon or grid cell */
            OGRGeometryH cg = R->bounds->geom[com];
            if (!np) { /* the label in the middle of its polygon */
                OGREnvelope e;
                OGR_G_GetEnvelope(cg, &e);
                qt__map_xy(v, (e.MinX + e.MaxX) / 2, (e.MinY + e.MaxY) / 2, &cx, &cy);
                np = 1;
            }
            cairo_set_dash(cr, dash, 2, 0);
            cairo_set_line_width(cr, 1);
            qt__pg_rgb(cr, 0x55, 0x55, 0x99);
            qt__pg_geom_path(cr, v, cg);
            cairo_stroke(cr);
        } else {
            if (!np)
                continue;
            *hulled = 1;
            nh = qt__pg_padded_hull(hb->pts, np, 4, hb->work, hb->h);
            cairo_set_dash(cr, dash, 2, 0);
            cairo_set_line_width(cr, 1);
            qt__pg_rgb(cr, 0x55, 0x55, 0x99);
            qt__pg_hull_path(cr, hb->h, nh);
            cairo_stroke(cr);
        }
        cairo_set_dash(cr, NULL, 0, 0);
        if (ncomm <= 16) {
            const char *nm = a->community[com];
            qt__pg_rgba(cr, 0xFF, 0xFF, 0xFF, 0.75);
            cairo_rectangle(cr, cx / np - 40, cy / np - 7, 80, 13);
            cairo_fill(cr);
            qt__pg_rgb(cr, 0x33, 0x33, 0x77);
            qt__text(cr, F(7), nm, cx / np - 40, cy / np - 7, 80, 1);
        }
    }
}

/* The circle, bold: the union of its communities' boundaries, else the hull of its residences (*hulled). */
static void draw_circle_outline(cairo_t *cr, const qt__report *R, size_t ci, const qt__map_view *v, OGRGeometryH cgeom,
                                hull_buf *hb, int *hulled)
{
    const qt_residence_list *res = R->in->residences;
    size_t np = 0, i;
    for (i = R->circle_res_start[ci]; i < R->circle_res_start[ci + 1]; i++) {
        size_t ri = R->circle_res[i];
        qt__map_xy(v, res->lon[ri], res->lat[ri], &hb->pts[np].x, &hb->pts[np].y);
        np++;
    }
    qt__pg_rgb(cr, QT__RGB_BOUNDARY);
    cairo_set_line_width(cr, 2.6);
    if (cgeom) {
        qt__pg_geom_path(cr, v, cgeom);
    } else {
        *hulled = 1;
        qt__pg_hull_path(cr, hb->h, qt__pg_padded_hull(hb->pts, np, 8, hb->work, hb->h));
    }
    cairo_stroke(cr);
}

/* The recommended sites of the 项目清单 in this circle, numbered. */
static void draw_sites(cairo_t *cr, const qt__report *R, size_t ci, const qt__map_view *v)
{
    size_t s, num = 0;
    for (s = 0; R->sites && s < R->sites->n; s++) {
        double x, y;
        char lab[24];
        if (R->site_circle[s] != ci)
            continue;
        num++;
        qt__map_xy(v, R->sites->lon[s], R->sites->lat[s], &x, &y);
        cairo_arc(cr, x, y, 8, 0, 2 * PI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 1.5);
        cairo_stroke_preserve(cr);
        qt__pg_rgb(cr, QT__RGB_SITE);
        cairo_fill(cr);
        snprintf(lab, sizeof lab, "%zu", num);
        cairo_set_source_rgb(cr, 1, 1, 1);
        qt__text(cr, FB(8), lab, x - 8, y - 6.5, 16, 1);
    }
}

/* One legend entry's symbol at (x, y): the fixed entries' lines, swatch, dot or disc. */
static void legend_symbol(cairo_t *cr, size_t k, double x, double y)
{
    static const unsigned char rgb[6][3] = {
        {0}, {0x55, 0x55, 0x99}, {0}, {0x5A, 0xAE, 0x61}, {0xA6, 0xDB, 0xA0}, {0xD9, 0xF0, 0xD3}};
    static const double width[6] = {2.6, 1, 0.8, 5, 5, 5};
    if (k <= 5) {
        if (k == 0)
            qt__pg_rgb(cr, QT__RGB_BOUNDARY);
        else if (k == 2)
            qt__pg_rgb(cr, QT__RGB_STREET);
        else
            qt__pg_rgb(cr, rgb[k][0], rgb[k][1], rgb[k][2]);
        cairo_set_line_width(cr, width[k]);
        cairo_move_to(cr, x, y + 6);
        cairo_line_to(cr, x + 14, y + 6);
        cairo_stroke(cr);
    } else if (k == 6) {
        qt__pg_rgba(cr, QT__RGB_BLIND, 0.55);
        cairo_rectangle(cr, x + 2, y + 1, 10, 10);
        cairo_fill(cr);
    } else if (k == 7) {
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        cairo_rectangle(cr, x + 6, y + 5, 2, 2);
        cairo_fill(cr);
    } else {
        qt__pg_rgb(cr, QT__RGB_SITE);
        cairo_arc(cr, x + 7, y + 6, 5, 0, 2 * PI);
        cairo_fill(cr);
    }
}

/* The legend below the map: the fixed entries (a note when an outline stands
 * for a boundary), then each 业态 drawn, up to six rows in all. */
static void draw_legend(cairo_t *cr, const qt__report *R, const uint32_t *drawn, int hull_circle, int hull_com)
{
    const qt_analysis *a = R->a;
    const qt_profile *p = R->in->profile;
    const char *const fixed[] = {hull_circle ? "生活圈范围 *" : "生活圈范围",
                                 hull_com ? "社区范围 *" : "社区范围",
                                 "街道",
                                 "5 分钟步行",
                                 "10 分钟步行",
                                 "15 分钟步行",
                                 "盲区(缺基本保障类业态)",
                                 "居住点",
                                 "推荐选址(编号)"};
    double ly = QT__MAP_Y + QT__MAP_H + 8, colw = QT__MAP_W / 5, x, y;
    size_t slot, k, c;
    cairo_set_source_rgb(cr, 0, 0, 0);
    qt__text(cr, FB(8.5), "图例", QT__MAP_X, ly, 0, 0);
    for (k = 0; k < sizeof fixed / sizeof fixed[0]; k++) {
        x = QT__MAP_X + 30 + (double)(k % 5) * colw;
        y = ly + (double)(k / 5) * 13;
        legend_symbol(cr, k, x, y);
        cairo_set_source_rgb(cr, 0, 0, 0);
        qt__text(cr, F(7), fixed[k], x + 18, y, colw - 20, 0);
    }
    if (hull_circle || hull_com) { /* slot 9: where no boundary is given */
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        qt__text(cr, F(7), "* 范围为小区外包线", QT__MAP_X + 30 + 4 * colw, ly + 13, colw - 4, 0);
    }
    slot = 10;
    for (c = 0; drawn && c < a->ncat; c++) {
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
        qt__pg_symbol(cr, p, c, x + 7, y + 6, 3.6);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(lab, sizeof lab, "%s %s", kc->cls == QT_CLASS_BASIC ? "基本" : "品质", kc->zh);
        qt__text(cr, F(7), lab, x + 16, y, colw - 18, 0);
        slot++;
    }
}

/* The map's contents, clipped to its box: the walk, streets, 盲区,
 * residences, boundaries, outlets, sites and the centre. */
static void draw_contents(cairo_t *cr, const qt__report *R, size_t ci, const qt__map_view *v, const extent *e,
                          int reached, page_ctx *pc, int *hull_circle, int *hull_com)
{
    const qt_residence_list *res = R->in->residences;
    OGRGeometryH cgeom = R->a->ncircles ? R->bounds->circle[ci] : NULL;
    size_t i, n = R->circle_res_start[ci + 1] - R->circle_res_start[ci];
    hull_buf hb;
    int64_t *cells;
    /* 5/10/15-minute walking area, along the streets */
    if (reached) {
        static const unsigned char band[3][3] = {{0xD9, 0xF0, 0xD3}, {0xA6, 0xDB, 0xA0}, {0x5A, 0xAE, 0x61}};
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        for (pc->band = 0; pc->band < 3; pc->band++) {
            qt__pg_rgb(cr, band[pc->band][0], band[pc->band][1], band[pc->band][2]);
            cairo_set_line_width(cr, 9 - 2 * pc->band);
            qt__street_index_visit(R->streets, v->lonmin, v->latmin, v->lonmax, v->latmax, walk_edge, pc);
            cairo_stroke(cr);
        }
    }
    qt__map_streets(cr, v, R->in->graph, R->streets, 0.7, 0x80 / 255.0, 0x80 / 255.0, 0x80 / 255.0);
    hb.pts = qt__malloc((n + 1) * sizeof *hb.pts);
    hb.work = qt__malloc((4 * n + 4) * sizeof *hb.work);
    hb.h = qt__malloc((8 * n + 8) * sizeof *hb.h);
    cells = qt__malloc((n + 1) * sizeof *cells);
    if (hb.pts && hb.work && hb.h && cells) {
        draw_blindspots(cr, R, ci, v, e, cells);
        /* residences */
        cairo_set_source_rgba(cr, 0.25, 0.25, 0.25, 0.8);
        for (i = R->circle_res_start[ci]; i < R->circle_res_start[ci + 1]; i++) {
            size_t ri = R->circle_res[i];
            double x, y;
            qt__map_xy(v, res->lon[ri], res->lat[ri], &x, &y);
            cairo_rectangle(cr, x - 0.9, y - 0.9, 1.8, 1.8);
        }
        cairo_fill(cr);
        if (R->a->ncircles)
            draw_communities(cr, R, ci, v, &hb, hull_com);
        draw_circle_outline(cr, R, ci, v, cgeom, &hb, hull_circle);
        qt__pgrid_visit(&R->outlets, R->in->outlets->lon, R->in->outlets->lat, v->lonmin, v->latmin, v->lonmax,
                        v->latmax, draw_outlet, pc);
        draw_sites(cr, R, ci, v);
        if (reached) { /* the centre */
            double x, y;
            qt__map_xy(v, e->sx / e->sp, e->sy / e->sp, &x, &y);
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
        qt__map_scale_bar(cr, v, QT__MAP_X + 14, QT__MAP_Y + QT__MAP_H - 16, F(7.5));
    }
    qt__free(hb.pts);
    qt__free(hb.work);
    qt__free(hb.h);
    qt__free(cells);
}

void qt__pg_map_circle(cairo_t *cr, const qt__report *R, qt_search *ws, size_t ci)
{
    const qt_analysis *a = R->a;
    size_t n = R->circle_res_start[ci + 1] - R->circle_res_start[ci];
    double limit_m = 15 * 60 * a->speed_mps;
    qt__map_view v;
    page_ctx pc;
    extent e;
    uint32_t *drawn = qt__calloc(a->ncat + 1, sizeof *drawn);
    int reached = 0, hull_com = 0, hull_circle = 0; /* outlined by its residences: no boundary given */
    cairo_save(cr);
    qt__pg_rgb(cr, 0xFA, 0xFA, 0xF7);
    cairo_rectangle(cr, QT__MAP_X, QT__MAP_Y, QT__MAP_W, QT__MAP_H);
    cairo_fill(cr);
    if (!drawn || n == 0) {
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        qt__text(cr, F(14), "本生活圈没有可定位的居住点, 无法绘图", QT__MAP_X, QT__MAP_Y + QT__MAP_H / 2 - 10,
                 QT__MAP_W, 1);
    } else {
        double pl, pa;
        circle_extent(R, ws, ci, a->ncircles ? R->bounds->circle[ci] : NULL, limit_m, &e, &reached);
        pl = (e.lonmax - e.lonmin) * 0.06 + 0.001, pa = (e.latmax - e.latmin) * 0.06 + 0.001;
        qt__map_view_fit(&v, e.lonmin - pl, e.latmin - pa, e.lonmax + pl, e.latmax + pa, QT__MAP_X, QT__MAP_Y,
                         QT__MAP_W, QT__MAP_H);
        cairo_rectangle(cr, QT__MAP_X, QT__MAP_Y, QT__MAP_W, QT__MAP_H);
        cairo_clip(cr);
        memset(&pc, 0, sizeof pc);
        pc.cr = cr;
        pc.R = R;
        pc.ws = ws;
        pc.v = &v;
        pc.limit_m = limit_m;
        pc.drawn = drawn;
        draw_contents(cr, R, ci, &v, &e, reached, &pc, &hull_circle, &hull_com);
    }
    cairo_reset_clip(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, QT__MAP_X, QT__MAP_Y, QT__MAP_W, QT__MAP_H);
    cairo_stroke(cr);
    draw_legend(cr, R, drawn, hull_circle, hull_com);
    qt__free(drawn);
    cairo_restore(cr);
}

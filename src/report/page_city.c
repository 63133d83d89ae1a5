/* SPDX-License-Identifier: MIT */
/*
 * page_city.c -- the city report's own pages (report/report_internal.h): the cover,
 * the table of circles and the city map, each circle by its boundary (the
 * outline of its residences where none is given, said in the legend).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "report/page_internal.h"

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
    qt__pg_rgb(cr, QT__RGB_BOUNDARY);
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
             "全市 %zu 个生活圈, %zu 个社区, 居民 %.0f 人; 计入业态网点 %zu 个。基本保障类业态全部在步行时限内的居民占 "
             "%.1f%%。全市等级: %s。",
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
        qt__pg_grade_rgb(cr, g, 1);
        cairo_rectangle(cr, 160, y, 18, 18);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(buf, sizeof buf, "%s: %zu 个", qt__grade_name(p, g), cnt);
        qt__text(cr, F(12), buf, 186, y - 1, 400, 0);
        y += 26;
    }
    y += 20;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    snprintf(
        buf, sizeof buf,
        "本报告: 生活圈一览表, 全市地图, 然后每个生活圈一页 (一图一清单: "
        "地图、业态网点、等级与理由、指标、需求清单、项目清单)。"
        "同一文件夹中: 调查表.xlsx (试点便民生活圈建设情况调查表), indicators.xlsx, analysis.gpkg (可用 QGIS 打开)。");
    qt__text(cr, F(11), buf, 160, y, QT__PAGE_W - 320, 0);
    qt__pg_footer(cr, R);
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
    y += qt__pg_row(cr, FB(10), x + cx[2], y,
                    (const double[]){0, cx[3] - cx[2], cx[4] - cx[2], cx[5] - cx[2], cx[6] - cx[2], cx[7] - cx[2]},
                    hdr + 2, 6, w - cx[2]) +
         3;
    qt__pg_hline(cr, x, x + w, y, 0.8);
    y += 3;
    for (i = page * TABLE_ROWS; i < n && i < (page + 1) * TABLE_ROWS; i++) {
        const qt_area_stats *s = qt__report_circle_stats(R, i);
        char c0[24], c3[32], c4[32], c5[32], c6[48], c7[32];
        const char *cells[8];
        snprintf(c0, sizeof c0, "%zu", i + 1);
        snprintf(c3, sizeof c3, "%d/%d", s->basic_present, s->basic_required);
        snprintf(c4, sizeof c4, "%d/%d", s->quality_present, s->quality_total);
        qt__pg_pct(c5, sizeof c5, s->all_basic);
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
        qt__pg_grade_rgb(cr, s->grade, 0.5);
        cairo_rectangle(cr, x + cx[2] - 2, y - 1, cx[3] - cx[2] - 2, 16);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        {
            /* the name left-aligned, the rest right-aligned */
            double h = qt__text(cr, F(9.5), cells[0], x, y, cx[1] - 4, 0);
            qt__text(cr, F(9.5), cells[1], x + cx[1], y, cx[2] - cx[1] - 6, 0);
            qt__pg_row(cr, F(9.5), x + cx[2], y,
                       (const double[]){0, cx[3] - cx[2], cx[4] - cx[2], cx[5] - cx[2], cx[6] - cx[2], cx[7] - cx[2]},
                       cells + 2, 6, w - cx[2]);
            y += (h > 15 ? h : 15) + 2;
        }
        qt__pg_hline(cr, x, x + w, y - 1, 0.3);
    }
    qt__pg_footer(cr, R);
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
        qt__pg_footer(cr, R);
        return;
    }
    {
        double pl = (lonmax - lonmin) * 0.05 + 0.002, pa = (latmax - latmin) * 0.05 + 0.002;
        qt__map_view_fit(&v, lonmin - pl, latmin - pa, lonmax + pl, latmax + pa, mx, my, mw, mh);
    }
    /* a city of more than 50,000 streets: its streets as one image (lines would be megabytes, slow to write) */
    if (qt_graph_edge_count(R->in->graph) > 50000)
        qt__map_streets_raster(cr, &v, R->in->graph, R->streets, 0.3, 200, 0.6, 0.6, 0.6);
    else
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
            qt__pg_grade_rgb(cr, qt__report_circle_stats(R, i)->grade, 0.55);
            if (a->ncircles && R->bounds->circle[i]) { /* its boundary */
                qt__pg_geom_path(cr, &v, R->bounds->circle[i]);
            } else {
                nh = qt__pg_padded_hull(pts, np, 2, work, h);
                qt__pg_hull_path(cr, h, nh);
                hulls++;
            }
            cairo_fill_preserve(cr);
            qt__pg_rgb(cr, QT__RGB_BOUNDARY);
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
            qt__pg_grade_rgb(cr, (int)k - 1, 0.8);
            cairo_rectangle(cr, lx, ly + 16 * (double)(k + 1), 12, 10);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            qt__text(cr, F(8), qt__grade_name(R->in->profile, (int)k - 1), lx + 16, ly + 16 * (double)(k + 1) - 2, 90,
                     0);
        }
    }
    qt__pg_footer(cr, R);
}

/* SPDX-License-Identifier: MIT */
/*
 * page_circle.c -- a circle's 一图一清单 on one A3 landscape page (report/report_internal.h):
 * the title and grade, the map (page_map.c), and the lists: outlets per
 * 业态 with chains and staff, the grade and why, the indicators against
 * their targets, the 需求清单 and the 项目清单.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "report/page_internal.h"

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
#define IND(name, val, tgt, isna, fmt_pct)                                                                             \
    do {                                                                                                               \
        names[n] = (name);                                                                                             \
        vals[n] = (val);                                                                                               \
        tgts[n] = (tgt);                                                                                               \
        na[n] = (isna);                                                                                                \
        if (fmt_pct) {                                                                                                 \
            qt__pg_pct(v[n], sizeof v[n], vals[n]);                                                                    \
            qt__pg_pct(tg[n], sizeof tg[n], tgts[n]);                                                                  \
        } else {                                                                                                       \
            snprintf(v[n], sizeof v[n], isfinite(vals[n]) ? "%.1f" : "—", vals[n]);                                    \
            snprintf(tg[n], sizeof tg[n], isfinite(tgts[n]) ? "%.1f" : "—", tgts[n]);                                  \
        }                                                                                                              \
        n++;                                                                                                           \
    } while (0)
    IND("基本保障类业态全覆盖的居民", s->all_basic, t->residents_all_basic, 0, 1);
    IND("覆盖的社区", s->communities ? (double)s->communities_covered / s->communities : NAN, t->communities_covered, 0,
        1);
    IND("每万人网点数", s->population > 0 ? s->outlets / s->population * 1e4 : NAN, t->outlets_per_10k, 0, 0);
    IND("品牌连锁化率", s->outlets ? (double)s->chain_outlets / s->outlets : NAN, t->chain_share, !a->chain_known, 1);
    IND("商业设施面积占比",
        s->residential_area > 0 && s->outlets_with_area ? s->outlet_area / s->residential_area : NAN,
        t->floor_area_share, !a->area_known, 1);
    IND("每百户商业面积(m²)", s->households > 0 && s->outlets_with_area ? s->outlet_area / s->households * 100 : NAN,
        t->area_per_100_households, !a->area_known, 0);
    IND("居民满意度", s->survey_answers ? (double)s->survey_satisfied / s->survey_answers : NAN, t->satisfaction,
        s->survey_answers < t->survey_min_samples, 1);
#undef IND
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    y += qt__pg_row(cr, FB(7.5), x, y, cx, hdr, 4, w) + 2;
    qt__pg_hline(cr, x, x + w, y, 0.5);
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
            qt__pg_rgb(cr, 0x1A, 0x80, 0x40);
        else if (met == 0)
            qt__pg_rgb(cr, 0xC0, 0x20, 0x20);
        else
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        qt__text(cr, F(7.5), cells[3], x + cx[3], y, w - cx[3], 2);
        cairo_set_source_rgb(cr, 0, 0, 0);
        y += qt__pg_row(cr, F(7.5), x, y, cx, cells, 3, cx[3]) + 1.5;
    }
    return y;
}

/* The page's title, subtitle and grade badge. */
static void page_head(cairo_t *cr, const qt__report *R, const qt_area_stats *s, size_t ci)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s 一刻钟便民生活圈 · 一图一清单", qt__report_circle_name(R, ci));
    cairo_set_source_rgb(cr, 0, 0, 0);
    qt__text(cr, FB(18), buf, 28, 22, 760, 0);
    snprintf(buf, sizeof buf, "%s   步行 %.1f 千米/时   %s", R->o->project ? R->o->project : "", R->a->speed_mps * 3.6,
             R->date);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    qt__text(cr, F(9), buf, 28, 52, 640, 0);
    qt__pg_grade_rgb(cr, s->grade, 1);
    cairo_rectangle(cr, QT__PAGE_W - 28 - 150, 20, 150, 44);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(buf, sizeof buf, "等级: %s", qt__grade_name(R->in->profile, s->grade));
    qt__text(cr, FB(16), buf, QT__PAGE_W - 28 - 150, 29, 150, 1);
}

/* Column 1, the outlets by 业态: count, chain, staff, coverage and whether it is present. */
static void outlets_column(cairo_t *cr, const qt__report *R, const qt_area_stats *s, size_t ci, double x1, double w1)
{
    static const double cx[] = {0, 86, 110, 134, 162, 212};
    const char *hdr[] = {"业态", "网点", "连锁", "从业", "覆盖", "达标"};
    const qt_analysis *a = R->a;
    const qt_profile *p = R->in->profile;
    const qt__counts *cn = R->counts;
    const qt_targets *t = qt_profile_targets(p);
    size_t area = a->ncircles ? ci : a->ncircles, c;
    double y = QT__MAP_Y;
    char buf[1024];
    y += qt__pg_heading(cr, "业态网点清单", x1, y, w1);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    y += qt__pg_row(cr, FB(7), x1, y, cx, hdr, 6, w1) + 1;
    qt__pg_hline(cr, x1, x1 + w1, y, 0.5);
    y += 1.5;
    for (c = 0; c < a->ncat; c++) {
        const qt_category *kc = qt_profile_category(p, c);
        size_t j = area * a->ncat + c;
        char nb[16], chb[16], stb[16], cov[16], name[96];
        const char *cells[6];
        int present = s->coverage[c] >= t->present_share;
        double hh, cx2[5] = {8, cx[1], cx[2], cx[3], cx[4]};
        if (c && kc->cls != qt_profile_category(p, c - 1)->cls) {
            qt__pg_hline(cr, x1, x1 + w1, y + 0.5, 0.4);
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
        qt__pg_pct(cov, sizeof cov, s->coverage[c]);
        cells[0] = name;
        cells[1] = nb;
        cells[2] = chb;
        cells[3] = stb;
        cells[4] = cov;
        qt__pg_symbol(cr, p, c, x1 + 3, y + 6, 2.8);
        cairo_set_source_rgb(cr, 0, 0, 0);
        hh = qt__pg_row(cr, F(7), x1, y, cx2, cells, 5, cx[5]);
        if (present)
            qt__pg_rgb(cr, 0x1A, 0x80, 0x40);
        else
            qt__pg_rgb(cr, 0xC0, 0x20, 0x20);
        qt__text(cr, F(7), present ? "是" : "否", x1 + cx[5], y, w1 - cx[5], 2);
        y += hh + 0.6;
    }
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    snprintf(buf, sizeof buf,
             "覆盖: 在本业态步行时限内的居民占比; 达标: 覆盖 ≥ %.0f%%。基本保障类 %d/%d 项达标, 品质提升类 %d/%d 项。",
             100 * t->present_share, s->basic_present, s->basic_required, s->quality_present, s->quality_total);
    qt__text(cr, F(6.5), buf, x1, y + 3, w1, 0);
}

/* The 需求清单: every 业态 the circle lacks, most unserved first: missing ones (below present_share),
 * then partial, basic before quality.  Returns the new y. */
static double needs_list(cairo_t *cr, const qt__report *R, const qt_area_stats *s, double x2, double y, double w2)
{
    const qt_analysis *a = R->a;
    const qt_profile *p = R->in->profile;
    const qt_targets *t = qt_profile_targets(p);
    qt__need *nd = qt__malloc((a->ncat + 1) * sizeof *nd);
    size_t nn = nd ? qt__needs_of(a, s, nd) : 0, k;
    char buf[1024];
    int pass, cls;
    if (!nn) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        y += qt__text(cr, F(7.5), "每个业态都在步行时限内覆盖了全部居民。", x2, y, w2, 0) + 4;
    }
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
                qt__pg_rgb(cr, 0xA0, 0x10, 0x10);
            else
                cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
            y += qt__text(cr, F(7), buf, x2, y, w2, 0) + 3;
        }
    if (nn) {
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        y += qt__text(cr, F(6.5), "人数为步行时限内够不到该业态的居民; 缺: 覆盖不足一半; 明细见分析结果 demand.csv。",
                      x2, y, w2, 0);
    }
    qt__free(nd);
    return y;
}

/* The 项目清单: the recommended sites in the circle, numbered as on the map. */
static void sites_list(cairo_t *cr, const qt__report *R, size_t ci, double x2, double y, double w2)
{
    const qt_profile *p = R->in->profile;
    size_t num = 0, sidx;
    char buf[1024];
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
        qt__pg_rgb(cr, QT__RGB_SITE);
        cairo_arc(cr, x2 + 4, y + 6, 3.5, 0, 2 * PI);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        y += qt__text(cr, F(7), buf, x2 + 10, y, w2 - 10, 0) + 1;
    }
    if (!num) {
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        qt__text(cr, F(7), R->sites ? "本生活圈没有推荐选址。" : "未给出选址: 用 quarter site 求出后以 --sites 传入。",
                 x2, y, w2, 0);
    }
}

void qt__page_circle(cairo_t *cr, const qt__report *R, qt_search *ws, size_t ci)
{
    const qt_profile *p = R->in->profile;
    const qt_area_stats *s = qt__report_circle_stats(R, ci);
    double x1 = 672, w1 = 238, x2 = 924, w2 = 238, y;
    char buf[1024];

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    page_head(cr, R, s, ci);
    qt__pg_map_circle(cr, R, ws, ci);
    outlets_column(cr, R, s, ci, x1, w1);
    /* column 2: grade, indicators, 需求清单, 项目清单 */
    y = QT__MAP_Y;
    y += qt__pg_heading(cr, "等级与理由", x2, y, w2);
    cairo_set_source_rgb(cr, 0, 0, 0);
    {
        char *why = qt_grade_reasons(s, p, QT_REASONS_TEXT); /* NULL (no memory): the grade alone */
        snprintf(buf, sizeof buf, "%s。人口 %.0f 人, 居住点 %u 个, 社区 %u 个。",
                 why ? why : qt__grade_name(p, s->grade), s->population, s->residences, s->communities);
        free(why);
    }
    y += qt__text(cr, F(7), buf, x2, y, w2, 0) + 6;
    y += qt__pg_heading(cr, "指标与目标", x2, y, w2);
    y = indicators_table(cr, R, s, x2, y, w2) + 6;
    y += qt__pg_heading(cr, "需求清单 (缺什么)", x2, y, w2);
    y = needs_list(cr, R, s, x2, y, w2) + 6;
    y += qt__pg_heading(cr, "项目清单 (推荐选址)", x2, y, w2);
    sites_list(cr, R, ci, x2, y, w2);
    qt__pg_footer(cr, R);
}

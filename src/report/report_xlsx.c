/* SPDX-License-Identifier: MIT */
/*
 * report_xlsx.c -- the Excel files of a report with libxlsxwriter:
 * 调查表.xlsx in the layout of Tianshui's 附件5 (试点便民生活圈建设情况调查表:
 * the header block, then one row per 业态 of its basic and quality lists with
 * 网点数量 / 从业人数(万人) / 品牌连锁店数量 / 居民满意度(%) / 需求清单), a
 * summary sheet for the city and one sheet per circle; and indicators.xlsx,
 * one row per area and one column per indicator with its target beside it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "report/report_internal.h"

typedef struct fmts {
    lxw_format *title, *cell, *left, *head, *num0, *num2, *pct, *met, *unmet, *note, *wrap;
} fmts;

static lxw_format *fmt_new(lxw_workbook *wb, int border, int bold, int align, const char *num, int wrap)
{
    lxw_format *f = workbook_add_format(wb);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    if (bold)
        format_set_bold(f);
    format_set_align(f, align ? LXW_ALIGN_CENTER : LXW_ALIGN_LEFT);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (num)
        format_set_num_format(f, num);
    if (wrap)
        format_set_text_wrap(f);
    format_set_font_name(f, "宋体");
    format_set_font_size(f, 10);
    return f;
}

static void fmts_init(lxw_workbook *wb, fmts *f)
{
    f->title = fmt_new(wb, 0, 1, 1, NULL, 0);
    format_set_font_size(f->title, 16);
    f->cell = fmt_new(wb, 1, 0, 1, NULL, 1);
    f->left = fmt_new(wb, 1, 0, 0, NULL, 1);
    f->head = fmt_new(wb, 1, 1, 1, NULL, 1);
    f->num0 = fmt_new(wb, 1, 0, 1, "0", 0);
    f->num2 = fmt_new(wb, 1, 0, 1, "0.00", 0);
    f->pct = fmt_new(wb, 1, 0, 1, "0.0%", 0);
    f->met = fmt_new(wb, 1, 0, 1, NULL, 0);
    format_set_bg_color(f->met, 0xC6EFCE);
    format_set_font_color(f->met, 0x006100);
    f->unmet = fmt_new(wb, 1, 0, 1, NULL, 0);
    format_set_bg_color(f->unmet, 0xFFC7CE);
    format_set_font_color(f->unmet, 0x9C0006);
    f->note = fmt_new(wb, 1, 0, 0, NULL, 1);
    format_set_font_size(f->note, 9);
    f->wrap = fmt_new(wb, 0, 0, 0, NULL, 1);
}

/* Rows do not grow to their wrapped text when printed: the height for text in a column of width
 * chars (a CJK character is two), at least min points. */
static double text_height(const char *text, double width, double min)
{
    double w = 0, lines;
    const unsigned char *p = (const unsigned char *)text;
    for (; *p; p++)
        if (*p < 0x80)
            w += 1;
        else if (*p >= 0xC0) /* the first byte of a multi-byte character */
            w += 2;
    lines = ceil(w / (width - 1));
    return fmax(min, 13.5 * (lines < 1 ? 1 : lines) + 3);
}

/* A4 landscape, one page wide and tall, centred, narrow margins, the table alone printed */
static void page_setup(lxw_worksheet *ws, lxw_row_t last_row, lxw_col_t last_col, int one_page)
{
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_margins(ws, 0.4, 0.4, 0.5, 0.5);
    worksheet_center_horizontally(ws);
    worksheet_print_area(ws, 0, 0, last_row, last_col);
    worksheet_fit_to_pages(ws, 1, one_page ? 1 : 0);
    worksheet_set_footer(ws, "&L&A&R第 &P 页 共 &N 页");
}

static void set_props(lxw_workbook *wb, const qt__report *R, const char *title)
{
    lxw_doc_properties p;
    memset(&p, 0, sizeof p);
    p.title = (char *)title;
    p.author = (char *)"quarter";
    p.created = (time_t)R->epoch;
    workbook_set_properties(wb, &p);
}

static qt_status close_wb(lxw_workbook *wb, const char *path, qt_error *err)
{
    lxw_error e = workbook_close(wb);
    if (e == LXW_NO_ERROR)
        return QT_OK;
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    return qt_error_set(err, QT_EIO, path, _("cannot write: %s"), lxw_strerror(e));
}

/* a sheet name: at most 31 characters, none of []:*?/\, unique (a number added) */
static void sheet_name(lxw_workbook *wb, const char *name, char *out, size_t n)
{
    size_t i = 0, k = 0, chars = 0;
    int tries;
    while (name[i] && chars < 26 && k + 5 < n) {
        unsigned char c = (unsigned char)name[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (strchr("[]:*?/\\'", c) && len == 1) {
            out[k++] = '_';
            i++;
        } else {
            size_t j;
            for (j = 0; j < len && name[i]; j++)
                out[k++] = name[i++];
        }
        chars++;
    }
    out[k] = 0;
    if (!k)
        snprintf(out, n, "_");
    for (tries = 2; workbook_get_worksheet_by_name(wb, out) && tries < 100000; tries++)
        snprintf(out + k, n - k, "(%d)", tries);
}

/* the 需求清单 of the 业态 under a table row ("" when nothing is missing) */
static void row_needs(const qt__report *R, const qt_area_stats *s, size_t row, char *buf, size_t n)
{
    const qt_profile *p = R->in->profile;
    const qt_targets *t = qt_profile_targets(p);
    size_t c, k = 0;
    buf[0] = 0;
    for (c = 0; c < R->a->ncat; c++) {
        const qt_category *kc = qt_profile_category(p, c);
        if (qt__survey_row_of(kc) != row || !(s->unserved[c] > 0))
            continue;
        k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s %s: %.0f 人步行 %.0f 分钟内无", k ? "; " : "", kc->zh,
                              s->coverage[c] < t->present_share ? "缺" : "部分缺", s->unserved[c], kc->ring_min);
        if (k >= n)
            break;
    }
}

/* The table's header block (Tianshui 附件5): title, circle, city, date, 运营主体, 发展形态, the
 * centre count, residents covered, floor area share, and the column heads. */
static void survey_head(lxw_worksheet *ws, const fmts *f, const qt__report *R, const char *circle,
                        const qt_area_stats *s)
{
    char buf[2048];
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 26, NULL);
    worksheet_set_column(ws, 2, 5, 14, NULL);
    worksheet_set_column(ws, 6, 6, 46, NULL);
    worksheet_merge_range(ws, 0, 0, 0, 6, "试点便民生活圈建设情况调查表", f->title);
    worksheet_set_row(ws, 0, 30, NULL);
    snprintf(buf, sizeof buf, "试点生活圈: %s", circle);
    worksheet_merge_range(ws, 1, 0, 1, 1, buf, f->wrap);
    snprintf(buf, sizeof buf, "所在城市: %s", R->o->project ? R->o->project : "");
    worksheet_merge_range(ws, 1, 2, 1, 4, buf, f->wrap);
    snprintf(buf, sizeof buf, "截至日期: %s", R->date);
    worksheet_merge_range(ws, 1, 5, 1, 6, buf, f->wrap);
    worksheet_write_string(ws, 2, 0, "运营主体 (多选,打√)", f->head);
    worksheet_merge_range(ws, 2, 1, 2, 2,
                          "街道(社区)□ 国企□ 民营企业□ 专业运营商□ 网点各自经营□ 另:是否有便民生活圈智慧服务平台",
                          f->left);
    worksheet_write_string(ws, 2, 3, "发展形态", f->head);
    worksheet_merge_range(ws, 2, 4, 2, 6, "集聚式为主 □ 街坊式为主 □ 分布式为主 □", f->left);
    worksheet_set_row(ws, 2, 42, NULL);
    worksheet_merge_range(ws, 3, 0, 3, 1, "社区商业中心(邻里中心)数量(座)", f->head);
    worksheet_write_blank(ws, 3, 2, f->cell);
    worksheet_merge_range(ws, 3, 3, 3, 4, "生活圈服务覆盖的居民数量(万人)", f->head);
    worksheet_merge_range(ws, 3, 5, 3, 6, "", f->num2);
    worksheet_write_number(ws, 3, 5, s->population / 1e4, f->num2);
    worksheet_merge_range(ws, 4, 0, 4, 4, "社区商业和综合服务设施面积占社区总建筑面积的比例(%)", f->head);
    worksheet_merge_range(ws, 4, 5, 4, 6, "", f->num2);
    if (R->a->area_known && s->residential_area > 0 && s->outlets_with_area)
        worksheet_write_number(ws, 4, 5, 100 * s->outlet_area / s->residential_area, f->num2);
    worksheet_write_string(ws, 5, 0, "分类", f->head);
    worksheet_write_string(ws, 5, 1, "主要业态网点", f->head);
    worksheet_write_string(ws, 5, 2, "商业网点(店铺)数量合计(个)", f->head);
    worksheet_write_string(ws, 5, 3, "从业人数(万人)", f->head);
    worksheet_write_string(ws, 5, 4, "其中:品牌连锁店数量(个)", f->head);
    worksheet_write_string(ws, 5, 5, "居民满意度(%)", f->head);
    worksheet_write_string(ws, 5, 6, "问需于民调查时居民反映还“缺什么”(需求清单)", f->head);
    worksheet_set_row(ws, 5, 44, NULL);
}

/* Totals over the 业态 rows, for the 合计 row. */
typedef struct survey_totals {
    double n, chain, staff;
    uint32_t with_staff;
} survey_totals;

/* One row per 业态 of the table from r0 (a profile's 业态 filled under the table's name for it), and
 * the 分类 cells merged over the basic and the quality rows. */
static void survey_rows(lxw_worksheet *ws, const fmts *f, const qt__report *R, const qt_area_stats *s, size_t area,
                        size_t r0, survey_totals *tot)
{
    const qt_analysis *a = R->a;
    const qt_profile *p = R->in->profile;
    const qt__counts *cn = R->counts;
    size_t nrows, i, c, nb = 0;
    const qt__survey_row *rows = qt__survey_rows(&nrows);
    char buf[2048];
    for (i = 0; i < nrows; i++) {
        double n = 0, chain = 0, staff = 0;
        uint32_t ws_n = 0;
        lxw_row_t r = (lxw_row_t)(r0 + i);
        for (c = 0; c < a->ncat; c++) {
            size_t j = area * a->ncat + c;
            if (qt__survey_row_of(qt_profile_category(p, c)) != i)
                continue;
            n += cn->n[j];
            chain += cn->chain[j];
            staff += cn->staff[j];
            ws_n += cn->with_staff[j];
        }
        tot->n += n;
        tot->chain += chain;
        tot->staff += staff;
        tot->with_staff += ws_n;
        worksheet_write_string(ws, r, 1, rows[i].name, f->cell);
        worksheet_write_number(ws, r, 2, n, f->num0);
        if (a->staff_known && ws_n)
            worksheet_write_number(ws, r, 3, staff / 1e4, f->num2);
        else
            worksheet_write_blank(ws, r, 3, f->num2);
        if (a->chain_known)
            worksheet_write_number(ws, r, 4, chain, f->num0);
        else
            worksheet_write_blank(ws, r, 4, f->num0);
        worksheet_write_blank(ws, r, 5, f->num2);
        row_needs(R, s, i, buf, sizeof buf);
        if (buf[0]) {
            worksheet_write_string(ws, r, 6, buf, f->left);
            worksheet_set_row(ws, r, text_height(buf, 46, 15), NULL);
        } else
            worksheet_write_blank(ws, r, 6, f->left);
    }
    for (i = 0; i < nrows; i++)
        nb += rows[i].cls == QT_CLASS_BASIC;
    worksheet_merge_range(ws, (lxw_row_t)r0, 0, (lxw_row_t)(r0 + nb - 1), 0, "基本保障类", f->head);
    worksheet_merge_range(ws, (lxw_row_t)(r0 + nb), 0, (lxw_row_t)(r0 + nrows - 1), 0, "品质提升类", f->head);
}

/* The 合计 row (row 6): the totals, the satisfaction (from 50 answers) and the missing 业态. */
static void survey_total(lxw_worksheet *ws, const fmts *f, const qt__report *R, const qt_area_stats *s,
                         const survey_totals *tot)
{
    const qt_analysis *a = R->a;
    const qt_profile *p = R->in->profile;
    const qt_targets *t = qt_profile_targets(p);
    qt__need *nd = qt__malloc((a->ncat + 1) * sizeof *nd);
    size_t nn = nd ? qt__needs_of(a, s, nd) : 0, k, len = 0;
    char buf[2048];
    worksheet_merge_range(ws, 6, 0, 6, 1, "合 计", f->head);
    worksheet_write_number(ws, 6, 2, tot->n, f->num0);
    if (a->staff_known && tot->with_staff)
        worksheet_write_number(ws, 6, 3, tot->staff / 1e4, f->num2);
    else
        worksheet_write_blank(ws, 6, 3, f->num2);
    if (a->chain_known)
        worksheet_write_number(ws, 6, 4, tot->chain, f->num0);
    else
        worksheet_write_blank(ws, 6, 4, f->num0);
    if (s->survey_answers >= t->survey_min_samples && s->survey_answers)
        worksheet_write_number(ws, 6, 5, 100.0 * s->survey_satisfied / s->survey_answers, f->num2);
    else
        worksheet_write_blank(ws, 6, 5, f->num2);
    buf[0] = 0;
    for (k = 0; k < nn && len < sizeof buf; k++)
        if (nd[k].coverage < t->present_share)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
                                    len ? "、" : "缺: ", qt_profile_category(p, nd[k].cat)->zh);
    qt__free(nd);
    worksheet_write_string(ws, 6, 6, buf, f->left);
    worksheet_set_row(ws, 6, text_height(buf, 46, 15), NULL);
}

/* The 说明 rows below the table at row r: the original's notes and how quarter filled it. */
static void survey_notes(lxw_worksheet *ws, const fmts *f, const qt__report *R, const qt_area_stats *s, lxw_row_t r)
{
    const qt_targets *t = qt_profile_targets(R->in->profile);
    char buf[2048];
    worksheet_write_string(ws, r, 0, "说明", f->head);
    worksheet_merge_range(ws, r, 1, r, 6,
                          "1.此表为调查明细表,由生活圈(社区)填写现有存量数据,"
                          "为方便汇总请勿改表格结构。计量单位均保留小数点后两位。生活圈可含一个或多个社区。 "
                          "2.居民满意度指标:每个生活圈抽样调查不少于50份。 "
                          "3.此表为开展“一圈一策”“缺什么、补什么”的依据,请认真搞好摸底调查。",
                          f->note);
    worksheet_set_row(ws, r, 48, NULL);
    snprintf(
        buf, sizeof buf,
        "由 quarter 依分析填写 (%s): 网点数与连锁数为生活圈各社区内归入该业态的网点, 从业人数为注明人数的网点之和; "
        "需求清单为步行时限内未覆盖的居民; 运营主体、发展形态、社区商业中心数量须人工填写。%s",
        R->date, s->survey_answers < t->survey_min_samples ? " 居民满意度: 问卷不足 50 份, 暂不填写。" : "");
    worksheet_merge_range(ws, r + 1, 0, r + 1, 6, buf, f->wrap);
    worksheet_set_row(ws, r + 1, text_height(buf, 10 + 26 + 4 * 14 + 46, 30), NULL);
    page_setup(ws, r + 1, 6, 1);
}

static void survey_sheet(lxw_workbook *wb, const fmts *f, const qt__report *R, const char *sheet, const char *circle,
                         const qt_area_stats *s, size_t area)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    size_t nrows, r0 = 7;
    survey_totals tot = {0, 0, 0, 0};
    if (!ws)
        return;
    qt__survey_rows(&nrows);
    survey_head(ws, f, R, circle, s);
    survey_rows(ws, f, R, s, area, r0, &tot);
    survey_total(ws, f, R, s, &tot);
    survey_notes(ws, f, R, s, (lxw_row_t)(r0 + nrows));
}

qt_status qt__write_survey_xlsx(const qt__report *R, const char *path, qt_error *err)
{
    lxw_workbook *wb = workbook_new(path);
    fmts f;
    size_t i, n = R->o->circles ? R->o->ncircles : qt__report_ncircles(R);
    char name[160];
    if (!wb)
        return qt_error_set(err, QT_EIO, path, _("cannot create the workbook"));
    set_props(wb, R, "试点便民生活圈建设情况调查表");
    fmts_init(wb, &f);
    survey_sheet(wb, &f, R, "全市汇总", "全市", &R->a->city, R->a->ncircles);
    for (i = 0; i < n && R->a->ncircles; i++) {
        size_t ci = R->o->circles ? R->o->circles[i] : i;
        sheet_name(wb, R->a->circle[ci], name, sizeof name);
        survey_sheet(wb, &f, R, name, R->a->circle[ci], &R->a->circles_stats[ci], ci);
    }
    return close_wb(wb, path, err);
}

/* ---- indicators.xlsx ------------------------------------------------------------------- */

/* number formats by kind (0 count, 1 share as a percentage, 2 two decimals) and state (0 plain, 1 met, 2 not met) */
typedef struct vfmts {
    lxw_format *f[3][3];
} vfmts;

static void vfmts_init(lxw_workbook *wb, vfmts *v)
{
    static const char *const num[3] = {"0", "0.0%", "0.00"};
    int k, m;
    for (k = 0; k < 3; k++)
        for (m = 0; m < 3; m++) {
            lxw_format *f = fmt_new(wb, 1, 0, 1, num[k], 0);
            if (m == 1) {
                format_set_bg_color(f, 0xC6EFCE);
                format_set_font_color(f, 0x006100);
            } else if (m == 2) {
                format_set_bg_color(f, 0xFFC7CE);
                format_set_font_color(f, 0x9C0006);
            }
            v->f[k][m] = f;
        }
}

/* a value and its target in two cells; the value coloured met / not met */
static void val(lxw_worksheet *ws, const fmts *f, const vfmts *vf, lxw_row_t r, size_t *col, double v, double tgt,
                int kind, int na)
{
    int met = na ? -1 : qt_target_met(v, tgt);
    if (na)
        worksheet_write_string(ws, r, (lxw_col_t)*col, "无数据", f->cell);
    else if (isfinite(v))
        worksheet_write_number(ws, r, (lxw_col_t)*col, v, vf->f[kind][met < 0 ? 0 : met ? 1 : 2]);
    else
        worksheet_write_string(ws, r, (lxw_col_t)*col, "—", f->cell);
    if (isfinite(tgt))
        worksheet_write_number(ws, r, (lxw_col_t)*col + 1, tgt, vf->f[kind][0]);
    else
        worksheet_write_blank(ws, r, (lxw_col_t)*col + 1, f->cell);
    *col += 2;
}

qt_status qt__write_indicators_xlsx(const qt__report *R, const char *path, qt_error *err)
{
    const qt_analysis *a = R->a;
    const qt_profile *p = R->in->profile;
    const qt_targets *t = qt_profile_targets(p);
    lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(path, &wo); /* rows go out in order: one row in memory at a time */
    lxw_worksheet *ws;
    fmts f;
    vfmts vf;
    size_t i, c, col, nareas = 1 + a->ncircles + a->ncommunities;
    char buf[160];
    if (!wb)
        return qt_error_set(err, QT_EIO, path, _("cannot create the workbook"));
    set_props(wb, R, "一刻钟便民生活圈指标");
    fmts_init(wb, &f);
    vfmts_init(wb, &vf);
    ws = workbook_add_worksheet(wb, "指标");
    worksheet_write_string(ws, 0, 0, "层级", f.head);
    worksheet_write_string(ws, 0, 1, "区域", f.head);
    worksheet_set_column(ws, 0, 0, 8, NULL);
    worksheet_set_column(ws, 1, 1, 22, NULL);
#define HDR(zh)                                                                                                        \
    do {                                                                                                               \
        worksheet_write_string(ws, 0, (lxw_col_t)col, (zh), f.head);                                                   \
        worksheet_write_string(ws, 0, (lxw_col_t)col + 1, "目标", f.head);                                             \
        worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col, 12, NULL);                                            \
        worksheet_set_column(ws, (lxw_col_t)col + 1, (lxw_col_t)col + 1, 7, NULL);                                     \
        col += 2;                                                                                                      \
    } while (0)
    col = 2;
    HDR("人口");
    HDR("户数");
    HDR("基本保障类业态全覆盖居民占比");
    HDR("基本保障类业态达标(项)");
    HDR("品质提升类业态达标(项)");
    HDR("覆盖的社区占比");
    HDR("网点数");
    HDR("每万人网点数");
    HDR("品牌连锁化率");
    HDR("商业设施面积占比");
    HDR("每百户商业面积(m²)");
    HDR("居民满意度");
    HDR("满意度问卷数");
    for (c = 0; c < a->ncat; c++) {
        const qt_category *k = qt_profile_category(p, c);
        snprintf(buf, sizeof buf, "%s覆盖率 (%s, %.0f分钟)", k->zh, k->code, k->ring_min);
        HDR(buf);
    }
#undef HDR
    worksheet_set_row(ws, 0, 45, NULL);
    worksheet_freeze_panes(ws, 1, 2);
    for (i = 0; i < nareas; i++) {
        int lv = i == 0 ? 2 : i <= a->ncircles ? 1 : 0;
        const qt_area_stats *s = lv == 2   ? &a->city
                                 : lv == 1 ? &a->circles_stats[i - 1]
                                           : &a->communities_stats[i - 1 - a->ncircles];
        const char *name = lv == 2 ? "全市" : lv == 1 ? a->circle[i - 1] : a->community[i - 1 - a->ncircles];
        lxw_row_t r = (lxw_row_t)(i + 1);
        col = 2;
        worksheet_write_string(ws, r, 0, lv == 2 ? "全市" : lv == 1 ? "生活圈" : "社区", f.cell);
        worksheet_write_string(ws, r, 1, name, f.left);
        val(ws, &f, &vf, r, &col, s->population, NAN, 0, 0);
        val(ws, &f, &vf, r, &col, s->households, NAN, 0, 0);
        val(ws, &f, &vf, r, &col, s->all_basic, t->residents_all_basic, 1, 0);
        val(ws, &f, &vf, r, &col, s->basic_present, s->basic_required, 0, 0);
        val(ws, &f, &vf, r, &col, s->quality_present, NAN, 0, 0);
        val(ws, &f, &vf, r, &col, s->communities ? (double)s->communities_covered / s->communities : NAN,
            lv > 0 ? t->communities_covered : NAN, 1, 0);
        val(ws, &f, &vf, r, &col, s->outlets, NAN, 0, 0);
        val(ws, &f, &vf, r, &col, s->population > 0 ? s->outlets / s->population * 1e4 : NAN, t->outlets_per_10k, 2, 0);
        val(ws, &f, &vf, r, &col, s->outlets ? (double)s->chain_outlets / s->outlets : NAN, t->chain_share, 1,
            !a->chain_known);
        val(ws, &f, &vf, r, &col,
            s->residential_area > 0 && s->outlets_with_area ? s->outlet_area / s->residential_area : NAN,
            t->floor_area_share, 1, !a->area_known);
        val(ws, &f, &vf, r, &col,
            s->households > 0 && s->outlets_with_area ? s->outlet_area / s->households * 100 : NAN,
            t->area_per_100_households, 2, !a->area_known);
        val(ws, &f, &vf, r, &col, s->survey_answers ? (double)s->survey_satisfied / s->survey_answers : NAN,
            t->satisfaction, 1, lv > 0 && s->survey_answers < t->survey_min_samples);
        val(ws, &f, &vf, r, &col, s->survey_answers, t->survey_min_samples, 0, 0);
        for (c = 0; c < a->ncat; c++)
            val(ws, &f, &vf, r, &col, s->coverage[c], t->category_coverage, 1, 0);
    }
    /* printed: as wide as one page, the header row on every page */
    page_setup(ws, (lxw_row_t)nareas, (lxw_col_t)(col ? col - 1 : 0), 0);
    worksheet_repeat_rows(ws, 0, 0);
    worksheet_repeat_columns(ws, 0, 1);
    return close_wb(wb, path, err);
}

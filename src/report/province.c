/* SPDX-License-Identifier: MIT */
/*
 * province.c -- the province summary (quarter/province.h): one row per city
 * from its analysis, passed between processes as a tab-separated line, and
 * written as province.csv and province.xlsx.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/outfile.h"
#include "quarter/province.h"
#include "report/report_internal.h"

static qt_status copy(char *dst, size_t cap, const char *src, const char *what, qt_error *err)
{
    size_t n = strlen(src ? src : "");
    if (n >= cap)
        return qt_error_set(err, QT_EINVAL, what, _("longer than %zu bytes"), cap - 1);
    memcpy(dst, src ? src : "", n + 1);
    return QT_OK;
}

qt_status qt_city_summary_of(const qt_analysis *a, const qt_analysis_input *in, const char *city, const char *project,
                             const char *path, qt_city_summary *out, qt_error *err)
{
    const qt_profile *p = in->profile;
    size_t ng = qt_profile_grade_count(p), i, c, ncat = a->ncat;
    double pop = 0, within[3] = {0, 0, 0};
    static const double lim[3] = {5, 10, 15};
    qt_status st;
    memset(out, 0, sizeof *out);
    if ((st = copy(out->city, sizeof out->city, city, "city", err)) != QT_OK ||
        (st = copy(out->project, sizeof out->project, project, "project name", err)) != QT_OK ||
        (st = copy(out->path, sizeof out->path, path, "project file", err)) != QT_OK)
        return st;
    if (ng + 1 > QT_PROVINCE_MAX_GRADES)
        return qt_error_set(err, QT_EINVAL, path,
                            _("the profile has %zu grades; the province summary takes at most %d"), ng,
                            QT_PROVINCE_MAX_GRADES - 1);
    out->ngrades = ng + 1;
    for (i = 0; i <= ng; i++)
        if ((st = copy(out->grade[i], sizeof out->grade[i], qt__grade_name(p, i < ng ? (int)i : -1), "grade", err)) !=
            QT_OK)
            return st;
    out->circles = a->ncircles;
    for (i = 0; i < a->ncircles; i++) {
        int g = a->circles_stats[i].grade;
        out->grade_circles[g >= 0 && (size_t)g < ng ? (size_t)g : ng]++;
    }
    out->communities = a->ncommunities;
    for (i = 0; i < a->ncommunities; i++)
        out->communities_covered += a->communities_stats[i].communities_covered;
    for (i = 0; i < a->nres; i++) {
        double worst = 0, w = in->residences->population[i];
        if (!a->res_placed[i])
            continue;
        for (c = 0; c < ncat; c++) {
            const qt_category *k = qt_profile_category(p, c);
            if (k->cls == QT_CLASS_BASIC && k->required && !(a->minutes[i * ncat + c] <= worst))
                worst = a->minutes[i * ncat + c]; /* INFINITY (beyond reach) stays */
        }
        pop += w;
        for (c = 0; c < 3; c++)
            if (worst <= lim[c])
                within[c] += w;
    }
    out->population = pop;
    out->within_5 = pop > 0 ? within[0] / pop : NAN;
    out->within_10 = pop > 0 ? within[1] / pop : NAN;
    out->within_15 = pop > 0 ? within[2] / pop : NAN;
    out->all_basic = a->city.all_basic;
    out->basic_present = a->city.basic_present;
    out->basic_required = a->city.basic_required;
    out->quality_present = a->city.quality_present;
    out->quality_total = a->city.quality_total;
    return copy(out->city_grade, sizeof out->city_grade, qt__grade_name(p, a->city.grade), "grade", err);
}

/* ---- one line between processes ----------------------------------------- */

/* text fields may not hold a tab or a line break: they become spaces */
static void put_text(char *buf, size_t cap, size_t *n, const char *s)
{
    for (; *s; s++)
        if (*n + 1 < cap)
            buf[(*n)++] = *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s;
        else
            *n = cap;
    if (*n < cap)
        buf[*n] = '\0';
}

static void put_sep(char *buf, size_t cap, size_t *n)
{
    if (*n + 1 < cap) {
        buf[(*n)++] = '\t';
        buf[*n] = '\0';
    } else
        *n = cap;
}

static void put_num(char *buf, size_t cap, size_t *n, double v)
{
    int k;
    if (*n >= cap)
        return;
    k = snprintf(buf + *n, cap - *n, "%.17g", v);
    *n = k < 0 || (size_t)k >= cap - *n ? cap : *n + (size_t)k;
}

void qt_city_summary_figures(const qt_city_summary *s, double out[QT_CITY_FIGURES])
{
    const double v[QT_CITY_FIGURES] = {(double)s->circles,
                                       (double)s->communities,
                                       (double)s->communities_covered,
                                       s->population,
                                       s->within_5,
                                       s->within_10,
                                       s->within_15,
                                       s->all_basic,
                                       (double)s->basic_present,
                                       (double)s->basic_required,
                                       (double)s->quality_present,
                                       (double)s->quality_total};
    memcpy(out, v, sizeof v);
}

void qt_city_summary_set_figures(qt_city_summary *s, const double in[QT_CITY_FIGURES])
{
    s->circles = (size_t)in[0];
    s->communities = (size_t)in[1];
    s->communities_covered = (size_t)in[2];
    s->population = in[3];
    s->within_5 = in[4];
    s->within_10 = in[5];
    s->within_15 = in[6];
    s->all_basic = in[7];
    s->basic_present = (int)in[8];
    s->basic_required = (int)in[9];
    s->quality_present = (int)in[10];
    s->quality_total = (int)in[11];
}

size_t qt_city_summary_format(const qt_city_summary *s, char *buf, size_t cap)
{
    size_t n = 0, i;
    const char *text[5] = {s->city, s->project, s->path, s->error, s->city_grade};
    double num[QT_CITY_FIGURES + 1];
    qt_city_summary_figures(s, num);
    num[QT_CITY_FIGURES] = (double)s->ngrades;
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    for (i = 0; i < 5; i++) {
        put_text(buf, cap, &n, text[i]);
        put_sep(buf, cap, &n);
    }
    for (i = 0; i < 13; i++) {
        put_num(buf, cap, &n, num[i]);
        put_sep(buf, cap, &n);
    }
    for (i = 0; i < s->ngrades && i < QT_PROVINCE_MAX_GRADES; i++) {
        put_text(buf, cap, &n, s->grade[i]);
        put_sep(buf, cap, &n);
        put_num(buf, cap, &n, (double)s->grade_circles[i]);
        put_sep(buf, cap, &n);
    }
    return n < cap ? n : 0;
}

qt_status qt_city_summary_parse(const char *line, qt_city_summary *out, qt_error *err)
{
    char *dup = qt__strdup(line), *f[5 + 13 + 2 * QT_PROVINCE_MAX_GRADES], *s, *e;
    size_t nf = 0, i, max = sizeof f / sizeof f[0];
    double num[13];
    char *text[5] = {out->city, out->project, out->path, out->error, out->city_grade};
    const size_t caps[5] = {sizeof out->city, sizeof out->project, sizeof out->path, sizeof out->error,
                            sizeof out->city_grade};
    qt_status st = QT_OK;
    if (!dup)
        return qt_error_set(err, QT_ENOMEM, "city summary", _("out of memory"));
    memset(out, 0, sizeof *out);
    for (s = dup; nf < max; s = e + 1) {
        e = strchr(s, '\t');
        if (!e)
            break;
        *e = '\0';
        f[nf++] = s;
    }
    if (nf < 18) {
        st = qt_error_set(err, QT_EPARSE, "city summary", _("%zu fields, want at least 18"), nf);
        goto done;
    }
    for (i = 0; i < 5 && st == QT_OK; i++)
        st = copy(text[i], caps[i], f[i], "city summary", err);
    for (i = 0; i < 13 && st == QT_OK; i++) {
        char *end;
        num[i] = strtod(f[5 + i], &end);
        if (end == f[5 + i] || *end)
            st = qt_error_set(err, QT_EPARSE, "city summary", _("field %zu is no number: '%s'"), 6 + i, f[5 + i]);
    }
    if (st != QT_OK)
        goto done;
    qt_city_summary_set_figures(out, num);
    out->ngrades = (size_t)num[12];
    if (out->ngrades > QT_PROVINCE_MAX_GRADES || nf < 18 + 2 * out->ngrades) {
        st = qt_error_set(err, QT_EPARSE, "city summary", _("%zu grades in %zu fields"), out->ngrades, nf);
        goto done;
    }
    for (i = 0; i < out->ngrades && st == QT_OK; i++) {
        st = copy(out->grade[i], sizeof out->grade[i], f[18 + 2 * i], "city summary", err);
        out->grade_circles[i] = (size_t)strtoul(f[19 + 2 * i], NULL, 10);
    }
done:
    qt__free(dup);
    return st;
}

/* ---- province.csv and province.xlsx ---------------------------------------- */

/* The grade columns: every city's grades in order of first appearance. */
static size_t grade_columns(const qt_city_summary *rows, size_t n, const char *cols[], size_t max)
{
    size_t nc = 0, r, g, k;
    for (r = 0; r < n; r++)
        for (g = 0; g < rows[r].ngrades; g++) {
            for (k = 0; k < nc && strcmp(cols[k], rows[r].grade[g]) != 0; k++)
                ;
            if (k == nc && nc < max)
                cols[nc++] = rows[r].grade[g];
        }
    return nc;
}

static size_t circles_of_grade(const qt_city_summary *s, const char *grade)
{
    size_t g;
    for (g = 0; g < s->ngrades; g++)
        if (strcmp(s->grade[g], grade) == 0)
            return s->grade_circles[g];
    return 0;
}

#define NHEAD_A 5
#define NHEAD_B 11
static const char *const head_a[NHEAD_A] = {"城市", "项目名称", "项目文件", "状态", "便民生活圈数"};
static const char *const head_b[NHEAD_B] = {"社区数",
                                            "达标社区数",
                                            "人口",
                                            "5分钟内基本保障类业态齐全的人口比例",
                                            "10分钟内基本保障类业态齐全的人口比例",
                                            "15分钟内基本保障类业态齐全的人口比例",
                                            "基本保障类业态均在服务圈层内的人口比例",
                                            "基本保障类业态具备数",
                                            "基本保障类业态应有数",
                                            "品质提升类业态具备数",
                                            "品质提升类业态总数"};

static qt_status write_csv(const qt_city_summary *rows, size_t n, const char *const *gc, size_t ng, const char *path,
                           qt_error *err)
{
    qt__outfile o;
    size_t r, i;
    qt_status st = qt__outfile_open(&o, path, err);
    if (st != QT_OK)
        return st;
    qt__outfile_puts(&o, QT__UTF8_BOM);
    for (i = 0; i < NHEAD_A; i++)
        qt__outfile_printf(&o, "%s%s", i ? "," : "", head_a[i]);
    for (i = 0; i < ng; i++) {
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, gc[i]);
    }
    for (i = 0; i < NHEAD_B; i++)
        qt__outfile_printf(&o, ",%s", head_b[i]);
    qt__outfile_puts(&o, ",城市等级,错误\n");
    for (r = 0; r < n; r++) {
        const qt_city_summary *s = &rows[r];
        int ok = s->error[0] == '\0';
        const double share[4] = {s->within_5, s->within_10, s->within_15, s->all_basic};
        qt__outfile_csv(&o, s->city);
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, s->project);
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, s->path);
        qt__outfile_puts(&o, ok ? ",完成" : ",失败");
        if (!ok) {
            for (i = 0; i < 1 + ng + NHEAD_B + 1; i++)
                qt__outfile_puts(&o, ",");
            qt__outfile_puts(&o, ",");
            qt__outfile_csv(&o, s->error);
            qt__outfile_puts(&o, "\n");
            continue;
        }
        qt__outfile_printf(&o, ",%zu", s->circles);
        for (i = 0; i < ng; i++)
            qt__outfile_printf(&o, ",%zu", circles_of_grade(s, gc[i]));
        qt__outfile_printf(&o, ",%zu,%zu,%.0f", s->communities, s->communities_covered, s->population);
        for (i = 0; i < 4; i++) {
            qt__outfile_puts(&o, ",");
            if (isfinite(share[i]))
                qt__outfile_double(&o, share[i], 4);
        }
        qt__outfile_printf(&o, ",%d,%d,%d,%d,", s->basic_present, s->basic_required, s->quality_present,
                           s->quality_total);
        qt__outfile_csv(&o, s->city_grade);
        qt__outfile_puts(&o, ",\n");
    }
    return qt__outfile_commit(&o, err);
}

static qt_status write_xlsx(const qt_city_summary *rows, size_t n, const char *const *gc, size_t ng, const char *path,
                            qt_error *err)
{
    char *tmp = qt__malloc(strlen(path) + 8);
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *head, *pct, *bad;
    lxw_doc_properties props;
    lxw_error e;
    size_t r, i, k;
    lxw_col_t col;
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (!tmp)
        return qt_error_set(err, QT_ENOMEM, path, _("out of memory"));
    snprintf(tmp, strlen(path) + 8, "%s.tmp", path);
    wb = workbook_new(tmp);
    if (!wb) {
        qt__free(tmp);
        return qt_error_set(err, QT_EIO, path, _("cannot create the workbook"));
    }
    memset(&props, 0, sizeof props);
    props.title = "省级汇总";
    props.created = epoch ? (time_t)strtoll(epoch, NULL, 10) : 0;
    workbook_set_properties(wb, &props);
    ws = workbook_add_worksheet(wb, "省级汇总");
    head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.0%");
    bad = workbook_add_format(wb);
    format_set_font_color(bad, 0x9C0006);
    for (col = 0, i = 0; i < NHEAD_A; i++)
        worksheet_write_string(ws, 0, col++, head_a[i], head);
    for (i = 0; i < ng; i++)
        worksheet_write_string(ws, 0, col++, gc[i], head);
    for (i = 0; i < NHEAD_B; i++)
        worksheet_write_string(ws, 0, col++, head_b[i], head);
    worksheet_write_string(ws, 0, col++, "城市等级", head);
    worksheet_write_string(ws, 0, col++, "错误", head);
    worksheet_set_column(ws, 0, col, 14, NULL);
    worksheet_freeze_panes(ws, 1, 1);
    for (r = 0; r < n; r++) {
        const qt_city_summary *s = &rows[r];
        lxw_row_t row = (lxw_row_t)(r + 1);
        const double share[4] = {s->within_5, s->within_10, s->within_15, s->all_basic};
        worksheet_write_string(ws, row, 0, s->city, NULL);
        worksheet_write_string(ws, row, 1, s->project, NULL);
        worksheet_write_string(ws, row, 2, s->path, NULL);
        if (s->error[0]) {
            worksheet_write_string(ws, row, 3, "失败", bad);
            worksheet_write_string(ws, row, col - 1, s->error, bad);
            continue;
        }
        worksheet_write_string(ws, row, 3, "完成", NULL);
        worksheet_write_number(ws, row, 4, (double)s->circles, NULL);
        for (i = 0; i < ng; i++)
            worksheet_write_number(ws, row, (lxw_col_t)(NHEAD_A + i), (double)circles_of_grade(s, gc[i]), NULL);
        i = NHEAD_A + ng;
        worksheet_write_number(ws, row, (lxw_col_t)i++, (double)s->communities, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)i++, (double)s->communities_covered, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)i++, round(s->population), NULL);
        for (k = 0; k < 4; k++, i++)
            if (isfinite(share[k]))
                worksheet_write_number(ws, row, (lxw_col_t)i, share[k], pct);
        worksheet_write_number(ws, row, (lxw_col_t)i++, s->basic_present, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)i++, s->basic_required, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)i++, s->quality_present, NULL);
        worksheet_write_number(ws, row, (lxw_col_t)i++, s->quality_total, NULL);
        worksheet_write_string(ws, row, (lxw_col_t)i, s->city_grade, NULL);
    }
    e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        remove(tmp);
        qt__free(tmp);
        return qt_error_set(err, QT_EIO, path, _("cannot write the workbook: %s"), lxw_strerror(e));
    }
    if (rename(tmp, path) != 0) {
        qt_status st = qt_error_set(err, QT_EIO, path, _("cannot rename %s into place: %s"), tmp, strerror(errno));
        remove(tmp);
        qt__free(tmp);
        return st;
    }
    qt__free(tmp);
    return QT_OK;
}

qt_status qt_province_write(const qt_city_summary *rows, size_t n, const char *dir, qt_error *err)
{
    const char *gc[4 * QT_PROVINCE_MAX_GRADES];
    size_t ng = grade_columns(rows, n, gc, sizeof gc / sizeof gc[0]);
    char *csv = qt__path_join(dir, "province.csv"), *xlsx = qt__path_join(dir, "province.xlsx");
    qt_status st;
    if (!csv || !xlsx)
        st = qt_error_set(err, QT_ENOMEM, dir, _("out of memory"));
    else if ((st = write_csv(rows, n, gc, ng, csv, err)) == QT_OK)
        st = write_xlsx(rows, n, gc, ng, xlsx, err);
    qt__free(csv);
    qt__free(xlsx);
    return st;
}

/* SPDX-License-Identifier: MIT */
/*
 * report.c -- an analysis as a folder of CSV, GeoJSON and Markdown files
 * (quarter/report.h; columns in docs/analyze.md).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/outfile.h"
#include "quarter/report.h"
#include "report/report_internal.h"

static const char *const files[] = {"summary.md",  "indicators.csv", "grades.csv",
                                    "demand.csv",  "residences.csv", "blindspots.geojson",
                                    "what-if.csv", "outlets.csv",    NULL};

/* ---- small writers ----------------------------------------------------------- */

/* a number or empty */
static void num(qt__outfile *o, double v, int dec)
{
    if (isfinite(v))
        qt__outfile_double(o, v, dec);
}

/* v with dec decimals through the fast formatter (what printf("%.*f") writes) */
static void fixed(qt__outfile *o, double v, int dec)
{
    qt__outfile_double(o, v, dec);
}

/* s, then a comma */
static void field(qt__outfile *o, const char *s)
{
    qt__outfile_puts(o, s);
    qt__outfile_write(o, ",", 1);
}

static const char *met_str(int met)
{
    return met < 0 ? "" : met ? "yes" : "no";
}

/* ---- indicators ----------------------------------------------------------------- */

typedef struct row {
    const char *indicator;
    double value;
    double target;
    int dec;
    char note[160];
    int na; /* value not available: met is "n/a" */
} row;

/* the indicator rows of one area; returns the number written to rows[] */
static size_t area_rows(const qt_analysis *a, const qt_profile *p, const qt_area_stats *s, int level, row *rows,
                        char (*names)[48])
{
    const qt_targets *t = qt_profile_targets(p);
    size_t n = 0, c;
#define ROW(name, v, tgt, d)                                                                                           \
    do {                                                                                                               \
        memset(&rows[n], 0, sizeof rows[n]);                                                                           \
        rows[n].indicator = (name);                                                                                    \
        rows[n].value = (v);                                                                                           \
        rows[n].target = (tgt);                                                                                        \
        rows[n].dec = (d);                                                                                             \
        n++;                                                                                                           \
    } while (0)
    ROW("population", s->population, NAN, 0);
    ROW("households", s->households, NAN, 0);
    ROW("residences", s->residences, NAN, 0);
    ROW("residents_all_basic", s->all_basic, t->residents_all_basic, 4);
    snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("every required basic 业态 within its ring"));
    for (c = 0; c < a->ncat; c++) {
        const qt_category *k = qt_profile_category(p, c);
        ROW(names[c], s->coverage[c], t->category_coverage, 4);
        snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("%s within %.0f min; %.0f residents beyond"), k->zh,
                 k->ring_min, s->unserved[c]);
    }
    ROW("basic_present", s->basic_present, s->basic_required, 0);
    snprintf(rows[n - 1].note, sizeof rows[n - 1].note,
             _("of %d required basic 业态, each reaching %.0f%% of residents"), s->basic_required,
             100 * t->present_share);
    ROW("quality_present", s->quality_present, NAN, 0);
    snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("of %d quality 业态"), s->quality_total);
    if (level > 0) {
        ROW("communities_covered", s->communities ? (double)s->communities_covered / s->communities : NAN,
            t->communities_covered, 4);
        snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("%u of %u communities"), s->communities_covered,
                 s->communities);
    }
    ROW("outlets", s->outlets, NAN, 0);
    ROW("outlets_per_10k", s->population > 0 ? s->outlets / s->population * 1e4 : NAN, t->outlets_per_10k, 2);
    ROW("chain_share", s->outlets ? (double)s->chain_outlets / s->outlets : NAN, t->chain_share, 4);
    if (!a->chain_known) {
        rows[n - 1].na = 1;
        snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("no brand or chain column in the outlets"));
    } else {
        snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("%u of %u outlets"), s->chain_outlets, s->outlets);
    }
    ROW("floor_area_share",
        s->residential_area > 0 && s->outlets_with_area ? s->outlet_area / s->residential_area : NAN,
        t->floor_area_share, 4);
    if (!a->area_known) {
        rows[n - 1].na = 1;
        snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("no floor area column in the outlets"));
    } else {
        snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("%.0f m2 of %u outlets / %.0f m2 residential"),
                 s->outlet_area, s->outlets_with_area, s->residential_area);
    }
    ROW("area_per_100_households",
        s->households > 0 && s->outlets_with_area ? s->outlet_area / s->households * 100 : NAN,
        t->area_per_100_households, 1);
    if (!a->area_known) {
        rows[n - 1].na = 1;
        snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("no floor area column in the outlets"));
    }
    if (level > 0) {
        double v = s->survey_answers ? (double)s->survey_satisfied / s->survey_answers : NAN;
        ROW("satisfaction", v, t->satisfaction, 4);
        if (s->survey_answers < t->survey_min_samples) {
            rows[n - 1].na = 1;
            snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("n = %u < %.0f, not yet valid"), s->survey_answers,
                     t->survey_min_samples);
        } else {
            snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("n = %u"), s->survey_answers);
        }
    }
    ROW("staff", a->staff_known ? s->staff : NAN, NAN, 0);
    if (!a->staff_known)
        rows[n - 1].na = 1;
    else
        snprintf(rows[n - 1].note, sizeof rows[n - 1].note, _("of %u outlets that say"), s->outlets_with_staff);
    if (level > 0) {
        ROW("investment", s->investment, NAN, 1);
        snprintf(rows[n - 1].note, sizeof rows[n - 1].note, "万元");
    }
#undef ROW
    return n;
}

/* coverage_<code> of every category, the indicator names of the coverage rows (made once per file) */
static char (*coverage_names(const qt_analysis *a, const qt_profile *p))[48]
{
    char(*names)[48] = qt__malloc((a->ncat + 1) * sizeof *names);
    size_t c;
    for (c = 0; names && c < a->ncat; c++)
        snprintf(names[c], sizeof names[c], "coverage_%s", qt_profile_category(p, c)->code);
    return names;
}

#define MAX_ROWS(ncat) (24 + (ncat))

static void write_area(qt__outfile *o, const qt_analysis *a, const qt_profile *p, const char *level, int lv,
                       const char *name, const qt_area_stats *s, row *rows, char (*names)[48])
{
    size_t n = area_rows(a, p, s, lv, rows, names), i;
    for (i = 0; i < n; i++) {
        const row *r = &rows[i];
        field(o, level);
        qt__outfile_csv(o, name);
        qt__outfile_puts(o, ",");
        field(o, r->indicator);
        num(o, r->value, r->dec);
        qt__outfile_puts(o, ",");
        num(o, r->target, r->dec);
        qt__outfile_puts(o, ",");
        field(o, r->na ? "n/a" : met_str(qt_target_met(r->value, r->target)));
        qt__outfile_csv(o, r->note);
        qt__outfile_puts(o, "\n");
    }
}

/* area i of an analysis: 0 the city, then the circles, then the communities */
static const qt_area_stats *area_at(const qt_analysis *a, size_t i, const char **level, int *lv, const char **name)
{
    int k = i == 0 ? 2 : i <= a->ncircles ? 1 : 0;
    if (level)
        *level = k == 2 ? "city" : k == 1 ? "circle" : "community";
    if (lv)
        *lv = k;
    if (name)
        *name = k == 2 ? "全市" : k == 1 ? a->circle[i - 1] : a->community[i - 1 - a->ncircles];
    return k == 2 ? &a->city : k == 1 ? &a->circles_stats[i - 1] : &a->communities_stats[i - 1 - a->ncircles];
}

/* outlets_<code>, chain_<code>, staff_<code> of one circle or the city: the counts the 调查表 needs */
static void write_counts(qt__outfile *o, const qt_analysis *a, const qt_profile *p, const qt__counts *cn, size_t area,
                         const char *level, const char *name)
{
    size_t c;
    for (c = 0; c < a->ncat; c++) {
        const qt_category *k = qt_profile_category(p, c);
        size_t j = area * a->ncat + c;
        field(o, level);
        qt__outfile_csv(o, name);
        qt__outfile_puts(o, ",outlets_");
        field(o, k->code);
        qt__outfile_i64(o, cn->n[j]);
        qt__outfile_puts(o, ",,,");
        qt__outfile_puts(o, k->zh);
        qt__outfile_puts(o, "\n");
        field(o, level);
        qt__outfile_csv(o, name);
        qt__outfile_puts(o, ",chain_");
        field(o, k->code);
        if (a->chain_known) {
            qt__outfile_i64(o, cn->chain[j]);
            qt__outfile_puts(o, ",,,");
            qt__outfile_printf(o, _("%s: %u of %u outlets"), k->zh, cn->chain[j], cn->n[j]);
            qt__outfile_puts(o, "\n");
        } else {
            qt__outfile_puts(o, ",,n/a,");
            qt__outfile_puts(o, _("no brand or chain column in the outlets"));
            qt__outfile_puts(o, "\n");
        }
        field(o, level);
        qt__outfile_csv(o, name);
        qt__outfile_puts(o, ",staff_");
        field(o, k->code);
        if (a->staff_known) {
            num(o, cn->staff[j], 0);
            qt__outfile_puts(o, ",,,");
            qt__outfile_printf(o, _("%s: of %u outlets that say"), k->zh, cn->with_staff[j]);
            qt__outfile_puts(o, "\n");
        } else {
            qt__outfile_puts(o, ",,n/a,");
            qt__outfile_puts(o, _("no staff column in the outlets"));
            qt__outfile_puts(o, "\n");
        }
    }
}

static qt_status write_indicators(const qt_analysis *a, const qt_profile *p, const qt__counts *cn, const char *path,
                                  qt_error *err)
{
    qt__outfile o;
    size_t i;
    row *rows = qt__malloc(MAX_ROWS(a->ncat) * sizeof *rows);
    char(*names)[48] = coverage_names(a, p);
    qt_status st;
    if (!rows || !names) {
        qt__free(rows);
        qt__free(names);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    if ((st = qt__outfile_open(&o, path, err)) != QT_OK) {
        qt__free(rows);
        qt__free(names);
        return st;
    }
    qt__outfile_puts(&o, QT__UTF8_BOM "level,area,indicator,value,target,met,note\n");
    for (i = 0; i < 1 + a->ncircles + a->ncommunities; i++) {
        const char *level, *name;
        int lv;
        const qt_area_stats *as = area_at(a, i, &level, &lv, &name);
        write_area(&o, a, p, level, lv, name, as, rows, names);
        if (lv > 0)
            write_counts(&o, a, p, cn, i == 0 ? a->ncircles : i - 1, level, name);
    }
    qt__free(rows);
    qt__free(names);
    return qt__outfile_commit(&o, err);
}

static qt_status write_whatif(const qt_analysis *a, const qt_profile *p, const char *path, qt_error *err)
{
    const qt_analysis *b = a->before;
    qt__outfile o;
    size_t i, k, n1, n2;
    row *r1 = qt__malloc(MAX_ROWS(a->ncat) * sizeof *r1), *r2 = qt__malloc(MAX_ROWS(a->ncat) * sizeof *r2);
    char(*names)[48] = coverage_names(a, p);
    qt_status st = QT_OK;
    if (!r1 || !r2 || !names) {
        st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
        goto done;
    }
    if ((st = qt__outfile_open(&o, path, err)) != QT_OK)
        goto done;
    qt__outfile_puts(&o, QT__UTF8_BOM "level,area,indicator,before,after,change,target,met_before,met_after\n");
    for (i = 0; i < 1 + a->ncircles + a->ncommunities; i++) {
        const char *level, *name;
        int lv;
        const qt_area_stats *sa = area_at(a, i, &level, &lv, &name), *sb = area_at(b, i, NULL, NULL, NULL);
        n1 = area_rows(b, p, sb, lv, r1, names);
        n2 = area_rows(a, p, sa, lv, r2, names);
        for (k = 0; k < n1 && k < n2; k++) {
            double d = r2[k].value - r1[k].value;
            if (!(fabs(d) > 1e-12))
                continue; /* only what changes */
            field(&o, level);
            qt__outfile_csv(&o, name);
            qt__outfile_puts(&o, ",");
            field(&o, r2[k].indicator);
            num(&o, r1[k].value, r2[k].dec);
            qt__outfile_puts(&o, ",");
            num(&o, r2[k].value, r2[k].dec);
            qt__outfile_puts(&o, ",");
            if (d > 0)
                qt__outfile_puts(&o, "+");
            num(&o, d, r2[k].dec);
            qt__outfile_puts(&o, ",");
            num(&o, r2[k].target, r2[k].dec);
            qt__outfile_puts(&o, ",");
            field(&o, r1[k].na ? "n/a" : met_str(qt_target_met(r1[k].value, r1[k].target)));
            qt__outfile_puts(&o, r2[k].na ? "n/a" : met_str(qt_target_met(r2[k].value, r2[k].target)));
            qt__outfile_puts(&o, "\n");
        }
    }
    st = qt__outfile_commit(&o, err);
done:
    qt__free(r1);
    qt__free(r2);
    qt__free(names);
    return st;
}

/* ---- grades and the 需求清单 -------------------------------------------------------- */

static qt_status write_grades(const qt_analysis *a, const qt_profile *p, const char *path, qt_error *err)
{
    qt__outfile o;
    size_t i;
    qt_status st = qt__outfile_open(&o, path, err);
    if (st != QT_OK)
        return st;
    qt__outfile_puts(&o, QT__UTF8_BOM
                     "circle,grade,population,residents_all_basic,basic_present,quality_present,reasons\n");
    for (i = 0; i <= a->ncircles; i++) {
        const qt_area_stats *s = i < a->ncircles ? &a->circles_stats[i] : &a->city;
        char *why = qt_grade_reasons(s, p, QT_REASONS_TEXT);
        if (!why) {
            qt__outfile_abort(&o);
            return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
        }
        qt__outfile_csv(&o, i < a->ncircles ? a->circle[i] : "全市");
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, qt__grade_name(p, s->grade));
        qt__outfile_puts(&o, ",");
        num(&o, s->population, 0);
        qt__outfile_puts(&o, ",");
        num(&o, s->all_basic, 4);
        qt__outfile_puts(&o, ",");
        qt__outfile_i64(&o, s->basic_present);
        qt__outfile_puts(&o, ",");
        qt__outfile_i64(&o, s->quality_present);
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, why);
        qt__outfile_puts(&o, "\n");
        free(why);
    }
    return qt__outfile_commit(&o, err);
}

static qt_status write_demand(const qt_analysis *a, const qt_profile *p, const char *path, qt_error *err)
{
    const qt_targets *t = qt_profile_targets(p);
    qt__outfile o;
    size_t i, k, n;
    qt__need *nd = qt__malloc((a->ncat + 1) * sizeof *nd);
    qt_status st;
    if (!nd)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    if ((st = qt__outfile_open(&o, path, err)) != QT_OK) {
        qt__free(nd);
        return st;
    }
    qt__outfile_puts(&o, QT__UTF8_BOM "circle,rank,category,zh,class,ring_min,status,coverage,unserved_population\n");
    for (i = 0; i < (a->ncircles ? a->ncircles : 1); i++) {
        const qt_area_stats *s = a->ncircles ? &a->circles_stats[i] : &a->city;
        n = qt__needs_of(a, s, nd);
        for (k = 0; k < n; k++) {
            const qt_category *c = qt_profile_category(p, nd[k].cat);
            qt__outfile_csv(&o, a->ncircles ? a->circle[i] : "全市");
            qt__outfile_puts(&o, ",");
            qt__outfile_i64(&o, (int64_t)(k + 1));
            qt__outfile_puts(&o, ",");
            field(&o, c->code);
            field(&o, c->zh);
            field(&o, c->cls == QT_CLASS_BASIC ? "basic" : "quality");
            qt__outfile_double(&o, c->ring_min, 0);
            qt__outfile_puts(&o, ",");
            field(&o, nd[k].coverage >= t->present_share ? "partial" : "missing");
            num(&o, nd[k].coverage, 4);
            qt__outfile_puts(&o, ",");
            num(&o, nd[k].unserved, 0);
            qt__outfile_puts(&o, "\n");
        }
    }
    qt__free(nd);
    return qt__outfile_commit(&o, err);
}

/* ---- residences -------------------------------------------------------------------- */

static qt_status write_residences(const qt_analysis *a, const qt_analysis_input *in, const uint32_t *rc,
                                  const char *path, qt_error *err)
{
    static const char *const src[] = {"given", "households (estimate)", "floor area (estimate)"};
    const qt_residence_list *r = in->residences;
    const qt_profile *p = in->profile;
    qt__outfile o;
    size_t i, c;
    qt_status st = qt__outfile_open(&o, path, err);
    if (st != QT_OK)
        return st;
    qt__outfile_puts(&o, QT__UTF8_BOM "id,community,circle,lon,lat,population,households,population_source,placed");
    for (c = 0; c < a->ncat; c++)
        qt__outfile_printf(&o, ",%s_min", qt_profile_category(p, c)->code);
    qt__outfile_puts(&o, ",all_basic,address\n");
    for (i = 0; i < r->n; i++) {
        int all = 1;
        qt__outfile_csv(&o, r->id[i]);
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, a->res_community[i] == UINT32_MAX ? "" : a->community[a->res_community[i]]);
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, rc[i] == UINT32_MAX ? "" : a->circle[rc[i]]);
        qt__outfile_puts(&o, ",");
        fixed(&o, r->lon[i], 7);
        qt__outfile_puts(&o, ",");
        fixed(&o, r->lat[i], 7);
        qt__outfile_puts(&o, ",");
        fixed(&o, r->population[i], 0); /* whole people (issue 10) */
        qt__outfile_puts(&o, ",");
        fixed(&o, r->households[i], 0);
        qt__outfile_puts(&o, ",");
        qt__outfile_puts(&o, src[r->source[i] < 3 ? r->source[i] : 0]);
        qt__outfile_puts(&o, a->res_placed[i] ? ",1" : ",0");
        for (c = 0; c < a->ncat; c++) {
            const qt_category *k = qt_profile_category(p, c);
            float m = a->minutes[i * a->ncat + c];
            qt__outfile_puts(&o, ",");
            if (isfinite(m))
                fixed(&o, m, 1);
            if (k->cls == QT_CLASS_BASIC && k->required && !(m <= k->ring_min))
                all = 0;
        }
        qt__outfile_puts(&o, a->res_placed[i] && all ? ",yes," : ",no,");
        qt__outfile_csv(&o, r->address ? r->address[i] : "");
        qt__outfile_puts(&o, "\n");
    }
    return qt__outfile_commit(&o, err);
}

/* ---- outlets ------------------------------------------------------------------------ */

static qt_status write_outlets(const qt_analysis *a, const qt_analysis_input *in, const uint32_t *rc, const char *path,
                               qt_error *err)
{
    const qt_outlet_list *l = in->outlets;
    const qt_profile *p = in->profile;
    uint32_t *cc = qt__community_circles(a);
    qt__outfile o;
    size_t i;
    qt_status st;
    (void)rc;
    if (!cc)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    if ((st = qt__outfile_open(&o, path, err)) != QT_OK) {
        qt__free(cc);
        return st;
    }
    qt__outfile_puts(&o, QT__UTF8_BOM
                     "id,name,category,zh,class,brand,chain,staff,floor_area_m2,circle,community,"
                     "address,lon,lat\n");
    for (i = 0; i < l->n; i++) {
        const qt_category *k = l->category[i] >= 0 ? qt_profile_category(p, (size_t)l->category[i]) : NULL;
        uint32_t com = a->outlet_community ? a->outlet_community[i] : UINT32_MAX;
        if (!k)
            continue; /* not a 业态 of the profile */
        qt__outfile_csv(&o, l->id[i]);
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, l->name[i]);
        qt__outfile_puts(&o, ",");
        field(&o, k->code);
        field(&o, k->zh);
        field(&o, k->cls == QT_CLASS_BASIC ? "basic" : "quality");
        qt__outfile_csv(&o, l->brand[i]);
        qt__outfile_puts(&o, ",");
        field(&o, a->chain_known ? (l->chain[i] ? "yes" : "no") : "");
        num(&o, l->staff[i], 0);
        qt__outfile_puts(&o, ",");
        num(&o, l->floor_area[i], 1);
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, com < a->ncommunities && cc[com] != UINT32_MAX ? a->circle[cc[com]] : "");
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, com < a->ncommunities ? a->community[com] : "");
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, l->address ? l->address[i] : "");
        qt__outfile_puts(&o, ",");
        fixed(&o, l->lon[i], 7);
        qt__outfile_puts(&o, ",");
        fixed(&o, l->lat[i], 7);
        qt__outfile_puts(&o, "\n");
    }
    qt__free(cc);
    return qt__outfile_commit(&o, err);
}

/* the project's speed word (default, elderly, winter, or km/h) for a reader */
static const char *speed_word(const char *w)
{
    if (!w || strcmp(w, "default") == 0)
        return _("default");
    if (strcmp(w, "elderly") == 0)
        return _("elderly");
    if (strcmp(w, "winter") == 0)
        return _("winter");
    return w;
}

/* ---- summary.md ------------------------------------------------------------------------ */

static qt_status write_summary(const qt_analysis *a, const qt_analysis_input *in, const qt_report_meta *m,
                               const char *path, qt_error *err)
{
    const qt_profile *p = in->profile;
    const qt_targets *t = qt_profile_targets(p);
    const qt_area_stats *s = &a->city;
    qt__outfile o;
    size_t i, k;
    char *why;
    qt_status st;
    if ((st = qt__outfile_open(&o, path, err)) != QT_OK)
        return st;
    qt__outfile_printf(&o, _("# 一刻钟便民生活圈 analysis: %s\n\n"), m->project ? m->project : "");
    qt__outfile_printf(&o, _("Profile %s; walking %.1f km/h (%s)%s%s.\n\n"), qt_profile_name(p), a->speed_mps * 3.6,
                       speed_word(m->speed), m->at ? _("; outlets open at ") : "", m->at ? m->at : "");
    qt__outfile_printf(&o, _("- Residences: %zu (%zu too far from a street, left out); population %.0f"),
                       in->residences->n, a->residences_unplaced, s->population);
    if (in->residences->nestimated)
        qt__outfile_printf(&o,
                           _(" (**an estimate** for %zu residences: from households or floor area, "
                             "see residences.csv population_source)"),
                           in->residences->nestimated);
    qt__outfile_printf(&o,
                       _(".\n- Outlets counted: %zu of %zu (%zu not a 业态 of the profile, %zu too far from a street"),
                       a->outlets_used, in->outlets->n, a->outlets_unclassified, a->outlets_unplaced);
    if (m->at)
        qt__outfile_printf(&o, _(", %zu closed at %s, %zu with unknown hours counted as open"), a->outlets_closed,
                           m->at, a->outlets_hours_unknown);
    qt__outfile_puts(&o, _(").\n"));
    if (a->before)
        qt__outfile_printf(&o, _("- What-if: %zu hypothetical outlets added; what-if.csv compares every indicator.\n"),
                           a->outlets_used - a->before->outlets_used);
    for (i = 0; i < m->nwarnings; i++)
        qt__outfile_printf(&o, _("- **Warning:** %s\n"), m->warnings[i]);
    if (!(why = qt_grade_reasons(s, p, QT_REASONS_TEXT))) {
        qt__outfile_abort(&o);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    qt__outfile_printf(&o, _("\n## City: %s\n\n%s\n\n"), qt__grade_name(p, s->grade), why);
    free(why);
    qt__outfile_printf(&o, _("- Residents with every basic 业态 in reach: %.1f%% (target %.0f%%)\n"),
                       100 * s->all_basic, 100 * t->residents_all_basic);
    qt__outfile_printf(&o, _("- Communities covered: %u of %u (target %.0f%%)\n"), s->communities_covered,
                       s->communities, 100 * t->communities_covered);
    if (a->chain_known && s->outlets)
        qt__outfile_printf(&o, _("- Chain share: %.1f%% (target %.0f%%)\n"), 100.0 * s->chain_outlets / s->outlets,
                           100 * t->chain_share);
    qt__outfile_puts(&o, _("\n| 业态 | ring | coverage | residents beyond |\n|---|---|---|---|\n"));
    for (k = 0; k < a->ncat; k++) {
        const qt_category *c = qt_profile_category(p, k);
        qt__outfile_printf(&o, _("| %s %s | %.0f min | %.1f%% | %.0f |\n"), c->code, c->zh, c->ring_min,
                           100 * s->coverage[k], s->unserved[k]);
    }
    if (a->ncircles) {
        qt__outfile_puts(&o,
                         _("\n## Circles\n\n| circle | grade | population | all basic | basic | quality | reasons |\n"
                           "|---|---|---|---|---|---|---|\n"));
        for (i = 0; i < a->ncircles; i++) {
            const qt_area_stats *cs = &a->circles_stats[i];
            if (!(why = qt_grade_reasons(cs, p, QT_REASONS_TEXT))) {
                qt__outfile_abort(&o);
                return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
            }
            qt__outfile_printf(&o, "| %s | %s | %.0f | %.1f%% | %d/%d | %d/%d | %s |\n", a->circle[i],
                               qt__grade_name(p, cs->grade), cs->population, 100 * cs->all_basic, cs->basic_present,
                               cs->basic_required, cs->quality_present, cs->quality_total, why);
            free(why);
        }
    }
    qt__outfile_puts(&o, _("\n## Files\n\n- indicators.csv: every indicator of the city, each circle and community, "
                           "with its target and whether it is met\n- grades.csv: each circle's grade and why\n"
                           "- demand.csv: 需求清单, the 业态 each circle lacks, most unserved residents first\n"
                           "- residences.csv: minutes from each residence to the nearest outlet of each 业态\n"
                           "- blindspots.geojson: 盲区, where the unserved residents live, per circle and 业态\n"
                           "- outlets.csv: every outlet of a 业态, with its circle and community\n"));
    if (a->before)
        qt__outfile_puts(&o, _("- what-if.csv: indicators before and after the hypothetical outlets\n"));
    return qt__outfile_commit(&o, err);
}

/* ---- the folder -------------------------------------------------------------------------- */

static void remove_folder(const char *dir)
{
    size_t i;
    for (i = 0; files[i]; i++) {
        char *f = qt__path_join(dir, files[i]);
        if (f)
            unlink(f);
        qt__free(f);
    }
    rmdir(dir);
}

qt_status qt__folder_into_place(const char *tmp, const char *dir, const char *old, int exists, const char *what,
                                qt_error *err)
{
    if (exists && rename(dir, old) != 0)
        return qt_error_set(err, QT_EIO, dir, _("cannot move the previous %s aside: %s"), what, strerror(errno));
    if (rename(tmp, dir) != 0) {
        qt_status st = qt_error_set(err, QT_EIO, dir, _("cannot rename %s into place: %s"), tmp, strerror(errno));
        if (exists)
            rename(old, dir);
        return st;
    }
    return QT_OK;
}

qt_status qt_report_write(const qt_analysis *a, const qt_analysis_input *in, const qt_report_meta *meta,
                          const char *dir, qt_error *err)
{
    struct stat sb;
    char *tmp = NULL, *old = NULL, *f = NULL;
    uint32_t *rc = NULL;
    qt__counts *cn = NULL;
    qt_status st = QT_OK;
    int exists = stat(dir, &sb) == 0;
    size_t n = strlen(dir) + 16;
    if (exists) {
        char *sm = qt__path_join(dir, "summary.md");
        struct stat s2;
        int ours = sm && stat(sm, &s2) == 0;
        qt__free(sm);
        if (!S_ISDIR(sb.st_mode) || !ours)
            return qt_error_set(err, QT_ECONFLICT, dir,
                                _("exists and is not an analysis folder (no summary.md): choose another --out"));
    }
    tmp = qt__malloc(n);
    old = qt__malloc(n);
    rc = qt__residence_circles(a);
    if (tmp && old && rc && (st = qt__counts_new(a, in, &cn, err)) != QT_OK)
        goto done;
    if (!tmp || !old || !rc) {
        st = qt_error_set(err, QT_ENOMEM, dir, _("no memory"));
        goto done;
    }
    snprintf(tmp, n, "%s.partial", dir);
    snprintf(old, n, "%s.old", dir);
    remove_folder(tmp); /* a leftover of a run that was killed */
    if (mkdir(tmp, 0777) != 0) {
        st = qt_error_set(err, QT_EIO, tmp, _("cannot create: %s"), strerror(errno));
        goto done;
    }
#define WRITE(name, call)                                                                                              \
    do {                                                                                                               \
        qt__free(f);                                                                                                   \
        if (!(f = qt__path_join(tmp, name))) {                                                                         \
            st = qt_error_set(err, QT_ENOMEM, dir, _("no memory"));                                                    \
            goto fail;                                                                                                 \
        }                                                                                                              \
        if ((st = (call)) != QT_OK)                                                                                    \
            goto fail;                                                                                                 \
    } while (0)
    WRITE("indicators.csv", write_indicators(a, in->profile, cn, f, err));
    WRITE("outlets.csv", write_outlets(a, in, rc, f, err));
    WRITE("grades.csv", write_grades(a, in->profile, f, err));
    WRITE("demand.csv", write_demand(a, in->profile, f, err));
    WRITE("residences.csv", write_residences(a, in, rc, f, err));
    WRITE("blindspots.geojson",
          qt__write_blindspots_rc(a, in, rc, meta->blind_cell_m > 0 ? meta->blind_cell_m : 100, f, err));
    if (a->before)
        WRITE("what-if.csv", write_whatif(a, in->profile, f, err));
    WRITE("summary.md", write_summary(a, in, meta, f, err));
#undef WRITE
    if (exists)
        remove_folder(old);
    if ((st = qt__folder_into_place(tmp, dir, old, exists, "analysis", err)) != QT_OK)
        goto fail;
    if (exists)
        remove_folder(old);
    goto done;
fail:
    remove_folder(tmp);
done:
    qt__free(f);
    qt__free(tmp);
    qt__free(old);
    qt__free(rc);
    qt__counts_free(cn);
    return st;
}

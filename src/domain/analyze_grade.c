/* SPDX-License-Identifier: MIT */
/*
 * analyze_grade.c -- the grade of a circle or the city (quarter/analyze.h): the
 * best profile grade whose rules hold, and the reasons why: as data (qt_grade_check, one per rule
 * of the grade reached and of the next one) and the one renderer of that data, in the catalogue's
 * language, in stable English or as JSON (qt_grade_reasons).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/strmap.h"
#include "base/geo.h"
#include "quarter/analyze.h"
#include "quarter/inputs.h"
#include "quarter/coords.h"
#include "quarter/hours.h"
#include "quarter/place.h"
#include "quarter/search.h"
#include "quarter/snap.h"
#include "domain/analyze_internal.h"

/* ---- grading ---------------------------------------------------------------- */

/* The rules of grade gi checked against s, into out (at most QT__RULES); returns how many. *ok: 1 when
   every rule holds. */
#define QT__RULES 6
static size_t check_grade(const qt_profile *p, size_t gi, const qt_area_stats *s, qt_grade_check *out, int *ok)
{
    const qt_grade_rule *g = qt_profile_grade(p, gi);
    const qt_targets *t = qt_profile_targets(p);
    size_t n = 0;
    *ok = 1;
#define ADD(k, v, tg, tot, ps)                                                                                         \
    do {                                                                                                               \
        out[n] = (qt_grade_check){(int)gi, (k), (ps), (v), (tg), (tot), NAN};                                          \
        *ok &= out[n++].pass;                                                                                          \
    } while (0)
    if (g->basic_present != -1) {
        int need = g->basic_present == -2 ? s->basic_required : g->basic_present;
        ADD(QT_RULE_BASIC_PRESENT, s->basic_present, need, s->basic_required, s->basic_present >= need);
    }
    if (g->quality_present >= 0)
        ADD(QT_RULE_QUALITY_PRESENT, s->quality_present, g->quality_present, NAN,
            s->quality_present >= g->quality_present);
    if (isfinite(g->all_basic_share))
        ADD(QT_RULE_ALL_BASIC, s->all_basic, g->all_basic_share, NAN, s->all_basic >= g->all_basic_share - 1e-12);
    if (isfinite(g->communities_covered)) {
        double v = s->communities ? (double)s->communities_covered / s->communities : NAN;
        ADD(QT_RULE_COMMUNITIES_COVERED, s->communities_covered, g->communities_covered, s->communities,
            v >= g->communities_covered - 1e-12);
    }
    if (isfinite(g->chain_share)) {
        double v = s->outlets ? (double)s->chain_outlets / s->outlets : NAN;
        ADD(QT_RULE_CHAIN_SHARE, v, g->chain_share, NAN, v >= g->chain_share - 1e-12);
    }
    if (isfinite(g->satisfaction)) {
        int valid = s->survey_answers >= t->survey_min_samples;
        double v = valid ? (double)s->survey_satisfied / s->survey_answers : NAN;
        ADD(QT_RULE_SATISFACTION, v, g->satisfaction, s->survey_answers, valid && v >= g->satisfaction - 1e-12);
        out[n - 1].min_answers = t->survey_min_samples;
    }
#undef ADD
    return n;
}

qt_status qt__analysis_grade(qt_area_stats *s, const qt_profile *p)
{
    size_t g, ng = qt_profile_grade_count(p), n = 0;
    qt_grade_check tmp[QT__RULES];
    int best = -1, ok;
    for (g = 0; g < ng; g++) {
        check_grade(p, g, s, tmp, &ok);
        if (!ok)
            break;
        best = (int)g;
    }
    s->grade = best;
    /* the reasons: why the grade reached, and what the next one lacks */
    s->checks = qt__malloc(2 * QT__RULES * sizeof *s->checks);
    if (!s->checks)
        return QT_ENOMEM;
    if (best >= 0)
        n += check_grade(p, (size_t)best, s, s->checks, &ok);
    if ((size_t)(best + 1) < ng)
        n += check_grade(p, (size_t)best + 1, s, s->checks + n, &ok);
    s->nchecks = n;
    s->reasons = qt_grade_reasons(s, p, QT_REASONS_STABLE);
    return s->reasons ? QT_OK : QT_ENOMEM;
}

/* ---- the reasons in words ------------------------------------------------------- */

/* R_("reasons", s): s through the catalogue when tr (in the context "reasons": their Chinese may differ
   from the same English elsewhere, "; " is "；"), else the English as written here, the stable form.
   xgettext takes R_ as a keyword (cmake/QtGettext.cmake). */
#define R_(ctx, s) (tr ? C_(ctx, s) : (s))

/* c in words */
static void check_text(qt__strbuf *b, const qt_grade_check *c, int tr)
{
    switch (c->kind) {
    case QT_RULE_BASIC_PRESENT:
        qt__sb_printf(b, R_("reasons", "%d of %d basic present"), (int)c->value, (int)c->total);
        if (!c->pass && c->target == c->total)
            qt__sb_puts(b, R_("reasons", " (all needed)"));
        else if (!c->pass)
            qt__sb_printf(b, R_("reasons", " (%d needed)"), (int)c->target);
        break;
    case QT_RULE_QUALITY_PRESENT:
        qt__sb_printf(b, c->pass ? R_("reasons", "%d quality >= %d") : R_("reasons", "%d quality < %d"), (int)c->value,
                      (int)c->target);
        break;
    case QT_RULE_ALL_BASIC:
        qt__sb_printf(b,
                      c->pass ? R_("reasons", "all basic in reach for %.0f%% of residents >= %.0f%%")
                              : R_("reasons", "all basic in reach for %.0f%% of residents < %.0f%%"),
                      100 * c->value, 100 * c->target);
        break;
    case QT_RULE_COMMUNITIES_COVERED:
        qt__sb_printf(b, R_("reasons", "%u of %u communities covered"), (unsigned)c->value, (unsigned)c->total);
        break;
    case QT_RULE_CHAIN_SHARE:
        if (isfinite(c->value))
            qt__sb_printf(b,
                          c->pass ? R_("reasons", "chain share %.0f%% >= %.0f%%")
                                  : R_("reasons", "chain share %.0f%% < %.0f%%"),
                          100 * c->value, 100 * c->target);
        else
            qt__sb_puts(b, R_("reasons", "chain share unknown (no outlets)"));
        break;
    case QT_RULE_SATISFACTION:
        if (!isfinite(c->value))
            qt__sb_printf(b, R_("reasons", "satisfaction n = %u < %.0f, not yet valid"), (unsigned)c->total,
                          c->min_answers);
        else
            qt__sb_printf(b,
                          c->pass ? R_("reasons", "satisfaction %.0f%% (n = %u) >= %.0f%%")
                                  : R_("reasons", "satisfaction %.0f%% (n = %u) < %.0f%%"),
                          100 * c->value, (unsigned)c->total, 100 * c->target);
        break;
    }
}

static const char *const rule_names[] = {"basic_present",       "quality_present", "all_basic",
                                         "communities_covered", "chain_share",     "satisfaction"};

/* v with dec decimals, null when unknown */
static void json_num(qt__strbuf *b, const char *key, double v, int dec)
{
    qt__sb_printf(b, ",\"%s\":", key);
    if (isfinite(v))
        qt__sb_json_num(b, v, dec);
    else
        qt__sb_puts(b, "null");
}

static void check_json(qt__strbuf *b, const qt_grade_check *c)
{
    int counts = c->kind == QT_RULE_BASIC_PRESENT || c->kind == QT_RULE_QUALITY_PRESENT; /* else shares */
    qt__sb_puts(b, "{\"rule\":");
    qt__sb_json_str(b, rule_names[c->kind]);
    qt__sb_printf(b, ",\"pass\":%s", c->pass ? "true" : "false");
    json_num(b, "value", c->value, counts || c->kind == QT_RULE_COMMUNITIES_COVERED ? 0 : 4);
    json_num(b, "target", c->target, counts ? 0 : 4);
    if (isfinite(c->total))
        json_num(b, "total", c->total, 0);
    if (isfinite(c->min_answers))
        json_num(b, "min_answers", c->min_answers, 0);
    qt__sb_puts(b, "}");
}

char *qt_grade_reasons(const qt_area_stats *s, const qt_profile *p, int form)
{
    qt__strbuf b = {0};
    size_t i, ng = qt_profile_grade_count(p);
    int clause, tr = form == QT_REASONS_TEXT;
    if (form == QT_REASONS_JSON)
        qt__sb_puts(&b, "[");
    /* clause 0: the grade reached; 1: the next one, missed */
    for (clause = 0; clause < 2; clause++) {
        int g = s->grade + clause, n = 0;
        if (g < 0 || (size_t)g >= ng)
            continue;
        if (form == QT_REASONS_JSON) {
            qt__sb_printf(&b, "%s{\"grade\":", b.n > 1 ? "," : "");
            qt__sb_json_str(&b, qt_profile_grade(p, (size_t)g)->name);
            qt__sb_printf(&b, ",\"reached\":%s,\"rules\":[", clause ? "false" : "true");
        } else {
            if (b.n)
                qt__sb_puts(&b, R_("reasons", " — "));
            qt__sb_printf(&b, clause ? R_("reasons", "not %s: ") : R_("reasons", "%s: "),
                          qt_profile_grade(p, (size_t)g)->name);
        }
        for (i = 0; i < s->nchecks; i++) {
            if (s->checks[i].grade != g)
                continue;
            if (form == QT_REASONS_JSON) {
                if (n++)
                    qt__sb_puts(&b, ",");
                check_json(&b, &s->checks[i]);
            } else {
                if (n++)
                    qt__sb_puts(&b, R_("reasons", "; "));
                check_text(&b, &s->checks[i], tr);
            }
        }
        if (form == QT_REASONS_JSON)
            qt__sb_puts(&b, "]}");
    }
#undef R_
    if (form == QT_REASONS_JSON)
        qt__sb_puts(&b, "]");
    if (b.oom) {
        qt__sb_free(&b);
        return NULL;
    }
    return b.p ? qt__sb_take(&b) : qt__strdup("");
}

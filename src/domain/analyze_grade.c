/* SPDX-License-Identifier: MIT */
/*
 * analyze_grade.c -- the grade of a circle or the city (quarter/analyze.h): the
 * best profile grade whose rules hold, and the reasons why.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
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

static int grade_holds(const qt_grade_rule *g, const qt_area_stats *s, const qt_targets *t, qt__strbuf *b)
{
    int ok = 1, n = 0;
#define SEP() qt__sb_printf(b, "%s", n++ ? "; " : "")
    if (g->basic_present != -1) {
        int need = g->basic_present == -2 ? s->basic_required : g->basic_present;
        int pass = s->basic_present >= need;
        SEP();
        qt__sb_printf(b, "%d of %d basic present%s", s->basic_present, s->basic_required,
                      pass                        ? ""
                      : need == s->basic_required ? " (all needed)"
                                                  : "");
        if (!pass && need != s->basic_required)
            qt__sb_printf(b, " (%d needed)", need);
        ok &= pass;
    }
    if (g->quality_present >= 0) {
        int pass = s->quality_present >= g->quality_present;
        SEP();
        qt__sb_printf(b, "%d quality %s %d", s->quality_present, pass ? ">=" : "<", g->quality_present);
        ok &= pass;
    }
    if (isfinite(g->all_basic_share)) {
        int pass = s->all_basic >= g->all_basic_share - 1e-12;
        SEP();
        qt__sb_printf(b, "all basic in reach for %.0f%% of residents %s %.0f%%", 100 * s->all_basic, pass ? ">=" : "<",
                      100 * g->all_basic_share);
        ok &= pass;
    }
    if (isfinite(g->communities_covered)) {
        double v = s->communities ? (double)s->communities_covered / s->communities : NAN;
        int pass = v >= g->communities_covered - 1e-12;
        SEP();
        qt__sb_printf(b, "%u of %u communities covered", s->communities_covered, s->communities);
        ok &= pass;
    }
    if (isfinite(g->chain_share)) {
        double v = s->outlets ? (double)s->chain_outlets / s->outlets : NAN;
        int pass = v >= g->chain_share - 1e-12;
        SEP();
        if (isfinite(v))
            qt__sb_printf(b, "chain share %.0f%% %s %.0f%%", 100 * v, pass ? ">=" : "<", 100 * g->chain_share);
        else
            qt__sb_printf(b, "chain share unknown (no outlets)");
        ok &= pass;
    }
    if (isfinite(g->satisfaction)) {
        double need_n = t->survey_min_samples;
        SEP();
        if (s->survey_answers < need_n) {
            qt__sb_printf(b, "satisfaction n = %u < %.0f, not yet valid", s->survey_answers, need_n);
            ok = 0;
        } else {
            double v = (double)s->survey_satisfied / s->survey_answers;
            int pass = v >= g->satisfaction - 1e-12;
            qt__sb_printf(b, "satisfaction %.0f%% (n = %u) %s %.0f%%", 100 * v, s->survey_answers, pass ? ">=" : "<",
                          100 * g->satisfaction);
            ok &= pass;
        }
    }
#undef SEP
    return ok;
}

qt_status qt__analysis_grade(qt_area_stats *s, const qt_profile *p)
{
    size_t g, ng = qt_profile_grade_count(p);
    const qt_targets *t = qt_profile_targets(p);
    qt__strbuf b = {0};
    int best = -1;
    for (g = 0; g < ng; g++) {
        qt__strbuf tmp = {0};
        int ok = grade_holds(qt_profile_grade(p, g), s, t, &tmp);
        qt__free(tmp.p);
        if (tmp.oom)
            return QT_ENOMEM;
        if (!ok)
            break;
        best = (int)g;
    }
    s->grade = best;
    /* reasons: why the grade reached, and what the next one lacks */
    if (best >= 0) {
        qt__sb_printf(&b, "%s: ", qt_profile_grade(p, (size_t)best)->name);
        grade_holds(qt_profile_grade(p, (size_t)best), s, t, &b);
    }
    if ((size_t)(best + 1) < ng) {
        qt__sb_printf(&b, "%snot %s: ", b.n ? " — " : "", qt_profile_grade(p, (size_t)best + 1)->name);
        grade_holds(qt_profile_grade(p, (size_t)best + 1), s, t, &b);
    }
    if (b.oom) {
        qt__free(b.p);
        return QT_ENOMEM;
    }
    s->reasons = b.p ? b.p : qt__strdup("");
    return s->reasons ? QT_OK : QT_ENOMEM;
}

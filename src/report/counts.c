/* SPDX-License-Identifier: MIT */
/*
 * counts.c -- what the report writers share (report/report_internal.h):
 * outlets per circle and 业态, each residence's circle, the 调查表 rows and
 * the 需求清单 of an area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "report/report_internal.h"

void qt__counts_free(qt__counts *c)
{
    if (!c)
        return;
    qt__free(c->n);
    qt__free(c->chain);
    qt__free(c->staff);
    qt__free(c->with_staff);
    qt__free(c->area_m2);
    qt__free(c);
}

uint32_t *qt__community_circles(const qt_analysis *a)
{
    uint32_t *of = qt__malloc((a->ncommunities + 1) * sizeof *of);
    size_t i, k;
    if (!of)
        return NULL;
    for (k = 0; k < a->ncommunities; k++)
        of[k] = UINT32_MAX;
    for (i = a->ncircles; i-- > 0;) /* the first circle that names a community wins */
        for (k = a->circle_start[i]; k < a->circle_start[i + 1]; k++)
            of[a->circle_member[k]] = (uint32_t)i;
    return of;
}

uint32_t *qt__residence_circles(const qt_analysis *a)
{
    uint32_t *of = qt__community_circles(a), *rc;
    size_t i;
    if (!of)
        return NULL;
    rc = qt__malloc((a->nres + 1) * sizeof *rc);
    if (rc)
        for (i = 0; i < a->nres; i++)
            rc[i] = a->res_community[i] == UINT32_MAX ? UINT32_MAX : of[a->res_community[i]];
    qt__free(of);
    return rc;
}

qt_status qt__counts_new(const qt_analysis *a, const qt_analysis_input *in, qt__counts **out, qt_error *err)
{
    const qt_outlet_list *ol = in->outlets;
    size_t ncat = a->ncat, nareas = a->ncircles + 1, ncom = a->ncommunities, i, k, c;
    qt__counts *r = qt__calloc(1, sizeof *r);
    /* per community first, then the circles sum their communities */
    uint32_t *cn = NULL, *cc = NULL, *cw = NULL;
    double *cs = NULL, *ca = NULL;
    *out = NULL;
    if (!r)
        goto nomem;
    r->nareas = nareas;
    r->ncat = ncat;
    r->n = qt__calloc(nareas * ncat + 1, sizeof *r->n);
    r->chain = qt__calloc(nareas * ncat + 1, sizeof *r->chain);
    r->with_staff = qt__calloc(nareas * ncat + 1, sizeof *r->with_staff);
    r->staff = qt__calloc(nareas * ncat + 1, sizeof *r->staff);
    r->area_m2 = qt__calloc(nareas * ncat + 1, sizeof *r->area_m2);
    cn = qt__calloc(ncom * ncat + 1, sizeof *cn);
    cc = qt__calloc(ncom * ncat + 1, sizeof *cc);
    cw = qt__calloc(ncom * ncat + 1, sizeof *cw);
    cs = qt__calloc(ncom * ncat + 1, sizeof *cs);
    ca = qt__calloc(ncom * ncat + 1, sizeof *ca);
    if (!r->n || !r->chain || !r->with_staff || !r->staff || !r->area_m2 || !cn || !cc || !cw || !cs || !ca)
        goto nomem;
    for (i = 0; i < ol->n; i++) {
        int cat = ol->category[i];
        uint32_t com = a->outlet_community ? a->outlet_community[i] : UINT32_MAX;
        size_t city = a->ncircles * ncat + (size_t)cat;
        if (cat < 0 || (size_t)cat >= ncat)
            continue;
        r->n[city]++;
        r->chain[city] += ol->chain[i];
        if (isfinite(ol->staff[i])) {
            r->staff[city] += ol->staff[i];
            r->with_staff[city]++;
        }
        if (isfinite(ol->floor_area[i]))
            r->area_m2[city] += ol->floor_area[i];
        if (com == UINT32_MAX || com >= ncom)
            continue;
        k = (size_t)com * ncat + (size_t)cat;
        cn[k]++;
        cc[k] += ol->chain[i];
        if (isfinite(ol->staff[i])) {
            cs[k] += ol->staff[i];
            cw[k]++;
        }
        if (isfinite(ol->floor_area[i]))
            ca[k] += ol->floor_area[i];
    }
    for (i = 0; i < a->ncircles; i++)
        for (k = a->circle_start[i]; k < a->circle_start[i + 1]; k++) {
            size_t m = a->circle_member[k];
            for (c = 0; c < ncat; c++) {
                r->n[i * ncat + c] += cn[m * ncat + c];
                r->chain[i * ncat + c] += cc[m * ncat + c];
                r->staff[i * ncat + c] += cs[m * ncat + c];
                r->with_staff[i * ncat + c] += cw[m * ncat + c];
                r->area_m2[i * ncat + c] += ca[m * ncat + c];
            }
        }
    qt__free(cn);
    qt__free(cc);
    qt__free(cw);
    qt__free(cs);
    qt__free(ca);
    *out = r;
    return QT_OK;
nomem:
    qt__free(cn);
    qt__free(cc);
    qt__free(cw);
    qt__free(cs);
    qt__free(ca);
    qt__counts_free(r);
    return qt_error_set(err, QT_ENOMEM, "report", _("no memory"));
}

/* ---- the 调查表 ------------------------------------------------------------------ */

static const qt__survey_row rows[] = {
    {QT_CLASS_BASIC, "便利店"},         {QT_CLASS_BASIC, "综合超市"},
    {QT_CLASS_BASIC, "菜市场"},         {QT_CLASS_BASIC, "生鲜超市(菜店)"},
    {QT_CLASS_BASIC, "早餐店"},         {QT_CLASS_BASIC, "维修点"},
    {QT_CLASS_BASIC, "洗染店"},         {QT_CLASS_BASIC, "美容美发店"},
    {QT_CLASS_BASIC, "照相文印店"},     {QT_CLASS_BASIC, "药店"},
    {QT_CLASS_BASIC, "家政服务"},       {QT_CLASS_BASIC, "邮政快递综合服务点(快件箱组)"},
    {QT_CLASS_BASIC, "再生资源回收点"}, {QT_CLASS_BASIC, "其他"},
    {QT_CLASS_QUALITY, "新式书店"},     {QT_CLASS_QUALITY, "运动健身"},
    {QT_CLASS_QUALITY, "特色餐饮店"},   {QT_CLASS_QUALITY, "养老站点"},
    {QT_CLASS_QUALITY, "托育站点"},     {QT_CLASS_QUALITY, "保健养生"},
    {QT_CLASS_QUALITY, "教育培训"},     {QT_CLASS_QUALITY, "休闲娱乐"},
    {QT_CLASS_QUALITY, "其他"},
};
#define NROWS (sizeof rows / sizeof rows[0])

const qt__survey_row *qt__survey_rows(size_t *n)
{
    *n = NROWS;
    return rows;
}

/* the profile's names for what the table calls otherwise: {table row, profile name} */
static const char *const aliases[][2] = {
    {"家政服务", "家政服务点"},
    {"邮政快递综合服务点(快件箱组)", "邮政快递综合服务点"},
    {"邮政快递综合服务点(快件箱组)", "快件箱"},
    {"特色餐饮店", "特色餐饮"},
    {"养老站点", "老年康护"},
    {"养老站点", "社区养老服务机构"},
    {"托育站点", "幼儿托管"},
    {"托育站点", "幼儿托管点"},
    {"运动健身", "运动健身房"},
    {"教育培训", "培训教育点"},
    {"保健养生", "保健养生店"},
    {"维修点", "维修点(小修小补)"},
    {"生鲜超市(菜店)", "生鲜超市"},
    {"生鲜超市(菜店)", "菜店"},
};

size_t qt__survey_row_of(const qt_category *c)
{
    size_t i, other = 0;
    for (i = 0; i < NROWS; i++) {
        if ((int)rows[i].cls != (int)c->cls)
            continue;
        if (strcmp(rows[i].name, "其他") == 0)
            other = i;
        else if (strcmp(rows[i].name, c->zh) == 0)
            return i;
    }
    for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i][1], c->zh) == 0) {
            size_t k;
            for (k = 0; k < NROWS; k++)
                if ((int)rows[k].cls == (int)c->cls && strcmp(rows[k].name, aliases[i][0]) == 0)
                    return k;
        }
    return other;
}

/* ---- 需求清单 ------------------------------------------------------------------ */

static int by_unserved(const void *x, const void *y)
{
    const qt__need *a = x, *b = y;
    if (a->unserved != b->unserved)
        return a->unserved < b->unserved ? 1 : -1;
    return a->cat < b->cat ? -1 : a->cat > b->cat;
}

size_t qt__needs_of(const qt_analysis *a, const qt_area_stats *s, qt__need *out)
{
    size_t c, n = 0;
    for (c = 0; c < a->ncat; c++)
        if (s->unserved[c] > 0) {
            out[n].cat = c;
            out[n].unserved = s->unserved[c];
            out[n].coverage = s->coverage[c];
            n++;
        }
    qsort(out, n, sizeof *out, by_unserved);
    return n;
}

const char *qt__grade_name(const qt_profile *p, int g)
{
    return g >= 0 ? qt_profile_grade(p, (size_t)g)->name : "未达标";
}

char *qt__path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = qt__malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", dir, name);
    return s;
}

/* SPDX-License-Identifier: MIT */
/*
 * circles.c -- circles (生活圈) and their communities, and the
 * satisfaction survey answers counted per circle.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "io/csv.h"
#include "quarter/plan.h"

void qt_circle_list_free(qt_circle_list *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->ncircles; i++)
        qt__free(l->circle[i]);
    for (i = 0; i < l->ncommunities; i++)
        qt__free(l->community[i]);
    qt__free(l->circle);
    qt__free(l->investment);
    qt__free(l->member_start);
    qt__free(l->member);
    qt__free(l->community);
    qt__free(l->line);
    qt__free(l->path);
    qt__free(l);
}

int qt_circles_find_community(const qt_circle_list *l, const char *name)
{
    size_t i;
    for (i = 0; i < l->ncommunities; i++)
        if (strcmp(l->community[i], name) == 0)
            return (int)i;
    return -1;
}

static int find_circle(const qt_circle_list *l, const char *name)
{
    size_t i;
    for (i = 0; i < l->ncircles; i++)
        if (strcmp(l->circle[i], name) == 0)
            return (int)i;
    return -1;
}

typedef struct builder {
    qt_circle_list *l;
    size_t ccap, mcap, comcap;
    /* rows of one circle may be spread out: members are collected as (circle, community) pairs */
    uint32_t *pc, *pm;
    size_t np, pcap;
} builder;

static int add_member(builder *b, uint32_t circle, const char *name, size_t len)
{
    qt_circle_list *l = b->l;
    char buf[512];
    int k;
    size_t i;
    if (!len)
        return 0;
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    k = qt_circles_find_community(l, buf);
    if (k < 0) {
        if (qt__grow((void **)&l->community, &b->comcap, l->ncommunities + 1, sizeof *l->community) != 0 ||
            !(l->community[l->ncommunities] = qt__strdup(buf)))
            return -1;
        k = (int)l->ncommunities++;
    }
    for (i = 0; i < b->np; i++)
        if (b->pc[i] == circle && b->pm[i] == (uint32_t)k)
            return 0;
    {
        size_t c1 = b->pcap;
        if (qt__grow((void **)&b->pc, &c1, b->np + 1, sizeof *b->pc) != 0)
            return -1;
        c1 = b->pcap;
        if (qt__grow((void **)&b->pm, &c1, b->np + 1, sizeof *b->pm) != 0)
            return -1;
        b->pcap = c1;
    }
    b->pc[b->np] = circle;
    b->pm[b->np] = (uint32_t)k;
    b->np++;
    return 0;
}

/* split a list of communities at 、 ， , ; ； and white space (the ideographic space too) */
static int add_members(builder *b, uint32_t circle, const char *s)
{
    static const char *const seps[] = {"、", "，", "；", "　", ",", ";", " ", "\t", "/", "|", NULL};
    while (*s) {
        size_t best = strlen(s), sl = 0, k;
        for (k = 0; seps[k]; k++) {
            const char *q = strstr(s, seps[k]);
            if (q && (size_t)(q - s) < best) {
                best = (size_t)(q - s);
                sl = strlen(seps[k]);
            }
        }
        if (add_member(b, circle, s, best) != 0)
            return -1;
        s += best + sl;
    }
    return 0;
}

qt_status qt_circles_read(const char *path, qt_encoding enc, qt_circle_list **out, qt_error *err)
{
    qt_circles_read_opts o;
    memset(&o, 0, sizeof o);
    o.encoding = enc;
    return qt_circles_read_ex(path, &o, out, err);
}

static void table_opts(qt__table_opts *to, const qt_circles_read_opts *o)
{
    qt__table_opts_set(to, o->encoding, o->layer, o->header_row, o->on_problem, o->problem_ud);
}

/* The opening bracket of a host community in a circle's name, 大城一刻钟便民生活圈(光明社区); NULL without one. */
static const char *host_open(const char *name)
{
    const char *open = strstr(name, "(");
    return open ? open : strstr(name, "（");
}

/* One row checked: 0 when good (its investment in *inv), -1 when bad (reported). */
static int check_row(qt__csv *c, int cn, int cc, int ci, double *inv)
{
    const char *name = qt__csv_str(c, cn);
    qt_error re = QT_ERROR_INIT;
    if (!*name)
        qt__csv_failv(c, cn, &re, QT_EINVAL, _("a circle needs a name"));
    else if (!qt__csv_str(c, cc)[0] && !host_open(name))
        qt__csv_failv(c, cc, &re, QT_EINVAL, _("circle '%s' lists no community"), name);
    else if (qt__csv_opt_double(c, ci, inv, &re) != QT_OK)
        ;
    else if (isfinite(*inv) && *inv < 0)
        qt__csv_failv(c, ci, &re, QT_EINVAL, _("an investment must not be negative"));
    else
        return 0;
    qt__csv_bad(c, &re);
    return -1;
}

/* The circle named, added at the end when new (first seen on line); its index or -1 without memory. */
static int circle_of(builder *b, const char *name, size_t line)
{
    qt_circle_list *l = b->l;
    int k = find_circle(l, name);
    size_t c1;
    if (k >= 0)
        return k;
    c1 = b->ccap;
    if (qt__grow((void **)&l->circle, &c1, l->ncircles + 1, sizeof *l->circle) != 0)
        return -1;
    c1 = b->ccap;
    if (qt__grow((void **)&l->investment, &c1, l->ncircles + 1, sizeof *l->investment) != 0)
        return -1;
    c1 = b->ccap;
    if (qt__grow((void **)&l->line, &c1, l->ncircles + 1, sizeof *l->line) != 0)
        return -1;
    b->ccap = c1;
    if (!(l->circle[l->ncircles] = qt__strdup(name)))
        return -1;
    l->investment[l->ncircles] = NAN;
    l->line[l->ncircles] = line;
    return (int)l->ncircles++;
}

/* A good row into the list: its circle, investment, host community and communities. */
static int add_row(builder *b, const char *name, const char *members, double inv, size_t line)
{
    qt_circle_list *l = b->l;
    const char *open = host_open(name);
    int k = circle_of(b, name, line);
    if (k < 0)
        return -1;
    if (isfinite(inv))
        l->investment[k] = isfinite(l->investment[k]) ? l->investment[k] + inv : inv;
    if (open) {
        const char *inner = open + (*open == '(' ? 1 : strlen("（")), *close = strstr(inner, ")");
        if (!close)
            close = strstr(inner, "）");
        if (close && close > inner && add_member(b, (uint32_t)k, inner, (size_t)(close - inner)) != 0)
            return -1;
    }
    return add_members(b, (uint32_t)k, members);
}

/* The (circle, community) pairs grouped by circle, in order, into l->member_start and l->member. */
static int group_members(builder *b)
{
    qt_circle_list *l = b->l;
    size_t i, *fill;
    l->member_start = qt__calloc(l->ncircles + 1, sizeof *l->member_start);
    l->member = qt__malloc((b->np ? b->np : 1) * sizeof *l->member);
    fill = qt__malloc((l->ncircles ? l->ncircles : 1) * sizeof *fill);
    if (!l->member_start || !l->member || !fill) {
        qt__free(fill);
        return -1;
    }
    for (i = 0; i < b->np; i++)
        l->member_start[b->pc[i] + 1]++;
    for (i = 0; i < l->ncircles; i++)
        l->member_start[i + 1] += l->member_start[i];
    memcpy(fill, l->member_start, l->ncircles * sizeof *fill);
    for (i = 0; i < b->np; i++)
        l->member[fill[b->pc[i]]++] = b->pm[i];
    qt__free(fill);
    return 0;
}

qt_status qt_circles_read_ex(const char *path, const qt_circles_read_opts *o, qt_circle_list **out, qt_error *err)
{
    static const char *const c_name[] = {"circle", "name", "便民生活圈名称", "生活圈名称", "生活圈", "名称", NULL};
    static const char *const c_com[] = {"communities", "community", "包含社区", "社区", "社区名称", NULL};
    static const char *const c_inv[] = {"investment", "投资额", "建设改造投资额", "投资额(万元)", NULL};
    qt__csv c;
    qt__table_opts to;
    builder b;
    qt_circle_list *l;
    int cn, cc, ci, r, oom = 0;
    qt_status st;
    *out = NULL;
    memset(&b, 0, sizeof b);
    table_opts(&to, o);
    st = qt__table_open_opts(&c, path, &to, err);
    if (st != QT_OK)
        return st;
    if ((st = qt__csv_pick(&c, NULL, c_name, 1, "circle name", &cn, err)) ||
        (st = qt__csv_pick(&c, NULL, c_com, 1, "communities", &cc, err)) ||
        (st = qt__csv_pick(&c, NULL, c_inv, 0, "investment", &ci, err))) {
        qt__csv_close(&c);
        return st;
    }
    l = b.l = qt__calloc(1, sizeof *l);
    if (l && !(l->path = qt__strdup(path))) {
        qt__free(l);
        l = NULL;
    }
    if (!l) {
        qt__csv_close(&c);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    /* a bad row is reported and the next one read: every bad row in one run */
    while (!oom && (r = qt__csv_next(&c, err)) > 0) {
        double inv;
        if (check_row(&c, cn, cc, ci, &inv) != 0 || c.nbad)
            continue; /* after a bad row the table fails anyway: only look for more bad rows */
        oom = add_row(&b, qt__csv_str(&c, cn), qt__csv_str(&c, cc), inv, c.line) != 0;
    }
    if (oom)
        st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    else if ((st = qt__csv_rows_end(&c, r, err)) != QT_OK)
        ;
    else if (!l->ncircles)
        st = qt_error_set(err, QT_EINVAL, path, _("no circle in the file"));
    else if (group_members(&b) != 0)
        st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    qt__free(b.pc);
    qt__free(b.pm);
    qt__csv_close(&c);
    if (st != QT_OK) {
        qt_circle_list_free(l);
        return st;
    }
    *out = l;
    return QT_OK;
}

void qt_survey_free(qt_survey *s)
{
    if (!s)
        return;
    qt__free(s->answers);
    qt__free(s->satisfied);
    qt__free(s);
}

/* 1 satisfied, 0 not, -1 not an answer */
static int answer(const char *s)
{
    static const char *const yes[] = {"1", "是", "满意", "非常满意", "基本满意", "比较满意", "yes", "y", "true", NULL};
    static const char *const no[] = {"0", "否", "不满意", "非常不满意", "一般", "no", "n", "false", NULL};
    size_t i;
    for (i = 0; yes[i]; i++)
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
    for (i = 0; no[i]; i++)
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    return -1;
}

qt_status qt_survey_read(const char *path, qt_encoding enc, const qt_circle_list *circles, qt_survey **out,
                         qt_error *err)
{
    qt_circles_read_opts o;
    memset(&o, 0, sizeof o);
    o.encoding = enc;
    return qt_survey_read_ex(path, &o, circles, out, err);
}

qt_status qt_survey_read_ex(const char *path, const qt_circles_read_opts *o, const qt_circle_list *circles,
                            qt_survey **out, qt_error *err)
{
    static const char *const c_circle[] = {"circle", "生活圈", "便民生活圈名称", "生活圈名称", NULL};
    static const char *const c_sat[] = {"satisfied", "满意", "是否满意", "满意度", NULL};
    static const char *const c_score[] = {"score", "评分", "得分", NULL};
    qt__csv c;
    qt__table_opts to;
    qt_survey *s;
    int cc, cs, cg, r;
    qt_status st;
    *out = NULL;
    table_opts(&to, o);
    st = qt__table_open_opts(&c, path, &to, err);
    if (st != QT_OK)
        return st;
    if ((st = qt__csv_pick(&c, NULL, c_circle, 1, "circle", &cc, err)) ||
        (st = qt__csv_pick(&c, NULL, c_sat, 0, "satisfied", &cs, err)) ||
        (st = qt__csv_pick(&c, NULL, c_score, 0, "score", &cg, err))) {
        qt__csv_close(&c);
        return st;
    }
    if (cs < 0 && cg < 0) {
        qt__csv_close(&c);
        return qt_error_set(err, QT_EPARSE, path, _("no satisfied or score column"));
    }
    s = qt__calloc(1, sizeof *s);
    if (s) {
        s->ncircles = circles->ncircles;
        s->answers = qt__calloc(circles->ncircles + 1, sizeof *s->answers);
        s->satisfied = qt__calloc(circles->ncircles + 1, sizeof *s->satisfied);
    }
    if (!s || !s->answers || !s->satisfied) {
        qt__csv_close(&c);
        qt_survey_free(s);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    while ((r = qt__csv_next(&c, err)) > 0) {
        int k = find_circle(circles, qt__csv_str(&c, cc)), a;
        qt_error re = QT_ERROR_INIT;
        if (k < 0) {
            qt__csv_failv(&c, cc, &re, QT_EINVAL, _("'%s' is not a circle of the circles file"), qt__csv_str(&c, cc));
            goto bad_row;
        }
        if (cs >= 0 && c.field[cs][0]) {
            a = answer(c.field[cs]);
            if (a < 0) {
                qt__csv_failv(&c, cs, &re, QT_EINVAL, _("'%s' is not an answer (是/否, yes/no, 1/0, 满意/不满意)"),
                              c.field[cs]);
                goto bad_row;
            }
        } else {
            double v;
            if (qt__csv_double(&c, cg, &v, &re) != QT_OK)
                goto bad_row;
            if (v < 1 || v > 5) {
                qt__csv_failv(&c, cg, &re, QT_EINVAL, _("a score is 1 to 5, not %g"), v);
                goto bad_row;
            }
            a = v >= 4;
        }
        if (c.nbad)
            continue; /* the table fails anyway: only look for more bad rows */
        s->answers[k]++;
        s->satisfied[k] += (uint32_t)a;
        continue;
    bad_row:
        qt__csv_bad(&c, &re);
    }
    if ((st = qt__csv_rows_end(&c, r, err)) != QT_OK)
        goto fail;
    qt__csv_close(&c);
    *out = s;
    return QT_OK;
fail:
    qt__csv_close(&c);
    qt_survey_free(s);
    return st;
}

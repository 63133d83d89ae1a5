/* SPDX-License-Identifier: MIT */
/*
 * profile.c -- load, validate and apply the 业态 profile (format in
 * include/quarter/profile.h and docs/profile.md).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/ini.h"
#include "quarter/profile.h"

typedef enum ckind { C_OSM, C_AMAP, C_TYPE, C_NAME } ckind;

typedef struct alt {
    char *a; /* osm key, code prefix, or text */
    char *b; /* osm value ("*" for any); NULL otherwise */
} alt;

typedef struct cond {
    ckind kind;
    int negate;
    alt *alts;
    size_t nalt;
} cond;

typedef struct rule {
    int cat;
    int line;
    cond *conds;
    size_t ncond;
} rule;

typedef struct cat_entry {
    qt_category pub;
    int line;
    int has_ring, has_required;
    const char **aliases; /* other labels a bureau writes for it (alias = A|B), normalised */
    size_t nalias, aliascap;
} cat_entry;

enum { SEC_NONE, SEC_PROFILE, SEC_CATEGORY, SEC_TARGETS, SEC_GRADE, SEC_POPULATION, SEC_EXCLUDE };

struct qt_profile {
    char *name;
    double speed, speed_elderly, speed_winter, basic_min, quality_min;
    cat_entry *cats;
    size_t ncat, catcap;
    rule *rules;
    size_t nrule, rulecap;
    qt_targets targets;
    qt_grade_rule *grades;
    size_t ngrade, gradecap;
    qt_population_rule population;
    char **strings; /* everything strdup'ed, freed together */
    size_t nstr, strcap;
};

static char *keep(qt_profile *p, const char *s, size_t n)
{
    char *c;
    if (qt__grow((void **)&p->strings, &p->strcap, p->nstr + 1, sizeof *p->strings) != 0)
        return NULL;
    c = qt__malloc(n + 1);
    if (!c)
        return NULL;
    memcpy(c, s, n);
    c[n] = '\0';
    p->strings[p->nstr++] = c;
    return c;
}

void qt_profile_free(qt_profile *p)
{
    size_t i;
    if (!p)
        return;
    for (i = 0; i < p->nrule; i++) {
        size_t k;
        for (k = 0; k < p->rules[i].ncond; k++)
            qt__free(p->rules[i].conds[k].alts);
        qt__free(p->rules[i].conds);
    }
    for (i = 0; i < p->nstr; i++)
        qt__free(p->strings[i]);
    qt__free(p->strings);
    qt__free(p->rules);
    for (i = 0; i < p->ncat; i++)
        qt__free(p->cats[i].aliases);
    qt__free(p->cats);
    qt__free(p->grades);
    qt__free(p);
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct parser {
    const char *path;
    int line;
    qt_profile *p;
    qt_error *err;
    int sec, cat; /* the section being read; the category or grade it defines */
} parser;

static qt_status fail(parser *ps, const char *key, qt_status code, const char *fmt, ...) QT_PRINTF(4, 5);

static qt_status fail(parser *ps, const char *key, qt_status code, const char *fmt, ...)
{
    char where[300];
    va_list ap;
    if (key)
        snprintf(where, sizeof where, "%s:%d: key '%s'", ps->path, ps->line, key);
    else
        snprintf(where, sizeof where, "%s:%d", ps->path, ps->line);
    va_start(ap, fmt);
    qt_error_setv(ps->err, code, where, fmt, ap);
    va_end(ap);
    return code;
}

static qt_status number(parser *ps, const char *key, const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(*out))
        return fail(ps, key, QT_EPARSE, _("'%s' is not a number"), v);
    if (*out < lo || *out > hi)
        return fail(ps, key, QT_EINVAL, _("%g is outside %g..%g"), *out, lo, hi);
    return QT_OK;
}

/* a share: "30%" or "0.3" */
static qt_status share(parser *ps, const char *key, const char *v, double *out)
{
    char buf[64];
    size_t n = strlen(v);
    int pct = n > 0 && v[n - 1] == '%';
    qt_status st;
    if (n >= sizeof buf)
        return fail(ps, key, QT_EPARSE, _("'%s' is not a share (e.g. 30%% or 0.3)"), v);
    memcpy(buf, v, n + 1);
    if (pct)
        buf[n - 1] = '\0';
    st = number(ps, key, qt__ini_trim(buf), 0, pct ? 100 : 1, out);
    if (st == QT_OK && pct)
        *out /= 100;
    return st;
}

static qt_status yesno(parser *ps, const char *key, const char *v, int *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = 1;
    else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = 0;
    else
        return fail(ps, key, QT_EINVAL, _("'%s' is not yes or no"), v);
    return QT_OK;
}

/* "amap:060200" -> "0602": trailing 00 pairs only widen the class */
static qt_status amap_prefix(parser *ps, const char *s, size_t n, alt *out)
{
    size_t i;
    if (n != 2 && n != 4 && n != 6)
        goto bad;
    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            goto bad;
    while (n > 2 && s[n - 1] == '0' && s[n - 2] == '0')
        n -= 2;
    out->a = keep(ps->p, s, n);
    out->b = NULL;
    return out->a ? QT_OK : fail(ps, "match", QT_ENOMEM, _("no memory"));
bad:
    return fail(ps, "match", QT_EINVAL, _("amap code '%.*s' is not 2, 4 or 6 digits"), (int)n, s);
}

static qt_status parse_cond(parser *ps, char *tok, cond *c)
{
    char *body, *s;
    memset(c, 0, sizeof *c);
    if (*tok == '!') {
        c->negate = 1;
        tok++;
    }
    body = strchr(tok, ':');
    if (!body)
        return fail(ps, "match", QT_EPARSE, _("condition '%s' has no 'kind:' (osm, amap, type, name)"), tok);
    *body++ = '\0';
    if (strcmp(tok, "osm") == 0)
        c->kind = C_OSM;
    else if (strcmp(tok, "amap") == 0)
        c->kind = C_AMAP;
    else if (strcmp(tok, "type") == 0)
        c->kind = C_TYPE;
    else if (strcmp(tok, "name") == 0)
        c->kind = C_NAME;
    else
        return fail(ps, "match", QT_EINVAL, _("unknown condition kind '%s' (osm, amap, type, name)"), tok);
    if (!*body)
        return fail(ps, "match", QT_EPARSE, _("condition '%s:' is empty"), tok);
    for (s = body;;) {
        char *bar = strchr(s, '|');
        size_t n = bar ? (size_t)(bar - s) : strlen(s);
        size_t cap = c->nalt;
        alt *a;
        qt_status st;
        if (!n)
            return fail(ps, "match", QT_EPARSE, _("empty alternative in '%s:%s'"), tok, body);
        if (qt__grow((void **)&c->alts, &cap, c->nalt + 1, sizeof *c->alts) != 0)
            return fail(ps, "match", QT_ENOMEM, _("no memory"));
        a = &c->alts[c->nalt++];
        a->a = a->b = NULL;
        if (c->kind == C_AMAP) {
            if ((st = amap_prefix(ps, s, n, a)) != QT_OK)
                return st;
        } else if (c->kind == C_OSM) {
            const char *eq = memchr(s, '=', n);
            if (!eq || eq == s || eq == s + n - 1)
                return fail(ps, "match", QT_EPARSE, _("osm condition '%.*s' is not KEY=VALUE"), (int)n, s);
            a->a = keep(ps->p, s, (size_t)(eq - s));
            a->b = keep(ps->p, eq + 1, n - (size_t)(eq - s) - 1);
        } else {
            a->a = keep(ps->p, s, n);
        }
        if (!a->a || (c->kind == C_OSM && !a->b))
            return fail(ps, "match", QT_ENOMEM, _("no memory"));
        if (!bar)
            break;
        s = bar + 1;
    }
    return QT_OK;
}

static qt_status parse_rule(parser *ps, int cat, char *v)
{
    qt_profile *p = ps->p;
    rule r;
    char *tok, *save = NULL;
    size_t cap = 0;
    qt_status st = QT_OK;
    memset(&r, 0, sizeof r);
    r.cat = cat;
    r.line = ps->line;
    for (tok = strtok_r(v, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (qt__grow((void **)&r.conds, &cap, r.ncond + 1, sizeof *r.conds) != 0) {
            st = fail(ps, "match", QT_ENOMEM, _("no memory"));
            break;
        }
        st = parse_cond(ps, tok, &r.conds[r.ncond]);
        r.ncond++;
        if (st != QT_OK)
            break;
    }
    if (st == QT_OK && r.ncond == 0)
        st = fail(ps, "match", QT_EPARSE, _("a rule needs at least one condition"));
    if (st == QT_OK) {
        size_t k, pos = 0;
        for (k = 0; k < r.ncond; k++)
            pos += !r.conds[k].negate;
        if (!pos)
            st = fail(ps, "match", QT_EINVAL, _("a rule needs a condition that is not negated"));
    }
    if (st == QT_OK && qt__grow((void **)&p->rules, &p->rulecap, p->nrule + 1, sizeof *p->rules) != 0)
        st = fail(ps, "match", QT_ENOMEM, _("no memory"));
    if (st != QT_OK) {
        size_t k;
        for (k = 0; k < r.ncond; k++)
            qt__free(r.conds[k].alts);
        qt__free(r.conds);
        return st;
    }
    p->rules[p->nrule++] = r;
    return QT_OK;
}

static int valid_code(const char *s)
{
    size_t i, n = strlen(s);
    if (!n || n > 15)
        return 0;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return 0;
    return 1;
}

static qt_status section(parser *ps, const char *h, const char *arg, int *sec, int *cat)
{
    qt_profile *p = ps->p;
    size_t i;
    if (!arg && strcmp(h, "profile") == 0) {
        *sec = SEC_PROFILE;
        return QT_OK;
    }
    if (!arg && strcmp(h, "targets") == 0) {
        *sec = SEC_TARGETS;
        return QT_OK;
    }
    if (!arg && strcmp(h, "population") == 0) {
        *sec = SEC_POPULATION;
        return QT_OK;
    }
    if (!arg && strcmp(h, "exclude") == 0) {
        *sec = SEC_EXCLUDE;
        *cat = -1;
        return QT_OK;
    }
    if (strcmp(h, "grade") == 0) {
        qt_grade_rule *g;
        if (!arg || !*arg)
            return fail(ps, NULL, QT_EPARSE, _("[grade NAME] needs a name, e.g. [grade 基础型]"));
        for (i = 0; i < p->ngrade; i++)
            if (strcmp(p->grades[i].name, arg) == 0)
                return fail(ps, NULL, QT_ECONFLICT, _("grade %s is defined twice"), arg);
        if (qt__grow((void **)&p->grades, &p->gradecap, p->ngrade + 1, sizeof *p->grades) != 0)
            return fail(ps, NULL, QT_ENOMEM, _("no memory"));
        g = &p->grades[p->ngrade];
        g->name = keep(p, arg, strlen(arg));
        if (!g->name)
            return fail(ps, NULL, QT_ENOMEM, _("no memory"));
        g->basic_present = -1;
        g->quality_present = -1;
        g->all_basic_share = g->communities_covered = g->chain_share = g->satisfaction = NAN;
        *cat = (int)p->ngrade++;
        *sec = SEC_GRADE;
        return QT_OK;
    }
    if (strcmp(h, "category") != 0)
        return fail(ps, NULL, QT_EPARSE,
                    _("unknown section [%s] (profile, category CODE, exclude, targets, grade NAME, population)"), h);
    if (!arg || !valid_code(arg))
        return fail(ps, NULL, QT_EPARSE, _("[category CODE] needs a code of letters, digits, '_' or '-'"));
    for (i = 0; i < p->ncat; i++)
        if (strcmp(p->cats[i].pub.code, arg) == 0)
            return fail(ps, NULL, QT_ECONFLICT, _("category %s is defined twice (first on line %d)"), arg,
                        p->cats[i].line);
    if (qt__grow((void **)&p->cats, &p->catcap, p->ncat + 1, sizeof *p->cats) != 0)
        return fail(ps, NULL, QT_ENOMEM, _("no memory"));
    memset(&p->cats[p->ncat], 0, sizeof p->cats[p->ncat]);
    p->cats[p->ncat].pub.code = keep(p, arg, strlen(arg));
    p->cats[p->ncat].pub.cls = (qt_cat_class)-1;
    p->cats[p->ncat].line = ps->line;
    if (!p->cats[p->ncat].pub.code)
        return fail(ps, NULL, QT_ENOMEM, _("no memory"));
    *cat = (int)p->ncat++;
    *sec = SEC_CATEGORY;
    return QT_OK;
}

/* A target or grade share: "none" clears it. */
static qt_status opt_share(parser *ps, const char *k, const char *v, double *out)
{
    if (strcmp(v, "none") == 0) {
        *out = NAN;
        return QT_OK;
    }
    return share(ps, k, v, out);
}

static qt_status target_key(parser *ps, const char *k, const char *v)
{
    static const struct {
        const char *key;
        size_t off;
        int is_share;
    } keys[] = {
        {"present_share", offsetof(qt_targets, present_share), 1},
        {"residents_all_basic", offsetof(qt_targets, residents_all_basic), 1},
        {"community_covered_share", offsetof(qt_targets, community_covered_share), 1},
        {"communities_covered", offsetof(qt_targets, communities_covered), 1},
        {"category_coverage", offsetof(qt_targets, category_coverage), 1},
        {"outlets_per_10k", offsetof(qt_targets, outlets_per_10k), 0},
        {"chain_share", offsetof(qt_targets, chain_share), 1},
        {"floor_area_share", offsetof(qt_targets, floor_area_share), 1},
        {"area_per_100_households", offsetof(qt_targets, area_per_100_households), 0},
        {"satisfaction", offsetof(qt_targets, satisfaction), 1},
        {"survey_min_samples", offsetof(qt_targets, survey_min_samples), 0},
    };
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        double *dst = (double *)(void *)((char *)&ps->p->targets + keys[i].off);
        if (strcmp(k, keys[i].key) != 0)
            continue;
        if (keys[i].is_share)
            return opt_share(ps, k, v, dst);
        if (strcmp(v, "none") == 0) {
            *dst = NAN;
            return QT_OK;
        }
        return number(ps, k, v, 0, 1e9, dst);
    }
    return fail(ps, k, QT_EINVAL,
                _("unknown key in [targets] (present_share, residents_all_basic, community_covered_share, "
                  "communities_covered, category_coverage, outlets_per_10k, chain_share, floor_area_share, "
                  "area_per_100_households, satisfaction, survey_min_samples)"));
}

static qt_status count_key(parser *ps, const char *k, const char *v, int allow_all, int *out)
{
    double d;
    qt_status st;
    if (allow_all && strcmp(v, "all") == 0) {
        *out = -2;
        return QT_OK;
    }
    st = number(ps, k, v, 0, 1000, &d);
    if (st == QT_OK && d != floor(d))
        st = fail(ps, k, QT_EINVAL, _("%g is not a whole number"), d);
    if (st == QT_OK)
        *out = (int)d;
    return st;
}

static qt_status grade_key(parser *ps, qt_grade_rule *g, const char *k, const char *v)
{
    if (strcmp(k, "basic_present") == 0)
        return count_key(ps, k, v, 1, &g->basic_present);
    if (strcmp(k, "quality_present") == 0)
        return count_key(ps, k, v, 0, &g->quality_present);
    if (strcmp(k, "all_basic_share") == 0)
        return opt_share(ps, k, v, &g->all_basic_share);
    if (strcmp(k, "communities_covered") == 0)
        return opt_share(ps, k, v, &g->communities_covered);
    if (strcmp(k, "chain_share") == 0)
        return opt_share(ps, k, v, &g->chain_share);
    if (strcmp(k, "satisfaction") == 0)
        return opt_share(ps, k, v, &g->satisfaction);
    return fail(ps, k, QT_EINVAL,
                _("unknown key in [grade] (basic_present, quality_present, all_basic_share, "
                  "communities_covered, chain_share, satisfaction)"));
}

static qt_status parse_alias(parser *ps, int cat, char *v);

static qt_status keyval(parser *ps, int sec, int cat, const char *k, char *v)
{
    qt_profile *p = ps->p;
    if (sec == SEC_NONE)
        return fail(ps, k, QT_EPARSE, _("comes before any [section]"));
    if (sec == SEC_TARGETS)
        return target_key(ps, k, v);
    if (sec == SEC_EXCLUDE) {
        if (strcmp(k, "match") == 0)
            return parse_rule(ps, -1, v);
        return fail(ps, k, QT_EINVAL, _("unknown key in [exclude] (match)"));
    }
    if (sec == SEC_GRADE)
        return grade_key(ps, &p->grades[cat], k, v);
    if (sec == SEC_POPULATION) {
        qt_population_rule *r = &p->population;
        if (strcmp(k, "m2_per_person") == 0)
            return number(ps, k, v, 1, 1000, &r->m2_per_person);
        if (strcmp(k, "household_size") == 0)
            return number(ps, k, v, 1, 20, &r->household_size);
        if (strcmp(k, "default_levels") == 0)
            return number(ps, k, v, 1, 200, &r->default_levels);
        return fail(ps, k, QT_EINVAL, _("unknown key in [population] (m2_per_person, household_size, default_levels)"));
    }
    if (sec == SEC_PROFILE) {
        if (strcmp(k, "name") == 0)
            return (p->name = keep(p, v, strlen(v))) ? QT_OK : fail(ps, k, QT_ENOMEM, _("no memory"));
        if (strcmp(k, "speed_kmh") == 0)
            return number(ps, k, v, 0.5, 15, &p->speed);
        if (strcmp(k, "speed_elderly_kmh") == 0)
            return number(ps, k, v, 0.5, 15, &p->speed_elderly);
        if (strcmp(k, "speed_winter_kmh") == 0)
            return number(ps, k, v, 0.5, 15, &p->speed_winter);
        if (strcmp(k, "basic_minutes") == 0)
            return number(ps, k, v, 1, 120, &p->basic_min);
        if (strcmp(k, "quality_minutes") == 0)
            return number(ps, k, v, 1, 120, &p->quality_min);
        return fail(ps, k, QT_EINVAL,
                    _("unknown key in [profile] (name, speed_kmh, speed_elderly_kmh, speed_winter_kmh, "
                      "basic_minutes, quality_minutes)"));
    }
    {
        cat_entry *c = &p->cats[cat];
        if (strcmp(k, "zh") == 0 || strcmp(k, "en") == 0) {
            const char **dst = k[0] == 'z' ? &c->pub.zh : &c->pub.en;
            if (*dst)
                return fail(ps, k, QT_ECONFLICT, _("given twice for category %s"), c->pub.code);
            *dst = keep(p, v, strlen(v));
            return *dst ? QT_OK : fail(ps, k, QT_ENOMEM, _("no memory"));
        }
        if (strcmp(k, "class") == 0) {
            if (strcmp(v, "basic") == 0)
                c->pub.cls = QT_CLASS_BASIC;
            else if (strcmp(v, "quality") == 0)
                c->pub.cls = QT_CLASS_QUALITY;
            else
                return fail(ps, k, QT_EINVAL, _("'%s' is not basic or quality"), v);
            return QT_OK;
        }
        if (strcmp(k, "ring_min") == 0) {
            c->has_ring = 1;
            return number(ps, k, v, 1, 120, &c->pub.ring_min);
        }
        if (strcmp(k, "required") == 0) {
            c->has_required = 1;
            return yesno(ps, k, v, &c->pub.required);
        }
        if (strcmp(k, "match") == 0)
            return parse_rule(ps, cat, v);
        if (strcmp(k, "alias") == 0)
            return parse_alias(ps, cat, v);
        return fail(ps, k, QT_EINVAL, _("unknown key in [category] (zh, en, class, ring_min, required, alias, match)"));
    }
}

/*
 * A label as a bureau writes it, normalised for comparison: spaces (ASCII
 * and the full-width U+3000) dropped, full-width brackets （） written as
 * ASCII (), ASCII letters lower-cased.  out has room for n bytes.
 */
static void norm_label(const char *s, char *out, size_t n)
{
    size_t o = 0;
    while (*s && o + 1 < n) {
        const unsigned char *u = (const unsigned char *)s;
        if (*s == ' ' || *s == '\t') {
            s++;
        } else if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) { /* U+3000 */
            s += 3;
        } else if (u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x88 || u[2] == 0x89)) { /* （ ） */
            out[o++] = u[2] == 0x88 ? '(' : ')';
            s += 3;
        } else {
            out[o++] = (char)tolower(u[0]);
            s++;
        }
    }
    out[o] = '\0';
}

static int label_is(const char *have, const char *label_norm)
{
    char buf[256];
    norm_label(have, buf, sizeof buf);
    return strcmp(buf, label_norm) == 0;
}

/* the category (other than self) already answering to this normalised label, or -1 */
static int label_owner(const qt_profile *p, const char *norm, int self)
{
    size_t i, k;
    for (i = 0; i < p->ncat; i++) {
        const cat_entry *c = &p->cats[i];
        if ((int)i == self)
            continue;
        if (label_is(c->pub.code, norm) || (c->pub.zh && label_is(c->pub.zh, norm)) ||
            (c->pub.en && label_is(c->pub.en, norm)))
            return (int)i;
        for (k = 0; k < c->nalias; k++)
            if (strcmp(c->aliases[k], norm) == 0)
                return (int)i;
    }
    return -1;
}

/* alias = A|B|C: more labels for category cat; one label names one category */
static qt_status parse_alias(parser *ps, int cat, char *v)
{
    qt_profile *p = ps->p;
    cat_entry *c = &p->cats[cat];
    char *s = v;
    while (s) {
        char *bar = strchr(s, '|'), norm[256];
        int other;
        if (bar)
            *bar = '\0';
        norm_label(s, norm, sizeof norm);
        if (!norm[0])
            return fail(ps, "alias", QT_EPARSE, _("empty label in the alias list"));
        if ((other = label_owner(p, norm, cat)) >= 0)
            return fail(ps, "alias", QT_ECONFLICT, _("'%s' already names category %s"), s, p->cats[other].pub.code);
        if (qt__grow((void **)&c->aliases, &c->aliascap, c->nalias + 1, sizeof *c->aliases) != 0 ||
            !(c->aliases[c->nalias] = keep(p, norm, strlen(norm))))
            return fail(ps, "alias", QT_ENOMEM, _("no memory"));
        c->nalias++;
        s = bar ? bar + 1 : NULL;
    }
    return QT_OK;
}

static qt_status finish(parser *ps)
{
    qt_profile *p = ps->p;
    size_t i;
    if (!p->name)
        return fail(ps, "name", QT_EINVAL, _("the [profile] section needs a name"));
    if (!p->ncat)
        return fail(ps, NULL, QT_EINVAL, _("the profile defines no [category]"));
    for (i = 0; i < p->ncat; i++) {
        cat_entry *c = &p->cats[i];
        ps->line = c->line;
        if (!c->pub.zh)
            return fail(ps, "zh", QT_EINVAL, _("category %s has no Chinese name"), c->pub.code);
        if (!c->pub.en)
            return fail(ps, "en", QT_EINVAL, _("category %s has no English name"), c->pub.code);
        {
            char norm[256];
            int other;
            norm_label(c->pub.zh, norm, sizeof norm);
            if ((other = label_owner(p, norm, (int)i)) >= 0)
                return fail(ps, "zh", QT_ECONFLICT, _("'%s' also names category %s"), c->pub.zh,
                            p->cats[other].pub.code);
        }
        if ((int)c->pub.cls < 0)
            return fail(ps, "class", QT_EINVAL, _("category %s has no class (basic or quality)"), c->pub.code);
        if (!c->has_ring)
            c->pub.ring_min = c->pub.cls == QT_CLASS_BASIC ? p->basic_min : p->quality_min;
        if (!c->has_required)
            c->pub.required = c->pub.cls == QT_CLASS_BASIC;
    }
    return QT_OK;
}

/* one header or key of the file (base/ini.h) */
static qt_status on_line(void *ud, int line, const char *sec, const char *arg, const char *k, const char *v,
                         qt_error *err)
{
    parser *ps = ud;
    char buf[4096];
    (void)err;
    ps->line = line;
    if (!k)
        return section(ps, sec, arg, &ps->sec, &ps->cat);
    snprintf(buf, sizeof buf, "%s", v); /* the rule parser splits its value in place */
    return keyval(ps, ps->sec, ps->cat, k, buf);
}

qt_status qt_profile_load(const char *path, qt_profile **out, qt_error *err)
{
    parser ps;
    qt_status st;
    qt_profile *p;
    *out = NULL;
    p = qt__calloc(1, sizeof *p);
    if (!p)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    p->speed = 4.0;
    p->basic_min = 10;
    p->quality_min = 15;
    p->targets.present_share = 0.5;
    p->targets.residents_all_basic = 1.0;
    p->targets.community_covered_share = 0.5;
    p->targets.communities_covered = 1.0;
    p->targets.category_coverage = NAN;
    p->targets.outlets_per_10k = NAN;
    p->targets.chain_share = 0.30;
    p->targets.floor_area_share = 0.10;
    p->targets.area_per_100_households = 30;
    p->targets.satisfaction = 0.90;
    p->targets.survey_min_samples = 50;
    p->population.m2_per_person = 36;
    p->population.household_size = 2.62;
    p->population.default_levels = 6;
    ps.path = path;
    ps.line = 0;
    ps.p = p;
    ps.err = err;
    ps.sec = 0;
    ps.cat = -1;
    st = qt__ini_read(path, on_line, &ps, err);
    if (st == QT_OK)
        st = finish(&ps);
    if (st != QT_OK) {
        qt_profile_free(p);
        return st;
    }
    *out = p;
    return QT_OK;
}

/* ---- queries ------------------------------------------------------------- */

const char *qt_profile_name(const qt_profile *p)
{
    return p->name;
}

size_t qt_profile_category_count(const qt_profile *p)
{
    return p->ncat;
}

const qt_category *qt_profile_category(const qt_profile *p, size_t i)
{
    return i < p->ncat ? &p->cats[i].pub : NULL;
}

const qt_targets *qt_profile_targets(const qt_profile *p)
{
    return &p->targets;
}

size_t qt_profile_grade_count(const qt_profile *p)
{
    return p->ngrade;
}

const qt_grade_rule *qt_profile_grade(const qt_profile *p, size_t i)
{
    return i < p->ngrade ? &p->grades[i] : NULL;
}

const qt_population_rule *qt_profile_population(const qt_profile *p)
{
    return &p->population;
}

int qt_profile_find(const qt_profile *p, const char *s)
{
    size_t i;
    char norm[256];
    if (!s)
        return -1;
    for (i = 0; i < p->ncat; i++)
        if (strcmp(p->cats[i].pub.code, s) == 0 || strcmp(p->cats[i].pub.zh, s) == 0)
            return (int)i;
    norm_label(s, norm, sizeof norm);
    return norm[0] ? label_owner(p, norm, -1) : -1;
}

double qt_profile_speed_kmh(const qt_profile *p, const char *which)
{
    if (!which || strcmp(which, "default") == 0)
        return p->speed;
    if (strcmp(which, "elderly") == 0)
        return p->speed_elderly;
    if (strcmp(which, "winter") == 0)
        return p->speed_winter;
    return 0;
}

/* ---- classification ------------------------------------------------------ */

/* substring, ASCII letters compared without case (brand names: 7-ELEVEn) */
static int contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i;
        for (i = 0; i < n; i++)
            if (tolower((unsigned char)hay[i]) != tolower((unsigned char)needle[i]))
                break;
        if (i == n)
            return 1;
    }
    return 0;
}

/* contains() within the first n bytes of hay */
static int contains_n(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle), i, k;
    for (i = 0; i + m <= n; i++) {
        for (k = 0; k < m; k++)
            if (tolower((unsigned char)hay[i + k]) != tolower((unsigned char)needle[k]))
                break;
        if (k == m)
            return 1;
    }
    return 0;
}

/* weight of the best alternative that holds (0 when none; negated handled by the caller) */
static int cond_weight(const cond *c, const qt_outlet_facts *f)
{
    size_t i, t;
    int best = 0;
    for (i = 0; i < c->nalt; i++) {
        const alt *a = &c->alts[i];
        switch (c->kind) {
        case C_OSM:
            for (t = 0; t < f->ntags; t++)
                if (strcmp(f->osm_tags[2 * t], a->a) == 0 &&
                    (strcmp(a->b, "*") == 0 || strcmp(f->osm_tags[2 * t + 1], a->b) == 0))
                    return 10;
            break;
        case C_AMAP:
            if (f->amap_code) {
                const char *s = f->amap_code;
                size_t n = strlen(a->a);
                int later = 0;
                while (*s) { /* codes joined by '|': the first is Amap's main type, later ones weigh one less */
                    if (strncmp(s, a->a, n) == 0 && (int)n - later > best)
                        best = (int)n - later;
                    s += strcspn(s, "|");
                    if (*s)
                        s++;
                    later = 1;
                }
            }
            break;
        case C_TYPE:
            if (f->amap_type) {
                const char *bar = strchr(f->amap_type, '|');
                int w = contains_n(f->amap_type, bar ? (size_t)(bar - f->amap_type) : strlen(f->amap_type), a->a) ? 3
                        : contains(f->amap_type, a->a)                                                            ? 2
                                                       : 0; /* a later type path weighs less */
                if (w > best)
                    best = w;
            }
            break;
        case C_NAME:
            if (f->name && contains(f->name, a->a))
                return 3;
            break;
        }
    }
    return best;
}

int qt_profile_classify(const qt_profile *p, const qt_outlet_facts *f, int *rule_line)
{
    size_t r, k;
    int best = -1, best_w = 0, line = 0, ex_w = 0, ex_line = 0;
    for (r = 0; r < p->nrule; r++) {
        const rule *ru = &p->rules[r];
        int w = 0, ok = 1;
        for (k = 0; ok && k < ru->ncond; k++) {
            int cw = cond_weight(&ru->conds[k], f);
            if (ru->conds[k].negate)
                ok = cw == 0;
            else if (cw == 0)
                ok = 0;
            else
                w += cw;
        }
        if (ok && ru->cat < 0) {
            if (w > ex_w) {
                ex_w = w;
                ex_line = ru->line;
            }
        } else if (ok && w > best_w) {
            best_w = w;
            best = ru->cat;
            line = ru->line;
        }
    }
    if (ex_w > 0 && ex_w >= best_w) { /* [exclude]: not an outlet, unless a category rule weighs more */
        best = -1;
        line = ex_line;
    }
    if (rule_line)
        *rule_line = line;
    return best;
}

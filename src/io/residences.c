/* SPDX-License-Identifier: MIT */
/*
 * residences.c -- residences as cities hold them (points or polygons with
 * population or households), or OSM residential buildings whose population
 * is estimated from floor area with the profile's [population] rule.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "io/columns.h"
#include "io/csv.h"
#include "io/xform.h"
#include "quarter/plan.h"

void qt_residence_list_free(qt_residence_list *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->n; i++) {
        qt__free(l->id ? l->id[i] : NULL);
        qt__free(l->community ? l->community[i] : NULL);
        qt__free(l->address ? l->address[i] : NULL);
    }
    qt__free(l->address);
    qt__free(l->cols_used);
    qt__free(l->notes);
    qt__free(l->id);
    qt__free(l->community);
    qt__free(l->lon);
    qt__free(l->lat);
    qt__free(l->population);
    qt__free(l->households);
    qt__free(l->floor_area);
    qt__free(l->source);
    qt__free(l->line);
    qt__free(l);
}

static int grow_all(qt_residence_list *l, size_t *cap)
{
    size_t c0 = *cap, c;
#define G(f)                                                                                                           \
    do {                                                                                                               \
        c = c0;                                                                                                        \
        if (qt__grow((void **)&l->f, &c, l->n + 1, sizeof *l->f) != 0)                                                 \
            return -1;                                                                                                 \
    } while (0)
    G(id);
    G(community);
    G(lon);
    G(lat);
    G(population);
    G(households);
    G(floor_area);
    G(source);
    G(line);
    G(address);
#undef G
    *cap = c;
    return 0;
}

/* the value of OSM tag k in "k=v\tk=v", copied into buf; NULL when absent */
static const char *osm_tag(const char *tags, const char *k, char *buf, size_t n)
{
    size_t kl = strlen(k);
    const char *s = tags;
    while (s && *s) {
        const char *end = strchr(s, '\t');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (len > kl && strncmp(s, k, kl) == 0 && s[kl] == '=') {
            size_t vl = len - kl - 1;
            if (vl >= n)
                vl = n - 1;
            memcpy(buf, s + kl + 1, vl);
            buf[vl] = '\0';
            return buf;
        }
        s = end ? end + 1 : NULL;
    }
    return NULL;
}

static int residential_building(const char *b)
{
    static const char *const kinds[] = {"residential", "apartments",         "house", "detached", "dormitory",
                                        "terrace",     "semidetached_house", NULL};
    size_t i;
    for (i = 0; b && kinds[i]; i++)
        if (strcmp(b, kinds[i]) == 0)
            return 1;
    return 0;
}

/* The columns of a residence table (-1: none). */
typedef struct rcols {
    int id, lon, lat, pop, hh, com, levels, area, foot, addr, tags;
} rcols;

/* One row's values. */
typedef struct rrow {
    double lon, lat, p, hh, area, foot, levels;
    int src, estimate;
} rrow;

/* The column of each field (named in o, else guessed from the headers people write). */
static qt_status pick_columns(const qt__csv *c, const qt_residence_read_opts *o, rcols *k, char *note, size_t nnote,
                              qt_error *err)
{
    static const char *const c_id[] = {"id", "编号", "小区编号", "osm_id", "name", "小区", "小区名称", "名称", NULL};
    static const char *const c_addr[] = {"address", "地址", "详细地址", "小区地址", "地址/位置", NULL};
    static const char *const c_pop[] = {"population", "人口", "常住人口", "居住人口", "人数", NULL};
    static const char *const c_hh[] = {"households", "户数", "住户数", "总户数", NULL};
    static const char *const c_com[] = {"community", "社区", "所属社区", "社区名称", NULL};
    static const char *const c_lev[] = {"levels", "层数", "building:levels", "floors", NULL};
    static const char *const c_area[] = {"floor_area", "建筑面积", "住宅建筑面积", NULL};
    static const char *const c_foot[] = {QT__GEOM_AREA, "footprint_m2", "占地面积", NULL};
    qt_status st;
    k->tags = qt__csv_col(c, QT__OSM_TAGS);
    if ((st = qt__csv_pick(c, o->id_col, c_id, 0, "id", &k->id, err)) ||
        (st = qt__pick_coords(c, o->lon_col, o->lat_col, o->crs, &k->lon, &k->lat, note, nnote, err)) ||
        (st = qt__csv_pick(c, o->address_col, c_addr, 0, "address", &k->addr, err)) ||
        (st = qt__csv_pick(c, o->population_col, c_pop, 0, "population", &k->pop, err)) ||
        (st = qt__csv_pick(c, o->households_col, c_hh, 0, "households", &k->hh, err)) ||
        (st = qt__csv_pick(c, o->community_col, c_com, 0, "community", &k->com, err)) ||
        (st = qt__csv_pick(c, NULL, c_lev, 0, "levels", &k->levels, err)) ||
        (st = qt__csv_pick(c, NULL, c_area, 0, "floor area", &k->area, err)) ||
        (st = qt__csv_pick(c, NULL, c_foot, 0, "footprint", &k->foot, err)))
        return st;
    return QT_OK;
}

/* The list's facts about the table: its header line, the column of each field ("id=编号 lon=经度 ..."), the
 * reader's notes.  -1: no memory. */
static int describe_columns(qt_residence_list *l, const qt__csv *c, const rcols *k, const char *note)
{
    static const char *const fname[] = {"id",        "lon",    "lat",        "population", "households",
                                        "community", "levels", "floor_area", "footprint",  "address"};
    const int idx[] = {k->id, k->lon, k->lat, k->pop, k->hh, k->com, k->levels, k->area, k->foot, k->addr};
    char buf[1024];
    size_t o = 0, i, n = strlen(note), nn = c->noise ? strlen(c->noise) : 0;
    l->header_line = c->header_line;
    buf[0] = '\0';
    for (i = 0; i < sizeof idx / sizeof idx[0]; i++)
        if (idx[i] >= 0 && o + 1 < sizeof buf) {
            int w = snprintf(buf + o, sizeof buf - o, "%s%s=%s", o ? " " : "", fname[i], c->header[idx[i]]);
            if (w > 0)
                o += (size_t)w;
        }
    if (o >= sizeof buf)
        o = sizeof buf - 1;
    l->cols_used = qt__strdup(buf);
    l->notes = qt__malloc(n + nn + 2);
    if (l->notes) {
        memcpy(l->notes, note, n);
        if (n)
            l->notes[n++] = '\n';
        memcpy(l->notes + n, c->noise ? c->noise : "", nn + 1);
    }
    return l->cols_used && l->notes ? 0 : -1;
}

/* An OpenStreetMap building: its levels from the tags, population always estimated.  1: not a residential
 * building with a position, skipped. */
static int osm_row(const qt__csv *c, const rcols *k, rrow *w)
{
    char tbuf[64];
    const char *t = c->field[k->tags];
    if (!residential_building(osm_tag(t, "building", tbuf, sizeof tbuf)) || !c->field[k->lon][0])
        return 1;
    if (osm_tag(t, "building:levels", tbuf, sizeof tbuf)) {
        char *e;
        w->levels = strtod(tbuf, &e);
        if (e == tbuf || !(w->levels >= 1) || w->levels > 200)
            w->levels = NAN; /* "3;5", "-1": not a usable count */
    }
    w->estimate = 1;
    return 0;
}

/* The row's numbers: position, population, households, floor area, footprint, levels; none negative, people and
 * households whole.  Else a bad row (re). */
static qt_status read_numbers(const qt__csv *c, const qt__xform *xf, const rcols *k, rrow *w, qt_error *re)
{
    double x0, y0;
    qt_status st;
    if ((st = qt__xform_row(xf, c, k->lon, k->lat, &x0, &y0, &w->lon, &w->lat, re)) ||
        (st = qt__csv_opt_double(c, k->pop, &w->p, re)) || (st = qt__csv_opt_double(c, k->hh, &w->hh, re)) ||
        (st = qt__csv_opt_double(c, k->area, &w->area, re)) || (st = qt__csv_opt_double(c, k->foot, &w->foot, re)) ||
        (k->tags < 0 && (st = qt__csv_opt_double(c, k->levels, &w->levels, re))))
        return st;
    if ((isfinite(w->p) && w->p < 0) || (isfinite(w->hh) && w->hh < 0) || (isfinite(w->area) && w->area < 0))
        return qt__csv_failv(c,
                             isfinite(w->p) && w->p < 0     ? k->pop
                             : isfinite(w->hh) && w->hh < 0 ? k->hh
                                                            : k->area,
                             re, QT_EINVAL, _("must not be negative"));
    if ((isfinite(w->p) && w->p != floor(w->p)) || (isfinite(w->hh) && w->hh != floor(w->hh))) {
        int people = isfinite(w->p) && w->p != floor(w->p);
        return qt__csv_failv(c, people ? k->pop : k->hh, re, QT_EINVAL, _("'%s' is not a whole number of %s"),
                             c->field[people ? k->pop : k->hh], people ? _("people") : _("households"));
    }
    return QT_OK;
}

/* Population and households of the row: as given, else people from households x household size, else (an
 * estimate) from floor area, or footprint x levels; households from people when not given.  A row with no way to
 * a population is a bad row (re). */
static qt_status population(const qt__csv *c, const rcols *k, const qt_population_rule *pop, rrow *w, qt_error *re)
{
    if (!isfinite(w->area) && isfinite(w->foot))
        w->area = w->foot * (isfinite(w->levels) ? w->levels : pop->default_levels);
    if (!isfinite(w->p)) {
        if (isfinite(w->hh)) {
            w->p = w->hh * pop->household_size;
            w->src = QT_POP_HOUSEHOLDS;
        } else if (w->estimate && isfinite(w->area)) {
            w->p = w->area / pop->m2_per_person;
            w->src = QT_POP_FLOOR_AREA;
        } else {
            return qt__csv_failv(c, -1, re, QT_EINVAL, "%s%s",
                                 k->foot >= 0 && isfinite(w->foot) ? _("polygon has no population or households")
                                                                   : _("row has no population or households"),
                                 w->estimate ? _(" and no floor area to estimate from")
                                             : _(" (add the column, or set estimate = yes under [residences] "
                                                 "in the project to estimate it from floor area)"));
        }
        w->p = w->p < 1 ? 1 : floor(w->p + 0.5); /* estimates are whole people */
    }
    if (!isfinite(w->hh)) {
        w->hh = floor(w->p / pop->household_size + 0.5);
        if (w->hh < 1 && w->p > 0)
            w->hh = 1;
    }
    return QT_OK;
}

/* The row appended to the list.  -1: no memory. */
static int keep_row(qt_residence_list *l, size_t *cap, const qt__csv *c, const rcols *k, const rrow *w)
{
    size_t i = l->n;
    if (grow_all(l, cap) != 0)
        return -1;
    l->id[i] = qt__csv_id(c, k->id);
    l->community[i] = qt__strdup(qt__csv_str(c, k->com));
    l->address[i] = qt__strdup(qt__csv_str(c, k->addr));
    l->n++;
    if (!l->id[i] || !l->community[i] || !l->address[i])
        return -1;
    l->lon[i] = w->lon;
    l->lat[i] = w->lat;
    l->population[i] = w->p;
    l->households[i] = w->hh;
    l->floor_area[i] = w->area;
    l->source[i] = (unsigned char)w->src;
    l->line[i] = c->line;
    if (w->src != QT_POP_GIVEN)
        l->nestimated++;
    return 0;
}

qt_status qt_residences_read(const char *path, const qt_residence_read_opts *o, const qt_population_rule *pop,
                             qt_residence_list **out, qt_error *err)
{
    qt__csv c;
    qt__table_opts to;
    qt__xform xf;
    qt_residence_list *l;
    rcols k;
    size_t cap = 0;
    char note[700];
    qt_status st;
    int r;
    *out = NULL;
    qt__table_opts_set(&to, o->encoding, o->layer, o->header_row, o->on_problem, o->problem_ud);
    if ((st = qt__table_open_opts(&c, path, &to, err)) != QT_OK)
        return st;
    if ((st = pick_columns(&c, o, &k, note, sizeof note, err)) != QT_OK ||
        (st = qt__xform_table(&xf, &c, k.lon, o->crs, path, err)) != QT_OK) {
        qt__csv_close(&c);
        return st;
    }
    l = qt__calloc(1, sizeof *l);
    if (!l) {
        qt__csv_close(&c);
        qt__xform_free(&xf);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    if (describe_columns(l, &c, &k, note) != 0)
        goto nomem;
    while ((r = qt__csv_next(&c, err)) > 0) {
        qt_error re = QT_ERROR_INIT;
        rrow w = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, QT_POP_GIVEN, o->estimate};
        if (k.tags >= 0 && osm_row(&c, &k, &w)) {
            l->skipped++;
            continue;
        }
        if (read_numbers(&c, &xf, &k, &w, &re) != QT_OK || population(&c, &k, pop, &w, &re) != QT_OK) {
            qt__csv_bad(&c, &re);
            continue;
        }
        if (c.nbad)
            continue; /* the table fails anyway: only look for more bad rows */
        if (keep_row(l, &cap, &c, &k, &w) != 0)
            goto nomem;
    }
    if ((st = qt__csv_rows_end(&c, r, err)) != QT_OK)
        goto fail;
    qt__csv_close(&c);
    qt__xform_free(&xf);
    *out = l;
    return QT_OK;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, _("no memory for %zu residences"), l->n + 1);
fail:
    qt__csv_close(&c);
    qt__xform_free(&xf);
    qt_residence_list_free(l);
    return st;
}

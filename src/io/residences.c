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
#define G(f)                                                                                       \
    c = c0;                                                                                        \
    if (qt__grow((void **)&l->f, &c, l->n + 1, sizeof *l->f) != 0)                                 \
        return -1;
    G(id) G(community) G(lon) G(lat) G(population) G(households) G(floor_area) G(source) G(line) G(address)
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
    static const char *const kinds[] = {"residential", "apartments", "house", "detached", "dormitory",
                                        "terrace", "semidetached_house", NULL};
    size_t i;
    for (i = 0; b && kinds[i]; i++)
        if (strcmp(b, kinds[i]) == 0)
            return 1;
    return 0;
}

qt_status qt_residences_read(const char *path, const qt_residence_read_opts *o, const qt_population_rule *pop,
                             qt_residence_list **out, qt_error *err)
{
    static const char *const c_id[] = {"id", "编号", "小区编号", "osm_id", "name", "小区", "小区名称", "名称", NULL};
    static const char *const c_addr[] = {"address", "地址", "详细地址", "小区地址", "地址/位置", NULL};
    static const char *const c_pop[] = {"population", "人口", "常住人口", "居住人口", "人数", NULL};
    static const char *const c_hh[] = {"households", "户数", "住户数", "总户数", NULL};
    static const char *const c_com[] = {"community", "社区", "所属社区", "社区名称", NULL};
    static const char *const c_lev[] = {"levels", "层数", "building:levels", "floors", NULL};
    static const char *const c_area[] = {"floor_area", "建筑面积", "住宅建筑面积", NULL};
    static const char *const c_foot[] = {QT__GEOM_AREA, "footprint_m2", "占地面积", NULL};
    qt__csv c;
    qt__table_opts to;
    qt__xform xf;
    qt_residence_list *l;
    int ci, cx, cy, cp, ch, cc, cl, ca, cf, cad, tagcol, r;
    size_t cap = 0;
    char note[700];
    qt_status st;
    *out = NULL;
    qt__table_opts_set(&to, o->encoding, o->layer, o->header_row, o->on_problem, o->problem_ud);
    st = qt__table_open_opts(&c, path, &to, err);
    if (st != QT_OK)
        return st;
    tagcol = qt__csv_col(&c, QT__OSM_TAGS);
    if ((st = qt__csv_pick(&c, o->id_col, c_id, 0, "id", &ci, err)) ||
        (st = qt__pick_coords(&c, o->lon_col, o->lat_col, o->crs, &cx, &cy, note, sizeof note, err)) ||
        (st = qt__csv_pick(&c, o->address_col, c_addr, 0, "address", &cad, err)) ||
        (st = qt__csv_pick(&c, o->population_col, c_pop, 0, "population", &cp, err)) ||
        (st = qt__csv_pick(&c, o->households_col, c_hh, 0, "households", &ch, err)) ||
        (st = qt__csv_pick(&c, o->community_col, c_com, 0, "community", &cc, err)) ||
        (st = qt__csv_pick(&c, NULL, c_lev, 0, "levels", &cl, err)) ||
        (st = qt__csv_pick(&c, NULL, c_area, 0, "floor area", &ca, err)) ||
        (st = qt__csv_pick(&c, NULL, c_foot, 0, "footprint", &cf, err))) {
        qt__csv_close(&c);
        return st;
    }
    if ((st = qt__xform_table(&xf, &c, cx, o->crs, path, err)) != QT_OK) {
        qt__csv_close(&c);
        return st;
    }
    l = qt__calloc(1, sizeof *l);
    if (!l) {
        qt__csv_close(&c);
        qt__xform_free(&xf);
        return qt_error_set(err, QT_ENOMEM, path, "no memory");
    }
    l->header_line = c.header_line;
    {
        static const char *const fname[] = {"id", "lon", "lat", "population", "households", "community",
                                            "levels", "floor_area", "footprint", "address"};
        const int idx[] = {ci, cx, cy, cp, ch, cc, cl, ca, cf, cad};
        char buf[1024];
        size_t o2 = 0, k;
        buf[0] = '\0';
        for (k = 0; k < sizeof idx / sizeof idx[0]; k++)
            if (idx[k] >= 0 && o2 + 1 < sizeof buf) {
                int w = snprintf(buf + o2, sizeof buf - o2, "%s%s=%s", o2 ? " " : "", fname[k], c.header[idx[k]]);
                if (w > 0)
                    o2 += (size_t)w;
            }
        if (o2 >= sizeof buf)
            o2 = sizeof buf - 1;
        l->cols_used = qt__strdup(buf);
        {
            size_t n = strlen(note), nn = c.noise ? strlen(c.noise) : 0;
            l->notes = qt__malloc(n + nn + 2);
            if (l->notes) {
                memcpy(l->notes, note, n);
                if (n)
                    l->notes[n++] = '\n';
                memcpy(l->notes + n, c.noise ? c.noise : "", nn + 1);
            }
        }
        if (!l->cols_used || !l->notes)
            goto nomem;
    }
    while ((r = qt__csv_next(&c, err)) > 0) {
        qt_error re = QT_ERROR_INIT;
        double x0, y0, lon, lat, p = NAN, hh = NAN, area = NAN, foot = NAN, levels = NAN;
        char tbuf[64];
        size_t i = l->n;
        int src = QT_POP_GIVEN, estimate = o->estimate;
        qt_error_clear(&re);
        if (tagcol >= 0) {
            const char *t = c.field[tagcol];
            if (!residential_building(osm_tag(t, "building", tbuf, sizeof tbuf)) || !c.field[cx][0]) {
                l->skipped++;
                continue;
            }
            if (osm_tag(t, "building:levels", tbuf, sizeof tbuf)) {
                char *e;
                levels = strtod(tbuf, &e);
                if (e == tbuf || !(levels >= 1) || levels > 200)
                    levels = NAN; /* "3;5", "-1": not a usable count */
            }
            estimate = 1;
        }
        if ((st = qt__xform_row(&xf, &c, cx, cy, &x0, &y0, &lon, &lat, &re)) ||
            (st = qt__csv_opt_double(&c, cp, &p, &re)) || (st = qt__csv_opt_double(&c, ch, &hh, &re)) ||
            (st = qt__csv_opt_double(&c, ca, &area, &re)) || (st = qt__csv_opt_double(&c, cf, &foot, &re)) ||
            (tagcol < 0 && (st = qt__csv_opt_double(&c, cl, &levels, &re))))
            goto bad_row;
        if ((isfinite(p) && p < 0) || (isfinite(hh) && hh < 0) || (isfinite(area) && area < 0)) {
            st = qt__csv_failv(&c, isfinite(p) && p < 0 ? cp : isfinite(hh) && hh < 0 ? ch : ca, &re, QT_EINVAL,
                               _("must not be negative"));
            goto bad_row;
        }
        if ((isfinite(p) && p != floor(p)) || (isfinite(hh) && hh != floor(hh))) {
            st = qt__csv_failv(&c, isfinite(p) && p != floor(p) ? cp : ch, &re, QT_EINVAL,
                               _("'%s' is not a whole number of %s"), c.field[isfinite(p) && p != floor(p) ? cp : ch],
                               isfinite(p) && p != floor(p) ? _("people") : _("households"));
            goto bad_row;
        }
        if (!isfinite(area) && isfinite(foot))
            area = foot * (isfinite(levels) ? levels : pop->default_levels);
        if (!isfinite(p)) {
            if (isfinite(hh)) {
                p = hh * pop->household_size;
                src = QT_POP_HOUSEHOLDS;
            } else if (estimate && isfinite(area)) {
                p = area / pop->m2_per_person;
                src = QT_POP_FLOOR_AREA;
            } else {
                st = qt__csv_failv(&c, -1, &re, QT_EINVAL,
                                   "%s%s", cf >= 0 && isfinite(foot) ? _("polygon has no population or households")
                                                                     : _("row has no population or households"),
                                   estimate ? _(" and no floor area to estimate from")
                                            : _(" (add the column, or set estimate = yes under [residences] "
                                                "in the project to estimate it from floor area)"));
                goto bad_row;
            }
            p = p < 1 ? 1 : floor(p + 0.5); /* estimates are whole people */
        }
        if (!isfinite(hh)) {
            hh = floor(p / pop->household_size + 0.5);
            if (hh < 1 && p > 0)
                hh = 1;
        }
        if (c.nbad)
            continue; /* the table fails anyway: only look for more bad rows */
        if (grow_all(l, &cap) != 0)
            goto nomem;
        l->id[i] = qt__csv_id(&c, ci);
        l->community[i] = qt__strdup(qt__csv_str(&c, cc));
        l->address[i] = qt__strdup(qt__csv_str(&c, cad));
        l->n++;
        if (!l->id[i] || !l->community[i] || !l->address[i])
            goto nomem;
        l->lon[i] = lon;
        l->lat[i] = lat;
        l->population[i] = p;
        l->households[i] = hh;
        l->floor_area[i] = area;
        l->source[i] = (unsigned char)src;
        l->line[i] = c.line;
        if (src != QT_POP_GIVEN)
            l->nestimated++;
        continue;
    bad_row:
        qt__csv_bad(&c, &re);
    }
    if ((st = qt__csv_rows_end(&c, r, err)) != QT_OK)
        goto fail;
    qt__csv_close(&c);
    qt__xform_free(&xf);
    *out = l;
    return QT_OK;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, "no memory for %zu residences", l->n + 1);
fail:
    qt__csv_close(&c);
    qt__xform_free(&xf);
    qt_residence_list_free(l);
    return st;
}

/* SPDX-License-Identifier: MIT */
/*
 * outlets.c -- outlet tables as cities and Amap exports hold them: guess the
 * columns, convert coordinates to WGS-84, classify each row with the profile.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "io/csv.h"
#include "quarter/io.h"

void qt_outlet_list_free(qt_outlet_list *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->n; i++) {
        qt__free(l->id ? l->id[i] : NULL);
        qt__free(l->name ? l->name[i] : NULL);
    }
    qt__free(l->id);
    qt__free(l->name);
    qt__free(l->lon);
    qt__free(l->lat);
    qt__free(l->category);
    qt__free(l->rule_line);
    qt__free(l->line);
    for (i = 0; i < 7; i++)
        qt__free(l->cols[i]);
    qt__free(l);
}

/* the first header among the candidates, or the one the user named (which must exist) */
static qt_status pick(const qt__csv *c, const char *named, const char *const *cands, int required,
                      const char *what, int *idx, qt_error *err)
{
    size_t i;
    if (named)
        return qt__csv_require(c, named, idx, err);
    for (i = 0; cands[i]; i++)
        if ((*idx = qt__csv_col(c, cands[i])) >= 0)
            return QT_OK;
    *idx = -1;
    if (required)
        return qt_error_set(err, QT_EPARSE, c->path,
                            "no %s column (looked for '%s', '%s', ...; name it with an option)", what,
                            cands[0], cands[1]);
    return QT_OK;
}

static int grow_all(qt_outlet_list *l, size_t *cap)
{
    size_t c0 = *cap, c;
#define G(f)                                                                                       \
    c = c0;                                                                                        \
    if (qt__grow((void **)&l->f, &c, l->n + 1, sizeof *l->f) != 0)                                 \
        return -1;
    G(id) G(name) G(lon) G(lat) G(category) G(rule_line) G(line)
#undef G
    *cap = c;
    return 0;
}

qt_status qt_outlets_read(const char *path, const qt_outlet_read_opts *o, const qt_profile *p,
                          qt_outlet_list **out, qt_error *err)
{
    static const char *const c_id[] = {"id", "poi_id", "ID", "编号", "网点编号", NULL};
    static const char *const c_name[] = {"name", "名称", "网点名称", "店名", "店铺名称", NULL};
    static const char *const c_type[] = {"type", "类型名", "type_name", "类型名称", "分类", NULL};
    static const char *const c_code[] = {"typecode", "类型", "类型编码", "type_code", NULL};
    static const char *const c_lon[] = {"lon", "lng", "longitude", "经度", "经度_wgs84", "经度_gcj02", "x", NULL};
    static const char *const c_lat[] = {"lat", "latitude", "纬度", "纬度_wgs84", "纬度_gcj02", "y", NULL};
    static const char *const c_cat[] = {"category", "业态", "业态类别", NULL};
    qt__csv c;
    qt_outlet_list *l;
    int ci, cn, ct, cc, cx, cy, ck, r;
    size_t cap = 0;
    qt_status st;
    *out = NULL;
    st = qt__csv_open_enc(&c, path, o->encoding, err);
    if (st != QT_OK)
        return st;
    if ((st = pick(&c, o->id_col, c_id, 0, "id", &ci, err)) ||
        (st = pick(&c, o->name_col, c_name, 0, "name", &cn, err)) ||
        (st = pick(&c, o->type_col, c_type, 0, "type", &ct, err)) ||
        (st = pick(&c, o->code_col, c_code, 0, "typecode", &cc, err)) ||
        (st = pick(&c, o->lon_col, c_lon, 1, "longitude", &cx, err)) ||
        (st = pick(&c, o->lat_col, c_lat, 1, "latitude", &cy, err)) ||
        (st = pick(&c, o->category_col, c_cat, 0, "category", &ck, err))) {
        qt__csv_close(&c);
        return st;
    }
    if (ck < 0 && ct < 0 && cc < 0 && cn < 0) {
        qt__csv_close(&c);
        return qt_error_set(err, QT_EPARSE, path,
                            "nothing to classify by: no category, type, typecode or name column");
    }
    l = qt__calloc(1, sizeof *l);
    if (!l) {
        qt__csv_close(&c);
        return qt_error_set(err, QT_ENOMEM, path, "no memory");
    }
    l->encoding = c.encoding;
    {
        int idx[7] = {ci, cn, ct, cc, cx, cy, ck}, k;
        for (k = 0; k < 7; k++)
            if (idx[k] >= 0 && !(l->cols[k] = qt__strdup(c.header[idx[k]])))
                goto nomem;
    }
    while ((r = qt__csv_next(&c, err)) > 0) {
        double lon, lat;
        char idbuf[32];
        const char *name = cn >= 0 ? c.field[cn] : "";
        size_t i = l->n;
        if ((st = qt__csv_double(&c, cx, &lon, err)) || (st = qt__csv_double(&c, cy, &lat, err)))
            goto fail;
        if (qt_coords_convert(o->crs, QT_CRS_WGS84, lon, lat, &lon, &lat, NULL) != QT_OK) {
            st = qt__csv_failv(&c, cx, err, QT_EINVAL, "(%g, %g) is not a valid longitude, latitude", lon, lat);
            goto fail;
        }
        if (grow_all(l, &cap) != 0)
            goto nomem;
        if (ci < 0)
            snprintf(idbuf, sizeof idbuf, "%zu", c.line);
        l->id[i] = qt__strdup(ci >= 0 ? c.field[ci] : idbuf);
        l->name[i] = qt__strdup(name);
        l->n++;
        if (!l->id[i] || !l->name[i])
            goto nomem;
        l->lon[i] = lon;
        l->lat[i] = lat;
        l->line[i] = c.line;
        l->rule_line[i] = 0;
        if (ck >= 0 && c.field[ck][0]) {
            l->category[i] = qt_profile_find(p, c.field[ck]);
            if (l->category[i] < 0) {
                st = qt__csv_failv(&c, ck, err, QT_EINVAL, "'%s' is not a category code or name of profile %s",
                                   c.field[ck], qt_profile_name(p));
                goto fail;
            }
        } else {
            qt_outlet_facts f;
            memset(&f, 0, sizeof f);
            f.name = name;
            f.amap_type = ct >= 0 ? c.field[ct] : NULL;
            f.amap_code = cc >= 0 ? c.field[cc] : NULL;
            l->category[i] = qt_profile_classify(p, &f, &l->rule_line[i]);
        }
    }
    if (r < 0) {
        st = err ? err->code : QT_EPARSE;
        goto fail;
    }
    qt__csv_close(&c);
    *out = l;
    return QT_OK;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, "no memory for %zu outlets", l->n + 1);
fail:
    qt__csv_close(&c);
    qt_outlet_list_free(l);
    return st;
}

/* SPDX-License-Identifier: MIT */
/*
 * outlets.c -- outlet tables as cities and Amap exports hold them: guess the
 * columns, convert coordinates to WGS-84, classify each row with the profile.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "io/csv.h"
#include "io/xform.h"
#include "quarter/io.h"

void qt_outlet_list_free(qt_outlet_list *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->n; i++) {
        qt__free(l->id ? l->id[i] : NULL);
        qt__free(l->name ? l->name[i] : NULL);
        qt__free(l->brand ? l->brand[i] : NULL);
        qt__free(l->hours ? l->hours[i] : NULL);
        qt__free(l->services ? l->services[i] : NULL);
    }
    qt__free(l->id);
    qt__free(l->name);
    qt__free(l->lon);
    qt__free(l->lat);
    qt__free(l->category);
    qt__free(l->rule_line);
    qt__free(l->line);
    qt__free(l->brand);
    qt__free(l->chain);
    qt__free(l->floor_area);
    qt__free(l->staff);
    qt__free(l->hours);
    qt__free(l->services);
    for (i = 0; i < QT_OCOL_COUNT; i++)
        qt__free(l->cols[i]);
    qt__free(l);
}

static int grow_all(qt_outlet_list *l, size_t *cap)
{
    size_t c0 = *cap, c;
#define G(f)                                                                                       \
    c = c0;                                                                                        \
    if (qt__grow((void **)&l->f, &c, l->n + 1, sizeof *l->f) != 0)                                 \
        return -1;
    G(id) G(name) G(lon) G(lat) G(category) G(rule_line) G(line) G(brand) G(chain) G(floor_area) G(staff)
    G(hours) G(services)
#undef G
    *cap = c;
    return 0;
}

/* OSM keys that make an object an outlet */
static int osm_outlet_key(const char *k)
{
    static const char *const keys[] = {"shop", "amenity", "craft", "leisure", "office",
                                       "healthcare", "tourism", NULL};
    size_t i;
    for (i = 0; keys[i]; i++)
        if (strcmp(k, keys[i]) == 0)
            return 1;
    return 0;
}

#define MAX_TAGS 64

/* split "k=v\tk=v" (modified in place) into pairs; returns the number of pairs */
static size_t split_tags(char *s, const char **kv)
{
    size_t n = 0;
    while (s && *s && n < MAX_TAGS) {
        char *tab = strchr(s, '\t'), *eq;
        if (tab)
            *tab = '\0';
        eq = strchr(s, '=');
        if (eq) {
            *eq = '\0';
            kv[2 * n] = s;
            kv[2 * n + 1] = eq + 1;
            n++;
        }
        s = tab ? tab + 1 : NULL;
    }
    return n;
}

static const char *tag(const char **kv, size_t n, const char *k)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(kv[2 * i], k) == 0)
            return kv[2 * i + 1];
    return NULL;
}

/* a chain column: 是/yes/1/true/连锁/Y */
static int truthy(const char *s)
{
    return strcmp(s, "1") == 0 || strcmp(s, "是") == 0 || strcmp(s, "连锁") == 0 || strcasecmp(s, "yes") == 0 ||
           strcasecmp(s, "y") == 0 || strcasecmp(s, "true") == 0;
}

qt_status qt_outlets_read(const char *path, const qt_outlet_read_opts *o, const qt_profile *p,
                          qt_outlet_list **out, qt_error *err)
{
    static const char *const c_id[] = {"id", "poi_id", "ID", "编号", "网点编号", "osm_id", NULL};
    static const char *const c_name[] = {"name", "名称", "网点名称", "店名", "店铺名称", NULL};
    static const char *const c_type[] = {"type", "类型名", "type_name", "类型名称", "分类", NULL};
    static const char *const c_code[] = {"typecode", "类型", "类型编码", "type_code", NULL};
    static const char *const c_lon[] = {"lon", "lng", "longitude", "经度", "经度_wgs84", "经度_gcj02", "x",
                                        QT__GEOM_LON, NULL};
    static const char *const c_lat[] = {"lat", "latitude", "纬度", "纬度_wgs84", "纬度_gcj02", "y",
                                        QT__GEOM_LAT, NULL};
    static const char *const c_cat[] = {"category", "业态", "业态类别", NULL};
    static const char *const c_brand[] = {"brand", "品牌", "连锁品牌", NULL};
    static const char *const c_chain[] = {"chain", "连锁", "是否连锁", NULL};
    static const char *const c_area[] = {"floor_area", "面积", "营业面积", "经营面积", "area_m2", NULL};
    static const char *const c_staff[] = {"staff", "从业人数", "员工数", "employees", NULL};
    static const char *const c_hours[] = {"opening_hours", "营业时间", "hours", NULL};
    static const char *const c_serv[] = {"services", "服务", "服务项目", "便民服务", NULL};
    qt__csv c;
    qt__xform xf;
    qt_outlet_list *l;
    int col[QT_OCOL_COUNT], tagcol, r, k;
    size_t cap = 0;
    qt_status st;
    *out = NULL;
    st = qt__table_open(&c, path, o->encoding, o->layer, err);
    if (st != QT_OK)
        return st;
    tagcol = qt__csv_col(&c, QT__OSM_TAGS);
    if ((st = qt__csv_pick(&c, o->id_col, c_id, 0, "id", &col[QT_OCOL_ID], err)) ||
        (st = qt__csv_pick(&c, o->name_col, c_name, 0, "name", &col[QT_OCOL_NAME], err)) ||
        (st = qt__csv_pick(&c, o->type_col, c_type, 0, "type", &col[QT_OCOL_TYPE], err)) ||
        (st = qt__csv_pick(&c, o->code_col, c_code, 0, "typecode", &col[QT_OCOL_CODE], err)) ||
        (st = qt__csv_pick(&c, o->lon_col, c_lon, 1, "longitude", &col[QT_OCOL_LON], err)) ||
        (st = qt__csv_pick(&c, o->lat_col, c_lat, 1, "latitude", &col[QT_OCOL_LAT], err)) ||
        (st = qt__csv_pick(&c, o->category_col, c_cat, 0, "category", &col[QT_OCOL_CATEGORY], err)) ||
        (st = qt__csv_pick(&c, NULL, c_brand, 0, "brand", &col[QT_OCOL_BRAND], err)) ||
        (st = qt__csv_pick(&c, NULL, c_chain, 0, "chain", &col[QT_OCOL_CHAIN], err)) ||
        (st = qt__csv_pick(&c, NULL, c_area, 0, "floor area", &col[QT_OCOL_AREA], err)) ||
        (st = qt__csv_pick(&c, NULL, c_staff, 0, "staff", &col[QT_OCOL_STAFF], err)) ||
        (st = qt__csv_pick(&c, NULL, c_hours, 0, "opening hours", &col[QT_OCOL_HOURS], err)) ||
        (st = qt__csv_pick(&c, NULL, c_serv, 0, "services", &col[QT_OCOL_SERVICES], err))) {
        qt__csv_close(&c);
        return st;
    }
    if (col[QT_OCOL_CATEGORY] < 0 && col[QT_OCOL_TYPE] < 0 && col[QT_OCOL_CODE] < 0 && col[QT_OCOL_NAME] < 0 &&
        tagcol < 0) {
        qt__csv_close(&c);
        return qt_error_set(err, QT_EPARSE, path,
                            "nothing to classify by: no category, type, typecode or name column");
    }
    if ((st = qt__xform_table(&xf, &c, col[QT_OCOL_LON], o->crs, path, err)) != QT_OK) {
        qt__csv_close(&c);
        return st;
    }
    l = qt__calloc(1, sizeof *l);
    if (!l) {
        qt__csv_close(&c);
        qt__xform_free(&xf);
        return qt_error_set(err, QT_ENOMEM, path, "no memory");
    }
    l->encoding = c.encoding;
    l->from_osm = tagcol >= 0;
    for (k = 0; k < QT_OCOL_COUNT; k++)
        if (col[k] >= 0 && !(l->cols[k] = qt__strdup(c.header[col[k]])))
            goto nomem;
    while ((r = qt__csv_next(&c, err)) > 0) {
        double lon, lat, area, staff, x0, y0;
        char cname[32];
        char idbuf[32];
        const char *kv[2 * MAX_TAGS];
        size_t ntags = 0, i = l->n;
        const char *name = qt__csv_str(&c, col[QT_OCOL_NAME]);
        const char *brand = qt__csv_str(&c, col[QT_OCOL_BRAND]);
        const char *hours = qt__csv_str(&c, col[QT_OCOL_HOURS]);
        const char *serv = qt__csv_str(&c, col[QT_OCOL_SERVICES]);
        int chain;
        if (tagcol >= 0) {
            size_t t;
            int outlet = 0;
            ntags = split_tags(c.field[tagcol], kv);
            for (t = 0; t < ntags && !outlet; t++)
                outlet = osm_outlet_key(kv[2 * t]);
            if (!outlet) {
                l->skipped++;
                continue;
            }
            if (!*brand && tag(kv, ntags, "brand"))
                brand = tag(kv, ntags, "brand");
            if (!*hours && tag(kv, ntags, "opening_hours"))
                hours = tag(kv, ntags, "opening_hours");
        }
        if (c.field[col[QT_OCOL_LON]][0] == '\0' && tagcol >= 0) {
            l->skipped++; /* an OSM object without usable geometry */
            continue;
        }
        if ((st = qt__csv_double(&c, col[QT_OCOL_LON], &lon, err)) ||
            (st = qt__csv_double(&c, col[QT_OCOL_LAT], &lat, err)) ||
            (st = qt__csv_opt_double(&c, col[QT_OCOL_AREA], &area, err)) ||
            (st = qt__csv_opt_double(&c, col[QT_OCOL_STAFF], &staff, err)))
            goto fail;
        x0 = lon;
        y0 = lat;
        if (qt__xform_apply(&xf, &lon, &lat) != 0) {
            st = qt__csv_failv(&c, col[QT_OCOL_LON], err, QT_EINVAL,
                               "(%g, %g) is not a valid %s coordinate", x0, y0, qt__xform_name(&xf, cname));
            goto fail;
        }
        if ((isfinite(area) && area < 0) || (isfinite(staff) && staff < 0)) {
            st = qt__csv_failv(&c, isfinite(area) && area < 0 ? col[QT_OCOL_AREA] : col[QT_OCOL_STAFF], err,
                               QT_EINVAL, "must not be negative");
            goto fail;
        }
        chain = col[QT_OCOL_CHAIN] >= 0 && c.field[col[QT_OCOL_CHAIN]][0]
                    ? truthy(c.field[col[QT_OCOL_CHAIN]])
                    : *brand != '\0';
        if (grow_all(l, &cap) != 0)
            goto nomem;
        if (col[QT_OCOL_ID] < 0 || !c.field[col[QT_OCOL_ID]][0])
            snprintf(idbuf, sizeof idbuf, "%zu", c.line);
        l->id[i] = qt__strdup(col[QT_OCOL_ID] >= 0 && c.field[col[QT_OCOL_ID]][0] ? c.field[col[QT_OCOL_ID]] : idbuf);
        l->name[i] = qt__strdup(name);
        l->brand[i] = qt__strdup(brand);
        l->hours[i] = qt__strdup(hours);
        l->services[i] = qt__strdup(serv);
        l->n++;
        if (!l->id[i] || !l->name[i] || !l->brand[i] || !l->hours[i] || !l->services[i])
            goto nomem;
        l->lon[i] = lon;
        l->lat[i] = lat;
        l->line[i] = c.line;
        l->rule_line[i] = 0;
        l->chain[i] = (unsigned char)chain;
        l->floor_area[i] = area;
        l->staff[i] = staff;
        if (col[QT_OCOL_CATEGORY] >= 0 && c.field[col[QT_OCOL_CATEGORY]][0]) {
            l->category[i] = qt_profile_find(p, c.field[col[QT_OCOL_CATEGORY]]);
            if (l->category[i] < 0) {
                st = qt__csv_failv(&c, col[QT_OCOL_CATEGORY], err, QT_EINVAL,
                                   "'%s' is not a category code or name of profile %s",
                                   c.field[col[QT_OCOL_CATEGORY]], qt_profile_name(p));
                goto fail;
            }
        } else {
            qt_outlet_facts f;
            memset(&f, 0, sizeof f);
            f.name = name;
            f.amap_type = col[QT_OCOL_TYPE] >= 0 ? c.field[col[QT_OCOL_TYPE]] : NULL;
            f.amap_code = col[QT_OCOL_CODE] >= 0 ? c.field[col[QT_OCOL_CODE]] : NULL;
            f.osm_tags = ntags ? kv : NULL;
            f.ntags = ntags;
            l->category[i] = qt_profile_classify(p, &f, &l->rule_line[i]);
        }
    }
    if (r < 0) {
        st = err ? err->code : QT_EPARSE;
        goto fail;
    }
    qt__csv_close(&c);
    qt__xform_free(&xf);
    *out = l;
    return QT_OK;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, "no memory for %zu outlets", l->n + 1);
fail:
    qt__csv_close(&c);
    qt__xform_free(&xf);
    qt_outlet_list_free(l);
    return st;
}

/* SPDX-License-Identifier: MIT */
/*
 * outlets.c -- outlet tables as cities and Amap exports hold them: guess the
 * columns, convert coordinates to WGS-84, classify each row with the profile.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/idmap.h"
#include "io/columns.h"
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
        qt__free(l->address ? l->address[i] : NULL);
    }
    qt__free(l->address);
    qt__free(l->closed);
    qt__free(l->notes);
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
#define G(f)                                                                                                           \
    do {                                                                                                               \
        c = c0;                                                                                                        \
        if (qt__grow((void **)&l->f, &c, l->n + 1, sizeof *l->f) != 0)                                                 \
            return -1;                                                                                                 \
    } while (0)
    G(id);
    G(name);
    G(lon);
    G(lat);
    G(category);
    G(rule_line);
    G(line);
    G(brand);
    G(chain);
    G(floor_area);
    G(staff);
    G(hours);
    G(services);
    G(address);
    G(closed);
#undef G
    *cap = c;
    return 0;
}

/* OSM keys that make an object an outlet */
static int osm_outlet_key(const char *k)
{
    static const char *const keys[] = {"shop", "amenity", "craft", "leisure", "office", "healthcare", "tourism", NULL};
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

/* the name marks the outlet closed: Amap writes "…(暂停营业)", "…(装修中)" (under renovation),
 * bureaus 停业 / 已关闭 / 已搬迁 */
static int closed_marker(const char *name)
{
    static const char *const marks[] = {"暂停营业", "停业",     "歇业",   "已关闭",   "已搬迁", "已迁址",
                                        "(关闭)",   "（关闭）", "装修中", "即将开业", NULL};
    size_t i;
    for (i = 0; marks[i]; i++)
        if (strstr(name, marks[i]))
            return 1;
    return 0;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* the natural key of an outlet without an id: name + position to ~5 m */
static uint64_t natural_key(const char *name, double lon, double lat)
{
    long long x = llround(lon * 20000.0), y = llround(lat * 20000.0);
    uint64_t h = fnv1a(14695981039346656037ULL, name, strlen(name));
    h = fnv1a(h, "|", 1);
    h = fnv1a(h, &x, sizeof x);
    return fnv1a(h, &y, sizeof y);
}

static int add_note(qt_outlet_list *l, const char *s)
{
    size_t old = l->notes ? strlen(l->notes) : 0, n = strlen(s);
    char *p;
    if (!n)
        return 0;
    p = qt__realloc(l->notes, old + n + 2);
    if (!p)
        return -1;
    memcpy(p + old, s, n);
    if (s[n - 1] != '\n')
        p[old + n++] = '\n';
    p[old + n] = '\0';
    l->notes = p;
    return 0;
}

/* What the row loop of qt_outlets_read works with. */
typedef struct reader {
    qt__csv c;
    qt__xform xf;
    qt__idmap seen; /* an id's hash -> its row; a natural key's hash -> how many rows had it */
    int col[QT_OCOL_COUNT], tagcol;
    const qt_profile *p;
    qt_outlet_list *l;
    size_t cap;
} reader;

/* One row's values. */
typedef struct row {
    const char *name, *brand, *hours, *serv, *addr, *idv, *catv;
    const char *kv[2 * MAX_TAGS];
    size_t ntags;
    double lon, lat, area, staff;
    int chain, cat, rule, closed;
    char idbuf[40]; /* the natural key, "" when the row has an id */
} row;

/* The column of each field (named in o, else guessed from the headers people write). */
static qt_status pick_columns(reader *rd, const qt_outlet_read_opts *o, const char *path, char *note, size_t nnote,
                              qt_error *err)
{
    static const char *const c_id[] = {"id", "poi_id", "编号", "网点编号", "osm_id", "序号", "网点序号", NULL};
    static const char *const c_name[] = {"name", "名称", "网点名称", "店名", "店铺名称", "商户名称", "门店名称", NULL};
    static const char *const c_type[] = {"type", "类型名", "type_name", "类型名称", "分类", NULL};
    static const char *const c_code[] = {"typecode", "类型", "类型编码", "type_code", NULL};
    static const char *const c_cat[] = {"category", "业态",     "业态类别", "业态类型",
                                        "业态分类", "网点业态", "网点类型", NULL};
    static const char *const c_brand[] = {"brand", "品牌", "连锁品牌", "品牌名称", NULL};
    static const char *const c_chain[] = {"chain", "连锁", "是否连锁", "是否品牌连锁", NULL};
    static const char *const c_area[] = {"floor_area", "面积", "营业面积", "经营面积", "建筑面积", "area_m2", NULL};
    static const char *const c_staff[] = {"staff", "从业人数", "从业人员", "员工数", "员工人数", "employees", NULL};
    static const char *const c_hours[] = {"opening_hours", "营业时间", "hours", NULL};
    static const char *const c_serv[] = {"services", "服务", "服务项目", "便民服务", NULL};
    static const char *const c_addr[] = {"address",  "地址",     "详细地址", "网点地址",
                                         "经营地址", "所在地址", "门店地址", NULL};
    const qt__csv *c = &rd->c;
    int *col = rd->col;
    qt_status st;
    rd->tagcol = qt__csv_col(c, QT__OSM_TAGS);
    if ((st = qt__csv_pick(c, o->id_col, c_id, 0, "id", &col[QT_OCOL_ID], err)) ||
        (st = qt__csv_pick(c, o->name_col, c_name, 0, "name", &col[QT_OCOL_NAME], err)) ||
        (st = qt__csv_pick(c, o->type_col, c_type, 0, "type", &col[QT_OCOL_TYPE], err)) ||
        (st = qt__csv_pick(c, o->code_col, c_code, 0, "typecode", &col[QT_OCOL_CODE], err)) ||
        (st = qt__pick_coords(c, o->lon_col, o->lat_col, o->crs, &col[QT_OCOL_LON], &col[QT_OCOL_LAT], note, nnote,
                              err)) ||
        (st = qt__csv_pick(c, o->category_col, c_cat, 0, "category", &col[QT_OCOL_CATEGORY], err)) ||
        (st = qt__csv_pick(c, NULL, c_brand, 0, "brand", &col[QT_OCOL_BRAND], err)) ||
        (st = qt__csv_pick(c, NULL, c_chain, 0, "chain", &col[QT_OCOL_CHAIN], err)) ||
        (st = qt__csv_pick(c, NULL, c_area, 0, "floor area", &col[QT_OCOL_AREA], err)) ||
        (st = qt__csv_pick(c, NULL, c_staff, 0, "staff", &col[QT_OCOL_STAFF], err)) ||
        (st = qt__csv_pick(c, NULL, c_hours, 0, "opening hours", &col[QT_OCOL_HOURS], err)) ||
        (st = qt__csv_pick(c, NULL, c_serv, 0, "services", &col[QT_OCOL_SERVICES], err)) ||
        (st = qt__csv_pick(c, o->address_col, c_addr, 0, "address", &col[QT_OCOL_ADDRESS], err)))
        return st;
    if (col[QT_OCOL_CATEGORY] < 0 && col[QT_OCOL_TYPE] < 0 && col[QT_OCOL_CODE] < 0 && col[QT_OCOL_NAME] < 0 &&
        rd->tagcol < 0)
        return qt_error_set(err, QT_EPARSE, path,
                            _("nothing to classify by: no category, type, typecode or name column"));
    return QT_OK;
}

/* The list's facts about the table: its encoding, header line, the columns chosen, the reader's notes.  -1: no
 * memory. */
static int start_list(reader *rd, const char *note)
{
    qt_outlet_list *l = rd->l;
    int k;
    l->encoding = rd->c.encoding;
    l->from_osm = rd->tagcol >= 0;
    l->header_line = rd->c.header_line;
    l->natural_key = rd->col[QT_OCOL_ID] < 0;
    for (k = 0; k < QT_OCOL_COUNT; k++)
        if (rd->col[k] >= 0 && !(l->cols[k] = qt__strdup(rd->c.header[rd->col[k]])))
            return -1;
    if (add_note(l, note) != 0 || (rd->c.noise && add_note(l, rd->c.noise) != 0))
        return -1;
    return 0;
}

/* An OpenStreetMap row: its tags, and brand and hours from them where the columns are empty.  1: the object is
 * no outlet (no outlet key, or no usable geometry) and is skipped. */
static int osm_row(reader *rd, row *w)
{
    size_t t;
    int outlet = 0;
    w->ntags = split_tags(rd->c.field[rd->tagcol], w->kv);
    for (t = 0; t < w->ntags && !outlet; t++)
        outlet = osm_outlet_key(w->kv[2 * t]);
    if (!outlet)
        return 1;
    if (!*w->brand && tag(w->kv, w->ntags, "brand"))
        w->brand = tag(w->kv, w->ntags, "brand");
    if (!*w->hours && tag(w->kv, w->ntags, "opening_hours"))
        w->hours = tag(w->kv, w->ntags, "opening_hours");
    return rd->c.field[rd->col[QT_OCOL_LON]][0] == '\0'; /* an OSM object without usable geometry */
}

/* The row's 业态: its category column when it names one, else the profile's rules (name, Amap type, OSM tags).
 * A category the profile does not know is a bad row (re). */
static qt_status classify_row(const reader *rd, row *w, qt_error *re)
{
    const char *catv = w->catv;
    w->cat = -1;
    w->rule = 0;
    if (catv[0] && strcmp(catv, "其他") != 0 && strcmp(catv, "其它") != 0 && !strchr(catv, ';')) {
        w->cat = qt_profile_find(rd->p, catv);
        if (w->cat < 0)
            return qt__csv_failv(&rd->c, rd->col[QT_OCOL_CATEGORY], re, QT_EINVAL,
                                 _("'%s' is not a category code, name or alias of profile %s (quarter profile "
                                   "list shows them)"),
                                 catv, qt_profile_name(rd->p));
    } else if (!catv[0] || strchr(catv, ';')) {
        qt_outlet_facts f;
        memset(&f, 0, sizeof f);
        f.name = w->name;
        f.amap_type = rd->col[QT_OCOL_TYPE] >= 0 ? rd->c.field[rd->col[QT_OCOL_TYPE]] : catv[0] ? catv : NULL;
        f.amap_code = rd->col[QT_OCOL_CODE] >= 0 ? rd->c.field[rd->col[QT_OCOL_CODE]] : NULL;
        f.osm_tags = w->ntags ? w->kv : NULL;
        f.ntags = w->ntags;
        w->cat = qt_profile_classify(rd->p, &f, &w->rule);
    }
    return QT_OK;
}

static uint64_t id_hash(const char *idv)
{
    return fnv1a(14695981039346656037ULL, idv, strlen(idv));
}

/* The row's id: its id column (a repeat is a bad row, in re), else the natural key, -2, -3 ... for repeats.
 * 0 ok, 1 a bad row, -1 no memory. */
static int row_id(reader *rd, row *w, qt_error *re)
{
    w->idbuf[0] = '\0';
    if (rd->col[QT_OCOL_ID] >= 0 && w->idv[0]) {
        uint32_t first = qt__idmap_get(&rd->seen, (int64_t)(id_hash(w->idv) >> 1));
        if (first != QT_IDMAP_NONE && strcmp(rd->l->id[first], w->idv) == 0) {
            qt__csv_failv(&rd->c, rd->col[QT_OCOL_ID], re, QT_ECONFLICT, _("id '%s' is also on line %zu"), w->idv,
                          rd->l->line[first]);
            return 1;
        }
    } else {
        uint64_t h = natural_key(w->name, w->lon, w->lat);
        uint32_t times = qt__idmap_get(&rd->seen, (int64_t)(h >> 1));
        times = times == QT_IDMAP_NONE ? 1 : times + 1;
        if (qt__idmap_set(&rd->seen, (int64_t)(h >> 1), times) != 0)
            return -1;
        if (times == 1)
            snprintf(w->idbuf, sizeof w->idbuf, "k%012llx", (unsigned long long)(h >> 16));
        else
            snprintf(w->idbuf, sizeof w->idbuf, "k%012llx-%u", (unsigned long long)(h >> 16), (unsigned)times);
    }
    return 0;
}

/* The row appended to the list (and its id to the ids seen).  -1: no memory. */
static int keep_row(reader *rd, const row *w)
{
    qt_outlet_list *l = rd->l;
    size_t i = l->n;
    if (grow_all(l, &rd->cap) != 0)
        return -1;
    l->id[i] = qt__strdup(w->idbuf[0] ? w->idbuf : w->idv);
    l->name[i] = qt__strdup(w->name);
    l->brand[i] = qt__strdup(w->brand);
    l->hours[i] = qt__strdup(w->hours);
    l->services[i] = qt__strdup(w->serv);
    l->address[i] = qt__strdup(w->addr);
    l->n++;
    if (!l->id[i] || !l->name[i] || !l->brand[i] || !l->hours[i] || !l->services[i] || !l->address[i])
        return -1;
    l->lon[i] = w->lon;
    l->lat[i] = w->lat;
    l->line[i] = rd->c.line;
    l->rule_line[i] = w->closed ? 0 : w->rule;
    l->chain[i] = (unsigned char)w->chain;
    l->floor_area[i] = w->area;
    l->staff[i] = w->staff;
    l->closed[i] = (unsigned char)w->closed;
    l->category[i] = w->closed ? -1 : w->cat;
    if (rd->col[QT_OCOL_ID] >= 0 && w->idv[0]) {
        int64_t h = (int64_t)(id_hash(w->idv) >> 1);
        if (qt__idmap_get(&rd->seen, h) == QT_IDMAP_NONE && qt__idmap_put(&rd->seen, h, (uint32_t)i, NULL) < 0)
            return -1;
    }
    return 0;
}

/* The current row: read, checked, classified, kept.  0 kept or skipped, 1 a bad row (re), -1 no memory. */
static int read_row(reader *rd, qt_error *re)
{
    const qt__csv *c = &rd->c;
    const int *col = rd->col;
    row w;
    double x0, y0;
    int k;
    w.name = qt__csv_str(c, col[QT_OCOL_NAME]);
    w.brand = qt__csv_str(c, col[QT_OCOL_BRAND]);
    w.hours = qt__csv_str(c, col[QT_OCOL_HOURS]);
    w.serv = qt__csv_str(c, col[QT_OCOL_SERVICES]);
    w.addr = qt__csv_str(c, col[QT_OCOL_ADDRESS]);
    w.idv = qt__csv_str(c, col[QT_OCOL_ID]);
    w.catv = qt__csv_str(c, col[QT_OCOL_CATEGORY]);
    w.ntags = 0;
    if (rd->tagcol >= 0 && osm_row(rd, &w)) {
        rd->l->skipped++;
        return 0;
    }
    if (qt__xform_row(&rd->xf, c, col[QT_OCOL_LON], col[QT_OCOL_LAT], &x0, &y0, &w.lon, &w.lat, re) ||
        qt__csv_opt_double(c, col[QT_OCOL_AREA], &w.area, re) ||
        qt__csv_opt_double(c, col[QT_OCOL_STAFF], &w.staff, re))
        return 1;
    if ((isfinite(w.area) && w.area < 0) || (isfinite(w.staff) && w.staff < 0)) {
        qt__csv_failv(c, isfinite(w.area) && w.area < 0 ? col[QT_OCOL_AREA] : col[QT_OCOL_STAFF], re, QT_EINVAL,
                      _("must not be negative"));
        return 1;
    }
    w.closed = closed_marker(w.name);
    if (classify_row(rd, &w, re) != QT_OK)
        return 1;
    if ((k = row_id(rd, &w, re)) != 0)
        return k;
    w.chain = col[QT_OCOL_CHAIN] >= 0 && c->field[col[QT_OCOL_CHAIN]][0] ? truthy(c->field[col[QT_OCOL_CHAIN]])
                                                                         : *w.brand != '\0';
    if (c->nbad)
        return 0; /* the table fails anyway: only look for more bad rows */
    return keep_row(rd, &w);
}

qt_status qt_outlets_read(const char *path, const qt_outlet_read_opts *o, const qt_profile *p, qt_outlet_list **out,
                          qt_error *err)
{
    reader rd;
    qt__table_opts to;
    char note[700];
    qt_status st;
    int r;
    *out = NULL;
    memset(&rd, 0, sizeof rd);
    rd.p = p;
    qt__table_opts_set(&to, o->encoding, o->layer, o->header_row, o->on_problem, o->problem_ud);
    if ((st = qt__table_open_opts(&rd.c, path, &to, err)) != QT_OK)
        return st;
    if ((st = pick_columns(&rd, o, path, note, sizeof note, err)) != QT_OK ||
        (st = qt__xform_table(&rd.xf, &rd.c, rd.col[QT_OCOL_LON], o->crs, path, err)) != QT_OK) {
        qt__csv_close(&rd.c);
        return st;
    }
    rd.l = qt__calloc(1, sizeof *rd.l);
    if (!rd.l || qt__idmap_init(&rd.seen, 64) != 0) {
        qt__free(rd.l);
        qt__csv_close(&rd.c);
        qt__xform_free(&rd.xf);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    if (start_list(&rd, note) != 0)
        goto nomem;
    while ((r = qt__csv_next(&rd.c, err)) > 0) {
        qt_error re = QT_ERROR_INIT;
        int k = read_row(&rd, &re);
        if (k < 0)
            goto nomem;
        if (k > 0)
            qt__csv_bad(&rd.c, &re);
    }
    if ((st = qt__csv_rows_end(&rd.c, r, err)) != QT_OK)
        goto fail;
    qt__csv_close(&rd.c);
    qt__xform_free(&rd.xf);
    qt__idmap_free(&rd.seen);
    *out = rd.l;
    return QT_OK;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, _("no memory for %zu outlets"), rd.l->n + 1);
fail:
    qt__csv_close(&rd.c);
    qt__xform_free(&rd.xf);
    qt__idmap_free(&rd.seen);
    qt_outlet_list_free(rd.l);
    return st;
}

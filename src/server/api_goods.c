/* SPDX-License-Identifier: MIT */
/*
 * api_goods.c -- goods a shop sells (周边商品搜索): its merchant lists, edits
 * and removes them (POST /outlets/{id}/goods, PUT and DELETE /goods/{id}),
 * uploads a whole list as CSV or XLSX (PUT /outlets/{id}/goods.csv); anybody lists a
 * shop's goods (GET /outlets/{id}/goods) and searches goods by a word
 * (Chinese substring) within walking minutes (GET /goods?q=&near=), each hit
 * with its shop, price and walking time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/utf8.h"
#include "io/csv.h"
#include "server/api.h"
#include "server/reply.h"
#include "server/walk.h"

/* the body of a good: 0 ok (g's strings BORROWED from j), -1 reply sent */
static int good_from(qt__req *r, json_t *j, qt_store_good *g, enum MHD_Result *res)
{
    json_t *price = json_object_get(j, "price");
    int stock = 1;
    if (!(g->name = qt__req_str(r, j, "name", res)))
        return -1;
    if (!json_is_number(price)) {
        *res = qt__reply_error(r, price ? QT_EINVAL : QT_EPARSE, "price", "price is a number of yuan");
        return -1;
    }
    g->price = json_number_value(price);
    g->unit = "";
    if (qt__req_opt_str(r, j, "unit", &g->unit, res) < 0 || qt__req_opt_str(r, j, "barcode", &g->barcode, res) < 0 ||
        qt__req_opt_flag(r, j, "in_stock", &stock, res) < 0)
        return -1;
    g->in_stock = stock != 0;
    return 0;
}

static json_t *good_json(const qt_store_good *g)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:f, s:s, s:b}", "id", (json_int_t)g->id, "outlet_id",
                          (json_int_t)g->outlet_id, "name", g->name, "price", g->price, "unit", g->unit ? g->unit : "",
                          "in_stock", g->in_stock);
    if (o)
        json_object_set_new(o, "barcode", g->barcode ? json_string(g->barcode) : json_null());
    return o;
}

enum MHD_Result qt__api_good_create(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    qt_store_good g;
    qt_error e = QT_ERROR_INIT;
    int64_t id;
    if (!j)
        return res;
    memset(&g, 0, sizeof g);
    if (good_from(r, j, &g, &res) < 0) {
        json_decref(j);
        return res;
    }
    g.outlet_id = r->id;
    qt_error_clear(&e);
    if (qt_store_good_put(r->st, r->uid, &g, (int64_t)time(NULL), &id, &e) != QT_OK) {
        res = qt__reply_status(r, &e);
    } else {
        g.id = id;
        res = qt__reply_json(r, 201, good_json(&g));
    }
    json_decref(j);
    return res;
}

static qt_status outlet_of_good(void *ud, const qt_store_good *g, qt_error *err)
{
    (void)err;
    *(int64_t *)ud = g->outlet_id;
    return QT_OK;
}

enum MHD_Result qt__api_good_put(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j;
    qt_store_good g;
    qt_error e = QT_ERROR_INIT;
    int64_t outlet = 0, id;
    qt_error_clear(&e);
    if (qt_store_good_get(r->st, r->id, outlet_of_good, &outlet, &e) != QT_OK)
        return qt__reply_status(r, &e);
    if (!(j = qt__req_body(r, &res)))
        return res;
    memset(&g, 0, sizeof g);
    if (good_from(r, j, &g, &res) < 0) {
        json_decref(j);
        return res;
    }
    g.id = r->id;
    g.outlet_id = outlet;
    if (qt_store_good_put(r->st, r->uid, &g, (int64_t)time(NULL), &id, &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 200, good_json(&g));
    json_decref(j);
    return res;
}

enum MHD_Result qt__api_good_delete(qt__req *r)
{
    qt_error e = QT_ERROR_INIT;
    qt_error_clear(&e);
    if (qt_store_good_delete(r->st, r->uid, r->id, &e) != QT_OK)
        return qt__reply_status(r, &e);
    return qt__reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)r->id, "status", "deleted"));
}

static qt_status good_to_array(void *ud, const qt_store_good *g, qt_error *err)
{
    json_t *o = good_json(g);
    if (!o || json_array_append_new(ud, o) != 0)
        return qt_error_set(err, QT_ENOMEM, "goods", _("no memory"));
    return QT_OK;
}

enum MHD_Result qt__api_goods_of_outlet(qt__req *r)
{
    json_t *arr = json_array();
    qt_error e = QT_ERROR_INIT;
    if (!arr)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    qt_error_clear(&e);
    if (qt_store_goods_of_outlet(r->st, r->id, good_to_array, arr, &e) != QT_OK) {
        json_decref(arr);
        return qt__reply_status(r, &e);
    }
    return qt__reply_json(r, 200, json_pack("{s:I, s:o}", "outlet_id", (json_int_t)r->id, "goods", arr));
}

typedef struct ghit {
    double d;
    json_t *o;
} ghit;

typedef struct gsearch {
    qt__walk *walk;
    int crs;
    ghit *v;
    size_t n, cap;
} gsearch;

static qt_status good_near(void *ud, const qt_store_good *g, qt_error *err)
{
    gsearch *gs = ud;
    double d = qt__walk_to(gs->walk, g->lon, g->lat), lon = g->lon, lat = g->lat;
    json_t *o;
    if (!(d <= gs->walk->budget_m))
        return QT_OK;
    qt__from_wgs84(gs->crs, &lon, &lat);
    o = good_json(g);
    if (o)
        json_object_set_new(o, "outlet",
                            json_pack("{s:I, s:s, s:f, s:f}", "id", (json_int_t)g->outlet_id, "name",
                                      g->outlet_name ? g->outlet_name : "", "lon", lon, "lat", lat));
    if (o) {
        json_object_set_new(o, "distance_m", json_real(round(d * 10) / 10));
        json_object_set_new(o, "time_s", json_real(round(d / gs->walk->s->speed_mps)));
    }
    if (!o || qt__grow((void **)&gs->v, &gs->cap, gs->n + 1, sizeof *gs->v) != 0) {
        json_decref(o);
        return qt_error_set(err, QT_ENOMEM, "goods", _("no memory"));
    }
    gs->v[gs->n].d = d;
    gs->v[gs->n].o = o;
    gs->n++;
    return QT_OK;
}

static int by_d(const void *a, const void *b)
{
    const ghit *x = a, *y = b;
    return x->d < y->d ? -1 : x->d > y->d;
}

/* GET /goods?q=WORD&near=LON,LAT[&minutes=15][&limit=20][&in_stock=0] */
enum MHD_Result qt__api_goods_search(qt__req *r)
{
    enum MHD_Result res;
    const char *q = qt__req_arg(r, "q"), *stock = qt__req_arg(r, "in_stock");
    double lon, lat, minutes = 15, limit = 20;
    int crs, near = qt__req_lonlat(r, "near", &lon, &lat), wr;
    qt__walk walk;
    gsearch gs;
    qt_error e = QT_ERROR_INIT;
    qt_status rc;
    json_t *arr;
    size_t i;
    if (qt__req_crs(r, &crs, &res) < 0)
        return res;
    if (!q || !*q || strlen(q) > 100)
        return qt__reply_error(r, q && *q ? QT_EINVAL : QT_EPARSE, "q", "q is a word to look for (1 to 100 bytes)");
    if (near <= 0)
        return qt__reply_error(r, near ? QT_EINVAL : QT_EPARSE, "near", "near is LON,LAT");
    if (qt__req_num(r, "minutes", 1, QT__MAX_MINUTES, &minutes) < 0 || qt__req_num(r, "limit", 1, 100, &limit) < 0)
        return qt__reply_error(r, QT_EINVAL, "minutes", "minutes is 1 to %d; limit 1 to 100", QT__MAX_MINUTES);
    qt__to_wgs84(crs, &lon, &lat);
    if ((wr = qt__walk_from(r->s, lon, lat, minutes, &walk)) == 0)
        return qt__reply_json(r, 200, json_pack("{s:[], s:s}", "goods", "note", _("no street within 500 m")));
    if (wr < 0)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    memset(&gs, 0, sizeof gs);
    gs.walk = &walk;
    gs.crs = crs;
    qt_error_clear(&e);
    rc = qt_store_goods_match(r->st, q, !(stock && strcmp(stock, "0") == 0), 2000, good_near, &gs, &e);
    qt__walk_done(&walk);
    arr = rc == QT_OK ? json_array() : NULL;
    if (arr && gs.n) {
        qsort(gs.v, gs.n, sizeof *gs.v, by_d);
        for (i = 0; i < gs.n && i < (size_t)limit; i++)
            json_array_append(arr, gs.v[i].o);
    }
    for (i = 0; i < gs.n; i++)
        json_decref(gs.v[i].o);
    qt__free(gs.v);
    if (rc != QT_OK)
        return qt__reply_status(r, &e);
    if (!arr)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    return qt__reply_json(r, 200, json_pack("{s:o, s:f}", "goods", arr, "minutes", minutes));
}

/* PUT /outlets/{id}/goods.csv: the shop's whole list (name,price[,unit][,in_stock][,barcode]) in one transaction,
 * as CSV (UTF-8) or as an XLSX workbook (told by its ZIP signature) */
enum MHD_Result qt__api_goods_upload(qt__req *r)
{
    qt__csv c;
    qt_error e = QT_ERROR_INIT;
    int cn, cp, cu, cs, cb, rr;
    size_t rows = 0;
    char where[64];
    static const char *const names_n[] = {"name", "名称", "商品", NULL},
                             *const names_p[] = {"price", "价格", "单价", NULL},
                             *const names_u[] = {"unit", "单位", NULL}, *const names_s[] = {"in_stock", "有货", NULL},
                             *const names_b[] = {"barcode", "条码", NULL};
    if (!r->conn->len)
        return qt__reply_error(r, QT_EPARSE, NULL, "the body is the CSV or XLSX list of goods");
    memset(&c, 0, sizeof c);
    qt_error_clear(&e);
    if (r->conn->len >= 4 && memcmp(r->conn->body, "PK\x03\x04", 4) == 0) {
        /* a ZIP: an XLSX workbook, its first sheet read through GDAL as the io layer reads tables */
        if (qt__table_open_mem(&c, r->conn->body, r->conn->len, "goods.xlsx", &e) != QT_OK)
            return qt__reply_status(r, &e);
    } else {
        if (qt__utf8_valid_prefix(r->conn->body, r->conn->len) < r->conn->len)
            return qt__reply_error(r, QT_EPARSE, NULL, "the CSV is not UTF-8 (save it as CSV UTF-8, or send the XLSX)");
        c.path = "goods.csv";
        c.data = qt__malloc(r->conn->len + 1);
        if (!c.data)
            return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
        memcpy(c.data, r->conn->body, r->conn->len);
        c.data[r->conn->len] = '\0';
        c.len = r->conn->len;
        c.encoding = QT_ENC_UTF8;
        if (c.len >= 3 && memcmp(c.data, "\xEF\xBB\xBF", 3) == 0)
            c.pos = 3;
        if (qt__csv_start(&c, &e) != QT_OK)
            return qt__reply_status(r, &e);
    }
    if (qt__csv_pick(&c, NULL, names_n, 1, "name", &cn, &e) != QT_OK ||
        qt__csv_pick(&c, NULL, names_p, 1, "price", &cp, &e) != QT_OK ||
        qt__csv_pick(&c, NULL, names_u, 0, "unit", &cu, &e) != QT_OK ||
        qt__csv_pick(&c, NULL, names_s, 0, "in_stock", &cs, &e) != QT_OK ||
        qt__csv_pick(&c, NULL, names_b, 0, "barcode", &cb, &e) != QT_OK) {
        qt__csv_close(&c);
        return qt__reply_status(r, &e);
    }
    if (qt_store_begin(r->st, &e) != QT_OK) {
        qt__csv_close(&c);
        return qt__reply_status(r, &e);
    }
    while ((rr = qt__csv_next(&c, &e)) == 1) {
        qt_store_good g;
        int64_t id;
        memset(&g, 0, sizeof g);
        g.outlet_id = r->id;
        g.name = (size_t)cn < c.nfield ? c.field[cn] : "";
        g.unit = cu >= 0 && (size_t)cu < c.nfield ? c.field[cu] : "";
        g.barcode = cb >= 0 && (size_t)cb < c.nfield && *c.field[cb] ? c.field[cb] : NULL;
        g.in_stock = !(
            cs >= 0 && (size_t)cs < c.nfield &&
            (strcmp(c.field[cs], "0") == 0 || strcmp(c.field[cs], "否") == 0 || strcmp(c.field[cs], "no") == 0));
        snprintf(where, sizeof where, "%s:%zu", c.path, c.line);
        if (qt__csv_double(&c, cp, &g.price, &e) != QT_OK ||
            qt_store_good_put(r->st, r->uid, &g, (int64_t)time(NULL), &id, &e) != QT_OK) {
            qt_error ctx = QT_ERROR_INIT;
            qt_store_rollback(r->st);
            qt__csv_close(&c);
            qt_error_clear(&ctx);
            qt_error_set(&ctx, e.code, where, _("%s%s%s"), e.where, e.where[0] ? ": " : "", e.msg);
            return qt__reply_status(r, &ctx);
        }
        rows++;
    }
    qt__csv_close(&c);
    if (rr < 0 || qt_store_commit(r->st, &e) != QT_OK) {
        qt_store_rollback(r->st);
        return qt__reply_status(r, &e);
    }
    return qt__reply_json(r, 200, json_pack("{s:I, s:I}", "outlet_id", (json_int_t)r->id, "added", (json_int_t)rows));
}

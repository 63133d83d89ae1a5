/* SPDX-License-Identifier: MIT */
/*
 * api_coupons.c -- merchants issue coupons (dates in ISO 8601 or Unix
 * seconds), residents find them (near a point, of a shop), claim them (an
 * Idempotency-Key makes a retry safe), see their own ("my coupons") with a
 * QR code of each, merchants redeem the short codes however they are typed
 * (POST /coupons, GET /coupons, POST /coupons/{id}/claim, GET /me/coupons,
 * GET /me/coupons/qr, POST /redemptions).  The store decides every race
 * (quantity, per-user limit, one redemption).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/isotime.h"
#include "server/api.h"
#include "server/qr.h"
#include "server/reply.h"
#include "server/walk.h"

enum MHD_Result qt__api_coupon_create(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    qt_coupon_spec cs;
    json_int_t outlet, qty, lim;
    int64_t id, from = 0, to = 0;
    int hf, ht;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    memset(&cs, 0, sizeof cs);
    if (qt__req_int(r, j, "outlet_id", &outlet, &res) || !(cs.title = qt__req_str(r, j, "title", &res)) ||
        qt__req_int(r, j, "quantity", &qty, &res) || qt__req_int(r, j, "per_user_limit", &lim, &res) ||
        (hf = qt__req_opt_time(r, j, "valid_from", &from, &res)) < 0 ||
        (ht = qt__req_opt_time(r, j, "valid_to", &to, &res)) < 0) {
        json_decref(j);
        return res;
    }
    if (!hf || !ht) {
        json_decref(j);
        return qt__reply_error(r, QT_EPARSE, hf ? "valid_to" : "valid_from",
                               "valid_from and valid_to are required (ISO 8601 such as 2026-12-01T08:00:00+08:00, "
                               "or Unix seconds)");
    }
    cs.outlet_id = outlet;
    cs.quantity = qty;
    cs.per_user_limit = lim;
    cs.valid_from = from;
    cs.valid_to = to;
    if (qt_store_coupon_create(r->st, r->uid, &cs, (int64_t)time(NULL), &id, &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 201,
                             json_pack("{s:I, s:o, s:o}", "id", (json_int_t)id, "valid_from", qt__req_iso(r, from),
                                       "valid_to", qt__req_iso(r, to)));
    json_decref(j);
    return res;
}

enum MHD_Result qt__api_coupon_claim(qt__req *r)
{
    char code[33];
    const char *key = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, "Idempotency-Key");
    int replayed = 0;
    qt_error e = QT_ERROR_INIT;
    qt_error_clear(&e);
    if (qt_store_coupon_claim_key(r->st, r->id, r->uid, key, (int64_t)time(NULL), code, &replayed, &e) != QT_OK)
        return qt__reply_status(r, &e);
    /* a retry with the same key answers as the first claim did, with the same code */
    return qt__reply_json(
        r, replayed ? 200 : 201,
        json_pack("{s:s, s:I, s:b}", "code", code, "coupon_id", (json_int_t)r->id, "replayed", replayed));
}

enum MHD_Result qt__api_redeem(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    const char *typed;
    char code[33];
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (!(typed = qt__req_str(r, j, "code", &res))) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    /* as the cashier typed it: any case, dashes and spaces, O for 0, I or L for 1; the check character catches a typo */
    if (qt_store_code_normalize(typed, code, &e) != QT_OK ||
        qt_store_redeem(r->st, r->uid, code, (int64_t)time(NULL), &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 200, json_pack("{s:s, s:s}", "status", "redeemed", "code", code));
    json_decref(j);
    return res;
}

typedef struct coupon_list {
    qt__req *r;
    qt__walk *walk; /* NULL: no distance */
    int crs;
    json_t *arr;
} coupon_list;

static qt_status coupon_json(void *ud, const qt_store_coupon *c, qt_error *err)
{
    coupon_list *cl = ud;
    double d = cl->walk ? qt__walk_to(cl->walk, c->lon, c->lat) : NAN, lon = c->lon, lat = c->lat;
    json_t *o;
    if (cl->walk && !(d <= cl->walk->budget_m))
        return QT_OK;
    qt__from_wgs84(cl->crs, &lon, &lat);
    o = json_pack("{s:I, s:s, s:I, s:s, s:f, s:f, s:I, s:I, s:I, s:o, s:o}", "id", (json_int_t)c->id, "title",
                  c->title ? c->title : "", "outlet_id", (json_int_t)c->outlet_id, "outlet_name",
                  c->outlet_name ? c->outlet_name : "", "lon", lon, "lat", lat, "quantity", (json_int_t)c->quantity,
                  "remaining", (json_int_t)(c->quantity - c->claimed), "per_user_limit", (json_int_t)c->per_user_limit,
                  "valid_from", qt__req_iso(cl->r, c->valid_from), "valid_to", qt__req_iso(cl->r, c->valid_to));
    if (o && cl->walk) {
        json_object_set_new(o, "distance_m", json_real(round(d * 10) / 10));
        json_object_set_new(o, "time_s", json_real(round(d / cl->walk->s->speed_mps)));
    }
    if (!o || json_array_append_new(cl->arr, o) != 0)
        return qt_error_set(err, QT_ENOMEM, "coupons", _("no memory"));
    return QT_OK;
}

static int by_distance(const void *a, const void *b)
{
    double x = json_real_value(json_object_get(*(json_t *const *)a, "distance_m")),
           y = json_real_value(json_object_get(*(json_t *const *)b, "distance_m"));
    return x < y ? -1 : x > y;
}

/* GET /coupons?near=LON,LAT[&minutes=15] or ?outlet_id=N: coupons valid now with some left */
enum MHD_Result qt__api_coupons_get(qt__req *r)
{
    enum MHD_Result res;
    double lon, lat, minutes = 15, outlet = 0, limit = 50;
    int crs, near = qt__req_lonlat(r, "near", &lon, &lat), wr = 1;
    qt__walk walk;
    coupon_list cl;
    qt_error e = QT_ERROR_INIT;
    qt_status rc;
    if (qt__req_crs(r, &crs, &res) < 0)
        return res;
    if (near < 0 || qt__req_num(r, "outlet_id", 1, 9e15, &outlet) < 0 ||
        qt__req_num(r, "minutes", 1, QT__MAX_MINUTES, &minutes) < 0 || qt__req_num(r, "limit", 1, 200, &limit) < 0)
        return qt__reply_error(r, QT_EINVAL, near < 0 ? "near" : "limit",
                               "near is LON,LAT; outlet_id an id; minutes 1 to %d; limit 1 to 200", QT__MAX_MINUTES);
    if (!near && !outlet)
        return qt__reply_error(r, QT_EPARSE, "near", "give near=LON,LAT or outlet_id=N");
    memset(&cl, 0, sizeof cl);
    cl.r = r;
    cl.crs = crs;
    cl.arr = json_array();
    if (!cl.arr)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    if (near) {
        qt__to_wgs84(crs, &lon, &lat);
        if ((wr = qt__walk_from(r->s, lon, lat, minutes, &walk)) < 0) {
            json_decref(cl.arr);
            return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
        }
        if (wr == 0)
            return qt__reply_json(r, 200,
                                  json_pack("{s:o, s:s}", "coupons", cl.arr, "note", _("no street within 500 m")));
        cl.walk = &walk;
    }
    qt_error_clear(&e);
    rc = qt_store_coupons_active(r->st, (int64_t)outlet, (int64_t)time(NULL), near ? 2000 : (int)limit, coupon_json,
                                 &cl, &e);
    if (near)
        qt__walk_done(&walk);
    if (rc != QT_OK) {
        json_decref(cl.arr);
        return qt__reply_status(r, &e);
    }
    if (near && json_array_size(cl.arr) > 1) {
        size_t n = json_array_size(cl.arr), i;
        json_t **v = qt__malloc(n * sizeof *v), *sorted = json_array();
        if (!v || !sorted) {
            qt__free(v);
            json_decref(sorted);
            json_decref(cl.arr);
            return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
        }
        for (i = 0; i < n; i++)
            v[i] = json_array_get(cl.arr, i);
        qsort(v, n, sizeof *v, by_distance);
        for (i = 0; i < n && i < (size_t)limit; i++)
            json_array_append(sorted, v[i]);
        qt__free(v);
        json_decref(cl.arr);
        cl.arr = sorted;
    }
    return qt__reply_json(r, 200, json_pack("{s:o}", "coupons", cl.arr));
}

typedef struct claim_list {
    qt__req *r;
    json_t *arr;
} claim_list;

static qt_status claim_json(void *ud, const qt_store_claim *c, qt_error *err)
{
    claim_list *cl = ud;
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:o, s:o, s:o}", "code", c->code, "title",
                          c->title ? c->title : "", "coupon_id", (json_int_t)c->coupon_id, "outlet_id",
                          (json_int_t)c->outlet_id, "outlet_name", c->outlet_name ? c->outlet_name : "", "status",
                          c->status, "claimed_at", qt__req_iso(cl->r, c->claimed_at), "valid_from",
                          qt__req_iso(cl->r, c->valid_from), "valid_to", qt__req_iso(cl->r, c->valid_to));
    if (o)
        json_object_set_new(o, "redeemed_at", c->redeemed_at ? qt__req_iso(cl->r, c->redeemed_at) : json_null());
    if (!o || json_array_append_new(cl->arr, o) != 0)
        return qt_error_set(err, QT_ENOMEM, "coupons", _("no memory"));
    return QT_OK;
}

/* GET /me/coupons: the caller's claims, newest first, with their status */
enum MHD_Result qt__api_my_coupons(qt__req *r)
{
    claim_list cl = {r, json_array()};
    double limit = 100;
    qt_error e = QT_ERROR_INIT;
    if (!cl.arr)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    if (qt__req_num(r, "limit", 1, 500, &limit) < 0) {
        json_decref(cl.arr);
        return qt__reply_error(r, QT_EINVAL, "limit", "limit is 1 to 500");
    }
    qt_error_clear(&e);
    if (qt_store_claims_of_user(r->st, r->uid, (int64_t)time(NULL), (int)limit, claim_json, &cl, &e) != QT_OK) {
        json_decref(cl.arr);
        return qt__reply_status(r, &e);
    }
    return qt__reply_json(r, 200, json_pack("{s:o}", "coupons", cl.arr));
}

typedef struct owns {
    const char *code;
    int found;
} owns;

static qt_status find_code(void *ud, const qt_store_claim *c, qt_error *err)
{
    owns *o = ud;
    (void)err;
    if (strcmp(c->code, o->code) == 0)
        o->found = 1;
    return QT_OK;
}

/* GET /me/coupons/qr?code=C[&format=svg|png]: the QR code of one of the caller's codes */
enum MHD_Result qt__api_my_coupon_qr(qt__req *r)
{
    const char *typed = qt__req_arg(r, "code"), *fmt = qt__req_arg(r, "format");
    char code[33];
    owns o;
    qt_error e = QT_ERROR_INIT;
    char *img = NULL;
    size_t len = 0;
    int png;
    if (!typed)
        return qt__reply_error(r, QT_EPARSE, "code", "code is required");
    png = fmt && strcmp(fmt, "png") == 0;
    if (fmt && !png && strcmp(fmt, "svg") != 0)
        return qt__reply_error(r, QT_EINVAL, "format", "format is svg (default) or png");
    qt_error_clear(&e);
    if (qt_store_code_normalize(typed, code, &e) != QT_OK)
        return qt__reply_status(r, &e);
    o.code = code;
    o.found = 0;
    if (qt_store_claims_of_user(r->st, r->uid, (int64_t)time(NULL), 10000, find_code, &o, &e) != QT_OK)
        return qt__reply_status(r, &e);
    if (!o.found)
        return qt__reply_error(r, QT_ENOTFOUND, "code", "not one of your codes");
    if (qt__qr_image(code, png, &img, &len, &e) != QT_OK)
        return qt__reply_status(r, &e);
    return qt__reply_text(r, 200, img, len, png ? "image/png" : "image/svg+xml");
}

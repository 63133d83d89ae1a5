/* SPDX-License-Identifier: MIT */
/*
 * api_outlets.c -- one outlet with its credit (GET /outlets/{id}), a
 * merchant's own outlets (GET /me/outlets) and edits by merchants, operators
 * and admins (PATCH /outlets/{id}); an edit reaches the nearby index at once.
 * A closed outlet (closed_at, set by a re-import) is not found but by
 * operators and admins, who see when it was marked closed.
 */
#include <string.h>
#include <time.h>

#include "base/isotime.h"
#include "server/api.h"
#include "server/reply.h"

static json_t *services_json(const char *s)
{
    json_t *a = json_array();
    while (a && s && *s) {
        const char *e = strchr(s, ';');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n)
            json_array_append_new(a, json_stringn(s, n));
        s = e ? e + 1 : NULL;
    }
    return a;
}

typedef struct outlet_json {
    json_t *j;
    int crs;
    int64_t closed_at; /* 0: open */
} outlet_json;

static qt_status outlet_to_json(void *ud, const qt_store_outlet *o, qt_error *err)
{
    outlet_json *oj = ud;
    double lon = o->lon, lat = o->lat;
    (void)err;
    oj->closed_at = o->closed_at;
    qt__from_wgs84(oj->crs, &lon, &lat);
    oj->j = json_pack("{s:I, s:s?, s:s, s:s?, s:f, s:f, s:s, s:s, s:b, s:s, s:o}", "id", (json_int_t)o->id, "ext_id",
                      o->ext_id, "name", o->name ? o->name : "", "category", o->category, "lon", lon, "lat", lat,
                      "address", o->address ? o->address : "", "brand", o->brand ? o->brand : "", "chain", o->chain,
                      "opening_hours", o->opening_hours ? o->opening_hours : "", "services",
                      services_json(o->services));
    if (oj->j) {
        if (o->cash >= 0)
            json_object_set_new(oj->j, "cash", json_boolean(o->cash));
        if (o->barrier_free >= 0)
            json_object_set_new(oj->j, "barrier_free", json_boolean(o->barrier_free));
        if (o->community)
            json_object_set_new(oj->j, "community", json_string(o->community));
        if (o->circle)
            json_object_set_new(oj->j, "circle", json_string(o->circle));
    }
    return QT_OK;
}

/* the outlet r->id with its credit as the reply */
static enum MHD_Result reply_outlet(qt__req *r)
{
    outlet_json oj = {NULL, 0, 0};
    qt_error e = QT_ERROR_INIT;
    int n, score;
    char grade[2] = "";
    enum MHD_Result res;
    if (qt__req_crs(r, &oj.crs, &res) < 0)
        return res;
    qt_error_clear(&e);
    if (qt_store_outlet_get(r->st, r->id, outlet_to_json, &oj, &e) != QT_OK)
        return qt__reply_status(r, &e);
    if (oj.closed_at && r->role != QT_ROLE_OPERATOR && r->role != QT_ROLE_ADMIN) {
        /* a closed shop is gone for residents and merchants; operators and admins see it marked closed */
        json_decref(oj.j);
        return qt__reply_error(r, QT_ENOTFOUND, "outlet", "outlet %lld is closed", (long long)r->id);
    }
    if (oj.closed_at && oj.j) {
        char when[32];
        qt__time_format(oj.closed_at, r->s->o.utc_offset_min, when);
        json_object_set_new(oj.j, "closed_at", json_string(when));
    }
    if (oj.j && qt_store_outlet_credit(r->st, r->id, (int64_t)time(NULL), &n, &score, grade, &e) == QT_OK)
        json_object_set_new(oj.j, "credit",
                            json_pack("{s:i, s:s, s:i}", "score", score, "grade", grade, "complaints_365d", n));
    return qt__reply_json(r, 200, oj.j);
}

enum MHD_Result qt__api_outlet_get(qt__req *r)
{
    return reply_outlet(r);
}

/* GET /me/outlets: the caller's (a merchant's) linked outlets, in id order */
enum MHD_Result qt__api_my_outlets(qt__req *r)
{
    outlet_json oj = {NULL, 0, 0};
    qt_error e = QT_ERROR_INIT;
    int64_t *ids = NULL;
    size_t n = 0;
    enum MHD_Result res;
    if (qt__req_crs(r, &oj.crs, &res) < 0)
        return res;
    qt_error_clear(&e);
    if (qt_store_merchant_outlets(r->st, r->uid, &ids, &n, &e) != QT_OK)
        return qt__reply_status(r, &e);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        oj.j = NULL;
        if (qt_store_outlet_get(r->st, ids[i], outlet_to_json, &oj, &e) != QT_OK) {
            if (e.code == QT_ENOTFOUND) { /* removed meanwhile */
                qt_error_clear(&e);
                continue;
            }
            json_decref(arr);
            qt_store_free_str((char *)ids);
            return qt__reply_status(r, &e);
        }
        if (!oj.j || json_array_append_new(arr, oj.j) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    qt_store_free_str((char *)ids);
    if (!arr)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    return qt__reply_json(r, 200, json_pack("{s:o}", "outlets", arr));
}

enum MHD_Result qt__api_outlet_patch(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    qt_outlet_patch p;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    memset(&p, 0, sizeof p);
    p.cash = p.barrier_free = -2;
    if (qt__req_opt_str(r, j, "name", &p.name, &res) < 0 || qt__req_opt_str(r, j, "category", &p.category, &res) < 0 ||
        qt__req_opt_str(r, j, "address", &p.address, &res) < 0 || qt__req_opt_str(r, j, "brand", &p.brand, &res) < 0 ||
        qt__req_opt_str(r, j, "opening_hours", &p.opening_hours, &res) < 0 ||
        qt__req_opt_str(r, j, "services", &p.services, &res) < 0 || qt__req_opt_flag(r, j, "cash", &p.cash, &res) < 0 ||
        qt__req_opt_flag(r, j, "barrier_free", &p.barrier_free, &res) < 0) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    if (r->role == QT_ROLE_MERCHANT) { /* a closed shop is gone for its merchant too: nothing to edit */
        outlet_json oj = {NULL, 0, 0};
        if (qt_store_outlet_get(r->st, r->id, outlet_to_json, &oj, &e) == QT_OK && oj.closed_at) {
            json_decref(oj.j);
            json_decref(j);
            return qt__reply_error(r, QT_ENOTFOUND, "outlet", "outlet %lld is closed", (long long)r->id);
        }
        json_decref(oj.j);
        qt_error_clear(&e);
    }
    /* a merchant edits its own shop's profile; operators their circle's outlets; admins any (all audited) */
    if ((r->role == QT_ROLE_MERCHANT ? qt_store_outlet_update_by_merchant(r->st, r->uid, r->id, &p, &e)
                                     : qt_store_outlet_update(r->st, r->uid, r->role, r->id, &p, &e)) != QT_OK)
        res = qt__reply_status(r, &e);
    else {
        qt__index_refresh(r->s, r->st, r->id);
        res = reply_outlet(r);
    }
    json_decref(j);
    return res;
}

/* SPDX-License-Identifier: MIT */
/*
 * api_coupons.c -- merchants issue coupons, residents claim them, merchants
 * redeem the codes (POST /coupons, /coupons/{id}/claim, /redemptions).  The
 * store decides every race (quantity, per-user limit, one redemption).
 */
#include <string.h>
#include <time.h>

#include "server/api.h"
#include "server/reply.h"

enum MHD_Result qt__api_coupon_create(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    qt_coupon_spec cs;
    json_int_t outlet, qty, lim, from, to;
    int64_t id;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    memset(&cs, 0, sizeof cs);
    if (qt__req_int(r, j, "outlet_id", &outlet, &res) || !(cs.title = qt__req_str(r, j, "title", &res)) ||
        qt__req_int(r, j, "quantity", &qty, &res) || qt__req_int(r, j, "per_user_limit", &lim, &res) ||
        qt__req_int(r, j, "valid_from", &from, &res) || qt__req_int(r, j, "valid_to", &to, &res)) {
        json_decref(j);
        return res;
    }
    cs.outlet_id = outlet;
    cs.quantity = qty;
    cs.per_user_limit = lim;
    cs.valid_from = from;
    cs.valid_to = to;
    if (qt_store_coupon_create(r->st, r->uid, &cs, (int64_t)time(NULL), &id, &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
    json_decref(j);
    return res;
}

enum MHD_Result qt__api_coupon_claim(qt__req *r)
{
    char code[33];
    qt_error e = QT_ERROR_INIT;
    if (qt_store_coupon_claim(r->st, r->id, r->uid, (int64_t)time(NULL), code, &e) != QT_OK)
        return qt__reply_status(r, &e);
    return qt__reply_json(r, 201, json_pack("{s:s, s:I}", "code", code, "coupon_id", (json_int_t)r->id));
}

enum MHD_Result qt__api_redeem(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    const char *code;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (!(code = qt__req_str(r, j, "code", &res))) {
        json_decref(j);
        return res;
    }
    if (qt_store_redeem(r->st, r->uid, code, (int64_t)time(NULL), &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 200, json_pack("{s:s, s:s}", "status", "redeemed", "code", code));
    json_decref(j);
    return res;
}

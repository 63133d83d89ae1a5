/* SPDX-License-Identifier: MIT */
/*
 * api_surveys.c -- what residents say: the satisfaction survey of their home
 * circle (POST /circles/{id}/survey) and complaints about an outlet, with
 * their process: made by residents (POST /complaints, limited per day),
 * seen by whom they concern (GET /complaints), answered by the shop's
 * merchant (POST /complaints/{id}/answer), upheld or rejected by the
 * circle's operator or an admin (POST /complaints/{id}/resolution).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "server/api.h"
#include "server/reply.h"

enum MHD_Result qt__api_survey_add(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res), *sat;
    const char *comment = "", *period = NULL;
    char now_period[16];
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    sat = json_object_get(j, "satisfied");
    if (!json_is_boolean(sat)) {
        json_decref(j);
        return qt__reply_error(r, sat ? QT_EINVAL : QT_EPARSE, "satisfied", "satisfied must be true or false");
    }
    if (qt__req_opt_str(r, j, "comment", &comment, &res) < 0 || qt__req_opt_str(r, j, "period", &period, &res) < 0) {
        json_decref(j);
        return res;
    }
    qt__period_now(r->s, now_period);
    qt_error_clear(&e);
    /* a valid period that has begun; only the circle of the resident's home */
    if (qt_store_survey_answer(r->st, r->id, r->uid, period ? period : now_period, json_is_true(sat), comment,
                               (int64_t)time(NULL), &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(
            r, 201, json_pack("{s:I, s:s}", "circle_id", (json_int_t)r->id, "period", period ? period : now_period));
    json_decref(j);
    return res;
}

enum MHD_Result qt__api_complaint_add(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    json_int_t outlet;
    const char *kind, *text = "";
    int64_t id;
    char key[32];
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (qt__req_int(r, j, "outlet_id", &outlet, &res) || !(kind = qt__req_str(r, j, "kind", &res)) ||
        qt__req_opt_str(r, j, "text", &text, &res) < 0) {
        json_decref(j);
        return res;
    }
    snprintf(key, sizeof key, "user %lld", (long long)r->uid);
    if (qt__rate_limit(r, "complaint", key, r->s->o.complaints_per_day, 86400, &res) < 0) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    if (qt_store_complaint_add(r->st, outlet, r->uid, kind, text, (int64_t)time(NULL), &id, &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "open"));
    json_decref(j);
    return res;
}

static qt_status complaint_json(void *ud, const qt_store_complaint *c, qt_error *err)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)c->id, "outlet_id",
                          (json_int_t)c->outlet_id, "outlet_name", c->outlet_name ? c->outlet_name : "", "kind",
                          c->kind ? c->kind : "", "text", c->text ? c->text : "", "status", c->status, "created_at",
                          (json_int_t)c->created_at);
    if (!o || json_array_append_new(ud, o) != 0)
        return qt_error_set(err, QT_ENOMEM, "complaints", _("no memory"));
    json_object_set_new(o, "answer", c->answer ? json_string(c->answer) : json_null());
    json_object_set_new(o, "answered_at", c->answered_at ? json_integer(c->answered_at) : json_null());
    json_object_set_new(o, "resolution", c->resolution ? json_string(c->resolution) : json_null());
    json_object_set_new(o, "resolved_at", c->resolved_at ? json_integer(c->resolved_at) : json_null());
    return QT_OK;
}

/* GET /complaints[?outlet_id=N&limit=N]: what the caller may see */
enum MHD_Result qt__api_complaints_get(qt__req *r)
{
    double outlet = 0, limit = 50;
    json_t *arr = json_array();
    qt_error e = QT_ERROR_INIT;
    if (qt__req_num(r, "outlet_id", 1, 9e15, &outlet) < 0 || qt__req_num(r, "limit", 1, 200, &limit) < 0) {
        json_decref(arr);
        return qt__reply_error(r, QT_EINVAL, "limit", "outlet_id is an id; limit is 1 to 200");
    }
    qt_error_clear(&e);
    if (!arr)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    if (qt_store_complaints_each(r->st, r->uid, r->role, (int64_t)outlet, (int)limit, complaint_json, arr, &e) !=
        QT_OK) {
        json_decref(arr);
        return qt__reply_status(r, &e);
    }
    return qt__reply_json(r, 200, json_pack("{s:o}", "complaints", arr));
}

enum MHD_Result qt__api_complaint_answer(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    const char *text;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (!(text = qt__req_str(r, j, "answer", &res))) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    if (qt_store_complaint_answer(r->st, r->uid, r->id, text, (int64_t)time(NULL), &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)r->id, "status", "open"));
    json_decref(j);
    return res;
}

enum MHD_Result qt__api_complaint_resolve(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    const char *decision, *note = "";
    int upheld;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (!(decision = qt__req_str(r, j, "decision", &res)) || qt__req_opt_str(r, j, "note", &note, &res) < 0) {
        json_decref(j);
        return res;
    }
    if (strcmp(decision, "upheld") != 0 && strcmp(decision, "rejected") != 0) {
        json_decref(j);
        return qt__reply_error(r, QT_EINVAL, "decision", "decision is \"upheld\" or \"rejected\"");
    }
    upheld = decision[0] == 'u';
    qt_error_clear(&e);
    if (qt_store_complaint_resolve(r->st, r->uid, r->role, r->id, upheld, note, (int64_t)time(NULL), &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(
            r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)r->id, "status", upheld ? "upheld" : "rejected"));
    json_decref(j);
    return res;
}

/* SPDX-License-Identifier: MIT */
/*
 * api_surveys.c -- what residents say: the satisfaction survey of a circle
 * (POST /circles/{id}/survey) and complaints about an outlet
 * (POST /complaints).
 */
#include <time.h>

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
    qt__period_now(now_period);
    if (qt_store_survey_add(r->st, r->id, r->uid, period ? period : now_period, json_is_true(sat), comment,
                            (int64_t)time(NULL), &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 201, json_pack("{s:I, s:s}", "circle_id", (json_int_t)r->id, "period",
                                               period ? period : now_period));
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
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (qt__req_int(r, j, "outlet_id", &outlet, &res) || !(kind = qt__req_str(r, j, "kind", &res)) ||
        qt__req_opt_str(r, j, "text", &text, &res) < 0) {
        json_decref(j);
        return res;
    }
    if (qt_store_complaint_add(r->st, outlet, r->uid, kind, text, (int64_t)time(NULL), &id, &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
    json_decref(j);
    return res;
}

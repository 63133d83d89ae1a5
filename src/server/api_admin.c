/* SPDX-License-Identifier: MIT */
/*
 * api_admin.c -- the service's state (health) and the accounts the admin
 * makes: POST /users, POST /users/{id}/outlets (docs/http-api.md).
 */
#include <stdio.h>
#include <time.h>

#include "server/api.h"
#include "server/reply.h"

enum MHD_Result qt__api_health(qt__req *r)
{
    qt_server *s = r->s;
    qt_nearby_index *ix = qt__index_acquire(s);
    size_t npl = qt_nearby_index_count(ix);
    qt_nearby_index_unref(ix);
    return qt__reply_json(r, 200,
                          json_pack("{s:s, s:I, s:I}", "status", "ok", "outlets", (json_int_t)npl, "nodes",
                                    (json_int_t)qt_graph_node_count(s->g)));
}

enum MHD_Result qt__api_user_create(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res), *circle;
    const char *name, *pw, *role_s;
    qt_role role;
    int64_t id;
    qt_error e = QT_ERROR_INIT;
    char detail[128];
    if (!j)
        return res;
    if (!(name = qt__req_str(r, j, "name", &res)) || !(pw = qt__req_str(r, j, "password", &res)) ||
        !(role_s = qt__req_str(r, j, "role", &res))) {
        json_decref(j);
        return res;
    }
    role = qt_role_parse(role_s);
    circle = json_object_get(j, "circle_id");
    if (role == QT_ROLE_NONE)
        res = qt__reply_error(r, QT_EINVAL, "role", "role is admin, operator, merchant or resident");
    else if (circle && !json_is_integer(circle))
        res = qt__reply_error(r, QT_EINVAL, "circle_id", "circle_id must be a whole number");
    else if (qt_store_user_add(r->st, name, role, pw, &id, &e) != QT_OK ||
             (circle && qt_store_user_set_circle(r->st, id, json_integer_value(circle), &e) != QT_OK))
        res = qt__reply_status(r, &e);
    else {
        snprintf(detail, sizeof detail, "user %lld role %s", (long long)id, role_s);
        qt_store_audit(r->st, r->uid, (int64_t)time(NULL), "user.create", detail);
        res = qt__reply_json(r, 201,
                             json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "role", role_s));
    }
    json_decref(j);
    return res;
}

/* POST /users/{id}/outlets: a merchant account runs this outlet */
enum MHD_Result qt__api_user_link(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    json_int_t outlet;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (qt__req_int(r, j, "outlet_id", &outlet, &res)) {
        json_decref(j);
        return res;
    }
    if (qt_store_merchant_link(r->st, r->id, outlet, &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 200, json_pack("{s:I, s:I}", "user_id", (json_int_t)r->id, "outlet_id", outlet));
    json_decref(j);
    return res;
}

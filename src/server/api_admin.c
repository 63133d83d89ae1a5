/* SPDX-License-Identifier: MIT */
/*
 * api_admin.c -- the service's state (health) and the accounts the admin
 * makes: POST /users/{id}/outlets, PUT /users/{id}/home (POST /users,
 * which hashes on the hash pool, is in api_accounts.c; docs/http-api.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/api.h"
#include "server/reply.h"
#include "server/router.h"

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

/* PUT /users/{id}/home {circle_id, lon?, lat?}: an admin, or the operator of that circle, sets a resident's home */
enum MHD_Result qt__api_user_home(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res), *x, *y;
    json_int_t circle;
    int64_t op_circle = 0;
    double lon = NAN, lat = NAN;
    qt_error e = QT_ERROR_INIT;
    char detail[96];
    if (!j)
        return res;
    if (qt__req_int(r, j, "circle_id", &circle, &res)) {
        json_decref(j);
        return res;
    }
    x = json_object_get(j, "lon");
    y = json_object_get(j, "lat");
    if (json_is_number(x) && json_is_number(y)) {
        lon = json_number_value(x);
        lat = json_number_value(y);
    }
    json_decref(j);
    qt_error_clear(&e);
    if (qt_store_user_circles(r->st, r->id, NULL, NULL, &e) != QT_OK)
        return qt__reply_status(r, &e);
    if (r->role == QT_ROLE_OPERATOR &&
        (qt_store_user_circles(r->st, r->uid, NULL, &op_circle, &e) != QT_OK || op_circle != circle))
        return e.code ? qt__reply_status(r, &e)
                      : qt__reply_error(r, QT_EFORBIDDEN, "circle_id", "an operator sets homes in its own circle only");
    if (qt_store_user_set_home(r->st, r->id, circle, lon, lat, &e) != QT_OK)
        return qt__reply_status(r, &e);
    snprintf(detail, sizeof detail, "user %lld home circle %lld", (long long)r->id, (long long)circle);
    qt_store_audit(r->st, r->uid, (int64_t)time(NULL), "user.home", detail);
    return qt__reply_json(r, 200, json_pack("{s:I, s:I}", "user_id", (json_int_t)r->id, "home_circle_id", circle));
}

/* GET /api/v1/: the endpoints, from the router's table */
enum MHD_Result qt__api_index(qt__req *r)
{
    size_t n, i;
    const qt__endpoint *t = qt__router_table(&n);
    json_t *arr = json_array();
    for (i = 0; arr && i < n; i++) {
        json_t *roles = json_array();
        unsigned k;
        if (t[i].roles & (QT__NOSTORE | QT__ANON))
            json_array_append_new(roles, json_string("anonymous"));
        for (k = QT_ROLE_RESIDENT; k <= QT_ROLE_ADMIN; k++)
            if (t[i].roles & (1u << k) || (t[i].roles & QT__NOSTORE))
                json_array_append_new(roles, json_string(qt_role_name((qt_role)k)));
        json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "method", t[i].method, "path", t[i].pattern, "roles",
                                             roles ? roles : json_array()));
    }
    return qt__reply_json(r, 200,
                          json_pack("{s:s, s:s, s:s, s:o}", "name", "quarter HTTP API", "version", "v1", "openapi",
                                    "/api/v1/openapi.json", "endpoints", arr ? arr : json_array()));
}

extern const char qt__openapi_json[];

/* GET /api/v1/openapi.json: the OpenAPI 3.1 document (docs/openapi.json, embedded at build time) */
enum MHD_Result qt__api_openapi(qt__req *r)
{
    char *text = strdup(qt__openapi_json);
    if (!text)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    return qt__reply_text(r, 200, text, strlen(text), "application/json; charset=utf-8");
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

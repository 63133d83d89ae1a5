/* SPDX-License-Identifier: MIT */
/*
 * api_accounts.c -- residents register themselves; everybody logs in for a
 * bearer token (POST /auth/register, POST /auth/login).
 */
#include <time.h>

#include "server/api.h"
#include "server/reply.h"

/* the body {name, password}: the object (caller decrefs), or NULL with the error reply in *res */
static json_t *credentials(qt__req *r, const char **name, const char **pw, enum MHD_Result *res)
{
    json_t *j = qt__req_body(r, res);
    if (j && (!(*name = qt__req_str(r, j, "name", res)) || !(*pw = qt__req_str(r, j, "password", res)))) {
        json_decref(j);
        return NULL;
    }
    return j;
}

enum MHD_Result qt__api_register(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    const char *name = NULL, *pw = NULL;
    json_t *j = credentials(r, &name, &pw, &res);
    int64_t id;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (qt_store_user_add(r->st, name, QT_ROLE_RESIDENT, pw, &id, &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 201,
                             json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "role", "resident"));
    json_decref(j);
    return res;
}

enum MHD_Result qt__api_login(qt__req *r)
{
    const qt_server_opts *o = &r->s->o;
    enum MHD_Result res = MHD_NO;
    const char *name = NULL, *pw = NULL;
    json_t *j = credentials(r, &name, &pw, &res);
    char token[65], addr[64];
    int64_t uid;
    qt_role role;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (qt_store_login(r->st, name, pw, qt__client_addr(r->c, addr), (int64_t)time(NULL), o->token_ttl_s,
                       o->login_attempts, o->login_window_s, token, &uid, &role, &e) != QT_OK) {
        res = qt__reply_status(r, &e);
    } else {
        res = qt__reply_json(r, 200,
                             json_pack("{s:s, s:s, s:I, s:I}", "token", token, "role", qt_role_name(role), "user_id",
                                       (json_int_t)uid, "expires_in", (json_int_t)o->token_ttl_s));
    }
    json_decref(j);
    return res;
}

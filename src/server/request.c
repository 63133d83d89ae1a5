/* SPDX-License-Identifier: MIT */
/*
 * request.c -- reading a request: arguments, the JSON body, the caller
 * (server/request.h).
 */
#include "server/request.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "server/reply.h"

const char *qt__req_arg(const qt__req *r, const char *k)
{
    return MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, k);
}

int qt__req_num(const qt__req *r, const char *k, double lo, double hi, double *out)
{
    const char *v = qt__req_arg(r, k);
    char *e;
    double d;
    if (!v)
        return 0;
    d = strtod(v, &e);
    if (e == v || *e || !isfinite(d) || d < lo || d > hi)
        return -1;
    *out = d;
    return 1;
}

int qt__req_lonlat(const qt__req *r, const char *k, double *lon, double *lat)
{
    const char *v = qt__req_arg(r, k);
    char *e;
    if (!v)
        return 0;
    *lon = strtod(v, &e);
    if (e == v || *e != ',')
        return -1;
    v = e + 1;
    *lat = strtod(v, &e);
    if (e == v || *e || !(*lon >= -180 && *lon <= 180 && *lat >= -90 && *lat <= 90))
        return -1;
    return 1;
}

json_t *qt__req_body(qt__req *r, enum MHD_Result *res)
{
    json_error_t je;
    json_t *j;
    if (!r->conn->len) {
        *res = qt__reply_error(r, QT_EPARSE, NULL, "a JSON body is required");
        return NULL;
    }
    j = json_loadb(r->conn->body, r->conn->len, 0, &je);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        *res = qt__reply_error(r, QT_EPARSE, NULL, "the body is not a JSON object: %s",
                               j ? "another JSON value" : je.text);
        return NULL;
    }
    return j;
}

const char *qt__req_str(qt__req *r, json_t *j, const char *k, enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!json_is_string(v)) {
        *res = qt__reply_error(r, v ? QT_EINVAL : QT_EPARSE, k, "%s must be %s", k, v ? "a string" : "given");
        return NULL;
    }
    return json_string_value(v);
}

int qt__req_int(qt__req *r, json_t *j, const char *k, json_int_t *out, enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!json_is_integer(v)) {
        *res = qt__reply_error(r, v ? QT_EINVAL : QT_EPARSE, k, "%s must be %s", k, v ? "a whole number" : "given");
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

int qt__req_opt_str(qt__req *r, json_t *j, const char *k, const char **out, enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!v)
        return 0;
    if (!json_is_string(v)) {
        *res = qt__reply_error(r, QT_EINVAL, k, "%s must be a string", k);
        return -1;
    }
    *out = json_string_value(v);
    return 1;
}

int qt__req_opt_flag(qt__req *r, json_t *j, const char *k, int *out, enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!v)
        return 0;
    if (!json_is_boolean(v) && !json_is_null(v)) {
        *res = qt__reply_error(r, QT_EINVAL, k, "%s must be true, false or null", k);
        return -1;
    }
    *out = json_is_null(v) ? -1 : json_is_true(v);
    return 1;
}

qt_store *qt__req_store(qt_server *s, qt_error *err)
{
    qt_store *st = pthread_getspecific(s->store_key);
    if (st)
        return st;
    if (qt_store_open(s->o.db_path, &st, err) != QT_OK)
        return NULL;
    pthread_setspecific(s->store_key, st);
    return st;
}

int qt__req_who(qt__req *r)
{
    const char *h = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, "Authorization");
    qt_error e = QT_ERROR_INIT;
    r->uid = 0;
    r->role = QT_ROLE_NONE;
    if (!h)
        return 0;
    if (strncmp(h, "Bearer ", 7) != 0)
        return -1;
    return qt_store_token_user(r->st, h + 7, (int64_t)time(NULL), &r->uid, &r->role, &e) == QT_OK ? 1 : -1;
}

const char *qt__client_addr(struct MHD_Connection *c, char buf[64])
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, 64, "-");
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf, 64);
    return buf;
}

void qt__period_now(char buf[16])
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    snprintf(buf, 16, "%04d-Q%d", (tm.tm_year + 1900) % 10000, (tm.tm_mon / 3 + 1) % 10);
}

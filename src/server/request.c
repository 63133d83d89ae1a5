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
#include <strings.h>
#include <sys/socket.h>

#include "base/isotime.h"
#include "quarter/coords.h"
#include "quarter/profile.h"
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
        *res = v ? qt__reply_error(r, QT_EINVAL, k, "%s must be a string", k)
                 : qt__reply_error(r, QT_EPARSE, k, "%s is required", k);
        return NULL;
    }
    return json_string_value(v);
}

int qt__req_int(qt__req *r, json_t *j, const char *k, json_int_t *out, enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!json_is_integer(v)) {
        *res = v ? qt__reply_error(r, QT_EINVAL, k, "%s must be a whole number", k)
                 : qt__reply_error(r, QT_EPARSE, k, "%s is required", k);
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

static int trusted(const qt_server *s, uint32_t a)
{
    size_t i;
    for (i = 0; i < s->nproxies; i++)
        if (s->proxies[i] == a)
            return 1;
    return 0;
}

const char *qt__client_addr(const qt_server *s, struct MHD_Connection *c, char buf[64])
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    uint32_t peer;
    const char *xff, *end;
    snprintf(buf, 64, "-");
    if (!ci || !ci->client_addr || ci->client_addr->sa_family != AF_INET)
        return buf;
    peer = ((const struct sockaddr_in *)ci->client_addr)->sin_addr.s_addr;
    inet_ntop(AF_INET, &peer, buf, 64);
    /* X-Forwarded-For only from a trusted proxy: from the right, the first hop that is not one */
    if (!trusted(s, peer) || !(xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For")))
        return buf;
    end = xff + strlen(xff);
    while (end > xff) {
        const char *p = end;
        char one[64];
        struct in_addr a;
        size_t n;
        while (p > xff && p[-1] != ',')
            p--;
        end = p > xff ? p - 1 : xff; /* the next entry to the left ends before this comma */
        while (*p == ' ' || *p == '\t')
            p++;
        for (n = 0; p[n] && p[n] != ',' && p[n] != ' ' && p[n] != '\t'; n++)
            ;
        if (n == 0 || n >= sizeof one)
            return buf;
        memcpy(one, p, n);
        one[n] = '\0';
        if (inet_pton(AF_INET, one, &a) != 1)
            return buf; /* garbage: the last hop we could trust stays */
        snprintf(buf, 64, "%s", one);
        if (!trusted(s, a.s_addr))
            return buf;
    }
    return buf;
}

static void local_tm(const qt_server *s, struct tm *tm)
{
    time_t now = time(NULL) + (time_t)s->o.utc_offset_min * 60;
    gmtime_r(&now, tm);
}

void qt__period_now(const qt_server *s, char buf[16])
{
    struct tm tm;
    local_tm(s, &tm);
    snprintf(buf, 16, "%04d-Q%d", (tm.tm_year + 1900) % 10000, (tm.tm_mon / 3 + 1) % 10);
}

void qt__local_now(const qt_server *s, int *weekday, int *minute)
{
    struct tm tm;
    local_tm(s, &tm);
    *weekday = (tm.tm_wday + 6) % 7;
    *minute = tm.tm_hour * 60 + tm.tm_min;
}

json_t *qt__req_iso(const qt__req *r, int64_t t)
{
    char buf[32];
    qt__time_format(t, r->s->o.utc_offset_min, buf);
    return json_string(buf);
}

int qt__req_opt_time(qt__req *r, json_t *j, const char *k, int64_t *out, enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!v)
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = json_integer_value(v);
        return 1;
    }
    if (json_is_string(v) && qt__time_parse(json_string_value(v), r->s->o.utc_offset_min, out) == 0)
        return 1;
    *res = qt__reply_error(
        r, QT_EINVAL, k, "%s is an ISO 8601 time (2026-12-01T08:00:00+08:00, or a date 2026-12-01) or Unix seconds", k);
    return -1;
}

int qt__req_crs(qt__req *r, int *crs, enum MHD_Result *res)
{
    const char *v = qt__req_arg(r, "crs");
    *crs = QT_CRS_WGS84;
    if (!v || !*v || strcmp(v, "wgs84") == 0)
        return 0;
    if (strcmp(v, "gcj02") == 0) {
        *crs = QT_CRS_GCJ02;
        return 0;
    }
    if (strcmp(v, "bd09") == 0) {
        *crs = QT_CRS_BD09;
        return 0;
    }
    *res = qt__reply_error(r, QT_EINVAL, "crs",
                           "crs is wgs84 (the default), gcj02 (Amap, phones in China) or bd09 (Baidu)");
    return -1;
}

void qt__to_wgs84(int crs, double *lon, double *lat)
{
    if (crs != QT_CRS_WGS84)
        qt_coords_convert((qt_crs)crs, QT_CRS_WGS84, *lon, *lat, lon, lat, NULL);
}

void qt__from_wgs84(int crs, double *lon, double *lat)
{
    if (crs != QT_CRS_WGS84)
        qt_coords_convert(QT_CRS_WGS84, (qt_crs)crs, *lon, *lat, lon, lat, NULL);
}

/* names a person may use for a category: code, zh, en, and the parts of zh
 * around parentheses and slashes (生鲜超市(菜店) -> 生鲜超市, 菜店) */
static int category_is(const qt_category *c, const char *v)
{
    const char *z = c->zh;
    size_t n = strlen(v);
    if (strcmp(c->code, v) == 0 || strcmp(z, v) == 0 || (c->en && strcasecmp(c->en, v) == 0))
        return 1;
    while (*z) {
        const char *e = z;
        while (*e && *e != '(' && *e != ')' && *e != '/' && strncmp(e, "（", 3) != 0 && strncmp(e, "）", 3) != 0)
            e++;
        if ((size_t)(e - z) == n && n && strncmp(z, v, n) == 0)
            return 1;
        if (!*e)
            break;
        z = e + ((unsigned char)*e >= 0x80 ? 3 : 1);
    }
    return 0;
}

int qt__req_category(qt__req *r, const char *k, const char **code, enum MHD_Result *res)
{
    const char *v = qt__req_arg(r, k);
    const qt_profile *p = r->s->o.profile;
    size_t i, n;
    *code = NULL;
    if (!v || !*v)
        return 0;
    if (p) {
        int found = qt_profile_find(p, v); /* code, Chinese or English name, the profile's aliases */
        if (found >= 0) {
            *code = qt_profile_category(p, (size_t)found)->code;
            return 1;
        }
        n = qt_profile_category_count(p);
        for (i = 0; i < n; i++)
            if (category_is(qt_profile_category(p, i), v)) {
                *code = qt_profile_category(p, i)->code;
                return 1;
            }
        *res = qt__reply_error(r, QT_EINVAL, k,
                               "unknown category '%.60s': give a code (B03), a name (菜市场) or an English name", v);
        return -1;
    }
    /* no profile: a code of the form letter + digits */
    if (strlen(v) <= 8 && v[0] >= 'A' && v[0] <= 'Z') {
        for (i = 1; v[i] >= '0' && v[i] <= '9'; i++)
            ;
        if (i > 1 && !v[i]) {
            *code = v;
            return 1;
        }
    }
    *res = qt__reply_error(
        r, QT_EINVAL, k, "unknown category '%.60s': give a code such as B03 (the server has no profile for names)", v);
    return -1;
}

int qt__rate_limit(qt__req *r, const char *kind, const char *key, int max, int64_t window_s, enum MHD_Result *res)
{
    qt_error e = QT_ERROR_INIT;
    int64_t retry = 0;
    qt_error_clear(&e);
    if (max <= 0)
        return 0;
    if (qt_store_rate_hit(r->st, kind, key, (int64_t)time(NULL), max, window_s, &retry, &e) == QT_OK)
        return 0;
    if (e.code == QT_ELIMIT)
        r->conn->retry_after = (int)(retry > 0 ? retry : 1);
    *res = qt__reply_status(r, &e);
    return -1;
}

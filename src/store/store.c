/* SPDX-License-Identifier: MIT */
/*
 * store.c -- quarter/store.h's front: qt_store_open picks the backend from
 * the path (a postgresql:// or postgres:// URL, or a "host=... dbname=..."
 * conninfo: PostgreSQL through libpq, store_pg*.c; anything else: the SQLite
 * file, store_sqlite*.c), and every other call goes through the backend's
 * operations table (store_internal.h).  What needs no database -- roles,
 * password hashes, code and period checks -- is here, once for both.
 */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/code32.h"
#include "base/isotime.h"
#include "quarter/store.h"
#include "store/store_internal.h"

static const char *const role_names[] = {"", "resident", "merchant", "operator", "admin"};

int qt__store_is_pg(const char *path)
{
    if (!path)
        return 0;
    if (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0)
        return 1;
    /* a libpq key=value conninfo: "host=... dbname=..." (a file name has no '=' before a space) */
    return (strncmp(path, "host=", 5) == 0 || strncmp(path, "dbname=", 7) == 0 || strncmp(path, "service=", 8) == 0 ||
            strncmp(path, "hostaddr=", 9) == 0 || strncmp(path, "user=", 5) == 0) &&
           strchr(path, ' ') != NULL;
}

/* the URL or conninfo with any password replaced by "***" (for messages) */
static char *redact(const char *path)
{
    char *r = qt__strdup(path), *p, *at, *colon;
    if (!r)
        return NULL;
    if (strstr(r, "://")) {
        p = strstr(r, "://") + 3;
        at = strchr(p, '@');
        colon = strchr(p, ':');
        if (at && colon && colon < at)
            memmove(colon, at, strlen(at) + 1);
        if ((p = strstr(r, "password=")) != NULL) /* ?password=... */
            for (p += 9; *p && *p != '&'; p++)
                *p = '*';
    } else if ((p = strstr(r, "password=")) != NULL) {
        for (p += 9; *p && *p != ' '; p++)
            *p = '*';
    }
    return r;
}

qt_status qt_store_open(const char *path, qt_store **out, qt_error *err)
{
    qt_store *s;
    qt_status st;
    int pg = qt__store_is_pg(path);
    *out = NULL;
    if (!path || !*path)
        return qt_error_set(err, QT_EINVAL, "db", _("no store given"));
    if (sodium_init() < 0)
        return qt_error_set(err, QT_EINTERNAL, "store", _("libsodium cannot start"));
    s = qt__calloc(1, sizeof *s);
    if (!s || !(s->path = pg ? redact(path) : qt__strdup(path))) {
        qt__free(s);
        return qt_error_set(err, QT_ENOMEM, "store", _("no memory"));
    }
    s->ops = pg ? &qt__pg_ops : &qt__sqlite_ops;
    st = pg ? qt__pg_open(s, path, err) : qt__sq_open(s, path, err);
    if (st != QT_OK) {
        qt_store_close(s);
        return st;
    }
    *out = s;
    return QT_OK;
}

void qt_store_close(qt_store *s)
{
    if (!s)
        return;
    if (s->ops)
        s->ops->close(s);
    qt__free(s->path);
    qt__free(s);
}

void qt_store_rollback(qt_store *s)
{
    if (s)
        s->ops->rollback(s);
}

void qt_store_audit(qt_store *s, int64_t user_id, int64_t now, const char *action, const char *detail)
{
    s->ops->audit(s, user_id, now, action, detail);
}

qt_status qt_store_geom_put(qt_store *s, const qt_store_geom *g, qt_error *err)
{
    int area = g->kind == QT_STORE_GEOM_COMMUNITY || g->kind == QT_STORE_GEOM_CIRCLE;
    if (!area && g->kind != QT_STORE_GEOM_BLINDSPOT && g->kind != QT_STORE_GEOM_SITE)
        return qt_error_set(err, QT_EINVAL, "geometry", _("unknown kind of geometry %d"), g->kind);
    if (area ? !g->name || !*g->name : !g->category || !*g->category)
        return qt_error_set(err, QT_EINVAL, "geometry",
                            area ? _("an area without a name") : _("a 盲区 or site without a 业态"));
    if (!g->geojson || !*g->geojson)
        return qt_error_set(err, QT_EINVAL, g->name ? g->name : g->category, _("no geometry"));
    return s->ops->geom_put(s, g, err);
}

#define QT__STORE_OP_CALL(ret, name, params, args)                                                                     \
    ret qt_store_##name params                                                                                         \
    {                                                                                                                  \
        return s->ops->name args;                                                                                      \
    }
QT__STORE_OPS(QT__STORE_OP_CALL)

qt_role qt_role_parse(const char *s)
{
    int r;
    for (r = QT_ROLE_RESIDENT; s && r <= QT_ROLE_ADMIN; r++)
        if (strcmp(s, role_names[r]) == 0)
            return (qt_role)r;
    return QT_ROLE_NONE;
}

const char *qt_role_name(qt_role r)
{
    return (unsigned)r <= QT_ROLE_ADMIN ? role_names[r] : "";
}

void qt_store_free_str(char *s)
{
    qt__free(s);
}

const char *qt_store_edit_field(unsigned bit)
{
    switch (bit) {
    case QT_EDIT_NAME:
        return "name";
    case QT_EDIT_CATEGORY:
        return "category";
    case QT_EDIT_ADDRESS:
        return "address";
    case QT_EDIT_BRAND:
        return "brand";
    case QT_EDIT_HOURS:
        return "opening_hours";
    case QT_EDIT_SERVICES:
        return "services";
    case QT_EDIT_CASH:
        return "cash";
    case QT_EDIT_BARRIER_FREE:
        return "barrier_free";
    default:
        return "";
    }
}

qt_status qt_store_password_hash(const char *password, char out[128], qt_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    _Static_assert(crypto_pwhash_STRBYTES <= 128, "hash buffer");
    if (!password || strlen(password) < 8 || strlen(password) > 256)
        return qt_error_set(err, QT_EINVAL, "password", _("a password is 8 to 256 bytes"));
    if (sodium_init() < 0)
        return qt_error_set(err, QT_EINTERNAL, "password", _("libsodium cannot start"));
    if (crypto_pwhash_str_alg(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return qt_error_set(err, QT_ENOMEM, "password", _("no memory to hash the password"));
    memcpy(out, hash, sizeof hash);
    out[sizeof hash - 1] = '\0';
    return QT_OK;
}

int qt_store_password_verify(const char *hash, const char *password)
{
    if (!hash || !*hash || !password)
        return 0;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void qt_login_limits_default(qt_login_limits *l)
{
    l->per_pair = 5;
    l->per_addr = 20;
    l->window_s = 300;
    l->per_name_free = 10;
    l->max_delay_s = 30;
}

qt_status qt_store_code_normalize(const char *typed, char out[33], qt_error *err)
{
    size_t n = strlen(typed), i;
    int r;
    if (n == 32) { /* the older hex codes */
        for (i = 0; i < 32; i++) {
            char c = typed[i];
            if (c >= 'A' && c <= 'F')
                c = (char)(c - 'A' + 'a');
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                break;
            out[i] = c;
        }
        if (i == 32) {
            out[32] = '\0';
            return QT_OK;
        }
    }
    {
        char code[QT__CODE32_LEN + 1];
        r = qt__code32_normalize(typed, code);
        if (r == 0) {
            memcpy(out, code, sizeof code);
            return QT_OK;
        }
    }
    if (r == -3)
        return qt_error_set(err, QT_EINVAL, "code", _("the check character does not match: a character is mistyped"));
    if (r == -1)
        return qt_error_set(err, QT_EINVAL, "code", _("a code has only digits and the letters A-Z without U"));
    return qt_error_set(err, QT_EINVAL, "code", _("a code is %d characters"), QT__CODE32_LEN);
}

qt_status qt_store_period_check(const char *period, int64_t now, int64_t *start_out, qt_error *err)
{
    int y = 0, q = 0, i;
    int64_t start;
    size_t n = period ? strlen(period) : 0;
    if (n != 4 && n != 7)
        goto bad;
    for (i = 0; i < 4; i++) {
        if (period[i] < '0' || period[i] > '9')
            goto bad;
        y = y * 10 + (period[i] - '0');
    }
    if (n == 7) {
        if (period[4] != '-' || period[5] != 'Q' || period[6] < '1' || period[6] > '4')
            goto bad;
        q = period[6] - '0';
    }
    if (y < 2000)
        goto bad;
    /* periods begin at midnight China time (UTC+8) */
    start = qt__days_from_civil(y, q ? (unsigned)(3 * q - 2) : 1u, 1) * 86400 - 8 * 3600;
    if (start > now)
        return qt_error_set(err, QT_EINVAL, "period", _("period '%s' has not begun"), period);
    if (start_out)
        *start_out = start;
    return QT_OK;
bad:
    return qt_error_set(err, QT_EINVAL, "period", _("a period is a year (2026) or a quarter (2026-Q3)"));
}

/* ---- checks both backends make before they write ------------------------------------------ */

qt_status qt__store_check_user(const qt_user_spec *u, char hash[128], qt_error *err)
{
    const unsigned char *p;
    if (!u->name || !*u->name || strlen(u->name) > 64)
        return qt_error_set(err, QT_EINVAL, "name", _("a name is 1 to 64 bytes"));
    for (p = (const unsigned char *)u->name; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return qt_error_set(err, QT_EINVAL, "name", _("a name has no control characters"));
    if (u->role == QT_ROLE_NONE)
        return qt_error_set(err, QT_EINVAL, "role", _("the role is admin, operator, merchant or resident"));
    if (u->circle_id < 0 || u->home_circle_id < 0)
        return qt_error_set(err, QT_EINVAL, u->circle_id < 0 ? "circle_id" : "home_circle_id", _("not a circle id"));
    if (isfinite(u->home_lon) != isfinite(u->home_lat) ||
        (isfinite(u->home_lon) &&
         !(u->home_lon >= -180 && u->home_lon <= 180 && u->home_lat >= -90 && u->home_lat <= 90)))
        return qt_error_set(err, QT_EINVAL, "home", _("the home is a longitude and a latitude"));
    if (u->pw_hash) {
        if (strncmp(u->pw_hash, "$argon2id$", 10) != 0 || strlen(u->pw_hash) >= 128)
            return qt_error_set(err, QT_EINVAL, "password", _("not an argon2id hash"));
        snprintf(hash, 128, "%s", u->pw_hash);
        return QT_OK;
    }
    return qt_store_password_hash(u->password, hash, err);
}

qt_status qt__store_check_good(const qt_store_good *g, qt_error *err)
{
    const char *p;
    if (!g->name || !*g->name || strlen(g->name) > 200)
        return qt_error_set(err, QT_EINVAL, "name", _("a name is 1 to 200 bytes"));
    if (!(g->price >= 0 && g->price <= 1e7))
        return qt_error_set(err, QT_EINVAL, "price", _("a price is 0 to 10,000,000 yuan"));
    if (g->unit && strlen(g->unit) > 32)
        return qt_error_set(err, QT_EINVAL, "unit", _("a unit is at most 32 bytes (斤, 个, 瓶 ...)"));
    if (g->barcode && *g->barcode) {
        size_t n = strlen(g->barcode);
        if (n < 8 || n > 14)
            return qt_error_set(err, QT_EINVAL, "barcode", _("a barcode is 8 to 14 digits (EAN-8, EAN-13, GTIN-14)"));
        for (p = g->barcode; *p; p++)
            if (*p < '0' || *p > '9')
                return qt_error_set(err, QT_EINVAL, "barcode", _("a barcode is digits only"));
    }
    return QT_OK;
}

qt_status qt__store_check_coupon(const qt_coupon_spec *c, qt_error *err)
{
    if (!c->title || !*c->title || strlen(c->title) > 200)
        return qt_error_set(err, QT_EINVAL, "title", _("a title is 1 to 200 bytes"));
    if (c->quantity < 1 || c->quantity > 10000000)
        return qt_error_set(err, QT_EINVAL, "quantity", _("quantity is 1 to 10,000,000"));
    if (c->per_user_limit < 1 || c->per_user_limit > c->quantity)
        return qt_error_set(err, QT_EINVAL, "per_user_limit", _("per_user_limit is 1 to the quantity"));
    if (c->valid_to <= c->valid_from)
        return qt_error_set(err, QT_EINVAL, "valid_to", _("valid_to must be after valid_from"));
    return QT_OK;
}

qt_status qt__store_check_job(const qt_store_job *j, qt_error *err)
{
    if (!j->title || !*j->title || strlen(j->title) > 200)
        return qt_error_set(err, QT_EINVAL, "title", _("a title is 1 to 200 bytes"));
    if (!(j->lon >= -180 && j->lon <= 180 && j->lat >= -90 && j->lat <= 90))
        return qt_error_set(err, QT_EINVAL, "lon", _("(%g, %g) is not a longitude, latitude"), j->lon, j->lat);
    return QT_OK;
}

qt_status qt__store_job_expiry(const qt_store_job *j, int64_t now, int64_t *expires, qt_error *err)
{
    *expires = j->expires_at ? j->expires_at : now + (int64_t)QT_STORE_JOB_DAYS * 86400;
    if (*expires <= now || *expires > now + (int64_t)QT_STORE_JOB_MAX_DAYS * 86400)
        return qt_error_set(err, QT_EINVAL, "expires_at", _("a job closes after now and within %d days"),
                            QT_STORE_JOB_MAX_DAYS);
    return QT_OK;
}

qt_status qt__store_check_job_edit(const qt_store_job *j, int64_t now, qt_error *err)
{
    if (j->title && (!*j->title || strlen(j->title) > 200))
        return qt_error_set(err, QT_EINVAL, "title", _("a title is 1 to 200 bytes"));
    if (j->expires_at && j->expires_at > now + (int64_t)QT_STORE_JOB_MAX_DAYS * 86400)
        return qt_error_set(err, QT_EINVAL, "expires_at", _("a job closes within %d days"), QT_STORE_JOB_MAX_DAYS);
    return QT_OK;
}

qt_status qt__store_check_complaint(const char *kind, const char *text, qt_error *err)
{
    if (!kind || !*kind || strlen(kind) > 64)
        return qt_error_set(err, QT_EINVAL, "kind", _("a kind is 1 to 64 bytes (质量, 价格, 服务, 卫生 ...)"));
    if (text && strlen(text) > 2000)
        return qt_error_set(err, QT_EINVAL, "text", _("a complaint's text is at most 2000 bytes"));
    return QT_OK;
}

static qt_status circle_seen(void *ud, const qt_store_circle *c, qt_error *err)
{
    (void)ud;
    (void)c;
    (void)err;
    return QT_OK;
}

/* the rule of both backends: a valid period, the user's home circle, one answer (the backend's key) */
qt_status qt_store_survey_answer(qt_store *s, int64_t circle_id, int64_t user_id, const char *period, int satisfied,
                                 const char *comment, int64_t now, qt_error *err)
{
    qt_status rc;
    int64_t home = 0;
    if ((rc = qt_store_period_check(period, now, NULL, err)) != QT_OK)
        return rc;
    if (comment && strlen(comment) > 2000)
        return qt_error_set(err, QT_EINVAL, "comment", _("a comment is at most 2000 bytes"));
    /* QT_ENOTFOUND "circle" when there is none */
    if ((rc = qt_store_circle_get(s, circle_id, period, circle_seen, NULL, err)) != QT_OK)
        return rc;
    if ((rc = qt_store_user_circles(s, user_id, &home, NULL, err)) != QT_OK)
        return rc;
    if (!home)
        return qt_error_set(err, QT_EFORBIDDEN, "circle",
                            _("your home is not set: give it at registration or ask your circle's operator"));
    if (home != circle_id)
        return qt_error_set(err, QT_EFORBIDDEN, "circle", _("you answer only for the circle of your home (%lld)"),
                            (long long)home);
    return qt_store_survey_add(s, circle_id, user_id, period, satisfied, comment, now, err);
}

qt_status qt__store_login_limit(const qt_login_limits *lim, const char *name, int has_addr, int64_t pair,
                                int64_t from_addr, int64_t by_name, int64_t last, int64_t now, int64_t *wait,
                                qt_error *err)
{
    *wait = 0;
    if (pair >= lim->per_pair) {
        *wait = lim->window_s;
        return qt_error_set(err, QT_ELIMIT, "login",
                            _("too many failed logins for '%s' from this address; wait and try again"), name);
    }
    if (has_addr && from_addr >= lim->per_addr) {
        *wait = lim->window_s;
        return qt_error_set(err, QT_ELIMIT, "login", _("too many failed logins from this address; wait and try again"));
    }
    if (by_name >= lim->per_name_free) {
        int64_t extra = by_name - lim->per_name_free, delay = 1;
        while (extra-- > 0 && delay < lim->max_delay_s)
            delay *= 2;
        if (delay > lim->max_delay_s)
            delay = lim->max_delay_s;
        if (now - last < delay) {
            *wait = delay - (now - last);
            return qt_error_set(err, QT_ELIMIT, "login",
                                _("many failed logins for '%s'; wait %lld seconds and try again"), name,
                                (long long)*wait);
        }
    }
    return QT_OK;
}

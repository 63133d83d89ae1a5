/* SPDX-License-Identifier: MIT */
/*
 * store_pg_platform.c -- the PostgreSQL backend's accounts, tokens, login
 * attempts, rate limits, complaints and surveys (quarter/store.h).
 * What must not race across servers:
 * - a login attempt is counted and recorded in one transaction holding
 *   advisory locks on its name and its address (pg_advisory_xact_lock), so
 *   concurrent guesses on any servers are counted before any password is
 *   verified;
 * - a rate limit event is inserted by one INSERT ... SELECT ... WHERE the
 *   count in the window is under the limit, under an advisory lock on its
 *   kind and key;
 * - a complaint is one INSERT ... WHERE NOT EXISTS (a recent or open one)
 *   under an advisory lock on the resident and the shop;
 * - survey answers and applications are unique keys (INSERT, 23505 -> 409).
 * Goods: store_pg_goods.c.
 */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "store/pg_internal.h"

/* ---- accounts ------------------------------------------------------------------------------ */

/* the failed statement's SQLSTATE as a status: 23505 -> QT_ECONFLICT (msg), 23503 -> QT_ENOTFOUND, else QT_EDB */
static qt_status mapped(qt_store *s, const char *what, const char *dup, qt_error *err)
{
    if (qt__pg_failed(s, "23505")) {
        qt_error_clear(err);
        return qt_error_set(err, QT_ECONFLICT, what, "%s", dup);
    }
    if (qt__pg_failed(s, "23503")) {
        qt_error_clear(err);
        return qt_error_set(err, QT_ENOTFOUND, what, _("no such %s"), what);
    }
    return QT_EDB;
}

qt_status qt__pg_user_add(qt_store *s, const char *name, qt_role role, const char *password, int64_t *id, qt_error *err)
{
    char hash[128], dup[128];
    qt__pgp p = {0};
    PGresult *r;
    qt_status rc;
    if (!name || !*name || strlen(name) > 64)
        return qt_error_set(err, QT_EINVAL, "name", _("a name is 1 to 64 bytes"));
    if (role == QT_ROLE_NONE)
        return qt_error_set(err, QT_EINVAL, "role", _("the role is admin, operator, merchant or resident"));
    if ((rc = qt_store_password_hash(password, hash, err)) != QT_OK)
        return rc;
    qt__pgp_text(&p, name);
    qt__pgp_text(&p, qt_role_name(role));
    qt__pgp_text(&p, hash);
    if (!(r = qt__pg_run(s,
                         "INSERT INTO users(name, role, pw_hash, created_at)"
                         " VALUES ($1, $2, $3, extract(epoch FROM now())::bigint) RETURNING id",
                         &p, "user", err))) {
        snprintf(dup, sizeof dup, _("'%s' is taken"), name);
        return mapped(s, "name", dup, err);
    }
    if (id)
        *id = qt__pg_i64(r, 0, 0);
    PQclear(r);
    return QT_OK;
}

/* the token's hash as a bytea literal (\x + 64 hex digits) */
static void token_hash_hex(const char *token, char out[67])
{
    unsigned char th[32];
    crypto_generichash(th, 32, (const unsigned char *)token, strlen(token), NULL, 0);
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, 65, th, sizeof th);
}

static qt_status new_token(qt_store *s, int64_t user_id, int64_t expires, char token[65], qt_error *err)
{
    unsigned char raw[32];
    char th[67];
    qt__pgp p = {0};
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, 65, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    token_hash_hex(token, th);
    qt__pgp_text(&p, th);
    qt__pgp_i64(&p, user_id);
    qt__pgp_i64(&p, expires);
    return qt__pg_do(s, "INSERT INTO tokens(hash, user_id, expires_at) VALUES ($1::bytea, $2::bigint, $3::bigint)", &p,
                     "token", err);
}

qt_status qt__pg_login(qt_store *s, const char *name, const char *password, const char *addr, int64_t now,
                       int64_t ttl_s, int max_attempts, int64_t window_s, char token[65], int64_t *user_id,
                       qt_role *role, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int64_t failures, from_addr = 0, uid = 0;
    qt_role urole = QT_ROLE_NONE;
    char hash[128] = "";
    int found = 0;
    qt_status rc;
    qt__pgp_text(&p, name);
    qt__pgp_i64(&p, now - window_s);
    failures = qt__pg_scalar(s, "SELECT count(*) FROM login_attempts WHERE name = $1 AND at > $2::bigint", &p, 0);
    if (addr && *addr) {
        p.n = 0;
        qt__pgp_text(&p, addr);
        qt__pgp_i64(&p, now - window_s);
        from_addr = qt__pg_scalar(s, "SELECT count(*) FROM login_attempts WHERE addr = $1 AND at > $2::bigint", &p, 0);
    }
    if (failures >= max_attempts)
        return qt_error_set(err, QT_ELIMIT, "login", _("too many failed logins for '%s'; wait and try again"), name);
    if (from_addr >= 4 * (int64_t)max_attempts)
        return qt_error_set(err, QT_ELIMIT, "login", _("too many failed logins from this address; wait and try again"));
    p.n = 0;
    qt__pgp_text(&p, name);
    if (!(r = qt__pg_run(s, "SELECT id, pw_hash, role FROM users WHERE name = $1", &p, "login", err)))
        return QT_EDB;
    if (PQntuples(r) > 0) {
        uid = qt__pg_i64(r, 0, 0);
        snprintf(hash, sizeof hash, "%s", qt__pg_txt(r, 0, 1) ? qt__pg_txt(r, 0, 1) : "");
        urole = qt_role_parse(qt__pg_txt(r, 0, 2));
        found = 1;
    }
    PQclear(r);
    if (!found || !qt_store_password_verify(hash, password)) {
        p.n = 0;
        qt__pgp_text(&p, name);
        qt__pgp_i64(&p, now);
        qt__pgp_text(&p, addr ? addr : "");
        qt__pg_do(s, "INSERT INTO login_attempts(name, at, addr) VALUES ($1, $2::bigint, $3)", &p, "login", NULL);
        return qt_error_set(err, QT_EAUTH, "login", _("wrong name or password"));
    }
    if ((rc = new_token(s, uid, now + ttl_s, token, err)) != QT_OK)
        return rc;
    if (user_id)
        *user_id = uid;
    if (role)
        *role = urole;
    return QT_OK;
}

qt_status qt__pg_token_user(qt_store *s, const char *token, int64_t now, int64_t *user_id, qt_role *role, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    char th[67];
    token_hash_hex(token, th);
    qt__pgp_text(&p, th);
    qt__pgp_i64(&p, now);
    if (!(r = qt__pg_run(s,
                         "SELECT u.id, u.role FROM tokens t JOIN users u ON u.id = t.user_id"
                         " WHERE t.hash = $1::bytea AND t.expires_at > $2::bigint",
                         &p, "token", err)))
        return QT_EDB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return qt_error_set(err, QT_ENOTFOUND, "token", _("unknown or expired token"));
    }
    *user_id = qt__pg_i64(r, 0, 0);
    *role = qt_role_parse(qt__pg_txt(r, 0, 1));
    PQclear(r);
    return QT_OK;
}

qt_status qt__pg_merchant_link(qt_store *s, int64_t user_id, int64_t outlet_id, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int merchant, outlet;
    qt__pgp_i64(&p, user_id);
    qt__pgp_i64(&p, outlet_id);
    if (!(r = qt__pg_run(s,
                         "SELECT coalesce((SELECT role FROM users WHERE id = $1::bigint) = 'merchant', false),"
                         " EXISTS (SELECT 1 FROM outlets WHERE id = $2::bigint)",
                         &p, "link", err)))
        return QT_EDB;
    merchant = (int)qt__pg_i64(r, 0, 0);
    outlet = (int)qt__pg_i64(r, 0, 1);
    PQclear(r);
    if (!merchant)
        return qt_error_set(err, QT_EINVAL, "user", _("user %lld is not a merchant"), (long long)user_id);
    if (!outlet)
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)outlet_id);
    return qt__pg_do(s,
                     "INSERT INTO merchant_outlets(user_id, outlet_id) VALUES ($1::bigint, $2::bigint)"
                     " ON CONFLICT DO NOTHING",
                     &p, "link", err);
}

qt_status qt__pg_merchant_outlets(qt_store *s, int64_t user_id, int64_t **ids, size_t *n, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    size_t k;
    *ids = NULL;
    *n = 0;
    qt__pgp_i64(&p, user_id);
    if (!(r = qt__pg_run(s,
                         "SELECT m.outlet_id FROM merchant_outlets m JOIN outlets o ON o.id = m.outlet_id"
                         " WHERE m.user_id = $1::bigint ORDER BY m.outlet_id",
                         &p, "outlets", err)))
        return QT_EDB;
    if (!(*ids = qt__malloc(((size_t)PQntuples(r) + 1) * sizeof **ids))) {
        PQclear(r);
        return qt_error_set(err, QT_ENOMEM, "outlets", _("no memory"));
    }
    for (k = 0; k < (size_t)PQntuples(r); k++)
        (*ids)[k] = qt__pg_i64(r, (int)k, 0);
    *n = k;
    PQclear(r);
    return QT_OK;
}

/* UPDATE one user; QT_ENOTFOUND when no row */
static qt_status update_user(qt_store *s, const char *sql, const qt__pgp *p, int64_t user_id, qt_error *err)
{
    PGresult *r = qt__pg_run(s, sql, p, "user", err);
    int n;
    if (!r)
        return mapped(s, "circle", "", err);
    n = (int)strtol(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    if (n != 1)
        return qt_error_set(err, QT_ENOTFOUND, "user", _("no user %lld"), (long long)user_id);
    return QT_OK;
}

qt_status qt__pg_user_set_circle(qt_store *s, int64_t user_id, int64_t circle_id, qt_error *err)
{
    qt__pgp p = {0};
    qt__pgp_i64(&p, user_id);
    if (circle_id)
        qt__pgp_i64(&p, circle_id);
    else
        qt__pgp_null(&p);
    return update_user(s, "UPDATE users SET circle_id = $2::bigint WHERE id = $1::bigint", &p, user_id, err);
}

static qt_status circle_exists(qt_store *s, int64_t id, const char *field, qt_error *err)
{
    qt__pgp p = {0};
    qt__pgp_i64(&p, id);
    if (qt__pg_scalar(s, "SELECT EXISTS (SELECT 1 FROM circles WHERE id = $1::bigint)", &p, 0) <= 0)
        return qt_error_set(err, QT_ENOTFOUND, field, _("no circle %lld"), (long long)id);
    return QT_OK;
}

qt_status qt__pg_user_create(qt_store *s, const qt_user_spec *u, int64_t now, int64_t *id, qt_error *err)
{
    char hash[128], dup[128];
    qt__pgp p = {0};
    PGresult *r;
    qt_status rc;
    if ((rc = qt__store_check_user(u, hash, err)) != QT_OK)
        return rc;
    /* one statement: the circles checked first for the field's name, then the insert (FKs hold it) */
    if ((u->circle_id && (rc = circle_exists(s, u->circle_id, "circle_id", err)) != QT_OK) ||
        (u->home_circle_id && (rc = circle_exists(s, u->home_circle_id, "home_circle_id", err)) != QT_OK))
        return rc;
    qt__pgp_text(&p, u->name);
    qt__pgp_text(&p, qt_role_name(u->role));
    qt__pgp_text(&p, hash);
    qt__pgp_i64_or_null(&p, u->circle_id);
    qt__pgp_i64_or_null(&p, u->home_circle_id);
    qt__pgp_dbl(&p, isfinite(u->home_lon) ? u->home_lon : NAN);
    qt__pgp_dbl(&p, isfinite(u->home_lon) ? u->home_lat : NAN);
    qt__pgp_i64(&p, now);
    if (!(r = qt__pg_run(s,
                         "INSERT INTO users(name, role, pw_hash, circle_id, home_circle_id, home_lon, home_lat,"
                         " created_at) VALUES ($1, $2, $3, $4::bigint, $5::bigint, $6::float8, $7::float8, $8::bigint)"
                         " RETURNING id",
                         &p, "user", err))) {
        snprintf(dup, sizeof dup, _("'%s' is taken"), u->name);
        if (qt__pg_failed(s, "23503")) { /* the circle went away meanwhile */
            qt_error_clear(err);
            return qt_error_set(err, QT_ENOTFOUND, u->circle_id ? "circle_id" : "home_circle_id", _("no such circle"));
        }
        return mapped(s, "name", dup, err);
    }
    if (id)
        *id = qt__pg_i64(r, 0, 0);
    PQclear(r);
    return QT_OK;
}

qt_status qt__pg_user_set_home(qt_store *s, int64_t user_id, int64_t circle_id, double lon, double lat, qt_error *err)
{
    qt__pgp p = {0};
    qt_status rc;
    if (circle_id && (rc = circle_exists(s, circle_id, "home_circle_id", err)) != QT_OK)
        return rc;
    qt__pgp_i64(&p, user_id);
    if (circle_id)
        qt__pgp_i64(&p, circle_id);
    else
        qt__pgp_null(&p);
    qt__pgp_dbl(&p, isfinite(lon) && isfinite(lat) ? lon : NAN);
    qt__pgp_dbl(&p, isfinite(lon) && isfinite(lat) ? lat : NAN);
    return update_user(s,
                       "UPDATE users SET home_circle_id = $2::bigint, home_lon = $3::float8, home_lat = $4::float8"
                       " WHERE id = $1::bigint",
                       &p, user_id, err);
}

qt_status qt__pg_user_circles(qt_store *s, int64_t user_id, int64_t *home_circle, int64_t *op_circle, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt__pgp_i64(&p, user_id);
    if (!(r = qt__pg_run(s,
                         "SELECT coalesce(home_circle_id, 0), coalesce(circle_id, 0) FROM users WHERE id = $1::bigint",
                         &p, "user", err)))
        return QT_EDB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return qt_error_set(err, QT_ENOTFOUND, "user", _("no user %lld"), (long long)user_id);
    }
    if (home_circle)
        *home_circle = qt__pg_i64(r, 0, 0);
    if (op_circle)
        *op_circle = qt__pg_i64(r, 0, 1);
    PQclear(r);
    return QT_OK;
}

/* ---- logins ----------------------------------------------------------------------------------- */

/* an advisory lock for the rest of the transaction on the text kind:key */
static qt_status xact_lock(qt_store *s, const char *kind, const char *key, qt_error *err)
{
    qt__pgp p = {0};
    qt__pgp_text(&p, kind);
    qt__pgp_text(&p, key);
    return qt__pg_do(s, "SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 7))", &p, "lock", err);
}

static int64_t failures(qt_store *s, const char *sql, const char *a, const char *b, int64_t since, int64_t *last)
{
    qt__pgp p = {0};
    PGresult *r;
    int64_t n = 0;
    qt__pgp_i64(&p, since);
    qt__pgp_text(&p, a);
    if (b)
        qt__pgp_text(&p, b);
    if (!(r = qt__pg_run(s, sql, &p, "login", NULL)))
        return 0;
    n = qt__pg_i64(r, 0, 0);
    if (last)
        *last = qt__pg_i64(r, 0, 1);
    PQclear(r);
    return n;
}

#define FAILED "(ok IS NULL OR ok = 0)"

qt_status qt__pg_login_begin(qt_store *s, const char *name, const char *addr, int64_t now, const qt_login_limits *lim,
                             int64_t *attempt, char hash[128], int64_t *user_id, qt_role *role, int64_t *retry_after_s,
                             qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt_status rc;
    int64_t pair, from_addr, by_name, last = 0, since = now - lim->window_s, wait = 0;
    const char *a = addr ? addr : "";
    *attempt = 0;
    *user_id = 0;
    hash[0] = '\0';
    if (retry_after_s)
        *retry_after_s = 0;
    if ((rc = qt__pg_begin(s, err)) != QT_OK)
        return rc;
    /* the name's lock, then the address's (always in this order: no deadlock) */
    if ((rc = xact_lock(s, "login-name", name, err)) != QT_OK ||
        (*a && (rc = xact_lock(s, "login-addr", a, err)) != QT_OK))
        goto fail;
    pair = failures(s,
                    "SELECT count(*), max(at) FROM login_attempts WHERE at > $1::bigint AND name = $2 AND addr = $3"
                    " AND " FAILED,
                    name, a, since, NULL);
    from_addr = *a ? failures(
                         s,
                         "SELECT count(*), max(at) FROM login_attempts WHERE at > $1::bigint AND addr = $2 AND " FAILED,
                         a, NULL, since, NULL)
                   : 0;
    by_name = failures(s,
                       "SELECT count(*), max(at) FROM login_attempts WHERE at > $1::bigint AND name = $2 AND " FAILED,
                       name, NULL, since, &last);
    rc = qt__store_login_limit(lim, name, *a != 0, pair, from_addr, by_name, last, now, &wait, err);
    if (rc != QT_OK) {
        qt__pg_rollback(s);
        if (retry_after_s)
            *retry_after_s = wait > 0 ? wait : 1;
        return rc;
    }
    qt__pgp_i64(&p, now - 86400);
    if ((rc = qt__pg_do(s, "DELETE FROM login_attempts WHERE at <= $1::bigint", &p, "login", err)) != QT_OK)
        goto fail;
    p.n = 0;
    qt__pgp_text(&p, name);
    qt__pgp_i64(&p, now);
    qt__pgp_text(&p, a);
    if (!(r = qt__pg_run(s, "INSERT INTO login_attempts(name, at, addr) VALUES ($1, $2::bigint, $3) RETURNING id", &p,
                         "login", err))) {
        rc = QT_EDB;
        goto fail;
    }
    *attempt = qt__pg_i64(r, 0, 0);
    PQclear(r);
    p.n = 0;
    qt__pgp_text(&p, name);
    if (!(r = qt__pg_run(s, "SELECT id, pw_hash, role FROM users WHERE name = $1", &p, "login", err))) {
        rc = QT_EDB;
        goto fail;
    }
    if (PQntuples(r) > 0) {
        *user_id = qt__pg_i64(r, 0, 0);
        snprintf(hash, 128, "%s", qt__pg_txt(r, 0, 1) ? qt__pg_txt(r, 0, 1) : "");
        if (role)
            *role = qt_role_parse(qt__pg_txt(r, 0, 2));
    }
    PQclear(r);
    if ((rc = qt__pg_commit(s, err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    qt__pg_rollback(s);
    *attempt = 0;
    return rc;
}

qt_status qt__pg_login_finish(qt_store *s, int64_t attempt, int ok, int64_t user_id, int64_t now, int64_t ttl_s,
                              char token[65], qt_error *err)
{
    qt__pgp p = {0};
    qt_status rc;
    qt__pgp_i64(&p, attempt);
    if (ok < 0) /* not checked after all (the server was busy): forget the attempt */
        return qt__pg_do(s, "DELETE FROM login_attempts WHERE id = $1::bigint", &p, "login", err);
    if (!ok || !user_id) {
        if ((rc = qt__pg_do(s, "UPDATE login_attempts SET ok = 0 WHERE id = $1::bigint", &p, "login", err)) != QT_OK)
            return rc;
        return qt_error_set(err, QT_EAUTH, "login", _("wrong name or password"));
    }
    if ((rc = qt__pg_begin(s, err)) != QT_OK)
        return rc;
    if ((rc = qt__pg_do(s, "DELETE FROM login_attempts WHERE id = $1::bigint", &p, "login", err)) != QT_OK ||
        (rc = new_token(s, user_id, now + ttl_s, token, err)) != QT_OK || (rc = qt__pg_commit(s, err)) != QT_OK) {
        qt__pg_rollback(s);
        token[0] = '\0';
        return rc;
    }
    return QT_OK;
}

qt_status qt__pg_rate_hit(qt_store *s, const char *kind, const char *key, int64_t now, int max, int64_t window_s,
                          int64_t *retry_after_s, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt_status rc;
    if (retry_after_s)
        *retry_after_s = 0;
    if ((rc = qt__pg_begin(s, err)) != QT_OK)
        return rc;
    if ((rc = xact_lock(s, kind, key, err)) != QT_OK)
        goto fail;
    qt__pgp_text(&p, kind);
    qt__pgp_text(&p, key);
    qt__pgp_i64(&p, now - window_s);
    if ((rc = qt__pg_do(s, "DELETE FROM rate_events WHERE kind = $1 AND key = $2 AND at <= $3::bigint", &p, "rate",
                        err)) != QT_OK)
        goto fail;
    p.n = 2;
    qt__pgp_i64(&p, now);
    qt__pgp_i64(&p, max);
    if (!(r = qt__pg_run(
              s,
              "INSERT INTO rate_events(kind, key, at) SELECT $1, $2, $3::bigint"
              " WHERE (SELECT count(*) FROM rate_events WHERE kind = $1 AND key = $2) < $4::bigint RETURNING at",
              &p, "rate", err))) {
        rc = QT_EDB;
        goto fail;
    }
    if (PQntuples(r) == 0) {
        int64_t oldest;
        PQclear(r);
        p.n = 2;
        oldest = qt__pg_scalar(s, "SELECT min(at) FROM rate_events WHERE kind = $1 AND key = $2", &p, now);
        qt__pg_rollback(s);
        if (retry_after_s)
            *retry_after_s = oldest + window_s - now > 0 ? oldest + window_s - now : 1;
        return qt_error_set(err, QT_ELIMIT, kind, _("too many requests of this kind; wait and try again"));
    }
    PQclear(r);
    return qt__pg_commit(s, err);
fail:
    qt__pg_rollback(s);
    return rc;
}

/* ---- complaints ----------------------------------------------------------------------------------- */

qt_status qt__pg_complaint_add(qt_store *s, int64_t outlet_id, int64_t user_id, const char *kind, const char *text,
                               int64_t now, int64_t *id, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt_status rc;
    char key[48];
    int nested;
    if ((rc = qt__store_check_complaint(kind, text, err)) != QT_OK)
        return rc;
    if ((rc = qt__pg_tx_begin(s, &nested, err)) != QT_OK)
        return rc;
    snprintf(key, sizeof key, "%lld:%lld", (long long)user_id, (long long)outlet_id);
    if ((rc = xact_lock(s, "complaint", key, err)) != QT_OK)
        goto fail;
    qt__pgp_i64(&p, outlet_id);
    qt__pgp_i64(&p, user_id);
    qt__pgp_text(&p, kind);
    qt__pgp_text(&p, text ? text : "");
    qt__pgp_i64(&p, now);
    qt__pgp_i64(&p, now - (int64_t)QT_COMPLAINT_REPEAT_DAYS * 86400);
    if (!(r = qt__pg_run(s,
                         "INSERT INTO complaints(outlet_id, user_id, kind, text, created_at)"
                         " SELECT $1::bigint, $2::bigint, $3, $4, $5::bigint WHERE NOT EXISTS (SELECT 1 FROM complaints"
                         " WHERE user_id = $2::bigint AND outlet_id = $1::bigint AND (status = 'open'"
                         " OR created_at > $6::bigint)) RETURNING id",
                         &p, "complaint", err))) {
        rc = qt__pg_failed(s, "23503") ? (qt_error_clear(err), qt_error_set(err, QT_ENOTFOUND, "outlet_id",
                                                                            _("no outlet %lld"), (long long)outlet_id))
                                       : QT_EDB;
        goto fail;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        rc = qt_error_set(err, QT_ECONFLICT, "outlet_id",
                          _("you have complained about this shop in the last %d days or it is still open"),
                          QT_COMPLAINT_REPEAT_DAYS);
        goto fail;
    }
    *id = qt__pg_i64(r, 0, 0);
    PQclear(r);
    return qt__pg_tx_end(s, nested, 1, err);
fail:
    qt__pg_tx_end(s, nested, 0, NULL);
    return rc;
}

qt_status qt__pg_complaints_each(qt_store *s, int64_t actor, qt_role role, int64_t outlet_id, int limit,
                                 qt_store_complaint_fn fn, void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int i;
    qt_status rc = QT_OK;
    if (role != QT_ROLE_ADMIN && role != QT_ROLE_RESIDENT && role != QT_ROLE_MERCHANT && role != QT_ROLE_OPERATOR)
        return qt_error_set(err, QT_EFORBIDDEN, "complaints", _("not allowed"));
    qt__pgp_i64(&p, actor);
    qt__pgp_i64(&p, outlet_id);
    qt__pgp_i64(&p, limit > 0 ? limit : 100);
    qt__pgp_text(&p, qt_role_name(role));
    /* who sees what, by the role ($4), in one fixed statement */
    if (!(r = qt__pg_run(
              s,
              "SELECT k.id, k.outlet_id, k.user_id, o.name, k.kind, k.text, k.status, k.answer, k.resolution,"
              " k.created_at, coalesce(k.answered_at, 0), coalesce(k.resolved_at, 0)"
              " FROM complaints k JOIN outlets o ON o.id = k.outlet_id"
              " WHERE CASE $4 WHEN 'admin' THEN true WHEN 'resident' THEN k.user_id = $1::bigint"
              " WHEN 'merchant' THEN EXISTS (SELECT 1 FROM merchant_outlets m WHERE m.user_id = $1::bigint"
              " AND m.outlet_id = k.outlet_id)"
              " ELSE o.circle_id = (SELECT circle_id FROM users WHERE id = $1::bigint) END"
              " AND ($2::bigint = 0 OR k.outlet_id = $2::bigint) ORDER BY k.created_at DESC, k.id DESC"
              " LIMIT $3::bigint",
              &p, "complaints", err)))
        return QT_EDB;
    for (i = 0; rc == QT_OK && i < PQntuples(r); i++) {
        qt_store_complaint c;
        c.id = qt__pg_i64(r, i, 0);
        c.outlet_id = qt__pg_i64(r, i, 1);
        c.user_id = qt__pg_i64(r, i, 2);
        c.outlet_name = qt__pg_txt(r, i, 3);
        c.kind = qt__pg_txt(r, i, 4);
        c.text = qt__pg_txt(r, i, 5);
        c.status = qt__pg_txt(r, i, 6);
        c.answer = qt__pg_txt(r, i, 7);
        c.resolution = qt__pg_txt(r, i, 8);
        c.created_at = qt__pg_i64(r, i, 9);
        c.answered_at = qt__pg_i64(r, i, 10);
        c.resolved_at = qt__pg_i64(r, i, 11);
        rc = fn(ud, &c, err);
    }
    PQclear(r);
    return rc;
}

/* a complaint's status and whether actor may act on it as the shop's merchant / the circle's operator */
static qt_status complaint_facts(qt_store *s, int64_t actor, int64_t id, char status[16], int *owns, int *circle,
                                 qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt__pgp_i64(&p, id);
    qt__pgp_i64(&p, actor);
    if (!(r = qt__pg_run(s,
                         "SELECT k.status,"
                         " EXISTS (SELECT 1 FROM merchant_outlets m WHERE m.user_id = $2::bigint"
                         " AND m.outlet_id = k.outlet_id),"
                         " coalesce(o.circle_id IS NOT NULL AND o.circle_id = (SELECT circle_id FROM users"
                         " WHERE id = $2::bigint), false)"
                         " FROM complaints k JOIN outlets o ON o.id = k.outlet_id WHERE k.id = $1::bigint",
                         &p, "complaint", err)))
        return QT_EDB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return qt_error_set(err, QT_ENOTFOUND, "complaint", _("no complaint %lld"), (long long)id);
    }
    snprintf(status, 16, "%s", qt__pg_txt(r, 0, 0) ? qt__pg_txt(r, 0, 0) : "");
    *owns = (int)qt__pg_i64(r, 0, 1);
    *circle = (int)qt__pg_i64(r, 0, 2);
    PQclear(r);
    return QT_OK;
}

/* an UPDATE ... WHERE status = 'open' RETURNING: QT_ECONFLICT when another resolved it first */
static qt_status update_open(qt_store *s, const char *sql, const qt__pgp *p, int64_t id, qt_error *err)
{
    PGresult *r = qt__pg_run(s, sql, p, "complaint", err);
    int n;
    if (!r)
        return QT_EDB;
    n = PQntuples(r);
    PQclear(r);
    if (n == 0)
        return qt_error_set(err, QT_ECONFLICT, "complaint", _("complaint %lld is resolved already"), (long long)id);
    return QT_OK;
}

qt_status qt__pg_complaint_answer(qt_store *s, int64_t merchant, int64_t id, const char *text, int64_t now,
                                  qt_error *err)
{
    qt__pgp p = {0};
    char status[16];
    int owns = 0, circ = 0;
    qt_status rc;
    if (!text || !*text || strlen(text) > 2000)
        return qt_error_set(err, QT_EINVAL, "answer", _("an answer is 1 to 2000 bytes"));
    if ((rc = complaint_facts(s, merchant, id, status, &owns, &circ, err)) != QT_OK)
        return rc;
    if (!owns)
        return qt_error_set(err, QT_EFORBIDDEN, "complaint", _("complaint %lld is not about your shop"), (long long)id);
    if (strcmp(status, "open") != 0)
        return qt_error_set(err, QT_ECONFLICT, "complaint", _("complaint %lld is %s already"), (long long)id, status);
    qt__pgp_i64(&p, id);
    qt__pgp_text(&p, text);
    qt__pgp_i64(&p, now);
    return update_open(s,
                       "UPDATE complaints SET answer = $2, answered_at = $3::bigint WHERE id = $1::bigint"
                       " AND status = 'open' RETURNING id",
                       &p, id, err);
}

qt_status qt__pg_complaint_resolve(qt_store *s, int64_t actor, qt_role role, int64_t id, int upheld, const char *note,
                                   int64_t now, qt_error *err)
{
    qt__pgp p = {0};
    char status[16], detail[96];
    int owns = 0, circ = 0;
    qt_status rc;
    if (note && strlen(note) > 2000)
        return qt_error_set(err, QT_EINVAL, "note", _("a note is at most 2000 bytes"));
    if ((rc = complaint_facts(s, actor, id, status, &owns, &circ, err)) != QT_OK)
        return rc;
    if (role != QT_ROLE_ADMIN && !(role == QT_ROLE_OPERATOR && circ))
        return qt_error_set(err, QT_EFORBIDDEN, "complaint", _("complaint %lld is not about a shop of your circle"),
                            (long long)id);
    if (strcmp(status, "open") != 0)
        return qt_error_set(err, QT_ECONFLICT, "complaint", _("complaint %lld is %s already"), (long long)id, status);
    qt__pgp_i64(&p, id);
    qt__pgp_text(&p, upheld ? "upheld" : "rejected");
    qt__pgp_text(&p, note ? note : "");
    qt__pgp_i64(&p, now);
    qt__pgp_i64(&p, actor);
    if ((rc = update_open(s,
                          "UPDATE complaints SET status = $2, resolution = $3, resolved_at = $4::bigint,"
                          " resolved_by = $5::bigint WHERE id = $1::bigint AND status = 'open' RETURNING id",
                          &p, id, err)) != QT_OK)
        return rc;
    snprintf(detail, sizeof detail, "complaint %lld %s", (long long)id, upheld ? "upheld" : "rejected");
    qt__pg_audit(s, actor, now, "complaint.resolve", detail);
    return QT_OK;
}

/* ---- surveys ------------------------------------------------------------------------------------ */

qt_status qt__pg_survey_add(qt_store *s, int64_t circle_id, int64_t user_id, const char *period, int satisfied,
                            const char *comment, int64_t now, qt_error *err)
{
    qt__pgp p = {0};
    qt__pgp_i64(&p, circle_id);
    qt__pgp_i64(&p, user_id);
    qt__pgp_text(&p, period);
    qt__pgp_i64(&p, satisfied != 0);
    qt__pgp_text(&p, comment ? comment : "");
    qt__pgp_i64(&p, now);
    /* one answer per (circle, user, period): the primary key decides between concurrent answers */
    if (qt__pg_do(s,
                  "INSERT INTO surveys(circle_id, user_id, period, satisfied, comment, created_at)"
                  " VALUES ($1::bigint, $2::bigint, $3, $4::int, $5, $6::bigint)",
                  &p, "survey", err) == QT_OK)
        return QT_OK;
    return mapped(s, "circle", _("you have answered for this circle and period already"), err);
}

/* SPDX-License-Identifier: MIT */
/*
 * store_platform.c -- the SQLite backend's platform operations of issue 11
 * (quarter/store.h "platform"): explicit transactions for imports, imports
 * that keep API edits, atomic account creation with homes, login attempts
 * recorded before verification, rate limits, the complaint process, survey
 * rules, goods, short coupon codes with idempotent claims, listings.
 * Every statement is stepped to SQLITE_DONE (or reset) before it is
 * finalized, so no read transaction outlives its call and the WAL can be
 * checkpointed.
 */
#include <math.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/code32.h"
#include "base/isotime.h"
#include "quarter/store.h"
#include "store/sqlite_internal.h"

/* ---- helpers ---------------------------------------------------------------------- */

static qt_status exec(qt_store *s, const char *sql, qt_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(s, err, "store");
    return QT_OK;
}

/* step the rest of a statement to DONE, then finalize; SQLITE_DONE or the error */
static int finish(sqlite3_stmt *st)
{
    int r = SQLITE_DONE;
    while (st && (r = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
    return r;
}

static qt_status run(qt_store *s, sqlite3_stmt *st, const char *what, qt_error *err)
{
    return finish(st) == SQLITE_DONE ? QT_OK : db_fail(s, err, what);
}

static void rollback(qt_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int64_t scalar(qt_store *s, sqlite3_stmt *st, int64_t dflt)
{
    int64_t v = dflt;
    (void)s;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    finish(st);
    return v;
}

static size_t utf8_chars(const char *q)
{
    size_t n = 0;
    const unsigned char *p;
    for (p = (const unsigned char *)q; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* q as an FTS5 phrase (quotes doubled); caller frees */
static char *fts_phrase(const char *q)
{
    size_t ql = strlen(q), i, k = 0;
    char *phrase = qt__malloc(2 * ql + 3);
    if (!phrase)
        return NULL;
    phrase[k++] = '"';
    for (i = 0; i < ql; i++) {
        if (q[i] == '"')
            phrase[k++] = '"';
        phrase[k++] = q[i];
    }
    phrase[k++] = '"';
    phrase[k] = '\0';
    return phrase;
}

/* ---- transactions ---------------------------------------------------------------- */

qt_status qt_store_begin(qt_store *s, qt_error *err)
{
    if (!sqlite3_get_autocommit(s->db))
        return qt_error_set(err, QT_EINTERNAL, "store", _("a transaction is open already"));
    return exec(s, "BEGIN IMMEDIATE", err);
}

qt_status qt_store_checkpoint(qt_store *s, qt_error *err)
{
    int log = 0, done = 0;
    if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done) != SQLITE_OK &&
        sqlite3_extended_errcode(s->db) != SQLITE_BUSY)
        return db_fail(s, err, "checkpoint");
    return QT_OK;
}

qt_status qt_store_commit(qt_store *s, qt_error *err)
{
    qt_status rc;
    if (sqlite3_get_autocommit(s->db))
        return qt_error_set(err, QT_EINTERNAL, "store", _("no transaction is open"));
    if ((rc = exec(s, "COMMIT", err)) != QT_OK) {
        rollback(s);
        return rc;
    }
    /* readers may keep a checkpoint from finishing; SQLite's auto-checkpoint retries it */
    (void)qt_store_checkpoint(s, NULL);
    return QT_OK;
}

void qt_store_rollback(qt_store *s)
{
    if (s)
        rollback(s);
}

/* ---- imports that keep API edits ------------------------------------------------------- */

const char *qt_store_edit_field(unsigned bit)
{
    switch (bit) {
    case QT_EDIT_NAME: return "name";
    case QT_EDIT_CATEGORY: return "category";
    case QT_EDIT_ADDRESS: return "address";
    case QT_EDIT_BRAND: return "brand";
    case QT_EDIT_HOURS: return "opening_hours";
    case QT_EDIT_SERVICES: return "services";
    case QT_EDIT_CASH: return "cash";
    case QT_EDIT_BARRIER_FREE: return "barrier_free";
    default: return "";
    }
}

static int text_differs(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

qt_status qt_store_outlet_import(qt_store *s, const qt_store_outlet *o, int64_t *id, unsigned *kept, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    unsigned edited = 0, k = 0;
    if (kept)
        *kept = 0;
    if (o->ext_id &&
        (rc = prepare(s, "SELECT api_edited, name, category, address, brand, opening_hours, services,"
                         " coalesce(cash, -1), coalesce(barrier_free, -1) FROM outlets WHERE ext_id = ?1",
                      &st, err)) == QT_OK) {
        sqlite3_bind_text(st, 1, o->ext_id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && (edited = (unsigned)sqlite3_column_int(st, 0)) != 0) {
            if ((edited & QT_EDIT_NAME) && text_differs(o->name, col_text(st, 1)))
                k |= QT_EDIT_NAME;
            if ((edited & QT_EDIT_CATEGORY) && text_differs(o->category, col_text(st, 2)))
                k |= QT_EDIT_CATEGORY;
            if ((edited & QT_EDIT_ADDRESS) && text_differs(o->address, col_text(st, 3)))
                k |= QT_EDIT_ADDRESS;
            if ((edited & QT_EDIT_BRAND) && text_differs(o->brand, col_text(st, 4)))
                k |= QT_EDIT_BRAND;
            if ((edited & QT_EDIT_HOURS) && text_differs(o->opening_hours, col_text(st, 5)))
                k |= QT_EDIT_HOURS;
            if ((edited & QT_EDIT_SERVICES) && text_differs(o->services, col_text(st, 6)))
                k |= QT_EDIT_SERVICES;
            if ((edited & QT_EDIT_CASH) && o->cash >= 0 && o->cash != sqlite3_column_int(st, 7))
                k |= QT_EDIT_CASH;
            if ((edited & QT_EDIT_BARRIER_FREE) && o->barrier_free >= 0 &&
                o->barrier_free != sqlite3_column_int(st, 8))
                k |= QT_EDIT_BARRIER_FREE;
        }
        finish(st);
    } else if (o->ext_id) {
        return rc;
    }
    /* qt_store_outlet_put keeps edited fields (its upsert reads api_edited) */
    if ((rc = qt_store_outlet_put(s, o, id, err)) != QT_OK)
        return rc;
    if (kept)
        *kept = k;
    return QT_OK;
}

/* ---- accounts ---------------------------------------------------------------------- */

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

static qt_status circle_exists(qt_store *s, int64_t id, const char *field, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = prepare(s, "SELECT EXISTS (SELECT 1 FROM circles WHERE id = ?1)", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (!scalar(s, st, 0))
        return qt_error_set(err, QT_ENOTFOUND, field, _("no circle %lld"), (long long)id);
    return QT_OK;
}

qt_status qt_store_user_create(qt_store *s, const qt_user_spec *u, int64_t now, int64_t *id, qt_error *err)
{
    char hash[128];
    sqlite3_stmt *st;
    qt_status rc;
    int r;
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
        (isfinite(u->home_lon) && !(u->home_lon >= -180 && u->home_lon <= 180 && u->home_lat >= -90 &&
                                    u->home_lat <= 90)))
        return qt_error_set(err, QT_EINVAL, "home", _("the home is a longitude and a latitude"));
    if (u->pw_hash) {
        if (strncmp(u->pw_hash, "$argon2id$", 10) != 0 || strlen(u->pw_hash) >= sizeof hash)
            return qt_error_set(err, QT_EINVAL, "password", _("not an argon2id hash"));
        snprintf(hash, sizeof hash, "%s", u->pw_hash);
    } else if ((rc = qt_store_password_hash(u->password, hash, err)) != QT_OK) {
        return rc;
    }
    if ((rc = qt_store_begin(s, err)) != QT_OK)
        return rc;
    if ((u->circle_id && (rc = circle_exists(s, u->circle_id, "circle_id", err)) != QT_OK) ||
        (u->home_circle_id && (rc = circle_exists(s, u->home_circle_id, "home_circle_id", err)) != QT_OK))
        goto fail;
    if ((rc = prepare(s, "INSERT INTO users(name, role, pw_hash, circle_id, home_circle_id, home_lon, home_lat,"
                         " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                      &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, qt_role_name(u->role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    if (u->circle_id)
        sqlite3_bind_int64(st, 4, u->circle_id);
    if (u->home_circle_id)
        sqlite3_bind_int64(st, 5, u->home_circle_id);
    if (isfinite(u->home_lon)) {
        sqlite3_bind_double(st, 6, u->home_lon);
        sqlite3_bind_double(st, 7, u->home_lat);
    }
    sqlite3_bind_int64(st, 8, now);
    r = sqlite3_step(st);
    if (r != SQLITE_ROW) {
        rc = sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE
                 ? qt_error_set(err, QT_ECONFLICT, "name", _("'%s' is taken"), u->name)
                 : db_fail(s, err, "user");
        finish(st);
        goto fail;
    }
    if (id)
        *id = sqlite3_column_int64(st, 0);
    if (finish(st) != SQLITE_DONE) {
        rc = db_fail(s, err, "user");
        goto fail;
    }
    if ((rc = exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    rollback(s);
    return rc;
}

qt_status qt_store_user_set_home(qt_store *s, int64_t user_id, int64_t circle_id, double lon, double lat,
                                 qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if (circle_id && (rc = circle_exists(s, circle_id, "home_circle_id", err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "UPDATE users SET home_circle_id = ?2, home_lon = ?3, home_lat = ?4 WHERE id = ?1", &st,
                      err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    if (circle_id)
        sqlite3_bind_int64(st, 2, circle_id);
    if (isfinite(lon) && isfinite(lat)) {
        sqlite3_bind_double(st, 3, lon);
        sqlite3_bind_double(st, 4, lat);
    }
    if ((rc = run(s, st, "user", err)) != QT_OK)
        return rc;
    if (sqlite3_changes(s->db) != 1)
        return qt_error_set(err, QT_ENOTFOUND, "user", _("no user %lld"), (long long)user_id);
    return QT_OK;
}

qt_status qt_store_circle_near(qt_store *s, double lon, double lat, double max_m, int64_t *circle_id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    double kx = 111320.0 * cos(lat * 3.14159265358979323846 / 180.0), ky = 110540.0;
    *circle_id = 0;
    if ((rc = prepare(s, "SELECT circle_id, ((lon - ?1) * ?3) * ((lon - ?1) * ?3) + ((lat - ?2) * ?4) * ((lat - ?2) * ?4) AS d2"
                         " FROM outlets WHERE circle_id IS NOT NULL AND lon BETWEEN ?1 - ?5 / ?3 AND ?1 + ?5 / ?3"
                         " AND lat BETWEEN ?2 - ?5 / ?4 AND ?2 + ?5 / ?4 ORDER BY d2 LIMIT 1",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_double(st, 1, lon);
    sqlite3_bind_double(st, 2, lat);
    sqlite3_bind_double(st, 3, kx);
    sqlite3_bind_double(st, 4, ky);
    sqlite3_bind_double(st, 5, max_m);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_double(st, 1) <= max_m * max_m)
        *circle_id = sqlite3_column_int64(st, 0);
    finish(st);
    return QT_OK;
}

qt_status qt_store_user_circles(qt_store *s, int64_t user_id, int64_t *home_circle, int64_t *op_circle,
                                qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int found = 0;
    if ((rc = prepare(s, "SELECT coalesce(home_circle_id, 0), coalesce(circle_id, 0) FROM users WHERE id = ?1", &st,
                      err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 1;
        if (home_circle)
            *home_circle = sqlite3_column_int64(st, 0);
        if (op_circle)
            *op_circle = sqlite3_column_int64(st, 1);
    }
    finish(st);
    if (!found)
        return qt_error_set(err, QT_ENOTFOUND, "user", _("no user %lld"), (long long)user_id);
    return QT_OK;
}

/* ---- logins ------------------------------------------------------------------------- */

void qt_login_limits_default(qt_login_limits *l)
{
    l->per_pair = 5;
    l->per_addr = 20;
    l->window_s = 300;
    l->per_name_free = 10;
    l->max_delay_s = 30;
}

static int64_t count_failures(qt_store *s, const char *sql, const char *a, const char *b, int64_t since,
                              int64_t *last)
{
    sqlite3_stmt *st;
    int64_t n = 0;
    if (prepare(s, sql, &st, NULL) != QT_OK)
        return 0;
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
        if (last)
            *last = sqlite3_column_int64(st, 1);
    }
    finish(st);
    return n;
}

qt_status qt_store_login_begin(qt_store *s, const char *name, const char *addr, int64_t now,
                               const qt_login_limits *lim, int64_t *attempt, char hash[128], int64_t *user_id,
                               qt_role *role, int64_t *retry_after_s, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t pair, from_addr, by_name, last = 0, since = now - lim->window_s, wait = 0;
    const char *a = addr ? addr : "";
    /* a failure is a settled attempt with ok = 0, or one still being verified (ok NULL) */
    static const char fail[] = "(ok IS NULL OR ok = 0)";
    char sql_pair[200], sql_addr[200], sql_name[200];
    snprintf(sql_pair, sizeof sql_pair,
             "SELECT count(*), max(at) FROM login_attempts WHERE at > ?1 AND name = ?2 AND addr = ?3 AND %s", fail);
    snprintf(sql_addr, sizeof sql_addr, "SELECT count(*), max(at) FROM login_attempts WHERE at > ?1 AND addr = ?2 AND %s",
             fail);
    snprintf(sql_name, sizeof sql_name, "SELECT count(*), max(at) FROM login_attempts WHERE at > ?1 AND name = ?2 AND %s",
             fail);
    *attempt = 0;
    *user_id = 0;
    hash[0] = '\0';
    if (retry_after_s)
        *retry_after_s = 0;
    if ((rc = qt_store_begin(s, err)) != QT_OK)
        return rc;
    pair = count_failures(s, sql_pair, name, a, since, NULL);
    from_addr = *a ? count_failures(s, sql_addr, a, NULL, since, NULL) : 0;
    by_name = count_failures(s, sql_name, name, NULL, since, &last);
    if (pair >= lim->per_pair) {
        wait = lim->window_s;
        rc = qt_error_set(err, QT_ELIMIT, "login", _("too many failed logins for '%s' from this address; wait and try again"), name);
    } else if (*a && from_addr >= lim->per_addr) {
        wait = lim->window_s;
        rc = qt_error_set(err, QT_ELIMIT, "login", _("too many failed logins from this address; wait and try again"));
    } else if (by_name >= lim->per_name_free) {
        int64_t extra = by_name - lim->per_name_free, delay = 1;
        while (extra-- > 0 && delay < lim->max_delay_s)
            delay *= 2;
        if (delay > lim->max_delay_s)
            delay = lim->max_delay_s;
        if (now - last < delay) {
            wait = delay - (now - last);
            rc = qt_error_set(err, QT_ELIMIT, "login",
                              _("many failed logins for '%s'; wait %lld seconds and try again"), name, (long long)wait);
        }
    }
    if (rc != QT_OK) {
        rollback(s);
        /* old attempts are pruned by the next accepted attempt */
        if (retry_after_s)
            *retry_after_s = wait > 0 ? wait : 1;
        return rc;
    }
    if ((rc = prepare(s, "DELETE FROM login_attempts WHERE at <= ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, now - 86400);
    if ((rc = run(s, st, "login", err)) != QT_OK)
        goto fail;
    if ((rc = prepare(s, "INSERT INTO login_attempts(name, at, addr) VALUES (?1, ?2, ?3) RETURNING rowid", &st, err)) !=
        QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, a, -1, SQLITE_STATIC);
    if ((*attempt = scalar(s, st, 0)) == 0) {
        rc = db_fail(s, err, "login");
        goto fail;
    }
    if ((rc = prepare(s, "SELECT id, pw_hash, role FROM users WHERE name = ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *user_id = sqlite3_column_int64(st, 0);
        snprintf(hash, 128, "%s", col_text(st, 1) ? col_text(st, 1) : "");
        if (role)
            *role = qt_role_parse(col_text(st, 2));
    }
    finish(st);
    if ((rc = exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    rollback(s);
    *attempt = 0;
    return rc;
}

qt_status qt_store_login_finish(qt_store *s, int64_t attempt, int ok, int64_t user_id, int64_t now, int64_t ttl_s,
                                char token[65], qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    unsigned char raw[32], th[32];
    if (ok < 0) { /* not checked after all (the server was busy): forget the attempt */
        if ((rc = prepare(s, "DELETE FROM login_attempts WHERE rowid = ?1", &st, err)) != QT_OK)
            return rc;
        sqlite3_bind_int64(st, 1, attempt);
        return run(s, st, "login", err);
    }
    if (!ok || !user_id) {
        if ((rc = prepare(s, "UPDATE login_attempts SET ok = 0 WHERE rowid = ?1", &st, err)) != QT_OK)
            return rc;
        sqlite3_bind_int64(st, 1, attempt);
        if ((rc = run(s, st, "login", err)) != QT_OK)
            return rc;
        return qt_error_set(err, QT_EAUTH, "login", _("wrong name or password"));
    }
    if ((rc = qt_store_begin(s, err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "DELETE FROM login_attempts WHERE rowid = ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, attempt);
    if ((rc = run(s, st, "login", err)) != QT_OK)
        goto fail;
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, 65, raw, sizeof raw);
    crypto_generichash(th, 32, (const unsigned char *)token, 64, NULL, 0);
    if ((rc = prepare(s, "INSERT INTO tokens(hash, user_id, expires_at) VALUES (?1, ?2, ?3)", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, now + ttl_s);
    if ((rc = run(s, st, "token", err)) != QT_OK)
        goto fail;
    if ((rc = exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    sodium_memzero(raw, sizeof raw);
    return QT_OK;
fail:
    rollback(s);
    token[0] = '\0';
    return rc;
}

qt_status qt_store_rate_hit(qt_store *s, const char *kind, const char *key, int64_t now, int max, int64_t window_s,
                            int64_t *retry_after_s, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t n = 0, oldest = now;
    if (retry_after_s)
        *retry_after_s = 0;
    if ((rc = qt_store_begin(s, err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "DELETE FROM rate_events WHERE kind = ?1 AND key = ?2 AND at <= ?3", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now - window_s);
    if ((rc = run(s, st, "rate", err)) != QT_OK)
        goto fail;
    if ((rc = prepare(s, "SELECT count(*), min(at) FROM rate_events WHERE kind = ?1 AND key = ?2", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
        if (n)
            oldest = sqlite3_column_int64(st, 1);
    }
    finish(st);
    if (n >= max) {
        rollback(s);
        if (retry_after_s)
            *retry_after_s = oldest + window_s - now > 0 ? oldest + window_s - now : 1;
        return qt_error_set(err, QT_ELIMIT, kind, _("too many requests of this kind; wait and try again"));
    }
    if ((rc = prepare(s, "INSERT INTO rate_events(kind, key, at) VALUES (?1, ?2, ?3)", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if ((rc = run(s, st, "rate", err)) != QT_OK)
        goto fail;
    return exec(s, "COMMIT", err) == QT_OK ? QT_OK : (rollback(s), db_fail(s, err, "rate"));
fail:
    rollback(s);
    return rc;
}

/* ---- complaints ----------------------------------------------------------------------- */

qt_status qt_store_complaints_each(qt_store *s, int64_t actor, qt_role role, int64_t outlet_id, int limit,
                                   qt_store_complaint_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    const char *who;
    char sql[1024];
    switch (role) {
    case QT_ROLE_ADMIN: who = "1"; break;
    case QT_ROLE_RESIDENT: who = "k.user_id = ?1"; break;
    case QT_ROLE_MERCHANT:
        who = "EXISTS (SELECT 1 FROM merchant_outlets m WHERE m.user_id = ?1 AND m.outlet_id = k.outlet_id)";
        break;
    case QT_ROLE_OPERATOR: who = "o.circle_id = (SELECT circle_id FROM users WHERE id = ?1)"; break;
    default: return qt_error_set(err, QT_EFORBIDDEN, "complaints", _("not allowed"));
    }
    snprintf(sql, sizeof sql,
             "SELECT k.id, k.outlet_id, k.user_id, o.name, k.kind, k.text, k.status, k.answer, k.resolution,"
             " k.created_at, coalesce(k.answered_at, 0), coalesce(k.resolved_at, 0)"
             " FROM complaints k JOIN outlets o ON o.id = k.outlet_id"
             " WHERE (%s) AND (?2 = 0 OR k.outlet_id = ?2) ORDER BY k.created_at DESC, k.id DESC LIMIT ?3",
             who);
    if ((rc = prepare(s, sql, &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, actor);
    sqlite3_bind_int64(st, 2, outlet_id);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_complaint c;
        c.id = sqlite3_column_int64(st, 0);
        c.outlet_id = sqlite3_column_int64(st, 1);
        c.user_id = sqlite3_column_int64(st, 2);
        c.outlet_name = col_text(st, 3);
        c.kind = col_text(st, 4);
        c.text = col_text(st, 5);
        c.status = col_text(st, 6);
        c.answer = col_text(st, 7);
        c.resolution = col_text(st, 8);
        c.created_at = sqlite3_column_int64(st, 9);
        c.answered_at = sqlite3_column_int64(st, 10);
        c.resolved_at = sqlite3_column_int64(st, 11);
        rc = fn(ud, &c, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "complaints");
    sqlite3_finalize(st);
    return rc;
}

/* a complaint's shop, status, and whether actor may act on it as merchant / operator */
static qt_status complaint_facts(qt_store *s, int64_t actor, int64_t id, char status[16], int *merchant_owns,
                                 int *operator_circle, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int found = 0;
    if ((rc = prepare(s, "SELECT k.status,"
                         " EXISTS (SELECT 1 FROM merchant_outlets m WHERE m.user_id = ?2 AND m.outlet_id = k.outlet_id),"
                         " o.circle_id IS NOT NULL AND o.circle_id = (SELECT circle_id FROM users WHERE id = ?2)"
                         " FROM complaints k JOIN outlets o ON o.id = k.outlet_id WHERE k.id = ?1",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, actor);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 1;
        snprintf(status, 16, "%s", col_text(st, 0) ? col_text(st, 0) : "");
        *merchant_owns = sqlite3_column_int(st, 1);
        *operator_circle = sqlite3_column_int(st, 2);
    }
    finish(st);
    if (!found)
        return qt_error_set(err, QT_ENOTFOUND, "complaint", _("no complaint %lld"), (long long)id);
    return QT_OK;
}

qt_status qt_store_complaint_answer(qt_store *s, int64_t merchant, int64_t id, const char *text, int64_t now,
                                    qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    char status[16];
    int owns = 0, circ = 0;
    if (!text || !*text || strlen(text) > 2000)
        return qt_error_set(err, QT_EINVAL, "answer", _("an answer is 1 to 2000 bytes"));
    if ((rc = qt_store_begin(s, err)) != QT_OK)
        return rc;
    if ((rc = complaint_facts(s, merchant, id, status, &owns, &circ, err)) != QT_OK)
        goto fail;
    if (!owns) {
        rc = qt_error_set(err, QT_EFORBIDDEN, "complaint", _("complaint %lld is not about your shop"), (long long)id);
        goto fail;
    }
    if (strcmp(status, "open") != 0) {
        rc = qt_error_set(err, QT_ECONFLICT, "complaint", _("complaint %lld is %s already"), (long long)id, status);
        goto fail;
    }
    if ((rc = prepare(s, "UPDATE complaints SET answer = ?2, answered_at = ?3 WHERE id = ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if ((rc = run(s, st, "complaint", err)) != QT_OK)
        goto fail;
    if ((rc = exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    rollback(s);
    return rc;
}

qt_status qt_store_complaint_resolve(qt_store *s, int64_t actor, qt_role role, int64_t id, int upheld,
                                     const char *note, int64_t now, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    char status[16], detail[96];
    int owns = 0, circ = 0;
    if (note && strlen(note) > 2000)
        return qt_error_set(err, QT_EINVAL, "note", _("a note is at most 2000 bytes"));
    if ((rc = qt_store_begin(s, err)) != QT_OK)
        return rc;
    if ((rc = complaint_facts(s, actor, id, status, &owns, &circ, err)) != QT_OK)
        goto fail;
    if (role != QT_ROLE_ADMIN && !(role == QT_ROLE_OPERATOR && circ)) {
        rc = qt_error_set(err, QT_EFORBIDDEN, "complaint", _("complaint %lld is not about a shop of your circle"),
                          (long long)id);
        goto fail;
    }
    if (strcmp(status, "open") != 0) {
        rc = qt_error_set(err, QT_ECONFLICT, "complaint", _("complaint %lld is %s already"), (long long)id, status);
        goto fail;
    }
    if ((rc = prepare(s, "UPDATE complaints SET status = ?2, resolution = ?3, resolved_at = ?4, resolved_by = ?5"
                         " WHERE id = ?1",
                      &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, upheld ? "upheld" : "rejected", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, note ? note : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, actor);
    if ((rc = run(s, st, "complaint", err)) != QT_OK)
        goto fail;
    if ((rc = exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    snprintf(detail, sizeof detail, "complaint %lld %s", (long long)id, upheld ? "upheld" : "rejected");
    qt_store_audit(s, actor, now, "complaint.resolve", detail);
    return QT_OK;
fail:
    rollback(s);
    return rc;
}

/* ---- surveys ----------------------------------------------------------------------------- */

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

qt_status qt_store_survey_answer(qt_store *s, int64_t circle_id, int64_t user_id, const char *period, int satisfied,
                                 const char *comment, int64_t now, qt_error *err)
{
    qt_status rc;
    int64_t home = 0;
    if ((rc = qt_store_period_check(period, now, NULL, err)) != QT_OK)
        return rc;
    if (comment && strlen(comment) > 2000)
        return qt_error_set(err, QT_EINVAL, "comment", _("a comment is at most 2000 bytes"));
    if ((rc = circle_exists(s, circle_id, "circle", err)) != QT_OK)
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

/* ---- goods ---------------------------------------------------------------------------------- */

static int merchant_owns(qt_store *s, int64_t merchant, int64_t outlet_id)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT EXISTS (SELECT 1 FROM merchant_outlets WHERE user_id = ?1 AND outlet_id = ?2)", &st,
                NULL) != QT_OK)
        return 0;
    sqlite3_bind_int64(st, 1, merchant);
    sqlite3_bind_int64(st, 2, outlet_id);
    return (int)scalar(s, st, 0);
}

static int outlet_exists(qt_store *s, int64_t outlet_id)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT EXISTS (SELECT 1 FROM outlets WHERE id = ?1)", &st, NULL) != QT_OK)
        return 0;
    sqlite3_bind_int64(st, 1, outlet_id);
    return (int)scalar(s, st, 0);
}

qt_status qt_store_good_put(qt_store *s, int64_t merchant, const qt_store_good *g, int64_t now, int64_t *id,
                            qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
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
    if (!outlet_exists(s, g->outlet_id))
        return qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)g->outlet_id);
    if (!merchant_owns(s, merchant, g->outlet_id))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not yours"), (long long)g->outlet_id);
    if (g->id) {
        rc = prepare(s, "UPDATE goods SET name = ?2, price = ?3, unit = ?4, in_stock = ?5, barcode = ?6,"
                        " updated_at = ?7 WHERE id = ?1 AND outlet_id = ?8 RETURNING id",
                     &st, err);
    } else {
        rc = prepare(s, "INSERT INTO goods(name, price, unit, in_stock, barcode, updated_at, outlet_id)"
                        " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                     &st, err);
    }
    if (rc != QT_OK)
        return rc;
    if (g->id)
        sqlite3_bind_int64(st, 1, g->id);
    sqlite3_bind_text(st, 2, g->name, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 3, g->price);
    sqlite3_bind_text(st, 4, g->unit ? g->unit : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, g->in_stock != 0);
    if (g->barcode && *g->barcode)
        sqlite3_bind_text(st, 6, g->barcode, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_int64(st, 8, g->outlet_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        int r = finish(st);
        if (r == SQLITE_DONE && g->id)
            return qt_error_set(err, QT_ENOTFOUND, "good", _("no good %lld in outlet %lld"), (long long)g->id,
                                (long long)g->outlet_id);
        return db_fail(s, err, "good");
    }
    if (id)
        *id = sqlite3_column_int64(st, 0);
    return run(s, st, "good", err);
}

qt_status qt_store_good_delete(qt_store *s, int64_t merchant, int64_t id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t outlet;
    if ((rc = prepare(s, "SELECT outlet_id FROM goods WHERE id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if ((outlet = scalar(s, st, 0)) == 0)
        return qt_error_set(err, QT_ENOTFOUND, "good", _("no good %lld"), (long long)id);
    if (!merchant_owns(s, merchant, outlet))
        return qt_error_set(err, QT_EFORBIDDEN, "good", _("good %lld is not of your shop"), (long long)id);
    if ((rc = prepare(s, "DELETE FROM goods WHERE id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return run(s, st, "good", err);
}

static qt_status walk_goods(qt_store *s, sqlite3_stmt *st, qt_store_good_fn fn, void *ud, int *seen, qt_error *err)
{
    qt_status rc = QT_OK;
    int r;
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_good g;
        g.id = sqlite3_column_int64(st, 0);
        g.outlet_id = sqlite3_column_int64(st, 1);
        g.name = col_text(st, 2);
        g.price = sqlite3_column_double(st, 3);
        g.unit = col_text(st, 4);
        g.in_stock = sqlite3_column_int(st, 5);
        g.barcode = col_text(st, 6);
        g.updated_at = sqlite3_column_int64(st, 7);
        g.outlet_name = col_text(st, 8);
        g.lon = sqlite3_column_double(st, 9);
        g.lat = sqlite3_column_double(st, 10);
        if (seen)
            *seen = 1;
        rc = fn(ud, &g, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "goods");
    sqlite3_finalize(st);
    return rc;
}

#define GOOD_COLUMNS                                                                                        \
    "SELECT g.id, g.outlet_id, g.name, g.price, g.unit, g.in_stock, g.barcode, g.updated_at, o.name, o.lon, o.lat" \
    " FROM goods g JOIN outlets o ON o.id = g.outlet_id"

qt_status qt_store_good_get(qt_store *s, int64_t id, qt_store_good_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int seen = 0;
    if ((rc = prepare(s, GOOD_COLUMNS " WHERE g.id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = walk_goods(s, st, fn, ud, &seen, err);
    if (rc == QT_OK && !seen)
        return qt_error_set(err, QT_ENOTFOUND, "good", _("no good %lld"), (long long)id);
    return rc;
}

qt_status qt_store_goods_of_outlet(qt_store *s, int64_t outlet_id, qt_store_good_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = prepare(s, GOOD_COLUMNS " WHERE g.outlet_id = ?1 ORDER BY g.id LIMIT 10000", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, outlet_id);
    return walk_goods(s, st, fn, ud, NULL, err);
}

qt_status qt_store_goods_match(qt_store *s, const char *q, int in_stock_only, int limit, qt_store_good_fn fn,
                               void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int fts = utf8_chars(q) >= 3;
    char *phrase = NULL;
    if (!*q)
        return qt_error_set(err, QT_EINVAL, "q", _("give a word to search for"));
    if (fts)
        rc = prepare(s, GOOD_COLUMNS " JOIN goods_fts f ON f.rowid = g.id WHERE goods_fts MATCH ?1"
                                     " AND (?2 = 0 OR g.in_stock = 1) ORDER BY g.id LIMIT ?3",
                     &st, err);
    else
        rc = prepare(s, GOOD_COLUMNS " WHERE instr(g.name, ?1) AND (?2 = 0 OR g.in_stock = 1) ORDER BY g.id LIMIT ?3",
                     &st, err);
    if (rc != QT_OK)
        return rc;
    if (fts) {
        if (!(phrase = fts_phrase(q))) {
            sqlite3_finalize(st);
            return qt_error_set(err, QT_ENOMEM, "q", _("no memory"));
        }
        sqlite3_bind_text(st, 1, phrase, -1, SQLITE_TRANSIENT);
        qt__free(phrase);
    } else {
        sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int(st, 2, in_stock_only != 0);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
    return walk_goods(s, st, fn, ud, NULL, err);
}

/* ---- coupons ----------------------------------------------------------------------------- */

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

qt_status qt__coupon_claimable(qt_store *s, int64_t coupon_id, int64_t user_id, int64_t now, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t qty = 0, claimed = 0, limit = 0, from = 0, to = 0, mine = 0, closed = 0;
    int found = 0;
    if ((rc = prepare(s, "SELECT k.quantity, k.claimed, k.per_user_limit, k.valid_from, k.valid_to,"
                         " (SELECT count(*) FROM claims WHERE coupon_id = ?1 AND user_id = ?2),"
                         " coalesce(o.closed_at, 0) FROM coupons k LEFT JOIN outlets o ON o.id = k.outlet_id"
                         " WHERE k.id = ?1",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, coupon_id);
    sqlite3_bind_int64(st, 2, user_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 1;
        qty = sqlite3_column_int64(st, 0);
        claimed = sqlite3_column_int64(st, 1);
        limit = sqlite3_column_int64(st, 2);
        from = sqlite3_column_int64(st, 3);
        to = sqlite3_column_int64(st, 4);
        mine = sqlite3_column_int64(st, 5);
        closed = sqlite3_column_int64(st, 6);
    }
    finish(st);
    if (!found)
        return qt_error_set(err, QT_ENOTFOUND, "coupon", _("no coupon %lld"), (long long)coupon_id);
    if (closed)
        return qt_error_set(err, QT_EGONE, "coupon", _("the shop of coupon %lld is closed"), (long long)coupon_id);
    if (now < from || now >= to)
        return qt_error_set(err, QT_EGONE, "coupon", _("coupon %lld is not valid now"), (long long)coupon_id);
    if (claimed >= qty)
        return qt_error_set(err, QT_ECONFLICT, "coupon", _("all %lld coupons are claimed"), (long long)qty);
    if (mine >= limit)
        return qt_error_set(err, QT_ECONFLICT, "coupon", _("you have claimed %lld, the limit per person"),
                            (long long)limit);
    return QT_OK;
}

qt_status qt_store_coupon_claim_key(qt_store *s, int64_t coupon_id, int64_t user_id, const char *idem_key,
                                    int64_t now, char code[33], int *replayed, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int found = 0, tries;
    if (replayed)
        *replayed = 0;
    if (idem_key && (!*idem_key || strlen(idem_key) > 64))
        return qt_error_set(err, QT_EINVAL, "Idempotency-Key", _("an idempotency key is 1 to 64 bytes"));
    /* one IMMEDIATE transaction: the check and the insert cannot interleave with another claim */
    if ((rc = qt_store_begin(s, err)) != QT_OK)
        return rc;
    if (idem_key) {
        int64_t other = 0;
        if ((rc = prepare(s, "SELECT code, coupon_id FROM claims WHERE user_id = ?1 AND idem_key = ?2", &st, err)) !=
            QT_OK)
            goto fail;
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_text(st, 2, idem_key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(code, 33, "%s", col_text(st, 0) ? col_text(st, 0) : "");
            other = sqlite3_column_int64(st, 1);
            found = 1;
        }
        finish(st);
        if (found) {
            rollback(s);
            if (other != coupon_id)
                return qt_error_set(err, QT_ECONFLICT, "Idempotency-Key",
                                    _("this idempotency key was used for coupon %lld"), (long long)other);
            if (replayed)
                *replayed = 1;
            return QT_OK;
        }
    }
    if ((rc = qt__coupon_claimable(s, coupon_id, user_id, now, err)) != QT_OK)
        goto fail;
    for (tries = 0; tries < 64; tries++) {
        unsigned char raw[QT__CODE32_DATA];
        int r;
        randombytes_buf(raw, sizeof raw);
        if (qt__code32_make(raw, code) != 0)
            continue;
        if ((rc = prepare(s, "INSERT INTO claims(code, coupon_id, user_id, claimed_at, idem_key)"
                             " VALUES (?1, ?2, ?3, ?4, ?5)",
                          &st, err)) != QT_OK)
            goto fail;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, coupon_id);
        sqlite3_bind_int64(st, 3, user_id);
        sqlite3_bind_int64(st, 4, now);
        if (idem_key)
            sqlite3_bind_text(st, 5, idem_key, -1, SQLITE_STATIC);
        r = finish(st);
        if (r == SQLITE_DONE)
            break;
        if (sqlite3_extended_errcode(s->db) != SQLITE_CONSTRAINT_PRIMARYKEY) {
            rc = db_fail(s, err, "claim");
            goto fail;
        }
    }
    if (tries == 64) {
        rc = qt_error_set(err, QT_EINTERNAL, "claim", _("no free code after 64 draws"));
        goto fail;
    }
    if ((rc = prepare(s, "UPDATE coupons SET claimed = claimed + 1 WHERE id = ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, coupon_id);
    if ((rc = run(s, st, "claim", err)) != QT_OK)
        goto fail;
    if ((rc = exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    rollback(s);
    code[0] = '\0';
    return rc;
}

qt_status qt_store_coupons_active(qt_store *s, int64_t outlet_id, int64_t now, int limit, qt_store_coupon_fn fn,
                                  void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = prepare(s, "SELECT k.id, k.outlet_id, k.title, o.name, o.lon, o.lat, k.quantity, k.claimed,"
                         " k.per_user_limit, k.valid_from, k.valid_to FROM coupons k JOIN outlets o ON o.id = k.outlet_id"
                         " WHERE k.valid_from <= ?2 AND k.valid_to > ?2 AND k.claimed < k.quantity"
                         " AND o.closed_at IS NULL AND (?1 = 0 OR k.outlet_id = ?1) ORDER BY k.id LIMIT ?3",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, outlet_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_coupon c;
        c.id = sqlite3_column_int64(st, 0);
        c.outlet_id = sqlite3_column_int64(st, 1);
        c.title = col_text(st, 2);
        c.outlet_name = col_text(st, 3);
        c.lon = sqlite3_column_double(st, 4);
        c.lat = sqlite3_column_double(st, 5);
        c.quantity = sqlite3_column_int64(st, 6);
        c.claimed = sqlite3_column_int64(st, 7);
        c.per_user_limit = sqlite3_column_int64(st, 8);
        c.valid_from = sqlite3_column_int64(st, 9);
        c.valid_to = sqlite3_column_int64(st, 10);
        rc = fn(ud, &c, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "coupons");
    sqlite3_finalize(st);
    return rc;
}

qt_status qt_store_claims_of_user(qt_store *s, int64_t user_id, int64_t now, int limit, qt_store_claim_fn fn,
                                  void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = prepare(s, "SELECT c.code, k.title, o.name, c.coupon_id, k.outlet_id, c.claimed_at,"
                         " coalesce(c.redeemed_at, 0), k.valid_from, k.valid_to"
                         " FROM claims c JOIN coupons k ON k.id = c.coupon_id JOIN outlets o ON o.id = k.outlet_id"
                         " WHERE c.user_id = ?1 ORDER BY c.claimed_at DESC, c.rowid DESC LIMIT ?2",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : 100);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_claim c;
        c.code = col_text(st, 0);
        c.title = col_text(st, 1);
        c.outlet_name = col_text(st, 2);
        c.coupon_id = sqlite3_column_int64(st, 3);
        c.outlet_id = sqlite3_column_int64(st, 4);
        c.claimed_at = sqlite3_column_int64(st, 5);
        c.redeemed_at = sqlite3_column_int64(st, 6);
        c.valid_from = sqlite3_column_int64(st, 7);
        c.valid_to = sqlite3_column_int64(st, 8);
        c.status = c.redeemed_at ? "redeemed" : now >= c.valid_to ? "expired" : "active";
        rc = fn(ud, &c, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "claims");
    sqlite3_finalize(st);
    return rc;
}

/* ---- merchants: own shop, applicants ---------------------------------------------------- */

qt_status qt_store_outlet_update_by_merchant(qt_store *s, int64_t merchant, int64_t outlet_id,
                                             const qt_outlet_patch *p, qt_error *err)
{
    qt_outlet_patch q = *p;
    if (p->name || p->category || p->brand)
        return qt_error_set(err, QT_EFORBIDDEN, p->name ? "name" : p->category ? "category" : "brand",
                            _("a merchant edits hours, services, address, cash and barrier-free; ask the operator for the rest"));
    if (!outlet_exists(s, outlet_id))
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)outlet_id);
    if (!merchant_owns(s, merchant, outlet_id))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet", _("outlet %lld is not yours"), (long long)outlet_id);
    /* the shop's own merchant edits as an admin would, for these fields only */
    return qt_store_outlet_update(s, merchant, QT_ROLE_ADMIN, outlet_id, &q, err);
}

qt_status qt_store_applications_of_poster(qt_store *s, int64_t poster, int64_t job_id, int limit,
                                          qt_store_application_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = prepare(s, "SELECT a.job_id, a.user_id, a.created_at, j.title, u.name, a.message"
                         " FROM applications a JOIN jobs j ON j.id = a.job_id JOIN users u ON u.id = a.user_id"
                         " WHERE j.created_by = ?1 AND (?2 = 0 OR a.job_id = ?2)"
                         " ORDER BY a.created_at DESC, a.job_id DESC LIMIT ?3",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, poster);
    sqlite3_bind_int64(st, 2, job_id);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_application a;
        a.job_id = sqlite3_column_int64(st, 0);
        a.user_id = sqlite3_column_int64(st, 1);
        a.created_at = sqlite3_column_int64(st, 2);
        a.job_title = col_text(st, 3);
        a.user_name = col_text(st, 4);
        a.message = col_text(st, 5);
        rc = fn(ud, &a, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "applications");
    sqlite3_finalize(st);
    return rc;
}

qt_status qt_store_jobs_near(qt_store *s, double lon, double lat, double radius_m, int limit, qt_store_job_fn fn,
                             void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    double dlon = radius_m / (111320.0 * cos(lat * 3.14159265358979323846 / 180.0) + 1e-9), dlat = radius_m / 110540.0;
    if ((rc = prepare(s, QT__JOB_COLUMNS " WHERE lat BETWEEN ?3 AND ?4 AND lon BETWEEN ?1 AND ?2 ORDER BY id LIMIT ?5",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_double(st, 1, lon - dlon);
    sqlite3_bind_double(st, 2, lon + dlon);
    sqlite3_bind_double(st, 3, lat - dlat);
    sqlite3_bind_double(st, 4, lat + dlat);
    sqlite3_bind_int(st, 5, limit > 0 ? limit : 1000);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_job j;
        qt__sqlite_row_job(st, &j);
        rc = fn(ud, &j, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "jobs");
    sqlite3_finalize(st);
    return rc;
}

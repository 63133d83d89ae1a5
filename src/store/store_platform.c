/* SPDX-License-Identifier: MIT */
/*
 * store_platform.c -- the SQLite backend's platform operations of issue 11
 * (quarter/store.h "platform"): explicit transactions for imports, imports
 * that keep API edits, atomic account creation with homes, login attempts
 * recorded before verification, rate limits (the complaint process, surveys,
 * goods, codes and listings: store_platform_shop.c).  Every statement is stepped to SQLITE_DONE (or reset) before it is
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

/* ---- transactions ---------------------------------------------------------------- */

qt_status qt__sq_begin(qt_store *s, qt_error *err)
{
    if (!sqlite3_get_autocommit(s->db))
        return qt_error_set(err, QT_EINTERNAL, "store", _("a transaction is open already"));
    return sq_exec(s, "BEGIN IMMEDIATE", err);
}

qt_status qt__sq_checkpoint(qt_store *s, qt_error *err)
{
    int log = 0, done = 0;
    if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done) != SQLITE_OK &&
        sqlite3_extended_errcode(s->db) != SQLITE_BUSY)
        return db_fail(s, err, "checkpoint");
    return QT_OK;
}

qt_status qt__sq_commit(qt_store *s, qt_error *err)
{
    qt_status rc;
    if (sqlite3_get_autocommit(s->db))
        return qt_error_set(err, QT_EINTERNAL, "store", _("no transaction is open"));
    if ((rc = sq_exec(s, "COMMIT", err)) != QT_OK) {
        rollback(s);
        return rc;
    }
    /* readers may keep a checkpoint from finishing; SQLite's auto-checkpoint retries it */
    (void)qt__sq_checkpoint(s, NULL);
    return QT_OK;
}

void qt__sq_rollback(qt_store *s)
{
    if (s)
        rollback(s);
}

/* ---- imports that keep API edits ------------------------------------------------------- */

static int text_differs(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

qt_status qt__sq_outlet_import(qt_store *s, const qt_store_outlet *o, int64_t *id, unsigned *kept, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    unsigned edited = 0, k = 0;
    if (kept)
        *kept = 0;
    if (o->ext_id && (rc = prepare(s,
                                   "SELECT api_edited, name, category, address, brand, opening_hours, services,"
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
            if ((edited & QT_EDIT_BARRIER_FREE) && o->barrier_free >= 0 && o->barrier_free != sqlite3_column_int(st, 8))
                k |= QT_EDIT_BARRIER_FREE;
        }
        finish(st);
    } else if (o->ext_id) {
        return rc;
    }
    /* qt_store_outlet_put keeps edited fields (its upsert reads api_edited) */
    if ((rc = qt__sq_outlet_put(s, o, id, err)) != QT_OK)
        return rc;
    if (kept)
        *kept = k;
    return QT_OK;
}

/* ---- accounts ---------------------------------------------------------------------- */

qt_status qt__sq_user_create(qt_store *s, const qt_user_spec *u, int64_t now, int64_t *id, qt_error *err)
{
    char hash[128];
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = qt__store_check_user(u, hash, err)) != QT_OK)
        return rc;
    if ((rc = qt__sq_begin(s, err)) != QT_OK)
        return rc;
    if ((u->circle_id && (rc = circle_exists(s, u->circle_id, "circle_id", err)) != QT_OK) ||
        (u->home_circle_id && (rc = circle_exists(s, u->home_circle_id, "home_circle_id", err)) != QT_OK))
        goto fail;
    if ((rc = prepare(s,
                      "INSERT INTO users(name, role, pw_hash, circle_id, home_circle_id, home_lon, home_lat,"
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
    if ((rc = sq_exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    rollback(s);
    return rc;
}

qt_status qt__sq_user_set_home(qt_store *s, int64_t user_id, int64_t circle_id, double lon, double lat, qt_error *err)
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

qt_status qt__sq_circle_near(qt_store *s, double lon, double lat, double max_m, int64_t *circle_id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    double kx = 111320.0 * cos(lat * 3.14159265358979323846 / 180.0), ky = 110540.0;
    *circle_id = 0;
    if ((rc = prepare(
             s,
             "SELECT circle_id, ((lon - ?1) * ?3) * ((lon - ?1) * ?3) + ((lat - ?2) * ?4) * ((lat - ?2) * ?4) AS d2"
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

qt_status qt__sq_user_circles(qt_store *s, int64_t user_id, int64_t *home_circle, int64_t *op_circle, qt_error *err)
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

static int64_t count_failures(qt_store *s, const char *sql, const char *a, const char *b, int64_t since, int64_t *last)
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

qt_status qt__sq_login_begin(qt_store *s, const char *name, const char *addr, int64_t now, const qt_login_limits *lim,
                             int64_t *attempt, char hash[128], int64_t *user_id, qt_role *role, int64_t *retry_after_s,
                             qt_error *err)
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
    snprintf(sql_addr, sizeof sql_addr,
             "SELECT count(*), max(at) FROM login_attempts WHERE at > ?1 AND addr = ?2 AND %s", fail);
    snprintf(sql_name, sizeof sql_name,
             "SELECT count(*), max(at) FROM login_attempts WHERE at > ?1 AND name = ?2 AND %s", fail);
    *attempt = 0;
    *user_id = 0;
    hash[0] = '\0';
    if (retry_after_s)
        *retry_after_s = 0;
    if ((rc = qt__sq_begin(s, err)) != QT_OK)
        return rc;
    pair = count_failures(s, sql_pair, name, a, since, NULL);
    from_addr = *a ? count_failures(s, sql_addr, a, NULL, since, NULL) : 0;
    by_name = count_failures(s, sql_name, name, NULL, since, &last);
    rc = qt__store_login_limit(lim, name, *a != 0, pair, from_addr, by_name, last, now, &wait, err);
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
    if ((rc = sq_exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    rollback(s);
    *attempt = 0;
    return rc;
}

qt_status qt__sq_login_finish(qt_store *s, int64_t attempt, int ok, int64_t user_id, int64_t now, int64_t ttl_s,
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
    if ((rc = qt__sq_begin(s, err)) != QT_OK)
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
    if ((rc = sq_exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    sodium_memzero(raw, sizeof raw);
    return QT_OK;
fail:
    rollback(s);
    token[0] = '\0';
    return rc;
}

/* the events of kind and key after since: *n, and *oldest (the first of them; unchanged when none) */
static qt_status rate_count(qt_store *s, const char *kind, const char *key, int64_t since, int64_t *n, int64_t *oldest,
                            qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    *n = 0;
    if ((rc = prepare(s, "SELECT count(*), min(at) FROM rate_events WHERE kind = ?1 AND key = ?2 AND at > ?3", &st,
                      err)) != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, since);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *n = sqlite3_column_int64(st, 0);
        if (*n)
            *oldest = sqlite3_column_int64(st, 1);
    }
    finish(st);
    return QT_OK;
}

qt_status qt__sq_rate_hit(qt_store *s, const char *kind, const char *key, int64_t now, int max, int64_t window_s,
                          int64_t *retry_after_s, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t n = 0, oldest = now;
    int pass;
    if (retry_after_s)
        *retry_after_s = 0;
    /* pass 0, a read: over the limit -- what a flood is, nearly always -- needs no write lock and no commit
     * waiting for the disk, so a flood of refused requests never queues behind (or delays) others' writes.
     * Pass 1, under it: the same count in a write transaction, so concurrent hits never pass the limit. */
    for (pass = 0; pass < 2; pass++) {
        if (pass && (rc = qt__sq_begin(s, err)) != QT_OK)
            return rc;
        if ((rc = rate_count(s, kind, key, now - window_s, &n, &oldest, err)) != QT_OK)
            goto fail;
        if (n >= max) {
            if (pass)
                rollback(s);
            if (retry_after_s)
                *retry_after_s = oldest + window_s - now > 0 ? oldest + window_s - now : 1;
            return qt_error_set(err, QT_ELIMIT, kind, _("too many requests of this kind; wait and try again"));
        }
    }
    /* the events out of the window go, this one is added */
    if ((rc = prepare(s, "DELETE FROM rate_events WHERE kind = ?1 AND key = ?2 AND at <= ?3", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now - window_s);
    if ((rc = run(s, st, "rate", err)) != QT_OK)
        goto fail;
    if ((rc = prepare(s, "INSERT INTO rate_events(kind, key, at) VALUES (?1, ?2, ?3)", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if ((rc = run(s, st, "rate", err)) != QT_OK)
        goto fail;
    return sq_exec(s, "COMMIT", err) == QT_OK ? QT_OK : (rollback(s), db_fail(s, err, "rate"));
fail:
    if (pass) /* pass 0 failed before any transaction began */
        rollback(s);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * store_sqlite.c -- the SQLite backend of quarter/store.h (store.c picks it
 * for a path that is not a PostgreSQL URL): open, outlets, circles,
 * re-imports, snapshots, and the backend's operations table.  WAL mode,
 * foreign keys, a busy timeout; migrations from src/store/migrations
 * (embedded at build time) applied in order inside one transaction each, the
 * version kept in PRAGMA user_version.  The rest of its statements:
 * store_sqlite_accounts.c, store_platform.c, store_platform_shop.c.
 */
#include <math.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "quarter/store.h"
#include "store/sqlite_internal.h"

struct qt__migration {
    const char *name;
    const char *sql;
};
extern const struct qt__migration qt__migrations[];
extern const size_t qt__nmigrations;

static int64_t one_int(qt_store *s, const char *sql, int64_t dflt)
{
    sqlite3_stmt *st;
    int64_t v = dflt;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return dflt;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int qt__sq_version(qt_store *s)
{
    return (int)one_int(s, "PRAGMA user_version", -1);
}

void qt__sq_close(qt_store *s)
{
    sqlite3_close(s->db);
    s->db = NULL;
}

/* s: allocated by qt_store_open, which closes it on failure */
qt_status qt__sq_open(qt_store *s, const char *path, qt_error *err)
{
    int v;
    size_t i;
    qt_status st;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK)
        return qt_error_set(err, QT_EIO, path, _("cannot open the store: %s"),
                            s->db ? sqlite3_errmsg(s->db) : _("no memory"));
    sqlite3_busy_timeout(s->db, 10000);
    if ((st = sq_exec_at(s,
                         "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                         " PRAGMA journal_size_limit = 67108864;",
                         err)) != QT_OK)
        return st;
    v = qt__sq_version(s);
    if (v < 0 || (size_t)v > qt__nmigrations)
        return qt_error_set(err, QT_EUNSUPPORTED, path,
                            _("the store has schema version %d; this quarter knows %zu (a newer quarter made it?)"), v,
                            qt__nmigrations);
    for (i = (size_t)v; i < qt__nmigrations; i++) {
        char pragma[64];
        if ((st = sq_exec_at(s, "BEGIN IMMEDIATE", err)) != QT_OK)
            return st;
        /* someone else may have migrated meanwhile */
        if ((size_t)qt__sq_version(s) > i) {
            sq_exec_at(s, "COMMIT", err);
            continue;
        }
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %zu", i + 1);
        if ((st = sq_exec_at(s, qt__migrations[i].sql, err)) != QT_OK || (st = sq_exec_at(s, pragma, err)) != QT_OK) {
            char where[200];
            snprintf(where, sizeof where, "%s: migration %s", path, qt__migrations[i].name);
            sq_exec_at(s, "ROLLBACK", NULL);
            qt_error_clear(err);
            return qt_error_set(err, QT_EDB, where, "%s", sqlite3_errmsg(s->db));
        }
        if ((st = sq_exec_at(s, "COMMIT", err)) != QT_OK)
            return st;
    }
    return QT_OK;
}

/* ---- outlets ------------------------------------------------------------------ */

/* id of the row with this name in table (communities / circles), created when new */
static qt_status name_id(qt_store *s, const char *table, const char *name, int64_t *id, qt_error *err)
{
    char sql[160];
    sqlite3_stmt *st;
    qt_status rc;
    snprintf(sql, sizeof sql,
             "INSERT INTO %s(name) VALUES (?1) ON CONFLICT(name) DO UPDATE SET name = name RETURNING id", table);
    if ((rc = prepare(s, sql, &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return db_fail(s, err, table);
    }
    *id = sqlite3_column_int64(st, 0);
    finish_returning(st);
    return QT_OK;
}

static void bind_opt_double(sqlite3_stmt *st, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static void bind_opt_flag(sqlite3_stmt *st, int i, int v)
{
    if (v >= 0)
        sqlite3_bind_int(st, i, v != 0);
    else
        sqlite3_bind_null(st, i);
}

qt_status qt__sq_outlet_put(qt_store *s, const qt_store_outlet *o, int64_t *id, qt_error *err)
{
    sqlite3_stmt *st;
    int64_t com = 0, cir = 0;
    qt_status rc;
    if ((o->community && *o->community && (rc = name_id(s, "communities", o->community, &com, err)) != QT_OK) ||
        (o->circle && *o->circle && (rc = name_id(s, "circles", o->circle, &cir, err)) != QT_OK))
        return rc;
    rc = prepare(s,
                 "INSERT INTO outlets(ext_id, name, category, lon, lat, address, brand, chain, opening_hours, services,"
                 " cash, barrier_free, staff, floor_area, community_id, circle_id, updated_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, strftime('%s'))"
                 /* fields edited through the API (api_edited bits, QT_EDIT_*) keep their value */
                 " ON CONFLICT(ext_id) DO UPDATE SET name = iif(api_edited & 1, name, ?2),"
                 " category = iif(api_edited & 2, category, ?3), lon = ?4, lat = ?5,"
                 " address = iif(api_edited & 4, address, ?6), brand = iif(api_edited & 8, brand, ?7), chain = ?8,"
                 " opening_hours = iif(api_edited & 16, opening_hours, ?9),"
                 " services = iif(api_edited & 32, services, ?10), cash = iif(api_edited & 64, cash, ?11),"
                 " barrier_free = iif(api_edited & 128, barrier_free, ?12),"
                 " staff = ?13, floor_area = ?14, community_id = ?15, circle_id = ?16, updated_at = strftime('%s')"
                 " RETURNING id",
                 &st, err);
    if (rc != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, o->ext_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->name ? o->name : "", -1, SQLITE_STATIC);
    if (o->category && *o->category)
        sqlite3_bind_text(st, 3, o->category, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, o->lon);
    sqlite3_bind_double(st, 5, o->lat);
    sqlite3_bind_text(st, 6, o->address ? o->address : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, o->brand ? o->brand : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, o->chain != 0);
    sqlite3_bind_text(st, 9, o->opening_hours ? o->opening_hours : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, o->services ? o->services : "", -1, SQLITE_STATIC);
    bind_opt_flag(st, 11, o->cash);
    bind_opt_flag(st, 12, o->barrier_free);
    bind_opt_double(st, 13, o->staff);
    bind_opt_double(st, 14, o->floor_area);
    if (com)
        sqlite3_bind_int64(st, 15, com);
    if (cir)
        sqlite3_bind_int64(st, 16, cir);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(s, err, "outlet");
        sqlite3_finalize(st);
        return rc;
    }
    if (id)
        *id = sqlite3_column_int64(st, 0);
    finish_returning(st);
    return QT_OK;
}

void qt__sqlite_row_outlet(sqlite3_stmt *st, qt_store_outlet *o)
{
    o->id = sqlite3_column_int64(st, 0);
    o->ext_id = col_text(st, 1);
    o->name = col_text(st, 2);
    o->category = col_text(st, 3);
    o->lon = sqlite3_column_double(st, 4);
    o->lat = sqlite3_column_double(st, 5);
    o->address = col_text(st, 6);
    o->brand = col_text(st, 7);
    o->chain = sqlite3_column_int(st, 8);
    o->opening_hours = col_text(st, 9);
    o->services = col_text(st, 10);
    o->cash = sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 11);
    o->barrier_free = sqlite3_column_type(st, 12) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 12);
    o->staff = sqlite3_column_type(st, 13) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 13);
    o->floor_area = sqlite3_column_type(st, 14) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 14);
    o->community = col_text(st, 15);
    o->circle = col_text(st, 16);
    o->closed_at = sqlite3_column_int64(st, 17);
}

void qt__sqlite_row_job(sqlite3_stmt *st, qt_store_job *j)
{
    j->id = sqlite3_column_int64(st, 0);
    j->outlet_id = sqlite3_column_int64(st, 1);
    j->title = col_text(st, 2);
    j->description = col_text(st, 3);
    j->pay = col_text(st, 4);
    j->lon = sqlite3_column_double(st, 5);
    j->lat = sqlite3_column_double(st, 6);
    j->created_at = sqlite3_column_int64(st, 7);
    j->expires_at = sqlite3_column_int64(st, 8);
}

static qt_status walk_outlets(qt_store *s, sqlite3_stmt *st, qt_store_outlet_fn fn, void *ud, int *seen, qt_error *err)
{
    int r;
    qt_status rc = QT_OK;
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_outlet o;
        qt__sqlite_row_outlet(st, &o);
        if (seen)
            *seen = 1;
        rc = fn(ud, &o, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "outlets");
    sqlite3_finalize(st);
    return rc;
}

qt_status qt__sq_outlets_each(qt_store *s, qt_store_outlet_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc = prepare(s, QT__OUTLET_COLUMNS " ORDER BY o.id", &st, err);
    if (rc != QT_OK)
        return rc;
    return walk_outlets(s, st, fn, ud, NULL, err);
}

qt_status qt__sq_outlet_get(qt_store *s, int64_t id, qt_store_outlet_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    int seen = 0;
    qt_status rc = prepare(s, QT__OUTLET_COLUMNS " WHERE o.id = ?1", &st, err);
    if (rc != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = walk_outlets(s, st, fn, ud, &seen, err);
    if (rc == QT_OK && !seen)
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)id);
    return rc;
}

qt_status qt__sq_outlets_match(qt_store *s, const char *q, int64_t **ids, size_t *n, qt_error *err)
{
    sqlite3_stmt *st;
    size_t cap = 0, len = 0;
    int64_t *v = NULL;
    int r;
    qt_status rc;
    /* the trigram index needs 3 characters (UTF-8 code points); shorter queries scan */
    size_t cps = utf8_chars(q);
    if (cps >= 3)
        rc = prepare(s, "SELECT rowid FROM outlets_fts WHERE outlets_fts MATCH ?1 ORDER BY rowid", &st, err);
    else
        rc = prepare(s,
                     "SELECT id FROM outlets WHERE instr(name, ?1) OR instr(address, ?1) OR instr(services, ?1)"
                     " ORDER BY id",
                     &st, err);
    if (rc != QT_OK)
        return rc;
    if (cps >= 3) {
        char *phrase = fts_phrase(q); /* a phrase: quotes doubled */
        if (!phrase) {
            sqlite3_finalize(st);
            return qt_error_set(err, QT_ENOMEM, "search", _("no memory"));
        }
        sqlite3_bind_text(st, 1, phrase, -1, SQLITE_TRANSIENT);
        qt__free(phrase);
    } else {
        sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (qt__grow((void **)&v, &cap, len + 1, sizeof *v) != 0) {
            sqlite3_finalize(st);
            qt__free(v);
            return qt_error_set(err, QT_ENOMEM, "search", _("no memory"));
        }
        v[len++] = sqlite3_column_int64(st, 0);
    }
    if (r != SQLITE_DONE) {
        rc = db_fail(s, err, "search");
        sqlite3_finalize(st);
        qt__free(v);
        return rc;
    }
    sqlite3_finalize(st);
    *ids = v;
    *n = len;
    return QT_OK;
}

qt_status qt__sq_circle_put(qt_store *s, const char *circle, const char *const *communities, size_t n,
                            double investment, int64_t *id, qt_error *err)
{
    int64_t cid, mid;
    size_t i;
    sqlite3_stmt *st;
    qt_status rc;
    /* a savepoint: its own transaction, or part of an import's */
    if ((rc = sq_exec_at(s, "SAVEPOINT circle_put", err)) != QT_OK)
        return rc;
    if ((rc = name_id(s, "circles", circle, &cid, err)) != QT_OK)
        goto fail;
    if ((rc = prepare(s, "UPDATE circles SET investment = ?2 WHERE id = ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, cid);
    bind_opt_double(st, 2, investment);
    if ((rc = step_done(s, st, "circle", err)) != QT_OK)
        goto fail;
    for (i = 0; i < n; i++) {
        if ((rc = name_id(s, "communities", communities[i], &mid, err)) != QT_OK)
            goto fail;
        if ((rc = prepare(s, "INSERT OR IGNORE INTO circle_communities VALUES (?1, ?2)", &st, err)) != QT_OK)
            goto fail;
        sqlite3_bind_int64(st, 1, cid);
        sqlite3_bind_int64(st, 2, mid);
        if ((rc = step_done(s, st, "circle", err)) != QT_OK)
            goto fail;
    }
    if ((rc = sq_exec_at(s, "RELEASE circle_put", err)) != QT_OK)
        goto fail;
    if (id)
        *id = cid;
    return QT_OK;
fail:
    sq_exec_at(s, "ROLLBACK TO circle_put", NULL);
    sq_exec_at(s, "RELEASE circle_put", NULL);
    return rc;
}

/* ---- circles ------------------------------------------------------------------------- */

qt_status qt__sq_circle_set_analysis(qt_store *s, const char *circle, const char *grade, const char *json,
                                     qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t id;
    if ((rc = name_id(s, "circles", circle, &id, err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "UPDATE circles SET grade = ?2, indicators = ?3 WHERE id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, grade, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
    return step_done(s, st, "circle", err);
}

qt_status qt__sq_outlet_set_circle(qt_store *s, const char *ext_id, const char *circle, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t id;
    if ((rc = name_id(s, "circles", circle, &id, err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "UPDATE outlets SET circle_id = ?2 WHERE ext_id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, ext_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    return step_done(s, st, "outlet", err);
}

qt_status qt__sq_circle_get(qt_store *s, int64_t id, const char *period, qt_store_circle_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    qt_store_circle c;
    if ((rc = prepare(s,
                      "SELECT c.id, c.name, c.grade, c.indicators, c.investment,"
                      " (SELECT count(*) FROM circle_communities WHERE circle_id = c.id),"
                      " (SELECT count(*) FROM outlets WHERE circle_id = c.id),"
                      " (SELECT count(*) FROM surveys WHERE circle_id = c.id AND period = ?2),"
                      " (SELECT count(*) FROM surveys WHERE circle_id = c.id AND period = ?2 AND satisfied = 1)"
                      " FROM circles c WHERE c.id = ?1",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return qt_error_set(err, QT_ENOTFOUND, "circle", _("no circle %lld"), (long long)id);
    }
    c.id = sqlite3_column_int64(st, 0);
    c.name = col_text(st, 1);
    c.grade = col_text(st, 2);
    c.indicators_json = col_text(st, 3);
    c.investment = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
    c.communities = sqlite3_column_int64(st, 5);
    c.outlets = sqlite3_column_int64(st, 6);
    c.survey_answers = sqlite3_column_int64(st, 7);
    c.survey_satisfied = sqlite3_column_int64(st, 8);
    rc = fn(ud, &c, err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- re-import (issue 10): what changed, what closed ----------------------------- */

static int same_text(const unsigned char *a, const char *b)
{
    return strcmp(a ? (const char *)a : "", b ? b : "") == 0;
}

qt_status qt__sq_outlet_compare(qt_store *s, const qt_store_outlet *o, int *state, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    *state = QT_OUTLET_NEW;
    rc = prepare(s,
                 "SELECT name, category, lon, lat, address, brand, chain, opening_hours, services, closed_at"
                 " FROM outlets WHERE ext_id = ?1",
                 &st, err);
    if (rc != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, o->ext_id, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        int same = same_text(sqlite3_column_text(st, 0), o->name) &&
                   same_text(sqlite3_column_text(st, 1), o->category) &&
                   fabs(sqlite3_column_double(st, 2) - o->lon) < 1e-7 &&
                   fabs(sqlite3_column_double(st, 3) - o->lat) < 1e-7 &&
                   same_text(sqlite3_column_text(st, 4), o->address) &&
                   same_text(sqlite3_column_text(st, 5), o->brand) && sqlite3_column_int(st, 6) == (o->chain != 0) &&
                   same_text(sqlite3_column_text(st, 7), o->opening_hours) &&
                   same_text(sqlite3_column_text(st, 8), o->services);
        *state = same ? QT_OUTLET_SAME : QT_OUTLET_CHANGED;
    } else if (r != SQLITE_DONE) {
        rc = db_fail(s, err, "outlet");
    }
    sqlite3_finalize(st);
    return rc;
}

qt_status qt__sq_outlets_sync_closed(qt_store *s, const char *const *open_ids, size_t n, int64_t now, size_t *closed,
                                     size_t *reopened, qt_error *err)
{
    sqlite3_stmt *st = NULL;
    qt_status rc;
    size_t i;
    if (closed)
        *closed = 0;
    if (reopened)
        *reopened = 0;
    /* a savepoint: its own transaction, or part of an import's (qt_store_begin) */
    if ((rc = sq_exec_at(s,
                         "SAVEPOINT sync_closed; CREATE TEMP TABLE IF NOT EXISTS import_open(ext_id TEXT PRIMARY KEY);"
                         " DELETE FROM import_open;",
                         err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "INSERT OR IGNORE INTO import_open(ext_id) VALUES (?1)", &st, err)) != QT_OK)
        goto fail;
    for (i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, open_ids[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = db_fail(s, err, "import");
            goto fail;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = prepare(s,
                      "UPDATE outlets SET closed_at = ?1 WHERE closed_at IS NULL"
                      " AND ext_id NOT IN (SELECT ext_id FROM import_open)",
                      &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_fail(s, err, "close outlets");
        goto fail;
    }
    if (closed)
        *closed = (size_t)sqlite3_changes(s->db);
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = sq_exec_at(s,
                         "UPDATE outlets SET closed_at = NULL WHERE closed_at IS NOT NULL"
                         " AND ext_id IN (SELECT ext_id FROM import_open)",
                         err)) != QT_OK)
        goto fail;
    if (reopened)
        *reopened = (size_t)sqlite3_changes(s->db);
    if ((rc = sq_exec_at(s, "DELETE FROM import_open; RELEASE sync_closed", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    sqlite3_finalize(st);
    sq_exec_at(s, "ROLLBACK TO sync_closed; RELEASE sync_closed", NULL);
    return rc;
}

/* ---- circle snapshots (migration 0005): the planner's trends ------------------- */

qt_status qt__sq_snapshots_each(qt_store *s, int64_t circle_id, int limit, qt_store_snapshot_fn fn, void *ud,
                                qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if (limit <= 0 || limit > 1000)
        limit = 1000;
    /* the newest `limit` per circle, then oldest first */
    rc = prepare(s,
                 "SELECT circle_id, at, name, grade, indicators FROM ("
                 " SELECT cs.circle_id, cs.at, c.name, cs.grade, cs.indicators, cs.id,"
                 "  ROW_NUMBER() OVER (PARTITION BY cs.circle_id ORDER BY cs.at DESC, cs.id DESC) AS k"
                 " FROM circle_snapshots cs JOIN circles c ON c.id = cs.circle_id"
                 " WHERE ?1 = 0 OR cs.circle_id = ?1)"
                 " WHERE k <= ?2 ORDER BY circle_id, at, id",
                 &st, err);
    if (rc != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, circle_id);
    sqlite3_bind_int(st, 2, limit);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_snapshot sn;
        sn.circle_id = sqlite3_column_int64(st, 0);
        sn.at = sqlite3_column_int64(st, 1);
        sn.circle = col_text(st, 2);
        sn.grade = col_text(st, 3);
        sn.indicators_json = col_text(st, 4);
        if ((rc = fn(ud, &sn, err)) != QT_OK) {
            sqlite3_finalize(st);
            return rc;
        }
    }
    rc = r == SQLITE_DONE ? QT_OK : db_fail(s, err, "snapshots");
    sqlite3_finalize(st);
    return rc;
}

qt_status qt__sq_circle_ids(qt_store *s, int64_t **ids, size_t *n, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    size_t cap = 0;
    int r;
    *ids = NULL;
    *n = 0;
    if ((rc = prepare(s, "SELECT id FROM circles ORDER BY id", &st, err)) != QT_OK)
        return rc;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (qt__grow((void **)ids, &cap, *n + 1, sizeof **ids) != 0) {
            sqlite3_finalize(st);
            qt__free(*ids);
            *ids = NULL;
            *n = 0;
            return qt_error_set(err, QT_ENOMEM, "circles", _("out of memory"));
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    rc = r == SQLITE_DONE ? QT_OK : db_fail(s, err, "circles");
    sqlite3_finalize(st);
    if (rc != QT_OK) {
        qt__free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- the analysis' geometries (migration 0008): GeoJSON text ------------------- */

qt_status qt__sq_geoms_clear(qt_store *s, qt_error *err)
{
    qt_status rc;
    if ((rc = sq_exec_at(s, "SAVEPOINT geoms_clear", err)) != QT_OK)
        return rc;
    if ((rc = sq_exec(
             s,
             "DELETE FROM blindspots; DELETE FROM sites;"
             " UPDATE communities SET geom = NULL, boundary = NULL WHERE geom IS NOT NULL OR boundary IS NOT NULL;"
             " UPDATE circles SET geom = NULL, boundary = NULL WHERE geom IS NOT NULL OR boundary IS NOT NULL;",
             err)) != QT_OK) {
        sq_exec_at(s, "ROLLBACK TO geoms_clear", NULL);
        sq_exec_at(s, "RELEASE geoms_clear", NULL);
        return rc;
    }
    return sq_exec_at(s, "RELEASE geoms_clear", err);
}

static qt_status sq_geom_put(qt_store *s, const qt_store_geom *g, qt_error *err)
{
    /* ?1 the owner's name: the row (communities, circles) or the circle (NULL: none) of the row */
#define QT__SQ_CIRCLE_OF   "(SELECT id FROM circles WHERE name = ?1)"
#define QT__SQ_OWNER_KNOWN "(?1 IS NULL OR EXISTS (SELECT 1 FROM circles WHERE name = ?1))"
#define QT__SQ_AREA(n)     "json_valid(" n ") AND json_extract(" n ", '$.type') IN ('Polygon', 'MultiPolygon')"
    static const char *const sql[] = {
        /* community, circle: ?2 the area, ?3 what it is */
        "UPDATE communities SET geom = ?2, boundary = ?3 WHERE name = ?1 AND " QT__SQ_AREA("?2"),
        "UPDATE circles SET geom = ?2, boundary = ?3 WHERE name = ?1 AND " QT__SQ_AREA("?2"),
        /* 盲区: ?2 category, ?3 zh, ?4 unserved, ?5 geometry */
        "INSERT INTO blindspots(circle_id, category, zh, unserved, geom) SELECT " QT__SQ_CIRCLE_OF
        ", ?2, ?3, ?4, ?5"
        " WHERE " QT__SQ_AREA("?5") " AND " QT__SQ_OWNER_KNOWN,
        /* site: ... ?6 its id, ?7 rank */
        "INSERT INTO sites(circle_id, category, zh, covered, geom, ext_id, rank) SELECT " QT__SQ_CIRCLE_OF
        ", ?2, ?3, ?4, ?5, ?6, ?7 WHERE json_valid(?5) AND json_extract(?5, '$.type') = 'Point' "
        "AND " QT__SQ_OWNER_KNOWN};
#undef QT__SQ_CIRCLE_OF
#undef QT__SQ_OWNER_KNOWN
#undef QT__SQ_AREA
    int area = g->kind == QT_STORE_GEOM_COMMUNITY || g->kind == QT_STORE_GEOM_CIRCLE, tries;
    const char *owner = area ? g->name : g->circle && *g->circle ? g->circle : NULL;
    qt_status rc;
    /* one statement when the owner is there (an import made it); a new name is created, then again */
    for (tries = 0; tries < 2; tries++) {
        sqlite3_stmt *st;
        int64_t id;
        if ((rc = prepare(s, sql[g->kind - QT_STORE_GEOM_COMMUNITY], &st, err)) != QT_OK)
            return rc;
        sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
        if (area) {
            sqlite3_bind_text(st, 2, g->geojson, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, g->boundary, -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_text(st, 2, g->category, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, g->zh, -1, SQLITE_STATIC);
            bind_opt_double(st, 4, g->value);
            sqlite3_bind_text(st, 5, g->geojson, -1, SQLITE_STATIC);
            if (g->kind == QT_STORE_GEOM_SITE) {
                sqlite3_bind_text(st, 6, g->name, -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 7, g->rank);
            }
        }
        if ((rc = step_done(s, st, "geometry", err)) != QT_OK)
            return rc;
        if (sqlite3_changes(s->db) > 0)
            return QT_OK;
        if (tries || !owner)
            break;
        if ((rc = name_id(s, g->kind == QT_STORE_GEOM_COMMUNITY ? "communities" : "circles", owner, &id, err)) != QT_OK)
            return rc;
    }
    return qt_error_set(err, QT_EINVAL, area ? g->name : g->category, _("not a GeoJSON %s"),
                        g->kind == QT_STORE_GEOM_SITE ? "Point" : "(Multi)Polygon");
}

#define QT__SQ_OP(ret, name, params, args) .name = qt__sq_##name,
const struct qt__store_ops qt__sqlite_ops = {
    QT__STORE_OPS(QT__SQ_OP).close = qt__sq_close,
    .rollback = qt__sq_rollback,
    .audit = qt__sq_audit,
    .geom_put = sq_geom_put,
};

/* SPDX-License-Identifier: MIT */
/*
 * store/sqlite_internal.h -- what the SQLite backend's files share: the
 * store handle (one connection) and small statement helpers.  Internal to
 * src/store/.
 */
#ifndef QUARTER_STORE_SQLITE_INTERNAL_H
#define QUARTER_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"

#include "quarter/store.h"
#include "store/store_internal.h"

/* the SQLite backend's operations (store_sqlite*.c) */
#define QT__SQ_DECL(ret, name, params, args) ret qt__sq_##name params;
QT__STORE_OPS(QT__SQ_DECL)
void qt__sq_close(qt_store *s);
void qt__sq_rollback(qt_store *s);
void qt__sq_audit(qt_store *s, int64_t user_id, int64_t now, const char *action, const char *detail);

/* err->where names the operation, not the file: a server logs QT_EDB errors
 * and never sends them (issue 11, item 12) */
static inline qt_status db_fail(qt_store *s, qt_error *err, const char *what)
{
    return qt_error_set(err, QT_EDB, what, "database error: %s", sqlite3_errmsg(s->db));
}

/* prepare sql on the store's connection; *st is NULL on failure */
static inline qt_status prepare(qt_store *s, const char *sql, sqlite3_stmt **st, qt_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return db_fail(s, err, "prepare");
    }
    return QT_OK;
}

/* a text column, NULL for SQL NULL; BORROWED until the next step or finalize */
static inline const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : NULL;
}

/* the columns qt__sqlite_row_outlet reads (of outlets o, with the joins), and the whole select */
#define QT__OUTLET_FIELDS                                                                                              \
    "o.id, o.ext_id, o.name, o.category, o.lon, o.lat, o.address, o.brand, o.chain, o.opening_hours,"                  \
    " o.services, o.cash, o.barrier_free, o.staff, o.floor_area, m.name, c.name, coalesce(o.closed_at, 0)"
#define QT__OUTLET_JOINS   " LEFT JOIN communities m ON m.id = o.community_id LEFT JOIN circles c ON c.id = o.circle_id"
#define QT__OUTLET_COLUMNS "SELECT " QT__OUTLET_FIELDS " FROM outlets o" QT__OUTLET_JOINS

/* a row of QT__OUTLET_COLUMNS; the texts BORROWED from st until its next step */
void qt__sqlite_row_outlet(sqlite3_stmt *st, qt_store_outlet *o);

/* when a job closes: a row written without expires_at (by hand, say) closes QT_STORE_JOB_DAYS (30) days after
 * it was posted */
#define QT__JOB_CLOSES "coalesce(expires_at, created_at + 2592000)"
/* the columns qt__sqlite_row_job reads (for a RETURNING), and the SELECT of them from jobs */
#define QT__JOB_FIELDS  "id, coalesce(outlet_id, 0), title, description, pay, lon, lat, created_at, " QT__JOB_CLOSES
#define QT__JOB_COLUMNS "SELECT " QT__JOB_FIELDS " FROM jobs"
/* a row of QT__JOB_COLUMNS; the texts BORROWED from st until its next step */
void qt__sqlite_row_job(sqlite3_stmt *st, qt_store_job *j);

/* ---- statement helpers shared by store_sqlite*.c and store_platform*.c ---- */

/* a statement with RETURNING whose row was read: step it to DONE, then finalize */
static inline void finish_returning(sqlite3_stmt *st)
{
    while (sqlite3_step(st) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
}

static inline qt_status sq_exec_at(qt_store *s, const char *sql, qt_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        qt_status st = qt_error_set(err, QT_EDB, s->path, "%s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return st;
    }
    return QT_OK;
}

/* run a prepared statement that returns no rows; finalizes it */
static inline qt_status step_done(qt_store *s, sqlite3_stmt *st, const char *what, qt_error *err)
{
    qt_status rc = sqlite3_step(st) == SQLITE_DONE ? QT_OK : db_fail(s, err, what);
    sqlite3_finalize(st);
    return rc;
}

static inline qt_status sq_exec(qt_store *s, const char *sql, qt_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(s, err, "store");
    return QT_OK;
}

/* step the rest of a statement to DONE, then finalize; SQLITE_DONE or the error */
static inline int finish(sqlite3_stmt *st)
{
    int r = SQLITE_DONE;
    while (st && (r = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
    return r;
}

static inline qt_status run(qt_store *s, sqlite3_stmt *st, const char *what, qt_error *err)
{
    return finish(st) == SQLITE_DONE ? QT_OK : db_fail(s, err, what);
}

static inline void rollback(qt_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static inline int64_t scalar(qt_store *s, sqlite3_stmt *st, int64_t dflt)
{
    int64_t v = dflt;
    (void)s;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    finish(st);
    return v;
}

static inline qt_status circle_exists(qt_store *s, int64_t id, const char *field, qt_error *err)
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

static inline size_t utf8_chars(const char *q)
{
    size_t n = 0;
    const unsigned char *p;
    for (p = (const unsigned char *)q; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* q as an FTS5 phrase (quotes doubled); caller frees */
static inline char *fts_phrase(const char *q)
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

/* Inside a claim's transaction: may user_id claim coupon_id at now?  QT_ENOTFOUND (no coupon), QT_EGONE (not
 * valid now, or its shop is closed), QT_ECONFLICT (all claimed, or the user's limit reached). */
qt_status qt__sq_coupon_claimable(qt_store *s, int64_t coupon_id, int64_t user_id, int64_t now, qt_error *err);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * store/sqlite_internal.h -- what the SQLite backend's files share: the
 * store handle (one connection) and small statement helpers.  Internal to
 * src/store/.
 */
#ifndef QUARTER_STORE_SQLITE_INTERNAL_H
#define QUARTER_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "quarter/store.h"

struct qt_store {
    sqlite3 *db;
    char *path;
};

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
#define QT__OUTLET_FIELDS                                                                                \
    "o.id, o.ext_id, o.name, o.category, o.lon, o.lat, o.address, o.brand, o.chain, o.opening_hours,"   \
    " o.services, o.cash, o.barrier_free, o.staff, o.floor_area, m.name, c.name, coalesce(o.closed_at, 0)"
#define QT__OUTLET_JOINS \
    " LEFT JOIN communities m ON m.id = o.community_id LEFT JOIN circles c ON c.id = o.circle_id"
#define QT__OUTLET_COLUMNS "SELECT " QT__OUTLET_FIELDS " FROM outlets o" QT__OUTLET_JOINS

/* a row of QT__OUTLET_COLUMNS; the texts BORROWED from st until its next step */
void qt__sqlite_row_outlet(sqlite3_stmt *st, qt_store_outlet *o);

/* the columns qt__sqlite_row_job reads, from jobs */
#define QT__JOB_COLUMNS "SELECT id, coalesce(outlet_id, 0), title, description, pay, lon, lat, created_at FROM jobs"
/* a row of QT__JOB_COLUMNS; the texts BORROWED from st until its next step */
void qt__sqlite_row_job(sqlite3_stmt *st, qt_store_job *j);

/* Inside a claim's transaction: may user_id claim coupon_id at now?  QT_ENOTFOUND (no coupon), QT_EGONE (not
 * valid now, or its shop is closed), QT_ECONFLICT (all claimed, or the user's limit reached). */
qt_status qt__coupon_claimable(qt_store *s, int64_t coupon_id, int64_t user_id, int64_t now, qt_error *err);

#endif

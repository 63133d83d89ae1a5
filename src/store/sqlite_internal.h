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

#endif

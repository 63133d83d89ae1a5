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

#endif

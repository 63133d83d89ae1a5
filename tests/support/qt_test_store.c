/* SPDX-License-Identifier: MIT */
/*
 * qt_test_store.c -- the store tests on either backend: QT_TEST_BACKEND=pg
 * (with QT_TEST_PG_URL, set by the ctest fixture that starts a PostgreSQL,
 * tests/CMakeLists.txt) gives every test its own fresh schema in that
 * database; otherwise a fresh SQLite file.  Scalar queries read what the
 * store wrote, on its backend.
 */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qt_test.h"

int qt_test_is_pg(void)
{
    const char *b = getenv("QT_TEST_BACKEND"), *u = getenv("QT_TEST_PG_URL");
    return b && strcmp(b, "pg") == 0 && u && *u;
}

char *qt_test_store(const char *name)
{
    static int n;
    const char *url = getenv("QT_TEST_PG_URL");
    char schema[64], sql[256], *out;
    PGconn *c;
    PGresult *r;
    if (!qt_test_is_pg())
        return qt_test_tmpfile(name);
    snprintf(schema, sizeof schema, "t_%ld_%d", (long)getpid(), ++n);
    c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "qt_test_store: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    snprintf(sql, sizeof sql, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
             schema, schema);
    r = PQexec(c, sql);
    PQclear(r);
    PQfinish(c);
    /* the URL with the schema first on the search path (the extensions are in public) */
    out = malloc(strlen(url) + 128);
    sprintf(out, "%s%soptions=-csearch_path%%3D%s,public", url, strchr(url, '?') ? "&" : "?", schema);
    return out;
}

int64_t qt_test_store_scalar(const char *path, const char *sql)
{
    int64_t v = -1;
    if (strstr(path, "://")) {
        PGconn *c = PQconnectdb(path);
        PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
        if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
            const char *t = PQgetvalue(r, 0, 0);
            v = *t == 't' ? 1 : *t == 'f' ? 0 : strtoll(t, NULL, 10);
        } else if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
            v = strtoll(PQcmdTuples(r), NULL, 10);
        } else {
            fprintf(stderr, "qt_test_store_scalar: %s: %s", sql, PQerrorMessage(c));
        }
        PQclear(r);
        PQfinish(c);
    } else {
        sqlite3 *db;
        sqlite3_stmt *st;
        if (sqlite3_open(path, &db) != SQLITE_OK)
            return -1;
        sqlite3_busy_timeout(db, 5000);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
            int rc = sqlite3_step(st);
            if (rc == SQLITE_ROW)
                v = sqlite3_column_int64(st, 0);
            else if (rc == SQLITE_DONE)
                v = sqlite3_changes(db);
            sqlite3_finalize(st);
        }
        sqlite3_close(db);
    }
    return v;
}

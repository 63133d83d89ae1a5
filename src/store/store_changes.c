/* SPDX-License-Identifier: MIT */
/*
 * store_changes.c -- the SQLite backend's change feed (quarter/store.h, issue
 * 14): the table `changes` written by the triggers of migration 0006, read
 * after a sequence number; waiting polls PRAGMA data_version, which moves
 * whenever another connection commits, and reads the sequence only then.
 */
#include <sqlite3.h>
#include <time.h>

#include "quarter/store.h"
#include "store/sqlite_internal.h"

/* seq's latest value; the caller holds a read transaction or none */
static qt_status latest_seq(qt_store *s, int64_t *latest, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc = prepare(s, "SELECT coalesce(max(seq), 0) FROM changes", &st, err);
    if (rc != QT_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *latest = sqlite3_column_int64(st, 0);
    else
        rc = db_fail(s, err, "changes");
    sqlite3_finalize(st);
    return rc;
}

qt_status qt__sq_changes_latest(qt_store *s, int64_t *latest, qt_error *err)
{
    *latest = 0;
    return latest_seq(s, latest, err);
}

/* the callbacks of one walk over the changes */
typedef struct walk {
    qt_store_outlet_fn outlet_fn;
    qt_store_job_fn job_fn;
    void *ud;
} walk;

/* a changed outlet's row; a deleted one (no row left) with only its id */
static qt_status outlet_row(sqlite3_stmt *st, const walk *w, qt_error *err)
{
    qt_store_outlet o = {0};
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
        o.id = sqlite3_column_int64(st, 18);
        o.closed_at = -1;
    } else {
        qt__sqlite_row_outlet(st, &o);
    }
    return w->outlet_fn(w->ud, &o, err);
}

static qt_status job_row(sqlite3_stmt *st, const walk *w, qt_error *err)
{
    qt_store_job j;
    qt__sqlite_row_job(st, &j);
    return w->job_fn(w->ud, &j, err);
}

/* the rows of sql (?1 since, ?2 upto) to row(), in seq order */
static qt_status changed(qt_store *s, const char *sql, int64_t since, int64_t upto,
                         qt_status (*row)(sqlite3_stmt *, const walk *, qt_error *), const walk *w, qt_error *err)
{
    sqlite3_stmt *st;
    int r;
    qt_status rc = prepare(s, sql, &st, err);
    if (rc != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_int64(st, 2, upto);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW)
        rc = row(st, w, err);
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "changes");
    sqlite3_finalize(st);
    return rc;
}

/* the outlets changed in (since, upto], deleted ones too; the jobs posted or changed that still exist */
static const char outlets_sql[] = "SELECT " QT__OUTLET_FIELDS
                                  ", ch.ref FROM changes ch LEFT JOIN outlets o ON o.id = ch.ref" QT__OUTLET_JOINS
                                  " WHERE ch.kind = 1 AND ch.seq > ?1 AND ch.seq <= ?2 ORDER BY ch.seq";
static const char jobs_sql[] = QT__JOB_COLUMNS
    " j JOIN changes ch ON ch.kind = 2 AND ch.ref = j.id"
    " WHERE ch.seq > ?1 AND ch.seq <= ?2 ORDER BY ch.seq";

qt_status qt__sq_changes_since(qt_store *s, int64_t since, int64_t *latest, qt_store_outlet_fn outlet_fn,
                               qt_store_job_fn job_fn, void *ud, qt_error *err)
{
    qt_status rc;
    int64_t upto = since;
    *latest = since;
    /* one read transaction: the sequence and the rows it covers agree */
    if (sqlite3_exec(s->db, "SAVEPOINT changes_read", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(s, err, "changes");
    rc = latest_seq(s, &upto, err);
    if (rc == QT_OK && upto > since) {
        walk w = {outlet_fn, job_fn, ud};
        if (outlet_fn)
            rc = changed(s, outlets_sql, since, upto, outlet_row, &w, err);
        if (rc == QT_OK && job_fn)
            rc = changed(s, jobs_sql, since, upto, job_row, &w, err);
    }
    sqlite3_exec(s->db, "RELEASE changes_read", NULL, NULL, NULL);
    if (rc == QT_OK && upto > since)
        *latest = upto;
    return rc;
}

static int64_t data_version(qt_store *s)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

qt_status qt__sq_changes_wait(qt_store *s, int64_t since, int timeout_ms, int64_t *latest, qt_error *err)
{
    qt_status rc;
    int waited = 0;
    int64_t dv;
    *latest = since;
    if ((rc = latest_seq(s, latest, err)) != QT_OK || *latest > since)
        return rc;
    dv = data_version(s);
    while (waited < timeout_ms) {
        int step = timeout_ms - waited < QT_STORE_POLL_MS ? timeout_ms - waited : QT_STORE_POLL_MS;
        struct timespec ts = {step / 1000, (long)(step % 1000) * 1000000L};
        int64_t now_dv;
        nanosleep(&ts, NULL);
        waited += step;
        now_dv = data_version(s);
        if (now_dv == dv)
            continue; /* nobody committed: no read of the table */
        dv = now_dv;
        if ((rc = latest_seq(s, latest, err)) != QT_OK || *latest > since)
            return rc;
    }
    return QT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * store_pg_changes.c -- the PostgreSQL backend's change feed (quarter/store.h,
 * issue 14): the table `changes` written by the triggers of migrations_pg
 * 0006 (under a transaction-scoped advisory lock, so sequence numbers commit
 * in their order), read after a sequence number in one REPEATABLE READ
 * snapshot.  Waiting is LISTEN quarter_changes (once per connection) and
 * poll() on the connection's socket: a follower wakes when a writer commits.
 */
#include <poll.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "store/pg_internal.h"

qt_status qt__pg_changes_latest(qt_store *s, int64_t *latest, qt_error *err)
{
    PGresult *r = qt__pg_run(s, "SELECT coalesce(max(seq), 0) FROM changes", NULL, "changes", err);
    *latest = 0;
    if (!r)
        return QT_EDB;
    *latest = qt__pg_i64(r, 0, 0);
    PQclear(r);
    return QT_OK;
}

qt_status qt__pg_changes_since(qt_store *s, int64_t since, int64_t *latest, qt_store_outlet_fn outlet_fn,
                               qt_store_job_fn job_fn, void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r = NULL;
    qt_status rc;
    int64_t upto = since;
    int i, own = PQtransactionStatus(s->pg) == PQTRANS_IDLE;
    *latest = since;
    /* one snapshot: the sequence and the rows it covers agree */
    if (own && (rc = qt__pg_do(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, "changes", err)) != QT_OK)
        return rc;
    if ((rc = qt__pg_changes_latest(s, &upto, err)) != QT_OK || upto <= since)
        goto done;
    qt__pgp_i64(&p, since);
    qt__pgp_i64(&p, upto);
    if (outlet_fn) {
        if (!(r = qt__pg_run(s,
                             QT__PG_OUTLET_SELECT
                             ", ch.ref FROM changes ch LEFT JOIN outlets o ON o.id = ch.ref" QT__PG_OUTLET_JOINS
                             " WHERE ch.kind = 1 AND ch.seq > $1::bigint"
                             " AND ch.seq <= $2::bigint ORDER BY ch.seq",
                             &p, "changes", err))) {
            rc = QT_EDB;
            goto done;
        }
        for (i = 0; rc == QT_OK && i < PQntuples(r); i++) {
            qt_store_outlet o;
            if (PQgetisnull(r, i, 0)) { /* deleted: only its id */
                memset(&o, 0, sizeof o);
                o.id = qt__pg_i64(r, i, 18);
                o.closed_at = -1;
            } else {
                qt__pg_row_outlet(r, i, &o);
            }
            rc = outlet_fn(ud, &o, err);
        }
        PQclear(r);
    }
    if (rc == QT_OK && job_fn) {
        if (!(r = qt__pg_run(s,
                             "SELECT " QT__PG_JOB_FIELDS " FROM jobs j JOIN changes ch ON ch.kind = 2 AND ch.ref = j.id"
                             " WHERE ch.seq > $1::bigint AND ch.seq <= $2::bigint ORDER BY ch.seq",
                             &p, "changes", err))) {
            rc = QT_EDB;
            goto done;
        }
        rc = qt__pg_walk_jobs(r, job_fn, ud, err);
    }
done:
    if (own)
        qt__pg_rollback(s); /* read only: nothing to keep */
    if (rc == QT_OK && upto > since)
        *latest = upto;
    return rc;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

qt_status qt__pg_changes_wait(qt_store *s, int64_t since, int timeout_ms, int64_t *latest, qt_error *err)
{
    qt_status rc;
    int64_t end = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    *latest = since;
    /* LISTEN first, then read the sequence: nothing committed in between is missed */
    if (!s->pg_listening) {
        if ((rc = qt__pg_do(s, "LISTEN " QT_STORE_CHANGES_CHANNEL, NULL, "changes", err)) != QT_OK)
            return rc;
        s->pg_listening = 1;
    }
    if ((rc = qt__pg_changes_latest(s, latest, err)) != QT_OK || *latest > since)
        return rc;
    for (;;) {
        int64_t left = end - now_ms();
        struct pollfd pfd;
        PGnotify *n;
        int got = 0;
        if (left <= 0)
            return QT_OK;
        pfd.fd = PQsocket(s->pg);
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (pfd.fd < 0)
            return qt_error_set(err, QT_EDB, "changes", _("database error: no connection"));
        if (poll(&pfd, 1, (int)left) < 0)
            continue;
        if (!PQconsumeInput(s->pg)) {
            s->pg_listening = 0; /* a new connection listens again */
            return qt_error_set(err, QT_EDB, "changes", _("database error: %s"), PQerrorMessage(s->pg));
        }
        while ((n = PQnotifies(s->pg)) != NULL) {
            got = 1;
            PQfreemem(n);
        }
        if (got && ((rc = qt__pg_changes_latest(s, latest, err)) != QT_OK || *latest > since))
            return rc;
    }
}

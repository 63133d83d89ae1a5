/* SPDX-License-Identifier: MIT */
/*
 * store_pg.c -- the PostgreSQL backend of quarter/store.h (libpq): the
 * connection, the migrations of src/store/migrations_pg (embedded at build
 * time; versioned in schema_version, applied in one transaction under an
 * advisory lock so two servers starting at once migrate once, a newer schema
 * refused untouched), transactions, and the statement helpers of
 * pg_internal.h.  One connection per qt_store, as SQLite's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "store/pg_internal.h"

struct qt__migration {
    const char *name;
    const char *sql;
};
extern const struct qt__migration qt__pg_migrations[];
extern const size_t qt__pg_nmigrations;

/* the advisory lock key the migrations take ("qtmg") */
#define MIGRATE_LOCK "1903456615"

/* ---- parameters and results -------------------------------------------------------- */

static char *slot(qt__pgp *p)
{
    return p->n < QT__PG_MAXP ? p->buf[p->n] : NULL;
}

void qt__pgp_text(qt__pgp *p, const char *v)
{
    if (p->n < QT__PG_MAXP)
        p->v[p->n++] = v;
}

void qt__pgp_null(qt__pgp *p)
{
    qt__pgp_text(p, NULL);
}

void qt__pgp_i64_or_null(qt__pgp *p, int64_t v)
{
    if (v)
        qt__pgp_i64(p, v);
    else
        qt__pgp_null(p);
}

void qt__pgp_i64(qt__pgp *p, int64_t v)
{
    char *b = slot(p);
    if (!b)
        return;
    snprintf(b, sizeof p->buf[0], "%lld", (long long)v);
    p->v[p->n++] = b;
}

void qt__pgp_dbl(qt__pgp *p, double v)
{
    char *b = slot(p);
    if (!b)
        return;
    if (!isfinite(v)) {
        qt__pgp_null(p);
        return;
    }
    snprintf(b, sizeof p->buf[0], "%.17g", v);
    p->v[p->n++] = b;
}

void qt__pgp_flag(qt__pgp *p, int v)
{
    if (v < 0)
        qt__pgp_null(p);
    else
        qt__pgp_text(p, v ? "1" : "0");
}

static void no_notices(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static qt_status session_settings(qt_store *s, qt_error *err);

PGresult *qt__pg_run(qt_store *s, const char *sql, const qt__pgp *p, const char *what, qt_error *err)
{
    PGresult *r;
    ExecStatusType e;
    const char *state, *cons, *msg;
    /* a connection lost (the server restarted): the call that saw it failed; this one connects again */
    if (PQstatus(s->pg) == CONNECTION_BAD) {
        PQreset(s->pg);
        if (PQstatus(s->pg) == CONNECTION_OK)
            session_settings(s, NULL);
    }
    r = PQexecParams(s->pg, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
    e = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (e == PGRES_TUPLES_OK || e == PGRES_COMMAND_OK) {
        s->pg_state[0] = '\0';
        s->pg_constraint[0] = '\0';
        return r;
    }
    state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    cons = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(s->pg_state, sizeof s->pg_state, "%s", state ? state : "08000");
    snprintf(s->pg_constraint, sizeof s->pg_constraint, "%s", cons ? cons : "");
    qt_error_set(err, QT_EDB, what, _("database error: %s"), msg ? msg : PQerrorMessage(s->pg));
    PQclear(r);
    return NULL;
}

qt_status qt__pg_do(qt_store *s, const char *sql, const qt__pgp *p, const char *what, qt_error *err)
{
    PGresult *r = qt__pg_run(s, sql, p, what, err);
    if (!r)
        return QT_EDB;
    PQclear(r);
    return QT_OK;
}

int64_t qt__pg_scalar(qt_store *s, const char *sql, const qt__pgp *p, int64_t dflt)
{
    PGresult *r = qt__pg_run(s, sql, p, "store", NULL);
    int64_t v = dflt;
    if (r && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        v = qt__pg_i64(r, 0, 0);
    PQclear(r);
    return v;
}

int64_t qt__pg_i64(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    /* booleans come as t / f */
    if (PQgetvalue(r, row, col)[0] == 't')
        return 1;
    if (PQgetvalue(r, row, col)[0] == 'f')
        return 0;
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

double qt__pg_dbl(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NAN : strtod(PQgetvalue(r, row, col), NULL);
}

const char *qt__pg_txt(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

int qt__pg_flag(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? -1 : (int)qt__pg_i64(r, row, col);
}

int qt__pg_failed(const qt_store *s, const char *state)
{
    return strcmp(s->pg_state, state) == 0;
}

char *qt__pg_like(const char *q)
{
    size_t n = strlen(q), i, k = 0;
    char *out = qt__malloc(2 * n + 3);
    if (!out)
        return NULL;
    out[k++] = '%';
    for (i = 0; i < n; i++) {
        if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
            out[k++] = '\\';
        out[k++] = q[i];
    }
    out[k++] = '%';
    out[k] = '\0';
    return out;
}

/* ---- transactions -------------------------------------------------------------------- */

static int in_tx(qt_store *s)
{
    PGTransactionStatusType t = PQtransactionStatus(s->pg);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

qt_status qt__pg_tx_begin(qt_store *s, int *nested, qt_error *err)
{
    *nested = in_tx(s);
    return qt__pg_do(s, *nested ? "SAVEPOINT qt_unit" : "BEGIN", NULL, "store", err);
}

qt_status qt__pg_tx_end(qt_store *s, int nested, int ok, qt_error *err)
{
    qt_status rc;
    if (ok) {
        if ((rc = qt__pg_do(s, nested ? "RELEASE SAVEPOINT qt_unit" : "COMMIT", NULL, "store", err)) != QT_OK) {
            qt__pg_tx_end(s, nested, 0, NULL);
            return rc;
        }
        return QT_OK;
    }
    if (nested) {
        qt__pg_do(s, "ROLLBACK TO SAVEPOINT qt_unit", NULL, "store", NULL);
        qt__pg_do(s, "RELEASE SAVEPOINT qt_unit", NULL, "store", NULL);
    } else if (in_tx(s)) {
        qt__pg_do(s, "ROLLBACK", NULL, "store", NULL);
    }
    return QT_OK;
}

qt_status qt__pg_begin(qt_store *s, qt_error *err)
{
    if (in_tx(s))
        return qt_error_set(err, QT_EINTERNAL, "store", _("a transaction is open already"));
    return qt__pg_do(s, "BEGIN", NULL, "store", err);
}

qt_status qt__pg_commit(qt_store *s, qt_error *err)
{
    qt_status rc;
    if (!in_tx(s))
        return qt_error_set(err, QT_EINTERNAL, "store", _("no transaction is open"));
    if (PQtransactionStatus(s->pg) == PQTRANS_INERROR) {
        qt__pg_rollback(s);
        return qt_error_set(err, QT_EDB, "store", _("the transaction failed and was rolled back"));
    }
    if ((rc = qt__pg_do(s, "COMMIT", NULL, "store", err)) != QT_OK)
        qt__pg_rollback(s);
    return rc;
}

void qt__pg_rollback(qt_store *s)
{
    if (s->pg && in_tx(s))
        qt__pg_do(s, "ROLLBACK", NULL, "store", NULL);
}

/* PostgreSQL writes its WAL itself: nothing to checkpoint from here */
qt_status qt__pg_checkpoint(qt_store *s, qt_error *err)
{
    (void)s;
    (void)err;
    return QT_OK;
}

/* ---- open, migrate, close ---------------------------------------------------------------- */

int qt__pg_version(qt_store *s)
{
    /* the store's own schema (the first of search_path), not a schema_version elsewhere on the path */
    int64_t has = qt__pg_scalar(s,
                                "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema()"
                                " AND tablename = 'schema_version')",
                                NULL, -1);
    if (has <= 0)
        return (int)has;
    return (int)qt__pg_scalar(s, "SELECT coalesce(max(version), 0) FROM schema_version", NULL, -1);
}

static qt_status migrate(qt_store *s, qt_error *err)
{
    qt_status rc;
    int v;
    size_t i;
    char where[200];
    if ((rc = qt__pg_do(s, "BEGIN", NULL, "migrate", err)) != QT_OK)
        return rc;
    /* two servers starting at once: the second waits here, then finds the work done */
    if ((rc = qt__pg_do(s, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", NULL, "migrate", err)) != QT_OK)
        goto fail;
    v = qt__pg_version(s);
    if (v < 0) {
        rc = qt_error_set(err, QT_EDB, s->path, _("cannot read the schema version"));
        goto fail;
    }
    if ((size_t)v > qt__pg_nmigrations) {
        rc = qt_error_set(err, QT_EUNSUPPORTED, s->path,
                          _("the store has schema version %d; this quarter knows %zu (a newer quarter made it?)"), v,
                          qt__pg_nmigrations);
        goto fail;
    }
    if ((size_t)v == qt__pg_nmigrations) /* the usual case: nothing to do */
        return qt__pg_do(s, "COMMIT", NULL, "migrate", err);
    if ((rc = qt__pg_do(s,
                        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                        " applied_at BIGINT NOT NULL)",
                        NULL, "migrate", err)) != QT_OK)
        goto fail;
    for (i = (size_t)v; i < qt__pg_nmigrations; i++) {
        PGresult *r = PQexec(s->pg, qt__pg_migrations[i].sql); /* many statements, no parameters */
        qt__pgp p = {0};
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
            const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
            snprintf(where, sizeof where, "%s: migration %s", s->path, qt__pg_migrations[i].name);
            rc = qt_error_set(err, QT_EDB, where, "%s", msg ? msg : PQerrorMessage(s->pg));
            PQclear(r);
            goto fail;
        }
        PQclear(r);
        qt__pgp_i64(&p, (int64_t)i + 1);
        qt__pgp_text(&p, qt__pg_migrations[i].name);
        if ((rc = qt__pg_do(s,
                            "INSERT INTO schema_version(version, name, applied_at)"
                            " VALUES ($1::int, $2, extract(epoch FROM now())::bigint)",
                            &p, "migrate", err)) != QT_OK)
            goto fail;
    }
    return qt__pg_do(s, "COMMIT", NULL, "migrate", err);
fail:
    qt__pg_do(s, "ROLLBACK", NULL, "migrate", NULL);
    return rc;
}

/* s: allocated by qt_store_open (s->path the URL without its password), which closes it on failure */
qt_status qt__pg_open(qt_store *s, const char *conninfo, qt_error *err)
{
    s->pg = PQconnectdb(conninfo);
    if (!s->pg)
        return qt_error_set(err, QT_ENOMEM, "store", _("no memory for a PostgreSQL connection"));
    if (PQstatus(s->pg) != CONNECTION_OK) {
        /* libpq's message names host and port, never the password; keep its first line */
        char msg[300];
        const char *host = PQhost(s->pg), *port = PQport(s->pg), *db = PQdb(s->pg);
        size_t k;
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(s->pg));
        for (k = 0; msg[k]; k++)
            if (msg[k] == '\n') {
                msg[k] = '\0';
                break;
            }
        return qt_error_set(err, QT_EIO, s->path,
                            _("cannot connect to the PostgreSQL store on host %s port %s (database %s): %s"),
                            host && *host ? host : "(default)", port && *port ? port : "5432", db ? db : "?", msg);
    }
    PQsetNoticeProcessor(s->pg, no_notices, NULL);
    if (session_settings(s, err) != QT_OK)
        return QT_EDB;
    return migrate(s, err);
}

/* what every session of the store runs with (again after a reconnection) */
static qt_status session_settings(qt_store *s, qt_error *err)
{
    /* every commit waits for its WAL flush (claims, redemptions: issue 11 item 17), whatever the server's default */
    if (qt__pg_do(s, "SET client_min_messages = warning", NULL, "store", err) != QT_OK ||
        qt__pg_do(s, "SET synchronous_commit = on", NULL, "store", err) != QT_OK)
        return QT_EDB;
    return QT_OK;
}

void qt__pg_close(qt_store *s)
{
    if (s->pg)
        PQfinish(s->pg);
    s->pg = NULL;
}

void qt__pg_audit(qt_store *s, int64_t user_id, int64_t now, const char *action, const char *detail)
{
    qt__pgp p = {0};
    qt__pgp_i64(&p, now);
    if (user_id)
        qt__pgp_i64(&p, user_id);
    else
        qt__pgp_null(&p);
    qt__pgp_text(&p, action);
    qt__pgp_text(&p, detail ? detail : "");
    /* a savepoint inside an open transaction: a failed audit never aborts the caller's work */
    {
        int nested;
        if (qt__pg_tx_begin(s, &nested, NULL) != QT_OK)
            return;
        qt__pg_tx_end(s, nested,
                      qt__pg_do(s, "INSERT INTO audit_log(at, user_id, action, detail) VALUES ($1, $2, $3, $4)", &p,
                                "audit", NULL) == QT_OK,
                      NULL);
    }
}

#define QT__PG_OP(ret, name, params, args) .name = qt__pg_##name,
const struct qt__store_ops qt__pg_ops = {
    QT__STORE_OPS(QT__PG_OP).close = qt__pg_close,
    .rollback = qt__pg_rollback,
    .audit = qt__pg_audit,
    .geom_put = qt__pg_geom_put,
};

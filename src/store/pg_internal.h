/* SPDX-License-Identifier: MIT */
/*
 * store/pg_internal.h -- what the PostgreSQL backend's files share
 * (store_pg.c: connection, migrations, transactions and these helpers;
 * store_pg_outlets.c; store_pg_platform.c; store_pg_coupons.c).  Every
 * statement goes through qt__pg_run: PQexecParams with text parameters, never
 * SQL built from data.  Internal to src/store/.
 */
#ifndef QUARTER_STORE_PG_INTERNAL_H
#define QUARTER_STORE_PG_INTERNAL_H

#include <libpq-fe.h>

#include "quarter/store.h"
#include "store/store_internal.h"

#define QT__PG_MAXP 20

/* parameters of one statement, as text ($1 ... $n); NULL is SQL NULL */
typedef struct qt__pgp {
    int n;
    const char *v[QT__PG_MAXP];
    char buf[QT__PG_MAXP][40];
} qt__pgp;

void qt__pgp_text(qt__pgp *p, const char *v); /* NULL: SQL NULL */
void qt__pgp_i64(qt__pgp *p, int64_t v);
void qt__pgp_i64_or_null(qt__pgp *p, int64_t v); /* 0 (no id, no time): SQL NULL */
void qt__pgp_dbl(qt__pgp *p, double v);          /* not finite: SQL NULL */
void qt__pgp_flag(qt__pgp *p, int v);            /* < 0: SQL NULL, else 0 or 1 */
void qt__pgp_null(qt__pgp *p);

/*
 * Run sql with p (may be NULL).  The result (rows or none) to PQclear, or
 * NULL with err set (QT_EDB, where = what) and s->pg_state / pg_constraint
 * set to the SQLSTATE and constraint of the failure.
 */
PGresult *qt__pg_run(qt_store *s, const char *sql, const qt__pgp *p, const char *what, qt_error *err);
/* run and clear; QT_OK or QT_EDB */
qt_status qt__pg_do(qt_store *s, const char *sql, const qt__pgp *p, const char *what, qt_error *err);
/* the first column of the first row as an integer, dflt when no row, NULL or error */
int64_t qt__pg_scalar(qt_store *s, const char *sql, const qt__pgp *p, int64_t dflt);

/* a column of a row: an integer (0 for NULL), a double (NAN for NULL), text (NULL for NULL; BORROWED) */
int64_t qt__pg_i64(const PGresult *r, int row, int col);
double qt__pg_dbl(const PGresult *r, int row, int col);
const char *qt__pg_txt(const PGresult *r, int row, int col);
int qt__pg_flag(const PGresult *r, int row, int col); /* -1 for NULL */

/*
 * A unit of work that is its own transaction, or a savepoint inside the
 * caller's (qt_store_begin).  qt__pg_tx_begin: *nested 1 when a savepoint.
 * qt__pg_tx_end(ok): commit / release, else roll back.
 */
qt_status qt__pg_tx_begin(qt_store *s, int *nested, qt_error *err);
qt_status qt__pg_tx_end(qt_store *s, int nested, int ok, qt_error *err);
/* 1 when the last failure is SQLSTATE state (e.g. "23505") */
int qt__pg_failed(const qt_store *s, const char *state);
/* '%' q '%' with %, _ and \ escaped, for ILIKE (caller frees) */
char *qt__pg_like(const char *q);

/* 1 when merchant is linked to outlet_id / when the outlet exists (0 on errors too) */
int qt__pg_merchant_owns(qt_store *s, int64_t merchant, int64_t outlet_id);
int qt__pg_outlet_exists(qt_store *s, int64_t outlet_id);

/* an outlet's columns (of outlets o with QT__PG_OUTLET_JOINS) and a row of them into o (texts BORROWED from r) */
#define QT__PG_OUTLET_SELECT                                                                                           \
    "SELECT o.id, o.ext_id, o.name, o.category, o.lon, o.lat, o.address, o.brand, o.chain, o.opening_hours,"           \
    " o.services, o.cash, o.barrier_free, o.staff, o.floor_area, m.name, c.name, coalesce(o.closed_at, 0)"
#define QT__PG_OUTLET_JOINS                                                                                            \
    " LEFT JOIN communities m ON m.id = o.community_id LEFT JOIN circles c ON c.id = o.circle_id"
void qt__pg_row_outlet(const PGresult *r, int i, qt_store_outlet *o);
/* a job's columns, of jobs (unqualified): a row written without expires_at (by hand, say) closes
 * QT_STORE_JOB_DAYS (30) days after it was posted, as on SQLite */
#define QT__PG_JOB_CLOSES "coalesce(expires_at, created_at + 2592000)"
#define QT__PG_JOB_FIELDS                                                                                              \
    "id, coalesce(outlet_id, 0), title, description, pay, lon, lat, created_at, " QT__PG_JOB_CLOSES
/* the rows of r (QT__PG_JOB_FIELDS) to fn; clears r */
qt_status qt__pg_walk_jobs(PGresult *r, qt_store_job_fn fn, void *ud, qt_error *err);

/* the PostgreSQL backend's operations */
#define QT__PG_DECL(ret, name, params, args) ret qt__pg_##name params;
QT__STORE_OPS(QT__PG_DECL)
void qt__pg_close(qt_store *s);
void qt__pg_rollback(qt_store *s);
void qt__pg_audit(qt_store *s, int64_t user_id, int64_t now, const char *action, const char *detail);
qt_status qt__pg_geom_put(qt_store *s, const qt_store_geom *g, qt_error *err);

#endif

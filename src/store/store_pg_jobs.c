/* SPDX-License-Identifier: MIT */
/*
 * store_pg_jobs.c -- the PostgreSQL backend's gig jobs and their applications
 * (quarter/store.h): the same statements as the SQLite backend's, in
 * PostgreSQL's dialect; a job's PostGIS point follows lon/lat.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "store/pg_internal.h"

/* ---- jobs ------------------------------------------------------------------------------- */

qt_status qt__pg_job_create(qt_store *s, int64_t user_id, qt_role role, const qt_store_job *j, int64_t now, int64_t *id,
                            qt_error *err)
{
    qt_status rc;
    qt__pgp p = {0};
    PGresult *r;
    int64_t expires;
    if ((rc = qt__store_check_job(j, err)) != QT_OK || (rc = qt__store_job_expiry(j, now, &expires, err)) != QT_OK)
        return rc;
    if (j->outlet_id && role == QT_ROLE_MERCHANT && !qt__pg_merchant_owns(s, user_id, j->outlet_id))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not yours"), (long long)j->outlet_id);
    if (j->outlet_id && role == QT_ROLE_OPERATOR) {
        int64_t mine;
        qt__pgp_i64(&p, user_id);
        qt__pgp_i64(&p, j->outlet_id);
        mine = qt__pg_scalar(s,
                             "SELECT (o.circle_id IS NOT NULL AND o.circle_id = (SELECT circle_id FROM users"
                             " WHERE id = $1::bigint))::int FROM outlets o WHERE o.id = $2::bigint",
                             &p, -1);
        if (mine < 0)
            return qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)j->outlet_id);
        if (!mine)
            return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not in your circle"),
                                (long long)j->outlet_id);
        p.n = 0;
    }
    qt__pgp_i64_or_null(&p, j->outlet_id);
    qt__pgp_text(&p, j->title);
    qt__pgp_text(&p, j->description ? j->description : "");
    qt__pgp_dbl(&p, j->lon);
    qt__pgp_dbl(&p, j->lat);
    qt__pgp_text(&p, j->pay ? j->pay : "");
    qt__pgp_i64(&p, user_id);
    qt__pgp_i64(&p, now);
    qt__pgp_i64(&p, expires);
    if (!(r = qt__pg_run(s,
                         "INSERT INTO jobs(outlet_id, title, description, lon, lat, pay, created_by, created_at,"
                         " expires_at) VALUES ($1::bigint, $2, $3, $4::float8, $5::float8, $6, $7::bigint, $8::bigint,"
                         " $9::bigint) RETURNING id",
                         &p, "job", err))) {
        if (qt__pg_failed(s, "23503")) {
            qt_error_clear(err);
            return qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)j->outlet_id);
        }
        return QT_EDB;
    }
    *id = qt__pg_i64(r, 0, 0);
    PQclear(r);
    return QT_OK;
}

qt_status qt__pg_walk_jobs(PGresult *r, qt_store_job_fn fn, void *ud, qt_error *err)
{
    int i;
    qt_status rc = QT_OK;
    for (i = 0; rc == QT_OK && i < PQntuples(r); i++) {
        qt_store_job j;
        j.id = qt__pg_i64(r, i, 0);
        j.outlet_id = qt__pg_i64(r, i, 1);
        j.title = qt__pg_txt(r, i, 2);
        j.description = qt__pg_txt(r, i, 3);
        j.pay = qt__pg_txt(r, i, 4);
        j.lon = qt__pg_dbl(r, i, 5);
        j.lat = qt__pg_dbl(r, i, 6);
        j.created_at = qt__pg_i64(r, i, 7);
        j.expires_at = qt__pg_i64(r, i, 8);
        rc = fn(ud, &j, err);
    }
    PQclear(r);
    return rc;
}

#define JOB_COLUMNS "SELECT " QT__PG_JOB_FIELDS " FROM jobs"

qt_status qt__pg_jobs_each(qt_store *s, int64_t now, qt_store_job_fn fn, void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt__pgp_i64(&p, now);
    if (!(r = qt__pg_run(s, JOB_COLUMNS " WHERE $1::bigint = 0 OR " QT__PG_JOB_CLOSES " > $1::bigint ORDER BY id", &p,
                         "jobs", err)))
        return QT_EDB;
    return qt__pg_walk_jobs(r, fn, ud, err);
}

qt_status qt__pg_jobs_of_poster(qt_store *s, int64_t user_id, int limit, qt_store_job_fn fn, void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt__pgp_i64(&p, user_id);
    qt__pgp_i64(&p, limit > 0 ? limit : 100);
    if (!(r = qt__pg_run(s, JOB_COLUMNS " WHERE created_by = $1::bigint ORDER BY id DESC LIMIT $2::bigint", &p, "jobs",
                         err)))
        return QT_EDB;
    return qt__pg_walk_jobs(r, fn, ud, err);
}

/* after a statement on job id changed nothing: QT_EGONE (closed: the job is there) or QT_EFORBIDDEN (not
 * closed: someone else's), or QT_ENOTFOUND */
static qt_status job_there(qt_store *s, int64_t id, int closed, qt_error *err)
{
    qt__pgp p = {0};
    int64_t n;
    qt__pgp_i64(&p, id);
    if ((n = qt__pg_scalar(s, "SELECT count(*) FROM jobs WHERE id = $1::bigint", &p, -1)) < 0)
        return qt_error_set(err, QT_EDB, "job", _("cannot read job %lld"), (long long)id);
    if (n > 0)
        return closed
                   ? qt_error_set(err, QT_EGONE, "job", _("job %lld has closed"), (long long)id)
                   : qt_error_set(err, QT_EFORBIDDEN, "job", _("job %lld was posted by someone else"), (long long)id);
    return qt_error_set(err, QT_ENOTFOUND, "job", _("no job %lld"), (long long)id);
}

qt_status qt__pg_job_update(qt_store *s, int64_t user_id, const qt_store_job *j, int64_t now, qt_store_job_fn fn,
                            void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt_status rc;
    if ((rc = qt__store_check_job_edit(j, now, err)) != QT_OK)
        return rc;
    qt__pgp_i64(&p, j->id);
    qt__pgp_i64(&p, user_id);
    qt__pgp_text(&p, j->title); /* NULL: kept */
    qt__pgp_text(&p, j->description);
    qt__pgp_text(&p, j->pay);
    qt__pgp_i64_or_null(&p, j->expires_at);
    /* one statement: the poster's own job changes (the change feed's trigger notes it), or nothing does */
    if (!(r = qt__pg_run(s,
                         "UPDATE jobs SET title = coalesce($3, title), description = coalesce($4, description),"
                         " pay = coalesce($5, pay), expires_at = coalesce($6::bigint, expires_at)"
                         " WHERE id = $1::bigint AND created_by = $2::bigint RETURNING " QT__PG_JOB_FIELDS,
                         &p, "job", err)))
        return QT_EDB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return job_there(s, j->id, 0, err);
    }
    if (!fn) {
        PQclear(r);
        return QT_OK;
    }
    return qt__pg_walk_jobs(r, fn, ud, err);
}

qt_status qt__pg_job_apply(qt_store *s, int64_t job_id, int64_t user_id, const char *message, int64_t now,
                           qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int n;
    qt__pgp_i64(&p, job_id);
    qt__pgp_i64(&p, user_id);
    qt__pgp_text(&p, message ? message : "");
    qt__pgp_i64(&p, now);
    /* one statement: an application to an open job; none made, the job is closed or not there */
    if (!(r = qt__pg_run(s,
                         "INSERT INTO applications(job_id, user_id, message, created_at)"
                         " SELECT id, $2::bigint, $3, $4::bigint FROM jobs WHERE id = $1::bigint"
                         " AND " QT__PG_JOB_CLOSES " > $4::bigint RETURNING job_id",
                         &p, "job", err))) {
        if (qt__pg_failed(s, "23503")) { /* the job went between the SELECT and the INSERT */
            qt_error_clear(err);
            return qt_error_set(err, QT_ENOTFOUND, "job", _("no job %lld"), (long long)job_id);
        }
        if (qt__pg_failed(s, "23505")) {
            qt_error_clear(err);
            return qt_error_set(err, QT_ECONFLICT, "job", _("you have applied already"));
        }
        return QT_EDB;
    }
    n = PQntuples(r);
    PQclear(r);
    return n > 0 ? QT_OK : job_there(s, job_id, 1, err);
}

qt_status qt__pg_applications_of_poster(qt_store *s, int64_t poster, int64_t job_id, int limit,
                                        qt_store_application_fn fn, void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int i;
    qt_status rc = QT_OK;
    qt__pgp_i64(&p, poster);
    qt__pgp_i64(&p, job_id);
    qt__pgp_i64(&p, limit > 0 ? limit : 100);
    if (!(r = qt__pg_run(s,
                         "SELECT a.job_id, a.user_id, a.created_at, j.title, u.name, a.message"
                         " FROM applications a JOIN jobs j ON j.id = a.job_id JOIN users u ON u.id = a.user_id"
                         " WHERE j.created_by = $1::bigint AND ($2::bigint = 0 OR a.job_id = $2::bigint)"
                         " ORDER BY a.created_at DESC, a.job_id DESC LIMIT $3::bigint",
                         &p, "applications", err)))
        return QT_EDB;
    for (i = 0; rc == QT_OK && i < PQntuples(r); i++) {
        qt_store_application a;
        a.job_id = qt__pg_i64(r, i, 0);
        a.user_id = qt__pg_i64(r, i, 1);
        a.created_at = qt__pg_i64(r, i, 2);
        a.job_title = qt__pg_txt(r, i, 3);
        a.user_name = qt__pg_txt(r, i, 4);
        a.message = qt__pg_txt(r, i, 5);
        rc = fn(ud, &a, err);
    }
    PQclear(r);
    return rc;
}

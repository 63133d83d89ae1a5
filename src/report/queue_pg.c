/* SPDX-License-Identifier: MIT */
/*
 * queue_pg.c -- the city job queue and the results tables in PostgreSQL
 * (quarter/queue.h) through libpq.  Every statement is one conditional
 * statement or a transaction: a claim is one UPDATE of the row a
 * SELECT ... FOR UPDATE SKIP LOCKED picked, so two workers never hold one
 * job; the finish checks the lease under FOR UPDATE, replaces the city's
 * rows and marks the job done before COMMIT.
 */
#include <cpl_conv.h>
#include <gdal.h>
#include <libpq-fe.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/strbuf.h"
#include "quarter/queue.h"

struct qt_queue {
    PGconn *conn;
    int version;
};

/* The migrations, in order; the version is how many are applied. */
static const struct {
    const char *name, *sql;
} migrations[] = {
    {"0001_queue",
     "CREATE EXTENSION IF NOT EXISTS postgis;\n"
     "CREATE TABLE quarter_queue.jobs (\n"
     "  id bigserial PRIMARY KEY,\n"
     "  city text NOT NULL UNIQUE,\n"
     "  project text NOT NULL,\n"
     "  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),\n"
     "  attempts integer NOT NULL DEFAULT 0,\n"
     "  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),\n"
     "  lease_owner text,\n"
     "  lease_until timestamptz,\n"
     "  error text,\n"
     "  completions integer NOT NULL DEFAULT 0,\n"
     "  enqueued_at timestamptz NOT NULL DEFAULT now(),\n"
     "  started_at timestamptz,\n"
     "  finished_at timestamptz);\n"
     "CREATE INDEX jobs_claimable ON quarter_queue.jobs (id) WHERE state IN ('queued', 'running');\n"
     "CREATE TABLE quarter_queue.cities (\n"
     "  city text PRIMARY KEY, project text NOT NULL, path text NOT NULL,\n"
     "  circles integer NOT NULL, communities integer NOT NULL, communities_covered integer NOT NULL,\n"
     "  grades text NOT NULL, population double precision NOT NULL,\n"
     "  within_5 double precision, within_10 double precision, within_15 double precision,\n"
     "  all_basic double precision, basic_present integer NOT NULL, basic_required integer NOT NULL,\n"
     "  quality_present integer NOT NULL, quality_total integer NOT NULL, city_grade text NOT NULL,\n"
     "  finished_by text, finished_at timestamptz NOT NULL DEFAULT now());\n"
     "CREATE TABLE quarter_queue.circles (city text NOT NULL, name text, grade text,\n"
     "  population double precision, all_basic double precision, basic_present integer,\n"
     "  quality_present integer, reasons text, geom geometry(MultiPolygon, 4326));\n"
     "CREATE TABLE quarter_queue.communities (city text NOT NULL, name text, circle text,\n"
     "  population double precision, all_basic double precision, covered integer,\n"
     "  geom geometry(MultiPolygon, 4326));\n"
     "CREATE TABLE quarter_queue.blindspots (city text NOT NULL, circle text, category text, zh text,\n"
     "  class text, ring_min double precision, unserved_population double precision, cells integer,\n"
     "  geom geometry(MultiPolygon, 4326));\n"
     "CREATE TABLE quarter_queue.sites (city text NOT NULL, id text, rank integer, category text, zh text,\n"
     "  circle text, newly_served double precision, near text, geom geometry(Point, 4326));\n"
     "CREATE INDEX circles_city ON quarter_queue.circles (city);\n"
     "CREATE INDEX circles_geom ON quarter_queue.circles USING gist (geom);\n"
     "CREATE INDEX communities_city ON quarter_queue.communities (city);\n"
     "CREATE INDEX communities_geom ON quarter_queue.communities USING gist (geom);\n"
     "CREATE INDEX blindspots_city ON quarter_queue.blindspots (city);\n"
     "CREATE INDEX blindspots_geom ON quarter_queue.blindspots USING gist (geom);\n"
     "CREATE INDEX sites_city ON quarter_queue.sites (city);\n"
     "CREATE INDEX sites_geom ON quarter_queue.sites USING gist (geom);\n"},
    /* the report's areas say what their outline is: 社区边界, 网格单元 or 小区外包线 (analysis.gpkg's boundary) */
    {"0002_boundary",
     "ALTER TABLE quarter_queue.circles ADD COLUMN boundary text;\n"
     "ALTER TABLE quarter_queue.communities ADD COLUMN boundary text;\n"},
};
#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])

/* The results tables filled from analysis.gpkg: layer (= table), geometry column expression. */
static const struct {
    const char *layer;
    int multi;
} layers[] = {{"circles", 1}, {"communities", 1}, {"blindspots", 1}, {"sites", 0}};
#define NLAYERS (sizeof layers / sizeof layers[0])

static qt_status db_fail(qt_queue *q, const char *what, qt_error *err)
{
    const char *m = PQerrorMessage(q->conn);
    size_t n = strlen(m);
    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    return qt_error_set(err, QT_EDB, "queue", "%s: %.*s", what, (int)n, m);
}

/* Run sql with params; *res gets the result (PQclear it) when res is given. */
static qt_status run(qt_queue *q, const char *what, const char *sql, int n, const char *const *v, PGresult **res,
                     qt_error *err)
{
    PGresult *r = PQexecParams(q->conn, sql, n, NULL, v, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        const char *m = PQresultErrorMessage(r);
        size_t len = strlen(m);
        qt_status st;
        while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == ' '))
            len--;
        st = qt_error_set(err, QT_EDB, "queue", "%s: %.*s", what, (int)len, m);
        PQclear(r);
        return st;
    }
    if (res)
        *res = r;
    else
        PQclear(r);
    return QT_OK;
}

/* sql without parameters, several statements allowed (the simple query protocol) */
static qt_status exec(qt_queue *q, const char *what, const char *sql, qt_error *err)
{
    PGresult *r = PQexec(q->conn, sql);
    ExecStatusType s = PQresultStatus(r);
    qt_status st = QT_OK;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        const char *m = PQresultErrorMessage(r);
        size_t len = strlen(m);
        while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == ' '))
            len--;
        st = qt_error_set(err, QT_EDB, "queue", "%s: %.*s", what, (int)len, m);
    }
    PQclear(r);
    return st;
}

/* A connection the server dropped (a restart, a failover) is opened again before a statement that
 * stands alone; never inside a transaction, whose statements would then run outside it. */
static void revive(qt_queue *q)
{
    if (PQstatus(q->conn) == CONNECTION_BAD)
        PQreset(q->conn);
}

static void rollback(qt_queue *q)
{
    PQclear(PQexec(q->conn, "ROLLBACK"));
}

static qt_status migrate(qt_queue *q, qt_error *err)
{
    PGresult *r = NULL;
    qt_status st;
    size_t i;
    int v;
    char num[16];
    /* one process migrates at a time; the others wait and find it done */
    if ((st = exec(q, "lock", "SELECT pg_advisory_lock(hashtext('quarter_queue'))", err)) != QT_OK)
        return st;
    if ((st = exec(q, "create schema",
                   "SET client_min_messages = warning;"
                   "CREATE SCHEMA IF NOT EXISTS quarter_queue;"
                   "CREATE TABLE IF NOT EXISTS quarter_queue.schema_migrations (version integer PRIMARY KEY,"
                   " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                   err)) != QT_OK ||
        (st = run(q, "schema version", "SELECT coalesce(max(version), 0) FROM quarter_queue.schema_migrations", 0, NULL,
                  &r, err)) != QT_OK)
        goto unlock;
    v = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (v < 0 || (size_t)v > NMIGRATIONS) {
        st = qt_error_set(err, QT_ECONFLICT, "queue",
                          _("the queue has schema version %d; this quarter knows %zu (a newer quarter made it?)"), v,
                          NMIGRATIONS);
        goto unlock;
    }
    for (i = (size_t)v; i < NMIGRATIONS; i++) {
        const char *p[2];
        snprintf(num, sizeof num, "%zu", i + 1);
        p[0] = num;
        p[1] = migrations[i].name;
        if ((st = exec(q, "begin", "BEGIN", err)) != QT_OK)
            goto unlock;
        if ((st = exec(q, migrations[i].name, migrations[i].sql, err)) != QT_OK ||
            (st = run(q, "record migration",
                      "INSERT INTO quarter_queue.schema_migrations (version, name) VALUES ($1, $2)", 2, p, NULL,
                      err)) != QT_OK ||
            (st = exec(q, "commit", "COMMIT", err)) != QT_OK) {
            rollback(q);
            qt_error_prefix(err, "migration %s: ", migrations[i].name);
            goto unlock;
        }
    }
    q->version = (int)NMIGRATIONS;
unlock:
    PQclear(PQexec(q->conn, "SELECT pg_advisory_unlock(hashtext('quarter_queue'))"));
    return st;
}

qt_status qt_queue_open(const char *url, qt_queue **out, qt_error *err)
{
    qt_queue *q = qt__calloc(1, sizeof *q);
    qt_status st;
    *out = NULL;
    if (!q)
        return qt_error_set(err, QT_ENOMEM, "queue", _("out of memory"));
    q->conn = PQconnectdb(url);
    if (!q->conn) {
        qt__free(q);
        return qt_error_set(err, QT_ENOMEM, "queue", _("out of memory"));
    }
    if (PQstatus(q->conn) != CONNECTION_OK) {
        st = db_fail(q, "cannot connect", err);
        qt_queue_close(q);
        return st;
    }
    if ((st = migrate(q, err)) != QT_OK) {
        qt_queue_close(q);
        return st;
    }
    *out = q;
    return QT_OK;
}

void qt_queue_close(qt_queue *q)
{
    if (!q)
        return;
    PQfinish(q->conn);
    qt__free(q);
}

int qt_queue_schema_version(const qt_queue *q)
{
    return q->version;
}

void qt_queue_free(void *p)
{
    qt__free(p);
}

qt_status qt_queue_add(qt_queue *q, const char *city, const char *path, int max_attempts, qt_error *err)
{
    char n[16];
    const char *p[3] = {city, path, n};
    revive(q);
    snprintf(n, sizeof n, "%d", max_attempts > 0 ? max_attempts : 3);
    return run(q, _("queue a city"),
               "INSERT INTO quarter_queue.jobs (city, project, max_attempts) VALUES ($1, $2, $3)"
               " ON CONFLICT (city) DO UPDATE SET project = excluded.project, max_attempts = excluded.max_attempts,"
               " state = 'queued', attempts = 0, lease_owner = NULL, lease_until = NULL, error = NULL,"
               " enqueued_at = now(), started_at = NULL, finished_at = NULL",
               3, p, NULL, err);
}

static void copy_field(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

qt_status qt_queue_claim(qt_queue *q, const char *owner, double lease_s, qt_queue_job *job, int *got, qt_error *err)
{
    char lease[32];
    const char *p[2] = {owner, lease};
    PGresult *r = NULL;
    qt_status st;
    revive(q);
    *got = 0;
    snprintf(lease, sizeof lease, "%.3f", lease_s);
    /* a job whose lease ran out on its last attempt will not be claimed again */
    if ((st = exec(q, "expire jobs",
                   "UPDATE quarter_queue.jobs SET state = 'failed', lease_owner = NULL, lease_until = NULL,"
                   " finished_at = now(), error = coalesce(error || '; ', '') || 'the worker ' ||"
                   " coalesce(lease_owner, '?') || ' stopped answering (lease expired) on attempt ' || attempts"
                   " WHERE state = 'running' AND lease_until < now() AND attempts >= max_attempts",
                   err)) != QT_OK)
        return st;
    if ((st = run(q, _("claim a job"),
                  "UPDATE quarter_queue.jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1,"
                  " lease_until = now() + make_interval(secs => $2::double precision), started_at = now()"
                  " WHERE id = (SELECT id FROM quarter_queue.jobs"
                  "   WHERE (state = 'queued' OR (state = 'running' AND lease_until < now()))"
                  "     AND attempts < max_attempts"
                  "   ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)"
                  " RETURNING id, city, project, attempts",
                  2, p, &r, err)) != QT_OK)
        return st;
    if (PQntuples(r) == 1) {
        job->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        copy_field(job->city, sizeof job->city, PQgetvalue(r, 0, 1));
        copy_field(job->path, sizeof job->path, PQgetvalue(r, 0, 2));
        job->attempt = (int)strtol(PQgetvalue(r, 0, 3), NULL, 10);
        *got = 1;
    }
    PQclear(r);
    return QT_OK;
}

qt_status qt_queue_heartbeat(qt_queue *q, const qt_queue_job *job, const char *owner, double lease_s, int *ours,
                             qt_error *err)
{
    char id[24], lease[32];
    const char *p[3] = {id, owner, lease};
    PGresult *r = NULL;
    qt_status st;
    revive(q);
    snprintf(id, sizeof id, "%lld", (long long)job->id);
    snprintf(lease, sizeof lease, "%.3f", lease_s);
    st = run(q, _("renew the lease"),
             "UPDATE quarter_queue.jobs SET lease_until = now() + make_interval(secs => $3::double precision)"
             " WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
             3, p, &r, err);
    if (st != QT_OK)
        return st;
    *ours = strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    return QT_OK;
}

qt_status qt_queue_release(qt_queue *q, const qt_queue_job *job, const char *owner, qt_error *err)
{
    char id[24];
    const char *p[2] = {id, owner};
    revive(q);
    snprintf(id, sizeof id, "%lld", (long long)job->id);
    return run(q, _("release the job"),
               "UPDATE quarter_queue.jobs SET state = 'queued', attempts = greatest(attempts - 1, 0),"
               " lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
               2, p, NULL, err);
}

qt_status qt_queue_fail(qt_queue *q, const qt_queue_job *job, const char *owner, const char *why, int *final,
                        qt_error *err)
{
    char id[24];
    const char *p[3] = {id, owner, why};
    PGresult *r = NULL;
    qt_status st;
    revive(q);
    snprintf(id, sizeof id, "%lld", (long long)job->id);
    *final = 0;
    st = run(q, _("record the failure"),
             "UPDATE quarter_queue.jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,"
             " error = $3, lease_owner = NULL, lease_until = NULL,"
             " finished_at = CASE WHEN attempts >= max_attempts THEN now() END"
             " WHERE id = $1 AND lease_owner = $2 AND state = 'running' RETURNING state",
             3, p, &r, err);
    if (st != QT_OK)
        return st;
    *final = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "failed") == 0;
    PQclear(r);
    return QT_OK;
}

/* ---- the results --------------------------------------------------------- */

static qt_status put_summary(qt_queue *q, const qt_city_summary *s, const char *owner, qt_error *err)
{
    char v[17][64], *grades = NULL;
    const char *p[21];
    qt__strbuf b;
    size_t i;
    double num[QT_CITY_FIGURES];
    qt_status st;
    qt_city_summary_figures(s, num);
    memset(&b, 0, sizeof b);
    for (i = 0; i < s->ngrades; i++)
        qt__sb_printf(&b, "%s%s=%zu", i ? ";" : "", s->grade[i], s->grade_circles[i]);
    grades = qt__sb_take(&b);
    if (!grades)
        return qt_error_set(err, QT_ENOMEM, "queue", _("out of memory"));
    p[0] = s->city;
    p[1] = s->project;
    p[2] = s->path;
    for (i = 0; i < QT_CITY_FIGURES; i++) {
        snprintf(v[i], sizeof v[i], "%.17g", num[i]);
        p[3 + i] = isnan(num[i]) ? NULL : v[i]; /* NAN: NULL */
    }
    p[15] = grades;
    p[16] = s->city_grade;
    p[17] = owner;
    st = run(q, _("store the city"),
             "INSERT INTO quarter_queue.cities (city, project, path, circles, communities, communities_covered,"
             " population, within_5, within_10, within_15, all_basic, basic_present, basic_required,"
             " quality_present, quality_total, grades, city_grade, finished_by)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
             18, p, NULL, err);
    qt__free(grades);
    return st;
}

/* The features of one layer of the GeoPackage into its table, the city first. */
static qt_status put_layer(qt_queue *q, GDALDatasetH ds, size_t li, const char *city, qt_error *err)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layers[li].layer);
    OGRFeatureDefnH d;
    OGRFeatureH f;
    qt__strbuf sql;
    char *stmt;
    const char **p = NULL;
    int nf, i;
    qt_status st = QT_OK;
    if (!l)
        return QT_OK; /* sites only with --sites */
    d = OGR_L_GetLayerDefn(l);
    nf = OGR_FD_GetFieldCount(d);
    memset(&sql, 0, sizeof sql);
    qt__sb_printf(&sql, "INSERT INTO quarter_queue.%s (city", layers[li].layer);
    for (i = 0; i < nf; i++)
        qt__sb_printf(&sql, ", \"%s\"", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i)));
    qt__sb_puts(&sql, ", geom) VALUES ($1");
    for (i = 0; i < nf; i++)
        qt__sb_printf(&sql, ", $%d", i + 2);
    if (layers[li].multi)
        qt__sb_printf(&sql, ", ST_Multi(ST_GeomFromText($%d, 4326)))", nf + 2);
    else
        qt__sb_printf(&sql, ", ST_GeomFromText($%d, 4326))", nf + 2);
    stmt = qt__sb_take(&sql);
    p = qt__calloc((size_t)nf + 2, sizeof *p);
    if (!stmt || !p) {
        qt__free(stmt);
        qt__free(p);
        return qt_error_set(err, QT_ENOMEM, "queue", _("out of memory"));
    }
    p[0] = city;
    OGR_L_ResetReading(l);
    while (st == QT_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        char *wkt = NULL;
        /* GetFieldAsString's string lasts until the next call: a copy of each */
        for (i = 0; i < nf; i++)
            p[i + 1] = OGR_F_IsFieldSetAndNotNull(f, i) ? qt__strdup(OGR_F_GetFieldAsString(f, i)) : NULL;
        if (g && OGR_G_ExportToWkt(g, &wkt) != OGRERR_NONE)
            wkt = NULL;
        p[nf + 1] = wkt;
        for (i = 0; i < nf && st == QT_OK; i++)
            if (OGR_F_IsFieldSetAndNotNull(f, i) && !p[i + 1])
                st = qt_error_set(err, QT_ENOMEM, "queue", _("out of memory"));
        if (st == QT_OK)
            st = run(q, layers[li].layer, stmt, nf + 2, p, NULL, err);
        for (i = 0; i < nf; i++)
            qt__free((void *)p[i + 1]);
        CPLFree(wkt);
        OGR_F_Destroy(f);
    }
    qt__free(stmt);
    qt__free(p);
    return st;
}

qt_status qt_queue_finish(qt_queue *q, const qt_queue_job *job, const char *owner, const qt_city_summary *s,
                          const char *gpkg, qt_error *err)
{
    static const char *const clear[] = {"cities", "circles", "communities", "blindspots", "sites"};
    const char *const open_opts[] = {"GPKG", NULL};
    char id[24], sql[128];
    const char *p[2] = {id, owner}, *pc[1] = {s->city};
    GDALDatasetH ds = NULL;
    PGresult *r = NULL;
    qt_status st;
    size_t i;
    snprintf(id, sizeof id, "%lld", (long long)job->id);
    if (gpkg) {
        GDALAllRegister();
        ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR | GDAL_OF_READONLY, open_opts, NULL, NULL);
        if (!ds)
            return qt_error_set(err, QT_EIO, gpkg, _("cannot open the GeoPackage: %s"), CPLGetLastErrorMsg());
    }
    if ((st = exec(q, "begin", "BEGIN", err)) != QT_OK)
        goto done;
    if ((st = run(q, _("check the lease"),
                  "SELECT 1 FROM quarter_queue.jobs WHERE id = $1 AND lease_owner = $2 AND state = 'running'"
                  " FOR UPDATE",
                  2, p, &r, err)) != QT_OK)
        goto fail;
    i = (size_t)PQntuples(r);
    PQclear(r);
    if (i != 1) {
        st = qt_error_set(err, QT_ECONFLICT, s->city,
                          _("the job is no longer this worker's (its lease ran out and another took it)"));
        goto fail;
    }
    for (i = 0; i < sizeof clear / sizeof clear[0]; i++) {
        snprintf(sql, sizeof sql, "DELETE FROM quarter_queue.%s WHERE city = $1", clear[i]);
        if ((st = run(q, _("replace the city's rows"), sql, 1, pc, NULL, err)) != QT_OK)
            goto fail;
    }
    if ((st = put_summary(q, s, owner, err)) != QT_OK)
        goto fail;
    for (i = 0; ds && i < NLAYERS; i++)
        if ((st = put_layer(q, ds, i, s->city, err)) != QT_OK)
            goto fail;
    if ((st = run(q, _("mark the job done"),
                  "UPDATE quarter_queue.jobs SET state = 'done', completions = completions + 1, error = NULL,"
                  " lease_owner = NULL, lease_until = NULL, finished_at = now() WHERE id = $1",
                  1, p, NULL, err)) != QT_OK ||
        (st = exec(q, "commit", "COMMIT", err)) != QT_OK)
        goto fail;
    goto done;
fail:
    rollback(q);
done:
    if (ds)
        GDALClose(ds);
    return st;
}

/* ---- listing ------------------------------------------------------------- */

qt_status qt_queue_count(qt_queue *q, qt_queue_counts *c, qt_error *err)
{
    PGresult *r = NULL;
    qt_status st;
    int i;
    revive(q);
    memset(c, 0, sizeof *c);
    st = run(q, "count jobs", "SELECT state, count(*) FROM quarter_queue.jobs GROUP BY state", 0, NULL, &r, err);
    if (st != QT_OK)
        return st;
    for (i = 0; i < PQntuples(r); i++) {
        const char *s = PQgetvalue(r, i, 0);
        size_t n = (size_t)strtoull(PQgetvalue(r, i, 1), NULL, 10);
        if (strcmp(s, "queued") == 0)
            c->queued = n;
        else if (strcmp(s, "running") == 0)
            c->running = n;
        else if (strcmp(s, "done") == 0)
            c->done = n;
        else
            c->failed = n;
    }
    PQclear(r);
    return QT_OK;
}

/* Run a query and allocate *rows for its tuples (elem bytes each, zeroed); *nt gets their count. */
static qt_status select_rows(qt_queue *q, const char *what, const char *sql, size_t elem, void **rows, int *nt,
                             PGresult **r, qt_error *err)
{
    qt_status st = run(q, what, sql, 0, NULL, r, err);
    if (st != QT_OK)
        return st;
    *nt = PQntuples(*r);
    *rows = qt__calloc(*nt > 0 ? (size_t)*nt : 1, elem);
    if (!*rows) {
        PQclear(*r);
        return qt_error_set(err, QT_ENOMEM, "queue", _("out of memory"));
    }
    return QT_OK;
}

qt_status qt_queue_list(qt_queue *q, qt_queue_row **rows, size_t *n, qt_error *err)
{
    PGresult *r = NULL;
    qt_status st;
    int i, nt;
    revive(q);
    *rows = NULL;
    *n = 0;
    st = select_rows(
        q, "list jobs",
        "SELECT id, city, project, state, coalesce(lease_owner, ''), coalesce(error, ''), attempts, max_attempts,"
        " completions FROM quarter_queue.jobs ORDER BY id",
        sizeof **rows, (void **)rows, &nt, &r, err);
    if (st != QT_OK)
        return st;
    for (i = 0; i < nt; i++) {
        qt_queue_row *w = &(*rows)[i];
        w->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        copy_field(w->city, sizeof w->city, PQgetvalue(r, i, 1));
        copy_field(w->path, sizeof w->path, PQgetvalue(r, i, 2));
        copy_field(w->state, sizeof w->state, PQgetvalue(r, i, 3));
        copy_field(w->owner, sizeof w->owner, PQgetvalue(r, i, 4));
        copy_field(w->error, sizeof w->error, PQgetvalue(r, i, 5));
        w->attempts = (int)strtol(PQgetvalue(r, i, 6), NULL, 10);
        w->max_attempts = (int)strtol(PQgetvalue(r, i, 7), NULL, 10);
        w->completions = (int)strtol(PQgetvalue(r, i, 8), NULL, 10);
    }
    *n = (size_t)nt;
    PQclear(r);
    return QT_OK;
}

static double num_or_nan(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? (double)NAN : strtod(PQgetvalue(r, row, col), NULL);
}

/* "基础型=3;提升型=1;未达标=2" back into the grade columns */
static void parse_grades(const char *g, qt_city_summary *s)
{
    while (*g && s->ngrades < QT_PROVINCE_MAX_GRADES) {
        const char *eq = strchr(g, '='), *end = strchr(g, ';');
        size_t len;
        if (!eq)
            break;
        len = (size_t)(eq - g);
        if (len >= sizeof s->grade[0])
            len = sizeof s->grade[0] - 1;
        memcpy(s->grade[s->ngrades], g, len);
        s->grade[s->ngrades][len] = '\0';
        s->grade_circles[s->ngrades++] = (size_t)strtoull(eq + 1, NULL, 10);
        if (!end)
            break;
        g = end + 1;
    }
}

qt_status qt_queue_summaries(qt_queue *q, qt_city_summary **rows, size_t *n, qt_error *err)
{
    PGresult *r = NULL;
    qt_status st;
    double fig[QT_CITY_FIGURES];
    int i, k, nt;
    revive(q);
    *rows = NULL;
    *n = 0;
    st = select_rows(q, _("read the cities"),
                     "SELECT j.city, j.project, j.state, coalesce(j.error, ''), c.project, c.circles, c.communities,"
                     " c.communities_covered, c.population, c.within_5, c.within_10, c.within_15, c.all_basic,"
                     " c.basic_present, c.basic_required, c.quality_present, c.quality_total, c.grades, c.city_grade"
                     " FROM quarter_queue.jobs j LEFT JOIN quarter_queue.cities c ON c.city = j.city ORDER BY j.id",
                     sizeof **rows, (void **)rows, &nt, &r, err);
    if (st != QT_OK)
        return st;
    for (i = 0; i < nt; i++) {
        qt_city_summary *s = &(*rows)[i];
        const char *state = PQgetvalue(r, i, 2);
        copy_field(s->city, sizeof s->city, PQgetvalue(r, i, 0));
        copy_field(s->path, sizeof s->path, PQgetvalue(r, i, 1));
        if (strcmp(state, "done") != 0 || PQgetisnull(r, i, 4)) {
            if (strcmp(state, "failed") == 0)
                snprintf(s->error, sizeof s->error, "%s", PQgetvalue(r, i, 3));
            else
                snprintf(s->error, sizeof s->error, "%s", state);
            continue;
        }
        copy_field(s->project, sizeof s->project, PQgetvalue(r, i, 4));
        for (k = 0; k < QT_CITY_FIGURES; k++)
            fig[k] = num_or_nan(r, i, 5 + k);
        qt_city_summary_set_figures(s, fig);
        parse_grades(PQgetvalue(r, i, 17), s);
        copy_field(s->city_grade, sizeof s->city_grade, PQgetvalue(r, i, 18));
    }
    *n = (size_t)nt;
    PQclear(r);
    return QT_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * store_pg_outlets.c -- the PostgreSQL backend's outlets, circles,
 * communities, snapshots, outlet edits and credit, and the analysis' geometries
 * (quarter/store.h).
 * The same statements as the SQLite backend's, in PostgreSQL's dialect; the
 * outlets' PostGIS point follows lon/lat (a generated column), the text
 * search is ILIKE on pg_trgm indexes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "store/pg_internal.h"

/* id of the row with this name in communities / circles, created when new.  Looked up first, so
 * no identity value is spent on names that exist (ids stay dense, as SQLite's); a concurrent
 * insert of the same name (DO NOTHING, no row) is read by a second try with a new snapshot */
static qt_status name_id(qt_store *s, int circles, const char *name, int64_t *id, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int tries;
    qt__pgp_text(&p, name);
    for (tries = 0; tries < 2; tries++) {
        r = qt__pg_run(s,
                       circles ? "WITH f AS (SELECT id FROM circles WHERE name = $1), n AS (INSERT INTO circles(name)"
                                 " SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM f) ON CONFLICT (name) DO NOTHING"
                                 " RETURNING id) SELECT id FROM f UNION ALL SELECT id FROM n"
                               : "WITH f AS (SELECT id FROM communities WHERE name = $1), n AS (INSERT INTO"
                                 " communities(name) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM f) ON CONFLICT (name)"
                                 " DO NOTHING RETURNING id) SELECT id FROM f UNION ALL SELECT id FROM n",
                       &p, circles ? "circles" : "communities", err);
        if (!r)
            return QT_EDB;
        if (PQntuples(r) > 0) {
            *id = qt__pg_i64(r, 0, 0);
            PQclear(r);
            return QT_OK;
        }
        PQclear(r);
    }
    return qt_error_set(err, QT_EDB, circles ? "circles" : "communities", _("database error: no id for a name"));
}

qt_status qt__pg_outlet_put(qt_store *s, const qt_store_outlet *o, int64_t *id, qt_error *err)
{
    qt__pgp p = {0};
    int64_t com = 0, cir = 0;
    qt_status rc;
    PGresult *r;
    if ((o->community && *o->community && (rc = name_id(s, 0, o->community, &com, err)) != QT_OK) ||
        (o->circle && *o->circle && (rc = name_id(s, 1, o->circle, &cir, err)) != QT_OK))
        return rc;
    qt__pgp_text(&p, o->ext_id);
    qt__pgp_text(&p, o->name ? o->name : "");
    qt__pgp_text(&p, o->category && *o->category ? o->category : NULL);
    qt__pgp_dbl(&p, o->lon);
    qt__pgp_dbl(&p, o->lat);
    qt__pgp_text(&p, o->address ? o->address : "");
    qt__pgp_text(&p, o->brand ? o->brand : "");
    qt__pgp_flag(&p, o->chain != 0);
    qt__pgp_text(&p, o->opening_hours ? o->opening_hours : "");
    qt__pgp_text(&p, o->services ? o->services : "");
    qt__pgp_flag(&p, o->cash);
    qt__pgp_flag(&p, o->barrier_free);
    qt__pgp_dbl(&p, o->staff);
    qt__pgp_dbl(&p, o->floor_area);
    if (com)
        qt__pgp_i64(&p, com);
    else
        qt__pgp_null(&p);
    if (cir)
        qt__pgp_i64(&p, cir);
    else
        qt__pgp_null(&p);
    /* an existing outlet first (no identity value spent: ids stay dense, as SQLite's), then the upsert */
    r = qt__pg_run(s,
                   "UPDATE outlets AS t SET name = CASE WHEN t.api_edited & 1 <> 0 THEN t.name ELSE $2 END,"
                   " category = CASE WHEN t.api_edited & 2 <> 0 THEN t.category ELSE $3 END,"
                   " lon = $4::float8, lat = $5::float8,"
                   " address = CASE WHEN t.api_edited & 4 <> 0 THEN t.address ELSE $6 END,"
                   " brand = CASE WHEN t.api_edited & 8 <> 0 THEN t.brand ELSE $7 END, chain = $8::int,"
                   " opening_hours = CASE WHEN t.api_edited & 16 <> 0 THEN t.opening_hours ELSE $9 END,"
                   " services = CASE WHEN t.api_edited & 32 <> 0 THEN t.services ELSE $10 END,"
                   " cash = CASE WHEN t.api_edited & 64 <> 0 THEN t.cash ELSE $11::int END,"
                   " barrier_free = CASE WHEN t.api_edited & 128 <> 0 THEN t.barrier_free ELSE $12::int END,"
                   " staff = $13::float8, floor_area = $14::float8, community_id = $15::bigint,"
                   " circle_id = $16::bigint, updated_at = extract(epoch FROM now())::bigint"
                   " WHERE t.ext_id = $1 RETURNING id",
                   &p, "outlet", err);
    if (!r)
        return QT_EDB;
    if (PQntuples(r) == 1) {
        if (id)
            *id = qt__pg_i64(r, 0, 0);
        PQclear(r);
        return QT_OK;
    }
    PQclear(r);
    r = qt__pg_run(
        s,
        "INSERT INTO outlets AS t(ext_id, name, category, lon, lat, address, brand, chain, opening_hours,"
        " services, cash, barrier_free, staff, floor_area, community_id, circle_id, updated_at)"
        " VALUES ($1, $2, $3, $4::float8, $5::float8, $6, $7, $8::int, $9, $10, $11::int, $12::int,"
        " $13::float8, $14::float8, $15::bigint, $16::bigint, extract(epoch FROM now())::bigint)"
        /* fields edited through the API (api_edited bits, QT_EDIT_*) keep their value */
        " ON CONFLICT (ext_id) DO UPDATE SET"
        " name = CASE WHEN t.api_edited & 1 <> 0 THEN t.name ELSE EXCLUDED.name END,"
        " category = CASE WHEN t.api_edited & 2 <> 0 THEN t.category ELSE EXCLUDED.category END,"
        " lon = EXCLUDED.lon, lat = EXCLUDED.lat,"
        " address = CASE WHEN t.api_edited & 4 <> 0 THEN t.address ELSE EXCLUDED.address END,"
        " brand = CASE WHEN t.api_edited & 8 <> 0 THEN t.brand ELSE EXCLUDED.brand END,"
        " chain = EXCLUDED.chain,"
        " opening_hours = CASE WHEN t.api_edited & 16 <> 0 THEN t.opening_hours ELSE EXCLUDED.opening_hours END,"
        " services = CASE WHEN t.api_edited & 32 <> 0 THEN t.services ELSE EXCLUDED.services END,"
        " cash = CASE WHEN t.api_edited & 64 <> 0 THEN t.cash ELSE EXCLUDED.cash END,"
        " barrier_free = CASE WHEN t.api_edited & 128 <> 0 THEN t.barrier_free ELSE EXCLUDED.barrier_free END,"
        " staff = EXCLUDED.staff, floor_area = EXCLUDED.floor_area, community_id = EXCLUDED.community_id,"
        " circle_id = EXCLUDED.circle_id, updated_at = EXCLUDED.updated_at"
        " RETURNING id",
        &p, "outlet", err);
    if (!r)
        return QT_EDB;
    if (id)
        *id = qt__pg_i64(r, 0, 0);
    PQclear(r);
    return QT_OK;
}

void qt__pg_row_outlet(const PGresult *r, int i, qt_store_outlet *o)
{
    memset(o, 0, sizeof *o); /* fields this backend does not fill are 0 */
    o->id = qt__pg_i64(r, i, 0);
    o->ext_id = qt__pg_txt(r, i, 1);
    o->name = qt__pg_txt(r, i, 2);
    o->category = qt__pg_txt(r, i, 3);
    o->lon = qt__pg_dbl(r, i, 4);
    o->lat = qt__pg_dbl(r, i, 5);
    o->address = qt__pg_txt(r, i, 6);
    o->brand = qt__pg_txt(r, i, 7);
    o->chain = (int)qt__pg_i64(r, i, 8);
    o->opening_hours = qt__pg_txt(r, i, 9);
    o->services = qt__pg_txt(r, i, 10);
    o->cash = qt__pg_flag(r, i, 11);
    o->barrier_free = qt__pg_flag(r, i, 12);
    o->staff = qt__pg_dbl(r, i, 13);
    o->floor_area = qt__pg_dbl(r, i, 14);
    o->community = qt__pg_txt(r, i, 15);
    o->circle = qt__pg_txt(r, i, 16);
    o->closed_at = qt__pg_i64(r, i, 17);
}

#define OUTLET_COLUMNS QT__PG_OUTLET_SELECT " FROM outlets o" QT__PG_OUTLET_JOINS

static qt_status walk_outlets(PGresult *r, qt_store_outlet_fn fn, void *ud, qt_error *err)
{
    int i, n = PQntuples(r);
    qt_status rc = QT_OK;
    for (i = 0; rc == QT_OK && i < n; i++) {
        qt_store_outlet o;
        qt__pg_row_outlet(r, i, &o);
        rc = fn(ud, &o, err);
    }
    PQclear(r);
    return rc;
}

qt_status qt__pg_outlets_each(qt_store *s, qt_store_outlet_fn fn, void *ud, qt_error *err)
{
    PGresult *r = qt__pg_run(s, OUTLET_COLUMNS " ORDER BY o.id", NULL, "outlets", err);
    return r ? walk_outlets(r, fn, ud, err) : QT_EDB;
}

qt_status qt__pg_outlet_get(qt_store *s, int64_t id, qt_store_outlet_fn fn, void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt__pgp_i64(&p, id);
    if (!(r = qt__pg_run(s, OUTLET_COLUMNS " WHERE o.id = $1::bigint", &p, "outlet", err)))
        return QT_EDB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)id);
    }
    return walk_outlets(r, fn, ud, err);
}

/* ids of the rows of r (first column) into a new array */
static qt_status collect_ids(PGresult *r, int64_t **ids, size_t *n, qt_error *err)
{
    size_t k, m = (size_t)PQntuples(r);
    int64_t *v = qt__malloc((m ? m : 1) * sizeof *v);
    if (!v) {
        PQclear(r);
        return qt_error_set(err, QT_ENOMEM, "search", _("no memory"));
    }
    for (k = 0; k < m; k++)
        v[k] = qt__pg_i64(r, (int)k, 0);
    PQclear(r);
    *ids = v;
    *n = m;
    return QT_OK;
}

qt_status qt__pg_outlets_match(qt_store *s, const char *q, int64_t **ids, size_t *n, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    char *like = qt__pg_like(q);
    if (!like)
        return qt_error_set(err, QT_ENOMEM, "search", _("no memory"));
    qt__pgp_text(&p, like);
    /* ILIKE '%q%': the pg_trgm GIN indexes from 3 characters, a scan below */
    r = qt__pg_run(s, "SELECT id FROM outlets WHERE name ILIKE $1 OR address ILIKE $1 OR services ILIKE $1 ORDER BY id",
                   &p, "search", err);
    qt__free(like);
    if (!r)
        return QT_EDB;
    return collect_ids(r, ids, n, err);
}

qt_status qt__pg_circle_put(qt_store *s, const char *circle, const char *const *communities, size_t n,
                            double investment, int64_t *id, qt_error *err)
{
    int64_t cid, mid;
    size_t i;
    int nested;
    qt_status rc;
    if ((rc = qt__pg_tx_begin(s, &nested, err)) != QT_OK)
        return rc;
    if ((rc = name_id(s, 1, circle, &cid, err)) != QT_OK)
        goto fail;
    {
        qt__pgp p = {0};
        qt__pgp_i64(&p, cid);
        qt__pgp_dbl(&p, investment);
        if ((rc = qt__pg_do(s, "UPDATE circles SET investment = $2::float8 WHERE id = $1::bigint", &p, "circle",
                            err)) != QT_OK)
            goto fail;
    }
    for (i = 0; i < n; i++) {
        qt__pgp p = {0};
        if ((rc = name_id(s, 0, communities[i], &mid, err)) != QT_OK)
            goto fail;
        qt__pgp_i64(&p, cid);
        qt__pgp_i64(&p, mid);
        if ((rc = qt__pg_do(s, "INSERT INTO circle_communities VALUES ($1::bigint, $2::bigint) ON CONFLICT DO NOTHING",
                            &p, "circle", err)) != QT_OK)
            goto fail;
    }
    if ((rc = qt__pg_tx_end(s, nested, 1, err)) != QT_OK)
        return rc;
    if (id)
        *id = cid;
    return QT_OK;
fail:
    qt__pg_tx_end(s, nested, 0, NULL);
    return rc;
}

qt_status qt__pg_circle_set_analysis(qt_store *s, const char *circle, const char *grade, const char *json,
                                     qt_error *err)
{
    qt__pgp p = {0};
    qt_status rc;
    int64_t id;
    if ((rc = name_id(s, 1, circle, &id, err)) != QT_OK)
        return rc;
    qt__pgp_i64(&p, id);
    qt__pgp_text(&p, grade);
    qt__pgp_text(&p, json);
    return qt__pg_do(s, "UPDATE circles SET grade = $2, indicators = $3 WHERE id = $1::bigint", &p, "circle", err);
}

qt_status qt__pg_outlet_set_circle(qt_store *s, const char *ext_id, const char *circle, qt_error *err)
{
    qt__pgp p = {0};
    qt_status rc;
    int64_t id;
    if ((rc = name_id(s, 1, circle, &id, err)) != QT_OK)
        return rc;
    qt__pgp_text(&p, ext_id);
    qt__pgp_i64(&p, id);
    return qt__pg_do(s, "UPDATE outlets SET circle_id = $2::bigint WHERE ext_id = $1", &p, "outlet", err);
}

qt_status qt__pg_circle_get(qt_store *s, int64_t id, const char *period, qt_store_circle_fn fn, void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt_store_circle c;
    qt_status rc;
    qt__pgp_i64(&p, id);
    qt__pgp_text(&p, period);
    if (!(r = qt__pg_run(s,
                         "SELECT c.id, c.name, c.grade, c.indicators, c.investment,"
                         " (SELECT count(*) FROM circle_communities WHERE circle_id = c.id),"
                         " (SELECT count(*) FROM outlets WHERE circle_id = c.id),"
                         " (SELECT count(*) FROM surveys WHERE circle_id = c.id AND period = $2),"
                         " (SELECT count(*) FROM surveys WHERE circle_id = c.id AND period = $2 AND satisfied = 1)"
                         " FROM circles c WHERE c.id = $1::bigint",
                         &p, "circle", err)))
        return QT_EDB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return qt_error_set(err, QT_ENOTFOUND, "circle", _("no circle %lld"), (long long)id);
    }
    c.id = qt__pg_i64(r, 0, 0);
    c.name = qt__pg_txt(r, 0, 1);
    c.grade = qt__pg_txt(r, 0, 2);
    c.indicators_json = qt__pg_txt(r, 0, 3);
    c.investment = qt__pg_dbl(r, 0, 4);
    c.communities = qt__pg_i64(r, 0, 5);
    c.outlets = qt__pg_i64(r, 0, 6);
    c.survey_answers = qt__pg_i64(r, 0, 7);
    c.survey_satisfied = qt__pg_i64(r, 0, 8);
    rc = fn(ud, &c, err);
    PQclear(r);
    return rc;
}

qt_status qt__pg_snapshots_each(qt_store *s, int64_t circle_id, int limit, qt_store_snapshot_fn fn, void *ud,
                                qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int i;
    qt_status rc = QT_OK;
    if (limit <= 0 || limit > 1000)
        limit = 1000;
    qt__pgp_i64(&p, circle_id);
    qt__pgp_i64(&p, limit);
    if (!(r = qt__pg_run(s,
                         "SELECT circle_id, at, name, grade, indicators FROM ("
                         " SELECT cs.circle_id, cs.at, c.name, cs.grade, cs.indicators, cs.id,"
                         "  ROW_NUMBER() OVER (PARTITION BY cs.circle_id ORDER BY cs.at DESC, cs.id DESC) AS k"
                         " FROM circle_snapshots cs JOIN circles c ON c.id = cs.circle_id"
                         " WHERE $1::bigint = 0 OR cs.circle_id = $1::bigint) x"
                         " WHERE k <= $2::bigint ORDER BY circle_id, at, id",
                         &p, "snapshots", err)))
        return QT_EDB;
    for (i = 0; rc == QT_OK && i < PQntuples(r); i++) {
        qt_store_snapshot sn;
        sn.circle_id = qt__pg_i64(r, i, 0);
        sn.at = qt__pg_i64(r, i, 1);
        sn.circle = qt__pg_txt(r, i, 2);
        sn.grade = qt__pg_txt(r, i, 3);
        sn.indicators_json = qt__pg_txt(r, i, 4);
        rc = fn(ud, &sn, err);
    }
    PQclear(r);
    return rc;
}

qt_status qt__pg_circle_ids(qt_store *s, int64_t **ids, size_t *n, qt_error *err)
{
    PGresult *r;
    *ids = NULL;
    *n = 0;
    if (!(r = qt__pg_run(s, "SELECT id FROM circles ORDER BY id", NULL, "circles", err)))
        return QT_EDB;
    return collect_ids(r, ids, n, err);
}

/* ---- re-imports ------------------------------------------------------------------------ */

static int same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

qt_status qt__pg_outlet_compare(qt_store *s, const qt_store_outlet *o, int *state, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    *state = QT_OUTLET_NEW;
    qt__pgp_text(&p, o->ext_id);
    if (!(r = qt__pg_run(s,
                         "SELECT name, category, lon, lat, address, brand, chain, opening_hours, services, closed_at"
                         " FROM outlets WHERE ext_id = $1",
                         &p, "outlet", err)))
        return QT_EDB;
    if (PQntuples(r) > 0) {
        int same = same_text(qt__pg_txt(r, 0, 0), o->name) && same_text(qt__pg_txt(r, 0, 1), o->category) &&
                   fabs(qt__pg_dbl(r, 0, 2) - o->lon) < 1e-7 && fabs(qt__pg_dbl(r, 0, 3) - o->lat) < 1e-7 &&
                   same_text(qt__pg_txt(r, 0, 4), o->address) && same_text(qt__pg_txt(r, 0, 5), o->brand) &&
                   qt__pg_i64(r, 0, 6) == (o->chain != 0) && same_text(qt__pg_txt(r, 0, 7), o->opening_hours) &&
                   same_text(qt__pg_txt(r, 0, 8), o->services);
        *state = same ? QT_OUTLET_SAME : QT_OUTLET_CHANGED;
    }
    PQclear(r);
    return QT_OK;
}

/* the ids as one PostgreSQL text[] literal: {"a","b"} with " and \ escaped (one parameter) */
static char *text_array(const char *const *v, size_t n)
{
    size_t len = 3, i, k = 0;
    const char *c;
    char *out;
    for (i = 0; i < n; i++)
        len += 2 * strlen(v[i]) + 3;
    if (!(out = qt__malloc(len)))
        return NULL;
    out[k++] = '{';
    for (i = 0; i < n; i++) {
        if (i)
            out[k++] = ',';
        out[k++] = '"';
        for (c = v[i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                out[k++] = '\\';
            out[k++] = *c;
        }
        out[k++] = '"';
    }
    out[k++] = '}';
    out[k] = '\0';
    return out;
}

qt_status qt__pg_outlets_sync_closed(qt_store *s, const char *const *open_ids, size_t n, int64_t now, size_t *closed,
                                     size_t *reopened, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int nested;
    qt_status rc;
    char *arr = text_array(open_ids, n);
    if (closed)
        *closed = 0;
    if (reopened)
        *reopened = 0;
    if (!arr)
        return qt_error_set(err, QT_ENOMEM, "import", _("no memory"));
    qt__pgp_i64(&p, now);
    qt__pgp_text(&p, arr);
    if ((rc = qt__pg_tx_begin(s, &nested, err)) != QT_OK) {
        qt__free(arr);
        return rc;
    }
    r = qt__pg_run(s,
                   "UPDATE outlets SET closed_at = $1::bigint WHERE closed_at IS NULL"
                   " AND NOT (ext_id = ANY ($2::text[]))",
                   &p, "close outlets", err);
    if (!r)
        goto fail;
    if (closed)
        *closed = (size_t)strtoul(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    r = qt__pg_run(s,
                   "UPDATE outlets SET closed_at = NULL WHERE closed_at IS NOT NULL AND ext_id = ANY ($2::text[])"
                   " AND $1::bigint IS NOT NULL",
                   &p, "reopen outlets", err);
    if (!r)
        goto fail;
    if (reopened)
        *reopened = (size_t)strtoul(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    qt__free(arr);
    return qt__pg_tx_end(s, nested, 1, err);
fail:
    qt__free(arr);
    qt__pg_tx_end(s, nested, 0, NULL);
    return QT_EDB;
}

static int text_differs(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

qt_status qt__pg_outlet_import(qt_store *s, const qt_store_outlet *o, int64_t *id, unsigned *kept, qt_error *err)
{
    qt_status rc;
    unsigned edited, k = 0;
    if (kept)
        *kept = 0;
    if (o->ext_id) {
        qt__pgp p = {0};
        PGresult *r;
        qt__pgp_text(&p, o->ext_id);
        if (!(r = qt__pg_run(s,
                             "SELECT api_edited, name, category, address, brand, opening_hours, services,"
                             " coalesce(cash, -1), coalesce(barrier_free, -1) FROM outlets WHERE ext_id = $1",
                             &p, "outlet", err)))
            return QT_EDB;
        if (PQntuples(r) > 0 && (edited = (unsigned)qt__pg_i64(r, 0, 0)) != 0) {
            if ((edited & QT_EDIT_NAME) && text_differs(o->name, qt__pg_txt(r, 0, 1)))
                k |= QT_EDIT_NAME;
            if ((edited & QT_EDIT_CATEGORY) && text_differs(o->category, qt__pg_txt(r, 0, 2)))
                k |= QT_EDIT_CATEGORY;
            if ((edited & QT_EDIT_ADDRESS) && text_differs(o->address, qt__pg_txt(r, 0, 3)))
                k |= QT_EDIT_ADDRESS;
            if ((edited & QT_EDIT_BRAND) && text_differs(o->brand, qt__pg_txt(r, 0, 4)))
                k |= QT_EDIT_BRAND;
            if ((edited & QT_EDIT_HOURS) && text_differs(o->opening_hours, qt__pg_txt(r, 0, 5)))
                k |= QT_EDIT_HOURS;
            if ((edited & QT_EDIT_SERVICES) && text_differs(o->services, qt__pg_txt(r, 0, 6)))
                k |= QT_EDIT_SERVICES;
            if ((edited & QT_EDIT_CASH) && o->cash >= 0 && o->cash != qt__pg_i64(r, 0, 7))
                k |= QT_EDIT_CASH;
            if ((edited & QT_EDIT_BARRIER_FREE) && o->barrier_free >= 0 && o->barrier_free != qt__pg_i64(r, 0, 8))
                k |= QT_EDIT_BARRIER_FREE;
        }
        PQclear(r);
    }
    if ((rc = qt__pg_outlet_put(s, o, id, err)) != QT_OK)
        return rc;
    if (kept)
        *kept = k;
    return QT_OK;
}

/* ---- outlet edits, credit ------------------------------------------------------------------ */

qt_status qt__pg_outlet_update(qt_store *s, int64_t actor, qt_role role, int64_t outlet_id, const qt_outlet_patch *pa,
                               qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int64_t ocircle, ucircle;
    char detail[64];
    qt_status rc;
    if (pa->name && !*pa->name)
        return qt_error_set(err, QT_EINVAL, "name", _("a name cannot be empty"));
    qt__pgp_i64(&p, outlet_id);
    qt__pgp_i64(&p, actor);
    if (!(r = qt__pg_run(s,
                         "SELECT o.circle_id, (SELECT circle_id FROM users WHERE id = $2::bigint) FROM outlets o"
                         " WHERE o.id = $1::bigint",
                         &p, "outlet", err)))
        return QT_EDB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)outlet_id);
    }
    ocircle = qt__pg_i64(r, 0, 0);
    ucircle = qt__pg_i64(r, 0, 1);
    PQclear(r);
    if (role != QT_ROLE_ADMIN && !(role == QT_ROLE_OPERATOR && ucircle && ucircle == ocircle))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet", _("outlet %lld is not in your circle"), (long long)outlet_id);
    p.n = 1;
    qt__pgp_text(&p, pa->name);
    qt__pgp_text(&p, pa->category);
    qt__pgp_text(&p, pa->address);
    qt__pgp_text(&p, pa->brand);
    qt__pgp_text(&p, pa->opening_hours);
    qt__pgp_text(&p, pa->services);
    qt__pgp_i64(&p, pa->cash);
    qt__pgp_i64(&p, pa->barrier_free);
    /* what the API edited survives a re-import (qt_store_outlet_import) */
    qt__pgp_i64(&p,
                (int64_t)((pa->name ? QT_EDIT_NAME : 0) | (pa->category ? QT_EDIT_CATEGORY : 0) |
                          (pa->address ? QT_EDIT_ADDRESS : 0) | (pa->brand ? QT_EDIT_BRAND : 0) |
                          (pa->opening_hours ? QT_EDIT_HOURS : 0) | (pa->services ? QT_EDIT_SERVICES : 0) |
                          (pa->cash != -2 ? QT_EDIT_CASH : 0) | (pa->barrier_free != -2 ? QT_EDIT_BARRIER_FREE : 0)));
    if ((rc = qt__pg_do(s,
                        "UPDATE outlets SET name = coalesce($2, name), category = coalesce($3, category),"
                        " address = coalesce($4, address), brand = coalesce($5, brand),"
                        " opening_hours = coalesce($6, opening_hours), services = coalesce($7, services),"
                        " cash = CASE $8::int WHEN -2 THEN cash WHEN -1 THEN NULL ELSE $8::int END,"
                        " barrier_free = CASE $9::int WHEN -2 THEN barrier_free WHEN -1 THEN NULL ELSE $9::int END,"
                        " api_edited = api_edited | $10::int, updated_at = extract(epoch FROM now())::bigint"
                        " WHERE id = $1::bigint",
                        &p, "outlet", err)) != QT_OK) {
        if (qt__pg_failed(s, "23514")) { /* a CHECK: cash / barrier_free not 0 or 1 */
            qt_error_clear(err);
            return qt_error_set(err, QT_EINVAL, "outlet", _("a flag is 0, 1 or unknown"));
        }
        return rc;
    }
    snprintf(detail, sizeof detail, "outlet %lld", (long long)outlet_id);
    qt__pg_audit(s, actor, (int64_t)time(NULL), "outlet.update", detail);
    return QT_OK;
}

static int exists_q(qt_store *s, const char *sql, int64_t a, int64_t b)
{
    qt__pgp p = {0};
    qt__pgp_i64(&p, a);
    qt__pgp_i64(&p, b);
    return qt__pg_scalar(s, sql, &p, 0) > 0;
}

int qt__pg_merchant_owns(qt_store *s, int64_t merchant, int64_t outlet_id)
{
    return exists_q(
        s, "SELECT EXISTS (SELECT 1 FROM merchant_outlets WHERE user_id = $1::bigint AND outlet_id = $2::bigint)",
        merchant, outlet_id);
}

int qt__pg_outlet_exists(qt_store *s, int64_t outlet_id)
{
    return exists_q(s, "SELECT EXISTS (SELECT 1 FROM outlets WHERE id = $1::bigint) AND $2::bigint = 0", outlet_id, 0);
}

qt_status qt__pg_outlet_update_by_merchant(qt_store *s, int64_t merchant, int64_t outlet_id, const qt_outlet_patch *p,
                                           qt_error *err)
{
    if (p->name || p->category || p->brand)
        return qt_error_set(
            err, QT_EFORBIDDEN,
            p->name       ? "name"
            : p->category ? "category"
                          : "brand",
            _("a merchant edits hours, services, address, cash and barrier-free; ask the operator for the rest"));
    if (!qt__pg_outlet_exists(s, outlet_id))
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)outlet_id);
    if (!qt__pg_merchant_owns(s, merchant, outlet_id))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet", _("outlet %lld is not yours"), (long long)outlet_id);
    return qt__pg_outlet_update(s, merchant, QT_ROLE_ADMIN, outlet_id, p, err);
}

qt_status qt__pg_outlet_credit(qt_store *s, int64_t outlet_id, int64_t now, int *complaints, int *score, char *grade,
                               qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int n;
    qt__pgp_i64(&p, outlet_id);
    qt__pgp_i64(&p, now - 365 * 86400);
    qt__pgp_i64(&p, now - (int64_t)QT_COMPLAINT_ANSWER_DAYS * 86400);
    if (!(r = qt__pg_run(s,
                         "SELECT count(*) FROM complaints WHERE outlet_id = $1::bigint AND created_at > $2::bigint"
                         " AND (status = 'upheld' OR (status = 'open' AND answered_at IS NULL"
                         " AND created_at <= $3::bigint))",
                         &p, "credit", err)))
        return QT_EDB;
    n = (int)qt__pg_i64(r, 0, 0);
    PQclear(r);
    *complaints = n;
    *score = n >= 10 ? 0 : 100 - 10 * n;
    *grade = *score >= 90 ? 'A' : *score >= 70 ? 'B' : *score >= 50 ? 'C' : 'D';
    return QT_OK;
}

qt_status qt__pg_circle_near(qt_store *s, double lon, double lat, double max_m, int64_t *circle_id, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    double kx = 111320.0 * cos(lat * 3.14159265358979323846 / 180.0), ky = 110540.0;
    *circle_id = 0;
    qt__pgp_dbl(&p, lon);
    qt__pgp_dbl(&p, lat);
    qt__pgp_dbl(&p, kx);
    qt__pgp_dbl(&p, ky);
    qt__pgp_dbl(&p, max_m);
    /* the same planar distance as the SQLite backend's; the box is read through the GiST index */
    if (!(r = qt__pg_run(
              s,
              "SELECT circle_id, ((lon - $1::float8) * $3::float8) ^ 2 + ((lat - $2::float8) * $4::float8) ^ 2"
              " AS d2 FROM outlets WHERE circle_id IS NOT NULL AND geom && ST_MakeEnvelope("
              "$1::float8 - $5::float8 / $3::float8, $2::float8 - $5::float8 / $4::float8,"
              " $1::float8 + $5::float8 / $3::float8, $2::float8 + $5::float8 / $4::float8, 4326)"
              " ORDER BY d2 LIMIT 1",
              &p, "circle", err)))
        return QT_EDB;
    if (PQntuples(r) > 0 && qt__pg_dbl(r, 0, 1) <= max_m * max_m)
        *circle_id = qt__pg_i64(r, 0, 0);
    PQclear(r);
    return QT_OK;
}

/* ---- the analysis' geometries (0001, 0008): PostGIS, SRID 4326 -------------------- */

qt_status qt__pg_geoms_clear(qt_store *s, qt_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM blindspots", "DELETE FROM sites",
        "UPDATE communities SET geom = NULL, boundary = NULL WHERE geom IS NOT NULL OR boundary IS NOT NULL",
        "UPDATE circles SET geom = NULL, boundary = NULL WHERE geom IS NOT NULL OR boundary IS NOT NULL"};
    size_t i;
    int nested, ok = 1;
    qt_status rc;
    if ((rc = qt__pg_tx_begin(s, &nested, err)) != QT_OK)
        return rc;
    for (i = 0; ok && i < sizeof sql / sizeof *sql; i++)
        ok = qt__pg_do(s, sql[i], NULL, "geometries", err) == QT_OK;
    rc = qt__pg_tx_end(s, nested, ok, err);
    return ok ? rc : QT_EDB;
}

/* the GeoJSON parsed once (x.g, SRID 4326); a row only when it is of the column's type */
#define QT__PG_GEOJSON(n) "(SELECT ST_SetSRID(ST_GeomFromGeoJSON($" n "::text), 4326) AS g) x"
#define QT__PG_AREA       "GeometryType(x.g) IN ('POLYGON', 'MULTIPOLYGON')"

/* $1 the owner's name: the row (communities, circles) or the circle (NULL: none) of the row */
#define QT__PG_CIRCLE_OF   "(SELECT id FROM circles WHERE name = $1)"
#define QT__PG_OWNER_KNOWN "($1::text IS NULL OR EXISTS (SELECT 1 FROM circles WHERE name = $1))"

qt_status qt__pg_geom_put(qt_store *s, const qt_store_geom *g, qt_error *err)
{
    static const char *const sql[] = {
        "UPDATE communities SET geom = ST_Multi(x.g), boundary = $3 FROM " QT__PG_GEOJSON(
            "2") " WHERE name = $1 AND " QT__PG_AREA,
        "UPDATE circles SET geom = ST_Multi(x.g), boundary = $3 FROM " QT__PG_GEOJSON("2") " WHERE name = $1 AND " QT__PG_AREA,
        "INSERT INTO blindspots(circle_id, category, zh, unserved, geom) SELECT " QT__PG_CIRCLE_OF ", $2, $3,"
        " $4::double precision, ST_Multi(x.g) FROM " QT__PG_GEOJSON("5") " WHERE " QT__PG_AREA " AND " QT__PG_OWNER_KNOWN,
        "INSERT INTO sites(circle_id, category, zh, covered, geom, ext_id, rank) SELECT " QT__PG_CIRCLE_OF ", $2, $3,"
        " $4::double precision, x.g, $6, $7::integer FROM " QT__PG_GEOJSON("5") " WHERE GeometryType(x.g) = 'POINT'"
        " AND " QT__PG_OWNER_KNOWN};
    int area = g->kind == QT_STORE_GEOM_COMMUNITY || g->kind == QT_STORE_GEOM_CIRCLE;
    const char *owner = area ? g->name : g->circle && *g->circle ? g->circle : NULL;
    const char *what = area ? g->name : g->category;
    qt__pgp p = {0};
    int tries;
    qt_status rc;
    qt__pgp_text(&p, owner);
    if (area) {
        qt__pgp_text(&p, g->geojson);
        qt__pgp_text(&p, g->boundary);
    } else {
        qt__pgp_text(&p, g->category);
        qt__pgp_text(&p, g->zh);
        qt__pgp_dbl(&p, g->value);
        qt__pgp_text(&p, g->geojson);
        if (g->kind == QT_STORE_GEOM_SITE) {
            qt__pgp_text(&p, g->name);
            qt__pgp_i64(&p, g->rank);
        }
    }
    /* one statement when the owner is there (an import made it); a new name is created, then again */
    for (tries = 0; tries < 2; tries++) {
        qt_error e = QT_ERROR_INIT;
        PGresult *r = qt__pg_run(s, sql[g->kind - QT_STORE_GEOM_COMMUNITY], &p, "geometry", &e);
        int64_t id;
        int rows;
        if (!r) {
            /* GeoJSON PostGIS cannot read (XX000, 22xxx): the caller's data; anything else: the database */
            if (strcmp(s->pg_state, "XX000") == 0 || strncmp(s->pg_state, "22", 2) == 0)
                return qt_error_set(err, QT_EINVAL, what, "%s", e.msg);
            return qt_error_set(err, e.code, e.where, "%s", e.msg);
        }
        rows = (int)strtol(PQcmdTuples(r), NULL, 10);
        PQclear(r);
        if (rows > 0)
            return QT_OK;
        if (tries || !owner)
            break;
        if ((rc = name_id(s, g->kind != QT_STORE_GEOM_COMMUNITY, owner, &id, err)) != QT_OK)
            return rc;
    }
    return qt_error_set(err, QT_EINVAL, what, _("not a GeoJSON %s"),
                        g->kind == QT_STORE_GEOM_SITE ? "Point" : "(Multi)Polygon");
}

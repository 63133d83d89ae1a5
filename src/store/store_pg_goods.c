/* SPDX-License-Identifier: MIT */
/*
 * store_pg_goods.c -- the PostgreSQL backend's goods (周边商品搜索): a
 * merchant's listings, and the search by a Chinese substring of the name
 * (ILIKE '%q%' on the pg_trgm GIN index goods_name_trgm).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "store/pg_internal.h"

/* ---- goods --------------------------------------------------------------------------------------- */

qt_status qt__pg_good_put(qt_store *s, int64_t merchant, const qt_store_good *g, int64_t now, int64_t *id,
                          qt_error *err)
{
    qt_status rc;
    qt__pgp p = {0};
    PGresult *r;
    if ((rc = qt__store_check_good(g, err)) != QT_OK)
        return rc;
    if (!qt__pg_outlet_exists(s, g->outlet_id))
        return qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)g->outlet_id);
    if (!qt__pg_merchant_owns(s, merchant, g->outlet_id))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not yours"), (long long)g->outlet_id);
    qt__pgp_i64(&p, g->id);
    qt__pgp_text(&p, g->name);
    qt__pgp_dbl(&p, g->price);
    qt__pgp_text(&p, g->unit ? g->unit : "");
    qt__pgp_i64(&p, g->in_stock != 0);
    qt__pgp_text(&p, g->barcode && *g->barcode ? g->barcode : NULL);
    qt__pgp_i64(&p, now);
    qt__pgp_i64(&p, g->outlet_id);
    r = qt__pg_run(s,
                   g->id
                       ? "UPDATE goods SET name = $2, price = $3::float8, unit = $4, in_stock = $5::int, barcode = $6,"
                         " updated_at = $7::bigint WHERE id = $1::bigint AND outlet_id = $8::bigint RETURNING id"
                       : "INSERT INTO goods(name, price, unit, in_stock, barcode, updated_at, outlet_id)"
                         " SELECT $2, $3::float8, $4, $5::int, $6, $7::bigint, $8::bigint WHERE $1::bigint = 0"
                         " RETURNING id",
                   &p, "good", err);
    if (!r)
        return QT_EDB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return qt_error_set(err, QT_ENOTFOUND, "good", _("no good %lld in outlet %lld"), (long long)g->id,
                            (long long)g->outlet_id);
    }
    if (id)
        *id = qt__pg_i64(r, 0, 0);
    PQclear(r);
    return QT_OK;
}

qt_status qt__pg_good_delete(qt_store *s, int64_t merchant, int64_t id, qt_error *err)
{
    qt__pgp p = {0};
    int64_t outlet;
    qt__pgp_i64(&p, id);
    if ((outlet = qt__pg_scalar(s, "SELECT outlet_id FROM goods WHERE id = $1::bigint", &p, 0)) == 0)
        return qt_error_set(err, QT_ENOTFOUND, "good", _("no good %lld"), (long long)id);
    if (!qt__pg_merchant_owns(s, merchant, outlet))
        return qt_error_set(err, QT_EFORBIDDEN, "good", _("good %lld is not of your shop"), (long long)id);
    return qt__pg_do(s, "DELETE FROM goods WHERE id = $1::bigint", &p, "good", err);
}

#define GOOD_COLUMNS                                                                                                   \
    "SELECT g.id, g.outlet_id, g.name, g.price, g.unit, g.in_stock, g.barcode, g.updated_at, o.name, o.lon, o.lat"     \
    " FROM goods g JOIN outlets o ON o.id = g.outlet_id"

static qt_status walk_goods(PGresult *r, qt_store_good_fn fn, void *ud, qt_error *err)
{
    int i;
    qt_status rc = QT_OK;
    for (i = 0; rc == QT_OK && i < PQntuples(r); i++) {
        qt_store_good g;
        g.id = qt__pg_i64(r, i, 0);
        g.outlet_id = qt__pg_i64(r, i, 1);
        g.name = qt__pg_txt(r, i, 2);
        g.price = qt__pg_dbl(r, i, 3);
        g.unit = qt__pg_txt(r, i, 4);
        g.in_stock = (int)qt__pg_i64(r, i, 5);
        g.barcode = qt__pg_txt(r, i, 6);
        g.updated_at = qt__pg_i64(r, i, 7);
        g.outlet_name = qt__pg_txt(r, i, 8);
        g.lon = qt__pg_dbl(r, i, 9);
        g.lat = qt__pg_dbl(r, i, 10);
        rc = fn(ud, &g, err);
    }
    PQclear(r);
    return rc;
}

qt_status qt__pg_good_get(qt_store *s, int64_t id, qt_store_good_fn fn, void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt__pgp_i64(&p, id);
    if (!(r = qt__pg_run(s, GOOD_COLUMNS " WHERE g.id = $1::bigint", &p, "good", err)))
        return QT_EDB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return qt_error_set(err, QT_ENOTFOUND, "good", _("no good %lld"), (long long)id);
    }
    return walk_goods(r, fn, ud, err);
}

qt_status qt__pg_goods_of_outlet(qt_store *s, int64_t outlet_id, qt_store_good_fn fn, void *ud, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt__pgp_i64(&p, outlet_id);
    if (!(r = qt__pg_run(s, GOOD_COLUMNS " WHERE g.outlet_id = $1::bigint ORDER BY g.id LIMIT 10000", &p, "goods",
                         err)))
        return QT_EDB;
    return walk_goods(r, fn, ud, err);
}

qt_status qt__pg_goods_match(qt_store *s, const char *q, int in_stock_only, int limit, qt_store_good_fn fn, void *ud,
                             qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    char *like;
    if (!*q)
        return qt_error_set(err, QT_EINVAL, "q", _("give a word to search for"));
    if (!(like = qt__pg_like(q)))
        return qt_error_set(err, QT_ENOMEM, "q", _("no memory"));
    qt__pgp_text(&p, like);
    qt__pgp_i64(&p, in_stock_only != 0);
    qt__pgp_i64(&p, limit > 0 ? limit : 100);
    /* ILIKE '%q%' on the pg_trgm GIN index goods_name_trgm */
    r = qt__pg_run(
        s, GOOD_COLUMNS " WHERE g.name ILIKE $1 AND ($2::int = 0 OR g.in_stock = 1) ORDER BY g.id LIMIT $3::bigint", &p,
        "goods", err);
    qt__free(like);
    if (!r)
        return QT_EDB;
    return walk_goods(r, fn, ud, err);
}

/* SPDX-License-Identifier: MIT */
/*
 * store_platform_shop.c -- the SQLite backend's platform operations of issue
 * 11 for shops and residents: the complaint process, survey rules, goods with
 * Chinese substring search, short coupon codes with idempotent claims,
 * listings ("my coupons", active coupons), merchants' own shop edits and
 * applicants.  Statements are stepped to SQLITE_DONE
 * before they are finalized (store_platform.c).
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/code32.h"
#include "quarter/store.h"
#include "store/sqlite_internal.h"

/* ---- complaints ----------------------------------------------------------------------- */

qt_status qt__sq_complaints_each(qt_store *s, int64_t actor, qt_role role, int64_t outlet_id, int limit,
                                 qt_store_complaint_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    const char *who;
    char sql[1024];
    switch (role) {
    case QT_ROLE_ADMIN:
        who = "1";
        break;
    case QT_ROLE_RESIDENT:
        who = "k.user_id = ?1";
        break;
    case QT_ROLE_MERCHANT:
        who = "EXISTS (SELECT 1 FROM merchant_outlets m WHERE m.user_id = ?1 AND m.outlet_id = k.outlet_id)";
        break;
    case QT_ROLE_OPERATOR:
        who = "o.circle_id = (SELECT circle_id FROM users WHERE id = ?1)";
        break;
    default:
        return qt_error_set(err, QT_EFORBIDDEN, "complaints", _("not allowed"));
    }
    snprintf(sql, sizeof sql,
             "SELECT k.id, k.outlet_id, k.user_id, o.name, k.kind, k.text, k.status, k.answer, k.resolution,"
             " k.created_at, coalesce(k.answered_at, 0), coalesce(k.resolved_at, 0)"
             " FROM complaints k JOIN outlets o ON o.id = k.outlet_id"
             " WHERE (%s) AND (?2 = 0 OR k.outlet_id = ?2) ORDER BY k.created_at DESC, k.id DESC LIMIT ?3",
             who);
    if ((rc = prepare(s, sql, &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, actor);
    sqlite3_bind_int64(st, 2, outlet_id);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_complaint c;
        c.id = sqlite3_column_int64(st, 0);
        c.outlet_id = sqlite3_column_int64(st, 1);
        c.user_id = sqlite3_column_int64(st, 2);
        c.outlet_name = col_text(st, 3);
        c.kind = col_text(st, 4);
        c.text = col_text(st, 5);
        c.status = col_text(st, 6);
        c.answer = col_text(st, 7);
        c.resolution = col_text(st, 8);
        c.created_at = sqlite3_column_int64(st, 9);
        c.answered_at = sqlite3_column_int64(st, 10);
        c.resolved_at = sqlite3_column_int64(st, 11);
        rc = fn(ud, &c, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "complaints");
    sqlite3_finalize(st);
    return rc;
}

/* a complaint's shop, status, and whether actor may act on it as merchant / operator */
static qt_status complaint_facts(qt_store *s, int64_t actor, int64_t id, char status[16], int *merchant_owns,
                                 int *operator_circle, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int found = 0;
    if ((rc = prepare(s,
                      "SELECT k.status,"
                      " EXISTS (SELECT 1 FROM merchant_outlets m WHERE m.user_id = ?2 AND m.outlet_id = k.outlet_id),"
                      " o.circle_id IS NOT NULL AND o.circle_id = (SELECT circle_id FROM users WHERE id = ?2)"
                      " FROM complaints k JOIN outlets o ON o.id = k.outlet_id WHERE k.id = ?1",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, actor);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 1;
        snprintf(status, 16, "%s", col_text(st, 0) ? col_text(st, 0) : "");
        *merchant_owns = sqlite3_column_int(st, 1);
        *operator_circle = sqlite3_column_int(st, 2);
    }
    finish(st);
    if (!found)
        return qt_error_set(err, QT_ENOTFOUND, "complaint", _("no complaint %lld"), (long long)id);
    return QT_OK;
}

qt_status qt__sq_complaint_answer(qt_store *s, int64_t merchant, int64_t id, const char *text, int64_t now,
                                  qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    char status[16];
    int owns = 0, circ = 0;
    if (!text || !*text || strlen(text) > 2000)
        return qt_error_set(err, QT_EINVAL, "answer", _("an answer is 1 to 2000 bytes"));
    if ((rc = qt__sq_begin(s, err)) != QT_OK)
        return rc;
    if ((rc = complaint_facts(s, merchant, id, status, &owns, &circ, err)) != QT_OK)
        goto fail;
    if (!owns) {
        rc = qt_error_set(err, QT_EFORBIDDEN, "complaint", _("complaint %lld is not about your shop"), (long long)id);
        goto fail;
    }
    if (strcmp(status, "open") != 0) {
        rc = qt_error_set(err, QT_ECONFLICT, "complaint", _("complaint %lld is %s already"), (long long)id, status);
        goto fail;
    }
    if ((rc = prepare(s, "UPDATE complaints SET answer = ?2, answered_at = ?3 WHERE id = ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if ((rc = run(s, st, "complaint", err)) != QT_OK)
        goto fail;
    if ((rc = sq_exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    rollback(s);
    return rc;
}

qt_status qt__sq_complaint_resolve(qt_store *s, int64_t actor, qt_role role, int64_t id, int upheld, const char *note,
                                   int64_t now, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    char status[16], detail[96];
    int owns = 0, circ = 0;
    if (note && strlen(note) > 2000)
        return qt_error_set(err, QT_EINVAL, "note", _("a note is at most 2000 bytes"));
    if ((rc = qt__sq_begin(s, err)) != QT_OK)
        return rc;
    if ((rc = complaint_facts(s, actor, id, status, &owns, &circ, err)) != QT_OK)
        goto fail;
    if (role != QT_ROLE_ADMIN && !(role == QT_ROLE_OPERATOR && circ)) {
        rc = qt_error_set(err, QT_EFORBIDDEN, "complaint", _("complaint %lld is not about a shop of your circle"),
                          (long long)id);
        goto fail;
    }
    if (strcmp(status, "open") != 0) {
        rc = qt_error_set(err, QT_ECONFLICT, "complaint", _("complaint %lld is %s already"), (long long)id, status);
        goto fail;
    }
    if ((rc = prepare(s,
                      "UPDATE complaints SET status = ?2, resolution = ?3, resolved_at = ?4, resolved_by = ?5"
                      " WHERE id = ?1",
                      &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, upheld ? "upheld" : "rejected", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, note ? note : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, actor);
    if ((rc = run(s, st, "complaint", err)) != QT_OK)
        goto fail;
    if ((rc = sq_exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    snprintf(detail, sizeof detail, "complaint %lld %s", (long long)id, upheld ? "upheld" : "rejected");
    qt__sq_audit(s, actor, now, "complaint.resolve", detail);
    return QT_OK;
fail:
    rollback(s);
    return rc;
}

/* ---- surveys ----------------------------------------------------------------------------- */

/* ---- goods ---------------------------------------------------------------------------------- */

static int merchant_owns(qt_store *s, int64_t merchant, int64_t outlet_id)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT EXISTS (SELECT 1 FROM merchant_outlets WHERE user_id = ?1 AND outlet_id = ?2)", &st, NULL) !=
        QT_OK)
        return 0;
    sqlite3_bind_int64(st, 1, merchant);
    sqlite3_bind_int64(st, 2, outlet_id);
    return (int)scalar(s, st, 0);
}

static int outlet_exists(qt_store *s, int64_t outlet_id)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT EXISTS (SELECT 1 FROM outlets WHERE id = ?1)", &st, NULL) != QT_OK)
        return 0;
    sqlite3_bind_int64(st, 1, outlet_id);
    return (int)scalar(s, st, 0);
}

qt_status qt__sq_good_put(qt_store *s, int64_t merchant, const qt_store_good *g, int64_t now, int64_t *id,
                          qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = qt__store_check_good(g, err)) != QT_OK)
        return rc;
    if (!outlet_exists(s, g->outlet_id))
        return qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)g->outlet_id);
    if (!merchant_owns(s, merchant, g->outlet_id))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not yours"), (long long)g->outlet_id);
    if (g->id) {
        rc = prepare(s,
                     "UPDATE goods SET name = ?2, price = ?3, unit = ?4, in_stock = ?5, barcode = ?6,"
                     " updated_at = ?7 WHERE id = ?1 AND outlet_id = ?8 RETURNING id",
                     &st, err);
    } else {
        rc = prepare(s,
                     "INSERT INTO goods(name, price, unit, in_stock, barcode, updated_at, outlet_id)"
                     " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                     &st, err);
    }
    if (rc != QT_OK)
        return rc;
    if (g->id)
        sqlite3_bind_int64(st, 1, g->id);
    sqlite3_bind_text(st, 2, g->name, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 3, g->price);
    sqlite3_bind_text(st, 4, g->unit ? g->unit : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, g->in_stock != 0);
    if (g->barcode && *g->barcode)
        sqlite3_bind_text(st, 6, g->barcode, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_int64(st, 8, g->outlet_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        int r = finish(st);
        if (r == SQLITE_DONE && g->id)
            return qt_error_set(err, QT_ENOTFOUND, "good", _("no good %lld in outlet %lld"), (long long)g->id,
                                (long long)g->outlet_id);
        return db_fail(s, err, "good");
    }
    if (id)
        *id = sqlite3_column_int64(st, 0);
    return run(s, st, "good", err);
}

qt_status qt__sq_good_delete(qt_store *s, int64_t merchant, int64_t id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t outlet;
    if ((rc = prepare(s, "SELECT outlet_id FROM goods WHERE id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if ((outlet = scalar(s, st, 0)) == 0)
        return qt_error_set(err, QT_ENOTFOUND, "good", _("no good %lld"), (long long)id);
    if (!merchant_owns(s, merchant, outlet))
        return qt_error_set(err, QT_EFORBIDDEN, "good", _("good %lld is not of your shop"), (long long)id);
    if ((rc = prepare(s, "DELETE FROM goods WHERE id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return run(s, st, "good", err);
}

static qt_status walk_goods(qt_store *s, sqlite3_stmt *st, qt_store_good_fn fn, void *ud, int *seen, qt_error *err)
{
    qt_status rc = QT_OK;
    int r;
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_good g;
        g.id = sqlite3_column_int64(st, 0);
        g.outlet_id = sqlite3_column_int64(st, 1);
        g.name = col_text(st, 2);
        g.price = sqlite3_column_double(st, 3);
        g.unit = col_text(st, 4);
        g.in_stock = sqlite3_column_int(st, 5);
        g.barcode = col_text(st, 6);
        g.updated_at = sqlite3_column_int64(st, 7);
        g.outlet_name = col_text(st, 8);
        g.lon = sqlite3_column_double(st, 9);
        g.lat = sqlite3_column_double(st, 10);
        if (seen)
            *seen = 1;
        rc = fn(ud, &g, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "goods");
    sqlite3_finalize(st);
    return rc;
}

#define GOOD_COLUMNS                                                                                                   \
    "SELECT g.id, g.outlet_id, g.name, g.price, g.unit, g.in_stock, g.barcode, g.updated_at, o.name, o.lon, o.lat"     \
    " FROM goods g JOIN outlets o ON o.id = g.outlet_id"

qt_status qt__sq_good_get(qt_store *s, int64_t id, qt_store_good_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int seen = 0;
    if ((rc = prepare(s, GOOD_COLUMNS " WHERE g.id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = walk_goods(s, st, fn, ud, &seen, err);
    if (rc == QT_OK && !seen)
        return qt_error_set(err, QT_ENOTFOUND, "good", _("no good %lld"), (long long)id);
    return rc;
}

qt_status qt__sq_goods_of_outlet(qt_store *s, int64_t outlet_id, qt_store_good_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = prepare(s, GOOD_COLUMNS " WHERE g.outlet_id = ?1 ORDER BY g.id LIMIT 10000", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, outlet_id);
    return walk_goods(s, st, fn, ud, NULL, err);
}

qt_status qt__sq_goods_match(qt_store *s, const char *q, int in_stock_only, int limit, qt_store_good_fn fn, void *ud,
                             qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int fts = utf8_chars(q) >= 3;
    char *phrase = NULL;
    if (!*q)
        return qt_error_set(err, QT_EINVAL, "q", _("give a word to search for"));
    if (fts)
        rc = prepare(s,
                     GOOD_COLUMNS
                     " JOIN goods_fts f ON f.rowid = g.id WHERE goods_fts MATCH ?1"
                     " AND (?2 = 0 OR g.in_stock = 1) ORDER BY g.id LIMIT ?3",
                     &st, err);
    else
        rc = prepare(s, GOOD_COLUMNS " WHERE instr(g.name, ?1) AND (?2 = 0 OR g.in_stock = 1) ORDER BY g.id LIMIT ?3",
                     &st, err);
    if (rc != QT_OK)
        return rc;
    if (fts) {
        if (!(phrase = fts_phrase(q))) {
            sqlite3_finalize(st);
            return qt_error_set(err, QT_ENOMEM, "q", _("no memory"));
        }
        sqlite3_bind_text(st, 1, phrase, -1, SQLITE_TRANSIENT);
        qt__free(phrase);
    } else {
        sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int(st, 2, in_stock_only != 0);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
    return walk_goods(s, st, fn, ud, NULL, err);
}

/* ---- coupons ----------------------------------------------------------------------------- */

qt_status qt__sq_coupon_claimable(qt_store *s, int64_t coupon_id, int64_t user_id, int64_t now, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t qty = 0, claimed = 0, limit = 0, from = 0, to = 0, mine = 0, closed = 0;
    int found = 0;
    if ((rc = prepare(s,
                      "SELECT k.quantity, k.claimed, k.per_user_limit, k.valid_from, k.valid_to,"
                      " (SELECT count(*) FROM claims WHERE coupon_id = ?1 AND user_id = ?2),"
                      " coalesce(o.closed_at, 0) FROM coupons k LEFT JOIN outlets o ON o.id = k.outlet_id"
                      " WHERE k.id = ?1",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, coupon_id);
    sqlite3_bind_int64(st, 2, user_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 1;
        qty = sqlite3_column_int64(st, 0);
        claimed = sqlite3_column_int64(st, 1);
        limit = sqlite3_column_int64(st, 2);
        from = sqlite3_column_int64(st, 3);
        to = sqlite3_column_int64(st, 4);
        mine = sqlite3_column_int64(st, 5);
        closed = sqlite3_column_int64(st, 6);
    }
    finish(st);
    if (!found)
        return qt_error_set(err, QT_ENOTFOUND, "coupon", _("no coupon %lld"), (long long)coupon_id);
    if (closed)
        return qt_error_set(err, QT_EGONE, "coupon", _("the shop of coupon %lld is closed"), (long long)coupon_id);
    if (now < from || now >= to)
        return qt_error_set(err, QT_EGONE, "coupon", _("coupon %lld is not valid now"), (long long)coupon_id);
    if (claimed >= qty)
        return qt_error_set(err, QT_ECONFLICT, "coupon", _("all %lld coupons are claimed"), (long long)qty);
    if (mine >= limit)
        return qt_error_set(err, QT_ECONFLICT, "coupon", _("you have claimed %lld, the limit per person"),
                            (long long)limit);
    return QT_OK;
}

qt_status qt__sq_coupon_claim_key(qt_store *s, int64_t coupon_id, int64_t user_id, const char *idem_key, int64_t now,
                                  char code[33], int *replayed, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int found = 0, tries;
    if (replayed)
        *replayed = 0;
    if (idem_key && (!*idem_key || strlen(idem_key) > 64))
        return qt_error_set(err, QT_EINVAL, "Idempotency-Key", _("an idempotency key is 1 to 64 bytes"));
    /* one IMMEDIATE transaction: the check and the insert cannot interleave with another claim */
    if ((rc = qt__sq_begin(s, err)) != QT_OK)
        return rc;
    if (idem_key) {
        int64_t other = 0;
        if ((rc = prepare(s, "SELECT code, coupon_id FROM claims WHERE user_id = ?1 AND idem_key = ?2", &st, err)) !=
            QT_OK)
            goto fail;
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_text(st, 2, idem_key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(code, 33, "%s", col_text(st, 0) ? col_text(st, 0) : "");
            other = sqlite3_column_int64(st, 1);
            found = 1;
        }
        finish(st);
        if (found) {
            rollback(s);
            if (other != coupon_id)
                return qt_error_set(err, QT_ECONFLICT, "Idempotency-Key",
                                    _("this idempotency key was used for coupon %lld"), (long long)other);
            if (replayed)
                *replayed = 1;
            return QT_OK;
        }
    }
    if ((rc = qt__sq_coupon_claimable(s, coupon_id, user_id, now, err)) != QT_OK)
        goto fail;
    for (tries = 0; tries < 64; tries++) {
        unsigned char raw[QT__CODE32_DATA];
        int r;
        randombytes_buf(raw, sizeof raw);
        if (qt__code32_make(raw, code) != 0)
            continue;
        if ((rc = prepare(s,
                          "INSERT INTO claims(code, coupon_id, user_id, claimed_at, idem_key)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)",
                          &st, err)) != QT_OK)
            goto fail;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, coupon_id);
        sqlite3_bind_int64(st, 3, user_id);
        sqlite3_bind_int64(st, 4, now);
        if (idem_key)
            sqlite3_bind_text(st, 5, idem_key, -1, SQLITE_STATIC);
        r = finish(st);
        if (r == SQLITE_DONE)
            break;
        if (sqlite3_extended_errcode(s->db) != SQLITE_CONSTRAINT_PRIMARYKEY) {
            rc = db_fail(s, err, "claim");
            goto fail;
        }
    }
    if (tries == 64) {
        rc = qt_error_set(err, QT_EINTERNAL, "claim", _("no free code after 64 draws"));
        goto fail;
    }
    if ((rc = prepare(s, "UPDATE coupons SET claimed = claimed + 1 WHERE id = ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, coupon_id);
    if ((rc = run(s, st, "claim", err)) != QT_OK)
        goto fail;
    if ((rc = sq_exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    rollback(s);
    code[0] = '\0';
    return rc;
}

qt_status qt__sq_coupons_active(qt_store *s, int64_t outlet_id, int64_t now, int limit, qt_store_coupon_fn fn, void *ud,
                                qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = prepare(s,
                      "SELECT k.id, k.outlet_id, k.title, o.name, o.lon, o.lat, k.quantity, k.claimed,"
                      " k.per_user_limit, k.valid_from, k.valid_to FROM coupons k JOIN outlets o ON o.id = k.outlet_id"
                      " WHERE k.valid_from <= ?2 AND k.valid_to > ?2 AND k.claimed < k.quantity"
                      " AND o.closed_at IS NULL AND (?1 = 0 OR k.outlet_id = ?1) ORDER BY k.id LIMIT ?3",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, outlet_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_coupon c;
        c.id = sqlite3_column_int64(st, 0);
        c.outlet_id = sqlite3_column_int64(st, 1);
        c.title = col_text(st, 2);
        c.outlet_name = col_text(st, 3);
        c.lon = sqlite3_column_double(st, 4);
        c.lat = sqlite3_column_double(st, 5);
        c.quantity = sqlite3_column_int64(st, 6);
        c.claimed = sqlite3_column_int64(st, 7);
        c.per_user_limit = sqlite3_column_int64(st, 8);
        c.valid_from = sqlite3_column_int64(st, 9);
        c.valid_to = sqlite3_column_int64(st, 10);
        rc = fn(ud, &c, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "coupons");
    sqlite3_finalize(st);
    return rc;
}

qt_status qt__sq_claims_of_user(qt_store *s, int64_t user_id, int64_t now, int limit, qt_store_claim_fn fn, void *ud,
                                qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = prepare(s,
                      "SELECT c.code, k.title, o.name, c.coupon_id, k.outlet_id, c.claimed_at,"
                      " coalesce(c.redeemed_at, 0), k.valid_from, k.valid_to"
                      " FROM claims c JOIN coupons k ON k.id = c.coupon_id JOIN outlets o ON o.id = k.outlet_id"
                      " WHERE c.user_id = ?1 ORDER BY c.claimed_at DESC, c.rowid DESC LIMIT ?2",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : 100);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_claim c;
        c.code = col_text(st, 0);
        c.title = col_text(st, 1);
        c.outlet_name = col_text(st, 2);
        c.coupon_id = sqlite3_column_int64(st, 3);
        c.outlet_id = sqlite3_column_int64(st, 4);
        c.claimed_at = sqlite3_column_int64(st, 5);
        c.redeemed_at = sqlite3_column_int64(st, 6);
        c.valid_from = sqlite3_column_int64(st, 7);
        c.valid_to = sqlite3_column_int64(st, 8);
        c.status = c.redeemed_at ? "redeemed" : now >= c.valid_to ? "expired" : "active";
        rc = fn(ud, &c, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "claims");
    sqlite3_finalize(st);
    return rc;
}

/* ---- merchants: own shop, applicants ---------------------------------------------------- */

qt_status qt__sq_outlet_update_by_merchant(qt_store *s, int64_t merchant, int64_t outlet_id, const qt_outlet_patch *p,
                                           qt_error *err)
{
    qt_outlet_patch q = *p;
    if (p->name || p->category || p->brand)
        return qt_error_set(
            err, QT_EFORBIDDEN,
            p->name       ? "name"
            : p->category ? "category"
                          : "brand",
            _("a merchant edits hours, services, address, cash and barrier-free; ask the operator for the rest"));
    if (!outlet_exists(s, outlet_id))
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)outlet_id);
    if (!merchant_owns(s, merchant, outlet_id))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet", _("outlet %lld is not yours"), (long long)outlet_id);
    /* the shop's own merchant edits as an admin would, for these fields only */
    return qt__sq_outlet_update(s, merchant, QT_ROLE_ADMIN, outlet_id, &q, err);
}

qt_status qt__sq_applications_of_poster(qt_store *s, int64_t poster, int64_t job_id, int limit,
                                        qt_store_application_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = prepare(s,
                      "SELECT a.job_id, a.user_id, a.created_at, j.title, u.name, a.message"
                      " FROM applications a JOIN jobs j ON j.id = a.job_id JOIN users u ON u.id = a.user_id"
                      " WHERE j.created_by = ?1 AND (?2 = 0 OR a.job_id = ?2)"
                      " ORDER BY a.created_at DESC, a.job_id DESC LIMIT ?3",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, poster);
    sqlite3_bind_int64(st, 2, job_id);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_application a;
        a.job_id = sqlite3_column_int64(st, 0);
        a.user_id = sqlite3_column_int64(st, 1);
        a.created_at = sqlite3_column_int64(st, 2);
        a.job_title = col_text(st, 3);
        a.user_name = col_text(st, 4);
        a.message = col_text(st, 5);
        rc = fn(ud, &a, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "applications");
    sqlite3_finalize(st);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * store_pg_coupons.c -- the PostgreSQL backend's coupons: issue, claim (with
 * short codes and idempotency keys), redeem, listings.  Race-proof across
 * connections and servers without a read-then-write in C:
 * - a claim takes one of the batch with a conditional UPDATE ... WHERE
 *   claimed < quantity (the coupon's row lock then orders every claim of that
 *   coupon), and inserts the claim with INSERT ... SELECT ... WHERE the
 *   user's count is under the limit -- a statement that starts after the lock
 *   is held, so it sees every committed claim; either failing rolls back;
 * - an idempotency key is a unique index (user, key): a concurrent retry
 *   waits for the first and then replays its code;
 * - a redemption is one UPDATE ... WHERE redeemed_at IS NULL.
 * Serialization failures and deadlocks (40001, 40P01) are retried.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/code32.h"
#include "store/pg_internal.h"

qt_status qt__pg_coupon_create(qt_store *s, int64_t merchant_id, const qt_coupon_spec *c, int64_t now, int64_t *id,
                               qt_error *err)
{
    qt_status rc;
    qt__pgp p = {0};
    PGresult *r;
    char detail[96];
    if ((rc = qt__store_check_coupon(c, err)) != QT_OK)
        return rc;
    if (!qt__pg_outlet_exists(s, c->outlet_id))
        return qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)c->outlet_id);
    if (!qt__pg_merchant_owns(s, merchant_id, c->outlet_id))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not yours"), (long long)c->outlet_id);
    qt__pgp_i64(&p, c->outlet_id);
    qt__pgp_text(&p, c->title);
    qt__pgp_i64(&p, c->quantity);
    qt__pgp_i64(&p, c->per_user_limit);
    qt__pgp_i64(&p, c->valid_from);
    qt__pgp_i64(&p, c->valid_to);
    qt__pgp_i64(&p, merchant_id);
    qt__pgp_i64(&p, now);
    if (!(r = qt__pg_run(s,
                         "INSERT INTO coupons(outlet_id, title, quantity, per_user_limit, valid_from, valid_to,"
                         " created_by, created_at) VALUES ($1::bigint, $2, $3::bigint, $4::bigint, $5::bigint,"
                         " $6::bigint, $7::bigint, $8::bigint) RETURNING id",
                         &p, "coupon", err)))
        return QT_EDB;
    *id = qt__pg_i64(r, 0, 0);
    PQclear(r);
    snprintf(detail, sizeof detail, "coupon %lld outlet %lld quantity %lld", (long long)*id, (long long)c->outlet_id,
             (long long)c->quantity);
    qt__pg_audit(s, merchant_id, now, "coupon.create", detail);
    return QT_OK;
}

/* why a claim's UPDATE took nothing: no coupon, outside its validity, or none left */
static qt_status claim_refused(qt_store *s, int64_t coupon_id, int64_t now, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt_status rc;
    qt__pgp_i64(&p, coupon_id);
    if (!(r = qt__pg_run(s,
                         "SELECT k.quantity, k.claimed, k.valid_from, k.valid_to, o.closed_at IS NOT NULL"
                         " FROM coupons k LEFT JOIN outlets o ON o.id = k.outlet_id WHERE k.id = $1::bigint",
                         &p, "claim", err)))
        return QT_EDB;
    if (PQntuples(r) == 0)
        rc = qt_error_set(err, QT_ENOTFOUND, "coupon", _("no coupon %lld"), (long long)coupon_id);
    else if (qt__pg_i64(r, 0, 4))
        rc = qt_error_set(err, QT_EGONE, "coupon", _("the shop of coupon %lld is closed"), (long long)coupon_id);
    else if (now < qt__pg_i64(r, 0, 2) || now >= qt__pg_i64(r, 0, 3))
        rc = qt_error_set(err, QT_EGONE, "coupon", _("coupon %lld is not valid now"), (long long)coupon_id);
    else
        rc = qt_error_set(err, QT_ECONFLICT, "coupon", _("all %lld coupons are claimed"),
                          (long long)qt__pg_i64(r, 0, 0));
    PQclear(r);
    return rc;
}

/* the code of the user's claim with this key: 1 found (code, *coupon set), 0 none, -1 error */
static int claim_of_key(qt_store *s, int64_t user_id, const char *key, char code[33], int64_t *coupon, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int found;
    qt__pgp_i64(&p, user_id);
    qt__pgp_text(&p, key);
    if (!(r = qt__pg_run(s, "SELECT code, coupon_id FROM claims WHERE user_id = $1::bigint AND idem_key = $2", &p,
                         "claim", err)))
        return -1;
    if ((found = PQntuples(r) > 0)) {
        snprintf(code, 33, "%s", qt__pg_txt(r, 0, 0) ? qt__pg_txt(r, 0, 0) : "");
        *coupon = qt__pg_i64(r, 0, 1);
    }
    PQclear(r);
    return found;
}

enum { TRY_DONE, TRY_AGAIN, TRY_KEY };

/* one attempt of a claim, in its own transaction; TRY_AGAIN on a retryable failure, TRY_KEY when the key was taken */
static int claim_once(qt_store *s, int64_t coupon_id, int64_t user_id, const char *key, int64_t now, int short_code,
                      char code[33], qt_status *rc, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int64_t limit;
    if ((*rc = qt__pg_do(s, "BEGIN", NULL, "claim", err)) != QT_OK)
        return TRY_DONE;
    qt__pgp_i64(&p, coupon_id);
    qt__pgp_i64(&p, now);
    r = qt__pg_run(s,
                   "UPDATE coupons SET claimed = claimed + 1 WHERE id = $1::bigint AND claimed < quantity"
                   " AND valid_from <= $2::bigint AND valid_to > $2::bigint AND NOT EXISTS (SELECT 1 FROM outlets o"
                   " WHERE o.id = coupons.outlet_id AND o.closed_at IS NOT NULL) RETURNING per_user_limit",
                   &p, "claim", err);
    if (!r)
        goto failed;
    if (PQntuples(r) == 0) {
        PQclear(r);
        qt__pg_rollback(s);
        *rc = claim_refused(s, coupon_id, now, err);
        return TRY_DONE;
    }
    limit = qt__pg_i64(r, 0, 0);
    PQclear(r);
    if (short_code) {
        unsigned char raw[QT__CODE32_DATA];
        do
            randombytes_buf(raw, sizeof raw);
        while (qt__code32_make(raw, code) != 0);
    } else {
        unsigned char raw[16];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(code, 33, raw, sizeof raw);
    }
    p.n = 0;
    qt__pgp_text(&p, code);
    qt__pgp_i64(&p, coupon_id);
    qt__pgp_i64(&p, user_id);
    qt__pgp_i64(&p, now);
    qt__pgp_text(&p, key);
    qt__pgp_i64(&p, limit);
    r = qt__pg_run(
        s,
        "INSERT INTO claims(code, coupon_id, user_id, claimed_at, idem_key)"
        " SELECT $1, $2::bigint, $3::bigint, $4::bigint, $5"
        " WHERE (SELECT count(*) FROM claims WHERE coupon_id = $2::bigint AND user_id = $3::bigint) < $6::bigint"
        " RETURNING code",
        &p, "claim", err);
    if (!r)
        goto failed;
    if (PQntuples(r) == 0) {
        PQclear(r);
        qt__pg_rollback(s);
        *rc = qt_error_set(err, QT_ECONFLICT, "coupon", _("you have claimed %lld, the limit per person"),
                           (long long)limit);
        return TRY_DONE;
    }
    PQclear(r);
    if ((*rc = qt__pg_do(s, "COMMIT", NULL, "claim", err)) == QT_OK)
        return TRY_DONE;
failed:
    qt__pg_rollback(s);
    if (qt__pg_failed(s, "40001") || qt__pg_failed(s, "40P01") ||
        (qt__pg_failed(s, "23505") && strcmp(s->pg_constraint, "claims_pkey") == 0)) {
        qt_error_clear(err);
        return TRY_AGAIN;
    }
    if (qt__pg_failed(s, "23505") && strcmp(s->pg_constraint, "claims_idem") == 0) {
        qt_error_clear(err);
        return TRY_KEY;
    }
    if (qt__pg_failed(s, "23503")) {
        qt_error_clear(err);
        *rc = qt_error_set(err, QT_ENOTFOUND, "user", _("no user %lld"), (long long)user_id);
        return TRY_DONE;
    }
    *rc = QT_EDB;
    return TRY_DONE;
}

static qt_status claim(qt_store *s, int64_t coupon_id, int64_t user_id, const char *key, int64_t now, int short_code,
                       char out[33], int *replayed, qt_error *err)
{
    qt_status rc = QT_OK;
    int tries;
    char code[33] = "";
    if (replayed)
        *replayed = 0;
    for (tries = 0; tries < 64; tries++) {
        int64_t other = 0;
        int got = key ? claim_of_key(s, user_id, key, code, &other, err) : 0, t;
        if (got < 0) {
            rc = QT_EDB;
            break;
        }
        if (got) {
            if (other != coupon_id) {
                rc = qt_error_set(err, QT_ECONFLICT, "Idempotency-Key",
                                  _("this idempotency key was used for coupon %lld"), (long long)other);
                break;
            }
            if (replayed)
                *replayed = 1;
            break;
        }
        t = claim_once(s, coupon_id, user_id, key, now, short_code, code, &rc, err);
        if (t == TRY_DONE)
            break;
        /* TRY_AGAIN: draw again; TRY_KEY: a concurrent retry with this key won, replay its code */
    }
    if (tries == 64)
        rc = qt_error_set(err, QT_EINTERNAL, "claim", _("the claim did not go through after 64 tries"));
    /* as the SQLite backend: a failed short-code claim clears code, the older one leaves it */
    if (rc == QT_OK)
        memcpy(out, code, sizeof code);
    else if (short_code)
        out[0] = '\0';
    return rc;
}

qt_status qt__pg_coupon_claim(qt_store *s, int64_t coupon_id, int64_t user_id, int64_t now, char code[33],
                              qt_error *err)
{
    return claim(s, coupon_id, user_id, NULL, now, 0, code, NULL, err);
}

qt_status qt__pg_coupon_claim_key(qt_store *s, int64_t coupon_id, int64_t user_id, const char *idem_key, int64_t now,
                                  char code[33], int *replayed, qt_error *err)
{
    if (replayed)
        *replayed = 0;
    if (idem_key && (!*idem_key || strlen(idem_key) > 64))
        return qt_error_set(err, QT_EINVAL, "Idempotency-Key", _("an idempotency key is 1 to 64 bytes"));
    return claim(s, coupon_id, user_id, idem_key, now, 1, code, replayed, err);
}

qt_status qt__pg_redeem(qt_store *s, int64_t merchant_id, const char *code, int64_t now, qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    qt_status rc;
    qt__pgp_text(&p, code);
    qt__pgp_i64(&p, now);
    qt__pgp_i64(&p, merchant_id);
    /* one conditional statement: of concurrent redemptions of a code, one updates the row */
    if (!(r = qt__pg_run(
              s,
              "UPDATE claims c SET redeemed_at = $2::bigint, redeemed_by = $3::bigint FROM coupons k"
              " WHERE c.code = $1 AND k.id = c.coupon_id AND c.redeemed_at IS NULL AND k.valid_to > $2::bigint"
              " AND EXISTS (SELECT 1 FROM merchant_outlets m WHERE m.user_id = $3::bigint"
              " AND m.outlet_id = k.outlet_id) RETURNING c.code",
              &p, "redeem", err)))
        return QT_EDB;
    if (PQntuples(r) == 1) {
        PQclear(r);
        qt__pg_audit(s, merchant_id, now, "coupon.redeem", code);
        return QT_OK;
    }
    PQclear(r);
    /* why not, in the SQLite backend's order: unknown, another merchant's, redeemed, expired */
    p.n = 0;
    qt__pgp_text(&p, code);
    qt__pgp_i64(&p, merchant_id);
    if (!(r = qt__pg_run(s,
                         "SELECT c.redeemed_at IS NOT NULL, k.valid_to,"
                         " EXISTS (SELECT 1 FROM merchant_outlets m WHERE m.user_id = $2::bigint"
                         " AND m.outlet_id = k.outlet_id)"
                         " FROM claims c JOIN coupons k ON k.id = c.coupon_id WHERE c.code = $1",
                         &p, "redeem", err)))
        return QT_EDB;
    if (PQntuples(r) == 0)
        rc = qt_error_set(err, QT_ENOTFOUND, "code", _("unknown code"));
    else if (!qt__pg_i64(r, 0, 2))
        rc = qt_error_set(err, QT_EFORBIDDEN, "code", _("this code is for another merchant's coupon"));
    else if (qt__pg_i64(r, 0, 0))
        rc = qt_error_set(err, QT_ECONFLICT, "code", _("this code is redeemed already"));
    else
        rc = qt_error_set(err, QT_EGONE, "code", _("the coupon has expired"));
    PQclear(r);
    return rc;
}

qt_status qt__pg_coupons_active(qt_store *s, int64_t outlet_id, int64_t now, int limit, qt_store_coupon_fn fn, void *ud,
                                qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int i;
    qt_status rc = QT_OK;
    qt__pgp_i64(&p, outlet_id);
    qt__pgp_i64(&p, now);
    qt__pgp_i64(&p, limit > 0 ? limit : 100);
    if (!(r = qt__pg_run(
              s,
              "SELECT k.id, k.outlet_id, k.title, o.name, o.lon, o.lat, k.quantity, k.claimed,"
              " k.per_user_limit, k.valid_from, k.valid_to FROM coupons k JOIN outlets o ON o.id = k.outlet_id"
              " WHERE k.valid_from <= $2::bigint AND k.valid_to > $2::bigint AND k.claimed < k.quantity"
              " AND o.closed_at IS NULL AND ($1::bigint = 0 OR k.outlet_id = $1::bigint) ORDER BY k.id LIMIT "
              "$3::bigint",
              &p, "coupons", err)))
        return QT_EDB;
    for (i = 0; rc == QT_OK && i < PQntuples(r); i++) {
        qt_store_coupon c;
        c.id = qt__pg_i64(r, i, 0);
        c.outlet_id = qt__pg_i64(r, i, 1);
        c.title = qt__pg_txt(r, i, 2);
        c.outlet_name = qt__pg_txt(r, i, 3);
        c.lon = qt__pg_dbl(r, i, 4);
        c.lat = qt__pg_dbl(r, i, 5);
        c.quantity = qt__pg_i64(r, i, 6);
        c.claimed = qt__pg_i64(r, i, 7);
        c.per_user_limit = qt__pg_i64(r, i, 8);
        c.valid_from = qt__pg_i64(r, i, 9);
        c.valid_to = qt__pg_i64(r, i, 10);
        rc = fn(ud, &c, err);
    }
    PQclear(r);
    return rc;
}

qt_status qt__pg_claims_of_user(qt_store *s, int64_t user_id, int64_t now, int limit, qt_store_claim_fn fn, void *ud,
                                qt_error *err)
{
    qt__pgp p = {0};
    PGresult *r;
    int i;
    qt_status rc = QT_OK;
    qt__pgp_i64(&p, user_id);
    qt__pgp_i64(&p, limit > 0 ? limit : 100);
    if (!(r = qt__pg_run(s,
                         "SELECT c.code, k.title, o.name, c.coupon_id, k.outlet_id, c.claimed_at,"
                         " coalesce(c.redeemed_at, 0), k.valid_from, k.valid_to"
                         " FROM claims c JOIN coupons k ON k.id = c.coupon_id JOIN outlets o ON o.id = k.outlet_id"
                         " WHERE c.user_id = $1::bigint ORDER BY c.claimed_at DESC, c.seq DESC LIMIT $2::bigint",
                         &p, "claims", err)))
        return QT_EDB;
    for (i = 0; rc == QT_OK && i < PQntuples(r); i++) {
        qt_store_claim c;
        c.code = qt__pg_txt(r, i, 0);
        c.title = qt__pg_txt(r, i, 1);
        c.outlet_name = qt__pg_txt(r, i, 2);
        c.coupon_id = qt__pg_i64(r, i, 3);
        c.outlet_id = qt__pg_i64(r, i, 4);
        c.claimed_at = qt__pg_i64(r, i, 5);
        c.redeemed_at = qt__pg_i64(r, i, 6);
        c.valid_from = qt__pg_i64(r, i, 7);
        c.valid_to = qt__pg_i64(r, i, 8);
        c.status = c.redeemed_at ? "redeemed" : now >= c.valid_to ? "expired" : "active";
        rc = fn(ud, &c, err);
    }
    PQclear(r);
    return rc;
}

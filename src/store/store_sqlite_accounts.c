/* SPDX-License-Identifier: MIT */
/*
 * store_sqlite_accounts.c -- the SQLite backend's accounts and tokens, the
 * older login, coupons (issue, claim, redeem), operators' outlet edits and
 * merchant credit, jobs, survey answers and complaints (quarter/store.h).
 */
#include <math.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "quarter/store.h"
#include "store/sqlite_internal.h"

/* ---- accounts -------------------------------------------------------------------- */

qt_status qt__sq_user_add(qt_store *s, const char *name, qt_role role, const char *password, int64_t *id, qt_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if (!name || !*name || strlen(name) > 64)
        return qt_error_set(err, QT_EINVAL, "name", _("a name is 1 to 64 bytes"));
    if (role == QT_ROLE_NONE)
        return qt_error_set(err, QT_EINVAL, "role", _("the role is admin, operator, merchant or resident"));
    if (!password || strlen(password) < 8 || strlen(password) > 256)
        return qt_error_set(err, QT_EINVAL, "password", _("a password is 8 to 256 bytes"));
    if (crypto_pwhash_str_alg(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return qt_error_set(err, QT_ENOMEM, "password", _("no memory to hash the password"));
    if ((rc = prepare(s,
                      "INSERT INTO users(name, role, pw_hash, created_at) VALUES (?1, ?2, ?3, strftime('%s'))"
                      " RETURNING id",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, qt_role_name(role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r != SQLITE_ROW) {
        rc = sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE
                 ? qt_error_set(err, QT_ECONFLICT, "name", _("'%s' is taken"), name)
                 : db_fail(s, err, "user");
        sqlite3_finalize(st);
        return rc;
    }
    if (id)
        *id = sqlite3_column_int64(st, 0);
    finish_returning(st);
    return QT_OK;
}

static void token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

qt_status qt__sq_login(qt_store *s, const char *name, const char *password, const char *addr, int64_t now,
                       int64_t ttl_s, int max_attempts, int64_t window_s, char token[65], int64_t *user_id,
                       qt_role *role, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t uid = 0, failures, from_addr = 0;
    qt_role urole = QT_ROLE_NONE;
    char hash[crypto_pwhash_STRBYTES] = "";
    unsigned char raw[32], th[32];
    int found = 0;
    /* rate limit: failed attempts for this name in the window */
    if ((rc = prepare(s, "SELECT count(*) FROM login_attempts WHERE name = ?1 AND at > ?2", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now - window_s);
    failures = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (addr && *addr) {
        if ((rc = prepare(s, "SELECT count(*) FROM login_attempts WHERE addr = ?1 AND at > ?2", &st, err)) != QT_OK)
            return rc;
        sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now - window_s);
        from_addr = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
    }
    if (failures >= max_attempts)
        return qt_error_set(err, QT_ELIMIT, "login", _("too many failed logins for '%s'; wait and try again"), name);
    if (from_addr >= 4 * (int64_t)max_attempts)
        return qt_error_set(err, QT_ELIMIT, "login", _("too many failed logins from this address; wait and try again"));
    if ((rc = prepare(s, "SELECT id, pw_hash, role FROM users WHERE name = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        uid = sqlite3_column_int64(st, 0);
        snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 1));
        urole = qt_role_parse((const char *)sqlite3_column_text(st, 2));
        found = 1;
    }
    sqlite3_finalize(st);
    if (!found || crypto_pwhash_str_verify(hash, password, strlen(password)) != 0) {
        if (prepare(s, "INSERT INTO login_attempts(name, at, addr) VALUES (?1, ?2, ?3)", &st, NULL) == QT_OK) {
            sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, now);
            sqlite3_bind_text(st, 3, addr ? addr : "", -1, SQLITE_STATIC);
            sqlite3_step(st);
            sqlite3_finalize(st);
        }
        return qt_error_set(err, QT_EAUTH, "login", _("wrong name or password"));
    }
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, 65, raw, sizeof raw);
    token_hash(token, th);
    if ((rc = prepare(s, "INSERT INTO tokens(hash, user_id, expires_at) VALUES (?1, ?2, ?3)", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, uid);
    sqlite3_bind_int64(st, 3, now + ttl_s);
    if ((rc = step_done(s, st, "token", err)) != QT_OK)
        return rc;
    if (user_id)
        *user_id = uid;
    if (role)
        *role = urole;
    return QT_OK;
}

qt_status qt__sq_token_user(qt_store *s, const char *token, int64_t now, int64_t *user_id, qt_role *role, qt_error *err)
{
    sqlite3_stmt *st;
    unsigned char th[32];
    qt_status rc;
    token_hash(token, th);
    if ((rc = prepare(s,
                      "SELECT u.id, u.role FROM tokens t JOIN users u ON u.id = t.user_id"
                      " WHERE t.hash = ?1 AND t.expires_at > ?2",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return qt_error_set(err, QT_ENOTFOUND, "token", _("unknown or expired token"));
    }
    *user_id = sqlite3_column_int64(st, 0);
    *role = qt_role_parse((const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    return QT_OK;
}

qt_status qt__sq_merchant_link(qt_store *s, int64_t user_id, int64_t outlet_id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int merchant = 0, outlet = 0;
    if ((rc = prepare(s,
                      "SELECT (SELECT role FROM users WHERE id = ?1) = 'merchant',"
                      " EXISTS (SELECT 1 FROM outlets WHERE id = ?2)",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, outlet_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        merchant = sqlite3_column_int(st, 0);
        outlet = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (!merchant)
        return qt_error_set(err, QT_EINVAL, "user", _("user %lld is not a merchant"), (long long)user_id);
    if (!outlet)
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)outlet_id);
    if ((rc = prepare(s, "INSERT OR IGNORE INTO merchant_outlets(user_id, outlet_id) VALUES (?1, ?2)", &st, err)) !=
        QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, outlet_id);
    return step_done(s, st, "link", err);
}

qt_status qt__sq_merchant_outlets(qt_store *s, int64_t user_id, int64_t **ids, size_t *n, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    size_t cap = 0;
    int r;
    *ids = NULL;
    *n = 0;
    if ((rc = prepare(s,
                      "SELECT m.outlet_id FROM merchant_outlets m JOIN outlets o ON o.id = m.outlet_id"
                      " WHERE m.user_id = ?1 ORDER BY m.outlet_id",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (qt__grow((void **)ids, &cap, *n + 1, sizeof **ids) != 0) {
            r = SQLITE_NOMEM;
            break;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    rc = r == SQLITE_DONE    ? QT_OK
         : r == SQLITE_NOMEM ? qt_error_set(err, QT_ENOMEM, "outlets", _("no memory"))
                             : db_fail(s, err, "outlets");
    sqlite3_finalize(st);
    if (rc != QT_OK) {
        qt__free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- coupons ------------------------------------------------------------------------ */

qt_status qt__sq_coupon_create(qt_store *s, int64_t merchant_id, const qt_coupon_spec *c, int64_t now, int64_t *id,
                               qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int owns = 0, exists = 0;
    if ((rc = qt__store_check_coupon(c, err)) != QT_OK)
        return rc;
    if ((rc = prepare(s,
                      "SELECT EXISTS (SELECT 1 FROM outlets WHERE id = ?2),"
                      " EXISTS (SELECT 1 FROM merchant_outlets WHERE user_id = ?1 AND outlet_id = ?2)",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, merchant_id);
    sqlite3_bind_int64(st, 2, c->outlet_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        exists = sqlite3_column_int(st, 0);
        owns = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (!exists)
        return qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)c->outlet_id);
    if (!owns)
        return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not yours"), (long long)c->outlet_id);
    if ((rc = prepare(s,
                      "INSERT INTO coupons(outlet_id, title, quantity, per_user_limit, valid_from, valid_to,"
                      " created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, c->outlet_id);
    sqlite3_bind_text(st, 2, c->title, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->quantity);
    sqlite3_bind_int64(st, 4, c->per_user_limit);
    sqlite3_bind_int64(st, 5, c->valid_from);
    sqlite3_bind_int64(st, 6, c->valid_to);
    sqlite3_bind_int64(st, 7, merchant_id);
    sqlite3_bind_int64(st, 8, now);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(s, err, "coupon");
        sqlite3_finalize(st);
        return rc;
    }
    *id = sqlite3_column_int64(st, 0);
    finish_returning(st);
    {
        char detail[96];
        snprintf(detail, sizeof detail, "coupon %lld outlet %lld quantity %lld", (long long)*id,
                 (long long)c->outlet_id, (long long)c->quantity);
        qt__sq_audit(s, merchant_id, now, "coupon.create", detail);
    }
    return QT_OK;
}

qt_status qt__sq_coupon_claim(qt_store *s, int64_t coupon_id, int64_t user_id, int64_t now, char code[33],
                              qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    unsigned char raw[16];
    /* one IMMEDIATE transaction: the check and the insert cannot interleave with another claim */
    if ((rc = sq_exec_at(s, "BEGIN IMMEDIATE", err)) != QT_OK)
        return rc;
    if ((rc = qt__sq_coupon_claimable(s, coupon_id, user_id, now, err)) != QT_OK)
        goto fail;
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(code, 33, raw, sizeof raw);
    if ((rc = prepare(s, "INSERT INTO claims(code, coupon_id, user_id, claimed_at) VALUES (?1, ?2, ?3, ?4)", &st,
                      err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, coupon_id);
    sqlite3_bind_int64(st, 3, user_id);
    sqlite3_bind_int64(st, 4, now);
    if ((rc = step_done(s, st, "claim", err)) != QT_OK)
        goto fail;
    if ((rc = prepare(s, "UPDATE coupons SET claimed = claimed + 1 WHERE id = ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, coupon_id);
    if ((rc = step_done(s, st, "claim", err)) != QT_OK)
        goto fail;
    if ((rc = sq_exec_at(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    sq_exec_at(s, "ROLLBACK", NULL);
    return rc;
}

qt_status qt__sq_redeem(qt_store *s, int64_t merchant_id, const char *code, int64_t now, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int found = 0, owns = 0, redeemed = 0;
    int64_t to = 0;
    if ((rc = sq_exec_at(s, "BEGIN IMMEDIATE", err)) != QT_OK)
        return rc;
    if ((rc = prepare(s,
                      "SELECT c.redeemed_at IS NOT NULL, k.valid_to,"
                      " EXISTS (SELECT 1 FROM merchant_outlets m WHERE m.user_id = ?2 AND m.outlet_id = k.outlet_id)"
                      " FROM claims c JOIN coupons k ON k.id = c.coupon_id WHERE c.code = ?1",
                      &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, merchant_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 1;
        redeemed = sqlite3_column_int(st, 0);
        to = sqlite3_column_int64(st, 1);
        owns = sqlite3_column_int(st, 2);
    }
    sqlite3_finalize(st);
    if (!found)
        rc = qt_error_set(err, QT_ENOTFOUND, "code", _("unknown code"));
    else if (!owns)
        rc = qt_error_set(err, QT_EFORBIDDEN, "code", _("this code is for another merchant's coupon"));
    else if (redeemed)
        rc = qt_error_set(err, QT_ECONFLICT, "code", _("this code is redeemed already"));
    else if (now >= to)
        rc = qt_error_set(err, QT_EGONE, "code", _("the coupon has expired"));
    if (rc != QT_OK)
        goto fail;
    if ((rc = prepare(s, "UPDATE claims SET redeemed_at = ?2, redeemed_by = ?3 WHERE code = ?1 AND redeemed_at IS NULL",
                      &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, merchant_id);
    if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(s->db) != 1) {
        rc = db_fail(s, err, "redeem");
        sqlite3_finalize(st);
        goto fail;
    }
    sqlite3_finalize(st);
    if ((rc = sq_exec_at(s, "COMMIT", err)) != QT_OK)
        goto fail;
    qt__sq_audit(s, merchant_id, now, "coupon.redeem", code);
    return QT_OK;
fail:
    sq_exec_at(s, "ROLLBACK", NULL);
    return rc;
}

/* ---- operators, outlet edits, credit ---------------------------------------------- */

qt_status qt__sq_user_set_circle(qt_store *s, int64_t user_id, int64_t circle_id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = prepare(s, "UPDATE users SET circle_id = ?2 WHERE id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    if (circle_id)
        sqlite3_bind_int64(st, 2, circle_id);
    if ((rc = step_done(s, st, "user", err)) != QT_OK)
        return rc;
    if (sqlite3_changes(s->db) != 1)
        return qt_error_set(err, QT_ENOTFOUND, "user", _("no user %lld"), (long long)user_id);
    return QT_OK;
}

void qt__sq_audit(qt_store *s, int64_t user_id, int64_t now, const char *action, const char *detail)
{
    sqlite3_stmt *st;
    if (prepare(s, "INSERT INTO audit_log(at, user_id, action, detail) VALUES (?1, ?2, ?3, ?4)", &st, NULL) != QT_OK)
        return;
    sqlite3_bind_int64(st, 1, now);
    if (user_id)
        sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, detail ? detail : "", -1, SQLITE_STATIC);
    step_done(s, st, "audit", NULL);
}

qt_status qt__sq_outlet_update(qt_store *s, int64_t actor, qt_role role, int64_t outlet_id, const qt_outlet_patch *p,
                               qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t ocircle = 0, ucircle = 0;
    int found = 0;
    char detail[64];
    if (p->name && !*p->name)
        return qt_error_set(err, QT_EINVAL, "name", _("a name cannot be empty"));
    if ((rc = prepare(s,
                      "SELECT o.circle_id, (SELECT circle_id FROM users WHERE id = ?2) FROM outlets o WHERE o.id = ?1",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, outlet_id);
    sqlite3_bind_int64(st, 2, actor);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 1;
        ocircle = sqlite3_column_int64(st, 0);
        ucircle = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (!found)
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)outlet_id);
    if (role != QT_ROLE_ADMIN && !(role == QT_ROLE_OPERATOR && ucircle && ucircle == ocircle))
        return qt_error_set(err, QT_EFORBIDDEN, "outlet", _("outlet %lld is not in your circle"), (long long)outlet_id);
    if ((rc = prepare(s,
                      "UPDATE outlets SET name = coalesce(?2, name), category = coalesce(?3, category),"
                      " address = coalesce(?4, address), brand = coalesce(?5, brand),"
                      " opening_hours = coalesce(?6, opening_hours), services = coalesce(?7, services),"
                      " cash = CASE ?8 WHEN -2 THEN cash WHEN -1 THEN NULL ELSE ?8 END,"
                      " barrier_free = CASE ?9 WHEN -2 THEN barrier_free WHEN -1 THEN NULL ELSE ?9 END,"
                      " api_edited = api_edited | ?10, updated_at = strftime('%s') WHERE id = ?1",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, outlet_id);
    if (p->name)
        sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
    if (p->category)
        sqlite3_bind_text(st, 3, p->category, -1, SQLITE_STATIC);
    if (p->address)
        sqlite3_bind_text(st, 4, p->address, -1, SQLITE_STATIC);
    if (p->brand)
        sqlite3_bind_text(st, 5, p->brand, -1, SQLITE_STATIC);
    if (p->opening_hours)
        sqlite3_bind_text(st, 6, p->opening_hours, -1, SQLITE_STATIC);
    if (p->services)
        sqlite3_bind_text(st, 7, p->services, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, p->cash);
    sqlite3_bind_int(st, 9, p->barrier_free);
    /* what the API edited survives a re-import (qt_store_outlet_import) */
    sqlite3_bind_int(st, 10,
                     (int)((p->name ? QT_EDIT_NAME : 0) | (p->category ? QT_EDIT_CATEGORY : 0) |
                           (p->address ? QT_EDIT_ADDRESS : 0) | (p->brand ? QT_EDIT_BRAND : 0) |
                           (p->opening_hours ? QT_EDIT_HOURS : 0) | (p->services ? QT_EDIT_SERVICES : 0) |
                           (p->cash != -2 ? QT_EDIT_CASH : 0) | (p->barrier_free != -2 ? QT_EDIT_BARRIER_FREE : 0)));
    if ((rc = step_done(s, st, "outlet", err)) != QT_OK)
        return rc;
    snprintf(detail, sizeof detail, "outlet %lld", (long long)outlet_id);
    qt__sq_audit(s, actor, (int64_t)time(NULL), "outlet.update", detail);
    return QT_OK;
}

qt_status qt__sq_outlet_credit(qt_store *s, int64_t outlet_id, int64_t now, int *complaints, int *score, char *grade,
                               qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int n = 0;
    /* upheld complaints, and open ones the merchant left unanswered for
     * QT_COMPLAINT_ANSWER_DAYS, made in the 365 days before now */
    if ((rc = prepare(s,
                      "SELECT count(*) FROM complaints WHERE outlet_id = ?1 AND created_at > ?2"
                      " AND (status = 'upheld' OR (status = 'open' AND answered_at IS NULL AND created_at <= ?3))",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, outlet_id);
    sqlite3_bind_int64(st, 2, now - 365 * 86400);
    sqlite3_bind_int64(st, 3, now - (int64_t)QT_COMPLAINT_ANSWER_DAYS * 86400);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    *complaints = n;
    *score = n >= 10 ? 0 : 100 - 10 * n;
    *grade = *score >= 90 ? 'A' : *score >= 70 ? 'B' : *score >= 50 ? 'C' : 'D';
    return QT_OK;
}

/* ---- jobs, surveys, complaints ----------------------------------------------------------- */

qt_status qt__sq_job_create(qt_store *s, int64_t user_id, qt_role role, const qt_store_job *j, int64_t now, int64_t *id,
                            qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t expires;
    if ((rc = qt__store_check_job(j, err)) != QT_OK || (rc = qt__store_job_expiry(j, now, &expires, err)) != QT_OK)
        return rc;
    if (j->outlet_id && role == QT_ROLE_MERCHANT) {
        int owns = 0;
        if ((rc = prepare(s, "SELECT EXISTS (SELECT 1 FROM merchant_outlets WHERE user_id = ?1 AND outlet_id = ?2)",
                          &st, err)) != QT_OK)
            return rc;
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_int64(st, 2, j->outlet_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            owns = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (!owns)
            return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not yours"),
                                (long long)j->outlet_id);
    }
    if (j->outlet_id && role == QT_ROLE_OPERATOR) {
        int exists = 0, mine = 0;
        if ((rc = prepare(
                 s,
                 "SELECT o.circle_id IS NOT NULL AND o.circle_id = (SELECT circle_id FROM users WHERE id = ?1),"
                 " 1 FROM outlets o WHERE o.id = ?2",
                 &st, err)) != QT_OK)
            return rc;
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_int64(st, 2, j->outlet_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            mine = sqlite3_column_int(st, 0);
            exists = 1;
        }
        sqlite3_finalize(st);
        if (!exists)
            return qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)j->outlet_id);
        if (!mine)
            return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not in your circle"),
                                (long long)j->outlet_id);
    }
    if ((rc = prepare(s,
                      "INSERT INTO jobs(outlet_id, title, description, lon, lat, pay, created_by, created_at,"
                      " expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
                      &st, err)) != QT_OK)
        return rc;
    if (j->outlet_id)
        sqlite3_bind_int64(st, 1, j->outlet_id);
    sqlite3_bind_text(st, 2, j->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, j->description ? j->description : "", -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, j->lon);
    sqlite3_bind_double(st, 5, j->lat);
    sqlite3_bind_text(st, 6, j->pay ? j->pay : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, user_id);
    sqlite3_bind_int64(st, 8, now);
    sqlite3_bind_int64(st, 9, expires);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_FOREIGNKEY
                 ? qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)j->outlet_id)
                 : db_fail(s, err, "job");
        sqlite3_finalize(st);
        return rc;
    }
    *id = sqlite3_column_int64(st, 0);
    finish_returning(st);
    return QT_OK;
}

/* every row of st to fn, the statement finalized */
static qt_status jobs_rows(qt_store *s, sqlite3_stmt *st, qt_store_job_fn fn, void *ud, qt_error *err)
{
    qt_status rc = QT_OK;
    int r = SQLITE_DONE;
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_job j;
        qt__sqlite_row_job(st, &j);
        rc = fn(ud, &j, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "jobs");
    sqlite3_finalize(st);
    return rc;
}

qt_status qt__sq_jobs_each(qt_store *s, int64_t now, qt_store_job_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = prepare(s, QT__JOB_COLUMNS " WHERE ?1 = 0 OR " QT__JOB_CLOSES " > ?1 ORDER BY id", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    return jobs_rows(s, st, fn, ud, err);
}

qt_status qt__sq_jobs_of_poster(qt_store *s, int64_t user_id, int limit, qt_store_job_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = prepare(s, QT__JOB_COLUMNS " WHERE created_by = ?1 ORDER BY id DESC LIMIT ?2", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : 100);
    return jobs_rows(s, st, fn, ud, err);
}

/* after a statement on job id changed nothing: QT_EGONE (closed: the job is there) or QT_EFORBIDDEN (not
 * closed: someone else's), or QT_ENOTFOUND */
static qt_status job_there(qt_store *s, int64_t id, int closed, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = prepare(s, "SELECT 1 FROM jobs WHERE id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r == SQLITE_ROW)
        return closed
                   ? qt_error_set(err, QT_EGONE, "job", _("job %lld has closed"), (long long)id)
                   : qt_error_set(err, QT_EFORBIDDEN, "job", _("job %lld was posted by someone else"), (long long)id);
    if (r != SQLITE_DONE)
        return db_fail(s, err, "job");
    return qt_error_set(err, QT_ENOTFOUND, "job", _("no job %lld"), (long long)id);
}

qt_status qt__sq_job_update(qt_store *s, int64_t user_id, const qt_store_job *j, int64_t now, qt_store_job_fn fn,
                            void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = qt__store_check_job_edit(j, now, err)) != QT_OK)
        return rc;
    /* one statement: the poster's own job changes, or nothing does (then: whose, or none) */
    if ((rc = prepare(s,
                      "UPDATE jobs SET title = coalesce(?3, title), description = coalesce(?4, description),"
                      " pay = coalesce(?5, pay), expires_at = coalesce(?6, expires_at)"
                      " WHERE id = ?1 AND created_by = ?2 RETURNING " QT__JOB_FIELDS,
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, j->id);
    sqlite3_bind_int64(st, 2, user_id);
    if (j->title)
        sqlite3_bind_text(st, 3, j->title, -1, SQLITE_STATIC);
    if (j->description)
        sqlite3_bind_text(st, 4, j->description, -1, SQLITE_STATIC);
    if (j->pay)
        sqlite3_bind_text(st, 5, j->pay, -1, SQLITE_STATIC);
    if (j->expires_at)
        sqlite3_bind_int64(st, 6, j->expires_at);
    if ((r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_job got;
        qt__sqlite_row_job(st, &got);
        rc = fn ? fn(ud, &got, err) : QT_OK;
        finish_returning(st);
        return rc;
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return db_fail(s, err, "job");
    return job_there(s, j->id, 0, err);
}

/* an INSERT that may hit a missing parent (404) or a duplicate key (409) */
static qt_status insert_once(qt_store *s, sqlite3_stmt *st, const char *what, const char *dup, qt_error *err)
{
    int r = sqlite3_step(st), ext = sqlite3_extended_errcode(s->db);
    qt_status rc = QT_OK;
    if (r != SQLITE_DONE && r != SQLITE_ROW) {
        if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
            rc = qt_error_set(err, QT_ENOTFOUND, what, _("no such %s"), what);
        else if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE)
            rc = qt_error_set(err, QT_ECONFLICT, what, "%s", dup);
        else
            rc = db_fail(s, err, what);
    }
    sqlite3_finalize(st);
    return rc;
}

qt_status qt__sq_job_apply(qt_store *s, int64_t job_id, int64_t user_id, const char *message, int64_t now,
                           qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    /* one statement: an application to an open job; none made, the job is closed or not there */
    if ((rc = prepare(s,
                      "INSERT INTO applications(job_id, user_id, message, created_at)"
                      " SELECT id, ?2, ?3, ?4 FROM jobs WHERE id = ?1 AND " QT__JOB_CLOSES " > ?4",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, job_id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, message ? message : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    if ((rc = insert_once(s, st, "job", _("you have applied already"), err)) != QT_OK || sqlite3_changes(s->db) > 0)
        return rc;
    return job_there(s, job_id, 1, err);
}

qt_status qt__sq_survey_add(qt_store *s, int64_t circle_id, int64_t user_id, const char *period, int satisfied,
                            const char *comment, int64_t now, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = prepare(s,
                      "INSERT INTO surveys(circle_id, user_id, period, satisfied, comment, created_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, circle_id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, satisfied != 0);
    sqlite3_bind_text(st, 5, comment ? comment : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    return insert_once(s, st, "circle", _("you have answered for this circle and period already"), err);
}

qt_status qt__sq_complaint_add(qt_store *s, int64_t outlet_id, int64_t user_id, const char *kind, const char *text,
                               int64_t now, int64_t *id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t recent = 0;
    if ((rc = qt__store_check_complaint(kind, text, err)) != QT_OK)
        return rc;
    /* the check and the insert in one IMMEDIATE transaction: concurrent complaints cannot both pass */
    if ((rc = sq_exec_at(s, "BEGIN IMMEDIATE", err)) != QT_OK)
        return rc;
    if ((rc = prepare(s,
                      "SELECT count(*) FROM complaints WHERE user_id = ?1 AND outlet_id = ?2"
                      " AND (status = 'open' OR created_at > ?3)",
                      &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, outlet_id);
    sqlite3_bind_int64(st, 3, now - (int64_t)QT_COMPLAINT_REPEAT_DAYS * 86400);
    if (sqlite3_step(st) == SQLITE_ROW)
        recent = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (recent) {
        rc = qt_error_set(err, QT_ECONFLICT, "outlet_id",
                          _("you have complained about this shop in the last %d days or it is still open"),
                          QT_COMPLAINT_REPEAT_DAYS);
        goto fail;
    }
    if ((rc = prepare(s,
                      "INSERT INTO complaints(outlet_id, user_id, kind, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                      " RETURNING id",
                      &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, outlet_id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text ? text : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_FOREIGNKEY
                 ? qt_error_set(err, QT_ENOTFOUND, "outlet_id", _("no outlet %lld"), (long long)outlet_id)
                 : db_fail(s, err, "complaint");
        sqlite3_finalize(st);
        goto fail;
    }
    *id = sqlite3_column_int64(st, 0);
    finish_returning(st);
    if ((rc = sq_exec_at(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    sq_exec_at(s, "ROLLBACK", NULL);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * store_sqlite.c -- the SQLite backend of quarter/store.h: every SQL
 * statement of the store is in this file.  WAL mode, foreign keys, a busy
 * timeout; migrations from src/store/migrations (embedded at build time)
 * applied in order inside one transaction each, the version kept in
 * PRAGMA user_version.
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

struct qt__migration {
    const char *name;
    const char *sql;
};
extern const struct qt__migration qt__migrations[];
extern const size_t qt__nmigrations;

static const char *const role_names[] = {"", "resident", "merchant", "operator", "admin"};

qt_role qt_role_parse(const char *s)
{
    int r;
    for (r = QT_ROLE_RESIDENT; s && r <= QT_ROLE_ADMIN; r++)
        if (strcmp(s, role_names[r]) == 0)
            return (qt_role)r;
    return QT_ROLE_NONE;
}

const char *qt_role_name(qt_role r)
{
    return (unsigned)r <= QT_ROLE_ADMIN ? role_names[r] : "";
}

void qt_store_free_str(char *s)
{
    qt__free(s);
}

/* a statement with RETURNING whose row was read: step it to DONE, then finalize */
static void finish_returning(sqlite3_stmt *st)
{
    while (sqlite3_step(st) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
}

static qt_status exec(qt_store *s, const char *sql, qt_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        qt_status st = qt_error_set(err, QT_EDB, s->path, _("%s"), msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return st;
    }
    return QT_OK;
}

/* run a prepared statement that returns no rows; finalizes it */
static qt_status step_done(qt_store *s, sqlite3_stmt *st, const char *what, qt_error *err)
{
    qt_status rc = sqlite3_step(st) == SQLITE_DONE ? QT_OK : db_fail(s, err, what);
    sqlite3_finalize(st);
    return rc;
}

static int64_t one_int(qt_store *s, const char *sql, int64_t dflt)
{
    sqlite3_stmt *st;
    int64_t v = dflt;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return dflt;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int qt_store_version(qt_store *s)
{
    return (int)one_int(s, "PRAGMA user_version", -1);
}

void qt_store_close(qt_store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    qt__free(s->path);
    qt__free(s);
}

qt_status qt_store_open(const char *path, qt_store **out, qt_error *err)
{
    qt_store *s;
    int v;
    size_t i;
    qt_status st;
    *out = NULL;
    if (sodium_init() < 0)
        return qt_error_set(err, QT_EINTERNAL, path, _("libsodium cannot start"));
    s = qt__calloc(1, sizeof *s);
    if (!s || !(s->path = qt__strdup(path))) {
        qt__free(s);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        st = qt_error_set(err, QT_EIO, path, _("cannot open the store: %s"), s->db ? sqlite3_errmsg(s->db) : "no memory");
        qt_store_close(s);
        return st;
    }
    sqlite3_busy_timeout(s->db, 10000);
    if ((st = exec(s, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                    " PRAGMA journal_size_limit = 67108864;", err)) !=
        QT_OK) {
        qt_store_close(s);
        return st;
    }
    v = qt_store_version(s);
    if (v < 0 || (size_t)v > qt__nmigrations) {
        st = qt_error_set(err, QT_EUNSUPPORTED, path,
                          _("the store has schema version %d; this quarter knows %zu (a newer quarter made it?)"), v,
                          qt__nmigrations);
        qt_store_close(s);
        return st;
    }
    for (i = (size_t)v; i < qt__nmigrations; i++) {
        char pragma[64];
        if ((st = exec(s, "BEGIN IMMEDIATE", err)) != QT_OK)
            break;
        /* someone else may have migrated meanwhile */
        if ((size_t)qt_store_version(s) > i) {
            exec(s, "COMMIT", err);
            continue;
        }
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %zu", i + 1);
        if ((st = exec(s, qt__migrations[i].sql, err)) != QT_OK || (st = exec(s, pragma, err)) != QT_OK) {
            char where[200];
            snprintf(where, sizeof where, "%s: migration %s", path, qt__migrations[i].name);
            exec(s, "ROLLBACK", NULL);
            qt_error_clear(err);
            st = qt_error_set(err, QT_EDB, where, _("%s"), sqlite3_errmsg(s->db));
            break;
        }
        if ((st = exec(s, "COMMIT", err)) != QT_OK)
            break;
    }
    if (st != QT_OK) {
        qt_store_close(s);
        return st;
    }
    *out = s;
    return QT_OK;
}

/* ---- outlets ------------------------------------------------------------------ */

/* id of the row with this name in table (communities / circles), created when new */
static qt_status name_id(qt_store *s, const char *table, const char *name, int64_t *id, qt_error *err)
{
    char sql[160];
    sqlite3_stmt *st;
    qt_status rc;
    snprintf(sql, sizeof sql, "INSERT INTO %s(name) VALUES (?1) ON CONFLICT(name) DO UPDATE SET name = name RETURNING id",
             table);
    if ((rc = prepare(s, sql, &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return db_fail(s, err, table);
    }
    *id = sqlite3_column_int64(st, 0);
    finish_returning(st);
    return QT_OK;
}

static void bind_opt_double(sqlite3_stmt *st, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static void bind_opt_flag(sqlite3_stmt *st, int i, int v)
{
    if (v >= 0)
        sqlite3_bind_int(st, i, v != 0);
    else
        sqlite3_bind_null(st, i);
}

qt_status qt_store_outlet_put(qt_store *s, const qt_store_outlet *o, int64_t *id, qt_error *err)
{
    sqlite3_stmt *st;
    int64_t com = 0, cir = 0;
    qt_status rc;
    if ((o->community && *o->community && (rc = name_id(s, "communities", o->community, &com, err)) != QT_OK) ||
        (o->circle && *o->circle && (rc = name_id(s, "circles", o->circle, &cir, err)) != QT_OK))
        return rc;
    rc = prepare(s,
                 "INSERT INTO outlets(ext_id, name, category, lon, lat, address, brand, chain, opening_hours, services,"
                 " cash, barrier_free, staff, floor_area, community_id, circle_id, updated_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, strftime('%s'))"
                 /* fields edited through the API (api_edited bits, QT_EDIT_*) keep their value */
                 " ON CONFLICT(ext_id) DO UPDATE SET name = iif(api_edited & 1, name, ?2),"
                 " category = iif(api_edited & 2, category, ?3), lon = ?4, lat = ?5,"
                 " address = iif(api_edited & 4, address, ?6), brand = iif(api_edited & 8, brand, ?7), chain = ?8,"
                 " opening_hours = iif(api_edited & 16, opening_hours, ?9),"
                 " services = iif(api_edited & 32, services, ?10), cash = iif(api_edited & 64, cash, ?11),"
                 " barrier_free = iif(api_edited & 128, barrier_free, ?12),"
                 " staff = ?13, floor_area = ?14, community_id = ?15, circle_id = ?16, updated_at = strftime('%s')"
                 " RETURNING id",
                 &st, err);
    if (rc != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, o->ext_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->name ? o->name : "", -1, SQLITE_STATIC);
    if (o->category && *o->category)
        sqlite3_bind_text(st, 3, o->category, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, o->lon);
    sqlite3_bind_double(st, 5, o->lat);
    sqlite3_bind_text(st, 6, o->address ? o->address : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, o->brand ? o->brand : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, o->chain != 0);
    sqlite3_bind_text(st, 9, o->opening_hours ? o->opening_hours : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, o->services ? o->services : "", -1, SQLITE_STATIC);
    bind_opt_flag(st, 11, o->cash);
    bind_opt_flag(st, 12, o->barrier_free);
    bind_opt_double(st, 13, o->staff);
    bind_opt_double(st, 14, o->floor_area);
    if (com)
        sqlite3_bind_int64(st, 15, com);
    if (cir)
        sqlite3_bind_int64(st, 16, cir);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(s, err, "outlet");
        sqlite3_finalize(st);
        return rc;
    }
    if (id)
        *id = sqlite3_column_int64(st, 0);
    finish_returning(st);
    return QT_OK;
}

void qt__sqlite_row_outlet(sqlite3_stmt *st, qt_store_outlet *o)
{
    o->id = sqlite3_column_int64(st, 0);
    o->ext_id = col_text(st, 1);
    o->name = col_text(st, 2);
    o->category = col_text(st, 3);
    o->lon = sqlite3_column_double(st, 4);
    o->lat = sqlite3_column_double(st, 5);
    o->address = col_text(st, 6);
    o->brand = col_text(st, 7);
    o->chain = sqlite3_column_int(st, 8);
    o->opening_hours = col_text(st, 9);
    o->services = col_text(st, 10);
    o->cash = sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 11);
    o->barrier_free = sqlite3_column_type(st, 12) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 12);
    o->staff = sqlite3_column_type(st, 13) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 13);
    o->floor_area = sqlite3_column_type(st, 14) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 14);
    o->community = col_text(st, 15);
    o->circle = col_text(st, 16);
    o->closed_at = sqlite3_column_int64(st, 17);
}

void qt__sqlite_row_job(sqlite3_stmt *st, qt_store_job *j)
{
    j->id = sqlite3_column_int64(st, 0);
    j->outlet_id = sqlite3_column_int64(st, 1);
    j->title = col_text(st, 2);
    j->description = col_text(st, 3);
    j->pay = col_text(st, 4);
    j->lon = sqlite3_column_double(st, 5);
    j->lat = sqlite3_column_double(st, 6);
    j->created_at = sqlite3_column_int64(st, 7);
}

static qt_status walk_outlets(qt_store *s, sqlite3_stmt *st, qt_store_outlet_fn fn, void *ud, int *seen,
                              qt_error *err)
{
    int r;
    qt_status rc = QT_OK;
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_outlet o;
        qt__sqlite_row_outlet(st, &o);
        if (seen)
            *seen = 1;
        rc = fn(ud, &o, err);
    }
    if (rc == QT_OK && r != SQLITE_DONE)
        rc = db_fail(s, err, "outlets");
    sqlite3_finalize(st);
    return rc;
}

qt_status qt_store_outlets_each(qt_store *s, qt_store_outlet_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc = prepare(s, QT__OUTLET_COLUMNS " ORDER BY o.id", &st, err);
    if (rc != QT_OK)
        return rc;
    return walk_outlets(s, st, fn, ud, NULL, err);
}

qt_status qt_store_outlet_get(qt_store *s, int64_t id, qt_store_outlet_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    int seen = 0;
    qt_status rc = prepare(s, QT__OUTLET_COLUMNS " WHERE o.id = ?1", &st, err);
    if (rc != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = walk_outlets(s, st, fn, ud, &seen, err);
    if (rc == QT_OK && !seen)
        return qt_error_set(err, QT_ENOTFOUND, "outlet", _("no outlet %lld"), (long long)id);
    return rc;
}

/* the first column of every row of st (finalized here) as *ids, *n */
static qt_status step_ids(qt_store *s, sqlite3_stmt *st, const char *what, int64_t **ids, size_t *n, qt_error *err)
{
    size_t cap = 0, len = 0;
    int64_t *v = NULL;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (qt__grow((void **)&v, &cap, len + 1, sizeof *v) != 0) {
            sqlite3_finalize(st);
            qt__free(v);
            return qt_error_set(err, QT_ENOMEM, what, "no memory");
        }
        v[len++] = sqlite3_column_int64(st, 0);
    }
    if (r != SQLITE_DONE) {
        qt_status rc = db_fail(s, err, what);
        sqlite3_finalize(st);
        qt__free(v);
        return rc;
    }
    sqlite3_finalize(st);
    *ids = v;
    *n = len;
    return QT_OK;
}

qt_status qt_store_outlets_match(qt_store *s, const char *q, int64_t **ids, size_t *n, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    /* the trigram index needs 3 characters (UTF-8 code points); shorter queries scan */
    size_t cps = 0;
    const unsigned char *p;
    for (p = (const unsigned char *)q; *p; p++)
        cps += (*p & 0xC0) != 0x80;
    if (cps >= 3)
        rc = prepare(s, "SELECT rowid FROM outlets_fts WHERE outlets_fts MATCH ?1 ORDER BY rowid", &st, err);
    else
        rc = prepare(s,
                     "SELECT id FROM outlets WHERE instr(name, ?1) OR instr(address, ?1) OR instr(services, ?1)"
                     " ORDER BY id",
                     &st, err);
    if (rc != QT_OK)
        return rc;
    if (cps >= 3) {
        /* a phrase: quotes doubled */
        size_t ql = strlen(q), i, k = 0;
        char *phrase = qt__malloc(2 * ql + 3);
        if (!phrase) {
            sqlite3_finalize(st);
            return qt_error_set(err, QT_ENOMEM, "search", _("no memory"));
        }
        phrase[k++] = '"';
        for (i = 0; i < ql; i++) {
            if (q[i] == '"')
                phrase[k++] = '"';
            phrase[k++] = q[i];
        }
        phrase[k++] = '"';
        phrase[k] = '\0';
        sqlite3_bind_text(st, 1, phrase, -1, SQLITE_TRANSIENT);
        qt__free(phrase);
    } else {
        sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    }
    return step_ids(s, st, "search", ids, n, err);
}

qt_status qt_store_circle_put(qt_store *s, const char *circle, const char *const *communities, size_t n,
                              double investment, int64_t *id, qt_error *err)
{
    int64_t cid, mid;
    size_t i;
    sqlite3_stmt *st;
    qt_status rc;
    /* a savepoint: its own transaction, or part of an import's */
    if ((rc = exec(s, "SAVEPOINT circle_put", err)) != QT_OK)
        return rc;
    if ((rc = name_id(s, "circles", circle, &cid, err)) != QT_OK)
        goto fail;
    if ((rc = prepare(s, "UPDATE circles SET investment = ?2 WHERE id = ?1", &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, cid);
    bind_opt_double(st, 2, investment);
    if ((rc = step_done(s, st, "circle", err)) != QT_OK)
        goto fail;
    for (i = 0; i < n; i++) {
        if ((rc = name_id(s, "communities", communities[i], &mid, err)) != QT_OK)
            goto fail;
        if ((rc = prepare(s, "INSERT OR IGNORE INTO circle_communities VALUES (?1, ?2)", &st, err)) != QT_OK)
            goto fail;
        sqlite3_bind_int64(st, 1, cid);
        sqlite3_bind_int64(st, 2, mid);
        if ((rc = step_done(s, st, "circle", err)) != QT_OK)
            goto fail;
    }
    if ((rc = exec(s, "RELEASE circle_put", err)) != QT_OK)
        goto fail;
    if (id)
        *id = cid;
    return QT_OK;
fail:
    exec(s, "ROLLBACK TO circle_put", NULL);
    exec(s, "RELEASE circle_put", NULL);
    return rc;
}

/* ---- accounts -------------------------------------------------------------------- */

qt_status qt_store_user_add(qt_store *s, const char *name, qt_role role, const char *password, int64_t *id,
                            qt_error *err)
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
    if ((rc = prepare(s, "INSERT INTO users(name, role, pw_hash, created_at) VALUES (?1, ?2, ?3, strftime('%s'))"
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

qt_status qt_store_login(qt_store *s, const char *name, const char *password, const char *addr, int64_t now,
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

qt_status qt_store_token_user(qt_store *s, const char *token, int64_t now, int64_t *user_id, qt_role *role,
                              qt_error *err)
{
    sqlite3_stmt *st;
    unsigned char th[32];
    qt_status rc;
    token_hash(token, th);
    if ((rc = prepare(s, "SELECT u.id, u.role FROM tokens t JOIN users u ON u.id = t.user_id"
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

qt_status qt_store_merchant_link(qt_store *s, int64_t user_id, int64_t outlet_id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int merchant = 0, outlet = 0;
    if ((rc = prepare(s, "SELECT (SELECT role FROM users WHERE id = ?1) = 'merchant',"
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

qt_status qt_store_merchant_outlets(qt_store *s, int64_t user_id, int64_t **ids, size_t *n, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    *ids = NULL;
    *n = 0;
    if ((rc = prepare(s,
                      "SELECT m.outlet_id FROM merchant_outlets m JOIN outlets o ON o.id = m.outlet_id"
                      " WHERE m.user_id = ?1 ORDER BY m.outlet_id",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    return step_ids(s, st, "outlets", ids, n, err);
}

/* ---- coupons ------------------------------------------------------------------------ */

qt_status qt_store_coupon_create(qt_store *s, int64_t merchant_id, const qt_coupon_spec *c, int64_t now,
                                 int64_t *id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int owns = 0, exists = 0;
    if (!c->title || !*c->title || strlen(c->title) > 200)
        return qt_error_set(err, QT_EINVAL, "title", _("a title is 1 to 200 bytes"));
    if (c->quantity < 1 || c->quantity > 10000000)
        return qt_error_set(err, QT_EINVAL, "quantity", _("quantity is 1 to 10,000,000"));
    if (c->per_user_limit < 1 || c->per_user_limit > c->quantity)
        return qt_error_set(err, QT_EINVAL, "per_user_limit", _("per_user_limit is 1 to the quantity"));
    if (c->valid_to <= c->valid_from)
        return qt_error_set(err, QT_EINVAL, "valid_to", _("valid_to must be after valid_from"));
    if ((rc = prepare(s, "SELECT EXISTS (SELECT 1 FROM outlets WHERE id = ?2),"
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
    if ((rc = prepare(s, "INSERT INTO coupons(outlet_id, title, quantity, per_user_limit, valid_from, valid_to,"
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
        qt_store_audit(s, merchant_id, now, "coupon.create", detail);
    }
    return QT_OK;
}

qt_status qt_store_coupon_claim(qt_store *s, int64_t coupon_id, int64_t user_id, int64_t now, char code[33],
                                qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    unsigned char raw[16];
    /* one IMMEDIATE transaction: the check and the insert cannot interleave with another claim */
    if ((rc = exec(s, "BEGIN IMMEDIATE", err)) != QT_OK)
        return rc;
    if ((rc = qt__coupon_claimable(s, coupon_id, user_id, now, err)) != QT_OK)
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
    if ((rc = exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    exec(s, "ROLLBACK", NULL);
    return rc;
}

qt_status qt_store_redeem(qt_store *s, int64_t merchant_id, const char *code, int64_t now, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int found = 0, owns = 0, redeemed = 0;
    int64_t to = 0;
    if ((rc = exec(s, "BEGIN IMMEDIATE", err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "SELECT c.redeemed_at IS NOT NULL, k.valid_to,"
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
    if ((rc = exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    qt_store_audit(s, merchant_id, now, "coupon.redeem", code);
    return QT_OK;
fail:
    exec(s, "ROLLBACK", NULL);
    return rc;
}

/* ---- operators, outlet edits, credit ---------------------------------------------- */


qt_status qt_store_user_set_circle(qt_store *s, int64_t user_id, int64_t circle_id, qt_error *err)
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

void qt_store_audit(qt_store *s, int64_t user_id, int64_t now, const char *action, const char *detail)
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

qt_status qt_store_outlet_update(qt_store *s, int64_t actor, qt_role role, int64_t outlet_id,
                                 const qt_outlet_patch *p, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t ocircle = 0, ucircle = 0;
    int found = 0;
    char detail[64];
    if (p->name && !*p->name)
        return qt_error_set(err, QT_EINVAL, "name", _("a name cannot be empty"));
    if ((rc = prepare(s, "SELECT o.circle_id, (SELECT circle_id FROM users WHERE id = ?2) FROM outlets o WHERE o.id = ?1",
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
    sqlite3_bind_int(st, 10, (int)((p->name ? QT_EDIT_NAME : 0) | (p->category ? QT_EDIT_CATEGORY : 0) |
                                   (p->address ? QT_EDIT_ADDRESS : 0) | (p->brand ? QT_EDIT_BRAND : 0) |
                                   (p->opening_hours ? QT_EDIT_HOURS : 0) | (p->services ? QT_EDIT_SERVICES : 0) |
                                   (p->cash != -2 ? QT_EDIT_CASH : 0) |
                                   (p->barrier_free != -2 ? QT_EDIT_BARRIER_FREE : 0)));
    if ((rc = step_done(s, st, "outlet", err)) != QT_OK)
        return rc;
    snprintf(detail, sizeof detail, "outlet %lld", (long long)outlet_id);
    qt_store_audit(s, actor, (int64_t)time(NULL), "outlet.update", detail);
    return QT_OK;
}

qt_status qt_store_outlet_credit(qt_store *s, int64_t outlet_id, int64_t now, int *complaints, int *score,
                                 char *grade, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int n = 0;
    /* upheld complaints, and open ones the merchant left unanswered for
     * QT_COMPLAINT_ANSWER_DAYS, made in the 365 days before now */
    if ((rc = prepare(s, "SELECT count(*) FROM complaints WHERE outlet_id = ?1 AND created_at > ?2"
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

/* ---- circles ------------------------------------------------------------------------- */

qt_status qt_store_circle_set_analysis(qt_store *s, const char *circle, const char *grade, const char *json,
                                       qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t id;
    if ((rc = name_id(s, "circles", circle, &id, err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "UPDATE circles SET grade = ?2, indicators = ?3 WHERE id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, grade, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
    return step_done(s, st, "circle", err);
}

qt_status qt_store_outlet_set_circle(qt_store *s, const char *ext_id, const char *circle, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t id;
    if ((rc = name_id(s, "circles", circle, &id, err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "UPDATE outlets SET circle_id = ?2 WHERE ext_id = ?1", &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, ext_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    return step_done(s, st, "outlet", err);
}

qt_status qt_store_circle_get(qt_store *s, int64_t id, const char *period, qt_store_circle_fn fn, void *ud,
                              qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    qt_store_circle c;
    if ((rc = prepare(s, "SELECT c.id, c.name, c.grade, c.indicators, c.investment,"
                         " (SELECT count(*) FROM circle_communities WHERE circle_id = c.id),"
                         " (SELECT count(*) FROM outlets WHERE circle_id = c.id),"
                         " (SELECT count(*) FROM surveys WHERE circle_id = c.id AND period = ?2),"
                         " (SELECT count(*) FROM surveys WHERE circle_id = c.id AND period = ?2 AND satisfied = 1)"
                         " FROM circles c WHERE c.id = ?1",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return qt_error_set(err, QT_ENOTFOUND, "circle", _("no circle %lld"), (long long)id);
    }
    c.id = sqlite3_column_int64(st, 0);
    c.name = col_text(st, 1);
    c.grade = col_text(st, 2);
    c.indicators_json = col_text(st, 3);
    c.investment = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
    c.communities = sqlite3_column_int64(st, 5);
    c.outlets = sqlite3_column_int64(st, 6);
    c.survey_answers = sqlite3_column_int64(st, 7);
    c.survey_satisfied = sqlite3_column_int64(st, 8);
    rc = fn(ud, &c, err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- jobs, surveys, complaints ----------------------------------------------------------- */

qt_status qt_store_job_create(qt_store *s, int64_t user_id, qt_role role, const qt_store_job *j, int64_t now,
                              int64_t *id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if (!j->title || !*j->title || strlen(j->title) > 200)
        return qt_error_set(err, QT_EINVAL, "title", _("a title is 1 to 200 bytes"));
    if (!(j->lon >= -180 && j->lon <= 180 && j->lat >= -90 && j->lat <= 90))
        return qt_error_set(err, QT_EINVAL, "lon", _("(%g, %g) is not a longitude, latitude"), j->lon, j->lat);
    if (j->outlet_id && role == QT_ROLE_MERCHANT) {
        int owns = 0;
        if ((rc = prepare(s, "SELECT EXISTS (SELECT 1 FROM merchant_outlets WHERE user_id = ?1 AND outlet_id = ?2)", &st,
                          err)) != QT_OK)
            return rc;
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_int64(st, 2, j->outlet_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            owns = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (!owns)
            return qt_error_set(err, QT_EFORBIDDEN, "outlet_id", _("outlet %lld is not yours"), (long long)j->outlet_id);
    }
    if (j->outlet_id && role == QT_ROLE_OPERATOR) {
        int exists = 0, mine = 0;
        if ((rc = prepare(s, "SELECT o.circle_id IS NOT NULL AND o.circle_id = (SELECT circle_id FROM users WHERE id = ?1),"
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
    if ((rc = prepare(s, "INSERT INTO jobs(outlet_id, title, description, lon, lat, pay, created_by, created_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
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

qt_status qt_store_jobs_each(qt_store *s, qt_store_job_fn fn, void *ud, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if ((rc = prepare(s, QT__JOB_COLUMNS " ORDER BY id", &st, err)) != QT_OK)
        return rc;
    while (rc == QT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_job j;
        qt__sqlite_row_job(st, &j);
        rc = fn(ud, &j, err);
    }
    sqlite3_finalize(st);
    return rc;
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
            rc = qt_error_set(err, QT_ECONFLICT, what, _("%s"), dup);
        else
            rc = db_fail(s, err, what);
    }
    sqlite3_finalize(st);
    return rc;
}

qt_status qt_store_job_apply(qt_store *s, int64_t job_id, int64_t user_id, const char *message, int64_t now,
                             qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = prepare(s, "INSERT INTO applications(job_id, user_id, message, created_at) VALUES (?1, ?2, ?3, ?4)", &st,
                      err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, job_id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, message ? message : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    return insert_once(s, st, "job", "you have applied already", err);
}

qt_status qt_store_survey_add(qt_store *s, int64_t circle_id, int64_t user_id, const char *period, int satisfied,
                              const char *comment, int64_t now, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    if ((rc = prepare(s, "INSERT INTO surveys(circle_id, user_id, period, satisfied, comment, created_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                      &st, err)) != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, circle_id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, satisfied != 0);
    sqlite3_bind_text(st, 5, comment ? comment : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    return insert_once(s, st, "circle", "you have answered for this circle and period already", err);
}

qt_status qt_store_complaint_add(qt_store *s, int64_t outlet_id, int64_t user_id, const char *kind, const char *text,
                                 int64_t now, int64_t *id, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int64_t recent = 0;
    if (!kind || !*kind || strlen(kind) > 64)
        return qt_error_set(err, QT_EINVAL, "kind", _("a kind is 1 to 64 bytes (质量, 价格, 服务, 卫生 ...)"));
    if (text && strlen(text) > 2000)
        return qt_error_set(err, QT_EINVAL, "text", _("a complaint's text is at most 2000 bytes"));
    /* the check and the insert in one IMMEDIATE transaction: concurrent complaints cannot both pass */
    if ((rc = exec(s, "BEGIN IMMEDIATE", err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "SELECT count(*) FROM complaints WHERE user_id = ?1 AND outlet_id = ?2"
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
    if ((rc = prepare(s, "INSERT INTO complaints(outlet_id, user_id, kind, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
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
    if ((rc = exec(s, "COMMIT", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    exec(s, "ROLLBACK", NULL);
    return rc;
}

/* ---- re-import (issue 10): what changed, what closed ----------------------------- */

static int same_text(const unsigned char *a, const char *b)
{
    return strcmp(a ? (const char *)a : "", b ? b : "") == 0;
}

qt_status qt_store_outlet_compare(qt_store *s, const qt_store_outlet *o, int *state, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    *state = QT_OUTLET_NEW;
    rc = prepare(s,
                 "SELECT name, category, lon, lat, address, brand, chain, opening_hours, services, closed_at"
                 " FROM outlets WHERE ext_id = ?1",
                 &st, err);
    if (rc != QT_OK)
        return rc;
    sqlite3_bind_text(st, 1, o->ext_id, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        int same = same_text(sqlite3_column_text(st, 0), o->name) &&
                   same_text(sqlite3_column_text(st, 1), o->category) &&
                   fabs(sqlite3_column_double(st, 2) - o->lon) < 1e-7 &&
                   fabs(sqlite3_column_double(st, 3) - o->lat) < 1e-7 &&
                   same_text(sqlite3_column_text(st, 4), o->address) &&
                   same_text(sqlite3_column_text(st, 5), o->brand) && sqlite3_column_int(st, 6) == (o->chain != 0) &&
                   same_text(sqlite3_column_text(st, 7), o->opening_hours) &&
                   same_text(sqlite3_column_text(st, 8), o->services);
        *state = same ? QT_OUTLET_SAME : QT_OUTLET_CHANGED;
    } else if (r != SQLITE_DONE) {
        rc = db_fail(s, err, "outlet");
    }
    sqlite3_finalize(st);
    return rc;
}

qt_status qt_store_outlets_sync_closed(qt_store *s, const char *const *open_ids, size_t n, int64_t now,
                                       size_t *closed, size_t *reopened, qt_error *err)
{
    sqlite3_stmt *st = NULL;
    qt_status rc;
    size_t i;
    if (closed)
        *closed = 0;
    if (reopened)
        *reopened = 0;
    /* a savepoint: its own transaction, or part of an import's (qt_store_begin) */
    if ((rc = exec(s, "SAVEPOINT sync_closed; CREATE TEMP TABLE IF NOT EXISTS import_open(ext_id TEXT PRIMARY KEY);"
                      " DELETE FROM import_open;",
                   err)) != QT_OK)
        return rc;
    if ((rc = prepare(s, "INSERT OR IGNORE INTO import_open(ext_id) VALUES (?1)", &st, err)) != QT_OK)
        goto fail;
    for (i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, open_ids[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = db_fail(s, err, "import");
            goto fail;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = prepare(s,
                      "UPDATE outlets SET closed_at = ?1 WHERE closed_at IS NULL"
                      " AND ext_id NOT IN (SELECT ext_id FROM import_open)",
                      &st, err)) != QT_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_fail(s, err, "close outlets");
        goto fail;
    }
    if (closed)
        *closed = (size_t)sqlite3_changes(s->db);
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = exec(s, "UPDATE outlets SET closed_at = NULL WHERE closed_at IS NOT NULL"
                      " AND ext_id IN (SELECT ext_id FROM import_open)",
                   err)) != QT_OK)
        goto fail;
    if (reopened)
        *reopened = (size_t)sqlite3_changes(s->db);
    if ((rc = exec(s, "DELETE FROM import_open; RELEASE sync_closed", err)) != QT_OK)
        goto fail;
    return QT_OK;
fail:
    sqlite3_finalize(st);
    exec(s, "ROLLBACK TO sync_closed; RELEASE sync_closed", NULL);
    return rc;
}

/* ---- circle snapshots (migration 0005): the planner's trends ------------------- */

qt_status qt_store_snapshots_each(qt_store *s, int64_t circle_id, int limit, qt_store_snapshot_fn fn, void *ud,
                                  qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    int r;
    if (limit <= 0 || limit > 1000)
        limit = 1000;
    /* the newest `limit` per circle, then oldest first */
    rc = prepare(s,
                 "SELECT circle_id, at, name, grade, indicators FROM ("
                 " SELECT cs.circle_id, cs.at, c.name, cs.grade, cs.indicators, cs.id,"
                 "  ROW_NUMBER() OVER (PARTITION BY cs.circle_id ORDER BY cs.at DESC, cs.id DESC) AS k"
                 " FROM circle_snapshots cs JOIN circles c ON c.id = cs.circle_id"
                 " WHERE ?1 = 0 OR cs.circle_id = ?1)"
                 " WHERE k <= ?2 ORDER BY circle_id, at, id",
                 &st, err);
    if (rc != QT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, circle_id);
    sqlite3_bind_int(st, 2, limit);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        qt_store_snapshot sn;
        sn.circle_id = sqlite3_column_int64(st, 0);
        sn.at = sqlite3_column_int64(st, 1);
        sn.circle = col_text(st, 2);
        sn.grade = col_text(st, 3);
        sn.indicators_json = col_text(st, 4);
        if ((rc = fn(ud, &sn, err)) != QT_OK) {
            sqlite3_finalize(st);
            return rc;
        }
    }
    rc = r == SQLITE_DONE ? QT_OK : db_fail(s, err, "snapshots");
    sqlite3_finalize(st);
    return rc;
}

qt_status qt_store_circle_ids(qt_store *s, int64_t **ids, size_t *n, qt_error *err)
{
    sqlite3_stmt *st;
    qt_status rc;
    size_t cap = 0;
    int r;
    *ids = NULL;
    *n = 0;
    if ((rc = prepare(s, "SELECT id FROM circles ORDER BY id", &st, err)) != QT_OK)
        return rc;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (qt__grow((void **)ids, &cap, *n + 1, sizeof **ids) != 0) {
            sqlite3_finalize(st);
            qt__free(*ids);
            *ids = NULL;
            *n = 0;
            return qt_error_set(err, QT_ENOMEM, "circles", _("out of memory"));
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    rc = r == SQLITE_DONE ? QT_OK : db_fail(s, err, "circles");
    sqlite3_finalize(st);
    if (rc != QT_OK) {
        qt__free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

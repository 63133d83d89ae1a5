/* SPDX-License-Identifier: MIT */
/*
 * store/store_internal.h -- the store's backends behind quarter/store.h: the
 * handle every backend shares and the operations table (a vtable) each
 * backend fills.  store.c picks the backend from the path given to
 * qt_store_open (a postgresql:// URL or conninfo: store_pg*.c; anything else:
 * the SQLite file, store_sqlite*.c) and forwards every call.  Internal to
 * src/store/.
 */
#ifndef QUARTER_STORE_INTERNAL_H
#define QUARTER_STORE_INTERNAL_H

#include "quarter/store.h"

struct sqlite3;
struct pg_conn;
struct qt__store_ops;

struct qt_store {
    const struct qt__store_ops *ops;
    char *path;             /* SQLite: the file; PostgreSQL: the URL without its password */
    struct sqlite3 *db;     /* SQLite */
    struct pg_conn *pg;     /* PostgreSQL */
    char pg_state[6];       /* PostgreSQL: SQLSTATE of the last failed statement ("" none) */
    char pg_constraint[64]; /* PostgreSQL: the constraint it broke, if any */
    int pg_listening;       /* PostgreSQL: LISTEN quarter_changes done on this connection */
};

/*
 * Every operation on an open store: X(return type, name, (parameters), (arguments)).
 * store.c defines qt_store_<name> for each; a backend defines qt__sq_<name> /
 * qt__pg_<name> with the same parameters.
 */
#define QT__STORE_OPS(X)                                                                                               \
    X(int, version, (qt_store * s), (s))                                                                               \
    X(qt_status, outlet_put, (qt_store * s, const qt_store_outlet *o, int64_t *id, qt_error *err), (s, o, id, err))    \
    X(qt_status, outlet_compare, (qt_store * s, const qt_store_outlet *o, int *state, qt_error *err),                  \
      (s, o, state, err))                                                                                              \
    X(qt_status, outlets_sync_closed,                                                                                  \
      (qt_store * s, const char *const *open_ids, size_t n, int64_t now, size_t *closed, size_t *reopened,             \
       qt_error *err),                                                                                                 \
      (s, open_ids, n, now, closed, reopened, err))                                                                    \
    X(qt_status, outlets_each, (qt_store * s, qt_store_outlet_fn fn, void *ud, qt_error *err), (s, fn, ud, err))       \
    X(qt_status, outlet_get, (qt_store * s, int64_t id, qt_store_outlet_fn fn, void *ud, qt_error *err),               \
      (s, id, fn, ud, err))                                                                                            \
    X(qt_status, outlets_match, (qt_store * s, const char *q, int64_t **ids, size_t *n, qt_error *err),                \
      (s, q, ids, n, err))                                                                                             \
    X(qt_status, circle_put,                                                                                           \
      (qt_store * s, const char *circle, const char *const *communities, size_t n, double investment, int64_t *id,     \
       qt_error *err),                                                                                                 \
      (s, circle, communities, n, investment, id, err))                                                                \
    X(qt_status, user_add,                                                                                             \
      (qt_store * s, const char *name, qt_role role, const char *password, int64_t *id, qt_error *err),                \
      (s, name, role, password, id, err))                                                                              \
    X(qt_status, login,                                                                                                \
      (qt_store * s, const char *name, const char *password, const char *addr, int64_t now, int64_t ttl_s,             \
       int max_attempts, int64_t window_s, char token[65], int64_t *user_id, qt_role *role, qt_error *err),            \
      (s, name, password, addr, now, ttl_s, max_attempts, window_s, token, user_id, role, err))                        \
    X(qt_status, token_user,                                                                                           \
      (qt_store * s, const char *token, int64_t now, int64_t *user_id, qt_role *role, qt_error *err),                  \
      (s, token, now, user_id, role, err))                                                                             \
    X(qt_status, merchant_link, (qt_store * s, int64_t user_id, int64_t outlet_id, qt_error * err),                    \
      (s, user_id, outlet_id, err))                                                                                    \
    X(qt_status, merchant_outlets, (qt_store * s, int64_t user_id, int64_t * *ids, size_t * n, qt_error * err),        \
      (s, user_id, ids, n, err))                                                                                       \
    X(qt_status, user_set_circle, (qt_store * s, int64_t user_id, int64_t circle_id, qt_error * err),                  \
      (s, user_id, circle_id, err))                                                                                    \
    X(qt_status, outlet_update,                                                                                        \
      (qt_store * s, int64_t actor, qt_role role, int64_t outlet_id, const qt_outlet_patch *p, qt_error *err),         \
      (s, actor, role, outlet_id, p, err))                                                                             \
    X(qt_status, outlet_credit,                                                                                        \
      (qt_store * s, int64_t outlet_id, int64_t now, int *complaints, int *score, char *grade, qt_error *err),         \
      (s, outlet_id, now, complaints, score, grade, err))                                                              \
    X(qt_status, circle_set_analysis,                                                                                  \
      (qt_store * s, const char *circle, const char *grade, const char *indicators_json, qt_error *err),               \
      (s, circle, grade, indicators_json, err))                                                                        \
    X(qt_status, outlet_set_circle, (qt_store * s, const char *ext_id, const char *circle, qt_error *err),             \
      (s, ext_id, circle, err))                                                                                        \
    X(qt_status, circle_get,                                                                                           \
      (qt_store * s, int64_t id, const char *period, qt_store_circle_fn fn, void *ud, qt_error *err),                  \
      (s, id, period, fn, ud, err))                                                                                    \
    X(qt_status, snapshots_each,                                                                                       \
      (qt_store * s, int64_t circle_id, int limit, qt_store_snapshot_fn fn, void *ud, qt_error *err),                  \
      (s, circle_id, limit, fn, ud, err))                                                                              \
    X(qt_status, circle_ids, (qt_store * s, int64_t * *ids, size_t * n, qt_error * err), (s, ids, n, err))             \
    X(qt_status, job_create,                                                                                           \
      (qt_store * s, int64_t user_id, qt_role role, const qt_store_job *j, int64_t now, int64_t *id, qt_error *err),   \
      (s, user_id, role, j, now, id, err))                                                                             \
    X(qt_status, job_update,                                                                                           \
      (qt_store * s, int64_t user_id, const qt_store_job *j, int64_t now, qt_store_job_fn fn, void *ud,                \
       qt_error *err),                                                                                                 \
      (s, user_id, j, now, fn, ud, err))                                                                               \
    X(qt_status, jobs_each, (qt_store * s, int64_t now, qt_store_job_fn fn, void *ud, qt_error *err),                  \
      (s, now, fn, ud, err))                                                                                           \
    X(qt_status, jobs_of_poster,                                                                                       \
      (qt_store * s, int64_t user_id, int limit, qt_store_job_fn fn, void *ud, qt_error *err),                         \
      (s, user_id, limit, fn, ud, err))                                                                                \
    X(qt_status, job_apply,                                                                                            \
      (qt_store * s, int64_t job_id, int64_t user_id, const char *message, int64_t now, qt_error *err),                \
      (s, job_id, user_id, message, now, err))                                                                         \
    X(qt_status, survey_add,                                                                                           \
      (qt_store * s, int64_t circle_id, int64_t user_id, const char *period, int satisfied, const char *comment,       \
       int64_t now, qt_error *err),                                                                                    \
      (s, circle_id, user_id, period, satisfied, comment, now, err))                                                   \
    X(qt_status, complaint_add,                                                                                        \
      (qt_store * s, int64_t outlet_id, int64_t user_id, const char *kind, const char *text, int64_t now, int64_t *id, \
       qt_error *err),                                                                                                 \
      (s, outlet_id, user_id, kind, text, now, id, err))                                                               \
    X(qt_status, coupon_create,                                                                                        \
      (qt_store * s, int64_t merchant_id, const qt_coupon_spec *c, int64_t now, int64_t *id, qt_error *err),           \
      (s, merchant_id, c, now, id, err))                                                                               \
    X(qt_status, coupon_claim,                                                                                         \
      (qt_store * s, int64_t coupon_id, int64_t user_id, int64_t now, char code[33], qt_error *err),                   \
      (s, coupon_id, user_id, now, code, err))                                                                         \
    X(qt_status, redeem, (qt_store * s, int64_t merchant_id, const char *code, int64_t now, qt_error *err),            \
      (s, merchant_id, code, now, err))                                                                                \
    X(qt_status, begin, (qt_store * s, qt_error * err), (s, err))                                                      \
    X(qt_status, commit, (qt_store * s, qt_error * err), (s, err))                                                     \
    X(qt_status, checkpoint, (qt_store * s, qt_error * err), (s, err))                                                 \
    X(qt_status, outlet_import, (qt_store * s, const qt_store_outlet *o, int64_t *id, unsigned *kept, qt_error *err),  \
      (s, o, id, kept, err))                                                                                           \
    X(qt_status, user_create, (qt_store * s, const qt_user_spec *u, int64_t now, int64_t *id, qt_error *err),          \
      (s, u, now, id, err))                                                                                            \
    X(qt_status, user_set_home,                                                                                        \
      (qt_store * s, int64_t user_id, int64_t circle_id, double lon, double lat, qt_error *err),                       \
      (s, user_id, circle_id, lon, lat, err))                                                                          \
    X(qt_status, circle_near, (qt_store * s, double lon, double lat, double max_m, int64_t *circle_id, qt_error *err), \
      (s, lon, lat, max_m, circle_id, err))                                                                            \
    X(qt_status, user_circles,                                                                                         \
      (qt_store * s, int64_t user_id, int64_t * home_circle, int64_t * op_circle, qt_error * err),                     \
      (s, user_id, home_circle, op_circle, err))                                                                       \
    X(qt_status, login_begin,                                                                                          \
      (qt_store * s, const char *name, const char *addr, int64_t now, const qt_login_limits *lim, int64_t *attempt,    \
       char hash[128], int64_t *user_id, qt_role *role, int64_t *retry_after_s, qt_error *err),                        \
      (s, name, addr, now, lim, attempt, hash, user_id, role, retry_after_s, err))                                     \
    X(qt_status, login_finish,                                                                                         \
      (qt_store * s, int64_t attempt, int ok, int64_t user_id, int64_t now, int64_t ttl_s, char token[65],             \
       qt_error *err),                                                                                                 \
      (s, attempt, ok, user_id, now, ttl_s, token, err))                                                               \
    X(qt_status, rate_hit,                                                                                             \
      (qt_store * s, const char *kind, const char *key, int64_t now, int max, int64_t window_s,                        \
       int64_t *retry_after_s, qt_error *err),                                                                         \
      (s, kind, key, now, max, window_s, retry_after_s, err))                                                          \
    X(qt_status, complaints_each,                                                                                      \
      (qt_store * s, int64_t actor, qt_role role, int64_t outlet_id, int limit, qt_store_complaint_fn fn, void *ud,    \
       qt_error *err),                                                                                                 \
      (s, actor, role, outlet_id, limit, fn, ud, err))                                                                 \
    X(qt_status, complaint_answer,                                                                                     \
      (qt_store * s, int64_t merchant, int64_t id, const char *text, int64_t now, qt_error *err),                      \
      (s, merchant, id, text, now, err))                                                                               \
    X(qt_status, complaint_resolve,                                                                                    \
      (qt_store * s, int64_t actor, qt_role role, int64_t id, int upheld, const char *note, int64_t now,               \
       qt_error *err),                                                                                                 \
      (s, actor, role, id, upheld, note, now, err))                                                                    \
    X(qt_status, good_put,                                                                                             \
      (qt_store * s, int64_t merchant, const qt_store_good *g, int64_t now, int64_t *id, qt_error *err),               \
      (s, merchant, g, now, id, err))                                                                                  \
    X(qt_status, good_delete, (qt_store * s, int64_t merchant, int64_t id, qt_error * err), (s, merchant, id, err))    \
    X(qt_status, good_get, (qt_store * s, int64_t id, qt_store_good_fn fn, void *ud, qt_error *err),                   \
      (s, id, fn, ud, err))                                                                                            \
    X(qt_status, goods_of_outlet, (qt_store * s, int64_t outlet_id, qt_store_good_fn fn, void *ud, qt_error *err),     \
      (s, outlet_id, fn, ud, err))                                                                                     \
    X(qt_status, goods_match,                                                                                          \
      (qt_store * s, const char *q, int in_stock_only, int limit, qt_store_good_fn fn, void *ud, qt_error *err),       \
      (s, q, in_stock_only, limit, fn, ud, err))                                                                       \
    X(qt_status, coupon_claim_key,                                                                                     \
      (qt_store * s, int64_t coupon_id, int64_t user_id, const char *idem_key, int64_t now, char code[33],             \
       int *replayed, qt_error *err),                                                                                  \
      (s, coupon_id, user_id, idem_key, now, code, replayed, err))                                                     \
    X(qt_status, coupons_active,                                                                                       \
      (qt_store * s, int64_t outlet_id, int64_t now, int limit, qt_store_coupon_fn fn, void *ud, qt_error *err),       \
      (s, outlet_id, now, limit, fn, ud, err))                                                                         \
    X(qt_status, claims_of_user,                                                                                       \
      (qt_store * s, int64_t user_id, int64_t now, int limit, qt_store_claim_fn fn, void *ud, qt_error *err),          \
      (s, user_id, now, limit, fn, ud, err))                                                                           \
    X(qt_status, outlet_update_by_merchant,                                                                            \
      (qt_store * s, int64_t merchant, int64_t outlet_id, const qt_outlet_patch *p, qt_error *err),                    \
      (s, merchant, outlet_id, p, err))                                                                                \
    X(qt_status, changes_latest, (qt_store * s, int64_t * latest, qt_error * err), (s, latest, err))                   \
    X(qt_status, changes_since,                                                                                        \
      (qt_store * s, int64_t since, int64_t * latest, qt_store_outlet_fn outlet_fn, qt_store_job_fn job_fn, void *ud,  \
       qt_error *err),                                                                                                 \
      (s, since, latest, outlet_fn, job_fn, ud, err))                                                                  \
    X(qt_status, changes_wait, (qt_store * s, int64_t since, int timeout_ms, int64_t *latest, qt_error *err),          \
      (s, since, timeout_ms, latest, err))                                                                             \
    X(qt_status, geoms_clear, (qt_store * s, qt_error * err), (s, err))                                                \
    X(qt_status, applications_of_poster,                                                                               \
      (qt_store * s, int64_t poster, int64_t job_id, int limit, qt_store_application_fn fn, void *ud, qt_error *err),  \
      (s, poster, job_id, limit, fn, ud, err))

#define QT__STORE_OP_FIELD(ret, name, params, args) ret(*name) params;
struct qt__store_ops {
    QT__STORE_OPS(QT__STORE_OP_FIELD)
    void (*close)(qt_store *s);
    void (*rollback)(qt_store *s);
    void (*audit)(qt_store *s, int64_t user_id, int64_t now, const char *action, const char *detail);
    /* g checked by store.c (kind, the names it needs, a geometry) */
    qt_status (*geom_put)(qt_store *s, const qt_store_geom *g, qt_error *err);
};

/* the backends' tables and their open functions (s: calloc'ed, ops and path set) */
extern const struct qt__store_ops qt__sqlite_ops;
extern const struct qt__store_ops qt__pg_ops;
qt_status qt__sq_open(qt_store *s, const char *path, qt_error *err);
qt_status qt__pg_open(qt_store *s, const char *conninfo, qt_error *err);
/* Checks both backends make before they write (store.c): a user (and its hash into hash, 128 bytes),
 * a good, a coupon, a job, a complaint's kind and text.  QT_EINVAL with err->where the field. */
qt_status qt__store_check_user(const qt_user_spec *u, char hash[128], qt_error *err);
qt_status qt__store_check_good(const qt_store_good *g, qt_error *err);
qt_status qt__store_check_coupon(const qt_coupon_spec *c, qt_error *err);
qt_status qt__store_check_job(const qt_store_job *j, qt_error *err);
/* A new job's closing time at now (j->expires_at, or the default) into *expires; QT_EINVAL when out of range. */
qt_status qt__store_job_expiry(const qt_store_job *j, int64_t now, int64_t *expires, qt_error *err);
/* An edit's fields (qt_store_job_update): a title, if given, and a closing time within range.  QT_EINVAL. */
qt_status qt__store_check_job_edit(const qt_store_job *j, int64_t now, qt_error *err);
qt_status qt__store_check_complaint(const char *kind, const char *text, qt_error *err);
/* The login limits (qt_store_login_begin) on the failure counts in the window: pair (this name from this
 * address), from_addr, by_name (last: the newest failure's time).  QT_ELIMIT with *wait seconds, or QT_OK. */
qt_status qt__store_login_limit(const qt_login_limits *lim, const char *name, int has_addr, int64_t pair,
                                int64_t from_addr, int64_t by_name, int64_t last, int64_t now, int64_t *wait,
                                qt_error *err);
/* 1 when path names a PostgreSQL database (postgresql:// or postgres:// URL, or key=value conninfo) */
int qt__store_is_pg(const char *path);

#endif

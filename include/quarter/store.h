/* SPDX-License-Identifier: MIT */
/*
 * quarter/store.h -- the service platform's embedded store: outlets,
 * communities, circles, accounts and tokens, coupons with their claims and
 * redemptions (and the tables for jobs, surveys, complaints and the audit
 * log, docs/http-api.md).  The interface is backend-neutral; the SQLite
 * backend (store_sqlite.c) holds every SQL statement, runs in WAL mode with
 * foreign keys, and applies the versioned migrations of
 * src/store/migrations/ in order on open.
 *
 * Concurrency: one qt_store per thread (each is one connection); any number
 * of them may share a file.  The operations that must not race -- claiming
 * a coupon, redeeming a code -- are single IMMEDIATE transactions, so
 * quantity and per-user limits hold and a code is redeemed once, whatever
 * the number of concurrent requests.
 * Ownership: qt_store_open gives the caller a store to release with
 * qt_store_close; strings returned through `char **` are the caller's
 * (free with qt_store_free_str).
 */
#ifndef QUARTER_STORE_H
#define QUARTER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_store qt_store;

typedef enum qt_role { QT_ROLE_NONE = 0, QT_ROLE_RESIDENT, QT_ROLE_MERCHANT, QT_ROLE_OPERATOR, QT_ROLE_ADMIN } qt_role;

/** "admin" ... "resident" to a role; QT_ROLE_NONE when not one. */
QT_API qt_role qt_role_parse(const char *s);
QT_API const char *qt_role_name(qt_role r);

/** Open (creating) and migrate.  Statuses: QT_EIO, QT_EUNSUPPORTED (a newer schema), QT_ENOMEM. */
QT_API qt_status qt_store_open(const char *path, qt_store **out, qt_error *err);
QT_API void qt_store_close(qt_store *s);
QT_API void qt_store_free_str(char *s);
/** The schema version (number of migrations applied). */
QT_API int qt_store_version(qt_store *s);

/* ---- outlets ------------------------------------------------------------ */

typedef struct qt_store_outlet {
    int64_t id;
    const char *ext_id, *name, *category, *address, *brand, *opening_hours, *services;
    double lon, lat;
    int chain, cash, barrier_free; /* cash, barrier_free: -1 unknown */
    double staff, floor_area;      /* NAN unknown */
    const char *community, *circle; /* names, may be NULL */
} qt_store_outlet;

/** Insert or update by ext_id (communities and circles by name, created when new); *id gets its id. */
QT_API qt_status qt_store_outlet_put(qt_store *s, const qt_store_outlet *o, int64_t *id, qt_error *err);

/* Re-importing a city's table (issue 10).  Outlets are matched by ext_id, so
 * the store id, merchant links, coupons and complaints of an outlet stay with
 * it; an outlet the table no longer has is marked closed (closed_at), not
 * deleted, and one that comes back is reopened. */
enum { QT_OUTLET_NEW = 0, QT_OUTLET_SAME = 1, QT_OUTLET_CHANGED = 2 };
/** How o compares with the stored outlet of its ext_id: *state QT_OUTLET_NEW (none), _SAME or _CHANGED
 *  (name, 业态, position, address, brand, chain, hours or services differ). */
QT_API qt_status qt_store_outlet_compare(qt_store *s, const qt_store_outlet *o, int *state, qt_error *err);
/**
 * Mark closed (closed_at = now) every open outlet whose ext_id is not among
 * open_ids (n, IN: copied), and reopen those among them that were closed;
 * *closed / *reopened (may be NULL) get the counts.  One transaction.
 */
QT_API qt_status qt_store_outlets_sync_closed(qt_store *s, const char *const *open_ids, size_t n, int64_t now,
                                              size_t *closed, size_t *reopened, qt_error *err);

/**
 * Every outlet, in id order, to a callback (the fields are BORROWED for the
 * call).  A status other than QT_OK from fn stops the walk and is returned.
 */
typedef qt_status (*qt_store_outlet_fn)(void *ud, const qt_store_outlet *o, qt_error *err);
QT_API qt_status qt_store_outlets_each(qt_store *s, qt_store_outlet_fn fn, void *ud, qt_error *err);
/** One outlet.  QT_ENOTFOUND when there is none. */
QT_API qt_status qt_store_outlet_get(qt_store *s, int64_t id, qt_store_outlet_fn fn, void *ud, qt_error *err);
/**
 * Ids of the outlets whose name, address or services contain q (3 or more
 * characters: the FTS5 trigram index; shorter: a scan).  OUT *ids (caller
 * frees with qt_store_free_str((char *)*ids)).
 */
QT_API qt_status qt_store_outlets_match(qt_store *s, const char *q, int64_t **ids, size_t *n, qt_error *err);

/** Circles and communities: set a circle's communities (names), creating what is new. */
QT_API qt_status qt_store_circle_put(qt_store *s, const char *circle, const char *const *communities, size_t n,
                                     double investment, int64_t *id, qt_error *err);

/* ---- accounts ----------------------------------------------------------- */

/** Add a user; the password is hashed with argon2id.  QT_ECONFLICT when the name is taken. */
QT_API qt_status qt_store_user_add(qt_store *s, const char *name, qt_role role, const char *password,
                                   int64_t *id, qt_error *err);
/**
 * Check a password and issue a bearer token valid for ttl_s seconds.
 * token: 65 bytes (64 hex digits); *user_id and *role (may be NULL) get
 * who logged in.  addr: the client's address ("" when unknown).  Statuses: QT_EAUTH (wrong name or password: one message for
 * both), QT_ELIMIT (max_attempts failed logins for this name, or 4 x
 * max_attempts from this address, in the last window_s seconds).
 */
QT_API qt_status qt_store_login(qt_store *s, const char *name, const char *password, const char *addr, int64_t now,
                                int64_t ttl_s, int max_attempts, int64_t window_s, char token[65], int64_t *user_id,
                                qt_role *role, qt_error *err);
/** The user behind a token: QT_ENOTFOUND when unknown or expired. */
QT_API qt_status qt_store_token_user(qt_store *s, const char *token, int64_t now, int64_t *user_id, qt_role *role,
                                     qt_error *err);
/** Link a merchant to an outlet. */
QT_API qt_status qt_store_merchant_link(qt_store *s, int64_t user_id, int64_t outlet_id, qt_error *err);

/** An operator's circle (0: none). */
QT_API qt_status qt_store_user_set_circle(qt_store *s, int64_t user_id, int64_t circle_id, qt_error *err);

/** Fields of an outlet to change; NULL (or -2 for the flags) leaves one as it is. */
typedef struct qt_outlet_patch {
    const char *name, *category, *address, *brand, *opening_hours, *services;
    int cash, barrier_free; /* 0, 1, -1 unknown, -2 unchanged */
} qt_outlet_patch;

/**
 * Edit an outlet: an admin any, an operator those of its own circle.
 * Statuses: QT_ENOTFOUND, QT_EFORBIDDEN, QT_EINVAL.  The change is in the
 * audit log.
 */
QT_API qt_status qt_store_outlet_update(qt_store *s, int64_t actor, qt_role role, int64_t outlet_id,
                                        const qt_outlet_patch *p, qt_error *err);

/**
 * Merchant credit of an outlet (docs/http-api.md): complaints in the 365 days
 * before now; score = max(0, 100 - 10 x complaints); grade A >= 90, B >= 70,
 * C >= 50, D below.
 */
QT_API qt_status qt_store_outlet_credit(qt_store *s, int64_t outlet_id, int64_t now, int *complaints, int *score,
                                        char *grade, qt_error *err);

/* ---- circles ---------------------------------------------------------------- */

/** Record a circle's grade and indicators (JSON text) from an analysis. */
QT_API qt_status qt_store_circle_set_analysis(qt_store *s, const char *circle, const char *grade,
                                              const char *indicators_json, qt_error *err);
/** Set an outlet's circle by name. */
QT_API qt_status qt_store_outlet_set_circle(qt_store *s, const char *ext_id, const char *circle, qt_error *err);

typedef struct qt_store_circle {
    int64_t id;
    const char *name, *grade, *indicators_json; /* grade, indicators: NULL before an analysis */
    double investment;                          /* NAN unknown */
    int64_t communities, outlets;
    int64_t survey_answers, survey_satisfied;   /* in period */
} qt_store_circle;
typedef qt_status (*qt_store_circle_fn)(void *ud, const qt_store_circle *c, qt_error *err);
/** One circle, with its survey answers of period.  QT_ENOTFOUND when none. */
QT_API qt_status qt_store_circle_get(qt_store *s, int64_t id, const char *period, qt_store_circle_fn fn, void *ud,
                                     qt_error *err);

/* ---- jobs, surveys, complaints, audit ------------------------------------------ */

typedef struct qt_store_job {
    int64_t id, outlet_id; /* outlet 0: none */
    const char *title, *description, *pay;
    double lon, lat;
    int64_t created_at;
} qt_store_job;
typedef qt_status (*qt_store_job_fn)(void *ud, const qt_store_job *j, qt_error *err);

/** A merchant (for one of its outlets, or none) or an operator posts a job.  QT_EFORBIDDEN: not its outlet. */
QT_API qt_status qt_store_job_create(qt_store *s, int64_t user_id, qt_role role, const qt_store_job *j, int64_t now,
                                     int64_t *id, qt_error *err);
QT_API qt_status qt_store_jobs_each(qt_store *s, qt_store_job_fn fn, void *ud, qt_error *err);
/** A resident applies.  QT_ENOTFOUND (no job), QT_ECONFLICT (applied already). */
QT_API qt_status qt_store_job_apply(qt_store *s, int64_t job_id, int64_t user_id, const char *message, int64_t now,
                                    qt_error *err);
/** One answer per resident, circle and period.  QT_ENOTFOUND (no circle), QT_ECONFLICT (answered already). */
QT_API qt_status qt_store_survey_add(qt_store *s, int64_t circle_id, int64_t user_id, const char *period,
                                     int satisfied, const char *comment, int64_t now, qt_error *err);
/** A complaint about an outlet.  QT_ENOTFOUND (no outlet), QT_EINVAL (empty kind). */
QT_API qt_status qt_store_complaint_add(qt_store *s, int64_t outlet_id, int64_t user_id, const char *kind,
                                        const char *text, int64_t now, int64_t *id, qt_error *err);
/** Append to the audit log (failures are ignored: the log never blocks the action). */
QT_API void qt_store_audit(qt_store *s, int64_t user_id, int64_t now, const char *action, const char *detail);

/* ---- coupons -------------------------------------------------------------- */

typedef struct qt_coupon_spec {
    int64_t outlet_id;
    const char *title;
    int64_t quantity, per_user_limit, valid_from, valid_to;
} qt_coupon_spec;

/**
 * A merchant issues a coupon for one of its outlets.  Statuses:
 * QT_EFORBIDDEN (not this merchant's outlet), QT_ENOTFOUND (no such
 * outlet), QT_EINVAL.
 */
QT_API qt_status qt_store_coupon_create(qt_store *s, int64_t merchant_id, const qt_coupon_spec *c, int64_t now,
                                        int64_t *id, qt_error *err);
/**
 * A resident claims a coupon: code (33 bytes) gets a fresh code.  Statuses:
 * QT_ENOTFOUND (no such coupon), QT_EGONE (outside its validity),
 * QT_ECONFLICT (none left, or the user's limit reached).
 */
QT_API qt_status qt_store_coupon_claim(qt_store *s, int64_t coupon_id, int64_t user_id, int64_t now, char code[33],
                                       qt_error *err);
/**
 * A merchant redeems a code in the shop.  Statuses: QT_ENOTFOUND (unknown
 * code), QT_EFORBIDDEN (another merchant's coupon), QT_EGONE (expired),
 * QT_ECONFLICT (redeemed already).
 */
QT_API qt_status qt_store_redeem(qt_store *s, int64_t merchant_id, const char *code, int64_t now, qt_error *err);

#ifdef __cplusplus
}
#endif
#endif

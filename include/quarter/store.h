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
    int chain, cash, barrier_free;  /* cash, barrier_free: -1 unknown */
    double staff, floor_area;       /* NAN unknown */
    const char *community, *circle; /* names, may be NULL */
    int64_t closed_at;              /* 0 open, else when it was marked closed (Unix seconds); -1 deleted
                                       (qt_store_changes_since only: then only id is set, the texts NULL) */
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
QT_API qt_status qt_store_user_add(qt_store *s, const char *name, qt_role role, const char *password, int64_t *id,
                                   qt_error *err);
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
/**
 * Ids of the outlets linked to merchant user_id (qt_store_merchant_link), in
 * id order; none for a user with no links.  OUT *ids (caller frees with
 * qt_store_free_str((char *)*ids)).
 */
QT_API qt_status qt_store_merchant_outlets(qt_store *s, int64_t user_id, int64_t **ids, size_t *n, qt_error *err);

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
 * Merchant credit of an outlet (docs/http-api.md): *complaints counts the
 * complaints of the 365 days before now that were upheld, or are still open
 * and unanswered after QT_COMPLAINT_ANSWER_DAYS; score = max(0, 100 - 10 x
 * complaints); grade A >= 90, B >= 70, C >= 50, D below.
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
    int64_t survey_answers, survey_satisfied; /* in period */
} qt_store_circle;
typedef qt_status (*qt_store_circle_fn)(void *ud, const qt_store_circle *c, qt_error *err);
/** One circle, with its survey answers of period.  QT_ENOTFOUND when none. */
QT_API qt_status qt_store_circle_get(qt_store *s, int64_t id, const char *period, qt_store_circle_fn fn, void *ud,
                                     qt_error *err);

/** A dated snapshot of a circle's grade and indicators (one per import). */
typedef struct qt_store_snapshot {
    int64_t circle_id, at; /* at: Unix seconds */
    const char *circle, *grade, *indicators_json;
} qt_store_snapshot;
typedef qt_status (*qt_store_snapshot_fn)(void *ud, const qt_store_snapshot *sn, qt_error *err);
/**
 * Every circle's snapshots, oldest first (circle_id 0: every circle), at most
 * `limit` per circle (the newest ones).  fn's argument is BORROWED for the call.
 */
QT_API qt_status qt_store_snapshots_each(qt_store *s, int64_t circle_id, int limit, qt_store_snapshot_fn fn, void *ud,
                                         qt_error *err);
/** Every circle's id, oldest first.  OUT *ids (caller frees with qt_store_free_str((char *)ids)), *n. */
QT_API qt_status qt_store_circle_ids(qt_store *s, int64_t **ids, size_t *n, qt_error *err);

/* ---- the analysis' geometries, for GIS users (issue 14) ------------------------ */

/* What a qt_store_geom is */
enum {
    QT_STORE_GEOM_COMMUNITY = 1, /* a community's area: sets communities.geom */
    QT_STORE_GEOM_CIRCLE,        /* a circle's area: sets circles.geom */
    QT_STORE_GEOM_BLINDSPOT,     /* a 盲区 of a circle and 业态: a row of blindspots */
    QT_STORE_GEOM_SITE           /* a recommended site: a row of sites */
};
/** One geometry of an analysis.  Strings BORROWED for the call. */
typedef struct qt_store_geom {
    int kind;             /* QT_STORE_GEOM_* */
    const char *name;     /* community, circle: its name (created when new); site: its id, or NULL */
    const char *circle;   /* 盲区, site: its circle's name, NULL for none (a city without circles) */
    const char *category; /* 盲区, site: the 业态's profile code */
    const char *zh;       /* 盲区, site: the 业态's Chinese name, or NULL */
    const char *boundary; /* community, circle: what the area is (社区边界, 网格单元, 小区外包线), or NULL */
    int rank;             /* site: 1 for the first recommended */
    double value;         /* 盲区: residents without the 业态 in its ring; site: newly covered; NAN: unknown */
    const char *geojson; /* the geometry in WGS-84 as GeoJSON: a (Multi)Polygon, a site's Point */
} qt_store_geom;
/**
 * Remove the geometries of the previous import: every 盲区 and site, and the
 * areas of every community and circle (their rows and ids stay).  An import
 * calls it, then qt_store_geom_put for each, inside qt_store_begin.  PostgreSQL
 * keeps them as PostGIS geometries (SRID 4326), SQLite as GeoJSON text
 * (docs/internals/store.md).  Statuses: QT_EDB.
 */
QT_API qt_status qt_store_geoms_clear(qt_store *s, qt_error *err);
/** Store one geometry.  Statuses: QT_EINVAL (a kind, name, category or geometry missing or refused), QT_EDB. */
QT_API qt_status qt_store_geom_put(qt_store *s, const qt_store_geom *g, qt_error *err);

/* ---- jobs, surveys, complaints, audit ------------------------------------------ */

typedef struct qt_store_job {
    int64_t id, outlet_id; /* outlet 0: none */
    const char *title, *description, *pay;
    double lon, lat;
    int64_t created_at;
    int64_t expires_at; /* Unix seconds: the job closes then (found before it, not at or after) */
} qt_store_job;
typedef qt_status (*qt_store_job_fn)(void *ud, const qt_store_job *j, qt_error *err);

/* A job's default life, when it is posted with no closing time. */
#define QT_STORE_JOB_DAYS 30
/* The latest closing time a job may have: this many days after now. */
#define QT_STORE_JOB_MAX_DAYS 366

/**
 * A merchant (for one of its outlets, or none) or an operator (for an outlet
 * of its circle, or none) posts a job.  j->expires_at 0: now + QT_STORE_JOB_DAYS
 * days; else after now and at most QT_STORE_JOB_MAX_DAYS days ahead (QT_EINVAL).
 * QT_EFORBIDDEN: not its outlet or circle; QT_ENOTFOUND: no such outlet.
 */
QT_API qt_status qt_store_job_create(qt_store *s, int64_t user_id, qt_role role, const qt_store_job *j, int64_t now,
                                     int64_t *id, qt_error *err);
/**
 * Its poster edits a job: j->id's title, description and pay where not NULL,
 * and its closing time where j->expires_at is not 0 (at most
 * QT_STORE_JOB_MAX_DAYS days ahead; now or earlier closes it at once).  The
 * place and outlet stay.  fn (may be NULL) gets the job as it now is
 * (BORROWED for the call).  QT_ENOTFOUND (no such job), QT_EFORBIDDEN (not
 * the caller's), QT_EINVAL.
 */
QT_API qt_status qt_store_job_update(qt_store *s, int64_t user_id, const qt_store_job *j, int64_t now,
                                     qt_store_job_fn fn, void *ud, qt_error *err);
/** Every job open at now (expires_at after it; now 0: every job), by id. */
QT_API qt_status qt_store_jobs_each(qt_store *s, int64_t now, qt_store_job_fn fn, void *ud, qt_error *err);
/** The jobs a user posted, newest first, at most limit, open and expired alike. */
QT_API qt_status qt_store_jobs_of_poster(qt_store *s, int64_t user_id, int limit, qt_store_job_fn fn, void *ud,
                                         qt_error *err);
/** A resident applies to an open job.  QT_ENOTFOUND (no job), QT_EGONE (closed), QT_ECONFLICT (applied already). */
QT_API qt_status qt_store_job_apply(qt_store *s, int64_t job_id, int64_t user_id, const char *message, int64_t now,
                                    qt_error *err);
/** One answer per resident, circle and period.  QT_ENOTFOUND (no circle), QT_ECONFLICT (answered already). */
QT_API qt_status qt_store_survey_add(qt_store *s, int64_t circle_id, int64_t user_id, const char *period, int satisfied,
                                     const char *comment, int64_t now, qt_error *err);
/**
 * A complaint about an outlet: at most one per user and shop in
 * QT_COMPLAINT_REPEAT_DAYS, and never while the user's last one is open.
 * QT_ENOTFOUND (no outlet), QT_EINVAL (empty kind), QT_ECONFLICT (repeat).
 */
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

/* ---- platform (issue 11): transactions, accounts, limits, complaints, surveys,
 * goods, coupon codes, my coupons ------------------------------------------------ */

/**
 * One write transaction (BEGIN IMMEDIATE) around many calls, e.g. a whole
 * import: a crash or kill -9 before qt_store_commit leaves the store as it
 * was.  Not nested.  qt_store_commit checkpoints the WAL afterwards.
 */
QT_API qt_status qt_store_begin(qt_store *s, qt_error *err);
QT_API qt_status qt_store_commit(qt_store *s, qt_error *err);
/** Undo the open transaction (no-op without one). */
QT_API void qt_store_rollback(qt_store *s);
/** Checkpoint the WAL into the database and truncate it (PRAGMA wal_checkpoint(TRUNCATE)). */
QT_API qt_status qt_store_checkpoint(qt_store *s, qt_error *err);

/* Fields of an outlet edited through the API; a re-import keeps them. */
#define QT_EDIT_NAME         0x01u
#define QT_EDIT_CATEGORY     0x02u
#define QT_EDIT_ADDRESS      0x04u
#define QT_EDIT_BRAND        0x08u
#define QT_EDIT_HOURS        0x10u
#define QT_EDIT_SERVICES     0x20u
#define QT_EDIT_CASH         0x40u
#define QT_EDIT_BARRIER_FREE 0x80u
/** The field name of one QT_EDIT_ bit ("opening_hours" ...), "" for others. */
QT_API const char *qt_store_edit_field(unsigned bit);

/**
 * As qt_store_outlet_put, for an import: fields edited through the API
 * (qt_store_outlet_update, merchant edits) keep their edited value; *kept
 * (may be NULL) gets the QT_EDIT_ bits where the imported value differed
 * and the edit was kept -- the conflicts the import reports.
 */
QT_API qt_status qt_store_outlet_import(qt_store *s, const qt_store_outlet *o, int64_t *id, unsigned *kept,
                                        qt_error *err);

/** argon2id hash of a password (8 to 256 bytes) into out (128 bytes).  Slow on purpose: run it off the request threads. */
QT_API qt_status qt_store_password_hash(const char *password, char out[128], qt_error *err);
/** 1 when password matches hash (argon2id; slow), else 0. */
QT_API int qt_store_password_verify(const char *hash, const char *password);

typedef struct qt_user_spec {
    const char *name;
    qt_role role;
    const char *password;      /* hashed here, or NULL when pw_hash is given */
    const char *pw_hash;       /* from qt_store_password_hash */
    int64_t circle_id;         /* operators: their circle, 0 none */
    int64_t home_circle_id;    /* residents: the circle of their home, 0 none */
    double home_lon, home_lat; /* NAN unknown */
} qt_user_spec;

/**
 * Add a user, with its circle and home, in one transaction: nothing is
 * written when any part fails.  Statuses: QT_EINVAL, QT_ECONFLICT (name
 * taken), QT_ENOTFOUND (no such circle; err->where names the field).
 */
QT_API qt_status qt_store_user_create(qt_store *s, const qt_user_spec *u, int64_t now, int64_t *id, qt_error *err);
/** Set a resident's home circle (0: none) and location.  QT_ENOTFOUND (user or circle). */
QT_API qt_status qt_store_user_set_home(qt_store *s, int64_t user_id, int64_t circle_id, double lon, double lat,
                                        qt_error *err);
/**
 * The circle a home at (lon, lat) belongs to: the circle of the nearest
 * outlet within max_m metres that has one (*circle_id 0 when none).
 */
QT_API qt_status qt_store_circle_near(qt_store *s, double lon, double lat, double max_m, int64_t *circle_id,
                                      qt_error *err);
/** A user's home circle (0 none) and operator circle (0 none).  QT_ENOTFOUND. */
QT_API qt_status qt_store_user_circles(qt_store *s, int64_t user_id, int64_t *home_circle, int64_t *op_circle,
                                       qt_error *err);

typedef struct qt_login_limits {
    int per_pair;        /* failures for one name from one address in the window (5) */
    int per_addr;        /* failures from one address, any names (20) */
    int64_t window_s;    /* 300 */
    int per_name_free;   /* failures of a name from all addresses before the delay starts (10) */
    int64_t max_delay_s; /* the delay doubles per further failure up to this (30) */
} qt_login_limits;
QT_API void qt_login_limits_default(qt_login_limits *l);

/**
 * First half of a login: in one IMMEDIATE transaction, check the limits and
 * record the attempt (as a failure until settled), so concurrent guesses
 * are counted before any password is verified.  Limits never lock an
 * account: failures count per name and address together; from all
 * addresses they only impose a growing delay (at most max_delay_s).
 * *attempt gets the attempt to settle with qt_store_login_finish; hash
 * (128 bytes) the user's hash ("" when no such user, *user_id 0).
 * Statuses: QT_ELIMIT with *retry_after_s (seconds to wait).
 */
QT_API qt_status qt_store_login_begin(qt_store *s, const char *name, const char *addr, int64_t now,
                                      const qt_login_limits *lim, int64_t *attempt, char hash[128], int64_t *user_id,
                                      qt_role *role, int64_t *retry_after_s, qt_error *err);
/**
 * Second half: ok > 0 deletes the attempt and issues a token (65 bytes)
 * valid ttl_s for user_id; ok == 0 marks it failed (QT_EAUTH); ok < 0
 * forgets it (the password was not checked).
 */
QT_API qt_status qt_store_login_finish(qt_store *s, int64_t attempt, int ok, int64_t user_id, int64_t now,
                                       int64_t ttl_s, char token[65], qt_error *err);

/**
 * Rate limit of an action (kind "register", "complaint", "job" ..., key an
 * address or a user): QT_ELIMIT with *retry_after_s when max events of kind
 * and key happened in the window_s before now, else the event is recorded.
 * Atomic (IMMEDIATE transaction).
 */
QT_API qt_status qt_store_rate_hit(qt_store *s, const char *kind, const char *key, int64_t now, int max,
                                   int64_t window_s, int64_t *retry_after_s, qt_error *err);

/** Days a merchant has to answer a complaint before an unanswered one counts in its credit. */
#define QT_COMPLAINT_ANSWER_DAYS 14
/** One complaint per resident and shop in this many days (and never two open). */
#define QT_COMPLAINT_REPEAT_DAYS 30

typedef struct qt_store_complaint {
    int64_t id, outlet_id, user_id;
    const char *outlet_name, *kind, *text, *status; /* status: open, upheld, rejected */
    const char *answer, *resolution;                /* NULL when none */
    int64_t created_at, answered_at, resolved_at;   /* 0 when not yet */
} qt_store_complaint;
typedef qt_status (*qt_store_complaint_fn)(void *ud, const qt_store_complaint *c, qt_error *err);

/**
 * Complaints the actor may see, newest first, at most limit: a resident its
 * own, a merchant those about its shops, an operator those about shops of
 * its circle, an admin all; outlet_id 0 for all of them, else one shop's.
 */
QT_API qt_status qt_store_complaints_each(qt_store *s, int64_t actor, qt_role role, int64_t outlet_id, int limit,
                                          qt_store_complaint_fn fn, void *ud, qt_error *err);
/** The shop's merchant answers a complaint.  QT_ENOTFOUND, QT_EFORBIDDEN, QT_ECONFLICT (resolved already). */
QT_API qt_status qt_store_complaint_answer(qt_store *s, int64_t merchant, int64_t id, const char *text, int64_t now,
                                           qt_error *err);
/**
 * The operator of the shop's circle, or an admin, upholds (upheld != 0) or
 * rejects an open complaint.  QT_ENOTFOUND, QT_EFORBIDDEN, QT_ECONFLICT
 * (resolved already).  Audited.
 */
QT_API qt_status qt_store_complaint_resolve(qt_store *s, int64_t actor, qt_role role, int64_t id, int upheld,
                                            const char *note, int64_t now, qt_error *err);

/**
 * Check a survey period: "2026" or "2026-Q1".."2026-Q4", not starting after
 * now.  QT_EINVAL (the form) or QT_EINVAL (in the future); *start_out (may
 * be NULL) gets its first second (China time).
 */
QT_API qt_status qt_store_period_check(const char *period, int64_t now, int64_t *start_out, qt_error *err);
/**
 * A resident answers the survey of its home circle: the period is checked
 * (qt_store_period_check), the circle must be the user's home circle.
 * Statuses: QT_EINVAL, QT_ENOTFOUND, QT_EFORBIDDEN (not the home circle, or
 * no home set), QT_ECONFLICT (answered already).
 */
QT_API qt_status qt_store_survey_answer(qt_store *s, int64_t circle_id, int64_t user_id, const char *period,
                                        int satisfied, const char *comment, int64_t now, qt_error *err);

/* ---- goods ---- */

typedef struct qt_store_good {
    int64_t id, outlet_id;
    const char *name, *unit, *barcode; /* barcode NULL when none */
    double price;                      /* yuan */
    int in_stock;
    int64_t updated_at;
    const char *outlet_name; /* listings only: the shop's name and place */
    double lon, lat;
} qt_store_good;
typedef qt_status (*qt_store_good_fn)(void *ud, const qt_store_good *g, qt_error *err);

/**
 * A merchant adds (g->id 0) or replaces (g->id set) a good of its shop.
 * Statuses: QT_EINVAL (field in err->where), QT_EFORBIDDEN (not its shop),
 * QT_ENOTFOUND.  *id gets the good's id.
 */
QT_API qt_status qt_store_good_put(qt_store *s, int64_t merchant, const qt_store_good *g, int64_t now, int64_t *id,
                                   qt_error *err);
/** Remove a good of the merchant's shop.  QT_ENOTFOUND, QT_EFORBIDDEN. */
QT_API qt_status qt_store_good_delete(qt_store *s, int64_t merchant, int64_t id, qt_error *err);
/** One good.  QT_ENOTFOUND. */
QT_API qt_status qt_store_good_get(qt_store *s, int64_t id, qt_store_good_fn fn, void *ud, qt_error *err);
/** The goods of one shop, by id. */
QT_API qt_status qt_store_goods_of_outlet(qt_store *s, int64_t outlet_id, qt_store_good_fn fn, void *ud, qt_error *err);
/**
 * Goods whose name contains q (Chinese substring: trigram index from 3
 * characters, a scan below), in stock only when in_stock_only, at most limit,
 * by id.
 */
QT_API qt_status qt_store_goods_match(qt_store *s, const char *q, int in_stock_only, int limit, qt_store_good_fn fn,
                                      void *ud, qt_error *err);

/* ---- coupons: short codes, idempotent claims, listings ---- */

/**
 * Claim as qt_store_coupon_claim, with a short code (code: 12 bytes, 11
 * Crockford base32 characters with a check character) and an optional
 * idempotency key (1 to 64 bytes, NULL for none): a retry with the same key
 * by the same user returns the first claim's code and sets *replayed
 * (may be NULL) instead of claiming again.
 */
QT_API qt_status qt_store_coupon_claim_key(qt_store *s, int64_t coupon_id, int64_t user_id, const char *idem_key,
                                           int64_t now, char code[33], int *replayed, qt_error *err);
/**
 * The canonical form of a code as typed (case, '-', spaces, O/0 and I/L/1
 * forgiven; the check character verified) into out (33 bytes); the older
 * 32-hex codes are accepted in either case.  QT_EINVAL names what is wrong.
 */
QT_API qt_status qt_store_code_normalize(const char *typed, char out[33], qt_error *err);

typedef struct qt_store_coupon {
    int64_t id, outlet_id;
    const char *title, *outlet_name;
    double lon, lat; /* the shop's */
    int64_t quantity, claimed, per_user_limit, valid_from, valid_to;
} qt_store_coupon;
typedef qt_status (*qt_store_coupon_fn)(void *ud, const qt_store_coupon *c, qt_error *err);
/** Coupons valid at now with some left, of one shop (outlet_id) or all (0), by id, at most limit. */
QT_API qt_status qt_store_coupons_active(qt_store *s, int64_t outlet_id, int64_t now, int limit, qt_store_coupon_fn fn,
                                         void *ud, qt_error *err);

typedef struct qt_store_claim {
    const char *code, *title, *outlet_name, *status;                             /* status: active, redeemed, expired */
    int64_t coupon_id, outlet_id, claimed_at, redeemed_at, valid_from, valid_to; /* redeemed_at 0: not */
} qt_store_claim;
typedef qt_status (*qt_store_claim_fn)(void *ud, const qt_store_claim *c, qt_error *err);
/** A user's claims ("my coupons"), newest first, at most limit. */
QT_API qt_status qt_store_claims_of_user(qt_store *s, int64_t user_id, int64_t now, int limit, qt_store_claim_fn fn,
                                         void *ud, qt_error *err);

/**
 * A merchant edits its own shop's profile (hours, services, cash,
 * barrier-free, address; not the name or 业态).  QT_EFORBIDDEN (not its
 * shop), QT_ENOTFOUND, QT_EINVAL.  Audited; the fields survive re-imports.
 */
QT_API qt_status qt_store_outlet_update_by_merchant(qt_store *s, int64_t merchant, int64_t outlet_id,
                                                    const qt_outlet_patch *p, qt_error *err);

typedef struct qt_store_application {
    int64_t job_id, user_id, created_at;
    const char *job_title, *user_name, *message;
} qt_store_application;
typedef qt_status (*qt_store_application_fn)(void *ud, const qt_store_application *a, qt_error *err);
/** Applicants to the jobs a user posted (job_id 0: all of them), newest first, at most limit. */
QT_API qt_status qt_store_applications_of_poster(qt_store *s, int64_t poster, int64_t job_id, int limit,
                                                 qt_store_application_fn fn, void *ud, qt_error *err);

/* ---- the change feed (issue 14): servers on one store follow each other's writes ---- */

/*
 * Every write of an outlet -- an import (qt_store_outlet_put, _import), an
 * edit (qt_store_outlet_update, _update_by_merchant, _set_circle), a closing
 * or reopening (qt_store_outlets_sync_closed) -- and every job posted gets a
 * new change sequence number in the same transaction as the write, so a
 * change is in the feed exactly when it is committed.  Sequence numbers
 * increase and are never reused; each outlet or job is listed once, under
 * its latest number, and numbers become visible in their order (a follower
 * that has applied N never later sees N-1 commit).  SQLite: triggers on
 * outlets and jobs write the table `changes` (migration 0006), one writer at
 * a time; a server backend serialises the writers of outlets and jobs
 * (PostgreSQL: a transaction-scoped advisory lock taken by the trigger).  A server reads the sequence before its full
 * load (qt_store_changes_latest), then follows: wait, read what came after
 * the last number applied, apply, repeat (at least once: a change may be
 * seen twice, never missed).
 */

/** The latest change sequence number (0: none yet). */
QT_API qt_status qt_store_changes_latest(qt_store *s, int64_t *latest, qt_error *err);
/**
 * Every outlet and job changed after `since`, in sequence order, in one
 * consistent read: outlet_fn gets each changed outlet with all its fields,
 * closed ones too (o->closed_at > 0, to be removed from an index; -1 for
 * one deleted, only o->id set), job_fn (may be NULL) each job posted or
 * changed.  *latest gets the sequence number of the last change read (since
 * when none).  The arguments are BORROWED for the call; a status other than
 * QT_OK from a callback stops the walk and is returned.
 */
QT_API qt_status qt_store_changes_since(qt_store *s, int64_t since, int64_t *latest, qt_store_outlet_fn outlet_fn,
                                        qt_store_job_fn job_fn, void *ud, qt_error *err);
/**
 * Wait at most timeout_ms for a change after `since`; *latest gets the
 * latest sequence number (> since when one came, else since or less).
 * Cheap: SQLite looks at PRAGMA data_version every QT_STORE_POLL_MS and
 * reads the sequence only when another connection committed; a server
 * backend returns as soon as it is told (PostgreSQL: LISTEN/NOTIFY on the
 * channel QT_STORE_CHANGES_CHANNEL).  Not inside qt_store_begin.
 */
QT_API qt_status qt_store_changes_wait(qt_store *s, int64_t since, int timeout_ms, int64_t *latest, qt_error *err);
#define QT_STORE_POLL_MS         150
#define QT_STORE_CHANGES_CHANNEL "quarter_changes"

#ifdef __cplusplus
}
#endif
#endif

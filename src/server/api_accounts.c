/* SPDX-License-Identifier: MIT */
/*
 * api_accounts.c -- residents register themselves (with their home, placed
 * on a circle); everybody logs in for a bearer token (POST /auth/register,
 * POST /auth/login); the admin makes any account (POST /users).  All three
 * hash with argon2id on the server's hash pool,
 * off the HTTP threads (the connection waits suspended; 503 + Retry-After
 * when the pool's queue is full); registration is limited per address; a
 * login attempt is recorded before the password is checked.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <stdio.h>

#include "base/alloc.h"
#include "server/api.h"
#include "server/offload.h"
#include "server/reply.h"

/* the body {name, password}: the object (caller decrefs), or NULL with the error reply in *res */
static json_t *credentials(qt__req *r, const char **name, const char **pw, enum MHD_Result *res)
{
    json_t *j = qt__req_body(r, res);
    if (j && (!(*name = qt__req_str(r, j, "name", res)) || !(*pw = qt__req_str(r, j, "password", res)))) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* an optional home {lon, lat} (in crs): 1 set, 0 absent, -1 bad (reply sent) */
static int home_of(qt__req *r, json_t *j, int crs, double *lon, double *lat, enum MHD_Result *res)
{
    json_t *h = json_object_get(j, "home"), *x, *y;
    if (!h || json_is_null(h))
        return 0;
    x = json_object_get(h, "lon");
    y = json_object_get(h, "lat");
    if (!json_is_object(h) || !json_is_number(x) || !json_is_number(y) ||
        !(json_number_value(x) >= -180 && json_number_value(x) <= 180 && json_number_value(y) >= -90 &&
          json_number_value(y) <= 90)) {
        *res = qt__reply_error(r, QT_EINVAL, "home", "home is {\"lon\": …, \"lat\": …}");
        return -1;
    }
    *lon = json_number_value(x);
    *lat = json_number_value(y);
    qt__to_wgs84(crs, lon, lat);
    return 1;
}

/* an argon2id hash or check on the hash pool: the HTTP thread is free meanwhile */
typedef struct pw_job {
    qt__job base;
    char password[260];
    char hash[128]; /* register: the new hash; login: the stored one */
    int verify;     /* login: check password against hash */
    int ok;         /* login: it matched */
    qt_status st;   /* register: the hash's status */
    qt_error err;
    /* the request's state across the two calls */
    char name[72];
    int64_t attempt, uid, circle;
    int64_t op_circle; /* POST /users: an operator's circle */
    qt_role role;
    double lon, lat;
} pw_job;

static void pw_run(qt__job *jb)
{
    pw_job *j = (pw_job *)jb;
    qt_error_clear(&j->err);
    if (j->verify)
        j->ok = j->uid && qt_store_password_verify(j->hash, j->password);
    else
        j->st = qt_store_password_hash(j->password, j->hash, &j->err);
}

static void pw_free(qt__job *jb)
{
    pw_job *j = (pw_job *)jb;
    sodium_memzero(j, sizeof *j);
    qt__free(j);
}

/* queue j on the hash pool and suspend the connection: MHD_YES; NULL j or a full pool: a 503 or 500 reply */
static enum MHD_Result offload_hash(qt__req *r, pw_job *j)
{
    if (!j)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    if (!qt__offload_reserve(r->s->hashpool)) {
        pw_free(&j->base);
        r->conn->retry_after = 1;
        r->conn->http_status = 503;
        return qt__reply_error(r, QT_ELIMIT, NULL, "the server is busy checking passwords; try again in a second");
    }
    j->base.run = pw_run;
    j->base.free = pw_free;
    j->base.c = r->c;
    r->conn->job = &j->base;
    MHD_suspend_connection(r->c);
    qt__offload_push(r->s->hashpool, &j->base);
    return MHD_YES;
}

enum MHD_Result qt__api_register(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    const char *name = NULL, *pw = NULL;
    json_t *j;
    int64_t id, circle = 0;
    double lon = NAN, lat = NAN;
    char addr[64];
    qt_user_spec u;
    qt_error e = QT_ERROR_INIT;
    int crs;
    pw_job *job;
    if (r->conn->job) { /* the hash is made: the account, in one transaction */
        job = (pw_job *)r->conn->job;
        if (job->st != QT_OK)
            return qt__reply_status(r, &job->err);
        memset(&u, 0, sizeof u);
        u.name = job->name;
        u.role = QT_ROLE_RESIDENT;
        u.pw_hash = job->hash;
        u.home_circle_id = job->circle;
        u.home_lon = job->lon;
        u.home_lat = job->lat;
        qt_error_clear(&e);
        if (qt_store_user_create(r->st, &u, (int64_t)time(NULL), &id, &e) != QT_OK)
            return qt__reply_status(r, &e);
        if (job->circle)
            return qt__reply_json(r, 201,
                                  json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)id, "name", job->name, "role",
                                            "resident", "home_circle_id", (json_int_t)job->circle));
        return qt__reply_json(r, 201,
                              json_pack("{s:I, s:s, s:s, s:n}", "id", (json_int_t)id, "name", job->name, "role",
                                        "resident", "home_circle_id"));
    }
    if (qt__req_crs(r, &crs, &res) < 0)
        return res;
    if (!(j = credentials(r, &name, &pw, &res)))
        return res;
    if (home_of(r, j, crs, &lon, &lat, &res) < 0) {
        json_decref(j);
        return res;
    }
    /* the checks that need no hash first: a bad request costs no CPU */
    if (!*name || strlen(name) > 64 || strlen(pw) < 8 || strlen(pw) > 256) {
        res = qt__reply_error(r, QT_EINVAL, *name && strlen(name) <= 64 ? "password" : "name",
                              *name && strlen(name) <= 64 ? "a password is 8 to 256 bytes" : "a name is 1 to 64 bytes");
        json_decref(j);
        return res;
    }
    qt__client_addr(r->s, r->c, addr);
    if (qt__rate_limit(r, "register", addr, r->s->o.register_per_hour, 3600, &res) < 0) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    if (isfinite(lon) && qt_store_circle_near(r->st, lon, lat, 1000, &circle, &e) != QT_OK) {
        json_decref(j);
        return qt__reply_status(r, &e);
    }
    job = qt__calloc(1, sizeof *job);
    if (job) {
        snprintf(job->name, sizeof job->name, "%s", name);
        snprintf(job->password, sizeof job->password, "%s", pw);
        job->circle = circle;
        job->lon = lon;
        job->lat = lat;
    }
    json_decref(j);
    return offload_hash(r, job);
}

enum MHD_Result qt__api_login(qt__req *r)
{
    const qt_server_opts *o = &r->s->o;
    enum MHD_Result res = MHD_NO;
    const char *name = NULL, *pw = NULL;
    json_t *j;
    char token[65], addr[64], hash[128];
    int64_t uid = 0, attempt = 0, retry = 0, now = (int64_t)time(NULL);
    qt_role role = QT_ROLE_NONE;
    qt_login_limits lim;
    qt_error e = QT_ERROR_INIT;
    pw_job *job;
    if (r->conn->job) { /* the password is checked: settle the attempt */
        job = (pw_job *)r->conn->job;
        qt_error_clear(&e);
        if (qt_store_login_finish(r->st, job->attempt, job->ok, job->uid, now, o->token_ttl_s, token, &e) != QT_OK)
            return qt__reply_status(r, &e);
        return qt__reply_json(r, 200,
                              json_pack("{s:s, s:s, s:I, s:I}", "token", token, "role", qt_role_name(job->role),
                                        "user_id", (json_int_t)job->uid, "expires_in", (json_int_t)o->token_ttl_s));
    }
    if (!(j = credentials(r, &name, &pw, &res)))
        return res;
    qt_login_limits_default(&lim);
    lim.per_pair = o->login_attempts;
    lim.per_addr = 4 * o->login_attempts;
    lim.window_s = o->login_window_s;
    qt_error_clear(&e);
    /* the attempt is counted first (atomically), then the password is checked */
    if (qt_store_login_begin(r->st, name, qt__client_addr(r->s, r->c, addr), now, &lim, &attempt, hash, &uid, &role,
                             &retry, &e) != QT_OK) {
        if (e.code == QT_ELIMIT)
            r->conn->retry_after = (int)(retry > 0 ? retry : 1);
        json_decref(j);
        return qt__reply_status(r, &e);
    }
    job = qt__calloc(1, sizeof *job);
    if (job) {
        job->verify = 1;
        job->attempt = attempt;
        job->uid = uid;
        job->role = role;
        snprintf(job->hash, sizeof job->hash, "%s", hash);
        snprintf(job->password, sizeof job->password, "%s", pw);
    }
    json_decref(j);
    if (!job || !qt__offload_reserve(r->s->hashpool)) {
        /* not checked: the attempt is not held against anybody */
        qt_store_login_finish(r->st, attempt, -1, 0, now, 0, token, NULL);
        if (job)
            pw_free(&job->base);
        r->conn->retry_after = 1;
        r->conn->http_status = job ? 503 : 0;
        return qt__reply_error(r, job ? QT_ELIMIT : QT_ENOMEM, NULL,
                               job ? "the server is busy checking passwords; try again in a second" : "no memory");
    }
    job->base.run = pw_run;
    job->base.free = pw_free;
    job->base.c = r->c;
    r->conn->job = &job->base;
    MHD_suspend_connection(r->c);
    qt__offload_push(r->s->hashpool, &job->base);
    return MHD_YES;
}

/* POST /users (admin) {name, password, role, circle_id?, home_circle_id?}: hashed on the hash pool like register */
enum MHD_Result qt__api_user_create(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j, *circle, *home;
    const char *name = NULL, *pw = NULL, *role_s;
    qt_user_spec u;
    int64_t id;
    qt_error e;
    char detail[128];
    qt_role role;
    pw_job *job;
    if (r->conn->job) { /* the hash is made: the user with its circle and home, in one transaction */
        job = (pw_job *)r->conn->job;
        if (job->st != QT_OK)
            return qt__reply_status(r, &job->err);
        memset(&u, 0, sizeof u);
        u.name = job->name;
        u.role = job->role;
        u.pw_hash = job->hash;
        u.circle_id = job->op_circle;
        u.home_circle_id = job->circle;
        u.home_lon = u.home_lat = NAN;
        qt_error_clear(&e);
        /* a bad circle_id leaves no user behind (issue 11, item 12) */
        if (qt_store_user_create(r->st, &u, (int64_t)time(NULL), &id, &e) != QT_OK)
            return qt__reply_status(r, &e);
        snprintf(detail, sizeof detail, "user %lld role %s", (long long)id, qt_role_name(job->role));
        qt_store_audit(r->st, r->uid, (int64_t)time(NULL), "user.create", detail);
        return qt__reply_json(
            r, 201,
            json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", job->name, "role", qt_role_name(job->role)));
    }
    if (!(j = credentials(r, &name, &pw, &res)))
        return res;
    if (!(role_s = qt__req_str(r, j, "role", &res))) {
        json_decref(j);
        return res;
    }
    role = qt_role_parse(role_s);
    circle = json_object_get(j, "circle_id");
    home = json_object_get(j, "home_circle_id");
    if (role == QT_ROLE_NONE)
        res = qt__reply_error(r, QT_EINVAL, "role", "role is admin, operator, merchant or resident");
    else if ((circle && !json_is_integer(circle)) || (home && !json_is_integer(home)))
        res = qt__reply_error(r, QT_EINVAL, circle && !json_is_integer(circle) ? "circle_id" : "home_circle_id",
                              "circle ids are whole numbers");
    else if (!*name || strlen(name) > 64)
        res = qt__reply_error(r, QT_EINVAL, "name", "a name is 1 to 64 bytes");
    else if (strlen(pw) < 8 || strlen(pw) > 256)
        res = qt__reply_error(r, QT_EINVAL, "password", "a password is 8 to 256 bytes");
    else {
        job = qt__calloc(1, sizeof *job);
        if (job) {
            snprintf(job->name, sizeof job->name, "%s", name);
            snprintf(job->password, sizeof job->password, "%s", pw);
            job->role = role;
            job->op_circle = circle ? json_integer_value(circle) : 0;
            job->circle = home ? json_integer_value(home) : 0;
        }
        json_decref(j);
        return offload_hash(r, job);
    }
    json_decref(j);
    return res;
}

/* SPDX-License-Identifier: MIT */
/*
 * router.c -- the endpoint table and the dispatch (server/router.h).
 */
#include "server/router.h"

#include <string.h>

#include "base/alloc.h"
#include "server/api.h"
#include "server/offload.h"
#include "server/reply.h"

static const qt__endpoint table[] = {
    {"GET", "/api/v1/", QT__NOSTORE, qt__api_index},
    {"GET", "/api/v1/openapi.json", QT__NOSTORE, qt__api_openapi},
    {"GET", "/api/v1/health", QT__NOSTORE, qt__api_health},
    {"GET", "/api/v1/nearby", QT__ANYONE, qt__api_nearby},
    {"GET", "/api/v1/outlets/{id}", QT__ANYONE, qt__api_outlet_get},
    {"PATCH", "/api/v1/outlets/{id}", QT__MERCHANT | QT__OPERATOR | QT__ADMIN | QT__POOL, qt__api_outlet_patch},
    {"GET", "/api/v1/outlets/{id}/goods", QT__ANYONE, qt__api_goods_of_outlet},
    {"POST", "/api/v1/outlets/{id}/goods", QT__MERCHANT | QT__POOL, qt__api_good_create},
    {"PUT", "/api/v1/outlets/{id}/goods.csv", QT__MERCHANT | QT__POOL, qt__api_goods_upload},
    {"PUT", "/api/v1/goods/{id}", QT__MERCHANT | QT__POOL, qt__api_good_put},
    {"DELETE", "/api/v1/goods/{id}", QT__MERCHANT | QT__POOL, qt__api_good_delete},
    {"GET", "/api/v1/goods", QT__ANYONE, qt__api_goods_search},
    {"POST", "/api/v1/auth/register", QT__ANYONE, qt__api_register},
    {"POST", "/api/v1/auth/login", QT__ANYONE, qt__api_login},
    {"POST", "/api/v1/users", QT__ADMIN, qt__api_user_create},
    {"POST", "/api/v1/users/{id}/outlets", QT__ADMIN | QT__POOL, qt__api_user_link},
    {"PUT", "/api/v1/users/{id}/home", QT__OPERATOR | QT__ADMIN | QT__POOL, qt__api_user_home},
    {"POST", "/api/v1/coupons", QT__MERCHANT | QT__POOL, qt__api_coupon_create},
    {"GET", "/api/v1/coupons", QT__ANYONE, qt__api_coupons_get},
    {"GET", "/api/v1/me/coupons", QT__RESIDENT, qt__api_my_coupons},
    {"GET", "/api/v1/me/coupons/qr", QT__RESIDENT, qt__api_my_coupon_qr},
    {"POST", "/api/v1/coupons/{id}/claim", QT__RESIDENT | QT__POOL, qt__api_coupon_claim},
    {"POST", "/api/v1/redemptions", QT__MERCHANT | QT__POOL, qt__api_redeem},
    {"GET", "/api/v1/circles/{id}", QT__ANYONE, qt__api_circle_get},
    {"POST", "/api/v1/circles/{id}/survey", QT__RESIDENT | QT__POOL, qt__api_survey_add},
    {"POST", "/api/v1/complaints", QT__RESIDENT | QT__POOL, qt__api_complaint_add},
    {"GET", "/api/v1/complaints", QT__RESIDENT | QT__MERCHANT | QT__OPERATOR | QT__ADMIN, qt__api_complaints_get},
    {"POST", "/api/v1/complaints/{id}/answer", QT__MERCHANT | QT__POOL, qt__api_complaint_answer},
    {"POST", "/api/v1/complaints/{id}/resolution", QT__OPERATOR | QT__ADMIN | QT__POOL, qt__api_complaint_resolve},
    {"GET", "/api/v1/route", QT__ANYONE, qt__api_route},
    {"GET", "/api/v1/isochrone", QT__ANYONE, qt__api_isochrone},
    {"GET", "/api/v1/jobs", QT__ANYONE, qt__api_jobs_get},
    {"POST", "/api/v1/jobs", QT__MERCHANT | QT__OPERATOR | QT__POOL, qt__api_job_create},
    {"PUT", "/api/v1/jobs/{id}", QT__MERCHANT | QT__OPERATOR | QT__POOL, qt__api_job_put},
    {"GET", "/api/v1/me/jobs", QT__MERCHANT | QT__OPERATOR, qt__api_my_jobs},
    {"POST", "/api/v1/jobs/{id}/applications", QT__RESIDENT | QT__POOL, qt__api_job_apply},
    {"GET", "/api/v1/jobs/{id}/applications", QT__MERCHANT | QT__OPERATOR, qt__api_applications_get},
    {"GET", "/api/v1/me/outlets", QT__MERCHANT, qt__api_my_outlets},
    {"GET", "/api/v1/places", QT__ANYONE, qt__api_places},
    {"GET", "/api/v1/me/applications", QT__MERCHANT | QT__OPERATOR, qt__api_applications_get},
    /* the pages (api_web.c): from memory, no store, no token */
    {"GET", "/", QT__NOSTORE, qt__api_web_page},
    {"GET", "/merchant", QT__NOSTORE, qt__api_web_page},
    {"GET", "/operator", QT__NOSTORE, qt__api_web_page},
    {"GET", "/planner", QT__NOSTORE, qt__api_web_page},
    {"GET", "/login", QT__NOSTORE, qt__api_web_page},
    {"GET", "/sw.js", QT__NOSTORE, qt__api_web_page},
    {"GET", "/manifest.webmanifest", QT__NOSTORE, qt__api_web_page},
    {"GET", "/icon.svg", QT__NOSTORE, qt__api_web_page},
    {"GET", "/assets/*", QT__NOSTORE, qt__api_web_page},
    {"GET", "/api/v1/map", QT__NOSTORE, qt__api_map},
    {"GET", "/api/v1/tiles/*", QT__NOSTORE, qt__api_tile},
    /* the planner dashboard (api_planner.c) */
    {"GET", "/api/v1/planner/circles", QT__ANYONE, qt__api_planner_circles},
    {"GET", "/api/v1/planner/circles/{id}/outlets", QT__OPERATOR | QT__ADMIN, qt__api_planner_circle_outlets},
    {"GET", "/api/v1/planner/layers/*", QT__ANYONE, qt__api_planner_layer},
    {"POST", "/api/v1/planner/whatif", QT__OPERATOR | QT__ADMIN, qt__api_planner_whatif},
    {"GET", "/api/v1/planner/trends", QT__ANYONE, qt__api_planner_trends},
};

const qt__endpoint *qt__router_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

/* url against pattern; {id}: one or more digits, a positive number that fits;
 * a final '*': the rest of the path, at least one character (the handler reads it) */
static int match(const char *pat, const char *url, int64_t *id)
{
    while (*pat) {
        if (pat[0] == '*' && pat[1] == '\0')
            return *url != '\0';
        if (strncmp(pat, "{id}", 4) == 0) {
            int64_t v = 0;
            if (*url < '0' || *url > '9')
                return 0;
            for (; *url >= '0' && *url <= '9'; url++) {
                int d = *url - '0';
                if (v > (INT64_MAX - d) / 10)
                    return 0;
                v = v * 10 + d;
            }
            if (v <= 0)
                return 0;
            *id = v;
            pat += 4;
            continue;
        }
        if (*pat != *url)
            return 0;
        pat++;
        url++;
    }
    return *url == '\0';
}

const qt__endpoint *qt__router_match(const char *method, const char *url, int64_t *id)
{
    size_t i;
    for (i = 0; i < sizeof table / sizeof table[0]; i++) {
        *id = 0;
        if (strcmp(table[i].method, method) == 0 && match(table[i].pattern, url, id))
            return &table[i];
    }
    *id = 0;
    return NULL;
}

/* a QT__POOL handler on the write pool: the request as the router made it, but with the worker's own store */
typedef struct pool_job {
    qt__job base;
    qt__req r;
    qt__handler h;
} pool_job;

static void pool_run(qt__job *jb)
{
    pool_job *j = (pool_job *)jb;
    qt_error e = QT_ERROR_INIT;
    enum MHD_Result res;
    j->r.pooled = 1;
    j->r.st = qt__req_store(j->r.s, &e);
    res = j->r.st ? j->h(&j->r) : qt__reply_status(&j->r, &e);
    if (res != MHD_YES && j->r.conn->resp) { /* the handler gave up on the connection: no reply */
        MHD_destroy_response(j->r.conn->resp);
        j->r.conn->resp = NULL;
    }
    j->r.conn->pooled = 2;
    if (j->r.conn->resp && j->r.conn->resp_status == 429)
        j->base.hold = j->r.s->tarpit; /* a rate limit's refusal: the worker holds it there (server/delay.h) */
}

static void pool_free(qt__job *jb)
{
    qt__free(jb);
}

static enum MHD_Result to_pool(qt__req *r, qt__handler h)
{
    pool_job *j = qt__calloc(1, sizeof *j);
    if (!j)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    if (!qt__offload_reserve(r->s->writes)) {
        qt__free(j);
        r->conn->retry_after = 1;
        r->conn->http_status = 503;
        return qt__reply_error(r, QT_ELIMIT, NULL, "the server is busy writing; try again in a second");
    }
    j->base.run = pool_run;
    j->base.free = pool_free;
    j->base.c = r->c;
    j->r = *r;
    j->h = h;
    r->conn->job = &j->base;
    r->conn->pooled = 1;
    MHD_suspend_connection(r->c);
    qt__offload_push(r->s->writes, &j->base);
    return MHD_YES;
}

enum MHD_Result qt__router_pooled_reply(qt__req *r)
{
    struct MHD_Response *resp = r->conn->resp;
    enum MHD_Result ok;
    if (!resp)
        return MHD_NO;
    r->conn->resp = NULL;
    ok = MHD_queue_response(r->c, r->conn->resp_status, resp);
    MHD_destroy_response(resp);
    return ok;
}

enum MHD_Result qt__router_dispatch(qt__req *r)
{
    const qt__endpoint *ep = qt__router_match(r->method, r->url, &r->id);
    qt_error e = QT_ERROR_INIT;
    if (ep && (ep->roles & QT__NOSTORE))
        return ep->handler(r);
    r->st = qt__req_store(r->s, &e);
    if (!r->st)
        return qt__reply_status(r, &e);
    r->known = qt__req_who(r);
    if (r->known < 0)
        return qt__reply_error(r, QT_EAUTH, "Authorization", "unknown or expired token");
    if (!ep)
        return qt__reply_error(r, QT_ENOTFOUND, NULL, "no %s %s", r->method, r->url);
    if (!(ep->roles & (1u << (r->known ? r->role : QT_ROLE_NONE)))) {
        if (!r->known)
            return qt__reply_error(r, QT_EAUTH, "Authorization", "log in first (Authorization: Bearer TOKEN)");
        return qt__reply_error(r, QT_EFORBIDDEN, NULL, "a %s may not do this", qt_role_name(r->role));
    }
    if (ep->roles & QT__POOL)
        return to_pool(r, ep->handler);
    return ep->handler(r);
}

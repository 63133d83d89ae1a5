/* SPDX-License-Identifier: MIT */
/*
 * server/router.h -- the endpoint table of HTTP API v1: one row per endpoint,
 * {method, path pattern, roles, handler}, in router.c.
 *
 * How to add an endpoint:
 *   1. write the handler in the family file it belongs to (api_nearby.c,
 *      api_outlets.c, api_accounts.c, api_coupons.c, api_circles.c,
 *      api_navigation.c, api_jobs.c, api_surveys.c, api_admin.c), with the one
 *      signature  enum MHD_Result qt__api_<name>(qt__req *r)  and declare it
 *      in server/api.h;
 *   2. add one row to the table in router.c, e.g.
 *        {"POST", "/api/v1/coupons/{id}/claim", QT__RESIDENT | QT__POOL, qt__api_coupon_claim},
 *      (QT__POOL for a handler that writes to the store, unless it offloads work itself);
 *   3. add its rows to tests/server/authz.tsv (test_router checks that every
 *      endpoint has rows and every row names an endpoint) and document it in
 *      docs/http-api.md.
 *
 * The handler does no routing and no authorization: by the time it runs, the
 * router has matched the path (r->id holds the {id}, a positive whole
 * number), opened this thread's store (r->st), checked the bearer token
 * (401 on a bad one, for every endpoint but QT__NOSTORE ones) and the roles
 * (401 for an anonymous caller, 403 for a role not in the row).  A handler
 * parses its arguments (server/request.h), calls the library, and replies
 * (server/reply.h).  An unknown method and path is a 404.
 */
#ifndef QUARTER_SERVER_ROUTER_H
#define QUARTER_SERVER_ROUTER_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "server/request.h"

/* who may call an endpoint: a set of these bits */
#define QT__ANON     (1u << QT_ROLE_NONE) /* callers without a token */
#define QT__RESIDENT (1u << QT_ROLE_RESIDENT)
#define QT__MERCHANT (1u << QT_ROLE_MERCHANT)
#define QT__OPERATOR (1u << QT_ROLE_OPERATOR)
#define QT__ADMIN    (1u << QT_ROLE_ADMIN)
#define QT__ANYONE   (QT__ANON | QT__RESIDENT | QT__MERCHANT | QT__OPERATOR | QT__ADMIN)
/* anyone, answered before the store is opened and without reading the token (health) */
#define QT__NOSTORE (1u << 8)
/* the handler writes to the store (a commit waits for the disk): it runs on the server's write pool, the
 * connection suspended meanwhile, so no HTTP thread and none of the requests it serves waits for a disk
 * (server/offload.h; 503 with Retry-After when the pool's queue is full) */
#define QT__POOL (1u << 9)

typedef enum MHD_Result (*qt__handler)(qt__req *r);

typedef struct qt__endpoint {
    const char *method;  /* "GET", "POST", "PATCH" */
    const char *pattern; /* "/api/v1/outlets/{id}": {id} matches a positive whole number */
    unsigned roles;      /* QT__ANYONE, QT__NOSTORE or a set of role bits */
    qt__handler handler;
} qt__endpoint;

/* The table; BORROWED, static.  *n gets its length. */
const qt__endpoint *qt__router_table(size_t *n);

/* Called again once a QT__POOL handler has run (r->conn->pooled 2): queue the reply it made (MHD_NO: none). */
enum MHD_Result qt__router_pooled_reply(qt__req *r);

/* The endpoint for method and path (without the query), or NULL; *id gets
 * the path's {id} (0 when the pattern has none). */
const qt__endpoint *qt__router_match(const char *method, const char *url, int64_t *id);

/* Route a request: match, open the store, check token and roles, call the
 * handler (r->s, r->c, r->conn, r->method, r->url set by the caller). */
enum MHD_Result qt__router_dispatch(qt__req *r);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * server/request.h -- the request context every handler receives, and the
 * readers of its parts: query arguments, the JSON body, the caller.
 *
 * A qt__req lives on the stack of the libmicrohttpd callback for one call of
 * a handler; everything it points to is BORROWED for that call.  Readers that
 * find bad input send the error reply themselves and tell the handler so
 * (the enum MHD_Result they store in *res is what the handler returns).
 */
#ifndef QUARTER_SERVER_REQUEST_H
#define QUARTER_SERVER_REQUEST_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "quarter/store.h"
#include "server/internal.h"

/* what libmicrohttpd keeps for one request between its calls (server.c) */
typedef struct qt__conn {
    char *body; /* NUL-terminated; NULL when there is none */
    size_t len;
    int too_big;
    int status;                /* the reply's HTTP status, for the access log */
    struct timespec t0;        /* when the request line arrived */
    size_t url_len;            /* the request target with its query, in bytes */
    size_t bytes;              /* the reply's body, for the access log */
    int retry_after;           /* > 0: the next reply says Retry-After: this many seconds */
    int http_status;           /* > 0: the next error reply takes this HTTP status (408, 414, 431, 503) */
    int started;               /* the handler has seen the headers */
    struct qt__job *job;       /* offloaded work (server/offload.h), freed when the request completes */
    struct MHD_Response *resp; /* a reply made on the write pool, queued when the connection resumes */
    unsigned resp_status;
    int pooled; /* 1: the handler is on the write pool; 2: it has run (resp, or none: close) */
    char method[8], version[12];
    char path[160]; /* the path (no query: no secrets in the log), cut on a character boundary */
} qt__conn;

typedef struct qt__req {
    qt_server *s;             /* BORROWED: the server */
    struct MHD_Connection *c; /* BORROWED: the connection */
    qt__conn *conn;           /* BORROWED: body and reply status */
    const char *method, *url; /* BORROWED: url is the path, without the query */
    qt_store *st;             /* BORROWED: this thread's store (NULL for endpoints without one) */
    int known;                /* 1: the caller gave a valid token */
    int64_t uid;              /* the caller (0: anonymous) */
    qt_role role;             /* QT_ROLE_NONE: anonymous */
    int64_t id;               /* the {id} of the path pattern, 0: none */
    int pooled;               /* on the write pool: replies are kept in conn->resp, queued on resume */
} qt__req;

/* ---- query arguments ---- */

/* BORROWED, valid during the request; NULL when absent */
const char *qt__req_arg(const qt__req *r, const char *k);
/* a number in lo..hi: 1 set, 0 absent, -1 bad */
int qt__req_num(const qt__req *r, const char *k, double lo, double hi, double *out);
/* "LON,LAT": 1 set, 0 absent, -1 bad */
int qt__req_lonlat(const qt__req *r, const char *k, double *lon, double *lat);

/* ---- the JSON body (a reply is sent into *res on failure) ---- */

/* the body as an object; OUT: caller json_decref()s; NULL: error reply sent */
json_t *qt__req_body(qt__req *r, enum MHD_Result *res);
/* a required string member; BORROWED from j; NULL: error reply sent */
const char *qt__req_str(qt__req *r, json_t *j, const char *k, enum MHD_Result *res);
/* a required whole number: 0 ok, -1 error reply sent */
int qt__req_int(qt__req *r, json_t *j, const char *k, json_int_t *out, enum MHD_Result *res);
/* an optional string (BORROWED from j): 1 set, 0 absent, -1 wrong type (reply sent) */
int qt__req_opt_str(qt__req *r, json_t *j, const char *k, const char **out, enum MHD_Result *res);
/* an optional true/false/null (1/0/-1): 1 set, 0 absent, -1 wrong type (reply sent) */
int qt__req_opt_flag(qt__req *r, json_t *j, const char *k, int *out, enum MHD_Result *res);

/* ---- the caller ---- */

/* this thread's store connection, opened on first use; BORROWED until the thread ends */
qt_store *qt__req_store(qt_server *s, qt_error *err);
/* from "Authorization: Bearer TOKEN" into r->uid, r->role: 1 known, 0 anonymous, -1 bad token */
int qt__req_who(qt__req *r);
/* the client's IPv4 address as text, "-" when unknown; returns buf.  Behind a
 * trusted proxy (qt_server_opts.trusted_proxies), the last address of
 * X-Forwarded-For that is not a trusted proxy. */
const char *qt__client_addr(const qt_server *s, struct MHD_Connection *c, char buf[64]);
/* this quarter of the year, "2026-Q4", in the server's time zone: the default survey period */
void qt__period_now(const qt_server *s, char buf[16]);
/* weekday (0 Monday) and minute of the day now, in the server's time zone */
void qt__local_now(const qt_server *s, int *weekday, int *minute);

/* a time as ISO 8601 in the server's time zone (2026-12-01T08:00:00+08:00): a new JSON string */
json_t *qt__req_iso(const qt__req *r, int64_t t);
/* a time argument (ISO 8601 or Unix seconds) of the body: 1 set, 0 absent, -1 bad (reply sent) */
int qt__req_opt_time(qt__req *r, json_t *j, const char *k, int64_t *out, enum MHD_Result *res);
/* the crs argument: 0 ok (wgs84 when absent), -1 bad (reply sent) */
int qt__req_crs(qt__req *r, int *crs, enum MHD_Result *res);
/* a point given in crs to WGS-84, and back (no-ops for WGS-84) */
void qt__to_wgs84(int crs, double *lon, double *lat);
void qt__from_wgs84(int crs, double *lon, double *lat);
/* a category argument (code, Chinese or English name, alias) to its code:
 * 1 set (*code BORROWED, static or the profile's), 0 absent, -1 unknown (422 sent) */
int qt__req_category(qt__req *r, const char *k, const char **code, enum MHD_Result *res);

/* A rate limit of kind for key: 0 ok, -1 over (429 with Retry-After sent). */
int qt__rate_limit(qt__req *r, const char *kind, const char *key, int max, int64_t window_s, enum MHD_Result *res);

#endif

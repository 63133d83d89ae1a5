/* SPDX-License-Identifier: MIT */
/*
 * quarter/server.h -- the service platform's HTTP API v1 (docs/http-api.md)
 * on libmicrohttpd with a thread pool.  The graph is immutable and shared by
 * every thread; each thread has its own search workspace (from a pool) and
 * its own store connection.  Requests have a body size limit and a
 * connection timeout; every request is written to the access log.
 * Ownership: qt_server_start borrows the graph (it must outlive the server);
 * qt_server_stop finishes the requests in flight and frees everything.
 */
#ifndef QUARTER_SERVER_H
#define QUARTER_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "quarter/analyze.h"
#include "quarter/graph.h"
#include "quarter/profile.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_server_opts {
    const char *db_path;    /* the store */
    const qt_graph *graph;  /* BORROWED */
    const char *bind;       /* address to listen on (default 127.0.0.1) */
    unsigned port;          /* 0: an ephemeral port (qt_server_port tells which) */
    unsigned threads;       /* 0: one per core */
    size_t max_body;        /* bytes (default 65536); larger: 413 */
    unsigned timeout_s;     /* idle connection timeout (default 30) */
    double speed_kmh;       /* walking speed for times (default 4.0) */
    int64_t token_ttl_s;    /* bearer tokens live this long (default 7 days) */
    int login_attempts;     /* failed logins allowed per name and window (default 5) */
    int64_t login_window_s; /* (default 300) */
    FILE *access_log;       /* NULL: none; one Combined Log Format line per request */
    FILE *error_log;        /* NULL: standard error; store errors are logged here, never sent */
    /* ---- limits (issue 11; 0 takes the default) ---- */
    unsigned per_ip_connections; /* connections at once from one address (default 32) */
    unsigned request_deadline_s; /* a whole request, first byte to last, at most (default 20); 408 */
    unsigned max_url;            /* bytes of the path and query (default 4096): 414 */
    unsigned max_headers;        /* bytes of all request headers (default 16384): 431 */
    unsigned hash_slots;         /* argon2id hashes at once (default 1): more get 503 + Retry-After */
    int register_per_hour;       /* accounts registered per address and hour (default 10) */
    int limit_delay_ms;          /* a 429 of a rate limit is sent this late, the connection held (default 1000;
                                    < 0: at once), so a flooder waiting for replies sends one a second */
    int complaints_per_day;      /* complaints per resident and day (default 5) */
    int jobs_per_day;            /* job posts per account and day (default 20) */
    unsigned max_isochrone_cost; /* sum over rings of minutes (default 60): more is 422 */
    const char *trusted_proxies; /* comma-separated IPv4 addresses whose X-Forwarded-For is believed; NULL none */
    int utc_offset_min;          /* opening hours and dates: minutes east of UTC (default 480, Asia/Shanghai) */
    int utc_offset_set;          /* utc_offset_min was given (0 is UTC) */
    const qt_profile *profile;   /* BORROWED: category names and aliases; NULL: codes only */
    /* the pages and the map (docs/http-api.md, "Pages and map") */
    const char *web_dir;          /* the built pages (web/build.mjs); NULL: none (404) */
    const char *tile_url;         /* external base map, e.g. 天地图 with its key; NULL: tiles drawn from graph */
    const char *tile_crs;         /* "wgs84" or "gcj02": the system of the external tiles (default wgs84) */
    const char *tile_attribution; /* shown on the map with an external tile URL */
    /* the planner dashboard: the planning project's inputs, analysed once at start */
    const qt_analysis_input *planning;     /* BORROWED, must outlive the server; NULL: no planner layers */
    const qt_analysis_opts *planning_opts; /* BORROWED, with planning */
} qt_server_opts;

typedef struct qt_server qt_server;

/** Load the outlets, place them on the graph, listen.  Statuses: QT_EIO (cannot listen, store), QT_ENOMEM. */
QT_API qt_status qt_server_start(const qt_server_opts *opts, qt_server **out, qt_error *err);
/** The port it listens on. */
QT_API unsigned qt_server_port(const qt_server *s);
/**
 * Read the outlets from the store again (outlets imported since the start),
 * between requests: searches in flight finish on the old index.  *noutlets
 * (may be NULL) gets how many are on the network.
 */
QT_API qt_status qt_server_reload(qt_server *s, size_t *noutlets, qt_error *err);

/** Stop listening, finish the requests in flight, free. */
QT_API void qt_server_stop(qt_server *s);

#ifdef __cplusplus
}
#endif
#endif

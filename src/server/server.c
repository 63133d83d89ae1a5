/* SPDX-License-Identifier: MIT */
/*
 * server.c -- the daemon of HTTP API v1 (quarter/server.h): start, stop,
 * reload, the libmicrohttpd callbacks (body upload, the access log), and the
 * pool of search workspaces.  Routing is router.c's table; the endpoints are
 * in api_*.c; requests and replies in request.c and reply.c.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/utf8.h"
#include "io/csv.h"
#include "server/internal.h"
#include "server/delay.h"
#include "server/offload.h"
#include "server/reply.h"
#include "server/request.h"
#include "server/router.h"
#include "base/geo.h"
#include "server/web.h"

/* ---- workspaces ----------------------------------------------------------------- */

qt_nearby_ws *qt__ws_take(qt_server *s)
{
    qt_nearby_ws *w = NULL;
    qt_error e = QT_ERROR_INIT;
    pthread_mutex_lock(&s->lock);
    if (s->npool)
        w = s->pool[--s->npool];
    pthread_mutex_unlock(&s->lock);
    if (!w && qt_nearby_ws_new(s->g, &w, &e) != QT_OK)
        return NULL;
    return w;
}

void qt__ws_give(qt_server *s, qt_nearby_ws *w)
{
    int kept = 0;
    pthread_mutex_lock(&s->lock);
    if (qt__grow((void **)&s->pool, &s->poolcap, s->npool + 1, sizeof *s->pool) == 0) {
        s->pool[s->npool++] = w;
        kept = 1;
    }
    pthread_mutex_unlock(&s->lock);
    if (!kept)
        qt_nearby_ws_free(w);
}

static void free_pool(qt_server *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->npool)
        qt_nearby_ws_free(s->pool[--s->npool]);
    qt__free(s->pool);
    s->pool = NULL;
    s->poolcap = 0;
    pthread_mutex_unlock(&s->lock);
}

/* ---- libmicrohttpd callbacks --------------------------------------------------------- */

static void close_store(void *p)
{
    qt_store_close(p);
}

/* called when the request line has arrived, before the headers: the request's clock starts */
static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *c)
{
    qt__conn *rq = qt__calloc(1, sizeof *rq);
    size_t n;
    (void)cls;
    (void)c;
    if (!rq)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &rq->t0);
    rq->url_len = strlen(uri);
    n = strcspn(uri, "?");
    n = qt__utf8_cut(uri, n, sizeof rq->path - 1);
    memcpy(rq->path, uri, n);
    rq->path[n] = '\0';
    return rq;
}

static double elapsed_s(const qt__conn *rq)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - rq->t0.tv_sec) + (double)(t1.tv_nsec - rq->t0.tv_nsec) / 1e9;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    size_t *n = cls;
    (void)kind;
    *n += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
    qt_server *s = cls;
    qt__conn *rq = *req_cls;
    qt__req r;
    if (!rq)
        return MHD_NO; /* no memory when the request began */
    if (!rq->started) {
        /* the first call: the headers are in; the limits libmicrohttpd would answer in HTML are ours, in JSON */
        size_t hb = 0;
        memset(&r, 0, sizeof r);
        r.s = s;
        r.c = c;
        r.conn = rq;
        r.method = method;
        r.url = url;
        r.role = QT_ROLE_NONE;
        rq->started = 1;
        snprintf(rq->method, sizeof rq->method, "%s", method);
        snprintf(rq->version, sizeof rq->version, "%s", version);
        if (!rq->path[0])
            snprintf(rq->path, sizeof rq->path, "%.*s", (int)qt__utf8_cut(url, strlen(url), sizeof rq->path - 1), url);
        if (rq->url_len > s->o.max_url) {
            rq->http_status = 414;
            return qt__reply_error(&r, QT_ETOOBIG, NULL, "the URL is over %u bytes", s->o.max_url);
        }
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &hb);
        if (hb > s->o.max_headers) {
            rq->http_status = 431;
            return qt__reply_error(&r, QT_ETOOBIG, NULL, "the request headers are over %u bytes", s->o.max_headers);
        }
        if (elapsed_s(rq) > s->o.request_deadline_s) {
            rq->http_status = 408;
            return qt__reply_error(&r, QT_ETOOBIG, NULL, "the request took over %u s to arrive",
                                   s->o.request_deadline_s);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        /* a body trickled in slowly is cut off at the deadline (slowloris, issue 11 item 1) */
        if (elapsed_s(rq) > s->o.request_deadline_s)
            return MHD_NO;
        if (!rq->too_big && rq->len + *upload_size <= s->o.max_body) {
            char *b = qt__realloc(rq->body, rq->len + *upload_size + 1);
            if (!b)
                return MHD_NO;
            memcpy(b + rq->len, upload, *upload_size);
            rq->body = b;
            rq->len += *upload_size;
            rq->body[rq->len] = '\0';
        } else {
            rq->too_big = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    memset(&r, 0, sizeof r);
    r.s = s;
    r.c = c;
    r.conn = rq;
    r.method = method;
    r.url = url;
    r.role = QT_ROLE_NONE;
    if (rq->pooled == 2) /* resumed: the write pool has run the handler */
        return qt__router_pooled_reply(&r);
    if (rq->too_big)
        return qt__reply_error(&r, QT_ETOOBIG, NULL, "the body is over %zu bytes", s->o.max_body);
    return qt__router_dispatch(&r);
}

/* a log field: quotes, backslashes and control characters escaped as \xHH (what log tools read) */
static void log_field(char *out, size_t cap, const char *in)
{
    size_t k = 0;
    for (; *in && k + 5 < cap; in++) {
        unsigned char ch = (unsigned char)*in;
        if (ch == '"' || ch == '\\' || ch < 0x20 || ch == 0x7f)
            k += (size_t)snprintf(out + k, cap - k, "\\x%02X", ch);
        else
            out[k++] = (char)ch;
    }
    out[k] = '\0';
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    qt_server *s = cls;
    qt__conn *rq = *req_cls;
    (void)toe;
    if (!rq)
        return;
    if (rq->job)
        rq->job->free(rq->job);
    if (rq->resp) /* made on the write pool, never queued (the client went away) */
        MHD_destroy_response(rq->resp);
    if (s->o.access_log) {
        /* Combined Log Format, then the duration in milliseconds:
         * addr - - [02/Dec/2026:10:00:00 +0800] "GET /api/v1/nearby HTTP/1.1" 200 1234 "-" "ua" 0.512 */
        char addr[64], ts[40], path[200], ua[200], ref[200];
        const char *u = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT);
        const char *rf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_REFERER);
        time_t now = time(NULL) + (time_t)s->o.utc_offset_min * 60;
        struct tm tm;
        int off = s->o.utc_offset_min < 0 ? -s->o.utc_offset_min : s->o.utc_offset_min;
        size_t tl;
        qt__client_addr(s, c, addr);
        gmtime_r(&now, &tm);
        tl = strftime(ts, sizeof ts, "%d/%b/%Y:%H:%M:%S", &tm);
        snprintf(ts + tl, sizeof ts - tl, " %c%02d%02d", s->o.utc_offset_min < 0 ? '-' : '+', off / 60, off % 60);
        log_field(path, sizeof path, rq->path);
        log_field(ua, sizeof ua, u ? u : "-");
        log_field(ref, sizeof ref, rf ? rf : "-");
        pthread_mutex_lock(&s->lock);
        fprintf(s->o.access_log, "%s - - [%s] \"%s %s %s\" %d %zu \"%s\" \"%s\" %.3f\n", addr, ts,
                rq->method[0] ? rq->method : "-", path, rq->version[0] ? rq->version : "HTTP/1.1",
                rq->status ? rq->status : 499, rq->bytes, ref, ua, elapsed_s(rq) * 1e3);
        fflush(s->o.access_log);
        pthread_mutex_unlock(&s->lock);
    }
    qt__free(rq->body);
    qt__free(rq);
    *req_cls = NULL;
}

/* ---- start, reload, stop ------------------------------------------------------------ */

qt_status qt__reload_locked(qt_server *s, size_t *noutlets, qt_error *err)
{
    qt_nearby_index *fresh = NULL, *jobs = NULL, *old;
    int64_t seq = 0;
    qt_status rc = qt__index_load(s, &fresh, &seq, err);
    if (rc == QT_OK && (rc = qt__jobs_load(s, &jobs, err)) != QT_OK)
        qt_nearby_index_unref(fresh);
    if (rc != QT_OK)
        return rc;
    pthread_mutex_lock(&s->ixlock);
    old = s->jobs;
    s->jobs = jobs;
    pthread_mutex_unlock(&s->ixlock);
    qt_nearby_index_unref(old);
    if (noutlets)
        *noutlets = qt_nearby_index_count(fresh);
    qt__index_swap(s, fresh); /* searches in flight finish on the old index */
    s->seq = seq;
    return QT_OK;
}

qt_status qt_server_reload(qt_server *s, size_t *noutlets, qt_error *err)
{
    qt_status rc;
    pthread_mutex_lock(&s->edit_lock); /* an edit waits: it would otherwise be lost with the old index */
    rc = qt__reload_locked(s, noutlets, err);
    pthread_mutex_unlock(&s->edit_lock);
    return rc;
}

void qt_server_stop(qt_server *s)
{
    if (!s)
        return;
    qt__follow_stop(s);
    /* the workers run what is queued: every suspended connection is resumed first */
    qt__offload_stop(s->offload);
    qt__offload_stop(s->hashpool);
    qt__offload_stop(s->writes);
    qt__delay_stop(s->tarpit); /* the held 429s go now: libmicrohttpd stops with none suspended */
    if (s->d)
        MHD_stop_daemon(s->d);
    qt__delay_free(s->tarpit);
    free_pool(s);
    qt_nearby_index_unref(s->ix);
    qt_nearby_index_unref(s->jobs);
    qt_snapper_free(s->sn);
    qt__web_stop(s);
    {
        qt_store *st = pthread_getspecific(s->store_key);
        qt_store_close(st);
        pthread_setspecific(s->store_key, NULL);
    }
    pthread_key_delete(s->store_key);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->ixlock);
    pthread_mutex_destroy(&s->edit_lock);
    qt__free(s);
}

/* The documented defaults of the options left 0. */
static void opts_defaults(qt_server_opts *o)
{
#define DEFAULT(field, value)                                                                                          \
    do {                                                                                                               \
        if (!o->field)                                                                                                 \
            o->field = (value);                                                                                        \
    } while (0)
    DEFAULT(bind, "127.0.0.1");
    DEFAULT(max_body, 65536);
    DEFAULT(timeout_s, 30);
    DEFAULT(token_ttl_s, 7 * 86400);
    DEFAULT(login_attempts, 5);
    DEFAULT(login_window_s, 300);
    DEFAULT(per_ip_connections, 64);
    DEFAULT(request_deadline_s, 20);
    DEFAULT(max_url, 4096);
    DEFAULT(max_headers, 16384);
    DEFAULT(hash_slots, 1);
    DEFAULT(register_per_hour, 10);
    DEFAULT(limit_delay_ms, 1000);
    DEFAULT(complaints_per_day, 5);
    DEFAULT(jobs_per_day, 20);
    DEFAULT(max_isochrone_cost, 60);
#undef DEFAULT
    if (!(o->speed_kmh > 0))
        o->speed_kmh = 4.0;
    if (!o->utc_offset_set)
        o->utc_offset_min = 480;
}

/* --trusted-proxy: up to 16 IPv4 addresses separated by commas or spaces. */
static qt_status parse_proxies(qt_server *s, const char *p, qt_error *err)
{
    while (p && *p) {
        char one[64];
        size_t n = strcspn(p, ", ");
        struct in_addr a;
        if (n == 0) {
            p++;
            continue;
        }
        if (n >= sizeof one || s->nproxies == sizeof s->proxies / sizeof s->proxies[0])
            return qt_error_set(err, QT_EINVAL, "--trusted-proxy", _("at most 16 IPv4 addresses"));
        memcpy(one, p, n);
        one[n] = '\0';
        if (inet_pton(AF_INET, one, &a) != 1)
            return qt_error_set(err, QT_EINVAL, "--trusted-proxy", _("'%s' is not an IPv4 address"), one);
        s->proxies[s->nproxies++] = a.s_addr;
        p += n;
    }
    return QT_OK;
}

/* The worker pools and the HTTP daemon on --bind:--port. */
static qt_status start_http(qt_server *s, qt_error *err)
{
    struct sockaddr_in sa;
    unsigned threads;
    qt_status rc;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)s->o.port);
    if (inet_pton(AF_INET, s->o.bind, &sa.sin_addr) != 1)
        return qt_error_set(err, QT_EINVAL, "--bind", _("'%s' is not an IPv4 address"), s->o.bind);
    threads = s->o.threads ? s->o.threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    /* isochrones on one worker with 2 waiting at most: they never block an HTTP thread (item 2), and at
     * the lowest priority they never take a core a nearby is waiting for; password hashes (anyone can
     * ask for one) yield too, less */
    if ((rc = qt__offload_start(&s->offload, 1, 3, 19, err)) != QT_OK ||
        (rc = qt__offload_start(&s->hashpool, s->o.hash_slots, 4 * s->o.hash_slots, 10, err)) != QT_OK ||
        /* store writes: two workers (SQLite writes one at a time); a queue as long as the connections
         * one address may hold many times over, so only a flood waits for a 503 */
        (rc = qt__offload_start(&s->writes, 2, 1024, 0, err)) != QT_OK ||
        /* as many 429s held as connections from 16 addresses at the cap: more go at once */
        (s->o.limit_delay_ms > 0 &&
         (rc = qt__delay_start(&s->tarpit, 16 * s->o.per_ip_connections, (unsigned)s->o.limit_delay_ms, err)) != QT_OK))
        return rc;
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
                            handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
                            threads, MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout_s, MHD_OPTION_CONNECTION_LIMIT, 4096u,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.per_ip_connections,
                            /* room for our own URL and header limits (414, 431 in JSON) below libmicrohttpd's */
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(s->o.max_url + s->o.max_headers) * 2 + 65536,
                            MHD_OPTION_URI_LOG_CALLBACK, uri_logged, s, MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                            MHD_OPTION_END);
    if (!s->d)
        return qt_error_set(err, QT_EIO, "server", _("cannot listen on %s:%u"), s->o.bind, s->o.port);
    return QT_OK;
}

qt_status qt_server_start(const qt_server_opts *opts, qt_server **out, qt_error *err)
{
    qt_server *s;
    qt_status rc;
    *out = NULL;
    s = qt__calloc(1, sizeof *s);
    if (!s)
        return qt_error_set(err, QT_ENOMEM, "server", _("no memory"));
    s->o = *opts;
    opts_defaults(&s->o);
    if ((rc = parse_proxies(s, s->o.trusted_proxies, err)) != QT_OK) {
        qt__free(s);
        return rc;
    }
    s->g = opts->graph;
    s->speed_mps = qt__kmh_mps(s->o.speed_kmh);
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->ixlock, NULL);
    pthread_mutex_init(&s->edit_lock, NULL);
    if (pthread_key_create(&s->store_key, close_store) != 0) {
        pthread_mutex_destroy(&s->lock);
        pthread_mutex_destroy(&s->ixlock);
        pthread_mutex_destroy(&s->edit_lock);
        qt__free(s);
        return qt_error_set(err, QT_ENOMEM, "server", _("no thread key"));
    }
    /* the outlets, placed on the streets; a node -> outlets index */
    if ((rc = qt_snapper_new(s->g, &s->sn, err)) != QT_OK || (rc = qt__index_load(s, &s->ix, &s->seq, err)) != QT_OK ||
        (rc = qt__jobs_load(s, &s->jobs, err)) != QT_OK)
        goto fail;
    /* GDAL's drivers (the XLSX goods upload) registered here, before any HTTP thread */
    qt__tables_register();
    /* the pages, the base-map tiles, the planner's baseline analysis; then HTTP; then
     * other servers' writes to the same store (issue 14) */
    if ((rc = qt__web_start(s, err)) != QT_OK || (rc = start_http(s, err)) != QT_OK ||
        (rc = qt__follow_start(s, err)) != QT_OK)
        goto fail;
    *out = s;
    return QT_OK;
fail:
    qt_server_stop(s);
    return rc;
}

unsigned qt_server_port(const qt_server *s)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    return i ? i->port : s->o.port;
}

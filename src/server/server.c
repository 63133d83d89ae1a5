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

#include "base/alloc.h"
#include "server/internal.h"
#include "server/reply.h"
#include "server/request.h"
#include "server/router.h"
#include "base/geo.h"

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

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
    qt_server *s = cls;
    qt__conn *rq = *req_cls;
    qt__req r;
    (void)version;
    if (!rq) {
        rq = qt__calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &rq->t0);
        *req_cls = rq;
        return MHD_YES;
    }
    if (*upload_size) {
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
    if (rq->too_big)
        return qt__reply_error(&r, QT_ETOOBIG, NULL, "the body is over %zu bytes", s->o.max_body);
    return qt__router_dispatch(&r);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    qt_server *s = cls;
    qt__conn *rq = *req_cls;
    (void)toe;
    if (!rq)
        return;
    if (s->o.access_log) {
        struct timespec t1;
        char addr[64];
        time_t now = time(NULL);
        struct tm tm;
        char ts[32];
        clock_gettime(CLOCK_MONOTONIC, &t1);
        qt__client_addr(c, addr);
        gmtime_r(&now, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        pthread_mutex_lock(&s->lock);
        fprintf(s->o.access_log, "%s %s %d %.3f ms\n", ts, addr, rq->status,
                (double)(t1.tv_sec - rq->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - rq->t0.tv_nsec) / 1e6);
        fflush(s->o.access_log);
        pthread_mutex_unlock(&s->lock);
    }
    qt__free(rq->body);
    qt__free(rq);
    *req_cls = NULL;
}

/* ---- start, reload, stop ------------------------------------------------------------ */

qt_status qt_server_reload(qt_server *s, size_t *noutlets, qt_error *err)
{
    qt_nearby_index *fresh = NULL;
    qt_status rc;
    pthread_mutex_lock(&s->edit_lock); /* an edit waits: it would otherwise be lost with the old index */
    rc = qt__index_load(s, &fresh, err);
    if (rc == QT_OK) {
        if (noutlets)
            *noutlets = qt_nearby_index_count(fresh);
        qt__index_swap(s, fresh); /* searches in flight finish on the old index */
    }
    pthread_mutex_unlock(&s->edit_lock);
    return rc;
}

void qt_server_stop(qt_server *s)
{
    if (!s)
        return;
    if (s->d)
        MHD_stop_daemon(s->d);
    free_pool(s);
    qt_nearby_index_unref(s->ix);
    qt_snapper_free(s->sn);
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

qt_status qt_server_start(const qt_server_opts *opts, qt_server **out, qt_error *err)
{
    qt_server *s;
    struct sockaddr_in sa;
    qt_status rc;
    unsigned threads;
    *out = NULL;
    s = qt__calloc(1, sizeof *s);
    if (!s)
        return qt_error_set(err, QT_ENOMEM, "server", "no memory");
    s->o = *opts;
    if (!s->o.bind)
        s->o.bind = "127.0.0.1";
    if (!s->o.max_body)
        s->o.max_body = 65536;
    if (!s->o.timeout_s)
        s->o.timeout_s = 30;
    if (!(s->o.speed_kmh > 0))
        s->o.speed_kmh = 4.0;
    if (!s->o.token_ttl_s)
        s->o.token_ttl_s = 7 * 86400;
    if (!s->o.login_attempts)
        s->o.login_attempts = 5;
    if (!s->o.login_window_s)
        s->o.login_window_s = 300;
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
        return qt_error_set(err, QT_ENOMEM, "server", "no thread key");
    }
    /* the outlets, placed on the streets; a node -> outlets index */
    if ((rc = qt_snapper_new(s->g, &s->sn, err)) != QT_OK)
        goto fail;
    if ((rc = qt__index_load(s, &s->ix, err)) != QT_OK)
        goto fail;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)s->o.port);
    if (inet_pton(AF_INET, s->o.bind, &sa.sin_addr) != 1) {
        rc = qt_error_set(err, QT_EINVAL, "--bind", "'%s' is not an IPv4 address", s->o.bind);
        goto fail;
    }
    threads = s->o.threads ? s->o.threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, handler, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
                            MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout_s, MHD_OPTION_CONNECTION_LIMIT, 4096u,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_END);
    if (!s->d) {
        rc = qt_error_set(err, QT_EIO, "server", "cannot listen on %s:%u", s->o.bind, s->o.port);
        goto fail;
    }
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

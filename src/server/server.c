/* SPDX-License-Identifier: MIT */
/*
 * server.c -- HTTP API v1 of the service platform (quarter/server.h,
 * docs/http-api.md): routing, JSON in and out (jansson), authentication by
 * bearer token, one error shape {code, status, message, field}.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/outfile.h"
#include "quarter/hours.h"
#include "quarter/route.h"
#include "quarter/search.h"
#include "quarter/server.h"
#include "quarter/snap.h"
#include "quarter/store.h"

#define MAX_MINUTES 60

/* an outlet as nearby search sees it: placed on an edge */
typedef struct place {
    int64_t id;
    char *name, *category, *services, *hours;
    double lon, lat;
    uint32_t edge, u, v;
    double to_u, to_v; /* leg + offset along the edge to each end */
    double t;          /* position on the edge */
} place;

typedef struct cand {
    double d;
    uint32_t j;
} cand;

typedef struct workspace {
    qt_search *search;
    double *best;          /* per outlet, valid where stamp == round */
    uint32_t *stamp, round;
    unsigned char *pass;   /* per outlet: passes the request's filters (valid where stamp == round) */
    uint32_t *final;       /* per outlet == round: counted among the settled answers */
    uint32_t *hits;        /* outlets seen this round */
    cand *heap;            /* pending answers by distance (a min-heap; stale entries skipped) */
    size_t hcap;
    unsigned gen;          /* the index generation its arrays are sized for */
    struct workspace *next;
} workspace;

struct qt_server {
    qt_server_opts o;
    struct MHD_Daemon *d;
    const qt_graph *g;
    qt_snapper *sn;
    place *pl;
    size_t npl;
    uint32_t *at_start; /* node -> outlets attached: at[at_start[v] .. at_start[v+1]) */
    uint32_t *at;
    double speed_mps;
    pthread_mutex_t lock; /* the workspace pool and the access log */
    pthread_rwlock_t plock; /* the outlet index: nearby reads, an edit or a reload writes */
    atomic_uint gen;        /* the outlet index's generation (qt_server_reload) */
    workspace *free_ws;
    pthread_key_t store_key;
};

typedef struct request {
    char *body;
    size_t len;
    int too_big;
    int status;
    struct timespec t0;
} request;

/* ---- replies ----------------------------------------------------------------- */

/* queue text (malloc'd; libmicrohttpd frees it) as the reply */
static enum MHD_Result send_text(struct MHD_Connection *c, request *rq, int status, char *text, size_t len,
                                 const char *type)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result ok;
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    rq->status = status;
    ok = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_json(struct MHD_Connection *c, request *rq, int status, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(j);
    if (!text)
        return MHD_NO;
    return send_text(c, rq, status, text, strlen(text), "application/json; charset=utf-8");
}

/* the one error shape {code, status, message, field}; the HTTP status follows from the code */
static enum MHD_Result send_error(struct MHD_Connection *c, request *rq, qt_status code, const char *field,
                                  const char *fmt, ...) QT_PRINTF(5, 6);

static enum MHD_Result send_error(struct MHD_Connection *c, request *rq, qt_status code, const char *field,
                                  const char *fmt, ...)
{
    char msg[300];
    int status = qt_status_http(code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return send_json(c, rq, status,
                     json_pack("{s:s, s:i, s:s, s:s?}", "code", qt_status_name(code), "status", status, "message", msg,
                               "field", field));
}

static enum MHD_Result send_status(struct MHD_Connection *c, request *rq, const qt_error *e)
{
    return send_error(c, rq, e->code, e->where[0] ? e->where : NULL, "%s", e->msg);
}

/* ---- a JSON text builder for the hot path (nearby): no objects, fast numbers ------------- */

typedef struct jbuf {
    char *p;
    size_t n, cap;
    int oom;
} jbuf;

static void jb_put(jbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *q;
        while (cap < b->n + n + 1)
            cap *= 2;
        q = realloc(b->p, cap); /* freed by libmicrohttpd with free() */
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void jb_lit(jbuf *b, const char *s)
{
    jb_put(b, s, strlen(s));
}

/* a JSON string: quotes, backslashes and control characters escaped */
static void jb_str(jbuf *b, const char *s)
{
    const char *run = s;
    jb_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\' || ch < 0x20) {
            char esc[8];
            jb_put(b, run, (size_t)(s - run));
            if (ch == '"' || ch == '\\')
                snprintf(esc, sizeof esc, "\\%c", ch);
            else
                snprintf(esc, sizeof esc, "\\u%04x", ch);
            jb_lit(b, esc);
            run = s + 1;
        }
    }
    jb_put(b, run, (size_t)(s - run));
    jb_put(b, "\"", 1);
}

static void jb_num(jbuf *b, double v, int dec)
{
    char num[48];
    jb_put(b, num, qt__fmt_fixed(num, v, dec));
}

static enum MHD_Result send_jbuf(struct MHD_Connection *c, request *rq, int status, jbuf *b)
{
    if (b->oom || !b->p) {
        free(b->p);
        return send_error(c, rq, QT_ENOMEM, NULL, "no memory");
    }
    return send_text(c, rq, status, b->p, b->n, "application/json; charset=utf-8");
}

/* ---- the store of this thread --------------------------------------------------- */

static void close_store(void *p)
{
    qt_store_close(p);
}

static qt_store *thread_store(qt_server *s, qt_error *err)
{
    qt_store *st = pthread_getspecific(s->store_key);
    if (st)
        return st;
    if (qt_store_open(s->o.db_path, &st, err) != QT_OK)
        return NULL;
    pthread_setspecific(s->store_key, st);
    return st;
}

/* ---- workspaces ----------------------------------------------------------------- */

static void free_ws(workspace *w)
{
    qt_search_free(w->search);
    qt__free(w->best);
    qt__free(w->stamp);
    qt__free(w->pass);
    qt__free(w->final);
    qt__free(w->hits);
    qt__free(w->heap);
    qt__free(w);
}

static workspace *take_ws(qt_server *s)
{
    workspace *w;
    qt_error e;
    unsigned gen = atomic_load(&s->gen);
    pthread_mutex_lock(&s->lock);
    w = s->free_ws;
    if (w)
        s->free_ws = w->next;
    pthread_mutex_unlock(&s->lock);
    if (w && w->gen == gen)
        return w;
    if (w)
        free_ws(w); /* sized for an index that was reloaded */
    w = qt__calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->gen = gen;
    qt_error_clear(&e);
    w->best = qt__malloc((s->npl + 1) * sizeof *w->best);
    w->stamp = qt__calloc(s->npl + 1, sizeof *w->stamp);
    w->pass = qt__malloc(s->npl + 1);
    w->final = qt__calloc(s->npl + 1, sizeof *w->final);
    w->hits = qt__malloc((s->npl + 1) * sizeof *w->hits);
    if (!w->best || !w->stamp || !w->pass || !w->final || !w->hits || qt_search_new(s->g, &w->search, &e) != QT_OK) {
        free_ws(w);
        return NULL;
    }
    return w;
}

static void give_ws(qt_server *s, workspace *w)
{
    if (w->gen != atomic_load(&s->gen)) {
        free_ws(w);
        return;
    }
    pthread_mutex_lock(&s->lock);
    w->next = s->free_ws;
    s->free_ws = w;
    pthread_mutex_unlock(&s->lock);
}

/* ---- helpers ---------------------------------------------------------------------- */

static const char *arg(struct MHD_Connection *c, const char *k)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
}

/* a number argument: 1 ok (set), 0 absent, -1 bad */
static int num_arg(struct MHD_Connection *c, const char *k, double lo, double hi, double *out)
{
    const char *v = arg(c, k);
    char *e;
    double d;
    if (!v)
        return 0;
    d = strtod(v, &e);
    if (e == v || *e || !isfinite(d) || d < lo || d > hi)
        return -1;
    *out = d;
    return 1;
}

/* the caller, from "Authorization: Bearer TOKEN": 1 known, 0 anonymous, -1 bad token */
static int who(struct MHD_Connection *c, qt_store *st, int64_t *uid, qt_role *role)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    qt_error e;
    *uid = 0;
    *role = QT_ROLE_NONE;
    if (!h)
        return 0;
    if (strncmp(h, "Bearer ", 7) != 0)
        return -1;
    qt_error_clear(&e);
    return qt_store_token_user(st, h + 7, (int64_t)time(NULL), uid, role, &e) == QT_OK ? 1 : -1;
}

/* ---- endpoints -------------------------------------------------------------------- */

static enum MHD_Result health(qt_server *s, struct MHD_Connection *c, request *rq)
{
    return send_json(c, rq, 200,
                     json_pack("{s:s, s:I, s:I}", "status", "ok", "outlets", (json_int_t)s->npl, "nodes",
                               (json_int_t)qt_graph_node_count(s->g)));
}

typedef struct hit {
    uint32_t i;
    double d;
} hit;

static int by_dist(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int has_id(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (ids[m] < id)
            lo = m + 1;
        else
            hi = m;
    }
    return lo < n && ids[lo] == id;
}

static json_t *services_json(const char *s)
{
    json_t *a = json_array();
    while (a && s && *s) {
        const char *e = strchr(s, ';');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n)
            json_array_append_new(a, json_stringn(s, n));
        s = e ? e + 1 : NULL;
    }
    return a;
}

/* ---- nearby: the k nearest by walking, stopping as soon as they are known ---------------- */

typedef struct nb {
    qt_server *s;
    workspace *w;
    const char *cat, *service;
    const int64_t *ids; /* q: sorted matches, or NULL for no q */
    size_t nids, nh, nheap, nfinal, limit;
    double budget;
    int open_filter, weekday, minute, oom;
} nb;

static void heap_push(nb *x, double d, uint32_t j)
{
    workspace *w = x->w;
    size_t i;
    if (x->nheap == w->hcap && qt__grow((void **)&w->heap, &w->hcap, x->nheap + 1, sizeof *w->heap) != 0) {
        x->oom = 1;
        return;
    }
    i = x->nheap++;
    while (i > 0 && w->heap[(i - 1) / 2].d > d) {
        w->heap[i] = w->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    w->heap[i].d = d;
    w->heap[i].j = j;
}

static cand heap_pop(nb *x)
{
    workspace *w = x->w;
    cand top = w->heap[0], last = w->heap[--x->nheap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= x->nheap)
            break;
        if (c + 1 < x->nheap && w->heap[c + 1].d < w->heap[c].d)
            c++;
        if (w->heap[c].d >= last.d)
            break;
        w->heap[i] = w->heap[c];
        i = c;
    }
    if (x->nheap)
        w->heap[i] = last;
    return top;
}

/* services that mean the same to a resident: bill payment (生活缴费) and its kin */
static int offers(const char *services, const char *want)
{
    static const char *const bills[] = {"代收代缴", "代扣代缴", "生活缴费", "水电缴费", "缴费", NULL};
    size_t i;
    int bill = 0;
    for (i = 0; bills[i] && !bill; i++)
        bill = strcmp(want, bills[i]) == 0;
    if (!bill)
        return strstr(services, want) != NULL;
    for (i = 0; bills[i]; i++)
        if (strstr(services, bills[i]))
            return 1;
    return 0;
}

static int passes(const nb *x, const place *p)
{
    if (x->cat && *x->cat && (!p->category || strcmp(p->category, x->cat) != 0))
        return 0;
    if (x->service && *x->service && !offers(p->services, x->service))
        return 0;
    if (x->ids && !has_id(x->ids, x->nids, p->id))
        return 0;
    if (x->open_filter && qt_hours_open_at(p->hours, x->weekday, x->minute) == 0)
        return 0;
    return 1;
}

/* outlet j is d away: keep the best; answers go to the heap */
static void offer_outlet(nb *x, uint32_t j, double d)
{
    workspace *w = x->w;
    if (!(d <= x->budget))
        return;
    if (w->stamp[j] != w->round) {
        w->stamp[j] = w->round;
        w->best[j] = INFINITY;
        w->pass[j] = (unsigned char)passes(x, &x->s->pl[j]);
        w->hits[x->nh++] = j;
    }
    if (d < w->best[j]) {
        w->best[j] = d;
        if (w->pass[j])
            heap_push(x, d, j);
    }
}

/* each settled node: answers no later node can beat are final; stop once limit are */
static int nb_visit(void *ud, uint32_t v, double dv)
{
    nb *x = ud;
    qt_server *s = x->s;
    workspace *w = x->w;
    uint32_t k;
    while (x->nheap && x->w->heap[0].d <= dv) {
        cand c = heap_pop(x);
        if (c.d == w->best[c.j] && w->final[c.j] != w->round) {
            w->final[c.j] = w->round;
            x->nfinal++;
        }
    }
    if (x->nfinal >= x->limit || x->oom)
        return 1;
    for (k = s->at_start[v]; k < s->at_start[v + 1]; k++) {
        uint32_t j = s->at[k];
        offer_outlet(x, j, dv + (s->pl[j].u == v ? s->pl[j].to_u : s->pl[j].to_v));
    }
    return 0;
}

static enum MHD_Result nearby(qt_server *s, struct MHD_Connection *c, request *rq, qt_store *st)
{
    double lon, lat, minutes = 15, limit_d = 20;
    const char *q = arg(c, "q"), *open = arg(c, "open_now");
    qt_snap sp;
    qt_seed seeds[2];
    qt_error e;
    workspace *w;
    size_t i, ns, nout = 0;
    int64_t *ids = NULL;
    hit *hits;
    jbuf jb = {NULL, 0, 0, 0};
    nb x;
    int r;
    memset(&x, 0, sizeof x);
    x.cat = arg(c, "category");
    x.service = arg(c, "service");
    if ((r = num_arg(c, "lon", -180, 180, &lon)) <= 0)
        return send_error(c, rq, r ? QT_EINVAL : QT_EPARSE, "lon", "lon is required, -180..180");
    if ((r = num_arg(c, "lat", -90, 90, &lat)) <= 0)
        return send_error(c, rq, r ? QT_EINVAL : QT_EPARSE, "lat", "lat is required, -90..90");
    if (num_arg(c, "minutes", 1, MAX_MINUTES, &minutes) < 0)
        return send_error(c, rq, QT_EINVAL, "minutes", "minutes is 1 to %d", MAX_MINUTES);
    if (num_arg(c, "limit", 1, 200, &limit_d) < 0 || limit_d != floor(limit_d))
        return send_error(c, rq, QT_EINVAL, "limit", "limit is a whole number from 1 to 200");
    qt_error_clear(&e);
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return send_json(c, rq, 200, json_pack("{s:[], s:s}", "outlets", "note", "no street within 500 m"));
    if (q && *q) {
        if (qt_store_outlets_match(st, q, &ids, &x.nids, &e) != QT_OK)
            return send_status(c, rq, &e);
        static const int64_t no_match = 0;
        x.ids = ids ? ids : &no_match; /* with nids 0: nothing passes */
    }
    if (open && strcmp(open, "1") == 0) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        x.open_filter = 1;
        x.weekday = (tm.tm_wday + 6) % 7;
        x.minute = tm.tm_hour * 60 + tm.tm_min;
    }
    pthread_rwlock_rdlock(&s->plock); /* the index (and the workspace sized for it) stay as they are */
    w = take_ws(s);
    if (!w) {
        pthread_rwlock_unlock(&s->plock);
        qt_store_free_str((char *)ids);
        return send_error(c, rq, QT_ENOMEM, NULL, "no memory");
    }
    if (++w->round == 0) {
        memset(w->stamp, 0, s->npl * sizeof *w->stamp);
        memset(w->final, 0, s->npl * sizeof *w->final);
        w->round = 1;
    }
    x.s = s;
    x.w = w;
    x.budget = minutes * 60 * s->speed_mps;
    x.limit = (size_t)limit_d;
    /* outlets on the query's own edge: straight along it (they are attached to its first node) */
    {
        uint32_t qu, k;
        double len;
        qt_graph_edge(s->g, sp.edge, &qu, NULL, NULL, &len); /* walking cost, as the search */
        for (k = s->at_start[qu]; k < s->at_start[qu + 1]; k++) {
            uint32_t j = s->at[k];
            if (s->pl[j].edge == sp.edge)
                offer_outlet(&x, j, sp.leg_m + fabs(sp.t - s->pl[j].t) * len + (s->pl[j].to_u - s->pl[j].t * len));
        }
    }
    ns = qt_snap_seeds(s->g, &sp, QT_SNAP_EDGE, seeds);
    if (qt_search_run_visit(w->search, seeds, ns, x.budget, nb_visit, &x, &e) != QT_OK || x.oom) {
        pthread_rwlock_unlock(&s->plock);
        give_ws(s, w);
        qt_store_free_str((char *)ids);
        return x.oom ? send_error(c, rq, QT_ENOMEM, NULL, "no memory") : send_status(c, rq, &e);
    }
    hits = qt__malloc((x.nh + 1) * sizeof *hits);
    if (!hits) {
        pthread_rwlock_unlock(&s->plock);
        give_ws(s, w);
        qt_store_free_str((char *)ids);
        return send_error(c, rq, QT_ENOMEM, NULL, "no memory");
    }
    for (i = 0; i < x.nh; i++) {
        uint32_t j = w->hits[i];
        if (!w->pass[j] || !(w->best[j] <= x.budget))
            continue;
        hits[nout].i = j;
        hits[nout].d = w->best[j];
        nout++;
    }
    give_ws(s, w);
    qt_store_free_str((char *)ids);
    qsort(hits, nout, sizeof *hits, by_dist);
    jb_lit(&jb, "{\"outlets\":[");
    for (i = 0; i < nout && i < x.limit; i++) {
        const place *p = &s->pl[hits[i].i];
        const char *sv = p->services;
        int first = 1;
        jb_lit(&jb, i ? ",{\"id\":" : "{\"id\":");
        {
            char num[24];
            jb_put(&jb, num, qt__fmt_i64(num, p->id));
        }
        jb_lit(&jb, ",\"name\":");
        jb_str(&jb, p->name);
        jb_lit(&jb, ",\"category\":");
        if (p->category)
            jb_str(&jb, p->category);
        else
            jb_lit(&jb, "null");
        jb_lit(&jb, ",\"lon\":");
        jb_num(&jb, p->lon, 6);
        jb_lit(&jb, ",\"lat\":");
        jb_num(&jb, p->lat, 6);
        jb_lit(&jb, ",\"distance_m\":");
        jb_num(&jb, hits[i].d, 1);
        jb_lit(&jb, ",\"time_s\":");
        jb_num(&jb, hits[i].d / s->speed_mps, 0);
        jb_lit(&jb, ",\"services\":[");
        while (sv && *sv) {
            const char *e2 = strchr(sv, ';');
            size_t n = e2 ? (size_t)(e2 - sv) : strlen(sv);
            if (n) {
                char tmp[256];
                snprintf(tmp, sizeof tmp, "%.*s", (int)(n < 255 ? n : 255), sv);
                if (!first)
                    jb_lit(&jb, ",");
                jb_str(&jb, tmp);
                first = 0;
            }
            sv = e2 ? e2 + 1 : NULL;
        }
        jb_lit(&jb, "],\"opening_hours\":");
        jb_str(&jb, p->hours);
        jb_lit(&jb, "}");
    }
    jb_lit(&jb, "],\"minutes\":");
    jb_num(&jb, minutes, 1);
    jb_lit(&jb, "}");
    pthread_rwlock_unlock(&s->plock);
    qt__free(hits);
    return send_jbuf(c, rq, 200, &jb);
}

typedef struct outlet_json {
    json_t *j;
} outlet_json;

static qt_status outlet_to_json(void *ud, const qt_store_outlet *o, qt_error *err)
{
    outlet_json *oj = ud;
    (void)err;
    oj->j = json_pack("{s:I, s:s?, s:s, s:s?, s:f, s:f, s:s, s:s, s:b, s:s, s:o}", "id", (json_int_t)o->id, "ext_id",
                      o->ext_id, "name", o->name ? o->name : "", "category", o->category, "lon", o->lon, "lat", o->lat,
                      "address", o->address ? o->address : "", "brand", o->brand ? o->brand : "", "chain", o->chain,
                      "opening_hours", o->opening_hours ? o->opening_hours : "", "services",
                      services_json(o->services));
    if (oj->j) {
        if (o->cash >= 0)
            json_object_set_new(oj->j, "cash", json_boolean(o->cash));
        if (o->barrier_free >= 0)
            json_object_set_new(oj->j, "barrier_free", json_boolean(o->barrier_free));
        if (o->community)
            json_object_set_new(oj->j, "community", json_string(o->community));
        if (o->circle)
            json_object_set_new(oj->j, "circle", json_string(o->circle));
    }
    return QT_OK;
}

static enum MHD_Result outlet_get(struct MHD_Connection *c, request *rq, qt_store *st, int64_t id)
{
    outlet_json oj = {NULL};
    qt_error e;
    int n, score;
    char grade[2] = "";
    qt_error_clear(&e);
    if (qt_store_outlet_get(st, id, outlet_to_json, &oj, &e) != QT_OK)
        return send_status(c, rq, &e);
    if (oj.j && qt_store_outlet_credit(st, id, (int64_t)time(NULL), &n, &score, grade, &e) == QT_OK)
        json_object_set_new(oj.j, "credit",
                            json_pack("{s:i, s:s, s:i}", "score", score, "grade", grade, "complaints_365d", n));
    return send_json(c, rq, 200, oj.j);
}

/* the JSON body as an object, or an error reply */
static json_t *body_object(struct MHD_Connection *c, request *rq, enum MHD_Result *res)
{
    json_error_t je;
    json_t *j;
    if (!rq->len) {
        *res = send_error(c, rq, QT_EPARSE, NULL, "a JSON body is required");
        return NULL;
    }
    j = json_loadb(rq->body, rq->len, 0, &je);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        *res = send_error(c, rq, QT_EPARSE, NULL, "the body is not a JSON object: %s",
                          j ? "another JSON value" : je.text);
        return NULL;
    }
    return j;
}

/* a string member; NULL and an error reply when missing or not a string */
static const char *str_member(struct MHD_Connection *c, request *rq, json_t *j, const char *k, enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!json_is_string(v)) {
        *res = send_error(c, rq, v ? QT_EINVAL : QT_EPARSE, k, "%s must be %s", k,
                          v ? "a string" : "given");
        return NULL;
    }
    return json_string_value(v);
}

static int int_member(struct MHD_Connection *c, request *rq, json_t *j, const char *k, json_int_t *out,
                      enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!json_is_integer(v)) {
        *res = send_error(c, rq, v ? QT_EINVAL : QT_EPARSE, k, "%s must be %s", k,
                          v ? "a whole number" : "given");
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

/* the body {name, password}: the object (caller decrefs), or NULL with the error reply in *res */
static json_t *credentials(struct MHD_Connection *c, request *rq, const char **name, const char **pw,
                           enum MHD_Result *res)
{
    json_t *j = body_object(c, rq, res);
    if (j && (!(*name = str_member(c, rq, j, "name", res)) || !(*pw = str_member(c, rq, j, "password", res)))) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static enum MHD_Result auth_register(struct MHD_Connection *c, request *rq, qt_store *st)
{
    enum MHD_Result res = MHD_NO;
    const char *name = NULL, *pw = NULL;
    json_t *j = credentials(c, rq, &name, &pw, &res);
    int64_t id;
    qt_error e;
    if (!j)
        return res;
    qt_error_clear(&e);
    if (qt_store_user_add(st, name, QT_ROLE_RESIDENT, pw, &id, &e) != QT_OK)
        res = send_status(c, rq, &e);
    else
        res = send_json(c, rq, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "role",
                                              "resident"));
    json_decref(j);
    return res;
}

/* the client's IPv4 address as text, "-" when unknown */
static const char *client_addr(struct MHD_Connection *c, char buf[64])
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, 64, "-");
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf, 64);
    return buf;
}

static enum MHD_Result auth_login(qt_server *s, struct MHD_Connection *c, request *rq, qt_store *st)
{
    enum MHD_Result res = MHD_NO;
    const char *name = NULL, *pw = NULL;
    json_t *j = credentials(c, rq, &name, &pw, &res);
    char token[65], addr[64];
    int64_t uid;
    qt_role role;
    qt_error e;
    if (!j)
        return res;
    qt_error_clear(&e);
    if (qt_store_login(st, name, pw, client_addr(c, addr), (int64_t)time(NULL), s->o.token_ttl_s,
                       s->o.login_attempts, s->o.login_window_s, token, &uid, &role, &e) != QT_OK) {
        res = send_status(c, rq, &e);
    } else {
        res = send_json(c, rq, 200, json_pack("{s:s, s:s, s:I, s:I}", "token", token, "role", qt_role_name(role),
                                              "user_id", (json_int_t)uid, "expires_in", (json_int_t)s->o.token_ttl_s));
    }
    json_decref(j);
    return res;
}

static enum MHD_Result coupon_create(struct MHD_Connection *c, request *rq, qt_store *st, int64_t uid)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = body_object(c, rq, &res);
    qt_coupon_spec cs;
    json_int_t outlet, qty, lim, from, to;
    int64_t id;
    qt_error e;
    if (!j)
        return res;
    memset(&cs, 0, sizeof cs);
    if (int_member(c, rq, j, "outlet_id", &outlet, &res) || !(cs.title = str_member(c, rq, j, "title", &res)) ||
        int_member(c, rq, j, "quantity", &qty, &res) || int_member(c, rq, j, "per_user_limit", &lim, &res) ||
        int_member(c, rq, j, "valid_from", &from, &res) || int_member(c, rq, j, "valid_to", &to, &res)) {
        json_decref(j);
        return res;
    }
    cs.outlet_id = outlet;
    cs.quantity = qty;
    cs.per_user_limit = lim;
    cs.valid_from = from;
    cs.valid_to = to;
    qt_error_clear(&e);
    if (qt_store_coupon_create(st, uid, &cs, (int64_t)time(NULL), &id, &e) != QT_OK)
        res = send_status(c, rq, &e);
    else
        res = send_json(c, rq, 201, json_pack("{s:I}", "id", (json_int_t)id));
    json_decref(j);
    return res;
}

static enum MHD_Result coupon_claim(struct MHD_Connection *c, request *rq, qt_store *st, int64_t uid, int64_t id)
{
    char code[33];
    qt_error e;
    qt_error_clear(&e);
    if (qt_store_coupon_claim(st, id, uid, (int64_t)time(NULL), code, &e) != QT_OK)
        return send_status(c, rq, &e);
    return send_json(c, rq, 201, json_pack("{s:s, s:I}", "code", code, "coupon_id", (json_int_t)id));
}

static enum MHD_Result redeem(struct MHD_Connection *c, request *rq, qt_store *st, int64_t uid)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = body_object(c, rq, &res);
    const char *code;
    qt_error e;
    if (!j)
        return res;
    if (!(code = str_member(c, rq, j, "code", &res))) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    if (qt_store_redeem(st, uid, code, (int64_t)time(NULL), &e) != QT_OK)
        res = send_status(c, rq, &e);
    else
        res = send_json(c, rq, 200, json_pack("{s:s, s:s}", "status", "redeemed", "code", code));
    json_decref(j);
    return res;
}


/* ---- circles, navigation ----------------------------------------------------------- */

/* this quarter of the year, "2026-Q4": the default survey period */
static void this_period(char buf[16])
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    snprintf(buf, 16, "%04d-Q%d", (tm.tm_year + 1900) % 10000, (tm.tm_mon / 3 + 1) % 10);
}

typedef struct circle_json {
    json_t *j;
    const char *period;
} circle_json;

static qt_status circle_to_json(void *ud, const qt_store_circle *c, qt_error *err)
{
    circle_json *cj = ud;
    json_t *ind = NULL, *survey;
    int valid = c->survey_answers >= 50;
    (void)err;
    if (c->indicators_json)
        ind = json_loads(c->indicators_json, 0, NULL);
    survey = json_pack("{s:s, s:I, s:I, s:b, s:i}", "period", cj->period, "answers", (json_int_t)c->survey_answers,
                       "satisfied", (json_int_t)c->survey_satisfied, "valid", valid, "min_samples", 50);
    if (survey)
        json_object_set_new(survey, "satisfaction",
                            valid ? json_real((double)c->survey_satisfied / (double)c->survey_answers) : json_null());
    cj->j = json_pack("{s:I, s:s, s:s?, s:o, s:I, s:I, s:o}", "id", (json_int_t)c->id, "name", c->name, "grade",
                      c->grade, "indicators", ind ? ind : json_null(), "communities", (json_int_t)c->communities,
                      "outlets", (json_int_t)c->outlets, "survey", survey ? survey : json_null());
    if (cj->j && isfinite(c->investment))
        json_object_set_new(cj->j, "investment", json_real(c->investment));
    return QT_OK;
}

static enum MHD_Result circle_get(struct MHD_Connection *c, request *rq, qt_store *st, int64_t id)
{
    char period[16];
    const char *p = arg(c, "period");
    circle_json cj = {NULL, NULL};
    qt_error e;
    this_period(period);
    cj.period = p && *p ? p : period;
    qt_error_clear(&e);
    if (qt_store_circle_get(st, id, cj.period, circle_to_json, &cj, &e) != QT_OK)
        return send_status(c, rq, &e);
    return send_json(c, rq, 200, cj.j);
}

/* "LON,LAT" */
static int lonlat_arg(struct MHD_Connection *c, const char *k, double *lon, double *lat)
{
    const char *v = arg(c, k);
    char *e;
    if (!v)
        return 0;
    *lon = strtod(v, &e);
    if (e == v || *e != ',')
        return -1;
    v = e + 1;
    *lat = strtod(v, &e);
    if (e == v || *e || !(*lon >= -180 && *lon <= 180 && *lat >= -90 && *lat <= 90))
        return -1;
    return 1;
}

static enum MHD_Result route_get(qt_server *s, struct MHD_Connection *c, request *rq)
{
    double fl, fa, tl, ta;
    int a = lonlat_arg(c, "from", &fl, &fa), b = lonlat_arg(c, "to", &tl, &ta);
    qt_snap sf, stt;
    qt_route *r = NULL;
    qt_error e;
    workspace *w;
    json_t *coords, *j;
    size_t i;
    if (a <= 0 || b <= 0)
        return send_error(c, rq, a == 0 || b == 0 ? QT_EPARSE : QT_EINVAL,
                          a <= 0 ? "from" : "to", "from and to are LON,LAT");
    qt_error_clear(&e);
    if (qt_snapper_snap(s->sn, fl, fa, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sf, &e) != QT_OK ||
        qt_snapper_snap(s->sn, tl, ta, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &stt, &e) != QT_OK)
        return send_error(c, rq, QT_ENOTFOUND, "from", "no street within 500 m of a point");
    if (!(w = take_ws(s)))
        return send_error(c, rq, QT_ENOMEM, NULL, "no memory");
    if (qt_route_compute(s->g, w->search, fl, fa, &sf, tl, ta, &stt, QT_SNAP_EDGE, s->speed_mps, &r, &e) != QT_OK) {
        give_ws(s, w);
        return send_status(c, rq, &e);
    }
    give_ws(s, w);
    coords = json_array();
    for (i = 0; coords && i < r->npoints; i++)
        json_array_append_new(coords, json_pack("[f, f]", r->lon[i], r->lat[i]));
    j = json_pack("{s:s, s:{s:f, s:f}, s:{s:s, s:o}}", "type", "Feature", "properties", "length_m",
                  round(r->length_m * 10) / 10, "time_s", round(r->time_s), "geometry", "type", "LineString",
                  "coordinates", coords ? coords : json_array());
    qt_route_free(r);
    return send_json(c, rq, 200, j);
}

static enum MHD_Result isochrone_get(qt_server *s, struct MHD_Connection *c, request *rq)
{
    double lon, lat, minutes[8];
    const char *m = arg(c, "minutes");
    size_t n = 0;
    qt_snap sp;
    qt_isochrone_opts io;
    char *gj = NULL;
    workspace *w;
    qt_error e;
    if (num_arg(c, "lon", -180, 180, &lon) <= 0 || num_arg(c, "lat", -90, 90, &lat) <= 0)
        return send_error(c, rq, QT_EPARSE, "lon", "lon and lat are required");
    if (!m)
        m = "5,10,15";
    while (*m && n < 8) {
        char *end;
        minutes[n] = strtod(m, &end);
        if (end == m || !(minutes[n] > 0 && minutes[n] <= MAX_MINUTES) || (n && minutes[n] <= minutes[n - 1]) ||
            (*end && *end != ','))
            return send_error(c, rq, QT_EINVAL, "minutes", "minutes is an ascending list like 5,10,15 (up to %d)",
                              MAX_MINUTES);
        n++;
        m = *end ? end + 1 : end;
    }
    qt_error_clear(&e);
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return send_error(c, rq, QT_ENOTFOUND, "lon", "no street within 500 m");
    if (!(w = take_ws(s)))
        return send_error(c, rq, QT_ENOMEM, NULL, "no memory");
    qt_isochrone_opts_default(&io);
    io.speed_mps = s->speed_mps;
    if (qt_isochrone_geojson(s->g, w->search, &sp, QT_SNAP_EDGE, minutes, n, &io, &gj, &e) != QT_OK) {
        give_ws(s, w);
        return send_status(c, rq, &e);
    }
    give_ws(s, w);
    return send_text(c, rq, 200, gj, strlen(gj), "application/geo+json; charset=utf-8");
}

/* ---- accounts by the admin, outlet edits ---------------------------------------------------- */

static enum MHD_Result user_create(struct MHD_Connection *c, request *rq, qt_store *st, int64_t actor)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = body_object(c, rq, &res), *circle;
    const char *name, *pw, *role_s;
    qt_role role;
    int64_t id;
    qt_error e;
    char detail[128];
    if (!j)
        return res;
    if (!(name = str_member(c, rq, j, "name", &res)) || !(pw = str_member(c, rq, j, "password", &res)) ||
        !(role_s = str_member(c, rq, j, "role", &res))) {
        json_decref(j);
        return res;
    }
    role = qt_role_parse(role_s);
    circle = json_object_get(j, "circle_id");
    qt_error_clear(&e);
    if (role == QT_ROLE_NONE)
        res = send_error(c, rq, QT_EINVAL, "role", "role is admin, operator, merchant or resident");
    else if (circle && !json_is_integer(circle))
        res = send_error(c, rq, QT_EINVAL, "circle_id", "circle_id must be a whole number");
    else if (qt_store_user_add(st, name, role, pw, &id, &e) != QT_OK ||
             (circle && qt_store_user_set_circle(st, id, json_integer_value(circle), &e) != QT_OK))
        res = send_status(c, rq, &e);
    else {
        snprintf(detail, sizeof detail, "user %lld role %s", (long long)id, role_s);
        qt_store_audit(st, actor, (int64_t)time(NULL), "user.create", detail);
        res = send_json(c, rq, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "role", role_s));
    }
    json_decref(j);
    return res;
}

static enum MHD_Result user_link(struct MHD_Connection *c, request *rq, qt_store *st, int64_t uid)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = body_object(c, rq, &res);
    json_int_t outlet;
    qt_error e;
    if (!j)
        return res;
    if (int_member(c, rq, j, "outlet_id", &outlet, &res)) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    if (qt_store_merchant_link(st, uid, outlet, &e) != QT_OK)
        res = send_status(c, rq, &e);
    else
        res = send_json(c, rq, 200, json_pack("{s:I, s:I}", "user_id", (json_int_t)uid, "outlet_id", outlet));
    json_decref(j);
    return res;
}

/* an optional string member: 1 set, 0 absent, -1 wrong type (reply sent) */
static int opt_str(struct MHD_Connection *c, request *rq, json_t *j, const char *k, const char **out,
                   enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!v)
        return 0;
    if (!json_is_string(v)) {
        *res = send_error(c, rq, QT_EINVAL, k, "%s must be a string", k);
        return -1;
    }
    *out = json_string_value(v);
    return 1;
}

static int opt_flag(struct MHD_Connection *c, request *rq, json_t *j, const char *k, int *out, enum MHD_Result *res)
{
    json_t *v = json_object_get(j, k);
    if (!v)
        return 0;
    if (!json_is_boolean(v) && !json_is_null(v)) {
        *res = send_error(c, rq, QT_EINVAL, k, "%s must be true, false or null", k);
        return -1;
    }
    *out = json_is_null(v) ? -1 : json_is_true(v);
    return 1;
}

/* an edited outlet's texts into the nearby index (its position stays) */
static qt_status refresh_one(void *ud, const qt_store_outlet *o, qt_error *err)
{
    place *p = ud;
    char *name = qt__strdup(o->name ? o->name : ""), *cat = o->category ? qt__strdup(o->category) : NULL;
    char *serv = qt__strdup(o->services ? o->services : ""), *hours = qt__strdup(o->opening_hours ? o->opening_hours : "");
    (void)err;
    if (!name || (o->category && !cat) || !serv || !hours) {
        qt__free(name);
        qt__free(cat);
        qt__free(serv);
        qt__free(hours);
        return QT_ENOMEM;
    }
    qt__free(p->name);
    qt__free(p->category);
    qt__free(p->services);
    qt__free(p->hours);
    p->name = name;
    p->category = cat;
    p->services = serv;
    p->hours = hours;
    return QT_OK;
}

static void refresh_place(qt_server *s, qt_store *st, int64_t id)
{
    size_t lo = 0, hi = s->npl;
    qt_error e;
    while (lo < hi) { /* places are in id order */
        size_t m = lo + (hi - lo) / 2;
        if (s->pl[m].id < id)
            lo = m + 1;
        else
            hi = m;
    }
    if (lo == s->npl || s->pl[lo].id != id)
        return; /* not on the network */
    qt_error_clear(&e);
    pthread_rwlock_wrlock(&s->plock);
    qt_store_outlet_get(st, id, refresh_one, &s->pl[lo], &e);
    pthread_rwlock_unlock(&s->plock);
}

static enum MHD_Result outlet_patch(qt_server *s, struct MHD_Connection *c, request *rq, qt_store *st, int64_t uid,
                                    qt_role role, int64_t id)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = body_object(c, rq, &res);
    qt_outlet_patch p;
    qt_error e;
    if (!j)
        return res;
    memset(&p, 0, sizeof p);
    p.cash = p.barrier_free = -2;
    if (opt_str(c, rq, j, "name", &p.name, &res) < 0 || opt_str(c, rq, j, "category", &p.category, &res) < 0 ||
        opt_str(c, rq, j, "address", &p.address, &res) < 0 || opt_str(c, rq, j, "brand", &p.brand, &res) < 0 ||
        opt_str(c, rq, j, "opening_hours", &p.opening_hours, &res) < 0 ||
        opt_str(c, rq, j, "services", &p.services, &res) < 0 || opt_flag(c, rq, j, "cash", &p.cash, &res) < 0 ||
        opt_flag(c, rq, j, "barrier_free", &p.barrier_free, &res) < 0) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    if (qt_store_outlet_update(st, uid, role, id, &p, &e) != QT_OK)
        res = send_status(c, rq, &e);
    else {
        refresh_place(s, st, id);
        res = outlet_get(c, rq, st, id);
    }
    json_decref(j);
    return res;
}

/* ---- jobs, surveys, complaints ---------------------------------------------------------------- */

static enum MHD_Result job_create(struct MHD_Connection *c, request *rq, qt_store *st, int64_t uid, qt_role role)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = body_object(c, rq, &res), *lon, *lat, *outlet;
    qt_store_job job;
    int64_t id;
    qt_error e;
    if (!j)
        return res;
    memset(&job, 0, sizeof job);
    lon = json_object_get(j, "lon");
    lat = json_object_get(j, "lat");
    outlet = json_object_get(j, "outlet_id");
    if (!(job.title = str_member(c, rq, j, "title", &res)) ||
        opt_str(c, rq, j, "description", &job.description, &res) < 0 || opt_str(c, rq, j, "pay", &job.pay, &res) < 0) {
        json_decref(j);
        return res;
    }
    if (!json_is_number(lon) || !json_is_number(lat) || (outlet && !json_is_integer(outlet))) {
        json_decref(j);
        return send_error(c, rq, lon && lat ? QT_EINVAL : QT_EPARSE, "lon",
                          "lon and lat are numbers; outlet_id, when given, a whole number");
    }
    job.lon = json_number_value(lon);
    job.lat = json_number_value(lat);
    job.outlet_id = outlet ? json_integer_value(outlet) : 0;
    qt_error_clear(&e);
    if (qt_store_job_create(st, uid, role, &job, (int64_t)time(NULL), &id, &e) != QT_OK)
        res = send_status(c, rq, &e);
    else
        res = send_json(c, rq, 201, json_pack("{s:I}", "id", (json_int_t)id));
    json_decref(j);
    return res;
}

typedef struct job_hit {
    double d;
    json_t *job;
} job_hit;

typedef struct job_hits {
    qt_server *s;
    const qt_search *search;
    double budget;
    job_hit *v;
    size_t n, cap;
} job_hits;

static qt_status job_near(void *ud, const qt_store_job *jb, qt_error *err)
{
    job_hits *h = ud;
    qt_snap sp;
    qt_error e;
    uint32_t u, v;
    double cost, du, dv, d;
    json_t *o;
    qt_error_clear(&e);
    if (qt_snapper_snap(h->s->sn, jb->lon, jb->lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return QT_OK;
    qt_graph_edge(h->s->g, sp.edge, &u, &v, NULL, &cost);
    du = qt_search_dist(h->search, u) + sp.leg_m + sp.t * cost;
    dv = qt_search_dist(h->search, v) + sp.leg_m + (1 - sp.t) * cost;
    d = du < dv ? du : dv;
    if (!(d <= h->budget))
        return QT_OK;
    o = json_pack("{s:I, s:s, s:s, s:s, s:f, s:f, s:f, s:f}", "id", (json_int_t)jb->id, "title", jb->title,
                  "description", jb->description ? jb->description : "", "pay", jb->pay ? jb->pay : "", "lon",
                  jb->lon, "lat", jb->lat, "distance_m", round(d * 10) / 10, "time_s", round(d / h->s->speed_mps));
    if (!o || qt__grow((void **)&h->v, &h->cap, h->n + 1, sizeof *h->v) != 0) {
        json_decref(o);
        return qt_error_set(err, QT_ENOMEM, "jobs", "no memory");
    }
    h->v[h->n].d = d;
    h->v[h->n].job = o;
    h->n++;
    return QT_OK;
}

static int by_time(const void *a, const void *b)
{
    const job_hit *x = a, *y = b;
    return x->d < y->d ? -1 : x->d > y->d;
}

static enum MHD_Result jobs_get(qt_server *s, struct MHD_Connection *c, request *rq, qt_store *st)
{
    double lon, lat, minutes = 15;
    qt_snap sp;
    qt_seed seeds[2];
    size_t ns, i;
    workspace *w;
    job_hits h;
    qt_error e;
    qt_status rc;
    json_t *arr;
    if (num_arg(c, "lon", -180, 180, &lon) <= 0 || num_arg(c, "lat", -90, 90, &lat) <= 0)
        return send_error(c, rq, QT_EPARSE, "lon", "lon and lat are required");
    if (num_arg(c, "minutes", 1, MAX_MINUTES, &minutes) < 0)
        return send_error(c, rq, QT_EINVAL, "minutes", "minutes is 1 to %d", MAX_MINUTES);
    qt_error_clear(&e);
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return send_json(c, rq, 200, json_pack("{s:[], s:s}", "jobs", "note", "no street within 500 m"));
    if (!(w = take_ws(s)))
        return send_error(c, rq, QT_ENOMEM, NULL, "no memory");
    ns = qt_snap_seeds(s->g, &sp, QT_SNAP_EDGE, seeds);
    memset(&h, 0, sizeof h);
    h.s = s;
    h.search = w->search;
    h.budget = minutes * 60 * s->speed_mps;
    rc = qt_search_run(w->search, seeds, ns, h.budget, 0, &e);
    if (rc == QT_OK)
        rc = qt_store_jobs_each(st, job_near, &h, &e);
    give_ws(s, w);
    arr = rc == QT_OK ? json_array() : NULL;
    if (arr) {
        qsort(h.v, h.n, sizeof *h.v, by_time);
        for (i = 0; i < h.n; i++)
            json_array_append(arr, h.v[i].job);
    }
    for (i = 0; i < h.n; i++)
        json_decref(h.v[i].job);
    qt__free(h.v);
    if (rc != QT_OK)
        return send_status(c, rq, &e);
    if (!arr)
        return send_error(c, rq, QT_ENOMEM, NULL, "no memory");
    return send_json(c, rq, 200, json_pack("{s:o}", "jobs", arr));
}

static enum MHD_Result job_apply(struct MHD_Connection *c, request *rq, qt_store *st, int64_t uid, int64_t id)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = rq->len ? body_object(c, rq, &res) : json_object();
    const char *msg = "";
    qt_error e;
    if (!j)
        return res;
    if (opt_str(c, rq, j, "message", &msg, &res) < 0) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    if (qt_store_job_apply(st, id, uid, msg, (int64_t)time(NULL), &e) != QT_OK)
        res = send_status(c, rq, &e);
    else
        res = send_json(c, rq, 201, json_pack("{s:I, s:s}", "job_id", (json_int_t)id, "status", "applied"));
    json_decref(j);
    return res;
}

static enum MHD_Result survey_add(struct MHD_Connection *c, request *rq, qt_store *st, int64_t uid, int64_t id)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = body_object(c, rq, &res), *sat;
    const char *comment = "", *period = NULL;
    char now_period[16];
    qt_error e;
    if (!j)
        return res;
    sat = json_object_get(j, "satisfied");
    if (!json_is_boolean(sat)) {
        json_decref(j);
        return send_error(c, rq, sat ? QT_EINVAL : QT_EPARSE, "satisfied",
                          "satisfied must be true or false");
    }
    if (opt_str(c, rq, j, "comment", &comment, &res) < 0 || opt_str(c, rq, j, "period", &period, &res) < 0) {
        json_decref(j);
        return res;
    }
    this_period(now_period);
    qt_error_clear(&e);
    if (qt_store_survey_add(st, id, uid, period ? period : now_period, json_is_true(sat), comment,
                            (int64_t)time(NULL), &e) != QT_OK)
        res = send_status(c, rq, &e);
    else
        res = send_json(c, rq, 201, json_pack("{s:I, s:s}", "circle_id", (json_int_t)id, "period",
                                              period ? period : now_period));
    json_decref(j);
    return res;
}

static enum MHD_Result complaint_add(struct MHD_Connection *c, request *rq, qt_store *st, int64_t uid)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = body_object(c, rq, &res);
    json_int_t outlet;
    const char *kind, *text = "";
    int64_t id;
    qt_error e;
    if (!j)
        return res;
    if (int_member(c, rq, j, "outlet_id", &outlet, &res) || !(kind = str_member(c, rq, j, "kind", &res)) ||
        opt_str(c, rq, j, "text", &text, &res) < 0) {
        json_decref(j);
        return res;
    }
    qt_error_clear(&e);
    if (qt_store_complaint_add(st, outlet, uid, kind, text, (int64_t)time(NULL), &id, &e) != QT_OK)
        res = send_status(c, rq, &e);
    else
        res = send_json(c, rq, 201, json_pack("{s:I}", "id", (json_int_t)id));
    json_decref(j);
    return res;
}

/* ---- routing ------------------------------------------------------------------------ */

/* "/api/v1/coupons/17/claim" with prefix "/api/v1/coupons/" and suffix "/claim": 17 */
static int path_id(const char *url, const char *prefix, const char *suffix, int64_t *id)
{
    size_t pl = strlen(prefix);
    char *e;
    long long v;
    if (strncmp(url, prefix, pl) != 0)
        return 0;
    v = strtoll(url + pl, &e, 10);
    if (e == url + pl || v <= 0 || strcmp(e, suffix) != 0)
        return 0;
    *id = v;
    return 1;
}

static enum MHD_Result route(qt_server *s, struct MHD_Connection *c, request *rq, const char *url, const char *method)
{
    int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0, known;
    int64_t id = 0, uid;
    qt_role role;
    qt_store *st;
    qt_error e;
    if (get && strcmp(url, "/api/v1/health") == 0)
        return health(s, c, rq);
    qt_error_clear(&e);
    st = thread_store(s, &e);
    if (!st)
        return send_status(c, rq, &e);
    known = who(c, st, &uid, &role);
    if (known < 0)
        return send_error(c, rq, QT_EAUTH, "Authorization", "unknown or expired token");
    if (get && strcmp(url, "/api/v1/nearby") == 0)
        return nearby(s, c, rq, st);
    if (get && path_id(url, "/api/v1/outlets/", "", &id))
        return outlet_get(c, rq, st, id);
    if (post && strcmp(url, "/api/v1/auth/register") == 0)
        return auth_register(c, rq, st);
    if (post && strcmp(url, "/api/v1/auth/login") == 0)
        return auth_login(s, c, rq, st);
    if (get && path_id(url, "/api/v1/circles/", "", &id))
        return circle_get(c, rq, st, id);
    if (get && strcmp(url, "/api/v1/route") == 0)
        return route_get(s, c, rq);
    if (get && strcmp(url, "/api/v1/isochrone") == 0)
        return isochrone_get(s, c, rq);
    if (get && strcmp(url, "/api/v1/jobs") == 0)
        return jobs_get(s, c, rq, st);
    /* from here on, a role is needed: need is the set of roles allowed */
    {
        unsigned need = 0;
        int what = 0;
        int patch = strcmp(method, "PATCH") == 0;
#define R(x) (1u << (x))
        if (post && strcmp(url, "/api/v1/coupons") == 0)
            need = R(QT_ROLE_MERCHANT), what = 1;
        else if (post && path_id(url, "/api/v1/coupons/", "/claim", &id))
            need = R(QT_ROLE_RESIDENT), what = 2;
        else if (post && strcmp(url, "/api/v1/redemptions") == 0)
            need = R(QT_ROLE_MERCHANT), what = 3;
        else if (post && strcmp(url, "/api/v1/users") == 0)
            need = R(QT_ROLE_ADMIN), what = 4;
        else if (post && path_id(url, "/api/v1/users/", "/outlets", &id))
            need = R(QT_ROLE_ADMIN), what = 5;
        else if (patch && path_id(url, "/api/v1/outlets/", "", &id))
            need = R(QT_ROLE_OPERATOR) | R(QT_ROLE_ADMIN), what = 6;
        else if (post && strcmp(url, "/api/v1/jobs") == 0)
            need = R(QT_ROLE_MERCHANT) | R(QT_ROLE_OPERATOR), what = 7;
        else if (post && path_id(url, "/api/v1/jobs/", "/applications", &id))
            need = R(QT_ROLE_RESIDENT), what = 8;
        else if (post && path_id(url, "/api/v1/circles/", "/survey", &id))
            need = R(QT_ROLE_RESIDENT), what = 9;
        else if (post && strcmp(url, "/api/v1/complaints") == 0)
            need = R(QT_ROLE_RESIDENT), what = 10;
        if (what) {
            if (!known)
                return send_error(c, rq, QT_EAUTH, "Authorization", "log in first (Authorization: Bearer TOKEN)");
            if (!(need & R(role)))
                return send_error(c, rq, QT_EFORBIDDEN, NULL, "a %s may not do this", qt_role_name(role));
#undef R
            switch (what) {
            case 1:
                return coupon_create(c, rq, st, uid);
            case 2:
                return coupon_claim(c, rq, st, uid, id);
            case 3:
                return redeem(c, rq, st, uid);
            case 4:
                return user_create(c, rq, st, uid);
            case 5:
                return user_link(c, rq, st, id);
            case 6:
                return outlet_patch(s, c, rq, st, uid, role, id);
            case 7:
                return job_create(c, rq, st, uid, role);
            case 8:
                return job_apply(c, rq, st, uid, id);
            case 9:
                return survey_add(c, rq, st, uid, id);
            default:
                return complaint_add(c, rq, st, uid);
            }
        }
    }
    return send_error(c, rq, QT_ENOTFOUND, NULL, "no %s %s", method, url);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
    qt_server *s = cls;
    request *rq = *req_cls;
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
    if (rq->too_big)
        return send_error(c, rq, QT_ETOOBIG, NULL, "the body is over %zu bytes", s->o.max_body);
    return route(s, c, rq, url, method);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    qt_server *s = cls;
    request *rq = *req_cls;
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
        client_addr(c, addr);
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

/* ---- start and stop ------------------------------------------------------------------ */

/* the outlets placed on the streets, and the node -> outlets index */
typedef struct outlet_index {
    place *pl;
    size_t npl, cap;
    uint32_t *at_start, *at;
} outlet_index;

typedef struct loader {
    qt_server *s;
    outlet_index *ix;
} loader;

static qt_status load_outlet(void *ud, const qt_store_outlet *o, qt_error *err)
{
    loader *ld = ud;
    qt_server *s = ld->s;
    outlet_index *ix = ld->ix;
    place *p;
    qt_snap sp;
    qt_error e;
    double len;
    qt_error_clear(&e);
    if (qt_snapper_snap(s->sn, o->lon, o->lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return QT_OK; /* too far from any street: not found by walking */
    if (qt__grow((void **)&ix->pl, &ix->cap, ix->npl + 1, sizeof *ix->pl) != 0)
        return qt_error_set(err, QT_ENOMEM, "outlets", "no memory");
    p = &ix->pl[ix->npl];
    memset(p, 0, sizeof *p);
    p->id = o->id;
    p->lon = o->lon;
    p->lat = o->lat;
    p->name = qt__strdup(o->name ? o->name : "");
    p->category = o->category ? qt__strdup(o->category) : NULL;
    p->services = qt__strdup(o->services ? o->services : "");
    p->hours = qt__strdup(o->opening_hours ? o->opening_hours : "");
    ix->npl++;
    if (!p->name || (o->category && !p->category) || !p->services || !p->hours)
        return qt_error_set(err, QT_ENOMEM, "outlets", "no memory");
    p->edge = sp.edge;
    p->t = sp.t;
    qt_graph_edge(s->g, sp.edge, &p->u, &p->v, NULL, &len); /* walking cost, as the search */
    p->to_u = sp.leg_m + sp.t * len;
    p->to_v = sp.leg_m + (1 - sp.t) * len;
    return QT_OK;
}

static void free_index(outlet_index *ix)
{
    size_t i;
    for (i = 0; i < ix->npl; i++) {
        qt__free(ix->pl[i].name);
        qt__free(ix->pl[i].category);
        qt__free(ix->pl[i].services);
        qt__free(ix->pl[i].hours);
    }
    qt__free(ix->pl);
    qt__free(ix->at_start);
    qt__free(ix->at);
    memset(ix, 0, sizeof *ix);
}

/* read every outlet of the store and index it */
static qt_status build_index(qt_server *s, outlet_index *ix, qt_error *err)
{
    qt_store *st = NULL;
    loader ld;
    size_t i, nn = qt_graph_node_count(s->g);
    uint32_t *fill;
    qt_status rc;
    memset(ix, 0, sizeof *ix);
    if ((rc = qt_store_open(s->o.db_path, &st, err)) != QT_OK)
        return rc;
    ld.s = s;
    ld.ix = ix;
    rc = qt_store_outlets_each(st, load_outlet, &ld, err);
    qt_store_close(st);
    if (rc != QT_OK) {
        free_index(ix);
        return rc;
    }
    ix->at_start = qt__calloc(nn + 2, sizeof *ix->at_start);
    ix->at = qt__malloc((2 * ix->npl + 1) * sizeof *ix->at);
    fill = qt__malloc((nn + 1) * sizeof *fill);
    if (!ix->at_start || !ix->at || !fill) {
        qt__free(fill);
        free_index(ix);
        return qt_error_set(err, QT_ENOMEM, "server", "no memory");
    }
    for (i = 0; i < ix->npl; i++) {
        ix->at_start[ix->pl[i].u + 1]++;
        if (ix->pl[i].v != ix->pl[i].u)
            ix->at_start[ix->pl[i].v + 1]++;
    }
    for (i = 0; i < nn; i++)
        ix->at_start[i + 1] += ix->at_start[i];
    memcpy(fill, ix->at_start, nn * sizeof *fill);
    for (i = 0; i < ix->npl; i++) {
        ix->at[fill[ix->pl[i].u]++] = (uint32_t)i;
        if (ix->pl[i].v != ix->pl[i].u)
            ix->at[fill[ix->pl[i].v]++] = (uint32_t)i;
    }
    qt__free(fill);
    return QT_OK;
}

static void install_index(qt_server *s, outlet_index *ix)
{
    s->pl = ix->pl;
    s->npl = ix->npl;
    s->at_start = ix->at_start;
    s->at = ix->at;
}

qt_status qt_server_reload(qt_server *s, size_t *noutlets, qt_error *err)
{
    outlet_index fresh, old;
    workspace *w;
    qt_status rc = build_index(s, &fresh, err);
    if (rc != QT_OK)
        return rc;
    pthread_rwlock_wrlock(&s->plock); /* no nearby search is running now */
    old.pl = s->pl;
    old.npl = s->npl;
    old.at_start = s->at_start;
    old.at = s->at;
    install_index(s, &fresh);
    atomic_fetch_add(&s->gen, 1); /* workspaces sized for the old index are dropped */
    pthread_rwlock_unlock(&s->plock);
    free_index(&old);
    pthread_mutex_lock(&s->lock);
    while ((w = s->free_ws) != NULL) {
        s->free_ws = w->next;
        free_ws(w);
    }
    pthread_mutex_unlock(&s->lock);
    if (noutlets)
        *noutlets = fresh.npl;
    return QT_OK;
}

void qt_server_stop(qt_server *s)
{
    workspace *w;
    if (!s)
        return;
    if (s->d)
        MHD_stop_daemon(s->d);
    while ((w = s->free_ws) != NULL) {
        s->free_ws = w->next;
        free_ws(w);
    }
    {
        outlet_index ix;
        memset(&ix, 0, sizeof ix);
        ix.pl = s->pl;
        ix.npl = s->npl;
        ix.at_start = s->at_start;
        ix.at = s->at;
        free_index(&ix);
    }
    qt_snapper_free(s->sn);
    {
        qt_store *st = pthread_getspecific(s->store_key);
        qt_store_close(st);
        pthread_setspecific(s->store_key, NULL);
    }
    pthread_key_delete(s->store_key);
    pthread_mutex_destroy(&s->lock);
    pthread_rwlock_destroy(&s->plock);
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
    s->speed_mps = s->o.speed_kmh / 3.6;
    pthread_mutex_init(&s->lock, NULL);
    pthread_rwlock_init(&s->plock, NULL);
    atomic_init(&s->gen, 0u);
    if (pthread_key_create(&s->store_key, close_store) != 0) {
        pthread_mutex_destroy(&s->lock);
        pthread_rwlock_destroy(&s->plock);
        qt__free(s);
        return qt_error_set(err, QT_ENOMEM, "server", "no thread key");
    }
    /* the outlets, placed on the streets; a node -> outlets index */
    if ((rc = qt_snapper_new(s->g, &s->sn, err)) != QT_OK)
        goto fail;
    {
        outlet_index ix;
        if ((rc = build_index(s, &ix, err)) != QT_OK)
            goto fail;
        install_index(s, &ix);
    }
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

/* SPDX-License-Identifier: MIT */
/*
 * api_nearby.c -- GET /nearby: the k nearest outlets by walking from a point,
 * with filters (category, service, q, open_now).  The search stops as soon
 * as the k nearest are known.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "quarter/hours.h"
#include "server/api.h"
#include "server/reply.h"

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

/* ---- the k nearest by walking, stopping as soon as they are known ---------------- */

typedef struct nb {
    const qt__outlet_index *ix;
    qt__workspace *w;
    const char *cat, *service;
    const int64_t *ids; /* q: sorted matches, or NULL for no q */
    size_t nids, nh, nheap, nfinal, limit;
    double budget;
    int open_filter, weekday, minute, oom;
} nb;

static void heap_push(nb *x, double d, uint32_t j)
{
    qt__workspace *w = x->w;
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

static qt__cand heap_pop(nb *x)
{
    qt__workspace *w = x->w;
    qt__cand top = w->heap[0], last = w->heap[--x->nheap];
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

static int passes(const nb *x, const qt__place *p)
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
    qt__workspace *w = x->w;
    if (!(d <= x->budget))
        return;
    if (w->stamp[j] != w->round) {
        w->stamp[j] = w->round;
        w->best[j] = INFINITY;
        w->pass[j] = (unsigned char)passes(x, &x->ix->pl[j]);
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
    const qt__outlet_index *ix = x->ix;
    qt__workspace *w = x->w;
    uint32_t k;
    while (x->nheap && x->w->heap[0].d <= dv) {
        qt__cand c = heap_pop(x);
        if (c.d == w->best[c.j] && w->final[c.j] != w->round) {
            w->final[c.j] = w->round;
            x->nfinal++;
        }
    }
    if (x->nfinal >= x->limit || x->oom)
        return 1;
    for (k = ix->at_start[v]; k < ix->at_start[v + 1]; k++) {
        uint32_t j = ix->at[k];
        offer_outlet(x, j, dv + (ix->pl[j].u == v ? ix->pl[j].to_u : ix->pl[j].to_v));
    }
    return 0;
}

/* the answers as JSON: {"outlets":[...], "minutes":M} */
static void write_hits(qt__jbuf *jb, const qt__outlet_index *ix, const hit *hits, size_t n, double minutes,
                       double speed_mps)
{
    size_t i;
    qt__jb_lit(jb, "{\"outlets\":[");
    for (i = 0; i < n; i++) {
        const qt__place *p = &ix->pl[hits[i].i];
        const char *sv = p->services;
        int first = 1;
        qt__jb_lit(jb, i ? ",{\"id\":" : "{\"id\":");
        qt__jb_i64(jb, p->id);
        qt__jb_lit(jb, ",\"name\":");
        qt__jb_str(jb, p->name);
        qt__jb_lit(jb, ",\"category\":");
        if (p->category)
            qt__jb_str(jb, p->category);
        else
            qt__jb_lit(jb, "null");
        qt__jb_lit(jb, ",\"lon\":");
        qt__jb_num(jb, p->lon, 6);
        qt__jb_lit(jb, ",\"lat\":");
        qt__jb_num(jb, p->lat, 6);
        qt__jb_lit(jb, ",\"distance_m\":");
        qt__jb_num(jb, hits[i].d, 1);
        qt__jb_lit(jb, ",\"time_s\":");
        qt__jb_num(jb, hits[i].d / speed_mps, 0);
        qt__jb_lit(jb, ",\"services\":[");
        while (sv && *sv) {
            const char *e2 = strchr(sv, ';');
            size_t len = e2 ? (size_t)(e2 - sv) : strlen(sv);
            if (len) {
                char tmp[256];
                snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 255 ? len : 255), sv);
                if (!first)
                    qt__jb_lit(jb, ",");
                qt__jb_str(jb, tmp);
                first = 0;
            }
            sv = e2 ? e2 + 1 : NULL;
        }
        qt__jb_lit(jb, "],\"opening_hours\":");
        qt__jb_str(jb, p->hours);
        qt__jb_lit(jb, "}");
    }
    qt__jb_lit(jb, "],\"minutes\":");
    qt__jb_num(jb, minutes, 1);
    qt__jb_lit(jb, "}");
}

/* the search from the snapped point, then the answers sorted by distance; call with s->plock held for reading.
 * OUT: *hits_out (qt__free), *nout; QT_ENOMEM or the search's status on failure */
static qt_status search_nearby(qt_server *s, nb *x, const qt_snap *sp, hit **hits_out, size_t *nout,
                               qt_error *err)
{
    const qt__outlet_index *ix = &s->ix;
    qt__workspace *w = qt__ws_take(s);
    qt_seed seeds[2];
    size_t i, ns, n = 0;
    hit *hits;
    *hits_out = NULL;
    *nout = 0;
    if (!w)
        return qt_error_set(err, QT_ENOMEM, NULL, "no memory");
    if (++w->round == 0) {
        memset(w->stamp, 0, w->npl * sizeof *w->stamp);
        memset(w->final, 0, w->npl * sizeof *w->final);
        w->round = 1;
    }
    x->ix = ix;
    x->w = w;
    /* outlets on the query's own edge: straight along it (they are attached to its first node) */
    {
        uint32_t qu, k;
        double len;
        qt_graph_edge(s->g, sp->edge, &qu, NULL, NULL, &len); /* walking cost, as the search */
        for (k = ix->at_start[qu]; k < ix->at_start[qu + 1]; k++) {
            uint32_t j = ix->at[k];
            if (ix->pl[j].edge == sp->edge)
                offer_outlet(x, j, sp->leg_m + fabs(sp->t - ix->pl[j].t) * len + (ix->pl[j].to_u - ix->pl[j].t * len));
        }
    }
    ns = qt_snap_seeds(s->g, sp, QT_SNAP_EDGE, seeds);
    if (qt_search_run_visit(w->search, seeds, ns, x->budget, nb_visit, x, err) != QT_OK || x->oom) {
        qt__ws_give(s, w);
        return x->oom ? qt_error_set(err, QT_ENOMEM, NULL, "no memory") : err->code;
    }
    hits = qt__malloc((x->nh + 1) * sizeof *hits);
    if (!hits) {
        qt__ws_give(s, w);
        return qt_error_set(err, QT_ENOMEM, NULL, "no memory");
    }
    for (i = 0; i < x->nh; i++) {
        uint32_t j = w->hits[i];
        if (!w->pass[j] || !(w->best[j] <= x->budget))
            continue;
        hits[n].i = j;
        hits[n].d = w->best[j];
        n++;
    }
    qt__ws_give(s, w);
    qsort(hits, n, sizeof *hits, by_dist);
    *hits_out = hits;
    *nout = n;
    return QT_OK;
}

enum MHD_Result qt__api_nearby(qt__req *r)
{
    qt_server *s = r->s;
    double lon, lat, minutes = 15, limit_d = 20;
    const char *q = qt__req_arg(r, "q"), *open = qt__req_arg(r, "open_now");
    qt_snap sp;
    qt_error e = QT_ERROR_INIT;
    size_t nout = 0;
    int64_t *ids = NULL;
    hit *hits = NULL;
    qt__jbuf jb = {NULL, 0, 0, 0};
    nb x;
    int rn;
    qt_status rc;
    memset(&x, 0, sizeof x);
    x.cat = qt__req_arg(r, "category");
    x.service = qt__req_arg(r, "service");
    if ((rn = qt__req_num(r, "lon", -180, 180, &lon)) <= 0)
        return qt__reply_error(r, rn ? QT_EINVAL : QT_EPARSE, "lon", "lon is required, -180..180");
    if ((rn = qt__req_num(r, "lat", -90, 90, &lat)) <= 0)
        return qt__reply_error(r, rn ? QT_EINVAL : QT_EPARSE, "lat", "lat is required, -90..90");
    if (qt__req_num(r, "minutes", 1, QT__MAX_MINUTES, &minutes) < 0)
        return qt__reply_error(r, QT_EINVAL, "minutes", "minutes is 1 to %d", QT__MAX_MINUTES);
    if (qt__req_num(r, "limit", 1, 200, &limit_d) < 0 || limit_d != floor(limit_d))
        return qt__reply_error(r, QT_EINVAL, "limit", "limit is a whole number from 1 to 200");
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return qt__reply_json(r, 200, json_pack("{s:[], s:s}", "outlets", "note", "no street within 500 m"));
    if (q && *q) {
        static const int64_t no_match = 0;
        if (qt_store_outlets_match(r->st, q, &ids, &x.nids, &e) != QT_OK)
            return qt__reply_status(r, &e);
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
    x.budget = minutes * 60 * s->speed_mps;
    x.limit = (size_t)limit_d;
    pthread_rwlock_rdlock(&s->plock); /* the index (and the workspace sized for it) stay as they are */
    rc = search_nearby(s, &x, &sp, &hits, &nout, &e);
    qt_store_free_str((char *)ids);
    if (rc != QT_OK) {
        pthread_rwlock_unlock(&s->plock);
        return qt__reply_status(r, &e);
    }
    write_hits(&jb, &s->ix, hits, nout < x.limit ? nout : x.limit, minutes, s->speed_mps);
    pthread_rwlock_unlock(&s->plock);
    qt__free(hits);
    return qt__reply_jbuf(r, 200, &jb);
}

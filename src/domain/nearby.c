/* SPDX-License-Identifier: MIT */
/*
 * nearby.c -- the outlet index and the k-nearest walking search
 * (quarter/nearby.h).
 *
 * An index is immutable after qt_nearby_builder_finish.  Its parts are
 * shared between an index and its edited copies, each part with its own
 * reference count: the node -> outlets table (never changes with an edit) and
 * a chain of text blocks (an edit adds one block holding the edited outlet's
 * texts in front of the chain it copied).  Only the outlet array itself is
 * copied by an edit.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/heap.h"
#include "core/search_internal.h"
#include "quarter/hours.h"
#include "quarter/nearby.h"
#include "quarter/spot.h"

/* texts of outlets; a block keeps the blocks before it alive */
typedef struct textblock {
    atomic_size_t refs;
    struct textblock *prev;
    size_t len;
    char data[];
} textblock;

/* node -> outlets: at[at_start[v] .. at_start[v+1]) */
typedef struct topology {
    atomic_size_t refs;
    uint32_t *at_start, *at;
} topology;

typedef struct place {
    int64_t id;
    const char *name, *category, *services, *hours; /* in the text blocks; category may be NULL */
    double lon, lat;
    int64_t until;
    qt_spot sp;
} place;

struct qt_nearby_index {
    atomic_size_t refs;
    const qt_graph *g;
    const qt_snapper *sn;
    place *pl; /* in id order */
    size_t n;
    topology *topo;
    textblock *texts;
};

/* ---- shared parts ---- */

static void textblock_unref(textblock *b)
{
    while (b && atomic_fetch_sub(&b->refs, 1) == 1) {
        textblock *prev = b->prev;
        qt__free(b);
        b = prev;
    }
}

static void topology_unref(topology *t)
{
    if (t && atomic_fetch_sub(&t->refs, 1) == 1) {
        qt__free(t->at_start);
        qt__free(t->at);
        qt__free(t);
    }
}

qt_nearby_index *qt_nearby_index_ref(qt_nearby_index *ix)
{
    if (ix)
        atomic_fetch_add(&ix->refs, 1);
    return ix;
}

void qt_nearby_index_unref(qt_nearby_index *ix)
{
    if (!ix || atomic_fetch_sub(&ix->refs, 1) != 1)
        return;
    topology_unref(ix->topo);
    textblock_unref(ix->texts);
    qt__free(ix->pl);
    qt__free(ix);
}

size_t qt_nearby_index_count(const qt_nearby_index *ix)
{
    return ix ? ix->n : 0;
}

/* ---- building ---- */

/* texts are offsets into buf until finish (+1; 0 is NULL) */
typedef struct pending {
    int64_t id;
    size_t name, category, services, hours;
    double lon, lat;
    int64_t until;
    qt_spot sp;
} pending;

struct qt_nearby_builder {
    const qt_graph *g;
    const qt_snapper *sn;
    pending *v;
    size_t n, cap;
    char *buf;
    size_t len, bcap;
};

qt_status qt_nearby_builder_new(const qt_graph *g, const qt_snapper *sn, qt_nearby_builder **out, qt_error *err)
{
    qt_nearby_builder *b = qt__calloc(1, sizeof *b);
    *out = NULL;
    if (!b)
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    b->g = g;
    b->sn = sn;
    *out = b;
    return QT_OK;
}

void qt_nearby_builder_free(qt_nearby_builder *b)
{
    if (!b)
        return;
    qt__free(b->v);
    qt__free(b->buf);
    qt__free(b);
}

/* s (NULL: dflt) into the buffer: its offset + 1, 0 for NULL, (size_t)-1 for no memory */
static size_t put_text(qt_nearby_builder *b, const char *s, const char *dflt)
{
    size_t n, at;
    if (!s)
        s = dflt;
    if (!s)
        return 0;
    n = strlen(s) + 1;
    if (qt__grow((void **)&b->buf, &b->bcap, b->len + n, 1) != 0)
        return (size_t)-1;
    at = b->len;
    memcpy(b->buf + at, s, n);
    b->len += n;
    return at + 1;
}

qt_status qt_nearby_builder_add(qt_nearby_builder *b, const qt_nearby_outlet *o, int *placed, qt_error *err)
{
    pending *p;
    qt_spot sp;
    qt_error e = QT_ERROR_INIT;
    if (placed)
        *placed = 0;
    if (qt_spot_place(b->g, b->sn, o->lon, o->lat, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return QT_OK; /* too far from any street: not found by walking */
    if (qt__grow((void **)&b->v, &b->cap, b->n + 1, sizeof *b->v) != 0)
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    p = &b->v[b->n];
    p->id = o->id;
    p->lon = o->lon;
    p->lat = o->lat;
    p->until = o->until;
    p->sp = sp;
    if ((p->name = put_text(b, o->name, "")) == (size_t)-1 ||
        (p->category = put_text(b, o->category, NULL)) == (size_t)-1 ||
        (p->services = put_text(b, o->services, "")) == (size_t)-1 ||
        (p->hours = put_text(b, o->opening_hours, "")) == (size_t)-1)
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    b->n++;
    if (placed)
        *placed = 1;
    return QT_OK;
}

static int by_id(const void *a, const void *b)
{
    const pending *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static textblock *textblock_new(size_t len)
{
    textblock *t = qt__malloc(sizeof *t + (len ? len : 1));
    if (!t)
        return NULL;
    atomic_init(&t->refs, 1);
    t->prev = NULL;
    t->len = len;
    return t;
}

static topology *topology_build(const qt_graph *g, const place *pl, size_t n)
{
    size_t i, nn = qt_graph_node_count(g);
    topology *t = qt__calloc(1, sizeof *t);
    uint32_t *fill = qt__malloc((nn + 1) * sizeof *fill);
    if (t) {
        t->at_start = qt__calloc(nn + 2, sizeof *t->at_start);
        t->at = qt__malloc((2 * n + 1) * sizeof *t->at);
    }
    if (!t || !t->at_start || !t->at || !fill) {
        if (t) {
            qt__free(t->at_start);
            qt__free(t->at);
        }
        qt__free(t);
        qt__free(fill);
        return NULL;
    }
    atomic_init(&t->refs, 1);
    for (i = 0; i < n; i++) {
        t->at_start[pl[i].sp.u + 1]++;
        if (pl[i].sp.v != pl[i].sp.u)
            t->at_start[pl[i].sp.v + 1]++;
    }
    for (i = 0; i < nn; i++)
        t->at_start[i + 1] += t->at_start[i];
    memcpy(fill, t->at_start, nn * sizeof *fill);
    for (i = 0; i < n; i++) {
        t->at[fill[pl[i].sp.u]++] = (uint32_t)i;
        if (pl[i].sp.v != pl[i].sp.u)
            t->at[fill[pl[i].sp.v]++] = (uint32_t)i;
    }
    qt__free(fill);
    return t;
}

qt_status qt_nearby_builder_finish(qt_nearby_builder *b, qt_nearby_index **out, qt_error *err)
{
    qt_nearby_index *ix;
    size_t i;
    *out = NULL;
    if (b->n > UINT32_MAX / 2) {
        qt_nearby_builder_free(b);
        return qt_error_set(err, QT_EINVAL, "nearby", _("too many outlets"));
    }
    if (b->n)
        qsort(b->v, b->n, sizeof *b->v, by_id);
    for (i = 1; i < b->n; i++)
        if (b->v[i].id == b->v[i - 1].id) {
            int64_t id = b->v[i].id;
            qt_nearby_builder_free(b);
            return qt_error_set(err, QT_EINVAL, "nearby", _("outlet %lld is given twice"), (long long)id);
        }
    ix = qt__calloc(1, sizeof *ix);
    if (ix) {
        ix->pl = qt__malloc_array(b->n + 1, sizeof *ix->pl);
        ix->texts = textblock_new(b->len);
    }
    if (!ix || !ix->pl || !ix->texts) {
        if (ix) {
            qt__free(ix->pl);
            textblock_unref(ix->texts);
        }
        qt__free(ix);
        qt_nearby_builder_free(b);
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    }
    atomic_init(&ix->refs, 1);
    ix->g = b->g;
    ix->sn = b->sn;
    ix->n = b->n;
    if (b->len)
        memcpy(ix->texts->data, b->buf, b->len);
    for (i = 0; i < b->n; i++) {
        const pending *p = &b->v[i];
        place *q = &ix->pl[i];
        q->id = p->id;
        q->lon = p->lon;
        q->lat = p->lat;
        q->until = p->until;
        q->sp = p->sp;
        q->name = ix->texts->data + p->name - 1;
        q->category = p->category ? ix->texts->data + p->category - 1 : NULL;
        q->services = ix->texts->data + p->services - 1;
        q->hours = ix->texts->data + p->hours - 1;
    }
    qt_nearby_builder_free(b);
    ix->topo = topology_build(ix->g, ix->pl, ix->n);
    if (!ix->topo) {
        qt_nearby_index_unref(ix);
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    }
    *out = ix;
    return QT_OK;
}

/* the slot of id, or n */
static size_t find_slot(const qt_nearby_index *ix, int64_t id)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (ix->pl[m].id < id)
            lo = m + 1;
        else
            hi = m;
    }
    return lo < ix->n && ix->pl[lo].id == id ? lo : ix->n;
}

/* A new index sharing ix's graph and snapper, with room for npl places and a
 * text block of nbytes; one reference.  NULL when out of memory. */
static qt_nearby_index *index_shell(const qt_nearby_index *ix, size_t npl, size_t nbytes)
{
    qt_nearby_index *c = qt__calloc(1, sizeof *c);
    if (c) {
        c->pl = qt__malloc_array(npl, sizeof *c->pl);
        c->texts = textblock_new(nbytes);
    }
    if (!c || !c->pl || !c->texts) {
        if (c) {
            qt__free(c->pl);
            textblock_unref(c->texts);
        }
        qt__free(c);
        return NULL;
    }
    atomic_init(&c->refs, 1);
    c->g = ix->g;
    c->sn = ix->sn;
    return c;
}

qt_status qt_nearby_index_edit(const qt_nearby_index *ix, const qt_nearby_outlet *o, qt_nearby_index **out,
                               qt_error *err)
{
    const char *name = o->name ? o->name : "", *serv = o->services ? o->services : "";
    const char *hours = o->opening_hours ? o->opening_hours : "";
    size_t slot = find_slot(ix, o->id), ln = strlen(name) + 1, lc = o->category ? strlen(o->category) + 1 : 0;
    size_t ls = strlen(serv) + 1, lh = strlen(hours) + 1;
    qt_nearby_index *c;
    place *p;
    char *d;
    *out = NULL;
    if (slot == ix->n)
        return qt_error_set(err, QT_ENOTFOUND, "nearby", _("outlet %lld is not on the network"), (long long)o->id);
    if (!(c = index_shell(ix, ix->n + 1, ln + lc + ls + lh)))
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    c->n = ix->n;
    memcpy(c->pl, ix->pl, ix->n * sizeof *c->pl);
    c->topo = ix->topo;
    atomic_fetch_add(&c->topo->refs, 1);
    c->texts->prev = ix->texts; /* the other outlets' texts stay where they are */
    atomic_fetch_add(&ix->texts->refs, 1);
    p = &c->pl[slot];
    p->until = o->until;
    d = c->texts->data;
    memcpy(d, name, ln);
    p->name = d;
    d += ln;
    if (o->category) {
        memcpy(d, o->category, lc);
        p->category = d;
        d += lc;
    } else {
        p->category = NULL;
    }
    memcpy(d, serv, ls);
    p->services = d;
    d += ls;
    memcpy(d, hours, lh);
    p->hours = d;
    *out = c;
    return QT_OK;
}

qt_status qt_nearby_index_add(qt_nearby_index *ix, const qt_nearby_outlet *o, qt_nearby_index **out, int *placed,
                              qt_error *err)
{
    const char *name = o->name ? o->name : "", *serv = o->services ? o->services : "";
    const char *hours = o->opening_hours ? o->opening_hours : "";
    size_t ln = strlen(name) + 1, lc = o->category ? strlen(o->category) + 1 : 0;
    size_t ls = strlen(serv) + 1, lh = strlen(hours) + 1, slot = 0, lo = 0, hi = ix->n;
    qt_nearby_index *c;
    qt_spot sp;
    qt_error e = QT_ERROR_INIT;
    place *p;
    char *d;
    *out = NULL;
    if (placed)
        *placed = 0;
    if (find_slot(ix, o->id) != ix->n)
        return qt_error_set(err, QT_EINVAL, "nearby", _("outlet %lld is given twice"), (long long)o->id);
    if (ix->n + 1 > UINT32_MAX / 2)
        return qt_error_set(err, QT_EINVAL, "nearby", _("too many outlets"));
    if (qt_spot_place(ix->g, ix->sn, o->lon, o->lat, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK) {
        *out = qt_nearby_index_ref(ix); /* too far from any street: not found by walking */
        return QT_OK;
    }
    while (lo < hi) { /* the new outlet's slot in id order */
        size_t m = lo + (hi - lo) / 2;
        if (ix->pl[m].id < o->id)
            lo = m + 1;
        else
            hi = m;
    }
    slot = lo;
    if (!(c = index_shell(ix, ix->n + 2, ln + lc + ls + lh)))
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    c->n = ix->n + 1;
    if (slot)
        memcpy(c->pl, ix->pl, slot * sizeof *c->pl);
    if (ix->n > slot)
        memcpy(c->pl + slot + 1, ix->pl + slot, (ix->n - slot) * sizeof *c->pl);
    c->texts->prev = ix->texts;
    atomic_fetch_add(&ix->texts->refs, 1);
    p = &c->pl[slot];
    p->id = o->id;
    p->lon = o->lon;
    p->lat = o->lat;
    p->until = o->until;
    p->sp = sp;
    d = c->texts->data;
    memcpy(d, name, ln);
    p->name = d;
    d += ln;
    if (o->category) {
        memcpy(d, o->category, lc);
        p->category = d;
        d += lc;
    } else {
        p->category = NULL;
    }
    memcpy(d, serv, ls);
    p->services = d;
    d += ls;
    memcpy(d, hours, lh);
    p->hours = d;
    if (!(c->topo = topology_build(c->g, c->pl, c->n))) {
        qt_nearby_index_unref(c);
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    }
    if (placed)
        *placed = 1;
    *out = c;
    return QT_OK;
}

int qt_nearby_index_find(const qt_nearby_index *ix, int64_t id, qt_nearby_outlet *out)
{
    size_t slot = find_slot(ix, id);
    const place *p;
    if (slot == ix->n)
        return 0;
    p = &ix->pl[slot];
    if (out) {
        out->id = p->id;
        out->name = p->name;
        out->category = p->category;
        out->services = p->services;
        out->opening_hours = p->hours;
        out->lon = p->lon;
        out->lat = p->lat;
        out->until = p->until;
    }
    return 1;
}

qt_status qt_nearby_index_remove(const qt_nearby_index *ix, int64_t id, qt_nearby_index **out, qt_error *err)
{
    size_t slot = find_slot(ix, id);
    qt_nearby_index *c;
    *out = NULL;
    if (slot == ix->n)
        return qt_error_set(err, QT_ENOTFOUND, "nearby", _("outlet %lld is not on the network"), (long long)id);
    if (!(c = index_shell(ix, ix->n, 1)))
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    c->n = ix->n - 1;
    memcpy(c->pl, ix->pl, slot * sizeof *c->pl);
    memcpy(c->pl + slot, ix->pl + slot + 1, (ix->n - slot - 1) * sizeof *c->pl);
    c->texts->prev = ix->texts; /* the others' texts stay where they are */
    atomic_fetch_add(&ix->texts->refs, 1);
    if (!(c->topo = topology_build(c->g, c->pl, c->n))) {
        qt_nearby_index_unref(c);
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    }
    *out = c;
    return QT_OK;
}

/* ---- the workspace ---- */

typedef struct slot_hit {
    uint32_t i;
    double d;
} slot_hit;

struct qt_nearby_ws {
    const qt_graph *g;
    qt_search *search;
    size_t cap;   /* outlets the per-outlet arrays hold */
    double *best; /* per outlet, valid where stamp == round */
    uint32_t *stamp, round;
    unsigned char *pass; /* per outlet: passes the filters (valid where stamp == round) */
    uint32_t *final;     /* per outlet == round: counted among the settled answers */
    uint32_t *seen;      /* outlets seen this round */
    qt__heap heap;       /* pending answers by distance (stale entries skipped) */
    slot_hit *sorted;
    size_t scap;
    qt_nearby_hit *out;
    size_t ocap;
};

static void free_arrays(qt_nearby_ws *w)
{
    qt__free(w->best);
    qt__free(w->stamp);
    qt__free(w->pass);
    qt__free(w->final);
    qt__free(w->seen);
    w->best = NULL;
    w->stamp = w->final = w->seen = NULL;
    w->pass = NULL;
    w->cap = 0;
}

/* per-outlet arrays for n outlets */
static int fit(qt_nearby_ws *w, size_t n)
{
    if (n <= w->cap && w->best)
        return 0;
    free_arrays(w);
    w->best = qt__malloc_array(n + 1, sizeof *w->best);
    w->stamp = qt__calloc(n + 1, sizeof *w->stamp);
    w->pass = qt__malloc(n + 1);
    w->final = qt__calloc(n + 1, sizeof *w->final);
    w->seen = qt__malloc_array(n + 1, sizeof *w->seen);
    w->round = 0;
    if (!w->best || !w->stamp || !w->pass || !w->final || !w->seen) {
        free_arrays(w);
        return -1;
    }
    w->cap = n;
    return 0;
}

qt_status qt_nearby_ws_new(const qt_graph *g, qt_nearby_ws **out, qt_error *err)
{
    qt_nearby_ws *w = qt__calloc(1, sizeof *w);
    qt_status rc;
    *out = NULL;
    if (!w)
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    w->g = g;
    if ((rc = qt_search_new(g, &w->search, err)) != QT_OK) {
        qt__free(w);
        return rc;
    }
    *out = w;
    return QT_OK;
}

void qt_nearby_ws_free(qt_nearby_ws *w)
{
    if (!w)
        return;
    qt_search_free(w->search);
    free_arrays(w);
    qt__heap_free(&w->heap);
    qt__free(w->sorted);
    qt__free(w->out);
    qt__free(w);
}

qt_search *qt_nearby_ws_search(qt_nearby_ws *w)
{
    return w->search;
}

/* ---- the search ---- */

int qt_nearby_offers(const char *services, const char *want)
{
    static const char *const bills[] = {"代收代缴", "代扣代缴", "生活缴费", "水电缴费", "缴费", NULL};
    size_t i;
    int bill = 0;
    if (!services)
        return 0;
    for (i = 0; bills[i] && !bill; i++)
        bill = strcmp(want, bills[i]) == 0;
    if (!bill)
        return strstr(services, want) != NULL;
    for (i = 0; bills[i]; i++)
        if (strstr(services, bills[i]))
            return 1;
    return 0;
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

typedef struct nb {
    const qt_nearby_index *ix;
    qt_nearby_ws *w;
    const qt_nearby_query *q;
    size_t nh, nfinal;
    int oom;
} nb;

static int passes(const qt_nearby_query *q, const place *p)
{
    if (q->category && *q->category && (!p->category || strcmp(p->category, q->category) != 0))
        return 0;
    if (q->service && *q->service && !qt_nearby_offers(p->services, q->service))
        return 0;
    if (q->ids && !has_id(q->ids, q->nids, p->id))
        return 0;
    if (q->open_at && qt_hours_open_at(p->hours, q->weekday, q->minute) == 0)
        return 0;
    if (q->now && p->until && p->until <= q->now)
        return 0;
    return 1;
}

/* outlet j is d away: keep the best; answers go to the heap */
static void offer(nb *x, uint32_t j, double d)
{
    qt_nearby_ws *w = x->w;
    if (!(d <= x->q->max_m))
        return;
    if (w->stamp[j] != w->round) {
        w->stamp[j] = w->round;
        w->best[j] = INFINITY;
        w->pass[j] = (unsigned char)passes(x->q, &x->ix->pl[j]);
        w->seen[x->nh++] = j;
    }
    if (d < w->best[j]) {
        w->best[j] = d;
        if (w->pass[j] && qt__heap_push(&w->heap, d, j) != 0)
            x->oom = 1;
    }
}

/* the outlets at node v, dv away from it */
static void offer_at(nb *x, uint32_t v, double dv)
{
    const qt_nearby_index *ix = x->ix;
    const topology *t = ix->topo;
    uint32_t k;
    for (k = t->at_start[v]; k < t->at_start[v + 1]; k++) {
        uint32_t j = t->at[k];
        const qt_spot *sp = &ix->pl[j].sp;
        offer(x, j, dv + (sp->u == v ? sp->to_u : sp->to_v));
    }
}

/*
 * Each core node settled: answers nearer than it are final (no later node
 * can beat them, and every node nearer than it has been passed), so the
 * final ones are exactly the outlets nearer than dv; stop once limit are.
 * Answers at dv itself wait for a farther node, so ties at the last answer
 * go by index order whatever order the search met them in.
 */
static int settled(void *ud, uint32_t v, double dv)
{
    nb *x = ud;
    qt_nearby_ws *w = x->w;
    while (w->heap.n && w->heap.v[0].key < dv) {
        qt__heap_item c = qt__heap_pop(&w->heap);
        if (c.key == w->best[c.id] && w->final[c.id] != w->round) {
            w->final[c.id] = w->round;
            x->nfinal++;
        }
    }
    if (x->nfinal >= x->q->limit || x->oom)
        return 1;
    offer_at(x, v, dv);
    return 0;
}

/* a chain node or attachment at most d away: its outlets */
static void passed(void *ud, uint32_t v, double d)
{
    offer_at(ud, v, d);
}

static int by_dist(const void *a, const void *b)
{
    const slot_hit *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

qt_status qt_nearby_search(const qt_nearby_index *ix, qt_nearby_ws *w, const qt_snap *at, const qt_nearby_query *q,
                           const qt_nearby_hit **hits, size_t *n, qt_error *err)
{
    const topology *t = ix->topo;
    qt_seed seeds[2];
    size_t i, ns, nout = 0;
    uint32_t qu, k;
    qt_status rc;
    qt__core_visitor vis;
    nb x;
    *hits = NULL;
    *n = 0;
    if (fit(w, ix->n) != 0)
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    if (++w->round == 0) {
        memset(w->stamp, 0, w->cap * sizeof *w->stamp);
        memset(w->final, 0, w->cap * sizeof *w->final);
        w->round = 1;
    }
    memset(&x, 0, sizeof x);
    qt__heap_clear(&w->heap);
    x.ix = ix;
    x.w = w;
    x.q = q;
    /* outlets on the query's own edge: straight along it (they are attached to its first node) */
    qt_graph_edge(ix->g, at->edge, &qu, NULL, NULL, NULL);
    for (k = t->at_start[qu]; k < t->at_start[qu + 1]; k++) {
        uint32_t j = t->at[k];
        if (ix->pl[j].sp.edge == at->edge)
            offer(&x, j, qt_spot_same_edge_m(ix->g, at, &ix->pl[j].sp));
    }
    ns = qt_snap_seeds(ix->g, at, QT_SNAP_EDGE, seeds);
    vis.settled = settled;
    vis.passed = passed;
    vis.ctx = &x;
    rc = qt__search_run_core_visit(w->search, seeds, ns, q->max_m, &vis, err);
    if (rc == QT_OK && x.oom)
        rc = qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    if (rc == QT_OK && qt__grow((void **)&w->sorted, &w->scap, x.nh + 1, sizeof *w->sorted) != 0)
        rc = qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    if (rc != QT_OK)
        return rc;
    for (i = 0; i < x.nh; i++) {
        uint32_t j = w->seen[i];
        if (!w->pass[j] || !(w->best[j] <= q->max_m))
            continue;
        w->sorted[nout].i = j;
        w->sorted[nout].d = w->best[j];
        nout++;
    }
    qsort(w->sorted, nout, sizeof *w->sorted, by_dist);
    if (nout > q->limit)
        nout = q->limit;
    if (qt__grow((void **)&w->out, &w->ocap, nout + 1, sizeof *w->out) != 0)
        return qt_error_set(err, QT_ENOMEM, "nearby", _("no memory"));
    for (i = 0; i < nout; i++) {
        const place *p = &ix->pl[w->sorted[i].i];
        qt_nearby_hit *h = &w->out[i];
        h->id = p->id;
        h->name = p->name;
        h->category = p->category;
        h->services = p->services;
        h->opening_hours = p->hours;
        h->lon = p->lon;
        h->lat = p->lat;
        h->until = p->until;
        h->dist_m = w->sorted[i].d;
    }
    *hits = w->out;
    *n = nout;
    return QT_OK;
}

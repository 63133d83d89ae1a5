/* SPDX-License-Identifier: MIT */
/* graph.c -- CSR graph: builder, accessors, adjacency index, splitting. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/idmap.h"
#include "core/graph_internal.h"

struct qt_graph_builder {
    qt__idmap ids;
    int64_t *id;
    double *lon, *lat;
    size_t n, ncap;
    uint32_t *eu, *ev;
    double *elen, *ecost;
    unsigned char *ecls; /* qt_road_class per edge */
    size_t m, mcap;
    unsigned char cls; /* the class of the edges added next */
    int any_cls;       /* an edge has a class */
    int finished;
};

qt_status qt_graph_builder_new(qt_graph_builder **out, qt_error *err)
{
    qt_graph_builder *b = qt__calloc(1, sizeof *b);
    *out = NULL;
    if (!b || qt__idmap_init(&b->ids, 1024) != 0) {
        qt__free(b);
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the graph builder"));
    }
    *out = b;
    return QT_OK;
}

void qt_graph_builder_free(qt_graph_builder *b)
{
    if (!b)
        return;
    qt__idmap_free(&b->ids);
    qt__free(b->id);
    qt__free(b->lon);
    qt__free(b->lat);
    qt__free(b->eu);
    qt__free(b->ev);
    qt__free(b->elen);
    qt__free(b->ecost);
    qt__free(b->ecls);
    qt__free(b);
}

/* shrink-or-grow one array to exactly n elements (n > 0) */
static int resize(void **p, size_t n, size_t size)
{
    void *q = qt__realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

qt_status qt_graph_builder_reserve(qt_graph_builder *b, size_t nodes, size_t edges, qt_error *err)
{
    if (b->finished)
        return qt_error_set(err, QT_EINVAL, NULL, _("graph builder already finished"));
    if (nodes > b->ncap) {
        if (resize((void **)&b->id, nodes, sizeof *b->id) || resize((void **)&b->lon, nodes, sizeof *b->lon) ||
            resize((void **)&b->lat, nodes, sizeof *b->lat))
            goto nomem;
        b->ncap = nodes;
        if (qt__idmap_reserve(&b->ids, nodes) != 0)
            goto nomem;
    }
    if (edges > b->mcap) {
        if (resize((void **)&b->eu, edges, sizeof *b->eu) || resize((void **)&b->ev, edges, sizeof *b->ev) ||
            resize((void **)&b->elen, edges, sizeof *b->elen) || resize((void **)&b->ecost, edges, sizeof *b->ecost) ||
            resize((void **)&b->ecls, edges, 1))
            goto nomem;
        b->mcap = edges;
    }
    return QT_OK;
nomem:
    return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for %zu nodes and %zu edges"), nodes, edges);
}

qt_status qt_graph_builder_add_node(qt_graph_builder *b, int64_t id, double lon, double lat, qt_error *err)
{
    size_t cap;
    int r;
    if (b->finished)
        return qt_error_set(err, QT_EINVAL, NULL, _("graph builder already finished"));
    if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
        return qt_error_set(err, QT_EINVAL, NULL, _("node %lld: coordinate (%g, %g) is not a valid lon/lat"),
                            (long long)id, lon, lat);
    if (b->n >= UINT32_MAX - 1)
        return qt_error_set(err, QT_EINVAL, NULL, _("more than %u nodes"), UINT32_MAX - 1);
    if (b->n == b->ncap) {
        cap = b->ncap;
        if (qt__grow((void **)&b->id, &cap, b->n + 1, sizeof *b->id) != 0)
            goto nomem;
        cap = b->ncap;
        if (qt__grow((void **)&b->lon, &cap, b->n + 1, sizeof *b->lon) != 0)
            goto nomem;
        cap = b->ncap;
        if (qt__grow((void **)&b->lat, &cap, b->n + 1, sizeof *b->lat) != 0)
            goto nomem;
        b->ncap = cap;
    }
    r = qt__idmap_put(&b->ids, id, (uint32_t)b->n, NULL);
    if (r < 0)
        goto nomem;
    if (r > 0)
        return qt_error_set(err, QT_ECONFLICT, NULL, _("node id %lld appears twice"), (long long)id);
    b->id[b->n] = id;
    b->lon[b->n] = lon;
    b->lat[b->n] = lat;
    b->n++;
    return QT_OK;
nomem:
    return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for %zu nodes"), b->n + 1);
}

uint32_t qt_graph_builder_find(const qt_graph_builder *b, int64_t id)
{
    return qt__idmap_get(&b->ids, id);
}

uint32_t qt_graph_builder_node_count(const qt_graph_builder *b)
{
    return (uint32_t)b->n;
}

qt_status qt_graph_builder_add_edge(qt_graph_builder *b, int64_t u, int64_t v, double length_m, double factor,
                                    qt_error *err)
{
    uint32_t iu = qt__idmap_get(&b->ids, u), iv = qt__idmap_get(&b->ids, v);
    size_t cap;
    if (b->finished)
        return qt_error_set(err, QT_EINVAL, NULL, _("graph builder already finished"));
    if (iu == QT_IDMAP_NONE)
        return qt_error_set(err, QT_ENOTFOUND, NULL, _("node %lld is not in the node list"), (long long)u);
    if (iv == QT_IDMAP_NONE)
        return qt_error_set(err, QT_ENOTFOUND, NULL, _("node %lld is not in the node list"), (long long)v);
    if (!isfinite(length_m) || length_m < 0)
        return qt_error_set(err, QT_EINVAL, NULL, _("length %g is not a finite non-negative number"), length_m);
    if (!isfinite(factor) || factor <= 0)
        return qt_error_set(err, QT_EINVAL, NULL, _("cost factor %g is not a positive number"), factor);
    if (iu == iv)
        return QT_OK;
    if (b->m >= (UINT32_MAX / 2) - 1)
        return qt_error_set(err, QT_EINVAL, NULL, _("more than %u edges"), UINT32_MAX / 2 - 1);
    if (b->m == b->mcap) {
        cap = b->mcap;
        if (qt__grow((void **)&b->eu, &cap, b->m + 1, sizeof *b->eu) != 0)
            goto nomem;
        cap = b->mcap;
        if (qt__grow((void **)&b->ev, &cap, b->m + 1, sizeof *b->ev) != 0)
            goto nomem;
        cap = b->mcap;
        if (qt__grow((void **)&b->elen, &cap, b->m + 1, sizeof *b->elen) != 0)
            goto nomem;
        cap = b->mcap;
        if (qt__grow((void **)&b->ecost, &cap, b->m + 1, sizeof *b->ecost) != 0)
            goto nomem;
        cap = b->mcap;
        if (qt__grow((void **)&b->ecls, &cap, b->m + 1, 1) != 0)
            goto nomem;
        b->mcap = cap;
    }
    b->eu[b->m] = iu;
    b->ev[b->m] = iv;
    b->elen[b->m] = length_m;
    b->ecost[b->m] = length_m * factor;
    b->ecls[b->m] = b->cls;
    b->any_cls |= b->cls != QT_ROAD_UNKNOWN;
    b->m++;
    return QT_OK;
nomem:
    return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for %zu edges"), b->m + 1);
}

void qt_graph_builder_set_road_class(qt_graph_builder *b, qt_road_class c)
{
    b->cls = c >= QT_ROAD_UNKNOWN && c <= QT_ROAD_FOOTWAY ? (unsigned char)c : QT_ROAD_UNKNOWN;
}

qt_status qt__graph_alloc(qt_graph *g, uint32_t n, uint32_t m, qt_error *err)
{
    memset(g, 0, sizeof *g);
    g->n = n;
    g->m = m;
    g->id = qt__malloc_array(n, sizeof *g->id);
    g->lon = qt__malloc_array(n, sizeof *g->lon);
    g->lat = qt__malloc_array(n, sizeof *g->lat);
    g->first = qt__malloc_array((size_t)n + 1, sizeof *g->first);
    g->arc = qt__malloc_array((size_t)m * 2, sizeof *g->arc);
    g->eu = qt__malloc_array(m, sizeof *g->eu);
    g->ev = qt__malloc_array(m, sizeof *g->ev);
    g->elen = qt__malloc_array(m, sizeof *g->elen);
    g->ecost = qt__malloc_array(m, sizeof *g->ecost);
    if (!g->id || !g->lon || !g->lat || !g->first || !g->arc || !g->eu || !g->ev || !g->elen || !g->ecost) {
        qt__graph_release(g);
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for a graph of %u nodes, %u edges"), n, m);
    }
    return QT_OK;
}

void qt__graph_release(qt_graph *g)
{
    qt__free(g->id);
    qt__free(g->lon);
    qt__free(g->lat);
    qt__free(g->first);
    qt__free(g->arc);
    qt__free(g->eu);
    qt__free(g->ev);
    qt__free(g->elen);
    qt__free(g->ecost);
    qt__free(g->eclass);
    qt__free(g->id_order);
    qt__graph_chains_release(g);
    memset(g, 0, sizeof *g);
}

static int cmp_by_id(const void *a, const void *b, void *ctx)
{
    const int64_t *id = ctx;
    int64_t x = id[*(const uint32_t *)a], y = id[*(const uint32_t *)b];
    return (x > y) - (x < y);
}

/* qsort_r is glibc/BSD-specific in signature; a small merge sort avoids it. */
static void sort_idx(uint32_t *a, uint32_t *tmp, size_t n, const int64_t *id)
{
    size_t i, j, k, mid;
    if (n < 2)
        return;
    mid = n / 2;
    sort_idx(a, tmp, mid, id);
    sort_idx(a + mid, tmp, n - mid, id);
    for (i = 0, j = mid, k = 0; i < mid || j < n;) {
        if (j >= n || (i < mid && cmp_by_id(&a[i], &a[j], (void *)id) <= 0))
            tmp[k++] = a[i++];
        else
            tmp[k++] = a[j++];
    }
    memcpy(a, tmp, n * sizeof *a);
}

qt_status qt__graph_index(qt_graph *g, qt_error *err)
{
    uint32_t v, e;
    uint32_t *fill;
    g->id_sorted = 1;
    for (v = 1; v < g->n; v++)
        if (g->id[v] <= g->id[v - 1]) {
            g->id_sorted = 0;
            break;
        }
    if (!g->id_sorted) {
        uint32_t *tmp = qt__malloc_array(g->n, sizeof *tmp);
        g->id_order = qt__malloc_array(g->n, sizeof *g->id_order);
        if (!tmp || !g->id_order) {
            qt__free(tmp);
            return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the node id index"));
        }
        for (v = 0; v < g->n; v++)
            g->id_order[v] = v;
        sort_idx(g->id_order, tmp, g->n, g->id);
        qt__free(tmp);
    }
    memset(g->first, 0, ((size_t)g->n + 1) * sizeof *g->first);
    for (e = 0; e < g->m; e++) {
        g->first[g->eu[e] + 1]++;
        g->first[g->ev[e] + 1]++;
    }
    for (v = 0; v < g->n; v++)
        g->first[v + 1] += g->first[v];
    fill = qt__malloc_array(g->n ? g->n : 1, sizeof *fill);
    if (!fill)
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the adjacency index"));
    memcpy(fill, g->first, (size_t)g->n * sizeof *fill);
    for (e = 0; e < g->m; e++) {
        uint32_t a = fill[g->eu[e]]++, b = fill[g->ev[e]]++;
        g->arc[a] = (qt__arc){g->ev[e], e, g->ecost[e]};
        g->arc[b] = (qt__arc){g->eu[e], e, g->ecost[e]};
    }
    qt__free(fill);
    return qt__graph_chains(g, err);
}

/* Position of (x, y), 16 bits each, along a Hilbert curve of order 16. */
static uint32_t hilbert_index(uint32_t x, uint32_t y)
{
    const uint32_t n = 1u << 16;
    uint32_t s, d = 0;
    for (s = n / 2; s > 0; s /= 2) {
        uint32_t rx = (x & s) != 0, ry = (y & s) != 0;
        d += s * s * ((3 * rx) ^ ry);
        if (ry == 0) {
            uint32_t t;
            if (rx == 1) {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            t = x;
            x = y;
            y = t;
        }
    }
    return d;
}

/* arr (n elements of 8 bytes) in the order of the indices in the low 32 bits of key; tmp: n scratch */
static void permute8(void *arr, const uint64_t *key, uint64_t *tmp, size_t n)
{
    unsigned char *a = arr;
    size_t i;
    for (i = 0; i < n; i++)
        memcpy(&tmp[i], a + (size_t)(uint32_t)key[i] * 8, 8);
    memcpy(a, tmp, n * 8);
}

/*
 * Renumber the builder's nodes along a Hilbert curve over their bounding box,
 * ties in input order, and rewrite the edge ends.  Nodes that are close on
 * the ground are then close in memory, which is what keeps a whole-city
 * search in cache (on a 2M-node graph it takes a third off the time).  The
 * id map must be released already: its indices would be stale.
 */
static qt_status spatial_order(qt_graph_builder *b, qt_error *err)
{
    size_t n = b->n, i, m = b->m;
    uint64_t *key = NULL, *tmp = NULL;
    uint32_t *newof = NULL;
    double minx = 180, maxx = -180, miny = 90, maxy = -90, sx, sy;
    unsigned pass;
    if (n < 2)
        return QT_OK;
    key = qt__malloc_array(n, sizeof *key);
    tmp = qt__malloc_array(n, sizeof *tmp);
    newof = qt__malloc_array(n, sizeof *newof);
    if (!key || !tmp || !newof) {
        qt__free(key);
        qt__free(tmp);
        qt__free(newof);
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory to order %zu nodes"), n);
    }
    for (i = 0; i < n; i++) {
        minx = fmin(minx, b->lon[i]);
        maxx = fmax(maxx, b->lon[i]);
        miny = fmin(miny, b->lat[i]);
        maxy = fmax(maxy, b->lat[i]);
    }
    sx = maxx > minx ? 65535.0 / (maxx - minx) : 0;
    sy = maxy > miny ? 65535.0 / (maxy - miny) : 0;
    for (i = 0; i < n; i++) {
        uint32_t x = (uint32_t)((b->lon[i] - minx) * sx), y = (uint32_t)((b->lat[i] - miny) * sy);
        key[i] = (uint64_t)hilbert_index(x > 65535 ? 65535 : x, y > 65535 ? 65535 : y) << 32 | i;
    }
    /* stable LSD radix sort on the curve position (the high 32 bits) */
    for (pass = 0; pass < 4; pass++) {
        size_t cnt[257] = {0};
        unsigned shift = 32 + 8 * pass;
        uint64_t *t;
        for (i = 0; i < n; i++)
            cnt[((key[i] >> shift) & 0xff) + 1]++;
        for (i = 0; i < 256; i++)
            cnt[i + 1] += cnt[i];
        for (i = 0; i < n; i++)
            tmp[cnt[(key[i] >> shift) & 0xff]++] = key[i];
        t = key;
        key = tmp;
        tmp = t;
    }
    for (i = 0; i < n; i++)
        newof[(uint32_t)key[i]] = (uint32_t)i;
    /* permute the node arrays through tmp, one array at a time */
    permute8(b->id, key, tmp, n);
    permute8(b->lon, key, tmp, n);
    permute8(b->lat, key, tmp, n);
    for (i = 0; i < m; i++) {
        b->eu[i] = newof[b->eu[i]];
        b->ev[i] = newof[b->ev[i]];
    }
    qt__free(key);
    qt__free(tmp);
    qt__free(newof);
    return QT_OK;
}

/*
 * perm[0..n-1]: the points (lon[i], lat[i]) in order along a Hilbert curve
 * over their bounding box, ties in input order; points with a coordinate that
 * is not finite come first.  For passes over many points (snapping), so that
 * consecutive points touch the same part of the graph and its indexes.
 */
qt_status qt__hilbert_order(size_t n, const double *lon, const double *lat, uint32_t *perm, qt_error *err)
{
    uint64_t *key, *tmp;
    double minx = 180, maxx = -180, miny = 90, maxy = -90, sx, sy;
    size_t i;
    unsigned pass;
    if (n > UINT32_MAX)
        return qt_error_set(err, QT_EINVAL, NULL, _("too many points to order: %zu"), n);
    key = qt__malloc_array(n ? n : 1, sizeof *key);
    tmp = qt__malloc_array(n ? n : 1, sizeof *tmp);
    if (!key || !tmp) {
        qt__free(key);
        qt__free(tmp);
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory to order %zu points"), n);
    }
    for (i = 0; i < n; i++)
        if (isfinite(lon[i]) && isfinite(lat[i])) {
            minx = fmin(minx, lon[i]);
            maxx = fmax(maxx, lon[i]);
            miny = fmin(miny, lat[i]);
            maxy = fmax(maxy, lat[i]);
        }
    sx = maxx > minx ? 65535.0 / (maxx - minx) : 0;
    sy = maxy > miny ? 65535.0 / (maxy - miny) : 0;
    for (i = 0; i < n; i++) {
        uint32_t h = 0;
        if (isfinite(lon[i]) && isfinite(lat[i])) {
            double fx = (lon[i] - minx) * sx, fy = (lat[i] - miny) * sy;
            uint32_t x = fx > 65535 ? 65535 : fx > 0 ? (uint32_t)fx : 0;
            uint32_t y = fy > 65535 ? 65535 : fy > 0 ? (uint32_t)fy : 0;
            h = hilbert_index(x, y);
        }
        key[i] = (uint64_t)h << 32 | i;
    }
    for (pass = 0; pass < 4; pass++) { /* stable LSD radix sort on the curve position */
        size_t cnt[257] = {0};
        unsigned shift = 32 + 8 * pass;
        uint64_t *t;
        for (i = 0; i < n; i++)
            cnt[((key[i] >> shift) & 0xff) + 1]++;
        for (i = 0; i < 256; i++)
            cnt[i + 1] += cnt[i];
        for (i = 0; i < n; i++)
            tmp[cnt[(key[i] >> shift) & 0xff]++] = key[i];
        t = key;
        key = tmp;
        tmp = t;
    }
    for (i = 0; i < n; i++)
        perm[i] = (uint32_t)key[i];
    qt__free(key);
    qt__free(tmp);
    return QT_OK;
}

/*
 * The builder's node and edge arrays move into the graph (trimmed to size),
 * and the id map is released before the adjacency is allocated, so the peak
 * is the graph plus the edge list, not two copies of everything.
 */
qt_status qt_graph_builder_finish(qt_graph_builder *b, qt_graph **out, qt_error *err)
{
    qt_graph *g;
    qt_status st;
    size_t n = b->n ? b->n : 1, m = b->m ? b->m : 1;
    *out = NULL;
    if (b->finished)
        return qt_error_set(err, QT_EINVAL, NULL, _("graph builder already finished"));
    g = qt__calloc(1, sizeof *g);
    if (!g)
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the graph"));
    if (resize((void **)&b->id, n, sizeof *b->id) || resize((void **)&b->lon, n, sizeof *b->lon) ||
        resize((void **)&b->lat, n, sizeof *b->lat) || resize((void **)&b->eu, m, sizeof *b->eu) ||
        resize((void **)&b->ev, m, sizeof *b->ev) || resize((void **)&b->elen, m, sizeof *b->elen) ||
        resize((void **)&b->ecost, m, sizeof *b->ecost) || resize((void **)&b->ecls, m, 1)) {
        qt__free(g);
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the graph"));
    }
    b->ncap = n;
    b->mcap = m;
    g->n = (uint32_t)b->n;
    g->m = (uint32_t)b->m;
    g->first = qt__malloc_array(n + 1, sizeof *g->first);
    g->arc = qt__malloc_array(m * 2, sizeof *g->arc);
    if (!g->first || !g->arc) {
        qt__graph_release(g);
        qt__free(g);
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for a graph of %zu nodes, %zu edges"), b->n, b->m);
    }
    /* from here on the builder cannot fail back to a usable state: it is spent */
    b->finished = 1;
    qt__idmap_free(&b->ids);
    st = spatial_order(b, err);
    if (st != QT_OK) {
        qt__graph_release(g);
        qt__free(g);
        return st;
    }
    g->id = b->id;
    g->lon = b->lon;
    g->lat = b->lat;
    g->eu = b->eu;
    g->ev = b->ev;
    g->elen = b->elen;
    g->ecost = b->ecost;
    if (b->any_cls)
        g->eclass = b->ecls;
    else
        qt__free(b->ecls);
    b->ecls = NULL;
    b->id = NULL;
    b->lon = b->lat = NULL;
    b->eu = b->ev = NULL;
    b->elen = b->ecost = NULL;
    b->n = b->m = b->ncap = b->mcap = 0;
    st = qt__graph_index(g, err);
    if (st != QT_OK) {
        qt_graph_free(g);
        return st;
    }
    *out = g;
    return QT_OK;
}

void qt_graph_free(qt_graph *g)
{
    if (!g)
        return;
    qt__graph_release(g);
    qt__free(g);
}

uint32_t qt_graph_node_count(const qt_graph *g)
{
    return g->n;
}

uint32_t qt_graph_edge_count(const qt_graph *g)
{
    return g->m;
}

int64_t qt_graph_node_id(const qt_graph *g, uint32_t node)
{
    return g->id[node];
}

void qt_graph_node_coord(const qt_graph *g, uint32_t node, double *lon, double *lat)
{
    *lon = g->lon[node];
    *lat = g->lat[node];
}

uint32_t qt_graph_find_node(const qt_graph *g, int64_t id)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t v = g->id_sorted ? (uint32_t)mid : g->id_order[mid];
        if (g->id[v] == id)
            return v;
        if (g->id[v] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return QT_NODE_NONE;
}

void qt_graph_edge(const qt_graph *g, uint32_t e, uint32_t *u, uint32_t *v, double *length_m, double *cost_m)
{
    if (u)
        *u = g->eu[e];
    if (v)
        *v = g->ev[e];
    if (length_m)
        *length_m = g->elen[e];
    if (cost_m)
        *cost_m = g->ecost[e];
}

qt_road_class qt_graph_edge_road_class(const qt_graph *g, uint32_t e)
{
    return g->eclass ? (qt_road_class)g->eclass[e] : QT_ROAD_UNKNOWN;
}

/* ---- splitting edges at points ------------------------------------------ */

typedef struct split_pt {
    uint32_t edge;
    double t;
    size_t idx; /* point index */
} split_pt;

static int cmp_split(const void *a, const void *b)
{
    const split_pt *x = a, *y = b;
    if (x->edge != y->edge)
        return x->edge < y->edge ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* State shared by the steps of qt_graph_split: the sorted points, the new
 * graph and its fill positions. */
typedef struct split_ctx {
    const qt_graph *g;
    qt_graph *ng;
    split_pt *sp;              /* points sorted by edge, then position */
    uint32_t *split_node;      /* per sorted point: node at its split position */
    unsigned char *edge_split; /* per old edge: 1 if it has an interior split */
    size_t npoints;
    uint32_t nn, ne; /* nodes and edges written so far */
    int64_t next_id; /* next (negative) id for a new node */
} split_ctx;

static qt_status split_check(const qt_graph *g, size_t npoints, const uint32_t *edge, const double *t,
                             const double *leg_m, qt_error *err)
{
    size_t i;
    for (i = 0; i < npoints; i++) {
        if (edge[i] >= g->m || !(t[i] >= 0 && t[i] <= 1) || !(leg_m[i] >= 0) || !isfinite(leg_m[i]))
            return qt_error_set(err, QT_EINVAL, NULL, _("split point %zu: bad edge, position or leg"), i);
    }
    return QT_OK;
}

/* Sorts the points; counts distinct interior split positions and legs, and
 * marks the edges that get split. */
static void split_sort_count(split_ctx *c, const uint32_t *edge, const double *t, const double *leg_m, size_t *nsplit,
                             size_t *nleg)
{
    split_pt *sp = c->sp;
    size_t i;
    for (i = 0; i < c->npoints; i++) {
        sp[i].edge = edge[i];
        sp[i].t = t[i];
        sp[i].idx = i;
    }
    qsort(sp, c->npoints, sizeof *sp, cmp_split);
    *nsplit = *nleg = 0;
    for (i = 0; i < c->npoints; i++) {
        int interior = sp[i].t > 0 && sp[i].t < 1;
        int same = i > 0 && sp[i].edge == sp[i - 1].edge && sp[i].t == sp[i - 1].t;
        if (interior && !same) {
            (*nsplit)++;
            c->edge_split[sp[i].edge] = 1;
        }
        if (leg_m[sp[i].idx] > 0)
            (*nleg)++;
    }
}

/* Allocates the new graph's arrays and copies the old nodes into it. */
static qt_status split_alloc(split_ctx *c, size_t n2, size_t m2, qt_error *err)
{
    const qt_graph *g = c->g;
    qt_graph *ng = c->ng;
    qt_status st;
    if (n2 >= UINT32_MAX || m2 >= UINT32_MAX / 2)
        return qt_error_set(err, QT_EINVAL, NULL, _("too many points to split the graph"));
    st = qt__graph_alloc(ng, (uint32_t)n2, (uint32_t)m2, err);
    if (st != QT_OK)
        return st;
    if (g->eclass && !(ng->eclass = qt__calloc(m2, 1)))
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory to split edges"));
    memcpy(ng->id, g->id, (size_t)g->n * sizeof *ng->id);
    memcpy(ng->lon, g->lon, (size_t)g->n * sizeof *ng->lon);
    memcpy(ng->lat, g->lat, (size_t)g->n * sizeof *ng->lat);
    c->nn = g->n;
    c->ne = 0;
    return QT_OK;
}

/* Unsplit edges first, in their order. */
static void split_copy_unsplit(split_ctx *c)
{
    const qt_graph *g = c->g;
    qt_graph *ng = c->ng;
    uint32_t e;
    for (e = 0; e < g->m; e++) {
        if (c->edge_split[e])
            continue;
        ng->eu[c->ne] = g->eu[e];
        ng->ev[c->ne] = g->ev[e];
        ng->elen[c->ne] = g->elen[e];
        ng->ecost[c->ne] = g->ecost[e];
        if (ng->eclass)
            ng->eclass[c->ne] = g->eclass[e];
        c->ne++;
    }
}

/* Appends the piece of old edge ed from node u to node v covering positions
 * t0..t1. */
static void split_add_piece(split_ctx *c, uint32_t ed, uint32_t u, uint32_t v, double t0, double t1)
{
    const qt_graph *g = c->g;
    qt_graph *ng = c->ng;
    ng->eu[c->ne] = u;
    ng->ev[c->ne] = v;
    ng->elen[c->ne] = g->elen[ed] * (t1 - t0);
    ng->ecost[c->ne] = g->ecost[ed] * (t1 - t0);
    if (ng->eclass)
        ng->eclass[c->ne] = g->eclass[ed];
    c->ne++;
}

/* The split edge of sorted point i: a chain through its split nodes.
 * Returns the first sorted point on the next edge. */
static size_t split_chain(split_ctx *c, size_t i)
{
    const qt_graph *g = c->g;
    qt_graph *ng = c->ng;
    const split_pt *sp = c->sp;
    uint32_t ed = sp[i].edge;
    uint32_t prev = g->eu[ed], vend = g->ev[ed];
    double prev_t = 0;
    double ulon = g->lon[prev], ulat = g->lat[prev];
    double vlon = g->lon[vend], vlat = g->lat[vend];
    size_t j;
    for (j = i; j < c->npoints && sp[j].edge == ed; j++) {
        double tt = sp[j].t;
        if (tt <= 0) {
            c->split_node[j] = g->eu[ed];
            continue;
        }
        if (tt >= 1) {
            c->split_node[j] = g->ev[ed];
            continue;
        }
        if (j > i && sp[j - 1].t == tt) {
            c->split_node[j] = c->split_node[j - 1];
            continue;
        }
        ng->id[c->nn] = c->next_id--;
        ng->lon[c->nn] = ulon + (vlon - ulon) * tt;
        ng->lat[c->nn] = ulat + (vlat - ulat) * tt;
        split_add_piece(c, ed, prev, c->nn, prev_t, tt);
        c->split_node[j] = c->nn;
        prev = c->nn;
        prev_t = tt;
        c->nn++;
    }
    if (c->edge_split[ed])
        split_add_piece(c, ed, prev, vend, prev_t, 1);
    return j;
}

/* Access legs: one pendant node per point with a positive leg. */
static void split_legs(split_ctx *c, const double *leg_m, double leg_factor, uint32_t *node_out)
{
    qt_graph *ng = c->ng;
    size_t i;
    for (i = 0; i < c->npoints; i++) {
        size_t p = c->sp[i].idx;
        uint32_t at = c->split_node[i];
        if (leg_m[p] > 0) {
            ng->id[c->nn] = c->next_id--;
            ng->lon[c->nn] = ng->lon[at];
            ng->lat[c->nn] = ng->lat[at];
            ng->eu[c->ne] = at;
            ng->ev[c->ne] = c->nn;
            ng->elen[c->ne] = leg_m[p];
            ng->ecost[c->ne] = leg_m[p] * leg_factor;
            c->ne++;
            node_out[p] = c->nn++;
        } else {
            node_out[p] = at;
        }
    }
}

qt_status qt_graph_split(const qt_graph *g, size_t npoints, const uint32_t *edge, const double *t, const double *leg_m,
                         double leg_factor, qt_graph **out, uint32_t *node_out, qt_error *err)
{
    split_ctx c = {0};
    size_t i, nsplit, nleg, n2, m2;
    qt_status st;

    *out = NULL;
    st = split_check(g, npoints, edge, t, leg_m, err);
    if (st != QT_OK)
        return st;
    c.g = g;
    c.npoints = npoints;
    c.next_id = -1;
    c.sp = qt__malloc_array(npoints ? npoints : 1, sizeof *c.sp);
    c.split_node = qt__malloc_array(npoints ? npoints : 1, sizeof *c.split_node);
    c.edge_split = qt__calloc(g->m ? g->m : 1, 1);
    c.ng = qt__calloc(1, sizeof *c.ng);
    if (!c.sp || !c.split_node || !c.edge_split || !c.ng) {
        st = qt_error_set(err, QT_ENOMEM, NULL, _("no memory to split edges"));
        goto done;
    }
    split_sort_count(&c, edge, t, leg_m, &nsplit, &nleg);
    n2 = (size_t)g->n + nsplit + nleg;
    m2 = (size_t)g->m + nsplit + nleg;
    st = split_alloc(&c, n2, m2, err);
    if (st != QT_OK)
        goto done;
    split_copy_unsplit(&c);
    for (i = 0; i < npoints;)
        i = split_chain(&c, i);
    split_legs(&c, leg_m, leg_factor, node_out);
    if (c.nn != n2 || c.ne != m2) {
        st = qt_error_set(err, QT_EINTERNAL, NULL, _("split count mismatch"));
        goto done;
    }
    /* new ids are negative and descending: the id order is not ascending */
    st = qt__graph_index(c.ng, err);
done:
    qt__free(c.sp);
    qt__free(c.split_node);
    qt__free(c.edge_split);
    if (st == QT_OK)
        *out = c.ng;
    else if (c.ng)
        qt_graph_free(c.ng);
    return st;
}

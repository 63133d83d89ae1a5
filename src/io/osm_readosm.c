/* SPDX-License-Identifier: MIT */
/*
 * osm_readosm.c -- walking network from .osm.pbf / .osm through readosm.
 *
 * Two passes over the file: ways first (keep walkable ones, remember the
 * node ids they use), then nodes (keep coordinates of those ids only), so
 * memory follows the network, not the extract.  Each consecutive pair of
 * nodes of a kept way is an edge with its haversine length; a pair seen on
 * two ways is one edge (the cheaper cost); a way is cut where it references
 * a node missing from the extract.
 */
#include <readosm.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/idmap.h"
#include "quarter/io.h"
#include "quarter/snap.h"

typedef struct osm_ctx {
    const qt_network_opts *opts;
    /* kept ways: node refs concatenated, with per-way start offsets and factor */
    int64_t *refs;
    size_t nrefs, rcap;
    size_t *way_start;
    double *way_factor;
    unsigned char *way_class; /* qt_road_class */
    size_t nways, wcap;
    qt__idmap need; /* node id -> slot in coords */
    double *lon, *lat;
    unsigned char *seen;
    size_t nneed;
    int oom;
    const char *tagk[256];
    const char *tagv[256];
} osm_ctx;

/* the street class of a way, from its highway=* value, for the base map's line widths */
static unsigned char road_class(const char *const *k, const char *const *v, size_t n)
{
    static const struct {
        const char *value;
        unsigned char cls;
    } classes[] = {
        {"motorway", QT_ROAD_PRIMARY},          {"trunk", QT_ROAD_PRIMARY},
        {"primary", QT_ROAD_PRIMARY},           {"secondary", QT_ROAD_SECONDARY},
        {"tertiary", QT_ROAD_SECONDARY},        {"residential", QT_ROAD_RESIDENTIAL},
        {"living_street", QT_ROAD_RESIDENTIAL}, {"unclassified", QT_ROAD_RESIDENTIAL},
        {"service", QT_ROAD_RESIDENTIAL},       {"road", QT_ROAD_RESIDENTIAL},
        {"footway", QT_ROAD_FOOTWAY},           {"path", QT_ROAD_FOOTWAY},
        {"pedestrian", QT_ROAD_FOOTWAY},        {"steps", QT_ROAD_FOOTWAY},
        {"cycleway", QT_ROAD_FOOTWAY},          {"track", QT_ROAD_FOOTWAY},
        {"bridleway", QT_ROAD_FOOTWAY},         {"corridor", QT_ROAD_FOOTWAY},
    };
    for (size_t i = 0; i < n; i++) {
        if (strcmp(k[i], "highway") != 0)
            continue;
        size_t len = strcspn(v[i], "_");
        for (size_t j = 0; j < sizeof classes / sizeof classes[0]; j++)
            /* motorway_link, primary_link...: the class of the road they link */
            if (strcmp(v[i], classes[j].value) == 0 ||
                (strcmp(v[i] + len, "_link") == 0 && strlen(classes[j].value) == len &&
                 strncmp(v[i], classes[j].value, len) == 0))
                return classes[j].cls;
        return QT_ROAD_UNKNOWN;
    }
    return QT_ROAD_UNKNOWN;
}

static int on_way(const void *ud, const readosm_way *w)
{
    osm_ctx *c = (osm_ctx *)ud;
    size_t n = (size_t)(w->tag_count < 256 ? w->tag_count : 256), i;
    double factor;
    for (i = 0; i < n; i++) {
        c->tagk[i] = w->tags[i].key;
        c->tagv[i] = w->tags[i].value;
    }
    if (w->node_ref_count < 2 || !qt_osm_way_walkable(c->tagk, c->tagv, n, c->opts->steps_factor, &factor))
        return READOSM_OK;
    if (qt__grow((void **)&c->refs, &c->rcap, c->nrefs + (size_t)w->node_ref_count, sizeof *c->refs)) {
        c->oom = 1;
        return READOSM_ABORT;
    }
    if (c->nways + 2 > c->wcap) {
        size_t cap = c->wcap;
        if (qt__grow((void **)&c->way_start, &cap, c->nways + 2, sizeof *c->way_start)) {
            c->oom = 1;
            return READOSM_ABORT;
        }
        cap = c->wcap;
        if (qt__grow((void **)&c->way_factor, &cap, c->nways + 2, sizeof *c->way_factor)) {
            c->oom = 1;
            return READOSM_ABORT;
        }
        cap = c->wcap;
        if (qt__grow((void **)&c->way_class, &cap, c->nways + 2, 1)) {
            c->oom = 1;
            return READOSM_ABORT;
        }
        c->wcap = cap;
    }
    c->way_start[c->nways] = c->nrefs;
    c->way_factor[c->nways] = factor;
    c->way_class[c->nways] = road_class(c->tagk, c->tagv, n);
    c->nways++;
    c->way_start[c->nways] = c->nrefs + (size_t)w->node_ref_count;
    for (i = 0; i < (size_t)w->node_ref_count; i++) {
        int64_t ref = w->node_refs[i];
        int r;
        c->refs[c->nrefs++] = ref;
        r = qt__idmap_put(&c->need, ref, (uint32_t)c->nneed, NULL);
        if (r < 0) {
            c->oom = 1;
            return READOSM_ABORT;
        }
        if (r == 0)
            c->nneed++;
    }
    return READOSM_OK;
}

static int on_node(const void *ud, const readosm_node *nd)
{
    osm_ctx *c = (osm_ctx *)ud;
    uint32_t slot = qt__idmap_get(&c->need, nd->id);
    if (slot == QT_IDMAP_NONE)
        return READOSM_OK;
    c->lon[slot] = nd->longitude;
    c->lat[slot] = nd->latitude;
    c->seen[slot] = 1;
    return READOSM_OK;
}

static const char *readosm_msg(int rc)
{
    switch (rc) {
    case READOSM_INVALID_SUFFIX:
        return _("the name must end in .osm or .pbf");
    case READOSM_FILE_NOT_FOUND:
        return _("cannot open the file");
    case READOSM_INSUFFICIENT_MEMORY:
        return _("out of memory");
    case READOSM_READ_ERROR:
        return _("read error (the file may be truncated)");
    case READOSM_XML_ERROR:
        return _("malformed OSM XML");
    case READOSM_INVALID_PBF_HEADER:
        return _("malformed PBF (bad block header; truncated or not a PBF)");
    case READOSM_UNZIP_ERROR:
        return _("malformed PBF (a compressed block does not unpack; truncated?)");
    default:
        return _("cannot parse the file");
    }
}

static qt_status parse_pass(const char *path, osm_ctx *c, int ways, qt_error *err)
{
    const void *h = NULL;
    int rc = readosm_open(path, &h);
    if (rc != READOSM_OK) {
        readosm_close(h);
        return qt_error_set(err, rc == READOSM_FILE_NOT_FOUND ? QT_EIO : QT_EPARSE, path, "%s", readosm_msg(rc));
    }
    rc = readosm_parse(h, c, ways ? NULL : on_node, ways ? on_way : NULL, NULL);
    readosm_close(h);
    if (c->oom)
        return qt_error_set(err, QT_ENOMEM, path, _("out of memory reading the network"));
    if (rc != READOSM_OK)
        return qt_error_set(err, QT_EPARSE, path, "%s", readosm_msg(rc));
    return QT_OK;
}

static void ctx_free(osm_ctx *c)
{
    qt__free(c->refs);
    qt__free(c->way_start);
    qt__free(c->way_factor);
    qt__free(c->way_class);
    qt__idmap_free(&c->need);
    qt__free(c->lon);
    qt__free(c->lat);
    qt__free(c->seen);
}

/* edges keyed by node pair, keeping the cheaper factor (then the larger road) */
typedef struct pair {
    uint32_t a, b;
    double factor;
    unsigned char cls;
} pair;

static int cmp_pair(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    if (p->factor != q->factor)
        return (p->factor > q->factor) - (p->factor < q->factor);
    return (p->cls > q->cls) - (p->cls < q->cls);
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* Edges between consecutive present nodes of every way (a missing node cuts
 * the way), sorted; *pairs is the caller's to free, NULL when none. */
static int way_pairs(const osm_ctx *c, pair **pairs, size_t *np)
{
    size_t w, i, pcap = 0, n = 0;
    pair *p = NULL;
    for (w = 0; w < c->nways; w++) {
        for (i = c->way_start[w] + 1; i < c->way_start[w + 1]; i++) {
            uint32_t a = qt__idmap_get(&c->need, c->refs[i - 1]);
            uint32_t bb = qt__idmap_get(&c->need, c->refs[i]);
            if (!c->seen[a] || !c->seen[bb] || c->refs[i - 1] == c->refs[i])
                continue;
            if (qt__grow((void **)&p, &pcap, n + 1, sizeof *p)) {
                qt__free(p);
                return -1;
            }
            p[n].a = a < bb ? a : bb;
            p[n].b = a < bb ? bb : a;
            p[n].factor = c->way_factor[w];
            p[n].cls = c->way_class[w];
            n++;
        }
    }
    if (n)
        qsort(p, n, sizeof *p, cmp_pair);
    *pairs = p;
    *np = n;
    return 0;
}

/* The graph of the pairs: nodes on an edge in ascending id order (stable
 * output), one edge per pair of nodes (the cheaper factor sorted first). */
static qt_status pairs_graph(const osm_ctx *c, const pair *pairs, size_t np, qt_graph **out, qt_error *err)
{
    qt_graph_builder *b = NULL;
    int64_t *used = qt__malloc_array(np * 2, sizeof *used);
    int64_t *slot_id = qt__malloc_array(c->nneed, sizeof *slot_id); /* slot -> id, through the refs */
    size_t nused = 0, i, k = 0;
    qt_status st;
    if (!used || !slot_id) {
        qt__free(used);
        qt__free(slot_id);
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory"));
    }
    for (i = 0; i < c->nrefs; i++)
        slot_id[qt__idmap_get(&c->need, c->refs[i])] = c->refs[i];
    for (i = 0; i < np; i++) {
        used[nused++] = slot_id[pairs[i].a];
        used[nused++] = slot_id[pairs[i].b];
    }
    qsort(used, nused, sizeof *used, cmp_i64);
    for (i = 0; i < nused; i++)
        if (!k || used[k - 1] != used[i])
            used[k++] = used[i];
    nused = k;
    st = qt_graph_builder_new(&b, err);
    for (i = 0; st == QT_OK && i < nused; i++) {
        uint32_t s = qt__idmap_get(&c->need, used[i]);
        st = qt_graph_builder_add_node(b, used[i], c->lon[s], c->lat[s], err);
    }
    for (i = 0; st == QT_OK && i < np; i++) {
        int64_t ia = slot_id[pairs[i].a], ib = slot_id[pairs[i].b];
        if (i && pairs[i].a == pairs[i - 1].a && pairs[i].b == pairs[i - 1].b)
            continue; /* the cheaper factor sorted first */
        qt_graph_builder_set_road_class(b, (qt_road_class)pairs[i].cls);
        st = qt_graph_builder_add_edge(
            b, ia < ib ? ia : ib, ia < ib ? ib : ia,
            qt_haversine_m(c->lon[pairs[i].a], c->lat[pairs[i].a], c->lon[pairs[i].b], c->lat[pairs[i].b]),
            pairs[i].factor, err);
    }
    if (st == QT_OK)
        st = qt_graph_builder_finish(b, out, err);
    qt_graph_builder_free(b);
    qt__free(used);
    qt__free(slot_id);
    return st;
}

qt_status qt_graph_read_osm(const char *path, const qt_network_opts *opts, qt_graph **out, qt_error *err)
{
    osm_ctx c;
    qt_network_opts def;
    pair *pairs = NULL;
    size_t np = 0;
    qt_status st;

    *out = NULL;
    if (!opts) {
        qt_network_opts_default(&def);
        opts = &def;
    }
    memset(&c, 0, sizeof c);
    c.opts = opts;
    if (qt__idmap_init(&c.need, 1 << 16) != 0)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    /* the first pass finds the walkable ways and the nodes they need, the second reads those nodes */
    st = parse_pass(path, &c, 1, err);
    if (st == QT_OK && !c.nways)
        st = qt_error_set(err, QT_EINVAL, path, _("no walkable way in the file"));
    if (st == QT_OK) {
        c.lon = qt__malloc_array(c.nneed, sizeof *c.lon);
        c.lat = qt__malloc_array(c.nneed, sizeof *c.lat);
        c.seen = qt__calloc(c.nneed, 1);
        if (!c.lon || !c.lat || !c.seen)
            st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    if (st == QT_OK)
        st = parse_pass(path, &c, 0, err);
    if (st == QT_OK && way_pairs(&c, &pairs, &np) != 0)
        st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    if (st == QT_OK && !np)
        st = qt_error_set(err, QT_EINVAL, path, _("walkable ways found, but none has two nodes in the file"));
    if (st == QT_OK && (st = pairs_graph(&c, pairs, np, out, err)) != QT_OK)
        qt_error_prefix(err, "%s", path);
    qt__free(pairs);
    ctx_free(&c);
    return st;
}

void qt_network_opts_default(qt_network_opts *o)
{
    memset(o, 0, sizeof *o);
    o->steps_factor = 1.5;
    o->join_tolerance_m = 0.5;
}

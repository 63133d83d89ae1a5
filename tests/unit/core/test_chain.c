/* SPDX-License-Identifier: MIT */
/*
 * test_chain.c -- chain contraction: the core search with its chain fill gives
 * the same doubles, bit for bit, as the node-by-node search, on ASCII graphs
 * made of chains (long chains, outlets on chains, a ring, two chains between
 * the same core nodes, a loop back to its own core node, zero-length edges)
 * and on random graphs with costs that round; and qt_access answers equal
 * one plain search per outlet.  The queries on the core (isochrones, the k
 * nearest outlets, a site's coverage) give the same answers as on a copy of
 * the graph without its chains, where every search runs node by node.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/search_internal.h"
#include "qt_test.h"

/* Both searches from the same seeds; every node's distance must have the same bits. */
static void assert_same(const qt_graph *g, const qt_seed *seeds, size_t ns, double limit)
{
    qt_search *plain = NULL, *core = NULL;
    qt_error err;
    uint32_t v, n = qt_graph_node_count(g);
    const uint32_t *r;
    size_t nr, i, nplain;
    qt_error_clear(&err);
    assert_int_equal(qt_search_new(g, &plain, &err), QT_OK);
    assert_int_equal(qt_search_new(g, &core, &err), QT_OK);
    /* twice on the same workspaces: the second run must forget the first */
    for (i = 0; i < 2; i++) {
        assert_int_equal(qt_search_run(plain, seeds, ns, limit, 0, &err), QT_OK);
        assert_int_equal(qt__search_run_core(core, seeds, ns, limit, &err), QT_OK);
    }
    for (v = 0; v < n; v++) {
        double a = qt_search_dist(plain, v), b = qt_search_dist(core, v);
        if (memcmp(&a, &b, sizeof a) != 0)
            fail_msg("node %u (id %lld): plain %.17g, core %.17g", v, (long long)qt_graph_node_id(g, v), a, b);
    }
    nplain = qt_search_reached(plain, &r);
    nr = qt_search_reached(core, &r);
    assert_int_equal(nr, nplain);
    for (i = 0; i < nr; i++)
        assert_true(isfinite(qt_search_dist(core, r[i])));
    qt_search_free(plain);
    qt_search_free(core);
}

/* From every node alone, with no limit and with a limit that cuts chains. */
static void assert_same_from_every_node(const qt_graph *g)
{
    uint32_t v, n = qt_graph_node_count(g);
    static const double limits[] = {INFINITY, 0, 7.7, 23.1, 55.55};
    size_t k;
    for (v = 0; v < n; v++)
        for (k = 0; k < sizeof limits / sizeof *limits; k++) {
            qt_seed s = {v, 0};
            assert_same(g, &s, 1, limits[k]);
            s.dist_m = 1.3;
            assert_same(g, &s, 1, limits[k]);
        }
}

static uint32_t core_nodes(const qt_graph *g)
{
    uint32_t v, c = 0;
    for (v = 0; v < g->n; v++)
        c += g->ch.node_chain[v] == QT_NODE_NONE;
    return c;
}

static uint32_t attachments(const qt_graph *g)
{
    uint32_t v, c = 0;
    for (v = 0; v < g->n; v++)
        c += g->ch.node_chain[v] == QT_CHAIN_ATTACH;
    return c;
}

/* a long chain between two dead ends: the dead ends a and p hang on b and o
   (attachments), one chain of 12 from b to o */
static void test_long_chain(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii("a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p", 1.1);
    (void)state;
    assert_non_null(g);
    assert_int_equal(core_nodes(g), 2);
    assert_int_equal(attachments(g), 2);
    assert_int_equal(g->ch.nchain, 1);
    assert_int_equal(g->ch.first[1], 12);
    assert_same_from_every_node(g);
    {
        qt_seed s[] = {{qt_test_node(g, 'c'), 0.2}, {qt_test_node(g, 'm'), 0}, {qt_test_node(g, 'h'), 3.3}};
        assert_same(g, s, 3, INFINITY);
        assert_same(g, s, 3, 2.5);
    }
    qt_graph_free(g);
}

/* chains hanging off a cross, outlets (seeds) on chain nodes */
static void test_chains_with_outlets(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(
        "    a\n"
        "    |\n"
        "    b\n"
        "    |\n"
        "c-d-e-f--g-h\n"
        "    |\n"
        "    i-j-k\n",
        0.7);
    (void)state;
    assert_non_null(g);
    /* the dead ends a, c, h, k are attachments of b, d, g, j, which are core
       (one arc each besides), with e (degree 4); f and i are chain nodes */
    assert_int_equal(core_nodes(g), 5);
    assert_int_equal(attachments(g), 4);
    assert_true(g->ch.node_chain[qt_test_node(g, 'f')] != QT_NODE_NONE);
    assert_true(g->ch.node_chain[qt_test_node(g, 'e')] == QT_NODE_NONE);
    assert_same_from_every_node(g);
    {
        qt_seed s[] = {{qt_test_node(g, 'b'), 0},
                       {qt_test_node(g, 'g'), 0.9},
                       {qt_test_node(g, 'j'), 0.1},
                       {qt_test_node(g, 'g'), 0.3}};
        assert_same(g, s, 4, INFINITY);
        assert_same(g, s, 4, 1.9);
    }
    qt_graph_free(g);
}

/* a ring of degree-two nodes only: one node becomes core, one chain from it back to it */
static void test_ring(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(
        "a-b-c\n"
        "|   |\n"
        "h   d\n"
        "|   |\n"
        "g-f-e\n",
        1.3);
    (void)state;
    assert_non_null(g);
    assert_int_equal(core_nodes(g), 1);
    assert_int_equal(g->ch.nchain, 1);
    assert_int_equal(g->ch.end[0], g->ch.end[1]);
    assert_same_from_every_node(g);
    qt_graph_free(g);
}

/* two chains between the same two core nodes, and a loop from a core node back to itself */
static void test_parallel_chains_and_loop(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(
        "    b---c   x-y\n"
        "    |   |   | |\n"
        "q-z-a   d---e-w\n"
        "    |   |\n"
        "    f-g-h\n",
        0.9);
    (void)state;
    assert_non_null(g);
    /* core: a, d, e (3 arcs each) and z (one besides its attachment q);
       chains a-b-c-d and a-f-g-h-d, and e-x-y-w-e */
    assert_int_equal(core_nodes(g), 4);
    assert_int_equal(g->ch.nchain, 3);
    assert_same_from_every_node(g);
    qt_graph_free(g);
}

/* zero-length edges inside a chain and at its ends */
static void test_zero_length_edges(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(
        "a=b-c=d=e---f=g\n"
        "  |\n"
        "  h\n",
        1.7);
    (void)state;
    assert_non_null(g);
    assert_same_from_every_node(g);
    {
        qt_seed s[] = {{qt_test_node(g, 'd'), 0}, {qt_test_node(g, 'e'), 0}, {qt_test_node(g, 'c'), 0}};
        assert_same(g, s, 3, INFINITY);
        assert_same(g, s, 3, 0);
    }
    qt_graph_free(g);
}

/* ---- random graphs --------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static double rnd_len(void)
{
    uint32_t r = rnd(20);
    if (r == 0)
        return 0; /* zero-length edges */
    return rnd(100000) / 997.0;
}

/*
 * A grid of side x side junctions whose edges are subdivided into 0..4 chain
 * nodes, plus dead-end chains, rings, parallel chains and loops.
 */
static qt_graph *random_graph(uint32_t side)
{
    qt_graph_builder *b = NULL;
    qt_graph *g = NULL;
    qt_error err;
    int64_t next = 1000000;
    uint32_t i, j;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_builder_new(&b, &err), QT_OK);
#define NODE(id)                                                                                                       \
    assert_int_equal(qt_graph_builder_add_node(b, (id), 116 + rnd(10000) * 1e-6, 39 + rnd(10000) * 1e-6, &err), QT_OK)
#define EDGE(u, v) assert_int_equal(qt_graph_builder_add_edge(b, (u), (v), rnd_len(), 1 + rnd(3) * 0.15, &err), QT_OK)
    for (i = 0; i < side * side; i++)
        NODE(i);
    /* a chain of k new nodes from u to v (u == v: a loop) */
    for (i = 0; i < side * side; i++)
        for (j = 0; j < 2; j++) {
            uint32_t v = j ? i + side : i + 1, k, t;
            int64_t prev = i;
            if ((j == 0 && (i + 1) % side == 0) || (j == 1 && i + side >= side * side))
                continue;
            if (rnd(6) == 0)
                continue;                               /* a missing street */
            for (t = rnd(3) == 0 ? 2 : 1; t > 0; t--) { /* sometimes two chains side by side */
                k = rnd(5);
                prev = i;
                while (k--) {
                    NODE(next);
                    EDGE(prev, next);
                    prev = next++;
                }
                EDGE(prev, v);
            }
        }
    for (i = 0; i < side; i++) {
        uint32_t u = rnd(side * side), k = 1 + rnd(4), r;
        int64_t prev = u, start;
        switch (rnd(3)) {
        case 0: /* dead end */
            while (k--) {
                NODE(next);
                EDGE(prev, next);
                prev = next++;
            }
            break;
        case 1: /* a loop back to u */
            k += 1;
            while (k--) {
                NODE(next);
                EDGE(prev, next);
                prev = next++;
            }
            EDGE(prev, u);
            break;
        default: /* a ring of its own */
            start = next;
            NODE(next++);
            prev = start;
            for (r = 0; r < k + 2; r++) {
                NODE(next);
                EDGE(prev, next);
                prev = next++;
            }
            EDGE(prev, start);
        }
    }
#undef NODE
#undef EDGE
    assert_int_equal(qt_graph_builder_finish(b, &g, &err), QT_OK);
    qt_graph_builder_free(b);
    return g;
}

static void test_random_graphs(void **state)
{
    uint32_t round;
    (void)state;
    for (round = 0; round < 12; round++) {
        qt_graph *g = random_graph(4 + round);
        uint32_t n = qt_graph_node_count(g), t;
        assert_true(g->ch.nchain > 0);
        for (t = 0; t < 40; t++) {
            qt_seed s[6];
            size_t ns = 1 + rnd(6), i;
            double limit = rnd(4) == 0 ? INFINITY : rnd(400) / 3.0;
            for (i = 0; i < ns; i++) {
                s[i].node = rnd(n);
                s[i].dist_m = rnd(3) ? 0 : rnd(1000) / 77.0;
            }
            assert_same(g, s, ns, limit);
        }
        qt_graph_free(g);
    }
}

/* qt_access (nearest and counts, on the core) against one plain search per outlet */
static void test_access_equals_plain_searches(void **state)
{
    qt_graph *g = random_graph(9);
    uint32_t n = qt_graph_node_count(g), v;
    qt_access_poi p[30];
    double radii[] = {9.5, 31.7};
    qt_access_opts o;
    qt_access *a = NULL;
    qt_search *ws = NULL;
    qt_error err;
    size_t i, k;
    (void)state;
    qt_error_clear(&err);
    memset(p, 0, sizeof p);
    for (i = 0; i < 30; i++) {
        p[i].category = (uint32_t)(i % 3);
        p[i].nseeds = 1 + rnd(2);
        for (k = 0; k < p[i].nseeds; k++)
            p[i].seeds[k] = (qt_seed){rnd(n), rnd(500) / 91.0};
    }
    memset(&o, 0, sizeof o);
    o.max_dist_m = 40.3;
    o.radii_m = radii;
    o.nradii = 2;
    o.threads = 2;
    assert_int_equal(qt_access_run(g, 3, p, 30, &o, &a, &err), QT_OK);
    assert_int_equal(qt_search_new(g, &ws, &err), QT_OK);
    for (k = 0; k < 3; k++) {
        qt_seed s[60];
        size_t ns = 0;
        uint32_t *cnt = calloc((size_t)n * 2, sizeof *cnt);
        for (i = 0; i < 30; i++) {
            size_t j;
            if (p[i].category != k)
                continue;
            for (j = 0; j < p[i].nseeds; j++)
                s[ns++] = p[i].seeds[j];
            assert_int_equal(qt_search_run(ws, p[i].seeds, p[i].nseeds, radii[1], 0, &err), QT_OK);
            for (v = 0; v < n; v++) {
                double d = qt_search_dist(ws, v);
                cnt[v] += d <= radii[0];
                cnt[n + v] += d <= radii[1];
            }
        }
        assert_int_equal(qt_search_run(ws, s, ns, o.max_dist_m, 0, &err), QT_OK);
        for (v = 0; v < n; v++) {
            double x = qt_search_dist(ws, v), y = qt_access_nearest_m(a, (uint32_t)k, v);
            assert_memory_equal(&x, &y, sizeof x);
            assert_int_equal(qt_access_count(a, (uint32_t)k, 0, v), cnt[v]);
            assert_int_equal(qt_access_count(a, (uint32_t)k, 1, v), cnt[n + v]);
        }
        free(cnt);
    }
    qt_search_free(ws);
    qt_access_free(a);
    qt_graph_free(g);
}

/* residences and outlets split onto edges: their legs are attachments and
   their split nodes chain nodes, so the core does not grow (except for a
   point on the last edge of a dead end, not drawn here: its split node
   becomes core, with the dead end and the leg as attachments) */
static void test_split_points_do_not_grow_the_core(void **state)
{
    qt_graph *g = random_graph(8), *h = NULL;
    uint32_t e[64], out[64], i, m = qt_graph_edge_count(g);
    double t[64], leg[64];
    qt_error err;
    (void)state;
    qt_error_clear(&err);
    for (i = 0; i < 64; i++) {
        uint32_t u, v;
        do {
            e[i] = rnd(m);
            qt_graph_edge(g, e[i], &u, &v, NULL, NULL);
        } while (g->ch.node_chain[u] == QT_CHAIN_ATTACH || g->ch.node_chain[v] == QT_CHAIN_ATTACH);
        t[i] = (1 + rnd(999)) / 1000.0;
        leg[i] = rnd(4) ? rnd(3000) / 97.0 : 0;
        if (i % 9 == 8) { /* two points at one place */
            e[i] = e[i - 1];
            t[i] = t[i - 1];
        }
    }
    assert_int_equal(qt_graph_split(g, 64, e, t, leg, 1.2, &h, out, &err), QT_OK);
    assert_int_equal(core_nodes(h), core_nodes(g));
    for (i = 0; i < 64; i++) /* with no leg the split node stands for the point */
        assert_true(leg[i] > 0 ? h->ch.node_chain[out[i]] == QT_CHAIN_ATTACH
                               : h->ch.node_chain[out[i]] < QT_CHAIN_ATTACH);
    for (i = 0; i < 60; i++) {
        qt_seed s[3] = {{out[i], 0}, {out[i + 1], rnd(100) / 7.0}, {rnd(h->n), 0}};
        assert_same(h, s, 1, INFINITY);
        assert_same(h, s, 3, INFINITY);
        assert_same(h, s, 3, rnd(300) / 3.0);
    }
    qt_graph_free(h);
    qt_graph_free(g);
}

/* ---- queries on the core against the same graph searched node by node ---------- */

/* g without its chains: every search on the copy runs node by node */
static qt_graph *plain_copy(const qt_graph *g)
{
    char *path = qt_test_tmpfile("plain.qtg");
    qt_graph *h = NULL;
    qt_error err;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_save(g, path, &err), QT_OK);
    assert_int_equal(qt_graph_load(path, &h, &err), QT_OK);
    free(path);
    qt__graph_chains_release(h);
    assert_null(h->ch.node_chain);
    assert_int_equal(h->n, g->n);
    return h;
}

/* a point near node v (or on it) */
static void near_node(const qt_graph *g, uint32_t v, double *lon, double *lat)
{
    qt_graph_node_coord(g, v, lon, lat);
    if (rnd(3)) {
        *lon += ((double)rnd(200) - 100) * 1e-7;
        *lat += ((double)rnd(200) - 100) * 1e-7;
    }
}

/* isochrones from points near every kind of node, edge and node snapping: the same GeoJSON text */
static void assert_same_isochrones(const qt_graph *g, double m_per_min, double buffer_m, int points)
{
    qt_graph *h = plain_copy(g);
    qt_snapper *sg = NULL, *sh = NULL;
    qt_search *wg = NULL, *wh = NULL;
    qt_isochrone_opts o;
    qt_error err;
    static const double minutes[] = {0.5, 1, 2, 3.5, 6};
    int t;
    qt_error_clear(&err);
    assert_int_equal(qt_snapper_new(g, &sg, &err), QT_OK);
    assert_int_equal(qt_snapper_new(h, &sh, &err), QT_OK);
    assert_int_equal(qt_search_new(g, &wg, &err), QT_OK);
    assert_int_equal(qt_search_new(h, &wh, &err), QT_OK);
    qt_isochrone_opts_default(&o);
    o.speed_mps = m_per_min / 60;
    o.buffer_m = buffer_m;
    for (t = 0; t < points; t++) {
        double lon, lat;
        int mode;
        near_node(g, rnd(g->n), &lon, &lat);
        for (mode = 0; mode < 2; mode++) {
            qt_snap_mode sm = mode ? QT_SNAP_NODE : QT_SNAP_EDGE;
            qt_snap a, b;
            char *x = NULL, *y = NULL;
            if (qt_snapper_snap(sg, lon, lat, sm, 1e6, &a, &err) != QT_OK)
                continue;
            assert_int_equal(qt_snapper_snap(sh, lon, lat, sm, 1e6, &b, &err), QT_OK);
            assert_int_equal(qt_isochrone_geojson(g, wg, &a, sm, minutes, 5, &o, &x, &err), QT_OK);
            assert_int_equal(qt_isochrone_geojson(h, wh, &b, sm, minutes, 5, &o, &y, &err), QT_OK);
            assert_string_equal(x, y);
            free(x);
            free(y);
        }
    }
    qt_search_free(wg);
    qt_search_free(wh);
    qt_snapper_free(sg);
    qt_snapper_free(sh);
    qt_graph_free(h);
}

static void test_isochrones_on_the_core(void **state)
{
    static const char *const drawings[] = {
        "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p",
        "    a\n    |\n    b\n    |\nc-d-e-f--g-h\n    |\n    i-j-k\n",
        "a-b-c\n|   |\nh   d\n|   |\ng-f-e\n",
        "    b---c   x-y\n    |   |   | |\nq-z-a   d---e-w\n    |   |\n    f-g-h\n",
        "a=b-c=d=e---f=g\n  |\n  h\n",
    };
    size_t i;
    uint32_t round;
    (void)state;
    for (i = 0; i < sizeof drawings / sizeof *drawings; i++) {
        qt_graph *g = qt_test_graph_from_ascii(drawings[i], 10);
        assert_non_null(g);
        assert_same_isochrones(g, 12, 2, 12);
        qt_graph_free(g);
    }
    for (round = 0; round < 4; round++) {
        qt_graph *g = random_graph(4 + 2 * round);
        assert_same_isochrones(g, 40, 5, 6);
        qt_graph_free(g);
    }
}

/* the k nearest outlets on the core and node by node: the same answers, the
   same bits, and those of a brute force (ties by index order, i.e. by id) */
typedef struct want_hit {
    int64_t id;
    double d;
} want_hit;

static int by_dist_id(const void *a, const void *b)
{
    const want_hit *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

#define NOUTLETS 48

static void assert_same_nearby(const qt_graph *g, double scale_m, int queries)
{
    qt_graph *h = plain_copy(g);
    qt_snapper *sg = NULL, *sh = NULL;
    qt_nearby_builder *bg = NULL, *bh = NULL;
    qt_nearby_index *ig = NULL, *ih = NULL;
    qt_nearby_ws *wg = NULL, *wh = NULL;
    qt_search *full = NULL;
    qt_nearby_outlet o[NOUTLETS];
    int placed[NOUTLETS], t;
    static const char *const cats[] = {"B01", "B03", NULL};
    qt_error err;
    size_t i;
    qt_error_clear(&err);
    assert_int_equal(qt_snapper_new(g, &sg, &err), QT_OK);
    assert_int_equal(qt_snapper_new(h, &sh, &err), QT_OK);
    assert_int_equal(qt_nearby_builder_new(g, sg, &bg, &err), QT_OK);
    assert_int_equal(qt_nearby_builder_new(h, sh, &bh, &err), QT_OK);
    memset(o, 0, sizeof o);
    for (i = 0; i < NOUTLETS; i++) {
        int p2;
        o[i].id = (int64_t)(i * 7919 % 1000) + 1; /* distinct, not in placement order */
        o[i].name = "";
        o[i].category = cats[i % 3];
        if (i % 5 == 4) { /* at the same place as the one before: a tie */
            o[i].lon = o[i - 1].lon;
            o[i].lat = o[i - 1].lat;
        } else {
            near_node(g, rnd(g->n), &o[i].lon, &o[i].lat);
        }
        assert_int_equal(qt_nearby_builder_add(bg, &o[i], &placed[i], &err), QT_OK);
        assert_int_equal(qt_nearby_builder_add(bh, &o[i], &p2, &err), QT_OK);
        assert_int_equal(placed[i], p2);
    }
    assert_int_equal(qt_nearby_builder_finish(bg, &ig, &err), QT_OK);
    assert_int_equal(qt_nearby_builder_finish(bh, &ih, &err), QT_OK);
    assert_int_equal(qt_nearby_ws_new(g, &wg, &err), QT_OK);
    assert_int_equal(qt_nearby_ws_new(h, &wh, &err), QT_OK);
    assert_int_equal(qt_search_new(h, &full, &err), QT_OK);
    for (t = 0; t < queries; t++) {
        static const size_t limits[] = {1, 2, 3, 5, 8, 1000};
        qt_nearby_query q;
        qt_snap a, b;
        qt_seed seeds[2];
        const qt_nearby_hit *x, *y;
        size_t nx, ny, nw = 0;
        want_hit want[NOUTLETS];
        double lon, lat;
        near_node(g, rnd(g->n), &lon, &lat);
        assert_int_equal(qt_snapper_snap(sg, lon, lat, QT_SNAP_EDGE, 1e6, &a, &err), QT_OK);
        assert_int_equal(qt_snapper_snap(sh, lon, lat, QT_SNAP_EDGE, 1e6, &b, &err), QT_OK);
        memset(&q, 0, sizeof q);
        q.max_m = rnd(4) == 0 ? INFINITY : scale_m * (1 + rnd(40)) / 10.0;
        q.limit = limits[rnd(6)];
        q.category = rnd(3) == 0 ? "B03" : NULL;
        assert_int_equal(qt_nearby_search(ig, wg, &a, &q, &x, &nx, &err), QT_OK);
        assert_int_equal(qt_nearby_search(ih, wh, &b, &q, &y, &ny, &err), QT_OK);
        /* brute force: every outlet measured after a full search */
        assert_int_equal(qt_search_run(full, seeds, qt_snap_seeds(h, &b, QT_SNAP_EDGE, seeds), INFINITY, 0, &err),
                         QT_OK);
        for (i = 0; i < NOUTLETS; i++) {
            qt_spot sp;
            double d;
            if (!placed[i] || (q.category && (!o[i].category || strcmp(o[i].category, q.category) != 0)))
                continue;
            assert_int_equal(qt_spot_place(h, sh, o[i].lon, o[i].lat, QT_SNAP_DEFAULT_MAX_M, &sp, &err), QT_OK);
            d = qt_spot_dist_m(h, full, &b, &sp);
            if (d <= q.max_m && isfinite(d)) { /* never offered when unreached */
                want[nw].id = o[i].id;
                want[nw++].d = d;
            }
        }
        qsort(want, nw, sizeof *want, by_dist_id);
        if (nw > q.limit)
            nw = q.limit;
        if (nx != nw || ny != nw)
            fail_msg("query %d (limit %zu, max %g): %zu answers on the core, %zu node by node, %zu by brute force", t,
                     q.limit, q.max_m, nx, ny, nw);
        for (i = 0; i < nw; i++) {
            if (x[i].id != want[i].id || y[i].id != want[i].id || memcmp(&x[i].dist_m, &want[i].d, sizeof(double)) ||
                memcmp(&y[i].dist_m, &want[i].d, sizeof(double)))
                fail_msg(
                    "query %d, answer %zu of %zu (limit %zu, max %g): core %lld at %.17g, plain %lld at %.17g, "
                    "brute force %lld at %.17g",
                    t, i, nw, q.limit, q.max_m, (long long)x[i].id, x[i].dist_m, (long long)y[i].id, y[i].dist_m,
                    (long long)want[i].id, want[i].d);
        }
    }
    qt_search_free(full);
    qt_nearby_ws_free(wg);
    qt_nearby_ws_free(wh);
    qt_nearby_index_unref(ig);
    qt_nearby_index_unref(ih);
    qt_snapper_free(sg);
    qt_snapper_free(sh);
    qt_graph_free(h);
}

static void test_nearby_on_the_core(void **state)
{
    uint32_t round;
    (void)state;
    {
        qt_graph *g = qt_test_graph_from_ascii(
            "    b---c   x-y\n    |   |   | |\nq-z-a   d---e-w\n    |   |\n    f-g-h\n", 10);
        assert_same_nearby(g, 20, 300);
        qt_graph_free(g);
    }
    { /* zero-length edges: outlets at equal distances met at different times */
        qt_graph *g = qt_test_graph_from_ascii("a=b-c=d=e---f=g\n  |   |\n  h=i=j\n", 10);
        assert_same_nearby(g, 20, 400);
        qt_graph_free(g);
    }
    for (round = 0; round < 8; round++) {
        qt_graph *g = random_graph(4 + round);
        assert_same_nearby(g, 60, 150);
        if (round % 2) { /* points split onto it: attachments on chain nodes, outlets on their legs */
            qt_graph *h = NULL;
            uint32_t e[40], out[40], i, m = qt_graph_edge_count(g);
            double t[40], leg[40];
            qt_error err;
            qt_error_clear(&err);
            for (i = 0; i < 40; i++) {
                e[i] = rnd(m);
                t[i] = (1 + rnd(999)) / 1000.0;
                leg[i] = rnd(4) ? rnd(3000) / 97.0 : 0;
            }
            assert_int_equal(qt_graph_split(g, 40, e, t, leg, 1.2, &h, out, &err), QT_OK);
            assert_same_nearby(h, 60, 150);
            qt_graph_free(h);
        }
        qt_graph_free(g);
    }
}

/* a site's coverage (site.c): from each candidate split onto the network, the
   demand points within the ring, on the core and node by node */
static void test_site_coverage_on_the_core(void **state)
{
    uint32_t round;
    (void)state;
    for (round = 0; round < 4; round++) {
        qt_graph *g = random_graph(6 + round), *h = NULL, *p;
        uint32_t e[80], out[80], i, m = qt_graph_edge_count(g), *cover_core, *cover_plain;
        double t[80], leg[80];
        qt_search *sc = NULL, *sp = NULL;
        qt_error err;
        qt_error_clear(&err);
        for (i = 0; i < 80; i++) {
            e[i] = rnd(m);
            t[i] = rnd(1001) / 1000.0;
            leg[i] = rnd(4) ? rnd(3000) / 97.0 : 0;
        }
        assert_int_equal(qt_graph_split(g, 80, e, t, leg, 1.2, &h, out, &err), QT_OK);
        p = plain_copy(h);
        assert_int_equal(qt_search_new(h, &sc, &err), QT_OK);
        assert_int_equal(qt_search_new(p, &sp, &err), QT_OK);
        cover_core = calloc(80, sizeof *cover_core);
        cover_plain = calloc(80, sizeof *cover_plain);
        for (i = 0; i < 20; i++) { /* points 0..19 are candidates, 20..79 the demand */
            qt_seed s = {out[i], 0};
            double limit = rnd(300) / 2.0;
            uint32_t j;
            assert_int_equal(qt__search_run_core(sc, &s, 1, limit, &err), QT_OK);
            assert_int_equal(qt_search_run(sp, &s, 1, limit, 0, &err), QT_OK);
            for (j = 20; j < 80; j++) {
                double a = qt_search_dist(sc, out[j]), b = qt_search_dist(sp, out[j]);
                assert_memory_equal(&a, &b, sizeof a);
                cover_core[j] += a <= limit;
                cover_plain[j] += b <= limit;
            }
        }
        assert_memory_equal(cover_core, cover_plain, 80 * sizeof *cover_core);
        free(cover_core);
        free(cover_plain);
        qt_search_free(sc);
        qt_search_free(sp);
        qt_graph_free(p);
        qt_graph_free(h);
        qt_graph_free(g);
    }
}

/* qt__hilbert_order: a permutation, unplaceable points first, a 4x4 grid quadrant by quadrant */
static void test_hilbert_order(void **state)
{
    double lon[18], lat[18];
    uint32_t perm[18], seen[18] = {0}, i;
    qt_error err;
    (void)state;
    for (i = 0; i < 16; i++) {
        lon[i] = 116 + (i % 4) * 0.001;
        lat[i] = 39 + (i / 4) * 0.001;
    }
    lon[16] = NAN;
    lat[16] = 39;
    lon[17] = 116.0015;
    lat[17] = INFINITY;
    assert_int_equal(qt__hilbert_order(18, lon, lat, perm, &err), QT_OK);
    for (i = 0; i < 18; i++)
        seen[perm[i]]++;
    for (i = 0; i < 18; i++)
        assert_int_equal(seen[i], 1);
    assert_int_equal(perm[0], 0); /* a corner ties with the unplaceable points, input order first */
    assert_int_equal(perm[1], 16);
    assert_int_equal(perm[2], 17);
    for (i = 4; i < 18; i++) { /* the curve fills one quadrant before the next */
        uint32_t a = perm[i - 1], b = perm[i];
        uint32_t qa = (a % 4 >= 2) + 2 * (a / 4 >= 2), qb = (b % 4 >= 2) + 2 * (b / 4 >= 2);
        if ((i - 2) % 4 != 0)
            assert_int_equal(qa, qb);
        else
            assert_int_not_equal(qa, qb);
    }
}

/* a cache written and read back has the same chains */
static void test_cache_keeps_chains(void **state)
{
    qt_graph *g = random_graph(6), *h = NULL;
    char *path = qt_test_tmpfile("chain.qtg");
    qt_error err;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_save(g, path, &err), QT_OK);
    assert_int_equal(qt_graph_load(path, &h, &err), QT_OK);
    assert_int_equal(h->ch.nchain, g->ch.nchain);
    assert_memory_equal(h->ch.node, g->ch.node, g->ch.first[g->ch.nchain] * sizeof *g->ch.node);
    assert_memory_equal(h->ch.arc_chain, g->ch.arc_chain, (size_t)g->m * 2 * sizeof *g->ch.arc_chain);
    free(path);
    qt_graph_free(g);
    qt_graph_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_chain),
        cmocka_unit_test(test_chains_with_outlets),
        cmocka_unit_test(test_ring),
        cmocka_unit_test(test_parallel_chains_and_loop),
        cmocka_unit_test(test_zero_length_edges),
        cmocka_unit_test(test_random_graphs),
        cmocka_unit_test(test_access_equals_plain_searches),
        cmocka_unit_test(test_split_points_do_not_grow_the_core),
        cmocka_unit_test(test_isochrones_on_the_core),
        cmocka_unit_test(test_nearby_on_the_core),
        cmocka_unit_test(test_site_coverage_on_the_core),
        cmocka_unit_test(test_hilbert_order),
        cmocka_unit_test(test_cache_keeps_chains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

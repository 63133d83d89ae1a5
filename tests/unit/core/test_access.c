/* SPDX-License-Identifier: MIT */
/* test_access.c -- nearest and counts on graphs drawn as ASCII; incremental == full. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qt_test.h"

static qt_access_poi at_node(const qt_graph *g, char c, uint32_t cat)
{
    qt_access_poi p;
    memset(&p, 0, sizeof p);
    p.category = cat;
    p.nseeds = 1;
    p.seeds[0].node = qt_test_node(g, c);
    p.seeds[0].dist_m = 0;
    return p;
}

static qt_access *run(const qt_graph *g, uint32_t ncat, const qt_access_poi *p, size_t n, double R, double maxd,
                      unsigned threads)
{
    qt_access *a = NULL;
    qt_error err;
    qt_access_opts o;
    memset(&o, 0, sizeof o);
    o.max_dist_m = maxd;
    o.radii_m = &R;
    o.nradii = 1;
    o.threads = threads;
    qt_error_clear(&err);
    assert_int_equal(qt_access_run(g, ncat, p, n, &o, &a, &err), QT_OK);
    return a;
}

#define NEAR(a, cat, g, ch)  qt_access_nearest_m(a, cat, qt_test_node(g, ch))
#define COUNT(a, cat, g, ch) qt_access_count(a, cat, 0, qt_test_node(g, ch))

/* a---b---c    d---e   (two components; 10 m per cell) */
static void test_disconnected_and_empty_category(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii("a---b---c    d---e", 10);
    qt_access_poi p[] = {at_node(g, 'a', 0)};
    qt_access *a;
    (void)state;
    assert_non_null(g);
    a = run(g, 2, p, 1, 50, INFINITY, 2);
    assert_float_equal(NEAR(a, 0, g, 'a'), 0, 1e-9);
    assert_float_equal(NEAR(a, 0, g, 'b'), 40, 1e-9);
    assert_float_equal(NEAR(a, 0, g, 'c'), 80, 1e-9);
    /* the other component reaches nothing; the empty category reaches nothing anywhere */
    assert_true(isinf(NEAR(a, 0, g, 'd')));
    assert_true(isinf(NEAR(a, 0, g, 'e')));
    assert_true(isinf(NEAR(a, 1, g, 'a')));
    assert_int_equal(COUNT(a, 0, g, 'b'), 1);
    assert_int_equal(COUNT(a, 0, g, 'c'), 0); /* 80 m > R = 50 */
    assert_int_equal(COUNT(a, 0, g, 'd'), 0);
    assert_int_equal(COUNT(a, 1, g, 'a'), 0);
    qt_access_free(a);
    qt_graph_free(g);
}

/* several POIs on one node count several times; the count radius is inclusive */
static void test_several_pois_on_one_node(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii("a----b----c", 10);
    qt_access_poi p[] = {at_node(g, 'a', 0), at_node(g, 'a', 0), at_node(g, 'c', 0)};
    qt_access *a;
    (void)state;
    a = run(g, 1, p, 3, 50, INFINITY, 1);
    assert_int_equal(COUNT(a, 0, g, 'a'), 2);
    assert_int_equal(COUNT(a, 0, g, 'b'), 3); /* exactly 50 m from both ends */
    assert_int_equal(COUNT(a, 0, g, 'c'), 1);
    assert_float_equal(NEAR(a, 0, g, 'b'), 50, 1e-9);
    qt_access_free(a);
    qt_graph_free(g);
}

/* a zero-length join makes b and c one place */
static void test_zero_length_edge(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii("a---b=c---d", 10);
    qt_access_poi p[] = {at_node(g, 'd', 0)};
    qt_access *a;
    (void)state;
    a = run(g, 1, p, 1, 40, INFINITY, 1);
    assert_float_equal(NEAR(a, 0, g, 'c'), 40, 1e-9);
    assert_float_equal(NEAR(a, 0, g, 'b'), 40, 1e-9);
    assert_float_equal(NEAR(a, 0, g, 'a'), 80, 1e-9);
    assert_int_equal(COUNT(a, 0, g, 'b'), 1);
    qt_access_free(a);
    qt_graph_free(g);
}

/* the cutoff: beyond max_dist nearest is INFINITY, and a route around beats a gap */
static void test_max_dist_and_detour(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(
        "a---b\n"
        "|   |\n"
        "c   d---e",
        10);
    qt_access_poi p[] = {at_node(g, 'c', 0)};
    qt_access *a;
    (void)state;
    a = run(g, 1, p, 1, 1000, 75, 1);
    /* c-a 20, a-b 40, b-d 20, d-e 40 */
    assert_float_equal(NEAR(a, 0, g, 'b'), 60, 1e-9);
    assert_float_equal(NEAR(a, 0, g, 'd'), 80 > 75 ? INFINITY : 80, 1e-9);
    assert_true(isinf(NEAR(a, 0, g, 'e')));
    qt_access_free(a);
    qt_graph_free(g);
}

/* int64 ids beyond 32 bits survive, and lookups find them */
static void test_int64_ids(void **state)
{
    qt_graph_builder *b;
    qt_graph *g;
    qt_error err;
    int64_t big = INT64_C(9000000000123), neg = -INT64_C(5000000000);
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_builder_new(&b, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_node(b, big, 116.0, 39.9, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_node(b, neg, 116.001, 39.9, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_edge(b, big, neg, 85.3, 1.0, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_node(b, big, 116.0, 39.9, &err), QT_ECONFLICT);
    assert_int_equal(qt_graph_builder_finish(b, &g, &err), QT_OK);
    assert_int_equal(qt_graph_node_id(g, qt_graph_find_node(g, big)), big);
    assert_int_equal(qt_graph_node_id(g, qt_graph_find_node(g, neg)), neg);
    assert_int_equal(qt_graph_find_node(g, 12345), QT_NODE_NONE);
    qt_graph_builder_free(b);
    qt_graph_free(g);
}

/* an origin on an isolated component, placed by splitting, reaches nothing */
static void test_origin_on_isolated_component(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii("a---b      c-d", 10);
    qt_graph *sg = NULL;
    uint32_t e_cd = QT_NODE_NONE, e, node_out[2];
    uint32_t edges[2];
    double t[2] = {0.5, 0.25}, leg[2] = {5, 0};
    qt_access_poi p[1];
    qt_access *a;
    qt_error err;
    (void)state;
    for (e = 0; e < qt_graph_edge_count(g); e++) {
        uint32_t u, v;
        qt_graph_edge(g, e, &u, &v, NULL, NULL);
        if (qt_graph_node_id(g, u) == 'c' || qt_graph_node_id(g, v) == 'c')
            e_cd = e;
        else
            edges[1] = e;
    }
    edges[0] = e_cd; /* the origin, 5 m off the middle of c-d */
    qt_error_clear(&err);
    assert_int_equal(qt_graph_split(g, 2, edges, t, leg, 1.0, &sg, node_out, &err), QT_OK);
    /* the outlet at a quarter of a-b, on the street */
    p[0].category = 0;
    p[0].nseeds = 1;
    p[0].seeds[0].node = node_out[1];
    p[0].seeds[0].dist_m = 0;
    a = run(sg, 1, p, 1, 1000, INFINITY, 2);
    assert_true(isinf(qt_access_nearest_m(a, 0, node_out[0])));
    assert_int_equal(qt_access_count(a, 0, 0, node_out[0]), 0);
    /* the original nodes keep their index; a is 10 m from the outlet on a 40 m edge */
    assert_float_equal(qt_access_nearest_m(a, 0, qt_test_node(g, 'a')), 10, 1e-9);
    assert_float_equal(qt_access_nearest_m(a, 0, qt_test_node(g, 'b')), 30, 1e-9);
    qt_access_free(a);
    qt_graph_free(sg);
    qt_graph_free(g);
}

/* a point on an edge: two seeds with the access leg */
static void test_edge_seeds(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii("a-----b-----c", 10);
    qt_access_poi p;
    qt_access *a;
    (void)state;
    memset(&p, 0, sizeof p);
    p.nseeds = 2;
    p.seeds[0] = (qt_seed){qt_test_node(g, 'a'), 7 + 20}; /* leg 7, 20 m from a */
    p.seeds[1] = (qt_seed){qt_test_node(g, 'b'), 7 + 40};
    a = run(g, 1, &p, 1, 60, INFINITY, 1);
    assert_float_equal(NEAR(a, 0, g, 'a'), 27, 1e-9);
    assert_float_equal(NEAR(a, 0, g, 'b'), 47, 1e-9);
    assert_float_equal(NEAR(a, 0, g, 'c'), 107, 1e-9);
    assert_int_equal(COUNT(a, 0, g, 'c'), 0);
    assert_int_equal(COUNT(a, 0, g, 'b'), 1);
    qt_access_free(a);
    qt_graph_free(g);
}

/* bad options are refused */
static void test_bad_options(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii("a---b", 10);
    qt_access_poi p = at_node(g, 'a', 3);
    qt_access *a = NULL;
    qt_access_opts o;
    qt_error err;
    double radii[2] = {100, 50};
    (void)state;
    memset(&o, 0, sizeof o);
    o.max_dist_m = INFINITY;
    qt_error_clear(&err);
    assert_int_equal(qt_access_run(g, 2, &p, 1, &o, &a, &err), QT_EINVAL); /* category 3 of 2 */
    assert_null(a);
    p.category = 0;
    o.radii_m = radii;
    o.nradii = 2;
    qt_error_clear(&err);
    assert_int_equal(qt_access_run(g, 1, &p, 1, &o, &a, &err), QT_EINVAL); /* not ascending */
    qt_graph_free(g);
}

/* a grid city: random outlets; after adds and removes, answers equal a full run */
static qt_graph *grid(int w, int h, double cell, unsigned seed)
{
    qt_graph_builder *b;
    qt_graph *g;
    qt_error err;
    int x, y;
    qt_error_clear(&err);
    qt_graph_builder_new(&b, &err);
    srand(seed);
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++) {
            double lon, lat;
            qt_test_cell_lonlat(x, y, cell, &lon, &lat);
            qt_graph_builder_add_node(b, (int64_t)y * w + x + 1, lon, lat, &err);
        }
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++) {
            int64_t id = (int64_t)y * w + x + 1;
            /* irregular lengths, some streets missing */
            if (x + 1 < w && rand() % 10)
                qt_graph_builder_add_edge(b, id, id + 1, cell * (0.5 + rand() / (double)RAND_MAX), 1.0, &err);
            if (y + 1 < h && rand() % 10)
                qt_graph_builder_add_edge(b, id, id + w, cell * (0.5 + rand() / (double)RAND_MAX), 1.0, &err);
        }
    qt_graph_builder_finish(b, &g, &err);
    qt_graph_builder_free(b);
    return g;
}

static void assert_same(const qt_access *x, const qt_access *y, uint32_t ncat, uint32_t n, size_t nr)
{
    uint32_t c, v;
    size_t r;
    for (c = 0; c < ncat; c++)
        for (v = 0; v < n; v++) {
            double a = qt_access_nearest_m(x, c, v), b = qt_access_nearest_m(y, c, v);
            if (isinf(a) || isinf(b))
                assert_true(isinf(a) && isinf(b));
            else
                assert_float_equal(a, b, 1e-6);
            for (r = 0; r < nr; r++)
                assert_int_equal(qt_access_count(x, c, r, v), qt_access_count(y, c, r, v));
        }
}

static void test_incremental_equals_full(void **state)
{
    qt_graph *g = grid(40, 30, 50, 7);
    uint32_t n = qt_graph_node_count(g), k;
    qt_access_poi pois[200], open[200];
    unsigned char alive[200];
    size_t npois = 60, nopen;
    double radii[2] = {300, 700};
    qt_access *inc = NULL, *full = NULL;
    qt_access_opts o;
    qt_search *ws = NULL;
    qt_error err;
    (void)state;
    qt_error_clear(&err);
    srand(11);
    for (k = 0; k < 200; k++) {
        memset(&pois[k], 0, sizeof pois[k]);
        pois[k].category = (uint32_t)(rand() % 3);
        pois[k].nseeds = 1;
        pois[k].seeds[0].node = (uint32_t)(rand() % n);
        if (k % 4 == 0) { /* some on edges: two seeds */
            pois[k].nseeds = 2;
            pois[k].seeds[1].node = (uint32_t)(rand() % n);
            pois[k].seeds[0].dist_m = 13;
            pois[k].seeds[1].dist_m = 29;
        }
        alive[k] = k < npois;
    }
    memset(&o, 0, sizeof o);
    o.max_dist_m = 1500;
    o.radii_m = radii;
    o.nradii = 2;
    o.threads = 2;
    assert_int_equal(qt_access_run(g, 3, pois, npois, &o, &inc, &err), QT_OK);
    assert_int_equal(qt_search_new(g, &ws, &err), QT_OK);
    /* open 40 more, close 30 (some of the first, some just opened, twice on one node) */
    for (k = 60; k < 100; k++) {
        uint32_t h;
        assert_int_equal(qt_access_add_poi(inc, ws, &pois[k], &h, &err), QT_OK);
        assert_int_equal(h, k);
        alive[k] = 1;
    }
    for (k = 0; k < 100; k += 3) {
        assert_int_equal(qt_access_remove_poi(inc, ws, k, &err), QT_OK);
        alive[k] = 0;
    }
    assert_int_equal(qt_access_remove_poi(inc, ws, 0, &err), QT_ENOTFOUND); /* closed already */
    for (k = 0, nopen = 0; k < 100; k++)
        if (alive[k])
            open[nopen++] = pois[k];
    assert_int_equal(qt_access_run(g, 3, open, nopen, &o, &full, &err), QT_OK);
    assert_same(inc, full, 3, n, 2);
    qt_access_free(inc);
    qt_access_free(full);
    qt_search_free(ws);
    qt_graph_free(g);
}

/* one thread or two: the same answers */
static void test_threads_agree(void **state)
{
    qt_graph *g = grid(50, 50, 40, 3);
    uint32_t n = qt_graph_node_count(g), k;
    qt_access_poi pois[300];
    qt_access *a1, *a2;
    (void)state;
    srand(5);
    for (k = 0; k < 300; k++) {
        memset(&pois[k], 0, sizeof pois[k]);
        pois[k].category = (uint32_t)(rand() % 7);
        pois[k].nseeds = 1;
        pois[k].seeds[0].node = (uint32_t)(rand() % n);
    }
    a1 = run(g, 7, pois, 300, 500, 2000, 1);
    a2 = run(g, 7, pois, 300, 500, 2000, 2);
    assert_same(a1, a2, 7, n, 1);
    qt_access_free(a1);
    qt_access_free(a2);
    qt_graph_free(g);
}

/* the sink sees categories in order, once each, with the answers qt_access_run keeps */
typedef struct sink_check {
    const qt_access *ref;
    uint32_t n, calls, fail_at;
    int ok;
    int slow_first; /* the first column takes a while: the other workers go on meanwhile */
} sink_check;

static qt_status check_column(void *ud, const qt_access_column *col, qt_error *err)
{
    sink_check *k = ud;
    uint32_t v;
    if (col->category != k->calls || col->nradii != 1)
        k->ok = 0;
    k->calls++;
    if (k->slow_first && col->category == 0) {
        struct timespec ts = {0, 30 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (k->fail_at && k->calls == k->fail_at)
        return qt_error_set(err, QT_EIO, "out.csv", "disk full");
    for (v = 0; v < k->n; v++) {
        double a = qt_search_dist(col->nearest, v), b = qt_access_nearest_m(k->ref, col->category, v);
        if (!(a == b || (isinf(a) && isinf(b))) || col->counts[v] != qt_access_count(k->ref, col->category, 0, v))
            k->ok = 0;
    }
    return QT_OK;
}

static void test_stream_in_order_and_stops_on_sink_error(void **state)
{
    qt_graph *g = grid(30, 30, 40, 9);
    uint32_t n = qt_graph_node_count(g), k;
    qt_access_poi pois[120];
    qt_access *ref;
    qt_access_opts o;
    double R = 400;
    sink_check chk;
    qt_error err;
    unsigned threads;
    (void)state;
    srand(9);
    for (k = 0; k < 120; k++) {
        memset(&pois[k], 0, sizeof pois[k]);
        pois[k].category = (uint32_t)(rand() % 9);
        pois[k].nseeds = 1;
        pois[k].seeds[0].node = (uint32_t)(rand() % n);
    }
    ref = run(g, 10, pois, 120, R, 1200, 1); /* category 9 has no POI at all */
    memset(&o, 0, sizeof o);
    o.max_dist_m = 1200;
    o.radii_m = &R;
    o.nradii = 1;
    for (threads = 1; threads <= 3; threads++) {
        o.threads = threads;
        chk = (sink_check){ref, n, 0, 0, 1, 0};
        qt_error_clear(&err);
        assert_int_equal(qt_access_stream(g, 10, pois, 120, &o, check_column, &chk, &err), QT_OK);
        assert_int_equal(chk.calls, 10);
        assert_true(chk.ok);
        /* a failing sink stops the run with its own error; no category after it is handed over */
        chk = (sink_check){ref, n, 0, 4, 1, 0};
        assert_int_equal(qt_access_stream(g, 10, pois, 120, &o, check_column, &chk, &err), QT_EIO);
        assert_int_equal(chk.calls, 4);
        assert_string_equal(err.msg, "disk full");
        /* a slow sink: columns finished meanwhile wait in buffers, still handed over in order */
        {
            qt_access_stats st = {-1, -1, -1};
            o.stats = &st;
            chk = (sink_check){ref, n, 0, 0, 1, 1};
            assert_int_equal(qt_access_stream(g, 10, pois, 120, &o, check_column, &chk, &err), QT_OK);
            assert_int_equal(chk.calls, 10);
            assert_true(chk.ok);
            assert_true(st.search_s >= 0 && st.sink_s >= 0 && st.wall_s >= st.search_s);
            chk = (sink_check){ref, n, 0, 2, 1, 1};
            assert_int_equal(qt_access_stream(g, 10, pois, 120, &o, check_column, &chk, &err), QT_EIO);
            assert_int_equal(chk.calls, 2);
            o.stats = NULL;
        }
    }
    qt_access_free(ref);
    qt_graph_free(g);
}

/* the radix-heap search against Bellman-Ford on irregular lengths, many sources */
static void test_search_matches_bellman_ford(void **state)
{
    qt_graph *g = grid(25, 20, 30, 13);
    uint32_t n = qt_graph_node_count(g), m = qt_graph_edge_count(g), i, e;
    double *d = malloc(n * sizeof *d);
    qt_seed seeds[5];
    qt_search *ws;
    qt_error err;
    int changed;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_search_new(g, &ws, &err), QT_OK);
    for (i = 0; i < 5; i++)
        seeds[i] = (qt_seed){(i * 97) % n, i * 3.25};
    seeds[4].dist_m = -0.0; /* a negative zero is still zero */
    assert_int_equal(qt_search_run(ws, seeds, 5, INFINITY, 0, &err), QT_OK);
    for (i = 0; i < n; i++)
        d[i] = INFINITY;
    for (i = 0; i < 5; i++)
        d[seeds[i].node] = fmin(d[seeds[i].node], seeds[i].dist_m + 0.0);
    do {
        changed = 0;
        for (e = 0; e < m; e++) {
            uint32_t u, v;
            double c;
            qt_graph_edge(g, e, &u, &v, NULL, &c);
            if (d[u] + c < d[v]) {
                d[v] = d[u] + c;
                changed = 1;
            }
            if (d[v] + c < d[u]) {
                d[u] = d[v] + c;
                changed = 1;
            }
        }
    } while (changed);
    for (i = 0; i < n; i++) {
        double a = qt_search_dist(ws, i);
        if (isinf(d[i]))
            assert_true(isinf(a));
        else
            assert_float_equal(a, d[i], 1e-9);
    }
    free(d);
    qt_search_free(ws);
    qt_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disconnected_and_empty_category),
        cmocka_unit_test(test_several_pois_on_one_node),
        cmocka_unit_test(test_zero_length_edge),
        cmocka_unit_test(test_max_dist_and_detour),
        cmocka_unit_test(test_int64_ids),
        cmocka_unit_test(test_origin_on_isolated_component),
        cmocka_unit_test(test_edge_seeds),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_incremental_equals_full),
        cmocka_unit_test(test_threads_agree),
        cmocka_unit_test(test_stream_in_order_and_stops_on_sink_error),
        cmocka_unit_test(test_search_matches_bellman_ford),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

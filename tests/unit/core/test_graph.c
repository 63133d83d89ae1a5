/* SPDX-License-Identifier: MIT */
/* test_graph.c -- cache round trip and refusal of foreign, stale or damaged files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "qt_test.h"

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, n, fp), n);
    fclose(fp);
}

static size_t read_all(const char *path, unsigned char **out)
{
    FILE *fp = fopen(path, "rb");
    long n;
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    *out = malloc((size_t)n);
    assert_int_equal(fread(*out, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    return (size_t)n;
}

static void test_cache_round_trip(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(
        "a---b---c\n"
        "    |\n"
        "    d-e",
        12.5);
    qt_graph *h = NULL;
    char *path = qt_test_tmpfile("rt.qgraph");
    qt_error err;
    uint32_t e;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_save(g, path, &err), QT_OK);
    assert_int_equal(qt_graph_load(path, &h, &err), QT_OK);
    assert_int_equal(qt_graph_node_count(h), qt_graph_node_count(g));
    assert_int_equal(qt_graph_edge_count(h), qt_graph_edge_count(g));
    for (e = 0; e < qt_graph_edge_count(g); e++) {
        uint32_t u1, v1, u2, v2;
        double l1, l2;
        qt_graph_edge(g, e, &u1, &v1, &l1, NULL);
        qt_graph_edge(h, e, &u2, &v2, &l2, NULL);
        assert_int_equal(u1, u2);
        assert_int_equal(v1, v2);
        assert_float_equal(l1, l2, 0);
    }
    assert_int_equal(qt_graph_find_node(h, 'd'), qt_graph_find_node(g, 'd'));
    qt_graph_free(g);
    qt_graph_free(h);
    free(path);
}

static void test_cache_refuses_bad_files(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii("a---b---c", 10);
    qt_graph *h = NULL;
    char *path = qt_test_tmpfile("bad.qgraph"), *p2 = qt_test_tmpfile("bad2.qgraph");
    unsigned char *bytes;
    size_t n;
    qt_error err;
    uint32_t v;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_save(g, path, &err), QT_OK);
    n = read_all(path, &bytes);

    /* foreign file */
    write_bytes(p2, "PK\x03\x04 not a graph at all, sorry", 30);
    qt_error_clear(&err);
    assert_int_equal(qt_graph_load(p2, &h, &err), QT_EUNSUPPORTED);
    assert_null(h);
    assert_non_null(strstr(err.msg, "not a quarter graph"));

    /* without road classes: version 2, which older readers read */
    memcpy(&v, bytes + 8, 4);
    assert_int_equal(v, 2);
    /* a version this quarter does not know */
    v = 4;
    memcpy(bytes + 8, &v, 4);
    write_bytes(p2, bytes, n);
    qt_error_clear(&err);
    assert_int_equal(qt_graph_load(p2, &h, &err), QT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "version"));
    v = 2;
    memcpy(bytes + 8, &v, 4);

    /* truncated */
    write_bytes(p2, bytes, n - 7);
    qt_error_clear(&err);
    assert_int_equal(qt_graph_load(p2, &h, &err), QT_EPARSE);
    assert_non_null(strstr(err.msg, "truncated"));

    /* one flipped byte in the payload */
    bytes[n - 3] ^= 0x40;
    write_bytes(p2, bytes, n);
    qt_error_clear(&err);
    assert_int_equal(qt_graph_load(p2, &h, &err), QT_EPARSE);
    assert_non_null(strstr(err.msg, "checksum"));

    /* missing */
    qt_error_clear(&err);
    assert_int_equal(qt_graph_load("/nonexistent/x.qgraph", &h, &err), QT_EIO);
    assert_string_equal(err.where, "/nonexistent/x.qgraph");
    free(bytes);
    free(path);
    free(p2);
    qt_graph_free(g);
}

/* The loader's checksum, recomputed so a crafted file passes it (the attack of issue 11, item 8). */
static void rehash(unsigned char *bytes, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull, total;
    size_t i;
    memcpy(&total, bytes + 24, 8);
    assert_int_equal(total, n - 64);
    /* the writer hashes part by part; every part but the last has a length that is
       a multiple of 4, so hash part by part as the loader does */
    {
        uint32_t nn, mm, fl;
        size_t len[10], np = 0, off = 64, k;
        memcpy(&fl, bytes + 12, 4);
        memcpy(&nn, bytes + 16, 4);
        memcpy(&mm, bytes + 20, 4);
        len[np++] = (size_t)nn * 8;
        len[np++] = (size_t)nn * 8;
        len[np++] = (size_t)nn * 8;
        len[np++] = ((size_t)nn + 1) * 4;
        len[np++] = (size_t)mm * 32;
        len[np++] = (size_t)mm * 4;
        len[np++] = (size_t)mm * 4;
        len[np++] = (size_t)mm * 8;
        len[np++] = (size_t)mm * 8;
        if (fl & 1)
            len[np++] = (size_t)nn * 4;
        if (fl & 2)
            len[np++] = (size_t)mm;
        for (k = 0; k < np; k++) {
            const unsigned char *p = bytes + off;
            for (i = 0; i + 8 <= len[k]; i += 8) {
                uint64_t w;
                memcpy(&w, p + i, 8);
                h ^= w;
                h *= 0x9E3779B97F4A7C15ull;
                h ^= h >> 32;
            }
            for (; i < len[k]; i++) {
                h ^= p[i];
                h *= 0x100000001B3ull;
            }
            off += len[k];
        }
        assert_int_equal(off, n);
    }
    memcpy(bytes + 32, &h, 8);
}

static void expect_refused(const char *path, unsigned char *bytes, size_t n, const char *why)
{
    qt_graph *h = NULL;
    qt_error err;
    write_bytes(path, bytes, n);
    qt_error_clear(&err);
    assert_int_equal(qt_graph_load(path, &h, &err), QT_EPARSE);
    assert_null(h);
    if (!strstr(err.msg, why))
        fail_msg("expected '%s' in '%s'", why, err.msg);
}

/* issue 11, item 8: three crafted files with a valid checksum */
static void issue_11_crafted_graph_files(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(
        "a---b---c\n"
        "    |\n"
        "    d-e",
        12.5);
    char *path = qt_test_tmpfile("ok.qgraph"), *p2 = qt_test_tmpfile("crafted.qgraph");
    unsigned char *bytes, *copy, hdr[291];
    size_t n;
    uint32_t nn, mm, bad;
    uint64_t total;
    size_t first_off, arc_off, eu_off;
    qt_error err;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_save(g, path, &err), QT_OK);
    n = read_all(path, &bytes);
    copy = malloc(n);
    memcpy(&nn, bytes + 16, 4);
    memcpy(&mm, bytes + 20, 4);
    first_off = 64 + (size_t)nn * 24;
    arc_off = first_off + ((size_t)nn + 1) * 4;
    eu_off = arc_off + (size_t)mm * 32;

    /* the untouched file, rehashed, still loads (the helper is right) */
    memcpy(copy, bytes, n);
    rehash(copy, n);
    {
        qt_graph *h = NULL;
        write_bytes(p2, copy, n);
        assert_int_equal(qt_graph_load(p2, &h, &err), QT_OK);
        qt_graph_free(h);
    }

    /* 1. an edge endpoint outside the graph (quarter route segfaulted) */
    memcpy(copy, bytes, n);
    bad = nn + 1000;
    memcpy(copy + eu_off + 4, &bad, 4);
    rehash(copy, n);
    expect_refused(p2, copy, n, "endpoint outside");

    /* 1b. an arc whose head disagrees with its edge */
    memcpy(copy, bytes, n);
    memcpy(&bad, copy + arc_off, 4);
    bad = (bad + 1) % nn;
    memcpy(copy + arc_off, &bad, 4);
    rehash(copy, n);
    expect_refused(p2, copy, n, "does not follow its edge");

    /* 1c. a negative cost */
    memcpy(copy, bytes, n);
    {
        double c = -5;
        memcpy(copy + arc_off + 8, &c, 8);
    }
    rehash(copy, n);
    expect_refused(p2, copy, n, "costs other");

    /* 2. a bad adjacency index (overflowed the heap in the search) */
    memcpy(copy, bytes, n);
    bad = 2 * mm + 7;
    memcpy(copy + first_off + 4 * 2, &bad, 4);
    rehash(copy, n);
    expect_refused(p2, copy, n, "adjacency index");

    /* 3. a 291-byte file whose header promises 1.6 GB: refused before allocating */
    memset(hdr, 0, sizeof hdr);
    memcpy(hdr, bytes, 64);
    nn = 20000000;
    mm = 30000000;
    total = (uint64_t)nn * 24 + ((uint64_t)nn + 1) * 4 + (uint64_t)mm * 56;
    memcpy(hdr + 12, "\0\0\0\0", 4);
    memcpy(hdr + 16, &nn, 4);
    memcpy(hdr + 20, &mm, 4);
    memcpy(hdr + 24, &total, 8);
    qt_test_fail_alloc_after(1);
    expect_refused(p2, hdr, sizeof hdr, "header promises");
    qt_test_fail_alloc_after(0);

    free(copy);
    free(bytes);
    free(path);
    free(p2);
    qt_graph_free(g);
}

/* road classes go through the builder, a split and the cache (version 3); a bad class byte is refused */
static void test_road_classes(void **state)
{
    qt_graph_builder *b = NULL;
    qt_graph *g = NULL, *h = NULL, *sg = NULL;
    qt_error err;
    char *path = qt_test_tmpfile("cls.qgraph");
    unsigned char *bytes;
    size_t n;
    uint32_t v, e, node_out[1];
    uint32_t edge[1] = {0};
    double t[1] = {0.5}, leg[1] = {0};
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_builder_new(&b, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_node(b, 1, 118.0, 32.0, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_node(b, 2, 118.001, 32.0, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_node(b, 3, 118.002, 32.0, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_edge(b, 1, 2, 94, 1, &err), QT_OK); /* before any class: unknown */
    qt_graph_builder_set_road_class(b, QT_ROAD_PRIMARY);
    assert_int_equal(qt_graph_builder_add_edge(b, 2, 3, 94, 1, &err), QT_OK);
    qt_graph_builder_set_road_class(b, QT_ROAD_FOOTWAY);
    assert_int_equal(qt_graph_builder_add_edge(b, 1, 3, 190, 1, &err), QT_OK);
    assert_int_equal(qt_graph_builder_finish(b, &g, &err), QT_OK);
    qt_graph_builder_free(b);
    assert_int_equal(qt_graph_edge_road_class(g, 0), QT_ROAD_UNKNOWN);
    assert_int_equal(qt_graph_edge_road_class(g, 1), QT_ROAD_PRIMARY);
    assert_int_equal(qt_graph_edge_road_class(g, 2), QT_ROAD_FOOTWAY);
    assert_int_equal(qt_graph_save(g, path, &err), QT_OK);
    assert_int_equal(qt_graph_load(path, &h, &err), QT_OK);
    for (e = 0; e < 3; e++)
        assert_int_equal(qt_graph_edge_road_class(h, e), qt_graph_edge_road_class(g, e));
    /* splitting the primary edge: both halves stay primary */
    edge[0] = 1;
    assert_int_equal(qt_graph_split(g, 1, edge, t, leg, 1.0, &sg, node_out, &err), QT_OK);
    {
        int primary = 0;
        for (e = 0; e < qt_graph_edge_count(sg); e++)
            primary += qt_graph_edge_road_class(sg, e) == QT_ROAD_PRIMARY;
        assert_int_equal(primary, 2);
    }
    n = read_all(path, &bytes);
    memcpy(&v, bytes + 8, 4);
    assert_int_equal(v, 3);
    bytes[n - 1] = 9; /* the last edge's class */
    rehash(bytes, n);
    expect_refused(path, bytes, n, "road class");
    free(bytes);
    free(path);
    qt_graph_free(g);
    qt_graph_free(h);
    qt_graph_free(sg);
}

static void test_builder_rejects_bad_edges(void **state)
{
    qt_graph_builder *b;
    qt_error err;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_builder_new(&b, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_node(b, 1, 116, 39.9, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_node(b, 2, 116.001, 39.9, &err), QT_OK);
    assert_int_equal(qt_graph_builder_add_edge(b, 1, 3, 10, 1, &err), QT_ENOTFOUND);
    qt_error_clear(&err);
    assert_int_equal(qt_graph_builder_add_edge(b, 1, 2, -1, 1, &err), QT_EINVAL);
    qt_error_clear(&err);
    assert_int_equal(qt_graph_builder_add_edge(b, 1, 2, 0.0 / 0.0, 1, &err), QT_EINVAL);
    qt_error_clear(&err);
    assert_int_equal(qt_graph_builder_add_node(b, 3, 200, 39.9, &err), QT_EINVAL);
    qt_graph_builder_free(b);
}

/* issue 10: the parts of a network that do not reach each other, largest first */
static void test_components(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(
        "a---b---c   x---y\n"
        "        |\n"
        "        d       z\n",
        10);
    qt_components *cc = NULL;
    qt_error err;
    uint32_t a, x, z;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_components(g, &cc, &err), QT_OK);
    assert_int_equal(cc->count, 3);
    assert_int_equal(cc->size[0], 4);
    assert_int_equal(cc->size[1], 2);
    assert_int_equal(cc->size[2], 1);
    a = qt_graph_find_node(g, 'a');
    x = qt_graph_find_node(g, 'x');
    z = qt_graph_find_node(g, 'z');
    assert_int_equal(cc->comp[a], 0);
    assert_int_equal(cc->comp[qt_graph_find_node(g, 'd')], 0);
    assert_int_equal(cc->comp[x], 1);
    assert_int_equal(cc->comp[qt_graph_find_node(g, 'y')], 1);
    assert_int_equal(cc->comp[z], 2);
    qt_components_free(cc);
    qt_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_round_trip), cmocka_unit_test(test_cache_refuses_bad_files),
        cmocka_unit_test(test_road_classes),     cmocka_unit_test(test_builder_rejects_bad_edges),
        cmocka_unit_test(test_components),       cmocka_unit_test(issue_11_crafted_graph_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* test_graph.c -- cache round trip and refusal of foreign, stale or damaged files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    qt_graph *g = qt_test_graph_from_ascii("a---b---c\n"
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

    /* stale version */
    memcpy(&v, bytes + 8, 4);
    v += 1;
    memcpy(bytes + 8, &v, 4);
    write_bytes(p2, bytes, n);
    qt_error_clear(&err);
    assert_int_equal(qt_graph_load(p2, &h, &err), QT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "version"));
    v -= 1;
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
    qt_graph *g = qt_test_graph_from_ascii("a---b---c   x---y\n"
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
        cmocka_unit_test(test_cache_round_trip),
        cmocka_unit_test(test_cache_refuses_bad_files),
        cmocka_unit_test(test_builder_rejects_bad_edges),
        cmocka_unit_test(test_components),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* test_io.c -- walkable rules as a truth table; readers' bad input; OSM XML. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"

#ifndef QT_TEST_DATA
#error "QT_TEST_DATA must name tests/data"
#endif

static void test_walkable_truth_table(void **state)
{
    FILE *fp = fopen(QT_TEST_DATA "/walkable_rules.tsv", "r");
    char line[512];
    int rows = 0;
    (void)state;
    assert_non_null(fp);
    while (fgets(line, sizeof line, fp)) {
        char *f[7], *p = line;
        const char *keys[4], *vals[4];
        static const char *names[4] = {"highway", "access", "foot", "sidewalk"};
        size_t n = 0, k;
        int i, want, got;
        double factor;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        for (i = 0; i < 7; i++) {
            f[i] = p;
            p = strchr(p, '\t');
            if (!p && i < 6)
                fail_msg("bad row: %s", line);
            if (p)
                *p++ = '\0';
        }
        for (k = 0; k < 4; k++)
            if (strcmp(f[k], "-") != 0) {
                keys[n] = names[k];
                vals[n] = f[k];
                n++;
            }
        want = atoi(f[4]);
        got = qt_osm_way_walkable(keys, vals, n, 1.5, &factor);
        if (got != want)
            fail_msg("row '%s %s %s %s' (%s): walkable=%d, want %d", f[0], f[1], f[2], f[3], f[6], got, want);
        if (want)
            assert_float_equal(factor, atof(f[5]), 1e-12);
        rows++;
    }
    fclose(fp);
    assert_true(rows >= 20);
}

typedef struct bad_case {
    const char *name;
    const char *nodes;
    const char *edges;
    qt_status status;
    const char *where; /* substring of err.where */
    const char *msg;   /* substring of err.msg */
} bad_case;

static const bad_case bad_cases[] = {
    {"malformed row", "id,lon,lat\n1,116.0,39.9\n2,116.1\n", "u,v,length_m\n", QT_EPARSE, "nodes.csv:3",
     "expected 3 fields"},
    {"unknown node", "id,lon,lat\n1,116.0,39.9\n2,116.1,39.9\n", "u,v,length_m\n1,2,5\n1,7,3.5\n", QT_ENOTFOUND,
     "edges.csv:3: column 'v'", "node 7"},
    {"negative length", "id,lon,lat\n1,116.0,39.9\n2,116.1,39.9\n", "u,v,length_m\n1,2,-4\n", QT_EINVAL,
     "edges.csv:2: column 'length_m'", "negative"},
    {"NaN length", "id,lon,lat\n1,116.0,39.9\n2,116.1,39.9\n", "u,v,length_m\n1,2,nan\n", QT_EINVAL,
     "edges.csv:2: column 'length_m'", "finite"},
    {"non-numeric coordinate", "id,lon,lat\n1,116.0,39.9x\n", "u,v,length_m\n", QT_EPARSE, "nodes.csv:2: column 'lat'",
     "not a number"},
    {"out of range", "id,lon,lat\n1,216.0,39.9\n", "u,v,length_m\n", QT_EINVAL, "nodes.csv:2: column 'lon'", "outside"},
    {"missing column", "id,x,lat\n1,116.0,39.9\n", "u,v,length_m\n", QT_EPARSE, "nodes.csv", "'lon'"},
    {"empty file", "", "u,v,length_m\n", QT_EPARSE, "nodes.csv", "empty"},
    {"duplicate node", "id,lon,lat\n1,116.0,39.9\n1,116.1,39.9\n", "u,v,length_m\n", QT_ECONFLICT,
     "nodes.csv:3: column 'id'", "twice"},
    {"unterminated quote", "id,lon,lat\n\"1,116.0,39.9\n", "u,v,length_m\n", QT_EPARSE, "nodes.csv:2", "unterminated"},
};

static void test_interchange_bad_input(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        char *np = qt_test_write_file("nodes.csv", c->nodes), *ep = qt_test_write_file("edges.csv", c->edges);
        qt_graph *g = (qt_graph *)1;
        qt_error err;
        qt_status st;
        qt_error_clear(&err);
        st = qt_graph_read_interchange(np, ep, &g, &err);
        if (st != c->status || !strstr(err.where, c->where) || !strstr(err.msg, c->msg))
            fail_msg("%s: got %s '%s: %s', want %s at '%s' saying '%s'", c->name, qt_status_name(st), err.where,
                     err.msg, qt_status_name(c->status), c->where, c->msg);
        assert_null(g);
        free(np);
        free(ep);
    }
}

static void test_unreadable_path(void **state)
{
    qt_graph *g = NULL;
    qt_poi_list *l = NULL;
    qt_error err;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_read_interchange("/nonexistent/n.csv", "/nonexistent/e.csv", &g, &err), QT_EIO);
    assert_string_equal(err.where, "/nonexistent/n.csv");
    qt_error_clear(&err);
    assert_int_equal(qt_pois_read_csv("/nonexistent/p.csv", &l, &err), QT_EIO);
    assert_null(l);
}

static void test_pois_reader(void **state)
{
    char *p = qt_test_write_file("pois.csv",
                                 "\xEF\xBB\xBFid,category,lon,lat,node\n"
                                 "s1,pharmacy,116.0,39.9,5\n"
                                 "\"s,2\",\"super \"\"market\"\"\",116.1,39.95,\n"
                                 "s3,pharmacy,116.2,39.8,9000000000\n");
    char *bad = qt_test_write_file("pois_bad.csv", "id,category,lon,lat\ns1,pharmacy,116.0,abc\n");
    qt_poi_list *l = NULL;
    qt_error err;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_pois_read_csv(p, &l, &err), QT_OK);
    assert_int_equal(l->n, 3);
    assert_int_equal(l->ncat, 2);
    assert_string_equal(l->categories[1], "super \"market\"");
    assert_string_equal(l->id[1], "s,2");
    assert_int_equal(l->has_node[1], 0);
    assert_int_equal(l->node_id[2], INT64_C(9000000000));
    assert_int_equal(l->category[2], 0);
    qt_poi_list_free(l);
    qt_error_clear(&err);
    assert_int_equal(qt_pois_read_csv(bad, &l, &err), QT_EPARSE);
    assert_non_null(strstr(err.where, "pois_bad.csv:2: column 'lat'"));
    free(p);
    free(bad);
}

static void test_osm_xml(void **state)
{
    /* a footway with steps, a motorway (dropped), a private road with foot=yes, and a
     * way referencing a node missing from the file (cut there) */
    char *p = qt_test_write_file(
        "tiny.osm",
        "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n"
        "<node id='1' lat='39.9000' lon='116.0000'/>\n<node id='2' lat='39.9000' lon='116.0010'/>\n"
        "<node id='3' lat='39.9010' lon='116.0010'/>\n<node id='4' lat='39.9020' lon='116.0010'/>\n"
        "<node id='5' lat='39.9020' lon='116.0020'/>\n"
        "<way id='10'><nd ref='1'/><nd ref='2'/><tag k='highway' v='footway'/></way>\n"
        "<way id='11'><nd ref='2'/><nd ref='3'/><tag k='highway' v='steps'/></way>\n"
        "<way id='12'><nd ref='3'/><nd ref='4'/><tag k='highway' v='motorway'/></way>\n"
        "<way id='13'><nd ref='4'/><nd ref='5'/><tag k='highway' v='service'/><tag k='access' v='private'/>"
        "<tag k='foot' v='yes'/></way>\n"
        "<way id='14'><nd ref='5'/><nd ref='99'/><nd ref='1'/><tag k='highway' v='path'/></way>\n"
        "</osm>\n");
    char *trunc = qt_test_write_file("trunc.osm.pbf", "\x00\x00\x00\x0d\x0a\x09OSMHeader\x18");
    qt_graph *g = NULL;
    qt_error err;
    uint32_t e;
    double len, cost;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_graph_read_osm(p, NULL, &g, &err), QT_OK);
    assert_int_equal(qt_graph_node_count(g), 5);
    assert_int_equal(qt_graph_edge_count(g), 3); /* 1-2 footway, 2-3 steps, 4-5 service */
    for (e = 0; e < 3; e++) {
        uint32_t u, v;
        qt_graph_edge(g, e, &u, &v, &len, &cost);
        if (qt_graph_node_id(g, u) == 2 && qt_graph_node_id(g, v) == 3)
            assert_float_equal(cost, len * 1.5, 1e-9);
        else
            assert_float_equal(cost, len, 1e-9);
    }
    qt_graph_free(g);
    g = NULL;
    qt_error_clear(&err);
    assert_int_not_equal(qt_graph_read_osm(trunc, NULL, &g, &err), QT_OK);
    assert_null(g);
    assert_non_null(strstr(err.where, "trunc.osm.pbf"));
    free(p);
    free(trunc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walkable_truth_table),
        cmocka_unit_test(test_interchange_bad_input),
        cmocka_unit_test(test_unreadable_path),
        cmocka_unit_test(test_pois_reader),
        cmocka_unit_test(test_osm_xml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* test_snap_route.c -- edge and node snapping, routes, isochrones. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"

/*   a----------b
 *              |
 *              c----------d      (10 m per cell)
 */
static const char *drawing =
    "a----------b\n"
    "           |\n"
    "           c----------d";

static void test_edge_and_node_snap(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(drawing, 10);
    qt_snapper *s;
    qt_snap sn;
    qt_error err;
    double lon, lat;
    qt_seed seeds[2];
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_snapper_new(g, &s, &err), QT_OK);
    /* 3 cells right of a, 1.5 cells below the a-b street: 15 m off, 30 m along */
    qt_test_cell_lonlat(3, 1.5, 10, &lon, &lat);
    assert_int_equal(qt_snapper_snap(s, lon, lat, QT_SNAP_EDGE, 500, &sn, &err), QT_OK);
    assert_float_equal(sn.leg_m, 15, 0.05);
    assert_int_equal(qt_snap_seeds(g, &sn, QT_SNAP_EDGE, seeds), 2);
    if (seeds[0].node == qt_test_node(g, 'a')) {
        assert_float_equal(seeds[0].dist_m, 45, 0.1);
        assert_float_equal(seeds[1].dist_m, 15 + 80, 0.1);
    } else {
        assert_float_equal(seeds[1].dist_m, 45, 0.1);
    }
    /* node mode: the nearest node is a, 33.5 m away, no leg walked */
    assert_int_equal(qt_snapper_snap(s, lon, lat, QT_SNAP_NODE, 500, &sn, &err), QT_OK);
    assert_int_equal(sn.node, qt_test_node(g, 'a'));
    assert_int_equal(qt_snap_seeds(g, &sn, QT_SNAP_NODE, seeds), 1);
    assert_float_equal(seeds[0].dist_m, 0, 0);
    /* far away: refused, not snapped */
    qt_test_cell_lonlat(5, 90, 10, &lon, &lat);
    qt_error_clear(&err);
    assert_int_equal(qt_snapper_snap(s, lon, lat, QT_SNAP_EDGE, 500, &sn, &err), QT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "500"));
    qt_snapper_free(s);
    qt_graph_free(g);
}

static void test_route(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(drawing, 10);
    qt_snapper *s;
    qt_search *ws;
    qt_snap a, b;
    qt_route *r;
    qt_error err;
    double flon, flat, tlon, tlat;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_snapper_new(g, &s, &err), QT_OK);
    assert_int_equal(qt_search_new(g, &ws, &err), QT_OK);
    qt_test_cell_lonlat(2, -1, 10, &flon, &flat); /* 10 m above a-b, 20 m from a */
    qt_test_cell_lonlat(18, 3, 10, &tlon, &tlat); /* 10 m below c-d, 70 m from c */
    assert_int_equal(qt_snapper_snap(s, flon, flat, QT_SNAP_EDGE, 500, &a, &err), QT_OK);
    assert_int_equal(qt_snapper_snap(s, tlon, tlat, QT_SNAP_EDGE, 500, &b, &err), QT_OK);
    assert_int_equal(qt_route_compute(g, ws, flon, flat, &a, tlon, tlat, &b, QT_SNAP_EDGE, 1.0, &r, &err), QT_OK);
    /* 10 leg + 90 to b + 20 to c + 70 to the foot + 10 leg */
    assert_float_equal(r->length_m, 200, 0.2);
    assert_float_equal(r->time_s, 200, 0.2);
    assert_true(r->npoints >= 6);
    assert_float_equal(r->lon[0], flon, 0);
    assert_float_equal(r->lat[r->npoints - 1], tlat, 0);
    qt_route_free(r);
    /* both points on one street: straight along it */
    qt_test_cell_lonlat(4, -1, 10, &tlon, &tlat);
    assert_int_equal(qt_snapper_snap(s, tlon, tlat, QT_SNAP_EDGE, 500, &b, &err), QT_OK);
    assert_int_equal(qt_route_compute(g, ws, flon, flat, &a, tlon, tlat, &b, QT_SNAP_EDGE, 1.0, &r, &err), QT_OK);
    assert_float_equal(r->length_m, 40, 0.1);
    qt_route_free(r);
    qt_search_free(ws);
    qt_snapper_free(s);
    qt_graph_free(g);
}

static void test_isochrone_nests(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(
        "a-----b-----c\n"
        "|     |     |\n"
        "d-----e-----f\n"
        "|     |     |\n"
        "g-----h-----i",
        40);
    qt_snapper *s;
    qt_search *ws;
    qt_snap at;
    qt_error err;
    qt_isochrone_opts o;
    double lon, lat, minutes[3] = {2, 4, 8};
    char *gj = NULL, *p;
    double areas[3];
    int k = 0;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_snapper_new(g, &s, &err), QT_OK);
    assert_int_equal(qt_search_new(g, &ws, &err), QT_OK);
    qt_test_cell_lonlat(6, 2, 40, &lon, &lat); /* at e */
    assert_int_equal(qt_snapper_snap(s, lon, lat, QT_SNAP_EDGE, 500, &at, &err), QT_OK);
    qt_isochrone_opts_default(&o);
    o.speed_mps = 1.0;
    o.buffer_m = 20;
    assert_int_equal(qt_isochrone_geojson(g, ws, &at, QT_SNAP_EDGE, minutes, 3, &o, &gj, &err), QT_OK);
    assert_non_null(strstr(gj, "FeatureCollection"));
    for (p = gj; (p = strstr(p, "\"area_m2\":")) != NULL && k < 3; p++)
        areas[k++] = strtod(p + 10, NULL);
    assert_int_equal(k, 3);
    assert_true(areas[0] > 0);
    assert_true(areas[1] > areas[0]);
    assert_true(areas[2] >= areas[1]);
    /* 8 min at 1 m/s = 480 m covers the whole 480 x 320 m grid: one polygon, no holes */
    assert_null(strstr(strstr(gj, "\"minutes\":8"), "]],[["));
    free(gj);
    qt_test_cell_lonlat(6, 2, 40, &lon, &lat);
    minutes[0] = 5;
    minutes[1] = 3;
    qt_error_clear(&err);
    assert_int_equal(qt_isochrone_geojson(g, ws, &at, QT_SNAP_EDGE, minutes, 2, &o, &gj, &err), QT_EINVAL);
    qt_search_free(ws);
    qt_snapper_free(s);
    qt_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_and_node_snap),
        cmocka_unit_test(test_route),
        cmocka_unit_test(test_isochrone_nests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* test_coords.c -- WGS-84 / GCJ-02 / BD-09: published vectors, exact inverses, pass-through. */
#include <math.h>
#include <string.h>

#include "qt_test.h"

/* eviltransform c/test.c (DOMAIN §4.2): WGS-84 -> GCJ-02, as lon, lat */
static const double vectors[][4] = {
    {121.5272106, 31.1774276, 121.531541859215, 31.17530398364597}, /* Shanghai */
    {113.912316, 22.543847, 113.9171764808363, 22.540796131694766}, /* Shenzhen */
    {116.377817, 39.911954, 116.38404722455657, 39.91334545536069}, /* Beijing */
};

/* the five seed cities: Hailar, Suihua, Kaifeng, Tianshui, Yunfu */
static const double cities[][2] = {
    {119.7658, 49.2116}, {126.9687, 46.6528}, {114.3076, 34.7972}, {105.7249, 34.5809}, {112.0444, 22.9151},
};

static void test_forward_vectors(void **state)
{
    size_t i;
    qt_error err;
    (void)state;
    for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        double lon, lat;
        assert_int_equal(qt_coords_convert(QT_CRS_WGS84, QT_CRS_GCJ02, vectors[i][0], vectors[i][1], &lon, &lat, &err),
                         QT_OK);
        assert_float_equal(lon, vectors[i][2], 1e-9);
        assert_float_equal(lat, vectors[i][3], 1e-9);
    }
}

static void test_inverse_is_exact(void **state)
{
    size_t i;
    qt_error err;
    (void)state;
    for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        double lon, lat;
        assert_int_equal(qt_coords_convert(QT_CRS_GCJ02, QT_CRS_WGS84, vectors[i][2], vectors[i][3], &lon, &lat, &err),
                         QT_OK);
        /* within 1 mm of the original WGS-84 point (the naive inverse is 0.3-2 m off) */
        assert_true(qt_haversine_m(lon, lat, vectors[i][0], vectors[i][1]) < 0.001);
    }
}

static void test_round_trips_and_shifts_at_seed_cities(void **state)
{
    static const qt_crs sys[] = {QT_CRS_WGS84, QT_CRS_GCJ02, QT_CRS_BD09};
    size_t i, a, b;
    qt_error err;
    (void)state;
    for (i = 0; i < sizeof cities / sizeof cities[0]; i++) {
        double glon, glat, blon, blat, shift;
        for (a = 0; a < 3; a++)
            for (b = 0; b < 3; b++) {
                double x, y, bx, by;
                assert_int_equal(qt_coords_convert(sys[a], sys[b], cities[i][0], cities[i][1], &x, &y, &err), QT_OK);
                assert_int_equal(qt_coords_convert(sys[b], sys[a], x, y, &bx, &by, &err), QT_OK);
                assert_true(qt_haversine_m(bx, by, cities[i][0], cities[i][1]) < 0.001);
                if (a == b)
                    assert_true(x == cities[i][0] && y == cities[i][1]);
            }
        /* the offsets users trip over: WGS->GCJ 390-620 m, GCJ->BD 840-940 m (DOMAIN §4.3) */
        qt_coords_convert(QT_CRS_WGS84, QT_CRS_GCJ02, cities[i][0], cities[i][1], &glon, &glat, &err);
        shift = qt_haversine_m(glon, glat, cities[i][0], cities[i][1]);
        assert_true(shift > 350 && shift < 650);
        qt_coords_convert(QT_CRS_GCJ02, QT_CRS_BD09, glon, glat, &blon, &blat, &err);
        shift = qt_haversine_m(glon, glat, blon, blat);
        assert_true(shift > 800 && shift < 960);
    }
}

static void test_outside_china_and_bad_input(void **state)
{
    double lon, lat;
    qt_crs c;
    qt_error err;
    (void)state;
    assert_int_equal(qt_coords_convert(QT_CRS_WGS84, QT_CRS_GCJ02, 7.4246, 43.7384, &lon, &lat, &err), QT_OK);
    assert_true(lon == 7.4246 && lat == 43.7384); /* Monaco: no offset */
    assert_false(qt_coords_in_china(7.4246, 43.7384));
    assert_true(qt_coords_in_china(118.78, 32.05));
    qt_error_clear(&err);
    assert_int_equal(qt_coords_convert(QT_CRS_WGS84, QT_CRS_GCJ02, NAN, 30, &lon, &lat, &err), QT_EINVAL);
    assert_int_equal(qt_coords_convert(QT_CRS_WGS84, QT_CRS_GCJ02, 200, 30, &lon, &lat, &err), QT_EINVAL);
    assert_int_equal(qt_crs_parse("GCJ-02", &c, &err), QT_OK);
    assert_int_equal(c, QT_CRS_GCJ02);
    assert_int_equal(qt_crs_parse("bd09", &c, &err), QT_OK);
    assert_int_equal(c, QT_CRS_BD09);
    qt_error_clear(&err);
    assert_int_equal(qt_crs_parse("mars", &c, &err), QT_EINVAL);
    assert_non_null(strstr(err.msg, "'mars'"));
    assert_string_equal(qt_crs_name(QT_CRS_WGS84), "wgs84");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_vectors),
        cmocka_unit_test(test_inverse_is_exact),
        cmocka_unit_test(test_round_trips_and_shifts_at_seed_cities),
        cmocka_unit_test(test_outside_china_and_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

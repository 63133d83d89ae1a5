/* SPDX-License-Identifier: MIT */
/*
 * test_tiles.c -- base-map tiles drawn from the network: the tile under a
 * street is not blank and shows street colours where the street runs, a tile
 * far from the network is the plain background, each PNG decodes to
 * 256 x 256, bad tile numbers are refused, two indexes render the same
 * bytes (no hidden state), and streets are as wide as their road class.
 */
#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"
#include "quarter/tiles.h"

typedef struct rd {
    const unsigned char *p;
    size_t len, at;
} rd;

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int length)
{
    rd *r = closure;
    if (r->at + length > r->len)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p + r->at, length);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
}

/* pixels that differ from the background; *px_at gets the colour at (px, py) */
static size_t non_background(const unsigned char *png, size_t len, int px, int py, unsigned *px_at)
{
    rd r = {png, len, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &r);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), QT_TILE_SIZE);
    assert_int_equal(cairo_image_surface_get_height(s), QT_TILE_SIZE);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    size_t count = 0;
    for (int y = 0; y < QT_TILE_SIZE; y++)
        for (int x = 0; x < QT_TILE_SIZE; x++) {
            uint32_t v;
            memcpy(&v, d + (size_t)y * stride + (size_t)x * 4, 4);
            v &= 0xFFFFFF;
            if (v != QT_TILE_BACKGROUND)
                count++;
            if (x == px && y == py && px_at)
                *px_at = v;
        }
    cairo_surface_destroy(s);
    return count;
}

/* a street 40 cells x 20 m = 800 m long, with a side street */
static const char *STREETS =
    "a----------------------------------------b\n"
    "                    |\n"
    "                    |\n"
    "                    c\n";

static void street_tile_is_drawn(void **state)
{
    (void)state;
    qt_graph *g = qt_test_graph_from_ascii(STREETS, 20.0);
    assert_non_null(g);
    qt_tiles *t = NULL;
    qt_error err = {0};
    assert_int_equal(qt_tiles_new(g, &t, &err), QT_OK);

    double lon, lat, tx, ty;
    qt_test_cell_lonlat(20, 0, 20.0, &lon, &lat); /* the middle of the long street */
    for (unsigned z = 12; z <= 18; z += 3) {
        qt_tiles_lonlat_to_tile(lon, lat, z, &tx, &ty);
        unsigned x = (unsigned)tx, y = (unsigned)ty;
        int px = (int)((tx - x) * QT_TILE_SIZE), py = (int)((ty - y) * QT_TILE_SIZE);
        unsigned char *png = NULL;
        size_t len = 0;
        assert_int_equal(qt_tiles_render(t, z, x, y, &png, &len, &err), QT_OK);
        assert_true(len > 8 && memcmp(png, "\x89PNG", 4) == 0);
        unsigned at = QT_TILE_BACKGROUND;
        size_t drawn = non_background(png, len, px, py, &at);
        assert_true(drawn > 50);
        assert_true(at != QT_TILE_BACKGROUND); /* the street's pixel is a street colour */
        qt_tiles_png_free(png);

        /* a tile 20 tiles away holds no street */
        assert_int_equal(qt_tiles_render(t, z, x + 20, y + 20, &png, &len, &err), QT_OK);
        assert_int_equal(non_background(png, len, -1, -1, NULL), 0);
        qt_tiles_png_free(png);
    }
    double w, s, e, n;
    qt_tiles_bounds(t, &w, &s, &e, &n);
    assert_true(w < lon && lon < e && s <= lat && lat <= n);
    qt_tiles_free(t);
    qt_graph_free(g);
}

static void bad_tiles_are_refused(void **state)
{
    (void)state;
    qt_graph *g = qt_test_graph_from_ascii(STREETS, 20.0);
    qt_tiles *t = NULL;
    qt_error err = {0};
    assert_int_equal(qt_tiles_new(g, &t, &err), QT_OK);
    unsigned char *png = (unsigned char *)"x";
    size_t len = 1;
    assert_int_equal(qt_tiles_render(t, 20, 0, 0, &png, &len, &err), QT_EINVAL);
    assert_null(png);
    assert_int_equal(qt_tiles_render(t, 3, 8, 0, &png, &len, &err), QT_EINVAL);
    qt_error_clear(&err); /* the first error set wins */
    assert_int_equal(qt_tiles_render(t, 0, 0, 1, &png, &len, &err), QT_EINVAL);
    assert_non_null(strstr(err.msg, "outside"));
    assert_int_equal(qt_tiles_render(t, 0, 0, 0, &png, &len, &err), QT_OK);
    qt_tiles_png_free(png);
    qt_tiles_free(t);
    qt_tiles_free(NULL);
    qt_graph_free(g);
}

static void two_indexes_draw_the_same(void **state)
{
    (void)state;
    qt_graph *g = qt_test_graph_from_ascii(STREETS, 20.0);
    qt_tiles *a = NULL, *b = NULL;
    assert_int_equal(qt_tiles_new(g, &a, NULL), QT_OK);
    assert_int_equal(qt_tiles_new(g, &b, NULL), QT_OK);
    double lon, lat, tx, ty;
    qt_test_cell_lonlat(10, 1, 20.0, &lon, &lat);
    qt_tiles_lonlat_to_tile(lon, lat, 16, &tx, &ty);
    unsigned char *pa, *pb;
    size_t la, lb;
    assert_int_equal(qt_tiles_render(a, 16, (unsigned)tx, (unsigned)ty, &pa, &la, NULL), QT_OK);
    assert_int_equal(qt_tiles_render(b, 16, (unsigned)tx, (unsigned)ty, &pb, &lb, NULL), QT_OK);
    assert_int_equal(la, lb);
    assert_memory_equal(pa, pb, la);
    qt_tiles_png_free(pa);
    qt_tiles_png_free(pb);
    qt_tiles_free(a);
    qt_tiles_free(b);
    qt_graph_free(g);
}

/* pixels of column px within half of row py that are not background, and the colour at (px, py) */
static int thickness(const unsigned char *png, size_t len, int px, int py, int half, unsigned *mid)
{
    rd r = {png, len, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &r);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s), n = 0;
    for (int y = py - half; y <= py + half; y++) {
        uint32_t v;
        if (y < 0 || y >= QT_TILE_SIZE)
            continue;
        memcpy(&v, d + (size_t)y * stride + (size_t)px * 4, 4);
        v &= 0xFFFFFF;
        n += v != QT_TILE_BACKGROUND;
        if (y == py)
            *mid = v;
    }
    cairo_surface_destroy(s);
    return n;
}

/* four parallel east-west streets 44 m apart: footway, residential, secondary, primary */
static qt_graph *classed_streets(int with_classes)
{
    static const qt_road_class cls[4] = {QT_ROAD_FOOTWAY, QT_ROAD_RESIDENTIAL, QT_ROAD_SECONDARY, QT_ROAD_PRIMARY};
    qt_graph_builder *b = NULL;
    qt_graph *g = NULL;
    qt_error err = QT_ERROR_INIT;
    assert_int_equal(qt_graph_builder_new(&b, &err), QT_OK);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(qt_graph_builder_add_node(b, 2 * i + 1, 118.000, 32.0 + 0.0004 * i, &err), QT_OK);
        assert_int_equal(qt_graph_builder_add_node(b, 2 * i + 2, 118.004, 32.0 + 0.0004 * i, &err), QT_OK);
        if (with_classes)
            qt_graph_builder_set_road_class(b, cls[i]);
        assert_int_equal(qt_graph_builder_add_edge(b, 2 * i + 1, 2 * i + 2, 378, 1, &err), QT_OK);
    }
    assert_int_equal(qt_graph_builder_finish(b, &g, &err), QT_OK);
    qt_graph_builder_free(b);
    return g;
}

static void streets_are_as_wide_as_their_class(void **state)
{
    (void)state;
    qt_graph *g = classed_streets(1), *plain = classed_streets(0);
    qt_tiles *t = NULL, *tp = NULL;
    assert_int_equal(qt_tiles_new(g, &t, NULL), QT_OK);
    assert_int_equal(qt_tiles_new(plain, &tp, NULL), QT_OK);
    for (unsigned z = 15; z <= 16; z++) {
        double tx, ty;
        qt_tiles_lonlat_to_tile(118.002, 32.0006, z, &tx, &ty);
        unsigned x = (unsigned)tx, y = (unsigned)ty;
        unsigned char *png, *pp;
        size_t len, lp;
        int w[4];
        unsigned mid[4];
        assert_int_equal(qt_tiles_render(t, z, x, y, &png, &len, NULL), QT_OK);
        assert_int_equal(qt_tiles_render(tp, z, x, y, &pp, &lp, NULL), QT_OK);
        double y0, y1;
        qt_tiles_lonlat_to_tile(118.002, 32.0, z, NULL, &y0);
        qt_tiles_lonlat_to_tile(118.002, 32.0004, z, NULL, &y1);
        int half = (int)((y0 - y1) * QT_TILE_SIZE / 2) - 1; /* half the spacing of the streets */
        for (int i = 0; i < 4; i++) {
            double sx, sy;
            qt_tiles_lonlat_to_tile(118.002, 32.0 + 0.0004 * i, z, &sx, &sy);
            sy = (sy - y) * QT_TILE_SIZE;
            assert_true(sy >= 0 && sy < QT_TILE_SIZE); /* all four in the tile */
            w[i] = thickness(png, len, (int)((tx - x) * QT_TILE_SIZE), (int)sy, half, &mid[i]);
            unsigned pmid;
            int wp = thickness(pp, lp, (int)((tx - x) * QT_TILE_SIZE), (int)sy, half, &pmid);
            /* without classes every street is drawn as a residential one */
            if (i == 1) {
                assert_int_equal(wp, w[1]);
                assert_int_equal(pmid, mid[1]);
            }
        }
        print_message("z%u widths: footway %d, residential %d, secondary %d, primary %d px\n", z, w[0], w[1], w[2],
                      w[3]);
        assert_true(w[0] > 0 && w[0] < w[1] && w[1] < w[2] && w[2] < w[3]);
        assert_true(mid[3] != mid[1] && mid[2] != mid[1]); /* main roads are not white */
        qt_tiles_png_free(png);
        qt_tiles_png_free(pp);
    }
    qt_tiles_free(t);
    qt_tiles_free(tp);
    qt_graph_free(g);
    qt_graph_free(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(street_tile_is_drawn),
        cmocka_unit_test(bad_tiles_are_refused),
        cmocka_unit_test(two_indexes_draw_the_same),
        cmocka_unit_test(streets_are_as_wide_as_their_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

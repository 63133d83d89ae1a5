/* SPDX-License-Identifier: MIT */
/*
 * test_map_render.c -- the street renderer's pieces: the edge grid visits
 * exactly the edges a brute-force scan finds, each once; Chinese text renders
 * with real glyphs (no tofu: pango finds every glyph, and a rendered glyph's
 * ink differs from the missing-glyph box's); the view keeps one scale both ways.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"
#include "report/map_render.h"

/* a grid of n x n nodes 0.001 degrees apart, with long diagonals too */
static qt_graph *grid_graph(int n)
{
    qt_graph_builder *b = NULL;
    qt_graph *g = NULL;
    int i, j;
    assert_int_equal(qt_graph_builder_new(&b, NULL), QT_OK);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            assert_int_equal(qt_graph_builder_add_node(b, i * n + j, 118.7 + 0.001 * j, 32.0 + 0.001 * i, NULL), QT_OK);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            if (j + 1 < n)
                assert_int_equal(qt_graph_builder_add_edge(b, i * n + j, i * n + j + 1, 94, 1, NULL), QT_OK);
            if (i + 1 < n)
                assert_int_equal(qt_graph_builder_add_edge(b, i * n + j, (i + 1) * n + j, 111, 1, NULL), QT_OK);
        }
    assert_int_equal(qt_graph_builder_add_edge(b, 0, n * n - 1, 5000, 1, NULL), QT_OK);
    assert_int_equal(qt_graph_builder_add_edge(b, n - 1, n * (n - 1), 5000, 1, NULL), QT_OK);
    assert_int_equal(qt_graph_builder_finish(b, &g, NULL), QT_OK);
    qt_graph_builder_free(b);
    return g;
}

typedef struct seen {
    unsigned *times;
} seen;

static void mark(void *ctx, uint32_t e)
{
    ((seen *)ctx)->times[e]++;
}

static void test_index_visits_each_edge_once(void **state)
{
    qt_graph *g = grid_graph(40);
    uint32_t ne = qt_graph_edge_count(g), e;
    qt__street_index *ix = NULL;
    seen s;
    int q;
    (void)state;
    assert_int_equal(qt__street_index_new(g, 0.0025, &ix, NULL), QT_OK);
    s.times = calloc(ne, sizeof *s.times);
    for (q = 0; q < 25; q++) {
        double x0 = 118.69 + 0.0021 * q, y0 = 31.995 + 0.0013 * q, x1 = x0 + 0.0007 * (q + 1), y1 = y0 + 0.003;
        memset(s.times, 0, ne * sizeof *s.times);
        qt__street_index_visit(ix, x0, y0, x1, y1, mark, &s);
        for (e = 0; e < ne; e++) {
            uint32_t u, v;
            double lu, au, lv, av;
            int meets;
            qt_graph_edge(g, e, &u, &v, NULL, NULL);
            qt_graph_node_coord(g, u, &lu, &au);
            qt_graph_node_coord(g, v, &lv, &av);
            meets = !(fmax(lu, lv) < x0 || fmin(lu, lv) > x1 || fmax(au, av) < y0 || fmin(au, av) > y1);
            assert_int_equal(s.times[e], meets ? 1 : 0);
        }
    }
    free(s.times);
    qt__street_index_free(ix);
    qt_graph_free(g);
}

/* ink: pixels darker than mid-grey in an image surface */
static long ink(cairo_surface_t *s)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s),
        st = cairo_image_surface_get_stride(s), x, y;
    const unsigned char *d = cairo_image_surface_get_data(s);
    long n = 0;
    cairo_surface_flush(s);
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++)
            n += d[y * st + 4 * x + 1] < 128;
    return n;
}

static long render(const char *text, unsigned char *rows_out, int *w_out)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 64);
    cairo_t *cr = cairo_create(s);
    long n;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    qt__text(cr, "Noto Sans CJK SC 28", text, 4, 4, 0, 0);
    cairo_destroy(cr);
    n = ink(s);
    if (rows_out) {
        int y, x, st = cairo_image_surface_get_stride(s);
        const unsigned char *d = cairo_image_surface_get_data(s);
        for (y = 0; y < 64; y++)
            for (x = 0; x < 64; x++)
                rows_out[y * 64 + x] = d[y * st + 4 * x + 1] < 128;
        *w_out = 64;
    }
    cairo_surface_destroy(s);
    return n;
}

static void test_chinese_glyphs_render(void **state)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8);
    cairo_t *cr = cairo_create(s);
    static unsigned char a[64 * 64], b[64 * 64], t[64 * 64];
    int w, i, diff_ab = 0, diff_at = 0;
    long ink_sheng, ink_huo, ink_tofu;
    (void)state;
    /* every glyph of the page's words is in the font */
    assert_int_equal(
        qt__text_unknown_glyphs(cr, "Noto Sans CJK SC 9", "一刻钟便民生活圈 一图一清单 需求清单 项目清单 盲区 图例"),
        0);
    assert_int_equal(qt__text_unknown_glyphs(cr, "Noto Sans CJK SC Bold 9", "等级: 品质型 提升型 基础型 未达标 北"), 0);
    /* a code point no font has is tofu, and pango says so */
    assert_true(qt__text_unknown_glyphs(cr, "Noto Sans CJK SC 9", "\xF3\xBF\xBF\xBD") > 0);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    /* two different characters leave different ink, and neither looks like the tofu box */
    ink_sheng = render("生", a, &w);
    ink_huo = render("活", b, &w);
    ink_tofu = render("\xF3\xBF\xBF\xBD", t, &w);
    assert_true(ink_sheng > 50 && ink_huo > 50);
    for (i = 0; i < 64 * 64; i++) {
        diff_ab += a[i] != b[i];
        diff_at += a[i] != t[i];
    }
    assert_true(diff_ab > 40);
    assert_true(diff_at > 40);
    (void)ink_tofu;
}

static void test_view_keeps_scale(void **state)
{
    qt__map_view v;
    double x0, y0, x1, y1;
    (void)state;
    qt__map_view_fit(&v, 118.70, 32.00, 118.72, 32.01, 10, 20, 400, 400);
    /* 1 km east and 1 km north are the same length on the page */
    qt__map_xy(&v, v.lon0, v.lat0, &x0, &y0);
    qt__map_xy(&v, v.lon0 + 1000 / (111194.9 * cos(v.lat0 * 3.14159265358979 / 180)), v.lat0 + 1000 / 111194.9, &x1,
               &y1);
    assert_true(fabs((x1 - x0) - (y0 - y1)) < 1e-6 * (x1 - x0) + 1e-9);
    assert_true(fabs((x1 - x0) * v.m_per_unit - 1000) < 1);
    /* the box holds what was asked, centred */
    assert_true(v.lonmin <= 118.70 + 1e-9 && v.lonmax >= 118.72 - 1e-9 && v.latmin <= 32.00 + 1e-9 &&
                v.latmax >= 32.01 - 1e-9);
    qt__map_xy(&v, 118.71, 32.005, &x0, &y0);
    assert_true(fabs(x0 - 210) < 1e-9 && fabs(y0 - 220) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_visits_each_edge_once),
        cmocka_unit_test(test_chinese_glyphs_render),
        cmocka_unit_test(test_view_keeps_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

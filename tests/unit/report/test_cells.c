/* SPDX-License-Identifier: MIT */
/*
 * test_cells.c -- the 盲区 outline: cells drawn in ASCII ('#' a cell, row 0
 * at the bottom) are traced, and GEOS checks the result is a valid
 * MultiPolygon with the cells' area, the expected polygons and holes.
 */
#include <geos_c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"
#include "report/cells.h"

static size_t cells_of(const char *drawing, int64_t *out)
{
    size_t n = 0, rows = 1, r, c;
    const char *p;
    for (p = drawing; *p; p++)
        rows += *p == '\n';
    for (r = 0, p = drawing; r < rows; r++) {
        size_t row = rows - 1 - r; /* the last line is row 0 */
        for (c = 0; *p && *p != '\n'; c++, p++)
            if (*p == '#')
                out[n++] = (int64_t)row * QT__CELL_STRIDE + (int64_t)c;
        if (*p == '\n')
            p++;
    }
    /* sorted, as the caller gives them */
    {
        size_t i, j;
        for (i = 1; i < n; i++)
            for (j = i; j > 0 && out[j] < out[j - 1]; j--) {
                int64_t t = out[j];
                out[j] = out[j - 1];
                out[j - 1] = t;
            }
    }
    return n;
}

static void quiet(const char *fmt, ...)
{
    (void)fmt;
}

static void check(const char *drawing, int polygons, int holes)
{
    int64_t cells[256];
    size_t n = cells_of(drawing, cells);
    char *path = qt_test_tmpfile("cells.json"), *text;
    qt__outfile o;
    qt_error err;
    FILE *fp;
    long len;
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSGeoJSONReader *rd;
    GEOSGeometry *g;
    double area = 0;
    int i, nh = 0;
    GEOSContext_setErrorHandler_r(h, quiet);
    qt_error_clear(&err);
    assert_int_equal(qt__outfile_open(&o, path, &err), QT_OK);
    assert_int_equal(qt__cells_geojson(&o, cells, n, 10, 20, 0.5, 0.25), 0);
    assert_int_equal(qt__outfile_commit(&o, &err), QT_OK);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    text = calloc((size_t)len + 1, 1);
    assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    rd = GEOSGeoJSONReader_create_r(h);
    g = GEOSGeoJSONReader_readGeometry_r(h, rd, text);
    if (!g)
        fail_msg("not GeoJSON: %s", text);
    if (GEOSisValid_r(h, g) != 1)
        fail_msg("invalid: %s (%s)", text, GEOSisValidReason_r(h, g));
    GEOSArea_r(h, g, &area);
    assert_true(area > n * 0.125 - 1e-9 && area < n * 0.125 + 1e-9);
    assert_int_equal(GEOSGetNumGeometries_r(h, g), polygons);
    for (i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
        nh += GEOSGetNumInteriorRings_r(h, GEOSGetGeometryN_r(h, g, i));
    assert_int_equal(nh, holes);
    GEOSGeom_destroy_r(h, g);
    GEOSGeoJSONReader_destroy_r(h, rd);
    GEOS_finish_r(h);
    free(text);
    free(path);
}

static void test_shapes(void **state)
{
    (void)state;
    check("#", 1, 0);
    check("###\n#..\n#..", 1, 0);                     /* an L */
    check("###\n#.#\n###", 1, 1);                     /* a ring with a hole */
    check("#.\n.#", 2, 0);                            /* corners touching: two polygons */
    check("#####\n#...#\n#.#.#\n#...#\n#####", 2, 1); /* an island in a hole */
    check("##.##\n##.##\n.....\n##.##", 4, 0);
    check("###.\n#.##\n###.", 1, 1); /* a hole touching a corner of the outside */
    check("####\n#..#\n#..#\n####\n", 1, 1);
    /* an empty cell enclosed but for a corner (the outline would touch itself there: invalid): a hole
     * touching the outer ring at that corner (tile200k had 3,397 such 盲区 of 24,347) */
    check("##.\n#.#\n###", 1, 1);
    check(".##.\n#..#\n##.#\n.###", 2, 0); /* open at two corners: a U and a bar over it */
    /* and the same inside a hole: an island touching its hole at a corner */
    check("#######\n#.....#\n#.##..#\n#.#.#.#\n#.###.#\n#.....#\n#######", 2, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_shapes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

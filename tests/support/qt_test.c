/* SPDX-License-Identifier: MIT */
#include "qt_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LAT0      39.9
#define LON0      116.0
#define M_PER_DEG (6371008.8 * 3.14159265358979323846 / 180.0)

void qt_test_cell_lonlat(double col, double row, double cell_m, double *lon, double *lat)
{
    *lat = LAT0 - row * cell_m / M_PER_DEG;
    *lon = LON0 + col * cell_m / (M_PER_DEG * cos(LAT0 * 3.14159265358979323846 / 180.0));
}

qt_graph *qt_test_graph_from_ascii(const char *drawing, double cell_m)
{
    char grid[64][128];
    int rows = 0, cols = 0, r, c;
    const char *p = drawing;
    qt_graph_builder *b = NULL;
    qt_graph *g = NULL;
    qt_error err;
    memset(grid, ' ', sizeof grid);
    while (*p && rows < 64) {
        c = 0;
        while (*p && *p != '\n') {
            if (c < 127)
                grid[rows][c++] = *p;
            p++;
        }
        if (c > cols)
            cols = c;
        rows++;
        if (*p == '\n')
            p++;
    }
    qt_error_clear(&err);
    if (qt_graph_builder_new(&b, &err) != QT_OK)
        return NULL;
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++) {
            char ch = grid[r][c];
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
                double lon, lat;
                qt_test_cell_lonlat(c, r, cell_m, &lon, &lat);
                if (qt_graph_builder_add_node(b, ch, lon, lat, &err) != QT_OK)
                    goto fail;
            }
        }
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++) {
            char ch = grid[r][c];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
                continue;
            /* to the right */
            if (c + 1 < cols && (grid[r][c + 1] == '-' || grid[r][c + 1] == '=')) {
                int k = c + 1, zero = grid[r][c + 1] == '=';
                while (k < cols && (grid[r][k] == '-' || grid[r][k] == '='))
                    k++;
                if (k < cols && grid[r][k] != ' ')
                    if (qt_graph_builder_add_edge(b, ch, grid[r][k], zero ? 0 : (k - c) * cell_m, 1.0, &err))
                        goto fail;
            }
            /* downwards */
            if (r + 1 < rows && grid[r + 1][c] == '|') {
                int k = r + 1;
                while (k < rows && grid[k][c] == '|')
                    k++;
                if (k < rows && grid[k][c] != ' ')
                    if (qt_graph_builder_add_edge(b, ch, grid[k][c], (k - r) * cell_m, 1.0, &err))
                        goto fail;
            }
        }
    if (qt_graph_builder_finish(b, &g, &err) != QT_OK)
        goto fail;
    qt_graph_builder_free(b);
    return g;
fail:
    fprintf(stderr, "ascii graph: %s %s\n", err.where, err.msg);
    qt_graph_builder_free(b);
    return NULL;
}

uint32_t qt_test_node(const qt_graph *g, char c)
{
    return qt_graph_find_node(g, c);
}

static char tmpdir[256];

char *qt_test_tmpfile(const char *name)
{
    char *p;
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/qt-test-XXXXXX");
        if (!mkdtemp(tmpdir))
            return NULL;
    }
    p = malloc(strlen(tmpdir) + strlen(name) + 2);
    sprintf(p, "%s/%s", tmpdir, name);
    return p;
}

char *qt_test_write_file(const char *name, const char *text)
{
    char *p = qt_test_tmpfile(name);
    FILE *fp = fopen(p, "wb");
    if (!fp)
        return p;
    fputs(text, fp);
    fclose(fp);
    return p;
}

int qt_test_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

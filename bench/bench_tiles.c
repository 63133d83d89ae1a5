/* SPDX-License-Identifier: MIT */
/*
 * bench_tiles.c -- tile render time on a graph cache: every tile over the
 * network's box at zooms 12..17 (at most 400 per zoom, spread evenly),
 * p50/p99/max per zoom and overall, and a hash of the PNG bytes.
 *   bench_tiles GRAPH.qgraph [OUT_DIR]   (OUT_DIR: writes the middle tile of each zoom)
 * Prints figures; never pass/fail.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quarter.h"
#include "quarter/tiles.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_tiles GRAPH.qgraph [OUT_DIR]\n");
        return 2;
    }
    qt_error err = {0};
    qt_graph *g = NULL;
    if (qt_graph_load(argv[1], &g, &err) != QT_OK) {
        fprintf(stderr, "%s: %s\n", err.where, err.msg);
        return 3;
    }
    double t0 = now_ms();
    qt_tiles *t = NULL;
    if (qt_tiles_new(g, &t, &err) != QT_OK) {
        fprintf(stderr, "%s: %s\n", err.where, err.msg);
        return 1;
    }
    printf("index: %u nodes, %u edges in %.1f ms\n", qt_graph_node_count(g), qt_graph_edge_count(g), now_ms() - t0);
    double w, s, e, n;
    qt_tiles_bounds(t, &w, &s, &e, &n);
    static double all[6 * 400];
    size_t nall = 0;
    uint64_t hash = 1469598103934665603ull;
    for (unsigned z = 12; z <= 17; z++) {
        double ax, ay, bx, by;
        qt_tiles_lonlat_to_tile(w, n, z, &ax, &ay);
        qt_tiles_lonlat_to_tile(e, s, z, &bx, &by);
        unsigned x0 = (unsigned)ax, y0 = (unsigned)ay, x1 = (unsigned)bx, y1 = (unsigned)by;
        size_t total = (size_t)(x1 - x0 + 1) * (y1 - y0 + 1), step = total / 400 + 1;
        double ms[400];
        size_t k = 0, bytes = 0;
        for (size_t i = 0; i < total && k < 400; i += step) {
            unsigned x = x0 + (unsigned)(i % (x1 - x0 + 1)), y = y0 + (unsigned)(i / (x1 - x0 + 1));
            unsigned char *png;
            size_t len;
            double a = now_ms();
            if (qt_tiles_render(t, z, x, y, &png, &len, &err) != QT_OK) {
                fprintf(stderr, "%s: %s\n", err.where, err.msg);
                return 5;
            }
            ms[k++] = now_ms() - a;
            bytes += len;
            for (size_t j = 0; j < len; j++)
                hash = (hash ^ png[j]) * 1099511628211ull;
            qt_tiles_png_free(png);
        }
        if (argc > 2) {
            unsigned char *png;
            size_t len;
            char path[4096];
            snprintf(path, sizeof path, "%s/tile-%u.png", argv[2], z);
            if (qt_tiles_render(t, z, (x0 + x1) / 2, (y0 + y1) / 2, &png, &len, &err) == QT_OK) {
                FILE *f = fopen(path, "wb");
                if (f) {
                    fwrite(png, 1, len, f);
                    fclose(f);
                }
                qt_tiles_png_free(png);
            }
        }
        memcpy(all + nall, ms, k * sizeof *ms);
        nall += k;
        qsort(ms, k, sizeof *ms, cmp);
        printf("z%-2u %4zu tiles  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  %6.1f KB/tile\n", z, k, ms[k / 2],
               ms[k * 99 / 100], ms[k - 1], bytes / 1024.0 / k);
    }
    qsort(all, nall, sizeof *all, cmp);
    printf("all %4zu tiles  p50 %6.2f ms  p99 %6.2f ms  hash %016llx\n", nall, all[nall / 2], all[nall * 99 / 100],
           (unsigned long long)hash);
    qt_tiles_free(t);
    qt_graph_free(g);
    return 0;
}

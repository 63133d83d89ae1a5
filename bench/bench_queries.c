/* SPDX-License-Identifier: MIT */
/*
 * bench_queries.c -- the per-query searches of the platform on a graph cache:
 * isochrones (5, 10, 15 minutes, edge snapping), the k nearest outlets
 * (15 minutes, the 20 nearest and every one) and routes, each from the same
 * N points (nodes picked with a fixed seed, moved a few metres).  Prints per
 * kind the CPU microseconds per query (this thread's CPU time, which a busy
 * machine disturbs less than wall time), the wall p50 / p99 and a hash of
 * every answer (the GeoJSON texts, the hits' ids and distance bits), so two
 * builds can be compared for speed and for identical answers.  Kind s is
 * the isochrone's search alone (15 minutes) in both forms of one build: node
 * by node (qt_search_run) and over the core with its chains filled
 * (qt__search_run_core, what isochrones use since issue 15); their hashes
 * (every node reached and its distance's bits, in node order) must agree.
 *   bench_queries GRAPH.qgraph POIS.csv [N] [KINDS]
 *   POIS.csv: id,category,lon,lat[,...] (bench/run_all.sh's pois.csv)
 *   KINDS: any of i (isochrone), n (nearby), r (route), s (search); default inrs
 * Prints figures; never pass/fail.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/search_internal.h"
#include "quarter.h"

static double now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    while (n--)
        h = (h ^ *c++) * 1099511628211ull;
    return h;
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

typedef struct timing {
    const char *name;
    double cpu, *wall;
    size_t n;
    uint64_t hash;
} timing;

static void report(const timing *t)
{
    qsort(t->wall, t->n, sizeof *t->wall, cmp);
    printf("%-22s %6zu queries  cpu %9.1f us/query  wall p50 %8.3f ms  p99 %8.3f ms  hash %016llx\n", t->name, t->n,
           t->cpu / (double)t->n * 1e6, t->wall[t->n / 2] * 1e3, t->wall[(t->n * 99) / 100] * 1e3,
           (unsigned long long)t->hash);
}

/* the outlets of a pois.csv (id,category,lon,lat,...), numbered by line */
static qt_nearby_index *read_pois(const char *path, const qt_graph *g, const qt_snapper *sn, size_t *count)
{
    FILE *f = fopen(path, "r");
    char line[512];
    qt_nearby_builder *b = NULL;
    qt_nearby_index *ix = NULL;
    qt_error err = QT_ERROR_INIT;
    int64_t id = 0;
    *count = 0;
    if (!f || !fgets(line, sizeof line, f) || qt_nearby_builder_new(g, sn, &b, &err) != QT_OK) {
        if (f)
            fclose(f);
        return NULL;
    }
    while (fgets(line, sizeof line, f)) {
        char *cat = strchr(line, ','), *lon, *lat;
        qt_nearby_outlet o;
        int placed = 0;
        if (!cat || !(lon = strchr(cat + 1, ',')) || !(lat = strchr(lon + 1, ',')))
            continue;
        *cat++ = 0;
        *lon++ = 0;
        memset(&o, 0, sizeof o);
        o.id = ++id;
        o.name = line;
        o.category = cat;
        o.lon = strtod(lon, NULL);
        o.lat = strtod(lat + 1, NULL);
        if (qt_nearby_builder_add(b, &o, &placed, &err) != QT_OK)
            break;
        *count += (size_t)placed;
    }
    fclose(f);
    if (qt_nearby_builder_finish(b, &ix, &err) != QT_OK)
        return NULL;
    return ix;
}

int main(int argc, char **argv)
{
    qt_error err = QT_ERROR_INIT;
    qt_graph *g = NULL;
    qt_snapper *sn = NULL;
    qt_search *ws = NULL;
    qt_nearby_ws *nw = NULL;
    qt_nearby_index *ix;
    qt_snap *at;
    size_t n = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 500, i, k, npois;
    const char *kinds = argc > 4 ? argv[4] : "inrs";
    double minutes[3] = {5, 10, 15}, speed = 4.0 / 3.6;
    timing t[6] = {{"isochrone 5,10,15", 0, NULL, 0, 1469598103934665603ull},
                   {"nearby 15 min, 20", 0, NULL, 0, 1469598103934665603ull},
                   {"nearby 15 min, all", 0, NULL, 0, 1469598103934665603ull},
                   {"route", 0, NULL, 0, 1469598103934665603ull},
                   {"search 15 min, plain", 0, NULL, 0, 1469598103934665603ull},
                   {"search 15 min, core", 0, NULL, 0, 1469598103934665603ull}};
    uint32_t *sorted = NULL;
    if (argc < 3 || n < 2) {
        fprintf(stderr, "usage: bench_queries GRAPH.qgraph POIS.csv [N] [KINDS]\n");
        return 2;
    }
    if (qt_graph_load(argv[1], &g, &err) != QT_OK || qt_snapper_new(g, &sn, &err) != QT_OK ||
        qt_search_new(g, &ws, &err) != QT_OK || qt_nearby_ws_new(g, &nw, &err) != QT_OK) {
        fprintf(stderr, "%s: %s\n", err.where, err.msg);
        return 1;
    }
    if (!(ix = read_pois(argv[2], g, sn, &npois))) {
        fprintf(stderr, "%s: cannot read the outlets\n", argv[2]);
        return 1;
    }
    at = calloc(n, sizeof *at);
    for (k = 0; k < 6; k++)
        t[k].wall = calloc(n, sizeof *t[k].wall);
    sorted = calloc(qt_graph_node_count(g) + 1, sizeof *sorted);
    for (i = 0; i < n; i++) {
        double lon, lat;
        do {
            qt_graph_node_coord(g, rnd(qt_graph_node_count(g)), &lon, &lat);
            lon += ((double)rnd(200) - 100) * 1e-6;
            lat += ((double)rnd(200) - 100) * 1e-6;
        } while (qt_snapper_snap(sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &at[i], &err) != QT_OK);
    }
    printf("graph: %u nodes, %u edges; %zu outlets placed; %zu points\n", qt_graph_node_count(g),
           qt_graph_edge_count(g), npois, n);
    for (i = 0; i < n; i++) {
        double c0, w0;
        if (strchr(kinds, 'i')) {
            char *gj = NULL;
            c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
            w0 = now_s(CLOCK_MONOTONIC);
            if (qt_isochrone_geojson(g, ws, &at[i], QT_SNAP_EDGE, minutes, 3, NULL, &gj, &err) != QT_OK) {
                fprintf(stderr, "isochrone %zu: %s\n", i, err.msg);
                return 1;
            }
            t[0].wall[t[0].n++] = now_s(CLOCK_MONOTONIC) - w0;
            t[0].cpu += now_s(CLOCK_THREAD_CPUTIME_ID) - c0;
            t[0].hash = fnv(t[0].hash, gj, strlen(gj));
            free(gj);
        }
        if (strchr(kinds, 'n'))
            for (k = 1; k <= 2; k++) {
                qt_nearby_query q;
                const qt_nearby_hit *h;
                size_t nh, j;
                memset(&q, 0, sizeof q);
                q.max_m = 15 * 60 * speed;
                q.limit = k == 1 ? 20 : 100000;
                c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
                w0 = now_s(CLOCK_MONOTONIC);
                if (qt_nearby_search(ix, nw, &at[i], &q, &h, &nh, &err) != QT_OK) {
                    fprintf(stderr, "nearby %zu: %s\n", i, err.msg);
                    return 1;
                }
                t[k].wall[t[k].n++] = now_s(CLOCK_MONOTONIC) - w0;
                t[k].cpu += now_s(CLOCK_THREAD_CPUTIME_ID) - c0;
                for (j = 0; j < nh; j++) {
                    t[k].hash = fnv(t[k].hash, &h[j].id, sizeof h[j].id);
                    t[k].hash = fnv(t[k].hash, &h[j].dist_m, sizeof h[j].dist_m);
                }
                t[k].hash = fnv(t[k].hash, &nh, sizeof nh);
            }
        if (strchr(kinds, 's'))
            for (k = 4; k <= 5; k++) {
                qt_seed seeds[2];
                size_t ns = qt_snap_seeds(g, &at[i], QT_SNAP_EDGE, seeds), nr, j;
                const uint32_t *reached;
                qt_status st;
                c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
                w0 = now_s(CLOCK_MONOTONIC);
                st = k == 4 ? qt_search_run(ws, seeds, ns, 15 * 60 * speed, 0, &err)
                            : qt__search_run_core(ws, seeds, ns, 15 * 60 * speed, &err);
                t[k].wall[t[k].n++] = now_s(CLOCK_MONOTONIC) - w0;
                t[k].cpu += now_s(CLOCK_THREAD_CPUTIME_ID) - c0;
                if (st != QT_OK) {
                    fprintf(stderr, "search %zu: %s\n", i, err.msg);
                    return 1;
                }
                nr = qt_search_reached(ws, &reached);
                memcpy(sorted, reached, nr * sizeof *sorted);
                qsort(sorted, nr, sizeof *sorted, cmp_u32);
                for (j = 0; j < nr; j++) {
                    double d = qt_search_dist(ws, sorted[j]);
                    t[k].hash = fnv(t[k].hash, &sorted[j], sizeof sorted[j]);
                    t[k].hash = fnv(t[k].hash, &d, sizeof d);
                }
            }
        if (strchr(kinds, 'r') && i) {
            qt_route *r = NULL;
            char *gj = NULL;
            qt_status st;
            c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
            w0 = now_s(CLOCK_MONOTONIC);
            st = qt_route_compute(g, ws, at[i - 1].lon, at[i - 1].lat, &at[i - 1], at[i].lon, at[i].lat, &at[i],
                                  QT_SNAP_EDGE, speed, &r, &err);
            t[3].wall[t[3].n++] = now_s(CLOCK_MONOTONIC) - w0;
            t[3].cpu += now_s(CLOCK_THREAD_CPUTIME_ID) - c0;
            if (st == QT_OK && qt_route_geojson(r, 4.0, QT_SNAP_EDGE, &gj, &err) == QT_OK)
                t[3].hash = fnv(t[3].hash, gj, strlen(gj));
            else
                t[3].hash = fnv(t[3].hash, &st, sizeof st);
            free(gj);
            qt_route_free(r);
        }
    }
    for (k = 0; k < 6; k++)
        if (t[k].n)
            report(&t[k]);
    for (k = 0; k < 6; k++)
        free(t[k].wall);
    free(sorted);
    free(at);
    qt_nearby_index_unref(ix);
    qt_nearby_ws_free(nw);
    qt_search_free(ws);
    qt_snapper_free(sn);
    qt_graph_free(g);
    return 0;
}

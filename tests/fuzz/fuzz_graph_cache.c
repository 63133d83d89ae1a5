/* SPDX-License-Identifier: MIT */
/* fuzz_graph_cache.c -- qt_graph_load on any bytes; a graph that loads is searched. */
#include <math.h>

#include "fuzz_util.h"
#include "quarter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("graph.qgraph", data, size);
    qt_graph *g = NULL;
    qt_search *s = NULL;
    qt_error err;
    if (!path)
        return 0;
    qt_error_clear(&err);
    if (qt_graph_load(path, &g, &err) == QT_OK && qt_graph_node_count(g) > 0 && qt_search_new(g, &s, &err) == QT_OK) {
        qt_seed seed = {0, 0};
        const uint32_t *reached;
        size_t n;
        if (qt_search_run(s, &seed, 1, INFINITY, 1, &err) == QT_OK && (n = qt_search_reached(s, &reached)) > 0) {
            uint32_t *path_nodes = NULL;
            size_t len = 0;
            if (qt_search_path(s, reached[n - 1], &path_nodes, &len, &err) == QT_OK)
                free(path_nodes);
        }
        qt_search_free(s);
    }
    qt_graph_free(g);
    return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * fuzz_interchange.c -- nodes.csv and edges.csv of the interchange format;
 * the input is the nodes file, a line "--", then the edges file.
 */
#include "fuzz_util.h"
#include "quarter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = NULL;
    size_t i, nodes_len = size, edges_off = size;
    const char *nodes, *edges;
    qt_graph *g = NULL;
    qt_error err;
    for (i = 0; i + 4 <= size; i++)
        if (data[i] == '\n' && data[i + 1] == '-' && data[i + 2] == '-' && data[i + 3] == '\n') {
            sep = data + i;
            break;
        }
    if (sep) {
        nodes_len = (size_t)(sep - data) + 1;
        edges_off = nodes_len + 3;
    }
    nodes = fuzz_file("nodes.csv", data, nodes_len);
    edges = fuzz_file("edges.csv", data + edges_off, size - edges_off);
    if (!nodes || !edges)
        return 0;
    qt_error_clear(&err);
    if (qt_graph_read_interchange(nodes, edges, &g, &err) == QT_OK)
        qt_graph_free(g);
    return 0;
}

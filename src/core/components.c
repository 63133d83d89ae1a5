/* SPDX-License-Identifier: MIT */
/* components.c -- connected components of a walking network (quarter/graph.h). */
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "quarter/graph.h"

static uint32_t find(uint32_t *up, uint32_t x)
{
    while (up[x] != x) {
        up[x] = up[up[x]];
        x = up[x];
    }
    return x;
}

void qt_components_free(qt_components *c)
{
    if (!c)
        return;
    qt__free(c->comp);
    qt__free(c->size);
    qt__free(c);
}

/* Union-find over the edges: up[] ends with each node's tree, roots the lowest nodes. */
static void union_edges(const qt_graph *g, uint32_t *up, uint32_t n, uint32_t m)
{
    uint32_t e, i;
    for (i = 0; i < n; i++)
        up[i] = i;
    for (e = 0; e < m; e++) {
        uint32_t u, v, ru, rv;
        double len, cost;
        qt_graph_edge(g, e, &u, &v, &len, &cost);
        ru = find(up, u);
        rv = find(up, v);
        if (ru != rv)
            up[ru < rv ? rv : ru] = ru < rv ? ru : rv;
    }
}

/* Numbers the roots in node order (c->comp, c->count). */
static void number_roots(qt_components *c, uint32_t *up, uint32_t *rank, uint32_t n)
{
    uint32_t i;
    c->n_nodes = n;
    for (i = 0; i < n; i++)
        rank[i] = UINT32_MAX;
    for (i = 0; i < n; i++) {
        uint32_t r = find(up, i);
        if (rank[r] == UINT32_MAX)
            rank[r] = c->count++;
        c->comp[i] = rank[r];
    }
}

/* Renumbers the components by size, descending, with a counting sort (stable:
 * lower numbers first); -1 on no memory. */
static int sort_by_size(qt_components *c, uint32_t *order)
{
    uint32_t *sz = c->size, *tmp, *pos;
    uint32_t maxs = 0, i, k;
    for (k = 0; k < c->count; k++)
        if (sz[k] > maxs)
            maxs = sz[k];
    tmp = qt__calloc((size_t)maxs + 2, sizeof *tmp);
    pos = qt__malloc(((size_t)c->count + 1) * sizeof *pos);
    if (!tmp || !pos) {
        qt__free(tmp);
        qt__free(pos);
        return -1;
    }
    for (k = 0; k < c->count; k++)
        tmp[maxs - sz[k] + 1]++; /* bucket by size, descending */
    for (k = 1; k <= maxs + 1; k++)
        tmp[k] += tmp[k - 1];
    for (k = 0; k < c->count; k++)
        order[tmp[maxs - sz[k]]++] = k; /* stable: first-numbered first within a size */
    for (k = 0; k < c->count; k++)
        pos[order[k]] = k;
    for (i = 0; i < c->n_nodes; i++)
        c->comp[i] = pos[c->comp[i]];
    for (k = 0; k < c->count; k++)
        pos[k] = sz[order[k]];
    memcpy(sz, pos, c->count * sizeof *sz);
    qt__free(tmp);
    qt__free(pos);
    return 0;
}

qt_status qt_graph_components(const qt_graph *g, qt_components **out, qt_error *err)
{
    uint32_t n = qt_graph_node_count(g), m = qt_graph_edge_count(g), i, k, *up, *rank = NULL, *order = NULL;
    qt_components *c;
    *out = NULL;
    c = qt__calloc(1, sizeof *c);
    up = qt__malloc(((size_t)n + 1) * sizeof *up);
    if (!c || !up)
        goto nomem;
    union_edges(g, up, n, m);
    /* number the roots, then order them by size, largest first (ties: lowest node first) */
    rank = qt__malloc(((size_t)n + 1) * sizeof *rank);
    c->comp = qt__malloc(((size_t)n + 1) * sizeof *c->comp);
    if (!rank || !c->comp)
        goto nomem;
    number_roots(c, up, rank, n);
    c->size = qt__calloc((size_t)c->count + 1, sizeof *c->size);
    order = qt__malloc(((size_t)c->count + 1) * sizeof *order);
    if (!c->size || !order)
        goto nomem;
    for (i = 0; i < n; i++)
        c->size[c->comp[i]]++;
    for (k = 0; k < c->count; k++)
        order[k] = k;
    if (sort_by_size(c, order) != 0)
        goto nomem;
    qt__free(up);
    qt__free(rank);
    qt__free(order);
    *out = c;
    return QT_OK;
nomem:
    qt__free(up);
    qt__free(rank);
    qt__free(order);
    qt_components_free(c);
    return qt_error_set(err, QT_ENOMEM, "graph", _("no memory for the components of %u nodes"), n);
}

/* SPDX-License-Identifier: MIT */
/*
 * chain.c -- chain contraction of the walking graph: the core of nodes whose
 * degree is not two, and each chain of degree-two nodes between two of them
 * stored with its node sequence and arc costs (layout in graph_internal.h).
 * About nine nodes in ten of a city network are chain nodes, so a search over
 * the core pushes and pops a tenth of the nodes.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "core/graph_internal.h"

void qt__graph_chains_release(qt_graph *g)
{
    qt__chains *ch = &g->ch;
    qt__free(ch->arc_chain);
    qt__free(ch->node_chain);
    qt__free(ch->node_pos);
    qt__free(ch->first);
    qt__free(ch->node);
    qt__free(ch->cost);
    qt__free(ch->end);
    memset(ch, 0, sizeof *ch);
}

/* A chain node: two arcs, to two different nodes, neither of them v itself. */
static int is_chain_node(const qt_graph *g, uint32_t v)
{
    uint32_t f = g->first[v];
    if (g->first[v + 1] - f != 2)
        return 0;
    return g->arc[f].to != g->arc[f + 1].to && g->arc[f].to != v && g->arc[f + 1].to != v;
}

/* The arc of node v that belongs to edge e (v has exactly one). */
static uint32_t arc_of_edge(const qt_graph *g, uint32_t v, uint32_t e)
{
    uint32_t a;
    for (a = g->first[v]; a < g->first[v + 1]; a++)
        if (g->arc[a].edge == e)
            return a;
    return QT_NODE_NONE;
}

/*
 * Walk the chain that arc a of core node v enters, as chain number ch->nchain.
 * *pos: next free slot of ch->node.  inner[w]: w is a chain node.
 */
static void walk(qt_graph *g, const unsigned char *inner, uint32_t v, uint32_t a, uint32_t *pos)
{
    qt__chains *ch = &g->ch;
    uint32_t c = ch->nchain++, cur = g->arc[a].to, e = g->arc[a].edge, k = 0, back;
    double *cost;
    ch->first[c] = *pos;
    cost = ch->cost + *pos + c;
    cost[0] = g->arc[a].cost;
    while (inner[cur]) {
        uint32_t f = g->first[cur], next = g->arc[f].edge == e ? f + 1 : f;
        ch->node_chain[cur] = c;
        ch->node_pos[cur] = ++k;
        ch->node[(*pos)++] = cur;
        cost[k] = g->arc[next].cost;
        e = g->arc[next].edge;
        cur = g->arc[next].to;
    }
    ch->end[2 * c] = v;
    ch->end[2 * c + 1] = cur;
    ch->arc_chain[a] = 2 * c;
    back = arc_of_edge(g, cur, e);
    if (back != QT_NODE_NONE)
        ch->arc_chain[back] = 2 * c + 1;
    ch->first[c + 1] = *pos;
}

/* From core node v, every chain not yet walked. */
static void walk_from(qt_graph *g, const unsigned char *inner, uint32_t v, uint32_t *pos)
{
    uint32_t a;
    for (a = g->first[v]; a < g->first[v + 1]; a++)
        if (inner[g->arc[a].to] && g->arc[a].to != v && g->ch.arc_chain[a] == QT_NODE_NONE)
            walk(g, inner, v, a, pos);
}

qt_status qt__graph_chains(qt_graph *g, qt_error *err)
{
    qt__chains *ch = &g->ch;
    size_t n = g->n ? g->n : 1, arcs = (size_t)g->m * 2;
    unsigned char *inner = qt__calloc(n, 1);
    uint32_t v, k = 0, pos = 0;
    size_t i;

    qt__graph_chains_release(g);
    if (!inner)
        goto nomem;
    for (v = 0; v < g->n; v++)
        if (is_chain_node(g, v)) {
            inner[v] = 1;
            k++;
        }
    ch->arc_chain = qt__malloc_array(arcs ? arcs : 1, sizeof *ch->arc_chain);
    ch->node_chain = qt__malloc_array(n, sizeof *ch->node_chain);
    ch->node_pos = qt__calloc(n, sizeof *ch->node_pos);
    /* at most k chains, each with at least one node */
    ch->first = qt__malloc_array((size_t)k + 1, sizeof *ch->first);
    ch->node = qt__malloc_array(k ? k : 1, sizeof *ch->node);
    ch->cost = qt__malloc_array((size_t)k * 2 + 1, sizeof *ch->cost);
    ch->end = qt__malloc_array((size_t)k * 2 + 1, sizeof *ch->end);
    if (!ch->arc_chain || !ch->node_chain || !ch->node_pos || !ch->first || !ch->node || !ch->cost ||
        !ch->end)
        goto nomem;
    for (i = 0; i < arcs; i++)
        ch->arc_chain[i] = QT_NODE_NONE;
    for (v = 0; v < g->n; v++)
        ch->node_chain[v] = QT_NODE_NONE;
    ch->first[0] = 0;
    for (v = 0; v < g->n; v++)
        if (!inner[v])
            walk_from(g, inner, v, &pos);
    /* rings of chain nodes only: the lowest index of each becomes core */
    for (v = 0; v < g->n; v++)
        if (inner[v] && ch->node_chain[v] == QT_NODE_NONE) {
            inner[v] = 0;
            walk_from(g, inner, v, &pos);
        }
    qt__free(inner);
    return QT_OK;
nomem:
    qt__free(inner);
    qt__graph_chains_release(g);
    return qt_error_set(err, QT_ENOMEM, NULL, "no memory for the chains of a graph of %u nodes", g->n);
}

/* SPDX-License-Identifier: MIT */
/*
 * chain.c -- chain contraction of the walking graph: the core of nodes whose
 * degree is not two, each chain of degree-two nodes between two of them
 * stored with its node sequence and arc costs, and the attachments (dead
 * ends, the access legs of snapped residences and outlets) hung on their
 * host (layout in graph_internal.h).  About nine nodes in ten of a city
 * network are chain nodes or attachments, so a search over the core pushes
 * and pops a tenth of the nodes, and snapping points onto the network adds
 * none to the core.
 */
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "core/graph_internal.h"

enum { KIND_CORE = 0, KIND_CHAIN = 1, KIND_ATTACH = 2 };

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
    qt__free(ch->att_first);
    qt__free(ch->att_node);
    qt__free(ch->att_pos);
    qt__free(ch->att_cost);
    memset(ch, 0, sizeof *ch);
}

static uint32_t degree(const qt_graph *g, uint32_t v)
{
    return g->first[v + 1] - g->first[v];
}

/* One arc, to a node with more than one. */
static int is_attachment(const qt_graph *g, uint32_t v)
{
    return degree(g, v) == 1 && degree(g, g->arc[g->first[v]].to) > 1;
}

/* Two arcs to non-attachments, to two different nodes, neither of them v. */
static int is_chain_node(const qt_graph *g, const unsigned char *kind, uint32_t v)
{
    uint32_t a, k = 0, to[2] = {0, 0};
    for (a = g->first[v]; a < g->first[v + 1]; a++) {
        uint32_t w = g->arc[a].to;
        if (kind[w] == KIND_ATTACH)
            continue;
        if (k == 2 || w == v)
            return 0;
        to[k++] = w;
    }
    return k == 2 && to[0] != to[1];
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
 * *pos, *apos: next free slots of ch->node and ch->att_node.
 */
static void walk(qt_graph *g, const unsigned char *kind, uint32_t v, uint32_t a, uint32_t *pos, uint32_t *apos)
{
    qt__chains *ch = &g->ch;
    uint32_t c = ch->nchain++, cur = g->arc[a].to, e = g->arc[a].edge, k = 0, back;
    double *cost;
    ch->first[c] = *pos;
    ch->att_first[c] = *apos;
    cost = ch->cost + *pos + c;
    cost[0] = g->arc[a].cost;
    while (kind[cur] == KIND_CHAIN) {
        uint32_t b, next = QT_NODE_NONE;
        ch->node_chain[cur] = c;
        ch->node_pos[cur] = ++k;
        ch->node[(*pos)++] = cur;
        for (b = g->first[cur]; b < g->first[cur + 1]; b++) {
            uint32_t w = g->arc[b].to;
            if (kind[w] == KIND_ATTACH) {
                ch->att_node[*apos] = w;
                ch->att_pos[*apos] = k;
                ch->att_cost[(*apos)++] = g->arc[b].cost;
            } else if (g->arc[b].edge != e) {
                next = b;
            }
        }
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
    ch->att_first[c + 1] = *apos;
}

/* From core node v: mark its attachments, walk every chain not yet walked. */
static void walk_from(qt_graph *g, const unsigned char *kind, uint32_t v, uint32_t *pos, uint32_t *apos)
{
    uint32_t a;
    for (a = g->first[v]; a < g->first[v + 1]; a++) {
        uint32_t w = g->arc[a].to;
        if (kind[w] == KIND_ATTACH)
            g->ch.arc_chain[a] = QT_CHAIN_ATTACH;
        else if (kind[w] == KIND_CHAIN && w != v && g->ch.arc_chain[a] == QT_NODE_NONE)
            walk(g, kind, v, a, pos, apos);
    }
}

qt_status qt__graph_chains(qt_graph *g, qt_error *err)
{
    qt__chains *ch = &g->ch;
    size_t n = g->n ? g->n : 1, arcs = (size_t)g->m * 2;
    unsigned char *kind = qt__calloc(n, 1);
    uint32_t v, k = 0, natt = 0, pos = 0, apos = 0;
    size_t i;

    qt__graph_chains_release(g);
    if (!kind)
        goto nomem;
    for (v = 0; v < g->n; v++)
        if (is_attachment(g, v)) {
            kind[v] = KIND_ATTACH;
            natt++;
        }
    for (v = 0; v < g->n; v++)
        if (kind[v] != KIND_ATTACH && is_chain_node(g, kind, v)) {
            kind[v] = KIND_CHAIN;
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
    ch->att_first = qt__malloc_array((size_t)k + 1, sizeof *ch->att_first);
    ch->att_node = qt__malloc_array(natt ? natt : 1, sizeof *ch->att_node);
    ch->att_pos = qt__malloc_array(natt ? natt : 1, sizeof *ch->att_pos);
    ch->att_cost = qt__malloc_array(natt ? natt : 1, sizeof *ch->att_cost);
    if (!ch->arc_chain || !ch->node_chain || !ch->node_pos || !ch->first || !ch->node || !ch->cost || !ch->end ||
        !ch->att_first || !ch->att_node || !ch->att_pos || !ch->att_cost)
        goto nomem;
    for (i = 0; i < arcs; i++)
        ch->arc_chain[i] = QT_NODE_NONE;
    for (v = 0; v < g->n; v++)
        ch->node_chain[v] = kind[v] == KIND_ATTACH ? QT_CHAIN_ATTACH : QT_NODE_NONE;
    ch->first[0] = 0;
    ch->att_first[0] = 0;
    for (v = 0; v < g->n; v++)
        if (kind[v] == KIND_CORE)
            walk_from(g, kind, v, &pos, &apos);
    /* rings of chain nodes only: the lowest index of each becomes core */
    for (v = 0; v < g->n; v++)
        if (kind[v] == KIND_CHAIN && ch->node_chain[v] == QT_NODE_NONE) {
            kind[v] = KIND_CORE;
            walk_from(g, kind, v, &pos, &apos);
        }
    qt__free(kind);
    return QT_OK;
nomem:
    qt__free(kind);
    qt__graph_chains_release(g);
    return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the chains of a graph of %u nodes"), g->n);
}

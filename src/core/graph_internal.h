/* SPDX-License-Identifier: MIT */
/*
 * core/graph_internal.h -- the CSR layout of qt_graph, for the core layer.
 *
 * Nodes 0..n-1; arcs of node v are arc[first[v]] .. arc[first[v+1]-1] (each
 * undirected edge appears as two arcs).  An arc is one 16-byte record, so a
 * search reads a node's arcs from one or two cache lines.  The edge list (eu, ev,
 * elen, ecost) keeps every edge once, for snapping, splitting and drawing.
 * id_sorted: ids ascend with the index, so lookups are a binary search;
 * otherwise id_order holds the indices sorted by id.
 */
#ifndef QUARTER_CORE_GRAPH_INTERNAL_H
#define QUARTER_CORE_GRAPH_INTERNAL_H

#include <stdint.h>

#include "quarter/graph.h"

typedef struct qt__arc {
    uint32_t to;   /* head node */
    uint32_t edge; /* the edge the arc belongs to */
    double cost;   /* metres of walking effort */
} qt__arc;

/*
 * Chain contraction (core/chain.c).  A node with exactly two arcs to two
 * different neighbours is a chain node; every other node is a core node (and
 * in a ring made only of chain nodes, the lowest index becomes core).  A chain
 * runs from core node A through k >= 1 chain nodes to core node B (A == B for
 * a loop); its nodes are node[first[c]] .. node[first[c+1]-1] from A to B and
 * its k + 1 arc costs cost[first[c] + c] .. cost[first[c+1] + c], A's first.
 * arc_chain[a] for an arc of a core node that enters a chain is 2c (leaving A)
 * or 2c + 1 (leaving B), QT_NODE_NONE for every other arc.  node_chain[v] and
 * node_pos[v] (1..k) place a chain node; node_chain is QT_NODE_NONE for core
 * nodes.  Searches over the core walk a chain by adding its costs one by one
 * in order, the same additions as a node-by-node search, so the distances are
 * bit-identical (docs/internals/access.md).
 */
typedef struct qt__chains {
    uint32_t nchain;
    uint32_t *arc_chain;  /* 2m */
    uint32_t *node_chain; /* n */
    uint32_t *node_pos;   /* n */
    uint32_t *first;      /* nchain + 1 */
    uint32_t *node;       /* chain nodes in chain order */
    double *cost;         /* chain nodes + nchain */
    uint32_t *end;        /* 2 nchain: A, B */
} qt__chains;

struct qt_graph {
    uint32_t n, m;
    int64_t *id;     /* n */
    double *lon;     /* n */
    double *lat;     /* n */
    uint32_t *first; /* n + 1 */
    qt__arc *arc;    /* 2m */
    uint32_t *eu, *ev;  /* m */
    double *elen;       /* m, geometric metres */
    double *ecost;      /* m */
    int id_sorted;
    uint32_t *id_order; /* n, when !id_sorted */
    qt__chains ch;      /* the contracted view, built by qt__graph_chains */
};

/* Allocate every array for n nodes and m edges (zeroed struct on failure). */
qt_status qt__graph_alloc(qt_graph *g, uint32_t n, uint32_t m, qt_error *err);
/* Fill first/arc_* from the edge list and the id index. */
qt_status qt__graph_index(qt_graph *g, qt_error *err);
void qt__graph_release(qt_graph *g);
/* Build g->ch from the adjacency (after qt__graph_index or a cache load). */
qt_status qt__graph_chains(qt_graph *g, qt_error *err);
void qt__graph_chains_release(qt_graph *g);

#endif

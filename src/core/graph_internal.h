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
 * Chain contraction (core/chain.c).  An *attachment* is a node with one arc
 * whose neighbour has more (a dead end, the access leg of a snapped point).
 * A *chain node* is any other node with exactly two arcs to non-attachments,
 * to two different nodes; the rest are *core* nodes (and in a ring made of
 * chain nodes only, the lowest index becomes core).  A chain runs from core
 * node A through k >= 1 chain nodes to core node B (A == B for a loop); its
 * nodes are node[first[c]] .. node[first[c+1]-1] from A to B and its k + 1
 * arc costs cost[first[c] + c] .. cost[first[c+1] + c], A's first.  The
 * attachments of its chain nodes are att_node[att_first[c]] ..
 * att_node[att_first[c+1]-1], by ascending att_pos (the host's position
 * 1..k), with their arc cost att_cost.  arc_chain[a] for an arc of a core node
 * is 2c when it enters chain c at A, 2c + 1 at B, QT_CHAIN_ATTACH when it
 * leads to an attachment and QT_NODE_NONE to another core node.
 * node_chain[v] is v's chain (node_pos[v] in 1..k), QT_CHAIN_ATTACH for an
 * attachment, QT_NODE_NONE for a core node.  Searches over the core walk a
 * chain by adding its costs one by one in order, the same additions as a
 * node-by-node search, so the distances are bit-identical
 * (docs/internals/access.md).
 */
#define QT_CHAIN_ATTACH (UINT32_MAX - 1)
typedef struct qt__chains {
    uint32_t nchain;
    uint32_t *arc_chain;          /* 2m */
    uint32_t *node_chain;         /* n */
    uint32_t *node_pos;           /* n */
    uint32_t *first;              /* nchain + 1 */
    uint32_t *node;               /* chain nodes in chain order */
    double *cost;                 /* chain nodes + nchain */
    uint32_t *end;                /* 2 nchain: A, B */
    uint32_t *att_first;          /* nchain + 1 */
    uint32_t *att_node, *att_pos; /* attachments of chain nodes */
    double *att_cost;
} qt__chains;

struct qt_graph {
    uint32_t n, m;
    int64_t *id;           /* n */
    double *lon;           /* n */
    double *lat;           /* n */
    uint32_t *first;       /* n + 1 */
    qt__arc *arc;          /* 2m */
    uint32_t *eu, *ev;     /* m */
    double *elen;          /* m, geometric metres */
    double *ecost;         /* m */
    unsigned char *eclass; /* m qt_road_class, NULL: none known */
    int id_sorted;
    uint32_t *id_order; /* n, when !id_sorted */
    qt__chains ch;      /* the contracted view, built by qt__graph_chains */
};

/* Allocate every array for n nodes and m edges (zeroed struct on failure). */
qt_status qt__graph_alloc(qt_graph *g, uint32_t n, uint32_t m, qt_error *err);
/* Fill first/arc_* from the edge list and the id index. */
qt_status qt__graph_index(qt_graph *g, qt_error *err);
void qt__graph_release(qt_graph *g);
/* perm: the n points in Hilbert-curve order over their bounding box (graph.c). */
qt_status qt__hilbert_order(size_t n, const double *lon, const double *lat, uint32_t *perm, qt_error *err);
/* Build g->ch from the adjacency (after qt__graph_index or a cache load). */
qt_status qt__graph_chains(qt_graph *g, qt_error *err);
void qt__graph_chains_release(qt_graph *g);

#endif

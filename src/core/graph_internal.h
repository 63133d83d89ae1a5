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
};

/* Allocate every array for n nodes and m edges (zeroed struct on failure). */
qt_status qt__graph_alloc(qt_graph *g, uint32_t n, uint32_t m, qt_error *err);
/* Fill first/arc_* from the edge list and the id index. */
qt_status qt__graph_index(qt_graph *g, qt_error *err);
void qt__graph_release(qt_graph *g);

#endif

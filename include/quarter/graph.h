/* SPDX-License-Identifier: MIT */
/*
 * quarter/graph.h -- the walking network as an immutable CSR graph.
 *
 * A qt_graph holds nodes (external int64 id, lon/lat in WGS-84) and undirected
 * edges (geometric length and walking cost in metres: cost = length x profile
 * factor, e.g. steps are slower).  Every edge is walkable both ways.  Node
 * indices 0..n-1 are assigned by qt_graph_builder_finish in spatial order
 * (along a Hilbert curve), not in the order nodes were added, so that a
 * whole-city search stays in cache; find a node by its id with
 * qt_graph_find_node.  Once built or loaded a graph never changes: any number
 * of threads may read one graph at once without locks.
 *
 * Build one with a qt_graph_builder (nodes first, then edges by node id), or
 * load the binary cache written by qt_graph_save.  The cache has a magic
 * number, a format version and a checksum; a foreign, stale or damaged file is
 * refused with QT_EUNSUPPORTED or QT_EPARSE.
 *
 * Ownership: qt_graph_builder_finish and qt_graph_load give the caller a graph
 * to release with qt_graph_free.  Free functions accept NULL.
 */
#ifndef QUARTER_GRAPH_H
#define QUARTER_GRAPH_H

#include <stdint.h>

#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_graph qt_graph;
typedef struct qt_graph_builder qt_graph_builder;

#define QT_NODE_NONE UINT32_MAX

/** New empty builder. OUT *out, caller frees with qt_graph_builder_free(). */
QT_API qt_status qt_graph_builder_new(qt_graph_builder **out, qt_error *err);
QT_API void qt_graph_builder_free(qt_graph_builder *b);

/**
 * Add a node.  Statuses: QT_ECONFLICT for a repeated id, QT_EINVAL for a
 * coordinate that is not finite or outside [-180,180] x [-90,90].
 */
QT_API qt_status qt_graph_builder_add_node(qt_graph_builder *b, int64_t id, double lon, double lat, qt_error *err);

/**
 * Add an undirected edge between two nodes added before.
 * length_m: geometric length, finite and >= 0.  factor: cost multiplier,
 * finite and > 0 (1 for ordinary ways).  Self-loops are accepted and dropped
 * (they never shorten a path).  Parallel edges are kept; searches use the
 * cheapest.  Statuses: QT_ENOTFOUND for an unknown node id, QT_EINVAL for a
 * bad length or factor.
 */
QT_API qt_status qt_graph_builder_add_edge(qt_graph_builder *b, int64_t u, int64_t v, double length_m, double factor,
                                           qt_error *err);

/** What kind of street an edge is (from OSM highway=*), for drawing the base map. */
typedef enum qt_road_class {
    QT_ROAD_UNKNOWN = 0,     /* the source has no class */
    QT_ROAD_PRIMARY = 1,     /* motorway, trunk, primary (and their links) */
    QT_ROAD_SECONDARY = 2,   /* secondary, tertiary (and links) */
    QT_ROAD_RESIDENTIAL = 3, /* residential, living street, unclassified, service, road */
    QT_ROAD_FOOTWAY = 4      /* footway, path, pedestrian, steps, cycleway, track, bridleway, corridor */
} qt_road_class;

/** The class of the edges added from now on (QT_ROAD_UNKNOWN until set). */
QT_API void qt_graph_builder_set_road_class(qt_graph_builder *b, qt_road_class c);

/**
 * Make room for this many nodes and edges in all, so that adding them does
 * not grow the arrays again (a hint: adding more still works).
 * Statuses: QT_ENOMEM, QT_EINVAL (builder finished).
 */
QT_API qt_status qt_graph_builder_reserve(qt_graph_builder *b, size_t nodes, size_t edges, qt_error *err);

/** Look up a node added to the builder; QT_NODE_NONE if absent. */
QT_API uint32_t qt_graph_builder_find(const qt_graph_builder *b, int64_t id);

/** Current node count of the builder. */
QT_API uint32_t qt_graph_builder_node_count(const qt_graph_builder *b);

/**
 * Build the CSR graph.  The builder can then only be freed.
 * OUT *out, caller frees with qt_graph_free().
 */
QT_API qt_status qt_graph_builder_finish(qt_graph_builder *b, qt_graph **out, qt_error *err);

QT_API void qt_graph_free(qt_graph *g);

QT_API uint32_t qt_graph_node_count(const qt_graph *g);
QT_API uint32_t qt_graph_edge_count(const qt_graph *g);
/** External id of node index `node` (< node count). */
QT_API int64_t qt_graph_node_id(const qt_graph *g, uint32_t node);
QT_API void qt_graph_node_coord(const qt_graph *g, uint32_t node, double *lon, double *lat);
/** Node index of an external id, or QT_NODE_NONE. O(log n) or O(1). */
QT_API uint32_t qt_graph_find_node(const qt_graph *g, int64_t id);
/** Endpoints, length and cost of edge e (< edge count). Any OUT may be NULL. */
QT_API void qt_graph_edge(const qt_graph *g, uint32_t e, uint32_t *u, uint32_t *v, double *length_m, double *cost_m);

/** The road class of edge e; QT_ROAD_UNKNOWN when the graph has none (e.g. built from a CSV edge list). */
QT_API qt_road_class qt_graph_edge_road_class(const qt_graph *g, uint32_t e);

/** Connected components of a graph: which nodes can reach which. */
typedef struct qt_components {
    uint32_t n_nodes; /* of the graph */
    uint32_t count;   /* components; 0 is the largest, then by size */
    uint32_t *comp;   /* n_nodes: the component of each node */
    uint32_t *size;   /* count: nodes in each component, descending */
} qt_components;

/**
 * The connected components of g (an isolated node is one).  OUT *out, free
 * with qt_components_free().  Statuses: QT_ENOMEM.  Reads g only: any
 * number of threads may call it on one graph.
 */
QT_API qt_status qt_graph_components(const qt_graph *g, qt_components **out, qt_error *err);
QT_API void qt_components_free(qt_components *c);

/**
 * Write the binary cache to path (atomically: path.tmp then rename).
 * Statuses: QT_EIO.
 */
QT_API qt_status qt_graph_save(const qt_graph *g, const char *path, qt_error *err);

/**
 * Load a cache written by qt_graph_save.  OUT *out, caller frees with
 * qt_graph_free().  Statuses: QT_EIO (unreadable), QT_EUNSUPPORTED (not a
 * quarter graph, or another format version), QT_EPARSE (truncated or
 * checksum mismatch), QT_ENOMEM.
 */
QT_API qt_status qt_graph_load(const char *path, qt_graph **out, qt_error *err);

/**
 * A new graph: g with extra nodes splitting edges at points, each point
 * joined to its split node by an access leg.  Used to place origins and
 * outlets exactly on the network (edge snapping).  For point i, edge[i] and
 * t[i] (0..1 from the edge's first node) give the position and leg_m[i] the
 * straight access leg; node_out[i] receives the node that stands for the
 * point in the new graph.  Nodes 0..n-1 of g keep their index; new nodes get
 * ids -1, -2, ...  OUT *out, caller frees with qt_graph_free().
 */
QT_API qt_status qt_graph_split(const qt_graph *g, size_t npoints, const uint32_t *edge, const double *t,
                                const double *leg_m, double leg_factor, qt_graph **out, uint32_t *node_out,
                                qt_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* SPDX-License-Identifier: MIT */
/*
 * ogr_network.c -- walking network from a road centre-line layer (GDAL/OGR).
 *
 * Reads LineString / MultiLineString features of one layer, transforms them
 * to WGS-84 lon/lat with PROJ (through OGR), and turns every vertex into a
 * node.  Vertices closer than join_tolerance_m (measured on a local plane)
 * become one node, so lines that share endpoints (or a vertex) are joined.
 * Consecutive vertices give edges with their haversine length.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/idmap.h"
#include "quarter/io.h"
#include "quarter/snap.h"

#define DEG2RAD (3.14159265358979323846 / 180.0)

typedef struct verts {
    double *lon, *lat;
    size_t n, cap;
    size_t *line_start; /* per line: first vertex */
    size_t nlines, lcap;
} verts;

static int push_vertex(verts *v, double lon, double lat)
{
    if (v->n == v->cap) {
        size_t cap = v->cap;
        if (qt__grow((void **)&v->lon, &cap, v->n + 1, sizeof *v->lon))
            return -1;
        cap = v->cap;
        if (qt__grow((void **)&v->lat, &cap, v->n + 1, sizeof *v->lat))
            return -1;
        v->cap = cap;
    }
    v->lon[v->n] = lon;
    v->lat[v->n] = lat;
    v->n++;
    return 0;
}

static int start_line(verts *v)
{
    if (qt__grow((void **)&v->line_start, &v->lcap, v->nlines + 2, sizeof *v->line_start))
        return -1;
    v->line_start[v->nlines++] = v->n;
    v->line_start[v->nlines] = v->n;
    return 0;
}

static int add_linestring(verts *v, OGRGeometryH g)
{
    int i, np = OGR_G_GetPointCount(g);
    if (np < 2)
        return 0;
    if (start_line(v))
        return -1;
    for (i = 0; i < np; i++)
        if (push_vertex(v, OGR_G_GetX(g, i), OGR_G_GetY(g, i)))
            return -1;
    v->line_start[v->nlines] = v->n;
    return 0;
}

static int64_t cell_key(long cx, long cy)
{
    return (int64_t)((uint64_t)(uint32_t)cx << 32 | (uint32_t)cy);
}

/* The layer to read: the one named, else the first line layer. */
static qt_status pick_layer(GDALDatasetH ds, const char *path, const char *name, OGRLayerH *out, qt_error *err)
{
    int k, nl;
    *out = NULL;
    if (name) {
        *out = GDALDatasetGetLayerByName(ds, name);
        return *out ? QT_OK : qt_error_set(err, QT_ENOTFOUND, path, _("no layer named '%s'"), name);
    }
    nl = GDALDatasetGetLayerCount(ds);
    for (k = 0; k < nl && !*out; k++) {
        OGRLayerH L = GDALDatasetGetLayer(ds, k);
        OGRwkbGeometryType t = wkbFlatten(OGR_L_GetGeomType(L));
        if (t == wkbLineString || t == wkbMultiLineString || t == wkbUnknown)
            *out = L;
    }
    return *out ? QT_OK : qt_error_set(err, QT_EINVAL, path, _("no line layer in the dataset"));
}

/* The layer's (or the user's) CRS to WGS-84 lon/lat; *ct stays NULL when the
 * layer has none (taken as lon/lat).  The caller destroys *src, *wgs and *ct. */
static qt_status layer_transform(OGRLayerH layer, const char *path, const char *source_crs, OGRSpatialReferenceH *src,
                                 OGRSpatialReferenceH *wgs, OGRCoordinateTransformationH *ct, qt_error *err)
{
    *wgs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(*wgs, 4326);
    OSRSetAxisMappingStrategy(*wgs, OAMS_TRADITIONAL_GIS_ORDER);
    if (source_crs) {
        *src = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(*src, source_crs) != OGRERR_NONE)
            return qt_error_set(err, QT_EINVAL, "--crs", _("'%s' is not a coordinate system PROJ knows"), source_crs);
    } else if (OGR_L_GetSpatialRef(layer)) {
        *src = OSRClone(OGR_L_GetSpatialRef(layer));
    }
    if (*src) {
        OSRSetAxisMappingStrategy(*src, OAMS_TRADITIONAL_GIS_ORDER);
        *ct = OCTNewCoordinateTransformation(*src, *wgs);
        if (!*ct)
            return qt_error_set(err, QT_EINVAL, path, _("cannot transform the layer's CRS to WGS-84"));
    }
    return QT_OK;
}

/* Every line of the layer, in WGS-84, into v. */
static qt_status read_lines(OGRLayerH layer, OGRCoordinateTransformationH ct, const char *path, verts *v, qt_error *err)
{
    OGRFeatureH f;
    long feature_no = 0;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        int rc = 0;
        feature_no++;
        if (g) {
            OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
            if (ct && OGR_G_Transform(g, ct) != OGRERR_NONE) {
                OGR_F_Destroy(f);
                return qt_error_set(err, QT_EINVAL, path, _("feature %ld: cannot transform to WGS-84"), feature_no);
            }
            if (t == wkbLineString) {
                rc = add_linestring(v, g);
            } else if (t == wkbMultiLineString) {
                int k;
                for (k = 0; k < OGR_G_GetGeometryCount(g) && !rc; k++)
                    rc = add_linestring(v, OGR_G_GetGeometryRef(g, k));
            }
        }
        OGR_F_Destroy(f);
        if (rc)
            return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    if (!v->nlines)
        return qt_error_set(err, QT_EINVAL, path, _("the layer has no line with two or more vertices"));
    return QT_OK;
}

/* Every vertex checked to be lon/lat; their mean latitude in *lat0. */
static qt_status check_lonlat(const verts *v, const char *path, double *lat0, qt_error *err)
{
    size_t i;
    double sum = 0;
    for (i = 0; i < v->n; i++) {
        if (!isfinite(v->lon[i]) || fabs(v->lon[i]) > 180 || fabs(v->lat[i]) > 90)
            return qt_error_set(err, QT_EINVAL, path,
                                _("vertex (%g, %g) is not lon/lat after transformation: is the CRS right? "
                                  "(set it with --crs EPSG:n)"),
                                v->lon[i], v->lat[i]);
        sum += v->lat[i];
    }
    *lat0 = sum / (double)v->n;
    return QT_OK;
}

/* Vertices clustered within tol metres on a grid of tol-sized cells: node_of[i]
 * is vertex i's node, node_vertex[k] the first vertex of node k, *nnodes the
 * number of nodes.  next_in_cell (v->n entries) is scratch. */
static int cluster_vertices(const verts *v, double lat0, double tol, uint32_t *node_of, uint32_t *node_vertex,
                            uint32_t *next_in_cell, size_t *nnodes)
{
    qt__idmap cells;
    double ky = 6371008.8 * DEG2RAD, kx = ky * cos(lat0 * DEG2RAD);
    size_t i, n = 0;
    int rc = 0;
    memset(&cells, 0, sizeof cells);
    if (qt__idmap_init(&cells, v->n) != 0)
        return -1;
    for (i = 0; i < v->n && !rc; i++) {
        double x = v->lon[i] * kx, y = v->lat[i] * ky;
        long cx = (long)floor(x / tol), cy = (long)floor(y / tol), dx, dy;
        uint32_t found = QT_NODE_NONE;
        double bestd = INFINITY;
        for (dx = -1; dx <= 1; dx++)
            for (dy = -1; dy <= 1; dy++) {
                uint32_t k = qt__idmap_get(&cells, cell_key(cx + dx, cy + dy));
                for (; k != QT_IDMAP_NONE; k = next_in_cell[k]) {
                    size_t vi = node_vertex[k];
                    double d = hypot(v->lon[vi] * kx - x, v->lat[vi] * ky - y);
                    if (d <= tol && d < bestd) {
                        bestd = d;
                        found = k;
                    }
                }
            }
        if (found == QT_NODE_NONE) {
            uint32_t head = qt__idmap_get(&cells, cell_key(cx, cy));
            found = (uint32_t)n++;
            node_vertex[found] = (uint32_t)i;
            next_in_cell[found] = head;
            rc = qt__idmap_set(&cells, cell_key(cx, cy), found) < 0;
        }
        node_of[i] = found;
    }
    qt__idmap_free(&cells);
    *nnodes = n;
    return rc ? -1 : 0;
}

/* The graph of the clustered vertices: consecutive vertices of a line on
 * different nodes give an edge of their haversine length. */
static qt_status build_graph(const verts *v, const uint32_t *node_of, const uint32_t *node_vertex, size_t nnodes,
                             qt_graph **out, qt_error *err)
{
    qt_graph_builder *b = NULL;
    size_t i, l;
    qt_status st = qt_graph_builder_new(&b, err);
    for (i = 0; st == QT_OK && i < nnodes; i++)
        st = qt_graph_builder_add_node(b, (int64_t)i + 1, v->lon[node_vertex[i]], v->lat[node_vertex[i]], err);
    for (l = 0; st == QT_OK && l < v->nlines; l++) {
        for (i = v->line_start[l] + 1; st == QT_OK && i < v->line_start[l + 1]; i++) {
            uint32_t a = node_of[i - 1], c = node_of[i];
            if (a == c)
                continue;
            st = qt_graph_builder_add_edge(b, (int64_t)a + 1, (int64_t)c + 1,
                                           qt_haversine_m(v->lon[node_vertex[a]], v->lat[node_vertex[a]],
                                                          v->lon[node_vertex[c]], v->lat[node_vertex[c]]),
                                           1.0, err);
        }
    }
    if (st == QT_OK)
        st = qt_graph_builder_finish(b, out, err);
    qt_graph_builder_free(b);
    return st;
}

qt_status qt_graph_read_ogr(const char *path, const qt_network_opts *opts, qt_graph **out, qt_error *err)
{
    qt_network_opts def;
    GDALDatasetH ds;
    OGRLayerH layer = NULL;
    OGRSpatialReferenceH src = NULL, wgs = NULL;
    OGRCoordinateTransformationH ct = NULL;
    verts v;
    uint32_t *node_of = NULL, *next_in_cell = NULL, *node_vertex = NULL;
    size_t nnodes = 0;
    qt_status st;
    double lat0 = 0, tol;

    *out = NULL;
    if (!opts) {
        qt_network_opts_default(&def);
        opts = &def;
    }
    tol = opts->join_tolerance_m > 0 ? opts->join_tolerance_m : 0.5;
    memset(&v, 0, sizeof v);
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds)
        return qt_error_set(err, QT_EIO, path, _("cannot open as a vector dataset: %s"),
                            CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : _("unknown format"));
    st = pick_layer(ds, path, opts->layer, &layer, err);
    if (st == QT_OK)
        st = layer_transform(layer, path, opts->source_crs, &src, &wgs, &ct, err);
    if (st == QT_OK)
        st = read_lines(layer, ct, path, &v, err);
    if (st == QT_OK)
        st = check_lonlat(&v, path, &lat0, err);
    if (st == QT_OK) {
        node_of = qt__malloc_array(v.n, sizeof *node_of);
        next_in_cell = qt__malloc_array(v.n, sizeof *next_in_cell);
        node_vertex = qt__malloc_array(v.n, sizeof *node_vertex);
        if (!node_of || !next_in_cell || !node_vertex ||
            cluster_vertices(&v, lat0, tol, node_of, node_vertex, next_in_cell, &nnodes) != 0)
            st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    if (st == QT_OK)
        st = build_graph(&v, node_of, node_vertex, nnodes, out, err);
    qt__free(node_of);
    qt__free(next_in_cell);
    qt__free(node_vertex);
    qt__free(v.lon);
    qt__free(v.lat);
    qt__free(v.line_start);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (src)
        OSRDestroySpatialReference(src);
    if (wgs)
        OSRDestroySpatialReference(wgs);
    GDALClose(ds);
    return st;
}

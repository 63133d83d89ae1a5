/* SPDX-License-Identifier: MIT */
/*
 * quarter/io.h -- reading networks, outlets and points as users hold them.
 *
 * Networks: OpenStreetMap (.osm.pbf, .osm) through readosm, road centre-line
 * layers (GeoPackage, Shapefile, GeoJSON, in any CRS PROJ knows) through
 * GDAL/OGR, and the neutral interchange nodes.csv + edges.csv.
 * Points: pois.csv (id,category,lon,lat[,node]) and origin points
 * (id,lon,lat).  Every reader reports bad input as file:line: column 'x' and
 * what is wrong, and builds nothing on failure.
 *
 * Ownership: every `**out` is the caller's, freed with the matching _free.
 * Readers are reentrant (no shared state).
 */
#ifndef QUARTER_IO_H
#define QUARTER_IO_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/coords.h"
#include "quarter/graph.h"
#include "quarter/inputs.h"
#include "quarter/profile.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A problem found in one row of a table (where: file:line: column 'x').
 * Readers that take one call it for every bad row (up to a cap) and go on,
 * then fail with the count, so one run shows every bad row.  The error is
 * BORROWED for the call.
 */
typedef void (*qt_problem_fn)(void *ud, const qt_error *problem);

typedef struct qt_poi_list {
    size_t n;
    char **id;               /* n ids as written */
    uint32_t *category;      /* n indices into categories */
    double *lon, *lat;       /* n, WGS-84 */
    int64_t *node_id;        /* n, when has_node[i] */
    unsigned char *has_node; /* n */
    uint32_t ncat;
    char **categories; /* ncat names */
    size_t *line;      /* n source line numbers, for messages */
    char *path;        /* source file */
} qt_poi_list;

/** Origin points read from a CSV with id,lon,lat. */
typedef struct qt_point_list {
    size_t n;
    char **id;
    double *lon, *lat;
    size_t *line;
    char *path;
    char **name, **address; /* qt_points_read: "" when the table has none; NULL from qt_points_read_csv */
    double *x, *y;          /* qt_points_read: the coordinates as the table has them (its crs); else NULL */
    char *note;             /* qt_points_read: the coordinate columns chosen, "" when there was no choice */
} qt_point_list;

/** Read pois.csv.  OUT *out, free with qt_poi_list_free(). */
/** The encoding named: "auto", "utf-8" (or "utf8"), "gbk" (or "gb18030");
 *  QT_EINVAL with a message naming it otherwise. */
QT_API qt_status qt_encoding_parse(const char *name, qt_encoding *out, qt_error *err);

QT_API qt_status qt_pois_read_csv(const char *path, qt_poi_list **out, qt_error *err);
QT_API void qt_poi_list_free(qt_poi_list *l);

/** How to read an outlet table: which columns hold what (NULL: guess from the header). */
typedef struct qt_outlet_read_opts {
    qt_encoding encoding;
    qt_crs crs;        /* of the coordinates in the file; converted to WGS-84 */
    const char *layer; /* vector files: layer name; spreadsheets: sheet name or number "2" (NULL: the first) */
    int header_row;    /* CSV line / sheet row of the header; 0: the first row that looks like one */
    const char *id_col, *name_col, *type_col, *code_col, *lon_col, *lat_col, *category_col, *address_col;
    qt_problem_fn on_problem; /* every bad row (NULL: the first bad row is the error) */
    void *problem_ud;
} qt_outlet_read_opts;

/**
 * Read an outlet table and classify every row with the profile: by its
 * category column when there is one (a code or Chinese name of the profile),
 * else by OSM tags, the Amap typecode / type path and the name.
 * Formats: CSV in UTF-8 or GBK; XLSX, GeoJSON, GeoPackage, Shapefile
 * (points, or polygons by their centroid, in the layer's CRS) and
 * OpenStreetMap .osm.pbf / .osm (nodes and areas with shop, amenity, craft,
 * leisure, office, healthcare or tourism tags) through GDAL/OGR.
 * Columns are guessed from common headers (名称/name, 类型/typecode,
 * 类型名/type, 经度/lon/lng, 纬度/lat, 序号/编号/poi_id/id, 品牌/brand,
 * 连锁/chain, 面积/floor_area, 从业人数/staff, 营业时间/opening_hours,
 * 服务/services, 地址/address) unless named in opts; headers compare
 * without a trailing unit in brackets (营业面积(㎡)).  The header is the
 * first of the first 10 rows that looks like one (a title row above it is
 * skipped) unless opts->header_row names it.  Of several coordinate columns
 * the one whose name says opts->crs wins (io/columns.h).
 *
 * Ids: the id column's values (duplicates are bad rows); without one, the
 * natural key "k" + 12 hex digits of a hash of the name and the WGS-84
 * position rounded to 1/20000 degree (about 5 m), "-2", "-3" ... for
 * repeats, so an inserted or deleted row does not change other rows' ids.
 *
 * Names carrying a closed marker (暂停营业, 停业, 歇业, 已关闭, 已搬迁, 装修中) are
 * kept with closed = 1 and category -1.  A 业态 value 其他/其它 is an outlet
 * of no 业态; a value with ';' is taken as an Amap type path.
 *
 * Every bad row is reported to opts->on_problem (up to 20, then counted)
 * and the read fails after the last row with the count; without a callback
 * the first bad row is the error.  Errors name file:line: column 'x'
 * (file:feature N for layers).  OUT *out, free with qt_outlet_list_free().
 */
QT_API qt_status qt_outlets_read(const char *path, const qt_outlet_read_opts *opts, const qt_profile *p,
                                 qt_outlet_list **out, qt_error *err);
QT_API void qt_outlet_list_free(qt_outlet_list *l);

/** How to read a table of places (qt_points_read). */
typedef struct qt_point_read_opts {
    qt_encoding encoding;
    qt_crs crs;                                           /* of the coordinates in the file; converted to WGS-84 */
    const char *layer;                                    /* layer or sheet by name or number, NULL: the first */
    int header_row;                                       /* 0: found */
    const char *id_col, *lon_col, *lat_col, *address_col; /* NULL: guessed */
    qt_problem_fn on_problem;
    void *problem_ud;
} qt_point_read_opts;

/**
 * Read places (candidate sites) from a table as bureaus keep them: any
 * format of qt_outlets_read, ids from id/编号/序号 (else the line), name,
 * address, and the coordinate columns, header row and bad rows handled the
 * same way.  OUT *out, free with qt_point_list_free().
 */
QT_API qt_status qt_points_read(const char *path, const qt_point_read_opts *opts, qt_point_list **out, qt_error *err);

/** Read an origins CSV (id,lon,lat).  OUT *out, free with qt_point_list_free(). */
QT_API qt_status qt_points_read_csv(const char *path, qt_point_list **out, qt_error *err);
QT_API void qt_point_list_free(qt_point_list *l);

/** Read nodes.csv (id,lon,lat) and edges.csv (u,v,length_m). OUT *out, free with qt_graph_free(). */
QT_API qt_status qt_graph_read_interchange(const char *nodes_csv, const char *edges_csv, qt_graph **out, qt_error *err);

/** Write g as nodes.csv and edges.csv (lengths are geometric; costs are not kept). */
QT_API qt_status qt_graph_write_interchange(const qt_graph *g, const char *nodes_csv, const char *edges_csv,
                                            qt_error *err);

/** Options for building a walking network from OSM or a line layer. */
typedef struct qt_network_opts {
    double steps_factor;     /* cost multiplier for highway=steps (default 1.5) */
    double join_tolerance_m; /* line layers: vertices closer than this are one node (default 0.5) */
    const char *layer;       /* line layers: layer name, NULL for the first line layer */
    const char *source_crs;  /* line layers: override the layer's CRS ("EPSG:4547"), or NULL */
} qt_network_opts;

/** Defaults as documented above. */
QT_API void qt_network_opts_default(qt_network_opts *o);

/**
 * Build a walking network from an OSM file (.osm.pbf or .osm) with the
 * walkable-way rules of docs/formats.md.  OUT *out, free with qt_graph_free().
 * Statuses: QT_EIO, QT_EPARSE (damaged or truncated file), QT_EINVAL (no
 * walkable way), QT_ENOMEM.
 */
QT_API qt_status qt_graph_read_osm(const char *path, const qt_network_opts *opts, qt_graph **out, qt_error *err);

/**
 * Build a walking network from a line layer read through GDAL/OGR
 * (GeoPackage, Shapefile, GeoJSON ...), transformed to WGS-84 with PROJ.
 * Every vertex is a node; vertices within join_tolerance_m are merged, so
 * lines that share endpoints are joined.  OUT *out, free with qt_graph_free().
 */
QT_API qt_status qt_graph_read_ogr(const char *path, const qt_network_opts *opts, qt_graph **out, qt_error *err);

/**
 * Any network file, by its name: *.osm.pbf / *.pbf / *.osm -> OSM; *.qgraph ->
 * cache; anything else -> OGR.  OUT *out, free with qt_graph_free().
 */
QT_API qt_status qt_graph_read_any(const char *path, const qt_network_opts *opts, qt_graph **out, qt_error *err);

/**
 * Whether an OSM way with these tags is walkable, and its cost factor.
 * keys/values: n tag pairs.  Returns 1 walkable, 0 not.  *factor (may be
 * NULL) gets 1, or steps_factor for steps.
 */
QT_API int qt_osm_way_walkable(const char *const *keys, const char *const *values, size_t n, double steps_factor,
                               double *factor);

#ifdef __cplusplus
}
#endif
#endif

/* SPDX-License-Identifier: MIT */
/* interchange.c -- nodes.csv / edges.csv / pois.csv / origin points. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/idmap.h"
#include "base/outfile.h"
#include "io/csv.h"
#include "quarter/io.h"

static qt_status check_lonlat(const qt__csv *c, int clon, int clat, double lon, double lat, qt_error *err)
{
    if (lon < -180 || lon > 180)
        return qt__csv_failv(c, clon, err, QT_EINVAL, _("longitude %g is outside [-180, 180]"), lon);
    if (lat < -90 || lat > 90)
        return qt__csv_failv(c, clat, err, QT_EINVAL, _("latitude %g is outside [-90, 90]"), lat);
    return QT_OK;
}

/* Every row of nodes.csv (id, lon, lat) as a node of b. */
static qt_status read_nodes(qt_graph_builder *b, const char *nodes_csv, qt_error *err)
{
    qt__csv c;
    int cid, clon, clat, r;
    qt_status st = qt__csv_open(&c, nodes_csv, err);
    if (st != QT_OK)
        return st;
    if ((st = qt__csv_require(&c, "id", &cid, err)) || (st = qt__csv_require(&c, "lon", &clon, err)) ||
        (st = qt__csv_require(&c, "lat", &clat, err)) ||
        (st = qt_graph_builder_reserve(b, qt__csv_rows_left(&c), 0, err)))
        goto done;
    while ((r = qt__csv_next(&c, err)) > 0) {
        int64_t id;
        double lon, lat;
        if ((st = qt__csv_i64(&c, cid, &id, err)) || (st = qt__csv_double(&c, clon, &lon, err)) ||
            (st = qt__csv_double(&c, clat, &lat, err)) || (st = check_lonlat(&c, clon, clat, lon, lat, err)))
            goto done;
        if ((st = qt_graph_builder_add_node(b, id, lon, lat, err)) != QT_OK) {
            char where[200];
            snprintf(where, sizeof where, "%s:%zu: column 'id'", nodes_csv, c.line);
            qt_error_prefix(err, "%s", where);
            goto done;
        }
    }
    if (r < 0)
        st = err ? err->code : QT_EPARSE;
done:
    qt__csv_close(&c);
    return st;
}

/* Every row of edges.csv (u, v, length_m) as an edge of b between nodes it has. */
static qt_status read_edges(qt_graph_builder *b, const char *edges_csv, const char *nodes_csv, qt_error *err)
{
    qt__csv c;
    int cu, cv, clen, r;
    qt_status st = qt__csv_open(&c, edges_csv, err);
    if (st != QT_OK)
        return st;
    if ((st = qt__csv_require(&c, "u", &cu, err)) || (st = qt__csv_require(&c, "v", &cv, err)) ||
        (st = qt__csv_require(&c, "length_m", &clen, err)) ||
        (st = qt_graph_builder_reserve(b, 0, qt__csv_rows_left(&c), err)))
        goto done;
    while ((r = qt__csv_next(&c, err)) > 0) {
        int64_t u, v;
        double len;
        if ((st = qt__csv_i64(&c, cu, &u, err)) || (st = qt__csv_i64(&c, cv, &v, err)))
            goto done;
        st = qt__csv_double(&c, clen, &len, err);
        if (st == QT_OK && len < 0)
            st = qt__csv_failv(&c, clen, err, QT_EINVAL, _("length %g is negative"), len);
        if (st == QT_OK && qt_graph_builder_find(b, u) == QT_NODE_NONE)
            st = qt__csv_failv(&c, cu, err, QT_ENOTFOUND, _("node %lld is not in %s"), (long long)u, nodes_csv);
        if (st == QT_OK && qt_graph_builder_find(b, v) == QT_NODE_NONE)
            st = qt__csv_failv(&c, cv, err, QT_ENOTFOUND, _("node %lld is not in %s"), (long long)v, nodes_csv);
        if (st == QT_OK)
            st = qt_graph_builder_add_edge(b, u, v, len, 1.0, err);
        if (st != QT_OK)
            goto done;
    }
    if (r < 0)
        st = err ? err->code : QT_EPARSE;
done:
    qt__csv_close(&c);
    return st;
}

qt_status qt_graph_read_interchange(const char *nodes_csv, const char *edges_csv, qt_graph **out, qt_error *err)
{
    qt_graph_builder *b = NULL;
    qt_status st;
    *out = NULL;
    if ((st = qt_graph_builder_new(&b, err)) != QT_OK)
        return st;
    if ((st = read_nodes(b, nodes_csv, err)) == QT_OK && (st = read_edges(b, edges_csv, nodes_csv, err)) == QT_OK)
        st = qt_graph_builder_finish(b, out, err);
    qt_graph_builder_free(b);
    return st;
}

qt_status qt_graph_write_interchange(const qt_graph *g, const char *nodes_csv, const char *edges_csv, qt_error *err)
{
    qt__outfile o;
    uint32_t i, n = qt_graph_node_count(g), m = qt_graph_edge_count(g);
    qt_status st = qt__outfile_open(&o, nodes_csv, err);
    if (st != QT_OK)
        return st;
    qt__outfile_puts(&o, "id,lon,lat\n");
    for (i = 0; i < n; i++) {
        double lon, lat;
        qt_graph_node_coord(g, i, &lon, &lat);
        qt__outfile_printf(&o, "%lld,%.7f,%.7f\n", (long long)qt_graph_node_id(g, i), lon, lat);
    }
    st = qt__outfile_commit(&o, err);
    if (st != QT_OK)
        return st;
    st = qt__outfile_open(&o, edges_csv, err);
    if (st != QT_OK)
        return st;
    qt__outfile_puts(&o, "u,v,length_m\n");
    for (i = 0; i < m; i++) {
        uint32_t u, v;
        double len;
        qt_graph_edge(g, i, &u, &v, &len, NULL);
        qt__outfile_i64(&o, qt_graph_node_id(g, u));
        qt__outfile_puts(&o, ",");
        qt__outfile_i64(&o, qt_graph_node_id(g, v));
        qt__outfile_puts(&o, ",");
        qt__outfile_fixed6(&o, len);
        qt__outfile_puts(&o, "\n");
    }
    return qt__outfile_commit(&o, err);
}

/* ---- points ------------------------------------------------------------ */

void qt_poi_list_free(qt_poi_list *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->n; i++)
        qt__free(l->id[i]);
    for (i = 0; i < l->ncat; i++)
        qt__free(l->categories[i]);
    qt__free(l->id);
    qt__free(l->category);
    qt__free(l->lon);
    qt__free(l->lat);
    qt__free(l->node_id);
    qt__free(l->has_node);
    qt__free(l->categories);
    qt__free(l->line);
    qt__free(l->path);
    qt__free(l);
}

void qt_point_list_free(qt_point_list *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->n; i++) {
        qt__free(l->id[i]);
        qt__free(l->name ? l->name[i] : NULL);
        qt__free(l->address ? l->address[i] : NULL);
    }
    qt__free(l->id);
    qt__free(l->lon);
    qt__free(l->lat);
    qt__free(l->line);
    qt__free(l->path);
    qt__free(l->name);
    qt__free(l->address);
    qt__free(l->note);
    qt__free(l->x);
    qt__free(l->y);
    qt__free(l);
}

/* count data rows (upper bound: newlines) so arrays are allocated once */
static size_t row_bound(const qt__csv *c)
{
    size_t i, n = 1;
    for (i = c->pos; i < c->len; i++)
        n += c->data[i] == '\n';
    return n;
}

/* An empty POI list with room for cap rows; NULL without memory. */
static qt_poi_list *poi_list_new(size_t cap, const char *path)
{
    qt_poi_list *l = qt__calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->id = qt__calloc(cap, sizeof *l->id);
    l->category = qt__malloc_array(cap, sizeof *l->category);
    l->lon = qt__malloc_array(cap, sizeof *l->lon);
    l->lat = qt__malloc_array(cap, sizeof *l->lat);
    l->node_id = qt__calloc(cap, sizeof *l->node_id);
    l->has_node = qt__calloc(cap, 1);
    l->line = qt__malloc_array(cap, sizeof *l->line);
    l->path = qt__strdup(path);
    if (!l->id || !l->category || !l->lon || !l->lat || !l->node_id || !l->has_node || !l->line || !l->path) {
        qt_poi_list_free(l);
        return NULL;
    }
    return l;
}

/* The index of category cat in l->categories, added when new; -1 without memory. */
static long poi_category(qt_poi_list *l, const char *cat, size_t *catcap)
{
    uint32_t k;
    for (k = 0; k < l->ncat; k++)
        if (strcmp(l->categories[k], cat) == 0)
            return k;
    if (qt__grow((void **)&l->categories, catcap, l->ncat + 1, sizeof *l->categories) != 0 ||
        !(l->categories[k] = qt__strdup(cat)))
        return -1;
    l->ncat++;
    return k;
}

typedef struct poi_cols {
    int id, cat, lon, lat, node;
} poi_cols;

/* The current row as POI l->n: QT_OK, an error naming the row and column, or QT_ENOMEM. */
static qt_status poi_row(qt__csv *c, const poi_cols *k, qt_poi_list *l, size_t *catcap, qt_error *err)
{
    size_t i = l->n;
    const char *cat = qt__csv_str(c, k->cat);
    long ci;
    qt_status st;
    if ((st = qt__csv_double(c, k->lon, &l->lon[i], err)) || (st = qt__csv_double(c, k->lat, &l->lat[i], err)) ||
        (st = check_lonlat(c, k->lon, k->lat, l->lon[i], l->lat[i], err)))
        return st;
    if (!*qt__csv_str(c, k->id))
        return qt__csv_failv(c, k->id, err, QT_EPARSE, _("empty id"));
    if (!*cat)
        return qt__csv_failv(c, k->cat, err, QT_EPARSE, _("empty category"));
    if (k->node >= 0 && *qt__csv_str(c, k->node)) {
        if ((st = qt__csv_i64(c, k->node, &l->node_id[i], err)))
            return st;
        l->has_node[i] = 1;
    }
    if ((ci = poi_category(l, cat, catcap)) < 0 || !(l->id[i] = qt__strdup(qt__csv_str(c, k->id))))
        return QT_ENOMEM;
    l->category[i] = (uint32_t)ci;
    l->line[i] = c->line;
    l->n++;
    return QT_OK;
}

qt_status qt_pois_read_csv(const char *path, qt_poi_list **out, qt_error *err)
{
    qt__csv c;
    qt_poi_list *l;
    qt_status st;
    poi_cols k;
    int r;
    size_t catcap = 0;
    *out = NULL;
    st = qt__csv_open(&c, path, err);
    if (st != QT_OK)
        return st;
    if ((st = qt__csv_require(&c, "id", &k.id, err)) || (st = qt__csv_require(&c, "category", &k.cat, err)) ||
        (st = qt__csv_require(&c, "lon", &k.lon, err)) || (st = qt__csv_require(&c, "lat", &k.lat, err))) {
        qt__csv_close(&c);
        return st;
    }
    k.node = qt__csv_col(&c, "node");
    if (!(l = poi_list_new(row_bound(&c), path))) {
        qt__csv_close(&c);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    while ((r = qt__csv_next(&c, err)) > 0 && (st = poi_row(&c, &k, l, &catcap, err)) == QT_OK)
        ;
    if (st == QT_ENOMEM)
        qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    else if (st == QT_OK && r < 0)
        st = err ? err->code : QT_EPARSE;
    qt__csv_close(&c);
    if (st != QT_OK) {
        qt_poi_list_free(l);
        return st;
    }
    *out = l;
    return QT_OK;
}

qt_status qt_points_read_csv(const char *path, qt_point_list **out, qt_error *err)
{
    qt__csv c;
    qt_point_list *l;
    qt_status st;
    int cid, clon, clat, r;
    size_t cap;
    *out = NULL;
    st = qt__csv_open(&c, path, err);
    if (st != QT_OK)
        return st;
    if ((st = qt__csv_require(&c, "id", &cid, err)) || (st = qt__csv_require(&c, "lon", &clon, err)) ||
        (st = qt__csv_require(&c, "lat", &clat, err))) {
        qt__csv_close(&c);
        return st;
    }
    l = qt__calloc(1, sizeof *l);
    cap = row_bound(&c);
    if (!l)
        goto nomem;
    l->id = qt__calloc(cap, sizeof *l->id);
    l->lon = qt__malloc_array(cap, sizeof *l->lon);
    l->lat = qt__malloc_array(cap, sizeof *l->lat);
    l->line = qt__malloc_array(cap, sizeof *l->line);
    l->path = qt__strdup(path);
    if (!l->id || !l->lon || !l->lat || !l->line || !l->path)
        goto nomem;
    while ((r = qt__csv_next(&c, err)) > 0) {
        size_t i = l->n;
        if ((st = qt__csv_double(&c, clon, &l->lon[i], err)) || (st = qt__csv_double(&c, clat, &l->lat[i], err)) ||
            (st = check_lonlat(&c, clon, clat, l->lon[i], l->lat[i], err)))
            goto fail;
        if (!*qt__csv_str(&c, cid)) {
            st = qt__csv_failv(&c, cid, err, QT_EPARSE, _("empty id"));
            goto fail;
        }
        l->id[i] = qt__strdup(qt__csv_str(&c, cid));
        if (!l->id[i])
            goto nomem;
        l->line[i] = c.line;
        l->n++;
    }
    if (r < 0) {
        st = err ? err->code : QT_EPARSE;
        goto fail;
    }
    qt__csv_close(&c);
    *out = l;
    return QT_OK;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
fail:
    qt__csv_close(&c);
    qt_point_list_free(l);
    return st;
}

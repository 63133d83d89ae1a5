/* SPDX-License-Identifier: MIT */
/*
 * cmd_access.c -- quarter access: for every origin and category, the walking
 * distance to the nearest outlet and the number of outlets within R / rings.
 * The command line is a contract that outside checks use: keep it stable.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/outfile.h"
#include "cli/cli.h"
#include "base/geo.h"

static const char help[] = N_(
    "usage: quarter access NETWORK --pois pois.csv [options]\n"
    "  NETWORK is one of: --nodes nodes.csv --edges edges.csv | --graph G.qgraph | --network FILE\n\n"
    "For every origin and every outlet category: the walking distance to the\n"
    "nearest outlet and the number of outlets within R metres (or within each\n"
    "ring), for the whole city in one pass on all cores.\n\n"
    "Output (CSV, one row per origin and category; grouped by category, in order\n"
    "of first appearance in pois.csv, each written as soon as it is computed;\n"
    "within a category, nodes in the graph's spatial order, --origins in file order):\n"
    "  node_id,category,nearest_m,count_within_R                  (default)\n"
    "  node_id,category,nearest_m,nearest_s,count_5min,...        (with --rings)\n"
    "  nearest_m has 6 decimals and is empty when no outlet lies within --max-dist;\n"
    "  with --origins the first column is origin_id.\n\n"
    "Options:\n"
    "  --pois FILE          outlets: id,category,lon,lat[,node] (required)\n"
    "  --origins FILE       origins: id,lon,lat (default: every network node)\n"
    "  --snap edge|node     edge (default): points join the nearest street by a walked\n"
    "                       access leg; node: the nearest node, no leg (and in node mode\n"
    "                       the pois.csv 'node' column wins where present)\n"
    "  --snap-max M         points farther than M metres are reported and left out (default 500)\n"
    "  --radius R           count radius in metres (default 1000)\n"
    "  --max-dist D         nearest search cutoff in metres, or 'inf' (default inf)\n"
    "  --rings LIST         ring minutes, e.g. 5,10,15: adds nearest_s and count_Nmin columns\n"
    "  --speed-kmh S        walking speed for --rings and nearest_s (default 4.0)\n"
    "  --threads N          worker threads (default: all cores); output is identical for any N\n"
    "  --out FILE           output CSV (default standard output); written atomically\n"
    "  --format csv|bin     bin: the same answers as a compact columnar file, one block\n"
    "                       per category (docs/formats.md; bench/read_access_bin.py reads it)\n"
    "  --timings            print seconds to standard error: read (and place), compute\n"
    "                       (the wall time of the searches), sink (formatting rows,\n"
    "                       overlapping other threads' searches), write (sink + commit)\n"
    "  -q, --quiet          no progress output\n");

typedef struct warnlist {
    size_t n;
} warnlist;

static void warn_point(const qt_cli *cli, warnlist *w, const char *what, const char *path, size_t line, const char *id,
                       const qt_error *err)
{
    if (w->n < 5)
        cli_warn(cli, "%s:%zu: %s '%s' left out: %s", path, line, _(what), id, err->msg);
    w->n++;
}

/* A point qt_place left out: the snapper's reason at snap_max (the first five are printed). */
static void left_out(const qt_cli *cli, const qt_snapper *sn, warnlist *w, const char *what, const char *path,
                     size_t line, const char *id, double lon, double lat, double snap_max)
{
    qt_snap s;
    qt_error e = QT_ERROR_INIT;
    if (w->n < 5 && qt_snapper_snap(sn, lon, lat, QT_SNAP_EDGE, snap_max, &s, &e) == QT_OK)
        qt_error_set(&e, QT_ENOTFOUND, NULL, _("nearest street is %.0f m from (%.7f, %.7f), over %.0f m"), s.leg_m, lon,
                     lat, snap_max);
    warn_point(cli, w, what, path, line, id, &e);
}

/* --snap edge with origins: outlets, then origins, placed on one split graph (qt_place). */
static int place_points(const qt_cli *cli, const qt_graph *g, const qt_snapper *sn, const qt_poi_list *pois,
                        const char *pois_path, const qt_point_list *origins, const char *origins_path, double snap_max,
                        qt_placement **out)
{
    qt_error err = QT_ERROR_INIT;
    warnlist wp = {0}, wo = {0};
    size_t i, n = pois->n + origins->n;
    double *lon = malloc((n ? n : 1) * sizeof *lon), *lat = malloc((n ? n : 1) * sizeof *lat);
    qt_status st;
    if (!lon || !lat) {
        free(lon);
        free(lat);
        return QT_EXIT_NOMEM;
    }
    for (i = 0; i < pois->n; i++) {
        lon[i] = pois->lon[i];
        lat[i] = pois->lat[i];
    }
    for (i = 0; i < origins->n; i++) {
        lon[pois->n + i] = origins->lon[i];
        lat[pois->n + i] = origins->lat[i];
    }
    st = qt_place(g, sn, n, lon, lat, snap_max, out, &err);
    free(lon);
    free(lat);
    if (st != QT_OK)
        return cli_fail(cli, &err);
    for (i = 0; i < pois->n; i++)
        if ((*out)->node[i] == QT_NODE_NONE)
            left_out(cli, sn, &wp, N_("outlet"), pois_path, pois->line[i], pois->id[i], pois->lon[i], pois->lat[i],
                     snap_max);
    if (wp.n)
        cli_warn(cli, "%zu of %zu outlets are farther than %.0f m from any street and were left out", wp.n, pois->n,
                 snap_max);
    for (i = 0; i < origins->n; i++)
        if ((*out)->node[pois->n + i] == QT_NODE_NONE)
            left_out(cli, sn, &wo, N_("origin"), origins_path, origins->line[i], origins->id[i], origins->lon[i],
                     origins->lat[i], snap_max);
    if (wo.n)
        cli_warn(cli, "%zu of %zu origins are farther than %.0f m from any street: their rows are empty", wo.n,
                 origins->n, snap_max);
    return 0;
}

/* What the sink needs to write rows; categories arrive in order, one at a time. */
typedef struct writer {
    qt__outfile o;
    const qt_graph *ag;
    const qt_poi_list *pois;
    const qt_point_list *origins;
    const uint32_t *origin_node; /* NULL: origin i is node i */
    size_t norigins;
    int with_rings, with_r;
    size_t nrings, r_index;
    const size_t *ring_index;
    double speed_mps, max_dist;
    double write_s;         /* time spent in the sink */
    int bin;                /* --format bin */
    size_t ncounts;         /* bin: count columns per category */
    uint32_t *count_radius; /* bin: the radius index of each count column */
    void *buf;              /* bin: one column */
} writer;

/* ---- --format bin (docs/formats.md "Access result, binary"): little-endian throughout ---- */

#define BIN_MAGIC   "QTACCESS"
#define BIN_VERSION 1u

static void bin_u32(qt__outfile *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    qt__outfile_write(o, (const char *)b, 4);
}

static void bin_u64(qt__outfile *o, uint64_t v)
{
    bin_u32(o, (uint32_t)v);
    bin_u32(o, (uint32_t)(v >> 32));
}

static void bin_f64(qt__outfile *o, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    bin_u64(o, u);
}

static void bin_str(qt__outfile *o, const char *s)
{
    bin_u32(o, (uint32_t)strlen(s));
    qt__outfile_puts(o, s);
}

static void bin_pad(qt__outfile *o, uint64_t written)
{
    static const char zero[8] = {0};
    if (written % 8)
        qt__outfile_write(o, zero, (size_t)(8 - written % 8));
}

static int little_endian(void)
{
    const uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* n values of size 4 or 8 as little-endian (the host's order on x86 and ARM) */
static void bin_array(qt__outfile *o, const void *p, size_t n, size_t size)
{
    size_t i;
    if (little_endian()) {
        qt__outfile_write(o, p, n * size);
        return;
    }
    for (i = 0; i < n; i++) {
        uint64_t v = 0;
        if (size == 4) {
            uint32_t u;
            memcpy(&u, (const char *)p + 4 * i, 4);
            bin_u32(o, u);
        } else {
            memcpy(&v, (const char *)p + 8 * i, 8);
            bin_u64(o, v);
        }
    }
}

/* header, names and ids: everything before the first category */
static void bin_header(writer *w, const double *rings)
{
    qt__outfile *o = &w->o;
    uint64_t names = 0, i;
    size_t k;
    char name[64];
    qt__outfile_write(o, BIN_MAGIC, 8);
    bin_u32(o, BIN_VERSION);
    bin_u32(o, (w->origins ? 1u : 0u) | (w->with_rings ? 2u : 0u)); /* 1: string ids; 2: the CSV has nearest_s */
    bin_u64(o, w->norigins);
    bin_u32(o, w->pois->ncat);
    bin_u32(o, (uint32_t)w->ncounts);
    bin_f64(o, w->max_dist);
    bin_f64(o, w->speed_mps);
    bin_u64(o, 0);
    bin_u64(o, 0);
    /* the count columns, named as the CSV names them, then the categories */
    for (k = 0; k < w->ncounts; k++) {
        if (w->with_r && k == 0)
            snprintf(name, sizeof name, "count_within_R");
        else
            snprintf(name, sizeof name, "count_%gmin", rings[k - (size_t)w->with_r]);
        bin_str(o, name);
        names += 4 + strlen(name);
    }
    for (k = 0; k < w->pois->ncat; k++) {
        bin_str(o, w->pois->categories[k]);
        names += 4 + strlen(w->pois->categories[k]);
    }
    bin_pad(o, names);
    if (!w->origins) {
        for (i = 0; i < w->norigins; i++)
            bin_u64(o, (uint64_t)qt_graph_node_id(w->ag, (uint32_t)i));
        return;
    }
    for (i = 0, names = 0; i <= w->norigins; i++) {
        bin_u64(o, names);
        if (i < w->norigins)
            names += strlen(w->origins->id[i]);
    }
    for (i = 0; i < w->norigins; i++)
        qt__outfile_puts(o, w->origins->id[i]);
    bin_pad(o, names);
}

/* qt_access_sink for --format bin: the category's index, then its columns */
static qt_status bin_category(void *ud, const qt_access_column *col, qt_error *err)
{
    writer *w = ud;
    double t0 = cli_now_s(), *d = w->buf;
    uint32_t *u = w->buf, nn = qt_graph_node_count(w->ag);
    size_t i, k;
    (void)err;
    bin_u32(&w->o, col->category);
    bin_u32(&w->o, 0);
    for (i = 0; i < w->norigins; i++) {
        uint32_t v = w->origin_node ? w->origin_node[i] : (uint32_t)i;
        double x = v == QT_NODE_NONE ? INFINITY : qt_search_dist(col->nearest, v);
        d[i] = isfinite(x) && x <= w->max_dist ? x : NAN;
    }
    bin_array(&w->o, d, w->norigins, 8);
    for (k = 0; k < w->ncounts; k++) {
        const uint32_t *cnt = col->counts + (size_t)w->count_radius[k] * nn;
        for (i = 0; i < w->norigins; i++) {
            uint32_t v = w->origin_node ? w->origin_node[i] : (uint32_t)i;
            u[i] = v == QT_NODE_NONE ? UINT32_MAX : cnt[v];
        }
        bin_array(&w->o, u, w->norigins, 4);
    }
    bin_pad(&w->o, (uint64_t)w->ncounts * w->norigins * 4);
    w->write_s += cli_now_s() - t0;
    return QT_OK;
}

static void write_header(writer *w, const double *rings)
{
    size_t k;
    qt__outfile_puts(&w->o, w->origins ? "origin_id,category,nearest_m" : "node_id,category,nearest_m");
    if (w->with_rings)
        qt__outfile_puts(&w->o, ",nearest_s");
    if (w->with_r)
        qt__outfile_puts(&w->o, ",count_within_R");
    for (k = 0; w->with_rings && k < w->nrings; k++)
        qt__outfile_printf(&w->o, ",count_%gmin", rings[k]);
    qt__outfile_puts(&w->o, "\n");
}

/* qt_access_sink: the rows of one category, origins in input order */
static qt_status write_category(void *ud, const qt_access_column *col, qt_error *err)
{
    writer *w = ud;
    double t0 = cli_now_s();
    uint32_t c = col->category, nn = qt_graph_node_count(w->ag);
    const char *cname = w->pois->categories[c];
    size_t i, k, cl = strlen(cname);
    char row[1024];
    (void)err;
    for (i = 0; i < w->norigins; i++) {
        uint32_t v = w->origin_node ? w->origin_node[i] : (uint32_t)i;
        char idbuf[32];
        const char *id;
        size_t idlen, n = 0;
        double d = v == QT_NODE_NONE ? INFINITY : qt_search_dist(col->nearest, v);
        if (w->origins) {
            id = w->origins->id[i];
            idlen = strlen(id);
        } else {
            idlen = qt__fmt_i64(idbuf, qt_graph_node_id(w->ag, (uint32_t)i));
            id = idbuf;
        }
        if (idlen + cl + 400 > sizeof row) {
            /* very long ids or names: write piecewise */
            qt__outfile_write(&w->o, id, idlen);
            qt__outfile_puts(&w->o, ",");
            qt__outfile_puts(&w->o, cname);
        } else {
            memcpy(row, id, idlen);
            n = idlen;
            row[n++] = ',';
            memcpy(row + n, cname, cl);
            n += cl;
        }
        row[n++] = ',';
        if (isfinite(d) && d <= w->max_dist)
            n += qt__fmt_fixed6(row + n, d);
        if (w->with_rings) {
            row[n++] = ',';
            if (isfinite(d) && d <= w->max_dist)
                n += qt__fmt_fixed(row + n, d / w->speed_mps, 1);
        }
        if (w->with_r) {
            row[n++] = ',';
            if (v != QT_NODE_NONE)
                n += qt__fmt_i64(row + n, col->counts[w->r_index * nn + v]);
        }
        for (k = 0; w->with_rings && k < w->nrings; k++) {
            row[n++] = ',';
            if (v != QT_NODE_NONE)
                n += qt__fmt_i64(row + n, col->counts[w->ring_index[k] * nn + v]);
        }
        row[n++] = '\n';
        qt__outfile_write(&w->o, row, n);
    }
    w->write_s += cli_now_s() - t0;
    return QT_OK;
}

/* The radii the counts are taken at: R (unless only rings are asked for) and
 * the rings in metres, sorted and distinct; where R and each ring are among them. */
typedef struct radii_set {
    double r[17];
    size_t n, r_index, ring_index[16];
} radii_set;

static void make_radii(int with_r, double R, const double *rings, size_t nrings, double kmh, radii_set *rs)
{
    double ring_m[16];
    size_t i, k;
    rs->n = 0;
    rs->r_index = 0;
    if (with_r)
        rs->r[rs->n++] = R;
    for (k = 0; k < nrings; k++) {
        ring_m[k] = rings[k] * 60 * kmh / 3.6;
        rs->r[rs->n++] = ring_m[k];
    }
    for (i = 1; i < rs->n; i++) /* insertion sort; tiny */
        for (k = i; k > 0 && rs->r[k] < rs->r[k - 1]; k--) {
            double t = rs->r[k];
            rs->r[k] = rs->r[k - 1];
            rs->r[k - 1] = t;
        }
    for (i = 0, k = 0; i < rs->n; i++)
        if (!k || rs->r[i] != rs->r[k - 1])
            rs->r[k++] = rs->r[i];
    rs->n = k;
    for (i = 0; i < rs->n; i++) {
        if (with_r && rs->r[i] == R)
            rs->r_index = i;
        for (k = 0; k < nrings; k++)
            if (rs->r[i] == ring_m[k])
                rs->ring_index[k] = i;
    }
}

/* Edge mode with origins: the outlets and origins are nodes of the split graph pl. */
static void seeds_on_split(const qt_placement *pl, const qt_poi_list *pois, const qt_point_list *origins,
                           qt_access_poi *ap, size_t *nap, uint32_t *origin_node)
{
    size_t i;
    for (i = 0; i < pois->n; i++) {
        if (pl->node[i] == QT_NODE_NONE)
            continue;
        ap[*nap].category = pois->category[i];
        ap[*nap].nseeds = 1;
        ap[*nap].seeds[0] = (qt_seed){pl->node[i], 0};
        (*nap)++;
    }
    for (i = 0; i < origins->n; i++)
        origin_node[i] = pl->node[pois->n + i];
}

/* The outlets as seeds on g: a node column's node, else snapped; those too
 * far from a street left out with a warning.  0, or the exit status. */
static int seeds_on_graph(const qt_cli *cli, const qt_graph *g, const qt_snapper *sn, const qt_poi_list *pois,
                          const char *pois_path, qt_snap_mode mode, double snap_max, qt_access_poi *ap, size_t *nap)
{
    warnlist wp = {0};
    qt_error err = QT_ERROR_INIT;
    size_t i;
    for (i = 0; i < pois->n; i++) {
        qt_snap s;
        qt_error e2 = QT_ERROR_INIT;
        if (mode == QT_SNAP_NODE && pois->has_node[i]) {
            uint32_t v = qt_graph_find_node(g, pois->node_id[i]);
            if (v == QT_NODE_NONE) {
                char where[200];
                snprintf(where, sizeof where, "%s:%zu: column 'node'", pois_path, pois->line[i]);
                qt_error_set(&err, QT_ENOTFOUND, where, _("node %lld is not in the network"),
                             (long long)pois->node_id[i]);
                return cli_fail(cli, &err);
            }
            ap[*nap].category = pois->category[i];
            ap[*nap].nseeds = 1;
            ap[*nap].seeds[0] = (qt_seed){v, 0};
            (*nap)++;
            continue;
        }
        if (qt_snapper_snap(sn, pois->lon[i], pois->lat[i], mode, snap_max, &s, &e2) != QT_OK) {
            warn_point(cli, &wp, N_("outlet"), pois_path, pois->line[i], pois->id[i], &e2);
            continue;
        }
        ap[*nap].category = pois->category[i];
        ap[*nap].nseeds = (uint32_t)qt_snap_seeds(g, &s, mode, ap[*nap].seeds);
        (*nap)++;
    }
    if (wp.n)
        cli_warn(cli, "%zu of %zu outlets are farther than %.0f m from any street and were left out", wp.n, pois->n,
                 snap_max);
    return 0;
}

/* The origins to nodes of g; QT_NODE_NONE (an empty row) for those too far from a street. */
static void origins_on_graph(const qt_cli *cli, const qt_snapper *sn, const qt_point_list *origins,
                             const char *origins_path, qt_snap_mode mode, double snap_max, uint32_t *origin_node)
{
    warnlist wo = {0};
    size_t i;
    for (i = 0; i < origins->n; i++) {
        qt_snap s;
        qt_error e2 = QT_ERROR_INIT;
        origin_node[i] = QT_NODE_NONE;
        if (qt_snapper_snap(sn, origins->lon[i], origins->lat[i], mode, snap_max, &s, &e2) != QT_OK) {
            warn_point(cli, &wo, N_("origin"), origins_path, origins->line[i], origins->id[i], &e2);
            continue;
        }
        origin_node[i] = s.node;
    }
    if (wo.n)
        cli_warn(cli, "%zu of %zu origins are farther than %.0f m from any street: their rows are empty", wo.n,
                 origins->n, snap_max);
}

/* --format bin: the count columns in the CSV's order (R first, then the rings) and a column's buffer. */
static int bin_setup(writer *w, const radii_set *rs)
{
    size_t k;
    w->ncounts = (size_t)w->with_r + (w->with_rings ? w->nrings : 0);
    w->count_radius = malloc((w->ncounts + 1) * sizeof *w->count_radius);
    w->buf = malloc((w->norigins ? w->norigins : 1) * sizeof(double));
    if (!w->count_radius || !w->buf)
        return QT_EXIT_NOMEM;
    for (k = 0; k < w->ncounts; k++)
        w->count_radius[k] = (uint32_t)(w->with_r && k == 0 ? rs->r_index : rs->ring_index[k - (size_t)w->with_r]);
    return 0;
}

/* quarter access's options, parsed and checked */
typedef struct access_args {
    const char *nodes, *edges, *graph, *network, *pois_path, *origins_path, *out, *format;
    int timings, with_rings, with_r;
    qt_snap_mode mode;
    double snap_max, R, max_dist, kmh, rings[16];
    size_t nrings;
    unsigned nthreads;
} access_args;

/* The numbers among the options checked into aa; 0 or the exit status. */
static int check_args(const qt_cli *cli, access_args *aa, const char *snap, const char *smax, const char *radius,
                      const char *maxd, const char *rings_s, const char *speed, const char *threads_s)
{
    int rc;
    if ((rc = cli_snap_mode(cli, "access", snap, &aa->mode)) ||
        (smax && (rc = cli_double(cli, "access", "snap-max", smax, &aa->snap_max))) ||
        (radius && (rc = cli_double(cli, "access", "radius", radius, &aa->R))) ||
        (maxd && (rc = cli_double(cli, "access", "max-dist", maxd, &aa->max_dist))) ||
        (rings_s && (rc = cli_list(cli, "access", "rings", rings_s, aa->rings, 16, &aa->nrings))) ||
        (speed && (rc = cli_double(cli, "access", "speed-kmh", speed, &aa->kmh))) ||
        (rc = cli_threads(cli, "access", threads_s, &aa->nthreads)))
        return rc;
    if (!(aa->R >= 0) || !isfinite(aa->R))
        return cli_usage(cli, "access", "--radius must be a finite number >= 0");
    if (!(aa->max_dist >= 0))
        return cli_usage(cli, "access", "--max-dist must be >= 0 or 'inf'");
    if (!(aa->kmh > 0) || !isfinite(aa->kmh))
        return cli_usage(cli, "access", "--speed-kmh must be positive");
    if (aa->format && strcmp(aa->format, "csv") != 0 && strcmp(aa->format, "bin") != 0)
        return cli_usage(cli, "access", "--format must be csv or bin");
    aa->with_rings = aa->nrings > 0;
    aa->with_r = !aa->with_rings || radius != NULL;
    return 0;
}

/* The command line into aa: 0, the exit status, or -1 when --help was printed. */
static int parse_args(int argc, char **argv, qt_cli *cli, access_args *aa)
{
    const char *snap = NULL, *smax = NULL, *radius = NULL, *maxd = NULL, *rings_s = NULL, *speed = NULL,
               *threads_s = NULL, *pos[1];
    cli_opt opts[] = {{"nodes", 0, 1, &aa->nodes, NULL},
                      {"edges", 0, 1, &aa->edges, NULL},
                      {"graph", 0, 1, &aa->graph, NULL},
                      {"network", 0, 1, &aa->network, NULL},
                      {"pois", 0, 1, &aa->pois_path, NULL},
                      {"origins", 0, 1, &aa->origins_path, NULL},
                      {"snap", 0, 1, &snap, NULL},
                      {"snap-max", 0, 1, &smax, NULL},
                      {"radius", 0, 1, &radius, NULL},
                      {"max-dist", 0, 1, &maxd, NULL},
                      {"rings", 0, 1, &rings_s, NULL},
                      {"speed-kmh", 0, 1, &speed, NULL},
                      {"threads", 0, 1, &threads_s, NULL},
                      {"out", 'o', 1, &aa->out, NULL},
                      {"format", 0, 1, &aa->format, NULL},
                      {"timings", 0, 0, NULL, &aa->timings},
                      {NULL, 0, 0, NULL, NULL}};
    int npos, rc;
    memset(aa, 0, sizeof *aa);
    aa->snap_max = QT_SNAP_DEFAULT_MAX_M;
    aa->R = 1000;
    aa->max_dist = INFINITY;
    aa->kmh = 4.0;
    rc = cli_parse(cli, argc, argv, opts, pos, 0, &npos, _(help));
    if (rc)
        return rc < 0 ? -1 : rc;
    if (!aa->pois_path)
        return cli_usage(cli, "access", "--pois FILE is required");
    return check_args(cli, aa, snap, smax, radius, maxd, rings_s, speed, threads_s);
}

/* one run's graph, points and seeds */
typedef struct access_run {
    qt_graph *g;
    const qt_graph *ag; /* g, or the split graph pl's */
    qt_poi_list *pois;
    qt_point_list *origins;
    qt_snapper *sn;
    qt_access_poi *ap;
    size_t nap, norigins;
    uint32_t *origin_node;
    qt_placement *pl; /* edge mode with origins: every point a node of a split graph */
} access_run;

/* The outlets and origins read, and a snapper when some point needs one; 0 or the exit status. */
static int read_points(const qt_cli *cli, const access_args *aa, access_run *ar)
{
    qt_error err = QT_ERROR_INIT;
    int need_snapper;
    size_t i;
    if (qt_pois_read_csv(aa->pois_path, &ar->pois, &err) != QT_OK)
        return cli_fail(cli, &err);
    if (aa->origins_path && qt_points_read_csv(aa->origins_path, &ar->origins, &err) != QT_OK)
        return cli_fail(cli, &err);
    need_snapper = aa->mode == QT_SNAP_EDGE || ar->origins != NULL;
    for (i = 0; !need_snapper && i < ar->pois->n; i++)
        need_snapper = !ar->pois->has_node[i];
    if (need_snapper && qt_snapper_new(ar->g, &ar->sn, &err) != QT_OK)
        return cli_fail(cli, &err);
    return 0;
}

/* The outlets to seeds and the origins to nodes, of g or of a split graph; 0 or the exit status. */
static int place_all(const qt_cli *cli, const access_args *aa, access_run *ar)
{
    int rc;
    ar->norigins = ar->origins ? ar->origins->n : qt_graph_node_count(ar->g);
    ar->ap = calloc(ar->pois->n ? ar->pois->n : 1, sizeof *ar->ap);
    if (ar->origins)
        ar->origin_node = malloc((ar->norigins ? ar->norigins : 1) * sizeof *ar->origin_node);
    if (!ar->ap || (ar->origins && !ar->origin_node))
        return QT_EXIT_NOMEM;
    ar->ag = ar->g;
    if (aa->mode == QT_SNAP_EDGE && ar->origins) {
        if ((rc = place_points(cli, ar->g, ar->sn, ar->pois, aa->pois_path, ar->origins, aa->origins_path, aa->snap_max,
                               &ar->pl)) != 0)
            return rc;
        ar->ag = ar->pl->graph;
        seeds_on_split(ar->pl, ar->pois, ar->origins, ar->ap, &ar->nap, ar->origin_node);
        return 0;
    }
    /* outlets to seeds, origins to nodes of g */
    if ((rc = seeds_on_graph(cli, ar->g, ar->sn, ar->pois, aa->pois_path, aa->mode, aa->snap_max, ar->ap, &ar->nap)) !=
        0)
        return rc;
    if (ar->origins)
        origins_on_graph(cli, ar->sn, ar->origins, aa->origins_path, aa->mode, aa->snap_max, ar->origin_node);
    return 0;
}

/* what the sink needs, from the options and the placed points */
static void writer_init(writer *w, const access_args *aa, const access_run *ar, const radii_set *rs)
{
    w->ag = ar->ag;
    w->pois = ar->pois;
    w->origins = ar->origins;
    w->origin_node = ar->origin_node;
    w->norigins = ar->norigins;
    w->with_rings = aa->with_rings;
    w->with_r = aa->with_r;
    w->nrings = aa->nrings;
    w->r_index = rs->r_index;
    w->ring_index = rs->ring_index;
    w->speed_mps = qt__kmh_mps(aa->kmh);
    w->max_dist = aa->max_dist;
    w->bin = aa->format && strcmp(aa->format, "bin") == 0;
}

/* The searches streamed into the output, committed; --timings told.  0 or the exit status; *opened says
 * whether w->o is still to be aborted. */
static int stream_out(qt_cli *cli, const access_args *aa, const access_run *ar, const radii_set *rs, writer *w,
                      int *opened, double t0)
{
    qt_error err = QT_ERROR_INIT;
    qt_access_stats stats = {0, 0, 0};
    qt_access_opts ao;
    double t1 = cli_now_s(), t2;
    memset(&ao, 0, sizeof ao);
    ao.max_dist_m = aa->max_dist;
    ao.radii_m = rs->r;
    ao.nradii = rs->n;
    ao.threads = aa->nthreads;
    ao.progress = cli_progress;
    ao.progress_ud = cli;
    ao.stats = &stats;
    if (qt__outfile_open(&w->o, aa->out, &err) != QT_OK)
        return cli_fail(cli, &err);
    *opened = 1;
    if (w->bin)
        bin_header(w, aa->rings);
    else
        write_header(w, aa->rings);
    if (qt_access_stream(ar->ag, ar->pois->ncat, ar->ap, ar->nap, &ao, w->bin ? bin_category : write_category, w,
                         &err) != QT_OK) {
        cli_progress_done(cli);
        return cli_fail(cli, &err);
    }
    cli_progress_done(cli);
    t2 = cli_now_s();
    *opened = 0;
    if (qt__outfile_commit(&w->o, &err) != QT_OK)
        return cli_fail(cli, &err);
    if (aa->timings)
        fprintf(stderr,
                "timings: nodes=%u pois=%zu categories=%u read_s=%.3f compute_s=%.3f sink_s=%.3f "
                "write_s=%.3f\n",
                qt_graph_node_count(ar->ag), ar->nap, ar->pois->ncat, t1 - t0, stats.search_s, stats.sink_s,
                stats.sink_s + cli_now_s() - t2);
    return 0;
}

int cmd_access(int argc, char **argv, qt_cli *cli)
{
    double t0 = cli_now_s();
    access_args aa;
    access_run ar;
    radii_set rs;
    writer w = {0};
    int rc, opened = 0;

    if ((rc = parse_args(argc, argv, cli, &aa)) != 0)
        return rc < 0 ? 0 : rc;
    make_radii(aa.with_r, aa.R, aa.rings, aa.nrings, aa.kmh, &rs);
    memset(&ar, 0, sizeof ar);
    rc = cli_load_graph(cli, "access", aa.graph, aa.network, aa.nodes, aa.edges, NULL, &ar.g);
    if (rc)
        return rc;
    if ((rc = read_points(cli, &aa, &ar)) != 0 || (rc = place_all(cli, &aa, &ar)) != 0)
        goto done;
    writer_init(&w, &aa, &ar, &rs);
    if (w.bin && (rc = bin_setup(&w, &rs)) != 0)
        goto done;
    rc = stream_out(cli, &aa, &ar, &rs, &w, &opened, t0);
done:
    if (opened)
        qt__outfile_abort(&w.o);
    qt_placement_free(ar.pl);
    qt_graph_free(ar.g);
    qt_snapper_free(ar.sn);
    qt_poi_list_free(ar.pois);
    qt_point_list_free(ar.origins);
    free(ar.ap);
    free(ar.origin_node);
    free(w.count_radius);
    free(w.buf);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/* cmd_graph.c -- quarter graph build|info|export */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "cli/cli.h"

static const char build_help[] = N_(
    "usage: quarter graph build INPUT -o OUT.qgraph [options]\n"
    "       quarter graph build --nodes nodes.csv --edges edges.csv -o OUT.qgraph\n\n"
    "Build the walking network and write it as a binary cache (.qgraph) that loads\n"
    "in well under a second.  INPUT is an OpenStreetMap extract (.osm.pbf, .osm) or a\n"
    "road centre-line layer GDAL reads (GeoPackage, Shapefile, GeoJSON), in any CRS\n"
    "PROJ knows.\n\n"
    "Options:\n"
    "  -o, --out FILE          the .qgraph to write (required)\n"
    "  --nodes FILE, --edges FILE   the neutral interchange instead of INPUT\n"
    "  --steps-factor F        cost multiplier for highway=steps (default 1.5)\n"
    "  --join-tolerance M      line layers: vertices closer than M metres are joined (default 0.5)\n"
    "  --layer NAME            line layers: which layer (default: the first line layer)\n"
    "  --crs CRS               line layers: the layer's CRS when the file does not say (EPSG:4547)\n"
    "  -q, --quiet             no progress output\n");

static const char info_help[] = N_(
    "usage: quarter graph info GRAPH\n\n"
    "Print node and edge counts, total length, the bounding box and the\n"
    "connected components of a network (.qgraph, OSM or line layer):\n"
    "components, largest_component_nodes/_share, other_components_nodes (the\n"
    "ten next largest).  Points on a part that does not reach the largest one\n"
    "reach only what is on that part; a warning says how much that is.\n");

static const char export_help[] = N_(
    "usage: quarter graph export GRAPH --nodes-out nodes.csv --edges-out edges.csv\n\n"
    "Write a network as the neutral interchange (id,lon,lat / u,v,length_m).\n");

static const char graph_help[] = N_(
    "usage: quarter graph build|info|export ...\n\n"
    "  build    build a network and write the .qgraph cache\n"
    "  info     describe a network\n"
    "  export   write nodes.csv and edges.csv\n\n"
    "Run 'quarter graph SUBCOMMAND --help' for details.\n");

static int graph_build(int argc, char **argv, qt_cli *cli)
{
    const char *out = NULL, *nodes = NULL, *edges = NULL, *steps = NULL, *tol = NULL, *layer = NULL, *crs = NULL,
               *pos[1];
    int npos, rc;
    qt_network_opts no;
    qt_graph *g = NULL;
    qt_error err = QT_ERROR_INIT;
    cli_opt opts[] = {{"out", 'o', 1, &out, NULL},
                      {"nodes", 0, 1, &nodes, NULL},
                      {"edges", 0, 1, &edges, NULL},
                      {"steps-factor", 0, 1, &steps, NULL},
                      {"join-tolerance", 0, 1, &tol, NULL},
                      {"layer", 0, 1, &layer, NULL},
                      {"crs", 0, 1, &crs, NULL},
                      {NULL, 0, 0, NULL, NULL}};
    rc = cli_parse(cli, argc, argv, opts, pos, 1, &npos, _(build_help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!out)
        return cli_usage(cli, "graph build", "-o OUT.qgraph is required");
    qt_network_opts_default(&no);
    if (steps && (rc = cli_double(cli, "graph build", "steps-factor", steps, &no.steps_factor)))
        return rc;
    if (tol && (rc = cli_double(cli, "graph build", "join-tolerance", tol, &no.join_tolerance_m)))
        return rc;
    no.layer = layer;
    no.source_crs = crs;
    if (npos && (nodes || edges))
        return cli_usage(cli, "graph build", "give INPUT or --nodes/--edges, not both");
    if (!npos && !nodes && !edges)
        return cli_usage(cli, "graph build", "no input: give INPUT or --nodes/--edges");
    rc = cli_load_graph(cli, "graph build", NULL, npos ? pos[0] : NULL, nodes, edges, &no, &g);
    if (rc)
        return rc;
    if (qt_graph_save(g, out, &err) != QT_OK) {
        qt_graph_free(g);
        return cli_fail(cli, &err);
    }
    fprintf(stderr, _("%s: wrote %s: %u nodes, %u edges\n"), cli->prog, out, qt_graph_node_count(g),
            qt_graph_edge_count(g));
    qt_graph_free(g);
    return 0;
}

static int graph_info(int argc, char **argv, qt_cli *cli)
{
    const char *pos[1];
    int npos, rc;
    qt_graph *g = NULL;
    cli_opt opts[] = {{NULL, 0, 0, NULL, NULL}};
    double minlon = 180, maxlon = -180, minlat = 90, maxlat = -90, total = 0;
    uint32_t i;
    rc = cli_parse(cli, argc, argv, opts, pos, 1, &npos, _(info_help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!npos)
        return cli_usage(cli, "graph info", "which graph?");
    rc = cli_load_graph(cli, "graph info", NULL, pos[0], NULL, NULL, NULL, &g);
    if (rc)
        return rc;
    for (i = 0; i < qt_graph_node_count(g); i++) {
        double lon, lat;
        qt_graph_node_coord(g, i, &lon, &lat);
        minlon = lon < minlon ? lon : minlon;
        maxlon = lon > maxlon ? lon : maxlon;
        minlat = lat < minlat ? lat : minlat;
        maxlat = lat > maxlat ? lat : maxlat;
    }
    for (i = 0; i < qt_graph_edge_count(g); i++) {
        double len;
        qt_graph_edge(g, i, NULL, NULL, &len, NULL);
        total += len;
    }
    printf("nodes: %u\nedges: %u\nlength_km: %.3f\nbbox: %.7f,%.7f,%.7f,%.7f\n", qt_graph_node_count(g),
           qt_graph_edge_count(g), total / 1000, minlon, minlat, maxlon, maxlat);
    {
        qt_components *cc = NULL;
        qt_error err = QT_ERROR_INIT;
        uint32_t k, n = qt_graph_node_count(g);
        if (qt_graph_components(g, &cc, &err) != QT_OK) {
            qt_graph_free(g);
            return cli_fail(cli, &err);
        }
        printf("components: %u\nlargest_component_nodes: %u\nlargest_component_share: %.1f%%\n", cc->count,
               cc->count ? cc->size[0] : 0, n ? 100.0 * (cc->count ? cc->size[0] : 0) / n : 0.0);
        if (cc->count > 1) {
            printf("other_components_nodes:");
            for (k = 1; k < cc->count && k <= 10; k++)
                printf(" %u", cc->size[k]);
            printf("%s\n", cc->count > 11 ? " ..." : "");
            if (!cli->quiet)
                cli_warn(cli,
                         _("%s: %u parts of the network do not reach the largest one (%u nodes, %.1f%%); "
                           "points snapped to them reach only what is on them"),
                         pos[0], cc->count - 1, n - cc->size[0], 100.0 * (n - cc->size[0]) / n);
        }
        qt_components_free(cc);
    }
    qt_graph_free(g);
    return 0;
}

static int graph_export(int argc, char **argv, qt_cli *cli)
{
    const char *pos[1], *nodes = NULL, *edges = NULL;
    int npos, rc;
    qt_graph *g = NULL;
    qt_error err = QT_ERROR_INIT;
    cli_opt opts[] = {{"nodes-out", 0, 1, &nodes, NULL}, {"edges-out", 0, 1, &edges, NULL}, {NULL, 0, 0, NULL, NULL}};
    rc = cli_parse(cli, argc, argv, opts, pos, 1, &npos, _(export_help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!npos || !nodes || !edges)
        return cli_usage(cli, "graph export", "GRAPH, --nodes-out and --edges-out are required");
    rc = cli_load_graph(cli, "graph export", NULL, pos[0], NULL, NULL, NULL, &g);
    if (rc)
        return rc;
    if (qt_graph_write_interchange(g, nodes, edges, &err) != QT_OK) {
        qt_graph_free(g);
        return cli_fail(cli, &err);
    }
    qt_graph_free(g);
    return 0;
}

int cmd_graph(int argc, char **argv, qt_cli *cli)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(_(graph_help), argc < 2 ? stderr : stdout);
        return argc < 2 ? QT_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "build") == 0)
        return graph_build(argc - 1, argv + 1, cli);
    if (strcmp(argv[1], "info") == 0)
        return graph_info(argc - 1, argv + 1, cli);
    if (strcmp(argv[1], "export") == 0)
        return graph_export(argc - 1, argv + 1, cli);
    return cli_usage(cli, "graph", "'%s' is not a graph subcommand (build, info, export)", argv[1]);
}

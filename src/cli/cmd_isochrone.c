/* SPDX-License-Identifier: MIT */
/* cmd_isochrone.c -- quarter isochrone: reachable areas as GeoJSON polygons. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/i18n.h"
#include "cli/cli.h"
#include "base/geo.h"

static const char help[] = N_(
    "usage: quarter isochrone (--graph G.qgraph | --network FILE) --at LON,LAT [options]\n\n"
    "Areas reachable on foot from a point within each time budget, as a GeoJSON\n"
    "FeatureCollection of (Multi)Polygons, smallest first, with properties minutes,\n"
    "cost_m, area_m2.  Rings nest, holes enclosed by reached streets are filled\n"
    "(up to --max-hole-ha), and only streets reached on the network are covered.\n\n"
    "Options:\n"
    "  --minutes LIST       budgets in minutes, ascending (default 5,10,15)\n"
    "  --speed-kmh S        walking speed (default 4.0)\n"
    "  --buffer M           half-width drawn around reached streets (default 40)\n"
    "  --max-hole-ha A      fill holes up to A hectares (default 50)\n"
    "  --snap edge|node     attach the point to the nearest street (default) or node\n"
    "  --snap-max M         refuse a point farther than M metres from a street (default 500)\n"
    "  -o, --out FILE       write here instead of standard output\n");

int cmd_isochrone(int argc, char **argv, qt_cli *cli)
{
    const char *graph = NULL, *network = NULL, *at = NULL, *mins = NULL, *speed = NULL, *buf = NULL, *hole = NULL,
               *snap = NULL, *smax = NULL, *out = NULL, *pos[1];
    cli_opt opts[] = {
        {"graph", 0, 1, &graph, NULL},      {"network", 0, 1, &network, NULL}, {"at", 0, 1, &at, NULL},
        {"minutes", 0, 1, &mins, NULL},     {"speed-kmh", 0, 1, &speed, NULL}, {"buffer", 0, 1, &buf, NULL},
        {"max-hole-ha", 0, 1, &hole, NULL}, {"snap", 0, 1, &snap, NULL},       {"snap-max", 0, 1, &smax, NULL},
        {"out", 'o', 1, &out, NULL},        {NULL, 0, 0, NULL, NULL}};
    int npos, rc;
    double lon, lat, minutes[16] = {5, 10, 15}, kmh = 4.0, snap_max = QT_SNAP_DEFAULT_MAX_M, ha = 50;
    size_t nmin = 3;
    qt_snap_mode mode;
    qt_isochrone_opts io;
    qt_graph *g = NULL;
    qt_snapper *sn = NULL;
    qt_search *ws = NULL;
    qt_snap s;
    qt_error err = QT_ERROR_INIT;
    char *gj = NULL;

    rc = cli_parse(cli, argc, argv, opts, pos, 0, &npos, _(help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!at)
        return cli_usage(cli, "isochrone", "--at LON,LAT is required");
    qt_isochrone_opts_default(&io);
    if ((rc = cli_lonlat(cli, "isochrone", "at", at, &lon, &lat)) ||
        (mins && (rc = cli_list(cli, "isochrone", "minutes", mins, minutes, 16, &nmin))) ||
        (speed && (rc = cli_double(cli, "isochrone", "speed-kmh", speed, &kmh))) ||
        (buf && (rc = cli_double(cli, "isochrone", "buffer", buf, &io.buffer_m))) ||
        (hole && (rc = cli_double(cli, "isochrone", "max-hole-ha", hole, &ha))) ||
        (smax && (rc = cli_double(cli, "isochrone", "snap-max", smax, &snap_max))) ||
        (rc = cli_snap_mode(cli, "isochrone", snap, &mode)))
        return rc;
    if (!(kmh > 0) || !isfinite(kmh) || !(io.buffer_m > 0) || !isfinite(io.buffer_m) || !(ha >= 0))
        return cli_usage(cli, "isochrone", "--speed-kmh and --buffer must be positive, --max-hole-ha >= 0");
    io.speed_mps = qt__kmh_mps(kmh);
    io.max_hole_m2 = ha * 10000;
    rc = cli_load_graph(cli, "isochrone", graph, network, NULL, NULL, NULL, &g);
    if (rc)
        return rc;
    if (qt_snapper_new(g, &sn, &err) || qt_search_new(g, &ws, &err)) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (qt_snapper_snap(sn, lon, lat, mode, snap_max, &s, &err) != QT_OK) {
        qt_error_prefix(&err, "--at");
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (qt_isochrone_geojson(g, ws, &s, mode, minutes, nmin, &io, &gj, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    rc = cli_write_text(cli, out, gj);
done:
    free(gj);
    qt_search_free(ws);
    qt_snapper_free(sn);
    qt_graph_free(g);
    return rc;
}

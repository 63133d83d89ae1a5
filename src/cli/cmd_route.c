/* SPDX-License-Identifier: MIT */
/* cmd_route.c -- quarter route: shortest walking route as GeoJSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "cli/cli.h"
#include "base/geo.h"

static const char help[] = N_(
    "usage: quarter route (--graph G.qgraph | --network FILE) --from LON,LAT --to LON,LAT [options]\n\n"
    "Shortest walking route between two points (WGS-84), written as a GeoJSON\n"
    "Feature with a LineString and properties length_m, time_s, cost_m.\n\n"
    "Options:\n"
    "  --snap edge|node     attach points to the nearest street (default) or node\n"
    "  --snap-max M         refuse points farther than M metres from a street (default 500)\n"
    "  --speed-kmh S        walking speed (default 4.0)\n"
    "  -o, --out FILE       write here instead of standard output\n");

int cmd_route(int argc, char **argv, qt_cli *cli)
{
    const char *graph = NULL, *network = NULL, *from = NULL, *to = NULL, *snap = NULL, *smax = NULL, *speed = NULL,
               *out = NULL, *pos[1];
    cli_opt opts[] = {
        {"graph", 0, 1, &graph, NULL},     {"network", 0, 1, &network, NULL}, {"from", 0, 1, &from, NULL},
        {"to", 0, 1, &to, NULL},           {"snap", 0, 1, &snap, NULL},       {"snap-max", 0, 1, &smax, NULL},
        {"speed-kmh", 0, 1, &speed, NULL}, {"out", 'o', 1, &out, NULL},       {NULL, 0, 0, NULL, NULL}};
    int npos, rc;
    double flon, flat, tlon, tlat, snap_max = QT_SNAP_DEFAULT_MAX_M, kmh = 4.0;
    qt_snap_mode mode;
    qt_graph *g = NULL;
    qt_snapper *sn = NULL;
    qt_search *ws = NULL;
    qt_snap a, b;
    qt_route *r = NULL;
    qt_error err = QT_ERROR_INIT;
    char *text = NULL;

    rc = cli_parse(cli, argc, argv, opts, pos, 0, &npos, _(help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!from || !to)
        return cli_usage(cli, "route", "--from and --to are required");
    if ((rc = cli_lonlat(cli, "route", "from", from, &flon, &flat)) ||
        (rc = cli_lonlat(cli, "route", "to", to, &tlon, &tlat)) || (rc = cli_snap_mode(cli, "route", snap, &mode)) ||
        (smax && (rc = cli_double(cli, "route", "snap-max", smax, &snap_max))) ||
        (speed && (rc = cli_double(cli, "route", "speed-kmh", speed, &kmh))))
        return rc;
    if (!(kmh > 0) || !isfinite(kmh))
        return cli_usage(cli, "route", "--speed-kmh must be a positive number");
    rc = cli_load_graph(cli, "route", graph, network, NULL, NULL, NULL, &g);
    if (rc)
        return rc;
    if (qt_snapper_new(g, &sn, &err) || qt_search_new(g, &ws, &err)) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (qt_snapper_snap(sn, flon, flat, mode, snap_max, &a, &err) != QT_OK) {
        qt_error_prefix(&err, "--from");
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (qt_snapper_snap(sn, tlon, tlat, mode, snap_max, &b, &err) != QT_OK) {
        qt_error_prefix(&err, "--to");
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (qt_route_compute(g, ws, flon, flat, &a, tlon, tlat, &b, mode, qt__kmh_mps(kmh), &r, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (qt_route_geojson(r, kmh, mode, &text, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    rc = cli_write_text(cli, out, text);
done:
    free(text);
    qt_route_free(r);
    qt_search_free(ws);
    qt_snapper_free(sn);
    qt_graph_free(g);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/* cmd_nearby.c -- quarter nearby: the nearest outlets of a store by walking, as CSV. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/i18n.h"
#include "cli/cli.h"
#include "base/geo.h"

static const char help[] = N_(
    "usage: quarter nearby --graph G.qgraph --db FILE|URL --at LON,LAT [options]\n\n"
    "The outlets of the store (quarter import) nearest to a point (WGS-84) by\n"
    "walking, nearest first, the same search as GET /api/v1/nearby.  Writes CSV:\n"
    "id,name,category,distance_m,time_s,lon,lat.  Outlets marked closed (by a\n"
    "re-import) are not listed.\n\n"
    "Options:\n"
    "  --minutes N          walking time budget, 1 to 60 (default 15)\n"
    "  --category C         only this 业态 code (e.g. B12)\n"
    "  --q TEXT             only outlets whose name, address or services contain TEXT\n"
    "  --service S          only outlets offering S (生活缴费 finds 代收代缴 and its kin)\n"
    "  --limit K            at most K outlets (default 20, up to 100000)\n"
    "  --speed-kmh S        walking speed (default 4.0)\n"
    "  -o, --out FILE       write here instead of standard output\n");

typedef struct loader {
    qt_nearby_builder *b;
} loader;

static qt_status add_outlet(void *ud, const qt_store_outlet *o, qt_error *err)
{
    loader *ld = ud;
    qt_nearby_outlet no;
    memset(&no, 0, sizeof no);
    if (o->closed_at)
        return QT_OK; /* a closed outlet is never found */
    no.id = o->id;
    no.name = o->name;
    no.category = o->category;
    no.services = o->services;
    no.opening_hours = o->opening_hours;
    no.lon = o->lon;
    no.lat = o->lat;
    return qt_nearby_builder_add(ld->b, &no, NULL, err);
}

/* the store's outlets in a new index */
static qt_status load_index(qt_store *st, const qt_graph *g, const qt_snapper *sn, qt_nearby_index **ix, qt_error *err)
{
    loader ld = {NULL};
    qt_status rc = qt_nearby_builder_new(g, sn, &ld.b, err);
    if (rc == QT_OK && (rc = qt_store_outlets_each(st, add_outlet, &ld, err)) == QT_OK) {
        rc = qt_nearby_builder_finish(ld.b, ix, err);
        ld.b = NULL;
    }
    qt_nearby_builder_free(ld.b);
    return rc;
}

static qt_status write_csv(const char *out, const qt_nearby_hit *h, size_t n, double mps, qt_error *err)
{
    qt__outfile o;
    size_t i;
    qt_status rc = qt__outfile_open(&o, out, err);
    if (rc != QT_OK)
        return rc;
    qt__outfile_puts(&o, "id,name,category,distance_m,time_s,lon,lat\n");
    for (i = 0; i < n; i++) {
        qt__outfile_i64(&o, h[i].id);
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, h[i].name);
        qt__outfile_puts(&o, ",");
        qt__outfile_csv(&o, h[i].category ? h[i].category : "");
        qt__outfile_puts(&o, ",");
        qt__outfile_double(&o, h[i].dist_m, 1);
        qt__outfile_puts(&o, ",");
        qt__outfile_double(&o, h[i].dist_m / mps, 0);
        qt__outfile_puts(&o, ",");
        qt__outfile_fixed6(&o, h[i].lon);
        qt__outfile_puts(&o, ",");
        qt__outfile_fixed6(&o, h[i].lat);
        qt__outfile_puts(&o, "\n");
    }
    return qt__outfile_commit(&o, err);
}

/* --at, --minutes, --limit and --speed-kmh read and checked; 0 or the exit status */
static int check_numbers(const qt_cli *cli, const char *at, const char *minutes_s, const char *limit_s,
                         const char *speed, double *lon, double *lat, double *minutes, double *limit, double *kmh)
{
    int rc;
    if ((rc = cli_lonlat(cli, "nearby", "at", at, lon, lat)) ||
        (minutes_s && (rc = cli_double(cli, "nearby", "minutes", minutes_s, minutes))) ||
        (limit_s && (rc = cli_double(cli, "nearby", "limit", limit_s, limit))) ||
        (speed && (rc = cli_double(cli, "nearby", "speed-kmh", speed, kmh))))
        return rc;
    if (!(*minutes >= 1 && *minutes <= 60))
        return cli_usage(cli, "nearby", "--minutes is 1 to 60");
    if (!(*limit >= 1 && *limit <= 100000) || *limit != floor(*limit))
        return cli_usage(cli, "nearby", "--limit is a whole number from 1 to 100000");
    if (!(*kmh > 0) || !isfinite(*kmh))
        return cli_usage(cli, "nearby", "--speed-kmh must be a positive number");
    return 0;
}

int cmd_nearby(int argc, char **argv, qt_cli *cli)
{
    const char *graph = NULL, *db = NULL, *at = NULL, *minutes_s = NULL, *category = NULL, *q = NULL, *service = NULL,
               *limit_s = NULL, *speed = NULL, *out = NULL, *pos[1];
    cli_opt opts[] = {{"graph", 0, 1, &graph, NULL},
                      {"db", 0, 1, &db, NULL},
                      {"at", 0, 1, &at, NULL},
                      {"minutes", 0, 1, &minutes_s, NULL},
                      {"category", 0, 1, &category, NULL},
                      {"q", 0, 1, &q, NULL},
                      {"service", 0, 1, &service, NULL},
                      {"limit", 0, 1, &limit_s, NULL},
                      {"speed-kmh", 0, 1, &speed, NULL},
                      {"out", 'o', 1, &out, NULL},
                      {NULL, 0, 0, NULL, NULL}};
    int npos, rc;
    double lon, lat, minutes = 15, limit = 20, kmh = 4.0;
    qt_graph *g = NULL;
    qt_snapper *sn = NULL;
    qt_store *st = NULL;
    qt_nearby_index *ix = NULL;
    qt_nearby_ws *w = NULL;
    qt_nearby_query nq;
    const qt_nearby_hit *hits = NULL;
    size_t nhits = 0;
    int64_t *ids = NULL;
    static const int64_t no_match = 0;
    qt_snap sp;
    qt_error err = QT_ERROR_INIT;

    rc = cli_parse(cli, argc, argv, opts, pos, 0, &npos, _(help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!graph || !db || !at)
        return cli_usage(cli, "nearby", "--graph, --db and --at are required");
    if ((rc = check_numbers(cli, at, minutes_s, limit_s, speed, &lon, &lat, &minutes, &limit, &kmh)) != 0)
        return rc;
    if (access(db, R_OK) != 0) { /* opening would create an empty store */
        qt_error_set(&err, QT_EIO, db, _("no such store (make one with quarter import)"));
        return cli_fail(cli, &err);
    }
    if ((rc = cli_load_graph(cli, "nearby", graph, NULL, NULL, NULL, NULL, &g)) != 0)
        return rc;
    memset(&nq, 0, sizeof nq);
    nq.max_m = qt__minutes_m(minutes, qt__kmh_mps(kmh));
    nq.limit = (size_t)limit;
    nq.category = category;
    nq.service = service;
    if (qt_snapper_new(g, &sn, &err) != QT_OK || qt_store_open(db, &st, &err) != QT_OK ||
        load_index(st, g, sn, &ix, &err) != QT_OK || qt_nearby_ws_new(g, &w, &err) != QT_OK ||
        (q && *q && qt_store_outlets_match(st, q, &ids, &nq.nids, &err) != QT_OK)) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (q && *q)
        nq.ids = ids ? ids : &no_match; /* with nids 0: nothing passes */
    if (qt_snapper_snap(sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &err) != QT_OK) {
        qt_error_prefix(&err, "--at");
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (qt_nearby_search(ix, w, &sp, &nq, &hits, &nhits, &err) != QT_OK ||
        write_csv(out, hits, nhits, qt__kmh_mps(kmh), &err) != QT_OK)
        rc = cli_fail(cli, &err);
done:
    qt_store_free_str((char *)ids);
    qt_nearby_ws_free(w);
    qt_nearby_index_unref(ix);
    qt_store_close(st);
    qt_snapper_free(sn);
    qt_graph_free(g);
    return rc;
}

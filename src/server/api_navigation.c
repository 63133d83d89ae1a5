/* SPDX-License-Identifier: MIT */
/*
 * api_navigation.c -- walking directions: a route between two points
 * (GET /route, a GeoJSON Feature) and isochrones (GET /isochrone).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "quarter/coords.h"
#include "quarter/route.h"
#include "server/api.h"
#include "server/offload.h"
#include "server/reply.h"

/* every [lon, lat] pair below j, from WGS-84 to crs */
static void convert_coords(json_t *j, int crs)
{
    size_t i;
    if (json_is_array(j)) {
        if (json_array_size(j) >= 2 && json_is_number(json_array_get(j, 0)) && json_is_number(json_array_get(j, 1))) {
            double lo = json_number_value(json_array_get(j, 0)), la = json_number_value(json_array_get(j, 1));
            qt__from_wgs84(crs, &lo, &la);
            json_array_set_new(j, 0, json_real(lo));
            json_array_set_new(j, 1, json_real(la));
            return;
        }
        for (i = 0; i < json_array_size(j); i++)
            convert_coords(json_array_get(j, i), crs);
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
        {
            if (strcmp(k, "coordinates") == 0 || strcmp(k, "features") == 0 || strcmp(k, "geometry") == 0 ||
                strcmp(k, "geometries") == 0)
                convert_coords(v, crs);
        }
    }
}

/* TAKES gj (malloc'd GeoJSON text): its coordinates in crs as the reply */
static enum MHD_Result reply_geojson_crs(qt__req *r, char *gj, int crs)
{
    json_t *j = json_loads(gj, 0, NULL);
    char *text;
    free(gj);
    if (!j)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    convert_coords(j, crs);
    text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(j);
    if (!text)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    return qt__reply_text(r, 200, text, strlen(text), "application/geo+json; charset=utf-8");
}

enum MHD_Result qt__api_route(qt__req *r)
{
    qt_server *s = r->s;
    double fl, fa, tl, ta;
    int a = qt__req_lonlat(r, "from", &fl, &fa), b = qt__req_lonlat(r, "to", &tl, &ta);
    qt_snap sf, stt;
    qt_route *rt = NULL;
    qt_error e = QT_ERROR_INIT;
    qt_nearby_ws *w;
    char *text = NULL;
    qt_status rc;
    int crs;
    enum MHD_Result res;
    if (qt__req_crs(r, &crs, &res) < 0)
        return res;
    if (a <= 0 || b <= 0)
        return qt__reply_error(r, a == 0 || b == 0 ? QT_EPARSE : QT_EINVAL, a <= 0 ? "from" : "to",
                               "from and to are LON,LAT");
    qt__to_wgs84(crs, &fl, &fa);
    qt__to_wgs84(crs, &tl, &ta);
    if (qt_snapper_snap(s->sn, fl, fa, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sf, &e) != QT_OK ||
        qt_snapper_snap(s->sn, tl, ta, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &stt, &e) != QT_OK)
        return qt__reply_error(r, QT_ENOTFOUND, "from", "no street within 500 m of a point");
    if (!(w = qt__ws_take(s)))
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    if (qt_route_compute(s->g, qt_nearby_ws_search(w), fl, fa, &sf, tl, ta, &stt, QT_SNAP_EDGE, s->speed_mps, &rt,
                         &e) != QT_OK) {
        qt__ws_give(s, w);
        return qt__reply_status(r, &e);
    }
    qt__ws_give(s, w);
    rc = qt_route_geojson(rt, s->o.speed_kmh, QT_SNAP_EDGE, &text, &e);
    qt_route_free(rt);
    if (rc != QT_OK)
        return qt__reply_status(r, &e);
    if (crs != QT_CRS_WGS84)
        return reply_geojson_crs(r, text, crs);
    return qt__reply_text(r, 200, text, strlen(text), "application/json; charset=utf-8");
}

/* an isochrone computed on the offload worker */
typedef struct iso_job {
    qt__job base;
    qt_server *s;
    qt_snap sp;
    double minutes[4];
    size_t n;
    char *gj; /* the result, or NULL with err */
    qt_error err;
} iso_job;

static void iso_run(qt__job *jb)
{
    iso_job *j = (iso_job *)jb;
    qt_nearby_ws *w = qt__ws_take(j->s);
    qt_isochrone_opts io;
    qt_error_clear(&j->err);
    if (!w) {
        qt_error_set(&j->err, QT_ENOMEM, NULL, _("no memory"));
        return;
    }
    qt_isochrone_opts_default(&io);
    io.speed_mps = j->s->speed_mps;
    if (qt_isochrone_geojson(j->s->g, qt_nearby_ws_search(w), &j->sp, QT_SNAP_EDGE, j->minutes, j->n, &io, &j->gj,
                             &j->err) != QT_OK)
        j->gj = NULL;
    qt__ws_give(j->s, w);
}

static void iso_free(qt__job *jb)
{
    iso_job *j = (iso_job *)jb;
    free(j->gj);
    qt__free(j);
}

enum MHD_Result qt__api_isochrone(qt__req *r)
{
    qt_server *s = r->s;
    double lon, lat, minutes[4];
    const char *m = qt__req_arg(r, "minutes");
    size_t n = 0;
    qt_snap sp;
    qt_error e = QT_ERROR_INIT;
    double cost = 0;
    int crs;
    enum MHD_Result res;
    iso_job *j;
    if (qt__req_crs(r, &crs, &res) < 0)
        return res;
    if (r->conn->job) { /* called again after the worker resumed the connection: the answer */
        j = (iso_job *)r->conn->job;
        if (!j->gj)
            return qt__reply_status(r, &j->err);
        {
            char *gj = j->gj;
            j->gj = NULL; /* the reply takes it */
            if (crs != QT_CRS_WGS84)
                return reply_geojson_crs(r, gj, crs);
            return qt__reply_text(r, 200, gj, strlen(gj), "application/geo+json; charset=utf-8");
        }
    }
    if (qt__req_num(r, "lon", -180, 180, &lon) <= 0 || qt__req_num(r, "lat", -90, 90, &lat) <= 0)
        return qt__reply_error(r, QT_EPARSE, "lon", "lon and lat are required");
    if (!m)
        m = "5,10,15";
    while (*m) {
        char *end;
        if (n == 4)
            return qt__reply_error(r, QT_EINVAL, "minutes", "at most 4 rings");
        minutes[n] = strtod(m, &end);
        if (end == m || !(minutes[n] > 0 && minutes[n] <= QT__MAX_MINUTES) || (n && minutes[n] <= minutes[n - 1]) ||
            (*end && *end != ','))
            return qt__reply_error(r, QT_EINVAL, "minutes", "minutes is an ascending list like 5,10,15 (up to %d)",
                                   QT__MAX_MINUTES);
        cost += minutes[n];
        n++;
        m = *end ? end + 1 : end;
    }
    /* the work grows with the rings and their reach: a cap keeps one request from taking seconds (item 2) */
    if (cost > s->o.max_isochrone_cost)
        return qt__reply_error(r, QT_EINVAL, "minutes",
                               "the rings' minutes add up to %.0f; at most %u per request (e.g. 5,10,15,30)", cost,
                               s->o.max_isochrone_cost);
    qt__to_wgs84(crs, &lon, &lat);
    qt_error_clear(&e);
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return qt__reply_error(r, QT_ENOTFOUND, "lon", "no street within 500 m");
    /* off the HTTP thread: a bounded queue, 503 when it is full */
    if (!(j = qt__calloc(1, sizeof *j)))
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    if (!qt__offload_reserve(s->offload)) {
        qt__free(j);
        r->conn->retry_after = 2;
        r->conn->http_status = 503;
        return qt__reply_error(r, QT_ELIMIT, NULL, "isochrones are being computed for others; try again shortly");
    }
    j->base.run = iso_run;
    j->base.free = iso_free;
    j->base.c = r->c;
    j->s = s;
    j->sp = sp;
    memcpy(j->minutes, minutes, n * sizeof *minutes);
    j->n = n;
    r->conn->job = &j->base;
    MHD_suspend_connection(r->c);
    qt__offload_push(s->offload, &j->base);
    return MHD_YES;
}

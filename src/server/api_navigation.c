/* SPDX-License-Identifier: MIT */
/*
 * api_navigation.c -- walking directions: a route between two points
 * (GET /route, a GeoJSON Feature) and isochrones (GET /isochrone).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quarter/route.h"
#include "server/api.h"
#include "server/reply.h"

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
    if (a <= 0 || b <= 0)
        return qt__reply_error(r, a == 0 || b == 0 ? QT_EPARSE : QT_EINVAL, a <= 0 ? "from" : "to",
                               "from and to are LON,LAT");
    if (qt_snapper_snap(s->sn, fl, fa, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sf, &e) != QT_OK ||
        qt_snapper_snap(s->sn, tl, ta, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &stt, &e) != QT_OK)
        return qt__reply_error(r, QT_ENOTFOUND, "from", "no street within 500 m of a point");
    if (!(w = qt__ws_take(s)))
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    if (qt_route_compute(s->g, qt_nearby_ws_search(w), fl, fa, &sf, tl, ta, &stt, QT_SNAP_EDGE, s->speed_mps, &rt, &e) != QT_OK) {
        qt__ws_give(s, w);
        return qt__reply_status(r, &e);
    }
    qt__ws_give(s, w);
    rc = qt_route_geojson(rt, s->o.speed_kmh, QT_SNAP_EDGE, &text, &e);
    qt_route_free(rt);
    if (rc != QT_OK)
        return qt__reply_status(r, &e);
    return qt__reply_text(r, 200, text, strlen(text), "application/json; charset=utf-8");
}

enum MHD_Result qt__api_isochrone(qt__req *r)
{
    qt_server *s = r->s;
    double lon, lat, minutes[8];
    const char *m = qt__req_arg(r, "minutes");
    size_t n = 0;
    qt_snap sp;
    qt_isochrone_opts io;
    char *gj = NULL;
    qt_nearby_ws *w;
    qt_error e = QT_ERROR_INIT;
    if (qt__req_num(r, "lon", -180, 180, &lon) <= 0 || qt__req_num(r, "lat", -90, 90, &lat) <= 0)
        return qt__reply_error(r, QT_EPARSE, "lon", "lon and lat are required");
    if (!m)
        m = "5,10,15";
    while (*m && n < 8) {
        char *end;
        minutes[n] = strtod(m, &end);
        if (end == m || !(minutes[n] > 0 && minutes[n] <= QT__MAX_MINUTES) || (n && minutes[n] <= minutes[n - 1]) ||
            (*end && *end != ','))
            return qt__reply_error(r, QT_EINVAL, "minutes", "minutes is an ascending list like 5,10,15 (up to %d)",
                                   QT__MAX_MINUTES);
        n++;
        m = *end ? end + 1 : end;
    }
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return qt__reply_error(r, QT_ENOTFOUND, "lon", "no street within 500 m");
    if (!(w = qt__ws_take(s)))
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    qt_isochrone_opts_default(&io);
    io.speed_mps = s->speed_mps;
    if (qt_isochrone_geojson(s->g, qt_nearby_ws_search(w), &sp, QT_SNAP_EDGE, minutes, n, &io, &gj, &e) != QT_OK) {
        qt__ws_give(s, w);
        return qt__reply_status(r, &e);
    }
    qt__ws_give(s, w);
    return qt__reply_text(r, 200, gj, strlen(gj), "application/geo+json; charset=utf-8");
}

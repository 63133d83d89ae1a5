/* SPDX-License-Identifier: MIT */
/*
 * api_nearby.c -- GET /nearby: the k nearest outlets by walking from a point,
 * with filters (category, service, q, open_now).  The search is the
 * library's (quarter/nearby.h) on the server's current outlet index.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "server/api.h"
#include "server/reply.h"
#include "base/geo.h"
#include "base/utf8.h"

/* the answers as JSON: {"outlets":[...], "minutes":M} */
static void write_hits(qt__strbuf *jb, const qt_nearby_hit *hits, size_t n, double minutes, double speed_mps, int crs)
{
    size_t i;
    qt__sb_reserve(jb, 4096);
    qt__sb_puts(jb, "{\"outlets\":[");
    for (i = 0; i < n; i++) {
        const qt_nearby_hit *p = &hits[i];
        const char *sv = p->services;
        int first = 1;
        qt__sb_puts(jb, i ? ",{\"id\":" : "{\"id\":");
        qt__sb_json_i64(jb, p->id);
        qt__sb_puts(jb, ",\"name\":");
        qt__sb_json_str(jb, p->name);
        qt__sb_puts(jb, ",\"category\":");
        if (p->category)
            qt__sb_json_str(jb, p->category);
        else
            qt__sb_puts(jb, "null");
        {
            double lon = p->lon, lat = p->lat;
            qt__from_wgs84(crs, &lon, &lat);
            qt__sb_puts(jb, ",\"lon\":");
            qt__sb_json_num(jb, lon, 6);
            qt__sb_puts(jb, ",\"lat\":");
            qt__sb_json_num(jb, lat, 6);
        }
        qt__sb_puts(jb, ",\"distance_m\":");
        qt__sb_json_num(jb, p->dist_m, 1);
        qt__sb_puts(jb, ",\"time_s\":");
        qt__sb_json_num(jb, p->dist_m / speed_mps, 0);
        qt__sb_puts(jb, ",\"services\":[");
        while (sv && *sv) {
            const char *e2 = strchr(sv, ';');
            size_t len = e2 ? (size_t)(e2 - sv) : strlen(sv);
            if (len) {
                if (!first)
                    qt__sb_puts(jb, ",");
                /* cut on a character boundary: the reply stays UTF-8 (issue 11, item 11) */
                qt__sb_json_strn(jb, sv, qt__utf8_cut(sv, len, 255));
                first = 0;
            }
            sv = e2 ? e2 + 1 : NULL;
        }
        qt__sb_puts(jb, "],\"opening_hours\":");
        qt__sb_json_str(jb, p->opening_hours);
        qt__sb_puts(jb, "}");
    }
    qt__sb_puts(jb, "],\"minutes\":");
    qt__sb_json_num(jb, minutes, 1);
    qt__sb_puts(jb, "}");
}

enum MHD_Result qt__api_nearby(qt__req *r)
{
    qt_server *s = r->s;
    double lon, lat, minutes = 15, limit_d = 20;
    const char *q = qt__req_arg(r, "q"), *open = qt__req_arg(r, "open_now");
    qt_snap sp;
    qt_error e = QT_ERROR_INIT;
    size_t nout = 0;
    int64_t *ids = NULL;
    const qt_nearby_hit *hits = NULL;
    qt__strbuf jb = {0};
    qt_nearby_query x;
    qt_nearby_index *ix;
    qt_nearby_ws *w;
    int rn, crs;
    qt_status rc;
    enum MHD_Result res;
    memset(&x, 0, sizeof x);
    if (qt__req_crs(r, &crs, &res) < 0 || qt__req_category(r, "category", &x.category, &res) < 0)
        return res;
    x.service = qt__req_arg(r, "service");
    if ((rn = qt__req_num(r, "lon", -180, 180, &lon)) <= 0)
        return qt__reply_error(r, rn ? QT_EINVAL : QT_EPARSE, "lon", "lon is required, -180..180");
    if ((rn = qt__req_num(r, "lat", -90, 90, &lat)) <= 0)
        return qt__reply_error(r, rn ? QT_EINVAL : QT_EPARSE, "lat", "lat is required, -90..90");
    if (qt__req_num(r, "minutes", 1, QT__MAX_MINUTES, &minutes) < 0)
        return qt__reply_error(r, QT_EINVAL, "minutes", "minutes is 1 to %d", QT__MAX_MINUTES);
    if (qt__req_num(r, "limit", 1, 200, &limit_d) < 0 || limit_d != floor(limit_d))
        return qt__reply_error(r, QT_EINVAL, "limit", "limit is a whole number from 1 to 200");
    if (open && strcmp(open, "1") != 0 && strcmp(open, "0") != 0 && strcmp(open, "true") != 0 &&
        strcmp(open, "false") != 0)
        return qt__reply_error(r, QT_EINVAL, "open_now", "open_now is 1 or 0");
    qt__to_wgs84(crs, &lon, &lat);
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return qt__reply_json(r, 200, json_pack("{s:[], s:s}", "outlets", "note", _("no street within 500 m")));
    if (q && *q) {
        static const int64_t no_match = 0;
        if (qt_store_outlets_match(r->st, q, &ids, &x.nids, &e) != QT_OK)
            return qt__reply_status(r, &e);
        x.ids = ids ? ids : &no_match; /* with nids 0: nothing passes */
    }
    if (open && (strcmp(open, "1") == 0 || strcmp(open, "true") == 0)) {
        /* the server's --tz, not the machine's (a UTC server is 8 hours off China) */
        x.open_at = 1;
        qt__local_now(s, &x.weekday, &x.minute);
    }
    x.max_m = qt__minutes_m(minutes, s->speed_mps);
    x.limit = (size_t)limit_d;
    if (!(w = qt__ws_take(s))) {
        qt_store_free_str((char *)ids);
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    }
    ix = qt__index_acquire(s); /* this index stays alive and unchanged until released */
    rc = qt_nearby_search(ix, w, &sp, &x, &hits, &nout, &e);
    qt_store_free_str((char *)ids);
    if (rc == QT_OK)
        write_hits(&jb, hits, nout, minutes, s->speed_mps, crs); /* hits borrow from w and ix */
    qt__ws_give(s, w);
    qt_nearby_index_unref(ix);
    if (rc != QT_OK)
        return qt__reply_status(r, &e);
    return qt__reply_sb(r, 200, &jb);
}

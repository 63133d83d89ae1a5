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

#include "server/api.h"
#include "server/reply.h"

/* the answers as JSON: {"outlets":[...], "minutes":M} */
static void write_hits(qt__jbuf *jb, const qt_nearby_hit *hits, size_t n, double minutes, double speed_mps)
{
    size_t i;
    qt__jb_lit(jb, "{\"outlets\":[");
    for (i = 0; i < n; i++) {
        const qt_nearby_hit *p = &hits[i];
        const char *sv = p->services;
        int first = 1;
        qt__jb_lit(jb, i ? ",{\"id\":" : "{\"id\":");
        qt__jb_i64(jb, p->id);
        qt__jb_lit(jb, ",\"name\":");
        qt__jb_str(jb, p->name);
        qt__jb_lit(jb, ",\"category\":");
        if (p->category)
            qt__jb_str(jb, p->category);
        else
            qt__jb_lit(jb, "null");
        qt__jb_lit(jb, ",\"lon\":");
        qt__jb_num(jb, p->lon, 6);
        qt__jb_lit(jb, ",\"lat\":");
        qt__jb_num(jb, p->lat, 6);
        qt__jb_lit(jb, ",\"distance_m\":");
        qt__jb_num(jb, p->dist_m, 1);
        qt__jb_lit(jb, ",\"time_s\":");
        qt__jb_num(jb, p->dist_m / speed_mps, 0);
        qt__jb_lit(jb, ",\"services\":[");
        while (sv && *sv) {
            const char *e2 = strchr(sv, ';');
            size_t len = e2 ? (size_t)(e2 - sv) : strlen(sv);
            if (len) {
                char tmp[256];
                snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 255 ? len : 255), sv);
                if (!first)
                    qt__jb_lit(jb, ",");
                qt__jb_str(jb, tmp);
                first = 0;
            }
            sv = e2 ? e2 + 1 : NULL;
        }
        qt__jb_lit(jb, "],\"opening_hours\":");
        qt__jb_str(jb, p->opening_hours);
        qt__jb_lit(jb, "}");
    }
    qt__jb_lit(jb, "],\"minutes\":");
    qt__jb_num(jb, minutes, 1);
    qt__jb_lit(jb, "}");
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
    qt__jbuf jb = {NULL, 0, 0, 0};
    qt_nearby_query x;
    qt_nearby_index *ix;
    qt_nearby_ws *w;
    int rn;
    qt_status rc;
    memset(&x, 0, sizeof x);
    x.category = qt__req_arg(r, "category");
    x.service = qt__req_arg(r, "service");
    if ((rn = qt__req_num(r, "lon", -180, 180, &lon)) <= 0)
        return qt__reply_error(r, rn ? QT_EINVAL : QT_EPARSE, "lon", "lon is required, -180..180");
    if ((rn = qt__req_num(r, "lat", -90, 90, &lat)) <= 0)
        return qt__reply_error(r, rn ? QT_EINVAL : QT_EPARSE, "lat", "lat is required, -90..90");
    if (qt__req_num(r, "minutes", 1, QT__MAX_MINUTES, &minutes) < 0)
        return qt__reply_error(r, QT_EINVAL, "minutes", "minutes is 1 to %d", QT__MAX_MINUTES);
    if (qt__req_num(r, "limit", 1, 200, &limit_d) < 0 || limit_d != floor(limit_d))
        return qt__reply_error(r, QT_EINVAL, "limit", "limit is a whole number from 1 to 200");
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return qt__reply_json(r, 200, json_pack("{s:[], s:s}", "outlets", "note", "no street within 500 m"));
    if (q && *q) {
        static const int64_t no_match = 0;
        if (qt_store_outlets_match(r->st, q, &ids, &x.nids, &e) != QT_OK)
            return qt__reply_status(r, &e);
        x.ids = ids ? ids : &no_match; /* with nids 0: nothing passes */
    }
    if (open && strcmp(open, "1") == 0) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        x.open_at = 1;
        x.weekday = (tm.tm_wday + 6) % 7;
        x.minute = tm.tm_hour * 60 + tm.tm_min;
    }
    x.max_m = minutes * 60 * s->speed_mps;
    x.limit = (size_t)limit_d;
    if (!(w = qt__ws_take(s))) {
        qt_store_free_str((char *)ids);
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    }
    ix = qt__index_acquire(s); /* this index stays alive and unchanged until released */
    rc = qt_nearby_search(ix, w, &sp, &x, &hits, &nout, &e);
    qt_store_free_str((char *)ids);
    if (rc == QT_OK)
        write_hits(&jb, hits, nout, minutes, s->speed_mps); /* hits borrow from w and ix */
    qt__ws_give(s, w);
    qt_nearby_index_unref(ix);
    if (rc != QT_OK)
        return qt__reply_status(r, &e);
    return qt__reply_jbuf(r, 200, &jb);
}

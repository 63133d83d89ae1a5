/* SPDX-License-Identifier: MIT */
/*
 * server/api_web.c -- what the pages need besides the API proper: the built
 * pages themselves (from memory, server/web_assets.h) with a
 * Content-Security-Policy, the base-map tiles drawn from the walking network
 * (quarter/tiles.h), and the map's configuration (own tiles or an external
 * tile URL and its coordinate system).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "server/api.h"
#include "server/reply.h"
#include "server/web.h"

/* the origin (scheme://host[:port]) of an absolute URL, for the CSP; "" otherwise */
static void origin_of(const char *url, char *out, size_t cap)
{
    out[0] = '\0';
    if (!url)
        return;
    const char *p = strstr(url, "://");
    if (!p || (strncmp(url, "https", 5) != 0 && strncmp(url, "http", 4) != 0))
        return;
    p += 3;
    size_t n = strcspn(p, "/?#{");
    size_t len = (size_t)(p - url) + n;
    if (len + 1 > cap)
        return;
    memcpy(out, url, len);
    out[len] = '\0';
    for (size_t i = 0; i < len; i++) /* no header injection, no CSP tricks */
        if (out[i] == ';' || out[i] == ',' || out[i] == ' ' || out[i] == '\'' || (unsigned char)out[i] < 0x21)
            out[0] = '\0';
}

qt_status qt__web_start(qt_server *s, qt_error *err)
{
    qt__web *w = qt__calloc(1, sizeof *w);
    if (!w)
        return qt_error_set(err, QT_ENOMEM, "server", _("no memory"));
    s->web = w;
    pthread_mutex_init(&w->hour_lock, NULL);
    pthread_mutex_init(&w->whatif_lock, NULL);
    qt_status rc;
    if (s->o.web_dir && (rc = qt__assets_load(s->o.web_dir, &w->assets, err)) != QT_OK)
        return rc;
    if (!s->o.tile_url && (rc = qt_tiles_new(s->g, &w->tiles, err)) != QT_OK)
        return rc;
    char origin[256];
    origin_of(s->o.tile_url, origin, sizeof origin);
    snprintf(w->csp, sizeof w->csp,
             "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:%s%s; "
             "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
             "form-action 'self'; frame-ancestors 'none'",
             origin[0] ? " " : "", origin);
    double west = 0, south = 0, east = 0, north = 0;
    if (w->tiles)
        qt_tiles_bounds(w->tiles, &west, &south, &east, &north);
    else {
        west = 180, south = 90, east = -180, north = -90;
        for (uint32_t i = 0; i < qt_graph_node_count(s->g); i++) {
            double lon, lat;
            qt_graph_node_coord(s->g, i, &lon, &lat);
            west = lon < west ? lon : west;
            east = lon > east ? lon : east;
            south = lat < south ? lat : south;
            north = lat > north ? lat : north;
        }
    }
    w->map = json_pack("{s:s, s:s, s:s?, s:[f,f,f,f], s:i, s:i}", "tiles",
                       s->o.tile_url ? s->o.tile_url : "/api/v1/tiles/{z}/{x}/{y}.png", "crs",
                       s->o.tile_url && s->o.tile_crs ? s->o.tile_crs : "wgs84", "attribution", s->o.tile_attribution,
                       "bounds", west, south, east, north, "min_zoom", 10, "max_zoom", QT_TILE_MAX_ZOOM);
    if (!w->map)
        return qt_error_set(err, QT_ENOMEM, "server", _("no memory"));
    if (s->o.planning && (rc = qt__planner_new(s->o.planning, s->o.planning_opts, &w->planner, err)) != QT_OK)
        return rc;
    return qt__places_build(w, err);
}

void qt__web_stop(qt_server *s)
{
    qt__web *w = s ? s->web : NULL;
    if (!w)
        return;
    qt__assets_free(&w->assets);
    qt_tiles_free(w->tiles);
    json_decref(w->map);
    json_decref(w->circle_ids);
    free(w->circles_brief);
    qt__planner_free(w->planner);
    qt__free(w->places);
    for (int h = 0; h < 24; h++)
        qt_analysis_free(w->hour[h]);
    pthread_mutex_destroy(&w->hour_lock);
    pthread_mutex_destroy(&w->whatif_lock);
    qt__free(w);
    s->web = NULL;
}

static enum MHD_Result send_bytes(qt__req *r, int status, struct MHD_Response *resp, const char *type,
                                  const char *cache)
{
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "Cache-Control", cache);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy", r->s->web->csp);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    r->conn->status = status;
    enum MHD_Result ok = MHD_queue_response(r->c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ok;
}

enum MHD_Result qt__api_web_page(qt__req *r)
{
    const qt__asset *a = qt__assets_find(&r->s->web->assets, r->url);
    if (!a)
        return qt__reply_error(r, QT_ENOTFOUND, NULL,
                               r->s->web->assets.n ? "no page %s" : "no pages: start quarter serve with --web DIR",
                               r->url);
    struct MHD_Response *resp = MHD_create_response_from_buffer(a->len, a->data, MHD_RESPMEM_PERSISTENT);
    if (resp && strcmp(r->url, "/sw.js") == 0)
        MHD_add_response_header(resp, "Service-Worker-Allowed", "/");
    return send_bytes(r, 200, resp, a->type, a->immutable ? "public, max-age=31536000, immutable" : "no-cache");
}

enum MHD_Result qt__api_map(qt__req *r)
{
    return qt__reply_json(r, 200, json_incref(r->s->web->map));
}

static void png_free(void *p)
{
    qt_tiles_png_free(p);
}

/* "/api/v1/tiles/Z/X/Y.png" */
enum MHD_Result qt__api_tile(qt__req *r)
{
    unsigned z, x, y;
    char tail[8] = "";
    const char *p = r->url + strlen("/api/v1/tiles/");
    if (!r->s->web->tiles)
        return qt__reply_error(r, QT_ENOTFOUND, NULL, "this server uses external tiles (GET /api/v1/map)");
    if (strspn(p, "0123456789/.png") != strlen(p) || strlen(p) > 40 ||
        sscanf(p, "%2u/%7u/%7u%5s", &z, &x, &y, tail) != 4 || strcmp(tail, ".png") != 0)
        return qt__reply_error(r, QT_EINVAL, "tile", "a tile is /api/v1/tiles/Z/X/Y.png");
    unsigned char *png = NULL;
    size_t len = 0;
    qt_error e = QT_ERROR_INIT;
    qt_error_clear(&e);
    if (qt_tiles_render(r->s->web->tiles, z, x, y, &png, &len, &e) != QT_OK)
        return qt__reply_status(r, &e);
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, png, png_free);
    if (!resp) {
        qt_tiles_png_free(png);
        return MHD_NO;
    }
    return send_bytes(r, 200, resp, "image/png", "public, max-age=86400");
}

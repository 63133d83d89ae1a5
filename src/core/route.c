/* SPDX-License-Identifier: MIT */
/* route.c -- point-to-point walking route between two snapped points. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/strbuf.h"
#include "core/search_internal.h"
#include "quarter/route.h"

void qt_route_free(qt_route *r)
{
    if (!r)
        return;
    free(r->lon);
    free(r->lat);
    free(r);
}

static int push_pt(qt_route *r, size_t *cap, double lon, double lat)
{
    if (r->npoints && r->lon[r->npoints - 1] == lon && r->lat[r->npoints - 1] == lat)
        return 0;
    if (r->npoints == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        double *a = realloc(r->lon, nc * sizeof *a), *b;
        if (!a)
            return -1;
        r->lon = a;
        b = realloc(r->lat, nc * sizeof *b);
        if (!b)
            return -1;
        r->lat = b;
        *cap = nc;
    }
    r->lon[r->npoints] = lon;
    r->lat[r->npoints] = lat;
    r->npoints++;
    return 0;
}

/* cheapest edge joining a and b, its cost and length */
static uint32_t edge_between(const qt_graph *g, uint32_t a, uint32_t b)
{
    uint32_t k, best = QT_NODE_NONE;
    for (k = g->first[a]; k < g->first[a + 1]; k++)
        if (g->arc[k].to == b && (best == QT_NODE_NONE || g->arc[k].cost < g->ecost[best]))
            best = g->arc[k].edge;
    return best;
}

/* the search stops once no node it has yet to settle can give a shorter route */
typedef struct goal {
    const qt_seed *dst;
    size_t nd;
    double best; /* the best complete route so far (or the straight walk along a shared edge) */
} goal;

static int reached_goal(void *ctx, uint32_t v, double dv)
{
    goal *g = ctx;
    size_t i;
    for (i = 0; i < g->nd; i++)
        if (g->dst[i].node == v && dv + g->dst[i].dist_m < g->best)
            g->best = dv + g->dst[i].dist_m;
    return dv >= g->best;
}

/* The search from src, stopping once no route to dst can beat direct. */
static qt_status route_search(qt_search *ws, const qt_seed *src, size_t ns, const qt_seed *dst, size_t nd,
                              double direct, qt_error *err)
{
    goal gl;
    qt_status st;
    gl.dst = dst;
    gl.nd = nd;
    gl.best = direct;
    ws->visit = reached_goal;
    ws->visit_ctx = &gl;
    st = qt__search_run_filtered(ws, src, ns, INFINITY, 1, NULL, NULL, NULL, 0, err);
    ws->visit = NULL;
    ws->visit_ctx = NULL;
    return st;
}

/* The cheapest way into the destination over the network, and its end node. */
static double route_best(const qt_search *ws, const qt_seed *dst, size_t nd, uint32_t *end)
{
    double best = INFINITY;
    size_t i;
    for (i = 0; i < nd; i++) {
        double d = qt__search_dist(ws, dst[i].node) + dst[i].dist_m;
        if (d < best) {
            best = d;
            *end = dst[i].node;
        }
    }
    return best;
}

/* The points and length along the search's path to end, with the partial
 * start and end edges when snapped to edges; -1 on no memory. */
static int route_along_path(const qt_graph *g, qt_route *r, size_t *cap, const uint32_t *path, size_t plen,
                            const qt_snap *from, const qt_snap *to, uint32_t end, qt_snap_mode mode)
{
    size_t i;
    /* start: leg and part of the start edge to the first path node */
    r->length_m = 0;
    if (mode == QT_SNAP_EDGE) {
        double frac = path[0] == g->eu[from->edge] ? from->t : 1 - from->t;
        r->length_m += from->leg_m + frac * g->elen[from->edge];
        if (push_pt(r, cap, from->lon, from->lat))
            return -1;
    }
    for (i = 0; i < plen; i++) {
        if (i) {
            uint32_t e = edge_between(g, path[i - 1], path[i]);
            if (e != QT_NODE_NONE)
                r->length_m += g->elen[e];
        }
        if (push_pt(r, cap, g->lon[path[i]], g->lat[path[i]]))
            return -1;
    }
    if (mode == QT_SNAP_EDGE) {
        double frac = end == g->eu[to->edge] ? to->t : 1 - to->t;
        r->length_m += to->leg_m + frac * g->elen[to->edge];
        if (push_pt(r, cap, to->lon, to->lat))
            return -1;
    }
    return 0;
}

qt_status qt_route_compute(const qt_graph *g, qt_search *ws, double from_lon, double from_lat, const qt_snap *from,
                           double to_lon, double to_lat, const qt_snap *to, qt_snap_mode mode, double speed_mps,
                           qt_route **out, qt_error *err)
{
    qt_seed src[2], dst[2];
    size_t ns, nd, cap = 0, plen = 0;
    double best, direct = INFINITY;
    uint32_t end = QT_NODE_NONE, *path = NULL;
    qt_route *r;
    qt_status st;

    *out = NULL;
    if (!(speed_mps > 0) || !isfinite(speed_mps))
        return qt_error_set(err, QT_EINVAL, "speed", _("walking speed must be positive"));
    ns = qt_snap_seeds(g, from, mode, src);
    nd = qt_snap_seeds(g, to, mode, dst);
    /* both on one edge: walking along it may beat any detour */
    if (mode == QT_SNAP_EDGE && from->edge == to->edge)
        direct = from->leg_m + to->leg_m + fabs(from->t - to->t) * g->ecost[from->edge];
    st = route_search(ws, src, ns, dst, nd, direct, err);
    if (st != QT_OK)
        return st;
    best = route_best(ws, dst, nd, &end);
    if (!isfinite(best) && !isfinite(direct))
        return qt_error_set(err, QT_ENOTFOUND, NULL, _("no walking connection between the two points"));
    r = calloc(1, sizeof *r);
    if (!r)
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory"));
    if (push_pt(r, &cap, from_lon, from_lat))
        goto nomem;
    if (direct <= best) {
        r->cost_m = direct;
        r->length_m = from->leg_m + to->leg_m + fabs(from->t - to->t) * g->elen[from->edge];
        if (push_pt(r, &cap, from->lon, from->lat) || push_pt(r, &cap, to->lon, to->lat))
            goto nomem;
    } else {
        st = qt_search_path(ws, end, &path, &plen, err);
        if (st != QT_OK) {
            qt_route_free(r);
            return st;
        }
        r->cost_m = best;
        if (route_along_path(g, r, &cap, path, plen, from, to, end, mode))
            goto nomem;
        free(path);
        path = NULL;
    }
    if (push_pt(r, &cap, to_lon, to_lat))
        goto nomem;
    if (r->npoints == 1) {
        /* from == to: repeat the point so the LineString stays valid (cap >= 64) */
        r->lon[1] = r->lon[0];
        r->lat[1] = r->lat[0];
        r->npoints = 2;
    }
    r->time_s = r->cost_m / speed_mps;
    *out = r;
    return QT_OK;
nomem:
    free(path);
    qt_route_free(r);
    return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the route"));
}

qt_status qt_route_geojson(const qt_route *r, double speed_kmh, qt_snap_mode mode, char **text, qt_error *err)
{
    qt__strbuf b = {0};
    size_t i;
    qt__sb_reserve(&b, 256 + r->npoints * 32);
    qt__sb_printf(&b,
                  "{\"type\":\"Feature\",\"properties\":{\"length_m\":%.2f,\"time_s\":%.1f,"
                  "\"cost_m\":%.2f,\"speed_kmh\":%g,\"snap\":\"%s\"},"
                  "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[",
                  r->length_m, r->time_s, r->cost_m, speed_kmh, mode == QT_SNAP_EDGE ? "edge" : "node");
    for (i = 0; i < r->npoints; i++)
        qt__sb_printf(&b, "%s[%.7f,%.7f]", i ? "," : "", r->lon[i], r->lat[i]);
    qt__sb_puts(&b, "]}}\n");
    *text = qt__sb_take(&b);
    return *text ? QT_OK : qt_error_set(err, QT_ENOMEM, "route", _("no memory"));
}

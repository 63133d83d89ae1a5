/* SPDX-License-Identifier: MIT */
/*
 * isochrone.c -- reachable-area polygons from network distances (GEOS).
 *
 * One bounded search from the point, over the core of the network with its
 * chains filled (core/search.c), gives every node's distance.  For a
 * budget B each edge contributes the pieces reachable from either end
 * ([0, (B-du)/c] from u, [1-(B-dv)/c, 1] from v, the whole edge when they
 * meet), plus the stretch of the start edge around the point itself.  The
 * pieces, on a local metric plane about the point, are buffered by
 * buffer_m and unioned; holes up to max_hole_m2 (enclosed by reached
 * streets) are filled; ring k is unioned with ring k-1 so rings nest.
 * Nothing is added where no street was reached, so unreachable areas across
 * rivers or rail lines stay out.  The pieces go to GEOS node by node in
 * index order, so the polygons depend on the distances alone, not on the
 * order the search settled the nodes in.
 */
#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/geo.h"
#include "base/strbuf.h"
#include "core/search_internal.h"
#include "quarter/route.h"

void qt_isochrone_opts_default(qt_isochrone_opts *o)
{
    o->speed_mps = qt__kmh_mps(4.0);
    o->buffer_m = 40.0;
    o->max_hole_m2 = 500000.0;
}

static int to_lonlat(double *x, double *y, void *ud)
{
    qt__proj_inv(ud, *x, *y, x, y);
    return 1;
}

typedef struct segs {
    GEOSGeometry **g;
    size_t n, cap;
} segs;

static int add_seg(GEOSContextHandle_t h, segs *s, const qt__proj *p, double lon1, double lat1, double lon2,
                   double lat2)
{
    GEOSCoordSequence *cs;
    GEOSGeometry *ls;
    double x1, y1, x2, y2;
    if (s->n == s->cap && qt__grow((void **)&s->g, &s->cap, s->n + 1, sizeof *s->g))
        return -1;
    cs = GEOSCoordSeq_create_r(h, 2, 2);
    if (!cs)
        return -1;
    qt__proj_fwd(p, lon1, lat1, &x1, &y1);
    qt__proj_fwd(p, lon2, lat2, &x2, &y2);
    GEOSCoordSeq_setXY_r(h, cs, 0, x1, y1);
    GEOSCoordSeq_setXY_r(h, cs, 1, x2, y2);
    ls = GEOSGeom_createLineString_r(h, cs);
    if (!ls)
        return -1;
    s->g[s->n++] = ls;
    return 0;
}

/* piece of edge e between fractions a and b (0 at eu) */
static int add_piece(GEOSContextHandle_t h, segs *s, const qt__proj *p, const qt_graph *g, uint32_t e, double a,
                     double b)
{
    double ulon = g->lon[g->eu[e]], ulat = g->lat[g->eu[e]];
    double vlon = g->lon[g->ev[e]], vlat = g->lat[g->ev[e]];
    if (b < a)
        return 0;
    return add_seg(h, s, p, ulon + (vlon - ulon) * a, ulat + (vlat - ulat) * a, ulon + (vlon - ulon) * b,
                   ulat + (vlat - ulat) * b);
}

/* polygon(s) of g without holes smaller than max_hole */
static GEOSGeometry *fill_holes(GEOSContextHandle_t h, const GEOSGeometry *geom, double max_hole)
{
    int i, n = GEOSGetNumGeometries_r(h, geom);
    GEOSGeometry **polys = calloc((size_t)(n > 0 ? n : 1), sizeof *polys);
    GEOSGeometry *res;
    int np = 0;
    if (!polys)
        return NULL;
    for (i = 0; i < n; i++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(h, geom, i);
        int k, nh;
        GEOSGeometry *shell, **holes;
        int nkeep = 0;
        if (GEOSGeomTypeId_r(h, poly) != GEOS_POLYGON)
            continue;
        nh = GEOSGetNumInteriorRings_r(h, poly);
        holes = calloc((size_t)(nh > 0 ? nh : 1), sizeof *holes);
        shell = GEOSGeom_clone_r(h, GEOSGetExteriorRing_r(h, poly));
        if (!holes || !shell) {
            free(holes);
            continue;
        }
        for (k = 0; k < nh; k++) {
            const GEOSGeometry *ring = GEOSGetInteriorRingN_r(h, poly, k);
            GEOSGeometry *rc = GEOSGeom_clone_r(h, ring);
            GEOSGeometry *hp = GEOSGeom_createPolygon_r(h, GEOSGeom_clone_r(h, ring), NULL, 0);
            double area = 0;
            if (hp) {
                GEOSArea_r(h, hp, &area);
                GEOSGeom_destroy_r(h, hp);
            }
            if (area > max_hole)
                holes[nkeep++] = rc;
            else
                GEOSGeom_destroy_r(h, rc);
        }
        polys[np++] = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)nkeep);
        free(holes);
    }
    res = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)np);
    free(polys);
    return res;
}

static int by_index(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void geos_quiet(const char *fmt, ...)
{
    (void)fmt;
}

/* What every ring of one isochrone call shares. */
typedef struct iso_ctx {
    const qt_graph *g;
    qt_search *ws;
    const qt_snap *at;
    qt_snap_mode mode;
    const qt_isochrone_opts *opts;
    GEOSContextHandle_t h;
    GEOSGeoJSONWriter *w;
    qt__proj P;
    uint32_t *node; /* the nodes reached, by index */
    size_t nnode;
} iso_ctx;

static qt_status iso_check(const double *minutes, size_t nminutes, const qt_isochrone_opts *opts, qt_error *err)
{
    size_t k;
    if (!nminutes)
        return qt_error_set(err, QT_EINVAL, "minutes", _("give at least one budget"));
    for (k = 0; k < nminutes; k++)
        if (!(minutes[k] > 0) || !isfinite(minutes[k]) || (k && minutes[k] <= minutes[k - 1]))
            return qt_error_set(err, QT_EINVAL, "minutes", _("budgets must be positive and ascending"));
    if (!(opts->speed_mps > 0) || !(opts->buffer_m > 0))
        return qt_error_set(err, QT_EINVAL, "speed", _("speed and buffer must be positive"));
    return QT_OK;
}

/* The pieces of node v's edges reachable within budget B; nonzero on failure. */
static int iso_node_pieces(const iso_ctx *c, segs *S, uint32_t v, double B)
{
    const qt_graph *g = c->g;
    double dv = c->ws->lab[v].dist;
    uint32_t a;
    int fail = 0;
    for (a = g->first[v]; a < g->first[v + 1] && !fail; a++) {
        uint32_t e = g->arc[a].edge, x = g->arc[a].to;
        double cost = g->ecost[e], dx = qt__search_dist(c->ws, x), rv, rx;
        int v_is_u = g->eu[e] == v;
        if (cost <= 0)
            continue;
        rv = fmin(1, (B - dv) / cost);
        rx = dx <= B ? fmin(1, (B - dx) / cost) : 0;
        if (rv + rx >= 1) {
            /* whole edge: draw it once, from its lower-index end */
            if (x < v && dx <= B)
                continue;
            fail = add_piece(c->h, S, &c->P, g, e, 0, 1) != 0;
        } else if (v_is_u) {
            fail = add_piece(c->h, S, &c->P, g, e, 0, rv) != 0;
        } else {
            fail = add_piece(c->h, S, &c->P, g, e, 1 - rv, 1) != 0;
        }
    }
    return fail;
}

/* Every piece reached within budget B, as one multilinestring (NULL on
 * failure; *fail set when adding a piece failed). */
static GEOSGeometry *iso_pieces(const iso_ctx *c, double B, int *fail)
{
    const qt_graph *g = c->g;
    const qt_snap *at = c->at;
    segs S = {0};
    GEOSGeometry *coll = NULL;
    size_t i;
    *fail = 0;
    /* the point itself and its stretch of the start edge */
    if (add_seg(c->h, &S, &c->P, at->lon, at->lat, at->lon, at->lat))
        *fail = 1;
    if (!*fail && c->mode == QT_SNAP_EDGE && B > at->leg_m && g->ecost[at->edge] > 0) {
        double r = (B - at->leg_m) / g->ecost[at->edge];
        *fail = add_piece(c->h, &S, &c->P, g, at->edge, fmax(0, at->t - r), fmin(1, at->t + r)) != 0;
    }
    for (i = 0; !*fail && i < c->nnode; i++) {
        uint32_t v = c->node[i];
        if (c->ws->lab[v].dist > B)
            continue;
        *fail = iso_node_pieces(c, &S, v, B);
    }
    if (!*fail) {
        coll = GEOSGeom_createCollection_r(c->h, GEOS_MULTILINESTRING, S.g, (unsigned)S.n);
        S.n = 0; /* the collection owns them */
    }
    for (i = 0; i < S.n; i++)
        GEOSGeom_destroy_r(c->h, S.g[i]);
    free(S.g);
    return coll;
}

/* Ring k (k-th budget): built, unioned with *prev (which it replaces) and
 * appended to out as a GeoJSON feature. */
static qt_status iso_ring(const iso_ctx *c, const double *minutes, size_t k, GEOSGeometry **prev, qt__strbuf *out,
                          qt_error *err)
{
    GEOSContextHandle_t h = c->h;
    double B = qt__minutes_m(minutes[k], c->opts->speed_mps), area = 0;
    GEOSGeometry *coll, *buf = NULL, *filled = NULL, *ring = NULL, *ll = NULL;
    char *gj = NULL;
    qt_status st = QT_OK;
    int fail;
    coll = iso_pieces(c, B, &fail);
    if (coll)
        buf = GEOSBuffer_r(h, coll, c->opts->buffer_m, 4);
    if (buf)
        filled = fill_holes(h, buf, c->opts->max_hole_m2);
    if (filled)
        ring = *prev ? GEOSUnion_r(h, filled, *prev) : GEOSGeom_clone_r(h, filled);
    if (ring) {
        GEOSArea_r(h, ring, &area);
        ll = GEOSGeom_transformXY_r(h, ring, to_lonlat, (void *)&c->P);
    }
    if (ll && c->w)
        gj = GEOSGeoJSONWriter_writeGeometry_r(h, c->w, ll, -1);
    if (!gj) {
        st = qt_error_set(err, fail ? QT_ENOMEM : QT_EINTERNAL, NULL,
                          _("could not build the %g-minute isochrone polygon"), minutes[k]);
    } else {
        qt__sb_printf(out,
                      "%s{\"type\":\"Feature\",\"properties\":{\"minutes\":%g,\"cost_m\":%.1f,"
                      "\"area_m2\":%.0f},\"geometry\":%s}",
                      k ? "," : "", minutes[k], B, area, gj);
        GEOSFree_r(h, gj);
    }
    if (coll)
        GEOSGeom_destroy_r(h, coll);
    if (buf)
        GEOSGeom_destroy_r(h, buf);
    if (filled)
        GEOSGeom_destroy_r(h, filled);
    if (ll)
        GEOSGeom_destroy_r(h, ll);
    if (*prev)
        GEOSGeom_destroy_r(h, *prev);
    *prev = ring;
    return st;
}

qt_status qt_isochrone_geojson(const qt_graph *g, qt_search *ws, const qt_snap *at, qt_snap_mode mode,
                               const double *minutes, size_t nminutes, const qt_isochrone_opts *opts, char **geojson,
                               qt_error *err)
{
    qt_isochrone_opts def;
    iso_ctx c = {0};
    GEOSGeometry *prev = NULL;
    qt_seed seeds[2];
    size_t ns, k;
    qt__strbuf out = {0};
    qt_status st = QT_OK;
    double maxb;

    *geojson = NULL;
    if (!opts) {
        qt_isochrone_opts_default(&def);
        opts = &def;
    }
    st = iso_check(minutes, nminutes, opts, err);
    if (st != QT_OK)
        return st;
    maxb = qt__minutes_m(minutes[nminutes - 1], opts->speed_mps);
    ns = qt_snap_seeds(g, at, mode, seeds);
    st = qt__search_run_core(ws, seeds, ns, maxb, err);
    if (st != QT_OK)
        return st;
    c.g = g;
    c.ws = ws;
    c.at = at;
    c.mode = mode;
    c.opts = opts;
    c.nnode = ws->nreached;
    c.node = qt__malloc_array(c.nnode + 1, sizeof *c.node);
    if (!c.node)
        return qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the isochrone"));
    if (c.nnode)
        memcpy(c.node, ws->reached, c.nnode * sizeof *c.node);
    qsort(c.node, c.nnode, sizeof *c.node, by_index);
    qt__proj_init(&c.P, at->lon, at->lat);

    c.h = GEOS_init_r();
    if (!c.h) {
        qt__free(c.node);
        return qt_error_set(err, QT_ENOMEM, NULL, _("cannot start GEOS"));
    }
    GEOSContext_setNoticeHandler_r(c.h, geos_quiet);
    GEOSContext_setErrorHandler_r(c.h, geos_quiet);
    c.w = GEOSGeoJSONWriter_create_r(c.h);
    qt__sb_printf(&out, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (k = 0; k < nminutes && st == QT_OK; k++)
        st = iso_ring(&c, minutes, k, &prev, &out, err);
    if (prev)
        GEOSGeom_destroy_r(c.h, prev);
    if (c.w)
        GEOSGeoJSONWriter_destroy_r(c.h, c.w);
    GEOS_finish_r(c.h);
    qt__free(c.node);
    qt__sb_printf(&out, "]}\n");
    if (st == QT_OK && out.oom)
        st = qt_error_set(err, QT_ENOMEM, NULL, _("no memory for the isochrone"));
    if (st != QT_OK) {
        qt__sb_free(&out);
        return st;
    }
    /* memory the caller frees with free() (base/strbuf.h) */
    *geojson = qt__sb_take(&out);
    return *geojson ? QT_OK : qt_error_set(err, QT_ENOMEM, NULL, _("no memory"));
}

/* SPDX-License-Identifier: MIT */
/*
 * communities.c -- community membership from community boundaries: each
 * residence goes to the polygon that contains it, found through a grid of
 * the polygons' envelopes and OGR's (GEOS) containment test.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "io/boundary.h"
#include "quarter/plan.h"

#define GRID 256 /* cells per side of the envelope grid */

typedef struct poly {
    OGRGeometryH g;
    char *name;
    OGREnvelope env;
} poly;

static void free_polys(poly *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        OGR_G_DestroyGeometry(p[i].g);
        qt__free(p[i].name);
    }
    qt__free(p);
}

qt_status qt__boundary_open(qt__boundary_layer *b, const char *path, const char *layer, const char *name_field,
                            qt_error *err)
{
    static const char *const guess[] = {"name", "社区", "社区名称", "community", "NAME", "名称", NULL};
    OGRFeatureDefnH d;
    OGRSpatialReferenceH src;
    size_t i;
    memset(b, 0, sizeof *b);
    b->name_field = -1;
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    b->ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!b->ds)
        return qt_error_set(err, QT_EIO, path, _("cannot open as a vector layer"));
    b->layer = layer ? GDALDatasetGetLayerByName(b->ds, layer) : GDALDatasetGetLayer(b->ds, 0);
    if (!b->layer) {
        qt__boundary_close(b);
        return layer ? qt_error_set(err, QT_EPARSE, path, _("no layer '%s'"), layer)
                     : qt_error_set(err, QT_EPARSE, path, _("no layer"));
    }
    d = OGR_L_GetLayerDefn(b->layer);
    if (name_field)
        b->name_field = OGR_FD_GetFieldIndex(d, name_field);
    for (i = 0; !name_field && b->name_field < 0 && guess[i]; i++)
        b->name_field = OGR_FD_GetFieldIndex(d, guess[i]);
    if (b->name_field < 0) {
        qt__boundary_close(b);
        return qt_error_set(err, QT_EPARSE, path, _("no community name field (%s)"),
                            name_field ? name_field : _("looked for name, 社区, 社区名称, community"));
    }
    src = OGR_L_GetSpatialRef(b->layer);
    if (src) {
        OGRSpatialReferenceH s2 = OSRClone(src), dst = OSRNewSpatialReference(NULL);
        OSRImportFromEPSG(dst, 4326);
        OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
        if (!OSRIsSame(s2, dst))
            b->ct = OCTNewCoordinateTransformation(s2, dst);
        OSRDestroySpatialReference(s2);
        OSRDestroySpatialReference(dst);
    }
    return QT_OK;
}

void qt__boundary_close(qt__boundary_layer *b)
{
    if (b->ct)
        OCTDestroyCoordinateTransformation(b->ct);
    if (b->ds)
        GDALClose(b->ds);
    memset(b, 0, sizeof *b);
}

/* the community (polygon name) holding each point: names[i] set (strdup) where a polygon holds point i
   and names[i] is NULL or override; counts them in *nset */
/* The polygons of the layer (in WGS-84) with their names and envelopes, and
 * the envelope of them all in *env; -1 without memory. */
static int read_polys(const qt__boundary_layer *bl, poly **out, size_t *nout, OGREnvelope *env)
{
    OGRFeatureH f;
    poly *p = NULL;
    size_t np = 0, cap = 0;
    env->MinX = env->MinY = INFINITY;
    env->MaxX = env->MaxY = -INFINITY;
    OGR_L_ResetReading(bl->layer);
    while ((f = OGR_L_GetNextFeature(bl->layer)) != NULL) {
        OGRGeometryH g = OGR_F_StealGeometry(f);
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbNone;
        if (!g || (t != wkbPolygon && t != wkbMultiPolygon) || (bl->ct && OGR_G_Transform(g, bl->ct) != OGRERR_NONE)) {
            if (g)
                OGR_G_DestroyGeometry(g);
            OGR_F_Destroy(f);
            continue;
        }
        if (qt__grow((void **)&p, &cap, np + 1, sizeof *p) != 0 ||
            !(p[np].name = qt__strdup(OGR_F_GetFieldAsString(f, bl->name_field)))) {
            OGR_G_DestroyGeometry(g);
            OGR_F_Destroy(f);
            free_polys(p, np);
            return -1;
        }
        OGR_F_Destroy(f);
        p[np].g = g;
        OGR_G_GetEnvelope(g, &p[np].env);
        env->MinX = fmin(env->MinX, p[np].env.MinX);
        env->MinY = fmin(env->MinY, p[np].env.MinY);
        env->MaxX = fmax(env->MaxX, p[np].env.MaxX);
        env->MaxY = fmax(env->MaxY, p[np].env.MaxY);
        np++;
    }
    *out = p;
    *nout = np;
    return 0;
}

/* A GRID x GRID grid over env: cell c lists the polygons whose envelope
 * meets it, idx[start[c]] to idx[start[c + 1]]. */
typedef struct grid {
    double minx, miny, cw, ch;
    size_t *start, *idx;
} grid;

static int grid_build(grid *gr, const poly *p, size_t np, const OGREnvelope *env)
{
    size_t i, k, *fill = NULL;
    gr->minx = env->MinX;
    gr->miny = env->MinY;
    gr->cw = (env->MaxX - env->MinX) / GRID + 1e-12;
    gr->ch = (env->MaxY - env->MinY) / GRID + 1e-12;
    gr->idx = NULL;
    if (!(gr->start = qt__calloc(GRID * GRID + 1, sizeof *gr->start)))
        return -1;
    for (k = 0; k < 2; k++) { /* count, then fill */
        if (k == 1) {
            for (i = 0; i < GRID * GRID; i++)
                gr->start[i + 1] += gr->start[i];
            gr->idx = qt__malloc((gr->start[GRID * GRID] + 1) * sizeof *gr->idx);
            if (!gr->idx || !(fill = qt__malloc((GRID * GRID + 1) * sizeof *fill)))
                return -1;
            memcpy(fill, gr->start, GRID * GRID * sizeof *fill);
        }
        for (i = 0; i < np; i++) {
            long x0 = (long)((p[i].env.MinX - gr->minx) / gr->cw), x1 = (long)((p[i].env.MaxX - gr->minx) / gr->cw);
            long y0 = (long)((p[i].env.MinY - gr->miny) / gr->ch), y1 = (long)((p[i].env.MaxY - gr->miny) / gr->ch);
            long x, y;
            for (y = y0; y <= y1 && y < GRID; y++)
                for (x = x0; x <= x1 && x < GRID; x++) {
                    if (k == 0)
                        gr->start[y * GRID + x + 1]++;
                    else
                        gr->idx[fill[y * GRID + x]++] = i;
                }
        }
    }
    qt__free(fill);
    return 0;
}

/* names[i] set to the name of the first polygon holding point i (where it
 * has no name yet, or override); *nset counts them; -1 without memory. */
static int assign_points(const grid *gr, const poly *p, int override, size_t n, const double *lon, const double *lat,
                         char **names, size_t *nset)
{
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    size_t i, j;
    int rc = 0;
    if (!pt)
        return -1;
    for (i = 0; i < n && !rc; i++) {
        long x = (long)((lon[i] - gr->minx) / gr->cw), y = (long)((lat[i] - gr->miny) / gr->ch);
        if ((names[i] && names[i][0] && !override) || x < 0 || y < 0 || x >= GRID || y >= GRID)
            continue;
        OGR_G_SetPoint_2D(pt, 0, lon[i], lat[i]);
        for (j = gr->start[y * GRID + x]; j < gr->start[y * GRID + x + 1]; j++) {
            const poly *q = &p[gr->idx[j]];
            char *c;
            if (lon[i] < q->env.MinX || lon[i] > q->env.MaxX || lat[i] < q->env.MinY || lat[i] > q->env.MaxY ||
                !OGR_G_Contains(q->g, pt))
                continue;
            if (!(c = qt__strdup(q->name))) {
                rc = -1;
                break;
            }
            qt__free(names[i]);
            names[i] = c;
            (*nset)++;
            break;
        }
    }
    OGR_G_DestroyGeometry(pt);
    return rc;
}

static qt_status locate(const char *path, const char *layer, const char *name_field, int override, size_t n,
                        const double *lon, const double *lat, char **names, size_t *nset_out, qt_error *err)
{
    qt__boundary_layer bl;
    poly *p = NULL;
    size_t np = 0, nset = 0;
    OGREnvelope env;
    grid gr = {0};
    qt_status st;
    if (nset_out)
        *nset_out = 0;
    if ((st = qt__boundary_open(&bl, path, layer, name_field, err)) != QT_OK)
        return st;
    if (read_polys(&bl, &p, &np, &env) != 0)
        st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    else if (!np)
        st = qt_error_set(err, QT_EPARSE, path, _("no polygon in the layer"));
    else if (grid_build(&gr, p, np, &env) != 0 || assign_points(&gr, p, override, n, lon, lat, names, &nset) != 0)
        st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    else if (nset_out)
        *nset_out = nset;
    free_polys(p, np);
    qt__free(gr.start);
    qt__free(gr.idx);
    qt__boundary_close(&bl);
    return st;
}

qt_status qt_communities_assign(const char *path, const char *layer, const char *name_field, int override,
                                qt_residence_list *res, size_t *assigned, qt_error *err)
{
    return locate(path, layer, name_field, override, res->n, res->lon, res->lat, res->community, assigned, err);
}

qt_status qt_communities_locate(const char *path, const char *layer, const char *name_field, size_t n,
                                const double *lon, const double *lat, char ***names, qt_error *err)
{
    char **v = qt__calloc(n + 1, sizeof *v);
    qt_status st;
    size_t i;
    *names = NULL;
    if (!v)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    st = locate(path, layer, name_field, 1, n, lon, lat, v, NULL, err);
    if (st != QT_OK) {
        qt_communities_names_free(v, n);
        return st;
    }
    for (i = 0; i < n; i++)
        if (!v[i] && !(v[i] = qt__strdup(""))) {
            qt_communities_names_free(v, n);
            return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
        }
    *names = v;
    return QT_OK;
}

void qt_communities_names_free(char **names, size_t n)
{
    size_t i;
    for (i = 0; names && i < n; i++)
        qt__free(names[i]);
    qt__free(names);
}

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
static qt_status locate(const char *path, const char *layer, const char *name_field, int override, size_t n,
                        const double *lon, const double *lat, char **names, size_t *nset_out, qt_error *err)
{
    qt__boundary_layer bl;
    OGRLayerH l;
    OGRFeatureH f;
    OGRCoordinateTransformationH ct;
    poly *p = NULL;
    size_t np = 0, cap = 0, i, k, nset = 0, *start = NULL, *idx = NULL, nidx = 0, icap = 0;
    int fi = -1;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, cw, ch;
    qt_status st = QT_OK;
    if (nset_out)
        *nset_out = 0;
    if ((st = qt__boundary_open(&bl, path, layer, name_field, err)) != QT_OK)
        return st;
    l = bl.layer;
    fi = bl.name_field;
    ct = bl.ct;
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH g = OGR_F_StealGeometry(f);
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbNone;
        if (!g || (t != wkbPolygon && t != wkbMultiPolygon) || (ct && OGR_G_Transform(g, ct) != OGRERR_NONE)) {
            if (g)
                OGR_G_DestroyGeometry(g);
            OGR_F_Destroy(f);
            continue;
        }
        if (qt__grow((void **)&p, &cap, np + 1, sizeof *p) != 0) {
            OGR_G_DestroyGeometry(g);
            OGR_F_Destroy(f);
            goto nomem;
        }
        p[np].g = g;
        p[np].name = qt__strdup(OGR_F_GetFieldAsString(f, fi));
        OGR_F_Destroy(f);
        if (!p[np].name) {
            OGR_G_DestroyGeometry(g);
            goto nomem;
        }
        OGR_G_GetEnvelope(g, &p[np].env);
        if (p[np].env.MinX < minx) minx = p[np].env.MinX;
        if (p[np].env.MinY < miny) miny = p[np].env.MinY;
        if (p[np].env.MaxX > maxx) maxx = p[np].env.MaxX;
        if (p[np].env.MaxY > maxy) maxy = p[np].env.MaxY;
        np++;
    }
    if (!np) {
        st = qt_error_set(err, QT_EPARSE, path, _("no polygon in the layer"));
        goto done;
    }
    /* a grid over the envelopes: each cell lists the polygons whose envelope meets it */
    cw = (maxx - minx) / GRID + 1e-12;
    ch = (maxy - miny) / GRID + 1e-12;
    start = qt__calloc(GRID * GRID + 1, sizeof *start);
    if (!start)
        goto nomem;
    for (k = 0; k < 2; k++) { /* count, then fill */
        size_t *fill = NULL;
        if (k == 1) {
            for (i = 0; i < GRID * GRID; i++)
                start[i + 1] += start[i];
            nidx = start[GRID * GRID];
            if (qt__grow((void **)&idx, &icap, nidx + 1, sizeof *idx) != 0 ||
                !(fill = qt__malloc((GRID * GRID + 1) * sizeof *fill)))
                goto nomem;
            memcpy(fill, start, GRID * GRID * sizeof *fill);
        }
        for (i = 0; i < np; i++) {
            long x0 = (long)((p[i].env.MinX - minx) / cw), x1 = (long)((p[i].env.MaxX - minx) / cw);
            long y0 = (long)((p[i].env.MinY - miny) / ch), y1 = (long)((p[i].env.MaxY - miny) / ch), x, y;
            for (y = y0; y <= y1 && y < GRID; y++)
                for (x = x0; x <= x1 && x < GRID; x++) {
                    if (k == 0)
                        start[y * GRID + x + 1]++;
                    else
                        idx[fill[y * GRID + x]++] = i;
                }
        }
        qt__free(fill);
    }
    {
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        if (!pt)
            goto nomem;
        for (i = 0; i < n; i++) {
            long x = (long)((lon[i] - minx) / cw), y = (long)((lat[i] - miny) / ch);
            size_t j;
            if ((names[i] && names[i][0] && !override) || x < 0 || y < 0 || x >= GRID || y >= GRID)
                continue;
            OGR_G_SetPoint_2D(pt, 0, lon[i], lat[i]);
            for (j = start[y * GRID + x]; j < start[y * GRID + x + 1]; j++) {
                const poly *q = &p[idx[j]];
                if (lon[i] < q->env.MinX || lon[i] > q->env.MaxX || lat[i] < q->env.MinY || lat[i] > q->env.MaxY ||
                    !OGR_G_Contains(q->g, pt))
                    continue;
                {
                    char *c = qt__strdup(q->name);
                    if (!c) {
                        OGR_G_DestroyGeometry(pt);
                        goto nomem;
                    }
                    qt__free(names[i]);
                    names[i] = c;
                    nset++;
                }
                break;
            }
        }
        OGR_G_DestroyGeometry(pt);
    }
    if (nset_out)
        *nset_out = nset;
    goto done;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
done:
    free_polys(p, np);
    qt__free(start);
    qt__free(idx);
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

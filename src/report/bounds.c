/* SPDX-License-Identifier: MIT */
/*
 * bounds.c -- the boundaries of the communities and circles, for the maps and
 * the GeoPackage: a community's polygon from the project's [communities] file,
 * else its grid cell when the analysis made it from the grid
 * (community_grid_m); a circle is the union of its communities' boundaries
 * when every one of them has one.  Where none is given the writers draw the
 * outline of the residences instead (and say so).
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "report/report_internal.h"

typedef struct name_ix {
    const char *name;
    size_t i;
} name_ix;

static int by_name(const void *x, const void *y)
{
    return strcmp(((const name_ix *)x)->name, ((const name_ix *)y)->name);
}

void qt__bounds_free(qt__bounds *b)
{
    size_t i;
    if (!b)
        return;
    for (i = 0; b->geom && i < b->n; i++)
        if (b->geom[i])
            OGR_G_DestroyGeometry(b->geom[i]);
    for (i = 0; b->circle && i < b->ncircles; i++)
        if (b->circle[i])
            OGR_G_DestroyGeometry(b->circle[i]);
    qt__free(b->geom);
    qt__free(b->kind);
    qt__free(b->circle);
    qt__free(b);
}

/* the polygons of g (polygon, multipolygon, collection) added to the multipolygon m */
static int add_parts(OGRGeometryH m, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    int i, n;
    if (t == wkbPolygon)
        return OGR_G_AddGeometry(m, g) == OGRERR_NONE ? 0 : -1;
    if (t != wkbMultiPolygon && t != wkbGeometryCollection)
        return 0;
    n = OGR_G_GetGeometryCount(g);
    for (i = 0; i < n; i++)
        if (add_parts(m, OGR_G_GetGeometryRef(g, i)) != 0)
            return -1;
    return 0;
}

/* the polygons of the [communities] file into b->geom (kind QT__BOUND_POLYGON) */
static qt_status read_polygons(const char *path, const char *layer, const char *name_field, const qt_analysis *a,
                               qt__bounds *b, qt_error *err)
{
    static const char *const guess[] = {"name", "社区", "社区名称", "community", "NAME", "名称", NULL};
    GDALDatasetH ds;
    OGRLayerH l;
    OGRFeatureH f;
    OGRCoordinateTransformationH ct = NULL;
    OGRSpatialReferenceH src;
    name_ix *ix = NULL;
    size_t i;
    int fi = -1;
    qt_status st = QT_OK;
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds)
        return qt_error_set(err, QT_EIO, path, _("cannot open as a vector layer"));
    l = layer ? GDALDatasetGetLayerByName(ds, layer) : GDALDatasetGetLayer(ds, 0);
    if (!l) {
        GDALClose(ds);
        return qt_error_set(err, QT_EPARSE, path, layer ? _("no layer '%s'") : "no layer%s", layer ? layer : "");
    }
    {
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
        if (name_field)
            fi = OGR_FD_GetFieldIndex(d, name_field);
        for (i = 0; !name_field && fi < 0 && guess[i]; i++)
            fi = OGR_FD_GetFieldIndex(d, guess[i]);
        if (fi < 0) {
            GDALClose(ds);
            return qt_error_set(err, QT_EPARSE, path, _("no community name field (%s)"),
                                name_field ? name_field : _("looked for name, 社区, 社区名称, community"));
        }
    }
    if (!(ix = qt__malloc((a->ncommunities + 1) * sizeof *ix)))
        goto nomem;
    for (i = 0; i < a->ncommunities; i++) {
        ix[i].name = a->community[i];
        ix[i].i = i;
    }
    qsort(ix, a->ncommunities, sizeof *ix, by_name);
    src = OGR_L_GetSpatialRef(l);
    if (src) {
        OGRSpatialReferenceH s2 = OSRClone(src), dst = OSRNewSpatialReference(NULL);
        OSRImportFromEPSG(dst, 4326);
        OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
        if (!OSRIsSame(s2, dst))
            ct = OCTNewCoordinateTransformation(s2, dst);
        OSRDestroySpatialReference(s2);
        OSRDestroySpatialReference(dst);
    }
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbNone;
        name_ix key, *hit;
        size_t c;
        key.name = OGR_F_GetFieldAsString(f, fi);
        hit = a->ncommunities ? bsearch(&key, ix, a->ncommunities, sizeof *ix, by_name) : NULL;
        if (!hit || (t != wkbPolygon && t != wkbMultiPolygon) || (ct && OGR_G_Transform(g, ct) != OGRERR_NONE)) {
            OGR_F_Destroy(f);
            continue;
        }
        c = hit->i;
        if (!b->geom[c] && !(b->geom[c] = OGR_G_CreateGeometry(wkbMultiPolygon))) {
            OGR_F_Destroy(f);
            goto nomem;
        }
        b->kind[c] = QT__BOUND_POLYGON;
        if (add_parts(b->geom[c], g) != 0) {
            OGR_F_Destroy(f);
            goto nomem;
        }
        OGR_F_Destroy(f);
    }
    goto done;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
done:
    qt__free(ix);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
    return st;
}

/* a grid cell as a one-polygon multipolygon */
static OGRGeometryH cell_geom(double lon0, double lat0, double lon1, double lat1)
{
    OGRGeometryH m = OGR_G_CreateGeometry(wkbMultiPolygon), p = OGR_G_CreateGeometry(wkbPolygon),
                 r = OGR_G_CreateGeometry(wkbLinearRing);
    if (!m || !p || !r) {
        if (m)
            OGR_G_DestroyGeometry(m);
        if (p)
            OGR_G_DestroyGeometry(p);
        if (r)
            OGR_G_DestroyGeometry(r);
        return NULL;
    }
    OGR_G_AddPoint_2D(r, lon0, lat0);
    OGR_G_AddPoint_2D(r, lon1, lat0);
    OGR_G_AddPoint_2D(r, lon1, lat1);
    OGR_G_AddPoint_2D(r, lon0, lat1);
    OGR_G_AddPoint_2D(r, lon0, lat0);
    OGR_G_AddGeometryDirectly(p, r);
    OGR_G_AddGeometryDirectly(m, p);
    return m;
}

/* the union of circle ci's communities' boundaries; NULL when one of them has none */
static OGRGeometryH circle_union(const qt__bounds *b, const qt_analysis *a, size_t ci, int *nomem)
{
    OGRGeometryH m, u;
    size_t k;
    if (a->circle_start[ci] == a->circle_start[ci + 1])
        return NULL;
    for (k = a->circle_start[ci]; k < a->circle_start[ci + 1]; k++)
        if (!b->geom[a->circle_member[k]])
            return NULL;
    if (!(m = OGR_G_CreateGeometry(wkbMultiPolygon))) {
        *nomem = 1;
        return NULL;
    }
    for (k = a->circle_start[ci]; k < a->circle_start[ci + 1]; k++)
        if (add_parts(m, b->geom[a->circle_member[k]]) != 0) {
            OGR_G_DestroyGeometry(m);
            *nomem = 1;
            return NULL;
        }
    u = OGR_G_UnionCascaded(m);
    OGR_G_DestroyGeometry(m);
    if (u && wkbFlatten(OGR_G_GetGeometryType(u)) != wkbMultiPolygon)
        u = OGR_G_ForceToMultiPolygon(u);
    return u;
}

qt_status qt__bounds_make(const char *path, const char *layer, const char *name_field, const qt_analysis *a,
                          qt__bounds **out, qt_error *err)
{
    qt__bounds *b = qt__calloc(1, sizeof *b);
    size_t i;
    int nomem = 0;
    qt_status st;
    *out = NULL;
    if (!b || !(b->geom = qt__calloc(a->ncommunities + 1, sizeof *b->geom)) ||
        !(b->kind = qt__calloc(a->ncommunities + 1, 1)) ||
        !(b->circle = qt__calloc(a->ncircles + 1, sizeof *b->circle)))
        goto nomem;
    b->n = a->ncommunities;
    b->ncircles = a->ncircles;
    if (path && (st = read_polygons(path, layer, name_field, a, b, err)) != QT_OK) {
        qt__bounds_free(b);
        return st;
    }
    for (i = 0; i < a->ncommunities; i++) {
        double x0, y0, x1, y1;
        if (b->geom[i] || !qt_analysis_community_cell(a, i, &x0, &y0, &x1, &y1))
            continue;
        if (!(b->geom[i] = cell_geom(x0, y0, x1, y1)))
            goto nomem;
        b->kind[i] = QT__BOUND_CELL;
    }
    for (i = 0; i < a->ncircles; i++) {
        b->circle[i] = circle_union(b, a, i, &nomem);
        if (nomem)
            goto nomem;
        b->circles_given += b->circle[i] != NULL;
    }
    *out = b;
    return QT_OK;
nomem:
    qt__bounds_free(b);
    return qt_error_set(err, QT_ENOMEM, path ? path : "report", _("no memory"));
}

/* SPDX-License-Identifier: MIT */
/*
 * bounds.c -- the communities' boundary polygons of a project ([communities]),
 * by community of the analysis, for the circles' maps: each community drawn as
 * its polygon and each circle as the union of its communities' polygons.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "io/boundary.h"
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
    for (i = 0; i < b->n; i++)
        if (b->geom[i])
            OGR_G_DestroyGeometry(b->geom[i]);
    qt__free(b->geom);
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

qt_status qt__bounds_read(const char *path, const char *layer, const char *name_field, const qt_analysis *a,
                          qt__bounds **out, qt_error *err)
{
    qt__boundary_layer bl;
    OGRLayerH l;
    OGRFeatureH f;
    OGRCoordinateTransformationH ct;
    qt__bounds *b;
    name_ix *ix = NULL;
    size_t i;
    int fi = -1;
    qt_status st = QT_OK;
    *out = NULL;
    if ((st = qt__boundary_open(&bl, path, layer, name_field, err)) != QT_OK)
        return st;
    l = bl.layer;
    fi = bl.name_field;
    ct = bl.ct;
    b = qt__calloc(1, sizeof *b);
    if (b)
        b->n = a->ncommunities;
    if (!b || !(b->geom = qt__calloc(a->ncommunities + 1, sizeof *b->geom)) ||
        !(ix = qt__malloc((a->ncommunities + 1) * sizeof *ix)))
        goto nomem;
    for (i = 0; i < a->ncommunities; i++) {
        ix[i].name = a->community[i];
        ix[i].i = i;
    }
    qsort(ix, a->ncommunities, sizeof *ix, by_name);
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
        if (add_parts(b->geom[c], g) != 0) {
            OGR_F_Destroy(f);
            goto nomem;
        }
        OGR_F_Destroy(f);
    }
    *out = b;
    b = NULL;
    goto done;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
done:
    qt__bounds_free(b);
    qt__free(ix);
    qt__boundary_close(&bl);
    return st;
}

void *qt__bounds_circle(const qt__bounds *b, const qt_analysis *a, size_t ci)
{
    OGRGeometryH m = OGR_G_CreateGeometry(wkbMultiPolygon), u;
    size_t k;
    int any = 0;
    if (!m)
        return NULL;
    for (k = a->circle_start[ci]; k < a->circle_start[ci + 1]; k++) {
        uint32_t c = a->circle_member[k];
        if (c < b->n && b->geom[c]) {
            if (add_parts(m, b->geom[c]) != 0) {
                OGR_G_DestroyGeometry(m);
                return NULL;
            }
            any = 1;
        }
    }
    if (!any) {
        OGR_G_DestroyGeometry(m);
        return NULL;
    }
    u = OGR_G_UnionCascaded(m);
    OGR_G_DestroyGeometry(m);
    return u;
}

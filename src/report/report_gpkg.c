/* SPDX-License-Identifier: MIT */
/*
 * report_gpkg.c -- analysis.gpkg through GDAL/OGR: every layer of the
 * analysis in one GeoPackage (EPSG:4326) with QGIS styles in its
 * layer_styles table, so it opens styled in QGIS:
 *   outlets      Point         id, name, category, zh, class, brand, chain, staff, floor_area_m2, circle, community, address
 *   residences   Point         id, community, circle, population, households, placed, all_basic, <code>_min ...
 *   communities  MultiPolygon  name, circle, population, all_basic, covered, boundary
 *   circles      MultiPolygon  name, grade, population, all_basic, basic_present, quality_present, reasons, boundary
 * A community's geometry is its polygon of the project's [communities] file, else its grid cell
 * (community_grid_m), else the hull of its residences 50 m wider; a circle's, the union of its
 * communities' when every one has a polygon or cell, else the hull of its residences.  boundary says
 * which: 社区边界, 网格单元, 小区外包线.
 *   blindspots   MultiPolygon  circle, category, zh, class, ring_min, unserved_population, cells
 *   sites        Point         id, rank, category, zh, circle, newly_served, near      (with --sites)
 */
#include <cpl_conv.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "report/cells.h"
#include "report/report_internal.h"

typedef struct gpkg {
    GDALDatasetH ds;
    OGRSpatialReferenceH srs;
    const char *path;
    qt_error *err;
} gpkg;

static OGRLayerH layer(gpkg *g, const char *name, OGRwkbGeometryType type, const char *const *fields,
                       const OGRFieldType *types, size_t n)
{
    OGRLayerH l = GDALDatasetCreateLayer(g->ds, name, g->srs, type, NULL);
    size_t i;
    if (!l)
        return NULL;
    for (i = 0; i < n; i++) {
        OGRFieldDefnH f = OGR_Fld_Create(fields[i], types[i]);
        OGRErr e = OGR_L_CreateField(l, f, TRUE);
        OGR_Fld_Destroy(f);
        if (e != OGRERR_NONE)
            return NULL;
    }
    return l;
}

static OGRGeometryH point(double lon, double lat)
{
    OGRGeometryH p = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(p, 0, lon, lat);
    return p;
}

/* the convex hull of points, 50 m wider (a polygon even for one or two points) */
static OGRGeometryH hull(const double *lon, const double *lat, const uint32_t *idx, size_t n)
{
    OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPoint), h, b;
    size_t i;
    for (i = 0; i < n; i++) {
        OGRGeometryH p = point(lon[idx[i]], lat[idx[i]]);
        OGR_G_AddGeometryDirectly(mp, p);
    }
    h = OGR_G_ConvexHull(mp);
    OGR_G_DestroyGeometry(mp);
    if (!h)
        return NULL;
    b = OGR_G_Buffer(h, 0.0005, 4);
    OGR_G_DestroyGeometry(h);
    if (b && OGR_G_GetGeometryType(b) != wkbPolygon) {
        OGR_G_DestroyGeometry(b);
        return NULL;
    }
    return b;
}

/* an area's geometry: a copy of its boundary (a multipolygon), else the hull of its residences */
static OGRGeometryH area_geom(const void *given, const double *lon, const double *lat, const uint32_t *idx, size_t n)
{
    OGRGeometryH h;
    if (given)
        return OGR_G_Clone((OGRGeometryH)given);
    if (!n || !(h = hull(lon, lat, idx, n)))
        return NULL;
    return OGR_G_ForceToMultiPolygon(h);
}

static const char *boundary_name(int kind)
{
    return kind == QT__BOUND_POLYGON ? "社区边界" : kind == QT__BOUND_CELL ? "网格单元" : "小区外包线";
}

static qt_status put(gpkg *g, OGRLayerH l, OGRFeatureH f, OGRGeometryH geom)
{
    OGRErr e;
    if (geom)
        OGR_F_SetGeometryDirectly(f, geom);
    e = OGR_L_CreateFeature(l, f);
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE)
        return qt_error_set(g->err, QT_EIO, g->path, _("cannot write a feature: %s"), CPLGetLastErrorMsg());
    return QT_OK;
}

/* ---- QGIS styles ------------------------------------------------------------------------ */

static void qml_symbol(char *buf, size_t n, const char *name, int polygon, const char *shape, const char *rgb,
                       const char *outline, double size)
{
    if (polygon)
        snprintf(buf, n,
                 "<symbol type=\"fill\" name=\"%s\" alpha=\"1\"><layer class=\"SimpleFill\" enabled=\"1\">"
                 "<prop k=\"color\" v=\"%s\"/><prop k=\"style\" v=\"solid\"/><prop k=\"outline_color\" v=\"%s\"/>"
                 "<prop k=\"outline_width\" v=\"%g\"/><prop k=\"outline_style\" v=\"solid\"/></layer></symbol>",
                 name, rgb, outline, size);
    else
        snprintf(buf, n,
                 "<symbol type=\"marker\" name=\"%s\" alpha=\"1\"><layer class=\"SimpleMarker\" enabled=\"1\">"
                 "<prop k=\"color\" v=\"%s\"/><prop k=\"name\" v=\"%s\"/><prop k=\"size\" v=\"%g\"/>"
                 "<prop k=\"outline_color\" v=\"%s\"/><prop k=\"outline_width\" v=\"0.2\"/></layer></symbol>",
                 name, rgb, shape, size, outline);
}

static const char qml_head[] =
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
    "<qgis version=\"3.22.0\" styleCategories=\"Symbology\">";

static qt_status style(gpkg *g, const char *table, const char *geomcol, const char *qml)
{
    char *sql;
    size_t n = strlen(qml) * 2 + 1024, i, k;
    OGRLayerH r;
    sql = qt__malloc(n);
    if (!sql)
        return qt_error_set(g->err, QT_ENOMEM, g->path, _("no memory"));
    k = (size_t)snprintf(sql, n,
                         "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                         "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES "
                         "('', '', '%s', '%s', '%s', '",
                         table, geomcol, table);
    for (i = 0; qml[i] && k + 4 < n; i++) { /* quote ' for SQL */
        if (qml[i] == '\'')
            sql[k++] = '\'';
        sql[k++] = qml[i];
    }
    snprintf(sql + k, n - k, "', '', 1, 'quarter', '', NULL, '2000-01-01T00:00:00Z')");
    CPLErrorReset();
    r = GDALDatasetExecuteSQL(g->ds, sql, NULL, "SQLITE");
    if (r)
        GDALDatasetReleaseResultSet(g->ds, r);
    qt__free(sql);
    if (CPLGetLastErrorType() >= CE_Failure)
        return qt_error_set(g->err, QT_EIO, g->path, _("cannot write the QGIS style of %s: %s"), table,
                            CPLGetLastErrorMsg());
    return QT_OK;
}

static qt_status styles(gpkg *g, const char *geomcol, int sites)
{
    static const char create[] =
        "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), "
        "f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), "
        "styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
        "update_time DATETIME)";
    char s0[1024], s1[1024], qml[4096];
    OGRLayerH r;
    qt_status st;
    CPLErrorReset();
    r = GDALDatasetExecuteSQL(g->ds, create, NULL, "SQLITE");
    if (r)
        GDALDatasetReleaseResultSet(g->ds, r);
    if (CPLGetLastErrorType() >= CE_Failure)
        return qt_error_set(g->err, QT_EIO, g->path, _("cannot create layer_styles: %s"), CPLGetLastErrorMsg());
    /* outlets: discs for basic 业态, squares for quality ones */
    qml_symbol(s0, sizeof s0, "0", 0, "circle", "31,119,180,255", "255,255,255,255", 2.4);
    qml_symbol(s1, sizeof s1, "1", 0, "square", "255,127,14,255", "255,255,255,255", 2.4);
    snprintf(qml, sizeof qml,
             "%s<renderer-v2 type=\"categorizedSymbol\" attr=\"class\" symbollevels=\"0\" enableorderby=\"0\">"
             "<categories><category value=\"basic\" label=\"基本保障类\" symbol=\"0\" render=\"true\"/>"
             "<category value=\"quality\" label=\"品质提升类\" symbol=\"1\" render=\"true\"/></categories>"
             "<symbols>%s%s</symbols></renderer-v2></qgis>",
             qml_head, s0, s1);
    if ((st = style(g, "outlets", geomcol, qml)) != QT_OK)
        return st;
    /* residences: served by every basic 业态 or not */
    qml_symbol(s0, sizeof s0, "0", 0, "circle", "80,80,80,255", "255,255,255,0", 1.2);
    qml_symbol(s1, sizeof s1, "1", 0, "circle", "224,48,48,255", "255,255,255,0", 1.6);
    snprintf(qml, sizeof qml,
             "%s<renderer-v2 type=\"categorizedSymbol\" attr=\"all_basic\" symbollevels=\"0\" enableorderby=\"0\">"
             "<categories><category value=\"yes\" label=\"基本保障类业态全覆盖\" symbol=\"0\" render=\"true\"/>"
             "<category value=\"no\" label=\"缺基本保障类业态\" symbol=\"1\" render=\"true\"/></categories>"
             "<symbols>%s%s</symbols></renderer-v2></qgis>",
             qml_head, s0, s1);
    if ((st = style(g, "residences", geomcol, qml)) != QT_OK)
        return st;
#define SINGLE(table, poly, shape, fill, outline, w)                                                                   \
    do {                                                                                                               \
        qml_symbol(s0, sizeof s0, "0", poly, shape, fill, outline, w);                                                 \
        snprintf(qml, sizeof qml,                                                                                      \
                 "%s<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\">"                        \
                 "<symbols>%s</symbols></renderer-v2></qgis>",                                                         \
                 qml_head, s0);                                                                                        \
        if ((st = style(g, table, geomcol, qml)) != QT_OK)                                                             \
            return st;                                                                                                 \
    } while (0)
    SINGLE("communities", 1, "", "85,85,153,30", "85,85,153,255", 0.3);
    SINGLE("circles", 1, "", "31,58,147,40", "31,58,147,255", 0.8);
    SINGLE("blindspots", 1, "", "224,48,48,120", "224,48,48,0", 0);
    if (sites)
        SINGLE("sites", 0, "star", "208,16,128,255", "255,255,255,255", 5);
#undef SINGLE
    return QT_OK;
}

/* ---- the layers ------------------------------------------------------------------------ */

static qt_status write_outlets(gpkg *g, const qt__report *R, const uint32_t *cc)
{
    static const char *const f[] = {"id",    "name",  "category",      "zh",     "class",     "brand",
                                    "chain", "staff", "floor_area_m2", "circle", "community", "address"};
    static const OGRFieldType t[] = {OFTString,  OFTString, OFTString, OFTString, OFTString, OFTString,
                                     OFTInteger, OFTReal,   OFTReal,   OFTString, OFTString, OFTString};
    const qt_outlet_list *ol = R->in->outlets;
    const qt_analysis *a = R->a;
    OGRLayerH l = layer(g, "outlets", wkbPoint, f, t, 12);
    size_t i;
    qt_status st;
    if (!l)
        return qt_error_set(g->err, QT_EIO, g->path, _("cannot create layer outlets: %s"), CPLGetLastErrorMsg());
    for (i = 0; i < ol->n; i++) {
        const qt_category *k;
        uint32_t com = a->outlet_community ? a->outlet_community[i] : UINT32_MAX;
        OGRFeatureH ft;
        if (ol->category[i] < 0)
            continue;
        k = qt_profile_category(R->in->profile, (size_t)ol->category[i]);
        ft = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(ft, 0, ol->id[i]);
        OGR_F_SetFieldString(ft, 1, ol->name[i]);
        OGR_F_SetFieldString(ft, 2, k->code);
        OGR_F_SetFieldString(ft, 3, k->zh);
        OGR_F_SetFieldString(ft, 4, k->cls == QT_CLASS_BASIC ? "basic" : "quality");
        OGR_F_SetFieldString(ft, 5, ol->brand[i]);
        if (a->chain_known)
            OGR_F_SetFieldInteger(ft, 6, ol->chain[i]);
        if (isfinite(ol->staff[i]))
            OGR_F_SetFieldDouble(ft, 7, ol->staff[i]);
        if (isfinite(ol->floor_area[i]))
            OGR_F_SetFieldDouble(ft, 8, ol->floor_area[i]);
        if (com < a->ncommunities) {
            if (cc[com] != UINT32_MAX)
                OGR_F_SetFieldString(ft, 9, a->circle[cc[com]]);
            OGR_F_SetFieldString(ft, 10, a->community[com]);
        }
        if (ol->address && ol->address[i][0])
            OGR_F_SetFieldString(ft, 11, ol->address[i]);
        if ((st = put(g, l, ft, point(ol->lon[i], ol->lat[i]))) != QT_OK)
            return st;
    }
    return QT_OK;
}

static qt_status write_residences(gpkg *g, const qt__report *R)
{
    const qt_residence_list *r = R->in->residences;
    const qt_analysis *a = R->a;
    const qt_profile *p = R->in->profile;
    static const char *const f[] = {"id", "community", "circle", "population", "households", "placed", "all_basic"};
    static const OGRFieldType t[] = {OFTString, OFTString, OFTString, OFTReal, OFTReal, OFTInteger, OFTString};
    OGRLayerH l = layer(g, "residences", wkbPoint, f, t, 7);
    size_t i, c;
    qt_status st;
    if (!l)
        return qt_error_set(g->err, QT_EIO, g->path, _("cannot create layer residences: %s"), CPLGetLastErrorMsg());
    for (c = 0; c < a->ncat; c++) {
        char name[64];
        OGRFieldDefnH fd;
        snprintf(name, sizeof name, "%s_min", qt_profile_category(p, c)->code);
        fd = OGR_Fld_Create(name, OFTReal);
        OGR_Fld_SetAlternativeName(fd, qt_profile_category(p, c)->zh);
        if (OGR_L_CreateField(l, fd, TRUE) != OGRERR_NONE) {
            OGR_Fld_Destroy(fd);
            return qt_error_set(g->err, QT_EIO, g->path, _("cannot create field %s"), name);
        }
        OGR_Fld_Destroy(fd);
    }
    for (i = 0; i < r->n; i++) {
        OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(l));
        uint32_t com = a->res_community[i], ci = R->res_circle[i];
        int all = 1;
        OGR_F_SetFieldString(ft, 0, r->id[i]);
        if (com != UINT32_MAX)
            OGR_F_SetFieldString(ft, 1, a->community[com]);
        if (ci != UINT32_MAX)
            OGR_F_SetFieldString(ft, 2, a->circle[ci]);
        OGR_F_SetFieldDouble(ft, 3, r->population[i]);
        OGR_F_SetFieldDouble(ft, 4, r->households[i]);
        OGR_F_SetFieldInteger(ft, 5, a->res_placed[i]);
        for (c = 0; c < a->ncat; c++) {
            const qt_category *k = qt_profile_category(p, c);
            float m = a->minutes[i * a->ncat + c];
            if (isfinite(m))
                OGR_F_SetFieldDouble(ft, 7 + (int)c, round(m * 10) / 10);
            if (k->cls == QT_CLASS_BASIC && k->required && !(m <= k->ring_min))
                all = 0;
        }
        OGR_F_SetFieldString(ft, 6, a->res_placed[i] && all ? "yes" : "no");
        if ((st = put(g, l, ft, point(r->lon[i], r->lat[i]))) != QT_OK)
            return st;
    }
    return QT_OK;
}

/* a circle with a boundary: 社区边界 when one of its communities has a polygon, else 网格单元 */
static const char *circle_boundary(const qt__report *R, size_t ci)
{
    const qt_analysis *a = R->a;
    size_t k;
    for (k = a->circle_start[ci]; k < a->circle_start[ci + 1]; k++)
        if (R->bounds->kind[a->circle_member[k]] == QT__BOUND_POLYGON)
            return boundary_name(QT__BOUND_POLYGON);
    return boundary_name(QT__BOUND_CELL);
}

void *qt__report_area_geom(const qt__report *R, int circle, size_t i, const char **boundary)
{
    const qt_residence_list *r = R->in->residences;
    if (circle) {
        *boundary = R->bounds->circle[i] ? circle_boundary(R, i) : boundary_name(QT__BOUND_NONE);
        return area_geom(R->bounds->circle[i], r->lon, r->lat, R->circle_res + R->circle_res_start[i],
                         R->circle_res_start[i + 1] - R->circle_res_start[i]);
    }
    *boundary = boundary_name(R->bounds->kind[i]);
    return area_geom(R->bounds->geom[i], r->lon, r->lat, R->com_res + R->com_res_start[i],
                     R->com_res_start[i + 1] - R->com_res_start[i]);
}

static qt_status write_areas(gpkg *g, const qt__report *R, const uint32_t *cc)
{
    static const char *const fc[] = {"name", "circle", "population", "all_basic", "covered", "boundary"};
    static const OGRFieldType tc[] = {OFTString, OFTString, OFTReal, OFTReal, OFTInteger, OFTString};
    static const char *const fk[] = {"name",          "grade",           "population", "all_basic",
                                     "basic_present", "quality_present", "reasons",    "boundary"};
    static const OGRFieldType tk[] = {OFTString,  OFTString,  OFTReal,   OFTReal,
                                      OFTInteger, OFTInteger, OFTString, OFTString};
    const qt_analysis *a = R->a;
    const qt_targets *t = qt_profile_targets(R->in->profile);
    OGRLayerH lc = layer(g, "communities", wkbMultiPolygon, fc, tc, 6), lk;
    size_t i;
    qt_status st;
    if (!lc)
        return qt_error_set(g->err, QT_EIO, g->path, _("cannot create layer communities: %s"), CPLGetLastErrorMsg());
    for (i = 0; i < a->ncommunities; i++) {
        const qt_area_stats *s = &a->communities_stats[i];
        const char *boundary;
        OGRGeometryH h;
        OGRFeatureH ft;
        if (!(h = qt__report_area_geom(R, 0, i, &boundary)))
            continue;
        ft = OGR_F_Create(OGR_L_GetLayerDefn(lc));
        OGR_F_SetFieldString(ft, 0, a->community[i]);
        if (cc[i] != UINT32_MAX)
            OGR_F_SetFieldString(ft, 1, a->circle[cc[i]]);
        OGR_F_SetFieldDouble(ft, 2, s->population);
        if (isfinite(s->all_basic))
            OGR_F_SetFieldDouble(ft, 3, s->all_basic);
        OGR_F_SetFieldInteger(ft, 4, s->all_basic >= t->community_covered_share);
        OGR_F_SetFieldString(ft, 5, boundary);
        if ((st = put(g, lc, ft, h)) != QT_OK)
            return st;
    }
    if (!(lk = layer(g, "circles", wkbMultiPolygon, fk, tk, 8)))
        return qt_error_set(g->err, QT_EIO, g->path, _("cannot create layer circles: %s"), CPLGetLastErrorMsg());
    for (i = 0; i < a->ncircles; i++) {
        const qt_area_stats *s = &a->circles_stats[i];
        const char *boundary;
        OGRGeometryH h;
        OGRFeatureH ft;
        char *why;
        if (!(h = qt__report_area_geom(R, 1, i, &boundary)))
            continue;
        if (!(why = qt_grade_reasons(s, R->in->profile, QT_REASONS_TEXT))) { /* for people: in their language */
            OGR_G_DestroyGeometry(h);
            return qt_error_set(g->err, QT_ENOMEM, g->path, _("no memory"));
        }
        ft = OGR_F_Create(OGR_L_GetLayerDefn(lk));
        OGR_F_SetFieldString(ft, 0, a->circle[i]);
        OGR_F_SetFieldString(ft, 1, qt__grade_name(R->in->profile, s->grade));
        OGR_F_SetFieldDouble(ft, 2, s->population);
        if (isfinite(s->all_basic))
            OGR_F_SetFieldDouble(ft, 3, s->all_basic);
        OGR_F_SetFieldInteger(ft, 4, s->basic_present);
        OGR_F_SetFieldInteger(ft, 5, s->quality_present);
        OGR_F_SetFieldString(ft, 6, why);
        free(why);
        OGR_F_SetFieldString(ft, 7, boundary);
        if ((st = put(g, lk, ft, h)) != QT_OK)
            return st;
    }
    return QT_OK;
}

static qt_status write_sites(gpkg *g, const qt__report *R)
{
    static const char *const f[] = {"id", "rank", "category", "zh", "circle", "newly_served", "near"};
    static const OGRFieldType t[] = {OFTString, OFTInteger, OFTString, OFTString, OFTString, OFTReal, OFTString};
    const qt_site_list *s = R->sites;
    OGRLayerH l = layer(g, "sites", wkbPoint, f, t, 7);
    size_t i;
    qt_status st;
    if (!l)
        return qt_error_set(g->err, QT_EIO, g->path, _("cannot create layer sites: %s"), CPLGetLastErrorMsg());
    for (i = 0; i < s->n; i++) {
        const qt_category *k = qt_profile_category(R->in->profile, (size_t)s->category[i]);
        OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(ft, 0, s->id[i]);
        OGR_F_SetFieldInteger(ft, 1, (int)i + 1);
        OGR_F_SetFieldString(ft, 2, k->code);
        OGR_F_SetFieldString(ft, 3, k->zh);
        if (R->site_circle[i] != UINT32_MAX && R->a->ncircles)
            OGR_F_SetFieldString(ft, 4, R->a->circle[R->site_circle[i]]);
        if (isfinite(s->served[i]))
            OGR_F_SetFieldDouble(ft, 5, s->served[i]);
        OGR_F_SetFieldString(ft, 6, R->site_near[i]);
        if ((st = put(g, l, ft, point(s->lon[i], s->lat[i]))) != QT_OK)
            return st;
    }
    return QT_OK;
}

/* 盲区: each one's cells traced into a multipolygon (the rings of cells.c, as blindspots.geojson has them) */
typedef struct blind_rings {
    OGRGeometryH mp, poly; /* the multipolygon being built, its polygon */
} blind_rings;

static int blind_ring(void *ctx, int outer, const double *xy, size_t n)
{
    blind_rings *b = ctx;
    OGRGeometryH r = OGR_G_CreateGeometry(wkbLinearRing);
    size_t i;
    if (!r)
        return -1;
    OGR_G_SetPointCount(r, (int)n);
    for (i = 0; i < n; i++)
        OGR_G_SetPoint_2D(r, (int)i, xy[2 * i], xy[2 * i + 1]);
    if (outer) {
        if (!(b->poly = OGR_G_CreateGeometry(wkbPolygon)) || OGR_G_AddGeometryDirectly(b->mp, b->poly) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(r);
            return -1;
        }
    }
    return b->poly && OGR_G_AddGeometryDirectly(b->poly, r) == OGRERR_NONE ? 0 : -1;
}

static OGRGeometryH blind_geom(const qt__blind *bl)
{
    blind_rings b = {NULL, NULL};
    qt__cells_sink sk = {blind_ring, &b};
    if (!(b.mp = OGR_G_CreateGeometry(wkbMultiPolygon)))
        return NULL;
    if (qt__cells_rings(bl->cells, bl->ncells, bl->lon0, bl->lat0, bl->dlon, bl->dlat, &sk) != 0) {
        OGR_G_DestroyGeometry(b.mp);
        return NULL;
    }
    return b.mp;
}

typedef struct blind_gpkg {
    gpkg *g;
    OGRLayerH l;
} blind_gpkg;

static int blind_put(void *ctx, const qt__blind *bl)
{
    blind_gpkg *b = ctx;
    OGRGeometryH mp = blind_geom(bl);
    OGRFeatureH ft;
    if (!mp)
        return -1;
    ft = OGR_F_Create(OGR_L_GetLayerDefn(b->l));
    OGR_F_SetFieldString(ft, 0, bl->circle);
    OGR_F_SetFieldString(ft, 1, bl->cat->code);
    OGR_F_SetFieldString(ft, 2, bl->cat->zh);
    OGR_F_SetFieldString(ft, 3, bl->cat->cls == QT_CLASS_BASIC ? "basic" : "quality");
    OGR_F_SetFieldInteger(ft, 4, (int)lround(bl->cat->ring_min));
    OGR_F_SetFieldInteger(ft, 5, (int)lround(bl->unserved));
    OGR_F_SetFieldInteger(ft, 6, (int)bl->ncells);
    return put(b->g, b->l, ft, mp) == QT_OK ? 0 : -1;
}

static qt_status write_blind(gpkg *g, const qt__report *R)
{
    static const char *const f[] = {"circle", "category", "zh", "class", "ring_min", "unserved_population", "cells"};
    static const OGRFieldType t[] = {OFTString, OFTString, OFTString, OFTString, OFTInteger, OFTInteger, OFTInteger};
    blind_gpkg b;
    memset(&b, 0, sizeof b);
    b.g = g;
    if (!(b.l = layer(g, "blindspots", wkbMultiPolygon, f, t, 7)))
        return qt_error_set(g->err, QT_EIO, g->path, _("cannot create layer blindspots: %s"), CPLGetLastErrorMsg());
    return qt__blindspots_visit(R->a, R->in, R->res_circle, R->blind_cell_m, blind_put, &b, g->err);
}

qt_status qt__write_gpkg(const qt__report *R, const char *path, qt_error *err)
{
    GDALDriverH drv;
    gpkg g;
    uint32_t *cc = qt__community_circles(R->a);
    qt_status st = QT_OK;
    if (!cc)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    memset(&g, 0, sizeof g);
    g.path = path;
    g.err = err;
    GDALAllRegister();
    drv = GDALGetDriverByName("GPKG");
    if (!drv) {
        qt__free(cc);
        return qt_error_set(err, QT_EUNSUPPORTED, path, _("GDAL has no GeoPackage driver"));
    }
    unlink(path);
    if (getenv("SOURCE_DATE_EPOCH")) { /* reproducible: gpkg_contents.last_change from the epoch */
        char when[96];
        snprintf(when, sizeof when, "%s.000Z", R->date_iso);
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", when);
    }
    g.ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!g.ds) {
        qt__free(cc);
        return qt_error_set(err, QT_EIO, path, _("cannot create: %s"), CPLGetLastErrorMsg());
    }
    g.srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(g.srs, 4326);
    OSRSetAxisMappingStrategy(g.srs, OAMS_TRADITIONAL_GIS_ORDER);
    GDALDatasetStartTransaction(g.ds, FALSE);
    if ((st = write_outlets(&g, R, cc)) != QT_OK || (st = write_residences(&g, R)) != QT_OK ||
        (st = write_areas(&g, R, cc)) != QT_OK || (st = write_blind(&g, R)) != QT_OK ||
        (R->sites && (st = write_sites(&g, R)) != QT_OK))
        goto done;
    if (GDALDatasetCommitTransaction(g.ds) != OGRERR_NONE) {
        st = qt_error_set(err, QT_EIO, path, _("cannot commit: %s"), CPLGetLastErrorMsg());
        goto done;
    }
    st = styles(&g, "geom", R->sites != NULL);
done:
    OSRDestroySpatialReference(g.srs);
    GDALClose(g.ds);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    qt__free(cc);
    return st;
}

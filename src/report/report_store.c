/* SPDX-License-Identifier: MIT */
/*
 * report_store.c -- the analysis' geometries into the store (qt_report_store
 * in quarter/report.h, issue 14): the areas, 盲区 and sites of analysis.gpkg,
 * computed by the same code (report_gpkg.c, cells.c, bounds.c), as GeoJSON
 * through qt_store_geom_put, so PostGIS (or SQLite's text columns) holds what
 * the GeoPackage holds; a 盲区's text is blindspots.geojson's (6 decimals,
 * written by cells.c: OGR's JSON export took a third of a city's import).
 * quarter import calls it inside its transaction.
 */
#include <cpl_conv.h>
#include <math.h>
#include <ogr_api.h>
#include <string.h>

#include "base/i18n.h"
#include "base/strbuf.h"
#include "report/cells.h"
#include "report/report_internal.h"

typedef struct to_store {
    const qt__report *R;
    qt_store *s;
    qt_report_store_counts *n;
    qt_error *err;
} to_store;

/* g with geom (OGRGeometryH, destroyed here) as its GeoJSON into the store */
static qt_status put_geom(to_store *t, qt_store_geom *g, void *geom)
{
    char *json;
    qt_status st;
    if (!geom)
        return qt_error_set(t->err, QT_ENOMEM, "geometries", _("no memory"));
    json = OGR_G_ExportToJson((OGRGeometryH)geom);
    OGR_G_DestroyGeometry((OGRGeometryH)geom);
    if (!json)
        return qt_error_set(t->err, QT_ENOMEM, "geometries", _("no memory"));
    g->geojson = json;
    st = qt_store_geom_put(t->s, g, t->err);
    CPLFree(json);
    return st;
}

/* a 盲区 as blindspots.geojson has it (its writer: no geometry object, no JSON library) */
static int blind_put(void *ctx, const qt__blind *b)
{
    to_store *t = ctx;
    qt_store_geom g;
    qt__strbuf sb = {0};
    qt_status st;
    memset(&g, 0, sizeof g);
    g.kind = QT_STORE_GEOM_BLINDSPOT;
    g.circle = t->R->a->ncircles ? b->circle : NULL;
    g.category = b->cat->code;
    g.zh = b->cat->zh;
    g.value = round(b->unserved);
    if (qt__cells_geojson_str(&sb, b->cells, b->ncells, b->lon0, b->lat0, b->dlon, b->dlat) != 0) {
        qt__sb_free(&sb);
        qt_error_set(t->err, QT_ENOMEM, "geometries", _("no memory"));
        return -1;
    }
    g.geojson = sb.p;
    st = qt_store_geom_put(t->s, &g, t->err);
    qt__sb_free(&sb);
    if (st != QT_OK)
        return -1;
    t->n->blindspots++;
    return 0;
}

static qt_status areas(to_store *t)
{
    const qt_analysis *a = t->R->a;
    size_t i, k;
    qt_status st;
    for (k = 0; k < 2; k++)
        for (i = 0; i < (k ? a->ncircles : a->ncommunities); i++) {
            qt_store_geom g;
            void *h = qt__report_area_geom(t->R, (int)k, i, &g.boundary);
            if (!h)
                continue; /* no boundary and no placed residence: no area */
            g.kind = k ? QT_STORE_GEOM_CIRCLE : QT_STORE_GEOM_COMMUNITY;
            g.name = k ? a->circle[i] : a->community[i];
            g.circle = g.category = g.zh = NULL;
            g.rank = 0;
            g.value = NAN;
            if ((st = put_geom(t, &g, h)) != QT_OK)
                return st;
            if (k)
                t->n->circles++;
            else
                t->n->communities++;
        }
    return QT_OK;
}

static qt_status sites(to_store *t)
{
    const qt__report *R = t->R;
    const qt_site_list *l = R->sites;
    size_t i;
    qt_status st;
    for (i = 0; l && i < l->n; i++) {
        const qt_category *k = qt_profile_category(R->in->profile, (size_t)l->category[i]);
        qt_store_geom g;
        OGRGeometryH p = OGR_G_CreateGeometry(wkbPoint);
        memset(&g, 0, sizeof g);
        if (p)
            OGR_G_SetPoint_2D(p, 0, l->lon[i], l->lat[i]);
        g.kind = QT_STORE_GEOM_SITE;
        g.name = l->id[i];
        g.circle = R->a->ncircles && R->site_circle[i] != UINT32_MAX ? R->a->circle[R->site_circle[i]] : NULL;
        g.category = k->code;
        g.zh = k->zh;
        g.rank = (int)i + 1;
        g.value = l->served[i];
        if ((st = put_geom(t, &g, p)) != QT_OK)
            return st;
        t->n->sites++;
    }
    return QT_OK;
}

qt_status qt_report_store(const qt_analysis *a, const qt_analysis_input *in, const qt_report_opts *o, qt_store *s,
                          qt_report_store_counts *n, qt_error *err)
{
    qt__report R;
    qt_report_store_counts mine;
    to_store t;
    qt_status st;
    memset(&mine, 0, sizeof mine);
    t.R = &R;
    t.s = s;
    t.n = n ? n : &mine;
    t.err = err;
    memset(t.n, 0, sizeof *t.n);
    if ((st = qt__report_init(&R, a, in, o, 0, err)) == QT_OK && (st = qt_store_geoms_clear(s, err)) == QT_OK &&
        (st = areas(&t)) == QT_OK &&
        (st = qt__blindspots_visit(a, in, R.res_circle, R.blind_cell_m, blind_put, &t, err)) == QT_OK)
        st = sites(&t);
    qt__report_free(&R);
    return st;
}

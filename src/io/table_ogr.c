/* SPDX-License-Identifier: MIT */
/*
 * table_ogr.c -- any attribute table or vector layer as a CSV: XLSX,
 * GeoJSON, GeoPackage, Shapefile and OpenStreetMap files are read through
 * GDAL/OGR and written, quoted, into the CSV reader's buffer, so one set of
 * column guessing, typed access and error messages serves every format.
 * Geometries are transformed to WGS-84 lon/lat (traditional GIS order);
 * a polygon stands as its centroid, with its area in square metres.
 */
#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <stdio.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "io/csv.h"

#define DEG2RAD (3.14159265358979323846 / 180.0)
#define EARTH_R 6371008.8

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static int put(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap;
        if (qt__grow((void **)&b->p, &cap, b->n + n + 1, 1) != 0)
            return -1;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

/* one quoted CSV field; sep before it unless first */
static int field(sbuf *b, const char *s, int first)
{
    if (!first && put(b, ",", 1))
        return -1;
    if (put(b, "\"", 1))
        return -1;
    while (*s) {
        const char *q = strchr(s, '"');
        size_t n = q ? (size_t)(q - s) : strlen(s);
        if (put(b, s, n))
            return -1;
        if (!q)
            break;
        if (put(b, "\"\"", 2))
            return -1;
        s = q + 1;
    }
    return put(b, "\"", 1);
}

static int is_csv_name(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".txt") == 0 || strcasecmp(dot, ".tsv") == 0);
}

/* WGS-84 centroid and area (m2, polygons only) of g, already in lon/lat */
static void geom_point(OGRGeometryH g, double *lon, double *lat, double *area)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    *lon = *lat = *area = NAN;
    if (t == wkbPoint) {
        *lon = OGR_G_GetX(g, 0);
        *lat = OGR_G_GetY(g, 0);
        return;
    }
    {
        OGRGeometryH c = OGR_G_CreateGeometry(wkbPoint);
        if (!c)
            return;
        if (OGR_G_Centroid(g, c) == OGRERR_NONE && !OGR_G_IsEmpty(c)) {
            *lon = OGR_G_GetX(c, 0);
            *lat = OGR_G_GetY(c, 0);
        }
        OGR_G_DestroyGeometry(c);
    }
    if ((t == wkbPolygon || t == wkbMultiPolygon) && isfinite(*lat)) {
        /* degrees squared to m2 on the local plane at the centroid */
        double k = EARTH_R * DEG2RAD;
        *area = OGR_G_Area(g) * k * k * cos(*lat * DEG2RAD);
    }
}

static int put_number(sbuf *b, double v, int first)
{
    char num[64];
    if (!isfinite(v))
        return field(b, "", first);
    snprintf(num, sizeof num, "%.17g", v);
    return field(b, num, first);
}

/* OSM: "k=v\tk=v" of every tag: the driver's own fields plus other_tags (hstore) */
static int osm_tags(sbuf *t, OGRFeatureH f, OGRFeatureDefnH d)
{
    int i, nf = OGR_FD_GetFieldCount(d);
    t->n = 0;
    if (put(t, "", 0))
        return -1;
    for (i = 0; i < nf; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i));
        const char *v;
        if (!OGR_F_IsFieldSetAndNotNull(f, i) || strcmp(name, "osm_id") == 0 || strcmp(name, "osm_way_id") == 0)
            continue;
        v = OGR_F_GetFieldAsString(f, i);
        if (strcmp(name, "other_tags") == 0) {
            /* "k"=>"v","k2"=>"v2" with \" and \\ escapes */
            const char *s = v;
            while (*s == '"') {
                int part;
                for (part = 0; part < 2; part++) {
                    s++; /* opening quote */
                    while (*s && *s != '"') {
                        if (*s == '\\' && s[1])
                            s++;
                        if (*s == '\t' || *s == '\n')
                            put(t, " ", 1);
                        else if (put(t, s, 1))
                            return -1;
                        s++;
                    }
                    if (*s == '"')
                        s++;
                    if (part == 0) {
                        if (strncmp(s, "=>", 2) != 0)
                            return 0;
                        s += 2;
                        if (put(t, "=", 1))
                            return -1;
                    }
                }
                if (put(t, "\t", 1))
                    return -1;
                if (*s == ',')
                    s++;
            }
            continue;
        }
        if (put(t, name, strlen(name)) || put(t, "=", 1) || put(t, v, strlen(v)) || put(t, "\t", 1))
            return -1;
    }
    if (t->n && t->p[t->n - 1] == '\t')
        t->p[--t->n] = '\0';
    return 0;
}

static OGRCoordinateTransformationH to_wgs84(OGRLayerH l)
{
    OGRSpatialReferenceH src = OGR_L_GetSpatialRef(l), dst;
    OGRCoordinateTransformationH ct;
    if (!src)
        return NULL;
    dst = OSRNewSpatialReference(NULL);
    if (!dst)
        return NULL;
    OSRImportFromEPSG(dst, 4326);
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    if (OSRIsSame(src, dst)) {
        OSRDestroySpatialReference(dst);
        return NULL;
    }
    {
        OGRSpatialReferenceH s2 = OSRClone(src);
        OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
        ct = OCTNewCoordinateTransformation(s2, dst);
        OSRDestroySpatialReference(s2);
    }
    OSRDestroySpatialReference(dst);
    return ct;
}

/* spreadsheets: every row is data, so the header row is found (or named)
   like a CSV's, below a title row too; every cell as text (a thread-local
   setting, so concurrent readers do not see it) */
static void sheet_headers(int on)
{
    CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", on ? "DISABLE" : NULL);
    CPLSetThreadLocalConfigOption("OGR_ODS_HEADERS", on ? "DISABLE" : NULL);
    CPLSetThreadLocalConfigOption("OGR_XLSX_FIELD_TYPES", on ? "STRING" : NULL);
    CPLSetThreadLocalConfigOption("OGR_ODS_FIELD_TYPES", on ? "STRING" : NULL);
}

/* a layer by name or by number ("2": the second sheet) */
static OGRLayerH pick_layer(GDALDatasetH ds, const char *layer)
{
    const char *s = layer;
    OGRLayerH l;
    if (!layer)
        return GDALDatasetGetLayer(ds, 0);
    if ((l = GDALDatasetGetLayerByName(ds, layer)) != NULL)
        return l;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*layer && !*s && s - layer < 6) {
        int n = 0;
        for (s = layer; *s; s++)
            n = n * 10 + (*s - '0');
        if (n >= 1 && n <= GDALDatasetGetLayerCount(ds))
            return GDALDatasetGetLayer(ds, n - 1);
    }
    return NULL;
}

/* "'Sheet1', '网点'" */
static void layer_names(GDALDatasetH ds, char *buf, size_t n)
{
    int i, k = GDALDatasetGetLayerCount(ds);
    size_t o = 0;
    buf[0] = '\0';
    for (i = 0; i < k && o + 1 < n; i++) {
        int w = snprintf(buf + o, n - o, "%s%d '%s'", i ? ", " : "", i + 1, OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

qt_status qt__table_open(qt__csv *c, const char *path, qt_encoding enc, const char *layer, qt_error *err)
{
    qt__table_opts o;
    memset(&o, 0, sizeof o);
    o.encoding = enc;
    o.layer = layer;
    return qt__table_open_opts(c, path, &o, err);
}

static qt_status table_open(qt__csv *c, const char *path, qt_encoding enc, const char *layer, int header_row,
                            qt_error *err);

/*
 * What GDAL, PROJ and GEOS say while a table is read goes to this handler
 * (pushed on GDAL's thread-local handler stack, so readers in other threads
 * keep theirs): messages are counted by kind and the first ones kept, and
 * the reader's caller gets one summarised warning instead of a flood.
 */
#define NOISE_KINDS 8
#define NOISE_LINES 40
typedef struct noise {
    char kind[NOISE_KINDS][72];
    size_t count[NOISE_KINDS], total, other;
    char lines[NOISE_LINES][200];
    size_t nlines;
} noise;

static void CPL_STDCALL on_gdal_message(CPLErr cls, CPLErrorNum num, const char *msg)
{
    noise *nz = CPLGetErrorHandlerUserData();
    char kind[72];
    size_t n, k;
    (void)num;
    if (!nz || cls == CE_Debug || cls == CE_None)
        return;
    msg = msg ? msg : "";
    n = strcspn(msg, ".,;(");
    if (n >= sizeof kind)
        n = sizeof kind - 1;
    memcpy(kind, msg, n);
    kind[n] = '\0';
    nz->total++;
    for (k = 0; k < NOISE_KINDS && nz->kind[k][0]; k++)
        if (strcmp(nz->kind[k], kind) == 0)
            break;
    if (k < NOISE_KINDS) {
        if (!nz->kind[k][0])
            memcpy(nz->kind[k], kind, n + 1);
        nz->count[k]++;
    } else {
        nz->other++;
    }
    if (nz->nlines < NOISE_LINES)
        snprintf(nz->lines[nz->nlines++], sizeof nz->lines[0], "%s: %s", cls == CE_Warning ? "Warning" : "ERROR", msg);
}

/* the summary of what was said, for qt__csv.noise; NULL when nothing was */
static char *noise_text(const noise *nz)
{
    char *out;
    size_t cap = 600 + NOISE_LINES * 210, o = 0, k;
    if (!nz->total || !(out = qt__malloc(cap)))
        return NULL;
    o += (size_t)snprintf(out + o, cap - o,
                          P_("warning: GDAL/PROJ/GEOS reported %zu problem while reading (",
                             "warning: GDAL/PROJ/GEOS reported %zu problems while reading (", nz->total),
                          nz->total);
    for (k = 0; k < NOISE_KINDS && nz->kind[k][0] && o < cap; k++)
        o += (size_t)snprintf(out + o, cap - o, "%s%zu x '%s'", k ? "; " : "", nz->count[k], nz->kind[k]);
    if (nz->other && o < cap)
        o += (size_t)snprintf(out + o, cap - o, _("; %zu other"), nz->other);
    if (o < cap)
        o += (size_t)snprintf(out + o, cap - o,
                              _("); rows without a usable geometry are left out; --verbose "
                                "shows the messages\n"));
    for (k = 0; k < nz->nlines && o < cap; k++)
        o += (size_t)snprintf(out + o, cap - o, "detail: %s\n", nz->lines[k]);
    if (nz->total > nz->nlines && o < cap)
        snprintf(out + o, cap - o, _("detail: ... and %zu more\n"), nz->total - nz->nlines);
    return out;
}

qt_status qt__table_open_opts(qt__csv *c, const char *path, const qt__table_opts *o, qt_error *err)
{
    noise *nz = qt__calloc(1, sizeof *nz);
    qt_status st;
    if (!nz)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    CPLPushErrorHandlerEx(on_gdal_message, nz);
    st = table_open(c, path, o->encoding, o->layer, o->header_row, err);
    CPLPopErrorHandler();
    if (st == QT_OK)
        c->noise = noise_text(nz);
    qt__free(nz);
    if (st != QT_OK)
        return st;
    c->on_problem = o->on_problem;
    c->problem_ud = o->problem_ud;
    c->max_bad = o->max_bad;
    return QT_OK;
}

/* The next feature of an OSM file's points and multipolygons layers (GDAL's
 * OSM driver reads the file's layers interleaved); NULL at the end. */
static OGRFeatureH osm_next(GDALDatasetH ds, OGRLayerH *fl)
{
    OGRFeatureH f;
    while ((f = GDALDatasetGetNextFeature(ds, fl, NULL, NULL, NULL)) != NULL) {
        if (strcmp(OGR_L_GetName(*fl), "points") == 0 || strcmp(OGR_L_GetName(*fl), "multipolygons") == 0)
            return f;
        OGR_F_Destroy(f);
    }
    return NULL;
}

/* An OSM feature's fields: osm_id (n…, w… or r…), name, the tags. */
static int osm_row(sbuf *b, sbuf *tags, OGRFeatureH f, OGRLayerH fl)
{
    OGRFeatureDefnH d = OGR_F_GetDefnRef(f);
    int iid = OGR_FD_GetFieldIndex(d, "osm_id"), iway = OGR_FD_GetFieldIndex(d, "osm_way_id");
    int iname = OGR_FD_GetFieldIndex(d, "name");
    char idbuf[64] = "";
    if (iid >= 0 && OGR_F_IsFieldSetAndNotNull(f, iid))
        snprintf(idbuf, sizeof idbuf, "n%s", OGR_F_GetFieldAsString(f, iid));
    else if (iway >= 0 && OGR_F_IsFieldSetAndNotNull(f, iway))
        snprintf(idbuf, sizeof idbuf, "w%s", OGR_F_GetFieldAsString(f, iway));
    if (strcmp(OGR_L_GetName(fl), "multipolygons") == 0 && idbuf[0] == 'n')
        idbuf[0] = 'r'; /* multipolygons: osm_id is a relation */
    return osm_tags(tags, f, d) || field(b, idbuf, 1) ||
           field(b, iname >= 0 && OGR_F_IsFieldSetAndNotNull(f, iname) ? OGR_F_GetFieldAsString(f, iname) : "", 0) ||
           field(b, tags->p, 0);
}

/* A layer feature's nf fields as text. */
static int layer_row(sbuf *b, OGRFeatureH f, int nf)
{
    int i;
    for (i = 0; i < nf; i++)
        if (field(b, OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "", i == 0))
            return -1;
    return 0;
}

/* A feature's point (in WGS-84 through ct) and area as the three geometry
 * columns; empty when it has no usable geometry. */
static int geom_row(sbuf *b, OGRFeatureH f, OGRCoordinateTransformationH ct, int first)
{
    double lon = NAN, lat = NAN, area = NAN;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (g && ct && OGR_G_Transform(g, ct) != OGRERR_NONE)
        g = NULL;
    if (g && !OGR_G_IsEmpty(g))
        geom_point(g, &lon, &lat, &area);
    return put_number(b, lon, first) || put_number(b, lat, 0) || put_number(b, area, 0);
}

/* The table's header line into b: an OSM file's fixed columns, or the
 * layer's fields; then the geometry columns when there is a geometry. */
static int header_row_of(sbuf *b, OGRLayerH want, int *nf, int *with_geom)
{
    int i;
    *nf = 0;
    if (!want) { /* OSM */
        if (field(b, "osm_id", 1) || field(b, "name", 0) || field(b, QT__OSM_TAGS, 0))
            return -1;
        *with_geom = 1;
    } else {
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(want);
        *nf = OGR_FD_GetFieldCount(d);
        for (i = 0; i < *nf; i++)
            if (field(b, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i)), i == 0))
                return -1;
        *with_geom = OGR_L_GetGeomType(want) != wkbNone;
    }
    if (*with_geom &&
        (field(b, QT__GEOM_LON, *nf == 0 && want) || field(b, QT__GEOM_LAT, 0) || field(b, QT__GEOM_AREA, 0)))
        return -1;
    return put(b, "\n", 1);
}

/* Every feature as a line of b (want NULL: an OSM file's points and
 * multipolygons). */
static int rows_of(sbuf *b, GDALDatasetH ds, OGRLayerH want, int nf, int with_geom, OGRCoordinateTransformationH ct)
{
    sbuf tags = {0};
    OGRLayerH fl = NULL;
    OGRFeatureH f;
    int rc = 0;
    if (want)
        OGR_L_ResetReading(want);
    while (!rc && (f = want ? OGR_L_GetNextFeature(want) : osm_next(ds, &fl)) != NULL) {
        rc = want ? layer_row(b, f, nf) : osm_row(b, &tags, f, fl);
        if (!rc && with_geom)
            rc = geom_row(b, f, ct, nf == 0 && want);
        OGR_F_Destroy(f);
        if (!rc)
            rc = put(b, "\n", 1);
    }
    qt__free(tags.p);
    return rc;
}

static qt_status table_open(qt__csv *c, const char *path, qt_encoding enc, const char *layer, int header_row,
                            qt_error *err)
{
    GDALDatasetH ds;
    GDALDriverH drv;
    const char *dname;
    int osm, sheet, nf = 0, with_geom = 0, rc;
    sbuf b = {0};
    OGRLayerH want = NULL;
    OGRCoordinateTransformationH ct = NULL;
    qt_status st;

    if (is_csv_name(path))
        return qt__csv_open_hdr(c, path, enc, header_row, err);
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    sheet_headers(1);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds) { /* not a format GDAL knows: a CSV under another name */
        sheet_headers(0);
        return qt__csv_open_hdr(c, path, enc, header_row, err);
    }
    drv = GDALGetDatasetDriver(ds);
    dname = drv ? GDALGetDriverShortName(drv) : "";
    osm = strcmp(dname, "OSM") == 0;
    sheet = strcmp(dname, "XLSX") == 0 || strcmp(dname, "ODS") == 0;
    memset(c, 0, sizeof *c);
    if (!osm && !(want = pick_layer(ds, layer))) {
        char names[160];
        layer_names(ds, names, sizeof names);
        GDALClose(ds);
        sheet_headers(0);
        if (layer)
            return qt_error_set(err, QT_ENOTFOUND, path,
                                sheet ? _("no sheet '%s' (the file has %s)") : _("no layer '%s' (the file has %s)"),
                                layer, names[0] ? names : _("none"));
        return qt_error_set(err, QT_EPARSE, path, _("no layer to read"));
    }
    c->path = path;
    c->features = 1;
    c->sheet = sheet;
    c->header_row = header_row;
    c->encoding = QT_ENC_UTF8;
    if (want)
        ct = to_wgs84(want);
    c->geom_wgs84 = osm || (want && OGR_L_GetSpatialRef(want) != NULL);
    rc = header_row_of(&b, want, &nf, &with_geom) || rows_of(&b, ds, want, nf, with_geom, ct);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
    sheet_headers(0);
    if (rc) {
        qt__free(b.p);
        memset(c, 0, sizeof *c);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    c->data = b.p;
    c->len = b.n;
    st = qt__csv_start(c, err);
    if (st != QT_OK)
        qt__csv_close(c);
    return st;
}

void qt__tables_register(void)
{
    GDALAllRegister();
}

qt_status qt__table_open_mem(qt__csv *c, const void *data, size_t len, const char *name, qt_error *err)
{
    char path[96];
    VSILFILE *f;
    qt_status st;
    /* a name of this call's own: readers on other threads use theirs */
    snprintf(path, sizeof path, "/vsimem/quarter-%p-%s", (void *)c, name);
    if (!(f = VSIFileFromMemBuffer(path, (GByte *)data, (vsi_l_offset)len, FALSE)))
        return qt_error_set(err, QT_ENOMEM, name, _("no memory"));
    VSIFCloseL(f);
    st = table_open(c, path, QT_ENC_UTF8, NULL, 0, err);
    VSIUnlink(path); /* the table is in c's buffer now; data stays the caller's */
    if (st == QT_OK)
        c->path = name;
    return st;
}

/* SPDX-License-Identifier: MIT */
/*
 * test_tables.c -- outlets and residences from every format cities hold:
 * XLSX, GeoJSON, GeoPackage (in a projected CRS), Shapefile polygons and
 * OpenStreetMap buildings.  The files are written here through GDAL/OGR,
 * then read back by quarter's readers.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"

#define PROFILE QT_TEST_DATA "/../../data/profiles/mofcom-2023.profile"
#define OSM     QT_TEST_DATA "/../../data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf"

static qt_profile *profile(void)
{
    qt_profile *p = NULL;
    qt_error err;
    qt_error_clear(&err);
    assert_int_equal(qt_profile_load(PROFILE, &p, &err), QT_OK);
    return p;
}

/* a point or polygon layer with string fields; geometry from WKT; srs EPSG code or 0 */
static void write_layer(const char *driver, const char *path, int epsg, OGRwkbGeometryType gt,
                        const char *const *fields, size_t nf, const char *const *rows, const char *const *wkt,
                        size_t nrows)
{
    GDALDriverH d;
    GDALDatasetH ds;
    OGRLayerH l;
    OGRSpatialReferenceH srs = NULL;
    size_t i, k;
    GDALAllRegister();
    d = GDALGetDriverByName(driver);
    assert_non_null(d);
    ds = GDALCreate(d, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    if (epsg) {
        srs = OSRNewSpatialReference(NULL);
        OSRImportFromEPSG(srs, epsg);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
    l = GDALDatasetCreateLayer(ds, "t", srs, gt, NULL);
    assert_non_null(l);
    for (k = 0; k < nf; k++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[k], OFTString);
        assert_int_equal(OGR_L_CreateField(l, fd, 1), OGRERR_NONE);
        OGR_Fld_Destroy(fd);
    }
    for (i = 0; i < nrows; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        for (k = 0; k < nf; k++)
            OGR_F_SetFieldString(f, (int)k, rows[i * nf + k]);
        if (wkt) {
            OGRGeometryH g = NULL;
            char *w = (char *)wkt[i];
            assert_int_equal(OGR_G_CreateFromWkt(&w, srs, &g), OGRERR_NONE);
            OGR_F_SetGeometryDirectly(f, g);
        }
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (srs)
        OSRDestroySpatialReference(srs);
}

static void test_outlets_xlsx(void **state)
{
    static const char *const fields[] = {"编号", "名称", "业态", "经度", "纬度", "品牌", "营业时间", "面积"};
    static const char *const rows[] = {"1", "快客便利店", "便利店", "118.78", "32.05", "快客", "24/7",        "60",
                                       "2", "某某菜场",   "B03",    "118.79", "32.04", "",     "06:00-19:00", "800"};
    char *path = qt_test_tmpfile("outlets.xlsx");
    qt_profile *p = profile();
    qt_outlet_list *l = NULL;
    qt_outlet_read_opts o;
    qt_error err;
    (void)state;
    write_layer("XLSX", path, 0, wkbNone, fields, 8, rows, NULL, 2);
    memset(&o, 0, sizeof o);
    qt_error_clear(&err);
    if (qt_outlets_read(path, &o, p, &l, &err) != QT_OK)
        fail_msg("%s: %s", err.where, err.msg);
    assert_int_equal(l->n, 2);
    assert_string_equal(qt_profile_category(p, (size_t)l->category[0])->code, "B01");
    assert_string_equal(qt_profile_category(p, (size_t)l->category[1])->code, "B03");
    assert_true(fabs(l->lon[1] - 118.79) < 1e-9);
    assert_string_equal(l->brand[0], "快客");
    assert_true(l->chain[0] && !l->chain[1]);
    assert_string_equal(l->hours[1], "06:00-19:00");
    assert_true(l->floor_area[1] == 800);
    assert_int_equal(l->line[1], 3); /* sheet row 3, as Excel numbers it (row 1 is the header) */
    qt_outlet_list_free(l);
    qt_profile_free(p);
    free(path);
}

static void test_outlets_geojson_gcj02(void **state)
{
    char *path = qt_test_write_file(
        "outlets.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"罗森\","
        "\"typecode\":\"060200\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[118.7849, 32.0481]}}]}");
    qt_profile *p = profile();
    qt_outlet_list *l = NULL;
    qt_outlet_read_opts o;
    qt_error err;
    double lon, lat;
    (void)state;
    memset(&o, 0, sizeof o);
    o.crs = QT_CRS_GCJ02;
    qt_error_clear(&err);
    assert_int_equal(qt_outlets_read(path, &o, p, &l, &err), QT_OK);
    assert_int_equal(l->n, 1);
    assert_string_equal(qt_profile_category(p, (size_t)l->category[0])->code, "B01");
    /* converted to WGS-84: converting back gives the file's numbers */
    assert_int_equal(qt_coords_convert(QT_CRS_WGS84, QT_CRS_GCJ02, l->lon[0], l->lat[0], &lon, &lat, NULL), QT_OK);
    assert_true(fabs(lon - 118.7849) < 1e-8 && fabs(lat - 32.0481) < 1e-8);
    qt_outlet_list_free(l);
    qt_profile_free(p);
    free(path);
}

static void test_residences_gpkg_projected(void **state)
{
    /* CGCS2000 3-degree Gauss-Kruger CM 117E (EPSG:4548): a point near Nanjing */
    static const char *const fields[] = {"小区", "常住人口", "社区"};
    static const char *const rows[] = {"幸福里", "1200", "梅园"};
    static const char *const wkt[] = {"POINT (667000 3549000)"};
    char *path = qt_test_tmpfile("homes.gpkg");
    qt_profile *p = profile();
    qt_residence_list *l = NULL;
    qt_residence_read_opts o;
    qt_error err;
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL), t = OSRNewSpatialReference(NULL);
    OGRCoordinateTransformationH ct;
    double x = 667000, y = 3549000;
    (void)state;
    write_layer("GPKG", path, 4548, wkbPoint, fields, 3, rows, wkt, 1);
    memset(&o, 0, sizeof o);
    qt_error_clear(&err);
    if (qt_residences_read(path, &o, qt_profile_population(p), &l, &err) != QT_OK)
        fail_msg("%s: %s", err.where, err.msg);
    assert_int_equal(l->n, 1);
    assert_string_equal(l->id[0], "幸福里");
    assert_string_equal(l->community[0], "梅园");
    assert_true(l->population[0] == 1200);
    assert_int_equal(l->source[0], QT_POP_GIVEN);
    /* the same transformation done here */
    OSRImportFromEPSG(s, 4548);
    OSRImportFromEPSG(t, 4326);
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(t, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(s, t);
    assert_true(OCTTransform(ct, 1, &x, &y, NULL));
    if (!(fabs(l->lon[0] - x) < 1e-7 && fabs(l->lat[0] - y) < 1e-7))
        fail_msg("got %.9f %.9f, want %.9f %.9f", l->lon[0], l->lat[0], x, y);
    assert_true(x > 118 && x < 119 && y > 31.5 && y < 32.5);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(s);
    OSRDestroySpatialReference(t);
    qt_residence_list_free(l);
    qt_profile_free(p);
    free(path);
}

static void test_residences_csv_projected(void **state)
{
    /* a bureau's table in CGCS2000 Gauss-Kruger metres, said with crs = EPSG:4548 */
    char *path = qt_test_write_file("homes-gk.csv", "编号,x,y,人口\nA,667000,3549000,300\nB,1e9,3549000,1\n");
    char *ok = qt_test_write_file("homes-gk-ok.csv", "编号,x,y,人口\nA,667000,3549000,300\n");
    qt_profile *p = profile();
    qt_residence_list *l = NULL;
    qt_residence_read_opts o;
    qt_error err;
    qt_crs crs;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_crs_parse("EPSG:4548", &crs, &err), QT_OK);
    assert_int_equal(qt_crs_epsg(crs), 4548);
    memset(&o, 0, sizeof o);
    o.crs = crs;
    /* row B is not a coordinate of that system */
    assert_int_equal(qt_residences_read(path, &o, qt_profile_population(p), &l, &err), QT_EINVAL);
    assert_non_null(strstr(err.where, "homes-gk.csv:3"));
    assert_non_null(strstr(err.msg, "(1e+09, 3.549e+06) is not a valid EPSG:4548 coordinate"));
    qt_error_clear(&err);
    assert_int_equal(qt_residences_read(ok, &o, qt_profile_population(p), &l, &err), QT_OK);
    /* the same point as the GeoPackage test */
    assert_true(fabs(l->lon[0] - 118.768201581) < 1e-8 && fabs(l->lat[0] - 32.052122923) < 1e-8);
    qt_residence_list_free(l);
    qt_error_clear(&err);
    assert_int_equal(qt_crs_parse("EPSG:999999", &crs, &err), QT_OK);
    assert_int_equal(qt_residences_read(ok, &(qt_residence_read_opts){.crs = crs}, qt_profile_population(p), &l, &err),
                     QT_EINVAL);
    if (!strstr(err.msg, "EPSG:999999"))
        fail_msg("%s: %s", err.where, err.msg);
    qt_profile_free(p);
    free(path);
    free(ok);
}

static void test_residences_shapefile_polygons(void **state)
{
    static const char *const fields[] = {"id", "households", "levels"};
    static const char *const rows[] = {"b1", "40", "", "b2", "", "3"};
    /* 0.001 deg squares near 32N: about 94.4 m x 111.2 m */
    static const char *const wkt[] = {
        "POLYGON ((118.780 32.040, 118.781 32.040, 118.781 32.041, 118.780 32.041, "
        "118.780 32.040))",
        "POLYGON ((118.790 32.040, 118.791 32.040, 118.791 32.041, 118.790 32.041, "
        "118.790 32.040))"};
    char *path = qt_test_tmpfile("homes.shp");
    qt_profile *p = profile();
    const qt_population_rule *pr = qt_profile_population(p);
    qt_residence_list *l = NULL;
    qt_residence_read_opts o;
    qt_error err;
    double foot;
    (void)state;
    write_layer("ESRI Shapefile", path, 4326, wkbPolygon, fields, 3, rows, wkt, 2);
    memset(&o, 0, sizeof o);
    qt_error_clear(&err);
    /* b2 has no households: without estimate it is an error naming the feature */
    assert_int_equal(qt_residences_read(path, &o, pr, &l, &err), QT_EINVAL);
    assert_non_null(strstr(err.where, ":feature 2"));
    assert_non_null(strstr(err.msg, "polygon has no population or households"));
    o.estimate = 1;
    assert_int_equal(qt_residences_read(path, &o, pr, &l, &err), QT_OK);
    assert_int_equal(l->n, 2);
    /* b1: households x household_size, in whole people (issue 10) */
    assert_true(l->population[0] == floor(40 * pr->household_size + 0.5));
    assert_true(l->households[0] == 40);
    assert_int_equal(l->source[0], QT_POP_HOUSEHOLDS);
    assert_true(fabs(l->lon[0] - 118.7805) < 1e-9 && fabs(l->lat[0] - 32.0405) < 1e-9);
    /* b2: footprint x 3 levels / m2 per person */
    foot = 0.001 * 0.001 * pow(6371008.8 * M_PI / 180, 2) * cos(32.0405 * M_PI / 180);
    assert_true(fabs(l->floor_area[1] - foot * 3) < 1);
    assert_true(l->population[1] == floor(foot * 3 / pr->m2_per_person + 0.5));
    assert_true(l->households[1] == floor(l->population[1] / pr->household_size + 0.5));
    assert_int_equal(l->source[1], QT_POP_FLOOR_AREA);
    assert_int_equal(l->nestimated, 2);
    qt_residence_list_free(l);
    qt_profile_free(p);
    free(path);
}

static void test_osm_buildings_and_pois(void **state)
{
    qt_profile *p = profile();
    qt_residence_list *r = NULL;
    qt_outlet_list *o = NULL;
    qt_residence_read_opts ro;
    qt_outlet_read_opts oo;
    qt_error err;
    size_t i, classified = 0;
    (void)state;
    memset(&ro, 0, sizeof ro);
    memset(&oo, 0, sizeof oo);
    qt_error_clear(&err);
    assert_int_equal(qt_residences_read(OSM, &ro, qt_profile_population(p), &r, &err), QT_OK);
    /* the extract's residential buildings: 76 residential + 11 apartments + 1 house */
    assert_int_equal(r->n, 88);
    assert_int_equal(r->nestimated, 88);
    for (i = 0; i < r->n; i++) {
        assert_int_equal(r->source[i], QT_POP_FLOOR_AREA);
        assert_true(r->population[i] > 0 && r->floor_area[i] > 0);
    }
    assert_int_equal(qt_outlets_read(OSM, &oo, p, &o, &err), QT_OK);
    assert_true(o->from_osm);
    for (i = 0; i < o->n; i++)
        classified += o->category[i] >= 0;
    assert_true(classified >= 100);
    /* 新街口邮局 (node 1069278232) is a post office */
    for (i = 0; i < o->n; i++)
        if (strcmp(o->id[i], "n1069278232") == 0)
            assert_string_equal(qt_profile_category(p, (size_t)o->category[i])->code, "B12");
    qt_outlet_list_free(o);
    qt_residence_list_free(r);
    qt_profile_free(p);
}

static void test_community_polygons(void **state)
{
    /* two communities side by side (GeoPackage in CGCS2000 GK CM 117E), a third residence outside both */
    static const char *const fields[] = {"社区名称"};
    static const char *const rows[] = {"东社区", "西社区"};
    static const char *const wkt[] = {
        "POLYGON ((667000 3549000, 668000 3549000, 668000 3550000, 667000 3550000, 667000 3549000))",
        "POLYGON ((666000 3549000, 667000 3549000, 667000 3550000, 666000 3550000, 666000 3549000))"};
    char *path = qt_test_tmpfile("communities.gpkg"), *rp;
    qt_profile *p = profile();
    qt_residence_list *l = NULL;
    qt_residence_read_opts o;
    qt_error err;
    size_t n = 0;
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL), t = OSRNewSpatialReference(NULL);
    OGRCoordinateTransformationH ct;
    double x[4] = {667500, 666500, 667500, 669500}, y[4] = {3549500, 3549500, 3549500, 3549500};
    char buf[512];
    (void)state;
    write_layer("GPKG", path, 4548, wkbPolygon, fields, 1, rows, wkt, 2);
    OSRImportFromEPSG(s, 4548);
    OSRImportFromEPSG(t, 4326);
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(t, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(s, t);
    assert_true(OCTTransform(ct, 4, x, y, NULL));
    /* r3 names its own community: kept */
    snprintf(buf, sizeof buf,
             "id,lon,lat,population,community\nr1,%.9f,%.9f,10,\nr2,%.9f,%.9f,10,\nr3,%.9f,%.9f,10,自报\n"
             "r4,%.9f,%.9f,10,\n",
             x[0], y[0], x[1], y[1], x[2], y[2], x[3], y[3]);
    rp = qt_test_write_file("res.csv", buf);
    memset(&o, 0, sizeof o);
    qt_error_clear(&err);
    assert_int_equal(qt_residences_read(rp, &o, qt_profile_population(p), &l, &err), QT_OK);
    assert_int_equal(qt_communities_assign(path, NULL, NULL, 0, l, &n, &err), QT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(l->community[0], "东社区");
    assert_string_equal(l->community[1], "西社区");
    assert_string_equal(l->community[2], "自报");
    assert_string_equal(l->community[3], "");
    /* a field that is not there */
    assert_int_equal(qt_communities_assign(path, NULL, "街道", 0, l, &n, &err), QT_EPARSE);
    assert_non_null(strstr(err.msg, "no community name field"));
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(s);
    OSRDestroySpatialReference(t);
    qt_residence_list_free(l);
    qt_profile_free(p);
    free(path);
    free(rp);
}

typedef struct problems {
    size_t n;
    char where[8][160], msg[8][256];
} problems;

static void collect(void *ud, const qt_error *e)
{
    problems *p = ud;
    if (p->n < 8) {
        snprintf(p->where[p->n], sizeof p->where[0], "%s", e->where);
        snprintf(p->msg[p->n], sizeof p->msg[0], "%s", e->msg);
    }
    p->n++;
}

static void test_circles_every_bad_row(void **state)
{
    /* Tianshui's layout with three bad rows: no name, no community, a bad investment */
    char *path = qt_test_write_file("circles-bad.csv",
                                    "序号,便民生活圈名称,包含社区,投资额(万元)\n"
                                    "1,东圈,社区甲、社区乙,120\n"
                                    "2,,社区丙,\n"
                                    "3,西圈,,10\n"
                                    "4,南圈,社区丁,12x\n"
                                    "5,北圈,社区戊,-3\n");
    char *sv = qt_test_write_file("survey-bad.csv", "生活圈,满意\n东圈,是\n无圈,是\n东圈,也许\n东圈,否\n");
    char *ok = qt_test_write_file("circles-ok.csv", "便民生活圈名称,包含社区\n东圈,社区甲、社区乙\n");
    qt_circles_read_opts o;
    qt_circle_list *l = NULL;
    qt_survey *s = NULL;
    problems pr;
    qt_error err = QT_ERROR_INIT;
    (void)state;
    memset(&o, 0, sizeof o);
    memset(&pr, 0, sizeof pr);
    o.on_problem = collect;
    o.problem_ud = &pr;
    assert_int_equal(qt_circles_read_ex(path, &o, &l, &err), QT_EINVAL);
    assert_null(l);
    assert_int_equal(pr.n, 4);
    assert_non_null(strstr(pr.where[0], "circles-bad.csv:3: column '便民生活圈名称'"));
    assert_non_null(strstr(pr.msg[0], "a circle needs a name"));
    assert_non_null(strstr(pr.where[1], "circles-bad.csv:4: column '包含社区'"));
    assert_non_null(strstr(pr.msg[1], "circle '西圈' lists no community"));
    assert_non_null(strstr(pr.where[2], "circles-bad.csv:5: column '投资额(万元)'"));
    assert_non_null(strstr(pr.where[3], "circles-bad.csv:6: column '投资额(万元)'"));
    assert_non_null(strstr(pr.msg[3], "must not be negative"));
    assert_non_null(strstr(err.msg, "4 bad rows (listed above); nothing was read"));
    /* without a callback the first bad row is the error, with the count of the rest */
    qt_error_clear(&err);
    assert_int_equal(qt_circles_read(path, QT_ENC_AUTO, &l, &err), QT_EINVAL);
    assert_non_null(strstr(err.where, "circles-bad.csv:3"));
    assert_non_null(strstr(err.msg, "(and 3 more bad rows)"));
    /* the survey: an unknown circle and a word that is no answer, both reported */
    qt_error_clear(&err);
    assert_int_equal(qt_circles_read(ok, QT_ENC_AUTO, &l, &err), QT_OK);
    memset(&pr, 0, sizeof pr);
    assert_int_equal(qt_survey_read_ex(sv, &o, l, &s, &err), QT_EINVAL);
    assert_null(s);
    assert_int_equal(pr.n, 2);
    assert_non_null(strstr(pr.where[0], "survey-bad.csv:3: column '生活圈'"));
    assert_non_null(strstr(pr.msg[0], "'无圈' is not a circle"));
    assert_non_null(strstr(pr.where[1], "survey-bad.csv:4: column '满意'"));
    assert_non_null(strstr(err.msg, "2 bad rows (listed above)"));
    qt_circle_list_free(l);
    free(path);
    free(sv);
    free(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outlets_xlsx),
        cmocka_unit_test(test_outlets_geojson_gcj02),
        cmocka_unit_test(test_residences_gpkg_projected),
        cmocka_unit_test(test_residences_csv_projected),
        cmocka_unit_test(test_residences_shapefile_polygons),
        cmocka_unit_test(test_osm_buildings_and_pois),
        cmocka_unit_test(test_community_polygons),
        cmocka_unit_test(test_circles_every_bad_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * test_analyze.c -- every indicator of quarter analyze on a fixture worked
 * out by hand, the grading rules with the >= 50 survey rule, coverage at a
 * time of day, the what-if, opening hours, and siting against GLPK and
 * brute force.
 *
 * The fixture: one straight street, 2400 m, drawn in 20 m cells.  Walking at
 * 4 km/h = 66.67 m/min, so the 10-minute ring is 666.7 m and 15 min 1000 m.
 *
 *   position (m)  0     100        1000 1200  1450          2000 2050 2150
 *   residences    r1               r2                       r3
 *   outlets             A1              B1    Q                  A2   B2
 *
 *   r1: 100 people, 40 households, 1000 m2, community C1
 *   r2: 300 people, 100 households, 3000 m2, community C1
 *   r3: 600 people, 200 households, 6000 m2, community C2
 *   A, B basic (10 min), Q quality (15 min).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"

#define CELL  20.0
#define SPEED (4000.0 / 60.0) /* m per minute */

static const char profile_text[] =
    "[profile]\nname = test\nspeed_kmh = 4.0\n"
    "[category A]\nzh = 便利店\nen = a\nclass = basic\n"
    "[category B]\nzh = 菜市场\nen = b\nclass = basic\n"
    "[category Q]\nzh = 咖啡\nen = q\nclass = quality\n"
    "[targets]\npresent_share = 50%\ncommunity_covered_share = 50%\nchain_share = 30%\n"
    "floor_area_share = 10%\narea_per_100_households = 30\nsatisfaction = 90%\nsurvey_min_samples = 50\n"
    "[grade 基础型]\nbasic_present = all\n"
    "[grade 提升型]\nbasic_present = all\nquality_present = 1\nall_basic_share = 90%\n"
    "[grade 品质型]\nbasic_present = all\nquality_present = 1\nsatisfaction = 90%\n";

typedef struct fixture {
    qt_graph *g;
    qt_profile *p;
    qt_outlet_list *o;
    qt_residence_list *r;
    qt_circle_list *c;
} fixture;

static void lonlat(double metres, double *lon, double *lat)
{
    qt_test_cell_lonlat(metres / CELL, 0, CELL, lon, lat);
}

static char *csv_outlets(void)
{
    static const struct {
        const char *id, *cat;
        double at, area;
        const char *brand, *hours;
    } o[] = {{"A1", "A", 100, 50, "全家", ""},
             {"B1", "B", 1200, 100, "苏果", ""},
             {"Q", "Q", 1450, 200, "", ""},
             {"A2", "A", 2050, 30, "", "07:00-22:00"},
             {"B2", "B", 2150, 20, "", "Mo-Fr 18:00-02:00"}};
    char buf[2048];
    size_t n = 0, i;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "id,category,lon,lat,floor_area,brand,opening_hours\n");
    for (i = 0; i < 5; i++) {
        double lon, lat;
        lonlat(o[i].at, &lon, &lat);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s,%s,%.9f,%.9f,%.0f,%s,%s\n", o[i].id, o[i].cat, lon, lat,
                              o[i].area, o[i].brand, o[i].hours);
    }
    return qt_test_write_file("outlets.csv", buf);
}

static char *csv_residences(void)
{
    static const struct {
        const char *id, *com;
        double at, pop, hh, area;
    } r[] = {{"r1", "C1", 0, 100, 40, 1000}, {"r2", "C1", 1000, 300, 100, 3000}, {"r3", "C2", 2000, 600, 200, 6000}};
    char buf[1024];
    size_t n = 0, i;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "id,lon,lat,population,households,floor_area,community\n");
    for (i = 0; i < 3; i++) {
        double lon, lat;
        lonlat(r[i].at, &lon, &lat);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s,%.9f,%.9f,%.0f,%.0f,%.0f,%s\n", r[i].id, lon, lat, r[i].pop,
                              r[i].hh, r[i].area, r[i].com);
    }
    return qt_test_write_file("residences.csv", buf);
}

static void setup_fixture(fixture *f)
{
    char draw[300], *path;
    qt_error err;
    qt_outlet_read_opts oo;
    qt_residence_read_opts ro;
    memset(f, 0, sizeof *f);
    memset(draw, '-', 121);
    draw[0] = 'a';
    draw[120] = 'b';
    draw[121] = '\0';
    f->g = qt_test_graph_from_ascii(draw, CELL);
    assert_non_null(f->g);
    qt_error_clear(&err);
    path = qt_test_write_file("test.profile", profile_text);
    assert_int_equal(qt_profile_load(path, &f->p, &err), QT_OK);
    free(path);
    memset(&oo, 0, sizeof oo);
    path = csv_outlets();
    assert_int_equal(qt_outlets_read(path, &oo, f->p, &f->o, &err), QT_OK);
    free(path);
    memset(&ro, 0, sizeof ro);
    path = csv_residences();
    assert_int_equal(qt_residences_read(path, &ro, qt_profile_population(f->p), &f->r, &err), QT_OK);
    free(path);
    path = qt_test_write_file("circles.csv", "circle,communities\n圈一,C1\n圈二,C2\n");
    assert_int_equal(qt_circles_read(path, QT_ENC_AUTO, &f->c, &err), QT_OK);
    free(path);
}

static void free_fixture(fixture *f)
{
    qt_circle_list_free(f->c);
    qt_residence_list_free(f->r);
    qt_outlet_list_free(f->o);
    qt_profile_free(f->p);
    qt_graph_free(f->g);
}

/* the fixture as an analysis input, every outlet counted whatever the hour */
static void input_of(const fixture *f, qt_analysis_input *in, qt_analysis_opts *ao)
{
    memset(in, 0, sizeof *in);
    memset(ao, 0, sizeof *ao);
    in->graph = f->g;
    in->profile = f->p;
    in->outlets = f->o;
    in->residences = f->r;
    in->circles = f->c;
    ao->at_weekday = -1;
    ao->at_minute = -1;
}

static qt_analysis *run(fixture *f, const qt_survey *sv, const qt_outlet_list *what_if, int weekday, int minute)
{
    qt_analysis_input in;
    qt_analysis_opts ao;
    qt_analysis *a = NULL;
    qt_error err;
    input_of(f, &in, &ao);
    in.survey = sv;
    in.what_if = what_if;
    ao.at_weekday = weekday;
    ao.at_minute = minute;
    ao.threads = 2;
    qt_error_clear(&err);
    if (qt_analyze(&in, &ao, &a, &err) != QT_OK)
        fail_msg("analyze: %s: %s", err.where, err.msg);
    return a;
}

static int cat(const fixture *f, const char *code)
{
    return qt_profile_find(f->p, code);
}

#define NEAR(x, y) assert_true(fabs((double)(x) - (double)(y)) < 1e-3)

static void test_times_and_indicators(void **state)
{
    fixture f;
    qt_analysis *a;
    int A, B, Q;
    const qt_area_stats *c1, *c2, *city;
    (void)state;
    setup_fixture(&f);
    a = run(&f, NULL, NULL, -1, -1);
    A = cat(&f, "A");
    B = cat(&f, "B");
    Q = cat(&f, "Q");
    /* nearest minutes = metres / 66.667 */
    NEAR(a->minutes[0 * 3 + A], 100 / SPEED);  /* r1 -> A1 */
    NEAR(a->minutes[0 * 3 + B], 1200 / SPEED); /* r1 -> B1, 18 min */
    NEAR(a->minutes[0 * 3 + Q], 1450 / SPEED);
    NEAR(a->minutes[1 * 3 + A], 900 / SPEED); /* r2 -> A1 */
    NEAR(a->minutes[1 * 3 + B], 200 / SPEED);
    NEAR(a->minutes[1 * 3 + Q], 450 / SPEED);
    NEAR(a->minutes[2 * 3 + A], 50 / SPEED);
    NEAR(a->minutes[2 * 3 + B], 150 / SPEED);
    NEAR(a->minutes[2 * 3 + Q], 550 / SPEED);

    city = &a->city;
    c1 = &a->communities_stats[qt_circles_find_community(f.c, "C1")];
    c2 = &a->communities_stats[qt_circles_find_community(f.c, "C2")];
    /* population-weighted coverage in the ring: A reaches r1 (100) and r3 (600) of 1000 */
    NEAR(city->population, 1000);
    NEAR(city->coverage[A], (100.0 + 600) / 1000);
    NEAR(city->coverage[B], (300.0 + 600) / 1000); /* r1's B is 18 min away */
    NEAR(city->coverage[Q], (300.0 + 600) / 1000); /* r1's Q 21.75 > 15 min */
    NEAR(city->unserved[A], 300);
    /* all basic: only r3 has both A and B within 10 min */
    NEAR(city->all_basic, 600.0 / 1000);
    NEAR(c1->all_basic, 0);
    NEAR(c2->all_basic, 1);
    NEAR(c1->coverage[A], 100.0 / 400);
    NEAR(c1->coverage[B], 300.0 / 400);
    /* present = coverage >= 50%: C1 has B only, C2 has A and B */
    assert_int_equal(c1->basic_present, 1);
    assert_int_equal(c2->basic_present, 2);
    assert_int_equal(c1->basic_required, 2);
    assert_int_equal(city->basic_present, 2);
    assert_int_equal(city->quality_present, 1);
    /* communities covered: all_basic >= 50%: C2 only */
    assert_int_equal(city->communities, 2);
    assert_int_equal(city->communities_covered, 1);
    /* outlets go to the nearest residence within 500 m: A1, B1, Q -> C1 (r1, r2, r2); A2, B2 -> C2 */
    assert_int_equal(c1->outlets, 3);
    assert_int_equal(c2->outlets, 2);
    assert_int_equal(city->outlets, 5);
    /* chain: A1 (全家) and B1 (苏果) have a brand */
    assert_int_equal(c1->chain_outlets, 2);
    assert_int_equal(city->chain_outlets, 2);
    /* floor area share = outlet m2 / residential m2: C1 (50+100+200)/(1000+3000) */
    NEAR(c1->outlet_area / c1->residential_area, 350.0 / 4000);
    NEAR(city->outlet_area / city->residential_area, 400.0 / 10000);
    /* m2 per 100 households: city 400 / 340 x 100 */
    NEAR(city->outlet_area / city->households * 100, 400.0 / 340 * 100);
    assert_true(a->chain_known);
    assert_true(a->area_known);
    qt_analysis_free(a);
    free_fixture(&f);
}

static void test_outlets_by_boundary(void **state)
{
    /* with community boundaries, an outlet belongs to the community that holds it, not the nearest home's */
    fixture f;
    qt_analysis_input in;
    qt_analysis_opts ao;
    qt_analysis *a = NULL;
    qt_error err;
    const char *const where[5] = {"C2", "C2", "", "C2", "C2"}; /* Q ("") falls back to its nearest home, r2 */
    (void)state;
    setup_fixture(&f);
    input_of(&f, &in, &ao);
    in.outlet_community = where;
    qt_error_clear(&err);
    assert_int_equal(qt_analyze(&in, &ao, &a, &err), QT_OK);
    assert_int_equal(a->communities_stats[qt_circles_find_community(f.c, "C2")].outlets, 4);
    assert_int_equal(a->communities_stats[qt_circles_find_community(f.c, "C1")].outlets, 1);
    assert_int_equal(a->city.outlets, 5);
    qt_analysis_free(a);
    free_fixture(&f);
}

static void test_grading_and_survey_rule(void **state)
{
    fixture f;
    qt_analysis *a;
    qt_survey *sv;
    char *path, buf[4096];
    size_t n = 0, i;
    qt_error err;
    (void)state;
    setup_fixture(&f);
    /* no survey: 圈一 lacks A (25% < 50%): below 基础型; 圈二 has A, B, Q and all basic for 100%: 提升型 */
    a = run(&f, NULL, NULL, -1, -1);
    assert_int_equal(a->circles_stats[0].grade, -1);
    assert_non_null(strstr(a->circles_stats[0].reasons, "not 基础型: 1 of 2 basic present"));
    assert_int_equal(a->circles_stats[1].grade, 1);
    assert_non_null(strstr(a->circles_stats[1].reasons, "提升型: "));
    assert_non_null(strstr(a->circles_stats[1].reasons, "not 品质型: "));
    assert_non_null(strstr(a->circles_stats[1].reasons, "satisfaction n = 0 < 50, not yet valid"));
    {
        /* the same reasons as data (the rules of 提升型, then of 品质型), as JSON, and as text: without a
           catalogue (the unit tests bind none) the text is the stable English */
        const qt_area_stats *s = &a->circles_stats[1];
        static const qt_grade_rule_kind want[] = {QT_RULE_BASIC_PRESENT, QT_RULE_QUALITY_PRESENT, QT_RULE_ALL_BASIC,
                                                  QT_RULE_BASIC_PRESENT, QT_RULE_QUALITY_PRESENT, QT_RULE_SATISFACTION};
        char *js, *tx;
        size_t k;
        assert_int_equal(s->nchecks, 6);
        for (k = 0; k < 6; k++) {
            assert_int_equal(s->checks[k].kind, want[k]);
            assert_int_equal(s->checks[k].grade, k < 3 ? 1 : 2);
            assert_int_equal(s->checks[k].pass, k < 5);
        }
        assert_true(isnan(s->checks[5].value));
        assert_int_equal((int)s->checks[5].total, 0);
        assert_int_equal((int)s->checks[5].min_answers, 50);
        assert_int_equal((int)s->checks[0].value, 2);
        assert_int_equal((int)s->checks[0].total, 2);
        js = qt_grade_reasons(s, f.p, QT_REASONS_JSON);
        assert_non_null(js);
        assert_non_null(strstr(js,
                               "[{\"grade\":\"提升型\",\"reached\":true,\"rules\":[{\"rule\":\"basic_present\","
                               "\"pass\":true,\"value\":2,\"target\":2,\"total\":2},{\"rule\":\"quality_present\""));
        assert_non_null(strstr(js, "]},{\"grade\":\"品质型\",\"reached\":false,\"rules\":["));
        assert_non_null(strstr(js,
                               "{\"rule\":\"satisfaction\",\"pass\":false,\"value\":null,\"target\":0.9000,"
                               "\"total\":0,\"min_answers\":50}]}]"));
        tx = qt_grade_reasons(s, f.p, QT_REASONS_TEXT);
        assert_non_null(tx);
        assert_string_equal(tx, s->reasons);
        free(js);
        free(tx);
        /* below every grade: only the first grade, missed */
        js = qt_grade_reasons(&a->circles_stats[0], f.p, QT_REASONS_JSON);
        assert_non_null(js);
        assert_non_null(strstr(js,
                               "[{\"grade\":\"基础型\",\"reached\":false,\"rules\":[{\"rule\":\"basic_present\","
                               "\"pass\":false,\"value\":1,\"target\":2,\"total\":2}]}]"));
        free(js);
    }
    qt_analysis_free(a);

    /* 49 answers, all satisfied: still not valid */
    n += (size_t)snprintf(buf + n, sizeof buf - n, "circle,satisfied\n");
    for (i = 0; i < 49; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "圈二,是\n");
    path = qt_test_write_file("survey49.csv", buf);
    qt_error_clear(&err);
    assert_int_equal(qt_survey_read(path, QT_ENC_AUTO, f.c, &sv, &err), QT_OK);
    free(path);
    a = run(&f, sv, NULL, -1, -1);
    assert_int_equal(a->circles_stats[1].grade, 1);
    assert_non_null(strstr(a->circles_stats[1].reasons, "n = 49 < 50"));
    qt_analysis_free(a);
    qt_survey_free(sv);

    /* 50 answers, 45 satisfied = 90%: valid and met: 品质型 */
    {
        char b2[4096];
        size_t m = 0;
        m += (size_t)snprintf(b2 + m, sizeof b2 - m, "circle,score\n");
        for (i = 0; i < 50; i++)
            m += (size_t)snprintf(b2 + m, sizeof b2 - m, "圈二,%d\n", i < 45 ? 5 : 2);
        path = qt_test_write_file("survey50.csv", b2);
    }
    assert_int_equal(qt_survey_read(path, QT_ENC_AUTO, f.c, &sv, &err), QT_OK);
    free(path);
    assert_int_equal(sv->answers[1], 50);
    assert_int_equal(sv->satisfied[1], 45);
    a = run(&f, sv, NULL, -1, -1);
    assert_int_equal(a->circles_stats[1].grade, 2);
    assert_non_null(strstr(a->circles_stats[1].reasons, "satisfaction 90% (n = 50) >= 90%"));
    qt_analysis_free(a);
    qt_survey_free(sv);
    free_fixture(&f);
}

static void test_time_of_day(void **state)
{
    fixture f;
    qt_analysis *a;
    int A, B;
    (void)state;
    setup_fixture(&f);
    A = cat(&f, "A");
    B = cat(&f, "B");
    /* Saturday 01:00: A2 (07-22) is closed, B2 (Mo-Fr 18:00-02:00) still open from Friday night */
    a = run(&f, NULL, NULL, 5, 60);
    assert_int_equal(a->outlets_closed, 1);
    assert_int_equal(a->outlets_hours_unknown, 3);
    NEAR(a->minutes[2 * 3 + A], 1900 / SPEED); /* r3 must walk to A1 */
    NEAR(a->minutes[2 * 3 + B], 150 / SPEED);
    qt_analysis_free(a);
    /* Monday 07:00: A2 opens, B2 is closed (no Sunday night rule) */
    a = run(&f, NULL, NULL, 0, 7 * 60);
    NEAR(a->minutes[2 * 3 + A], 50 / SPEED);
    NEAR(a->minutes[2 * 3 + B], 800 / SPEED);    /* to B1 at 1200 */
    NEAR(a->city.coverage[B], 300.0 / 1000 + 0); /* r3's B is 12 min away at 07:00 */
    qt_analysis_free(a);
    free_fixture(&f);
}

static void test_what_if(void **state)
{
    fixture f;
    qt_analysis *a;
    qt_outlet_list *w;
    qt_outlet_read_opts oo;
    qt_error err;
    char buf[256], *path;
    double lon, lat;
    (void)state;
    setup_fixture(&f);
    lonlat(1000, &lon, &lat);
    snprintf(buf, sizeof buf, "id,category,lon,lat\nnew-A,A,%.9f,%.9f\n", lon, lat);
    path = qt_test_write_file("whatif.csv", buf);
    memset(&oo, 0, sizeof oo);
    qt_error_clear(&err);
    assert_int_equal(qt_outlets_read(path, &oo, f.p, &w, &err), QT_OK);
    free(path);
    a = run(&f, NULL, w, -1, -1);
    assert_non_null(a->before);
    /* before: r3 only (600 of 1000); after, r2 has an A at its door: r2 + r3 */
    NEAR(a->before->city.all_basic, 0.6);
    NEAR(a->city.all_basic, 0.9);
    assert_int_equal(a->before->city.outlets, 5);
    assert_int_equal(a->city.outlets, 6);
    NEAR(a->minutes[1 * 3 + cat(&f, "A")], 0);
    qt_analysis_free(a);
    qt_outlet_list_free(w);
    free_fixture(&f);
}

static void test_circle_names_unknown_community(void **state)
{
    fixture f;
    qt_circle_list *bad;
    qt_analysis_input in;
    qt_analysis_opts ao;
    qt_analysis *a = NULL;
    qt_error err;
    char *path;
    (void)state;
    setup_fixture(&f);
    path = qt_test_write_file("circles-bad.csv", "circle,communities\n圈一,C1、C9\n");
    qt_error_clear(&err);
    assert_int_equal(qt_circles_read(path, QT_ENC_AUTO, &bad, &err), QT_OK);
    free(path);
    input_of(&f, &in, &ao);
    in.circles = bad;
    assert_int_equal(qt_analyze(&in, &ao, &a, &err), QT_EINVAL);
    assert_null(a);
    assert_non_null(strstr(err.msg, "community 'C9', which no residence belongs to"));
    assert_non_null(strstr(err.where, "circles-bad.csv:2"));
    qt_circle_list_free(bad);
    free_fixture(&f);
}

static void test_circles_format(void **state)
{
    qt_circle_list *c;
    qt_error err;
    char *path;
    (void)state;
    /* Tianshui's 附件2 layout: 、 and a space separate, the host community in parentheses */
    path = qt_test_write_file("tianshui.csv",
                              "序号,便民生活圈名称,包含社区,建设年限\n"
                              "6,北道埠一刻钟便民生活圈(商埠社区),羲皇社区、大桥社区 北山路社区、前进路社区,2023年\n"
                              "3,天水郡一刻钟便民生活圈(红山社区),藉水南路社区、石马坪社区,2023年\n");
    qt_error_clear(&err);
    assert_int_equal(qt_circles_read(path, QT_ENC_AUTO, &c, &err), QT_OK);
    free(path);
    assert_int_equal(c->ncircles, 2);
    assert_int_equal(c->member_start[1] - c->member_start[0], 5); /* 商埠 + 4 */
    assert_int_equal(c->member_start[2] - c->member_start[1], 3);
    assert_true(qt_circles_find_community(c, "商埠社区") >= 0);
    assert_true(qt_circles_find_community(c, "北山路社区") >= 0);
    assert_true(qt_circles_find_community(c, "前进路社区") >= 0);
    qt_circle_list_free(c);
}

static void test_opening_hours(void **state)
{
    static const struct {
        const char *spec;
        int day, minute, want;
    } cases[] = {
        {"24/7", 6, 3 * 60, 1},
        {"08:00-22:00", 0, 7 * 60 + 59, 0},
        {"08:00-22:00", 0, 8 * 60, 1},
        {"08:00-22:00", 3, 22 * 60, 0},
        {"8:00-22:00", 3, 9 * 60, 1},
        {"Mo-Fr 07:00-20:00; Sa,Su 08:00-18:00", 5, 7 * 60 + 30, 0},
        {"Mo-Fr 07:00-20:00; Sa,Su 08:00-18:00", 4, 7 * 60 + 30, 1},
        {"Mo-Su 06:30-10:00,17:00-23:30", 2, 12 * 60, 0},
        {"Mo-Su 06:30-10:00,17:00-23:30", 2, 23 * 60, 1},
        {"Fr-Sa 18:00-02:00", 5, 60, 1}, /* Saturday 01:00, from Friday night */
        {"Fr-Sa 18:00-02:00", 6, 60, 1}, /* Sunday 01:00, from Saturday night */
        {"Fr-Sa 18:00-02:00", 0, 60, 0}, /* Monday 01:00 */
        {"Mo-Sa 09:00-21:00; Su off", 6, 12 * 60, 0},
        {"Sa-Mo 10:00-12:00", 0, 11 * 60, 1}, /* a range across the week's end */
        {"07:00～21:00", 1, 8 * 60, 1},
        {"PH off", 1, 8 * 60, -1},
        {"sunrise-sunset", 1, 8 * 60, -1},
        {"", 1, 8 * 60, -1},
    };
    size_t i;
    int d, m;
    qt_error err;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = qt_hours_open_at(cases[i].spec, cases[i].day, cases[i].minute);
        if (got != cases[i].want)
            fail_msg("'%s' day %d minute %d: got %d, want %d", cases[i].spec, cases[i].day, cases[i].minute, got,
                     cases[i].want);
    }
    qt_error_clear(&err);
    assert_int_equal(qt_hours_parse_at("07:00", &d, &m, &err), QT_OK);
    assert_int_equal(d, -1);
    assert_int_equal(m, 420);
    assert_int_equal(qt_hours_parse_at("Sa 22:30", &d, &m, &err), QT_OK);
    assert_int_equal(d, 5);
    assert_int_equal(m, 22 * 60 + 30);
    assert_int_equal(qt_hours_parse_at("25:00", &d, &m, &err), QT_EINVAL);
    assert_int_equal(qt_hours_parse_at("7pm", &d, &m, &err), QT_EINVAL);
}

/* ---- siting: greedy against GLPK and against brute force ----------------------------- */

static double site_total(fixture *f, qt_analysis *a, const double *lon, const double *lat, size_t n, size_t k,
                         int exact, qt_site_result **keep)
{
    qt_site_input si;
    qt_site_result *r = NULL;
    qt_error err;
    double t;
    memset(&si, 0, sizeof si);
    si.graph = f->g;
    si.profile = f->p;
    si.residences = f->r;
    si.analysis = a;
    si.category = (uint32_t)cat(f, "Q");
    si.ncand = n;
    si.cand_lon = lon;
    si.cand_lat = lat;
    si.k = k;
    si.exact = exact;
    si.threads = 2;
    qt_error_clear(&err);
    if (qt_site(&si, &r, &err) != QT_OK)
        fail_msg("site: %s", err.msg);
    t = r->greedy_total;
    if (keep)
        *keep = r;
    else
        qt_site_result_free(r);
    return t;
}

/* many residences along the street, nobody within 15 min of a Q; candidates every 150 m */
static void test_site_greedy_vs_exact(void **state)
{
    fixture f;
    qt_residence_list *r;
    qt_residence_read_opts ro;
    qt_outlet_list *o;
    qt_outlet_read_opts oo;
    qt_error err;
    char buf[8192], *path;
    size_t n = 0, i, nc = 0;
    double clon[16], clat[16];
    unsigned seed = 7;
    (void)state;
    setup_fixture(&f);
    /* outlets without Q; residences with weights that make greedy's first pick a trap */
    path = qt_test_write_file("noq.csv", "id,category,lon,lat\n");
    memset(&oo, 0, sizeof oo);
    qt_error_clear(&err);
    assert_int_equal(qt_outlets_read(path, &oo, f.p, &o, &err), QT_OK);
    free(path);
    qt_outlet_list_free(f.o);
    f.o = o;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "id,lon,lat,population,community\n");
    for (i = 0; i < 40; i++) {
        double lon, lat, at = 20 + (double)(i * 59 % 2380);
        seed = seed * 1103515245u + 12345u;
        lonlat(at, &lon, &lat);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "h%zu,%.9f,%.9f,%u,C%zu\n", i, lon, lat, 10 + (seed >> 16) % 90,
                              i % 2 + 1);
    }
    path = qt_test_write_file("many.csv", buf);
    memset(&ro, 0, sizeof ro);
    assert_int_equal(qt_residences_read(path, &ro, qt_profile_population(f.p), &r, &err), QT_OK);
    free(path);
    qt_residence_list_free(f.r);
    f.r = r;
    for (i = 0; i < 12; i++) {
        lonlat(100 + 190.0 * (double)i, &clon[nc], &clat[nc]);
        nc++;
    }
    {
        qt_analysis *a = run(&f, NULL, NULL, -1, -1);
        qt_site_result *res;
        size_t k;
        unsigned mask;
        for (k = 1; k <= 3; k++) {
            double brute = 0;
            site_total(&f, a, clon, clat, nc, k, 1, &res);
            assert_int_equal(res->exact_status, 1);
            /* greedy never beats the optimum, and reaches at least 1 - 1/e of it */
            assert_true(res->greedy_total <= res->exact_total + 1e-6);
            assert_true(res->greedy_total >= (1 - 1 / exp(1.0)) * res->exact_total - 1e-6);
            /* the optimum is the best of every k-subset: greedy on exactly those k sites serves their union */
            for (mask = 0; mask < (1u << nc); mask++) {
                double lo[3], la[3], t;
                size_t kk = 0, b;
                if ((size_t)__builtin_popcount(mask) != k)
                    continue;
                for (b = 0; b < nc; b++)
                    if (mask >> b & 1) {
                        lo[kk] = clon[b];
                        la[kk] = clat[b];
                        kk++;
                    }
                t = site_total(&f, a, lo, la, kk, kk, 0, NULL);
                if (t > brute)
                    brute = t;
            }
            NEAR(res->exact_total, brute);
            qt_site_result_free(res);
        }
        qt_analysis_free(a);
    }
    free_fixture(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_times_and_indicators),
        cmocka_unit_test(test_outlets_by_boundary),
        cmocka_unit_test(test_grading_and_survey_rule),
        cmocka_unit_test(test_time_of_day),
        cmocka_unit_test(test_what_if),
        cmocka_unit_test(test_circle_names_unknown_community),
        cmocka_unit_test(test_circles_format),
        cmocka_unit_test(test_opening_hours),
        cmocka_unit_test(test_site_greedy_vs_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

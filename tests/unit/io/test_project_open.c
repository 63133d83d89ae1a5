/* SPDX-License-Identifier: MIT */
/*
 * test_project_open.c -- qt_project_open / qt_project_close
 * (quarter/project.h) on the bundled sample project: everything it names is
 * loaded, the analysis input borrows it, bad speeds and missing files fail
 * with nothing to free.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"

#define SAMPLE QT_TEST_DATA "/../../data/nanjing-xuanwu/xuanwu.project"

typedef struct said {
    int outlets, residences;
} said;

static void on_outlets(void *ud, const char *path, const qt_outlet_list *l)
{
    said *s = ud;
    assert_non_null(strstr(path, "nanjing_xuanwu.osm.pbf"));
    assert_true(l->n > 0);
    assert_int_equal(s->residences, 0); /* outlets are read first */
    s->outlets++;
}

static void on_residences(void *ud, const char *path, const qt_residence_list *l)
{
    said *s = ud;
    assert_non_null(path);
    assert_true(l->n > 0);
    s->residences++;
}

static void test_open_sample(void **state)
{
    qt_error err = QT_ERROR_INIT;
    qt_project_open_opts po;
    qt_project_data *pj = NULL;
    qt_analysis_input in;
    qt_analysis_opts ao;
    said s = {0, 0};
    (void)state;
    memset(&po, 0, sizeof po);
    po.on_outlets = on_outlets;
    po.on_residences = on_residences;
    po.said_ud = &s;
    assert_int_equal(qt_project_open(SAMPLE, &po, &pj, &err), QT_OK);
    assert_non_null(pj);
    assert_int_equal(s.outlets, 1);
    assert_int_equal(s.residences, 1);
    assert_non_null(pj->project);
    assert_non_null(pj->profile);
    assert_non_null(pj->graph);
    assert_true(pj->outlets->n > 0);
    assert_true(pj->residences->n > 0);
    assert_null(pj->circles); /* grid circles: no circles file */
    assert_null(pj->survey);
    assert_true(pj->speed_kmh > 0);
    assert_string_equal(pj->speed_label, pj->project->speed);
    qt_project_analysis_input(pj, &in, &ao);
    assert_ptr_equal(in.graph, pj->graph);
    assert_ptr_equal(in.outlets, pj->outlets);
    assert_ptr_equal(in.residences, pj->residences);
    assert_null(in.what_if);
    assert_true(ao.speed_kmh == pj->speed_kmh);
    assert_true(ao.community_grid_m == 500);
    assert_int_equal(ao.at_minute, -1);
    qt_project_close(pj);
}

static void test_speed(void **state)
{
    qt_error err = QT_ERROR_INIT;
    qt_project_open_opts po;
    qt_project_data *pj = NULL;
    (void)state;
    memset(&po, 0, sizeof po);
    po.speed = "6.5";
    assert_int_equal(qt_project_open(SAMPLE, &po, &pj, &err), QT_OK);
    assert_true(pj->speed_kmh == 6.5);
    assert_string_equal(pj->speed_label, "6.5");
    qt_project_close(pj);
    pj = (qt_project_data *)&err; /* must come back NULL */
    po.speed = "99";
    assert_int_equal(qt_project_open(SAMPLE, &po, &pj, &err), QT_EINVAL);
    assert_null(pj);
    assert_string_equal(err.where, "speed");
    assert_non_null(strstr(err.msg, "0.5 to 15"));
}

static void test_missing(void **state)
{
    qt_error err = QT_ERROR_INIT;
    qt_project_data *pj = NULL;
    char *path = qt_test_write_file("missing.project",
                                    "[project]\nprofile = nowhere.profile\n[network]\nfile = "
                                    "nowhere.osm.pbf\n");
    (void)state;
    assert_int_not_equal(qt_project_open("/nonexistent/x.project", NULL, &pj, &err), QT_OK);
    assert_null(pj);
    qt_error_clear(&err);
    assert_int_not_equal(qt_project_open(path, NULL, &pj, &err), QT_OK);
    assert_null(pj);
    assert_true(err.msg[0] != '\0');
    qt_project_close(NULL);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_sample),
        cmocka_unit_test(test_speed),
        cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

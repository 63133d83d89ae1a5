/* SPDX-License-Identifier: MIT */
/*
 * test_profile.c -- the shipped profile loads; the classification truth table
 * (tests/data/classify_cases.tsv); validation errors name line and key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"

#define PROFILE QT_TEST_DATA "/../../data/profiles/mofcom-2023.profile"

static void test_shipped_profile(void **state)
{
    qt_profile *p = NULL;
    qt_error err;
    size_t i, basic = 0, quality = 0;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_profile_load(PROFILE, &p, &err), QT_OK);
    assert_string_equal(qt_profile_name(p), "mofcom-2023");
    for (i = 0; i < qt_profile_category_count(p); i++) {
        const qt_category *c = qt_profile_category(p, i);
        if (c->cls == QT_CLASS_BASIC) {
            basic++;
            assert_true(c->ring_min == 10);
        } else {
            quality++;
            assert_true(c->ring_min == 15);
        }
    }
    /* the guide's 13 basic + 前置仓, and 14 quality (SPEC §2) */
    assert_int_equal(basic, 14);
    assert_int_equal(quality, 14);
    assert_int_equal(qt_profile_find(p, "菜市场"), qt_profile_find(p, "B03"));
    assert_true(qt_profile_speed_kmh(p, "default") == 4.0);
    assert_true(qt_profile_speed_kmh(p, "elderly") == 3.0);
    assert_true(qt_profile_speed_kmh(p, "winter") == 3.2);
    qt_profile_free(p);
}

static char *dash(char *s)
{
    return strcmp(s, "-") == 0 ? NULL : s;
}

static void test_classification_truth_table(void **state)
{
    qt_profile *p = NULL;
    qt_error err;
    FILE *fp = fopen(QT_TEST_DATA "/classify_cases.tsv", "r");
    char line[1024];
    int n = 0, bad = 0;
    (void)state;
    assert_non_null(fp);
    assert_int_equal(qt_profile_load(PROFILE, &p, &err), QT_OK);
    while (fgets(line, sizeof line, fp)) {
        char *f[6], *save = NULL, *tags, *tagv[16];
        size_t k = 0, nt = 0;
        qt_outlet_facts facts;
        int cat, rule;
        const char *got;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        for (k = 0; k < 6; k++) {
            f[k] = strtok_r(k ? NULL : line, "\t", &save);
            assert_non_null(f[k]);
        }
        memset(&facts, 0, sizeof facts);
        if ((tags = dash(f[1])) != NULL) {
            char *s2 = NULL, *kv;
            for (kv = strtok_r(tags, ";", &s2); kv && nt < 8; kv = strtok_r(NULL, ";", &s2)) {
                char *eq = strchr(kv, '=');
                *eq = '\0';
                tagv[2 * nt] = kv;
                tagv[2 * nt + 1] = eq + 1;
                nt++;
            }
        }
        facts.osm_tags = (const char *const *)tagv;
        facts.ntags = nt;
        facts.amap_code = dash(f[2]);
        facts.amap_type = dash(f[3]);
        facts.name = dash(f[4]);
        cat = qt_profile_classify(p, &facts, &rule);
        got = cat < 0 ? "-" : qt_profile_category(p, (size_t)cat)->code;
        if (strcmp(got, f[5]) != 0) {
            print_error("case %s/%s/%s/%s: expected %s, got %s (profile line %d)\n", f[1], f[2], f[3], f[4], f[5], got,
                        rule);
            bad++;
        }
        n++;
    }
    fclose(fp);
    assert_true(n >= 60);
    assert_int_equal(bad, 0);
    qt_profile_free(p);
}

/* issue 10: every 业态 label a bureau writes (tests/data/category_labels.tsv) finds its category */
static void test_category_labels(void **state)
{
    qt_profile *p = NULL;
    qt_error err;
    FILE *fp = fopen(QT_TEST_DATA "/category_labels.tsv", "r");
    char line[512];
    int n = 0, bad = 0;
    (void)state;
    assert_non_null(fp);
    assert_int_equal(qt_profile_load(PROFILE, &p, &err), QT_OK);
    while (fgets(line, sizeof line, fp)) {
        char *tab;
        const char *got;
        int cat;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        cat = qt_profile_find(p, line);
        got = cat < 0 ? "-" : qt_profile_category(p, (size_t)cat)->code;
        if (strcmp(got, tab + 1) != 0) {
            print_error("label '%s': expected %s, got %s\n", line, tab + 1, got);
            bad++;
        }
        n++;
    }
    fclose(fp);
    assert_true(n >= 70);
    assert_int_equal(bad, 0);
    qt_profile_free(p);
}

/* each bad profile: its text, and what the error must say */
static void test_validation_names_line_and_key(void **state)
{
    static const struct {
        const char *text, *where, *msg;
    } cases[] = {
        {"[profile]\nname = x\nspeed_kmh = fast\n", ":3: key 'speed_kmh'", "not a number"},
        {"[profile]\nname = x\nspeed_kmh = 40\n", ":3: key 'speed_kmh'", "outside"},
        {"[profile]\nname = x\n[category B01]\nzh = 便利店\nen = c\nclass = basik\n", ":6: key 'class'", "basik"},
        {"[profile]\nname = x\n[category B01]\nzh = a\nen = b\nclass = basic\nmatch = amap:0602x\n", ":7: key 'match'",
         "2, 4 or 6 digits"},
        {"[profile]\nname = x\n[category B01]\nzh = a\nen = b\nclass = basic\nmatch = shop=convenience\n",
         ":7: key 'match'", "kind:"},
        {"[profile]\nname = x\n[category B01]\nzh = a\nen = b\nclass = basic\nmatch = !name:x\n", ":7: key 'match'",
         "not negated"},
        {"[profile]\nname = x\n[category B01]\nzh = a\nen = b\nclass = basic\ncolour = red\n", ":7: key 'colour'",
         "unknown key"},
        {"[profile]\nname = x\n[category B01]\nzh = a\nen = b\nclass = basic\n[category B01]\n", ":7", "defined twice"},
        {"[profile]\nname = x\n[category B01]\nen = b\nclass = basic\n", ":3: key 'zh'", "no Chinese name"},
        {"[profile]\nname = x\n", "", "no [category]"},
        {"name = x\n", ":1: key 'name'", "before any [section]"},
        {"[profile]\nname = x\n[shops]\n", ":3", "unknown section"},
        {"[profile]\nname\n", ":2", "key = value"},
        {"[profile]\nname = x\n[category B01]\nzh = a\nen = b\nclass = basic\n[category B02]\nzh = c\n"
         "en = d\nclass = basic\nalias = e| A \n",
         ":11: key 'alias'", "already names category B01"},
        {"[profile]\nname = x\n[category B01]\nzh = a\nen = b\nclass = basic\nalias = c\n[category B02]\n"
         "zh = c\nen = d\nclass = basic\n",
         ":8: key 'zh'", "also names category B01"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = qt_test_write_file("bad.profile", cases[i].text);
        qt_profile *p = NULL;
        qt_error err;
        qt_error_clear(&err);
        assert_int_not_equal(qt_profile_load(path, &p, &err), QT_OK);
        assert_null(p);
        if (!strstr(err.where, cases[i].where) || !strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: got '%s: %s'", i, err.where, err.msg);
        free(path);
    }
    {
        qt_profile *p = NULL;
        qt_error err;
        assert_int_equal(qt_profile_load("/nonexistent/x.profile", &p, &err), QT_EIO);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_profile),
        cmocka_unit_test(test_classification_truth_table),
        cmocka_unit_test(test_category_labels),
        cmocka_unit_test(test_validation_names_line_and_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * test_store_changes.c -- the store's change feed (issue 14, migration
 * 0006): every outlet written (imported, edited, closed, reopened) and every
 * job posted or edited (its closing time too, migration 0007) is read back
 * after the sequence number a follower had, once, with what it is now; a rewrite that changes nothing is no change; a
 * second connection's commit ends a wait.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"

typedef struct seen {
    int n, jobs;
    int64_t job_expires; /* the last job's closing time */
    int64_t ids[16];
    char names[16][32];
    int64_t closed[16];
} seen;

static qt_status on_outlet(void *ud, const qt_store_outlet *o, qt_error *err)
{
    seen *s = ud;
    (void)err;
    assert_true(s->n < 16);
    s->ids[s->n] = o->id;
    snprintf(s->names[s->n], sizeof s->names[0], "%s", o->name ? o->name : "");
    s->closed[s->n] = o->closed_at;
    s->n++;
    return QT_OK;
}

static qt_status on_job(void *ud, const qt_store_job *j, qt_error *err)
{
    seen *s = ud;
    (void)err;
    assert_string_equal(j->title, "理货员");
    s->job_expires = j->expires_at;
    s->jobs++;
    return QT_OK;
}

static void outlet(qt_store_outlet *o, const char *ext, const char *name)
{
    memset(o, 0, sizeof *o);
    o->ext_id = ext;
    o->name = name;
    o->category = "7";
    o->address = "";
    o->brand = "";
    o->opening_hours = "";
    o->services = "";
    o->lon = 116.36;
    o->lat = 39.88;
    o->cash = -1;
    o->barrier_free = -1;
    o->staff = NAN;
    o->floor_area = NAN;
}

/* since -> the changes after it, into *sn; returns the new position */
static int64_t read_since(qt_store *s, int64_t since, seen *sn)
{
    qt_error err = QT_ERROR_INIT;
    int64_t latest = -1;
    memset(sn, 0, sizeof *sn);
    assert_int_equal(qt_store_changes_since(s, since, &latest, on_outlet, on_job, sn, &err), QT_OK);
    assert_true(latest >= since);
    return latest;
}

static void test_feed(void **state)
{
    char *path = qt_test_store("changes.db");
    qt_store *s = NULL;
    qt_error err = QT_ERROR_INIT;
    qt_store_outlet o;
    qt_outlet_patch p;
    qt_store_job j;
    seen sn;
    int64_t a = 0, b = 0, admin = 0, m = 0, job = 0, pos = -1, pos2;
    const char *open_b[] = {"B"}, *open_ab[] = {"A", "B"};
    (void)state;
    assert_int_equal(qt_store_open(path, &s, &err), QT_OK);
    assert_int_equal(qt_store_changes_latest(s, &pos, &err), QT_OK);
    assert_int_equal(pos, 0);
    assert_int_equal(read_since(s, 0, &sn), 0);
    assert_int_equal(sn.n, 0);

    /* an import: both, in order, open */
    outlet(&o, "A", "甲店");
    assert_int_equal(qt_store_outlet_put(s, &o, &a, &err), QT_OK);
    outlet(&o, "B", "乙店");
    assert_int_equal(qt_store_outlet_put(s, &o, &b, &err), QT_OK);
    pos = read_since(s, 0, &sn);
    assert_int_equal(sn.n, 2);
    assert_int_equal(sn.ids[0], a);
    assert_int_equal(sn.ids[1], b);
    assert_string_equal(sn.names[1], "乙店");
    assert_int_equal(sn.closed[0], 0);
    assert_int_equal(read_since(s, pos, &sn), pos); /* nothing after the last one */
    assert_int_equal(sn.n, 0);

    /* the same row imported again is no change */
    outlet(&o, "B", "乙店");
    assert_int_equal(qt_store_outlet_import(s, &o, &b, NULL, &err), QT_OK);
    assert_int_equal(read_since(s, pos, &sn), pos);
    assert_int_equal(sn.n, 0);

    /* an edit through the API: that outlet only, as it is now */
    assert_int_equal(qt_store_user_add(s, "admin", QT_ROLE_ADMIN, "admin-password", &admin, &err), QT_OK);
    memset(&p, 0, sizeof p);
    p.cash = p.barrier_free = -2;
    p.name = "甲店（新）";
    assert_int_equal(qt_store_outlet_update(s, admin, QT_ROLE_ADMIN, a, &p, &err), QT_OK);
    pos2 = read_since(s, pos, &sn);
    assert_true(pos2 > pos);
    assert_int_equal(sn.n, 1);
    assert_int_equal(sn.ids[0], a);
    assert_string_equal(sn.names[0], "甲店（新）");
    pos = pos2;

    /* a re-import without A closes it: listed, closed; then reopened */
    assert_int_equal(qt_store_outlets_sync_closed(s, open_b, 1, 1700000000, NULL, NULL, &err), QT_OK);
    pos2 = read_since(s, pos, &sn);
    assert_int_equal(sn.n, 1);
    assert_int_equal(sn.ids[0], a);
    assert_int_equal(sn.closed[0], 1700000000);
    assert_int_equal(qt_store_outlets_sync_closed(s, open_ab, 2, 1700000100, NULL, NULL, &err), QT_OK);
    pos = read_since(s, pos2, &sn);
    assert_int_equal(sn.n, 1);
    assert_int_equal(sn.closed[0], 0);
    /* from the start, each outlet is listed once, under its latest change */
    read_since(s, 0, &sn);
    assert_int_equal(sn.n, 2);
    assert_int_equal(sn.ids[0], b);
    assert_int_equal(sn.ids[1], a);

    /* a job posted */
    assert_int_equal(qt_store_user_add(s, "shop", QT_ROLE_MERCHANT, "merchant-pass", &m, &err), QT_OK);
    memset(&j, 0, sizeof j);
    j.title = "理货员";
    j.description = "";
    j.pay = "";
    j.lon = 116.36;
    j.lat = 39.88;
    assert_int_equal(qt_store_job_create(s, m, QT_ROLE_MERCHANT, &j, 1700000000, &job, &err), QT_OK);
    pos2 = read_since(s, pos, &sn);
    assert_true(pos2 > pos);
    assert_int_equal(sn.jobs, 1);
    assert_int_equal(sn.n, 0);
    assert_int_equal(sn.job_expires, 1700000000 + (int64_t)QT_STORE_JOB_DAYS * 86400);

    /* its poster closes it early: the edit is a change too, with the new closing time */
    memset(&j, 0, sizeof j);
    j.id = job;
    j.expires_at = 1700003600;
    assert_int_equal(qt_store_job_update(s, m, &j, 1700000100, NULL, NULL, &err), QT_OK);
    pos = read_since(s, pos2, &sn);
    assert_true(pos > pos2);
    assert_int_equal(sn.jobs, 1);
    assert_int_equal(sn.n, 0);
    assert_int_equal(sn.job_expires, 1700003600);

    qt_store_close(s);
    free(path);
}

/* a wait ends with the other connection's commit; without one it ends at its timeout with nothing new */
static void test_wait(void **state)
{
    char *path = qt_test_store("changes_wait.db");
    qt_store *s = NULL, *t = NULL;
    qt_error err = QT_ERROR_INIT;
    qt_store_outlet o;
    int64_t pos = -1, latest = -1, id = 0;
    (void)state;
    assert_int_equal(qt_store_open(path, &s, &err), QT_OK);
    assert_int_equal(qt_store_open(path, &t, &err), QT_OK);
    assert_int_equal(qt_store_changes_latest(s, &pos, &err), QT_OK);
    assert_int_equal(qt_store_changes_wait(s, pos, 200, &latest, &err), QT_OK);
    assert_int_equal(latest, pos);
    outlet(&o, "C", "丙店");
    assert_int_equal(qt_store_outlet_put(t, &o, &id, &err), QT_OK);
    assert_int_equal(qt_store_changes_wait(s, pos, 5000, &latest, &err), QT_OK);
    assert_true(latest > pos);
    /* a change there already: no wait */
    assert_int_equal(qt_store_changes_wait(s, pos, 60000, &latest, &err), QT_OK);
    assert_true(latest > pos);
    qt_store_close(t);
    qt_store_close(s);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feed),
        cmocka_unit_test(test_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

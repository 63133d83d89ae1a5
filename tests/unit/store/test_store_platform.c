/* SPDX-License-Identifier: MIT */
/*
 * test_store_platform.c -- the store's side of issue 11, one test per item:
 * the import is one transaction (kill -9 in the middle leaves the store as
 * it was, item 6) and checkpoints the WAL; API edits survive a re-import and
 * are reported (7); user creation is atomic (12); login attempts are counted
 * before verification under concurrency, and a stranger cannot lock an
 * account (5); rate limits; complaints with a process and the credit formula
 * (4); surveys with valid periods, home circle only (9); operators post jobs
 * only for their circle (14); goods with Chinese substring search; short
 * coupon codes, idempotent claims and "my coupons" (16); every connection
 * runs with synchronous=FULL (17).
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qt_test.h"
#include "store/sqlite_internal.h"
#include <libpq-fe.h>

/* a pragma's value read back on the store's own connection (the handle's internals, store/sqlite_internal.h) */
static int pragma_int(qt_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static const char *pragma_text(qt_store *s, const char *sql)
{
    static char buf[32];
    sqlite3_stmt *st = NULL;
    buf[0] = 0;
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static char pw_hash[128]; /* one argon2id hash for every test user (hashing is slow on purpose) */

static qt_store *fresh(const char *name, char **path)
{
    qt_store *s = NULL;
    qt_error err;
    *path = qt_test_store(name);
    qt_error_clear(&err);
    if (qt_store_open(*path, &s, &err) != QT_OK)
        fail_msg("open: %s", err.msg);
    return s;
}

static int64_t user(qt_store *s, const char *name, qt_role role, int64_t circle, int64_t home)
{
    qt_user_spec u;
    qt_error err;
    int64_t id = 0;
    memset(&u, 0, sizeof u);
    u.name = name;
    u.role = role;
    u.pw_hash = pw_hash;
    u.circle_id = circle;
    u.home_circle_id = home;
    u.home_lon = u.home_lat = NAN;
    qt_error_clear(&err);
    if (qt_store_user_create(s, &u, 1000, &id, &err) != QT_OK)
        fail_msg("user %s: %s %s", name, err.where, err.msg);
    return id;
}

static int64_t outlet(qt_store *s, const char *ext, const char *name, const char *circle, const char *hours)
{
    qt_store_outlet o;
    qt_error err;
    int64_t id = 0;
    memset(&o, 0, sizeof o);
    o.ext_id = ext;
    o.name = name;
    o.lon = 118.78;
    o.lat = 32.04;
    o.opening_hours = hours;
    o.services = "代收代缴";
    o.cash = o.barrier_free = -1;
    o.staff = o.floor_area = NAN;
    o.circle = circle;
    qt_error_clear(&err);
    if (qt_store_outlet_put(s, &o, &id, &err) != QT_OK)
        fail_msg("outlet: %s", err.msg);
    return id;
}

static int64_t circle(qt_store *s, const char *name)
{
    int64_t id = 0;
    qt_error err;
    qt_error_clear(&err);
    if (qt_store_circle_put(s, name, NULL, 0, NAN, &id, &err) != QT_OK)
        fail_msg("circle: %s", err.msg);
    return id;
}

static int64_t count(const char *path, const char *sql)
{
    return qt_test_store_scalar(path, sql);
}

static int setup_hash(void **state)
{
    qt_error err;
    (void)state;
    qt_error_clear(&err);
    return qt_store_password_hash("long-password", pw_hash, &err) == QT_OK ? 0 : -1;
}

/* item 6: an import killed with SIGKILL in the middle leaves the store as before */
static void issue_11_import_killed_changes_nothing(void **state)
{
    char *path, wal[512];
    qt_store *s = fresh("import-kill.db", &path);
    qt_error err;
    int fds[2];
    pid_t pid;
    char c;
    struct stat sb;
    (void)state;
    outlet(s, "keep-1", "老店", NULL, "");
    qt_store_close(s);
    assert_int_equal(count(path, "SELECT count(*) FROM outlets"), 1);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        qt_store *cs = NULL;
        int i;
        char ext[32];
        close(fds[0]);
        qt_error_clear(&err);
        if (qt_store_open(path, &cs, &err) != QT_OK || qt_store_begin(cs, &err) != QT_OK)
            _exit(2);
        for (i = 0;; i++) {
            snprintf(ext, sizeof ext, "new-%d", i);
            outlet(cs, ext, "新店", i % 2 ? "甲圈" : NULL, "08:00-20:00");
            if (i == 2000 && write(fds[1], "x", 1) != 1)
                _exit(3);
        }
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], &c, 1), 1); /* 2,000 outlets written, not committed */
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(fds[0]);
    assert_int_equal(count(path, "SELECT count(*) FROM outlets"), 1);
    assert_int_equal(count(path, "SELECT count(*) FROM circles"), 0);
    /* a committed import checkpoints its WAL */
    s = NULL;
    qt_error_clear(&err);
    assert_int_equal(qt_store_open(path, &s, &err), QT_OK);
    assert_int_equal(qt_store_begin(s, &err), QT_OK);
    assert_int_equal(qt_store_begin(s, &err), QT_EINTERNAL); /* not nested */
    qt_error_clear(&err);
    {
        int i;
        char ext[32];
        for (i = 0; i < 500; i++) {
            snprintf(ext, sizeof ext, "c-%d", i);
            outlet(s, ext, "新店", "乙圈", "");
        }
    }
    assert_int_equal(qt_store_commit(s, &err), QT_OK);
    if (!qt_test_is_pg()) { /* SQLite: the WAL is checkpointed (PostgreSQL manages its own) */
        snprintf(wal, sizeof wal, "%s-wal", path);
        assert_int_equal(stat(wal, &sb), 0);
        assert_true(sb.st_size == 0);
    }
    qt_store_close(s);
    assert_int_equal(count(path, "SELECT count(*) FROM outlets"), 501);
    free(path);
}

/* item 7: fields edited through the API survive a re-import, and the conflict is reported */
static void issue_11_reimport_keeps_api_edits(void **state)
{
    char *path;
    qt_store *s = fresh("reimport.db", &path);
    qt_error err;
    qt_outlet_patch p;
    qt_store_outlet o;
    int64_t id, m, admin;
    unsigned kept = 99;
    (void)state;
    id = outlet(s, "x1", "便民店", NULL, "08:00-20:00");
    admin = user(s, "admin", QT_ROLE_ADMIN, 0, 0);
    m = user(s, "m", QT_ROLE_MERCHANT, 0, 0);
    qt_error_clear(&err);
    assert_int_equal(qt_store_merchant_link(s, m, id, &err), QT_OK);
    memset(&p, 0, sizeof p);
    p.cash = p.barrier_free = -2;
    p.opening_hours = "07:00-22:00";
    p.barrier_free = 1;
    assert_int_equal(qt_store_outlet_update_by_merchant(s, m, id, &p, &err), QT_OK);
    memset(&p, 0, sizeof p);
    p.cash = p.barrier_free = -2;
    p.name = "新名字";
    assert_int_equal(qt_store_outlet_update_by_merchant(s, m, id, &p, &err), QT_EFORBIDDEN); /* not the name */
    qt_error_clear(&err);
    p.name = NULL;
    p.address = "玄武区1号";
    assert_int_equal(qt_store_outlet_update(s, admin, QT_ROLE_ADMIN, id, &p, &err), QT_OK);
    /* the table again, with its own values */
    memset(&o, 0, sizeof o);
    o.ext_id = "x1";
    o.name = "便民店(改)";
    o.lon = 118.78;
    o.lat = 32.04;
    o.opening_hours = "08:00-20:00";
    o.services = "代收代缴";
    o.address = "";
    o.cash = 1;
    o.barrier_free = 0;
    o.staff = o.floor_area = NAN;
    assert_int_equal(qt_store_outlet_import(s, &o, NULL, &kept, &err), QT_OK);
    assert_int_equal(kept, QT_EDIT_HOURS | QT_EDIT_ADDRESS | QT_EDIT_BARRIER_FREE);
    assert_string_equal(qt_store_edit_field(QT_EDIT_HOURS), "opening_hours");
    qt_store_close(s);
    assert_int_equal(count(path,
                           "SELECT opening_hours = '07:00-22:00' AND address = '玄武区1号' AND barrier_free = 1"
                           " AND name = '便民店(改)' AND cash = 1 FROM outlets"),
                     1);
    free(path);
}

/* item 12: a user with a bad circle is not created at all */
static void issue_11_user_create_atomic(void **state)
{
    char *path;
    qt_store *s = fresh("users.db", &path);
    qt_error err;
    qt_user_spec u;
    int64_t id;
    (void)state;
    memset(&u, 0, sizeof u);
    u.name = "op";
    u.role = QT_ROLE_OPERATOR;
    u.pw_hash = pw_hash;
    u.circle_id = 999;
    u.home_lon = u.home_lat = NAN;
    qt_error_clear(&err);
    assert_int_equal(qt_store_user_create(s, &u, 1, &id, &err), QT_ENOTFOUND);
    assert_string_equal(err.where, "circle_id");
    assert_null(strstr(err.msg, path)); /* no file path in what a client may see */
    qt_store_close(s);
    assert_int_equal(count(path, "SELECT count(*) FROM users"), 0);
    free(path);
    s = fresh("users.db", &path);
    u.circle_id = circle(s, "甲圈");
    qt_error_clear(&err);
    assert_int_equal(qt_store_user_create(s, &u, 1, &id, &err), QT_OK);
    assert_int_equal(qt_store_user_create(s, &u, 1, &id, &err), QT_ECONFLICT);
    qt_store_close(s);
    assert_int_equal(count(path, "SELECT count(*) FROM users"), 1);
    free(path);
}

struct guess {
    const char *path;
    const char *addr;
    int verified, limited;
};

static void *guess_thread(void *arg)
{
    struct guess *g = arg;
    qt_store *s = NULL;
    qt_error err;
    qt_login_limits lim;
    int64_t attempt, uid, retry;
    qt_role role;
    char hash[128], token[65];
    qt_error_clear(&err);
    if (qt_store_open(g->path, &s, &err) != QT_OK)
        return NULL;
    qt_login_limits_default(&lim);
    if (qt_store_login_begin(s, "ming", g->addr, 5000, &lim, &attempt, hash, &uid, &role, &retry, &err) == QT_OK) {
        g->verified = 1;
        qt_error_clear(&err);
        qt_store_login_finish(s, attempt, qt_store_password_verify(hash, "wrong-guess"), uid, 5000, 60, token, &err);
    } else if (err.code == QT_ELIMIT) {
        g->limited = 1;
    }
    qt_store_close(s);
    return NULL;
}

/* item 5: 40 simultaneous wrong logins against a limit of 5 verify at most 5 passwords;
 * the account's owner from another address still logs in */
static void issue_11_login_race_and_lockout(void **state)
{
    char *path, hash[128], token[65];
    qt_store *s = fresh("login.db", &path);
    qt_error err;
    qt_login_limits lim;
    pthread_t th[40];
    struct guess g[40];
    int i, verified = 0, limited = 0;
    int64_t attempt, uid, retry;
    qt_role role;
    (void)state;
    user(s, "ming", QT_ROLE_RESIDENT, 0, 0);
    for (i = 0; i < 40; i++) {
        g[i].path = path;
        g[i].addr = "10.6.6.6";
        g[i].verified = g[i].limited = 0;
        assert_int_equal(pthread_create(&th[i], NULL, guess_thread, &g[i]), 0);
    }
    for (i = 0; i < 40; i++) {
        pthread_join(th[i], NULL);
        verified += g[i].verified;
        limited += g[i].limited;
    }
    assert_int_equal(verified, 5);
    assert_int_equal(limited, 35);
    qt_login_limits_default(&lim);
    /* the stranger's address is limited, with a time to wait */
    qt_error_clear(&err);
    assert_int_equal(qt_store_login_begin(s, "ming", "10.6.6.6", 5001, &lim, &attempt, hash, &uid, &role, &retry, &err),
                     QT_ELIMIT);
    assert_true(retry > 0 && retry <= lim.window_s);
    /* the owner, from home, is not locked out */
    qt_error_clear(&err);
    assert_int_equal(qt_store_login_begin(s, "ming", "10.1.1.1", 5001, &lim, &attempt, hash, &uid, &role, &retry, &err),
                     QT_OK);
    assert_true(qt_store_password_verify(hash, "long-password"));
    assert_int_equal(qt_store_login_finish(s, attempt, 1, uid, 5001, 60, token, &err), QT_OK);
    assert_int_equal(strlen(token), 64);
    /* failures from many addresses only delay the name, by at most max_delay_s */
    {
        int64_t t, last = 0;
        for (i = 0; i < 20; i++) {
            char a[32];
            t = 6000 + 10 * i;
            snprintf(a, sizeof a, "10.7.0.%d", i);
            qt_error_clear(&err);
            if (qt_store_login_begin(s, "ming", a, t, &lim, &attempt, hash, &uid, &role, &retry, &err) == QT_OK) {
                qt_store_login_finish(s, attempt, 0, uid, t, 60, token, &err);
                last = t;
            }
        }
        qt_error_clear(&err);
        assert_int_equal(
            qt_store_login_begin(s, "ming", "10.1.1.1", last + 1, &lim, &attempt, hash, &uid, &role, &retry, &err),
            QT_ELIMIT);
        assert_true(retry >= 1 && retry <= lim.max_delay_s);
        qt_error_clear(&err);
        assert_int_equal(qt_store_login_begin(s, "ming", "10.1.1.1", last + lim.max_delay_s, &lim, &attempt, hash, &uid,
                                              &role, &retry, &err),
                         QT_OK);
    }
    /* the old one-call login still works */
    qt_error_clear(&err);
    qt_store_close(s);
    free(path);
}

static void test_rate_limit(void **state)
{
    char *path;
    qt_store *s = fresh("rate.db", &path);
    qt_error err;
    int64_t retry;
    int i;
    (void)state;
    for (i = 0; i < 3; i++) {
        qt_error_clear(&err);
        assert_int_equal(qt_store_rate_hit(s, "register", "10.0.0.1", 100 + i, 3, 60, &retry, &err), QT_OK);
    }
    qt_error_clear(&err);
    assert_int_equal(qt_store_rate_hit(s, "register", "10.0.0.1", 110, 3, 60, &retry, &err), QT_ELIMIT);
    assert_int_equal(retry, 50);
    qt_error_clear(&err);
    assert_int_equal(qt_store_rate_hit(s, "register", "10.0.0.2", 110, 3, 60, &retry, &err), QT_OK);
    assert_int_equal(qt_store_rate_hit(s, "register", "10.0.0.1", 161, 3, 60, &retry, &err), QT_OK);
    qt_store_close(s);
    free(path);
}

struct cctx {
    int n, open, upheld;
};

static qt_status count_complaint(void *ud, const qt_store_complaint *c, qt_error *err)
{
    struct cctx *k = ud;
    (void)err;
    k->n++;
    k->open += strcmp(c->status, "open") == 0;
    k->upheld += strcmp(c->status, "upheld") == 0;
    return QT_OK;
}

/* item 4: one resident cannot sink a shop; complaints are answered and resolved */
static void issue_11_complaint_process(void **state)
{
    char *path;
    qt_store *s = fresh("complaints.db", &path);
    qt_error err;
    int64_t cir, other, shop, r1, r2, r3, m, op, op2, admin, k1, k2, k3, id;
    int n, score, i;
    char grade;
    struct cctx c = {0, 0, 0};
    const int64_t day = 86400, t0 = 1000 * day;
    (void)state;
    cir = circle(s, "甲圈");
    other = circle(s, "乙圈");
    shop = outlet(s, "s1", "水果店", "甲圈", "");
    r1 = user(s, "r1", QT_ROLE_RESIDENT, 0, cir);
    r2 = user(s, "r2", QT_ROLE_RESIDENT, 0, cir);
    r3 = user(s, "r3", QT_ROLE_RESIDENT, 0, cir);
    m = user(s, "m", QT_ROLE_MERCHANT, 0, 0);
    op = user(s, "op", QT_ROLE_OPERATOR, cir, 0);
    op2 = user(s, "op2", QT_ROLE_OPERATOR, other, 0);
    admin = user(s, "admin", QT_ROLE_ADMIN, 0, 0);
    qt_error_clear(&err);
    assert_int_equal(qt_store_merchant_link(s, m, shop, &err), QT_OK);
    assert_int_equal(qt_store_complaint_add(s, shop, r1, "服务", "态度差", t0, &k1, &err), QT_OK);
    for (i = 0; i < 10; i++) { /* the flood of item 4 */
        qt_error_clear(&err);
        assert_int_equal(qt_store_complaint_add(s, shop, r1, "服务", "", t0 + i, &id, &err), QT_ECONFLICT);
    }
    qt_error_clear(&err);
    assert_int_equal(qt_store_complaint_add(s, shop, r2, "价格", "", t0, &k2, &err), QT_OK);
    assert_int_equal(qt_store_complaint_add(s, shop, r3, "卫生", "", t0, &k3, &err), QT_OK);
    /* open complaints do not count yet */
    assert_int_equal(qt_store_outlet_credit(s, shop, t0 + day, &n, &score, &grade, &err), QT_OK);
    assert_int_equal(score, 100);
    /* who sees what */
    assert_int_equal(qt_store_complaints_each(s, m, QT_ROLE_MERCHANT, 0, 100, count_complaint, &c, &err), QT_OK);
    assert_int_equal(c.n, 3);
    memset(&c, 0, sizeof c);
    assert_int_equal(qt_store_complaints_each(s, op2, QT_ROLE_OPERATOR, 0, 100, count_complaint, &c, &err), QT_OK);
    assert_int_equal(c.n, 0);
    memset(&c, 0, sizeof c);
    assert_int_equal(qt_store_complaints_each(s, r2, QT_ROLE_RESIDENT, 0, 100, count_complaint, &c, &err), QT_OK);
    assert_int_equal(c.n, 1);
    /* the merchant answers k2; another circle's operator may not resolve; the own one upholds k1, rejects k3 */
    assert_int_equal(qt_store_complaint_answer(s, m, k2, "已改正标价", t0 + day, &err), QT_OK);
    assert_int_equal(qt_store_complaint_resolve(s, op2, QT_ROLE_OPERATOR, k1, 1, "", t0 + day, &err), QT_EFORBIDDEN);
    qt_error_clear(&err);
    assert_int_equal(qt_store_complaint_resolve(s, m, QT_ROLE_MERCHANT, k1, 0, "", t0 + day, &err), QT_EFORBIDDEN);
    qt_error_clear(&err);
    assert_int_equal(qt_store_complaint_resolve(s, op, QT_ROLE_OPERATOR, k1, 1, "属实", t0 + day, &err), QT_OK);
    assert_int_equal(qt_store_complaint_resolve(s, op, QT_ROLE_OPERATOR, k1, 0, "", t0 + day, &err), QT_ECONFLICT);
    qt_error_clear(&err);
    assert_int_equal(qt_store_complaint_resolve(s, admin, QT_ROLE_ADMIN, k3, 0, "不属实", t0 + day, &err), QT_OK);
    assert_int_equal(qt_store_complaint_answer(s, m, k3, "谢谢", t0 + day, &err), QT_ECONFLICT);
    qt_error_clear(&err);
    /* one upheld: 90 / A; k2 answered, k3 rejected: never count */
    assert_int_equal(qt_store_outlet_credit(s, shop, t0 + 2 * day, &n, &score, &grade, &err), QT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(score, 90);
    /* a new open complaint left unanswered counts after 14 days */
    assert_int_equal(qt_store_complaint_add(s, shop, r1, "质量", "", t0 + 31 * day, &id, &err), QT_OK);
    assert_int_equal(qt_store_outlet_credit(s, shop, t0 + 44 * day, &n, &score, &grade, &err), QT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(qt_store_outlet_credit(s, shop, t0 + 46 * day, &n, &score, &grade, &err), QT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(grade, 'B');
    qt_store_close(s);
    free(path);
}

/* item 9: periods of a fixed form, not in the future; a resident answers for its home circle only */
static void issue_11_survey_rules(void **state)
{
    char *path;
    qt_store *s = fresh("surveys.db", &path);
    qt_error err;
    int64_t home, away, r, nohome, start;
    int64_t now = 1790000000; /* 2026-09-21 */
    (void)state;
    home = circle(s, "甲圈");
    away = circle(s, "乙圈");
    r = user(s, "r", QT_ROLE_RESIDENT, 0, home);
    nohome = user(s, "n", QT_ROLE_RESIDENT, 0, 0);
    qt_error_clear(&err);
    assert_int_equal(qt_store_period_check("2026-Q3", now, &start, &err), QT_OK);
    assert_int_equal(start, 1782864000 - 8 * 3600); /* 2026-07-01 00:00 +08:00 */
    assert_int_equal(qt_store_period_check("2026", now, NULL, &err), QT_OK);
    assert_int_equal(qt_store_period_check("2026-Q4", now, NULL, &err), QT_EINVAL);
    assert_non_null(strstr(err.msg, "not begun"));
    qt_error_clear(&err);
    assert_int_equal(qt_store_period_check("2027", now, NULL, &err), QT_EINVAL);
    qt_error_clear(&err);
    assert_int_equal(qt_store_period_check("anything", now, NULL, &err), QT_EINVAL);
    qt_error_clear(&err);
    assert_int_equal(qt_store_period_check("2026-Q5", now, NULL, &err), QT_EINVAL);
    qt_error_clear(&err);
    assert_int_equal(qt_store_survey_answer(s, home, r, "2026-Q3", 1, "", now, &err), QT_OK);
    assert_int_equal(qt_store_survey_answer(s, home, r, "2026-Q3", 1, "", now, &err), QT_ECONFLICT);
    qt_error_clear(&err);
    assert_int_equal(qt_store_survey_answer(s, away, r, "2026-Q3", 1, "", now, &err), QT_EFORBIDDEN);
    qt_error_clear(&err);
    assert_int_equal(qt_store_survey_answer(s, home, nohome, "2026-Q3", 1, "", now, &err), QT_EFORBIDDEN);
    qt_error_clear(&err);
    assert_int_equal(qt_store_survey_answer(s, home, r, "2026-Q9", 1, "", now, &err), QT_EINVAL);
    qt_error_clear(&err);
    /* an operator sets the home */
    assert_int_equal(qt_store_user_set_home(s, nohome, away, 118.8, 32.05, &err), QT_OK);
    assert_int_equal(qt_store_survey_answer(s, away, nohome, "2026", 0, "", now, &err), QT_OK);
    assert_int_equal(qt_store_user_set_home(s, nohome, 12345, NAN, NAN, &err), QT_ENOTFOUND);
    qt_store_close(s);
    free(path);
}

/* item 14: an operator posts jobs only for outlets of its circle */
static void issue_11_operator_jobs_own_circle(void **state)
{
    char *path;
    qt_store *s = fresh("jobs.db", &path);
    qt_error err;
    int64_t cir, mine, theirs, op, id;
    qt_store_job j;
    (void)state;
    cir = circle(s, "甲圈");
    circle(s, "乙圈");
    mine = outlet(s, "a", "甲店", "甲圈", "");
    theirs = outlet(s, "b", "乙店", "乙圈", "");
    op = user(s, "op", QT_ROLE_OPERATOR, cir, 0);
    memset(&j, 0, sizeof j);
    j.title = "理货员";
    j.lon = 118.78;
    j.lat = 32.04;
    j.outlet_id = theirs;
    qt_error_clear(&err);
    assert_int_equal(qt_store_job_create(s, op, QT_ROLE_OPERATOR, &j, 1, &id, &err), QT_EFORBIDDEN);
    qt_error_clear(&err);
    j.outlet_id = 9999;
    assert_int_equal(qt_store_job_create(s, op, QT_ROLE_OPERATOR, &j, 1, &id, &err), QT_ENOTFOUND);
    qt_error_clear(&err);
    j.outlet_id = mine;
    assert_int_equal(qt_store_job_create(s, op, QT_ROLE_OPERATOR, &j, 1, &id, &err), QT_OK);
    qt_store_close(s);
    free(path);
}

struct jctx {
    int n;
    int64_t id, expires_at;
    char title[64];
};

static qt_status count_job(void *ud, const qt_store_job *jb, qt_error *err)
{
    struct jctx *k = ud;
    (void)err;
    k->n++;
    k->id = jb->id;
    k->expires_at = jb->expires_at;
    snprintf(k->title, sizeof k->title, "%s", jb->title);
    return QT_OK;
}

/* jobs close: a default of QT_STORE_JOB_DAYS days or a given time; closed jobs are not listed as open and take
 * no applications; only the poster edits (and may close) one; the poster lists its own, open and closed */
static void test_job_expiry(void **state)
{
    char *path;
    qt_store *s = fresh("jobs-expiry.db", &path);
    qt_error err = QT_ERROR_INIT;
    int64_t m, other, res, a, b, now = 1000000;
    qt_store_job j;
    struct jctx k;
    (void)state;
    m = user(s, "m", QT_ROLE_MERCHANT, 0, 0);
    other = user(s, "m2", QT_ROLE_MERCHANT, 0, 0);
    res = user(s, "r", QT_ROLE_RESIDENT, 0, 0);
    memset(&j, 0, sizeof j);
    j.title = "理货员";
    j.lon = 118.78;
    j.lat = 32.04;
    assert_int_equal(qt_store_job_create(s, m, QT_ROLE_MERCHANT, &j, now, &a, &err), QT_OK); /* the default */
    j.expires_at = now;                                                                      /* not after now */
    assert_int_equal(qt_store_job_create(s, m, QT_ROLE_MERCHANT, &j, now, &b, &err), QT_EINVAL);
    qt_error_clear(&err);
    j.expires_at = now + (int64_t)(QT_STORE_JOB_MAX_DAYS + 1) * 86400;
    assert_int_equal(qt_store_job_create(s, m, QT_ROLE_MERCHANT, &j, now, &b, &err), QT_EINVAL);
    qt_error_clear(&err);
    j.expires_at = now + 3600;
    assert_int_equal(qt_store_job_create(s, m, QT_ROLE_MERCHANT, &j, now, &b, &err), QT_OK);
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_jobs_each(s, now, count_job, &k, &err), QT_OK);
    assert_int_equal(k.n, 2);
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_jobs_each(s, now + 3600, count_job, &k, &err), QT_OK); /* b closed at its time */
    assert_int_equal(k.n, 1);
    assert_int_equal(k.id, a);
    assert_int_equal(k.expires_at, now + (int64_t)QT_STORE_JOB_DAYS * 86400);
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_jobs_each(s, 0, count_job, &k, &err), QT_OK); /* now 0: all */
    assert_int_equal(k.n, 2);
    /* applications: before the closing time, not at it */
    assert_int_equal(qt_store_job_apply(s, b, res, "", now + 3599, &err), QT_OK);
    assert_int_equal(qt_store_job_apply(s, b, res, "", now + 3599, &err), QT_ECONFLICT);
    qt_error_clear(&err);
    assert_int_equal(qt_store_job_apply(s, b, other, "", now + 3600, &err), QT_EGONE);
    qt_error_clear(&err);
    assert_int_equal(qt_store_job_apply(s, 9999, res, "", now, &err), QT_ENOTFOUND);
    qt_error_clear(&err);
    /* edits: the poster only; a closed job reopened; one field changed, the others kept */
    memset(&j, 0, sizeof j);
    j.id = b;
    j.expires_at = now + 7200;
    assert_int_equal(qt_store_job_update(s, other, &j, now + 3600, NULL, NULL, &err), QT_EFORBIDDEN);
    qt_error_clear(&err);
    j.id = 9999;
    assert_int_equal(qt_store_job_update(s, m, &j, now + 3600, NULL, NULL, &err), QT_ENOTFOUND);
    qt_error_clear(&err);
    j.id = b;
    j.title = "";
    assert_int_equal(qt_store_job_update(s, m, &j, now + 3600, NULL, NULL, &err), QT_EINVAL);
    qt_error_clear(&err);
    j.title = NULL;
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_job_update(s, m, &j, now + 3600, count_job, &k, &err), QT_OK);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.expires_at, now + 7200);
    assert_string_equal(k.title, "理货员");
    assert_int_equal(qt_store_job_apply(s, b, other, "", now + 3600, &err), QT_OK);
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_jobs_each(s, now + 3600, count_job, &k, &err), QT_OK);
    assert_int_equal(k.n, 2);
    /* the poster's list: newest first, closed ones too */
    j.expires_at = now; /* closed by its poster */
    assert_int_equal(qt_store_job_update(s, m, &j, now + 10, NULL, NULL, &err), QT_OK);
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_jobs_of_poster(s, m, 10, count_job, &k, &err), QT_OK);
    assert_int_equal(k.n, 2);
    assert_int_equal(k.id, a); /* the last one given: the oldest */
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_jobs_of_poster(s, other, 10, count_job, &k, &err), QT_OK);
    assert_int_equal(k.n, 0);
    qt_store_close(s);
    free(path);
}

struct gctx {
    int n;
    double price;
    int64_t outlet;
};

static qt_status count_good(void *ud, const qt_store_good *g, qt_error *err)
{
    struct gctx *k = ud;
    (void)err;
    k->n++;
    k->price = g->price;
    k->outlet = g->outlet_id;
    return QT_OK;
}

static void test_goods(void **state)
{
    char *path;
    qt_store *s = fresh("goods.db", &path);
    qt_error err;
    int64_t shop, other, m, m2, id, id2;
    qt_store_good g;
    struct gctx k = {0, 0, 0};
    (void)state;
    shop = outlet(s, "a", "菜场", NULL, "");
    other = outlet(s, "b", "超市", NULL, "");
    m = user(s, "m", QT_ROLE_MERCHANT, 0, 0);
    m2 = user(s, "m2", QT_ROLE_MERCHANT, 0, 0);
    qt_error_clear(&err);
    assert_int_equal(qt_store_merchant_link(s, m, shop, &err), QT_OK);
    assert_int_equal(qt_store_merchant_link(s, m2, other, &err), QT_OK);
    memset(&g, 0, sizeof g);
    g.outlet_id = shop;
    g.name = "有机西红柿";
    g.price = 6.5;
    g.unit = "斤";
    g.in_stock = 1;
    assert_int_equal(qt_store_good_put(s, m, &g, 10, &id, &err), QT_OK);
    g.name = "西红柿鸡蛋面";
    g.price = 15;
    g.unit = "碗";
    g.barcode = "6901234567892";
    assert_int_equal(qt_store_good_put(s, m, &g, 10, &id2, &err), QT_OK);
    g.barcode = "69x";
    assert_int_equal(qt_store_good_put(s, m, &g, 10, &id2, &err), QT_EINVAL);
    assert_string_equal(err.where, "barcode");
    qt_error_clear(&err);
    g.barcode = NULL;
    assert_int_equal(qt_store_good_put(s, m2, &g, 10, &id2, &err), QT_EFORBIDDEN);
    qt_error_clear(&err);
    g.price = -1;
    assert_int_equal(qt_store_good_put(s, m, &g, 10, &id2, &err), QT_EINVAL);
    qt_error_clear(&err);
    /* substring search: 3+ characters (trigram index) and 2 (scan) */
    assert_int_equal(qt_store_goods_match(s, "西红柿", 1, 10, count_good, &k, &err), QT_OK);
    assert_int_equal(k.n, 2);
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_goods_match(s, "鸡蛋", 1, 10, count_good, &k, &err), QT_OK);
    assert_int_equal(k.n, 1);
    assert_true(k.price == 15 && k.outlet == shop);
    /* out of stock: hidden from an in-stock search */
    memset(&g, 0, sizeof g);
    g.id = id;
    g.outlet_id = shop;
    g.name = "有机西红柿";
    g.price = 7;
    g.unit = "斤";
    g.in_stock = 0;
    assert_int_equal(qt_store_good_put(s, m, &g, 11, &id, &err), QT_OK);
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_goods_match(s, "西红柿", 1, 10, count_good, &k, &err), QT_OK);
    assert_int_equal(k.n, 1);
    assert_int_equal(qt_store_good_delete(s, m2, id, &err), QT_EFORBIDDEN);
    qt_error_clear(&err);
    assert_int_equal(qt_store_good_delete(s, m, id, &err), QT_OK);
    assert_int_equal(qt_store_good_delete(s, m, id, &err), QT_ENOTFOUND);
    qt_error_clear(&err);
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_goods_of_outlet(s, shop, count_good, &k, &err), QT_OK);
    assert_int_equal(k.n, 1);
    qt_store_close(s);
    free(path);
}

struct clctx {
    int n;
    char status[3][16];
};

static qt_status list_claim(void *ud, const qt_store_claim *c, qt_error *err)
{
    struct clctx *k = ud;
    (void)err;
    if (k->n < 3)
        snprintf(k->status[k->n], 16, "%s", c->status);
    k->n++;
    return QT_OK;
}

static qt_status count_coupon(void *ud, const qt_store_coupon *c, qt_error *err)
{
    (void)err;
    (void)c;
    (*(int *)ud)++;
    return QT_OK;
}

/* item 16 and the readable codes: short codes, idempotent claims, my coupons */
static void issue_11_coupon_codes_and_my_coupons(void **state)
{
    char *path, code[33], again[33], norm[33], typed[40];
    qt_store *s = fresh("codes.db", &path);
    qt_error err;
    int64_t shop, m, r, cid, cid2;
    qt_coupon_spec cs;
    int replayed = -1, n = 0;
    size_t i;
    struct clctx k;
    (void)state;
    shop = outlet(s, "a", "甲店", NULL, "");
    m = user(s, "m", QT_ROLE_MERCHANT, 0, 0);
    r = user(s, "r", QT_ROLE_RESIDENT, 0, 0);
    qt_error_clear(&err);
    assert_int_equal(qt_store_merchant_link(s, m, shop, &err), QT_OK);
    memset(&cs, 0, sizeof cs);
    cs.outlet_id = shop;
    cs.title = "满30减5";
    cs.quantity = 10;
    cs.per_user_limit = 2;
    cs.valid_from = 100;
    cs.valid_to = 200;
    assert_int_equal(qt_store_coupon_create(s, m, &cs, 50, &cid, &err), QT_OK);
    cs.valid_to = 120;
    assert_int_equal(qt_store_coupon_create(s, m, &cs, 50, &cid2, &err), QT_OK);
    assert_int_equal(qt_store_coupon_claim_key(s, cid, r, "k-1", 150, code, &replayed, &err), QT_OK);
    assert_int_equal(replayed, 0);
    assert_int_equal(strlen(code), 11);
    /* the lost reply: the retry with the same key gives the same code, claims nothing */
    assert_int_equal(qt_store_coupon_claim_key(s, cid, r, "k-1", 151, again, &replayed, &err), QT_OK);
    assert_int_equal(replayed, 1);
    assert_string_equal(code, again);
    assert_int_equal(qt_store_coupon_claim_key(s, cid2, r, "k-1", 110, again, &replayed, &err), QT_ECONFLICT);
    qt_error_clear(&err);
    assert_int_equal(qt_store_coupon_claim_key(s, cid2, r, "k-2", 110, again, &replayed, &err), QT_OK);
    /* typed in lower case with a dash: the same code */
    for (i = 0; i < 11; i++)
        typed[i + (i >= 5)] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
    typed[5] = '-';
    typed[12] = '\0';
    assert_int_equal(qt_store_code_normalize(typed, norm, &err), QT_OK);
    assert_string_equal(norm, code);
    /* one character mistyped: the check character catches it */
    snprintf(typed, sizeof typed, "%s", code);
    typed[3] = typed[3] == '7' ? '8' : '7';
    assert_int_equal(qt_store_code_normalize(typed, norm, &err), QT_EINVAL);
    assert_non_null(strstr(err.msg, "check"));
    qt_error_clear(&err);
    assert_int_equal(qt_store_code_normalize("0123456789ABCDEF0123456789abcdef", norm, &err), QT_OK);
    assert_string_equal(norm, "0123456789abcdef0123456789abcdef");
    /* redeemed with the normalized code */
    assert_int_equal(qt_store_redeem(s, m, code, 160, &err), QT_OK);
    /* my coupons: newest first, with status */
    memset(&k, 0, sizeof k);
    assert_int_equal(qt_store_claims_of_user(s, r, 160, 10, list_claim, &k, &err), QT_OK);
    assert_int_equal(k.n, 2);
    assert_string_equal(k.status[0], "redeemed"); /* claimed at 150, newest */
    assert_string_equal(k.status[1], "expired");  /* cid2 ended at 120 */
    /* coupons valid now, with some left */
    assert_int_equal(qt_store_coupons_active(s, shop, 160, 10, count_coupon, &n, &err), QT_OK);
    assert_int_equal(n, 1);
    n = 0;
    assert_int_equal(qt_store_coupons_active(s, 0, 110, 10, count_coupon, &n, &err), QT_OK);
    assert_int_equal(n, 2);
    if (qt_test_is_pg()) { /* PostgreSQL: every commit of the store's sessions waits for its WAL flush */
        PGresult *res = PQexec(s->pg, "SHOW synchronous_commit");
        assert_string_equal(PQgetvalue(res, 0, 0), "on");
        PQclear(res);
        qt_store_close(s);
        free(path);
        return;
    }
    /* item 17: the connection that claimed and redeemed syncs every commit (synchronous=FULL, 2), in WAL mode */
    assert_int_equal(pragma_int(s, "PRAGMA synchronous"), 2);
    assert_string_equal(pragma_text(s, "PRAGMA journal_mode"), "wal");
    qt_store_close(s);
    free(path);
    {
        /* every connection the server opens (one per HTTP thread) is opened by qt_store_open: each one FULL */
        qt_store *a = fresh("sync-a.db", &path), *b = NULL;
        assert_int_equal(qt_store_open(path, &b, &err), QT_OK);
        assert_int_equal(pragma_int(a, "PRAGMA synchronous"), 2);
        assert_int_equal(pragma_int(b, "PRAGMA synchronous"), 2);
        qt_store_close(b);
        qt_store_close(a);
        free(path);
    }
}

/* ---- the races across connections (issue 14): each thread has its own store, as each server would ---- */

enum { RACE_THREADS = 8, RACE_CLAIMS = 400, RACE_USERS = 100, RACE_LIMIT = 2, RACE_QTY = 50 };

struct racer {
    const char *path;
    int k; /* thread number */
    int64_t coupon, merchant;
    const int64_t *users;
    const char *code; /* redemptions: the code */
    int ok, conflict, other;
};

static void *claim_racer(void *arg)
{
    struct racer *r = arg;
    qt_store *s = NULL;
    qt_error err;
    int i;
    qt_error_clear(&err);
    if (qt_store_open(r->path, &s, &err) != QT_OK) {
        r->other = RACE_CLAIMS;
        return NULL;
    }
    for (i = r->k; i < RACE_CLAIMS; i += RACE_THREADS) {
        char code[33];
        qt_status st;
        qt_error_clear(&err);
        st = qt_store_coupon_claim_key(s, r->coupon, r->users[i % RACE_USERS], NULL, 150, code, NULL, &err);
        if (st == QT_OK)
            r->ok++;
        else if (st == QT_ECONFLICT)
            r->conflict++;
        else
            r->other++;
    }
    qt_store_close(s);
    return NULL;
}

static void *redeem_racer(void *arg)
{
    struct racer *r = arg;
    qt_store *s = NULL;
    qt_error err;
    qt_status st;
    qt_error_clear(&err);
    if (qt_store_open(r->path, &s, &err) != QT_OK) {
        r->other++;
        return NULL;
    }
    st = qt_store_redeem(s, r->merchant, r->code, 160, &err);
    if (st == QT_OK)
        r->ok++;
    else if (st == QT_ECONFLICT)
        r->conflict++;
    else
        r->other++;
    qt_store_close(s);
    return NULL;
}

/* 400 concurrent claims of a coupon of 50 from 8 connections: exactly 50, nobody over the limit of 2;
 * 50 concurrent redemptions of one code: one */
static void issue_14_claims_race_across_connections(void **state)
{
    char *path, code[33], sql[200];
    qt_store *s = fresh("race.db", &path);
    qt_error err;
    qt_coupon_spec cs;
    int64_t users[RACE_USERS], m, shop, cid;
    pthread_t th[50];
    struct racer rc[50];
    int i, ok = 0, conflict = 0, other = 0;
    (void)state;
    for (i = 0; i < RACE_USERS; i++) {
        char name[32];
        snprintf(name, sizeof name, "r%d", i);
        users[i] = user(s, name, QT_ROLE_RESIDENT, 0, 0);
    }
    m = user(s, "m", QT_ROLE_MERCHANT, 0, 0);
    shop = outlet(s, "shop", "便民店", NULL, "");
    qt_error_clear(&err);
    assert_int_equal(qt_store_merchant_link(s, m, shop, &err), QT_OK);
    memset(&cs, 0, sizeof cs);
    cs.outlet_id = shop;
    cs.title = "满30减5";
    cs.quantity = RACE_QTY;
    cs.per_user_limit = RACE_LIMIT;
    cs.valid_from = 100;
    cs.valid_to = 200;
    assert_int_equal(qt_store_coupon_create(s, m, &cs, 50, &cid, &err), QT_OK);
    for (i = 0; i < RACE_THREADS; i++) {
        memset(&rc[i], 0, sizeof rc[i]);
        rc[i].path = path;
        rc[i].k = i;
        rc[i].coupon = cid;
        rc[i].users = users;
        assert_int_equal(pthread_create(&th[i], NULL, claim_racer, &rc[i]), 0);
    }
    for (i = 0; i < RACE_THREADS; i++) {
        pthread_join(th[i], NULL);
        ok += rc[i].ok;
        conflict += rc[i].conflict;
        other += rc[i].other;
    }
    assert_int_equal(other, 0);
    assert_int_equal(ok, RACE_QTY);
    assert_int_equal(conflict, RACE_CLAIMS - RACE_QTY);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM claims WHERE coupon_id = %lld", (long long)cid);
    assert_int_equal(count(path, sql), RACE_QTY);
    snprintf(sql, sizeof sql, "SELECT claimed FROM coupons WHERE id = %lld", (long long)cid);
    assert_int_equal(count(path, sql), RACE_QTY);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM (SELECT user_id FROM claims WHERE coupon_id = %lld GROUP BY user_id"
             " HAVING count(*) > %d) x",
             (long long)cid, RACE_LIMIT);
    assert_int_equal(count(path, sql), 0);
    /* one code, 50 cashiers at once */
    cs.quantity = 1;
    cs.per_user_limit = 1;
    assert_int_equal(qt_store_coupon_create(s, m, &cs, 50, &cid, &err), QT_OK);
    assert_int_equal(qt_store_coupon_claim_key(s, cid, users[0], NULL, 150, code, NULL, &err), QT_OK);
    ok = conflict = other = 0;
    for (i = 0; i < 50; i++) {
        memset(&rc[i], 0, sizeof rc[i]);
        rc[i].path = path;
        rc[i].merchant = m;
        rc[i].code = code;
        assert_int_equal(pthread_create(&th[i], NULL, redeem_racer, &rc[i]), 0);
    }
    for (i = 0; i < 50; i++) {
        pthread_join(th[i], NULL);
        ok += rc[i].ok;
        conflict += rc[i].conflict;
        other += rc[i].other;
    }
    assert_int_equal(ok, 1);
    assert_int_equal(conflict, 49);
    assert_int_equal(other, 0);
    qt_store_close(s);
    free(path);
}

/* an idempotency key holds across connections: two connections retrying one claim get one code */
static void issue_14_idempotency_across_connections(void **state)
{
    char *path, c1[33], c2[33];
    qt_store *s = fresh("idem.db", &path), *t = NULL;
    qt_error err;
    qt_coupon_spec cs;
    int64_t r, m, shop, cid;
    int replayed = -1;
    (void)state;
    r = user(s, "r", QT_ROLE_RESIDENT, 0, 0);
    m = user(s, "m", QT_ROLE_MERCHANT, 0, 0);
    shop = outlet(s, "shop", "便民店", NULL, "");
    qt_error_clear(&err);
    assert_int_equal(qt_store_merchant_link(s, m, shop, &err), QT_OK);
    memset(&cs, 0, sizeof cs);
    cs.outlet_id = shop;
    cs.title = "券";
    cs.quantity = 10;
    cs.per_user_limit = 5;
    cs.valid_from = 100;
    cs.valid_to = 200;
    assert_int_equal(qt_store_coupon_create(s, m, &cs, 50, &cid, &err), QT_OK);
    assert_int_equal(qt_store_open(path, &t, &err), QT_OK);
    assert_int_equal(qt_store_coupon_claim_key(s, cid, r, "retry-1", 150, c1, &replayed, &err), QT_OK);
    assert_int_equal(replayed, 0);
    assert_int_equal(qt_store_coupon_claim_key(t, cid, r, "retry-1", 151, c2, &replayed, &err), QT_OK);
    assert_int_equal(replayed, 1);
    assert_string_equal(c1, c2);
    assert_int_equal(count(path, "SELECT count(*) FROM claims"), 1);
    qt_store_close(t);
    qt_store_close(s);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(issue_11_import_killed_changes_nothing),
        cmocka_unit_test(issue_11_reimport_keeps_api_edits),
        cmocka_unit_test(issue_11_user_create_atomic),
        cmocka_unit_test(issue_11_login_race_and_lockout),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(issue_11_complaint_process),
        cmocka_unit_test(issue_11_survey_rules),
        cmocka_unit_test(issue_11_operator_jobs_own_circle),
        cmocka_unit_test(test_job_expiry),
        cmocka_unit_test(test_goods),
        cmocka_unit_test(issue_11_coupon_codes_and_my_coupons),
        cmocka_unit_test(issue_14_claims_race_across_connections),
        cmocka_unit_test(issue_14_idempotency_across_connections),
    };
    return cmocka_run_group_tests(tests, setup_hash, NULL);
}

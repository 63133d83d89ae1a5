/* SPDX-License-Identifier: MIT */
/*
 * test_store.c -- the store on its own: migrations (and a newer schema
 * refused), accounts and tokens with their expiry, the login limits per name
 * and per address, coupons through their whole life with every status,
 * including a redemption after the coupon expired (times are parameters).
 */
#include <sqlite3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"

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

extern const size_t qt__nmigrations; /* generated from src/store/migrations/ */

static qt_status count_snap(void *ud, const qt_store_snapshot *sn, qt_error *err)
{
    (void)err;
    int *n = ud;
    assert_string_equal(sn->circle, "东圈");
    assert_true(sn->at > 1700000000);
    assert_string_equal(sn->grade, *n == 0 ? "未达标" : "基础型");
    (*n)++;
    return QT_OK;
}

/* every analysis written to a circle is kept as a dated snapshot (migration 0005) */
static void test_snapshots(void **state)
{
    char *path;
    qt_store *s = fresh("snapshots.db", &path);
    qt_error err;
    const char *coms[] = {"甲社区"};
    int n = 0;
    int64_t *ids = NULL;
    size_t nids = 0;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_store_circle_put(s, "东圈", coms, 1, NAN, NULL, &err), QT_OK);
    assert_int_equal(qt_store_snapshots_each(s, 0, 10, count_snap, &n, &err), QT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(qt_store_circle_set_analysis(s, "东圈", "未达标", "{\"population\": 10}", &err), QT_OK);
    assert_int_equal(qt_store_circle_set_analysis(s, "东圈", "基础型", "{\"population\": 12}", &err), QT_OK);
    assert_int_equal(qt_store_snapshots_each(s, 0, 10, count_snap, &n, &err), QT_OK);
    assert_int_equal(n, 2);
    n = 1; /* the newest one only */
    assert_int_equal(qt_store_snapshots_each(s, 0, 1, count_snap, &n, &err), QT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(qt_store_circle_ids(s, &ids, &nids, &err), QT_OK);
    assert_int_equal(nids, 1);
    qt_store_free_str((char *)ids);
    qt_store_close(s);
    free(path);
}

static void test_migrations(void **state)
{
    char *path;
    qt_store *s = fresh("migrations.db", &path);
    sqlite3 *db;
    qt_error err;
    (void)state;
    /* every migration file, whatever engineers have added (0001, 0002, 0004 outlet closed_at ...) */
    assert_true(qt__nmigrations >= 3);
    assert_int_equal(qt_store_version(s), (int)qt__nmigrations);
    qt_store_close(s);
    /* reopening applies nothing twice */
    qt_error_clear(&err);
    assert_int_equal(qt_store_open(path, &s, &err), QT_OK);
    assert_int_equal(qt_store_version(s), (int)qt__nmigrations);
    qt_store_close(s);
    /* a store from a newer quarter is refused, untouched */
    if (qt_test_is_pg()) {
        int64_t tables = qt_test_store_scalar(path,
                                              "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()");
        assert_true(tables > 10);
        assert_int_equal(qt_test_store_scalar(path, "INSERT INTO schema_version VALUES (99, 'from the future', 0)"), 1);
        assert_int_equal(qt_store_open(path, &s, &err), QT_EUNSUPPORTED);
        assert_non_null(strstr(err.msg, "schema version 99"));
        assert_int_equal(qt_test_store_scalar(path, "SELECT max(version) FROM schema_version"), 99);
        assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM schema_version"),
                         (int64_t)qt__nmigrations + 1);
        assert_int_equal(
            qt_test_store_scalar(path, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"), tables);
    } else {
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
        assert_int_equal(qt_store_open(path, &s, &err), QT_EUNSUPPORTED);
        assert_non_null(strstr(err.msg, "schema version 99"));
        assert_int_equal(qt_test_store_scalar(path, "PRAGMA user_version"), 99);
    }
    free(path);
}

static void test_accounts(void **state)
{
    char *path, token[65];
    qt_store *s = fresh("accounts.db", &path);
    qt_error err;
    int64_t id, uid;
    qt_role role;
    int i;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_store_user_add(s, "ming", QT_ROLE_RESIDENT, "long-password", &id, &err), QT_OK);
    assert_int_equal(qt_store_user_add(s, "ming", QT_ROLE_RESIDENT, "long-password", &id, &err), QT_ECONFLICT);
    qt_error_clear(&err);
    assert_int_equal(qt_store_user_add(s, "short", QT_ROLE_RESIDENT, "short", &id, &err), QT_EINVAL);
    qt_error_clear(&err);
    /* the hash is argon2id, never the password */
    assert_int_equal(
        qt_test_store_scalar(
            path, "SELECT count(*) FROM users WHERE name = 'ming' AND substr(pw_hash, 1, 10) = '$argon2id$'"),
        1);
    assert_int_equal(qt_store_login(s, "ming", "long-password", "10.0.0.1", 1000, 60, 5, 300, token, &uid, &role, &err),
                     QT_OK);
    assert_int_equal(role, QT_ROLE_RESIDENT);
    assert_int_equal(strlen(token), 64);
    assert_int_equal(qt_store_token_user(s, token, 1059, &uid, &role, &err), QT_OK);
    assert_int_equal(role, QT_ROLE_RESIDENT);
    /* expired after ttl */
    assert_int_equal(qt_store_token_user(s, token, 1060, &uid, &role, &err), QT_ENOTFOUND);
    qt_error_clear(&err);
    /* 5 failures for a name lock it for the window, whatever the address */
    for (i = 0; i < 5; i++) {
        char a[32];
        snprintf(a, sizeof a, "10.0.1.%d", i);
        assert_int_equal(qt_store_login(s, "ming", "wrong", a, 2000, 60, 5, 300, token, &uid, NULL, &err), QT_EAUTH);
        qt_error_clear(&err);
    }
    assert_int_equal(qt_store_login(s, "ming", "long-password", "10.0.2.1", 2001, 60, 5, 300, token, &uid, NULL, &err),
                     QT_ELIMIT);
    qt_error_clear(&err);
    assert_int_equal(qt_store_login(s, "ming", "long-password", "10.0.2.1", 2301, 60, 5, 300, token, &uid, NULL, &err),
                     QT_OK);
    /* 20 failures from one address lock the address, whatever the names */
    for (i = 0; i < 20; i++) {
        char n[32];
        snprintf(n, sizeof n, "nobody%d", i);
        assert_int_equal(qt_store_login(s, n, "wrong", "10.9.9.9", 3000, 60, 5, 300, token, &uid, NULL, &err),
                         QT_EAUTH);
        qt_error_clear(&err);
    }
    assert_int_equal(qt_store_login(s, "ming", "long-password", "10.9.9.9", 3001, 60, 5, 300, token, &uid, NULL, &err),
                     QT_ELIMIT);
    qt_error_clear(&err);
    assert_int_equal(qt_store_login(s, "ming", "long-password", "10.9.9.8", 3001, 60, 5, 300, token, &uid, NULL, &err),
                     QT_OK);
    qt_store_close(s);
    free(path);
}

static void test_coupon_life(void **state)
{
    char *path, code[33], code2[33];
    qt_store *s = fresh("coupons.db", &path);
    qt_error err;
    int64_t m1, m2, r1, r2, o1, o2, cid;
    qt_store_outlet o;
    qt_coupon_spec cs;
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_store_user_add(s, "m1", QT_ROLE_MERCHANT, "merchant-pass", &m1, &err), QT_OK);
    assert_int_equal(qt_store_user_add(s, "m2", QT_ROLE_MERCHANT, "merchant-pass", &m2, &err), QT_OK);
    assert_int_equal(qt_store_user_add(s, "r1", QT_ROLE_RESIDENT, "resident-pass", &r1, &err), QT_OK);
    assert_int_equal(qt_store_user_add(s, "r2", QT_ROLE_RESIDENT, "resident-pass", &r2, &err), QT_OK);
    memset(&o, 0, sizeof o);
    o.ext_id = "a";
    o.name = "甲店";
    o.lon = 118.78;
    o.lat = 32.04;
    o.cash = o.barrier_free = -1;
    assert_int_equal(qt_store_outlet_put(s, &o, &o1, &err), QT_OK);
    o.ext_id = "b";
    assert_int_equal(qt_store_outlet_put(s, &o, &o2, &err), QT_OK);
    assert_int_equal(qt_store_merchant_link(s, m1, o1, &err), QT_OK);
    assert_int_equal(qt_store_merchant_link(s, r1, o1, &err), QT_EINVAL); /* not a merchant */
    qt_error_clear(&err);
    {
        /* a merchant's shops, in id order (a link twice is one); none for another user */
        int64_t *ids = NULL, m3;
        size_t n = 9;
        assert_int_equal(qt_store_user_add(s, "m3", QT_ROLE_MERCHANT, "merchant-pass", &m3, &err), QT_OK);
        assert_int_equal(qt_store_merchant_link(s, m3, o2, &err), QT_OK);
        assert_int_equal(qt_store_merchant_link(s, m3, o1, &err), QT_OK);
        assert_int_equal(qt_store_merchant_link(s, m3, o2, &err), QT_OK);
        assert_int_equal(qt_store_merchant_outlets(s, m3, &ids, &n, &err), QT_OK);
        assert_int_equal(n, 2);
        assert_true(ids[0] == (o1 < o2 ? o1 : o2) && ids[1] == (o1 < o2 ? o2 : o1));
        qt_store_free_str((char *)ids);
        assert_int_equal(qt_store_merchant_outlets(s, r1, &ids, &n, &err), QT_OK);
        assert_int_equal(n, 0);
        qt_store_free_str((char *)ids);
        assert_int_equal(qt_store_merchant_outlets(s, m1, &ids, &n, &err), QT_OK);
        assert_true(n == 1 && ids[0] == o1);
        qt_store_free_str((char *)ids);
    }
    memset(&cs, 0, sizeof cs);
    cs.outlet_id = o2;
    cs.title = "满30减5";
    cs.quantity = 2;
    cs.per_user_limit = 1;
    cs.valid_from = 100;
    cs.valid_to = 200;
    assert_int_equal(qt_store_coupon_create(s, m1, &cs, 50, &cid, &err), QT_EFORBIDDEN); /* not m1's shop */
    qt_error_clear(&err);
    cs.outlet_id = o1;
    assert_int_equal(qt_store_coupon_create(s, m1, &cs, 50, &cid, &err), QT_OK);
    /* before, during, after validity; quantity and per-user limit */
    assert_int_equal(qt_store_coupon_claim(s, cid, r1, 99, code, &err), QT_EGONE);
    qt_error_clear(&err);
    assert_int_equal(qt_store_coupon_claim(s, cid, r1, 150, code, &err), QT_OK);
    assert_int_equal(qt_store_coupon_claim(s, cid, r1, 150, code2, &err), QT_ECONFLICT);
    qt_error_clear(&err);
    assert_int_equal(qt_store_coupon_claim(s, cid, r2, 150, code2, &err), QT_OK);
    assert_string_not_equal(code, code2);
    assert_int_equal(qt_store_coupon_claim(s, cid + 1, r2, 150, code2, &err), QT_ENOTFOUND);
    qt_error_clear(&err);
    /* redemption: another merchant, unknown code, once, and after expiry */
    assert_int_equal(qt_store_redeem(s, m2, code, 160, &err), QT_EFORBIDDEN);
    qt_error_clear(&err);
    assert_int_equal(qt_store_redeem(s, m1, "nope", 160, &err), QT_ENOTFOUND);
    qt_error_clear(&err);
    assert_int_equal(qt_store_redeem(s, m1, code, 160, &err), QT_OK);
    assert_int_equal(qt_store_redeem(s, m1, code, 161, &err), QT_ECONFLICT);
    qt_error_clear(&err);
    assert_int_equal(qt_store_redeem(s, m1, code2, 200, &err), QT_EGONE);
    qt_store_close(s);
    free(path);
}

/* issue 10: re-importing keeps store ids; outlets no longer in the table are closed, not deleted */
static void test_reimport_closes_not_deletes(void **state)
{
    char *path;
    qt_store *s = fresh("reimport.db", &path);
    qt_store_outlet o;
    qt_error err;
    int64_t id_a, id_b, id_a2;
    int state_;
    size_t closed, reopened;
    const char *open1[] = {"a"}, *open2[] = {"a", "b"};
    (void)state;
    qt_error_clear(&err);
    memset(&o, 0, sizeof o);
    o.cash = o.barrier_free = -1;
    o.staff = o.floor_area = NAN;
    o.ext_id = "a";
    o.name = "苏果便利";
    o.address = "珠江路88号";
    o.lon = 118.78;
    o.lat = 32.05;
    assert_int_equal(qt_store_outlet_compare(s, &o, &state_, &err), QT_OK);
    assert_int_equal(state_, QT_OUTLET_NEW);
    assert_int_equal(qt_store_outlet_put(s, &o, &id_a, &err), QT_OK);
    assert_int_equal(qt_store_outlet_compare(s, &o, &state_, &err), QT_OK);
    assert_int_equal(state_, QT_OUTLET_SAME);
    o.address = "珠江路90号";
    assert_int_equal(qt_store_outlet_compare(s, &o, &state_, &err), QT_OK);
    assert_int_equal(state_, QT_OUTLET_CHANGED);
    o.ext_id = "b";
    o.name = "茶香阁";
    assert_int_equal(qt_store_outlet_put(s, &o, &id_b, &err), QT_OK);
    /* the second import has only a: b is closed, still there */
    assert_int_equal(qt_store_outlets_sync_closed(s, open1, 1, 1000, &closed, &reopened, &err), QT_OK);
    assert_int_equal(closed, 1);
    assert_int_equal(reopened, 0);
    assert_int_equal(qt_store_outlets_sync_closed(s, open1, 1, 1001, &closed, &reopened, &err), QT_OK);
    assert_int_equal(closed, 0); /* already closed */
    /* b comes back: reopened, same store id */
    assert_int_equal(qt_store_outlets_sync_closed(s, open2, 2, 1002, &closed, &reopened, &err), QT_OK);
    assert_int_equal(closed, 0);
    assert_int_equal(reopened, 1);
    o.ext_id = "a";
    o.name = "苏果便利";
    assert_int_equal(qt_store_outlet_put(s, &o, &id_a2, &err), QT_OK);
    assert_true(id_a2 == id_a && id_b != id_a);
    qt_store_close(s);
    free(path);
}

/* the analysis' geometries (migration 0008): put, refused when of the wrong type, cleared (both backends) */
static void test_geoms(void **state)
{
    char *path;
    qt_store *s = fresh("geoms.db", &path);
    qt_error err;
    const char *coms[] = {"甲社区"};
    const char *square =
        "{\"type\":\"Polygon\",\"coordinates\":[[[118.78,32.04],[118.79,32.04],[118.79,32.05],"
        "[118.78,32.05],[118.78,32.04]]]}";
    qt_store_geom g;
    int pg = qt_test_is_pg();
    (void)state;
    qt_error_clear(&err);
    assert_int_equal(qt_store_circle_put(s, "东圈", coms, 1, NAN, NULL, &err), QT_OK);
    memset(&g, 0, sizeof g);
    g.kind = QT_STORE_GEOM_COMMUNITY;
    g.name = "甲社区";
    g.boundary = "社区边界";
    g.value = NAN;
    g.geojson = square;
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_OK);
    g.kind = QT_STORE_GEOM_CIRCLE;
    g.name = "东圈";
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_OK);
    memset(&g, 0, sizeof g);
    g.kind = QT_STORE_GEOM_BLINDSPOT;
    g.circle = "东圈";
    g.category = "B03";
    g.zh = "菜市场";
    g.value = 120;
    g.geojson = square;
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_OK);
    g.kind = QT_STORE_GEOM_SITE;
    g.name = "s-1";
    g.rank = 1;
    g.value = NAN;
    g.geojson = "{\"type\":\"Point\",\"coordinates\":[118.785,32.045]}";
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_OK);
    g.circle = "新圈"; /* a circle the store has not seen yet: created */
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_OK);
    assert_int_equal(qt_test_store_scalar(path,
                                          "SELECT count(*) FROM sites s JOIN circles c ON c.id = s.circle_id"
                                          " WHERE c.name = '新圈'"),
                     1);
    g.circle = NULL; /* none: the city without circles */
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_OK);
    assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM sites WHERE circle_id IS NULL"), 1);
    g.circle = "东圈";
    /* a point is no 盲区, a polygon no site, text no geometry, a 盲区 needs its 业态 */
    g.kind = QT_STORE_GEOM_BLINDSPOT;
    qt_error_clear(&err);
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_EINVAL);
    g.kind = QT_STORE_GEOM_SITE;
    g.geojson = square;
    qt_error_clear(&err);
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_EINVAL);
    g.geojson = "not json";
    qt_error_clear(&err);
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_EINVAL);
    g.category = NULL;
    qt_error_clear(&err);
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_EINVAL);
    g.kind = 99;
    qt_error_clear(&err);
    assert_int_equal(qt_store_geom_put(s, &g, &err), QT_EINVAL);
    qt_error_clear(&err);
    assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM blindspots"), 1);
    assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM sites WHERE ext_id = 's-1' AND rank = 1"), 3);
    assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM communities WHERE geom IS NOT NULL"), 1);
    if (pg) {
        assert_int_equal(qt_test_store_scalar(path,
                                              "SELECT count(*) FROM circles WHERE ST_SRID(geom) = 4326"
                                              " AND GeometryType(geom) = 'MULTIPOLYGON' AND ST_IsValid(geom)"),
                         1);
        assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM sites WHERE ST_X(geom) = 118.785"), 3);
    } else
        assert_int_equal(qt_test_store_scalar(path,
                                              "SELECT count(*) FROM circles WHERE json_extract(geom, '$.type')"
                                              " = 'Polygon'"),
                         1);
    assert_int_equal(qt_store_geoms_clear(s, &err), QT_OK);
    assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM blindspots"), 0);
    assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM sites"), 0);
    assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM circles WHERE geom IS NOT NULL"), 0);
    assert_int_equal(qt_test_store_scalar(path, "SELECT count(*) FROM circles"), 2); /* the rows stay */
    qt_store_close(s);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations),
        cmocka_unit_test(test_snapshots),
        cmocka_unit_test(test_accounts),
        cmocka_unit_test(test_coupon_life),
        cmocka_unit_test(test_reimport_closes_not_deletes),
        cmocka_unit_test(test_geoms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

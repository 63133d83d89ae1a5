/* SPDX-License-Identifier: MIT */
/*
 * test_nearby.c -- the outlet index and the k-nearest search
 * (quarter/nearby.h): the answers equal a brute force over every outlet
 * (qt_spot_dist_m after a full search), the k nearest are the first k of the
 * whole list, filters, an edit leaves the index it copied untouched (both
 * live on and are freed in either order), an id given twice is refused, an
 * outlet added to a copy is found as if the index had been built with it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qt_test.h"

/* a street grid, 20 m cells */
static const char grid[] =
    "a-----b-----c-----d\n"
    "|     |     |     |\n"
    "e-----f-----g-----h\n"
    "|     |           |\n"
    "i-----j-----k-----l\n";

#define NOUT 30

typedef struct fixture {
    qt_graph *g;
    qt_snapper *sn;
    qt_nearby_index *ix;
    qt_nearby_outlet o[NOUT];
    char names[NOUT][16];
} fixture;

static const char *const cats[3] = {"B01", "B12", NULL};

static void make(fixture *f)
{
    qt_nearby_builder *b;
    qt_error err = QT_ERROR_INIT;
    int i, placed, nplaced = 0;
    f->g = qt_test_graph_from_ascii(grid, 20);
    assert_int_equal(qt_snapper_new(f->g, &f->sn, &err), QT_OK);
    assert_int_equal(qt_nearby_builder_new(f->g, f->sn, &b, &err), QT_OK);
    srand(9);
    for (i = 0; i < NOUT; i++) {
        qt_nearby_outlet *o = &f->o[i];
        double col = (rand() % 1900) / 100.0, row = (rand() % 500) / 100.0;
        snprintf(f->names[i], sizeof f->names[i], "shop %d", i);
        memset(o, 0, sizeof *o);
        o->id = 100 - i; /* given out of id order */
        o->name = f->names[i];
        o->category = cats[i % 3];
        o->services = i % 4 == 0 ? "代收代缴;快递" : "快递";
        o->opening_hours = i % 5 == 0 ? "Mo-Fr 09:00-17:00" : "";
        qt_test_cell_lonlat(col, row, 20, &o->lon, &o->lat);
        assert_int_equal(qt_nearby_builder_add(b, o, &placed, &err), QT_OK);
        nplaced += placed;
    }
    /* one far away: left out */
    {
        qt_nearby_outlet far = f->o[0];
        far.id = 1000;
        qt_test_cell_lonlat(5, 500, 20, &far.lon, &far.lat);
        assert_int_equal(qt_nearby_builder_add(b, &far, &placed, &err), QT_OK);
        assert_int_equal(placed, 0);
    }
    assert_int_equal(nplaced, NOUT);
    assert_int_equal(qt_nearby_builder_finish(b, &f->ix, &err), QT_OK);
    assert_int_equal(qt_nearby_index_count(f->ix), NOUT);
}

static void unmake(fixture *f)
{
    qt_nearby_index_unref(f->ix);
    qt_snapper_free(f->sn);
    qt_graph_free(f->g);
}

static const qt_nearby_outlet *by_id(const fixture *f, int64_t id)
{
    int i;
    for (i = 0; i < NOUT; i++)
        if (f->o[i].id == id)
            return &f->o[i];
    return NULL;
}

/* every outlet measured one by one after a full search */
static void test_equals_brute_force(void **state)
{
    fixture f;
    qt_nearby_ws *w;
    qt_search *full;
    qt_error err = QT_ERROR_INIT;
    int q;
    (void)state;
    make(&f);
    assert_int_equal(qt_nearby_ws_new(f.g, &w, &err), QT_OK);
    assert_int_equal(qt_search_new(f.g, &full, &err), QT_OK);
    for (q = 0; q < 40; q++) {
        double lon, lat, want[NOUT], budget = q % 2 ? 150 : 1e9;
        qt_snap at;
        qt_seed seeds[2];
        qt_nearby_query nq;
        const qt_nearby_hit *h;
        size_t n, i, nwant = 0;
        qt_test_cell_lonlat((q * 7 % 190) / 10.0, (q * 3 % 50) / 10.0, 20, &lon, &lat);
        assert_int_equal(qt_snapper_snap(f.sn, lon, lat, QT_SNAP_EDGE, 500, &at, &err), QT_OK);
        assert_int_equal(qt_search_run(full, seeds, qt_snap_seeds(f.g, &at, QT_SNAP_EDGE, seeds), INFINITY, 0, &err),
                         QT_OK);
        for (i = 0; i < NOUT; i++) {
            qt_spot sp;
            double d;
            assert_int_equal(qt_spot_place(f.g, f.sn, f.o[i].lon, f.o[i].lat, 500, &sp, &err), QT_OK);
            d = qt_spot_dist_m(f.g, full, &at, &sp);
            if (d <= budget)
                want[nwant++] = d;
        }
        for (i = 1; i < nwant; i++) { /* insertion sort */
            size_t k;
            for (k = i; k > 0 && want[k] < want[k - 1]; k--) {
                double t = want[k];
                want[k] = want[k - 1];
                want[k - 1] = t;
            }
        }
        memset(&nq, 0, sizeof nq);
        nq.max_m = budget;
        nq.limit = 1000;
        assert_int_equal(qt_nearby_search(f.ix, w, &at, &nq, &h, &n, &err), QT_OK);
        assert_int_equal(n, nwant);
        for (i = 0; i < n; i++)
            assert_float_equal(h[i].dist_m, want[i], 1e-6);
        /* the k nearest are the first k of the whole list */
        {
            double all[NOUT];
            size_t k, m;
            for (i = 0; i < n; i++)
                all[i] = h[i].dist_m;
            for (k = 1; k <= 5; k++) {
                nq.limit = k;
                assert_int_equal(qt_nearby_search(f.ix, w, &at, &nq, &h, &m, &err), QT_OK);
                assert_int_equal(m, n < k ? n : k);
                for (i = 0; i < m; i++)
                    assert_float_equal(h[i].dist_m, all[i], 0);
            }
        }
    }
    qt_search_free(full);
    qt_nearby_ws_free(w);
    unmake(&f);
}

static void test_filters(void **state)
{
    fixture f;
    qt_nearby_ws *w;
    qt_error err = QT_ERROR_INIT;
    qt_snap at;
    qt_nearby_query nq;
    const qt_nearby_hit *h;
    size_t n, i;
    double lon, lat;
    static const int64_t ids[] = {71, 80, 95};
    (void)state;
    make(&f);
    assert_int_equal(qt_nearby_ws_new(f.g, &w, &err), QT_OK);
    qt_test_cell_lonlat(9, 2, 20, &lon, &lat);
    assert_int_equal(qt_snapper_snap(f.sn, lon, lat, QT_SNAP_EDGE, 500, &at, &err), QT_OK);
    memset(&nq, 0, sizeof nq);
    nq.max_m = 1e9;
    nq.limit = 1000;
    nq.category = "B12";
    assert_int_equal(qt_nearby_search(f.ix, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT / 3);
    for (i = 0; i < n; i++)
        assert_string_equal(h[i].category, "B12");
    nq.category = NULL;
    nq.service = "生活缴费"; /* bill payment's kin: 代收代缴 */
    assert_int_equal(qt_nearby_search(f.ix, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, (NOUT + 3) / 4);
    for (i = 0; i < n; i++)
        assert_non_null(strstr(h[i].services, "代收代缴"));
    nq.service = NULL;
    nq.ids = ids;
    nq.nids = 3;
    assert_int_equal(qt_nearby_search(f.ix, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, 3);
    for (i = 0; i < n; i++)
        assert_true(h[i].id == 71 || h[i].id == 80 || h[i].id == 95);
    nq.nids = 0; /* an empty match: nothing */
    assert_int_equal(qt_nearby_search(f.ix, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, 0);
    nq.ids = NULL;
    nq.open_at = 1; /* Sunday 10:00: the Mo-Fr outlets are closed, the others have no hours */
    nq.weekday = 6;
    nq.minute = 600;
    assert_int_equal(qt_nearby_search(f.ix, w, &at, &nq, &h, &n, &err), QT_OK);
    for (i = 0; i < n; i++)
        assert_string_not_equal(h[i].opening_hours, "Mo-Fr 09:00-17:00");
    assert_true(qt_nearby_offers("生活缴费", "水电缴费"));
    assert_false(qt_nearby_offers("快递", "生活缴费"));
    assert_true(qt_nearby_offers("快递;打印", "打印"));
    qt_nearby_ws_free(w);
    unmake(&f);
}

static void check_names(const qt_nearby_index *ix, qt_nearby_ws *w, const qt_snap *at, const fixture *f, int64_t edited,
                        const char *name)
{
    qt_nearby_query nq;
    const qt_nearby_hit *h;
    size_t n, i;
    qt_error err = QT_ERROR_INIT;
    memset(&nq, 0, sizeof nq);
    nq.max_m = 1e9;
    nq.limit = 1000;
    assert_int_equal(qt_nearby_search(ix, w, at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT);
    for (i = 0; i < n; i++)
        assert_string_equal(h[i].name, h[i].id == edited && name ? name : by_id(f, h[i].id)->name);
}

static void test_edit_copies(void **state)
{
    fixture f;
    qt_nearby_ws *w;
    qt_nearby_index *e1, *e2;
    qt_nearby_outlet o;
    qt_error err = QT_ERROR_INIT;
    qt_snap at;
    double lon, lat;
    (void)state;
    make(&f);
    assert_int_equal(qt_nearby_ws_new(f.g, &w, &err), QT_OK);
    qt_test_cell_lonlat(3, 0, 20, &lon, &lat);
    assert_int_equal(qt_snapper_snap(f.sn, lon, lat, QT_SNAP_EDGE, 500, &at, &err), QT_OK);
    o = *by_id(&f, 90);
    o.name = "改名的店";
    o.category = NULL;
    assert_int_equal(qt_nearby_index_edit(f.ix, &o, &e1, &err), QT_OK);
    o = *by_id(&f, 77);
    o.name = "第二次";
    assert_int_equal(qt_nearby_index_edit(e1, &o, &e2, &err), QT_OK);
    check_names(f.ix, w, &at, &f, 0, NULL); /* the original is as it was */
    check_names(e1, w, &at, &f, 90, "改名的店");
    {
        qt_nearby_query nq;
        const qt_nearby_hit *h;
        size_t n, i, seen = 0;
        memset(&nq, 0, sizeof nq);
        nq.max_m = 1e9;
        nq.limit = 1000;
        assert_int_equal(qt_nearby_search(e2, w, &at, &nq, &h, &n, &err), QT_OK);
        for (i = 0; i < n; i++) {
            if (h[i].id == 90) {
                assert_string_equal(h[i].name, "改名的店");
                assert_null(h[i].category);
                seen++;
            } else if (h[i].id == 77) {
                assert_string_equal(h[i].name, "第二次");
                seen++;
            }
        }
        assert_int_equal(seen, 2);
    }
    /* the middle copy goes first, then the original: the last still reads every text */
    qt_nearby_index_unref(e1);
    qt_nearby_index_unref(qt_nearby_index_ref(f.ix)); /* a reference taken and dropped */
    qt_nearby_index_unref(f.ix);
    f.ix = e2;
    {
        qt_nearby_query nq;
        const qt_nearby_hit *h;
        size_t n;
        memset(&nq, 0, sizeof nq);
        nq.max_m = 1e9;
        nq.limit = 1000;
        assert_int_equal(qt_nearby_search(e2, w, &at, &nq, &h, &n, &err), QT_OK);
        assert_int_equal(n, NOUT);
    }
    o.id = 5; /* not in the index */
    assert_int_equal(qt_nearby_index_edit(e2, &o, &e1, &err), QT_ENOTFOUND);
    assert_null(e1);
    qt_nearby_ws_free(w);
    unmake(&f);
}

/* qt_nearby_index_add: the copy answers as an index built with the outlet; the original is unchanged */
static void test_add(void **state)
{
    fixture f;
    qt_nearby_ws *w;
    qt_nearby_index *a1 = NULL, *a2 = NULL, *a3 = NULL, *dup = NULL;
    qt_nearby_outlet o;
    qt_nearby_query nq;
    const qt_nearby_hit *h;
    qt_error err = QT_ERROR_INIT;
    qt_snap at;
    double lon, lat, d_new = -1;
    size_t n, i;
    int placed = -1;
    (void)state;
    make(&f);
    assert_int_equal(qt_nearby_ws_new(f.g, &w, &err), QT_OK);
    qt_test_cell_lonlat(3, 0, 20, &lon, &lat);
    assert_int_equal(qt_snapper_snap(f.sn, lon, lat, QT_SNAP_EDGE, 500, &at, &err), QT_OK);
    memset(&o, 0, sizeof o);
    o.id = 50; /* between the ids there are */
    o.name = "新岗位";
    o.services = "理货";
    o.opening_hours = "20元/时";
    o.category = "7";
    o.lon = lon;
    o.lat = lat;
    assert_int_equal(qt_nearby_index_add(f.ix, &o, &a1, &placed, &err), QT_OK);
    assert_int_equal(placed, 1);
    assert_int_equal(qt_nearby_index_count(a1), NOUT + 1);
    assert_int_equal(qt_nearby_index_count(f.ix), NOUT);
    o.id = 1; /* before every id */
    assert_int_equal(qt_nearby_index_add(a1, &o, &a2, &placed, &err), QT_OK);
    o.id = 500; /* far from every street: a reference to the same index */
    qt_test_cell_lonlat(5, 500, 20, &o.lon, &o.lat);
    assert_int_equal(qt_nearby_index_add(a2, &o, &a3, &placed, &err), QT_OK);
    assert_int_equal(placed, 0);
    assert_ptr_equal(a3, a2);
    qt_nearby_index_unref(a3);
    o.id = 77; /* in the index already */
    assert_int_equal(qt_nearby_index_add(a2, &o, &dup, &placed, &err), QT_EINVAL);
    assert_null(dup);
    memset(&nq, 0, sizeof nq);
    nq.max_m = 1e9;
    nq.limit = 1000;
    assert_int_equal(qt_nearby_search(a2, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT + 2);
    for (i = 0; i < n; i++) {
        if (i)
            assert_true(h[i - 1].dist_m <= h[i].dist_m);
        if (h[i].id == 50) {
            assert_string_equal(h[i].name, "新岗位");
            assert_string_equal(h[i].services, "理货");
            assert_string_equal(h[i].opening_hours, "20元/时");
            assert_string_equal(h[i].category, "7");
            d_new = h[i].dist_m;
        }
    }
    assert_true(d_new >= 0 && d_new < 1); /* placed where the search starts */
    qt_nearby_index_unref(a1);            /* the middle copy first: the last still reads every text */
    assert_int_equal(qt_nearby_search(a2, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT + 2);
    assert_int_equal(qt_nearby_search(f.ix, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT);
    qt_nearby_index_unref(a2);
    qt_nearby_ws_free(w);
    unmake(&f);
}

/* qt_nearby_index_remove and _find: the copy answers without the outlet, the original is unchanged */
static void test_remove(void **state)
{
    fixture f;
    qt_nearby_ws *w;
    qt_nearby_index *r1 = NULL, *none = NULL;
    qt_nearby_query nq;
    const qt_nearby_hit *h;
    qt_error err = QT_ERROR_INIT;
    qt_snap at;
    qt_nearby_outlet got;
    double lon, lat;
    size_t n, i;
    (void)state;
    make(&f);
    assert_int_equal(qt_nearby_ws_new(f.g, &w, &err), QT_OK);
    qt_test_cell_lonlat(3, 0, 20, &lon, &lat);
    assert_int_equal(qt_snapper_snap(f.sn, lon, lat, QT_SNAP_EDGE, 500, &at, &err), QT_OK);
    memset(&got, 0, sizeof got);
    assert_int_equal(qt_nearby_index_find(f.ix, 77, &got), 1);
    assert_int_equal(got.id, 77);
    assert_string_equal(got.name, by_id(&f, 77)->name);
    assert_true(got.lon == by_id(&f, 77)->lon && got.lat == by_id(&f, 77)->lat);
    assert_int_equal(qt_nearby_index_find(f.ix, 5, NULL), 0);
    assert_int_equal(qt_nearby_index_remove(f.ix, 77, &r1, &err), QT_OK);
    assert_int_equal(qt_nearby_index_count(r1), NOUT - 1);
    assert_int_equal(qt_nearby_index_find(r1, 77, NULL), 0);
    assert_int_equal(qt_nearby_index_remove(r1, 77, &none, &err), QT_ENOTFOUND);
    assert_null(none);
    memset(&nq, 0, sizeof nq);
    nq.max_m = 1e9;
    nq.limit = 1000;
    assert_int_equal(qt_nearby_search(r1, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT - 1);
    for (i = 0; i < n; i++)
        assert_true(h[i].id != 77);
    assert_int_equal(qt_nearby_search(f.ix, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT);
    qt_nearby_index_unref(f.ix); /* the original first: the copy still reads every text */
    f.ix = r1;
    assert_int_equal(qt_nearby_search(r1, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT - 1);
    for (i = 0; i < n; i++)
        assert_non_null(h[i].name);
    qt_nearby_ws_free(w);
    unmake(&f);
}

/* until: an entry is found only by queries whose now is before it (0: always); an edit changes it */
static void test_until(void **state)
{
    fixture f;
    qt_nearby_ws *w;
    qt_nearby_index *a1 = NULL, *a2 = NULL;
    qt_nearby_outlet o;
    qt_nearby_query nq;
    const qt_nearby_hit *h;
    qt_error err = QT_ERROR_INIT;
    qt_snap at;
    double lon, lat;
    size_t n, i, seen;
    (void)state;
    make(&f);
    assert_int_equal(qt_nearby_ws_new(f.g, &w, &err), QT_OK);
    qt_test_cell_lonlat(3, 0, 20, &lon, &lat);
    assert_int_equal(qt_snapper_snap(f.sn, lon, lat, QT_SNAP_EDGE, 500, &at, &err), QT_OK);
    memset(&o, 0, sizeof o);
    o.id = 50;
    o.name = "限期岗位";
    o.lon = lon;
    o.lat = lat;
    o.until = 1000;
    assert_int_equal(qt_nearby_index_add(f.ix, &o, &a1, NULL, &err), QT_OK);
    memset(&nq, 0, sizeof nq);
    nq.max_m = 1e9;
    nq.limit = 1000;
    nq.now = 999;
    assert_int_equal(qt_nearby_search(a1, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT + 1);
    for (i = 0, seen = 0; i < n; i++)
        if (h[i].id == 50) {
            assert_int_equal(h[i].until, 1000);
            seen++;
        } else {
            assert_int_equal(h[i].until, 0); /* 0: never expires, whatever now is */
        }
    assert_int_equal(seen, 1);
    nq.now = 1000; /* at its expiry: gone, the others stay */
    assert_int_equal(qt_nearby_search(a1, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT);
    for (i = 0; i < n; i++)
        assert_true(h[i].id != 50);
    nq.now = 0; /* no now: until is not looked at */
    assert_int_equal(qt_nearby_search(a1, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT + 1);
    o.until = 2000; /* extended by an edit */
    o.name = "延期岗位";
    assert_int_equal(qt_nearby_index_edit(a1, &o, &a2, &err), QT_OK);
    nq.now = 1500;
    assert_int_equal(qt_nearby_search(a2, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT + 1);
    assert_int_equal(qt_nearby_search(a1, w, &at, &nq, &h, &n, &err), QT_OK);
    assert_int_equal(n, NOUT); /* the copy before the edit is unchanged */
    qt_nearby_index_unref(a1);
    qt_nearby_index_unref(a2);
    qt_nearby_ws_free(w);
    unmake(&f);
}

static void test_id_twice(void **state)
{
    qt_graph *g = qt_test_graph_from_ascii(grid, 20);
    qt_snapper *sn;
    qt_nearby_builder *b;
    qt_nearby_index *ix = NULL;
    qt_nearby_outlet o;
    qt_error err = QT_ERROR_INIT;
    (void)state;
    assert_int_equal(qt_snapper_new(g, &sn, &err), QT_OK);
    assert_int_equal(qt_nearby_builder_new(g, sn, &b, &err), QT_OK);
    memset(&o, 0, sizeof o);
    o.id = 7;
    qt_test_cell_lonlat(2, 0.5, 20, &o.lon, &o.lat);
    assert_int_equal(qt_nearby_builder_add(b, &o, NULL, &err), QT_OK);
    assert_int_equal(qt_nearby_builder_add(b, &o, NULL, &err), QT_OK);
    assert_int_equal(qt_nearby_builder_finish(b, &ix, &err), QT_EINVAL);
    assert_null(ix);
    assert_non_null(strstr(err.msg, "7"));
    /* an empty index answers nothing */
    assert_int_equal(qt_nearby_builder_new(g, sn, &b, &err), QT_OK);
    err.code = QT_OK;
    assert_int_equal(qt_nearby_builder_finish(b, &ix, &err), QT_OK);
    assert_int_equal(qt_nearby_index_count(ix), 0);
    {
        qt_nearby_ws *w;
        qt_snap at;
        qt_nearby_query nq;
        const qt_nearby_hit *h;
        size_t n;
        assert_int_equal(qt_nearby_ws_new(g, &w, &err), QT_OK);
        assert_int_equal(qt_snapper_snap(sn, o.lon, o.lat, QT_SNAP_EDGE, 500, &at, &err), QT_OK);
        memset(&nq, 0, sizeof nq);
        nq.max_m = 1e9;
        nq.limit = 10;
        assert_int_equal(qt_nearby_search(ix, w, &at, &nq, &h, &n, &err), QT_OK);
        assert_int_equal(n, 0);
        qt_nearby_ws_free(w);
    }
    qt_nearby_index_unref(ix);
    qt_snapper_free(sn);
    qt_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equals_brute_force),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_edit_copies),
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_id_twice),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_until),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

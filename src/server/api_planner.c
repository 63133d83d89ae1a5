/* SPDX-License-Identifier: MIT */
/*
 * server/api_planner.c -- the planner dashboard's endpoints: the circles'
 * grades and indicators against their targets, map layers as GeoJSON, the
 * what-if of hypothetical outlets, the hour of day, and trends between the
 * imports' snapshots.  The figures come from the analysis of the project the
 * server was started with (`quarter serve --project FILE`); without one the
 * circles and outlets come from the store and the other layers are 404.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "quarter/site.h"
#include "server/api.h"
#include "server/reply.h"
#include "server/web.h"

#define MAX_WHATIF 20

static int category_arg(qt__req *r, const qt__planner *p, int *cat, enum MHD_Result *res)
{
    const char *c = qt__req_arg(r, "category");
    *cat = -1;
    if (!c || !*c)
        return 0;
    *cat = qt_profile_find(p->in.profile, c);
    if (*cat < 0) {
        *res = qt__reply_error(r, QT_EINVAL, "category", "'%.40s' is not a 业态 of the profile", c);
        return -1;
    }
    return 1;
}

/* the analysis for ?hour= (kept once made), or the baseline */
static const qt_analysis *analysis_for(qt__req *r, qt__web *w, enum MHD_Result *res)
{
    double hour;
    int got = qt__req_num(r, "hour", 0, 23, &hour);
    if (got < 0) {
        *res = qt__reply_error(r, QT_EINVAL, "hour", "hour is a whole number from 0 to 23");
        return NULL;
    }
    if (got == 0)
        return w->planner->base;
    int h = (int)hour;
    pthread_mutex_lock(&w->hour_lock);
    if (!w->hour[h]) {
        const qt_analysis *a;
        qt_analysis *owned = NULL;
        qt_error e = QT_ERROR_INIT;
        qt_error_clear(&e);
        if (qt__planner_run(w->planner, NULL, 0, h, &a, &owned, &e) != QT_OK) {
            pthread_mutex_unlock(&w->hour_lock);
            *res = qt__reply_status(r, &e);
            return NULL;
        }
        w->hour[h] = owned;
    }
    const qt_analysis *a = w->hour[h];
    pthread_mutex_unlock(&w->hour_lock);
    return a;
}

typedef struct circle_row {
    json_t *list;
} circle_row;

static qt_status circle_to_json(void *ud, const qt_store_circle *c, qt_error *err)
{
    circle_row *cr = ud;
    (void)err;
    json_t *ind = c->indicators_json ? json_loads(c->indicators_json, 0, NULL) : NULL;
    json_array_append_new(cr->list, json_pack("{s:I, s:s, s:s?, s:o}", "id", (json_int_t)c->id, "name", c->name,
                                              "grade", c->grade, "indicators", ind ? ind : json_null()));
    return QT_OK;
}

/* the store's circles: [{id, name, grade, indicators}] */
static json_t *store_circles(qt__req *r, qt_error *e)
{
    int64_t *ids = NULL;
    size_t n = 0;
    circle_row cr = {json_array()};
    char period[16];
    qt__period_now(r->s, period);
    if (!cr.list || qt_store_circle_ids(r->st, &ids, &n, e) != QT_OK) {
        json_decref(cr.list);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (qt_store_circle_get(r->st, ids[i], period, circle_to_json, &cr, e) != QT_OK) {
            json_decref(cr.list);
            cr.list = NULL;
            break;
        }
    qt_store_free_str((char *)ids);
    return cr.list;
}

/* the store's id of each circle by name (kept; made again when a name is new) */
static json_t *circle_ids(qt__req *r, const char *need, qt_error *e)
{
    qt__web *w = r->s->web;
    json_t *ids;
    pthread_mutex_lock(&w->hour_lock);
    if (!w->circle_ids || (need && !json_object_get(w->circle_ids, need))) {
        json_t *stored = store_circles(r, e), *m = json_object(), *c;
        size_t k;
        if (!stored || !m) {
            json_decref(stored);
            json_decref(m);
            pthread_mutex_unlock(&w->hour_lock);
            return NULL;
        }
        json_array_foreach(stored, k, c)
        {
            const char *name = json_string_value(json_object_get(c, "name"));
            if (name)
                json_object_set(m, name, json_object_get(c, "id"));
        }
        json_decref(stored);
        json_decref(w->circle_ids);
        w->circle_ids = m;
        w->circle_ids_gen++;
    }
    ids = json_incref(w->circle_ids);
    pthread_mutex_unlock(&w->hour_lock);
    return ids;
}

/* the analysis' areas (only: one circle, SIZE_MAX all), each circle with the store's id */
static json_t *areas_with_ids(qt__req *r, const qt_analysis *a, const qt_analysis *stats, const qt__whatif_result *q,
                              size_t only, const qt__whatif_result *changed, int brief, qt_error *e)
{
    json_t *areas = qt__planner_areas_quick(r->s->web->planner, a, stats, q, only, changed, brief);
    json_t *ids = circle_ids(r, NULL, e);
    if (!areas || !ids) {
        json_decref(areas);
        json_decref(ids);
        return NULL;
    }
    size_t i;
    json_t *c, *id;
    json_array_foreach(json_object_get(areas, "circles"), i, c)
    {
        if ((id = json_object_get(ids, json_string_value(json_object_get(c, "name")))) != NULL)
            json_object_set(c, "id", id);
    }
    json_decref(ids);
    return areas;
}

typedef struct circle_name {
    char name[256];
} circle_name;

static qt_status name_of(void *ud, const qt_store_circle *c, qt_error *err)
{
    (void)err;
    snprintf(((circle_name *)ud)->name, sizeof((circle_name *)ud)->name, "%s", c->name);
    return QT_OK;
}

enum MHD_Result qt__api_planner_circles(qt__req *r)
{
    qt__web *w = r->s->web;
    qt_error e = QT_ERROR_INIT;
    qt_error_clear(&e);
    enum MHD_Result res = MHD_NO;
    json_t *j;
    if (!w->planner) {
        j = store_circles(r, &e);
        if (!j)
            return qt__reply_status(r, &e);
        return qt__reply_json(r, 200, json_pack("{s:o, s:n}", "circles", j, "city"));
    }
    /* ?circle_id=ID: that circle only (with the city); ?brief=1: no per-业态 figures (a long list) */
    double cid = 0;
    size_t only = SIZE_MAX;
    int brief = qt__req_arg(r, "brief") && strcmp(qt__req_arg(r, "brief"), "1") == 0;
    if (qt__req_num(r, "circle_id", 1, 9.2e18, &cid) < 0)
        return qt__reply_error(r, QT_EINVAL, "circle_id", "circle_id is a circle's number");
    if (cid > 0) {
        circle_name cn = {""};
        char period[16];
        qt__period_now(r->s, period);
        if (qt_store_circle_get(r->st, (int64_t)cid, period, name_of, &cn, &e) != QT_OK)
            return qt__reply_status(r, &e);
        if ((only = qt__planner_circle_index(w->planner, cn.name)) == SIZE_MAX)
            return qt__reply_error(r, QT_ENOTFOUND, "circle_id", "circle %.0f is not in the planning project", cid);
    }
    const qt_analysis *a = analysis_for(r, w, &res);
    if (!a)
        return res;
    /* the dashboard's first view, the brief list of the baseline, is made once and kept
       (again when the store's circle ids change) */
    int keep = brief && only == SIZE_MAX && a == w->planner->base;
    if (keep) {
        char *text = NULL;
        size_t len = 0;
        pthread_mutex_lock(&w->hour_lock);
        if (w->circles_brief && w->circles_brief_gen == w->circle_ids_gen && (text = malloc(w->circles_brief_len)))
            memcpy(text, w->circles_brief, len = w->circles_brief_len);
        pthread_mutex_unlock(&w->hour_lock);
        if (text)
            return qt__reply_text(r, 200, text, len, "application/json; charset=utf-8");
    }
    j = areas_with_ids(r, a, NULL, NULL, only, NULL, brief, &e);
    if (!j)
        return e.code ? qt__reply_status(r, &e) : MHD_NO;
    if (keep) {
        char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
        if (text) {
            size_t len = strlen(text);
            pthread_mutex_lock(&w->hour_lock);
            free(w->circles_brief);
            w->circles_brief = text;
            w->circles_brief_len = len;
            w->circles_brief_gen = w->circle_ids_gen;
            text = malloc(len);
            if (text)
                memcpy(text, w->circles_brief, len);
            pthread_mutex_unlock(&w->hour_lock);
            if (text) {
                json_decref(j);
                return qt__reply_text(r, 200, text, len, "application/json; charset=utf-8");
            }
        }
    }
    return qt__reply_json(r, 200, j);
}

typedef struct outlets_of {
    const char *circle;
    json_t *list;
} outlets_of;

static qt_status outlet_row(void *ud, const qt_store_outlet *o, qt_error *err)
{
    outlets_of *oo = ud;
    (void)err;
    if (!o->circle || strcmp(o->circle, oo->circle) != 0)
        return QT_OK;
    json_t *sv = json_array();
    if (o->services && sv) {
        const char *p = o->services;
        while (*p) {
            size_t n = strcspn(p, ";；");
            if (n)
                json_array_append_new(sv, json_stringn(p, n));
            p += n;
            if (*p == ';')
                p++;
            else if (*p)
                p += strlen("；");
        }
    }
    json_t *row = json_pack("{s:I, s:s, s:s?, s:f, s:f, s:s, s:o}", "id", (json_int_t)o->id, "name",
                            o->name ? o->name : "", "category", o->category, "lon", o->lon, "lat", o->lat,
                            "opening_hours", o->opening_hours ? o->opening_hours : "", "services",
                            sv ? sv : json_array());
    if (row && o->closed_at) /* the operator sees a closed shop, marked */
        json_object_set_new(row, "closed", json_true());
    json_array_append_new(oo->list, row);
    return QT_OK;
}

/* GET /api/v1/planner/circles/{id}/outlets: the outlets of one circle (for its operator) */
enum MHD_Result qt__api_planner_circle_outlets(qt__req *r)
{
    qt_error e = QT_ERROR_INIT;
    qt_error_clear(&e);
    circle_name cn = {""};
    char period[16];
    qt__period_now(r->s, period);
    if (qt_store_circle_get(r->st, r->id, period, name_of, &cn, &e) != QT_OK)
        return qt__reply_status(r, &e);
    outlets_of oo = {cn.name, json_array()};
    if (!oo.list)
        return MHD_NO;
    if (qt_store_outlets_each(r->st, outlet_row, &oo, &e) != QT_OK) {
        json_decref(oo.list);
        return qt__reply_status(r, &e);
    }
    return qt__reply_json(
        r, 200, json_pack("{s:I, s:s, s:o}", "circle_id", (json_int_t)r->id, "circle", cn.name, "outlets", oo.list));
}

/* the store's outlets as points, when there is no project */
static qt_status outlet_point(void *ud, const qt_store_outlet *o, qt_error *err)
{
    (void)err;
    json_array_append_new(ud, json_pack("{s:s, s:{s:s, s:[f,f]}, s:{s:I, s:s, s:s?}}", "type", "Feature", "geometry",
                                        "type", "Point", "coordinates", o->lon, o->lat, "properties", "id",
                                        (json_int_t)o->id, "name", o->name ? o->name : "", "category", o->category));
    return QT_OK;
}

static json_t *store_outlets(qt__req *r, qt_error *e)
{
    json_t *f = json_array();
    if (!f || qt_store_outlets_each(r->st, outlet_point, f, e) != QT_OK) {
        json_decref(f);
        return NULL;
    }
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", f);
}

static json_t *sites_layer(qt__req *r, qt__web *w, int cat, qt_error *e)
{
    const qt__planner *p = w->planner;
    qt_site_input in;
    qt_site_result *res = NULL;
    memset(&in, 0, sizeof in);
    in.graph = p->in.graph;
    in.profile = p->in.profile;
    in.residences = p->in.residences;
    in.analysis = p->base;
    in.category = (uint32_t)(cat >= 0 ? cat : 0);
    in.k = 3;
    in.exact = 0;
    in.threads = 1;
    in.snap_max_m = p->ao.snap_max_m;
    (void)r;
    pthread_mutex_lock(&w->whatif_lock);
    qt_status st = qt_site(&in, &res, e);
    pthread_mutex_unlock(&w->whatif_lock);
    if (st != QT_OK)
        return NULL;
    json_t *f = json_array();
    const char *code = qt_profile_category(p->in.profile, in.category)->code;
    for (size_t i = 0; f && i < res->nchosen; i++) {
        size_t c = res->chosen[i];
        json_array_append_new(f, json_pack("{s:s, s:{s:s, s:[f,f]}, s:{s:s, s:i, s:f}}", "type", "Feature", "geometry",
                                           "type", "Point", "coordinates", res->cand_lon[c], res->cand_lat[c],
                                           "properties", "category", code, "rank", (int)i + 1, "serves",
                                           round(res->gain[i])));
    }
    qt_site_result_free(res);
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", f ? f : json_array());
}

/* GET /api/v1/planner/layers/NAME?category=&hour= */
enum MHD_Result qt__api_planner_layer(qt__req *r)
{
    qt__web *w = r->s->web;
    const char *name = r->url + strlen("/api/v1/planner/layers/");
    enum MHD_Result res = MHD_NO;
    qt_error e = QT_ERROR_INIT;
    qt_error_clear(&e);
    int cat;
    json_t *j = NULL;
    if (!w->planner) {
        if (strcmp(name, "outlets") == 0) {
            j = store_outlets(r, &e);
            return j ? qt__reply_json(r, 200, j) : qt__reply_status(r, &e);
        }
        return qt__reply_error(r, QT_ENOTFOUND, NULL,
                               "no layer '%.40s' without a planning project (quarter serve --project FILE)", name);
    }
    if (category_arg(r, w->planner, &cat, &res) < 0)
        return res;
    if (strcmp(name, "outlets") == 0)
        j = qt__planner_outlets(w->planner, cat);
    else if (strcmp(name, "circles") == 0)
        j = qt__planner_circle_shapes(w->planner);
    else if (strcmp(name, "sites") == 0) {
        j = sites_layer(r, w, cat, &e);
        if (!j && e.code)
            return qt__reply_status(r, &e);
    } else if (strcmp(name, "residences") == 0 || strcmp(name, "blind") == 0) {
        const qt_analysis *a = analysis_for(r, w, &res);
        if (!a)
            return res;
        j = name[0] == 'r' ? qt__planner_residences(w->planner, a, cat) : qt__planner_blind(w->planner, a, cat, 100);
    } else
        return qt__reply_error(r, QT_ENOTFOUND, NULL, "no layer '%.40s' (outlets, residences, blind, sites, circles)",
                               name);
    return qt__reply_json(r, 200, j);
}

/* POST /api/v1/planner/whatif {add: [{lon, lat, category}], hour?} -> {before, after} */
enum MHD_Result qt__api_planner_whatif(qt__req *r)
{
    qt__web *w = r->s->web;
    enum MHD_Result res = MHD_NO;
    qt_error e = QT_ERROR_INIT;
    qt_error_clear(&e);
    if (!w->planner)
        return qt__reply_error(r, QT_ENOTFOUND, NULL, "no planning project (quarter serve --project FILE)");
    json_t *body = qt__req_body(r, &res);
    if (!body)
        return res;
    json_t *add = json_object_get(body, "add"), *hour_j = json_object_get(body, "hour"), *o;
    int full = json_is_true(json_object_get(body, "full")); /* a whole new analysis, grades included */
    json_t *cid = json_object_get(body, "circle_id");
    size_t only = SIZE_MAX;
    if (cid && !json_is_null(cid)) {
        circle_name cn = {""};
        char period[16];
        qt__period_now(r->s, period);
        if (!json_is_integer(cid) ||
            qt_store_circle_get(r->st, json_integer_value(cid), period, name_of, &cn, &e) != QT_OK ||
            (only = qt__planner_circle_index(w->planner, cn.name)) == SIZE_MAX) {
            json_decref(body);
            return qt__reply_error(r, QT_ENOTFOUND, "circle_id", "no such circle in the planning project");
        }
    }
    qt__whatif_outlet wl[MAX_WHATIF];
    size_t n = 0, i;
    int hour = -1;
    if (!json_is_array(add) || json_array_size(add) < 1 || json_array_size(add) > MAX_WHATIF) {
        json_decref(body);
        return qt__reply_error(r, QT_EINVAL, "add", "add is a list of 1 to %d outlets {lon, lat, category}",
                               MAX_WHATIF);
    }
    if (hour_j && !json_is_null(hour_j)) {
        if (!json_is_integer(hour_j) || json_integer_value(hour_j) < 0 || json_integer_value(hour_j) > 23) {
            json_decref(body);
            return qt__reply_error(r, QT_EINVAL, "hour", "hour is a whole number from 0 to 23");
        }
        hour = (int)json_integer_value(hour_j);
    }
    json_array_foreach(add, i, o)
    {
        json_t *lon = json_object_get(o, "lon"), *lat = json_object_get(o, "lat"), *c = json_object_get(o, "category");
        int k = json_is_string(c) ? qt_profile_find(w->planner->in.profile, json_string_value(c)) : -1;
        if (!json_is_number(lon) || !json_is_number(lat) || fabs(json_number_value(lon)) > 180 ||
            fabs(json_number_value(lat)) > 90 || k < 0) {
            json_decref(body);
            return qt__reply_error(r, QT_EINVAL, "add",
                                   "outlet %zu needs lon, lat (WGS-84) and a category of the profile", i + 1);
        }
        wl[n++] = (qt__whatif_outlet){json_number_value(lon), json_number_value(lat), k};
    }
    json_decref(body);
    if (hour < 0 && !full) {
        /* the quick what-if: one bounded search per added outlet on the baseline */
        qt__whatif_add qa[MAX_WHATIF];
        qt__whatif_result *q = NULL;
        for (i = 0; i < n; i++)
            qa[i] = (qt__whatif_add){wl[i].lon, wl[i].lat, wl[i].category};
        pthread_mutex_lock(&w->whatif_lock);
        qt_status qs = qt__whatif_run(w->planner->quick, qa, n, &q, &e);
        pthread_mutex_unlock(&w->whatif_lock);
        if (qs != QT_OK)
            return qt__reply_status(r, &e);
        /* without circle_id, the circles the what-if changes (a city has thousands) */
        size_t pick = only == SIZE_MAX ? QT__PLANNER_CHANGED : only;
        json_t *bj = areas_with_ids(r, w->planner->base, NULL, NULL, pick, q, 0, &e);
        json_t *aj = bj ? areas_with_ids(r, w->planner->base, NULL, q, pick, q, 0, &e) : NULL;
        size_t unplaced = q->unplaced;
        qt__whatif_result_free(q);
        if (!bj || !aj) {
            json_decref(bj);
            json_decref(aj);
            return e.code ? qt__reply_status(r, &e) : MHD_NO;
        }
        return qt__reply_json(r, 200,
                              json_pack("{s:o, s:o, s:s, s:I}", "before", bj, "after", aj, "method", "quick",
                                        "unplaced", (json_int_t)unplaced));
    }
    const qt_analysis *after;
    qt_analysis *owned = NULL;
    pthread_mutex_lock(&w->whatif_lock);
    qt_status st = qt__planner_run(w->planner, wl, n, hour, &after, &owned, &e);
    pthread_mutex_unlock(&w->whatif_lock);
    if (st != QT_OK)
        return qt__reply_status(r, &e);
    json_t *aj = areas_with_ids(r, after, NULL, NULL, only, NULL, 0, &e);
    json_t *bj = after->before ? areas_with_ids(r, after, after->before, NULL, only, NULL, 0, &e) : NULL;
    qt_analysis_free(owned);
    if (!aj) {
        json_decref(bj);
        return e.code ? qt__reply_status(r, &e) : MHD_NO;
    }
    json_t *j = json_pack("{s:o, s:o, s:s}", "before", bj ? bj : json_null(), "after", aj, "method", "full");
    return qt__reply_json(r, 200, j);
}

typedef struct trend {
    json_t *circles; /* object: id -> {id, name, snapshots: []} */
    int brief;       /* each snapshot with residents_all_basic only, not all its indicators */
} trend;

static qt_status snap_row(void *ud, const qt_store_snapshot *sn, qt_error *err)
{
    trend *t = ud;
    char key[32];
    (void)err;
    snprintf(key, sizeof key, "%lld", (long long)sn->circle_id);
    json_t *c = json_object_get(t->circles, key);
    if (!c) {
        c = json_pack("{s:I, s:s, s:[]}", "id", (json_int_t)sn->circle_id, "name", sn->circle ? sn->circle : "",
                      "snapshots");
        if (!c)
            return QT_OK;
        json_object_set_new(t->circles, key, c);
    }
    json_t *ind = NULL;
    if (t->brief && sn->indicators_json) {
        /* only residents_all_basic: read from the text, not a parse of every snapshot's indicators (the
         * import writes it as the second member, before any nested one; anything else is parsed) */
        const char *k = strstr(sn->indicators_json, "\"residents_all_basic\":");
        char *end = NULL;
        double v = k ? strtod(k + sizeof "\"residents_all_basic\":" - 1, &end) : NAN;
        if (k && end && end != k + sizeof "\"residents_all_basic\":" - 1 && (*end == ',' || *end == '}') &&
            isfinite(v)) {
            ind = json_pack("{s:f}", "residents_all_basic", v);
        } else if ((ind = json_loads(sn->indicators_json, 0, NULL)) != NULL) {
            json_t *ab = json_object_get(ind, "residents_all_basic");
            json_t *keep = json_pack("{s:O?}", "residents_all_basic", json_is_number(ab) ? ab : NULL);
            json_decref(ind);
            ind = keep;
        }
    } else if (sn->indicators_json) {
        ind = json_loads(sn->indicators_json, 0, NULL);
    }
    json_array_append_new(json_object_get(c, "snapshots"),
                          json_pack("{s:I, s:s?, s:o}", "at", (json_int_t)sn->at, "grade", sn->grade, "indicators",
                                    ind ? ind : json_null()));
    return QT_OK;
}

static int grade_rank(const qt__planner *p, const char *g)
{
    if (!g || !p)
        return -1;
    for (size_t i = 0; i < qt_profile_grade_count(p->in.profile); i++)
        if (strcmp(qt_profile_grade(p->in.profile, i)->name, g) == 0)
            return (int)i;
    return -1;
}

/* GET /api/v1/planner/trends: each circle's snapshots (oldest first), and
 * the circles whose grade rose since the snapshot before the last */
enum MHD_Result qt__api_planner_trends(qt__req *r)
{
    qt_error e = QT_ERROR_INIT;
    qt_error_clear(&e);
    const char *brief = qt__req_arg(r, "brief");
    trend t = {json_object(), brief && strcmp(brief, "1") == 0};
    if (!t.circles)
        return MHD_NO;
    if (qt_store_snapshots_each(r->st, 0, 40, snap_row, &t, &e) != QT_OK) {
        json_decref(t.circles);
        return qt__reply_status(r, &e);
    }
    json_t *list = json_array(), *up = json_array(), *c;
    const char *key;
    json_object_foreach(t.circles, key, c)
    {
        json_t *snaps = json_object_get(c, "snapshots");
        size_t n = json_array_size(snaps);
        if (n >= 2) {
            const char *g0 = json_string_value(json_object_get(json_array_get(snaps, n - 2), "grade"));
            const char *g1 = json_string_value(json_object_get(json_array_get(snaps, n - 1), "grade"));
            if (grade_rank(r->s->web->planner, g1) > grade_rank(r->s->web->planner, g0))
                json_array_append(up, json_object_get(c, "name"));
        }
        json_array_append(list, c);
    }
    json_decref(t.circles);
    return qt__reply_json(r, 200, json_pack("{s:o, s:o}", "circles", list, "moved_up", up));
}

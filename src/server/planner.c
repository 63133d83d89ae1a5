/* SPDX-License-Identifier: MIT */
/*
 * server/planner.c -- the planner dashboard's computations as JSON
 * (server/planner.h).  Every figure comes from qt_analyze; this file only
 * arranges them for the page.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "quarter/io.h"
#include "quarter/plan.h"
#include "server/planner.h"

static qt_status circle_boxes(qt__planner *p, qt_error *err);

qt_status qt__planner_new(const qt_analysis_input *in, const qt_analysis_opts *ao, qt__planner **out, qt_error *err)
{
    *out = NULL;
    qt__planner *p = qt__calloc(1, sizeof *p);
    if (!p)
        return qt_error_set(err, QT_ENOMEM, "planner", _("out of memory"));
    p->in = *in;
    p->in.what_if = NULL;
    p->ao = *ao;
    p->ao.progress = NULL;
    qt_status st = qt_analyze(&p->in, &p->ao, &p->base, err);
    if (st == QT_OK) {
        qt__whatif_homes homes = {p->in.residences->lon, p->in.residences->lat, p->in.residences->population};
        st = qt__whatif_new(p->in.graph, p->in.profile, &homes, &p->ao, p->base, &p->quick, err);
    }
    if (st == QT_OK)
        st = circle_boxes(p, err);
    if (st != QT_OK) {
        qt__whatif_free(p->quick);
        qt_analysis_free(p->base);
        qt__free(p->bbox);
        qt__free(p);
        return st;
    }
    *out = p;
    return QT_OK;
}

void qt__planner_free(qt__planner *p)
{
    if (!p)
        return;
    qt__whatif_free(p->quick);
    qt_analysis_free(p->base);
    qt__free(p->bbox);
    qt__free(p);
}

/* a what-if outlet list; every column the analysis reads is filled */
typedef struct wl_buf {
    qt_outlet_list l;
    char *empty;
} wl_buf;

static void wl_free(wl_buf *w)
{
    qt__free(w->l.id);
    qt__free(w->l.name);
    qt__free(w->l.lon);
    qt__free(w->l.lat);
    qt__free(w->l.category);
    qt__free(w->l.rule_line);
    qt__free(w->l.line);
    qt__free(w->l.brand);
    qt__free(w->l.chain);
    qt__free(w->l.floor_area);
    qt__free(w->l.staff);
    qt__free(w->l.hours);
    qt__free(w->l.services);
}

static int wl_fill(wl_buf *w, const qt__whatif_outlet *add, size_t n)
{
    static char empty[1] = "";
    static char whatif_id[] = "what-if";
    memset(w, 0, sizeof *w);
    qt_outlet_list *l = &w->l;
    l->n = n;
    l->id = qt__calloc(n, sizeof *l->id);
    l->name = qt__calloc(n, sizeof *l->name);
    l->lon = qt__calloc(n, sizeof *l->lon);
    l->lat = qt__calloc(n, sizeof *l->lat);
    l->category = qt__calloc(n, sizeof *l->category);
    l->rule_line = qt__calloc(n, sizeof *l->rule_line);
    l->line = qt__calloc(n, sizeof *l->line);
    l->brand = qt__calloc(n, sizeof *l->brand);
    l->chain = qt__calloc(n, sizeof *l->chain);
    l->floor_area = qt__calloc(n, sizeof *l->floor_area);
    l->staff = qt__calloc(n, sizeof *l->staff);
    l->hours = qt__calloc(n, sizeof *l->hours);
    l->services = qt__calloc(n, sizeof *l->services);
    if (!l->id || !l->name || !l->lon || !l->lat || !l->category || !l->rule_line || !l->line || !l->brand ||
        !l->chain || !l->floor_area || !l->staff || !l->hours || !l->services)
        return -1;
    for (size_t i = 0; i < n; i++) {
        l->id[i] = whatif_id;
        l->name[i] = empty;
        l->brand[i] = empty;
        l->hours[i] = empty; /* unknown hours count as open */
        l->services[i] = empty;
        l->lon[i] = add[i].lon;
        l->lat[i] = add[i].lat;
        l->category[i] = add[i].category;
        l->line[i] = i + 1;
        l->floor_area[i] = NAN;
        l->staff[i] = NAN;
    }
    return 0;
}

qt_status qt__planner_run(const qt__planner *p, const qt__whatif_outlet *add, size_t n, int hour, const qt_analysis **a,
                          qt_analysis **owned, qt_error *err)
{
    *owned = NULL;
    *a = p->base;
    if (n == 0 && hour < 0)
        return QT_OK;
    qt_analysis_input in = p->in;
    qt_analysis_opts ao = p->ao;
    wl_buf w;
    memset(&w, 0, sizeof w);
    if (n > 0) {
        if (wl_fill(&w, add, n) != 0) {
            wl_free(&w);
            return qt_error_set(err, QT_ENOMEM, "what-if", _("out of memory"));
        }
        in.what_if = &w.l;
    }
    if (hour >= 0) {
        time_t now = time(NULL) + 8 * 3600; /* China Standard Time, where the opening hours are */
        struct tm tm;
        gmtime_r(&now, &tm);
        ao.at_minute = hour * 60;
        ao.at_weekday = (tm.tm_wday + 6) % 7; /* Mo = 0 */
    }
    ao.threads = 1; /* one request, one core: the server's other threads keep answering */
    qt_status st = qt_analyze(&in, &ao, owned, err);
    wl_free(&w);
    if (st == QT_OK)
        *a = *owned;
    return st;
}

static json_t *met_obj(double value, double target)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "value", isfinite(value) ? json_real(round(value * 1e4) / 1e4) : json_null());
    json_object_set_new(o, "target", isfinite(target) ? json_real(target) : json_null());
    int met = qt_target_met(value, target);
    json_object_set_new(o, "met", met < 0 ? json_null() : json_boolean(met));
    return o;
}

/* the figures of s, or where q is given the quick what-if's recounted coverage and all_basic */
static json_t *area_json_q(const qt__planner *p, const qt_analysis *a, const qt_area_stats *s, const char *name,
                           const double *bbox, const qt__whatif_area *q, int brief)
{
    const qt_profile *pf = p->in.profile;
    const qt_targets *tg = qt_profile_targets(pf);
    json_t *cov = json_object(), *demand = json_array();
    for (size_t k = 0; !brief && cov && demand && k < a->ncat; k++) {
        const qt_category *c = qt_profile_category(pf, k);
        double cv = q ? q->coverage[k] : s->coverage[k];
        json_t *m = met_obj(cv, tg->present_share);
        if (m) {
            json_object_set_new(m, "ring_min", json_real(c->ring_min));
            json_object_set_new(m, "class", json_string(c->cls == QT_CLASS_BASIC ? "basic" : "quality"));
        }
        json_object_set_new(cov, c->code, m);
        if (isfinite(cv) && qt_target_met(cv, tg->present_share) == 0 && (c->cls == QT_CLASS_BASIC || c->required))
            json_array_append_new(demand, json_string(c->code));
    }
    const char *grade = s->grade >= 0 ? qt_profile_grade(pf, (size_t)s->grade)->name : "未达标";
    json_t *ind = json_pack("{s:f, s:o, s:o, s:s, s:o, s:i, s:i, s:i}", "population", s->population,
                            "residents_all_basic", met_obj(q ? q->all_basic : s->all_basic, tg->residents_all_basic),
                            "coverage", cov ? cov : json_object(), "reasons", s->reasons ? s->reasons : "", "demand",
                            demand ? demand : json_array(), "outlets", (int)s->outlets, "communities",
                            (int)s->communities, "communities_covered", (int)s->communities_covered);
    if (ind) { /* the reasons as data, for the pages to word in their language (docs/http-api.md) */
        char *why = qt_grade_reasons(s, pf, QT_REASONS_JSON);
        json_object_set_new(ind, "why", why ? json_loads(why, 0, NULL) : NULL);
        free(why);
    }
    if (ind && brief) { /* a long list: no per-业态 figures */
        json_object_del(ind, "coverage");
        json_object_del(ind, "demand");
    }
    json_t *j = json_pack("{s:s, s:s, s:o}", "name", name, "grade", grade, "indicators", ind ? ind : json_null());
    if (j && bbox && isfinite(bbox[0]))
        json_object_set_new(j, "bbox", json_pack("[f,f,f,f]", bbox[0], bbox[1], bbox[2], bbox[3]));
    if (j && q)
        json_object_set_new(j, "grade_recomputed", json_false());
    return j;
}

/* per residence, its circle (SIZE_MAX: none) */
static size_t *residence_circles(const qt_analysis *a)
{
    size_t *rc = qt__malloc((a->nres + 1) * sizeof *rc);
    size_t *com_circle = qt__malloc((a->ncommunities + 1) * sizeof *com_circle);
    if (!rc || !com_circle) {
        qt__free(rc);
        qt__free(com_circle);
        return NULL;
    }
    for (size_t k = 0; k < a->ncommunities; k++)
        com_circle[k] = SIZE_MAX;
    for (size_t i = 0; i < a->ncircles; i++)
        for (size_t k = a->circle_start[i]; k < a->circle_start[i + 1]; k++)
            if (com_circle[a->circle_member[k]] == SIZE_MAX)
                com_circle[a->circle_member[k]] = i;
    for (size_t r = 0; r < a->nres; r++)
        rc[r] = a->res_community[r] != UINT32_MAX ? com_circle[a->res_community[r]] : SIZE_MAX;
    qt__free(com_circle);
    return rc;
}

/* each circle's box: the residences of its communities (NAN: none), once for the baseline */
static qt_status circle_boxes(qt__planner *p, qt_error *err)
{
    const qt_analysis *a = p->base;
    const qt_residence_list *r = p->in.residences;
    size_t *rc = residence_circles(a);
    p->bbox = qt__malloc((a->ncircles + 1) * 4 * sizeof *p->bbox);
    if (!rc || !p->bbox) {
        qt__free(rc);
        return qt_error_set(err, QT_ENOMEM, "planner", _("out of memory"));
    }
    for (size_t i = 0; i < a->ncircles; i++) {
        p->bbox[4 * i] = p->bbox[4 * i + 1] = INFINITY;
        p->bbox[4 * i + 2] = p->bbox[4 * i + 3] = -INFINITY;
    }
    for (size_t k = 0; k < a->nres; k++) {
        size_t c = rc[k];
        if (c == SIZE_MAX)
            continue;
        p->bbox[4 * c] = fmin(p->bbox[4 * c], r->lon[k]);
        p->bbox[4 * c + 1] = fmin(p->bbox[4 * c + 1], r->lat[k]);
        p->bbox[4 * c + 2] = fmax(p->bbox[4 * c + 2], r->lon[k]);
        p->bbox[4 * c + 3] = fmax(p->bbox[4 * c + 3], r->lat[k]);
    }
    qt__free(rc);
    return QT_OK;
}

size_t qt__planner_circle_index(const qt__planner *p, const char *name)
{
    for (size_t i = 0; name && i < p->base->ncircles; i++)
        if (strcmp(p->base->circle[i], name) == 0)
            return i;
    return SIZE_MAX;
}

static int differs(double x, double y)
{
    return isnan(x) != isnan(y) || (!isnan(x) && fabs(x - y) > 1e-12);
}

int qt__planner_circle_changed(const qt_analysis *stats, const qt__whatif_result *changed, size_t i)
{
    const qt_area_stats *s = &stats->circles_stats[i];
    const qt__whatif_area *w = &changed->circles[i];
    size_t c;
    if (differs(s->all_basic, w->all_basic))
        return 1;
    for (c = 0; c < stats->ncat; c++)
        if (differs(s->coverage[c], w->coverage[c]))
            return 1;
    return 0;
}

json_t *qt__planner_areas_quick(const qt__planner *p, const qt_analysis *a, const qt_analysis *stats,
                                const qt__whatif_result *q, size_t only, const qt__whatif_result *changed, int brief)
{
    if (!stats)
        stats = a;
    json_t *circles = json_array();
    if (!circles)
        return NULL;
    /* every analysis of the project has the baseline's circles, so its boxes */
    const double *bb = a->ncircles == p->base->ncircles ? p->bbox : NULL;
    for (size_t i = 0; i < a->ncircles; i++)
        if (only == SIZE_MAX || only == i ||
            (only == QT__PLANNER_CHANGED && qt__planner_circle_changed(stats, changed, i)))
            json_array_append_new(circles, area_json_q(p, a, &stats->circles_stats[i], a->circle[i],
                                                       bb ? bb + 4 * i : NULL, q ? &q->circles[i] : NULL, brief));
    return json_pack("{s:o, s:o}", "city", area_json_q(p, a, &stats->city, "city", NULL, q ? &q->city : NULL, 0),
                     "circles", circles);
}

static json_t *point(double lon, double lat, json_t *props)
{
    return json_pack("{s:s, s:{s:s, s:[f,f]}, s:o}", "type", "Feature", "geometry", "type", "Point", "coordinates", lon,
                     lat, "properties", props ? props : json_object());
}

static json_t *collection(json_t *features)
{
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features ? features : json_array());
}

json_t *qt__planner_residences(const qt__planner *p, const qt_analysis *a, int cat)
{
    const qt_residence_list *r = p->in.residences;
    json_t *f = json_array();
    if (cat < 0 || (size_t)cat >= a->ncat)
        cat = 0;
    for (size_t i = 0; f && i < r->n && i < a->nres; i++) {
        if (!a->res_placed[i])
            continue;
        float m = a->minutes[i * a->ncat + (size_t)cat];
        json_t *props = json_pack("{s:f, s:o}", "population", r->population[i], "minutes",
                                  isfinite(m) ? json_real(round(m * 10) / 10) : json_null());
        json_array_append_new(f, point(r->lon[i], r->lat[i], props));
    }
    return collection(f);
}

typedef struct cell {
    int64_t key;
    double pop;
} cell;

static int by_key(const void *x, const void *y)
{
    int64_t a = ((const cell *)x)->key, b = ((const cell *)y)->key;
    return a < b ? -1 : a > b;
}

json_t *qt__planner_blind(const qt__planner *p, const qt_analysis *a, int cat, double cell_m)
{
    const qt_residence_list *r = p->in.residences;
    const qt_profile *pf = p->in.profile;
    if (!(cell_m >= 20 && cell_m <= 2000))
        cell_m = 100;
    cell *cells = qt__malloc((r->n + 1) * sizeof *cells);
    json_t *f = json_array();
    if (!cells || !f) {
        qt__free(cells);
        json_decref(f);
        return NULL;
    }
    double lat0 = 0;
    for (size_t i = 0; i < r->n; i++)
        lat0 += r->lat[i] / (double)r->n;
    double dlat = cell_m / 111320.0, dlon = cell_m / (111320.0 * cos(lat0 * 3.14159265358979323846 / 180));
    size_t n = 0;
    for (size_t i = 0; i < r->n && i < a->nres; i++) {
        if (!a->res_placed[i])
            continue;
        int unserved = 0;
        for (size_t k = 0; k < a->ncat && !unserved; k++) {
            const qt_category *c = qt_profile_category(pf, k);
            if (cat >= 0 ? (int)k != cat : !(c->cls == QT_CLASS_BASIC && c->required))
                continue;
            unserved = !(a->minutes[i * a->ncat + k] <= c->ring_min);
        }
        if (!unserved)
            continue;
        int64_t cx = (int64_t)floor((r->lon[i] + 180) / dlon), cy = (int64_t)floor((r->lat[i] + 90) / dlat);
        cells[n].key = cy * 100000000LL + cx;
        cells[n].pop = r->population[i];
        n++;
    }
    qsort(cells, n, sizeof *cells, by_key);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double pop = 0;
        while (j < n && cells[j].key == cells[i].key)
            pop += cells[j++].pop;
        int64_t cy = cells[i].key / 100000000LL, cx = cells[i].key % 100000000LL;
        double w = cx * dlon - 180, s = cy * dlat - 90, e = w + dlon, nn = s + dlat;
        json_t *g = json_pack("{s:s, s:{s:s, s:[[[f,f],[f,f],[f,f],[f,f],[f,f]]]}, s:{s:f}}", "type", "Feature",
                              "geometry", "type", "Polygon", "coordinates", w, s, e, s, e, nn, w, nn, w, s,
                              "properties", "unserved", round(pop));
        json_array_append_new(f, g);
        i = j;
    }
    qt__free(cells);
    return collection(f);
}

json_t *qt__planner_outlets(const qt__planner *p, int cat)
{
    const qt_outlet_list *o = p->in.outlets;
    const qt_profile *pf = p->in.profile;
    json_t *f = json_array();
    for (size_t i = 0; f && i < o->n; i++) {
        if (o->category[i] < 0 || (cat >= 0 && o->category[i] != cat))
            continue;
        const qt_category *c = qt_profile_category(pf, (size_t)o->category[i]);
        json_array_append_new(f, point(o->lon[i], o->lat[i],
                                       json_pack("{s:s, s:s, s:s}", "name", o->name[i], "category", c->code, "class",
                                                 c->cls == QT_CLASS_BASIC ? "basic" : "quality")));
    }
    return collection(f);
}

typedef struct pt {
    double x, y;
} pt;

static int by_xy(const void *a, const void *b)
{
    const pt *p = a, *q = b;
    return p->x < q->x ? -1 : p->x > q->x ? 1 : p->y < q->y ? -1 : p->y > q->y;
}

static double cross(pt o, pt a, pt b)
{
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* convex hull (Andrew's monotone chain) of pts[0..n) into hull; returns its size */
static size_t hull(pt *pts, size_t n, pt *h)
{
    size_t k = 0;
    qsort(pts, n, sizeof *pts, by_xy);
    for (size_t i = 0; i < n; i++) {
        while (k >= 2 && cross(h[k - 2], h[k - 1], pts[i]) <= 0)
            k--;
        h[k++] = pts[i];
    }
    for (size_t i = n - 1, t = k + 1; i-- > 0;) {
        while (k >= t && cross(h[k - 2], h[k - 1], pts[i]) <= 0)
            k--;
        h[k++] = pts[i];
    }
    return k > 1 ? k - 1 : k;
}

json_t *qt__planner_circle_shapes(const qt__planner *p)
{
    const qt_analysis *a = p->base;
    const qt_residence_list *r = p->in.residences;
    size_t *rc = residence_circles(a);
    pt *pts = qt__malloc((a->nres + 1) * sizeof *pts), *h = qt__malloc((2 * a->nres + 2) * sizeof *h);
    json_t *f = json_array();
    if (!rc || !pts || !h || !f) {
        qt__free(rc);
        qt__free(pts);
        qt__free(h);
        json_decref(f);
        return NULL;
    }
    for (size_t c = 0; c < a->ncircles; c++) {
        size_t n = 0;
        for (size_t i = 0; i < a->nres; i++)
            if (rc[i] == c)
                pts[n++] = (pt){r->lon[i], r->lat[i]};
        if (n < 3)
            continue;
        size_t k = hull(pts, n, h);
        if (k < 3)
            continue;
        json_t *ring = json_array();
        for (size_t i = 0; i <= k; i++)
            json_array_append_new(ring, json_pack("[f,f]", h[i % k].x, h[i % k].y));
        json_array_append_new(f, json_pack("{s:s, s:{s:s, s:[o]}, s:{s:s}}", "type", "Feature", "geometry", "type",
                                           "Polygon", "coordinates", ring, "properties", "name", a->circle[c]));
    }
    qt__free(rc);
    qt__free(pts);
    qt__free(h);
    return collection(f);
}

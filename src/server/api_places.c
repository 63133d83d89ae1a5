/* SPDX-License-Identifier: MIT */
/*
 * server/api_places.c -- GET /api/v1/places?q=: what the resident's "address
 * or community name" box finds.  Communities (社区) and circles (生活圈) come
 * from the planning project's analysis (`serve --project`), placed at the
 * population-weighted centre of their residences; residences whose id is a
 * name (小区, not an OSM or table number) are places too; outlets (网点) come
 * from the store's name/address search.  The list of named places is built
 * once at start (qt__places_build) and only read afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "server/api.h"
#include "server/reply.h"
#include "server/web.h"

#define PLACES_MAX_LIMIT 50

static const char *const kind_name[] = {"community", "circle", "residence", "outlet"};

/* a residence id that holds a non-ASCII letter is a name (小区名称), not a number */
static int is_name(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

static int place_push(qt__web *w, size_t *cap, int kind, const char *name, double lon, double lat, const char *circle)
{
    if (qt__grow((void **)&w->places, cap, w->nplaces + 1, sizeof *w->places) != 0)
        return -1;
    w->places[w->nplaces++] = (qt__place){name, circle, lon, lat, kind};
    return 0;
}

qt_status qt__places_build(qt__web *w, qt_error *err)
{
    const qt__planner *p = w->planner;
    if (!p)
        return QT_OK;
    const qt_analysis *a = p->base;
    const qt_residence_list *rl = p->in.residences;
    size_t nc = a->ncommunities, cap = 0;
    double *sum = qt__calloc(3 * (nc ? nc : 1), sizeof *sum); /* per community: weight, lon x weight, lat x weight */
    const char **circle_of = qt__calloc(nc ? nc : 1, sizeof *circle_of);
    if (!sum || !circle_of)
        goto oom;
    for (size_t ci = 0; ci < a->ncircles; ci++)
        for (size_t k = a->circle_start[ci]; k < a->circle_start[ci + 1]; k++)
            if (a->circle_member[k] < nc && !circle_of[a->circle_member[k]])
                circle_of[a->circle_member[k]] = a->circle[ci];
    for (size_t i = 0; i < a->nres && i < rl->n; i++) {
        uint32_t c = a->res_community[i];
        if (!a->res_placed[i])
            continue;
        if (c < nc) {
            double wt = rl->population[i] > 0 ? rl->population[i] : 1;
            sum[3 * c] += wt;
            sum[3 * c + 1] += wt * rl->lon[i];
            sum[3 * c + 2] += wt * rl->lat[i];
        }
        if (is_name(rl->id[i]) && place_push(w, &cap, QT__PLACE_RESIDENCE, rl->id[i], rl->lon[i], rl->lat[i],
                                             c < nc ? circle_of[c] : NULL) != 0)
            goto oom;
    }
    for (size_t c = 0; c < nc; c++)
        if (sum[3 * c] > 0 && place_push(w, &cap, QT__PLACE_COMMUNITY, a->community[c], sum[3 * c + 1] / sum[3 * c],
                                         sum[3 * c + 2] / sum[3 * c], circle_of[c]) != 0)
            goto oom;
    for (size_t ci = 0; ci < a->ncircles; ci++) {
        double wt = 0, lon = 0, lat = 0;
        for (size_t k = a->circle_start[ci]; k < a->circle_start[ci + 1]; k++) {
            uint32_t c = a->circle_member[k];
            if (c < nc) {
                wt += sum[3 * c];
                lon += sum[3 * c + 1];
                lat += sum[3 * c + 2];
            }
        }
        if (wt > 0 && place_push(w, &cap, QT__PLACE_CIRCLE, a->circle[ci], lon / wt, lat / wt, NULL) != 0)
            goto oom;
    }
    qt__free(sum);
    qt__free(circle_of);
    return QT_OK;
oom:
    qt__free(sum);
    qt__free(circle_of);
    return qt_error_set(err, QT_ENOMEM, "places", _("no memory for the place names"));
}

typedef struct hit {
    const char *name, *circle, *category;
    double lon, lat;
    int kind, rank; /* rank: 0 the whole name, 1 its start, 2 inside */
    int64_t id;
} hit;

static int hit_cmp(const void *pa, const void *pb)
{
    const hit *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank - b->rank;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    size_t la = strlen(a->name), lb = strlen(b->name);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int rank_of(const char *name, const char *q)
{
    const char *at = strstr(name, q);
    if (!at)
        return -1;
    return strcmp(name, q) == 0 ? 0 : at == name ? 1 : 2;
}

typedef struct outlet_hit {
    hit *h;
    char *name, *category;
} outlet_hit;

static qt_status outlet_place(void *ud, const qt_store_outlet *o, qt_error *err)
{
    outlet_hit *oh = ud;
    (void)err;
    oh->name = qt__strdup(o->name ? o->name : "");
    oh->category = o->category ? qt__strdup(o->category) : NULL;
    oh->h->lon = o->lon;
    oh->h->lat = o->lat;
    oh->h->id = o->id;
    return QT_OK;
}

/* GET /places?q=TEXT[&limit=10][&crs=]: named places and outlets whose name holds TEXT */
enum MHD_Result qt__api_places(qt__req *r)
{
    const qt__web *w = r->s->web;
    const char *q = qt__req_arg(r, "q");
    double limit_d = 10;
    int crs;
    enum MHD_Result res;
    qt_error e = QT_ERROR_INIT;
    if (qt__req_crs(r, &crs, &res) < 0)
        return res;
    if (!q || !*q || strlen(q) > 120)
        return qt__reply_error(r, q && *q ? QT_EINVAL : QT_EPARSE, "q", "q is 1 to 120 bytes");
    if (qt__req_num(r, "limit", 1, PLACES_MAX_LIMIT, &limit_d) < 0 || limit_d != (double)(int)limit_d)
        return qt__reply_error(r, QT_EINVAL, "limit", "limit is a whole number from 1 to %d", PLACES_MAX_LIMIT);
    size_t limit = (size_t)limit_d, n = 0, cap = 0;
    hit *hits = NULL;
    for (size_t i = 0; i < w->nplaces; i++) {
        int rk = rank_of(w->places[i].name, q);
        if (rk < 0)
            continue;
        if (qt__grow((void **)&hits, &cap, n + 1, sizeof *hits) != 0) {
            qt__free(hits);
            return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
        }
        hits[n++] = (hit){w->places[i].name, w->places[i].circle, NULL, w->places[i].lon,
                          w->places[i].lat,  w->places[i].kind,   rk,   0};
    }
    /* outlets: the store's search, the first `limit` of them (an outlet may match by its address) */
    int64_t *ids = NULL;
    size_t nids = 0;
    qt_error_clear(&e);
    if (qt_store_outlets_match(r->st, q, &ids, &nids, &e) != QT_OK) {
        qt__free(hits);
        return qt__reply_status(r, &e);
    }
    char **owned = qt__calloc(2 * (nids < limit ? nids : limit) + 1, sizeof *owned);
    size_t nowned = 0;
    for (size_t i = 0; owned && i < nids && i < limit; i++) {
        hit h = {0};
        outlet_hit oh = {&h, NULL, NULL};
        if (qt_store_outlet_get(r->st, ids[i], outlet_place, &oh, &e) != QT_OK) {
            qt_error_clear(&e);
            continue;
        }
        owned[nowned++] = oh.name;
        owned[nowned++] = oh.category;
        if (!oh.name || qt__grow((void **)&hits, &cap, n + 1, sizeof *hits) != 0)
            break;
        h.name = oh.name;
        h.category = oh.category;
        h.kind = QT__PLACE_OUTLET;
        h.rank = rank_of(oh.name, q) < 0 ? 2 : rank_of(oh.name, q);
        hits[n++] = h;
    }
    qt_store_free_str((char *)ids);
    if (n)
        qsort(hits, n, sizeof *hits, hit_cmp);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n && i < limit; i++) {
        double lon = hits[i].lon, lat = hits[i].lat;
        qt__from_wgs84(crs, &lon, &lat);
        json_t *o = json_pack("{s:s, s:s, s:f, s:f}", "kind", kind_name[hits[i].kind], "name", hits[i].name, "lon", lon,
                              "lat", lat);
        if (o && hits[i].circle)
            json_object_set_new(o, "circle", json_string(hits[i].circle));
        if (o && hits[i].kind == QT__PLACE_OUTLET) {
            json_object_set_new(o, "id", json_integer((json_int_t)hits[i].id));
            if (hits[i].category)
                json_object_set_new(o, "category", json_string(hits[i].category));
        }
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    for (size_t i = 0; i < nowned; i++)
        qt__free(owned[i]);
    qt__free(owned);
    qt__free(hits);
    if (!arr)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    json_t *doc = json_pack("{s:o}", "places", arr);
    if (doc && !w->planner)
        json_object_set_new(doc, "note", json_string(_("outlets only: communities and circles need serve --project")));
    return qt__reply_json(r, 200, doc);
}

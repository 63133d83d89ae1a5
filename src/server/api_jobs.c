/* SPDX-License-Identifier: MIT */
/*
 * api_jobs.c -- jobs near home: merchants and operators post them
 * (POST /jobs), residents find them by walking time (GET /jobs) and apply
 * (POST /jobs/{id}/applications).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "quarter/spot.h"
#include "server/api.h"
#include "server/reply.h"
#include "base/geo.h"

enum MHD_Result qt__api_job_create(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res), *lon, *lat, *outlet;
    qt_store_job job;
    int64_t id;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    memset(&job, 0, sizeof job);
    lon = json_object_get(j, "lon");
    lat = json_object_get(j, "lat");
    outlet = json_object_get(j, "outlet_id");
    if (!(job.title = qt__req_str(r, j, "title", &res)) ||
        qt__req_opt_str(r, j, "description", &job.description, &res) < 0 ||
        qt__req_opt_str(r, j, "pay", &job.pay, &res) < 0) {
        json_decref(j);
        return res;
    }
    if (!json_is_number(lon) || !json_is_number(lat) || (outlet && !json_is_integer(outlet))) {
        json_decref(j);
        return qt__reply_error(r, lon && lat ? QT_EINVAL : QT_EPARSE, "lon",
                               "lon and lat are numbers; outlet_id, when given, a whole number");
    }
    job.lon = json_number_value(lon);
    job.lat = json_number_value(lat);
    job.outlet_id = outlet ? json_integer_value(outlet) : 0;
    if (qt_store_job_create(r->st, r->uid, r->role, &job, (int64_t)time(NULL), &id, &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
    json_decref(j);
    return res;
}

typedef struct job_hit {
    double d;
    json_t *job;
} job_hit;

typedef struct job_hits {
    qt_server *s;
    const qt_search *search;
    const qt_snap *from;
    double budget;
    job_hit *v;
    size_t n, cap;
} job_hits;

static qt_status job_near(void *ud, const qt_store_job *jb, qt_error *err)
{
    job_hits *h = ud;
    qt_spot sp;
    qt_error e = QT_ERROR_INIT;
    double d;
    json_t *o;
    /* placed and measured as nearby places and measures outlets */
    if (qt_spot_place(h->s->g, h->s->sn, jb->lon, jb->lat, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return QT_OK;
    d = qt_spot_dist_m(h->s->g, h->search, h->from, &sp);
    if (!(d <= h->budget))
        return QT_OK;
    o = json_pack("{s:I, s:s, s:s, s:s, s:f, s:f, s:f, s:f}", "id", (json_int_t)jb->id, "title", jb->title,
                  "description", jb->description ? jb->description : "", "pay", jb->pay ? jb->pay : "", "lon",
                  jb->lon, "lat", jb->lat, "distance_m", round(d * 10) / 10, "time_s", round(d / h->s->speed_mps));
    if (!o || qt__grow((void **)&h->v, &h->cap, h->n + 1, sizeof *h->v) != 0) {
        json_decref(o);
        return qt_error_set(err, QT_ENOMEM, "jobs", "no memory");
    }
    h->v[h->n].d = d;
    h->v[h->n].job = o;
    h->n++;
    return QT_OK;
}

static int by_time(const void *a, const void *b)
{
    const job_hit *x = a, *y = b;
    return x->d < y->d ? -1 : x->d > y->d;
}

enum MHD_Result qt__api_jobs_get(qt__req *r)
{
    qt_server *s = r->s;
    double lon, lat, minutes = 15;
    qt_snap sp;
    qt_seed seeds[2];
    size_t ns, i;
    qt_nearby_ws *w;
    job_hits h;
    qt_error e = QT_ERROR_INIT;
    qt_status rc;
    json_t *arr;
    if (qt__req_num(r, "lon", -180, 180, &lon) <= 0 || qt__req_num(r, "lat", -90, 90, &lat) <= 0)
        return qt__reply_error(r, QT_EPARSE, "lon", "lon and lat are required");
    if (qt__req_num(r, "minutes", 1, QT__MAX_MINUTES, &minutes) < 0)
        return qt__reply_error(r, QT_EINVAL, "minutes", "minutes is 1 to %d", QT__MAX_MINUTES);
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return qt__reply_json(r, 200, json_pack("{s:[], s:s}", "jobs", "note", "no street within 500 m"));
    if (!(w = qt__ws_take(s)))
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    ns = qt_snap_seeds(s->g, &sp, QT_SNAP_EDGE, seeds);
    memset(&h, 0, sizeof h);
    h.s = s;
    h.search = qt_nearby_ws_search(w);
    h.from = &sp;
    h.budget = qt__minutes_m(minutes, s->speed_mps);
    rc = qt_search_run(qt_nearby_ws_search(w), seeds, ns, h.budget, 0, &e);
    if (rc == QT_OK)
        rc = qt_store_jobs_each(r->st, job_near, &h, &e);
    qt__ws_give(s, w);
    arr = rc == QT_OK ? json_array() : NULL;
    if (arr) {
        if (h.n)
            qsort(h.v, h.n, sizeof *h.v, by_time);
        for (i = 0; i < h.n; i++)
            json_array_append(arr, h.v[i].job);
    }
    for (i = 0; i < h.n; i++)
        json_decref(h.v[i].job);
    qt__free(h.v);
    if (rc != QT_OK)
        return qt__reply_status(r, &e);
    if (!arr)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    return qt__reply_json(r, 200, json_pack("{s:o}", "jobs", arr));
}

enum MHD_Result qt__api_job_apply(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = r->conn->len ? qt__req_body(r, &res) : json_object();
    const char *msg = "";
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    if (qt__req_opt_str(r, j, "message", &msg, &res) < 0) {
        json_decref(j);
        return res;
    }
    if (qt_store_job_apply(r->st, r->id, r->uid, msg, (int64_t)time(NULL), &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else
        res = qt__reply_json(r, 201, json_pack("{s:I, s:s}", "job_id", (json_int_t)r->id, "status", "applied"));
    json_decref(j);
    return res;
}

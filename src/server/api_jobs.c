/* SPDX-License-Identifier: MIT */
/*
 * api_jobs.c -- jobs near home: merchants and operators post them
 * (POST /jobs), residents find them by walking time (GET /jobs) and apply
 * (POST /jobs/{id}/applications).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "quarter/spot.h"
#include "server/api.h"
#include "server/reply.h"
#include "base/geo.h"
#include "server/walk.h"

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
    {
        int crs;
        char key[32];
        if (qt__req_crs(r, &crs, &res) < 0) {
            json_decref(j);
            return res;
        }
        if (job.lon >= -180 && job.lon <= 180 && job.lat >= -90 && job.lat <= 90)
            qt__to_wgs84(crs, &job.lon, &job.lat);
        snprintf(key, sizeof key, "user %lld", (long long)r->uid);
        if (qt__rate_limit(r, "job", key, r->s->o.jobs_per_day, 86400, &res) < 0) {
            json_decref(j);
            return res;
        }
    }
    qt_error_clear(&e);
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
    qt__walk *walk;
    int crs;
    job_hit *v;
    size_t n, cap;
} job_hits;

static qt_status job_near(void *ud, const qt_store_job *jb, qt_error *err)
{
    job_hits *h = ud;
    double d = qt__walk_to(h->walk, jb->lon, jb->lat), lon = jb->lon, lat = jb->lat;
    json_t *o;
    if (!(d <= h->walk->budget_m))
        return QT_OK;
    qt__from_wgs84(h->crs, &lon, &lat);
    o = json_pack("{s:I, s:s, s:s, s:s, s:f, s:f, s:f, s:f}", "id", (json_int_t)jb->id, "title", jb->title,
                  "description", jb->description ? jb->description : "", "pay", jb->pay ? jb->pay : "", "lon", lon,
                  "lat", lat, "distance_m", round(d * 10) / 10, "time_s", round(d / h->walk->s->speed_mps));
    if (o && jb->outlet_id)
        json_object_set_new(o, "outlet_id", json_integer(jb->outlet_id));
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

/* the jobs in the store that are read per request, at most (the nearest by id inside the walking reach's box) */
#define JOBS_SCAN 2000

enum MHD_Result qt__api_jobs_get(qt__req *r)
{
    qt_server *s = r->s;
    double lon, lat, minutes = 15, limit = 20;
    size_t i;
    qt__walk walk;
    job_hits h;
    qt_error e = QT_ERROR_INIT;
    qt_status rc;
    json_t *arr;
    enum MHD_Result res;
    int crs, wr;
    if (qt__req_crs(r, &crs, &res) < 0)
        return res;
    if (qt__req_num(r, "lon", -180, 180, &lon) <= 0 || qt__req_num(r, "lat", -90, 90, &lat) <= 0)
        return qt__reply_error(r, QT_EPARSE, "lon", "lon and lat are required");
    if (qt__req_num(r, "minutes", 1, QT__MAX_MINUTES, &minutes) < 0)
        return qt__reply_error(r, QT_EINVAL, "minutes", "minutes is 1 to %d", QT__MAX_MINUTES);
    if (qt__req_num(r, "limit", 1, 100, &limit) < 0 || limit != floor(limit))
        return qt__reply_error(r, QT_EINVAL, "limit", "limit is a whole number from 1 to 100");
    qt__to_wgs84(crs, &lon, &lat);
    if ((wr = qt__walk_from(s, lon, lat, minutes, &walk)) == 0)
        return qt__reply_json(r, 200, json_pack("{s:[], s:s}", "jobs", "note", "no street within 500 m"));
    if (wr < 0)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    memset(&h, 0, sizeof h);
    h.walk = &walk;
    h.crs = crs;
    qt_error_clear(&e);
    rc = qt_store_jobs_near(r->st, lon, lat, walk.budget_m, JOBS_SCAN, job_near, &h, &e);
    qt__walk_done(&walk);
    arr = rc == QT_OK ? json_array() : NULL;
    if (arr && h.n) {
        qsort(h.v, h.n, sizeof *h.v, by_time); /* h.v is NULL when nothing is near: no qsort then (item 13) */
        for (i = 0; i < h.n && i < (size_t)limit; i++)
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

static qt_status application_json(void *ud, const qt_store_application *a, qt_error *err)
{
    json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:I}", "job_id", (json_int_t)a->job_id, "job_title",
                          a->job_title ? a->job_title : "", "user_id", (json_int_t)a->user_id, "user_name",
                          a->user_name ? a->user_name : "", "message", a->message ? a->message : "", "created_at",
                          (json_int_t)a->created_at);
    if (!o || json_array_append_new(ud, o) != 0)
        return qt_error_set(err, QT_ENOMEM, "applications", "no memory");
    return QT_OK;
}

/* GET /jobs/{id}/applications and GET /me/applications: who applied to the caller's jobs */
enum MHD_Result qt__api_applications_get(qt__req *r)
{
    json_t *arr = json_array();
    double limit = 100;
    qt_error e = QT_ERROR_INIT;
    if (!arr)
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    if (qt__req_num(r, "limit", 1, 500, &limit) < 0) {
        json_decref(arr);
        return qt__reply_error(r, QT_EINVAL, "limit", "limit is 1 to 500");
    }
    qt_error_clear(&e);
    if (qt_store_applications_of_poster(r->st, r->uid, r->id, (int)limit, application_json, arr, &e) != QT_OK) {
        json_decref(arr);
        return qt__reply_status(r, &e);
    }
    return qt__reply_json(r, 200, json_pack("{s:o}", "applications", arr));
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

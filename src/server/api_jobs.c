/* SPDX-License-Identifier: MIT */
/*
 * api_jobs.c -- jobs near home: merchants and operators post them
 * (POST /jobs, with a closing time or QT_STORE_JOB_DAYS days), edit or close
 * them (PUT /jobs/{id}) and list theirs, open or expired (GET /me/jobs);
 * residents find open jobs by walking time (GET /jobs) and apply
 * (POST /jobs/{id}/applications).  A post or an edit reaches this server's
 * jobs index at once, the other servers' through the store's change feed
 * (outlet_index.c, follow_job).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
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
    int64_t id, now;
    int has_exp = 0;
    qt_error e = QT_ERROR_INIT;
    if (!j)
        return res;
    memset(&job, 0, sizeof job);
    lon = json_object_get(j, "lon");
    lat = json_object_get(j, "lat");
    outlet = json_object_get(j, "outlet_id");
    if (!(job.title = qt__req_str(r, j, "title", &res)) ||
        qt__req_opt_str(r, j, "description", &job.description, &res) < 0 ||
        qt__req_opt_str(r, j, "pay", &job.pay, &res) < 0 ||
        (has_exp = qt__req_opt_time(r, j, "expires_at", &job.expires_at, &res)) < 0) {
        json_decref(j);
        return res;
    }
    now = (int64_t)time(NULL);
    if (has_exp && job.expires_at <= now) {
        json_decref(j);
        return qt__reply_error(r, QT_EINVAL, "expires_at", "expires_at is a time after now (or leave it out: %d days)",
                               QT_STORE_JOB_DAYS);
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
    if (!job.expires_at)
        job.expires_at = now + (int64_t)QT_STORE_JOB_DAYS * 86400;
    if (qt_store_job_create(r->st, r->uid, r->role, &job, now, &id, &e) != QT_OK)
        res = qt__reply_status(r, &e);
    else {
        job.id = id;
        qt__jobs_add(r->s, &job); /* placed once, now */
        res = qt__reply_json(
            r, 201, json_pack("{s:I, s:o}", "id", (json_int_t)id, "expires_at", qt__req_iso(r, job.expires_at)));
    }
    json_decref(j);
    return res;
}

/* a hit of the jobs index as a job (see job_entry in outlet_index.c for where its fields are) */
static json_t *job_json(const qt__req *r, const qt_nearby_hit *h, int crs, double speed_mps)
{
    double lon = h->lon, lat = h->lat;
    json_t *o;
    qt__from_wgs84(crs, &lon, &lat);
    o = json_pack("{s:I, s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:o}", "id", (json_int_t)h->id, "title", h->name,
                  "description", h->services ? h->services : "", "pay", h->opening_hours ? h->opening_hours : "", "lon",
                  lon, "lat", lat, "distance_m", round(h->dist_m * 10) / 10, "time_s", round(h->dist_m / speed_mps),
                  "expires_at", qt__req_iso(r, h->until));
    if (o && h->category)
        json_object_set_new(o, "outlet_id", json_integer(strtoll(h->category, NULL, 10)));
    return o;
}

/* GET /jobs: the nearest open jobs by walking, through the jobs index (each job placed once, when loaded or
 * posted): a request costs one bounded search, whatever the number of jobs (issue 11, item 10) */
enum MHD_Result qt__api_jobs_get(qt__req *r)
{
    qt_server *s = r->s;
    double lon, lat, minutes = 15, limit = 20;
    size_t i, n = 0;
    qt_snap sp;
    qt_nearby_query x;
    qt_nearby_index *ix;
    qt_nearby_ws *w;
    const qt_nearby_hit *hits = NULL;
    qt_error e = QT_ERROR_INIT;
    qt_status rc;
    json_t *arr, *o;
    enum MHD_Result res;
    int crs;
    if (qt__req_crs(r, &crs, &res) < 0)
        return res;
    if (qt__req_num(r, "lon", -180, 180, &lon) <= 0 || qt__req_num(r, "lat", -90, 90, &lat) <= 0)
        return qt__reply_error(r, QT_EPARSE, "lon", "lon and lat are required");
    if (qt__req_num(r, "minutes", 1, QT__MAX_MINUTES, &minutes) < 0)
        return qt__reply_error(r, QT_EINVAL, "minutes", "minutes is 1 to %d", QT__MAX_MINUTES);
    if (qt__req_num(r, "limit", 1, 100, &limit) < 0 || limit != floor(limit))
        return qt__reply_error(r, QT_EINVAL, "limit", "limit is a whole number from 1 to 100");
    qt__to_wgs84(crs, &lon, &lat);
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return qt__reply_json(r, 200, json_pack("{s:[], s:s}", "jobs", "note", _("no street within 500 m")));
    memset(&x, 0, sizeof x);
    x.max_m = qt__minutes_m(minutes, s->speed_mps);
    x.limit = (size_t)limit;
    x.now = (int64_t)time(NULL); /* closed jobs are not found, though the index holds them until a reload */
    if (!(w = qt__ws_take(s)))
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    ix = qt__jobs_acquire(s);
    qt_error_clear(&e);
    rc = qt_nearby_search(ix, w, &sp, &x, &hits, &n, &e);
    arr = rc == QT_OK ? json_array() : NULL;
    for (i = 0; arr && i < n; i++) /* hits borrow from w and ix */
        if (!(o = job_json(r, &hits[i], crs, s->speed_mps)) || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    qt__ws_give(s, w);
    qt_nearby_index_unref(ix);
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
        return qt_error_set(err, QT_ENOMEM, "applications", _("no memory"));
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

/* a job of the store as the poster sees it, with its status */
static json_t *my_job_json(const qt__req *r, const qt_store_job *jb, int crs)
{
    double lon = jb->lon, lat = jb->lat;
    json_t *o;
    qt__from_wgs84(crs, &lon, &lat);
    o = json_pack("{s:I, s:s, s:s, s:s, s:f, s:f, s:o, s:o, s:s}", "id", (json_int_t)jb->id, "title", jb->title,
                  "description", jb->description ? jb->description : "", "pay", jb->pay ? jb->pay : "", "lon", lon,
                  "lat", lat, "created_at", qt__req_iso(r, jb->created_at), "expires_at",
                  qt__req_iso(r, jb->expires_at), "status", jb->expires_at > (int64_t)time(NULL) ? "open" : "expired");
    if (o)
        json_object_set_new(o, "outlet_id", jb->outlet_id ? json_integer(jb->outlet_id) : json_null());
    return o;
}

typedef struct edited {
    qt__req *r;
    int crs;
    json_t *out;      /* the reply: one job (PUT) or an array (GET /me/jobs) */
    qt_store_job job; /* PUT: the job as edited, its texts in out */
} edited;

static qt_status job_edited(void *ud, const qt_store_job *jb, qt_error *err)
{
    edited *ed = ud;
    if (!(ed->out = my_job_json(ed->r, jb, ed->crs)))
        return qt_error_set(err, QT_ENOMEM, "job", _("no memory"));
    ed->job = *jb;
    ed->job.title = json_string_value(json_object_get(ed->out, "title"));
    ed->job.description = json_string_value(json_object_get(ed->out, "description"));
    ed->job.pay = json_string_value(json_object_get(ed->out, "pay"));
    return QT_OK;
}

/* PUT /jobs/{id}: its poster changes the title, description, pay or closing time (expires_at; now or earlier
 * closes it) */
enum MHD_Result qt__api_job_put(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = qt__req_body(r, &res);
    qt_store_job job;
    edited ed;
    qt_error e = QT_ERROR_INIT;
    int has_exp = 0;
    if (!j)
        return res;
    memset(&job, 0, sizeof job);
    memset(&ed, 0, sizeof ed);
    ed.r = r;
    job.id = r->id;
    if (qt__req_crs(r, &ed.crs, &res) < 0 || qt__req_opt_str(r, j, "title", &job.title, &res) < 0 ||
        qt__req_opt_str(r, j, "description", &job.description, &res) < 0 ||
        qt__req_opt_str(r, j, "pay", &job.pay, &res) < 0 ||
        (has_exp = qt__req_opt_time(r, j, "expires_at", &job.expires_at, &res)) < 0) {
        json_decref(j);
        return res;
    }
    if (has_exp && job.expires_at == 0)
        job.expires_at = 1; /* Unix 0: long closed (0 would mean "unchanged" to the store) */
    qt_error_clear(&e);
    if (qt_store_job_update(r->st, r->uid, &job, (int64_t)time(NULL), job_edited, &ed, &e) != QT_OK) {
        json_decref(ed.out);
        res = qt__reply_status(r, &e);
    } else {
        qt__jobs_refresh(r->s, &ed.job); /* in the store: this server's index has it now, no reload */
        res = qt__reply_json(r, 200, ed.out);
    }
    json_decref(j);
    return res;
}

static qt_status my_job(void *ud, const qt_store_job *jb, qt_error *err)
{
    edited *ed = ud;
    json_t *o = my_job_json(ed->r, jb, ed->crs);
    if (!o || json_array_append_new(ed->out, o) != 0)
        return qt_error_set(err, QT_ENOMEM, "jobs", _("no memory"));
    return QT_OK;
}

/* GET /me/jobs: the jobs the caller posted, newest first, open and expired */
enum MHD_Result qt__api_my_jobs(qt__req *r)
{
    enum MHD_Result res = MHD_NO;
    double limit = 100;
    edited ed;
    qt_error e = QT_ERROR_INIT;
    memset(&ed, 0, sizeof ed);
    ed.r = r;
    if (qt__req_crs(r, &ed.crs, &res) < 0)
        return res;
    if (qt__req_num(r, "limit", 1, 500, &limit) < 0 || limit != floor(limit))
        return qt__reply_error(r, QT_EINVAL, "limit", "limit is a whole number from 1 to 500");
    if (!(ed.out = json_array()))
        return qt__reply_error(r, QT_ENOMEM, NULL, "no memory");
    qt_error_clear(&e);
    if (qt_store_jobs_of_poster(r->st, r->uid, (int)limit, my_job, &ed, &e) != QT_OK) {
        json_decref(ed.out);
        return qt__reply_status(r, &e);
    }
    return qt__reply_json(r, 200, json_pack("{s:o}", "jobs", ed.out));
}

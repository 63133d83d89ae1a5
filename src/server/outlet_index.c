/* SPDX-License-Identifier: MIT */
/*
 * outlet_index.c -- the server's current outlet index (quarter/nearby.h):
 * loading it from the store, swapping it, editing it (server/internal.h).
 */
#include <stdio.h>

#include "base/alloc.h"
#include "server/internal.h"

qt_nearby_index *qt__index_acquire(qt_server *s)
{
    qt_nearby_index *ix;
    pthread_mutex_lock(&s->ixlock);
    ix = qt_nearby_index_ref(s->ix);
    pthread_mutex_unlock(&s->ixlock);
    return ix;
}

void qt__index_swap(qt_server *s, qt_nearby_index *ix)
{
    qt_nearby_index *old;
    pthread_mutex_lock(&s->ixlock);
    old = s->ix;
    s->ix = ix;
    pthread_mutex_unlock(&s->ixlock);
    qt_nearby_index_unref(old); /* freed when the last search holding it ends */
}

static void as_outlet(const qt_store_outlet *o, qt_nearby_outlet *out)
{
    out->id = o->id;
    out->name = o->name;
    out->category = o->category;
    out->services = o->services;
    out->opening_hours = o->opening_hours;
    out->lon = o->lon;
    out->lat = o->lat;
}

static qt_status add_outlet(void *ud, const qt_store_outlet *o, qt_error *err)
{
    qt_nearby_outlet no;
    as_outlet(o, &no);
    return qt_nearby_builder_add(ud, &no, NULL, err);
}

qt_status qt__index_load(qt_server *s, qt_nearby_index **ix, qt_error *err)
{
    qt_store *st = NULL;
    qt_nearby_builder *b = NULL;
    qt_status rc;
    *ix = NULL;
    if ((rc = qt_store_open(s->o.db_path, &st, err)) != QT_OK)
        return rc;
    if ((rc = qt_nearby_builder_new(s->g, s->sn, &b, err)) == QT_OK &&
        (rc = qt_store_outlets_each(st, add_outlet, b, err)) == QT_OK) {
        rc = qt_nearby_builder_finish(b, ix, err);
        b = NULL;
    }
    qt_nearby_builder_free(b);
    qt_store_close(st);
    return rc;
}

typedef struct edit {
    qt_nearby_index *cur, *next;
} edit;

static qt_status edit_one(void *ud, const qt_store_outlet *o, qt_error *err)
{
    edit *ed = ud;
    qt_nearby_outlet no;
    as_outlet(o, &no);
    return qt_nearby_index_edit(ed->cur, &no, &ed->next, err);
}

void qt__index_refresh(qt_server *s, qt_store *st, int64_t id)
{
    qt_error e = QT_ERROR_INIT;
    edit ed = {NULL, NULL};
    pthread_mutex_lock(&s->edit_lock);
    ed.cur = qt__index_acquire(s);
    if (qt_store_outlet_get(st, id, edit_one, &ed, &e) == QT_OK && ed.next)
        qt__index_swap(s, ed.next);
    else
        qt_nearby_index_unref(ed.next);
    qt_nearby_index_unref(ed.cur);
    pthread_mutex_unlock(&s->edit_lock);
}

/* ---- the jobs, placed once when loaded or posted (issue 11, item 10) ---- */

qt_nearby_index *qt__jobs_acquire(qt_server *s)
{
    qt_nearby_index *ix;
    pthread_mutex_lock(&s->ixlock);
    ix = qt_nearby_index_ref(s->jobs);
    pthread_mutex_unlock(&s->ixlock);
    return ix;
}

static void jobs_swap(qt_server *s, qt_nearby_index *ix)
{
    qt_nearby_index *old;
    pthread_mutex_lock(&s->ixlock);
    old = s->jobs;
    s->jobs = ix;
    pthread_mutex_unlock(&s->ixlock);
    qt_nearby_index_unref(old);
}

void qt__job_entry(const qt_store_job *j, qt_nearby_outlet *out, char buf[24])
{
    out->id = j->id;
    out->name = j->title;
    out->services = j->description ? j->description : "";
    out->opening_hours = j->pay ? j->pay : "";
    out->category = NULL;
    if (j->outlet_id) {
        snprintf(buf, 24, "%lld", (long long)j->outlet_id);
        out->category = buf;
    }
    out->lon = j->lon;
    out->lat = j->lat;
}

static qt_status add_job(void *ud, const qt_store_job *j, qt_error *err)
{
    qt_nearby_outlet no;
    char buf[24];
    qt__job_entry(j, &no, buf);
    return qt_nearby_builder_add(ud, &no, NULL, err);
}

qt_status qt__jobs_load(qt_server *s, qt_nearby_index **ix, qt_error *err)
{
    qt_store *st = NULL;
    qt_nearby_builder *b = NULL;
    qt_status rc;
    *ix = NULL;
    if ((rc = qt_store_open(s->o.db_path, &st, err)) != QT_OK)
        return rc;
    if ((rc = qt_nearby_builder_new(s->g, s->sn, &b, err)) == QT_OK &&
        (rc = qt_store_jobs_each(st, add_job, b, err)) == QT_OK) {
        rc = qt_nearby_builder_finish(b, ix, err);
        b = NULL;
    }
    qt_nearby_builder_free(b);
    qt_store_close(st);
    return rc;
}

void qt__jobs_add(qt_server *s, const qt_store_job *j)
{
    qt_error e = QT_ERROR_INIT;
    qt_nearby_outlet no;
    qt_nearby_index *cur, *next = NULL;
    char buf[24];
    qt__job_entry(j, &no, buf);
    pthread_mutex_lock(&s->edit_lock);
    cur = qt__jobs_acquire(s);
    if (cur && qt_nearby_index_add(cur, &no, &next, NULL, &e) == QT_OK)
        jobs_swap(s, next);
    qt_nearby_index_unref(cur);
    pthread_mutex_unlock(&s->edit_lock);
}

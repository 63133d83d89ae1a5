/* SPDX-License-Identifier: MIT */
/*
 * outlet_index.c -- the server's current outlet index (quarter/nearby.h):
 * loading it from the store, swapping it, editing it, and following the
 * store's change feed so other servers' writes reach it (server/internal.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
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
    memset(out, 0, sizeof *out);
    out->id = o->id;
    out->name = o->name;
    out->category = o->category;
    out->services = o->services;
    out->opening_hours = o->opening_hours;
    out->lon = o->lon;
    out->lat = o->lat;
}

/* an open outlet into the index (a closed one is never searched) */
static qt_status add_outlet(void *ud, const qt_store_outlet *o, qt_error *err)
{
    qt_nearby_outlet no;
    if (o->closed_at)
        return QT_OK; /* closed (issue 10): nobody is sent there */
    as_outlet(o, &no);
    return qt_nearby_builder_add(ud, &no, NULL, err);
}

qt_status qt__index_load(qt_server *s, qt_nearby_index **ix, int64_t *seq, qt_error *err)
{
    qt_store *st = NULL;
    qt_nearby_builder *b = NULL;
    qt_status rc;
    *ix = NULL;
    if ((rc = qt_store_open(s->o.db_path, &st, err)) != QT_OK)
        return rc;
    /* the feed's position first: a change committed during the load is applied again, never missed */
    if ((rc = qt_store_changes_latest(st, seq, err)) == QT_OK &&
        (rc = qt_nearby_builder_new(s->g, s->sn, &b, err)) == QT_OK &&
        (rc = qt_store_outlets_each(st, add_outlet, b, err)) == QT_OK) {
        rc = qt_nearby_builder_finish(b, ix, err);
        b = NULL;
    }
    qt_nearby_builder_free(b);
    qt_store_close(st);
    return rc;
}

static int same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* is the indexed outlet was the same as no, position and texts? */
static int same_place(const qt_nearby_outlet *was, const qt_nearby_outlet *no)
{
    return was->lon == no->lon && was->lat == no->lat && same_text(was->name, no->name) &&
           same_text(was->services, no->services) && same_text(was->opening_hours, no->opening_hours) &&
           ((!was->category && !no->category) ||
            (was->category && no->category && !strcmp(was->category, no->category)));
}

/* *cur with outlet o as the store has it now (added, edited, moved or, closed, removed): the new
 * index replaces *cur (its reference taken over) */
static qt_status apply_outlet(qt_nearby_index **cur, const qt_store_outlet *o, qt_error *err)
{
    qt_nearby_outlet no, was;
    qt_nearby_index *next = NULL, *mid = NULL;
    int have = qt_nearby_index_find(*cur, o->id, &was);
    qt_status rc = QT_OK;
    as_outlet(o, &no);
    if (o->closed_at) {
        if (!have)
            return QT_OK;
        rc = qt_nearby_index_remove(*cur, o->id, &next, err);
    } else if (have && same_place(&was, &no)) {
        return QT_OK; /* as indexed already: this server's own edit coming back through the feed */
    } else if (have && was.lon == o->lon && was.lat == o->lat) {
        rc = qt_nearby_index_edit(*cur, &no, &next, err);
    } else if (have) { /* moved: placed again */
        if ((rc = qt_nearby_index_remove(*cur, o->id, &mid, err)) == QT_OK)
            rc = qt_nearby_index_add(mid, &no, &next, NULL, err);
        qt_nearby_index_unref(mid);
    } else {
        rc = qt_nearby_index_add(*cur, &no, &next, NULL, err);
    }
    if (rc != QT_OK)
        return rc;
    qt_nearby_index_unref(*cur);
    *cur = next;
    return QT_OK;
}

static qt_status apply_one(void *ud, const qt_store_outlet *o, qt_error *err)
{
    return apply_outlet(ud, o, err);
}

void qt__index_refresh(qt_server *s, qt_store *st, int64_t id)
{
    qt_error e = QT_ERROR_INIT;
    qt_nearby_index *ix, *cur;
    pthread_mutex_lock(&s->edit_lock);
    ix = cur = qt__index_acquire(s);
    if (qt_store_outlet_get(st, id, apply_one, &ix, &e) == QT_OK && ix != cur)
        qt__index_swap(s, ix);
    else
        qt_nearby_index_unref(ix);
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

/* a job as an index entry: title as name, description as services, pay as opening_hours, the
 * outlet id in decimal (or NULL) as category (buf holds it), expires_at as until */
static void job_entry(const qt_store_job *j, qt_nearby_outlet *out, char buf[24])
{
    memset(out, 0, sizeof *out);
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
    out->until = j->expires_at; /* a search at or after it does not find the job (GET /jobs passes now) */
}

static qt_status add_job(void *ud, const qt_store_job *j, qt_error *err)
{
    qt_nearby_outlet no;
    char buf[24];
    job_entry(j, &no, buf);
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
        (rc = qt_store_jobs_each(st, (int64_t)time(NULL), add_job, b, err)) == QT_OK) {
        rc = qt_nearby_builder_finish(b, ix, err);
        b = NULL;
    }
    qt_nearby_builder_free(b);
    qt_store_close(st);
    return rc;
}

/* j into a copy of the jobs index that becomes the current one: placed (posted), or, edited, its entry changed
 * (placed again when the index left it out: closed when it was loaded, reopened since) */
static void jobs_put(qt_server *s, const qt_store_job *j, int edited)
{
    qt_error e = QT_ERROR_INIT;
    qt_nearby_outlet no;
    qt_nearby_index *cur, *next = NULL;
    char buf[24];
    job_entry(j, &no, buf);
    pthread_mutex_lock(&s->edit_lock);
    cur = qt__jobs_acquire(s);
    if (cur && ((edited && qt_nearby_index_edit(cur, &no, &next, &e) == QT_OK) ||
                ((!edited || e.code == QT_ENOTFOUND) && qt_nearby_index_add(cur, &no, &next, NULL, &e) == QT_OK)))
        jobs_swap(s, next);
    qt_nearby_index_unref(cur);
    pthread_mutex_unlock(&s->edit_lock);
}

void qt__jobs_add(qt_server *s, const qt_store_job *j)
{
    jobs_put(s, j, 0);
}

void qt__jobs_refresh(qt_server *s, const qt_store_job *j)
{
    jobs_put(s, j, 1);
}

/* ---- following the store's change feed (issue 14): other servers' writes, within a second ---- */

/* more changes than this in one round: a full load is cheaper than as many copies of the index */
#define FOLLOW_MAX_EDITS 256
/* one wait for the feed; also how long a stop waits for the follower at most */
#define FOLLOW_WAIT_MS 400

typedef struct follow {
    qt_nearby_index *ix, *jobs;
    size_t n;
    int full; /* too many: load everything instead */
} follow;

static qt_status follow_outlet(void *ud, const qt_store_outlet *o, qt_error *err)
{
    follow *f = ud;
    if (f->full || (f->full = ++f->n > FOLLOW_MAX_EDITS))
        return QT_OK;
    return apply_outlet(&f->ix, o, err);
}

static qt_status follow_job(void *ud, const qt_store_job *j, qt_error *err)
{
    follow *f = ud;
    qt_nearby_outlet no;
    qt_nearby_index *next = NULL;
    char buf[24];
    qt_status rc;
    qt_nearby_outlet held;
    int found;
    if (f->full)
        return QT_OK;
    job_entry(j, &no, buf);
    found = qt_nearby_index_find(f->jobs, j->id, &held);
    if (found ? held.until == no.until && strcmp(held.name, no.name) == 0 && strcmp(held.services, no.services) == 0 &&
                    strcmp(held.opening_hours, no.opening_hours) == 0
              : no.until <= (int64_t)time(NULL))
        return QT_OK; /* posted or edited here (qt__jobs_add, _refresh), seen already, or closed and not held */
    if ((f->full = ++f->n > FOLLOW_MAX_EDITS))
        return QT_OK;
    /* an edit on another server (texts, closing time) changes the entry; a new or reopened job is placed */
    if ((rc = found ? qt_nearby_index_edit(f->jobs, &no, &next, err)
                    : qt_nearby_index_add(f->jobs, &no, &next, NULL, err)) != QT_OK)
        return rc;
    qt_nearby_index_unref(f->jobs);
    f->jobs = next;
    return QT_OK;
}

static void follow_log(qt_server *s, const qt_error *e)
{
    FILE *log = s->o.error_log ? s->o.error_log : stderr;
    pthread_mutex_lock(&s->lock);
    fprintf(log, "quarter serve: following the store: %s: %s: %s\n", qt_status_name(e->code), e->where, e->msg);
    fflush(log);
    pthread_mutex_unlock(&s->lock);
}

qt_status qt__follow_round(qt_server *s, qt_store *st, qt_error *err)
{
    follow f = {NULL, NULL, 0, 0};
    int64_t latest = 0;
    qt_status rc;
    pthread_mutex_lock(&s->edit_lock); /* a local edit or a reload waits: neither is lost */
    f.ix = qt__index_acquire(s);
    f.jobs = qt__jobs_acquire(s);
    rc = qt_store_changes_since(st, s->seq, &latest, follow_outlet, follow_job, &f, err);
    if (rc == QT_OK && f.full) {
        rc = qt__reload_locked(s, NULL, err);
    } else if (rc == QT_OK) {
        if (f.ix != s->ix)
            qt__index_swap(s, qt_nearby_index_ref(f.ix));
        if (f.jobs != s->jobs)
            jobs_swap(s, qt_nearby_index_ref(f.jobs));
        s->seq = latest;
    }
    qt_nearby_index_unref(f.ix);
    qt_nearby_index_unref(f.jobs);
    pthread_mutex_unlock(&s->edit_lock);
    return rc;
}

static void *follower(void *arg)
{
    qt_server *s = arg;
    qt_store *st = NULL;
    while (!atomic_load(&s->stopping)) {
        qt_error e = QT_ERROR_INIT;
        int64_t since, latest = 0;
        qt_status rc;
        if (!st && qt_store_open(s->o.db_path, &st, &e) != QT_OK) {
            follow_log(s, &e);
            sleep(1);
            continue;
        }
        pthread_mutex_lock(&s->edit_lock);
        since = s->seq;
        pthread_mutex_unlock(&s->edit_lock);
        rc = qt_store_changes_wait(st, since, FOLLOW_WAIT_MS, &latest, &e);
        if (rc == QT_OK && latest > since)
            rc = qt__follow_round(s, st, &e);
        if (rc != QT_OK) { /* logged; a new connection after a pause (the store may be restarting) */
            follow_log(s, &e);
            qt_store_close(st);
            st = NULL;
            sleep(1);
        }
    }
    qt_store_close(st);
    return NULL;
}

qt_status qt__follow_start(qt_server *s, qt_error *err)
{
    atomic_store(&s->stopping, 0);
    if (pthread_create(&s->follower, NULL, follower, s) != 0)
        return qt_error_set(err, QT_ENOMEM, "server", _("cannot start the thread that follows the store"));
    s->following = 1;
    return QT_OK;
}

void qt__follow_stop(qt_server *s)
{
    if (!s->following)
        return;
    atomic_store(&s->stopping, 1);
    pthread_join(s->follower, NULL);
    s->following = 0;
}

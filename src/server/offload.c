/* SPDX-License-Identifier: MIT */
/* offload.c -- the worker threads of expensive requests (server/offload.h). */
#define _GNU_SOURCE /* gettid: a worker's own nice value */
#include "server/offload.h"

#include <sys/resource.h>
#include <unistd.h>

#include "base/i18n.h"
#include "server/delay.h"
#include "base/alloc.h"

struct qt__offload {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    qt__job *head, *tail;
    unsigned reserved, cap, nthreads;
    int nice; /* the workers' nice value: 0, or more so that they yield to the HTTP threads */
    int quit;
    pthread_t *threads;
};

static void *worker(void *arg)
{
    struct qt__offload *o = arg;
#ifdef __linux__
    /* Linux keeps a nice value per thread: an expensive job (an isochrone, a hash) then takes the CPU only
     * when the HTTP threads leave it, and a nearby waiting for a core preempts it at once.  Best effort:
     * a job runs at the process's priority when this fails. */
    if (o->nice)
        (void)setpriority(PRIO_PROCESS, (id_t)gettid(), o->nice);
#endif
    for (;;) {
        qt__job *j;
        struct qt__delay *hold;
        struct MHD_Connection *c;
        pthread_mutex_lock(&o->lock);
        while (!o->head && !o->quit)
            pthread_cond_wait(&o->cond, &o->lock);
        j = o->head;
        if (!j) { /* quitting and nothing left */
            pthread_mutex_unlock(&o->lock);
            return NULL;
        }
        o->head = j->next;
        if (!o->head)
            o->tail = NULL;
        pthread_mutex_unlock(&o->lock);
        j->run(j);
        pthread_mutex_lock(&o->lock);
        o->reserved--;
        pthread_mutex_unlock(&o->lock);
        /* j is the request's: it may be freed as soon as the connection resumes, so read it first */
        hold = j->hold;
        c = j->c;
        if (!qt__delay_hold(hold, c, 1))
            MHD_resume_connection(c);
    }
}

qt_status qt__offload_start(qt__offload **out, unsigned workers, unsigned queue, int nice, qt_error *err)
{
    struct qt__offload *o = qt__calloc(1, sizeof *o);
    *out = NULL;
    unsigned i;
    if (!o || !(o->threads = qt__calloc(workers, sizeof *o->threads))) {
        qt__free(o);
        return qt_error_set(err, QT_ENOMEM, "server", _("no memory"));
    }
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->cond, NULL);
    o->cap = queue;
    o->nice = nice;
    for (i = 0; i < workers; i++) {
        if (pthread_create(&o->threads[i], NULL, worker, o) != 0) {
            qt__offload_stop(o);
            return qt_error_set(err, QT_ENOMEM, "server", _("cannot start a worker thread"));
        }
        o->nthreads++;
    }
    *out = o;
    return QT_OK;
}

void qt__offload_stop(qt__offload *o)
{
    unsigned i;
    if (!o)
        return;
    pthread_mutex_lock(&o->lock);
    o->quit = 1;
    pthread_cond_broadcast(&o->cond);
    pthread_mutex_unlock(&o->lock);
    for (i = 0; i < o->nthreads; i++)
        pthread_join(o->threads[i], NULL);
    pthread_mutex_destroy(&o->lock);
    pthread_cond_destroy(&o->cond);
    qt__free(o->threads);
    qt__free(o);
}

int qt__offload_reserve(qt__offload *o)
{
    int ok = 0;
    pthread_mutex_lock(&o->lock);
    if (!o->quit && o->reserved < o->cap) {
        o->reserved++;
        ok = 1;
    }
    pthread_mutex_unlock(&o->lock);
    return ok;
}

void qt__offload_push(qt__offload *o, qt__job *j)
{
    j->next = NULL;
    pthread_mutex_lock(&o->lock);
    if (o->tail)
        o->tail->next = j;
    else
        o->head = j;
    o->tail = j;
    pthread_cond_signal(&o->cond);
    pthread_mutex_unlock(&o->lock);
}

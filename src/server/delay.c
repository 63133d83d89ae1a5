/* SPDX-License-Identifier: MIT */
/* delay.c -- the tarpit of rate-limited requests (server/delay.h). */
#include "server/delay.h"

#include <pthread.h>
#include <time.h>

#include "base/alloc.h"
#include "base/i18n.h"

typedef struct held {
    struct MHD_Connection *c;
    struct timespec due;
} held;

struct qt__delay {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* on CLOCK_MONOTONIC */
    held *ring;          /* a FIFO of cap entries: head, n */
    unsigned cap, head, n, ms;
    int quit;
    pthread_t thread;
};

static int due_now(const struct timespec *due)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > due->tv_sec || (now.tv_sec == due->tv_sec && now.tv_nsec >= due->tv_nsec);
}

static void *resumer(void *arg)
{
    qt__delay *d = arg;
    pthread_mutex_lock(&d->lock);
    for (;;) {
        if (d->n == 0) {
            if (d->quit)
                break;
            pthread_cond_wait(&d->cond, &d->lock);
            continue;
        }
        if (!d->quit && !due_now(&d->ring[d->head].due)) {
            pthread_cond_timedwait(&d->cond, &d->lock, &d->ring[d->head].due);
            continue;
        }
        /* due (or stopping): resume it; libmicrohttpd calls the handler again, which sends the 429 */
        MHD_resume_connection(d->ring[d->head].c);
        d->head = (d->head + 1) % d->cap;
        d->n--;
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

qt_status qt__delay_start(qt__delay **out, unsigned cap, unsigned ms, qt_error *err)
{
    qt__delay *d = qt__calloc(1, sizeof *d);
    pthread_condattr_t ca;
    *out = NULL;
    if (!d || !(d->ring = qt__calloc(cap ? cap : 1, sizeof *d->ring))) {
        qt__free(d);
        return qt_error_set(err, QT_ENOMEM, "server", _("no memory"));
    }
    d->cap = cap ? cap : 1;
    d->ms = ms;
    pthread_mutex_init(&d->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&d->thread, NULL, resumer, d) != 0) {
        pthread_mutex_destroy(&d->lock);
        pthread_cond_destroy(&d->cond);
        qt__free(d->ring);
        qt__free(d);
        return qt_error_set(err, QT_ENOMEM, "server", _("cannot start a worker thread"));
    }
    *out = d;
    return QT_OK;
}

void qt__delay_stop(qt__delay *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->quit = 1;
    pthread_cond_signal(&d->cond);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
}

void qt__delay_free(qt__delay *d)
{
    if (!d)
        return;
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->cond);
    qt__free(d->ring);
    qt__free(d);
}

int qt__delay_hold(qt__delay *d, struct MHD_Connection *c, int suspended)
{
    held *h;
    if (!d)
        return 0;
    pthread_mutex_lock(&d->lock);
    if (d->quit || d->n == d->cap) {
        pthread_mutex_unlock(&d->lock);
        return 0;
    }
    h = &d->ring[(d->head + d->n) % d->cap];
    h->c = c;
    clock_gettime(CLOCK_MONOTONIC, &h->due);
    h->due.tv_sec += d->ms / 1000;
    h->due.tv_nsec += (long)(d->ms % 1000) * 1000000L;
    if (h->due.tv_nsec >= 1000000000L) {
        h->due.tv_sec++;
        h->due.tv_nsec -= 1000000000L;
    }
    if (!suspended)
        MHD_suspend_connection(c); /* before the resumer can see it */
    if (d->n++ == 0)
        pthread_cond_signal(&d->cond);
    pthread_mutex_unlock(&d->lock);
    return 1;
}

/* SPDX-License-Identifier: MIT */
/*
 * server/offload.h -- expensive work (isochrones, password hashes) off the HTTP threads: a
 * handler reserves a place in a small bounded queue (503 when full),
 * suspends its connection, and queues a job; a worker thread runs it and
 * resumes the connection, whose handler is then called again and replies
 * with the job's result.  A libmicrohttpd thread is never blocked by a
 * job, so the connections it serves are not either.
 */
#ifndef QUARTER_SERVER_OFFLOAD_H
#define QUARTER_SERVER_OFFLOAD_H

#include <microhttpd.h>

#include "server/internal.h"

typedef struct qt__job {
    void (*run)(struct qt__job *j);  /* on a worker thread */
    void (*free)(struct qt__job *j); /* when the request completes */
    struct MHD_Connection *c;
    struct qt__delay *hold; /* set by run: the connection is held there (server/delay.h) rather than resumed */
    struct qt__job *next;
} qt__job;

typedef struct qt__offload qt__offload;

/* Start a pool of workers with room for queue jobs (running ones included); the workers run at nice value
 * nice (0-19, on Linux; 0 is the process's own).  OUT *out: stop with qt__offload_stop. */
qt_status qt__offload_start(qt__offload **out, unsigned workers, unsigned queue, int nice, qt_error *err);
/* Stop (runs what is queued, so every suspended connection is resumed); NULL is a no-op. */
void qt__offload_stop(qt__offload *o);
/* Reserve a place: 1 reserved, 0 the queue is full. */
int qt__offload_reserve(qt__offload *o);
/* Queue j on a reserved place (the caller has suspended j->c). */
void qt__offload_push(qt__offload *o, qt__job *j);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * server/internal.h -- what the server's files share: the server object, the
 * current outlet index, and the pool of search workspaces.
 *
 * Threads: libmicrohttpd runs handlers on a pool of threads.  The graph and
 * the snapper never change.  The outlet index is immutable and
 * reference-counted (quarter/nearby.h): a request takes a reference to the
 * current one (qt__index_acquire) and searches it without any lock; a reload
 * or an edit builds a new index and swaps the pointer (qt__index_swap), so a
 * request never sees a half-updated index.  A follower thread applies the
 * store's change feed the same way (writes made through other servers on
 * the same store, within a second).  The workspace pool and the
 * access log are guarded by lock.  Each thread has its own store connection
 * (store_key).
 */
#ifndef QUARTER_SERVER_INTERNAL_H
#define QUARTER_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "quarter/nearby.h"
#include "quarter/search.h"
#include "quarter/server.h"
#include "quarter/snap.h"
#include "quarter/store.h"

#define QT__MAX_MINUTES 60

struct qt_server {
    qt_server_opts o;
    struct MHD_Daemon *d;
    const qt_graph *g;
    qt_snapper *sn;
    double speed_mps;
    pthread_mutex_t lock;      /* the workspace pool and the access log */
    pthread_mutex_t ixlock;    /* the pointer ix: held only to take a reference or to swap it */
    pthread_mutex_t edit_lock; /* one reload or outlet edit at a time */
    qt_nearby_index *ix;       /* the current outlet index (immutable, reference-counted) */
    qt_nearby_index *jobs;     /* the jobs, placed once each, as an index of their own (ixlock, edit_lock) */
    qt_nearby_ws **pool;       /* idle workspaces */
    size_t npool, poolcap;
    pthread_key_t store_key;
    uint32_t proxies[16]; /* trusted proxies, IPv4 in network order */
    size_t nproxies;
    struct qt__offload *offload;  /* the isochrones' worker (server/offload.h) */
    struct qt__offload *hashpool; /* the password hashes' workers (o.hash_slots of them) */
    struct qt__offload *writes;   /* the store writes' workers (QT__POOL endpoints, server/router.h) */
    struct qt__delay *tarpit;     /* 429s held before they are sent (server/delay.h); NULL: none */
    struct qt__web *web;          /* pages, tiles, planner (server/web.h); read-only after start */
    int64_t seq;                  /* the store's change feed applied up to here (edit_lock) */
    pthread_t follower;           /* follows the feed (qt__follow_start) */
    int following;                /* the follower runs */
    atomic_int stopping;          /* the follower stops */
};

/* A workspace from the pool (or a new one).  NULL: no memory.  Give it back with qt__ws_give(). */
qt_nearby_ws *qt__ws_take(qt_server *s);
void qt__ws_give(qt_server *s, qt_nearby_ws *w);

/* The current outlet index, with a reference: OUT, qt_nearby_index_unref() it when done. */
qt_nearby_index *qt__index_acquire(qt_server *s);
/* Make ix the current index (TAKES the reference); the old one lives on while searches hold it. */
void qt__index_swap(qt_server *s, qt_nearby_index *ix);
/* Read every open outlet of the store at s->o.db_path and index it.  OUT *ix; *seq gets the change
 * feed's position read before the outlets (qt_store_changes_latest). */
qt_status qt__index_load(qt_server *s, qt_nearby_index **ix, int64_t *seq, qt_error *err);
/* The full reload of qt_server_reload, with edit_lock held by the caller. */
qt_status qt__reload_locked(qt_server *s, size_t *noutlets, qt_error *err);
/* Apply the store's changes after s->seq to the outlet and jobs indexes (under edit_lock): each
 * changed outlet edited, added, moved or removed in a copy that is swapped in, or a full reload when
 * more than a few hundred changed (an import).  st: the caller's connection. */
qt_status qt__follow_round(qt_server *s, qt_store *st, qt_error *err);
/* Start / stop the thread that waits on the change feed (qt_store_changes_wait) and applies it. */
qt_status qt__follow_start(qt_server *s, qt_error *err);
void qt__follow_stop(qt_server *s);
/* The current jobs index, with a reference: OUT, qt_nearby_index_unref() it when done. */
qt_nearby_index *qt__jobs_acquire(qt_server *s);
/* Read every open job of the store at s->o.db_path and place it.  OUT *ix. */
qt_status qt__jobs_load(qt_server *s, qt_nearby_index **ix, qt_error *err);
/* A job posted: a copy of the jobs index with it placed becomes the current one (under edit_lock). */
void qt__jobs_add(qt_server *s, const qt_store_job *j);
/* A job edited (j as it now is): the copy with its texts and closing time, or with it placed again when the
 * index had left it out (closed at loading, then reopened), becomes the current one (under edit_lock). */
void qt__jobs_refresh(qt_server *s, const qt_store_job *j);
/* An outlet edited in the store: an edited copy of the index becomes the current one
 * (under edit_lock, so edits and reloads do not lose each other's work).
 * An outlet not on the network is ignored. */
void qt__index_refresh(qt_server *s, qt_store *st, int64_t id);

#endif

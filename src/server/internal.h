/* SPDX-License-Identifier: MIT */
/*
 * server/internal.h -- what the server's files share: the server object, the
 * outlet index that nearby searches, and the pool of search workspaces.
 *
 * Threads: libmicrohttpd runs handlers on a pool of threads.  The graph and
 * the snapper never change.  The outlet index (pl, npl, at_start, at) is read
 * under plock held for reading and replaced or edited only under plock held
 * for writing (qt__index_refresh, qt_server_reload).  The workspace pool and
 * the access log are guarded by lock.  Each thread has its own store
 * connection (store_key).
 */
#ifndef QUARTER_SERVER_INTERNAL_H
#define QUARTER_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "quarter/search.h"
#include "quarter/server.h"
#include "quarter/snap.h"
#include "quarter/store.h"

#define QT__MAX_MINUTES 60

/* an outlet as nearby search sees it: placed on an edge */
typedef struct qt__place {
    int64_t id;
    char *name, *category, *services, *hours;
    double lon, lat;
    uint32_t edge, u, v;
    double to_u, to_v; /* leg + offset along the edge to each end */
    double t;          /* position on the edge */
} qt__place;

/* the outlets placed on the streets (in id order) and the node -> outlets index:
 * outlets attached to node v are at[at_start[v] .. at_start[v+1]) */
typedef struct qt__outlet_index {
    qt__place *pl;
    size_t npl, cap;
    uint32_t *at_start, *at;
} qt__outlet_index;

typedef struct qt__cand {
    double d;
    uint32_t j;
} qt__cand;

/* a search workspace with per-outlet scratch arrays sized for one index generation */
typedef struct qt__workspace {
    qt_search *search;
    double *best;          /* per outlet, valid where stamp == round */
    uint32_t *stamp, round;
    unsigned char *pass;   /* per outlet: passes the request's filters (valid where stamp == round) */
    uint32_t *final;       /* per outlet == round: counted among the settled answers */
    uint32_t *hits;        /* outlets seen this round */
    qt__cand *heap;        /* pending answers by distance (a min-heap; stale entries skipped) */
    size_t hcap;
    unsigned gen;          /* the index generation its arrays are sized for */
    size_t npl;            /* the outlet count its arrays are sized for */
    struct qt__workspace *next;
} qt__workspace;

struct qt_server {
    qt_server_opts o;
    struct MHD_Daemon *d;
    const qt_graph *g;
    qt_snapper *sn;
    qt__outlet_index ix;    /* under plock */
    double speed_mps;
    pthread_mutex_t lock;   /* the workspace pool and the access log */
    pthread_rwlock_t plock; /* the outlet index: nearby reads, an edit or a reload writes */
    atomic_uint gen;        /* the outlet index's generation (qt_server_reload) */
    qt__workspace *free_ws;
    pthread_key_t store_key;
};

/* A workspace from the pool, sized for the current index.  The caller holds
 * s->plock for reading (the index's size is read).  NULL: no memory.
 * OUT: give it back with qt__ws_give(). */
qt__workspace *qt__ws_take(qt_server *s);
/* Back to the pool (or freed when the index was reloaded since). */
void qt__ws_give(qt_server *s, qt__workspace *w);

/* Read every outlet of the store at db_path and place it on the graph.
 * OUT: *ix, free with qt__index_free(). */
qt_status qt__index_build(qt_server *s, qt__outlet_index *ix, qt_error *err);
void qt__index_free(qt__outlet_index *ix);
/* An outlet edited in the store: its texts into the index (its position stays).
 * Takes s->plock for writing; an outlet not on the network is ignored. */
void qt__index_refresh(qt_server *s, qt_store *st, int64_t id);

#endif

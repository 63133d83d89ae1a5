/* SPDX-License-Identifier: MIT */
/*
 * quarter/nearby.h -- the k nearest outlets by walking from a point, with
 * filters (业态 category, a service, a set of ids, open at a time).
 *
 * A qt_nearby_index holds the outlets placed on the walking network
 * (quarter/spot.h) and a node -> outlets table.  It is immutable once built
 * and reference-counted: a server shares one across threads, a reload builds
 * a new one and swaps the pointer, an edit makes an edited copy
 * (qt_nearby_index_edit) and swaps it the same way; a search in flight keeps
 * the index it started with alive through its reference, so no reader ever
 * sees a half-updated index.
 *
 * A search runs in a qt_nearby_ws (one per thread at a time): a search
 * workspace of the graph plus per-outlet scratch space, which grows to fit
 * whatever index it is used with.  The search stops as soon as the k nearest
 * are known.
 *
 * Ownership: the builder and the index borrow the graph and the snapper (they
 * must outlive them) and copy the outlets' texts.  Answers are BORROWED from
 * the workspace and the index: valid until the next search with the same
 * workspace, while the caller holds its reference to the index.
 */
#ifndef QUARTER_NEARBY_H
#define QUARTER_NEARBY_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/graph.h"
#include "quarter/search.h"
#include "quarter/snap.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* an outlet to index (IN, copied); texts may be NULL */
typedef struct qt_nearby_outlet {
    int64_t id;
    const char *name, *category, *services, *opening_hours; /* services: "a;b;c" */
    double lon, lat;                                        /* WGS-84 */
    int64_t until; /* 0: always found; else found only by queries whose now is before it (a job's expiry) */
} qt_nearby_outlet;

typedef struct qt_nearby_builder qt_nearby_builder;
typedef struct qt_nearby_index qt_nearby_index;
typedef struct qt_nearby_ws qt_nearby_ws;

/** A builder for g (sn: a snapper of g).  BORROWED g and sn.  OUT *out: qt_nearby_builder_free() or _finish(). */
QT_API qt_status qt_nearby_builder_new(const qt_graph *g, const qt_snapper *sn, qt_nearby_builder **out, qt_error *err);
/**
 * Add an outlet; one farther than QT_SNAP_DEFAULT_MAX_M from every street is
 * left out (nobody walks to it), *placed (may be NULL) tells which.
 * Statuses: QT_ENOMEM.
 */
QT_API qt_status qt_nearby_builder_add(qt_nearby_builder *b, const qt_nearby_outlet *o, int *placed, qt_error *err);
/**
 * The index (reference count 1), the builder freed in every case.
 * Statuses: QT_EINVAL (an id twice), QT_ENOMEM.  OUT *out: qt_nearby_index_unref().
 */
QT_API qt_status qt_nearby_builder_finish(qt_nearby_builder *b, qt_nearby_index **out, qt_error *err);
QT_API void qt_nearby_builder_free(qt_nearby_builder *b);

/** One more reference; returns ix.  Thread-safe. */
QT_API qt_nearby_index *qt_nearby_index_ref(qt_nearby_index *ix);
/** One reference less; the last frees the index.  NULL is ignored.  Thread-safe. */
QT_API void qt_nearby_index_unref(qt_nearby_index *ix);
/** The outlets on the network. */
QT_API size_t qt_nearby_index_count(const qt_nearby_index *ix);
/**
 * A copy of ix with outlet o->id's texts and until replaced by o's (its position stays).
 * ix is unchanged.  Statuses: QT_ENOTFOUND (o->id is not in ix), QT_ENOMEM.
 * OUT *out (reference count 1).
 */
QT_API qt_status qt_nearby_index_edit(const qt_nearby_index *ix, const qt_nearby_outlet *o, qt_nearby_index **out,
                                      qt_error *err);

/**
 * A copy of ix with one more outlet o (placed once, here; the others keep
 * their places, only the node table is rebuilt).  One farther than
 * QT_SNAP_DEFAULT_MAX_M from every street is left out: *placed 0 and *out a
 * new reference to ix.  ix is unchanged.  Statuses: QT_EINVAL (o->id is in
 * ix already), QT_ENOMEM.  OUT *out: qt_nearby_index_unref().
 */
QT_API qt_status qt_nearby_index_add(qt_nearby_index *ix, const qt_nearby_outlet *o, qt_nearby_index **out, int *placed,
                                     qt_error *err);

/**
 * 1 when outlet id is in ix, with what ix holds of it in *out (may be NULL;
 * its texts BORROWED from ix, category NULL when none); else 0.
 */
QT_API int qt_nearby_index_find(const qt_nearby_index *ix, int64_t id, qt_nearby_outlet *out);
/**
 * A copy of ix without outlet id (the others keep their places, only the
 * node table is rebuilt); ix is unchanged.  Statuses: QT_ENOTFOUND (id is not
 * in ix), QT_ENOMEM.  OUT *out (reference count 1).
 */
QT_API qt_status qt_nearby_index_remove(const qt_nearby_index *ix, int64_t id, qt_nearby_index **out, qt_error *err);

/** A workspace for searches on g.  BORROWED g.  OUT *out: qt_nearby_ws_free(). */
QT_API qt_status qt_nearby_ws_new(const qt_graph *g, qt_nearby_ws **out, qt_error *err);
QT_API void qt_nearby_ws_free(qt_nearby_ws *w);
/** The workspace's search, BORROWED, for other searches between nearby ones (routes, isochrones). */
QT_API qt_search *qt_nearby_ws_search(qt_nearby_ws *w);

typedef struct qt_nearby_query {
    double max_m;         /* walking budget in metres (minutes x 60 x speed) */
    size_t limit;         /* at most this many answers, the nearest (>= 1) */
    const char *category; /* NULL or "": any; else this 业态 code */
    const char *service;  /* NULL or "": any; else a service offered (bill payment's names match each other) */
    const int64_t *ids;   /* non-NULL: only these ids (sorted ascending; nids 0 matches none) */
    size_t nids;
    int open_at; /* 1: only outlets open at weekday (0 = Monday) and minute of the day */
    int weekday, minute;
    int64_t now; /* non-zero: outlets whose until is at or before it are not found */
} qt_nearby_query;

/* an answer; texts BORROWED from the index (category may be NULL) */
typedef struct qt_nearby_hit {
    int64_t id;
    const char *name, *category, *services, *opening_hours;
    double lon, lat;
    double dist_m; /* walking distance */
    int64_t until; /* as indexed */
} qt_nearby_hit;

/**
 * The outlets of ix within q->max_m of `at` (a point snapped in edge mode on
 * ix's graph) that pass q's filters, nearest first (ties by index order), at
 * most q->limit.  *hits: BORROWED from w, valid until the next search with w
 * (and while ix is held).  Statuses: QT_ENOMEM, those of qt_search_run.
 */
QT_API qt_status qt_nearby_search(const qt_nearby_index *ix, qt_nearby_ws *w, const qt_snap *at,
                                  const qt_nearby_query *q, const qt_nearby_hit **hits, size_t *n, qt_error *err);

/** Does services ("a;b;c") offer want?  Bill payment (生活缴费, 代收代缴 ...) matches its kin. */
QT_API int qt_nearby_offers(const char *services, const char *want);

#ifdef __cplusplus
}
#endif
#endif

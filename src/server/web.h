/* SPDX-License-Identifier: MIT */
/*
 * server/web.h -- the server's state for the pages, the tiles and the
 * planner (api_web.c, api_planner.c): built once by qt__web_start, read by
 * every thread; the hour-of-day analyses are made on first use under
 * hour_lock and kept (at most 24, so anonymous callers cannot make the
 * server run more than 24 analyses in all).
 */
#ifndef QUARTER_SERVER_WEB_H
#define QUARTER_SERVER_WEB_H

#include <jansson.h>
#include <pthread.h>

#include "quarter/tiles.h"
#include "server/internal.h"
#include "server/planner.h"
#include "server/web_assets.h"

/* a named place of the planning project (api_places.c) */
enum { QT__PLACE_COMMUNITY, QT__PLACE_CIRCLE, QT__PLACE_RESIDENCE, QT__PLACE_OUTLET };
typedef struct qt__place {
    const char *name, *circle; /* BORROWED from the planner's input and baseline; circle NULL: none */
    double lon, lat;           /* WGS-84 */
    int kind;                  /* QT__PLACE_* */
} qt__place;

typedef struct qt__web {
    qt__assets assets;    /* the built pages (none without --web) */
    qt_tiles *tiles;      /* NULL: an external tile URL */
    json_t *map;          /* GET /api/v1/map */
    char csp[1024];       /* Content-Security-Policy of the pages */
    qt__planner *planner; /* NULL: no --project */
    pthread_mutex_t hour_lock;
    qt_analysis *hour[24];       /* under hour_lock */
    pthread_mutex_t whatif_lock; /* one what-if at a time */
    json_t *circle_ids;          /* name -> store id, under hour_lock; made on first use, again when a name is new */
    unsigned circle_ids_gen;     /* under hour_lock: how often circle_ids was made */
    char *circles_brief;         /* under hour_lock: GET /planner/circles?brief=1 of the baseline (JSON, malloc'd) */
    size_t circles_brief_len;
    unsigned circles_brief_gen; /* the circle_ids_gen it was made with */
    qt__place *places;          /* communities, circles and named residences of the planner's baseline */
    size_t nplaces;
} qt__web;

/* Build s->web from s->o (pages, tiles, map config, planner baseline). On
 * failure s->web may be half-built: qt__web_stop frees it. */
qt_status qt__web_start(qt_server *s, qt_error *err);
void qt__web_stop(qt_server *s);
/* Fill w->places from w->planner (nothing without one). */
qt_status qt__places_build(qt__web *w, qt_error *err);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * server/walk.h -- "how far is it on foot from here": one search from a
 * point, then the walking distance to any number of points, each placed and
 * measured as nearby places and measures outlets (quarter/spot.h), for the
 * listings that are not the outlet index (jobs, coupons, goods).  A qt__walk
 * holds a pooled workspace until qt__walk_done.
 */
#ifndef QUARTER_SERVER_WALK_H
#define QUARTER_SERVER_WALK_H

#include "server/internal.h"

typedef struct qt__walk {
    qt_server *s;
    qt_nearby_ws *w;
    qt_snap from;    /* the start, snapped in edge mode */
    double budget_m; /* the search's reach */
    double lon, lat; /* where it started (WGS-84) */
} qt__walk;

/* Search from (lon, lat) up to minutes: 1 ready, 0 no street within 500 m, -1 no memory. */
int qt__walk_from(qt_server *s, double lon, double lat, double minutes, qt__walk *w);
/* Walking metres to (lon, lat), INFINITY beyond the reach or off the streets. */
double qt__walk_to(qt__walk *w, double lon, double lat);
void qt__walk_done(qt__walk *w);

#endif

/* SPDX-License-Identifier: MIT */
/* walk.c -- walking distances from a point to many (server/walk.h). */
#include "server/walk.h"

#include <math.h>
#include <string.h>

#include "base/geo.h"
#include "core/search_internal.h"
#include "quarter/snap.h"
#include "quarter/spot.h"

int qt__walk_from(qt_server *s, double lon, double lat, double minutes, qt__walk *w)
{
    qt_seed seeds[2];
    qt_error e = QT_ERROR_INIT;
    size_t ns;
    memset(w, 0, sizeof *w);
    w->s = s;
    w->lon = lon;
    w->lat = lat;
    w->budget_m = qt__minutes_m(minutes, s->speed_mps);
    if (qt_snapper_snap(s->sn, lon, lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &w->from, &e) != QT_OK)
        return 0;
    if (!(w->w = qt__ws_take(s)))
        return -1;
    ns = qt_snap_seeds(s->g, &w->from, QT_SNAP_EDGE, seeds);
    /* over the core with its chains filled: the same distances as node by node */
    if (qt__search_run_core(qt_nearby_ws_search(w->w), seeds, ns, w->budget_m, &e) != QT_OK) {
        qt__walk_done(w);
        return -1;
    }
    return 1;
}

/* straight-line metres: a cheap bound (the walk is never shorter) */
static double walk_straight(const qt__walk *w, double lon, double lat)
{
    double kx = 111320.0 * cos(w->lat * 3.14159265358979323846 / 180.0), dx = (lon - w->lon) * kx,
           dy = (lat - w->lat) * 110540.0;
    return sqrt(dx * dx + dy * dy);
}

double qt__walk_to(qt__walk *w, double lon, double lat)
{
    qt_spot sp;
    qt_error e = QT_ERROR_INIT;
    double d;
    if (!w->w || walk_straight(w, lon, lat) > w->budget_m + QT_SNAP_DEFAULT_MAX_M)
        return INFINITY;
    /* placed and measured as nearby places and measures outlets */
    if (qt_spot_place(w->s->g, w->s->sn, lon, lat, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return INFINITY;
    d = qt_spot_dist_m(w->s->g, qt_nearby_ws_search(w->w), &w->from, &sp);
    return d <= w->budget_m ? d : INFINITY;
}

void qt__walk_done(qt__walk *w)
{
    if (w->w)
        qt__ws_give(w->s, w->w);
    w->w = NULL;
}

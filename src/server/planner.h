/* SPDX-License-Identifier: MIT */
/*
 * server/planner.h -- what the planner dashboard's endpoints compute, as
 * JSON: the analysis of the planning project the server was started with
 * (`quarter serve --project`), run once at start as the baseline, and again
 * per request for a what-if (hypothetical outlets, through the engine's
 * incremental update in qt_analyze) or an hour of the day (only the outlets
 * open then count).  Layers are GeoJSON in WGS-84.
 *
 * Threads: the baseline never changes after qt__planner_new; every function
 * reads it and allocates its own results, so any thread may call them.
 * Ownership: json_t results are new references (caller json_decref()s).
 */
#ifndef QUARTER_SERVER_PLANNER_H
#define QUARTER_SERVER_PLANNER_H

#include <jansson.h>
#include <stddef.h>

#include "domain/whatif.h"
#include "quarter/analyze.h"
#include "quarter/status.h"

typedef struct qt__planner {
    qt_analysis_input in; /* BORROWED members (the caller's project) */
    qt_analysis_opts ao;
    qt_analysis *base; /* the baseline */
    qt__whatif *quick; /* the quick what-if on the baseline (domain/whatif.h); callers serialise */
    double *bbox;      /* per circle of the baseline: west, south, east, north of its residences */
} qt__planner;

/* a hypothetical outlet */
typedef struct qt__whatif_outlet {
    double lon, lat;
    int category; /* profile index */
} qt__whatif_outlet;

/* Run the baseline.  in, ao: copied (their pointers BORROWED, must outlive p).
 * OUT *out, free with qt__planner_free(). */
qt_status qt__planner_new(const qt_analysis_input *in, const qt_analysis_opts *ao, qt__planner **out, qt_error *err);
void qt__planner_free(qt__planner *p);

/* An analysis: the baseline (NULL returned in *owned) or, with n > 0 added
 * outlets or hour >= 0, a new one (*owned gets it; free with qt_analysis_free). */
qt_status qt__planner_run(const qt__planner *p, const qt__whatif_outlet *add, size_t n, int hour, const qt_analysis **a,
                          qt_analysis **owned, qt_error *err);

/* {"city": AREA, "circles": [AREA...]} of analysis a, with the figures of
 * stats (a itself, or a->before: a what-if's baseline, which has figures
 * but not a's areas; NULL: a), where AREA = {name, grade, population,
 * indicators: {population, residents_all_basic:{value,target,met},
 * coverage:{CODE:{value,target,met,ring_min}}, reasons, demand:[CODE...]}, bbox};
 * with coverage and all_basic from a quick what-if q when q is not NULL
 * (grades stay the baseline's: "grade_recomputed": false); brief: the
 * circles without their per-业态 coverage and demand (a long list) */
json_t *qt__planner_areas_quick(const qt__planner *p, const qt_analysis *a, const qt_analysis *stats,
                                const qt__whatif_result *q, size_t only, const qt__whatif_result *changed, int brief);
/* only for qt__planner_areas_quick: the circles whose figures the quick what-if changed (as q, or for the before, not) */
#define QT__PLANNER_CHANGED (SIZE_MAX - 1)
/* whether quick what-if changed moved circle i's coverage or all-basic share off the baseline's (stats) */
int qt__planner_circle_changed(const qt_analysis *stats, const qt__whatif_result *changed, size_t i);
/* the index of the circle called name in the baseline, SIZE_MAX none; only: that circle (SIZE_MAX: all) */
size_t qt__planner_circle_index(const qt__planner *p, const char *name);
/* residences with their walking minutes to category cat (points) */
json_t *qt__planner_residences(const qt__planner *p, const qt_analysis *a, int cat);
/* 盲区: cells of cell_m metres holding residents beyond the ring of cat (cat < 0: of any
 * required basic 业态), with the residents unserved in each (polygons) */
json_t *qt__planner_blind(const qt__planner *p, const qt_analysis *a, int cat, double cell_m);
/* the project's outlets (points with category and class) */
json_t *qt__planner_outlets(const qt__planner *p, int cat);
/* each circle's outline: the convex hull of its residences (polygons) */
json_t *qt__planner_circle_shapes(const qt__planner *p);

#endif

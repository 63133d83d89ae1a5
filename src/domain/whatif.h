/* SPDX-License-Identifier: MIT */
/*
 * domain/whatif.h -- the planner's quick what-if: hypothetical outlets
 * added to a finished analysis without analysing again.  The residences are
 * placed on the network once (qt__whatif_new); a what-if runs one bounded
 * search per added outlet (seeded at both ends of the street it stands on,
 * as the analysis seeds outlets) and keeps, per residence, the shorter of
 * the baseline time and the new one.  Coverage per 业态 and the share of
 * residents reaching every required basic 业态 are then recounted for every
 * circle and the city by the analysis' own rules (quarter/analyze.h): the
 * baseline's sums, made once, plus the people the added outlets newly serve
 * (only the residences they reach are visited); grades are not recomputed (a full qt_analyze with
 * what_if does that).  The result equals a full what-if analysis for those
 * figures, up to float rounding of the minutes.
 *
 * Threads: a qt__whatif holds one search workspace and its marks; callers serialise
 * qt__whatif_run.  Ownership: qt__whatif_new borrows its arguments (they must
 * outlive it); results are OUT, caller frees with qt__whatif_result_free.
 */
#ifndef QUARTER_DOMAIN_WHATIF_H
#define QUARTER_DOMAIN_WHATIF_H

#include <stddef.h>

#include "quarter/analyze.h"

typedef struct qt__whatif qt__whatif;

typedef struct qt__whatif_add {
    double lon, lat; /* WGS-84 */
    int category;    /* profile index */
} qt__whatif_add;

/* the recounted figures of one area (NAN where its population is 0) */
typedef struct qt__whatif_area {
    double *coverage; /* ncat */
    double all_basic;
} qt__whatif_area;

typedef struct qt__whatif_result {
    size_t ncat, ncircles;
    qt__whatif_area city;
    qt__whatif_area *circles; /* in the analysis' circle order */
    size_t unplaced;          /* added outlets too far from a street (ignored) */
} qt__whatif_result;

/* the residences of the analysis (base->nres of them): lon, lat (WGS-84),
 * population, BORROWED, must outlive the what-if, as must g, p and base */
typedef struct qt__whatif_homes {
    const double *lon, *lat, *population;
} qt__whatif_homes;

qt_status qt__whatif_new(const qt_graph *g, const qt_profile *p, const qt__whatif_homes *homes,
                         const qt_analysis_opts *o, const qt_analysis *base, qt__whatif **out, qt_error *err);
void qt__whatif_free(qt__whatif *w);
qt_status qt__whatif_run(qt__whatif *w, const qt__whatif_add *add, size_t n, qt__whatif_result **out, qt_error *err);
void qt__whatif_result_free(qt__whatif_result *r);

#endif

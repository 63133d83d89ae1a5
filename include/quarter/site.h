/* SPDX-License-Identifier: MIT */
/*
 * quarter/site.h -- 项目清单: where to open k new outlets of one 业态 so
 * that the most residents now beyond its ring are served (maximal covering
 * location).  Existing outlets stay; the demand is the residences an
 * analysis found unserved for the category, weighted by population; a
 * candidate covers a residence when the walk between them is within the
 * category's ring.
 *
 * Greedy with lazy evaluation (CELF) picks sites one at a time by the
 * residents they newly serve; coverage is submodular, so greedy reaches at
 * least 1 - 1/e (63.2%) of the optimum.  When the instance is small enough
 * (or exact is forced) GLPK solves the integer model
 *   max Σ w_i y_i  s.t.  y_i <= Σ_{j covers i} x_j,  Σ x_j <= k,  x binary, 0 <= y <= 1
 * to optimality (or to its time limit), so the output shows how close
 * greedy came.
 * Ownership: qt_site gives the caller a result to release with
 * qt_site_result_free; it borrows nothing.
 */
#ifndef QUARTER_SITE_H
#define QUARTER_SITE_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/analyze.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_site_input {
    const qt_graph *graph;
    const qt_profile *profile;
    const qt_residence_list *residences;
    const qt_analysis *analysis; /* of the same residences: who is unserved now */
    uint32_t category;
    size_t ncand; /* candidate sites (WGS-84); 0: network nodes near the unserved */
    const double *cand_lon, *cand_lat;
    size_t k;
    double snap_max_m;     /* 0: 500 */
    double node_spacing_m; /* network-node candidates: at most one per cell of this size (0: 100) */
    int exact;             /* 1 always, 0 never, -1 when small (<= 2e5 nonzeros) */
    double time_limit_s;   /* GLPK's limit (0: 30) */
    unsigned threads;      /* 0: all cores */
} qt_site_input;

typedef struct qt_site_result {
    size_t ncand;                /* candidates considered */
    double *cand_lon, *cand_lat; /* ncand */
    size_t nchosen;
    size_t *chosen;         /* candidate indices, in greedy order */
    double *gain;           /* residents each newly serves, given those before it */
    double greedy_total;    /* residents served by the greedy sites */
    double unserved_total;  /* residents beyond the ring before any new site */
    double reachable_total; /* residents some candidate can serve */
    size_t ndemand;         /* unserved residences */
    int exact_status;       /* 0 not run, 1 optimal, 2 stopped at the time limit, -1 failed */
    double exact_total;     /* residents served by GLPK's best solution */
    size_t nexact;
    size_t *exact_chosen; /* GLPK's sites */
    double exact_seconds;
} qt_site_result;

/** Choose sites.  OUT *out, free with qt_site_result_free().  Statuses: QT_EINVAL, QT_ENOMEM. */
QT_API qt_status qt_site(const qt_site_input *in, qt_site_result **out, qt_error *err);
QT_API void qt_site_result_free(qt_site_result *r);

#ifdef __cplusplus
}
#endif
#endif

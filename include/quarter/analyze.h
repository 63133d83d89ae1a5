/* SPDX-License-Identifier: MIT */
/*
 * quarter/analyze.h -- the planning analysis: for every residence the
 * walking time to the nearest outlet of each 业态; for every community,
 * circle and the city the indicators of SPEC §2 against the profile's
 * targets; each circle's grade with its reasons; what is missing where
 * (需求清单); and the what-if of outlets that do not exist yet.
 *
 * Indicators of one area (a community, a circle = its communities, the city
 * = every residence):
 *   population P = Σ residents;  coverage(c) = Σ pop [t(c) <= ring(c)] / P;
 *   all_basic = Σ pop [every required basic within its ring] / P;
 *   a 业态 is present when coverage(c) >= present_share;
 *   a community is covered when its all_basic >= community_covered_share;
 *   outlets (of the profile's 业态) belong to the community whose boundary
 *   holds them (when boundaries are given), else to the community of the
 *   nearest residence within 500 m (straight line); per 10k = outlets / P x 10^4;
 *   chain share = chain outlets / outlets; floor area share = outlet floor
 *   area / residential floor area; m2 per 100 households = outlet floor
 *   area / households x 100 (both over the outlets and residences whose
 *   figures are known); satisfaction = satisfied / answers, valid when
 *   answers >= survey_min_samples.
 * Ownership: qt_analyze gives the caller a qt_analysis to release with
 * qt_analysis_free; it borrows nothing.
 */
#ifndef QUARTER_ANALYZE_H
#define QUARTER_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/access.h"
#include "quarter/graph.h"
#include "quarter/inputs.h"
#include "quarter/profile.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_analysis_input {
    const qt_graph *graph; /* the walking network */
    const qt_profile *profile;
    const qt_outlet_list *outlets;
    const qt_residence_list *residences;
    const qt_circle_list *circles;       /* NULL: communities only */
    const qt_survey *survey;             /* NULL: no answers */
    const qt_outlet_list *what_if;       /* NULL, or outlets to add to the baseline */
    const char *const *outlet_community; /* NULL, or per outlet the community whose boundary holds
                                            it ("" none: the nearest residence decides) */
} qt_analysis_input;

typedef struct qt_analysis_opts {
    double speed_kmh;        /* 0: the profile's default speed */
    double max_minutes;      /* times beyond are not searched (0: 30) */
    double snap_max_m;       /* points farther from a street are left out (0: 500) */
    int at_weekday;          /* --at: 0 Mo .. 6 Su (-1: Mo) */
    int at_minute;           /* --at: minute of the day; -1: every outlet, whatever its hours */
    double community_grid_m; /* > 0: residences without a community get one of a grid this size */
    double circle_grid_m;    /* > 0 and no circles: circles are grid cells of this size */
    unsigned threads;        /* 0: all cores */
    qt_progress_fn progress; /* may be NULL */
    void *progress_ud;
} qt_analysis_opts;

/** The rules a profile grade may set (docs/profile.md [grade]); names as in the API's why[].rules[].rule. */
typedef enum qt_grade_rule_kind {
    QT_RULE_BASIC_PRESENT,       /* "basic_present": basic 业态 present, of those required */
    QT_RULE_QUALITY_PRESENT,     /* "quality_present": quality 业态 present */
    QT_RULE_ALL_BASIC,           /* "all_basic": share of residents with every basic 业态 in reach */
    QT_RULE_COMMUNITIES_COVERED, /* "communities_covered": share of communities covered */
    QT_RULE_CHAIN_SHARE,         /* "chain_share": chain outlets / outlets */
    QT_RULE_SATISFACTION         /* "satisfaction": satisfied / answers, valid from survey_min_samples answers */
} qt_grade_rule_kind;

/** One rule of a grade checked against an area: the reasons of its grade as data. */
typedef struct qt_grade_check {
    int grade; /* the profile grade whose rule it is */
    qt_grade_rule_kind kind;
    int pass;           /* 1: the area meets the rule */
    double value;       /* basic/quality: 业态 present; communities: communities covered; the rest a
                                share 0..1, NAN unknown (chain share without outlets, satisfaction below
                                survey_min_samples answers) */
    double target;      /* basic/quality: 业态 needed; the rest a share 0..1 */
    double total;       /* basic: 业态 required; communities: communities; satisfaction: answers */
    double min_answers; /* satisfaction: survey_min_samples */
} qt_grade_check;

/** The indicators of one area. */
typedef struct qt_area_stats {
    double population, households;
    uint32_t residences;
    double *coverage; /* per category, 0..1 (NAN when population is 0) */
    double *unserved; /* per category: residents beyond the ring */
    double all_basic; /* 0..1 */
    int basic_present, quality_present, basic_required, quality_total;
    uint32_t communities, communities_covered;
    uint32_t outlets, chain_outlets, outlets_with_area, outlets_with_staff;
    double outlet_area, staff;
    double residential_area;     /* known residential floor area */
    double households_with_area; /* unused when 0 */
    double investment;           /* 万元, NAN unknown */
    uint32_t survey_answers, survey_satisfied;
    int grade;              /* index of the profile grade, -1 below every grade */
    char *reasons;          /* why this grade (circles and the city), in stable English:
                                    qt_grade_reasons(s, p, QT_REASONS_STABLE) */
    qt_grade_check *checks; /* the same as data: the rules of the grade reached (grade <= this
                                    grade), then those of the next grade, which it misses */
    size_t nchecks;
} qt_area_stats;

typedef struct qt_analysis {
    size_t ncat, nres;
    double speed_mps, max_minutes;
    float *minutes;            /* nres x ncat: minutes to the nearest outlet; INFINITY beyond max_minutes */
    uint32_t *res_community;   /* per residence, UINT32_MAX: none */
    unsigned char *res_placed; /* 0: too far from a street (left out of every figure) */
    size_t ncommunities;
    char **community; /* names */
    qt_area_stats *communities_stats;
    size_t ncircles;
    char **circle;           /* names */
    size_t *circle_start;    /* ncircles + 1, into circle_member */
    uint32_t *circle_member; /* community indices */
    qt_area_stats *circles_stats;
    qt_area_stats city;
    /* what went in */
    size_t outlets_used, outlets_closed, outlets_hours_unknown, outlets_unplaced, outlets_unclassified;
    size_t residences_unplaced;
    /* network coverage: components of the network (with the points placed on
       it), and the placed residences and outlets on components other than the
       largest (they reach only what is on their part) */
    uint32_t network_components;
    size_t residences_off_main, outlets_off_main;
    /* coordinate-system checks: the share of points more than 200 m from a
       street, and the median distance to a street, as given and as if the
       coordinates were GCJ-02 (NAN when not measured) */
    double outlets_far_share, outlets_far_share_gcj, outlets_median_m, outlets_median_m_gcj;
    double residences_far_share, residences_far_share_gcj, residences_median_m, residences_median_m_gcj;
    int chain_known, area_known, staff_known;
    uint32_t *outlet_community; /* per outlet of the input's outlet list: the community of the nearest
                                   residence within 500 m, UINT32_MAX none */
    struct qt_analysis *before; /* what-if: the baseline without the added outlets; NULL otherwise */
    /* communities made from the grid (community_grid_m): each such community is one cell */
    double grid_m, grid_lon0, grid_lat0; /* grid_m 0: no community is a grid cell */
    int32_t *community_cell;             /* 2 per community: the cell's x, y; INT32_MIN when the
                                            community has a name of its own (NULL when grid_m is 0) */
} qt_analysis;

/** Run the analysis.  OUT *out, free with qt_analysis_free().  Statuses: QT_EINVAL, QT_ENOMEM. */
QT_API qt_status qt_analyze(const qt_analysis_input *in, const qt_analysis_opts *opts, qt_analysis **out,
                            qt_error *err);
QT_API void qt_analysis_free(qt_analysis *a);

/**
 * The boundary of community c when it is a grid cell (qt_analysis.community_cell): its corners in
 * WGS-84, lonmin..lonmax, latmin..latmax.  Returns 1, or 0 when the community is not a grid cell.
 */
QT_API int qt_analysis_community_cell(const qt_analysis *a, size_t c, double *lonmin, double *latmin, double *lonmax,
                                      double *latmax);

/* qt_grade_reasons forms */
#define QT_REASONS_TEXT 0 /* a sentence in the message catalogue's language (Chinese by default) */
#define QT_REASONS_STABLE                                                                                              \
    1 /* the same sentence in English, whatever the language: "基础型: 9 of 9 basic
                               present; 2 quality >= 2 — not 品质型: ..." (qt_area_stats.reasons) */
#define QT_REASONS_JSON                                                                                                \
    2 /* a JSON array, one object per grade: [{"grade", "reached", "rules":
                               [{"rule", "pass", "value", "target", "total"?, "min_answers"?}]}] */

/**
 * The reasons of s's grade (s: a circle or the city of an analysis of profile p) in one of the
 * forms above.  Returns a string the caller frees with free(), or NULL when out of memory.
 * Reentrant: the language is the catalogue's (dgettext), nothing is kept.
 */
QT_API char *qt_grade_reasons(const qt_area_stats *s, const qt_profile *p, int form);

/** Whether an indicator value meets its target (NAN target: -1 no target; NAN value: -1). */
QT_API int qt_target_met(double value, double target);

#ifdef __cplusplus
}
#endif
#endif

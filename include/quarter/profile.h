/* SPDX-License-Identifier: MIT */
/*
 * quarter/profile.h -- the 业态 profile: which kinds of outlet a city counts,
 * in which ring, and how outlets from OpenStreetMap and Amap map to them.
 *
 * A profile is a text file a city can edit (format in docs/profile.md; the
 * default is data/profiles/mofcom-2023.profile):
 *
 *   [profile]            name, walking speeds, ring minutes
 *   [category B01]       zh, en, class (basic | quality), ring_min, required,
 *                        and any number of `match =` rules
 *   [targets]            what indicators are measured against
 *   [grade NAME]         grading rules, lowest grade first
 *   [population]         estimating residents from building floor area
 *
 * A match rule is a list of conditions that must all hold:
 *   osm:KEY=VALUE (VALUE * for any)     weight 10
 *   amap:CODE[|CODE...]  typecode prefix (060200 means 0602..)  weight = digits
 *   type:TEXT[|TEXT...]  the Amap type path contains one of them  weight 3
 *   name:TEXT[|TEXT...]  the name contains one of them           weight 3
 *   !name:... / !type:... / !osm:K=V    none of them            weight 0
 * An outlet goes to the category of the matching rule with the greatest
 * total weight; ties go to the rule written first.  So a name keyword can
 * refine a typecode (amap:0503 name:早餐 beats amap:05) but a bare keyword
 * does not override an exact code.
 *
 * Every validation error names the file, the line and the key.
 * Ownership: qt_profile_load gives the caller a profile to release with
 * qt_profile_free.  A loaded profile is immutable and may be shared by
 * threads.
 */
#ifndef QUARTER_PROFILE_H
#define QUARTER_PROFILE_H

#include <stddef.h>

#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qt_cat_class {
    QT_CLASS_BASIC = 0,  /* 基本保障类: in the 5-10 minute ring */
    QT_CLASS_QUALITY = 1 /* 品质提升类: in the 15 minute ring */
} qt_cat_class;

typedef struct qt_category {
    const char *code; /* e.g. "B01" */
    const char *zh;   /* 便利店 */
    const char *en;   /* convenience store */
    qt_cat_class cls;
    double ring_min; /* walking minutes within which it should be reached */
    int required;    /* counts towards "all basic 业态" (default: yes for basic, no for quality) */
} qt_category;

/**
 * The targets indicators are shown against ([targets]).  Shares are 0..1;
 * NAN means "no target".
 */
typedef struct qt_targets {
    double present_share;           /* a 业态 is present in an area when this share of its
                                      residents reach it within its ring (default 0.5) */
    double residents_all_basic;     /* share of residents reaching every required basic 业态 (1.0) */
    double community_covered_share; /* a community is covered when this share of its residents
                                      reach every required basic 业态 (0.5) */
    double communities_covered;     /* share of communities covered (1.0) */
    double category_coverage;       /* per-业态 ring coverage (NAN) */
    double outlets_per_10k;         /* outlets per 10,000 residents (NAN) */
    double chain_share;             /* chain outlets / outlets (0.30) */
    double floor_area_share;        /* outlet floor area / residential floor area (0.10) */
    double area_per_100_households; /* outlet m2 per 100 households (30) */
    double satisfaction;            /* satisfied / answers (0.90) */
    double survey_min_samples;      /* answers a circle needs before satisfaction counts (50) */
} qt_targets;

/**
 * One grade ([grade NAME]); grades are listed from the lowest (基础型) to
 * the highest (品质型) and a circle gets the highest whose every condition
 * holds.  A condition that is NAN (or -1 for the counts) is not required.
 */
typedef struct qt_grade_rule {
    const char *name;           /* 基础型 */
    int basic_present;          /* required basic 业态 present: -2 all, -1 no condition, else at least */
    int quality_present;        /* quality 业态 present: at least; -1 no condition */
    double all_basic_share;     /* share of residents reaching every required basic 业态 */
    double communities_covered; /* share of the circle's communities covered */
    double chain_share;
    double satisfaction; /* needs a valid survey (>= survey_min_samples answers) */
} qt_grade_rule;

/**
 * Population estimated from buildings ([population]): floor area =
 * footprint x levels (default_levels when the building has none), residents
 * = floor area / m2_per_person, households = residents / household_size.
 */
typedef struct qt_population_rule {
    double m2_per_person;  /* residential floor area per resident (default 36) */
    double household_size; /* residents per household (default 2.62, the 2020 census) */
    double default_levels; /* storeys when a building says none (default 6) */
} qt_population_rule;

typedef struct qt_profile qt_profile;

/** What is known about one outlet; any field may be NULL / 0. */
typedef struct qt_outlet_facts {
    const char *const *osm_tags; /* key, value, key, value ... */
    size_t ntags;                /* number of key/value pairs */
    const char *amap_code;       /* "060200", or several joined by '|' */
    const char *amap_type;       /* "购物服务;便民商店/便利店;便民商店/便利店" */
    const char *name;
} qt_outlet_facts;

/** Load and validate a profile.  Statuses: QT_EIO, QT_EPARSE, QT_EINVAL, QT_ENOMEM. */
QT_API qt_status qt_profile_load(const char *path, qt_profile **out, qt_error *err);
QT_API void qt_profile_free(qt_profile *p);

QT_API const char *qt_profile_name(const qt_profile *p);
QT_API size_t qt_profile_category_count(const qt_profile *p);
/** Category i, 0 <= i < count; BORROWED from the profile. */
QT_API const qt_category *qt_profile_category(const qt_profile *p, size_t i);
/** Index of the category with this code (or Chinese name), or -1. */
QT_API int qt_profile_find(const qt_profile *p, const char *code_or_zh);

/** Walking speed in km/h: "default", "elderly" or "winter"; 0 if the profile has none. */
QT_API double qt_profile_speed_kmh(const qt_profile *p, const char *which);

/** The targets, grades and population rule; BORROWED from the profile. */
QT_API const qt_targets *qt_profile_targets(const qt_profile *p);
QT_API size_t qt_profile_grade_count(const qt_profile *p);
QT_API const qt_grade_rule *qt_profile_grade(const qt_profile *p, size_t i);
QT_API const qt_population_rule *qt_profile_population(const qt_profile *p);

/**
 * Classify one outlet: the category index, or -1 when no rule matches (not
 * a 业态 the profile counts).  *rule_line (may be NULL) gets the profile line
 * of the rule that decided, 0 when none.
 */
QT_API int qt_profile_classify(const qt_profile *p, const qt_outlet_facts *f, int *rule_line);

#ifdef __cplusplus
}
#endif
#endif

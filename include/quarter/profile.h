/* SPDX-License-Identifier: MIT */
/*
 * quarter/profile.h -- the 业态 profile: which kinds of outlet a city counts,
 * in which ring, and how outlets from OpenStreetMap and Amap map to them.
 *
 * A profile is a text file a city can edit (format in docs/profile.md; the
 * default is data/profiles/mofcom-2023.profile):
 *
 *   [profile]            name, walking speeds, ring minutes
 *   [category B01]       zh, en, class (basic | quality), ring_min, and any
 *                        number of `match =` rules
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
    double ring_min;  /* walking minutes within which it should be reached */
} qt_category;

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

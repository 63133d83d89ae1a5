/* SPDX-License-Identifier: MIT */
/*
 * osm_filter.c -- which OSM ways are walkable, as data.
 *
 * A way is walkable when it has a highway=* value and the rules below allow
 * it.  Every walkable way is walkable both directions (oneway is for
 * vehicles).  The truth table in tests/data/walkable_rules.tsv exercises
 * every row; docs/formats.md states the rules in words.
 */
#include <string.h>

#include "quarter/io.h"

typedef enum hw_rule {
    HW_DENY,          /* never walkable (motorways, construction, non-ways) */
    HW_NEEDS_SIDEWALK /* walkable only with a sidewalk or explicit foot access */
} hw_rule;

static const struct {
    const char *value;
    hw_rule rule;
} highway_rules[] = {
    {"motorway", HW_DENY},
    {"motorway_link", HW_DENY},
    {"construction", HW_DENY},
    {"proposed", HW_DENY},
    {"planned", HW_DENY},
    {"abandoned", HW_DENY},
    {"disused", HW_DENY},
    {"razed", HW_DENY},
    {"raceway", HW_DENY},
    {"bus_guideway", HW_DENY},
    {"busway", HW_DENY},
    {"escape", HW_DENY},
    {"emergency_bay", HW_DENY},
    {"no", HW_DENY},
    /* point features that sometimes end up on ways */
    {"bus_stop", HW_DENY},
    {"platform", HW_DENY},
    {"services", HW_DENY},
    {"rest_area", HW_DENY},
    {"elevator_shaft", HW_DENY},
    {"traffic_island", HW_DENY},
    {"trunk", HW_NEEDS_SIDEWALK},
    {"trunk_link", HW_NEEDS_SIDEWALK},
};

/* values of foot=* that grant access even where access=* denies it */
static const char *const foot_grants[] = {"yes", "designated", "permissive"};
/* values of access=* that deny walking unless foot=* grants it */
static const char *const access_denies[] = {"private", "no"};
/* values of sidewalk=* (and sidewalk:both etc.) that make a trunk walkable */
static const char *const sidewalk_present[] = {"yes", "both", "left", "right"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int in_list(const char *v, const char *const *list, size_t n)
{
    size_t i;
    if (!v)
        return 0;
    for (i = 0; i < n; i++)
        if (strcmp(v, list[i]) == 0)
            return 1;
    return 0;
}

int qt_osm_way_walkable(const char *const *keys, const char *const *values, size_t n, double steps_factor,
                        double *factor)
{
    const char *hw = NULL, *foot = NULL, *access = NULL, *sidewalk = NULL;
    size_t i;
    if (factor)
        *factor = 1.0;
    for (i = 0; i < n; i++) {
        const char *k = keys[i];
        if (strcmp(k, "highway") == 0)
            hw = values[i];
        else if (strcmp(k, "foot") == 0)
            foot = values[i];
        else if (strcmp(k, "access") == 0)
            access = values[i];
        else if (strcmp(k, "sidewalk") == 0 || strcmp(k, "sidewalk:both") == 0 || strcmp(k, "sidewalk:left") == 0 ||
                 strcmp(k, "sidewalk:right") == 0) {
            if (!sidewalk || in_list(values[i], sidewalk_present, COUNT(sidewalk_present)))
                sidewalk = values[i];
        }
    }
    if (!hw)
        return 0;
    if (foot && strcmp(foot, "no") == 0)
        return 0;
    for (i = 0; i < COUNT(highway_rules); i++) {
        if (strcmp(hw, highway_rules[i].value) != 0)
            continue;
        if (highway_rules[i].rule == HW_DENY)
            return 0;
        if (highway_rules[i].rule == HW_NEEDS_SIDEWALK &&
            !in_list(sidewalk, sidewalk_present, COUNT(sidewalk_present)) &&
            !in_list(foot, foot_grants, COUNT(foot_grants)))
            return 0;
        break;
    }
    if (in_list(access, access_denies, COUNT(access_denies)) && !in_list(foot, foot_grants, COUNT(foot_grants)))
        return 0;
    if (factor && strcmp(hw, "steps") == 0)
        *factor = steps_factor;
    return 1;
}

/* SPDX-License-Identifier: MIT */
/*
 * quarter/inputs.h -- the input lists of the planning analysis (outlets,
 * residences, circles, survey answers) as domain types: the readers of
 * quarter/io.h and quarter/plan.h fill them (and free them with their
 * qt_*_free), the analysis (quarter/analyze.h) and the site search
 * (quarter/site.h) read them.  Plain data: a list is owned by whoever
 * obtained it and is safe to read from many threads.
 */
#ifndef QUARTER_INPUTS_H
#define QUARTER_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Text encoding of an input table. */
typedef enum qt_encoding {
    QT_ENC_AUTO = 0, /* UTF-8 (with or without BOM) if valid, else GBK */
    QT_ENC_UTF8 = 1,
    QT_ENC_GBK = 2 /* read as GB18030, its superset */
} qt_encoding;

/** Columns of an outlet table, in qt_outlet_list.cols order. */
enum {
    QT_OCOL_ID,
    QT_OCOL_NAME,
    QT_OCOL_TYPE,
    QT_OCOL_CODE,
    QT_OCOL_LON,
    QT_OCOL_LAT,
    QT_OCOL_CATEGORY,
    QT_OCOL_BRAND,
    QT_OCOL_CHAIN,
    QT_OCOL_AREA,
    QT_OCOL_STAFF,
    QT_OCOL_HOURS,
    QT_OCOL_SERVICES,
    QT_OCOL_ADDRESS,
    QT_OCOL_COUNT
};

/** Outlets read from a table and classified with a profile. */
typedef struct qt_outlet_list {
    size_t n;
    char **id, **name;     /* name may be "" */
    double *lon, *lat;     /* WGS-84 */
    int *category;         /* profile category index, -1: not a 业态 of the profile */
    int *rule_line;        /* profile line of the deciding rule, 0 when none */
    size_t *line;          /* line (CSV) or feature number (other formats) in the input */
    char **brand;          /* brand or chain name, "" when none */
    unsigned char *chain;  /* 1: a chain outlet (a chain column says so, or it has a brand) */
    double *floor_area;    /* m2, NAN unknown */
    double *staff;         /* people employed, NAN unknown */
    char **hours;          /* opening hours (OSM opening_hours syntax), "" unknown */
    char **services;       /* services offered (代收代缴;打印复印 ...), "" none listed */
    char **address;        /* 地址 as written, "" unknown */
    unsigned char *closed; /* 1: the name marks it closed (暂停营业, 停业, 已关闭, 已搬迁); category is -1 */
    qt_encoding encoding;  /* what the file turned out to be in */
    int from_osm;          /* the table was an OpenStreetMap file */
    char *cols[QT_OCOL_COUNT]; /* the columns used (NULL: none) */
    size_t skipped;            /* OSM objects that are no outlet at all (no shop/amenity/... tag) */
    size_t header_line;        /* line (row) the header was found on */
    int natural_key;           /* no id column: ids are the natural key (see qt_outlets_read) */
    char *notes;               /* what the reader chose that the user should know: lines ending in '\n', "" none */
} qt_outlet_list;

/** Where a residence's population figure comes from. */
typedef enum qt_pop_source {
    QT_POP_GIVEN = 0,      /* a population column */
    QT_POP_HOUSEHOLDS = 1, /* households x household_size (an estimate) */
    QT_POP_FLOOR_AREA = 2  /* floor area / m2_per_person (an estimate) */
} qt_pop_source;

/** Residences: points, or polygons by their centroid. */
typedef struct qt_residence_list {
    size_t n;
    char **id;
    char **community;   /* community name, "" when the table has none */
    double *lon, *lat;  /* WGS-84 */
    double *population; /* residents (> 0) */
    double *households;
    double *floor_area;    /* residential floor area m2, NAN unknown */
    unsigned char *source; /* qt_pop_source */
    size_t *line;          /* line (CSV) or feature number in the input */
    size_t skipped;        /* OSM objects that are no residential building */
    size_t nestimated;     /* rows whose population is an estimate */
    char **address;        /* 地址 as written, "" unknown */
    size_t header_line;    /* line (row) the header was found on */
    char *cols_used;       /* "id=小区名称 lon=经度 ..." the column chosen for each field */
    char *notes;           /* the reader's notes (coordinate columns chosen), lines ending in '\n' */
} qt_residence_list;

/** Circles (生活圈) and the communities in them. */
typedef struct qt_circle_list {
    size_t ncircles;
    char **circle;        /* names */
    double *investment;   /* per circle, 万元; NAN unknown */
    size_t *member_start; /* ncircles + 1: members of circle i are
                                member[member_start[i] .. member_start[i+1]) */
    uint32_t *member;     /* community indices */
    size_t ncommunities;
    char **community; /* names, in order of first appearance */
    size_t *line;     /* per circle: line in the file */
    char *path;       /* the file */
} qt_circle_list;

/** Satisfaction survey answers, counted per circle. */
typedef struct qt_survey {
    size_t ncircles;     /* as the circle list */
    uint32_t *answers;   /* per circle */
    uint32_t *satisfied; /* per circle */
} qt_survey;

#ifdef __cplusplus
}
#endif
#endif

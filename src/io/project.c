/* SPDX-License-Identifier: MIT */
/*
 * project.c -- the project file of quarter/project.h.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/ini.h"
#include "quarter/project.h"

static void table_free(qt_project_table *t)
{
    int i;
    qt__free(t->file);
    qt__free(t->layer);
    for (i = 0; i < QT_PCOL_COUNT; i++)
        qt__free(t->col[i]);
}

static const char *const col_keys[QT_PCOL_COUNT] = {"id_col",         "name_col",       "type_col",     "code_col",
                                                    "lon_col",        "lat_col",        "category_col", "address_col",
                                                    "population_col", "households_col", "community_col"};

void qt_project_free(qt_project *p)
{
    if (!p)
        return;
    qt__free(p->path);
    qt__free(p->name);
    qt__free(p->profile);
    qt__free(p->network);
    qt__free(p->speed);
    table_free(&p->outlets);
    table_free(&p->residences);
    table_free(&p->circles);
    table_free(&p->survey);
    table_free(&p->communities);
    qt__free(p->community_field);
    qt__free(p);
}

typedef struct loader {
    qt_project *p;
    const char *path;
    size_t dirlen; /* the project file's folder, with its '/' */
    int sec;
    qt_error *err;
} loader;

enum { S_PROJECT = 1, S_NETWORK, S_OUTLETS, S_RESIDENCES, S_CIRCLES, S_SURVEY, S_COMMUNITIES };

static qt_status bad(const loader *ld, int line, const char *key, qt_status code, const char *fmt, ...) QT_PRINTF(5, 6);

static qt_status bad(const loader *ld, int line, const char *key, qt_status code, const char *fmt, ...)
{
    char where[400];
    va_list ap;
    if (key)
        snprintf(where, sizeof where, "%s:%d: key '%s'", ld->path, line, key);
    else
        snprintf(where, sizeof where, "%s:%d", ld->path, line);
    va_start(ap, fmt);
    qt_error_setv(ld->err, code, where, fmt, ap);
    va_end(ap);
    return code;
}

/* a path relative to the project file's folder */
static char *resolve(const loader *ld, const char *v)
{
    size_t n = strlen(v);
    char *s;
    if (v[0] == '/' || !ld->dirlen)
        return qt__strdup(v);
    s = qt__malloc(ld->dirlen + n + 1);
    if (!s)
        return NULL;
    memcpy(s, ld->path, ld->dirlen);
    memcpy(s + ld->dirlen, v, n + 1);
    return s;
}

static qt_status set_str(char **dst, char *v, loader *ld, int line, const char *k)
{
    if (!v)
        return bad(ld, line, k, QT_ENOMEM, _("no memory"));
    qt__free(*dst);
    *dst = v;
    return QT_OK;
}

static qt_status num(loader *ld, int line, const char *k, const char *v, double lo, double hi, double *out)
{
    char *e;
    errno = 0;
    *out = strtod(v, &e);
    if (e == v || *e || errno || !isfinite(*out))
        return bad(ld, line, k, QT_EPARSE, _("'%s' is not a number"), v);
    if (*out < lo || *out > hi)
        return bad(ld, line, k, QT_EINVAL, _("%g is outside %g..%g"), *out, lo, hi);
    return QT_OK;
}

static qt_status table_key(loader *ld, qt_project_table *t, int line, const char *k, const char *v, int with_crs,
                           int with_estimate)
{
    if (strcmp(k, "file") == 0)
        return set_str(&t->file, resolve(ld, v), ld, line, k);
    if ((strcmp(k, "layer") == 0 || strcmp(k, "sheet") == 0) && with_crs)
        return set_str(&t->layer, qt__strdup(v), ld, line, k);
    if (strcmp(k, "header_row") == 0 && with_crs) {
        double h;
        qt_status st = num(ld, line, k, v, 1, 1000, &h);
        if (st != QT_OK)
            return st;
        if (h != (int)h)
            return bad(ld, line, k, QT_EINVAL, _("'%s' is not a line number"), v);
        t->header_row = (int)h;
        return QT_OK;
    }
    if (with_crs) {
        int i;
        for (i = 0; i < QT_PCOL_COUNT; i++)
            if (strcmp(k, col_keys[i]) == 0) {
                /* outlets: id..address; residences: id, lon, lat, address, population.. */
                int outlets_key = i <= QT_PCOL_ADDRESS,
                    res_key = i == QT_PCOL_ID || i == QT_PCOL_LON || i == QT_PCOL_LAT || i >= QT_PCOL_ADDRESS;
                if (with_estimate ? !res_key : !outlets_key)
                    break;
                return set_str(&t->col[i], qt__strdup(v), ld, line, k);
            }
    }
    if (strcmp(k, "encoding") == 0) {
        qt_error e = QT_ERROR_INIT;
        if (qt_encoding_parse(v, &t->encoding, &e) != QT_OK)
            return bad(ld, line, k, QT_EINVAL, _("'%s' is not auto, utf-8 or gbk"), v);
        return QT_OK;
    }
    if (strcmp(k, "crs") == 0 && with_crs) {
        qt_error e = QT_ERROR_INIT;
        if (qt_crs_parse(v, &t->crs, &e) != QT_OK)
            return bad(ld, line, k, QT_EINVAL, "%s", e.msg);
        return QT_OK;
    }
    if (strcmp(k, "estimate") == 0 && with_estimate) {
        if (strcmp(v, "yes") == 0)
            t->estimate = 1;
        else if (strcmp(v, "no") == 0)
            t->estimate = 0;
        else
            return bad(ld, line, k, QT_EINVAL, _("'%s' is not yes or no"), v);
        return QT_OK;
    }
    if (strcmp(k, "community_grid_m") == 0 && with_estimate)
        return num(ld, line, k, v, 50, 20000, &ld->p->community_grid_m);
    return bad(ld, line, k, QT_EINVAL, _("unknown key in this section (file%s%s%s)"),
               with_crs ? ", crs, encoding, layer, sheet, header_row" : ", encoding",
               with_estimate ? ", estimate, community_grid_m, id_col, lon_col, lat_col, population_col, "
                               "households_col, community_col, address_col"
               : with_crs    ? ", id_col, name_col, type_col, code_col, lon_col, lat_col, category_col, address_col"
                             : "",
               "");
}

static qt_status on_line(void *ud, int line, const char *sec, const char *arg, const char *k, const char *v,
                         qt_error *err)
{
    loader *ld = ud;
    qt_project *p = ld->p;
    (void)err;
    if (!k) {
        static const char *const names[] = {"project", "network", "outlets",     "residences",
                                            "circles", "survey",  "communities", NULL};
        int i;
        for (i = 0; names[i]; i++)
            if (strcmp(sec, names[i]) == 0 && !arg) {
                ld->sec = i + 1;
                return QT_OK;
            }
        return bad(ld, line, NULL, QT_EPARSE,
                   _("unknown section [%s%s%s] (project, network, outlets, residences, communities, circles, "
                     "survey)"),
                   sec, arg ? " " : "", arg ? arg : "");
    }
    switch (ld->sec) {
    case S_PROJECT:
        if (strcmp(k, "name") == 0)
            return set_str(&p->name, qt__strdup(v), ld, line, k);
        if (strcmp(k, "profile") == 0)
            return set_str(&p->profile, resolve(ld, v), ld, line, k);
        if (strcmp(k, "speed") == 0) {
            double d;
            if (strcmp(v, "default") && strcmp(v, "elderly") && strcmp(v, "winter") &&
                num(ld, line, k, v, 0.5, 15, &d) != QT_OK)
                return bad(ld, line, k, QT_EINVAL, _("'%s' is not default, elderly, winter or a speed in km/h"), v);
            return set_str(&p->speed, qt__strdup(v), ld, line, k);
        }
        if (strcmp(k, "max_minutes") == 0)
            return num(ld, line, k, v, 1, 240, &p->max_minutes);
        if (strcmp(k, "snap_max_m") == 0)
            return num(ld, line, k, v, 1, 5000, &p->snap_max_m);
        return bad(ld, line, k, QT_EINVAL,
                   _("unknown key in [project] (name, profile, speed, max_minutes, snap_max_m)"));
    case S_NETWORK:
        if (strcmp(k, "file") == 0)
            return set_str(&p->network, resolve(ld, v), ld, line, k);
        return bad(ld, line, k, QT_EINVAL, _("unknown key in [network] (file)"));
    case S_OUTLETS:
        return table_key(ld, &p->outlets, line, k, v, 1, 0);
    case S_RESIDENCES:
        return table_key(ld, &p->residences, line, k, v, 1, 1);
    case S_CIRCLES:
        if (strcmp(k, "grid_m") == 0)
            return num(ld, line, k, v, 100, 50000, &p->circle_grid_m);
        if (strcmp(k, "file") == 0 || strcmp(k, "encoding") == 0)
            return table_key(ld, &p->circles, line, k, v, 0, 0);
        return bad(ld, line, k, QT_EINVAL, _("unknown key in [circles] (file, encoding, grid_m)"));
    case S_SURVEY:
        return table_key(ld, &p->survey, line, k, v, 0, 0);
    case S_COMMUNITIES:
        if (strcmp(k, "file") == 0)
            return set_str(&p->communities.file, resolve(ld, v), ld, line, k);
        if (strcmp(k, "layer") == 0)
            return set_str(&p->communities.layer, qt__strdup(v), ld, line, k);
        if (strcmp(k, "name_field") == 0)
            return set_str(&p->community_field, qt__strdup(v), ld, line, k);
        return bad(ld, line, k, QT_EINVAL, _("unknown key in [communities] (file, layer, name_field)"));
    }
    return bad(ld, line, k, QT_EPARSE, _("comes before any section"));
}

qt_status qt_project_load(const char *path, qt_project **out, qt_error *err)
{
    loader ld;
    qt_project *p;
    const char *slash = strrchr(path, '/');
    qt_status st;
    *out = NULL;
    p = qt__calloc(1, sizeof *p);
    if (!p)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    memset(&ld, 0, sizeof ld);
    ld.p = p;
    ld.path = path;
    ld.dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    p->outlets.crs = p->residences.crs = (qt_crs)-1;
    ld.err = err;
    st = qt__ini_read(path, on_line, &ld, err);
    if (st == QT_OK) {
        const char *missing = !p->profile           ? "[project] profile"
                              : !p->network         ? "[network] file"
                              : !p->outlets.file    ? "[outlets] file"
                              : !p->residences.file ? "[residences] file"
                                                    : NULL;
        if (missing)
            st = qt_error_set(err, QT_EINVAL, path, _("the project needs %s"), missing);
        else if ((int)p->outlets.crs < 0 || (int)p->residences.crs < 0)
            st = qt_error_set(err, QT_EINVAL, path,
                              _("say the coordinate system of the %s: crs = wgs84 | gcj02 | bd09 | EPSG:n "
                                "(Amap exports are gcj02, Baidu bd09, GPS and OSM wgs84)"),
                              (int)p->outlets.crs < 0 ? "outlets" : "residences");
    }
    if (st == QT_OK && !(p->path = qt__strdup(path)))
        st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    if (st == QT_OK && !p->name && !(p->name = qt__strdup(path)))
        st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    if (st == QT_OK && !p->speed && !(p->speed = qt__strdup("default")))
        st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    if (st != QT_OK) {
        qt_project_free(p);
        return st;
    }
    *out = p;
    return QT_OK;
}

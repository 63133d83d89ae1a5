/* SPDX-License-Identifier: MIT */
/*
 * project_open.c -- qt_project_open of quarter/project.h: a project file and
 * everything it names, loaded in the order the tables depend on each other
 * (profile, network, outlets, residences, communities, circles, survey).
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "quarter/project.h"

void qt_project_close(qt_project_data *pj)
{
    if (!pj)
        return;
    qt_communities_names_free(pj->outlet_community, pj->outlets ? pj->outlets->n : 0);
    qt_graph_free(pj->graph);
    qt_outlet_list_free(pj->outlets);
    qt_residence_list_free(pj->residences);
    qt_circle_list_free(pj->circles);
    qt_survey_free(pj->survey);
    qt_profile_free(pj->profile);
    qt_project_free(pj->project);
    qt__free(pj);
}

qt_status qt_project_speed(const qt_profile *profile, const char *speed, double *kmh, qt_error *err)
{
    char *e;
    double v = qt_profile_speed_kmh(profile, speed);
    if (v > 0) {
        *kmh = v;
        return QT_OK;
    }
    v = strtod(speed, &e);
    if (e == speed || *e || !(v >= 0.5) || v > 15)
        return qt_error_set(err, QT_EINVAL, "speed",
                            _("--speed must be default, elderly, winter or km/h from 0.5 to 15 (the profile may lack "
                              "that speed)"));
    *kmh = v;
    return QT_OK;
}

/* The options the outlet and residence readers share (their structs differ, their fields are named alike), from the
 * project's table t and the open options: the format, the columns every table has, the bad-row reporter. */
#define TABLE_READ_OPTS(o, t, opts)                                                                                    \
    do {                                                                                                               \
        memset(&(o), 0, sizeof(o));                                                                                    \
        (o).encoding = (t)->encoding;                                                                                  \
        (o).crs = (t)->crs;                                                                                            \
        (o).layer = (t)->layer;                                                                                        \
        (o).header_row = (t)->header_row;                                                                              \
        (o).id_col = (t)->col[QT_PCOL_ID];                                                                             \
        (o).lon_col = (t)->col[QT_PCOL_LON];                                                                           \
        (o).lat_col = (t)->col[QT_PCOL_LAT];                                                                           \
        (o).address_col = (t)->col[QT_PCOL_ADDRESS];                                                                   \
        (o).on_problem = (opts)->on_problem;                                                                           \
        (o).problem_ud = (opts)->problem_ud;                                                                           \
    } while (0)

static qt_status read_outlets(qt_project_data *pj, const qt_project_open_opts *opts, qt_error *err)
{
    const qt_project_table *t = &pj->project->outlets;
    qt_outlet_read_opts oo;
    TABLE_READ_OPTS(oo, t, opts);
    oo.name_col = t->col[QT_PCOL_NAME];
    oo.type_col = t->col[QT_PCOL_TYPE];
    oo.code_col = t->col[QT_PCOL_CODE];
    oo.category_col = t->col[QT_PCOL_CATEGORY];
    qt_status st = qt_outlets_read(t->file, &oo, pj->profile, &pj->outlets, err);
    if (st != QT_OK)
        return st;
    if (opts->on_outlets)
        opts->on_outlets(opts->said_ud, t->file, pj->outlets);
    return QT_OK;
}

static qt_status read_residences(qt_project_data *pj, const qt_project_open_opts *opts, qt_error *err)
{
    const qt_project_table *t = &pj->project->residences;
    qt_residence_read_opts ro;
    TABLE_READ_OPTS(ro, t, opts);
    ro.estimate = t->estimate;
    ro.population_col = t->col[QT_PCOL_POPULATION];
    ro.households_col = t->col[QT_PCOL_HOUSEHOLDS];
    ro.community_col = t->col[QT_PCOL_COMMUNITY];
    qt_status st = qt_residences_read(t->file, &ro, qt_profile_population(pj->profile), &pj->residences, err);
    if (st != QT_OK)
        return st;
    if (opts->on_residences)
        opts->on_residences(opts->said_ud, t->file, pj->residences);
    return QT_OK;
}

/* The community of every residence and outlet: boundaries, or a column, or a grid. */
static qt_status read_communities(qt_project_data *pj, const char *path, qt_error *err)
{
    const qt_project *p = pj->project;
    size_t i, named = 0;
    qt_status st;
    if (p->communities.file) {
        if ((st = qt_communities_assign(p->communities.file, p->communities.layer, p->community_field, 0,
                                        pj->residences, NULL, err)) != QT_OK)
            return st;
        return qt_communities_locate(p->communities.file, p->communities.layer, p->community_field, pj->outlets->n,
                                     pj->outlets->lon, pj->outlets->lat, &pj->outlet_community, err);
    }
    if (p->community_grid_m > 0)
        return QT_OK;
    for (i = 0; i < pj->residences->n; i++)
        named += pj->residences->community[i][0] != '\0';
    if (named == 0 && pj->residences->n > 0)
        return qt_error_set(err, QT_EINVAL, path,
                            _("no residence has a community (the residences have no community column and the "
                              "project no [communities] boundaries): set community_grid_m = 500 under [residences], "
                              "or add a community column"));
    return QT_OK;
}

/* The circles and survey tables: every bad row through opts->on_problem, as for outlets and residences. */
static void circles_opts(const qt_project_table *t, const qt_project_open_opts *opts, qt_circles_read_opts *co)
{
    *co = (qt_circles_read_opts){.encoding = t->encoding,
                                 .layer = t->layer,
                                 .header_row = t->header_row,
                                 .on_problem = opts->on_problem,
                                 .problem_ud = opts->problem_ud};
}

static qt_status read_circles(qt_project_data *pj, const char *path, const qt_project_open_opts *opts, qt_error *err)
{
    const qt_project *p = pj->project;
    qt_circles_read_opts co;
    qt_status st;
    if (p->circles.file) {
        circles_opts(&p->circles, opts, &co);
        if ((st = qt_circles_read_ex(p->circles.file, &co, &pj->circles, err)) != QT_OK)
            return st;
    }
    if (!p->survey.file)
        return QT_OK;
    if (!pj->circles)
        return qt_error_set(err, QT_EINVAL, path, _("a survey needs a circles file to name the circles"));
    circles_opts(&p->survey, opts, &co);
    return qt_survey_read_ex(p->survey.file, &co, pj->circles, &pj->survey, err);
}

qt_status qt_project_open(const char *path, const qt_project_open_opts *opts, qt_project_data **out, qt_error *err)
{
    static const qt_project_open_opts none;
    qt_project_data *pj;
    qt_status st;
    *out = NULL;
    if (!opts)
        opts = &none;
    pj = qt__calloc(1, sizeof *pj);
    if (!pj)
        return qt_error_set(err, QT_ENOMEM, path, _("out of memory"));
    if ((st = qt_project_load(path, &pj->project, err)) != QT_OK ||
        (st = qt_profile_load(pj->project->profile, &pj->profile, err)) != QT_OK)
        goto fail;
    pj->speed_label = opts->speed ? opts->speed : pj->project->speed;
    if ((st = qt_project_speed(pj->profile, pj->speed_label, &pj->speed_kmh, err)) != QT_OK ||
        (st = qt_graph_read_any(pj->project->network, NULL, &pj->graph, err)) != QT_OK ||
        (st = read_outlets(pj, opts, err)) != QT_OK || (st = read_residences(pj, opts, err)) != QT_OK ||
        (st = read_communities(pj, path, err)) != QT_OK || (st = read_circles(pj, path, opts, err)) != QT_OK)
        goto fail;
    *out = pj;
    return QT_OK;
fail:
    qt_project_close(pj);
    return st;
}

void qt_project_analysis_input(const qt_project_data *pj, qt_analysis_input *in, qt_analysis_opts *ao)
{
    memset(in, 0, sizeof *in);
    in->graph = pj->graph;
    in->profile = pj->profile;
    in->outlets = pj->outlets;
    in->residences = pj->residences;
    in->circles = pj->circles;
    in->survey = pj->survey;
    in->outlet_community = (const char *const *)pj->outlet_community;
    memset(ao, 0, sizeof *ao);
    ao->speed_kmh = pj->speed_kmh;
    ao->max_minutes = pj->project->max_minutes;
    ao->snap_max_m = pj->project->snap_max_m;
    ao->at_weekday = -1;
    ao->at_minute = -1;
    ao->community_grid_m = pj->project->community_grid_m;
    ao->circle_grid_m = pj->project->circle_grid_m;
}

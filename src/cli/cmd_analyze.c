/* SPDX-License-Identifier: MIT */
/*
 * cmd_analyze.c -- quarter analyze: a planning project in, the folder a
 * bureau reads out (indicators, grades, 需求清单, 盲区, per-residence times).
 * Also the project opening that site, report and import share
 * (cli_project_open).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "cli/cli.h"

static const char help[] = N_(
    "usage: quarter analyze PROJECT -o OUT_DIR [options]\n"
    "       quarter analyze P1.project P2.project ... -o OUT_DIR [-j N] [options]\n"
    "       quarter analyze --queue postgresql://... P1.project ... [--wait -o OUT_DIR]\n\n"
    "Read the project file (network, outlets, residences, circles, survey,\n"
    "profile; format in docs/project.md), compute for every residence the walking\n"
    "time to the nearest outlet of each 业态, then for every community, circle and\n"
    "the city the indicators against the profile's targets, grade each circle\n"
    "(基础型 / 提升型 / 品质型, with reasons), and write OUT_DIR:\n"
    "  summary.md, indicators.csv, grades.csv, demand.csv (需求清单),\n"
    "  residences.csv, blindspots.geojson (盲区), what-if.csv (with --what-if)\n"
    "The folder appears whole or not at all; an earlier analysis there is replaced.\n\n"
    "Several projects: each city (the project file's name without .project) is\n"
    "analysed in a process of its own, N at a time, into OUT_DIR/<city>/ exactly as\n"
    "alone; a city that fails is named with its reason and the others finish (exit\n"
    "status non-zero when one failed); then OUT_DIR/province.csv and province.xlsx,\n"
    "a row per city: circles by grade, population, the share reaching every basic\n"
    "业态 within 5/10/15 minutes, the basic and quality 业态 present (docs/queue.md).\n"
    "With --queue the cities are queued in that PostgreSQL database for quarter\n"
    "worker processes on any machines (paths as every worker sees them).\n\n"
    "Options:\n"
    "  -o, --out DIR        output folder (required, but with --queue)\n"
    "  --at [DAY ]HH:MM     count only outlets open then (OSM opening_hours subset,\n"
    "                       docs/formats.md): --at 07:00 breakfast, --at 'Sa 22:30';\n"
    "                       DAY is Mo..Su (default Mo); unknown hours count as open\n"
    "  --what-if FILE       hypothetical outlets (id,category,lon,lat in WGS-84, e.g.\n"
    "                       the sites.csv of quarter site) added to the baseline by the\n"
    "                       engine's incremental update; what-if.csv compares\n"
    "  --speed S            default | elderly | winter (the profile's) or km/h\n"
    "  --blind-cell M       盲区 grid cell in metres (default 100)\n"
    "  --threads N          worker threads (default: all cores; several projects:\n"
    "                       the cores shared among the N at a time)\n"
    "  -j, --jobs N         several projects: cities analysed at a time (default: cores)\n"
    "  --queue URL          queue the cities in PostgreSQL instead (quarter worker)\n"
    "  --attempts N         with --queue: tries before a city is failed (default 3)\n"
    "  --wait               with --queue: wait for every city, then write the\n"
    "                       province summary from the tables into -o OUT_DIR\n"
    "  --timings            print read/compute/write seconds to standard error\n"
    "  -q, --quiet          no progress output\n");

static void outlets_said(void *ud, const char *path, const qt_outlet_list *l)
{
    cli_outlets_said(ud, path, l);
}

static void residences_said(void *ud, const char *path, const qt_residence_list *l)
{
    cli_residences_said(ud, path, l);
}

int cli_project_open(const qt_cli *cli, const char *cmd, const char *path, const char *speed, qt_project_data **out)
{
    qt_error err = QT_ERROR_INIT;
    qt_project_open_opts po;
    memset(&po, 0, sizeof po);
    po.speed = speed;
    po.on_problem = cli_table_problem;
    po.problem_ud = (void *)cli;
    po.on_outlets = outlets_said;
    po.on_residences = residences_said;
    po.said_ud = (void *)cli;
    if (qt_project_open(path, &po, out, &err) == QT_OK)
        return 0;
    if (err.code == QT_EINVAL && strcmp(err.where, "speed") == 0)
        return cli_usage(cli, cmd, "%s", err.msg);
    return cli_fail(cli, &err);
}

/* "83% of outlets lie more than 200 m from any street; were they GCJ-02?" */
size_t cli_crs_warnings(const qt_analysis *a, const qt_project_data *pj, char lines[][300], size_t max)
{
    size_t n = 0;
    const struct {
        const char *what;
        double share, share_gcj, median, median_gcj;
        qt_crs crs;
    } w[2] = {{N_("outlets"), a->outlets_far_share, a->outlets_far_share_gcj, a->outlets_median_m,
               a->outlets_median_m_gcj, pj->project->outlets.crs},
              {N_("residences"), a->residences_far_share, a->residences_far_share_gcj, a->residences_median_m,
               a->residences_median_m_gcj, pj->project->residences.crs}};
    int i;
    for (i = 0; i < 2 && n < max; i++) {
        /* declared WGS-84, but they sit much closer to the streets when read as
     * GCJ-02 */
        int gcj = w[i].crs == QT_CRS_WGS84 && isfinite(w[i].median_gcj) && w[i].median > 15 &&
                  w[i].median_gcj < 0.75 * w[i].median;
        if (gcj)
            snprintf(lines[n++], 300,
                     _("%s lie a median %.0f m from the nearest street (%.0f%% more "
                       "than 200 m); read as GCJ-02 "
                       "they would lie %.0f m: were they GCJ-02? (crs = gcj02 in the "
                       "project)"),
                     _(w[i].what), w[i].median, 100 * w[i].share, w[i].median_gcj);
        else if (w[i].share > 0.3)
            snprintf(lines[n++], 300,
                     _("%.0f%% of %s lie more than 200 m from any street: check their "
                       "coordinate system (crs = %s) "
                       "and that the network covers them"),
                     100 * w[i].share, _(w[i].what), qt_crs_name(w[i].crs));
    }
    if (n < max && (a->residences_off_main || a->outlets_off_main))
        snprintf(lines[n++], 300,
                 _("%zu residences and %zu outlets sit on parts of the network "
                   "that do not reach its largest "
                   "part (%u parts in all): they reach only what is on their part, "
                   "so their 业态 may look "
                   "missing; check that the network is whole there (quarter graph "
                   "info)"),
                 a->residences_off_main, a->outlets_off_main, a->network_components);
    return n;
}

/* At least half the residences must be on the network, else the crs or the
 * network is wrong. */
static int check_placed(const qt_cli *cli, const qt_analysis *a, const qt_project_data *pj, const char *path)
{
    qt_error err = QT_ERROR_INIT;
    if (!(a->nres > 0 && (a->nres - a->residences_unplaced) * 2 < a->nres))
        return 0;
    qt_error_set(&err, QT_EINVAL, path,
                 _("only %zu of %zu residences lie within %.0f m of a street of "
                   "the network (at least half "
                   "must): check that the network (%s) covers the residences and "
                   "that their crs (%s) is right"),
                 a->nres - a->residences_unplaced, a->nres,
                 pj->project->snap_max_m > 0 ? pj->project->snap_max_m : 500.0, pj->project->network,
                 qt_crs_name(pj->project->residences.crs));
    return cli_fail(cli, &err);
}

/* The coordinate warnings to standard error and into the folder written to out.
 */
static int write_results(const qt_cli *cli, const qt_analysis *a, const qt_analysis_input *in,
                         const qt_project_data *pj, const char *at, double cell_m, const char *out)
{
    qt_error err = QT_ERROR_INIT;
    qt_report_meta meta;
    char warn[6][300];
    const char *wp[6];
    size_t nw, i;
    nw = cli_crs_warnings(a, pj, warn, 6);
    for (i = 0; i < nw; i++) {
        cli_warn(cli, "%s", warn[i]);
        wp[i] = warn[i];
    }
    memset(&meta, 0, sizeof meta);
    meta.project = pj->project->name;
    meta.at = at;
    meta.speed = pj->speed_label;
    meta.warnings = wp;
    meta.nwarnings = nw;
    meta.blind_cell_m = cell_m;
    if (qt_report_write(a, in, &meta, out, &err) != QT_OK)
        return cli_fail(cli, &err);
    return 0;
}

static void print_summary(const qt_analysis *a, const qt_project_data *pj, const char *out)
{
    const qt_area_stats *s = &a->city;
    fprintf(stderr,
            _("%s: %zu residences (population %.0f%s), %zu outlets counted, %zu "
              "circles, %zu communities\n"
              "  every basic 业态 in reach for %.1f%% of residents; city grade %s\n"
              "  results in %s/ (summary.md first)\n"),
            pj->project->name, pj->residences->n, s->population,
            pj->residences->nestimated ? _(", partly estimated") : "", a->outlets_used, a->ncircles, a->ncommunities,
            100 * s->all_basic, s->grade >= 0 ? qt_profile_grade(pj->profile, (size_t)s->grade)->name : "未达标", out);
}

/* For every 业态 missing somewhere, the x->sites_k best sites (greedy, network-node candidates), as
 * quarter site PROJECT --category missing -k K --exact no ranks them: the worker's sites table. */
static int site_missing(qt_cli *cli, const cli_analyze_args *x, const qt_project_data *pj, const qt_analysis *a,
                        qt_site_list **out)
{
    int cats[64];
    size_t ncat = cli_missing_categories(a, pj->profile, cats, 64), ic, i, cap = ncat * x->sites_k + 1;
    qt_site_list *l = qt__calloc(1, sizeof *l); /* the library's allocator: qt_site_list_free releases it */
    qt_error err = QT_ERROR_INIT;
    if (!l || !(l->id = qt__calloc(cap, sizeof *l->id)) || !(l->category = qt__calloc(cap, sizeof *l->category)) ||
        !(l->lon = qt__calloc(cap, sizeof *l->lon)) || !(l->lat = qt__calloc(cap, sizeof *l->lat)) ||
        !(l->served = qt__calloc(cap, sizeof *l->served)) || !(l->line = qt__calloc(cap, sizeof *l->line))) {
        qt_site_list_free(l);
        qt_error_set(&err, QT_ENOMEM, "sites", _("out of memory"));
        return cli_fail(cli, &err);
    }
    *out = l;
    for (ic = 0; ic < ncat; ic++) {
        qt_site_input si;
        qt_site_result *r = NULL;
        memset(&si, 0, sizeof si);
        si.graph = pj->graph;
        si.profile = pj->profile;
        si.residences = pj->residences;
        si.analysis = a;
        si.category = (uint32_t)cats[ic];
        si.k = x->sites_k;
        si.snap_max_m = pj->project->snap_max_m;
        si.exact = 0;
        si.threads = x->threads;
        if (qt_site(&si, &r, &err) != QT_OK)
            return cli_fail(cli, &err);
        for (i = 0; i < r->nchosen && l->n < cap; i++) {
            char id[64];
            size_t j = r->chosen[i];
            snprintf(id, sizeof id, "%s-%zu", qt_profile_category(pj->profile, (size_t)cats[ic])->code, i + 1);
            if (!(l->id[l->n] = qt__strdup(id))) {
                qt_site_result_free(r);
                qt_error_set(&err, QT_ENOMEM, "sites", _("out of memory"));
                return cli_fail(cli, &err);
            }
            l->category[l->n] = cats[ic];
            l->lon[l->n] = r->cand_lon[j];
            l->lat[l->n] = r->cand_lat[j];
            l->served[l->n] = r->gain[i];
            l->line[l->n] = l->n + 1;
            l->n++;
        }
        qt_site_result_free(r);
    }
    return 0;
}

/* One city: open, analyze, write out (and its summary into sum, its analysis.gpkg into gpkg_dir, when given). */
int cli_analyze_one(qt_cli *cli, const cli_analyze_args *x, const char *path, const char *out, qt_city_summary *sum,
                    const char *gpkg_dir)
{
    int rc;
    qt_project_data *pj = NULL;
    qt_analysis_input in;
    qt_analysis_opts ao;
    qt_analysis *a = NULL;
    qt_outlet_list *wl = NULL;
    qt_site_list *sites = NULL;
    qt_error err = QT_ERROR_INIT;
    double t0 = cli_now_s(), t1, t2;

    if ((rc = cli_project_open(cli, "analyze", path, x->speed, &pj)) != 0)
        return rc;
    if (x->what_if) {
        qt_outlet_read_opts oo;
        memset(&oo, 0, sizeof oo);
        oo.crs = QT_CRS_WGS84;
        if (qt_outlets_read(x->what_if, &oo, pj->profile, &wl, &err) != QT_OK) {
            rc = cli_fail(cli, &err);
            goto done;
        }
    }
    qt_project_analysis_input(pj, &in, &ao);
    in.what_if = wl;
    ao.at_weekday = x->weekday;
    ao.at_minute = x->minute;
    ao.threads = x->threads;
    ao.progress = cli_progress;
    ao.progress_ud = cli;
    t1 = cli_now_s();
    if (qt_analyze(&in, &ao, &a, &err) != QT_OK) {
        cli_progress_done(cli);
        rc = cli_fail(cli, &err);
        goto done;
    }
    cli_progress_done(cli);
    t2 = cli_now_s();
    if ((rc = check_placed(cli, a, pj, path)) != 0 || (rc = write_results(cli, a, &in, pj, x->at, x->cell_m, out)) != 0)
        goto done;
    if (sum && qt_city_summary_of(a, &in, x->city, pj->project->name, path, sum, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (gpkg_dir && x->sites_k && (rc = site_missing(cli, x, pj, a, &sites)) != 0)
        goto done;
    if (gpkg_dir) {
        qt_report_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.sites = sites;
        ro.project = pj->project->name;
        ro.formats = QT_REPORT_GPKG;
        ro.blind_cell_m = x->cell_m;
        ro.threads = x->threads;
        ro.boundaries = pj->project->communities.file;
        ro.boundaries_layer = pj->project->communities.layer;
        ro.boundaries_field = pj->project->community_field;
        if (qt_report_make(a, &in, &ro, gpkg_dir, &err) != QT_OK) {
            rc = cli_fail(cli, &err);
            goto done;
        }
    }
    if (!x->quiet && !cli->quiet)
        print_summary(a, pj, out);
    if (x->timings)
        fprintf(stderr,
                "timings: residences=%zu outlets=%zu read_s=%.3f compute_s=%.3f "
                "write_s=%.3f\n",
                pj->residences->n, a->outlets_used, t1 - t0, t2 - t1, cli_now_s() - t2);
done:
    qt_site_list_free(sites);
    qt_analysis_free(a);
    qt_outlet_list_free(wl);
    qt_project_close(pj);
    return rc;
}

#define MAX_PROJECTS 4096

int cmd_analyze(int argc, char **argv, qt_cli *cli)
{
    const char *out = NULL, *threads_s = NULL, *cell_s = NULL, *jobs_s = NULL, *queue = NULL, *attempts_s = NULL;
    const char **pos = NULL;
    int wait = 0;
    cli_analyze_args x;
    cli_opt opts[] = {{"out", 'o', 1, &out, NULL},
                      {"at", 0, 1, &x.at, NULL},
                      {"what-if", 0, 1, &x.what_if, NULL},
                      {"speed", 0, 1, &x.speed, NULL},
                      {"threads", 0, 1, &threads_s, NULL},
                      {"timings", 0, 0, NULL, &x.timings},
                      {"blind-cell", 0, 1, &cell_s, NULL},
                      {"quiet", 'q', 0, NULL, &x.quiet},
                      {"jobs", 'j', 1, &jobs_s, NULL},
                      {"queue", 0, 1, &queue, NULL},
                      {"wait", 0, 0, NULL, &wait},
                      {"attempts", 0, 1, &attempts_s, NULL},
                      {NULL, 0, 0, NULL, NULL}};
    int npos = 0, rc;
    qt_error err = QT_ERROR_INIT;
    double jobs = 0, attempts = 3;

    memset(&x, 0, sizeof x);
    x.weekday = -1;
    x.minute = -1;
    x.cell_m = 100;
    pos = calloc(MAX_PROJECTS, sizeof *pos);
    if (!pos) {
        qt_error_set(&err, QT_ENOMEM, "analyze", _("out of memory"));
        return cli_fail(cli, &err);
    }
    rc = cli_parse(cli, argc, argv, opts, pos, MAX_PROJECTS, &npos, _(help));
    if (rc) {
        free(pos);
        return rc < 0 ? 0 : rc;
    }
    if (x.quiet)
        cli->progress = 0;
    if (npos < 1)
        rc = cli_usage(cli, "analyze", "give a project file (or several)");
    else if (!out && !queue)
        rc = cli_usage(cli, "analyze", "-o OUT_DIR is required");
    else if (x.at && qt_hours_parse_at(x.at, &x.weekday, &x.minute, &err) != QT_OK)
        rc = cli_usage(cli, "analyze", "%s", err.msg);
    else if ((rc = cli_threads(cli, "analyze", threads_s, &x.threads)) != 0 ||
             (cell_s && (rc = cli_double(cli, "analyze", "blind-cell", cell_s, &x.cell_m)) != 0) ||
             (jobs_s && (rc = cli_double(cli, "analyze", "jobs", jobs_s, &jobs)) != 0) ||
             (attempts_s && (rc = cli_double(cli, "analyze", "attempts", attempts_s, &attempts)) != 0))
        ;
    else if (!(x.cell_m >= 10 && x.cell_m <= 5000))
        rc = cli_usage(cli, "analyze", "--blind-cell is 10 to 5000 metres");
    else if (jobs_s && !(jobs >= 1 && jobs <= 1024 && jobs == floor(jobs)))
        rc = cli_usage(cli, "analyze", "-j/--jobs must be a whole number from 1 to 1024");
    else if (!(attempts >= 1 && attempts <= 100 && attempts == floor(attempts)))
        rc = cli_usage(cli, "analyze", "--attempts must be a whole number from 1 to 100");
    else if ((wait || attempts_s) && !queue)
        rc = cli_usage(cli, "analyze", "--wait and --attempts go with --queue");
    else if (queue && (x.at || x.what_if || x.speed || cell_s || jobs_s))
        rc = cli_usage(cli, "analyze",
                       "--queue takes the projects as they are: no --at, --what-if, --speed, "
                       "--blind-cell or -j (the workers have their own options)");
    else if (queue)
        rc = cli_queue_submit(cli, queue, pos, (size_t)npos, (int)attempts, wait, out);
    else if (npos > 1)
        rc = cli_analyze_many(cli, &x, pos, (size_t)npos, out, (unsigned)jobs);
    else
        rc = cli_analyze_one(cli, &x, pos[0], out, NULL, NULL);
    free(pos);
    return rc;
}

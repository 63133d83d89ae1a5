/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c -- quarter report: the analysis of a project as what a bureau
 * prints, files and sends upward: 一图一清单 per circle (PDF, PNG), the city
 * report (PDF), the 调查表 and the indicators (XLSX), and every layer in one
 * GeoPackage (docs/report.md).  The same outputs come from quarter analyze
 * --report DIR, through the cli_report_* functions here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "cli/cli.h"

static const char help[] = N_(
    "usage: quarter report PROJECT -o DIR [--circle NAME]... [--sites sites.csv]\n"
    "                      [--format pdf,png,xlsx,gpkg] [options]\n\n"
    "Run the analysis of the project (as quarter analyze does) and write DIR:\n"
    "  城市报告.pdf     the city report: cover, table of circles (grade, basic and\n"
    "                   quality 业态 present, coverage, satisfaction with n), the\n"
    "                   city map, then every circle's page -- open it first\n"
    "  <circle>.pdf     一图一清单 of each circle on one A3 page: the map (boundary,\n"
    "  <circle>.png     communities, streets, outlets by 业态, 5/10/15-minute walk,\n"
    "                   盲区, numbered sites, scale bar, north arrow, sources) and\n"
    "                   the lists (outlets per 业态 with chains and staff, grade and\n"
    "                   why, indicators against targets, 需求清单, 项目清单)\n"
    "  调查表.xlsx      试点便民生活圈建设情况调查表 (Tianshui 附件5 layout): a city\n"
    "                   summary sheet and one sheet per circle\n"
    "  indicators.xlsx  one row per area, one column per indicator and its target\n"
    "  analysis.gpkg    outlets, residences, communities, circles, 盲区, sites, styled\n"
    "  report.txt       what was written\n"
    "The folder appears whole or not at all; an earlier report there is replaced.\n"
    "Dates come from SOURCE_DATE_EPOCH when set (reproducible files).\n\n"
    "Options:\n"
    "  -o, --out DIR        output folder (required)\n"
    "  --circle NAME        only this circle's pages and sheets (repeatable); the\n"
    "                       city report then holds only these circles' pages\n"
    "  --sites FILE         项目清单: the recommended sites (sites.csv of quarter site:\n"
    "                       id,category,lon,lat[,newly_served]), numbered on the maps\n"
    "  --format LIST        pdf, png, xlsx, gpkg, comma-separated (default all)\n"
    "  --dpi N              PNG resolution (default 96; the page is A3)\n"
    "  --speed S            default | elderly | winter (the profile's) or km/h\n"
    "  --blind-cell M       盲区 grid cell in metres (default 100)\n"
    "  --threads N          worker threads for the analysis and the pages (default:\n"
    "                       all cores)\n"
    "  --timings            print read/analyze/report seconds to standard error\n"
    "  -q, --quiet          no progress output\n");

static int parse_formats(const qt_cli *cli, const char *cmd, const char *s, unsigned *out)
{
    const char *p = s;
    *out = 0;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 3 && strncmp(p, "pdf", 3) == 0)
            *out |= QT_REPORT_PDF;
        else if (n == 3 && strncmp(p, "png", 3) == 0)
            *out |= QT_REPORT_PNG;
        else if (n == 4 && strncmp(p, "xlsx", 4) == 0)
            *out |= QT_REPORT_XLSX;
        else if (n == 4 && strncmp(p, "gpkg", 4) == 0)
            *out |= QT_REPORT_GPKG;
        else
            return cli_usage(cli, cmd, "--format: '%.*s' is not pdf, png, xlsx or gpkg", (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
    if (!*out)
        return cli_usage(cli, cmd, "--format needs at least one of pdf, png, xlsx, gpkg");
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p ? p : "";
}

int cli_report_take_circles(const qt_cli *cli, int argc, char **argv, cli_report_req *rq, char ***args, int *nargs)
{
    int i;
    qt_error err = QT_ERROR_INIT;
    rq->names = calloc((size_t)argc + 1, sizeof *rq->names);
    *args = calloc((size_t)argc + 1, sizeof **args);
    *nargs = 0;
    if (!rq->names || !*args) {
        qt_error_set(&err, QT_ENOMEM, "report", _("no memory"));
        return cli_fail(cli, &err);
    }
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--circle") == 0 && i + 1 < argc)
            rq->names[rq->nnames++] = argv[++i];
        else if (strncmp(argv[i], "--circle=", 9) == 0)
            rq->names[rq->nnames++] = argv[i] + 9;
        else
            (*args)[(*nargs)++] = argv[i];
    }
    return 0;
}

int cli_report_check(const qt_cli *cli, const char *cmd, cli_report_req *rq)
{
    int rc;
    rq->formats = QT_REPORT_ALL;
    rq->dpi = 96;
    if ((rq->format_s && (rc = parse_formats(cli, cmd, rq->format_s, &rq->formats)) != 0) ||
        (rq->dpi_s && (rc = cli_double(cli, cmd, "dpi", rq->dpi_s, &rq->dpi)) != 0))
        return rc;
    if (!(rq->dpi >= 30 && rq->dpi <= 600))
        return cli_usage(cli, cmd, "--dpi is 30 to 600");
    return 0;
}

int cli_report_sites(const qt_cli *cli, cli_report_req *rq, const qt_project_data *pj)
{
    qt_error err = QT_ERROR_INIT;
    if (rq->sites_path &&
        qt_sites_read(rq->sites_path, pj->profile, pj->graph, pj->project->snap_max_m, &rq->sites, &err) != QT_OK)
        return cli_fail(cli, &err);
    return 0;
}

int cli_report_circles(const qt_cli *cli, cli_report_req *rq, const qt_analysis *a, const char *project)
{
    qt_error err = QT_ERROR_INIT;
    size_t k, c;
    if (!rq->nnames)
        return 0;
    if (!(rq->circles = calloc(rq->nnames, sizeof *rq->circles))) {
        qt_error_set(&err, QT_ENOMEM, "report", _("no memory"));
        return cli_fail(cli, &err);
    }
    for (k = 0; k < rq->nnames; k++) {
        for (c = 0; c < a->ncircles && strcmp(a->circle[c], rq->names[k]) != 0; c++)
            ;
        if (c == a->ncircles) {
            if (a->ncircles)
                qt_error_set(&err, QT_EINVAL, project,
                             _("--circle '%s': no circle of that name (the project has %zu, e.g. '%s')"), rq->names[k],
                             a->ncircles, a->circle[0]);
            else
                qt_error_set(&err, QT_EINVAL, project, _("--circle '%s': the project has no circles"), rq->names[k]);
            return cli_fail(cli, &err);
        }
        rq->circles[k] = c;
    }
    return 0;
}

int cli_report_write(const qt_cli *cli, const cli_report_req *rq, const qt_project_data *pj, const qt_analysis *a,
                     const qt_analysis_input *in, const char *out)
{
    const qt_project *pr = pj->project;
    qt_error err = QT_ERROR_INIT;
    qt_report_opts ro;
    double stage_s[QT_REPORT_STAGES] = {0}, cpu_s[QT_REPORT_STAGES] = {0};
    char sources[1024];
    size_t n = rq->nnames ? rq->nnames : a->ncircles ? a->ncircles : 1;
    snprintf(sources, sizeof sources, "路网 %s; 网点 %s; 居住点 %s%s%s", base_name(pr->network),
             base_name(pr->outlets.file), base_name(pr->residences.file), pr->survey.file ? "; 问卷 " : "",
             pr->survey.file ? base_name(pr->survey.file) : "");
    memset(&ro, 0, sizeof ro);
    ro.project = pr->name;
    ro.formats = rq->formats;
    ro.circles = rq->circles;
    ro.ncircles = rq->nnames;
    ro.sites = rq->sites;
    ro.sources = sources;
    ro.osm = strstr(pr->network, ".osm") != NULL || pj->outlets->from_osm;
    ro.png_dpi = rq->dpi;
    ro.blind_cell_m = rq->cell_m;
    ro.threads = rq->threads;
    ro.boundaries = pr->communities.file;
    ro.boundaries_layer = pr->communities.layer;
    ro.boundaries_field = pr->community_field;
    ro.stage_s = stage_s;
    ro.stage_cpu_s = cpu_s;
    if (qt_report_make(a, in, &ro, out, &err) != QT_OK)
        return cli_fail(cli, &err);
    if (rq->timings) {
        static const char *const name[QT_REPORT_STAGES] = {"prepare", "city", "pages", "xlsx", "gpkg"};
        int k;
        fprintf(stderr, "report timings:");
        for (k = 0; k < QT_REPORT_STAGES; k++)
            fprintf(stderr, " %s_s=%.3f %s_cpu_s=%.3f", name[k], stage_s[k], name[k], cpu_s[k]);
        fprintf(stderr, "\n");
    }
    if (!cli->quiet)
        fprintf(stderr,
                P_("%s: report of %zu circle in %s/ (open 城市报告.pdf first)\n",
                   "%s: report of %zu circles in %s/ (open 城市报告.pdf first)\n", n),
                pr->name, n, out);
    return 0;
}

void cli_report_req_free(cli_report_req *rq)
{
    qt_site_list_free(rq->sites);
    free(rq->circles);
    free(rq->names);
    memset(rq, 0, sizeof *rq);
}

int cmd_report(int argc, char **argv, qt_cli *cli)
{
    const char *out = NULL, *speed = NULL, *threads_s = NULL, *cell_s = NULL, *pos[1], *circle_dummy = NULL;
    cli_report_req rq;
    int quiet = 0, npos, rc = 0, nargs = 0;
    cli_opt opts[] = {{"out", 'o', 1, &out, NULL},
                      {"sites", 0, 1, &rq.sites_path, NULL},
                      {"format", 0, 1, &rq.format_s, NULL},
                      {"dpi", 0, 1, &rq.dpi_s, NULL},
                      {"speed", 0, 1, &speed, NULL},
                      {"threads", 0, 1, &threads_s, NULL},
                      {"blind-cell", 0, 1, &cell_s, NULL},
                      {"timings", 0, 0, NULL, &rq.timings},
                      {"circle", 0, 1, &circle_dummy, NULL},
                      {"quiet", 'q', 0, NULL, &quiet},
                      {NULL, 0, 0, NULL, NULL}};
    char **args = NULL;
    double t0 = cli_now_s(), t1, t2;
    qt_project_data *pj = NULL;
    qt_analysis_input in;
    qt_analysis_opts ao;
    qt_analysis *a = NULL;
    qt_error err = QT_ERROR_INIT;

    memset(&rq, 0, sizeof rq);
    rq.cell_m = 100;
    /* --circle may repeat: collect its values, hand the rest to the parser */
    if ((rc = cli_report_take_circles(cli, argc, argv, &rq, &args, &nargs)) != 0)
        goto done;
    rc = cli_parse(cli, nargs, args, opts, pos, 1, &npos, _(help));
    if (rc) {
        rc = rc < 0 ? 0 : rc;
        goto done;
    }
    if (quiet)
        cli->progress = 0;
    if (npos != 1) {
        rc = cli_usage(cli, "report", "give one project file");
        goto done;
    }
    if (!out) {
        rc = cli_usage(cli, "report", "-o DIR is required");
        goto done;
    }
    if ((rc = cli_report_check(cli, "report", &rq)) != 0 ||
        (cell_s && (rc = cli_double(cli, "report", "blind-cell", cell_s, &rq.cell_m)) != 0) ||
        (rc = cli_threads(cli, "report", threads_s, &rq.threads)) != 0)
        goto done;
    if (!(rq.cell_m >= 10 && rq.cell_m <= 5000)) {
        rc = cli_usage(cli, "report", "--blind-cell is 10 to 5000 metres");
        goto done;
    }
    if ((rc = cli_project_open(cli, "report", pos[0], speed, &pj)) != 0 || (rc = cli_report_sites(cli, &rq, pj)) != 0)
        goto done;
    qt_project_analysis_input(pj, &in, &ao);
    ao.threads = rq.threads;
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
    if ((rc = cli_report_circles(cli, &rq, a, pos[0])) != 0 || (rc = cli_report_write(cli, &rq, pj, a, &in, out)) != 0)
        goto done;
    if (rq.timings)
        fprintf(stderr, "timings: residences=%zu circles=%zu read_s=%.3f analyze_s=%.3f report_s=%.3f\n",
                pj->residences->n, a->ncircles, t1 - t0, t2 - t1, cli_now_s() - t2);
done:
    qt_analysis_free(a);
    qt_project_close(pj);
    cli_report_req_free(&rq);
    free(args);
    return rc;
}

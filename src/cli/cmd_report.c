/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c -- quarter report: the analysis of a project as what a bureau
 * prints, files and sends upward: 一图一清单 per circle (PDF, PNG), the city
 * report (PDF), the 调查表 and the indicators (XLSX), and every layer in one
 * GeoPackage (docs/report.md).
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

static int parse_formats(const qt_cli *cli, const char *s, unsigned *out)
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
            return cli_usage(cli, "report", "--format: '%.*s' is not pdf, png, xlsx or gpkg", (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
    if (!*out)
        return cli_usage(cli, "report", "--format needs at least one of pdf, png, xlsx, gpkg");
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p ? p : "";
}

int cmd_report(int argc, char **argv, qt_cli *cli)
{
    const char *out = NULL, *sites_s = NULL, *format_s = NULL, *dpi_s = NULL, *speed = NULL, *threads_s = NULL,
               *cell_s = NULL, *pos[1], *circle_dummy = NULL;
    int timings = 0, quiet = 0, npos, rc = 0, i, nargs = 0;
    cli_opt opts[] = {{"out", 'o', 1, &out, NULL},         {"sites", 0, 1, &sites_s, NULL},
                      {"format", 0, 1, &format_s, NULL},   {"dpi", 0, 1, &dpi_s, NULL},
                      {"speed", 0, 1, &speed, NULL},       {"threads", 0, 1, &threads_s, NULL},
                      {"blind-cell", 0, 1, &cell_s, NULL}, {"timings", 0, 0, NULL, &timings},
                      {"circle", 0, 1, &circle_dummy, NULL}, {"quiet", 'q', 0, NULL, &quiet},
                      {NULL, 0, 0, NULL, NULL}};
    const char **names = NULL;
    char **args = NULL;
    size_t nnames = 0, *circles = NULL, k;
    unsigned formats = QT_REPORT_ALL, nthreads = 0;
    double dpi = 96, cell_m = 100, t0 = cli_now_s(), t1, t2;
    qt_project_data *pj = NULL;
    qt_analysis_input in;
    qt_analysis_opts ao;
    qt_analysis *a = NULL;
    qt_site_list *sites = NULL;
    qt_report_opts ro;
    qt_error err = QT_ERROR_INIT;
    char sources[1024];

    /* --circle may repeat: collect its values, hand the rest to the parser */
    names = calloc((size_t)argc + 1, sizeof *names);
    args = calloc((size_t)argc + 1, sizeof *args);
    if (!names || !args) {
        free(names);
        free(args);
        qt_error_set(&err, QT_ENOMEM, "report", _("no memory"));
        return cli_fail(cli, &err);
    }
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--circle") == 0 && i + 1 < argc) {
            names[nnames++] = argv[++i];
            continue;
        }
        if (strncmp(argv[i], "--circle=", 9) == 0) {
            names[nnames++] = argv[i] + 9;
            continue;
        }
        args[nargs++] = argv[i];
    }
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
    if ((format_s && (rc = parse_formats(cli, format_s, &formats)) != 0) ||
        (dpi_s && (rc = cli_double(cli, "report", "dpi", dpi_s, &dpi)) != 0) ||
        (cell_s && (rc = cli_double(cli, "report", "blind-cell", cell_s, &cell_m)) != 0) ||
        (rc = cli_threads(cli, "report", threads_s, &nthreads)) != 0)
        goto done;
    if (!(dpi >= 30 && dpi <= 600)) {
        rc = cli_usage(cli, "report", "--dpi is 30 to 600");
        goto done;
    }
    if (!(cell_m >= 10 && cell_m <= 5000)) {
        rc = cli_usage(cli, "report", "--blind-cell is 10 to 5000 metres");
        goto done;
    }
    if ((rc = cli_project_open(cli, "report", pos[0], speed, &pj)) != 0)
        goto done;
    qt_project_analysis_input(pj, &in, &ao);
    ao.threads = nthreads;
    ao.progress = cli_progress;
    ao.progress_ud = cli;
    if (sites_s && qt_sites_read(sites_s, pj->profile, pj->graph, pj->project->snap_max_m, &sites, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    t1 = cli_now_s();
    if (qt_analyze(&in, &ao, &a, &err) != QT_OK) {
        cli_progress_done(cli);
        rc = cli_fail(cli, &err);
        goto done;
    }
    cli_progress_done(cli);
    t2 = cli_now_s();
    if (nnames) {
        circles = calloc(nnames, sizeof *circles);
        if (!circles) {
            qt_error_set(&err, QT_ENOMEM, "report", _("no memory"));
            rc = cli_fail(cli, &err);
            goto done;
        }
        for (k = 0; k < nnames; k++) {
            size_t c;
            for (c = 0; c < a->ncircles && strcmp(a->circle[c], names[k]) != 0; c++)
                ;
            if (c == a->ncircles) {
                if (a->ncircles)
                    qt_error_set(&err, QT_EINVAL, pos[0],
                                 _("--circle '%s': no circle of that name (the project has %zu, e.g. '%s')"), names[k],
                                 a->ncircles, a->circle[0]);
                else
                    qt_error_set(&err, QT_EINVAL, pos[0], _("--circle '%s': the project has no circles"), names[k]);
                rc = cli_fail(cli, &err);
                goto done;
            }
            circles[k] = c;
        }
    }
    snprintf(sources, sizeof sources, "路网 %s; 网点 %s; 居住点 %s%s%s", base_name(pj->project->network),
             base_name(pj->project->outlets.file), base_name(pj->project->residences.file),
             pj->project->survey.file ? "; 问卷 " : "", pj->project->survey.file ? base_name(pj->project->survey.file) : "");
    memset(&ro, 0, sizeof ro);
    ro.project = pj->project->name;
    ro.formats = formats;
    ro.circles = circles;
    ro.ncircles = nnames;
    ro.sites = sites;
    ro.sources = sources;
    ro.osm = strstr(pj->project->network, ".osm") != NULL || pj->outlets->from_osm;
    ro.png_dpi = dpi;
    ro.blind_cell_m = cell_m;
    ro.threads = nthreads;
    ro.boundaries = pj->project->communities.file;
    ro.boundaries_layer = pj->project->communities.layer;
    ro.boundaries_field = pj->project->community_field;
    if (qt_report_make(a, &in, &ro, out, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    {
        size_t nc = nnames ? nnames : a->ncircles ? a->ncircles : 1;
        fprintf(stderr, P_("%s: report of %zu circle in %s/ (open 城市报告.pdf first)\n",
                           "%s: report of %zu circles in %s/ (open 城市报告.pdf first)\n", nc),
                pj->project->name, nc, out);
    }
    if (timings)
        fprintf(stderr, "timings: residences=%zu circles=%zu read_s=%.3f analyze_s=%.3f report_s=%.3f\n",
                pj->residences->n, a->ncircles, t1 - t0, t2 - t1, cli_now_s() - t2);
done:
    qt_analysis_free(a);
    qt_site_list_free(sites);
    qt_project_close(pj);
    free(circles);
    free(names);
    free(args);
    return rc;
}

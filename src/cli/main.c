/* SPDX-License-Identifier: MIT */
/* main.c -- quarter's command table; the only place that exits. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv, qt_cli *cli);
    const char *summary;
} commands[] = {
    {"graph", cmd_graph, "build, inspect and export walking networks (.qgraph cache)"},
    {"access", cmd_access, "nearest outlet and counts per category for every origin, in one pass"},
    {"route", cmd_route, "shortest walking route between two points, as GeoJSON"},
    {"nearby", cmd_nearby, "the nearest outlets of a store by walking, with filters, as CSV"},
    {"isochrone", cmd_isochrone, "areas reachable on foot within 5/10/15 minutes, as GeoJSON"},
    {"analyze", cmd_analyze, "a planning project: indicators, grades, 需求清单 and 盲区 per community and circle"},
    {"report", cmd_report, "一图一清单 per circle (PDF, PNG), the city report, 调查表 and indicators (XLSX), GeoPackage"},
    {"site", cmd_site, "项目清单: where new outlets of a 业态 serve the most unserved residents"},
    {"import", cmd_import, "load a project's outlets and circles into the service platform's store"},
    {"user", cmd_user, "add accounts to the store, link merchants to their outlets"},
    {"serve", cmd_serve, "the service platform's HTTP API: nearby by walking time, accounts, coupons"},
    {"outlets", cmd_outlets, "classify an outlet table (CSV, UTF-8/GBK, Amap) into 业态, as pois.csv"},
    {"profile", cmd_profile, "check or list a 业态 profile (categories, rings, OSM/Amap mappings)"},
    {"coords", cmd_coords, "convert points among WGS-84, GCJ-02 (Amap) and BD-09 (Baidu)"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
    size_t i;
    fprintf(fp,
            "usage: quarter [--version] [--help] COMMAND [ARGS]\n\n"
            "Walking accessibility for 15-minute convenient living circles.\n\n"
            "Commands:\n");
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\nRun 'quarter COMMAND --help' for a command's options.  Every command takes\n"
                "-q/--quiet (errors and warnings only) and --verbose (also the raw messages\n"
                "of GDAL, PROJ and GEOS, which are otherwise summarised in one warning).\n"
                "Exit codes: 0 ok, 1 bad input data, 2 bad command line, 3 file I/O error,\n"
                "4 out of memory, 5 internal error.\n");
}

int main(int argc, char **argv)
{
    qt_cli cli;
    size_t i;
    int k;
    cli.prog = "quarter";
    cli.progress = isatty(2);
    cli.quiet = 0;
    cli.verbose = 0;
    for (k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--quiet") == 0 || strcmp(argv[k], "-q") == 0)
            cli.progress = 0, cli.quiet = 1;
        if (strcmp(argv[k], "--verbose") == 0)
            cli.verbose = 1;
    }
    if (argc < 2) {
        usage(stderr);
        return QT_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        if (argc > 2 && strcmp(argv[1], "help") == 0) {
            for (i = 0; i < NCOMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    char *hargv[] = {argv[2], (char *)"--help", NULL};
                    return commands[i].fn(2, hargv, &cli);
                }
        }
        usage(stdout);
        return QT_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("quarter %s\n", qt_version());
        return QT_EXIT_OK;
    }
    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1, &cli);
    fprintf(stderr, "quarter: '%s' is not a command. See 'quarter --help'.\n", argv[1]);
    return QT_EXIT_USAGE;
}

/* SPDX-License-Identifier: MIT */
/* main.c -- quarter's command table; the only place that exits. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "cli/cli.h"

/*
 * The language of messages: --lang zh|en, else the locale (LC_ALL,
 * LC_MESSAGES, LANG: en* is English, anything else -- Chinese, C, unset --
 * is zh_CN, since the users are Chinese civil servants).  Only LC_MESSAGES
 * and LC_CTYPE follow the locale; numbers stay in the C locale, so a CSV
 * never gets decimal commas.  Without an installed locale the UTF-8 C locale
 * serves, which lets LANGUAGE pick the catalogue.
 */
static void choose_language(int argc, char **argv)
{
    const char *lang = NULL, *cur;
    const char *dir = QT_LOCALEDIR_INSTALL;
    struct stat sb;
    int k;
    for (k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--lang") == 0 && k + 1 < argc)
            lang = argv[k + 1];
        else if (strncmp(argv[k], "--lang=", 7) == 0)
            lang = argv[k] + 7;
    }
    if (!lang) {
        static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
        size_t i;
        for (i = 0; i < 3 && !lang; i++) {
            const char *v = getenv(vars[i]);
            if (v && *v)
                lang = v;
        }
    }
    cur = setlocale(LC_CTYPE, "");
    if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
        setlocale(LC_CTYPE, "C.UTF-8");
    cur = setlocale(LC_MESSAGES, "");
    if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
        setlocale(LC_MESSAGES, "C.UTF-8");
    setenv("LANGUAGE", lang && strncmp(lang, "en", 2) == 0 ? "en" : "zh_CN", 1);
    if (getenv("QUARTER_LOCALEDIR"))
        dir = getenv("QUARTER_LOCALEDIR");
    else if (stat(QT_LOCALEDIR_BUILD, &sb) == 0)
        dir = QT_LOCALEDIR_BUILD; /* run from the build tree */
    bindtextdomain(QT_TEXTDOMAIN, dir);
    bind_textdomain_codeset(QT_TEXTDOMAIN, "UTF-8");
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv, qt_cli *cli);
    const char *summary;
} commands[] = {
    {"graph", cmd_graph, N_("build, inspect and export walking networks (.qgraph cache)")},
    {"access", cmd_access, N_("nearest outlet and counts per category for every origin, in one pass")},
    {"route", cmd_route, N_("shortest walking route between two points, as GeoJSON")},
    {"nearby", cmd_nearby, N_("the nearest outlets of a store by walking, with filters, as CSV")},
    {"isochrone", cmd_isochrone, N_("areas reachable on foot within 5/10/15 minutes, as GeoJSON")},
    {"analyze", cmd_analyze, N_("a planning project: indicators, grades, 需求清单 and 盲区 per community and circle")},
    {"worker", cmd_worker, N_("take city jobs from a PostgreSQL queue (analyze --queue), results into PostGIS")},
    {"queue", cmd_queue, N_("the city job queue: status, waiting for every city, the province summary")},
    {"report", cmd_report,
     N_("一图一清单 per circle (PDF, PNG), the city report, 调查表 and indicators (XLSX), GeoPackage")},
    {"site", cmd_site, N_("项目清单: where new outlets of a 业态 serve the most unserved residents")},
    {"import", cmd_import, N_("load a project's outlets and circles into the service platform's store")},
    {"user", cmd_user, N_("add accounts to the store, link merchants to their outlets")},
    {"serve", cmd_serve, N_("the service platform's HTTP API: nearby by walking time, accounts, coupons")},
    {"outlets", cmd_outlets, N_("classify an outlet table (CSV, UTF-8/GBK, Amap) into 业态, as pois.csv")},
    {"profile", cmd_profile, N_("check or list a 业态 profile (categories, rings, OSM/Amap mappings)")},
    {"coords", cmd_coords, N_("convert points among WGS-84, GCJ-02 (Amap) and BD-09 (Baidu)")},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
    size_t i;
    fputs(_("usage: quarter [--version] [--help] [--lang zh|en] COMMAND [ARGS]\n\n"
            "Walking accessibility for 15-minute convenient living circles.\n\n"
            "Commands:\n"),
          fp);
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
    fputs(_("\nRun 'quarter COMMAND --help' for a command's options.  Every command takes\n"
            "-q/--quiet (errors and warnings only), --verbose (also the raw messages of\n"
            "GDAL, PROJ and GEOS, which are otherwise summarised in one warning) and\n"
            "--lang zh|en (default: Chinese, English when the locale is en*).\n"
            "Exit codes: 0 ok, 1 bad input data, 2 bad command line, 3 file I/O error,\n"
            "4 out of memory, 5 internal error.\n"),
          fp);
}

int main(int argc, char **argv)
{
    qt_cli cli;
    size_t i;
    int k;
    choose_language(argc, argv);
    { /* --lang is global: take it out before the command sees its arguments */
        int r, w = 1;
        for (r = 1; r < argc; r++) {
            if (strcmp(argv[r], "--lang") == 0 && r + 1 < argc) {
                r++;
                continue;
            }
            if (strncmp(argv[r], "--lang=", 7) == 0)
                continue;
            argv[w++] = argv[r];
        }
        argc = w;
        argv[argc] = NULL;
    }
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
    fprintf(stderr, _("quarter: '%s' is not a command. See 'quarter --help'.\n"), argv[1]);
    return QT_EXIT_USAGE;
}

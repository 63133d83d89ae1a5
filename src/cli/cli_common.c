/* SPDX-License-Identifier: MIT */
/* cli_common.c -- option parsing, messages, progress, graph loading. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "cli/cli.h"

int cli_parse(const qt_cli *cli, int argc, char **argv, const cli_opt *opts, const char **pos, int maxpos, int *npos,
              const char *help)
{
    int i;
    *npos = 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        const cli_opt *o = NULL;
        size_t k;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return -1;
        }
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0 || strcmp(a, "--verbose") == 0 ||
            strncmp(a, "--lang=", 7) == 0)
            continue; /* handled in main */
        if (strcmp(a, "--lang") == 0) {
            i++; /* and its value */
            continue;
        }
        if (a[0] == '-' && ((a[1] >= '0' && a[1] <= '9') || a[1] == '.')) {
            /* a negative number is an argument, not an option */
            if (*npos >= maxpos)
                return cli_usage(cli, argv[0], "unexpected argument '%s'", a);
            pos[(*npos)++] = a;
            continue;
        }
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            for (k = 0; opts[k].name; k++)
                if (strlen(opts[k].name) == len && strncmp(opts[k].name, a + 2, len) == 0) {
                    o = &opts[k];
                    break;
                }
            if (!o)
                return cli_usage(cli, argv[0], "unknown option '%s'", a);
            if (eq) {
                if (!o->has_arg)
                    return cli_usage(cli, argv[0], "option '--%s' takes no value", o->name);
                val = eq + 1;
            }
        } else if (a[0] == '-' && a[1] && a[2] == '\0' && a[1] != '-') {
            for (k = 0; opts[k].name; k++)
                if (opts[k].short_name == a[1]) {
                    o = &opts[k];
                    break;
                }
            if (!o)
                return cli_usage(cli, argv[0], "unknown option '%s'", a);
        } else {
            if (*npos >= maxpos)
                return cli_usage(cli, argv[0], "unexpected argument '%s'", a);
            pos[(*npos)++] = a;
            continue;
        }
        if (o->has_arg) {
            if (!val) {
                if (i + 1 >= argc)
                    return cli_usage(cli, argv[0], "option '--%s' needs a value", o->name);
                val = argv[++i];
            }
            *o->value = val;
        } else {
            *o->flag = 1;
        }
    }
    return 0;
}

int cli_usage(const qt_cli *cli, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", cli->prog, cmd);
    va_start(ap, fmt);
    vfprintf(stderr, _(fmt), ap); /* the catalogue's text: xgettext takes cli_usage's 3rd argument */
    va_end(ap);
    fprintf(stderr, _("\nSee '%s %s --help'.\n"), cli->prog, cmd);
    return QT_EXIT_USAGE;
}

void cli_warn(const qt_cli *cli, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: warning: ", cli->prog); /* the prefix stays English: scripts look for it */
    va_start(ap, fmt);
    vfprintf(stderr, _(fmt), ap); /* xgettext takes cli_warn's 2nd argument */
    va_end(ap);
    fputc('\n', stderr);
}

int cli_fail(const qt_cli *cli, const qt_error *err)
{
    if (err->where[0])
        fprintf(stderr, "%s: %s: %s\n", cli->prog, err->where, err->msg);
    else
        fprintf(stderr, "%s: %s\n", cli->prog, err->msg[0] ? err->msg : _(qt_status_str(err->code)));
    switch (err->code) {
    case QT_OK:
        return QT_EXIT_OK;
    case QT_EIO:
        return QT_EXIT_IO;
    case QT_ENOMEM:
        return QT_EXIT_NOMEM;
    case QT_EINTERNAL:
        return QT_EXIT_INTERNAL;
    default:
        return QT_EXIT_DATA;
    }
}

void cli_progress(void *ud, const char *stage, uint64_t done, uint64_t total)
{
    const qt_cli *cli = ud;
    if (!cli || !cli->progress)
        return;
    fprintf(stderr, "\r%s: %s %llu/%llu", cli->prog, stage, (unsigned long long)done, (unsigned long long)total);
    fflush(stderr);
}

void cli_progress_done(const qt_cli *cli)
{
    if (cli->progress)
        fprintf(stderr, "\r\033[K");
}

int cli_double(const qt_cli *cli, const char *cmd, const char *opt, const char *s, double *out)
{
    char *e;
    double v;
    if (strcmp(s, "inf") == 0 || strcmp(s, "none") == 0) {
        *out = INFINITY;
        return 0;
    }
    errno = 0;
    v = strtod(s, &e);
    if (e == s || *e || !isfinite(v) || errno)
        return cli_usage(cli, cmd, "--%s: '%s' is not a number", opt, s);
    *out = v;
    return 0;
}

int cli_list(const qt_cli *cli, const char *cmd, const char *opt, const char *s, double *out, size_t max, size_t *n)
{
    const char *p = s;
    *n = 0;
    while (*p) {
        char *e;
        double v = strtod(p, &e);
        if (e == p || (*e && *e != ',') || !isfinite(v) || v <= 0)
            return cli_usage(cli, cmd, "--%s: '%s' is not a list of positive numbers", opt, s);
        if (*n >= max)
            return cli_usage(cli, cmd, "--%s: at most %zu values", opt, max);
        if (*n && v <= out[*n - 1])
            return cli_usage(cli, cmd, "--%s: values must be ascending", opt);
        out[(*n)++] = v;
        p = *e ? e + 1 : e;
    }
    if (!*n)
        return cli_usage(cli, cmd, "--%s: empty list", opt);
    return 0;
}

int cli_lonlat(const qt_cli *cli, const char *cmd, const char *opt, const char *s, double *lon, double *lat)
{
    char *e, *e2;
    double x = strtod(s, &e), y;
    if (e == s || *e != ',')
        return cli_usage(cli, cmd, "--%s: '%s' is not LON,LAT", opt, s);
    y = strtod(e + 1, &e2);
    if (e2 == e + 1 || *e2 || !isfinite(x) || !isfinite(y) || fabs(x) > 180 || fabs(y) > 90)
        return cli_usage(cli, cmd, "--%s: '%s' is not LON,LAT (degrees, WGS-84)", opt, s);
    *lon = x;
    *lat = y;
    return 0;
}

int cli_snap_mode(const qt_cli *cli, const char *cmd, const char *s, qt_snap_mode *mode)
{
    if (!s || strcmp(s, "edge") == 0)
        *mode = QT_SNAP_EDGE;
    else if (strcmp(s, "node") == 0)
        *mode = QT_SNAP_NODE;
    else
        return cli_usage(cli, cmd, "--snap: '%s' is not 'edge' or 'node'", s);
    return 0;
}

int cli_load_graph(const qt_cli *cli, const char *cmd, const char *graph, const char *network, const char *nodes,
                   const char *edges, const qt_network_opts *nopts, qt_graph **out)
{
    qt_error err = QT_ERROR_INIT;
    qt_status st;
    int forms = (graph != NULL) + (network != NULL) + (nodes != NULL || edges != NULL);
    *out = NULL;
    if (forms != 1)
        return cli_usage(cli, cmd,
                         "give the network as one of --graph FILE.qgraph, --network FILE, "
                         "or --nodes nodes.csv --edges edges.csv");
    if (nodes || edges) {
        if (!nodes || !edges)
            return cli_usage(cli, cmd, "--nodes and --edges go together");
        st = qt_graph_read_interchange(nodes, edges, out, &err);
    } else if (graph) {
        st = qt_graph_load(graph, out, &err);
    } else {
        st = qt_graph_read_any(network, nopts, out, &err);
    }
    if (st != QT_OK)
        return cli_fail(cli, &err);
    return 0;
}

int cli_write_text(const qt_cli *cli, const char *path, const char *text)
{
    char *tmp;
    FILE *fp;
    size_t n = strlen(text);
    int ok;
    if (!path || strcmp(path, "-") == 0) {
        if (fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0) {
            fprintf(stderr, _("%s: stdout: write failed\n"), cli->prog);
            return QT_EXIT_IO;
        }
        return 0;
    }
    tmp = malloc(strlen(path) + 5);
    if (!tmp)
        return QT_EXIT_NOMEM;
    snprintf(tmp, strlen(path) + 5, "%s.tmp", path);
    fp = fopen(tmp, "wb");
    if (!fp) {
        fprintf(stderr, _("%s: %s: cannot create: %s\n"), cli->prog, path, strerror(errno));
        free(tmp);
        return QT_EXIT_IO;
    }
    ok = fwrite(text, 1, n, fp) == n;
    ok = (fclose(fp) == 0) && ok;
    if (ok)
        ok = rename(tmp, path) == 0;
    if (!ok) {
        fprintf(stderr, _("%s: %s: write failed: %s\n"), cli->prog, path, strerror(errno));
        remove(tmp);
        free(tmp);
        return QT_EXIT_IO;
    }
    free(tmp);
    return 0;
}

double cli_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cli_threads(const qt_cli *cli, const char *cmd, const char *s, unsigned *out)
{
    double d = 0;
    int rc;
    *out = 0;
    if (!s)
        return 0;
    if ((rc = cli_double(cli, cmd, "threads", s, &d)) != 0)
        return rc;
    if (d < 1 || d > 1024 || d != floor(d))
        return cli_usage(cli, cmd, "--threads must be a whole number from 1 to 1024");
    *out = (unsigned)d;
    return 0;
}

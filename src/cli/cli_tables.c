/* SPDX-License-Identifier: MIT */
/*
 * cli_tables.c -- what the commands that read tables say about them: every
 * bad row (the readers' problem callback), the columns chosen for each
 * field and the reader's notes, once per table.
 */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "cli/cli.h"

void cli_table_problem(void *ud, const qt_error *e)
{
    const qt_cli *cli = ud;
    fprintf(stderr, "%s: %s: %s\n", cli->prog, e->where, e->msg);
}

/* the reader's notes: "warning: " lines as warnings, "detail: " lines with --verbose, the rest unless -q */
static void notes(const qt_cli *cli, const char *path, const char *s)
{
    while (s && *s) {
        size_t n = strcspn(s, "\n");
        if (strncmp(s, "detail: ", 8) == 0) {
            if (cli->verbose)
                fprintf(stderr, "%s: %.*s\n", path, (int)(n - 8), s + 8);
        } else if (strncmp(s, "warning: ", 9) == 0)
            cli_warn(cli, "%s: %.*s", path, (int)(n - 9), s + 9);
        else if (!cli->quiet)
            fprintf(stderr, "%s: %.*s\n", path, (int)n, s);
        s += n;
        if (*s)
            s++;
    }
}

void cli_residences_said(const qt_cli *cli, const char *path, const qt_residence_list *l)
{
    if (cli->quiet) {
        notes(cli, path, l->notes); /* warnings only */
        return;
    }
    if (l->header_line > 1)
        fprintf(stderr, _("%s: header on line %zu (the lines above it skipped)\n"), path, l->header_line);
    fprintf(stderr, _("%s: columns: %s\n"), path, l->cols_used ? l->cols_used : "");
    notes(cli, path, l->notes);
}

void cli_outlets_said(const qt_cli *cli, const char *path, const qt_outlet_list *l)
{
    static const char *const field[QT_OCOL_COUNT] = {"id",    "name",          "type",     "typecode", "lon",
                                                     "lat",   "category",      "brand",    "chain",    "floor_area",
                                                     "staff", "opening_hours", "services", "address"};
    size_t k;
    if (cli->quiet) {
        notes(cli, path, l->notes); /* warnings only */
        return;
    }
    if (l->header_line > 1)
        fprintf(stderr, _("%s: header on line %zu (the lines above it skipped)\n"), path, l->header_line);
    fprintf(stderr, _("%s: columns:"), path);
    for (k = 0; k < QT_OCOL_COUNT; k++)
        if (l->cols[k])
            fprintf(stderr, " %s=%s", field[k], l->cols[k]);
    if (l->natural_key)
        fputs(_(" id=(natural key: name + position to 5 m)"), stderr);
    fputc('\n', stderr);
    notes(cli, path, l->notes);
}

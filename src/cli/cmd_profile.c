/* SPDX-License-Identifier: MIT */
/* cmd_profile.c -- quarter profile check|list: validate and show a 业态 profile. */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "cli/cli.h"

static const char help[] = N_(
    "usage: quarter profile check PROFILE\n"
    "       quarter profile list PROFILE\n\n"
    "check: validate a 业态 profile (errors name the line and the key) and print\n"
    "       a one-line summary.\n"
    "list:  print its categories as CSV: code,zh,en,class,ring_min.\n"
    "The shipped profile is data/profiles/mofcom-2023.profile; the format is in\n"
    "docs/profile.md.\n");

int cmd_profile(int argc, char **argv, qt_cli *cli)
{
    const char *pos[2];
    cli_opt opts[] = {{NULL, 0, 0, NULL, NULL}};
    int npos, rc;
    qt_profile *p = NULL;
    qt_error err = QT_ERROR_INIT;
    size_t i, nb = 0, n;

    rc = cli_parse(cli, argc, argv, opts, pos, 2, &npos, _(help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (npos != 2 || (strcmp(pos[0], "check") != 0 && strcmp(pos[0], "list") != 0))
        return cli_usage(cli, "profile", "expected 'check PROFILE' or 'list PROFILE'");
    if (qt_profile_load(pos[1], &p, &err) != QT_OK)
        return cli_fail(cli, &err);
    n = qt_profile_category_count(p);
    for (i = 0; i < n; i++)
        nb += qt_profile_category(p, i)->cls == QT_CLASS_BASIC;
    if (strcmp(pos[0], "check") == 0) {
        size_t g, ng = qt_profile_grade_count(p);
        printf(_("%s: %zu categories (%zu basic, %zu quality), walking %.1f km/h, %zu grades"), qt_profile_name(p), n,
               nb, n - nb, qt_profile_speed_kmh(p, "default"), ng);
        for (g = 0; g < ng; g++)
            printf("%s%s", g ? " < " : " (", qt_profile_grade(p, g)->name);
        printf("%s\n", ng ? ")" : "");
    } else {
        puts("code,zh,en,class,ring_min");
        for (i = 0; i < n; i++) {
            const qt_category *c = qt_profile_category(p, i);
            printf("%s,%s,\"%s\",%s,%g\n", c->code, c->zh, c->en, c->cls == QT_CLASS_BASIC ? "basic" : "quality",
                   c->ring_min);
        }
    }
    qt_profile_free(p);
    return fflush(stdout) == 0 ? 0 : QT_EXIT_IO;
}

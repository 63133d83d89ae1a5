/* SPDX-License-Identifier: MIT */
/*
 * cli_batch.c -- several cities at once: each city analysed in a child
 * process of its own (a crash or a bad project stops that city only), its
 * standard error passed on line by line with the city in front, its
 * province summary row passed back through a pipe; then province.csv and
 * province.xlsx.  The child processes are also what quarter worker runs its
 * jobs in (cmd_worker.c).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/i18n.h"
#include "cli/cli.h"

int cli_city_name(const qt_cli *cli, const char *path, char *buf, size_t cap)
{
    const char *b = strrchr(path, '/');
    size_t n;
    b = b ? b + 1 : path;
    n = strlen(b);
    if (n > 8 && strcmp(b + n - 8, ".project") == 0)
        n -= 8;
    if (n == 0 || n >= cap || strcmp(b, ".") == 0 || strcmp(b, "..") == 0)
        return cli_usage(cli, "analyze", "%s: no city name in the file name", path);
    memcpy(buf, b, n);
    buf[n] = '\0';
    return 0;
}

size_t cli_missing_categories(const qt_analysis *a, const qt_profile *p, int *cats, size_t max)
{
    const qt_targets *tg = qt_profile_targets(p);
    size_t c, ci, n = 0;
    for (c = 0; c < a->ncat && n < max; c++) {
        int missing = 0;
        for (ci = 0; ci < (a->ncircles ? a->ncircles : 1) && !missing; ci++) {
            const qt_area_stats *as = a->ncircles ? &a->circles_stats[ci] : &a->city;
            missing = as->population > 0 && as->coverage[c] < tg->present_share && as->unserved[c] > 0;
        }
        if (missing)
            cats[n++] = (int)c;
    }
    return n;
}

int cli_child_start(cli_child *c, const char *prefix, int want_sum, int (*fn)(void *ud, int sum_fd), void *ud)
{
    int ep[2], sp[2] = {-1, -1};
    pid_t parent = getpid();
    memset(c, 0, sizeof *c);
    c->err_fd = c->sum_fd = -1;
    snprintf(c->prefix, sizeof c->prefix, "%s", prefix);
    if (pipe(ep) != 0)
        return -1;
    if (want_sum && pipe(sp) != 0) {
        close(ep[0]);
        close(ep[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    c->pid = fork();
    if (c->pid < 0) {
        close(ep[0]);
        close(ep[1]);
        if (want_sum) {
            close(sp[0]);
            close(sp[1]);
        }
        return -1;
    }
    if (c->pid == 0) {
        int rc;
        /* the child dies with its parent: a killed worker leaves no job running behind it */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(QT_EXIT_INTERNAL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        dup2(ep[1], 2);
        close(ep[0]);
        close(ep[1]);
        if (want_sum)
            close(sp[0]);
        rc = fn(ud, sp[1]);
        fflush(stdout);
        fflush(stderr);
        _exit(rc); /* the child's end: no atexit handlers of the parent's */
    }
    close(ep[1]);
    c->err_fd = ep[0];
    if (want_sum) {
        close(sp[1]);
        c->sum_fd = sp[0];
    }
    c->running = 1;
    return 0;
}

/* a line of the child's standard error: passed on, and the last error kept as the reason */
static void child_line(cli_child *c, const char *s)
{
    fprintf(stderr, "%s: %s\n", c->prefix, s);
    if (strncmp(s, "quarter: ", 9) == 0 && strncmp(s, "quarter: warning:", 17) != 0) {
        snprintf(c->reason, sizeof c->reason, "%s", s + 9);
        c->said = 1;
    } else if (!c->said && strncmp(s, "SUMMARY: ", 9) == 0) /* a sanitizer's report */
        snprintf(c->reason, sizeof c->reason, "%s", s);
}

int cli_child_read(cli_child *c)
{
    char buf[4096];
    ssize_t n = read(c->err_fd, buf, sizeof buf);
    ssize_t i;
    if (n < 0 && errno == EINTR)
        return 0;
    if (n <= 0) {
        if (c->len) {
            c->line[c->len] = '\0';
            child_line(c, c->line);
            c->len = 0;
        }
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (buf[i] == '\n' || buf[i] == '\r' || c->len + 1 >= sizeof c->line) {
            c->line[c->len] = '\0';
            if (c->len)
                child_line(c, c->line);
            c->len = 0;
            if (buf[i] == '\n' || buf[i] == '\r')
                continue;
        }
        c->line[c->len++] = buf[i];
    }
    return 0;
}

void cli_child_reap(cli_child *c)
{
    int st = 0;
    while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
        ;
    close(c->err_fd);
    c->err_fd = -1;
    c->running = 0;
    if (WIFEXITED(st))
        c->code = WEXITSTATUS(st);
    else {
        c->code = QT_EXIT_INTERNAL;
        if (!c->reason[0] || WIFSIGNALED(st))
            snprintf(c->reason, sizeof c->reason, _("killed by signal %d"), WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    }
    if (c->code && !c->reason[0])
        snprintf(c->reason, sizeof c->reason, _("exit status %d"), c->code);
}

/* ---- quarter analyze P1 P2 ... -o DIR -------------------------------------- */

typedef struct city_job {
    qt_cli *cli;
    cli_analyze_args x;
    const char *path;
    char out[4096];
} city_job;

static int run_city(void *ud, int sum_fd)
{
    city_job *j = ud;
    qt_city_summary *s = calloc(1, sizeof *s);
    char line[8192];
    size_t n;
    int rc;
    if (!s)
        return QT_EXIT_NOMEM;
    rc = cli_analyze_one(j->cli, &j->x, j->path, j->out, s, NULL);
    if (rc == 0 && (n = qt_city_summary_format(s, line, sizeof line - 1)) > 0) {
        line[n++] = '\n';
        if (write(sum_fd, line, n) != (ssize_t)n)
            rc = QT_EXIT_IO;
    }
    close(sum_fd);
    free(s);
    return rc;
}

/* The summary line a finished child sent, into row (or its failure). */
static void take_result(cli_child *c, qt_city_summary *row)
{
    char buf[8192];
    size_t len = 0;
    ssize_t n;
    qt_error err = QT_ERROR_INIT;
    while (len + 1 < sizeof buf && (n = read(c->sum_fd, buf + len, sizeof buf - 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    close(c->sum_fd);
    c->sum_fd = -1;
    if (c->code == 0 && qt_city_summary_parse(buf, row, &err) == QT_OK)
        return;
    if (c->code == 0) {
        c->code = QT_EXIT_INTERNAL;
        snprintf(c->reason, sizeof c->reason, _("no summary from the analysis: %s"), err.msg);
    }
    snprintf(row->error, sizeof row->error, "%s", c->reason);
}

int cli_make_dir(const qt_cli *cli, const char *dir)
{
    struct stat sb;
    qt_error err = QT_ERROR_INIT;
    if (mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return 0;
    qt_error_set(&err, QT_EIO, dir, _("cannot create the folder: %s"), strerror(errno));
    return cli_fail(cli, &err);
}

static unsigned cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* Each city's job and summary row: its name (two projects of one city are a
 * usage error), its folder OUT/<city>, the threads each child may use. */
static int prepare_cities(qt_cli *cli, const cli_analyze_args *x, const char **paths, size_t n, const char *out,
                          unsigned jobs, city_job *cj, qt_city_summary *rows)
{
    size_t i, k;
    int rc;
    for (i = 0; i < n; i++) {
        cj[i].cli = cli;
        cj[i].x = *x;
        cj[i].path = paths[i];
        if ((rc = cli_city_name(cli, paths[i], rows[i].city, sizeof rows[i].city)) != 0)
            return rc;
        for (k = 0; k < i; k++)
            if (strcmp(rows[k].city, rows[i].city) == 0)
                return cli_usage(cli, "analyze", "%s and %s are both city '%s': name the project files apart", paths[k],
                                 paths[i], rows[i].city);
        cj[i].x.city = rows[i].city;
        snprintf(cj[i].out, sizeof cj[i].out, "%s/%s", out, rows[i].city);
        snprintf(rows[i].path, sizeof rows[i].path, "%s", paths[i]);
        cj[i].x.quiet = 1; /* the per-city summary lines would interleave; the province file says it */
        if (!x->threads)
            cj[i].x.threads = cores() / jobs > 0 ? cores() / jobs : 1;
    }
    return 0;
}

/* The children running the cities, jobs at a time. */
typedef struct city_pool {
    qt_cli *cli;
    const char **paths;
    city_job *cj;
    qt_city_summary *rows;
    size_t n, next, running, failed;
    unsigned jobs;
    cli_child *ch;
    size_t *slot_city;
    struct pollfd *pf;
    int rc; /* the first failed city's exit status */
} city_pool;

/* A child started on every free slot while cities are left. */
static int pool_fill(city_pool *p)
{
    size_t k;
    qt_error err = QT_ERROR_INIT;
    for (k = 0; k < p->jobs && p->next < p->n; k++) {
        if (p->ch[k].running)
            continue;
        if (cli_child_start(&p->ch[k], p->rows[p->next].city, 1, run_city, &p->cj[p->next]) != 0) {
            qt_error_set(&err, QT_EINTERNAL, p->paths[p->next], _("cannot start a process: %s"), strerror(errno));
            return cli_fail(p->cli, &err);
        }
        p->slot_city[k] = p->next++;
        p->running++;
    }
    return 0;
}

/* Wait for the children's output; reap those that ended and take their summary lines. */
static int pool_wait(city_pool *p)
{
    size_t k, np = 0;
    qt_error err = QT_ERROR_INIT;
    for (k = 0; k < p->jobs; k++) {
        p->pf[k].fd = p->ch[k].running ? p->ch[k].err_fd : -1;
        p->pf[k].events = POLLIN;
        p->pf[k].revents = 0;
        np += p->ch[k].running;
    }
    if (np == 0)
        return 0;
    if (poll(p->pf, p->jobs, -1) < 0 && errno != EINTR) {
        qt_error_set(&err, QT_EINTERNAL, "analyze", "poll: %s", strerror(errno));
        return cli_fail(p->cli, &err);
    }
    for (k = 0; k < p->jobs; k++) {
        cli_child *c = &p->ch[k];
        if (!c->running || !(p->pf[k].revents & (POLLIN | POLLHUP | POLLERR)) || !cli_child_read(c))
            continue;
        cli_child_reap(c);
        p->running--;
        take_result(c, &p->rows[p->slot_city[k]]);
        if (c->code) {
            p->failed++;
            if (!p->rc)
                p->rc = c->code;
        }
    }
    return 0;
}

/* Only after a failure to start one: the children still running stopped. */
static void pool_stop(city_pool *p)
{
    size_t k;
    for (k = 0; p->ch && k < p->jobs; k++)
        if (p->ch[k].running) {
            kill(p->ch[k].pid, SIGKILL);
            cli_child_reap(&p->ch[k]);
            if (p->ch[k].sum_fd >= 0)
                close(p->ch[k].sum_fd);
        }
}

int cli_analyze_many(qt_cli *cli, const cli_analyze_args *x, const char **paths, size_t n, const char *out,
                     unsigned jobs)
{
    city_pool p = {0};
    size_t i;
    qt_error err = QT_ERROR_INIT;
    int rc = 0;
    if (jobs == 0)
        jobs = cores();
    if (jobs > n)
        jobs = (unsigned)n;
    p.cli = cli;
    p.paths = paths;
    p.n = n;
    p.jobs = jobs;
    p.rows = calloc(n, sizeof *p.rows);
    p.cj = calloc(n, sizeof *p.cj);
    p.ch = calloc(jobs, sizeof *p.ch);
    p.slot_city = calloc(jobs, sizeof *p.slot_city);
    p.pf = calloc(jobs, sizeof *p.pf);
    if (!p.rows || !p.cj || !p.ch || !p.slot_city || !p.pf)
        rc = QT_EXIT_NOMEM;
    if (!rc)
        rc = prepare_cities(cli, x, paths, n, out, jobs, p.cj, p.rows);
    if (!rc)
        rc = cli_make_dir(cli, out);
    cli->progress = 0;
    while (!rc && (p.next < n || p.running > 0))
        if ((rc = pool_fill(&p)) == 0)
            rc = pool_wait(&p);
    if (!rc) {
        rc = p.rc;
        if (qt_province_write(p.rows, n, out, &err) != QT_OK) {
            int wrc = cli_fail(cli, &err);
            rc = rc ? rc : wrc;
        } else {
            for (i = 0; i < n; i++)
                if (p.rows[i].error[0])
                    fprintf(stderr, _("quarter: %s: city %s failed: %s\n"), paths[i], p.rows[i].city, p.rows[i].error);
            if (!cli->quiet && !x->quiet)
                fprintf(stderr,
                        _("%zu cities: %zu analysed, %zu failed; each in %s/<city>/, the summary in "
                          "%s/province.csv\n"),
                        n, n - p.failed, p.failed, out, out);
        }
    }
    pool_stop(&p);
    free(p.pf);
    free(p.slot_city);
    free(p.ch);
    free(p.cj);
    free(p.rows);
    return rc;
}

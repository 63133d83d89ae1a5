/* SPDX-License-Identifier: MIT */
/*
 * cmd_worker.c -- cities on many machines (quarter/queue.h):
 *   quarter analyze --queue URL P1 P2 ... [--wait -o DIR]   queue the cities
 *   quarter worker --queue URL [-o DIR]                    take jobs until stopped
 *   quarter queue status URL [--wait] [-o DIR]             the jobs; the province summary
 * A worker runs each job in a child process (cli_batch.c) and holds the
 * job's lease from the parent, renewing it every third of the lease; the
 * child writes the city's folder, then its rows and the job's end in one
 * transaction.  SIGTERM or SIGINT: the job in hand is stopped and given
 * back, and the worker exits 0.
 */
#define _XOPEN_SOURCE 700 /* nftw, realpath */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "cli/cli.h"

static const char worker_help[] = N_(
    "usage: quarter worker --queue postgresql://... [-o OUT_DIR] [options]\n\n"
    "Take city jobs from the queue that quarter analyze --queue filled (schema\n"
    "quarter_queue of that database, docs/queue.md), one at a time, until stopped:\n"
    "analyse the city's project (the path it was queued with: every worker must\n"
    "see the same files), write its folder OUT_DIR/<city>/ exactly as quarter\n"
    "analyze does (with -o), and write its results into the PostGIS tables\n"
    "quarter_queue.circles, communities, blindspots, sites and cities, replacing\n"
    "an earlier run's, in the same transaction that marks the job done.\n"
    "A job is held by a lease the worker renews; a killed worker's job is taken\n"
    "again when its lease runs out; a job that failed --attempts times (given to\n"
    "analyze --queue) is marked failed with its message.  SIGTERM or SIGINT: the\n"
    "job in hand is given back and the worker exits 0.  Logs go to standard error.\n\n"
    "Options:\n"
    "  --queue URL          the queue's PostgreSQL database (required)\n"
    "  -o, --out DIR        write each city's folder to DIR/<city>/\n"
    "  --lease S            seconds a job is held without a renewal (default 60)\n"
    "  --poll S             seconds between looks at an empty queue (default 2)\n"
    "  --idle-exit          exit when no job is queued or running\n"
    "  --threads N          threads of each analysis (default: all cores)\n"
    "  --blind-cell M       盲区 grid cell in metres (default 100)\n"
    "  --sites K            for each 业态 missing in some circle, the K best new sites\n"
    "                       (as quarter site --category missing -k K --exact no ranks\n"
    "                       them) into the sites table (default 0: none)\n"
    "  -q, --quiet          no progress output\n");

static const char queue_help[] = N_(
    "usage: quarter queue status postgresql://... [--wait] [-o OUT_DIR]\n\n"
    "List the city jobs of the queue (city, state, attempts, worker, error) on\n"
    "standard output.  With --wait, first wait until no job is queued or running.\n"
    "With -o, write OUT_DIR/province.csv and province.xlsx from the results tables\n"
    "(every city's circles by grade, population and coverage).  Exit status 1 when\n"
    "a city failed, or (with --wait) did not finish.\n\n"
    "Options:\n"
    "  --wait               wait for every job to finish\n"
    "  -o, --out DIR        write the province summary there\n"
    "  --poll S             seconds between looks while waiting (default 1)\n"
    "  -q, --quiet          no progress output\n");

static volatile sig_atomic_t stop_asked;

static void on_stop(int sig)
{
    (void)sig;
    stop_asked = 1;
}

static void log_line(const qt_cli *cli, const char *owner, const char *fmt, ...) QT_PRINTF(3, 4);
static void log_line(const qt_cli *cli, const char *owner, const char *fmt, ...)
{
    va_list ap;
    if (cli->quiet)
        return;
    fprintf(stderr, "quarter worker %s: ", owner);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int queue_open(const qt_cli *cli, const char *url, qt_queue **q)
{
    qt_error err = QT_ERROR_INIT;
    if (qt_queue_open(url, q, &err) == QT_OK)
        return 0;
    return cli_fail(cli, &err);
}

/* sleep s seconds, woken early by SIGTERM and SIGINT */
static void nap(double s)
{
    poll(NULL, 0, (int)(s * 1000));
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* ---- the child: one job -------------------------------------------------- */

typedef struct worker_job {
    qt_cli *cli;
    const char *url, *owner, *out;
    cli_analyze_args x;
    qt_queue_job job;
} worker_job;

static int run_job(void *ud, int sum_fd)
{
    worker_job *w = ud;
    char tmp[1024], out[PATH_MAX], gpkg_dir[1100], gpkg[1200];
    const char *td = getenv("TMPDIR");
    qt_city_summary *s = calloc(1, sizeof *s);
    qt_queue *q = NULL;
    qt_error err = QT_ERROR_INIT;
    int rc;
    (void)sum_fd;
    if (!s)
        return QT_EXIT_NOMEM;
    snprintf(tmp, sizeof tmp, "%s/quarter-worker-XXXXXX", td && *td ? td : "/tmp");
    if (!mkdtemp(tmp)) {
        qt_error_set(&err, QT_EIO, tmp, _("cannot create a temporary folder: %s"), strerror(errno));
        free(s);
        return cli_fail(w->cli, &err);
    }
    if (w->out)
        snprintf(out, sizeof out, "%s/%s", w->out, w->job.city);
    else
        snprintf(out, sizeof out, "%s/analysis", tmp);
    snprintf(gpkg_dir, sizeof gpkg_dir, "%s/report", tmp);
    snprintf(gpkg, sizeof gpkg, "%s/analysis.gpkg", gpkg_dir);
    w->x.city = w->job.city;
    rc = cli_analyze_one(w->cli, &w->x, w->job.path, out, s, gpkg_dir);
    if (rc == 0 && getenv("QUARTER_WORKER_TEST_PAUSE_S")) /* tests: a job long enough to kill its worker in */
        nap(strtod(getenv("QUARTER_WORKER_TEST_PAUSE_S"), NULL));
    if (rc == 0 && (rc = queue_open(w->cli, w->url, &q)) == 0 &&
        qt_queue_finish(q, &w->job, w->owner, s, gpkg, &err) != QT_OK)
        rc = cli_fail(w->cli, &err);
    qt_queue_close(q);
    nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(s);
    return rc;
}

/* ---- the worker ----------------------------------------------------------- */

typedef struct worker {
    qt_cli *cli;
    qt_queue *q;
    const char *url, *out;
    char owner[300];
    double lease_s, poll_s;
    int idle_exit;
    cli_analyze_args x;
} worker;

/* Run the claimed job j to its end; returns 1 when the worker is to stop. */
static int work_on(worker *wk, const qt_queue_job *j)
{
    worker_job wj;
    cli_child c;
    qt_error err = QT_ERROR_INIT;
    double t0 = cli_now_s(), next_hb = t0 + wk->lease_s / 3;
    int killed = 0, lost = 0, final = 0;
    char prefix[512];
    memset(&wj, 0, sizeof wj);
    wj.cli = wk->cli;
    wj.url = wk->url;
    wj.owner = wk->owner;
    wj.out = wk->out;
    wj.x = wk->x;
    wj.job = *j;
    snprintf(prefix, sizeof prefix, "quarter worker %s: %s", wk->owner, j->city);
    log_line(wk->cli, wk->owner, _("%s (attempt %d): %s"), j->city, j->attempt, j->path);
    if (cli_child_start(&c, prefix, 0, run_job, &wj) != 0) {
        snprintf(c.reason, sizeof c.reason, _("cannot start a process: %s"), strerror(errno));
        qt_queue_fail(wk->q, j, wk->owner, c.reason, &final, &err);
        log_line(wk->cli, wk->owner, "%s: %s", j->city, c.reason);
        return 1;
    }
    for (;;) {
        struct pollfd pf = {c.err_fd, POLLIN, 0};
        double now = cli_now_s();
        int ms = now < next_hb ? (int)((next_hb - now) * 1000) + 1 : 0;
        if (poll(&pf, 1, ms) > 0 && cli_child_read(&c))
            break;
        if (stop_asked && !killed) {
            kill(c.pid, SIGKILL);
            killed = 1;
        }
        if (cli_now_s() >= next_hb) {
            int ours = 1;
            if (qt_queue_heartbeat(wk->q, j, wk->owner, wk->lease_s, &ours, &err) != QT_OK)
                log_line(wk->cli, wk->owner, _("%s: cannot renew the lease: %s"), j->city, err.msg);
            else if (!ours && !killed) {
                log_line(wk->cli, wk->owner, _("%s: the lease ran out and the job went to another worker; stopping it"),
                         j->city);
                kill(c.pid, SIGKILL);
                killed = lost = 1;
            }
            next_hb = cli_now_s() + wk->lease_s / 3;
        }
    }
    cli_child_reap(&c);
    if (stop_asked && c.code != 0) {
        if (qt_queue_release(wk->q, j, wk->owner, &err) != QT_OK)
            log_line(wk->cli, wk->owner, _("%s: cannot give the job back: %s"), j->city, err.msg);
        else
            log_line(wk->cli, wk->owner, _("%s: stopped; the job is queued again"), j->city);
        return 1;
    }
    if (lost)
        return 0;
    if (c.code == 0) {
        log_line(wk->cli, wk->owner, _("%s: done in %.1f s"), j->city, cli_now_s() - t0);
        return 0;
    }
    if (qt_queue_fail(wk->q, j, wk->owner, c.reason, &final, &err) != QT_OK)
        log_line(wk->cli, wk->owner, _("%s: cannot record the failure: %s"), j->city, err.msg);
    else
        log_line(wk->cli, wk->owner, "%s: failed (%s)%s", j->city, c.reason,
                 final ? _("; no attempts left, marked failed") : "; queued again");
    return 0;
}

static int worker_opts(worker *wk, const char *lease_s, const char *poll_s, const char *threads_s, const char *cell_s,
                       const char *sites_s)
{
    double k = 0;
    int rc;
    wk->lease_s = 60;
    wk->poll_s = 2;
    if ((lease_s && (rc = cli_double(wk->cli, "worker", "lease", lease_s, &wk->lease_s)) != 0) ||
        (poll_s && (rc = cli_double(wk->cli, "worker", "poll", poll_s, &wk->poll_s)) != 0) ||
        (rc = cli_threads(wk->cli, "worker", threads_s, &wk->x.threads)) != 0 ||
        (cell_s && (rc = cli_double(wk->cli, "worker", "blind-cell", cell_s, &wk->x.cell_m)) != 0) ||
        (sites_s && (rc = cli_double(wk->cli, "worker", "sites", sites_s, &k)) != 0))
        return rc;
    if (!(k >= 0 && k <= 100 && k == floor(k)))
        return cli_usage(wk->cli, "worker", "--sites is a whole number from 0 to 100");
    wk->x.sites_k = (unsigned)k;
    if (!(wk->lease_s >= 1 && wk->lease_s <= 86400))
        return cli_usage(wk->cli, "worker", "--lease is 1 to 86400 seconds");
    if (!(wk->poll_s >= 0.05 && wk->poll_s <= 3600))
        return cli_usage(wk->cli, "worker", "--poll is 0.05 to 3600 seconds");
    if (!(wk->x.cell_m >= 10 && wk->x.cell_m <= 5000))
        return cli_usage(wk->cli, "worker", "--blind-cell is 10 to 5000 metres");
    return 0;
}

int cmd_worker(int argc, char **argv, qt_cli *cli)
{
    const char *lease_s = NULL, *poll_s = NULL, *threads_s = NULL, *cell_s = NULL, *sites_s = NULL, *pos[1];
    worker wk;
    cli_opt opts[] = {{"queue", 0, 1, &wk.url, NULL},           {"out", 'o', 1, &wk.out, NULL},
                      {"lease", 0, 1, &lease_s, NULL},          {"poll", 0, 1, &poll_s, NULL},
                      {"idle-exit", 0, 0, NULL, &wk.idle_exit}, {"threads", 0, 1, &threads_s, NULL},
                      {"blind-cell", 0, 1, &cell_s, NULL},      {"sites", 0, 1, &sites_s, NULL},
                      {"quiet", 'q', 0, NULL, &wk.x.quiet},     {NULL, 0, 0, NULL, NULL}};
    struct sigaction sa;
    qt_error err = QT_ERROR_INIT;
    char host[256];
    int npos, rc, stop = 0, db_errors = 0;
    size_t ndone = 0;

    memset(&wk, 0, sizeof wk);
    wk.cli = cli;
    wk.x.weekday = wk.x.minute = -1;
    wk.x.cell_m = 100;
    rc = cli_parse(cli, argc, argv, opts, pos, 0, &npos, _(worker_help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!wk.url)
        return cli_usage(cli, "worker", "--queue postgresql://... is required");
    if ((rc = worker_opts(&wk, lease_s, poll_s, threads_s, cell_s, sites_s)) != 0)
        return rc;
    if (wk.x.quiet)
        cli->quiet = 1;
    cli->progress = 0;
    wk.x.quiet = 1;
    if (wk.out && (rc = cli_make_dir(cli, wk.out)) != 0)
        return rc;
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    snprintf(wk.owner, sizeof wk.owner, "%s:%ld", host, (long)getpid());
    if ((rc = queue_open(cli, wk.url, &wk.q)) != 0)
        return rc;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: a wait ends at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    log_line(cli, wk.owner, _("taking jobs (lease %.0f s)"), wk.lease_s);
    while (!stop && !stop_asked) {
        qt_queue_job j;
        int got = 0;
        if (qt_queue_claim(wk.q, wk.owner, wk.lease_s, &j, &got, &err) != QT_OK) {
            /* the database restarting or out of reach: keep trying, the connection opened again, at
               most every 30 s (a service waits for its database; SIGTERM still stops it at once) */
            db_errors++;
            log_line(cli, wk.owner, _("cannot claim a job (%s); trying again"), err.msg);
            err = (qt_error)QT_ERROR_INIT;
            nap(db_errors < 30 ? 1 : 30);
            continue;
        }
        db_errors = 0;
        if (got) {
            stop = work_on(&wk, &j);
            ndone++;
            continue;
        }
        if (wk.idle_exit) {
            qt_queue_counts n;
            if (qt_queue_count(wk.q, &n, &err) != QT_OK) {
                rc = cli_fail(cli, &err);
                break;
            }
            if (n.queued + n.running == 0)
                break;
        }
        nap(wk.poll_s);
    }
    log_line(cli, wk.owner, _("%s after %zu jobs"), stop_asked ? _("stopped") : _("no more jobs"), ndone);
    qt_queue_close(wk.q);
    return rc;
}

/* ---- status, waiting, the province summary -------------------------------- */

static int queue_report(qt_cli *cli, qt_queue *q, int wait, double poll_s, const char *out)
{
    qt_error err = QT_ERROR_INIT;
    qt_queue_row *rows = NULL;
    qt_city_summary *sum = NULL;
    qt_queue_counts n, last;
    size_t nr = 0, i, bad = 0;
    int rc = 0;
    memset(&last, 0xff, sizeof last);
    for (;;) {
        if (qt_queue_count(q, &n, &err) != QT_OK)
            return cli_fail(cli, &err);
        if (wait && !cli->quiet && memcmp(&n, &last, sizeof n) != 0)
            fprintf(stderr, _("queue: %zu done, %zu failed, %zu running, %zu queued\n"), n.done, n.failed, n.running,
                    n.queued);
        last = n;
        if (!wait || n.queued + n.running == 0)
            break;
        nap(poll_s);
    }
    if (qt_queue_list(q, &rows, &nr, &err) != QT_OK)
        return cli_fail(cli, &err);
    printf("city\tstate\tattempts\tcompletions\tworker\terror\n");
    for (i = 0; i < nr; i++) {
        printf("%s\t%s\t%d/%d\t%d\t%s\t%s\n", rows[i].city, rows[i].state, rows[i].attempts, rows[i].max_attempts,
               rows[i].completions, rows[i].owner, rows[i].error);
        if (strcmp(rows[i].state, "failed") == 0) {
            fprintf(stderr, _("quarter: %s: city %s failed: %s\n"), rows[i].path, rows[i].city, rows[i].error);
            bad++;
        } else if (wait && strcmp(rows[i].state, "done") != 0)
            bad++;
    }
    fflush(stdout);
    if (out) {
        if ((rc = cli_make_dir(cli, out)) != 0)
            goto done;
        if (qt_queue_summaries(q, &sum, &nr, &err) != QT_OK || qt_province_write(sum, nr, out, &err) != QT_OK) {
            rc = cli_fail(cli, &err);
            goto done;
        }
        if (!cli->quiet)
            fprintf(stderr, _("province summary of %zu cities in %s/province.csv and province.xlsx\n"), nr, out);
    }
    rc = bad ? QT_EXIT_DATA : 0;
done:
    qt_queue_free(sum);
    qt_queue_free(rows);
    return rc;
}

int cli_queue_submit(qt_cli *cli, const char *url, const char **paths, size_t n, int attempts, int wait,
                     const char *out)
{
    qt_queue *q = NULL;
    qt_error err = QT_ERROR_INIT;
    char(*city)[128] = calloc(n, sizeof *city), abs[PATH_MAX];
    size_t i, k;
    int rc = 0;
    if (!city)
        return QT_EXIT_NOMEM;
    for (i = 0; i < n && rc == 0; i++) {
        if ((rc = cli_city_name(cli, paths[i], city[i], sizeof city[i])) != 0)
            break;
        for (k = 0; k < i; k++)
            if (strcmp(city[k], city[i]) == 0)
                rc = cli_usage(cli, "analyze", "%s and %s are both city '%s': name the project files apart", paths[k],
                               paths[i], city[i]);
        if (rc == 0 && access(paths[i], R_OK) != 0) {
            qt_error_set(&err, QT_EIO, paths[i], _("cannot read the project file: %s"), strerror(errno));
            rc = cli_fail(cli, &err);
        }
    }
    if (rc == 0 && (rc = queue_open(cli, url, &q)) == 0) {
        for (i = 0; i < n && rc == 0; i++)
            if (!realpath(paths[i], abs) || qt_queue_add(q, city[i], abs, attempts, &err) != QT_OK) {
                if (err.code == QT_OK)
                    qt_error_set(&err, QT_EIO, paths[i], "%s", strerror(errno));
                rc = cli_fail(cli, &err);
            }
        if (rc == 0 && !cli->quiet)
            fprintf(stderr, _("%zu cities queued; quarter worker --queue URL takes them\n"), n);
        if (rc == 0 && (wait || out))
            rc = queue_report(cli, q, wait, 1, out);
    }
    qt_queue_close(q);
    free(city);
    return rc;
}

int cmd_queue(int argc, char **argv, qt_cli *cli)
{
    const char *out = NULL, *poll_s = NULL, *pos[2];
    int wait = 0, quiet = 0, npos, rc;
    double poll_v = 1;
    qt_queue *q = NULL;
    cli_opt opts[] = {{"wait", 0, 0, NULL, &wait},
                      {"out", 'o', 1, &out, NULL},
                      {"poll", 0, 1, &poll_s, NULL},
                      {"quiet", 'q', 0, NULL, &quiet},
                      {NULL, 0, 0, NULL, NULL}};
    rc = cli_parse(cli, argc, argv, opts, pos, 2, &npos, _(queue_help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (quiet)
        cli->quiet = 1;
    if (npos != 2 || strcmp(pos[0], "status") != 0)
        return cli_usage(cli, "queue", "usage: quarter queue status postgresql://... [--wait] [-o OUT_DIR]");
    if (poll_s && (rc = cli_double(cli, "queue", "poll", poll_s, &poll_v)) != 0)
        return rc;
    if (!(poll_v >= 0.05 && poll_v <= 3600))
        return cli_usage(cli, "queue", "--poll is 0.05 to 3600 seconds");
    if ((rc = queue_open(cli, pos[1], &q)) != 0)
        return rc;
    rc = queue_report(cli, q, wait, poll_v, out);
    qt_queue_close(q);
    return rc;
}

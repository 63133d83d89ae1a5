/* SPDX-License-Identifier: MIT */
/*
 * cli/cli.h -- what the command-line commands share: the command context,
 * option parsing, error reporting (the only place that writes to stderr) and
 * the exit codes documented in docs/cli.md.
 */
#ifndef QUARTER_CLI_CLI_H
#define QUARTER_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "quarter.h"

enum {
    QT_EXIT_OK = 0,
    QT_EXIT_DATA = 1,    /* bad input data: parse errors, invalid values, unknown ids */
    QT_EXIT_USAGE = 2,   /* bad command line */
    QT_EXIT_IO = 3,      /* cannot read or write a file */
    QT_EXIT_NOMEM = 4,   /* out of memory */
    QT_EXIT_INTERNAL = 5 /* a bug */
};

typedef struct qt_cli {
    const char *prog;
    int progress; /* stderr is a terminal and --quiet was not given */
    int quiet;    /* --quiet / -q: errors and warnings only */
    int verbose;  /* --verbose: also the raw messages of GDAL, PROJ and GEOS */
} qt_cli;

typedef struct cli_opt {
    const char *name;   /* long name without dashes */
    char short_name;    /* or 0 */
    int has_arg;        /* 1: takes a value */
    const char **value; /* where the value goes (has_arg) */
    int *flag;          /* set to 1 when present (!has_arg) */
} cli_opt;

/* Parse argv[0..argc) (argv[0] is the command name).  Positional arguments go
 * to pos (at most maxpos).  --help prints help and returns -1; an error prints
 * a message and returns QT_EXIT_USAGE; success returns 0. */
int cli_parse(const qt_cli *cli, int argc, char **argv, const cli_opt *opts, const char **pos, int maxpos, int *npos,
              const char *help);
/* Print err as "quarter: where: message" and return the exit code for it. */
int cli_fail(const qt_cli *cli, const qt_error *err);
/* Print a usage error and return QT_EXIT_USAGE. */
int cli_usage(const qt_cli *cli, const char *cmd, const char *fmt, ...) QT_PRINTF(3, 4);
/* A warning on stderr. */
void cli_warn(const qt_cli *cli, const char *fmt, ...) QT_PRINTF(2, 3);
/* Progress callback for qt_access_opts (writes "\r..." on a terminal). */
void cli_progress(void *ud, const char *stage, uint64_t done, uint64_t total);
void cli_progress_done(const qt_cli *cli);
int cli_double(const qt_cli *cli, const char *cmd, const char *opt, const char *s, double *out);
int cli_list(const qt_cli *cli, const char *cmd, const char *opt, const char *s, double *out, size_t max, size_t *n);
int cli_lonlat(const qt_cli *cli, const char *cmd, const char *opt, const char *s, double *lon, double *lat);
int cli_snap_mode(const qt_cli *cli, const char *cmd, const char *s, qt_snap_mode *mode);
/* Load a graph from --graph, --network or --nodes/--edges (exactly one form). */
int cli_load_graph(const qt_cli *cli, const char *cmd, const char *graph, const char *network, const char *nodes,
                   const char *edges, const qt_network_opts *nopts, qt_graph **out);
/* --threads N: a whole number from 1 to 1024 (NULL: 0, all cores). */
int cli_threads(const qt_cli *cli, const char *cmd, const char *s, unsigned *out);
/* Monotonic seconds, for --timings. */
double cli_now_s(void);
/* Write text to path (atomically) or stdout. */
int cli_write_text(const qt_cli *cli, const char *path, const char *text);

int cmd_graph(int argc, char **argv, qt_cli *cli);
int cmd_access(int argc, char **argv, qt_cli *cli);
int cmd_route(int argc, char **argv, qt_cli *cli);
int cmd_nearby(int argc, char **argv, qt_cli *cli);
int cmd_coords(int argc, char **argv, qt_cli *cli);
int cmd_profile(int argc, char **argv, qt_cli *cli);
int cmd_outlets(int argc, char **argv, qt_cli *cli);
int cmd_isochrone(int argc, char **argv, qt_cli *cli);
int cmd_analyze(int argc, char **argv, qt_cli *cli);
int cmd_site(int argc, char **argv, qt_cli *cli);
int cmd_report(int argc, char **argv, qt_cli *cli);
int cmd_serve(int argc, char **argv, qt_cli *cli);
int cmd_user(int argc, char **argv, qt_cli *cli);
int cmd_import(int argc, char **argv, qt_cli *cli);
int cmd_worker(int argc, char **argv, qt_cli *cli);
int cmd_queue(int argc, char **argv, qt_cli *cli);

/* qt_problem_fn for the table readers: "quarter: file:line: column 'x': what" (ud: the qt_cli). */
void cli_table_problem(void *ud, const qt_error *e);
/* Once per outlet table: the header line when not 1, the column of each
 * field, the reader's notes (coordinate columns chosen, warnings). */
void cli_outlets_said(const qt_cli *cli, const char *path, const qt_outlet_list *l);
void cli_residences_said(const qt_cli *cli, const char *path, const qt_residence_list *l);

/* qt_project_open with the CLI's problem and table reports; prints the error
 * and returns the exit code (0: *out is the project, close with qt_project_close). */
int cli_project_open(const qt_cli *cli, const char *cmd, const char *path, const char *speed, qt_project_data **out);
/* The options of quarter analyze that apply to each city. */
typedef struct cli_analyze_args {
    const char *at, *what_if, *speed;
    const char *city; /* the city's name in its summary (cli_city_name) */
    int weekday, minute, timings, quiet;
    unsigned threads;
    double cell_m;
    unsigned sites_k; /* with gpkg_dir: per 业态 missing somewhere, this many sites into analysis.gpkg */
} cli_analyze_args;
/* One city: the project at path analysed into out, as quarter analyze PROJECT -o OUT does; with sum,
 * its province summary row too; with gpkg_dir, analysis.gpkg (qt_report_make) there.  Returns the exit code. */
int cli_analyze_one(qt_cli *cli, const cli_analyze_args *x, const char *path, const char *out, qt_city_summary *sum,
                    const char *gpkg_dir);
/* Several cities, jobs at a time (0: one per core), each in its own process, into out/<city>/, then
 * out/province.csv and out/province.xlsx (cli_batch.c). */
int cli_analyze_many(qt_cli *cli, const cli_analyze_args *x, const char **paths, size_t n, const char *out,
                     unsigned jobs);
/* quarter analyze --queue URL: the cities queued; with wait, as quarter queue status URL --wait -o out. */
int cli_queue_submit(qt_cli *cli, const char *url, const char **paths, size_t n, int attempts, int wait,
                     const char *out);
/* A child process (cli_batch.c): fn(ud, sum_fd) runs in it with standard error into err_fd (and, with
 * want_sum, sum_fd the write end of a pipe whose read end the parent gets); it dies with its parent.
 * cli_child_read passes whole lines of its standard error on, "prefix: line", and keeps the last error
 * line as reason; it returns 1 at the end of it, when cli_child_reap waits for the child (code: its exit
 * code, reason: why it failed).  cli_child_start returns -1 (errno) when no process could start. */
typedef struct cli_child {
    pid_t pid;
    int err_fd, sum_fd, running, code, said;
    size_t len;
    char prefix[512], line[2048], reason[512];
} cli_child;
int cli_child_start(cli_child *c, const char *prefix, int want_sum, int (*fn)(void *ud, int sum_fd), void *ud);
int cli_child_read(cli_child *c);
void cli_child_reap(cli_child *c);
/* The 业态 missing (below the present share, residents unserved) in some circle, or in the city without
 * circles, into cats (at most max); returns how many. */
size_t cli_missing_categories(const qt_analysis *a, const qt_profile *p, int *cats, size_t max);
/* mkdir dir unless it is a folder already; 0, or the exit code after the message. */
int cli_make_dir(const qt_cli *cli, const char *dir);
/* The city of a project file: its file name without .project (cap > 0); 0, or the exit code of a usage error. */
int cli_city_name(const qt_cli *cli, const char *path, char *buf, size_t cap);
/* Coordinate-system warnings of an analysis, as lines; returns how many. */
size_t cli_crs_warnings(const qt_analysis *a, const qt_project_data *pj, char lines[][300], size_t max);

/* The report's outputs, one code path for quarter report and quarter analyze --report
 * (cmd_report.c): options checked, sites read, circles named, then qt_report_make. */
typedef struct cli_report_req {
    const char **names; /* --circle values (nnames) */
    size_t nnames;
    const char *sites_path, *format_s, *dpi_s;
    unsigned formats, threads;
    double dpi, cell_m;
    qt_site_list *sites; /* read by cli_report_sites */
    size_t *circles;     /* resolved by cli_report_write */
    int timings;         /* print the report's stages to standard error */
} cli_report_req;
/* Take the repeatable --circle NAME / --circle=NAME out of argv: the rest goes to *args (nargs),
 * the names to rq.  Returns 0, or an exit status (no memory). */
int cli_report_take_circles(const qt_cli *cli, int argc, char **argv, cli_report_req *rq, char ***args, int *nargs);
/* --format and --dpi checked (usage errors name cmd); 0 or an exit status. */
int cli_report_check(const qt_cli *cli, const char *cmd, cli_report_req *rq);
/* --sites read against the project's network; 0 or an exit status. */
int cli_report_sites(const qt_cli *cli, cli_report_req *rq, const qt_project_data *pj);
/* --circle names resolved in a (an unknown one is an error naming project): 0 or an exit status. */
int cli_report_circles(const qt_cli *cli, cli_report_req *rq, const qt_analysis *a, const char *project);
/* The report of a into out; prints where; 0 or an exit status. */
int cli_report_write(const qt_cli *cli, const cli_report_req *rq, const qt_project_data *pj, const qt_analysis *a,
                     const qt_analysis_input *in, const char *out);
void cli_report_req_free(cli_report_req *rq);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * cmd_site.c -- quarter site: the 项目清单 of one 业态, ranked sites for k
 * new outlets by the unserved residents they serve (greedy, and GLPK's
 * optimum where it finishes).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/outfile.h"
#include "cli/cli.h"

static const char help[] = N_(
    /* xgettext:no-c-format (printed with fputs: 63% is no conversion) */
    "usage: quarter site PROJECT --category CODE[,CODE...]|missing -k N [options]\n\n"
    "Where should N new outlets of a 业态 go so that the most residents now beyond\n"
    "its ring are served (for each 业态 given, or each missing in some circle)?  Existing outlets stay; candidates are "
    "the sites a bureau\n"
    "lists (--candidates FILE) or network nodes near the unserved (one per\n"
    "--spacing metres).  Greedy with lazy evaluation picks them one by one (at least\n"
    "63% of the optimum by theory); GLPK solves the exact model when the instance\n"
    "is small enough and says how close greedy came.\n\n"
    "Output (CSV, the greedy sites ranked; it can be given to quarter analyze --what-if):\n"
    "  id,category,lon,lat,rank,newly_served,cumulative_served,share_of_unserved,\n"
    "  in_optimum,optimum_served,greedy_of_optimum,name,address,crs,x,y\n"
    "  (in_optimum.. when GLPK ran: whether the site is in its optimal set, the\n"
    "  residents the optimal k sites serve, and greedy's total as a share of that;\n"
    "  lon,lat are WGS-84; name, address as the candidates table has them; x,y the\n"
    "  site in the candidates' system, crs, so a GCJ-02 list stays GCJ-02.  A\n"
    "  network node is site-LON-LAT in 1/100000 degrees: the same id for every 业态)\n"
    "A summary goes to standard error; --optimal FILE writes GLPK's own sites.\n\n"
    "Options:\n"
    "  --category LIST      业态 codes or Chinese names, comma-separated, or 'missing':\n"
    "                       every 业态 below present_share in some circle (required)\n"
    "  -k N                 number of new outlets (required)\n"
    "  --candidates FILE    candidate sites, any table outlets reads: 编号/id, 名称, 地址,\n"
    "                       经度/lon, 纬度/lat (default: network nodes)\n"
    "  --candidates-crs SYS coordinate system of the candidates: wgs84 (default) | gcj02 |\n"
    "                       bd09 | EPSG:n\n"
    "  --spacing M          network-node candidates: at most one per M metres (default 100)\n"
    "  --exact auto|yes|no  run GLPK: when small (default), always, never\n"
    "  --time-limit S       GLPK time limit in seconds (default 30)\n"
    "  --optimal FILE       also write GLPK's sites (id,category,lon,lat)\n"
    "  --speed S            default | elderly | winter or km/h\n"
    "  --threads N          worker threads (default: all cores)\n"
    "  -o, --out FILE       output CSV (default standard output); written atomically\n"
    "  --timings            print read/analyze/site seconds to standard error\n"
    "  -q, --quiet          no progress output\n");

/* a candidate's id: its own, or site-LON-LAT (1e-5 degrees) for a network node, the same for every 业态 */
static const char *site_id(const qt_point_list *cl, size_t j, double lon, double lat, char buf[48])
{
    if (cl && strpbrk(cl->id[j], ",\"\n") == NULL)
        return cl->id[j];
    snprintf(buf, 48, "site-%ld-%ld", lround(lon * 1e5), lround(lat * 1e5));
    return buf;
}

/* name, address, crs, x, y of a site (x, y in the candidates' system) */
static void site_tail(qt__outfile *o, const qt_point_list *cl, size_t j, qt_crs ccrs, double lon, double lat)
{
    double x = lon, y = lat;
    char crs[32] = "wgs84";
    qt__outfile_puts(o, ",");
    qt__outfile_csv(o, cl && cl->name ? cl->name[j] : "");
    qt__outfile_puts(o, ",");
    qt__outfile_csv(o, cl && cl->address ? cl->address[j] : "");
    if (cl && cl->x && j < cl->n) { /* the table's own numbers */
        x = cl->x[j];
        y = cl->y[j];
        if (qt_crs_epsg(ccrs))
            snprintf(crs, sizeof crs, "EPSG:%d", qt_crs_epsg(ccrs));
        else
            snprintf(crs, sizeof crs, "%s", qt_crs_name(ccrs));
    }
    qt__outfile_printf(o, ",%s,%.7f,%.7f\n", crs, x, y);
}

/* --category C1,C2,...: the profile's categories named, each once; 0 or the exit status. */
static int parse_categories(const qt_cli *cli, const qt_profile *p, const char *cat_s, int *cats, size_t *ncat)
{
    *ncat = 0;
    while (*cat_s && *ncat < 64) {
        char one[64];
        size_t n = strcspn(cat_s, ","), q;
        int dup = 0;
        snprintf(one, sizeof one, "%.*s", (int)(n < 63 ? n : 63), cat_s);
        if ((cats[*ncat] = qt_profile_find(p, one)) < 0)
            return cli_usage(cli, "site", "'%s' is not a category code or name of profile %s", one, qt_profile_name(p));
        for (q = 0; q < *ncat; q++)
            dup |= cats[q] == cats[*ncat];
        if (!dup)
            (*ncat)++;
        cat_s += n + (cat_s[n] == ',');
    }
    return 0;
}

/* The ranked sites of one 业态 as rows of sites.csv, and the optimum's sites into o2 (when given). */
static void write_rows(qt__outfile *o, qt__outfile *o2, const qt_site_result *r, const qt_category *c,
                       const qt_point_list *cl, qt_crs ccrs)
{
    double cum = 0;
    char idbuf[48];
    size_t i, m;
    for (i = 0; i < r->nchosen; i++) {
        size_t j = r->chosen[i];
        int in_opt = 0;
        for (m = 0; m < r->nexact; m++)
            in_opt |= r->exact_chosen[m] == j;
        cum += r->gain[i];
        qt__outfile_printf(o, "%s,%s,%.7f,%.7f,%zu,%.1f,%.1f,%.4f,",
                           site_id(cl, j, r->cand_lon[j], r->cand_lat[j], idbuf), c->code, r->cand_lon[j],
                           r->cand_lat[j], i + 1, r->gain[i], cum, r->unserved_total > 0 ? cum / r->unserved_total : 0);
        if (r->exact_status > 0)
            qt__outfile_printf(o, "%s,%.1f,%.4f", in_opt ? "yes" : "no", r->exact_total,
                               r->exact_total > 0 ? r->greedy_total / r->exact_total : 1.0);
        else
            qt__outfile_puts(o, ",,");
        site_tail(o, cl, j, ccrs, r->cand_lon[j], r->cand_lat[j]);
    }
    for (i = 0; o2 && r->exact_status > 0 && i < r->nexact; i++) {
        size_t j = r->exact_chosen[i];
        qt__outfile_printf(o2, "%s,%s,%.7f,%.7f\n", site_id(cl, j, r->cand_lon[j], r->cand_lat[j], idbuf), c->code,
                           r->cand_lon[j], r->cand_lat[j]);
    }
}

/* What one 业态's ranking found, on standard error. */
static void say_result(const qt_site_result *r, const qt_category *c, int exact, double tl)
{
    fprintf(stderr,
            _("%s %s: %.0f residents in %zu residences beyond %.0f min; %zu candidates; %.0f of them reachable "
              "from some candidate\n  greedy: %zu sites serve %.0f (%.1f%% of the unserved)\n"),
            c->code, c->zh, r->unserved_total, r->ndemand, c->ring_min, r->ncand, r->reachable_total, r->nchosen,
            r->greedy_total, r->unserved_total > 0 ? 100 * r->greedy_total / r->unserved_total : 0);
    if (r->exact_status == 1 || r->exact_status == 2)
        fprintf(stderr, _("  GLPK %s: %.0f in %.2f s; greedy reaches %.1f%% of it\n"),
                r->exact_status == 1 ? _("optimum") : _("best found at the time limit (not proven optimal)"),
                r->exact_total, r->exact_seconds, r->exact_total > 0 ? 100 * r->greedy_total / r->exact_total : 100);
    else if (r->exact_status == -1)
        fprintf(stderr, _("  GLPK found no solution in %.0f s\n"), tl);
    else if (exact == 0)
        fputs(_("  GLPK not run (--exact no)\n"), stderr);
    else
        fprintf(stderr, _("  GLPK not run (more than 200,000 candidate-residence pairs; --exact yes forces it)\n"));
}

/* quarter site's options, parsed and checked */
typedef struct site_args {
    const char *cat_s, *cand, *out, *optimal, *speed, *project;
    int quiet, timings, exact;
    double k, spacing, tl;
    unsigned nthreads;
    qt_crs ccrs;
} site_args;

/* -k, --spacing, --time-limit, --exact, --candidates-crs checked into sa; 0 or the exit status */
static int check_args(qt_cli *cli, site_args *sa, const char *k_s, const char *spacing_s, const char *tl_s,
                      const char *threads_s, const char *exact_s, const char *cand_crs)
{
    qt_error err = QT_ERROR_INIT;
    int rc;
    if ((rc = cli_double(cli, "site", "k", k_s, &sa->k)) ||
        (spacing_s && (rc = cli_double(cli, "site", "spacing", spacing_s, &sa->spacing))) ||
        (tl_s && (rc = cli_double(cli, "site", "time-limit", tl_s, &sa->tl))) ||
        (rc = cli_threads(cli, "site", threads_s, &sa->nthreads)))
        return rc;
    if (!(sa->k >= 1) || sa->k > 100000 || sa->k != floor(sa->k))
        return cli_usage(cli, "site", "-k must be a whole number from 1");
    if (!(sa->spacing >= 1) || !isfinite(sa->spacing))
        return cli_usage(cli, "site", "--spacing must be at least 1 metre");
    if (!(sa->tl > 0) || !isfinite(sa->tl))
        return cli_usage(cli, "site", "--time-limit must be positive");
    if (exact_s) {
        if (strcmp(exact_s, "auto") == 0)
            sa->exact = -1;
        else if (strcmp(exact_s, "yes") == 0)
            sa->exact = 1;
        else if (strcmp(exact_s, "no") == 0)
            sa->exact = 0;
        else
            return cli_usage(cli, "site", "--exact must be auto, yes or no");
    }
    if (cand_crs && qt_crs_parse(cand_crs, &sa->ccrs, &err) != QT_OK)
        return cli_usage(cli, "site", "%s", err.msg);
    return 0;
}

/* The command line into sa: 0, the exit status, or -1 when --help was printed. */
static int parse_args(int argc, char **argv, qt_cli *cli, site_args *sa)
{
    const char *k_s = NULL, *cand_crs = NULL, *spacing_s = NULL, *exact_s = NULL, *tl_s = NULL, *threads_s = NULL,
               *pos[1];
    cli_opt opts[] = {{"timings", 0, 0, NULL, &sa->timings},
                      {"category", 0, 1, &sa->cat_s, NULL},
                      {"k", 'k', 1, &k_s, NULL},
                      {"candidates", 0, 1, &sa->cand, NULL},
                      {"candidates-crs", 0, 1, &cand_crs, NULL},
                      {"spacing", 0, 1, &spacing_s, NULL},
                      {"exact", 0, 1, &exact_s, NULL},
                      {"time-limit", 0, 1, &tl_s, NULL},
                      {"speed", 0, 1, &sa->speed, NULL},
                      {"threads", 0, 1, &threads_s, NULL},
                      {"out", 'o', 1, &sa->out, NULL},
                      {"optimal", 0, 1, &sa->optimal, NULL},
                      {"quiet", 'q', 0, NULL, &sa->quiet},
                      {NULL, 0, 0, NULL, NULL}};
    int npos, rc;
    memset(sa, 0, sizeof *sa);
    sa->spacing = 100;
    sa->tl = 30;
    sa->exact = -1;
    sa->ccrs = QT_CRS_WGS84;
    rc = cli_parse(cli, argc, argv, opts, pos, 1, &npos, _(help));
    if (rc)
        return rc < 0 ? -1 : rc;
    if (sa->quiet)
        cli->progress = 0;
    if (npos != 1)
        return cli_usage(cli, "site", "give one project file");
    if (!sa->cat_s || !k_s)
        return cli_usage(cli, "site", "--category and -k are required");
    sa->project = pos[0];
    return check_args(cli, sa, k_s, spacing_s, tl_s, threads_s, exact_s, cand_crs);
}

/* --candidates FILE read (its note on standard error); 0 or the exit status */
static int read_candidates(qt_cli *cli, const site_args *sa, qt_point_list **cl)
{
    qt_error err = QT_ERROR_INIT;
    qt_point_read_opts po;
    memset(&po, 0, sizeof po);
    po.crs = sa->ccrs;
    po.on_problem = cli_table_problem;
    po.problem_ud = cli;
    if (qt_points_read(sa->cand, &po, cl, &err) != QT_OK)
        return cli_fail(cli, &err);
    if ((*cl)->note[0] && !cli->quiet)
        fprintf(stderr, "%s: %s\n", sa->cand, (*cl)->note);
    return 0;
}

/* the project's analysis, with progress; 0 or the exit status */
static int analyze(qt_cli *cli, qt_project_data *pj, unsigned nthreads, qt_analysis **a)
{
    qt_error err = QT_ERROR_INIT;
    qt_analysis_input in;
    qt_analysis_opts ao;
    qt_project_analysis_input(pj, &in, &ao);
    ao.threads = nthreads;
    ao.progress = cli_progress;
    ao.progress_ud = cli;
    if (qt_analyze(&in, &ao, a, &err) != QT_OK) {
        cli_progress_done(cli);
        return cli_fail(cli, &err);
    }
    cli_progress_done(cli);
    return 0;
}

/* where one run's inputs and outputs are */
typedef struct site_run {
    const site_args *sa;
    qt_project_data *pj;
    qt_analysis *a;
    qt_point_list *cl;
    qt__outfile o, o2;
    int opened, opened2;
    double t0, t1, t2;
} site_run;

/* the outputs opened and their header lines written; 0 or the exit status */
static int open_outputs(qt_cli *cli, site_run *sr)
{
    qt_error err = QT_ERROR_INIT;
    if (qt__outfile_open(&sr->o, sr->sa->out, &err) != QT_OK)
        return cli_fail(cli, &err);
    sr->opened = 1;
    if (sr->sa->optimal) {
        if (qt__outfile_open(&sr->o2, sr->sa->optimal, &err) != QT_OK)
            return cli_fail(cli, &err);
        sr->opened2 = 1;
        qt__outfile_puts(&sr->o2, "id,category,lon,lat\n");
    }
    qt__outfile_puts(&sr->o,
                     "id,category,lon,lat,rank,newly_served,cumulative_served,share_of_unserved,"
                     "in_optimum,optimum_served,greedy_of_optimum,name,address,crs,x,y\n");
    return 0;
}

/* One 业态's sites ranked, written and told; *r the result (the caller frees it); 0 or the exit status. */
static int site_one(qt_cli *cli, site_run *sr, int cat, qt_site_result **r)
{
    const site_args *sa = sr->sa;
    const qt_category *c = qt_profile_category(sr->pj->profile, (size_t)cat);
    qt_error err = QT_ERROR_INIT;
    qt_site_input si;
    double t3;
    memset(&si, 0, sizeof si);
    si.graph = sr->pj->graph;
    si.profile = sr->pj->profile;
    si.residences = sr->pj->residences;
    si.analysis = sr->a;
    si.category = (uint32_t)cat;
    si.ncand = sr->cl ? sr->cl->n : 0;
    si.cand_lon = sr->cl ? sr->cl->lon : NULL;
    si.cand_lat = sr->cl ? sr->cl->lat : NULL;
    si.k = (size_t)sa->k;
    si.snap_max_m = sr->pj->project->snap_max_m;
    si.node_spacing_m = sa->spacing;
    si.exact = sa->exact;
    si.time_limit_s = sa->tl;
    si.threads = sa->nthreads;
    if (qt_site(&si, r, &err) != QT_OK)
        return cli_fail(cli, &err);
    t3 = cli_now_s();
    write_rows(&sr->o, sr->opened2 ? &sr->o2 : NULL, *r, c, sr->cl, sa->ccrs);
    if (!sa->quiet && !cli->quiet)
        say_result(*r, c, sa->exact, sa->tl);
    if (sa->timings)
        fprintf(stderr, "timings: read_s=%.3f analyze_s=%.3f site_s=%.3f (coverage and greedy %.3f, GLPK %.3f)\n",
                sr->t1 - sr->t0, sr->t2 - sr->t1, t3 - sr->t2, t3 - sr->t2 - (*r)->exact_seconds, (*r)->exact_seconds);
    return 0;
}

/* every 业态's sites, then the outputs committed; 0 or the exit status */
static int site_all(qt_cli *cli, site_run *sr, const int *cats, size_t ncat)
{
    qt_error err = QT_ERROR_INIT;
    qt_site_result *r = NULL;
    size_t ic;
    int rc;
    for (ic = 0; ic < ncat; ic++) {
        qt_site_result_free(r);
        r = NULL;
        if ((rc = site_one(cli, sr, cats[ic], &r)) != 0) {
            qt_site_result_free(r);
            return rc;
        }
    }
    qt_site_result_free(r);
    sr->opened = 0;
    if (qt__outfile_commit(&sr->o, &err) != QT_OK)
        return cli_fail(cli, &err);
    if (sr->opened2) {
        sr->opened2 = 0;
        if (qt__outfile_commit(&sr->o2, &err) != QT_OK)
            return cli_fail(cli, &err);
    }
    return 0;
}

int cmd_site(int argc, char **argv, qt_cli *cli)
{
    site_args sa;
    site_run sr;
    int rc, cats[64];
    size_t ncat = 0;

    if ((rc = parse_args(argc, argv, cli, &sa)) != 0)
        return rc < 0 ? 0 : rc;
    memset(&sr, 0, sizeof sr);
    sr.sa = &sa;
    sr.t0 = cli_now_s();
    if ((rc = cli_project_open(cli, "site", sa.project, sa.speed, &sr.pj)) != 0)
        return rc;
    if (strcmp(sa.cat_s, "missing") != 0 && (rc = parse_categories(cli, sr.pj->profile, sa.cat_s, cats, &ncat)) != 0)
        goto done;
    if (sa.cand && (rc = read_candidates(cli, &sa, &sr.cl)) != 0)
        goto done;
    sr.t1 = cli_now_s();
    if ((rc = analyze(cli, sr.pj, sa.nthreads, &sr.a)) != 0)
        goto done;
    sr.t2 = cli_now_s();
    if (!ncat) { /* every 业态 missing (below present_share) in some circle, or in the city without circles */
        ncat = cli_missing_categories(sr.a, sr.pj->profile, cats, 64);
        if (!sa.quiet && !cli->quiet)
            fprintf(stderr, _("site: %zu 业态 missing somewhere\n"), ncat);
    }
    if ((rc = open_outputs(cli, &sr)) == 0)
        rc = site_all(cli, &sr, cats, ncat);
done:
    if (sr.opened)
        qt__outfile_abort(&sr.o);
    if (sr.opened2)
        qt__outfile_abort(&sr.o2);
    qt_analysis_free(sr.a);
    qt_point_list_free(sr.cl);
    qt_project_close(sr.pj);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * report_make.c -- the report folder (qt_report_make in quarter/report.h):
 * what every page and table reads, built once (counts, indexes, boundaries,
 * the sites placed); the city report's first pages, the circles' pages
 * (report_pages.c), the Excel files and the GeoPackage, written into
 * DIR.partial and renamed into place.
 */
#include <cairo-pdf.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "report/map_render.h"
#include "report/report_internal.h"

/* ---- areas ------------------------------------------------------------------------------ */

size_t qt__report_ncircles(const qt__report *R)
{
    return R->a->ncircles ? R->a->ncircles : 1;
}

const char *qt__report_circle_name(const qt__report *R, size_t i)
{
    return R->a->ncircles ? R->a->circle[i] : "全市";
}

const qt_area_stats *qt__report_circle_stats(const qt__report *R, size_t i)
{
    return R->a->ncircles ? &R->a->circles_stats[i] : &R->a->city;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* the wall and CPU time since t0[0], t0[1] into stage k of o->stage_s, o->stage_cpu_s; t0 becomes now */
static void stage(const qt_report_opts *o, int k, double t0[2])
{
    double t = clock_s(CLOCK_MONOTONIC), c = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (o->stage_s)
        o->stage_s[k] += t - t0[0];
    if (o->stage_cpu_s)
        o->stage_cpu_s[k] += c - t0[1];
    t0[0] = t;
    t0[1] = c;
}

/* ---- the context ------------------------------------------------------------------------ */

void qt__report_free(qt__report *R)
{
    size_t i;
    qt__counts_free(R->counts);
    qt__free(R->res_circle);
    qt__free(R->circle_res_start);
    qt__free(R->circle_res);
    qt__free(R->com_res_start);
    qt__free(R->com_res);
    qt__free(R->site_circle);
    if (R->site_near)
        for (i = 0; i < R->sites->n; i++)
            qt__free(R->site_near[i]);
    qt__free(R->site_near);
    qt__street_index_free(R->streets);
    qt__pgrid_free(&R->outlets);
    qt_snapper_free(R->snapper);
    qt__bounds_free(R->bounds);
}

static void set_dates(qt__report *R)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    struct tm tm;
    if (e && *e) {
        char *end;
        long long v = strtoll(e, &end, 10);
        if (*end == 0 && v >= 0)
            t = (time_t)v;
    }
    gmtime_r(&t, &tm);
    R->epoch = (long long)t;
    snprintf(R->date, sizeof R->date, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    snprintf(R->date_iso, sizeof R->date_iso, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* the nearest named outlet to a site, as "近 NAME 120 米" */
static char *near_text(const qt__report *R, double lon, double lat)
{
    const qt_outlet_list *ol = R->in->outlets;
    size_t i, best = SIZE_MAX;
    double bd = INFINITY;
    char buf[320];
    for (i = 0; i < ol->n; i++) {
        double d;
        if (!ol->name[i][0])
            continue;
        d = qt_haversine_m(lon, lat, ol->lon[i], ol->lat[i]);
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    if (best == SIZE_MAX)
        snprintf(buf, sizeof buf, "(附近无具名网点)");
    else if (ol->address && ol->address[best][0])
        snprintf(buf, sizeof buf, "近「%.100s」(%.120s) %.0f 米", ol->name[best], ol->address[best], bd);
    else
        snprintf(buf, sizeof buf, "近「%.100s」%.0f 米", ol->name[best], bd);
    return qt__strdup(buf);
}

/* the placed residences (n of them) grouped by group[i] (< ngroups, else in none; group NULL: all in group 0):
 * OUT *start (ngroups + 1 offsets into *idx) and *idx, free with qt__free; -1 when out of memory */
static int group_residences(const qt_analysis *a, size_t n, const uint32_t *group, size_t ngroups, size_t **start,
                            uint32_t **idx)
{
    size_t i, *fill = qt__malloc((ngroups + 1) * sizeof *fill);
    *start = qt__calloc(ngroups + 2, sizeof **start);
    *idx = qt__malloc((n + 1) * sizeof **idx);
    if (!fill || !*start || !*idx) {
        qt__free(fill);
        return -1;
    }
    for (i = 0; i < n; i++) {
        uint32_t g = group ? group[i] : 0;
        if (g < ngroups && a->res_placed[i])
            (*start)[g + 1]++;
    }
    for (i = 0; i < ngroups; i++)
        (*start)[i + 1] += (*start)[i];
    memcpy(fill, *start, ngroups * sizeof *fill);
    for (i = 0; i < n; i++) {
        uint32_t g = group ? group[i] : 0;
        if (g < ngroups && a->res_placed[i])
            (*idx)[fill[g]++] = (uint32_t)i;
    }
    qt__free(fill);
    return 0;
}

qt_status qt__report_init(qt__report *R, const qt_analysis *a, const qt_analysis_input *in, const qt_report_opts *o,
                          int pages, qt_error *err)
{
    const qt_residence_list *res = in->residences;
    size_t i;
    qt_status st;
    memset(R, 0, sizeof *R);
    R->a = a;
    R->in = in;
    R->o = o;
    R->sites = o->sites;
    R->blind_cell_m = o->blind_cell_m > 0 ? o->blind_cell_m : 100;
    set_dates(R);
    if (pages &&
        ((st = qt__counts_new(a, in, &R->counts, err)) != QT_OK ||
         (st = qt__street_index_new(in->graph, 0, &R->streets, err)) != QT_OK ||
         (st = qt__pgrid_init(&R->outlets, in->outlets->n, in->outlets->lon, in->outlets->lat, 0.005, err)) != QT_OK ||
         (st = qt_snapper_new(in->graph, &R->snapper, err)) != QT_OK))
        return st;
    if ((st = qt__bounds_make(o->boundaries, o->boundaries_layer, o->boundaries_field, a, &R->bounds, err)) != QT_OK)
        return st;
    /* placed residences grouped by circle (all in one group without circles) and by community */
    if (!(R->res_circle = qt__residence_circles(a)) ||
        group_residences(a, res->n, a->ncircles ? R->res_circle : NULL, qt__report_ncircles(R), &R->circle_res_start,
                         &R->circle_res) != 0 ||
        group_residences(a, res->n, a->res_community, a->ncommunities, &R->com_res_start, &R->com_res) != 0)
        goto nomem;
    if (R->sites) {
        R->site_circle = qt__malloc((R->sites->n + 1) * sizeof *R->site_circle);
        R->site_near = qt__calloc(R->sites->n + 1, sizeof *R->site_near);
        if (!R->site_circle || !R->site_near)
            goto nomem;
        for (i = 0; i < R->sites->n; i++) {
            size_t k, best = SIZE_MAX;
            double bd = INFINITY;
            for (k = 0; k < res->n; k++) {
                double d;
                if (!a->res_placed[k])
                    continue;
                d = qt_haversine_m(R->sites->lon[i], R->sites->lat[i], res->lon[k], res->lat[k]);
                if (d < bd) {
                    bd = d;
                    best = k;
                }
            }
            R->site_circle[i] = best == SIZE_MAX ? UINT32_MAX : a->ncircles ? R->res_circle[best] : 0;
            if (pages && !(R->site_near[i] = near_text(R, R->sites->lon[i], R->sites->lat[i])))
                goto nomem;
        }
    }
    return QT_OK;
nomem:
    return qt_error_set(err, QT_ENOMEM, "report", _("no memory"));
}

typedef struct listing {
    char *text;
    size_t len, cap;
} listing;

static int add_line(listing *l, const char *s)
{
    size_t n = strlen(s);
    if (l->len + n + 2 > l->cap) {
        size_t nc = (l->cap ? l->cap * 2 : 4096) + n;
        char *t = qt__realloc(l->text, nc);
        if (!t)
            return -1;
        l->text = t;
        l->cap = nc;
    }
    memcpy(l->text + l->len, s, n);
    l->len += n;
    l->text[l->len++] = '\n';
    l->text[l->len] = 0;
    return 0;
}

static qt_status write_text(const char *path, const char *text, qt_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return qt_error_set(err, QT_EIO, path, _("cannot create: %s"), strerror(errno));
    if (fputs(text, f) < 0 || fclose(f) != 0)
        return qt_error_set(err, QT_EIO, path, _("cannot write: %s"), strerror(errno));
    return QT_OK;
}

static void remove_tree(const char *dir, const listing *names)
{
    /* remove the files we listed, then the folder */
    const char *p = names->text;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char buf[4096];
        if (n && strlen(dir) + n + 2 < sizeof buf) {
            snprintf(buf, sizeof buf, "%s/%.*s", dir, (int)n, p);
            unlink(buf);
        }
        p = e ? e + 1 : NULL;
    }
    rmdir(dir);
}

static void remove_leftover(const char *dir)
{
    /* a folder left by a run that was killed: its report.txt lists the files, else try the known ones */
    char *lst = qt__path_join(dir, "files.lst");
    FILE *f = lst ? fopen(lst, "rb") : NULL;
    listing l = {0};
    if (f) {
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            if (add_line(&l, line) != 0)
                break;
        }
        fclose(f);
    }
    add_line(&l, "files.lst");
    remove_tree(dir, &l);
    qt__free(l.text);
    qt__free(lst);
}

/* An existing -o must be a report folder (it has report.txt); the circles asked for must exist. */
static qt_status check_target(const char *dir, int exists, const struct stat *sb, const qt_analysis *a,
                              const qt_report_opts *o, qt_error *err)
{
    size_t i;
    if (exists) {
        char *rt = qt__path_join(dir, "report.txt");
        struct stat s2;
        int ours = rt && stat(rt, &s2) == 0;
        qt__free(rt);
        if (!S_ISDIR(sb->st_mode) || !ours)
            return qt_error_set(err, QT_ECONFLICT, dir,
                                _("exists and is not a report folder (no report.txt): choose "
                                  "another -o"));
    }
    for (i = 0; o->circles && i < o->ncircles; i++)
        if (o->circles[i] >= (a->ncircles ? a->ncircles : 1))
            return qt_error_set(err, QT_EINVAL, "report", _("circle %zu out of range"), o->circles[i]);
    return QT_OK;
}

/* The report being written into tmp: the files so far (listed in files.lst as they are named, so a
 * killed run can be cleaned up), the path of the last one. */
typedef struct build {
    const char *dir;
    char *tmp, *path, *lstpath;
    listing files;
    FILE *lst;
    qt_error *err;
} build;

/* The next file: listed, and its path in b->path. */
static qt_status add_file(build *b, const char *name)
{
    qt__free(b->path);
    if (add_line(&b->files, name) != 0 || !(b->path = qt__path_join(b->tmp, name)))
        return qt_error_set(b->err, QT_ENOMEM, b->dir, _("no memory"));
    fprintf(b->lst, "%s\n", name);
    fflush(b->lst);
    return QT_OK;
}

/* The city report's first pages (cover, table of circles, city map); the circles' pages follow. */
static qt_status city_pages(build *b, qt__report *R, cairo_surface_t **city, size_t *npages)
{
    cairo_t *cr;
    size_t k;
    qt_status st = add_file(b, "城市报告.pdf");
    if (st != QT_OK)
        return st;
    *city = qt__pdf_new(R, b->path, "一刻钟便民生活圈建设情况报告");
    if (cairo_surface_status(*city) != CAIRO_STATUS_SUCCESS)
        return qt__cairo_fail(cairo_surface_status(*city), b->path, b->err);
    cr = cairo_create(*city);
    qt__page_cover(cr, R);
    cairo_show_page(cr);
    (*npages)++;
    for (k = 0; k < qt__table_pages(R); k++) {
        qt__page_table(cr, R, k);
        cairo_show_page(cr);
        (*npages)++;
    }
    qt__page_city_map(cr, R);
    cairo_show_page(cr);
    (*npages)++;
    cairo_destroy(cr);
    return QT_OK;
}

/* Every circle's PDF and PNG, their names listed first so a killed run leaves nothing unlisted; with
 * the city report, each circle's page into it too. */
static qt_status circle_files(build *b, qt__report *R, const qt_report_opts *o, unsigned fmt, size_t n,
                              cairo_surface_t *city)
{
    char fname[512];
    size_t k;
    qt_status st;
    for (k = 0; k < n; k++) {
        size_t ci = o->circles ? o->circles[k] : k;
        if (fmt & QT_REPORT_PDF) {
            qt__file_name(fname, sizeof fname, qt__report_circle_name(R, ci), ".pdf");
            if ((st = add_file(b, fname)) != QT_OK)
                return st;
        }
        if (fmt & QT_REPORT_PNG) {
            qt__file_name(fname, sizeof fname, qt__report_circle_name(R, ci), ".png");
            if ((st = add_file(b, fname)) != QT_OK)
                return st;
        }
    }
    return qt__circle_pages(R, b->tmp, fmt, n, city, o->threads, b->err);
}

/* report.txt: the title, what the city report holds, every file (and the mark of a report folder). */
static qt_status write_readme(build *b, const qt__report *R, const qt_report_opts *o, unsigned fmt, size_t n,
                              size_t npages)
{
    listing readme = {0};
    char line[1024];
    const char *p;
    qt_status st = add_file(b, "report.txt");
    if (st != QT_OK)
        return st;
    snprintf(line, sizeof line, "%s 一刻钟便民生活圈报告 %s", o->project ? o->project : "", R->date);
    if (add_line(&readme, line) != 0)
        goto nomem;
    if (fmt & QT_REPORT_PDF) {
        snprintf(line, sizeof line,
                 _("城市报告.pdf: %zu pages (cover, %zu table, city map, %zu circles); open it first"), npages,
                 qt__table_pages(R), n);
        if (add_line(&readme, line) != 0)
            goto nomem;
    }
    for (p = b->files.text; p && *p;) {
        const char *e = strchr(p, '\n');
        snprintf(line, sizeof line, "%.*s", (int)(e - p), p);
        if (strcmp(line, "report.txt") != 0 && add_line(&readme, line) != 0)
            goto nomem;
        p = e + 1;
    }
    st = write_text(b->path, readme.text, b->err);
    qt__free(readme.text);
    return st;
nomem:
    qt__free(readme.text);
    return qt_error_set(b->err, QT_ENOMEM, b->dir, _("no memory"));
}

/* The replaced report's files, those its report.txt lists, removed with their folder. */
static void remove_old_report(const char *old)
{
    char *rt = qt__path_join(old, "report.txt");
    FILE *f = rt ? fopen(rt, "rb") : NULL;
    listing l = {0};
    if (f) {
        char buf[4096];
        int first = 1;
        while (fgets(buf, sizeof buf, f)) {
            buf[strcspn(buf, "\n")] = 0;
            if (!first && !strchr(buf, ':'))
                add_line(&l, buf);
            first = 0;
        }
        fclose(f);
    }
    add_line(&l, "report.txt");
    remove_tree(old, &l);
    qt__free(l.text);
    qt__free(rt);
}

/* Every file of the report into b->tmp: the city report, the circles' pages, the xlsx and the GeoPackage. */
static qt_status write_files(build *b, qt__report *R, const qt_report_opts *o, unsigned fmt, double *t0)
{
    size_t n = o->circles ? o->ncircles : qt__report_ncircles(R), npages = 0;
    cairo_surface_t *city = NULL;
    qt_status st = QT_OK;
    if (fmt & QT_REPORT_PDF) {
        if ((st = city_pages(b, R, &city, &npages)) != QT_OK)
            goto fail;
        stage(o, QT_REPORT_STAGE_CITY, t0);
    }
    if (fmt & (QT_REPORT_PDF | QT_REPORT_PNG)) {
        if ((st = circle_files(b, R, o, fmt, n, city)) != QT_OK)
            goto fail;
        if (city)
            npages += n;
    }
    if (city) {
        char *path = qt__path_join(b->tmp, "城市报告.pdf");
        st = qt__pdf_finish(city, path ? path : b->dir, b->err);
        qt__free(path);
        city = NULL;
        if (st != QT_OK)
            return st;
    }
    stage(o, QT_REPORT_STAGE_PAGES, t0);
    if (fmt & QT_REPORT_XLSX) {
        if ((st = add_file(b, "调查表.xlsx")) != QT_OK || (st = qt__write_survey_xlsx(R, b->path, b->err)) != QT_OK ||
            (st = add_file(b, "indicators.xlsx")) != QT_OK ||
            (st = qt__write_indicators_xlsx(R, b->path, b->err)) != QT_OK)
            return st;
        stage(o, QT_REPORT_STAGE_XLSX, t0);
    }
    if (fmt & QT_REPORT_GPKG) {
        if ((st = add_file(b, "analysis.gpkg")) != QT_OK || (st = qt__write_gpkg(R, b->path, b->err)) != QT_OK)
            return st;
        stage(o, QT_REPORT_STAGE_GPKG, t0);
    }
    return write_readme(b, R, o, fmt, n, npages);
fail:
    if (city)
        cairo_surface_destroy(city);
    return st;
}

qt_status qt_report_make(const qt_analysis *a, const qt_analysis_input *in, const qt_report_opts *o, const char *dir,
                         qt_error *err)
{
    qt__report R;
    unsigned fmt = o->formats ? o->formats : QT_REPORT_ALL;
    struct stat sb;
    int exists = stat(dir, &sb) == 0;
    char *old = NULL;
    build b;
    qt_status st;
    size_t dl = strlen(dir) + 16;
    double t0[2] = {clock_s(CLOCK_MONOTONIC), clock_s(CLOCK_PROCESS_CPUTIME_ID)};

    if ((st = check_target(dir, exists, &sb, a, o, err)) != QT_OK)
        return st;
    if ((st = qt__report_init(&R, a, in, o, 1, err)) != QT_OK) {
        qt__report_free(&R);
        return st;
    }
    stage(o, QT_REPORT_STAGE_PREPARE, t0);
    memset(&b, 0, sizeof b);
    b.dir = dir;
    b.err = err;
    b.tmp = qt__malloc(dl);
    old = qt__malloc(dl);
    if (!b.tmp || !old) {
        st = qt_error_set(err, QT_ENOMEM, dir, _("no memory"));
        goto done;
    }
    snprintf(b.tmp, dl, "%s.partial", dir);
    snprintf(old, dl, "%s.old", dir);
    remove_leftover(b.tmp);
    if (mkdir(b.tmp, 0777) != 0) {
        st = qt_error_set(err, QT_EIO, b.tmp, _("cannot create: %s"), strerror(errno));
        goto done;
    }
    /* the names written go to files.lst first, so a killed run can be cleaned up */
    if (!(b.lstpath = qt__path_join(b.tmp, "files.lst")) || !(b.lst = fopen(b.lstpath, "wb")))
        st = b.lstpath ? qt_error_set(err, QT_EIO, b.lstpath, _("cannot create: %s"), strerror(errno))
                       : qt_error_set(err, QT_ENOMEM, dir, _("no memory"));
    if (st == QT_OK && (st = write_files(&b, &R, o, fmt, t0)) == QT_OK) {
        fclose(b.lst);
        b.lst = NULL;
        unlink(b.lstpath);
        if (exists)
            remove_leftover(old);
        st = qt__folder_into_place(b.tmp, dir, old, exists, "report", err);
    }
    if (st != QT_OK) {
        if (b.lst)
            fclose(b.lst);
        b.lst = NULL;
        add_line(&b.files, "files.lst");
        remove_tree(b.tmp, &b.files);
    } else if (exists) {
        remove_old_report(old);
    }
done:
    qt__report_free(&R);
    qt__free(b.files.text);
    qt__free(b.tmp);
    qt__free(old);
    qt__free(b.path);
    qt__free(b.lstpath);
    return st;
}

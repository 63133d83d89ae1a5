/* SPDX-License-Identifier: MIT */
/*
 * report_make.c -- the report folder (qt_report_make in quarter/report.h):
 * what every page and table reads, built once; the 项目清单's sites read
 * and placed; each circle's page drawn once into a recording surface and
 * replayed into its PDF, its PNG and the city report; the folder written
 * into DIR.partial and renamed into place.
 */
#include <cairo-pdf.h>
#include <errno.h>
#include <png.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "io/csv.h"
#include "report/map_render.h"
#include "report/report_internal.h"

/* ---- a point grid -------------------------------------------------------------------- */

static int32_t clampi(double v, int32_t n)
{
    if (!(v >= 0))
        return 0;
    if (v >= n - 1)
        return n - 1;
    return (int32_t)v;
}

qt_status qt__pgrid_init(qt__pgrid *g, size_t n, const double *lon, const double *lat, double cell, qt_error *err)
{
    double lonmin = 180, lonmax = -180, latmin = 90, latmax = -90;
    size_t i, nc;
    memset(g, 0, sizeof *g);
    for (i = 0; i < n; i++) {
        lonmin = fmin(lonmin, lon[i]);
        lonmax = fmax(lonmax, lon[i]);
        latmin = fmin(latmin, lat[i]);
        latmax = fmax(latmax, lat[i]);
    }
    if (!n)
        lonmin = lonmax = latmin = latmax = 0;
    g->cell = cell;
    g->lon0 = lonmin;
    g->lat0 = latmin;
    do {
        g->nx = (int32_t)((lonmax - lonmin) / g->cell) + 1;
        g->ny = (int32_t)((latmax - latmin) / g->cell) + 1;
        if ((size_t)g->nx * (size_t)g->ny <= 4000000)
            break;
        g->cell *= 2;
    } while (1);
    nc = (size_t)g->nx * (size_t)g->ny;
    g->start = qt__calloc(nc + 2, sizeof *g->start);
    g->idx = qt__malloc((n + 1) * sizeof *g->idx);
    if (!g->start || !g->idx) {
        qt__pgrid_free(g);
        return qt_error_set(err, QT_ENOMEM, "report", "no memory");
    }
    for (i = 0; i < n; i++) {
        size_t c = (size_t)clampi((lat[i] - g->lat0) / g->cell, g->ny) * (size_t)g->nx +
                   (size_t)clampi((lon[i] - g->lon0) / g->cell, g->nx);
        g->start[c + 1]++;
    }
    for (i = 0; i < nc; i++)
        g->start[i + 1] += g->start[i];
    for (i = 0; i < n; i++) {
        size_t c = (size_t)clampi((lat[i] - g->lat0) / g->cell, g->ny) * (size_t)g->nx +
                   (size_t)clampi((lon[i] - g->lon0) / g->cell, g->nx);
        g->idx[g->start[c]++] = (uint32_t)i;
    }
    memmove(g->start + 1, g->start, nc * sizeof *g->start);
    g->start[0] = 0;
    return QT_OK;
}

void qt__pgrid_free(qt__pgrid *g)
{
    qt__free(g->start);
    qt__free(g->idx);
    memset(g, 0, sizeof *g);
}

void qt__pgrid_visit(const qt__pgrid *g, const double *lon, const double *lat, double lonmin, double latmin,
                     double lonmax, double latmax, void (*fn)(void *ctx, uint32_t i), void *ctx)
{
    int32_t x0 = clampi((lonmin - g->lon0) / g->cell, g->nx), x1 = clampi((lonmax - g->lon0) / g->cell, g->nx);
    int32_t y0 = clampi((latmin - g->lat0) / g->cell, g->ny), y1 = clampi((latmax - g->lat0) / g->cell, g->ny);
    int32_t cx, cy;
    for (cy = y0; cy <= y1; cy++)
        for (cx = x0; cx <= x1; cx++) {
            size_t c = (size_t)cy * (size_t)g->nx + (size_t)cx;
            uint32_t k;
            for (k = g->start[c]; k < g->start[c + 1]; k++) {
                uint32_t i = g->idx[k];
                if (lon[i] >= lonmin && lon[i] <= lonmax && lat[i] >= latmin && lat[i] <= latmax)
                    fn(ctx, i);
            }
        }
}

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

/* ---- sites ---------------------------------------------------------------------------- */

void qt_site_list_free(qt_site_list *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->n; i++)
        qt__free(l->id[i]);
    qt__free(l->id);
    qt__free(l->category);
    qt__free(l->lon);
    qt__free(l->lat);
    qt__free(l->served);
    qt__free(l->line);
    qt__free(l);
}

qt_status qt_sites_read(const char *path, const qt_profile *p, const qt_graph *g, double snap_max_m,
                        qt_site_list **out, qt_error *err)
{
    qt__csv c;
    qt_site_list *l = NULL;
    qt_snapper *sn = NULL;
    int ci, cc, clon, clat, cs, r;
    size_t cap = 16;
    qt_status st;
    *out = NULL;
    if ((st = qt__csv_open(&c, path, err)) != QT_OK)
        return st;
    if ((st = qt__csv_require(&c, "id", &ci, err)) != QT_OK || (st = qt__csv_require(&c, "category", &cc, err)) != QT_OK ||
        (st = qt__csv_require(&c, "lon", &clon, err)) != QT_OK || (st = qt__csv_require(&c, "lat", &clat, err)) != QT_OK)
        goto fail;
    cs = qt__csv_col(&c, "newly_served");
    l = qt__calloc(1, sizeof *l);
    if (!l || (st = qt_snapper_new(g, &sn, err)) != QT_OK)
        goto nomem_or_st;
    l->id = qt__malloc(cap * sizeof *l->id);
    l->category = qt__malloc(cap * sizeof *l->category);
    l->lon = qt__malloc(cap * sizeof *l->lon);
    l->lat = qt__malloc(cap * sizeof *l->lat);
    l->served = qt__malloc(cap * sizeof *l->served);
    l->line = qt__malloc(cap * sizeof *l->line);
    if (!l->id || !l->category || !l->lon || !l->lat || !l->served || !l->line)
        goto nomem;
    while ((r = qt__csv_next(&c, err)) == 1) {
        double lon, lat, served = NAN;
        int cat;
        qt_snap snap;
        if (l->n == cap) {
            size_t nc = cap * 2;
            void *p1 = qt__realloc(l->id, nc * sizeof *l->id), *p2, *p3, *p4, *p5, *p6;
            if (!p1)
                goto nomem;
            l->id = p1;
            if (!(p2 = qt__realloc(l->category, nc * sizeof *l->category)))
                goto nomem;
            l->category = p2;
            if (!(p3 = qt__realloc(l->lon, nc * sizeof *l->lon)))
                goto nomem;
            l->lon = p3;
            if (!(p4 = qt__realloc(l->lat, nc * sizeof *l->lat)))
                goto nomem;
            l->lat = p4;
            if (!(p5 = qt__realloc(l->served, nc * sizeof *l->served)))
                goto nomem;
            l->served = p5;
            if (!(p6 = qt__realloc(l->line, nc * sizeof *l->line)))
                goto nomem;
            l->line = p6;
            cap = nc;
        }
        if ((st = qt__csv_double(&c, clon, &lon, err)) != QT_OK || (st = qt__csv_double(&c, clat, &lat, err)) != QT_OK ||
            (st = qt__csv_opt_double(&c, cs, &served, err)) != QT_OK)
            goto fail;
        if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
            st = qt_error_set(err, QT_EINVAL, path, "line %zu: %.7f,%.7f is not a WGS-84 longitude,latitude", c.line,
                              lon, lat);
            goto fail;
        }
        cat = qt_profile_find(p, c.field[cc]);
        if (cat < 0) {
            st = qt_error_set(err, QT_EINVAL, path, "line %zu: column 'category': '%s' is no 业态 of profile %s",
                              c.line, c.field[cc], qt_profile_name(p));
            goto fail;
        }
        if (qt_snapper_snap(sn, lon, lat, QT_SNAP_EDGE, snap_max_m > 0 ? snap_max_m : 500, &snap, NULL) != QT_OK) {
            st = qt_error_set(err, QT_EINVAL, path,
                              "line %zu: site '%s' at %.6f,%.6f lies more than %.0f m from every street of the "
                              "project's network: is this the sites file of another project?",
                              c.line, c.field[ci], lon, lat, snap_max_m > 0 ? snap_max_m : 500);
            goto fail;
        }
        if (!(l->id[l->n] = qt__strdup(c.field[ci])))
            goto nomem;
        l->category[l->n] = cat;
        l->lon[l->n] = lon;
        l->lat[l->n] = lat;
        l->served[l->n] = served;
        l->line[l->n] = c.line;
        l->n++;
    }
    if (r < 0) {
        st = err ? err->code : QT_EPARSE;
        goto fail;
    }
    qt_snapper_free(sn);
    qt__csv_close(&c);
    *out = l;
    return QT_OK;
nomem_or_st:
    if (st != QT_OK)
        goto fail;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, "no memory");
fail:
    qt_snapper_free(sn);
    qt_site_list_free(l);
    qt__csv_close(&c);
    return st;
}

/* ---- the context ------------------------------------------------------------------------ */

static void report_free(qt__report *R)
{
    size_t i;
    qt__counts_free(R->counts);
    qt__free(R->res_circle);
    qt__free(R->circle_res_start);
    qt__free(R->circle_res);
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

static qt_status report_init(qt__report *R, const qt_analysis *a, const qt_analysis_input *in,
                             const qt_report_opts *o, qt_error *err)
{
    const qt_residence_list *res = in->residences;
    size_t nc, i, *fill = NULL;
    qt_status st;
    memset(R, 0, sizeof *R);
    R->a = a;
    R->in = in;
    R->o = o;
    R->sites = o->sites;
    R->blind_cell_m = o->blind_cell_m > 0 ? o->blind_cell_m : 100;
    set_dates(R);
    if ((st = qt__counts_new(a, in, &R->counts, err)) != QT_OK)
        return st;
    if ((st = qt__street_index_new(in->graph, 0, &R->streets, err)) != QT_OK ||
        (st = qt__pgrid_init(&R->outlets, in->outlets->n, in->outlets->lon, in->outlets->lat, 0.005, err)) != QT_OK ||
        (st = qt_snapper_new(in->graph, &R->snapper, err)) != QT_OK ||
        (st = qt__bounds_make(o->boundaries, o->boundaries_layer, o->boundaries_field, a, &R->bounds, err)) != QT_OK)
        return st;
    /* placed residences grouped by circle (all in one group without circles) */
    nc = qt__report_ncircles(R);
    R->res_circle = qt__residence_circles(a);
    R->circle_res_start = qt__calloc(nc + 2, sizeof *R->circle_res_start);
    R->circle_res = qt__malloc((res->n + 1) * sizeof *R->circle_res);
    fill = qt__malloc((nc + 1) * sizeof *fill);
    if (!R->res_circle || !R->circle_res_start || !R->circle_res || !fill)
        goto nomem;
    for (i = 0; i < res->n; i++) {
        uint32_t ci = a->ncircles ? R->res_circle[i] : 0;
        if (ci != UINT32_MAX && a->res_placed[i])
            R->circle_res_start[ci + 1]++;
    }
    for (i = 0; i < nc; i++)
        R->circle_res_start[i + 1] += R->circle_res_start[i];
    memcpy(fill, R->circle_res_start, nc * sizeof *fill);
    for (i = 0; i < res->n; i++) {
        uint32_t ci = a->ncircles ? R->res_circle[i] : 0;
        if (ci != UINT32_MAX && a->res_placed[i])
            R->circle_res[fill[ci]++] = (uint32_t)i;
    }
    qt__free(fill);
    fill = NULL;
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
            if (!(R->site_near[i] = near_text(R, R->sites->lon[i], R->sites->lat[i])))
                goto nomem;
        }
    }
    return QT_OK;
nomem:
    qt__free(fill);
    return qt_error_set(err, QT_ENOMEM, "report", "no memory");
}

/* ---- files --------------------------------------------------------------------------------- */

/* a circle's name as a file name: '/' and control characters become '_' */
static void file_name(char *buf, size_t n, const char *name, const char *ext)
{
    size_t i, k = 0;
    for (i = 0; name[i] && k + 1 < n - strlen(ext) - 1; i++) {
        unsigned char ch = (unsigned char)name[i];
        char out = ch == '/' || ch == '\\' || ch < 0x20 || (k == 0 && ch == '.') ? '_' : (char)ch;
        buf[k++] = out;
    }
    if (!k)
        buf[k++] = '_';
    snprintf(buf + k, n - k, "%s", ext);
}

static qt_status cairo_fail(cairo_status_t cs, const char *path, qt_error *err)
{
    if (cs == CAIRO_STATUS_NO_MEMORY)
        return qt_error_set(err, QT_ENOMEM, path, "no memory");
    return qt_error_set(err, QT_EIO, path, "cannot write: %s", cairo_status_to_string(cs));
}

static cairo_surface_t *pdf_new(const qt__report *R, const char *path, const char *title)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, QT__PAGE_W, QT__PAGE_H);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "quarter");
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, R->date_iso);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, R->date_iso);
    }
    return s;
}

static qt_status pdf_finish(cairo_surface_t *s, const char *path, qt_error *err)
{
    cairo_status_t cs;
    cairo_surface_finish(s);
    cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return cs == CAIRO_STATUS_SUCCESS ? QT_OK : cairo_fail(cs, path, err);
}

static void replay(cairo_surface_t *target, cairo_surface_t *rec, double scale)
{
    cairo_t *cr = cairo_create(target);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, rec, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
}

static cairo_surface_t *record(void)
{
    cairo_rectangle_t ext = {0, 0, QT__PAGE_W, QT__PAGE_H};
    return cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
}

/* An RGB24 image surface as PNG, through libpng at compression level 3 without
 * row filters: ten times faster than cairo_surface_write_to_png (zlib level 6,
 * adaptive filters) and smaller for pages of flat colour. */
typedef struct png_job {
    FILE *f;
    png_structp png;
    png_infop info;
    unsigned char *row;
} png_job;

static int png_rows(png_job *j, cairo_surface_t *s)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s),
        st = cairo_image_surface_get_stride(s), x, y;
    const unsigned char *d;
    cairo_surface_flush(s);
    d = cairo_image_surface_get_data(s);
    if (setjmp(png_jmpbuf(j->png)))
        return -1;
    png_init_io(j->png, j->f);
    png_set_IHDR(j->png, j->info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(j->png, 3);
    png_set_filter(j->png, 0, PNG_FILTER_NONE);
    png_write_info(j->png, j->info);
    for (y = 0; y < h; y++) {
        const uint32_t *px = (const uint32_t *)(const void *)(d + (size_t)y * (size_t)st);
        for (x = 0; x < w; x++) {
            j->row[3 * x] = (unsigned char)(px[x] >> 16);
            j->row[3 * x + 1] = (unsigned char)(px[x] >> 8);
            j->row[3 * x + 2] = (unsigned char)px[x];
        }
        png_write_row(j->png, j->row);
    }
    png_write_end(j->png, j->info);
    return 0;
}

static qt_status write_png(cairo_surface_t *s, const char *path, qt_error *err)
{
    png_job j;
    int ok;
    memset(&j, 0, sizeof j);
    if (!(j.f = fopen(path, "wb")))
        return qt_error_set(err, QT_EIO, path, "cannot create: %s", strerror(errno));
    j.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    j.info = j.png ? png_create_info_struct(j.png) : NULL;
    j.row = qt__malloc((size_t)cairo_image_surface_get_width(s) * 3 + 1);
    if (!j.png || !j.info || !j.row) {
        png_destroy_write_struct(&j.png, &j.info);
        qt__free(j.row);
        fclose(j.f);
        return qt_error_set(err, QT_ENOMEM, path, "no memory");
    }
    ok = png_rows(&j, s) == 0;
    png_destroy_write_struct(&j.png, &j.info);
    qt__free(j.row);
    if (fclose(j.f) != 0)
        ok = 0;
    return ok ? QT_OK : qt_error_set(err, QT_EIO, path, "cannot write: %s", strerror(errno));
}

/* ---- the circles' pages, on several threads ---------------------------------------------
 * Workers take the circles in order; each draws a page into a recording surface
 * (with its own search workspace) and writes the circle's PDF and PNG.  The city
 * report needs the pages in order: a worker leaves its recording in a window of
 * slots and the calling thread replays them into the city PDF one by one. */

#define SLOT_EMPTY SIZE_MAX

typedef struct pages {
    const qt__report *R;
    const char *dir;
    unsigned fmt;
    size_t n;
    int want_city;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;     /* the next circle to claim */
    size_t consumed; /* circles the city report has taken, in order */
    cairo_surface_t **slot;
    size_t *slot_k, nslot;
    int failed;
    qt_status st;
    qt_error err;
} pages;

static void pages_fail(pages *P, qt_status st, const qt_error *e)
{
    pthread_mutex_lock(&P->mu);
    if (!P->failed) {
        P->failed = 1;
        P->st = st;
        if (e)
            P->err = *e;
    }
    pthread_cond_broadcast(&P->cv);
    pthread_mutex_unlock(&P->mu);
}

static qt_status one_page(pages *P, qt_search *ws, cairo_surface_t **imgp, size_t k, cairo_surface_t **out,
                          qt_error *err)
{
    const qt__report *R = P->R;
    size_t ci = R->o->circles ? R->o->circles[k] : k;
    cairo_surface_t *rec = record();
    cairo_t *cr = cairo_create(rec);
    char fname[512], *path = NULL;
    qt_status st = QT_OK;
    *out = NULL;
    qt__page_circle(cr, R, ws, ci);
    cairo_destroy(cr);
    if (cairo_surface_status(rec) != CAIRO_STATUS_SUCCESS) {
        st = cairo_fail(cairo_surface_status(rec), P->dir, err);
        goto done;
    }
    if (P->fmt & QT_REPORT_PDF) {
        cairo_surface_t *s;
        file_name(fname, sizeof fname, qt__report_circle_name(R, ci), ".pdf");
        if (!(path = qt__path_join(P->dir, fname))) {
            st = qt_error_set(err, QT_ENOMEM, P->dir, "no memory");
            goto done;
        }
        s = pdf_new(R, path, qt__report_circle_name(R, ci));
        replay(s, rec, 1);
        if ((st = pdf_finish(s, path, err)) != QT_OK)
            goto done;
        qt__free(path);
        path = NULL;
    }
    if (P->fmt & QT_REPORT_PNG) {
        double dpi = R->o->png_dpi > 0 ? R->o->png_dpi : 96, sc = dpi / 72;
        /* one image per worker, reused page after page (each page paints all of it) */
        if (!*imgp)
            *imgp = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(QT__PAGE_W * sc),
                                               (int)ceil(QT__PAGE_H * sc));
        file_name(fname, sizeof fname, qt__report_circle_name(R, ci), ".png");
        if (!(path = qt__path_join(P->dir, fname))) {
            st = qt_error_set(err, QT_ENOMEM, P->dir, "no memory");
            goto done;
        }
        if (cairo_surface_status(*imgp) != CAIRO_STATUS_SUCCESS) {
            st = cairo_fail(cairo_surface_status(*imgp), path, err);
            goto done;
        }
        replay(*imgp, rec, sc);
        if ((st = write_png(*imgp, path, err)) != QT_OK)
            goto done;
    }
    if (P->want_city) {
        *out = rec;
        rec = NULL;
    }
done:
    if (rec)
        cairo_surface_destroy(rec);
    qt__free(path);
    return st;
}

static void *pages_worker(void *arg)
{
    pages *P = arg;
    qt_search *ws = NULL;
    cairo_surface_t *img = NULL;
    qt_error e = QT_ERROR_INIT;
    qt_status st;
    qt_error_clear(&e);
    if ((st = qt_search_new(P->R->in->graph, &ws, &e)) != QT_OK) {
        pages_fail(P, st, &e);
        return NULL;
    }
    for (;;) {
        size_t k;
        cairo_surface_t *rec;
        pthread_mutex_lock(&P->mu);
        if (P->failed || P->next >= P->n) {
            pthread_mutex_unlock(&P->mu);
            break;
        }
        k = P->next++;
        pthread_mutex_unlock(&P->mu);
        if ((st = one_page(P, ws, &img, k, &rec, &e)) != QT_OK) {
            pages_fail(P, st, &e);
            break;
        }
        if (!rec)
            continue;
        pthread_mutex_lock(&P->mu);
        /* the window: circles consumed .. consumed + nslot - 1 have distinct slots; waiting for a
           free slot alone would let a later circle take the slot of one not yet placed */
        while (k >= P->consumed + P->nslot && !P->failed)
            pthread_cond_wait(&P->cv, &P->mu);
        if (P->failed) {
            pthread_mutex_unlock(&P->mu);
            cairo_surface_destroy(rec);
            break;
        }
        P->slot[k % P->nslot] = rec;
        P->slot_k[k % P->nslot] = k;
        pthread_cond_broadcast(&P->cv);
        pthread_mutex_unlock(&P->mu);
    }
    qt_search_free(ws);
    if (img)
        cairo_surface_destroy(img);
    return NULL;
}

static qt_status circle_pages(const qt__report *R, const char *dir, unsigned fmt, size_t n, cairo_surface_t *city,
                              unsigned threads, qt_error *err)
{
    pages P;
    pthread_t *tid;
    size_t i, started = 0, k;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = threads ? threads : ncpu > 0 ? (size_t)ncpu : 1;
    if (nt > 16)
        nt = 16;
    if (nt > n)
        nt = n ? n : 1;
    memset(&P, 0, sizeof P);
    P.R = R;
    P.dir = dir;
    P.fmt = fmt;
    P.n = n;
    P.want_city = city != NULL;
    P.nslot = 2 * nt;
    P.st = QT_OK;
    qt_error_clear(&P.err);
    P.slot = qt__calloc(P.nslot, sizeof *P.slot);
    P.slot_k = qt__malloc(P.nslot * sizeof *P.slot_k);
    tid = qt__malloc(nt * sizeof *tid);
    if (!P.slot || !P.slot_k || !tid) {
        qt__free(P.slot);
        qt__free(P.slot_k);
        qt__free(tid);
        return qt_error_set(err, QT_ENOMEM, dir, "no memory");
    }
    for (i = 0; i < P.nslot; i++)
        P.slot_k[i] = SLOT_EMPTY;
    pthread_mutex_init(&P.mu, NULL);
    pthread_cond_init(&P.cv, NULL);
    for (i = 0; i < nt; i++) {
        if (pthread_create(&tid[i], NULL, pages_worker, &P) != 0)
            break;
        started++;
    }
    if (!started)
        pages_fail(&P, QT_EINTERNAL, NULL);
    for (k = 0; city && k < n; k++) {
        cairo_surface_t *rec;
        pthread_mutex_lock(&P.mu);
        while (P.slot_k[k % P.nslot] != k && !P.failed)
            pthread_cond_wait(&P.cv, &P.mu);
        if (P.failed) {
            pthread_mutex_unlock(&P.mu);
            break;
        }
        rec = P.slot[k % P.nslot];
        P.slot[k % P.nslot] = NULL;
        P.slot_k[k % P.nslot] = SLOT_EMPTY;
        P.consumed = k + 1;
        pthread_cond_broadcast(&P.cv);
        pthread_mutex_unlock(&P.mu);
        replay(city, rec, 1);
        cairo_surface_show_page(city);
        cairo_surface_destroy(rec);
    }
    for (i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    for (i = 0; i < P.nslot; i++)
        if (P.slot[i])
            cairo_surface_destroy(P.slot[i]);
    pthread_mutex_destroy(&P.mu);
    pthread_cond_destroy(&P.cv);
    qt__free(P.slot);
    qt__free(P.slot_k);
    qt__free(tid);
    if (P.failed) {
        if (P.st == QT_EINTERNAL && !P.err.msg[0])
            return qt_error_set(err, QT_EINTERNAL, dir, "cannot start a thread");
        if (err)
            *err = P.err;
        return P.st;
    }
    return QT_OK;
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
        return qt_error_set(err, QT_EIO, path, "cannot create: %s", strerror(errno));
    if (fputs(text, f) < 0 || fclose(f) != 0)
        return qt_error_set(err, QT_EIO, path, "cannot write: %s", strerror(errno));
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

qt_status qt_report_make(const qt_analysis *a, const qt_analysis_input *in, const qt_report_opts *o,
                         const char *dir, qt_error *err)
{
    qt__report R;
    unsigned fmt = o->formats ? o->formats : QT_REPORT_ALL;
    size_t n, i, k, npages = 0;
    struct stat sb;
    int exists = stat(dir, &sb) == 0;
    char *tmp = NULL, *old = NULL, *path = NULL, *lstpath = NULL;
    char fname[512], line[1024];
    listing files = {0}, readme = {0};
    cairo_surface_t *city = NULL;
    FILE *lst = NULL;
    qt_status st = QT_OK;
    size_t dl = strlen(dir) + 16;

    if (exists) {
        char *rt = qt__path_join(dir, "report.txt");
        struct stat s2;
        int ours = rt && stat(rt, &s2) == 0;
        qt__free(rt);
        if (!S_ISDIR(sb.st_mode) || !ours)
            return qt_error_set(err, QT_ECONFLICT, dir, "exists and is not a report folder (no report.txt): choose "
                                                        "another -o");
    }
    for (i = 0; o->circles && i < o->ncircles; i++)
        if (o->circles[i] >= (a->ncircles ? a->ncircles : 1))
            return qt_error_set(err, QT_EINVAL, "report", "circle %zu out of range", o->circles[i]);
    if ((st = report_init(&R, a, in, o, err)) != QT_OK) {
        report_free(&R);
        return st;
    }
    tmp = qt__malloc(dl);
    old = qt__malloc(dl);
    if (!tmp || !old)
        goto nomem;
    snprintf(tmp, dl, "%s.partial", dir);
    snprintf(old, dl, "%s.old", dir);
    remove_leftover(tmp);
    if (mkdir(tmp, 0777) != 0) {
        st = qt_error_set(err, QT_EIO, tmp, "cannot create: %s", strerror(errno));
        goto done;
    }
    /* the names written go to files.lst first, so a killed run can be cleaned up */
    if (!(lstpath = qt__path_join(tmp, "files.lst")) || !(lst = fopen(lstpath, "wb"))) {
        st = lstpath ? qt_error_set(err, QT_EIO, lstpath, "cannot create: %s", strerror(errno))
                     : qt_error_set(err, QT_ENOMEM, dir, "no memory");
        goto fail;
    }
#define ADD(name)                                                                                  \
    do {                                                                                           \
        qt__free(path);                                                                            \
        if (add_line(&files, (name)) != 0 || !(path = qt__path_join(tmp, (name))))                 \
            goto nomem;                                                                            \
        fprintf(lst, "%s\n", (name));                                                              \
        fflush(lst);                                                                               \
    } while (0)
    n = o->circles ? o->ncircles : qt__report_ncircles(&R);
    if (fmt & QT_REPORT_PDF) {
        cairo_t *cr;
        ADD("城市报告.pdf");
        city = pdf_new(&R, path, "一刻钟便民生活圈建设情况报告");
        if (cairo_surface_status(city) != CAIRO_STATUS_SUCCESS) {
            st = cairo_fail(cairo_surface_status(city), path, err);
            goto fail;
        }
        cr = cairo_create(city);
        qt__page_cover(cr, &R);
        cairo_show_page(cr);
        npages++;
        for (k = 0; k < qt__table_pages(&R); k++) {
            qt__page_table(cr, &R, k);
            cairo_show_page(cr);
            npages++;
        }
        qt__page_city_map(cr, &R);
        cairo_show_page(cr);
        npages++;
        cairo_destroy(cr);
    }
    if (fmt & (QT_REPORT_PDF | QT_REPORT_PNG)) {
        /* every circle's file names first, so a killed run leaves nothing unlisted */
        for (k = 0; k < n; k++) {
            size_t ci = o->circles ? o->circles[k] : k;
            if (fmt & QT_REPORT_PDF) {
                file_name(fname, sizeof fname, qt__report_circle_name(&R, ci), ".pdf");
                ADD(fname);
            }
            if (fmt & QT_REPORT_PNG) {
                file_name(fname, sizeof fname, qt__report_circle_name(&R, ci), ".png");
                ADD(fname);
            }
        }
        if ((st = circle_pages(&R, tmp, fmt, n, city, o->threads, err)) != QT_OK)
            goto fail;
        if (city)
            npages += n;
    }
    if (city) {
        qt__free(path);
        path = qt__path_join(tmp, "城市报告.pdf");
        st = pdf_finish(city, path ? path : dir, err);
        city = NULL;
        if (st != QT_OK)
            goto fail;
    }
    if (fmt & QT_REPORT_XLSX) {
        ADD("调查表.xlsx");
        if ((st = qt__write_survey_xlsx(&R, path, err)) != QT_OK)
            goto fail;
        ADD("indicators.xlsx");
        if ((st = qt__write_indicators_xlsx(&R, path, err)) != QT_OK)
            goto fail;
    }
    if (fmt & QT_REPORT_GPKG) {
        ADD("analysis.gpkg");
        if ((st = qt__write_gpkg(&R, path, err)) != QT_OK)
            goto fail;
    }
    /* report.txt: what is here (and the mark of a report folder) */
    ADD("report.txt");
    snprintf(line, sizeof line, "%s 一刻钟便民生活圈报告 %s", o->project ? o->project : "", R.date);
    if (add_line(&readme, line) != 0)
        goto nomem;
    if (fmt & QT_REPORT_PDF) {
        snprintf(line, sizeof line, "城市报告.pdf: %zu pages (cover, %zu table, city map, %zu circles); open it first",
                 npages, qt__table_pages(&R), n);
        if (add_line(&readme, line) != 0)
            goto nomem;
    }
    {
        const char *p = files.text;
        while (p && *p) {
            const char *e = strchr(p, '\n');
            snprintf(line, sizeof line, "%.*s", (int)(e - p), p);
            if (strcmp(line, "report.txt") != 0 && add_line(&readme, line) != 0)
                goto nomem;
            p = e + 1;
        }
    }
    if ((st = write_text(path, readme.text, err)) != QT_OK)
        goto fail;
    fclose(lst);
    lst = NULL;
    unlink(lstpath);
#undef ADD
    if (exists) {
        remove_leftover(old);
        if (rename(dir, old) != 0) {
            st = qt_error_set(err, QT_EIO, dir, "cannot move the previous report aside: %s", strerror(errno));
            goto fail;
        }
    }
    if (rename(tmp, dir) != 0) {
        st = qt_error_set(err, QT_EIO, dir, "cannot rename %s into place: %s", tmp, strerror(errno));
        if (exists)
            rename(old, dir);
        goto fail;
    }
    if (exists) {
        /* the old report's files: those of its report.txt */
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
    goto done;
nomem:
    st = qt_error_set(err, QT_ENOMEM, dir, "no memory");
fail:
    if (city)
        cairo_surface_destroy(city);
    if (lst)
        fclose(lst);
    lst = NULL;
    add_line(&files, "files.lst");
    remove_tree(tmp, &files);
done:
    if (lst)
        fclose(lst);
    report_free(&R);
    qt__free(files.text);
    qt__free(readme.text);
    qt__free(tmp);
    qt__free(old);
    qt__free(path);
    qt__free(lstpath);
    return st;
}

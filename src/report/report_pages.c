/* SPDX-License-Identifier: MIT */
/*
 * report_pages.c -- the circles' pages into files (report/report_internal.h):
 * each page drawn once into a recording surface on one of several threads and
 * replayed into the circle's PDF, its PNG (libpng, fast settings) and, in
 * order, the city report.
 */
#include <cairo-pdf.h>
#include <errno.h>
#include <math.h>
#include <png.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "report/report_internal.h"

/* ---- files --------------------------------------------------------------------------------- */

/* a circle's name as a file name: '/' and control characters become '_' */
void qt__file_name(char *buf, size_t n, const char *name, const char *ext)
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

qt_status qt__cairo_fail(cairo_status_t cs, const char *path, qt_error *err)
{
    if (cs == CAIRO_STATUS_NO_MEMORY)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    return qt_error_set(err, QT_EIO, path, _("cannot write: %s"), cairo_status_to_string(cs));
}

cairo_surface_t *qt__pdf_new(const qt__report *R, const char *path, const char *title)
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

qt_status qt__pdf_finish(cairo_surface_t *s, const char *path, qt_error *err)
{
    cairo_status_t cs;
    cairo_surface_finish(s);
    cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return cs == CAIRO_STATUS_SUCCESS ? QT_OK : qt__cairo_fail(cs, path, err);
}

void qt__replay(cairo_surface_t *target, cairo_surface_t *rec, double scale)
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
        return qt_error_set(err, QT_EIO, path, _("cannot create: %s"), strerror(errno));
    j.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    j.info = j.png ? png_create_info_struct(j.png) : NULL;
    j.row = qt__malloc((size_t)cairo_image_surface_get_width(s) * 3 + 1);
    if (!j.png || !j.info || !j.row) {
        png_destroy_write_struct(&j.png, &j.info);
        qt__free(j.row);
        fclose(j.f);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    ok = png_rows(&j, s) == 0;
    png_destroy_write_struct(&j.png, &j.info);
    qt__free(j.row);
    if (fclose(j.f) != 0)
        ok = 0;
    return ok ? QT_OK : qt_error_set(err, QT_EIO, path, _("cannot write: %s"), strerror(errno));
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
        st = qt__cairo_fail(cairo_surface_status(rec), P->dir, err);
        goto done;
    }
    if (P->fmt & QT_REPORT_PDF) {
        cairo_surface_t *s;
        qt__file_name(fname, sizeof fname, qt__report_circle_name(R, ci), ".pdf");
        if (!(path = qt__path_join(P->dir, fname))) {
            st = qt_error_set(err, QT_ENOMEM, P->dir, _("no memory"));
            goto done;
        }
        s = qt__pdf_new(R, path, qt__report_circle_name(R, ci));
        qt__replay(s, rec, 1);
        if ((st = qt__pdf_finish(s, path, err)) != QT_OK)
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
        qt__file_name(fname, sizeof fname, qt__report_circle_name(R, ci), ".png");
        if (!(path = qt__path_join(P->dir, fname))) {
            st = qt_error_set(err, QT_ENOMEM, P->dir, _("no memory"));
            goto done;
        }
        if (cairo_surface_status(*imgp) != CAIRO_STATUS_SUCCESS) {
            st = qt__cairo_fail(cairo_surface_status(*imgp), path, err);
            goto done;
        }
        qt__replay(*imgp, rec, sc);
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

qt_status qt__circle_pages(const qt__report *R, const char *dir, unsigned fmt, size_t n, cairo_surface_t *city,
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
        return qt_error_set(err, QT_ENOMEM, dir, _("no memory"));
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
        qt__replay(city, rec, 1);
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
            return qt_error_set(err, QT_EINTERNAL, dir, _("cannot start a thread"));
        if (err)
            *err = P.err;
        return P.st;
    }
    return QT_OK;
}

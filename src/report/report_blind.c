/* SPDX-License-Identifier: MIT */
/*
 * report_blind.c -- the 盲区 of an analysis (report/report_internal.h): per
 * circle and 业态 (and the required basic 业态 together), the cells whose
 * residents are beyond the ring, visited as outlines (cells.c) and written as
 * blindspots.geojson.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "base/keysort.h"
#include "base/outfile.h"
#include "base/strbuf.h"
#include "report/cells.h"
#include "report/report_internal.h"

#define DEG2RAD   (3.14159265358979323846 / 180.0)
#define M_PER_DEG (6371008.8 * DEG2RAD)

static void put_out(void *ud, const char *p, size_t n)
{
    qt__outfile_write(ud, p, n);
}

static void json_str(qt__outfile *o, const char *s)
{
    qt__json_escape(s, strlen(s), put_out, o);
}

/* ---- 盲区 ------------------------------------------------------------------------------ */

qt_status qt__blindspots_visit(const qt_analysis *a, const qt_analysis_input *in, const uint32_t *rc, double cell_m,
                               int (*fn)(void *ctx, const qt__blind *b), void *ctx, qt_error *err)
{
    const qt_residence_list *r = in->residences;
    const qt_profile *p = in->profile;
    size_t ngroups = a->ncircles ? a->ncircles : 1, g, i, c, ncat = a->ncat, gmax = 0;
    size_t *start = qt__calloc(ngroups + 2, sizeof *start), *idx = qt__malloc((r->n + 1) * sizeof *idx);
    int64_t *cells = NULL;
    qt__keyed *ord = NULL;
    unsigned char *out = NULL; /* out[j * ncat + c]: residence j of the group beyond 业态 c's ring */
    double *pop = qt__malloc((ncat + 1) * sizeof *pop), lat0 = 0;
    double *ring = qt__malloc((ncat + 1) * sizeof *ring); /* compared as double, as before */
    qt__blind b;
    qt_status st = QT_OK;
    memset(&b, 0, sizeof b);
    b.lon0 = 180;
    b.lat0 = 90;
    if (!start || !idx || !pop || !ring)
        goto nomem;
    for (c = 0; c < ncat; c++)
        ring[c] = qt_profile_category(p, c)->ring_min;
    for (i = 0; i < r->n; i++) {
        lat0 += r->lat[i];
        if (r->lon[i] < b.lon0)
            b.lon0 = r->lon[i];
        if (r->lat[i] < b.lat0)
            b.lat0 = r->lat[i];
    }
    lat0 = r->n ? lat0 / (double)r->n : 0;
    b.dlat = cell_m / M_PER_DEG;
    b.dlon = cell_m / (M_PER_DEG * cos(lat0 * DEG2RAD));
    b.lon0 = floor(b.lon0 / b.dlon) * b.dlon;
    b.lat0 = floor(b.lat0 / b.dlat) * b.dlat;
    /* residences grouped by circle (all in one group without circles), in file order */
    for (i = 0; i < r->n; i++) {
        size_t gi = a->ncircles ? rc[i] : 0;
        if (gi != UINT32_MAX && a->res_placed[i])
            start[gi + 1]++;
    }
    for (g = 0; g < ngroups; g++) {
        start[g + 1] += start[g];
        if (start[g + 1] - start[g] > gmax)
            gmax = start[g + 1] - start[g];
    }
    {
        size_t *fill = qt__malloc((ngroups + 1) * sizeof *fill);
        if (!fill)
            goto nomem;
        memcpy(fill, start, ngroups * sizeof *fill);
        for (i = 0; i < r->n; i++) {
            size_t gi = a->ncircles ? rc[i] : 0;
            if (gi != UINT32_MAX && a->res_placed[i])
                idx[fill[gi]++] = i;
        }
        qt__free(fill);
    }
    cells = qt__malloc((gmax + 1) * sizeof *cells);
    ord = qt__malloc((gmax + 1) * sizeof *ord);
    out = qt__malloc(gmax * ncat + 1);
    if (!cells || !ord || !out)
        goto nomem;
    b.cells = cells;
    for (g = 0; g < ngroups; g++) {
        size_t gn = start[g + 1] - start[g], j;
        /* one pass over the group's residences (each one's minutes together), in file order: who is
           beyond each ring, and the unserved residents summed in that order as before */
        for (c = 0; c < ncat; c++)
            pop[c] = 0;
        for (j = 0; j < gn; j++) {
            size_t ri = idx[start[g] + j];
            const float *mi = a->minutes + ri * ncat;
            for (c = 0; c < ncat; c++) {
                out[j * ncat + c] = !(mi[c] <= ring[c]);
                if (out[j * ncat + c])
                    pop[c] += r->population[ri];
            }
            ord[j].key = (int64_t)floor((r->lat[ri] - b.lat0) / b.dlat) * QT__CELL_STRIDE +
                         (int64_t)floor((r->lon[ri] - b.lon0) / b.dlon);
            ord[j].i = j;
        }
        /* the group in cell order once; each 业态's cells are then its distinct keys in that order */
        qt__keyed_sort(ord, gn);
        for (c = 0; c < ncat; c++) {
            const qt_category *k = qt_profile_category(p, c);
            size_t m = 0;
            for (j = 0; j < gn; j++)
                if (out[ord[j].i * ncat + c] && (!m || cells[m - 1] != ord[j].key))
                    cells[m++] = ord[j].key;
            if (!m)
                continue;
            b.circle = a->ncircles ? a->circle[g] : "全市";
            b.cat = k;
            b.unserved = pop[c];
            b.ncells = m;
            if (fn(ctx, &b) != 0) {
                st = err && err->code != QT_OK ? err->code : qt_error_set(err, QT_ENOMEM, "blindspots", _("no memory"));
                goto done;
            }
        }
    }
    goto done;
nomem:
    st = qt_error_set(err, QT_ENOMEM, "blindspots", _("no memory"));
done:
    qt__free(start);
    qt__free(idx);
    qt__free(cells);
    qt__free(ord);
    qt__free(out);
    qt__free(pop);
    qt__free(ring);
    return st;
}

typedef struct blind_json {
    qt__outfile o;
    size_t nf;
} blind_json;

static int blind_feature(void *ctx, const qt__blind *b)
{
    blind_json *j = ctx;
    qt__outfile *o = &j->o;
    qt__outfile_puts(o, j->nf++ ? ",\n{\"type\":\"Feature\",\"properties\":{\"circle\":"
                                : "\n{\"type\":\"Feature\",\"properties\":{\"circle\":");
    json_str(o, b->circle);
    qt__outfile_puts(o, ",\"category\":\"");
    qt__outfile_puts(o, b->cat->code);
    qt__outfile_puts(o, "\",\"zh\":");
    json_str(o, b->cat->zh);
    qt__outfile_puts(o, b->cat->cls == QT_CLASS_BASIC ? ",\"class\":\"basic\",\"ring_min\":"
                                                      : ",\"class\":\"quality\",\"ring_min\":");
    qt__outfile_double(o, b->cat->ring_min, 0);
    qt__outfile_puts(o, ",\"unserved_population\":");
    qt__outfile_double(o, b->unserved, 0);
    qt__outfile_puts(o, ",\"cells\":");
    qt__outfile_i64(o, (int64_t)b->ncells);
    qt__outfile_puts(o, "},\"geometry\":");
    if (qt__cells_geojson(o, b->cells, b->ncells, b->lon0, b->lat0, b->dlon, b->dlat) != 0)
        return -1;
    qt__outfile_puts(o, "}");
    return 0;
}

qt_status qt__write_blindspots_rc(const qt_analysis *a, const qt_analysis_input *in, const uint32_t *rc, double cell_m,
                                  const char *path, qt_error *err)
{
    blind_json j;
    qt_status st;
    memset(&j, 0, sizeof j);
    if ((st = qt__outfile_open(&j.o, path, err)) != QT_OK)
        return st;
    qt__outfile_printf(&j.o, "{\"type\":\"FeatureCollection\",\"name\":\"blindspots\",\"cell_m\":%.0f,\"features\":[",
                       cell_m);
    if ((st = qt__blindspots_visit(a, in, rc, cell_m, blind_feature, &j, err)) != QT_OK) {
        qt__outfile_abort(&j.o);
        return st == QT_ENOMEM ? qt_error_set(err, QT_ENOMEM, path, _("no memory")) : st;
    }
    qt__outfile_puts(&j.o, "\n]}\n");
    return qt__outfile_commit(&j.o, err);
}

qt_status qt__write_blindspots(const qt_analysis *a, const qt_analysis_input *in, double cell_m, const char *path,
                               qt_error *err)
{
    uint32_t *rc = qt__residence_circles(a);
    qt_status st;
    if (!rc)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    st = qt__write_blindspots_rc(a, in, rc, cell_m, path, err);
    qt__free(rc);
    return st;
}

/* SPDX-License-Identifier: MIT */
/*
 * pgrid.c -- a grid of points (outlets, residences) for box queries
 * (qt__pgrid in report/report_internal.h).
 */
#include <math.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "report/map_render.h"
#include "report/report_internal.h"

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
        return qt_error_set(err, QT_ENOMEM, "report", _("no memory"));
    }
    for (i = 0; i < n; i++) {
        size_t c = (size_t)qt__grid_clamp((lat[i] - g->lat0) / g->cell, g->ny) * (size_t)g->nx +
                   (size_t)qt__grid_clamp((lon[i] - g->lon0) / g->cell, g->nx);
        g->start[c + 1]++;
    }
    for (i = 0; i < nc; i++)
        g->start[i + 1] += g->start[i];
    for (i = 0; i < n; i++) {
        size_t c = (size_t)qt__grid_clamp((lat[i] - g->lat0) / g->cell, g->ny) * (size_t)g->nx +
                   (size_t)qt__grid_clamp((lon[i] - g->lon0) / g->cell, g->nx);
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
    int32_t x0, y0, x1, y1, cx, cy;
    qt__grid_span(g->lon0, g->lat0, g->cell, g->nx, g->ny, lonmin, latmin, lonmax, latmax, &x0, &y0, &x1, &y1);
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

/* SPDX-License-Identifier: MIT */
/*
 * sites.c -- the 项目清单's recommended sites (qt_sites_read in
 * quarter/report.h): sites.csv of quarter site read, each checked against
 * the project's network.
 */
#include <math.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "io/csv.h"
#include "quarter/report.h"
#include "quarter/snap.h"

/* *p to n elements of size bytes; nonzero when out of memory (*p is then unchanged) */
static int grow(void **p, size_t n, size_t size)
{
    void *q = qt__realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

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

qt_status qt_sites_read(const char *path, const qt_profile *p, const qt_graph *g, double snap_max_m, qt_site_list **out,
                        qt_error *err)
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
    if ((st = qt__csv_require(&c, "id", &ci, err)) != QT_OK ||
        (st = qt__csv_require(&c, "category", &cc, err)) != QT_OK ||
        (st = qt__csv_require(&c, "lon", &clon, err)) != QT_OK ||
        (st = qt__csv_require(&c, "lat", &clat, err)) != QT_OK)
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
            cap *= 2;
            if (grow((void **)&l->id, cap, sizeof *l->id) || grow((void **)&l->category, cap, sizeof *l->category) ||
                grow((void **)&l->lon, cap, sizeof *l->lon) || grow((void **)&l->lat, cap, sizeof *l->lat) ||
                grow((void **)&l->served, cap, sizeof *l->served) || grow((void **)&l->line, cap, sizeof *l->line))
                goto nomem;
        }
        if ((st = qt__csv_double(&c, clon, &lon, err)) != QT_OK ||
            (st = qt__csv_double(&c, clat, &lat, err)) != QT_OK ||
            (st = qt__csv_opt_double(&c, cs, &served, err)) != QT_OK)
            goto fail;
        if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
            st = qt_error_set(err, QT_EINVAL, path, _("line %zu: %.7f,%.7f is not a WGS-84 longitude,latitude"), c.line,
                              lon, lat);
            goto fail;
        }
        cat = qt_profile_find(p, c.field[cc]);
        if (cat < 0) {
            st = qt_error_set(err, QT_EINVAL, path, _("line %zu: column 'category': '%s' is no 业态 of profile %s"),
                              c.line, c.field[cc], qt_profile_name(p));
            goto fail;
        }
        if (qt_snapper_snap(sn, lon, lat, QT_SNAP_EDGE, snap_max_m > 0 ? snap_max_m : 500, &snap, NULL) != QT_OK) {
            st = qt_error_set(err, QT_EINVAL, path,
                              _("line %zu: site '%s' at %.6f,%.6f lies more than %.0f m from every street of the "
                                "project's network: is this the sites file of another project?"),
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
    st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
fail:
    qt_snapper_free(sn);
    qt_site_list_free(l);
    qt__csv_close(&c);
    return st;
}

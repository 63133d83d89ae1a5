/* SPDX-License-Identifier: MIT */
/*
 * points.c -- a table of places (candidate sites, origins) as bureaus keep
 * them: the same headers, header row, coordinate columns and bad-row reports
 * as the outlet reader (quarter/io.h qt_points_read).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "io/columns.h"
#include "io/csv.h"
#include "io/xform.h"
#include "quarter/io.h"

/* Room for one more point in every array of l; all grow from the same old capacity *cap. -1 on no memory. */
static int points_grow(qt_point_list *l, size_t *cap)
{
    size_t c0 = *cap, c2 = c0;
#define G(f)                                                                                                           \
    do {                                                                                                               \
        c2 = c0;                                                                                                       \
        if (qt__grow((void **)&l->f, &c2, l->n + 1, sizeof *l->f) != 0)                                                \
            return -1;                                                                                                 \
    } while (0)
    G(id);
    G(lon);
    G(lat);
    G(line);
    G(name);
    G(address);
    G(x);
    G(y);
#undef G
    *cap = c2;
    return 0;
}

/* The current row of c (columns ci, cn, ca; its coordinates already transformed) appended to l; -1 on no memory. */
static int points_add(qt_point_list *l, size_t *cap, qt__csv *c, int ci, int cn, int ca, double lon, double lat,
                      double x0, double y0)
{
    size_t i = l->n;
    if (points_grow(l, cap) != 0)
        return -1;
    l->id[i] = qt__csv_id(c, ci);
    l->name[i] = qt__strdup(qt__csv_str(c, cn));
    l->address[i] = qt__strdup(qt__csv_str(c, ca));
    l->n++;
    if (!l->id[i] || !l->name[i] || !l->address[i])
        return -1;
    l->lon[i] = lon;
    l->lat[i] = lat;
    l->x[i] = x0;
    l->y[i] = y0;
    l->line[i] = c->line;
    return 0;
}

qt_status qt_points_read(const char *path, const qt_point_read_opts *o, qt_point_list **out, qt_error *err)
{
    static const char *const c_id[] = {"id", "编号", "序号", "候选点编号", "点位编号", "name", "名称", NULL};
    static const char *const c_name[] = {"name", "名称", "候选点名称", "点位名称", "地点", NULL};
    static const char *const c_addr[] = {"address", "地址", "详细地址", "位置", NULL};
    qt__csv c;
    qt__table_opts to;
    qt__xform xf;
    qt_point_list *l;
    int ci, cn, ca, cx, cy, r;
    size_t cap = 0;
    char note[700];
    qt_status st;
    *out = NULL;
    qt__table_opts_set(&to, o->encoding, o->layer, o->header_row, o->on_problem, o->problem_ud);
    if ((st = qt__table_open_opts(&c, path, &to, err)) != QT_OK)
        return st;
    if ((st = qt__csv_pick(&c, o->id_col, c_id, 0, "id", &ci, err)) ||
        (st = qt__csv_pick(&c, NULL, c_name, 0, "name", &cn, err)) ||
        (st = qt__csv_pick(&c, o->address_col, c_addr, 0, "address", &ca, err)) ||
        (st = qt__pick_coords(&c, o->lon_col, o->lat_col, o->crs, &cx, &cy, note, sizeof note, err)) ||
        (st = qt__xform_table(&xf, &c, cx, o->crs, path, err))) {
        qt__csv_close(&c);
        return st;
    }
    l = qt__calloc(1, sizeof *l);
    if (!l || !(l->path = qt__strdup(path)) || !(l->note = qt__strdup(note)))
        goto nomem;
    while ((r = qt__csv_next(&c, err)) > 0) {
        double lon, lat, x0, y0;
        qt_error re = QT_ERROR_INIT;
        if ((st = qt__xform_row(&xf, &c, cx, cy, &x0, &y0, &lon, &lat, &re)) != QT_OK) {
            qt__csv_bad(&c, &re);
            continue;
        }
        if (c.nbad)
            continue;
        if (points_add(l, &cap, &c, ci, cn, ca, lon, lat, x0, y0) != 0)
            goto nomem;
    }
    if ((st = qt__csv_rows_end(&c, r, err)) != QT_OK)
        goto fail;
    if (l->n == 0) {
        st = qt_error_set(err, QT_EINVAL, path, _("no rows below the header (line %zu)"), c.header_line);
        goto fail;
    }
    qt__csv_close(&c);
    qt__xform_free(&xf);
    *out = l;
    return QT_OK;
nomem:
    st = qt_error_set(err, QT_ENOMEM, path, _("no memory"));
fail:
    qt__csv_close(&c);
    qt__xform_free(&xf);
    qt_point_list_free(l);
    return st;
}

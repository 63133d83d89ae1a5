/* SPDX-License-Identifier: MIT */
/*
 * place.c -- snap many points and split the graph at them (quarter/place.h).
 */
#include <math.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "core/graph_internal.h"
#include "quarter/place.h"

#define PROBE_M 2000.0 /* how far to look for a street to report the distance */

void qt_placement_free(qt_placement *p)
{
    if (!p)
        return;
    qt_graph_free(p->graph);
    qt__free(p->node);
    qt__free(p->leg_m);
    qt__free(p);
}

qt_status qt_place(const qt_graph *g, const qt_snapper *sn, size_t n, const double *lon, const double *lat,
                   double max_m, qt_placement **out, qt_error *err)
{
    qt_placement *p;
    uint32_t *edge = NULL, *snode = NULL;
    double *t = NULL, *leg = NULL;
    size_t *pt = NULL, i, j, k = 0, m = n ? n : 1;
    uint32_t *perm = NULL;
    qt_status st = QT_OK;
    *out = NULL;
    p = qt__calloc(1, sizeof *p);
    if (!p)
        return qt_error_set(err, QT_ENOMEM, "place", _("no memory"));
    p->n = n;
    p->node = qt__malloc(m * sizeof *p->node);
    p->leg_m = qt__malloc(m * sizeof *p->leg_m);
    edge = qt__malloc(m * sizeof *edge);
    snode = qt__malloc(m * sizeof *snode);
    t = qt__malloc(m * sizeof *t);
    leg = qt__malloc(m * sizeof *leg);
    pt = qt__malloc(m * sizeof *pt);
    perm = qt__malloc(m * sizeof *perm);
    if (!p->node || !p->leg_m || !edge || !snode || !t || !leg || !pt || !perm) {
        st = qt_error_set(err, QT_ENOMEM, "place", _("no memory for %zu points"), n);
        goto done;
    }
    /* snap in Hilbert order (neighbours on the ground one after another keep
       the snapper's cells in cache), then compact in input order: the split
       sees the same points in the same order as a pass in input order */
    if ((st = qt__hilbert_order(n, lon, lat, perm, err)) != QT_OK)
        goto done;
    for (j = 0; j < n; j++) {
        qt_snap s;
        qt_error e2 = QT_ERROR_INIT;
        i = perm[j];
        p->node[i] = QT_NODE_NONE;
        pt[i] = SIZE_MAX;
        if (qt_snapper_snap(sn, lon[i], lat[i], QT_SNAP_EDGE, max_m > PROBE_M ? max_m : PROBE_M, &s, &e2) != QT_OK) {
            p->leg_m[i] = INFINITY;
            continue;
        }
        p->leg_m[i] = s.leg_m;
        if (s.leg_m > max_m)
            continue;
        edge[i] = s.edge;
        t[i] = s.t;
        leg[i] = s.leg_m;
        pt[i] = 0;
    }
    for (i = 0; i < n; i++) {
        if (pt[i] == SIZE_MAX)
            continue;
        edge[k] = edge[i];
        t[k] = t[i];
        leg[k] = leg[i];
        pt[i] = k++;
    }
    st = qt_graph_split(g, k, edge, t, leg, 1.0, &p->graph, snode, err);
    if (st != QT_OK)
        goto done;
    for (i = 0; i < n; i++)
        if (pt[i] != SIZE_MAX)
            p->node[i] = snode[pt[i]];
    p->nplaced = k;
done:
    qt__free(edge);
    qt__free(snode);
    qt__free(t);
    qt__free(leg);
    qt__free(pt);
    qt__free(perm);
    if (st != QT_OK) {
        qt_placement_free(p);
        return st;
    }
    *out = p;
    return QT_OK;
}

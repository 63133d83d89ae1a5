/* SPDX-License-Identifier: MIT */
/*
 * spot.c -- a point on an edge and walking distances to it (quarter/spot.h).
 */
#include <math.h>

#include "quarter/spot.h"

qt_status qt_spot_place(const qt_graph *g, const qt_snapper *sn, double lon, double lat, double max_m, qt_spot *out,
                        qt_error *err)
{
    qt_snap sp;
    double cost;
    qt_status rc = qt_snapper_snap(sn, lon, lat, QT_SNAP_EDGE, max_m, &sp, err);
    if (rc != QT_OK)
        return rc;
    out->edge = sp.edge;
    out->t = sp.t;
    out->leg_m = sp.leg_m;
    qt_graph_edge(g, sp.edge, &out->u, &out->v, NULL, &cost); /* walking cost, as the search */
    out->to_u = sp.leg_m + sp.t * cost;
    out->to_v = sp.leg_m + (1 - sp.t) * cost;
    return QT_OK;
}

double qt_spot_same_edge_m(const qt_graph *g, const qt_snap *from, const qt_spot *p)
{
    double cost;
    if (p->edge != from->edge)
        return INFINITY;
    qt_graph_edge(g, p->edge, NULL, NULL, NULL, &cost);
    return from->leg_m + fabs(from->t - p->t) * cost + (p->to_u - p->t * cost);
}

double qt_spot_dist_m(const qt_graph *g, const qt_search *s, const qt_snap *from, const qt_spot *p)
{
    double du = qt_search_dist(s, p->u) + p->to_u, dv = qt_search_dist(s, p->v) + p->to_v;
    double d = du < dv ? du : dv, along = qt_spot_same_edge_m(g, from, p);
    return along < d ? along : d;
}

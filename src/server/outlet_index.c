/* SPDX-License-Identifier: MIT */
/*
 * outlet_index.c -- the outlets placed on the streets for nearby search, and
 * the node -> outlets index (server/internal.h).
 */
#include <string.h>

#include "base/alloc.h"
#include "server/internal.h"

typedef struct loader {
    qt_server *s;
    qt__outlet_index *ix;
} loader;

static qt_status load_outlet(void *ud, const qt_store_outlet *o, qt_error *err)
{
    loader *ld = ud;
    qt_server *s = ld->s;
    qt__outlet_index *ix = ld->ix;
    qt__place *p;
    qt_snap sp;
    qt_error e = QT_ERROR_INIT;
    double len;
    if (qt_snapper_snap(s->sn, o->lon, o->lat, QT_SNAP_EDGE, QT_SNAP_DEFAULT_MAX_M, &sp, &e) != QT_OK)
        return QT_OK; /* too far from any street: not found by walking */
    if (qt__grow((void **)&ix->pl, &ix->cap, ix->npl + 1, sizeof *ix->pl) != 0)
        return qt_error_set(err, QT_ENOMEM, "outlets", "no memory");
    p = &ix->pl[ix->npl];
    memset(p, 0, sizeof *p);
    p->id = o->id;
    p->lon = o->lon;
    p->lat = o->lat;
    p->name = qt__strdup(o->name ? o->name : "");
    p->category = o->category ? qt__strdup(o->category) : NULL;
    p->services = qt__strdup(o->services ? o->services : "");
    p->hours = qt__strdup(o->opening_hours ? o->opening_hours : "");
    ix->npl++;
    if (!p->name || (o->category && !p->category) || !p->services || !p->hours)
        return qt_error_set(err, QT_ENOMEM, "outlets", "no memory");
    p->edge = sp.edge;
    p->t = sp.t;
    qt_graph_edge(s->g, sp.edge, &p->u, &p->v, NULL, &len); /* walking cost, as the search */
    p->to_u = sp.leg_m + sp.t * len;
    p->to_v = sp.leg_m + (1 - sp.t) * len;
    return QT_OK;
}

void qt__index_free(qt__outlet_index *ix)
{
    size_t i;
    for (i = 0; i < ix->npl; i++) {
        qt__free(ix->pl[i].name);
        qt__free(ix->pl[i].category);
        qt__free(ix->pl[i].services);
        qt__free(ix->pl[i].hours);
    }
    qt__free(ix->pl);
    qt__free(ix->at_start);
    qt__free(ix->at);
    memset(ix, 0, sizeof *ix);
}

qt_status qt__index_build(qt_server *s, qt__outlet_index *ix, qt_error *err)
{
    qt_store *st = NULL;
    loader ld;
    size_t i, nn = qt_graph_node_count(s->g);
    uint32_t *fill;
    qt_status rc;
    memset(ix, 0, sizeof *ix);
    if ((rc = qt_store_open(s->o.db_path, &st, err)) != QT_OK)
        return rc;
    ld.s = s;
    ld.ix = ix;
    rc = qt_store_outlets_each(st, load_outlet, &ld, err);
    qt_store_close(st);
    if (rc != QT_OK) {
        qt__index_free(ix);
        return rc;
    }
    ix->at_start = qt__calloc(nn + 2, sizeof *ix->at_start);
    ix->at = qt__malloc((2 * ix->npl + 1) * sizeof *ix->at);
    fill = qt__malloc((nn + 1) * sizeof *fill);
    if (!ix->at_start || !ix->at || !fill) {
        qt__free(fill);
        qt__index_free(ix);
        return qt_error_set(err, QT_ENOMEM, "server", "no memory");
    }
    for (i = 0; i < ix->npl; i++) {
        ix->at_start[ix->pl[i].u + 1]++;
        if (ix->pl[i].v != ix->pl[i].u)
            ix->at_start[ix->pl[i].v + 1]++;
    }
    for (i = 0; i < nn; i++)
        ix->at_start[i + 1] += ix->at_start[i];
    memcpy(fill, ix->at_start, nn * sizeof *fill);
    for (i = 0; i < ix->npl; i++) {
        ix->at[fill[ix->pl[i].u]++] = (uint32_t)i;
        if (ix->pl[i].v != ix->pl[i].u)
            ix->at[fill[ix->pl[i].v]++] = (uint32_t)i;
    }
    qt__free(fill);
    return QT_OK;
}

/* an edited outlet's texts into its place */
static qt_status refresh_one(void *ud, const qt_store_outlet *o, qt_error *err)
{
    qt__place *p = ud;
    char *name = qt__strdup(o->name ? o->name : ""), *cat = o->category ? qt__strdup(o->category) : NULL;
    char *serv = qt__strdup(o->services ? o->services : ""), *hours = qt__strdup(o->opening_hours ? o->opening_hours : "");
    (void)err;
    if (!name || (o->category && !cat) || !serv || !hours) {
        qt__free(name);
        qt__free(cat);
        qt__free(serv);
        qt__free(hours);
        return QT_ENOMEM;
    }
    qt__free(p->name);
    qt__free(p->category);
    qt__free(p->services);
    qt__free(p->hours);
    p->name = name;
    p->category = cat;
    p->services = serv;
    p->hours = hours;
    return QT_OK;
}

void qt__index_refresh(qt_server *s, qt_store *st, int64_t id)
{
    const qt__outlet_index *ix = &s->ix;
    size_t lo = 0, hi;
    qt_error e = QT_ERROR_INIT;
    /* the slot is found and written under the same write lock: a reload cannot swap the array in between */
    pthread_rwlock_wrlock(&s->plock);
    hi = ix->npl;
    while (lo < hi) { /* places are in id order */
        size_t m = lo + (hi - lo) / 2;
        if (ix->pl[m].id < id)
            lo = m + 1;
        else
            hi = m;
    }
    if (lo < ix->npl && ix->pl[lo].id == id) /* else not on the network */
        qt_store_outlet_get(st, id, refresh_one, &ix->pl[lo], &e);
    pthread_rwlock_unlock(&s->plock);
}

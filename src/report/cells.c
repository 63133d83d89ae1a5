/* SPDX-License-Identifier: MIT */
/*
 * cells.c -- tracing the outline of a set of grid cells (report/cells.h).
 *
 * Every cell side with no cell beyond it is a boundary edge, directed so the
 * cell lies on its left (counter-clockwise around the cell).  Chained end to
 * start, the edges form the rings of the union: outer rings counter-
 * clockwise, holes clockwise.  Where two cells meet only at a corner a
 * vertex has two ways on; taking the left turn keeps each ring tight around
 * its own cells, so rings never cross.  A walk that comes back to a corner
 * it passed (cells around an empty one that touches the outside at that
 * corner only) is cut there into loops: the outer ring and a hole touching it
 * at the corner (in a hole's walk, the hole and an island), as OGC validity
 * wants.  A hole belongs to the smallest outer ring around a point just
 * inside it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/keysort.h"
#include "report/cells.h"

#define VSTRIDE ((int64_t)QT__CELL_STRIDE + 1) /* vertices run one further than cells */

typedef struct edge {
    int64_t from;      /* vertex key: y * VSTRIDE + x */
    unsigned char dir; /* 0 +x, 1 +y, 2 -x, 3 -y */
    unsigned char used;
} edge;

static const int DX[4] = {1, 0, -1, 0}, DY[4] = {0, 1, 0, -1};

/* Sort the edges by (from, dir): keys from * 4 + dir are distinct (one edge per side), so any sort
 * gives the one order. */
static int sort_edges(edge *e, size_t ne)
{
    uint64_t *key = qt__malloc((ne + 1) * sizeof *key);
    size_t i;
    if (!key)
        return -1;
    for (i = 0; i < ne; i++)
        key[i] = (uint64_t)e[i].from * 4u + e[i].dir;
    if (qt__sort_u64(key, ne) != 0) {
        qt__free(key);
        return -1;
    }
    for (i = 0; i < ne; i++) {
        e[i].from = (int64_t)(key[i] >> 2);
        e[i].dir = (unsigned char)(key[i] & 3);
        e[i].used = 0;
    }
    qt__free(key);
    return 0;
}

/* where k is in the sorted keys a, SIZE_MAX when it is not */
static size_t find_key(const int64_t *a, size_t n, int64_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && a[lo] == k ? lo : SIZE_MAX;
}

/* first edge index leaving vertex v */
static size_t first_from(const edge *e, size_t ne, int64_t v)
{
    size_t lo = 0, hi = ne;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].from < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

typedef struct ring {
    size_t start, len; /* corner vertices in the shared vertex list */
    double area2;      /* twice the signed area, in cells */
    int64_t minx, miny, maxx, maxy;
    double px, py; /* holes: a point just inside */
    long owner;    /* holes: the outer ring they belong to */
} ring;

static int point_in(const int64_t *vx, const int64_t *vy, const ring *r, double px, double py)
{
    size_t i, j;
    int in = 0;
    for (i = 0, j = r->len - 1; i < r->len; j = i++) {
        double xi = (double)vx[r->start + i], yi = (double)vy[r->start + i];
        double xj = (double)vx[r->start + j], yj = (double)vy[r->start + j];
        if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

/* a ring's corners as x, y pairs, closed (the first corner again); xy has 2 (len + 1) slots */
static void ring_xy(const int64_t *vx, const int64_t *vy, const ring *r, double x0, double y0, double dx, double dy,
                    double *xy)
{
    size_t i;
    for (i = 0; i <= r->len; i++) {
        size_t k = r->start + (i == r->len ? 0 : i);
        xy[2 * i] = x0 + (double)vx[k] * dx;
        xy[2 * i + 1] = y0 + (double)vy[k] * dy;
    }
}

static int ring_buf(double **xy, size_t *cap, size_t len);

typedef struct key_pos {
    int64_t key;
    size_t pos;
} key_pos;

static int cmp_key_pos(const void *a, const void *b)
{
    const key_pos *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * The closed walk vx, vy [start, start + len) (unit steps) cut into simple loops where it passes a vertex
 * twice: where a ring of cells encloses an empty cell but for one corner, the left-turn walk comes back
 * to that corner (a ring touching itself, which GEOS and PostGIS call invalid); cut there, the walk is an
 * outer loop and, turning the other way, the enclosed part (a hole; in a hole's walk, an island).  The
 * loops are written back in place one after another, their ends into ends (at most len / 4 + 1 of them),
 * *nloops their count.  -1 when out of memory.
 */
static int split_loops(int64_t *vx, int64_t *vy, size_t start, size_t len, size_t *ends, size_t *nloops)
{
    key_pos *kp = NULL;
    size_t *stack = NULL, i, top = 0, out = 0, ndup = 0, nl = 0;
    int64_t *dupkey = NULL, *ox = NULL, *oy = NULL;
    long *dupat = NULL;
    int rc = -1;
    *nloops = 1;
    ends[0] = len;
    if (len < 8)
        return 0; /* a cell's ring or an L: no vertex twice */
    if (!(kp = qt__malloc(len * sizeof *kp)))
        return -1;
    for (i = 0; i < len; i++) {
        kp[i].key = vy[start + i] * VSTRIDE + vx[start + i];
        kp[i].pos = i;
    }
    qsort(kp, len, sizeof *kp, cmp_key_pos);
    for (i = 1; i < len && !ndup; i++)
        ndup = kp[i].key == kp[i - 1].key;
    if (!ndup) {
        qt__free(kp);
        return 0;
    }
    dupkey = qt__malloc(len * sizeof *dupkey);
    dupat = qt__malloc(len * sizeof *dupat);
    stack = qt__malloc(len * sizeof *stack);
    ox = qt__malloc(len * sizeof *ox);
    oy = qt__malloc(len * sizeof *oy);
    if (!dupkey || !dupat || !stack || !ox || !oy)
        goto done;
    /* the keys seen twice, sorted */
    for (i = 1, ndup = 0; i < len; i++)
        if (kp[i].key == kp[i - 1].key && (ndup == 0 || kp[i].key != dupkey[ndup - 1])) {
            dupkey[ndup] = kp[i].key;
            dupat[ndup++] = -1;
        }
    /* walk on a stack; back at a vertex still on it, what lies above it is a loop */
    for (i = 0; i < len; i++) {
        size_t d = find_key(dupkey, ndup, vy[start + i] * VSTRIDE + vx[start + i]), k;
        if (d != SIZE_MAX && dupat[d] >= 0) {
            size_t p = (size_t)dupat[d];
            for (k = p; k < top; k++) {
                size_t v = stack[k], a;
                ox[out] = vx[start + v];
                oy[out] = vy[start + v];
                out++;
                /* off the stack: no longer a way back */
                if (k > p && (a = find_key(dupkey, ndup, vy[start + v] * VSTRIDE + vx[start + v])) != SIZE_MAX)
                    dupat[a] = -1;
            }
            ends[nl++] = out;
            top = p + 1;
            continue;
        }
        if (d != SIZE_MAX)
            dupat[d] = (long)top;
        stack[top++] = i;
    }
    for (i = 0; i < top; i++) {
        ox[out] = vx[start + stack[i]];
        oy[out] = vy[start + stack[i]];
        out++;
    }
    ends[nl++] = out;
    memcpy(vx + start, ox, len * sizeof *ox);
    memcpy(vy + start, oy, len * sizeof *oy);
    *nloops = nl;
    rc = 0;
done:
    qt__free(kp);
    qt__free(dupkey);
    qt__free(dupat);
    qt__free(stack);
    qt__free(ox);
    qt__free(oy);
    return rc;
}

/* the tracing's buffers: edges, the walked vertices (vx, vy; kx, ky the corners of one loop), the rings, the
   loops' ends and one ring's coordinates */
typedef struct tracer {
    edge *e;
    int64_t *vx, *vy, *kx, *ky;
    ring *rings;
    size_t *ends;
    double *xy;
    size_t ne, nv, nr, rcap, ecap, xycap;
} tracer;

static void tracer_free(tracer *t)
{
    qt__free(t->e);
    qt__free(t->vx);
    qt__free(t->vy);
    qt__free(t->kx);
    qt__free(t->ky);
    qt__free(t->ends);
    qt__free(t->rings);
    qt__free(t->xy);
}

/* boundary edges, the cell on their left; the neighbours below and above found by two cursors that only
   move forward (the cells are sorted), left and right next to the cell itself */
static void boundary_edges(const int64_t *cells, size_t n, tracer *t)
{
    edge *e = t->e;
    size_t i, below, above, ne = 0;
    for (i = 0, below = 0, above = 0; i < n; i++) {
        int64_t cy = cells[i] / QT__CELL_STRIDE, cx = cells[i] % QT__CELL_STRIDE;
        static const int sx[4] = {0, 1, 1, 0}, sy[4] = {0, 0, 1, 1}; /* where each side starts */
        int d, nb[4];
        while (below < n && cells[below] < cells[i] - QT__CELL_STRIDE)
            below++;
        while (above < n && cells[above] < cells[i] + QT__CELL_STRIDE)
            above++;
        /* the neighbour beyond each side: below, right, above, left (none off the grid's edge) */
        nb[0] = cy > 0 && below < n && cells[below] == cells[i] - QT__CELL_STRIDE;
        nb[1] = i + 1 < n && cells[i + 1] == cells[i] + 1;
        nb[2] = above < n && cells[above] == cells[i] + QT__CELL_STRIDE;
        nb[3] = cx > 0 && i > 0 && cells[i - 1] == cells[i] - 1;
        for (d = 0; d < 4; d++) {
            if (nb[d])
                continue;
            e[ne].from = (cy + sy[d]) * VSTRIDE + (cx + sx[d]);
            e[ne].dir = (unsigned char)d;
            e[ne].used = 0;
            ne++;
        }
    }
    t->ne = ne;
}

/* the walk from unused edge i, each edge's start appended to vx, vy, until it is back at the start */
static void walk_edges(tracer *t, size_t i)
{
    edge *e = t->e;
    size_t cur = i, ne = t->ne;
    for (;;) {
        int64_t x = e[cur].from % VSTRIDE, y = e[cur].from / VSTRIDE, v;
        int d = e[cur].dir, turn;
        size_t j, next = (size_t)-1;
        e[cur].used = 1;
        t->vx[t->nv] = x;
        t->vy[t->nv] = y;
        t->nv++;
        v = (y + DY[d]) * VSTRIDE + (x + DX[d]);
        /* left turn first, then straight on, then right */
        for (turn = 0; turn < 3 && next == (size_t)-1; turn++) {
            int want = turn == 0 ? (d + 1) % 4 : turn == 1 ? d : (d + 3) % 4;
            for (j = first_from(e, ne, v); j < ne && e[j].from == v; j++)
                if (e[j].dir == want) {
                    next = j;
                    break;
                }
        }
        if (next == (size_t)-1 || next == i || e[next].used)
            break; /* back at the start (the successor rule is one-to-one, so always) */
        cur = next;
    }
}

/* a hole (clockwise): the empty cell to the right of the loop's first step at lstart, at its centre */
static void hole_point(const int64_t *vx, const int64_t *vy, size_t lstart, double *px, double *py)
{
    double mx, my;
    int d;
    for (d = 0; d < 4; d++)
        if (vx[lstart + 1] - vx[lstart] == DX[d] && vy[lstart + 1] - vy[lstart] == DY[d])
            break;
    d &= 3;
    mx = (double)vx[lstart] + DX[d] * 0.5;
    my = (double)vy[lstart] + DY[d] * 0.5;
    /* right of direction d is direction (d + 3) % 4 */
    *px = mx + DX[(d + 3) % 4] * 0.5;
    *py = my + DY[(d + 3) % 4] * 0.5;
}

/* the corners of the loop [lstart, lstart + len) into kx, ky (the vertices where the direction changes);
   returns their count */
static size_t loop_corners(const tracer *t, size_t lstart, size_t len)
{
    const int64_t *vx = t->vx, *vy = t->vy;
    size_t c, m = 0;
    for (c = 0; c < len; c++) {
        size_t p = lstart + (c + len - 1) % len, q = lstart + (c + 1) % len, s = lstart + c;
        int64_t ax = vx[s] - vx[p], ay = vy[s] - vy[p], bx = vx[q] - vx[s], by = vy[q] - vy[s];
        if (ax * by - ay * bx != 0) { /* a corner */
            t->kx[m] = vx[s];
            t->ky[m] = vy[s];
            m++;
        }
    }
    return m;
}

/* r's bounding box and twice its signed area, from its corners */
static void ring_measure(ring *r, const int64_t *vx, const int64_t *vy)
{
    size_t k, rs = r->start;
    double a2 = 0;
    r->minx = r->maxx = vx[rs];
    r->miny = r->maxy = vy[rs];
    for (k = 0; k < r->len; k++) {
        size_t a = rs + k, b = rs + (k + 1) % r->len;
        a2 += (double)vx[a] * (double)vy[b] - (double)vx[b] * (double)vy[a];
        if (vx[a] < r->minx)
            r->minx = vx[a];
        if (vx[a] > r->maxx)
            r->maxx = vx[a];
        if (vy[a] < r->miny)
            r->miny = vy[a];
        if (vy[a] > r->maxy)
            r->maxy = vy[a];
    }
    r->area2 = a2;
    r->owner = -1;
}

/* The walk [start, nv) cut where it passes a vertex twice, then each loop with an area a ring: its
 * corners moved down to where the last ring ended.  -1 when out of memory. */
static int walk_rings(tracer *t, size_t start)
{
    size_t nloops, l, lstart, out;
    if (qt__grow((void **)&t->ends, &t->ecap, t->nv - start + 1, sizeof *t->ends) != 0 ||
        split_loops(t->vx, t->vy, start, t->nv - start, t->ends, &nloops) != 0)
        return -1;
    for (l = 0, lstart = start, out = start; l < nloops; l++) {
        size_t len = start + t->ends[l] - lstart, m, rs = out;
        double px, py;
        ring *r;
        if (len < 4) { /* no area */
            lstart = start + t->ends[l];
            continue;
        }
        hole_point(t->vx, t->vy, lstart, &px, &py);
        m = loop_corners(t, lstart, len);
        memcpy(t->vx + out, t->kx, m * sizeof *t->kx);
        memcpy(t->vy + out, t->ky, m * sizeof *t->ky);
        out += m;
        lstart = start + t->ends[l];
        if (qt__grow((void **)&t->rings, &t->rcap, t->nr + 1, sizeof *t->rings) != 0)
            return -1;
        r = &t->rings[t->nr++];
        r->start = rs;
        r->len = m;
        ring_measure(r, t->vx, t->vy);
        r->px = px;
        r->py = py;
    }
    t->nv = out;
    return 0;
}

/* each hole to the smallest outer ring around it */
static void own_holes(tracer *t)
{
    ring *rings = t->rings;
    size_t i, k, nr = t->nr;
    for (i = 0; i < nr; i++) {
        double best = 0;
        if (rings[i].area2 >= 0)
            continue;
        for (k = 0; k < nr; k++) {
            const ring *r = &rings[k];
            if (r->area2 <= 0 || rings[i].px < (double)r->minx || rings[i].px > (double)r->maxx ||
                rings[i].py < (double)r->miny || rings[i].py > (double)r->maxy)
                continue;
            if ((rings[i].owner < 0 || r->area2 < best) && point_in(t->vx, t->vy, r, rings[i].px, rings[i].py)) {
                rings[i].owner = (long)k;
                best = r->area2;
            }
        }
    }
}

/* ring k's coordinates to the sink; -1 when out of memory or the sink said stop */
static int emit_ring(tracer *t, size_t k, int outer, double x0, double y0, double dx, double dy,
                     const qt__cells_sink *sk)
{
    if (ring_buf(&t->xy, &t->xycap, t->rings[k].len) != 0)
        return -1;
    ring_xy(t->vx, t->vy, &t->rings[k], x0, y0, dx, dy, t->xy);
    return sk->ring(sk->ctx, outer, t->xy, t->rings[k].len + 1) != 0 ? -1 : 0;
}

/* each outer ring, then its holes */
static int emit_rings(tracer *t, double x0, double y0, double dx, double dy, const qt__cells_sink *sk)
{
    size_t i, k;
    for (i = 0; i < t->nr; i++) {
        if (t->rings[i].area2 <= 0)
            continue;
        if (emit_ring(t, i, 1, x0, y0, dx, dy, sk) != 0)
            return -1;
        for (k = 0; k < t->nr; k++)
            if (t->rings[k].area2 < 0 && t->rings[k].owner == (long)i && emit_ring(t, k, 0, x0, y0, dx, dy, sk) != 0)
                return -1;
    }
    return 0;
}

int qt__cells_rings(const int64_t *cells, size_t n, double x0, double y0, double dx, double dy,
                    const qt__cells_sink *sk)
{
    tracer t;
    size_t i;
    int rc = -1;
    memset(&t, 0, sizeof t);
    t.e = qt__malloc((4 * n + 1) * sizeof *t.e);
    t.vx = qt__malloc((4 * n + 1) * sizeof *t.vx);
    t.vy = qt__malloc((4 * n + 1) * sizeof *t.vy);
    t.kx = qt__malloc((4 * n + 1) * sizeof *t.kx);
    t.ky = qt__malloc((4 * n + 1) * sizeof *t.ky);
    if (!t.e || !t.vx || !t.vy || !t.kx || !t.ky)
        goto done;
    boundary_edges(cells, n, &t);
    if (sort_edges(t.e, t.ne) != 0)
        goto done;
    /* chain them into rings, keeping only the corners */
    for (i = 0; i < t.ne; i++) {
        size_t start = t.nv;
        if (t.e[i].used)
            continue;
        walk_edges(&t, i);
        if (walk_rings(&t, start) != 0)
            goto done;
    }
    own_holes(&t);
    rc = emit_rings(&t, x0, y0, dx, dy, sk);
done:
    tracer_free(&t);
    return rc;
}

/* room for a ring of len corners, closed */
static int ring_buf(double **xy, size_t *cap, size_t len)
{
    double *t;
    if (2 * (len + 1) <= *cap)
        return 0;
    if (!(t = qt__realloc(*xy, 2 * (len + 1) * sizeof *t)))
        return -1;
    *xy = t;
    *cap = 2 * (len + 1);
    return 0;
}

/* ---- as GeoJSON ---- */

/* The corners of one outline share a few grid lines, so each coordinate is formatted once: a small
   direct-mapped cache from the double's bits to its text (the same double, the same digits). */
#define NUM_CACHE 512

typedef struct num_slot {
    uint64_t bits;
    unsigned char len;
    char s[31];
} num_slot;

/* where the text goes (an outfile or a string builder), and the coordinates
   cache */
typedef struct json_ctx {
    void (*put)(void *dst, const char *s, size_t n);
    void *dst;
    int polygons;
    num_slot cache[NUM_CACHE];
    unsigned char used[NUM_CACHE]; /* the slots filled (cleared per outline) */
} json_ctx;

static void json_puts(json_ctx *j, const char *s)
{
    j->put(j->dst, s, strlen(s));
}

/* v with 6 decimals at p; returns the length */
static size_t coord(json_ctx *j, double v, char *p)
{
    uint64_t bits;
    num_slot *sl;
    size_t n, h;
    memcpy(&bits, &v, sizeof bits);
    h = (size_t)((bits ^ (bits >> 29) ^ (bits >> 41)) % NUM_CACHE);
    sl = &j->cache[h];
    if (!j->used[h] || sl->bits != bits) {
        char t[48];
        n = qt__fmt_fixed(t, v, 6);
        if (n > sizeof sl->s) {
            memcpy(p, t, n);
            return n;
        }
        memcpy(sl->s, t, n);
        sl->len = (unsigned char)n;
        sl->bits = bits;
        j->used[h] = 1;
    }
    memcpy(p, sl->s, sl->len);
    return sl->len;
}

static int json_ring(void *ctx, int outer, const double *xy, size_t n)
{
    json_ctx *j = ctx;
    char pt[112]; /* ",[" x "," y "]": two numbers of at most 48 characters */
    size_t i, k;
    if (outer)
        json_puts(j, j->polygons++ ? "]],[[" : "[[");
    else
        json_puts(j, "],[");
    for (i = 0; i < n; i++) {
        k = 0;
        if (i)
            pt[k++] = ',';
        pt[k++] = '[';
        k += coord(j, xy[2 * i], pt + k);
        pt[k++] = ',';
        k += coord(j, xy[2 * i + 1], pt + k);
        pt[k++] = ']';
        j->put(j->dst, pt, k);
    }
    return 0;
}

static int cells_geojson(json_ctx *j, const int64_t *cells, size_t n, double x0, double y0, double dx, double dy)
{
    qt__cells_sink sk = {json_ring, j};
    j->polygons = 0;
    memset(j->used, 0, sizeof j->used);
    json_puts(j, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
    if (qt__cells_rings(cells, n, x0, y0, dx, dy, &sk) != 0)
        return -1;
    json_puts(j, j->polygons ? "]]]}" : "]}");
    return 0;
}

static void put_outfile(void *dst, const char *s, size_t n)
{
    qt__outfile_write(dst, s, n);
}

static void put_strbuf(void *dst, const char *s, size_t n)
{
    qt__sb_put(dst, s, n);
}

int qt__cells_geojson(qt__outfile *o, const int64_t *cells, size_t n, double x0, double y0, double dx, double dy)
{
    json_ctx j; /* 20 KB on the stack: only the used flags are cleared */
    j.put = put_outfile;
    j.dst = o;
    return cells_geojson(&j, cells, n, x0, y0, dx, dy);
}

int qt__cells_geojson_str(qt__strbuf *b, const int64_t *cells, size_t n, double x0, double y0, double dx, double dy)
{
    json_ctx j;
    j.put = put_strbuf;
    j.dst = b;
    return cells_geojson(&j, cells, n, x0, y0, dx, dy) != 0 || b->oom ? -1 : 0;
}

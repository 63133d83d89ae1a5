/* SPDX-License-Identifier: MIT */
/*
 * bare_access.c -- the bare reference for quarter's engine: the same job
 * (`quarter access --snap node`: for every node and category, the distance to
 * the nearest POI within MAXD and the number of POIs within R) done the plain
 * way a careful C programmer would, with nothing of quarter in it:
 *   - nodes renumbered along a Hilbert curve (as quarter does), CSR arcs;
 *   - per category one multi-source Dijkstra with a radix heap, and one
 *     bounded Dijkstra per distinct POI node (POIs on one node counted with
 *     their multiplicity);
 *   - no chain contraction, no attachments.
 * It prints its compute time (the searches only, not reading) and, with
 * --check, compares every row of quarter's CSV (same graph, --snap node,
 * same R and MAXD) with its own answers.
 *
 *   cc -O3 -o bare_access bench/bare_access.c -lm -lpthread
 *   bare_access GRAPH_DIR R MAXD [--threads N] [--check quarter.csv]
 *
 * GRAPH_DIR holds nodes.csv (id,lon,lat), edges.csv (u,v,length_m) and
 * pois.csv (id,category,lon,lat,node), as ../shared/refs/make_graph.py and
 * tile_graph.py write them.  Not part of the library; a benchmark helper.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "bare_access: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory", NULL);
    return p;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- reading ---------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        die("cannot open", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = xmalloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        die("cannot read", path);
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* open-addressing map int64 id -> index */
typedef struct idmap {
    int64_t *key;
    uint32_t *val;
    size_t mask;
} idmap;

static size_t hash64(int64_t k)
{
    uint64_t x = (uint64_t)k * 0x9e3779b97f4a7c15ull;
    return (size_t)(x ^ (x >> 29));
}

static void map_init(idmap *m, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    m->key = xmalloc(cap * sizeof *m->key);
    m->val = xmalloc(cap * sizeof *m->val);
    m->mask = cap - 1;
    for (size_t i = 0; i < cap; i++)
        m->val[i] = UINT32_MAX;
}

static void map_put(idmap *m, int64_t k, uint32_t v)
{
    size_t h = hash64(k) & m->mask;
    while (m->val[h] != UINT32_MAX && m->key[h] != k)
        h = (h + 1) & m->mask;
    m->key[h] = k;
    m->val[h] = v;
}

static uint32_t map_get(const idmap *m, int64_t k)
{
    size_t h = hash64(k) & m->mask;
    while (m->val[h] != UINT32_MAX) {
        if (m->key[h] == k)
            return m->val[h];
        h = (h + 1) & m->mask;
    }
    return UINT32_MAX;
}

static char *next_line(char *p)
{
    while (*p && *p != '\n')
        p++;
    return *p ? p + 1 : p;
}

/* ---- the graph ------------------------------------------------------------- */

typedef struct arc {
    uint32_t to;
    double cost;
} arc;

typedef struct graph {
    uint32_t n;
    int64_t *id; /* by new index */
    uint32_t *first;
    arc *arc;
} graph;

/* the same curve as quarter's graph builder: order 16 over the bounding box */
static uint32_t hilbert(uint32_t x, uint32_t y)
{
    const uint32_t n = 1u << 16;
    uint32_t s, d = 0;
    for (s = n / 2; s > 0; s /= 2) {
        uint32_t rx = (x & s) != 0, ry = (y & s) != 0;
        d += s * s * ((3 * rx) ^ ry);
        if (ry == 0) {
            uint32_t t;
            if (rx == 1) {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            t = x;
            x = y;
            y = t;
        }
    }
    return d;
}

static void read_graph(const char *dir, graph *g, idmap *ids)
{
    char path[4096], *buf, *p;
    size_t len, cap = 1 << 16, n = 0, m = 0, mcap = 1 << 16, i;
    int64_t *id = xmalloc(cap * sizeof *id);
    double *lon = xmalloc(cap * sizeof *lon), *lat = xmalloc(cap * sizeof *lat);
    uint32_t *eu = xmalloc(mcap * sizeof *eu), *ev = xmalloc(mcap * sizeof *ev), *newof;
    double *ec = xmalloc(mcap * sizeof *ec);
    uint64_t *key, *tmp;
    double minx = 180, maxx = -180, miny = 90, maxy = -90, sx, sy;

    snprintf(path, sizeof path, "%s/nodes.csv", dir);
    buf = slurp(path, &len);
    for (p = next_line(buf); *p; p = next_line(p)) {
        char *e;
        if (n == cap) {
            cap *= 2;
            id = realloc(id, cap * sizeof *id);
            lon = realloc(lon, cap * sizeof *lon);
            lat = realloc(lat, cap * sizeof *lat);
            if (!id || !lon || !lat)
                die("out of memory", NULL);
        }
        id[n] = strtoll(p, &e, 10);
        lon[n] = strtod(e + 1, &e);
        lat[n] = strtod(e + 1, &e);
        n++;
    }
    free(buf);
    /* renumber along the curve, ties in file order (a stable radix sort) */
    for (i = 0; i < n; i++) {
        minx = fmin(minx, lon[i]);
        maxx = fmax(maxx, lon[i]);
        miny = fmin(miny, lat[i]);
        maxy = fmax(maxy, lat[i]);
    }
    sx = maxx > minx ? 65535.0 / (maxx - minx) : 0;
    sy = maxy > miny ? 65535.0 / (maxy - miny) : 0;
    key = xmalloc(n * sizeof *key);
    tmp = xmalloc(n * sizeof *tmp);
    for (i = 0; i < n; i++) {
        uint32_t x = (uint32_t)((lon[i] - minx) * sx), y = (uint32_t)((lat[i] - miny) * sy);
        key[i] = (uint64_t)hilbert(x > 65535 ? 65535 : x, y > 65535 ? 65535 : y) << 32 | i;
    }
    for (unsigned pass = 0; pass < 4; pass++) {
        size_t cnt[257] = {0};
        unsigned shift = 32 + 8 * pass;
        uint64_t *t;
        for (i = 0; i < n; i++)
            cnt[((key[i] >> shift) & 0xff) + 1]++;
        for (i = 0; i < 256; i++)
            cnt[i + 1] += cnt[i];
        for (i = 0; i < n; i++)
            tmp[cnt[(key[i] >> shift) & 0xff]++] = key[i];
        t = key;
        key = tmp;
        tmp = t;
    }
    newof = xmalloc(n * sizeof *newof);
    g->n = (uint32_t)n;
    g->id = xmalloc(n * sizeof *g->id);
    for (i = 0; i < n; i++) {
        newof[(uint32_t)key[i]] = (uint32_t)i;
        g->id[i] = id[(uint32_t)key[i]];
    }
    map_init(ids, n);
    for (i = 0; i < n; i++)
        map_put(ids, g->id[i], (uint32_t)i);
    free(key);
    free(tmp);
    free(lon);
    free(lat);
    free(id);
    free(newof);

    snprintf(path, sizeof path, "%s/edges.csv", dir);
    buf = slurp(path, &len);
    for (p = next_line(buf); *p; p = next_line(p)) {
        char *e;
        int64_t u = strtoll(p, &e, 10), v = strtoll(e + 1, &e, 10);
        double l = strtod(e + 1, &e);
        uint32_t a = map_get(ids, u), b = map_get(ids, v);
        if (a == UINT32_MAX || b == UINT32_MAX)
            die("edge with an unknown node in", path);
        if (a == b)
            continue; /* a self-loop never shortens a path */
        if (m == mcap) {
            mcap *= 2;
            eu = realloc(eu, mcap * sizeof *eu);
            ev = realloc(ev, mcap * sizeof *ev);
            ec = realloc(ec, mcap * sizeof *ec);
            if (!eu || !ev || !ec)
                die("out of memory", NULL);
        }
        eu[m] = a;
        ev[m] = b;
        ec[m] = l;
        m++;
    }
    free(buf);
    g->first = calloc(n + 1, sizeof *g->first);
    g->arc = xmalloc(2 * m * sizeof *g->arc);
    for (i = 0; i < m; i++) {
        g->first[eu[i] + 1]++;
        g->first[ev[i] + 1]++;
    }
    for (i = 0; i < n; i++)
        g->first[i + 1] += g->first[i];
    {
        uint32_t *fill = xmalloc(n * sizeof *fill);
        memcpy(fill, g->first, n * sizeof *fill);
        for (i = 0; i < m; i++) {
            g->arc[fill[eu[i]]++] = (arc){ev[i], ec[i]};
            g->arc[fill[ev[i]]++] = (arc){eu[i], ec[i]};
        }
        free(fill);
    }
    free(eu);
    free(ev);
    free(ec);
}

/* ---- POIs ------------------------------------------------------------------ */

typedef struct pois {
    uint32_t ncat;
    char **cat;      /* names, in order of first appearance */
    uint32_t *first; /* ncat + 1: POIs of category c are node[first[c]..first[c+1]) */
    uint32_t *node;  /* sorted by node within a category */
} pois;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void read_pois(const char *dir, const idmap *ids, pois *P)
{
    char path[4096], *buf, *p;
    size_t len, n = 0, cap = 1024, ccap = 64, i;
    uint32_t *pc = xmalloc(cap * sizeof *pc), *pn = xmalloc(cap * sizeof *pn);
    snprintf(path, sizeof path, "%s/pois.csv", dir);
    buf = slurp(path, &len);
    P->ncat = 0;
    P->cat = xmalloc(ccap * sizeof *P->cat);
    for (p = next_line(buf); *p;) {
        char *f[5], *q = p, *e, *nextp = next_line(p);
        int k;
        for (k = 0; k < 5; k++) {
            f[k] = q;
            while (*q && *q != ',' && *q != '\n' && *q != '\r')
                q++;
            if (k < 4 && *q != ',')
                die("a POI row without 5 fields in", path);
            if (*q == ',')
                *q++ = 0;
        }
        {
            size_t cl = strlen(f[1]);
            uint32_t c;
            for (c = 0; c < P->ncat; c++)
                if (strlen(P->cat[c]) == cl && memcmp(P->cat[c], f[1], cl) == 0)
                    break;
            if (c == P->ncat) {
                if (P->ncat == ccap) {
                    ccap *= 2;
                    P->cat = realloc(P->cat, ccap * sizeof *P->cat);
                }
                P->cat[P->ncat] = xmalloc(cl + 1);
                memcpy(P->cat[P->ncat], f[1], cl + 1);
                P->ncat++;
            }
            if (n == cap) {
                cap *= 2;
                pc = realloc(pc, cap * sizeof *pc);
                pn = realloc(pn, cap * sizeof *pn);
                if (!pc || !pn)
                    die("out of memory", NULL);
            }
            pc[n] = c;
            pn[n] = map_get(ids, strtoll(f[4], &e, 10));
            if (pn[n] == UINT32_MAX)
                die("a POI on an unknown node in", path);
            n++;
        }
        p = nextp;
    }
    free(buf);
    P->first = calloc(P->ncat + 1, sizeof *P->first);
    P->node = xmalloc(n * sizeof *P->node);
    for (i = 0; i < n; i++)
        P->first[pc[i] + 1]++;
    for (i = 0; i < P->ncat; i++)
        P->first[i + 1] += P->first[i];
    {
        uint32_t *fill = xmalloc((P->ncat + 1) * sizeof *fill);
        memcpy(fill, P->first, (P->ncat + 1) * sizeof *fill);
        for (i = 0; i < n; i++)
            P->node[fill[pc[i]]++] = pn[i];
        free(fill);
    }
    for (i = 0; i < P->ncat; i++)
        qsort(P->node + P->first[i], P->first[i + 1] - P->first[i], sizeof *P->node, cmp_u32);
    free(pc);
    free(pn);
}

/* ---- Dijkstra with a radix heap ---------------------------------------------- */

typedef struct qent {
    uint64_t key;
    uint32_t node;
} qent;

typedef struct bucket {
    qent *e;
    size_t len, cap;
} bucket;

typedef struct work {
    const graph *g;
    double *dist;    /* n */
    uint32_t *stamp; /* n: dist valid when == gen; settled when done[v] == gen */
    uint32_t *done;
    uint32_t gen;
    bucket b[65];
    uint64_t last;
    size_t qlen;
    uint32_t *reached;
    size_t nreached;
} work;

static uint64_t key_of(double d)
{
    uint64_t k;
    d += 0.0;
    memcpy(&k, &d, sizeof k);
    return k;
}

static unsigned bucket_of(uint64_t key, uint64_t last)
{
    uint64_t x = key ^ last;
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

static void push(work *w, uint64_t key, uint32_t v)
{
    bucket *b = &w->b[bucket_of(key, w->last)];
    if (b->len == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->e = realloc(b->e, b->cap * sizeof *b->e);
        if (!b->e)
            die("out of memory", NULL);
    }
    b->e[b->len++] = (qent){key, v};
    w->qlen++;
}

static void refill(work *w)
{
    unsigned i = 1;
    size_t k;
    bucket *bi;
    uint64_t least;
    while (!w->b[i].len)
        i++;
    bi = &w->b[i];
    least = bi->e[0].key;
    for (k = 1; k < bi->len; k++)
        if (bi->e[k].key < least)
            least = bi->e[k].key;
    w->last = least;
    for (k = 0; k < bi->len; k++) {
        bucket *t = &w->b[bucket_of(bi->e[k].key, least)];
        if (t->len == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 256;
            t->e = realloc(t->e, t->cap * sizeof *t->e);
            if (!t->e)
                die("out of memory", NULL);
        }
        t->e[t->len++] = bi->e[k];
    }
    bi->len = 0;
}

static void offer(work *w, uint32_t v, double d)
{
    if (w->stamp[v] == w->gen && (w->done[v] == w->gen || !(d < w->dist[v])))
        return;
    w->stamp[v] = w->gen;
    w->dist[v] = d;
    push(w, key_of(d), v);
}

/* sources: nodes at distance 0; settles every node within limit into w->reached */
static void dijkstra(work *w, const uint32_t *src, size_t nsrc, double limit)
{
    const graph *g = w->g;
    size_t i;
    w->gen++;
    for (i = 0; i < 65; i++)
        w->b[i].len = 0;
    w->qlen = 0;
    w->last = 0;
    w->nreached = 0;
    for (i = 0; i < nsrc; i++)
        offer(w, src[i], 0);
    while (w->qlen) {
        qent top;
        uint32_t v, a;
        double dv;
        if (!w->b[0].len)
            refill(w);
        top = w->b[0].e[--w->b[0].len];
        w->qlen--;
        v = top.node;
        if (w->done[v] == w->gen || top.key != key_of(w->dist[v]))
            continue;
        w->done[v] = w->gen;
        dv = w->dist[v];
        w->reached[w->nreached++] = v;
        for (a = g->first[v]; a < g->first[v + 1]; a++) {
            double d = dv + g->arc[a].cost;
            if (d <= limit)
                offer(w, g->arc[a].to, d);
        }
    }
}

static void work_init(work *w, const graph *g)
{
    memset(w, 0, sizeof *w);
    w->g = g;
    w->dist = xmalloc(g->n * sizeof *w->dist);
    w->stamp = calloc(g->n, sizeof *w->stamp);
    w->done = calloc(g->n, sizeof *w->done);
    w->reached = xmalloc(g->n * sizeof *w->reached);
}

/* ---- one category --------------------------------------------------------- */

typedef struct job {
    const graph *g;
    const pois *P;
    double R, maxd;
    atomic_uint next;
    const char *check; /* quarter's CSV, one thread only */
    FILE *cf;
    size_t rows, same_text, within, bad;
    double search_s; /* with --check: the searches alone */
} job;

__attribute__((noinline)) static void category(work *w, const job *J, uint32_t c, uint32_t *count, double *near)
{
    const pois *P = J->P;
    uint32_t i = P->first[c], end = P->first[c + 1];
    size_t k;
    memset(count, 0, J->g->n * sizeof *count);
    while (i < end) { /* one bounded search per distinct POI node */
        uint32_t j = i + 1;
        while (j < end && P->node[j] == P->node[i])
            j++;
        dijkstra(w, &P->node[i], 1, J->R);
        for (k = 0; k < w->nreached; k++)
            count[w->reached[k]] += j - i;
        i = j;
    }
    dijkstra(w, P->node + P->first[c], end - P->first[c], J->maxd);
    if (near) {
        for (k = 0; k < J->g->n; k++)
            near[k] = INFINITY;
        for (k = 0; k < w->nreached; k++)
            near[w->reached[k]] = w->dist[w->reached[k]];
    }
}

/* compare category c with the next rows of quarter's CSV (grouped by category, nodes in curve order) */
static void check_category(job *J, uint32_t c, const uint32_t *count, const double *near)
{
    char line[4096], mine[64];
    uint32_t v;
    for (v = 0; v < J->g->n; v++) {
        char *f1, *f2, *f3, *e;
        long long id;
        if (!fgets(line, sizeof line, J->cf))
            die("quarter's CSV ends early", J->check);
        J->rows++;
        id = strtoll(line, &e, 10);
        f1 = e + 1;
        f2 = strchr(f1, ',');
        if (!f2 || id != J->g->id[v] || (size_t)(f2 - f1) != strlen(J->P->cat[c]) ||
            memcmp(f1, J->P->cat[c], (size_t)(f2 - f1)) != 0) {
            J->bad++;
            continue;
        }
        f2++;
        f3 = strchr(f2, ',');
        if (!f3) {
            J->bad++;
            continue;
        }
        *f3++ = 0;
        if (strtoul(f3, NULL, 10) != count[v]) {
            J->bad++;
            continue;
        }
        if (isinf(near[v])) {
            if (*f2)
                J->bad++;
            else
                J->same_text++;
            continue;
        }
        snprintf(mine, sizeof mine, "%.6f", near[v]);
        if (strcmp(mine, f2) == 0)
            J->same_text++;
        else if (*f2 && fabs(strtod(f2, NULL) - near[v]) <= 5e-7)
            J->within++;
        else
            J->bad++;
    }
}

static void *worker(void *arg)
{
    job *J = arg;
    work w;
    uint32_t *count = xmalloc(J->g->n * sizeof *count), c;
    double *near = J->cf ? xmalloc(J->g->n * sizeof *near) : NULL;
    work_init(&w, J->g);
    while ((c = atomic_fetch_add(&J->next, 1)) < J->P->ncat) {
        double t0 = now_s();
        category(&w, J, c, count, near);
        if (J->cf) {
            J->search_s += now_s() - t0;
            check_category(J, c, count, near);
        }
    }
    free(count);
    free(near);
    return NULL;
}

int main(int argc, char **argv)
{
    graph g;
    idmap ids;
    pois P;
    job J;
    unsigned threads = 1, t;
    pthread_t th[64];
    double t0, t1, t2;
    int i;
    if (argc < 4) {
        fprintf(stderr, "usage: bare_access GRAPH_DIR R MAXD [--threads N] [--check quarter.csv]\n");
        return 2;
    }
    memset(&J, 0, sizeof J);
    for (i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--check") == 0 && i + 1 < argc)
            J.check = argv[++i];
        else
            die("unknown option", argv[i]);
    }
    if (threads < 1 || threads > 64)
        die("--threads must be 1..64", NULL);
    t0 = now_s();
    read_graph(argv[1], &g, &ids);
    read_pois(argv[1], &ids, &P);
    J.g = &g;
    J.P = &P;
    J.R = strtod(argv[2], NULL);
    J.maxd = strcmp(argv[3], "inf") == 0 ? INFINITY : strtod(argv[3], NULL);
    atomic_init(&J.next, 0);
    if (J.check) {
        char line[4096];
        if (threads != 1)
            die("--check needs --threads 1 (it reads quarter's rows in order)", NULL);
        if (!(J.cf = fopen(J.check, "r")) || !fgets(line, sizeof line, J.cf))
            die("cannot read", J.check);
    }
    t1 = now_s();
    for (t = 1; t < threads; t++)
        if (pthread_create(&th[t], NULL, worker, &J) != 0)
            die("cannot start a thread", NULL);
    worker(&J);
    for (t = 1; t < threads; t++)
        pthread_join(th[t], NULL);
    t2 = now_s();
    printf("BARE nodes=%u categories=%u threads=%u read_s=%.3f compute_s=%.3f\n", g.n, P.ncat, threads, t1 - t0,
           J.cf ? J.search_s : t2 - t1);
    if (J.cf) {
        printf("CHECK rows=%zu identical_text=%zu within_5e-7=%zu differ=%zu\n", J.rows, J.same_text, J.within, J.bad);
        fclose(J.cf);
        return J.bad ? 1 : 0;
    }
    return 0;
}

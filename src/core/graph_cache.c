/* SPDX-License-Identifier: MIT */
/*
 * graph_cache.c -- the binary graph cache (.qgraph).
 *
 * Layout (little-endian), see docs/internals/graph-cache.md:
 *   header, 64 bytes: magic "QTGRAPH\0", u32 version, u32 flags, u32 n, u32 m,
 *                     u64 payload bytes, u64 checksum of the payload, 24 zero bytes
 *   payload:          id[n] i64, lon[n] f64, lat[n] f64, first[n+1] u32,
 *                     arc[2m] {u32 to, u32 edge, f64 cost},
 *                     eu[m] u32, ev[m] u32,
 *                     elen[m] f64, ecost[m] f64, then id_order[n] u32 when
 *                     flag 1 (ids not ascending) is set, then road_class[m] u8
 *                     when flag 2 (road classes known) is set.
 * Version 3 is version 2 with flag 2 allowed: a graph without road classes is
 * still written as version 2, so older readers keep reading it.
 * The checksum is a 64-bit multiply-xorshift hash over the payload words.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "core/graph_internal.h"

#define CACHE_MAGIC            "QTGRAPH"
#define CACHE_VERSION          3u
#define CACHE_VERSION_NO_CLASS 2u
#define FLAG_ID_ORDER          1u
#define FLAG_ROAD_CLASS        2u
#define HEADER_SIZE            64

_Static_assert(sizeof(qt__arc) == 16, "the cache stores arcs as 16-byte records");

typedef struct part {
    void *ptr;
    size_t bytes;
} part;

static uint64_t hash_update(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t i;
    for (i = 0; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h ^= w;
        h *= 0x9E3779B97F4A7C15ull;
        h ^= h >> 32;
    }
    for (; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001B3ull;
    }
    return h;
}

static size_t parts_of(const qt_graph *g, part *p)
{
    size_t k = 0, n = g->n, m2 = (size_t)g->m * 2, m = g->m;
    p[k++] = (part){g->id, n * 8};
    p[k++] = (part){g->lon, n * 8};
    p[k++] = (part){g->lat, n * 8};
    p[k++] = (part){g->first, (n + 1) * 4};
    p[k++] = (part){g->arc, m2 * sizeof *g->arc};
    p[k++] = (part){g->eu, m * 4};
    p[k++] = (part){g->ev, m * 4};
    p[k++] = (part){g->elen, m * 8};
    p[k++] = (part){g->ecost, m * 8};
    if (!g->id_sorted)
        p[k++] = (part){g->id_order, n * 4};
    if (g->eclass)
        p[k++] = (part){g->eclass, m};
    return k;
}

static void put_u32(unsigned char *b, uint32_t v)
{
    memcpy(b, &v, 4);
}

static void put_u64(unsigned char *b, uint64_t v)
{
    memcpy(b, &v, 8);
}

static int is_little_endian(void)
{
    uint32_t x = 1;
    unsigned char c;
    memcpy(&c, &x, 1);
    return c == 1;
}

qt_status qt_graph_save(const qt_graph *g, const char *path, qt_error *err)
{
    part p[12];
    size_t np = parts_of(g, p), i, total = 0;
    uint64_t h = 0xcbf29ce484222325ull;
    unsigned char hdr[HEADER_SIZE];
    char *tmp;
    FILE *fp;
    int ok = 1, e = 0;

    if (!is_little_endian())
        return qt_error_set(err, QT_EUNSUPPORTED, path, _("graph cache needs a little-endian machine"));
    for (i = 0; i < np; i++) {
        h = hash_update(h, p[i].ptr, p[i].bytes);
        total += p[i].bytes;
    }
    memset(hdr, 0, sizeof hdr);
    memcpy(hdr, CACHE_MAGIC, 8);
    put_u32(hdr + 8, g->eclass ? CACHE_VERSION : CACHE_VERSION_NO_CLASS);
    put_u32(hdr + 12, (g->id_sorted ? 0 : FLAG_ID_ORDER) | (g->eclass ? FLAG_ROAD_CLASS : 0));
    put_u32(hdr + 16, g->n);
    put_u32(hdr + 20, g->m);
    put_u64(hdr + 24, (uint64_t)total);
    put_u64(hdr + 32, h);

    tmp = qt__malloc(strlen(path) + 5);
    if (!tmp)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    memcpy(tmp, path, strlen(path));
    memcpy(tmp + strlen(path), ".tmp", 5);
    fp = fopen(tmp, "wb");
    if (!fp) {
        e = errno;
        qt__free(tmp);
        return qt_error_set(err, QT_EIO, path, _("cannot create: %s"), strerror(e));
    }
    if (fwrite(hdr, 1, sizeof hdr, fp) != sizeof hdr)
        ok = 0;
    for (i = 0; ok && i < np; i++)
        if (p[i].bytes && fwrite(p[i].ptr, 1, p[i].bytes, fp) != p[i].bytes)
            ok = 0;
    if (!ok)
        e = errno;
    if (fclose(fp) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        remove(tmp);
        qt__free(tmp);
        return qt_error_set(err, QT_EIO, path, _("cannot write graph cache: %s"), strerror(e ? e : EIO));
    }
    qt__free(tmp);
    return QT_OK;
}

/*
 * Every index, ordering and cost of a loaded graph, checked before anyone
 * searches it: the checksum only proves the file is what some writer wrote,
 * not that the writer was ours (issue 11, item 8).
 */
static qt_status validate(qt_graph *g, const char *path, qt_error *err)
{
    uint32_t n = g->n, m = g->m, v, e;
    size_t a;
    unsigned char *seen;

    if (g->first[0] != 0 || g->first[n] != 2 * (uint64_t)m)
        return qt_error_set(err, QT_EPARSE, path, _("graph cache adjacency index is inconsistent"));
    for (v = 0; v < n; v++) {
        if (g->first[v + 1] < g->first[v])
            return qt_error_set(err, QT_EPARSE, path, _("graph cache adjacency index decreases at node %u"), v);
        if (!(g->lon[v] >= -180 && g->lon[v] <= 180 && g->lat[v] >= -90 && g->lat[v] <= 90))
            return qt_error_set(err, QT_EPARSE, path, _("graph cache node %u has no valid coordinate"), v);
    }
    for (e = 0; e < m; e++) {
        if (g->eu[e] >= n || g->ev[e] >= n)
            return qt_error_set(err, QT_EPARSE, path, _("graph cache edge %u has an endpoint outside the graph"), e);
        if (!(g->elen[e] >= 0 && g->elen[e] < 1e9) || !(g->ecost[e] >= 0 && g->ecost[e] < 1e9))
            return qt_error_set(err, QT_EPARSE, path,
                                _("graph cache edge %u has a negative or non-finite length or cost"), e);
        if (g->eclass && g->eclass[e] > QT_ROAD_FOOTWAY)
            return qt_error_set(err, QT_EPARSE, path, _("graph cache edge %u has an unknown road class %u"), e,
                                (unsigned)g->eclass[e]);
    }
    for (v = 0; v < n; v++)
        for (a = g->first[v]; a < g->first[v + 1]; a++) {
            const qt__arc *r = &g->arc[a];
            if (r->to >= n || r->edge >= m)
                return qt_error_set(err, QT_EPARSE, path, _("graph cache arc points outside the graph"));
            e = r->edge;
            if (!((g->eu[e] == v && g->ev[e] == r->to) || (g->ev[e] == v && g->eu[e] == r->to)))
                return qt_error_set(err, QT_EPARSE, path, _("graph cache arc %zu does not follow its edge %u"), a, e);
            if (!(r->cost == g->ecost[e]))
                return qt_error_set(err, QT_EPARSE, path, _("graph cache arc %zu costs other than its edge %u"), a, e);
        }
    if (g->id_sorted) {
        for (v = 1; v < n; v++)
            if (g->id[v] <= g->id[v - 1])
                return qt_error_set(err, QT_EPARSE, path, _("graph cache node ids do not ascend at node %u"), v);
        return QT_OK;
    }
    seen = qt__calloc(n ? n : 1, 1);
    if (!seen)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    for (v = 0; v < n; v++) {
        uint32_t k = g->id_order[v];
        if (k >= n || seen[k] || (v > 0 && g->id[k] < g->id[g->id_order[v - 1]])) {
            qt__free(seen);
            return qt_error_set(err, QT_EPARSE, path, _("graph cache node id index is not an ordering of the nodes"));
        }
        seen[k] = 1;
    }
    qt__free(seen);
    return QT_OK;
}

/* What a cache file's header says. */
typedef struct cache_header {
    uint32_t version, flags, n, m;
    uint64_t total, want_h; /* payload bytes, payload checksum */
} cache_header;

/* The payload size a header's counts and flags imply. */
static uint64_t header_payload(const cache_header *ch)
{
    uint64_t n = ch->n, m = ch->m;
    return n * (8 + 8 + 8) + (n + 1) * 4 + m * 2 * sizeof(qt__arc) + m * (4 + 4 + 8 + 8) +
           ((ch->flags & FLAG_ID_ORDER) ? n * 4 : 0) + ((ch->flags & FLAG_ROAD_CLASS) ? m : 0);
}

/* Reads and checks the header, and the file's size against it, before any
 * allocation; leaves fp at the payload. */
static qt_status read_header(FILE *fp, const char *path, cache_header *ch, qt_error *err)
{
    unsigned char hdr[HEADER_SIZE];
    size_t got;
    long file_size;

    got = fread(hdr, 1, sizeof hdr, fp);
    if (got < 8 || memcmp(hdr, CACHE_MAGIC, 8) != 0)
        return qt_error_set(err, QT_EUNSUPPORTED, path,
                            _("not a quarter graph cache (bad magic); build one with 'quarter graph build'"));
    if (got < sizeof hdr)
        return qt_error_set(err, QT_EPARSE, path, _("graph cache header is truncated"));
    memcpy(&ch->version, hdr + 8, 4);
    memcpy(&ch->flags, hdr + 12, 4);
    memcpy(&ch->n, hdr + 16, 4);
    memcpy(&ch->m, hdr + 20, 4);
    memcpy(&ch->total, hdr + 24, 8);
    memcpy(&ch->want_h, hdr + 32, 8);
    if (ch->version != CACHE_VERSION && ch->version != CACHE_VERSION_NO_CLASS)
        return qt_error_set(err, QT_EUNSUPPORTED, path,
                            _("graph cache format version %u, this quarter reads version %u; rebuild it "
                              "with 'quarter graph build'"),
                            ch->version, CACHE_VERSION);
    if (!is_little_endian())
        return qt_error_set(err, QT_EUNSUPPORTED, path, _("graph cache needs a little-endian machine"));
    if (ch->n >= UINT32_MAX || ch->m >= UINT32_MAX / 2 ||
        (ch->flags & ~(ch->version == CACHE_VERSION ? FLAG_ID_ORDER | FLAG_ROAD_CLASS : FLAG_ID_ORDER)))
        return qt_error_set(err, QT_EPARSE, path, _("graph cache header is damaged"));
    if (header_payload(ch) != ch->total)
        return qt_error_set(err, QT_EPARSE, path, _("graph cache sizes disagree with its header"));
    if (fseek(fp, 0, SEEK_END) != 0 || (file_size = ftell(fp)) < 0 || fseek(fp, HEADER_SIZE, SEEK_SET) != 0)
        return qt_error_set(err, QT_EIO, path, _("cannot read: %s"), strerror(errno));
    if ((uint64_t)file_size != HEADER_SIZE + ch->total)
        return qt_error_set(
            err, QT_EPARSE, path,
            _("graph cache is %ld bytes but its header promises %llu; the file is truncated or damaged"), file_size,
            (unsigned long long)(HEADER_SIZE + ch->total));
    return QT_OK;
}

/* An empty graph of the header's size, with the optional arrays its flags
 * ask for. */
static qt_status alloc_for_header(const cache_header *ch, const char *path, qt_graph **out, qt_error *err)
{
    qt_graph *g;
    qt_status st;

    *out = NULL;
    g = qt__calloc(1, sizeof *g);
    if (!g)
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    st = qt__graph_alloc(g, ch->n, ch->m, err);
    if (st != QT_OK) {
        qt__free(g);
        qt_error_prefix(err, "%s", path);
        return st;
    }
    g->id_sorted = !(ch->flags & FLAG_ID_ORDER);
    if (!g->id_sorted) {
        g->id_order = qt__malloc_array(ch->n ? ch->n : 1, sizeof *g->id_order);
        if (!g->id_order) {
            qt_graph_free(g);
            return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
        }
    }
    if ((ch->flags & FLAG_ROAD_CLASS) && !(g->eclass = qt__malloc(ch->m ? ch->m : 1))) {
        qt_graph_free(g);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    *out = g;
    return QT_OK;
}

/* Reads the payload into g's arrays and checks its checksum. */
static qt_status read_payload(FILE *fp, const char *path, const cache_header *ch, qt_graph *g, qt_error *err)
{
    uint64_t h = 0xcbf29ce484222325ull, expect = 0;
    part p[12];
    size_t np, i;

    np = parts_of(g, p);
    for (i = 0; i < np; i++)
        expect += p[i].bytes;
    if (expect != ch->total)
        return qt_error_set(err, QT_EPARSE, path, _("graph cache sizes disagree with its header"));
    for (i = 0; i < np; i++) {
        if (p[i].bytes && fread(p[i].ptr, 1, p[i].bytes, fp) != p[i].bytes)
            return qt_error_set(err, QT_EPARSE, path, _("graph cache is truncated (expected %llu payload bytes)"),
                                (unsigned long long)ch->total);
        h = hash_update(h, p[i].ptr, p[i].bytes);
    }
    if (h != ch->want_h)
        return qt_error_set(err, QT_EPARSE, path, _("graph cache checksum mismatch: the file is damaged"));
    return QT_OK;
}

qt_status qt_graph_load(const char *path, qt_graph **out, qt_error *err)
{
    cache_header ch = {0};
    qt_graph *g = NULL;
    FILE *fp;
    qt_status st;

    *out = NULL;
    fp = fopen(path, "rb");
    if (!fp)
        return qt_error_set(err, QT_EIO, path, _("cannot open: %s"), strerror(errno));
    st = read_header(fp, path, &ch, err);
    if (st == QT_OK)
        st = alloc_for_header(&ch, path, &g, err);
    if (st == QT_OK)
        st = read_payload(fp, path, &ch, g, err);
    fclose(fp);
    if (st == QT_OK)
        st = validate(g, path, err);
    if (st == QT_OK)
        st = qt__graph_chains(g, err); /* derived, not stored: the cache format is unchanged */
    if (st != QT_OK) {
        if (g)
            qt_graph_free(g);
        return st;
    }
    *out = g;
    return QT_OK;
}

/* SPDX-License-Identifier: MIT */
/* idmap.c -- linear-probing int64 -> uint32 map. */
#include "base/idmap.h"

#include "base/alloc.h"

static size_t slot_of(int64_t key, size_t cap)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return (size_t)h & (cap - 1);
}

static int alloc_table(qt__idmap *m, size_t cap)
{
    m->keys = qt__malloc_array(cap, sizeof *m->keys);
    m->vals = qt__malloc_array(cap, sizeof *m->vals);
    m->used = qt__calloc(cap, 1);
    m->cap = cap;
    m->len = 0;
    if (!m->keys || !m->vals || !m->used) {
        qt__idmap_free(m);
        return -1;
    }
    return 0;
}

/* the least power of two, from `cap`, that holds `expected` keys at load <= 3/4 */
static size_t cap_for(size_t cap, size_t expected)
{
    while (cap * 3 < expected * 4 + 4)
        cap *= 2;
    return cap;
}

int qt__idmap_init(qt__idmap *m, size_t expected)
{
    return alloc_table(m, cap_for(64, expected));
}

void qt__idmap_free(qt__idmap *m)
{
    qt__free(m->keys);
    qt__free(m->vals);
    qt__free(m->used);
    m->keys = NULL;
    m->vals = NULL;
    m->used = NULL;
    m->cap = m->len = 0;
}

static int rehash_to(qt__idmap *m, size_t cap)
{
    qt__idmap old = *m;
    size_t i;
    if (alloc_table(m, cap) != 0) {
        *m = old;
        return -1;
    }
    for (i = 0; i < old.cap; i++)
        if (old.used[i])
            qt__idmap_put(m, old.keys[i], old.vals[i], NULL);
    qt__idmap_free(&old);
    return 0;
}

static int rehash(qt__idmap *m)
{
    return rehash_to(m, m->cap * 2);
}

int qt__idmap_reserve(qt__idmap *m, size_t expected)
{
    size_t cap = cap_for(m->cap ? m->cap : 64, expected);
    return cap == m->cap ? 0 : rehash_to(m, cap);
}

int qt__idmap_put(qt__idmap *m, int64_t key, uint32_t val, uint32_t *old)
{
    size_t i;
    if ((m->len + 1) * 4 > m->cap * 3 && rehash(m) != 0)
        return -1;
    for (i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (!m->used[i]) {
            m->used[i] = 1;
            m->keys[i] = key;
            m->vals[i] = val;
            m->len++;
            return 0;
        }
        if (m->keys[i] == key) {
            if (old)
                *old = m->vals[i];
            return 1;
        }
    }
}

uint32_t qt__idmap_get(const qt__idmap *m, int64_t key)
{
    size_t i;
    if (!m->cap)
        return QT_IDMAP_NONE;
    for (i = slot_of(key, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == key)
            return m->vals[i];
    return QT_IDMAP_NONE;
}

int qt__idmap_set(qt__idmap *m, int64_t key, uint32_t val)
{
    size_t i;
    if (m->cap) {
        for (i = slot_of(key, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1))
            if (m->keys[i] == key) {
                m->vals[i] = val;
                return 0;
            }
    }
    return qt__idmap_put(m, key, val, NULL) < 0 ? -1 : 0;
}

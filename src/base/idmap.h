/* SPDX-License-Identifier: MIT */
/*
 * base/idmap.h -- open-addressing hash map from int64 ids to uint32 indices.
 *
 * Used to resolve external ids (OSM node ids, CSV ids) to dense CSR indices.
 * The map owns its table; qt__idmap_free releases it.  Not thread-safe for
 * writers; concurrent lookups on a map nobody writes are safe.
 */
#ifndef QUARTER_BASE_IDMAP_H
#define QUARTER_BASE_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct qt__idmap {
    int64_t *keys;
    uint32_t *vals;
    uint8_t *used;
    size_t cap; /* power of two */
    size_t len;
} qt__idmap;

#define QT_IDMAP_NONE UINT32_MAX

int qt__idmap_init(qt__idmap *m, size_t expected);
void qt__idmap_free(qt__idmap *m);
/* Grow the table to hold `expected` keys without rehashing. 0 ok, -1 out of memory. */
int qt__idmap_reserve(qt__idmap *m, size_t expected);
/* Insert key->val. Returns 0 on insert, 1 if the key was present (value kept,
 * *old set when old != NULL), -1 when out of memory. */
int qt__idmap_put(qt__idmap *m, int64_t key, uint32_t val, uint32_t *old);
/* Insert or overwrite key->val. 0 ok, -1 out of memory. */
int qt__idmap_set(qt__idmap *m, int64_t key, uint32_t val);
/* QT_IDMAP_NONE when absent */
uint32_t qt__idmap_get(const qt__idmap *m, int64_t key);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * base/heap.h -- a binary min-heap of (key, id) pairs, ordered by key and
 * then by id, so that equal keys pop in a fixed order.  For best-first
 * loops over a few thousand items (the k nearest outlets, lazy greedy
 * siting); the shortest-path search uses its own radix heap (core/search.c),
 * which needs monotone keys and wins on millions of pushes.
 * Zero-initialise; qt__heap_free releases it.  Not thread-safe.
 */
#ifndef QUARTER_BASE_HEAP_H
#define QUARTER_BASE_HEAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct qt__heap_item {
    double key;
    uint32_t id;
} qt__heap_item;

typedef struct qt__heap {
    qt__heap_item *v;
    size_t n, cap;
} qt__heap;

/* 0 ok, -1 no memory (the heap is unchanged) */
int qt__heap_push(qt__heap *h, double key, uint32_t id);
/* the smallest; h->n > 0 */
qt__heap_item qt__heap_pop(qt__heap *h);
/* the smallest item gets a new key (it moves down): h->n > 0 */
void qt__heap_update_top(qt__heap *h, double key);
/* items put straight into v[0 .. n) (after qt__heap_reserve) become a heap, in O(n) */
void qt__heap_build(qt__heap *h);
/* room for n items; 0 ok, -1 no memory */
int qt__heap_reserve(qt__heap *h, size_t n);
void qt__heap_clear(qt__heap *h);
void qt__heap_free(qt__heap *h);

#endif

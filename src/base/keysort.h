/* SPDX-License-Identifier: MIT */
/*
 * base/keysort.h -- sorting by integer keys: 64-bit keys by radix (the bytes that vary), and
 * (key, index) pairs, the index breaking ties so the order is one order.  Keeps nothing.
 */
#ifndef QUARTER_BASE_KEYSORT_H
#define QUARTER_BASE_KEYSORT_H

#include <stddef.h>
#include <stdint.h>

/* Sort n keys ascending (LSD radix over the bytes that differ; insertion below 48 keys).
 * Returns 0, or -1 when out of memory (a is then unchanged). */
int qt__sort_u64(uint64_t *a, size_t n);

typedef struct qt__keyed {
    int64_t key;
    size_t i; /* breaks ties: (key, i) pairs are distinct */
} qt__keyed;

/* Sort n pairs by key, then by i. */
void qt__keyed_sort(qt__keyed *a, size_t n);

#endif

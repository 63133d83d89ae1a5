/* SPDX-License-Identifier: MIT */
/*
 * base/strmap.h -- a string -> index table: the names in the order they
 * were added (name[0 .. n)), with an open-addressing hash (FNV-1a, linear
 * probing) over them.
 *
 * Zero-initialise.  qt__strmap_add copies the strings it adds; the caller
 * owns name[] and its strings and may take them (set name to NULL) or free
 * them.  A table can also index names it does not own: set name and n, then
 * qt__strmap_rehash; only the slots are the table's (qt__strmap_free_slots).
 * Not thread-safe for writers; lookups on a table nobody writes are safe.
 */
#ifndef QUARTER_BASE_STRMAP_H
#define QUARTER_BASE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct qt__strmap {
    char **name; /* the names, index order */
    size_t n, cap;
    uint32_t *slot; /* index + 1, 0 empty */
    size_t nslot;   /* a power of two */
} qt__strmap;

/* index the n names into nslot slots (a power of two > n); 0 ok, -1 no memory */
int qt__strmap_rehash(qt__strmap *t, size_t nslot);
/* the index of s, or -1 */
int qt__strmap_find(const qt__strmap *t, const char *s);
/* the index of s, added (copied) when new; -1 on no memory */
int qt__strmap_add(qt__strmap *t, const char *s);
/* free the slots (not the names) */
void qt__strmap_free_slots(qt__strmap *t);

#endif

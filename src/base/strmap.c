/* SPDX-License-Identifier: MIT */
/*
 * strmap.c -- string -> index table (base/strmap.h).
 */
#include "base/strmap.h"

#include <string.h>

#include "base/alloc.h"

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

int qt__strmap_rehash(qt__strmap *t, size_t nslot)
{
    uint32_t *s = qt__calloc(nslot, sizeof *s);
    size_t i;
    if (!s)
        return -1;
    for (i = 0; i < t->n; i++) {
        size_t k = (size_t)hash_str(t->name[i]) & (nslot - 1);
        while (s[k])
            k = (k + 1) & (nslot - 1);
        s[k] = (uint32_t)i + 1;
    }
    qt__free(t->slot);
    t->slot = s;
    t->nslot = nslot;
    return 0;
}

int qt__strmap_find(const qt__strmap *t, const char *s)
{
    size_t k;
    if (!t->nslot)
        return -1;
    k = (size_t)hash_str(s) & (t->nslot - 1);
    while (t->slot[k]) {
        if (strcmp(t->name[t->slot[k] - 1], s) == 0)
            return (int)t->slot[k] - 1;
        k = (k + 1) & (t->nslot - 1);
    }
    return -1;
}

int qt__strmap_add(qt__strmap *t, const char *s)
{
    int k = qt__strmap_find(t, s);
    size_t k2;
    if (k >= 0)
        return k;
    if ((t->n + 1) * 2 > t->nslot && qt__strmap_rehash(t, t->nslot ? t->nslot * 2 : 64) != 0)
        return -1;
    if (qt__grow((void **)&t->name, &t->cap, t->n + 1, sizeof *t->name) != 0)
        return -1;
    if (!(t->name[t->n] = qt__strdup(s)))
        return -1;
    k2 = (size_t)hash_str(s) & (t->nslot - 1);
    while (t->slot[k2])
        k2 = (k2 + 1) & (t->nslot - 1);
    t->slot[k2] = (uint32_t)t->n + 1;
    return (int)t->n++;
}

void qt__strmap_free_slots(qt__strmap *t)
{
    qt__free(t->slot);
    t->slot = NULL;
    t->nslot = 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * fuzz_util.h -- helpers shared by the fuzz targets: readers take paths, so
 * each input is written to a file of this process's own (removed at exit by
 * the caller's next write; /tmp is cleaned by the test run).
 */
#ifndef QUARTER_TESTS_FUZZ_UTIL_H
#define QUARTER_TESTS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write data to a per-process file named after tag; returns a static path
 * (the fuzzers are single-threaded) or NULL. */
static inline const char *fuzz_file(const char *tag, const uint8_t *data, size_t size)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ & 3];
    const char *dir = getenv("TMPDIR");
    FILE *fp;
    snprintf(p, 256, "%s/qt-fuzz-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(), tag);
    fp = fopen(p, "wb");
    if (!fp)
        return NULL;
    if (size && fwrite(data, 1, size, fp) != size) {
        fclose(fp);
        return NULL;
    }
    fclose(fp);
    return p;
}

/* A NUL-terminated copy (caller frees). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return NULL;
    if (size)
        memcpy(s, data, size);
    s[size] = 0;
    return s;
}

#endif

/* SPDX-License-Identifier: MIT */
/* utf8.c -- UTF-8 validity, cutting and repair (utf8.h). */
#include "base/utf8.h"

#include <string.h>

/* length of the valid sequence at s (n bytes left), 0 when invalid */
static size_t seq_len(const unsigned char *s, size_t n)
{
    unsigned char b = s[0];
    size_t need, k;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        need = 1;
    else if (b >= 0xE0 && b <= 0xEF)
        need = 2;
    else if (b >= 0xF0 && b <= 0xF4)
        need = 3;
    else
        return 0;
    if (need >= n)
        return 0;
    for (k = 1; k <= need; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    if ((b == 0xE0 && s[1] < 0xA0) || (b == 0xED && s[1] > 0x9F) || (b == 0xF0 && s[1] < 0x90) ||
        (b == 0xF4 && s[1] > 0x8F))
        return 0;
    return need + 1;
}

size_t qt__utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;
    while (i < n && (k = seq_len(p + i, n - i)) != 0)
        i += k;
    return i;
}

size_t qt__utf8_cut(const char *s, size_t n, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;
    while (i < n) {
        k = seq_len(p + i, n - i);
        if (k == 0)
            k = 1; /* an invalid byte counts as one character */
        if (i + k > max)
            break;
        i += k;
    }
    return i;
}

void qt__utf8_repair(char *s)
{
    unsigned char *p = (unsigned char *)s;
    size_t n = strlen(s), i = 0, k;
    while (i < n) {
        k = seq_len(p + i, n - i);
        if (k == 0) {
            p[i] = '?';
            k = 1;
        }
        i += k;
    }
}

/* SPDX-License-Identifier: MIT */
/*
 * base/utf8.h -- UTF-8 as JSON needs it: validity (no overlong forms, no
 * surrogates), cutting on character boundaries, repairing.  Pure, thread-safe.
 */
#ifndef QUARTER_BASE_UTF8_H
#define QUARTER_BASE_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 prefix of s (n bytes). */
size_t qt__utf8_valid_prefix(const char *s, size_t n);
/* The longest prefix of s (n bytes) of at most max bytes that ends on a character boundary. */
size_t qt__utf8_cut(const char *s, size_t n, size_t max);
/* Replace every byte that does not start a valid sequence with '?', in place. */
void qt__utf8_repair(char *s);

#endif

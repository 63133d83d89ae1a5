/* SPDX-License-Identifier: MIT */
/*
 * base/code32.h -- short codes a person can read aloud and type: Crockford
 * base32 (0-9 A-Z without I L O U) with Crockford's mod-37 check character.
 * Typing is forgiving: case is ignored, '-' and spaces are dropped, O reads
 * as 0 and I, L as 1.  Generated codes only take random values whose check
 * character is a letter or digit (never * ~ $ = U), so every code is speakable.
 * Pure functions, thread-safe.
 */
#ifndef QUARTER_BASE_CODE32_H
#define QUARTER_BASE_CODE32_H

#include <stddef.h>

#define QT__CODE32_DATA 10 /* data characters: 50 random bits */
#define QT__CODE32_LEN  (QT__CODE32_DATA + 1)

/*
 * Make a code from QT__CODE32_DATA bytes of randomness (each byte's low 5
 * bits are used): out gets QT__CODE32_LEN characters and a NUL.  Returns 0,
 * or -1 when this randomness gives a check character that is not a letter
 * or digit (draw again).
 */
int qt__code32_make(const unsigned char rnd[QT__CODE32_DATA], char out[QT__CODE32_LEN + 1]);

/*
 * Normalize what a person typed into the canonical code (upper case, no
 * separators) in out (QT__CODE32_LEN + 1 bytes).  Returns 0, -1 (a character
 * outside the alphabet), -2 (wrong length), -3 (the check character does not
 * match: a typo).
 */
int qt__code32_normalize(const char *typed, char out[QT__CODE32_LEN + 1]);

#endif

/* SPDX-License-Identifier: MIT */
/* code32.c -- Crockford base32 codes with a mod-37 check character (code32.h). */
#include "base/code32.h"

static const char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/* value of a typed character, or -1 */
static int value_of(char c, int check)
{
    int i;
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c == 'O')
        c = '0';
    else if (c == 'I' || c == 'L')
        c = '1';
    for (i = 0; i < (check ? 37 : 32); i++)
        if (digits[i] == c)
            return i;
    return -1;
}

int qt__code32_make(const unsigned char rnd[QT__CODE32_DATA], char out[QT__CODE32_LEN + 1])
{
    unsigned sum = 0;
    int i;
    for (i = 0; i < QT__CODE32_DATA; i++) {
        unsigned d = rnd[i] & 31u;
        out[i] = digits[d];
        sum = (sum * 32 + d) % 37;
    }
    if (sum >= 32)
        return -1;
    out[QT__CODE32_DATA] = digits[sum];
    out[QT__CODE32_LEN] = '\0';
    return 0;
}

int qt__code32_normalize(const char *typed, char out[QT__CODE32_LEN + 1])
{
    int vals[QT__CODE32_LEN], n = 0, i;
    unsigned sum = 0;
    const char *p;
    for (p = typed; *p; p++) {
        int v;
        if (*p == '-' || *p == ' ')
            continue;
        if (n >= QT__CODE32_LEN)
            return -2;
        v = value_of(*p, n == QT__CODE32_DATA);
        if (v < 0)
            return -1;
        vals[n++] = v;
    }
    if (n != QT__CODE32_LEN)
        return -2;
    for (i = 0; i < QT__CODE32_DATA; i++)
        sum = (sum * 32 + (unsigned)vals[i]) % 37;
    if ((int)sum != vals[QT__CODE32_DATA])
        return -3;
    for (i = 0; i < QT__CODE32_LEN; i++)
        out[i] = digits[vals[i]];
    out[QT__CODE32_LEN] = '\0';
    return 0;
}

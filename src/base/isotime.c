/* SPDX-License-Identifier: MIT */
/* isotime.c -- ISO 8601 <-> Unix seconds (isotime.h); H. Hinnant's civil-date algorithms. */
#include "base/isotime.h"

#include <stdio.h>
#include <string.h>

int64_t qt__days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* n digits at *p into *v */
static int digits(const char **p, int n, int *v)
{
    int i, x = 0;
    for (i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int qt__time_parse(const char *s, int dflt_offset_min, int64_t *out)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, se = 0, off = dflt_offset_min;
    size_t i, n = strlen(s);
    if (n == 0 || n > 40)
        return -1;
    for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        ;
    if (i == n) { /* Unix seconds */
        int64_t v = 0;
        if (n > 12)
            return -1;
        for (i = 0; i < n; i++)
            v = v * 10 + (s[i] - '0');
        *out = v;
        return 0;
    }
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
        return -1;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &se))
                return -1;
            if (*p == '.' || *p == ',') {
                p++;
                if (*p < '0' || *p > '9')
                    return -1;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (h > 23 || mi > 59 || se > 60)
            return -1;
        if (*p == 'Z' || *p == 'z') {
            off = 0;
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1, oh, om = 0;
            p++;
            if (digits(&p, 2, &oh))
                return -1;
            if (*p == ':')
                p++;
            if (*p && digits(&p, 2, &om))
                return -1;
            if (oh > 14 || om > 59)
                return -1;
            off = sign * (oh * 60 + om);
        }
    }
    if (*p)
        return -1;
    *out = qt__days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + (se > 59 ? 59 : se) -
           (int64_t)off * 60;
    return 0;
}

static int abs_min(int v)
{
    return v < 0 ? -v : v;
}

void qt__time_format(int64_t t, int offset_min, char out[32])
{
    int64_t l = t + (int64_t)offset_min * 60, days = l >= 0 ? l / 86400 : -((-l + 86399) / 86400), y;
    int64_t sec = l - days * 86400;
    unsigned m, d, om = (unsigned)abs_min(offset_min) % (15 * 60);
    char buf[96];
    civil_from_days(days, &y, &m, &d);
    if (offset_min == 0)
        snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d, (unsigned)(sec / 3600),
                 (unsigned)(sec / 60 % 60), (unsigned)(sec % 60));
    else
        snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u%c%02u:%02u", (long long)y, m, d,
                 (unsigned)(sec / 3600), (unsigned)(sec / 60 % 60), (unsigned)(sec % 60), offset_min < 0 ? '-' : '+',
                 om / 60, om % 60);
    memcpy(out, buf, 31);
    out[31] = '\0';
}

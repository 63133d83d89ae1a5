/* SPDX-License-Identifier: MIT */
/*
 * hours.c -- the opening_hours subset of quarter/hours.h.
 */
#include <ctype.h>
#include <string.h>

#include "base/i18n.h"
#include "quarter/hours.h"

static const char *const days[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};

static int day_at(const char *s)
{
    int d;
    for (d = 0; d < 7; d++)
        if (s[0] == days[d][0] && s[1] == days[d][1])
            return d;
    return -1;
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* "H:MM" or "HH:MM" (hour up to 24, or up to 48 after midnight); -1 on error */
static int parse_time(const char **ps)
{
    const char *s = *ps;
    int h = 0, m, nd = 0;
    while (isdigit((unsigned char)*s) && nd < 2) {
        h = h * 10 + (*s++ - '0');
        nd++;
    }
    if (!nd || (*s != ':' && strncmp(s, "：", 3) != 0))
        return -1;
    s += *s == ':' ? 1 : 3;
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
        return -1;
    m = (s[0] - '0') * 10 + (s[1] - '0');
    if (m > 59 || h > 48)
        return -1;
    *ps = s + 2;
    return h * 60 + m;
}

static int range_sep(const char **ps)
{
    const char *s = skip_ws(*ps);
    if (*s == '-' || *s == '~') {
        *ps = skip_ws(s + 1);
        return 1;
    }
    if (strncmp(s, "～", 3) == 0 || strncmp(s, "—", 3) == 0 || strncmp(s, "至", 3) == 0) {
        *ps = skip_ws(s + 3);
        return 1;
    }
    return 0;
}

/* one rule; fills per-day open minutes [day][range] as (start, end) pairs where end may pass 1440 */
typedef struct dayplan {
    int n;
    int start[8], end[8];
} dayplan;

/* returns 0 ok, -1 outside the subset */
static int parse_rule(const char *s, const char *e, dayplan plan[7])
{
    int sel[7] = {0}, any_day = 0, d;
    dayplan dp;
    char buf[256];
    size_t n = (size_t)(e - s);
    const char *p;
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    p = skip_ws(buf);
    /* weekday selector */
    while ((d = day_at(p)) >= 0) {
        int d2 = d;
        p += 2;
        if (*p == '-') {
            d2 = day_at(p + 1);
            if (d2 < 0)
                return -1;
            p += 3;
        }
        for (;;) {
            sel[d] = 1;
            if (d == d2)
                break;
            d = (d + 1) % 7;
        }
        any_day = 1;
        if (*p == ',') {
            p++;
            continue;
        }
        break;
    }
    if (!any_day)
        for (d = 0; d < 7; d++)
            sel[d] = 1;
    p = skip_ws(p);
    dp.n = 0;
    if (strcmp(p, "off") == 0 || strcmp(p, "closed") == 0) {
        /* dp stays empty */
    } else {
        for (;;) {
            int a = parse_time(&p), b;
            if (a < 0 || a > 1440 || !range_sep(&p))
                return -1;
            b = parse_time(&p);
            if (b < 0 || dp.n == 8)
                return -1;
            if (b <= a)
                b += 1440; /* past midnight */
            dp.start[dp.n] = a;
            dp.end[dp.n] = b;
            dp.n++;
            p = skip_ws(p);
            if (*p == ',') {
                p = skip_ws(p + 1);
                continue;
            }
            if (*p)
                return -1;
            break;
        }
    }
    for (d = 0; d < 7; d++)
        if (sel[d])
            plan[d] = dp;
    return 0;
}

int qt_hours_open_at(const char *spec, int weekday, int minute)
{
    dayplan plan[7];
    const char *s;
    int d, k, prev;
    if (!spec || weekday < 0 || weekday > 6 || minute < 0 || minute >= 1440)
        return -1;
    s = skip_ws(spec);
    if (!*s)
        return -1;
    if (strcmp(s, "24/7") == 0)
        return 1;
    memset(plan, 0, sizeof plan);
    while (*s) {
        const char *e = strchr(s, ';');
        if (!e)
            e = s + strlen(s);
        if (e > s && parse_rule(s, e, plan) != 0)
            return -1;
        s = *e ? skip_ws(e + 1) : e;
    }
    d = weekday;
    for (k = 0; k < plan[d].n; k++)
        if (minute >= plan[d].start[k] && minute < plan[d].end[k])
            return 1;
    prev = (weekday + 6) % 7; /* yesterday's ranges past midnight */
    for (k = 0; k < plan[prev].n; k++)
        if (minute + 1440 >= plan[prev].start[k] && minute + 1440 < plan[prev].end[k])
            return 1;
    return 0;
}

qt_status qt_hours_parse_at(const char *s, int *weekday, int *minute, qt_error *err)
{
    const char *p = skip_ws(s);
    int d = day_at(p), m;
    if (d >= 0) {
        p = skip_ws(p + 2);
    }
    m = parse_time(&p);
    if (m < 0 || m >= 1440 || *skip_ws(p))
        return qt_error_set(err, QT_EINVAL, "--at", _("'%s' is not a time of day like 07:00 or 'Sa 22:30'"), s);
    *weekday = d;
    *minute = m;
    return QT_OK;
}

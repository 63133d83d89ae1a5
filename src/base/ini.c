/* SPDX-License-Identifier: MIT */
/*
 * ini.c -- reader for the `[section] key = value` format of base/ini.h.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/ini.h"

static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        size_t need, k;
        if (*s < 0x80) {
            s++;
            continue;
        }
        if (*s >= 0xC2 && *s <= 0xDF)
            need = 1;
        else if (*s >= 0xE0 && *s <= 0xEF)
            need = 2;
        else if (*s >= 0xF0 && *s <= 0xF4)
            need = 3;
        else
            return 0;
        for (k = 1; k <= need; k++)
            if ((s[k] & 0xC0) != 0x80)
                return 0;
        s += need + 1;
    }
    return 1;
}

/* a line saved as GBK (Notepad's "ANSI" on Chinese Windows) to UTF-8 in out; -1 when it is not GBK either */
static int gbk_line(const char *in, char *out, size_t n)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    char *ip = (char *)in, *op = out;
    size_t il = strlen(in), ol = n - 1;
    int ok;
    if (cd == (iconv_t)-1)
        return -1;
    ok = iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0;
    iconv_close(cd);
    *op = '\0';
    return ok ? 0 : -1;
}

char *qt__ini_trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

/* What the lines of one file share while it is read. */
typedef struct ini_state {
    const char *path;
    int line;
    char section[256], argbuf[256], where[300];
    char *arg; /* the section's argument, or NULL */
    qt__ini_fn fn;
    void *ud;
} ini_state;

/* A "[name arg]" line s (trimmed): the section and its argument, told to fn. */
static qt_status ini_section(ini_state *S, char *s, qt_error *err)
{
    char *e = strchr(s, ']');
    if (!e || e[1])
        return qt_error_set(err, QT_EPARSE, S->where, _("a section header is [name] alone on its line"));
    *e = '\0';
    s = qt__ini_trim(s + 1);
    S->arg = strpbrk(s, " \t");
    if (S->arg) {
        *S->arg++ = '\0';
        S->arg = qt__ini_trim(S->arg);
    }
    snprintf(S->section, sizeof S->section, "%s", s);
    if (S->arg) { /* keep the argument for the keys that follow */
        snprintf(S->argbuf, sizeof S->argbuf, "%s", S->arg);
        S->arg = S->argbuf;
    }
    return S->fn(S->ud, S->line, S->section, S->arg, NULL, NULL, err);
}

/* A "key = value  # comment" line s (trimmed), told to fn. */
static qt_status ini_key(ini_state *S, char *s, qt_error *err)
{
    char *eq = strchr(s, '='), *c, *k, *v;
    if (!eq)
        return qt_error_set(err, QT_EPARSE, S->where, _("expected 'key = value'"));
    *eq = '\0';
    for (c = eq + 1; (c = strchr(c, '#')) != NULL; c++)
        if (c[-1] == ' ' || c[-1] == '\t') {
            *c = '\0';
            break;
        }
    k = qt__ini_trim(s);
    v = qt__ini_trim(eq + 1);
    if (!*k)
        return qt_error_set(err, QT_EPARSE, S->where, _("missing key before '='"));
    if (!*v) {
        snprintf(S->where, sizeof S->where, "%s:%d: key '%s'", S->path, S->line, k);
        return qt_error_set(err, QT_EPARSE, S->where, _("has no value"));
    }
    if (!S->section[0]) {
        snprintf(S->where, sizeof S->where, "%s:%d: key '%s'", S->path, S->line, k);
        return qt_error_set(err, QT_EPARSE, S->where, _("comes before any [section]"));
    }
    return S->fn(S->ud, S->line, S->section, S->arg, k, v, err);
}

qt_status qt__ini_read(const char *path, qt__ini_fn fn, void *ud, qt_error *err)
{
    FILE *fp = fopen(path, "rb");
    char buf[4096], conv[3 * 4096];
    ini_state S;
    qt_status st = QT_OK;
    if (!fp)
        return qt_error_set(err, QT_EIO, path, _("cannot open: %s"), strerror(errno));
    memset(&S, 0, sizeof S);
    S.path = path;
    S.fn = fn;
    S.ud = ud;
    while (st == QT_OK && fgets(buf, sizeof buf, fp)) {
        char *s = buf;
        S.line++;
        snprintf(S.where, sizeof S.where, "%s:%d", path, S.line);
        if (!strchr(buf, '\n') && !feof(fp)) {
            st = qt_error_set(err, QT_EPARSE, S.where, _("line longer than %zu bytes"), sizeof buf - 2);
            break;
        }
        if (S.line == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
            s += 3;
        if (!valid_utf8((const unsigned char *)s)) {
            if (gbk_line(s, conv, sizeof conv) != 0) {
                st = qt_error_set(err, QT_EPARSE, S.where, _("neither UTF-8 nor GBK text: save the file as UTF-8"));
                break;
            }
            s = conv;
        }
        s = qt__ini_trim(s);
        if (!*s || *s == '#' || *s == ';')
            continue;
        st = *s == '[' ? ini_section(&S, s, err) : ini_key(&S, s, err);
    }
    if (st == QT_OK && ferror(fp))
        st = qt_error_set(err, QT_EIO, path, _("read error"));
    fclose(fp);
    return st;
}

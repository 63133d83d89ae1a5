/* SPDX-License-Identifier: MIT */
/* csv.c -- in-memory CSV splitting with precise error locations. */
#include "base/i18n.h"
#include "io/csv.h"

#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

/* Length of the valid UTF-8 prefix of s (n bytes). */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        size_t k, need;
        if (b < 0x80) {
            i++;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF)
            need = 1;
        else if (b >= 0xE0 && b <= 0xEF)
            need = 2;
        else if (b >= 0xF0 && b <= 0xF4)
            need = 3;
        else
            return i;
        for (k = 1; k <= need; k++)
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                return i;
        /* no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF (what JSON needs) */
        if ((b == 0xE0 && s[i + 1] < 0xA0) || (b == 0xED && s[i + 1] > 0x9F) || (b == 0xF0 && s[i + 1] < 0x90) ||
            (b == 0xF4 && s[i + 1] > 0x8F))
            return i;
        i += need + 1;
    }
    return n;
}

/* 1-based line number of byte offset off in data */
static size_t line_at(const char *data, size_t off)
{
    size_t line = 1, i;
    for (i = 0; i < off; i++)
        line += data[i] == '\n';
    return line;
}

/* Re-encode c->data from GB18030 (a superset of GBK, as Excel saves CSV on Chinese Windows) to UTF-8. */
static qt_status from_gb18030(qt__csv *c, qt_error *err)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    size_t cap = c->len * 3 / 2 + 16, inleft = c->len, outleft;
    char *out, *in = c->data, *op;
    if (cd == (iconv_t)-1)
        return qt_error_set(err, QT_EUNSUPPORTED, c->path, _("this system cannot convert GBK text (iconv)"));
    out = qt__malloc(cap + 1);
    if (!out) {
        iconv_close(cd);
        return qt_error_set(err, QT_ENOMEM, c->path, _("no memory to convert from GBK"));
    }
    op = out;
    outleft = cap;
    if (iconv(cd, &in, &inleft, &op, &outleft) == (size_t)-1) {
        size_t off = (size_t)(in - c->data), line = line_at(c->data, off);
        iconv_close(cd);
        qt__free(out);
        return qt_error_set(err, QT_EPARSE, c->path,
                            _("line %zu: the file is neither UTF-8 nor GBK (bad byte 0x%02X); save it as "
                              "UTF-8 or say --encoding"),
                            line, (unsigned char)c->data[off]);
    }
    iconv_close(cd);
    qt__free(c->data);
    c->data = out;
    c->len = cap - outleft;
    c->data[c->len] = '\0';
    return QT_OK;
}

qt_status qt__csv_open(qt__csv *c, const char *path, qt_error *err)
{
    return qt__csv_open_enc(c, path, QT_ENC_AUTO, err);
}

qt_status qt__csv_open_enc(qt__csv *c, const char *path, qt_encoding enc, qt_error *err)
{
    return qt__csv_open_hdr(c, path, enc, 0, err);
}

qt_status qt__csv_open_hdr(qt__csv *c, const char *path, qt_encoding enc, int header_row, qt_error *err)
{
    FILE *fp;
    long sz;
    memset(c, 0, sizeof *c);
    c->path = path;
    c->header_row = header_row;
    fp = fopen(path, "rb");
    if (!fp)
        return qt_error_set(err, QT_EIO, path, _("cannot open: %s"), strerror(errno));
    if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        int e = errno;
        fclose(fp);
        return qt_error_set(err, QT_EIO, path, _("cannot read: %s"), strerror(e ? e : EIO));
    }
    c->data = qt__malloc((size_t)sz + 1);
    if (!c->data) {
        fclose(fp);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory to read %ld bytes"), sz);
    }
    if (sz && fread(c->data, 1, (size_t)sz, fp) != (size_t)sz) {
        int e = errno;
        fclose(fp);
        qt__csv_close(c);
        return qt_error_set(err, QT_EIO, path, _("cannot read: %s"), strerror(e ? e : EIO));
    }
    fclose(fp);
    c->len = (size_t)sz;
    c->data[c->len] = '\0';
    c->encoding = QT_ENC_UTF8;
    if (c->len >= 3 && memcmp(c->data, "\xEF\xBB\xBF", 3) == 0) {
        /* a byte-order mark says UTF-8: the rest must be (issue 11, item 11) */
        size_t ok = utf8_valid_prefix((const unsigned char *)c->data, c->len);
        if (ok < c->len) {
            size_t line = line_at(c->data, ok);
            unsigned bad = (unsigned char)c->data[ok];
            qt__csv_close(c);
            return qt_error_set(err, QT_EPARSE, path,
                                _("line %zu: the file starts with a UTF-8 byte-order mark but is not valid UTF-8 "
                                  "here (bad byte 0x%02X)"),
                                line, bad);
        }
        c->pos = 3;
    } else if (enc == QT_ENC_GBK ||
               (enc == QT_ENC_AUTO && utf8_valid_prefix((const unsigned char *)c->data, c->len) < c->len)) {
        qt_status st = from_gb18030(c, err);
        if (st != QT_OK) {
            qt__csv_close(c);
            return st;
        }
        c->encoding = QT_ENC_GBK;
    } else if (enc == QT_ENC_UTF8) {
        size_t ok = utf8_valid_prefix((const unsigned char *)c->data, c->len);
        if (ok < c->len) {
            size_t line = line_at(c->data, ok);
            qt__csv_close(c);
            return qt_error_set(err, QT_EPARSE, path, _("line %zu: not valid UTF-8 (is it GBK?)"), line);
        }
    }
    return qt__csv_start(c, err);
}

/* a field that reads as a number (a data row, not a header) */
static int numeric(const char *s)
{
    char *e;
    while (*s == ' ')
        s++;
    if (!*s)
        return 0;
    (void)strtod(s, &e);
    while (*e == ' ')
        e++;
    return *e == '\0';
}

/*
 * The line of the header among the next 10 records: the first with at least
 * two non-empty cells, at least half as many as the widest of them, and
 * mostly text (a title row above the header of a 台账 has one cell).  The
 * records are split in a copy, so c is not changed.  0 when nothing fits.
 */
static size_t find_header(const qt__csv *c)
{
    qt__csv t;
    size_t n = c->len - c->pos, line[10], k = 0, i, best = 0;
    int ne[10], num[10], maxne = 0;
    if (n > 65536)
        n = 65536;
    memset(&t, 0, sizeof t);
    t.data = qt__malloc(n + 1);
    if (!t.data)
        return 0;
    memcpy(t.data, c->data + c->pos, n);
    t.data[n] = '\0';
    t.len = n;
    t.path = c->path;
    t.features = c->features;
    t.next_line = c->next_line;
    while (k < 10 && qt__csv_next(&t, NULL) > 0) {
        ne[k] = num[k] = 0;
        for (i = 0; i < t.nfield; i++) {
            const char *f = t.field[i];
            while (*f == ' ' || *f == '\t')
                f++;
            if (*f) {
                ne[k]++;
                num[k] += numeric(f);
            }
        }
        if (ne[k] > maxne)
            maxne = ne[k];
        line[k++] = t.line;
    }
    qt__free(t.data);
    qt__free(t.field);
    for (i = 0; i < k; i++)
        if (ne[i] >= 2 && 2 * ne[i] >= maxne && 2 * num[i] < ne[i]) {
            best = line[i];
            break;
        }
    return best;
}

qt_status qt__csv_start(qt__csv *c, qt_error *err)
{
    const char *path = c->path;
    size_t i, want;
    int r;
    c->next_line = c->features ? 0 : 1;
    if (c->sheet && qt__csv_next(c, err) < 0) /* the field names GDAL made up (Field1, ...) */
        return err ? err->code : QT_EPARSE;
    want = c->header_row > 0 ? (size_t)c->header_row : (!c->features || c->sheet) ? find_header(c) : 0;
    for (;;) {
        r = qt__csv_next(c, err);
        if (r <= 0 || !want || c->line >= want)
            break;
    }
    if (r > 0 && c->header_row > 0 && c->line != want) {
        char where[200];
        snprintf(where, sizeof where, "%s:%d", path, c->header_row);
        qt__csv_close(c);
        return qt_error_set(err, QT_EINVAL, where, _("header_row %d is an empty line"), c->header_row);
    }
    if (r == 0 && c->header_row > 0) {
        int h = c->header_row;
        qt__csv_close(c);
        return qt_error_set(err, QT_EINVAL, path, _("header_row %d: the table has fewer rows"), h);
    }
    c->header_line = c->line;
    if (r < 0) {
        qt__csv_close(c);
        return err ? err->code : QT_EPARSE;
    }
    if (r == 0) {
        qt__csv_close(c);
        return qt_error_set(err, QT_EPARSE, path, _("the file is empty: expected a header row"));
    }
    c->header = qt__calloc(c->nfield, sizeof *c->header);
    if (!c->header) {
        qt__csv_close(c);
        return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
    }
    c->nheader = c->nfield;
    for (i = 0; i < c->nfield; i++) {
        /* header names compare trimmed */
        char *h = c->field[i];
        size_t n;
        while (*h == ' ' || *h == '\t')
            h++;
        n = strlen(h);
        while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
            h[--n] = '\0';
        c->header[i] = qt__strdup(h);
        if (!c->header[i]) {
            qt__csv_close(c);
            return qt_error_set(err, QT_ENOMEM, path, _("no memory"));
        }
    }
    return QT_OK;
}

void qt__csv_close(qt__csv *c)
{
    size_t i;
    qt__free(c->data);
    qt__free(c->field);
    for (i = 0; i < c->nheader; i++)
        qt__free(c->header[i]);
    qt__free(c->header);
    qt__free(c->noise);
    memset(c, 0, sizeof *c);
}

static int push_field(qt__csv *c, char *f)
{
    if (qt__grow((void **)&c->field, &c->fcap, c->nfield + 1, sizeof *c->field) != 0)
        return -1;
    c->field[c->nfield++] = f;
    return 0;
}

/* The start of the next record, past blank lines; NULL at the end of the data. */
static inline char *skip_blank_lines(qt__csv *c, const char *end)
{
    char *p;
    for (;;) {
        c->nfield = 0;
        if (c->pos >= c->len)
            return NULL;
        p = c->data + c->pos;
        c->line = c->next_line;
        if (*p == '\n' || (*p == '\r' && (p + 1 < end && p[1] == '\n'))) {
            c->pos += (*p == '\r') ? 2 : 1;
            c->next_line++;
            continue;
        }
        return p;
    }
}

static int csv_parse_error(const qt__csv *c, qt_error *err, const char *msg)
{
    char where[200];
    snprintf(where, sizeof where, "%s:%zu", c->path, c->line);
    qt_error_set(err, QT_EPARSE, where, "%s", msg);
    return -1;
}

/* The quoted field at *pp, unescaped in place and pushed; *pp moves past it
 * (and past a following comma).  Returns 1 when another field follows, 0 at
 * the end of the record, -1 on error. */
static inline int quoted_field(qt__csv *c, char **pp, char *end, qt_error *err)
{
    char *p = *pp, *start = p, *w = p;
    char sep;
    p++;
    for (;;) {
        if (p >= end)
            return csv_parse_error(c, err, _("unterminated quoted field"));
        if (*p == '"') {
            if (p + 1 < end && p[1] == '"') {
                *w++ = '"';
                p += 2;
                continue;
            }
            p++;
            break;
        }
        if (*p == '\n')
            c->next_line++;
        *w++ = *p++;
    }
    if (p < end && *p != ',' && *p != '\n' && *p != '\r')
        return csv_parse_error(c, err, _("unexpected character after a closing quote"));
    if (push_field(c, start) != 0) {
        qt_error_set(err, QT_ENOMEM, c->path, _("no memory"));
        return -1;
    }
    /* terminate where the unescaped text ends */
    sep = p < end ? *p : '\0';
    *w = '\0';
    if (sep == ',')
        p++;
    *pp = p;
    return sep == ',';
}

/* Ends the record at p (its line break, if any, cut off) and moves past it. */
static inline void end_record(qt__csv *c, char *p, const char *end)
{
    if (p < end && *p == '\r') {
        *p++ = '\0';
        if (p < end && *p == '\n')
            p++;
    } else if (p < end && *p == '\n') {
        *p++ = '\0';
    }
    c->next_line++;
    if (c->features)
        c->next_line = c->line + 1; /* one record per feature, whatever its line breaks */
    c->pos = (size_t)(p - c->data);
}

int qt__csv_next(qt__csv *c, qt_error *err)
{
    char *p, *end = c->data + c->len;
    if (!(p = skip_blank_lines(c, end)))
        return 0;
    for (;;) {
        char *start = p;
        if (*p == '"') {
            int more = quoted_field(c, &p, end, err);
            if (more < 0)
                return -1;
            if (more)
                continue;
        } else {
            while (p < end && *p != ',' && *p != '\n' && *p != '\r')
                p++;
            if (push_field(c, start) != 0) {
                qt_error_set(err, QT_ENOMEM, c->path, _("no memory"));
                return -1;
            }
            if (p < end && *p == ',') {
                *p++ = '\0';
                continue;
            }
        }
        end_record(c, p, end);
        return 1;
    }
}

size_t qt__csv_rows_left(const qt__csv *c)
{
    const char *p = c->data + c->pos, *end = c->data + c->len;
    size_t n = 0;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n + 1;
}

void qt__header_norm(const char *s, char *out, size_t n)
{
    size_t o = 0;
    while (*s && o + 1 < n) {
        const unsigned char *u = (const unsigned char *)s;
        if (*s == ' ' || *s == '\t') {
            s++;
        } else if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) { /* U+3000 ideographic space */
            s += 3;
        } else if (u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x88 || u[2] == 0x89)) { /* （ ） */
            out[o++] = u[2] == 0x88 ? '(' : ')';
            s += 3;
        } else if (u[0] == 0xE3 && u[1] == 0x80 && (u[2] == 0x90 || u[2] == 0x91)) { /* 【 】 */
            out[o++] = u[2] == 0x90 ? '(' : ')';
            s += 3;
        } else if (*s == '[' || *s == ']') {
            out[o++] = *s == '[' ? '(' : ')';
            s++;
        } else {
            out[o++] = (char)((*s >= 'A' && *s <= 'Z') ? *s - 'A' + 'a' : *s);
            s++;
        }
    }
    out[o] = '\0';
    /* a trailing unit: 营业面积(㎡) */
    while (o > 0 && out[o - 1] == ')') {
        char *open = strrchr(out, '(');
        if (!open || open == out)
            break;
        *open = '\0';
        o = (size_t)(open - out);
    }
}

int qt__csv_col(const qt__csv *c, const char *name)
{
    size_t i;
    char want[256], have[256];
    for (i = 0; i < c->nheader; i++)
        if (strcmp(c->header[i], name) == 0)
            return (int)i;
    qt__header_norm(name, want, sizeof want);
    for (i = 0; i < c->nheader; i++) {
        qt__header_norm(c->header[i], have, sizeof have);
        if (strcmp(have, want) == 0)
            return (int)i;
    }
    return -1;
}

void qt__csv_bad(qt__csv *c, const qt_error *e)
{
    size_t max = c->max_bad ? c->max_bad : 20;
    if (c->nbad == 0)
        c->first_bad = *e;
    if (c->on_problem && c->nbad < max)
        c->on_problem(c->problem_ud, e);
    c->nbad++;
}

qt_status qt__csv_bad_end(const qt__csv *c, qt_error *err)
{
    size_t max = c->max_bad ? c->max_bad : 20;
    if (c->nbad == 0)
        return QT_OK;
    if (c->on_problem) {
        if (c->nbad > max)
            return qt_error_set(err, c->first_bad.code, c->path,
                                _("%zu rows are bad (the first %zu are listed above); nothing was read"), c->nbad, max);
        return qt_error_set(err, c->first_bad.code, c->path,
                            P_("%zu bad row (listed above); nothing was read",
                               "%zu bad rows (listed above); nothing was read", c->nbad),
                            c->nbad);
    }
    if (c->nbad == 1)
        return qt_error_set(err, c->first_bad.code, c->first_bad.where, "%s", c->first_bad.msg);
    return qt_error_set(err, c->first_bad.code, c->first_bad.where, _("%s (and %zu more bad rows)"), c->first_bad.msg,
                        c->nbad - 1);
}

void qt__table_opts_set(qt__table_opts *to, qt_encoding enc, const char *layer, int header_row,
                        qt_problem_fn on_problem, void *problem_ud)
{
    memset(to, 0, sizeof *to);
    to->encoding = enc;
    to->layer = layer;
    to->header_row = header_row;
    to->on_problem = on_problem;
    to->problem_ud = problem_ud;
}

qt_status qt__csv_rows_end(const qt__csv *c, int r, qt_error *err)
{
    if (r < 0)
        return err ? err->code : QT_EPARSE;
    return qt__csv_bad_end(c, err);
}

char *qt__csv_id(const qt__csv *c, int col)
{
    char line[32];
    if (col >= 0 && c->field[col][0])
        return qt__strdup(c->field[col]);
    snprintf(line, sizeof line, "%zu", c->line);
    return qt__strdup(line);
}

qt_status qt__csv_require(const qt__csv *c, const char *name, int *idx, qt_error *err)
{
    *idx = qt__csv_col(c, name);
    if (*idx < 0)
        return qt_error_set(err, QT_EPARSE, c->path,
                            c->features && !c->sheet ? _("missing field '%s'")
                                                     : _("missing column '%s' in the header (line %zu)"),
                            name, c->header_line);
    return QT_OK;
}

static void where_of(const qt__csv *c, int col, char *buf, size_t n)
{
    const char *unit = c->features ? "feature " : "";
    if (col >= 0 && (size_t)col < c->nheader)
        snprintf(buf, n, "%s:%s%zu: column '%s'", c->path, unit, c->line, c->header[col]);
    else
        snprintf(buf, n, "%s:%s%zu", c->path, unit, c->line);
}

qt_status qt__csv_failv(const qt__csv *c, int col, qt_error *err, qt_status code, const char *fmt, ...)
{
    char where[200];
    va_list ap;
    where_of(c, col, where, sizeof where);
    va_start(ap, fmt);
    qt_error_setv(err, code, where, fmt, ap);
    va_end(ap);
    return code;
}

static qt_status need_field(const qt__csv *c, int col, qt_error *err)
{
    if (col < 0 || (size_t)col >= c->nfield || c->nfield != c->nheader)
        return qt__csv_failv(c, -1, err, QT_EPARSE, _("expected %zu fields as in the header, found %zu"), c->nheader,
                             c->nfield);
    return QT_OK;
}

const char *qt__csv_str(const qt__csv *c, int col)
{
    return (col >= 0 && (size_t)col < c->nfield) ? c->field[col] : "";
}

qt_status qt__csv_double(const qt__csv *c, int col, double *out, qt_error *err)
{
    const char *s;
    char *e;
    double v;
    qt_status st = need_field(c, col, err);
    if (st != QT_OK)
        return st;
    s = c->field[col];
    while (*s == ' ')
        s++;
    if (!*s)
        return qt__csv_failv(c, col, err, QT_EPARSE, _("empty value, expected a number"));
    errno = 0;
    v = strtod(s, &e);
    while (*e == ' ')
        e++;
    if (*e || e == s)
        return qt__csv_failv(c, col, err, QT_EPARSE, _("'%.40s' is not a number"), c->field[col]);
    if (!isfinite(v) || errno == ERANGE)
        return qt__csv_failv(c, col, err, QT_EINVAL, _("'%.40s' is not a finite number"), c->field[col]);
    *out = v;
    return QT_OK;
}

qt_status qt__csv_i64(const qt__csv *c, int col, int64_t *out, qt_error *err)
{
    const char *s;
    char *e;
    long long v;
    qt_status st = need_field(c, col, err);
    if (st != QT_OK)
        return st;
    s = c->field[col];
    while (*s == ' ')
        s++;
    if (!*s)
        return qt__csv_failv(c, col, err, QT_EPARSE, _("empty value, expected an integer id"));
    errno = 0;
    v = strtoll(s, &e, 10);
    while (*e == ' ')
        e++;
    if (*e || e == s)
        return qt__csv_failv(c, col, err, QT_EPARSE, _("'%.40s' is not an integer"), c->field[col]);
    if (errno == ERANGE)
        return qt__csv_failv(c, col, err, QT_EINVAL, _("'%.40s' does not fit in 64 bits"), c->field[col]);
    *out = (int64_t)v;
    return QT_OK;
}

qt_status qt__csv_pick(const qt__csv *c, const char *named, const char *const *cands, int required, const char *what,
                       int *idx, qt_error *err)
{
    size_t i;
    if (named)
        return qt__csv_require(c, named, idx, err);
    for (i = 0; cands[i]; i++)
        if ((*idx = qt__csv_col(c, cands[i])) >= 0)
            return QT_OK;
    *idx = -1;
    if (required) {
        char have[160];
        size_t o = 0, k;
        have[0] = '\0';
        for (k = 0; k < c->nheader && o + 1 < sizeof have; k++) {
            int w = snprintf(have + o, sizeof have - o, "%s%s", k ? ", " : "", c->header[k]);
            if (w < 0)
                break;
            o += (size_t)w;
        }
        if (o >= sizeof have)
            memcpy(have + sizeof have - 5, "...", 4);
        return qt_error_set(err, QT_EPARSE, c->path,
                            _("no %s column in the header (line %zu: %s); looked for '%s', '%s', ...; name it "
                              "with an option"),
                            what, c->header_line, have, cands[0], cands[1] ? cands[1] : cands[0]);
    }
    return QT_OK;
}

qt_status qt__csv_opt_double(const qt__csv *c, int col, double *out, qt_error *err)
{
    const char *s = col >= 0 ? qt__csv_str(c, col) : NULL;
    if (!s || !*s) {
        *out = NAN;
        return QT_OK;
    }
    return qt__csv_double(c, col, out, err);
}

qt_status qt_encoding_parse(const char *name, qt_encoding *out, qt_error *err)
{
    if (strcmp(name, "auto") == 0)
        *out = QT_ENC_AUTO;
    else if (strcmp(name, "utf-8") == 0 || strcmp(name, "utf8") == 0)
        *out = QT_ENC_UTF8;
    else if (strcmp(name, "gbk") == 0 || strcmp(name, "gb18030") == 0)
        *out = QT_ENC_GBK;
    else
        return qt_error_set(err, QT_EINVAL, "encoding", _("'%s' is not auto, utf-8 or gbk"), name);
    return QT_OK;
}

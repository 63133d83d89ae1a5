/* SPDX-License-Identifier: MIT */
/*
 * server/web_assets.c -- the built pages in memory (server/web_assets.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/i18n.h"
#include "base/alloc.h"
#include "server/web_assets.h"

#define MAX_FILES 4096
#define MAX_BYTES (64u << 20)

/* the pages by their URL: the file each is built into */
static const struct {
    const char *url, *file;
} PAGES[] = {
    {"/", "index.html"},
    {"/merchant", "merchant.html"},
    {"/operator", "operator.html"},
    {"/planner", "planner.html"},
    {"/login", "account.html"},
    {"/sw.js", "sw.js"},
    {"/manifest.webmanifest", "manifest.webmanifest"},
    {"/icon.svg", "icon.svg"},
};

static const char *type_of(const char *name)
{
    static const struct {
        const char *ext, *type;
    } T[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof T / sizeof T[0]; i++)
        if (strcmp(dot, T[i].ext) == 0)
            return T[i].type;
    return "application/octet-stream";
}

static int by_path(const void *x, const void *y)
{
    return strcmp(((const qt__asset *)x)->path, ((const qt__asset *)y)->path);
}

static qt_status add(qt__assets *t, size_t *cap, const char *url, const char *file, int immutable, int optional,
                     qt_error *err)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        if (optional)
            return QT_OK;
        return qt_error_set(err, QT_EIO, file, _("cannot read the page (build web/ first: node web/build.mjs DIR)"));
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || t->n >= MAX_FILES ||
        t->bytes + (size_t)st.st_size > MAX_BYTES) {
        fclose(f);
        return qt_error_set(err, QT_EINVAL, file, _("not a regular file, or the pages exceed %u files / %u MiB"),
                            MAX_FILES, MAX_BYTES >> 20);
    }
    if (qt__grow((void **)&t->a, cap, t->n + 1, sizeof *t->a) != 0) {
        fclose(f);
        return qt_error_set(err, QT_ENOMEM, file, _("out of memory"));
    }
    qt__asset *a = &t->a[t->n];
    memset(a, 0, sizeof *a);
    a->len = (size_t)st.st_size;
    a->path = qt__strdup(url);
    a->data = qt__malloc(a->len ? a->len : 1);
    if (!a->path || !a->data) {
        qt__free(a->path);
        qt__free(a->data);
        fclose(f);
        return qt_error_set(err, QT_ENOMEM, file, _("out of memory"));
    }
    size_t got = fread(a->data, 1, a->len, f);
    fclose(f);
    if (got != a->len) {
        qt__free(a->path);
        qt__free(a->data);
        return qt_error_set(err, QT_EIO, file, _("short read"));
    }
    a->type = type_of(file);
    a->immutable = immutable;
    t->n++;
    t->bytes += a->len;
    return QT_OK;
}

qt_status qt__assets_load(const char *dir, qt__assets *out, qt_error *err)
{
    qt__assets t = {0};
    size_t cap = 0;
    char path[4096], url[512];
    qt_status st = QT_OK;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; st == QT_OK && i < sizeof PAGES / sizeof PAGES[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, PAGES[i].file);
        st = add(&t, &cap, PAGES[i].url, path, 0, i > 0, err);
    }
    snprintf(path, sizeof path, "%s/assets", dir);
    DIR *d = st == QT_OK ? opendir(path) : NULL;
    if (st == QT_OK && !d)
        st = qt_error_set(err, QT_EIO, path, _("cannot read the pages' assets"));
    for (struct dirent *e; st == QT_OK && (e = readdir(d)) != NULL;) {
        const char *n = e->d_name;
        if (n[0] == '.' || strlen(n) > 200 || strchr(n, '/'))
            continue;
        snprintf(path, sizeof path, "%s/assets/%s", dir, n);
        snprintf(url, sizeof url, "/assets/%s", n);
        st = add(&t, &cap, url, path, 1, 0, err);
    }
    if (d)
        closedir(d);
    if (st != QT_OK) {
        qt__assets_free(&t);
        return st;
    }
    qsort(t.a, t.n, sizeof *t.a, by_path);
    *out = t;
    return QT_OK;
}

void qt__assets_free(qt__assets *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        qt__free(t->a[i].path);
        qt__free(t->a[i].data);
    }
    qt__free(t->a);
    memset(t, 0, sizeof *t);
}

const qt__asset *qt__assets_find(const qt__assets *t, const char *path)
{
    if (!t || !t->n || !path)
        return NULL;
    qt__asset key = {.path = (char *)path};
    return bsearch(&key, t->a, t->n, sizeof *t->a, by_path);
}

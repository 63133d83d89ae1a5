/* SPDX-License-Identifier: MIT */
/*
 * server/web_assets.h -- the pages (web/, built by web/build.mjs) held in
 * memory: read once when the server starts, answered from the table by exact
 * path, so a request never touches the file system (no traversal, no
 * half-written file).  Names under /assets/ carry a content hash and get a
 * year-long immutable cache; the pages, the manifest and the service worker
 * are no-cache.  The table never changes after loading: threads share it.
 */
#ifndef QUARTER_SERVER_WEB_ASSETS_H
#define QUARTER_SERVER_WEB_ASSETS_H

#include <stddef.h>

#include "quarter/status.h"

typedef struct qt__asset {
    char *path; /* the URL path: "/", "/planner", "/assets/planner-AB12CD.js" */
    unsigned char *data;
    size_t len;
    const char *type; /* Content-Type (static string) */
    int immutable;    /* 1: hashed name, long cache */
} qt__asset;

typedef struct qt__assets {
    qt__asset *a; /* sorted by path */
    size_t n;
    size_t bytes;
} qt__assets;

/* Read the built pages from dir (index.html, merchant.html, ..., assets/).
 * OUT *out, free with qt__assets_free().  Statuses: QT_EIO (no index.html,
 * unreadable), QT_ENOMEM, QT_EINVAL (more than 64 MiB or 4096 files). */
qt_status qt__assets_load(const char *dir, qt__assets *out, qt_error *err);
void qt__assets_free(qt__assets *t);
/* The asset for a URL path, or NULL.  BORROWED, valid until qt__assets_free. */
const qt__asset *qt__assets_find(const qt__assets *t, const char *path);

#endif

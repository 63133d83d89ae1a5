/* SPDX-License-Identifier: MIT */
/* network.c -- pick the network reader from a file name. */
#include <string.h>

#include "quarter/io.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

qt_status qt_graph_read_any(const char *path, const qt_network_opts *opts, qt_graph **out, qt_error *err)
{
    if (ends_with(path, ".pbf") || ends_with(path, ".osm"))
        return qt_graph_read_osm(path, opts, out, err);
    if (ends_with(path, ".qgraph"))
        return qt_graph_load(path, out, err);
    return qt_graph_read_ogr(path, opts, out, err);
}

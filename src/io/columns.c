/* SPDX-License-Identifier: MIT */
/* columns.c -- choosing the coordinate columns of a table (io/columns.h). */
#include "base/i18n.h"
#include "io/columns.h"

#include <stdio.h>
#include <string.h>

int qt__header_crs(const char *h)
{
    char s[256];
    size_t i;
    for (i = 0; h[i] && i + 1 < sizeof s; i++)
        s[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] - 'A' + 'a' : h[i]);
    s[i] = '\0';
    if (strstr(s, "gcj") || strstr(s, "火星") || strstr(s, "高德"))
        return QT_CRS_GCJ02;
    if (strstr(s, "bd09") || strstr(s, "bd-09") || strstr(s, "baidu") || strstr(s, "百度"))
        return QT_CRS_BD09;
    if (strstr(s, "wgs") || strstr(s, "gps"))
        return QT_CRS_WGS84;
    return -1;
}

/* whether header h could hold longitudes (lat = 0) or latitudes (lat = 1) */
static int candidate(const char *h, int lat)
{
    static const char *const lon_p[] = {"longitude", "经度", "lng", "lon", NULL};
    static const char *const lat_p[] = {"latitude", "纬度", "lat", NULL};
    const char *const *p = lat ? lat_p : lon_p;
    char norm[256];
    size_t i;
    qt__header_norm(h, norm, sizeof norm);
    if (strcmp(norm, lat ? "y" : "x") == 0 || strcmp(h, lat ? QT__GEOM_LAT : QT__GEOM_LON) == 0)
        return 1;
    for (i = 0; p[i]; i++) {
        size_t n = strlen(p[i]);
        if (strncmp(norm, p[i], n) == 0) {
            const char *rest = norm + n;
            if (!*rest || *rest == '_' || *rest == '-' || *rest == '(' || qt__header_crs(rest) >= 0)
                return 1;
            return 0;
        }
    }
    return 0;
}

static void list(const qt__csv *c, const int *cand, int nc, char *buf, size_t n)
{
    size_t o = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < nc && o + 1 < n; i++) {
        int w = snprintf(buf + o, n - o, "%s'%s'", i ? ", " : "", c->header[cand[i]]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* one axis: the chosen column or -1 with err set */
static int choose(const qt__csv *c, int lat, qt_crs crs, int prefer_sys, char *why, size_t whyn, qt_error *err)
{
    int cand[32], nc = 0, match = -1, nmatch = 0, plain = -1, nplain = 0, geom = -1, xy = -1, i, want;
    char names[200];
    why[0] = '\0';
    for (i = 0; (size_t)i < c->nheader && nc < 32; i++)
        if (candidate(c->header[i], lat)) {
            char norm[256];
            if (strcmp(c->header[i], lat ? QT__GEOM_LAT : QT__GEOM_LON) == 0) {
                geom = i;
                continue;
            }
            qt__header_norm(c->header[i], norm, sizeof norm);
            if (strcmp(norm, lat ? "y" : "x") == 0) { /* x, y: only when nothing says lon/lat */
                if (xy < 0)
                    xy = i;
                continue;
            }
            cand[nc++] = i;
        }
    if (nc == 0) {
        if (xy >= 0)
            return xy;
        if (geom >= 0)
            return geom;
        qt_error_set(err, QT_EPARSE, c->path,
                     _("no %s column in the header (line %zu); looked for %s; name it with an option"),
                     lat ? _("latitude") : _("longitude"), c->header_line,
                     lat ? "'纬度', 'lat', 'latitude', 'y'" : "'经度', 'lon', 'lng', 'longitude', 'x'");
        return -1;
    }
    if (nc == 1)
        return cand[0];
    want = prefer_sys >= 0 ? prefer_sys : (int)crs;
    for (i = 0; i < nc; i++) {
        int s = qt__header_crs(c->header[cand[i]]);
        if (s == want) {
            if (match < 0)
                match = cand[i];
            nmatch++;
        } else if (s < 0) {
            if (plain < 0)
                plain = cand[i];
            nplain++;
        }
    }
    list(c, cand, nc, names, sizeof names);
    if (nmatch == 1 || (nmatch == 0 && nplain == 1)) {
        int got = nmatch == 1 ? match : plain, rest[32], nr = 0;
        char others[200];
        for (i = 0; i < nc; i++)
            if (cand[i] != got)
                rest[nr++] = cand[i];
        list(c, rest, nr, others, sizeof others);
        snprintf(why, whyn, "%s", others);
        return got;
    }
    qt_error_set(err, QT_EPARSE, c->path,
                 _("several %s columns could hold the coordinates (%s) and none is the one for %s: name it "
                   "with --%s-col (%s_col = in a project)"),
                 lat ? _("latitude") : _("longitude"), names, qt_crs_name(crs), lat ? "lat" : "lon",
                 lat ? "lat" : "lon");
    return -1;
}

qt_status qt__pick_coords(const qt__csv *c, const char *named_lon, const char *named_lat, qt_crs crs, int *lon,
                          int *lat, char *note, size_t n, qt_error *err)
{
    char wlon[300], wlat[300];
    int slon, slat;
    qt_status st;
    if (note && n)
        note[0] = '\0';
    wlon[0] = wlat[0] = '\0';
    if (named_lon) {
        if ((st = qt__csv_require(c, named_lon, lon, err)) != QT_OK)
            return st;
    } else if ((*lon = choose(c, 0, crs, named_lat ? qt__header_crs(named_lat) : -1, wlon, sizeof wlon, err)) < 0) {
        return err ? err->code : QT_EPARSE;
    }
    if (named_lat) {
        if ((st = qt__csv_require(c, named_lat, lat, err)) != QT_OK)
            return st;
    } else {
        int s = qt__header_crs(c->header[*lon]);
        if ((*lat = choose(c, 1, crs, s, wlat, sizeof wlat, err)) < 0)
            return err ? err->code : QT_EPARSE;
    }
    slon = qt__header_crs(c->header[*lon]);
    slat = qt__header_crs(c->header[*lat]);
    if (slon >= 0 && slat >= 0 && slon != slat)
        return qt_error_set(err, QT_EPARSE, c->path,
                            _("the longitude column '%s' says %s but the latitude column '%s' says %s: name both "
                              "with --lon-col and --lat-col"),
                            c->header[*lon], qt_crs_name((qt_crs)slon), c->header[*lat], qt_crs_name((qt_crs)slat));
    if (!note || !n)
        return QT_OK;
    if (wlon[0] || wlat[0])
        snprintf(note, n, _("coordinates from '%s'/'%s' (%s); not used: %s%s%s"), c->header[*lon], c->header[*lat],
                 slon == (int)crs || slat == (int)crs ? _("their names say the --crs system")
                                                      : _("their names say no other system"),
                 wlon, wlon[0] && wlat[0] ? ", " : "", wlat);
    if (qt_crs_epsg(crs) == 0 && ((slon >= 0 && slon != (int)crs) || (slat >= 0 && slat != (int)crs))) {
        size_t o = strlen(note);
        snprintf(note + o, n - o,
                 _("%swarning: column '%s' says %s but the table is read as %s (--crs / crs =); "
                   "check which is right"),
                 o ? "\n" : "", c->header[slon >= 0 ? *lon : *lat], qt_crs_name((qt_crs)(slon >= 0 ? slon : slat)),
                 qt_crs_name(crs));
    }
    return QT_OK;
}

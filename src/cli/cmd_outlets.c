/* SPDX-License-Identifier: MIT */
/*
 * cmd_outlets.c -- quarter outlets: read an outlet table as a city or an Amap
 * export holds it, classify every row into the profile's 业态, convert to
 * WGS-84, and write the pois.csv that `quarter access` reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/outfile.h"
#include "cli/cli.h"

static const char help[] = N_(
    "usage: quarter outlets --profile PROFILE --crs SYS IN.csv [options]\n\n"
    "Read an outlet table (CSV in UTF-8 or GBK as Excel saves it, XLSX, GeoJSON,\n"
    "GeoPackage, Shapefile, or an OpenStreetMap .osm.pbf), classify each\n"
    "row into a 业态 of the profile (by its category column, else by Amap typecode,\n"
    "type path and name keywords), convert coordinates to WGS-84 and write\n"
    "  id,category,lon,lat,name,zh,rule_line,line,address\n"
    "(category is the profile code; rule_line the profile line that decided;\n"
    "line the table's line or sheet row).\n"
    "Rows that are no 业态 of the profile, and rows whose name marks them closed\n"
    "(暂停营业, 停业, 已关闭, 已搬迁), are left out (--unmatched keeps them in a file\n"
    "of their own).  The header may sit below a title row (it is found among the\n"
    "first 10 rows); headers may carry units (营业面积(㎡)).  The column chosen for\n"
    "each field, and every bad row (file:line: column), go to standard error with\n"
    "a summary per category; a table with bad rows writes nothing and exits 1.\n"
    "Ids: the id column (id, 编号, 序号, ...), else a natural key of the name and\n"
    "the position to about 5 m (docs/formats.md).\n\n"
    "Options:\n"
    "  --profile FILE       业态 profile (data/profiles/mofcom-2023.profile)\n"
    "  --crs SYS            coordinates in the file: wgs84 | gcj02 | bd09 | EPSG:n (required:\n"
    "                       Amap exports are gcj02, Baidu bd09, GPS and OSM wgs84; a layer\n"
    "                       with its own CRS is transformed by it first)\n"
    "  --encoding E         auto (default: UTF-8 if valid, else GBK) | utf-8 | gbk\n"
    "  --sheet S            spreadsheet sheet (or vector layer) by name or number (1 = first)\n"
    "  --header-row N       the header is on line (row) N\n"
    "  --id-col, --name-col, --type-col, --code-col, --lon-col, --lat-col, --category-col,\n"
    "  --address-col NAME   column names, when the header guesses are wrong (of several\n"
    "                       coordinate columns the one named for --crs is taken)\n"
    "  --unmatched FILE     also write the rows no rule matched (for review)\n"
    "  -o, --out FILE       output CSV (default standard output); written atomically\n");

static int write_rows(const qt_cli *cli, const char *path, const qt_outlet_list *l, const qt_profile *p, int matched)
{
    qt__outfile o;
    qt_error err = QT_ERROR_INIT;
    size_t i;
    if (qt__outfile_open(&o, path, &err) != QT_OK)
        return cli_fail(cli, &err);
    qt__outfile_puts(&o, matched ? "id,category,lon,lat,name,zh,rule_line,line,address\n"
                                 : "id,lon,lat,name,line,status,address\n");
    for (i = 0; i < l->n; i++) {
        if ((l->category[i] >= 0) != matched)
            continue;
        qt__outfile_csv(&o, l->id[i]);
        if (matched) {
            const qt_category *c = qt_profile_category(p, (size_t)l->category[i]);
            qt__outfile_printf(&o, ",%s,%.7f,%.7f,", c->code, l->lon[i], l->lat[i]);
            qt__outfile_csv(&o, l->name[i]);
            qt__outfile_printf(&o, ",%s,%d,%zu,", c->zh, l->rule_line[i], l->line[i]);
        } else {
            qt__outfile_printf(&o, ",%.7f,%.7f,", l->lon[i], l->lat[i]);
            qt__outfile_csv(&o, l->name[i]);
            qt__outfile_printf(&o, ",%zu,%s,", l->line[i], l->closed[i] ? "closed" : "other");
        }
        qt__outfile_csv(&o, l->address[i]);
        qt__outfile_puts(&o, "\n");
    }
    if (qt__outfile_commit(&o, &err) != QT_OK)
        return cli_fail(cli, &err);
    return 0;
}

/* --encoding and --header-row into ro. */
static int table_flags(const qt_cli *cli, const char *enc, const char *header_row, qt_outlet_read_opts *ro)
{
    qt_error e = QT_ERROR_INIT;
    if (enc && qt_encoding_parse(enc, &ro->encoding, &e) != QT_OK)
        return cli_usage(cli, "outlets", _("--encoding must be auto, utf-8 or gbk"));
    if (header_row) {
        double h;
        if (cli_double(cli, "outlets", "--header-row", header_row, &h) != 0)
            return QT_EXIT_USAGE;
        if (!(h >= 1 && h <= 1000 && h == (int)h))
            return cli_usage(cli, "outlets", _("--header-row must be a line number from 1 to 1000"));
        ro->header_row = (int)h;
    }
    return 0;
}

/* What was read, on standard error: rows, classified, left out, closed, and the count per 业态. */
static void say_counts(const char *path, const qt_outlet_list *l, const qt_profile *p, qt_crs crs, const size_t *per,
                       size_t nmatched, size_t nclosed)
{
    size_t i, ncat = qt_profile_category_count(p);
    fprintf(stderr, _("%s: %zu rows (%s, %s -> wgs84), %zu classified, %zu not a 业态 of %s"), path, l->n,
            l->encoding == QT_ENC_GBK ? "GBK" : "UTF-8", qt_crs_name(crs), nmatched, l->n - nmatched - nclosed,
            qt_profile_name(p));
    if (nclosed)
        fprintf(stderr, _(", %zu marked closed (暂停营业/停业/已关闭/已搬迁)"), nclosed);
    fputc('\n', stderr);
    for (i = 0; i < ncat; i++)
        if (per[i])
            fprintf(stderr, "  %-4s %-12s %zu\n", qt_profile_category(p, i)->code, qt_profile_category(p, i)->zh,
                    per[i]);
}

int cmd_outlets(int argc, char **argv, qt_cli *cli)
{
    const char *profile = NULL, *crs = NULL, *enc = NULL, *unmatched = NULL, *out = NULL, *pos[1];
    const char *sheet = NULL, *header_row = NULL;
    qt_outlet_read_opts ro;
    cli_opt opts[] = {{"profile", 0, 1, &profile, NULL},
                      {"crs", 0, 1, &crs, NULL},
                      {"encoding", 0, 1, &enc, NULL},
                      {"id-col", 0, 1, &ro.id_col, NULL},
                      {"name-col", 0, 1, &ro.name_col, NULL},
                      {"type-col", 0, 1, &ro.type_col, NULL},
                      {"code-col", 0, 1, &ro.code_col, NULL},
                      {"lon-col", 0, 1, &ro.lon_col, NULL},
                      {"lat-col", 0, 1, &ro.lat_col, NULL},
                      {"category-col", 0, 1, &ro.category_col, NULL},
                      {"unmatched", 0, 1, &unmatched, NULL},
                      {"out", 'o', 1, &out, NULL},
                      {"sheet", 0, 1, &sheet, NULL},
                      {"header-row", 0, 1, &header_row, NULL},
                      {"address-col", 0, 1, &ro.address_col, NULL},
                      {NULL, 0, 0, NULL, NULL}};
    int npos, rc;
    qt_profile *p = NULL;
    qt_outlet_list *l = NULL;
    qt_error err = QT_ERROR_INIT;
    size_t i, *per = NULL, nmatched = 0, nclosed = 0;

    memset(&ro, 0, sizeof ro);
    rc = cli_parse(cli, argc, argv, opts, pos, 1, &npos, _(help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (npos != 1)
        return cli_usage(cli, "outlets", _("give one input table"));
    if (!profile || !crs)
        return cli_usage(cli, "outlets", _("--profile and --crs are required"));
    if (qt_crs_parse(crs, &ro.crs, &err) != QT_OK)
        return cli_usage(cli, "outlets", "%s", err.msg);
    if ((rc = table_flags(cli, enc, header_row, &ro)) != 0)
        return rc;
    ro.layer = sheet;
    ro.on_problem = cli_table_problem;
    ro.problem_ud = cli;
    if (qt_profile_load(profile, &p, &err) != QT_OK)
        return cli_fail(cli, &err);
    if (qt_outlets_read(pos[0], &ro, p, &l, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    per = calloc(qt_profile_category_count(p) + 1, sizeof *per);
    if (!per) {
        rc = QT_EXIT_NOMEM;
        goto done;
    }
    for (i = 0; i < l->n; i++) {
        if (l->category[i] >= 0) {
            per[l->category[i]]++;
            nmatched++;
        }
        nclosed += l->closed[i];
    }
    cli_outlets_said(cli, pos[0], l);
    if (l->n > 0 && nmatched == 0) {
        qt_error_set(&err, QT_EINVAL, pos[0],
                     _("none of the %zu rows is a 业态 of %s: check the columns above (a 业态 column, or "
                       "name/type/typecode for classifying)"),
                     l->n, qt_profile_name(p));
        rc = cli_fail(cli, &err);
        goto done;
    }
    if ((rc = write_rows(cli, out, l, p, 1)) == 0 && unmatched)
        rc = write_rows(cli, unmatched, l, p, 0);
    if (rc == 0 && !cli->quiet)
        say_counts(pos[0], l, p, ro.crs, per, nmatched, nclosed);
done:
    free(per);
    qt_outlet_list_free(l);
    qt_profile_free(p);
    return rc;
}

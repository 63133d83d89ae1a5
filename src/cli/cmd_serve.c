/* SPDX-License-Identifier: MIT */
/*
 * cmd_serve.c -- quarter serve, quarter user add, quarter import: the
 * service platform's server and the commands that fill its store.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/isotime.h"
#include "base/i18n.h"
#include "cli/cli.h"

static const char serve_help[] = N_(
    "usage: quarter serve --db FILE|URL --graph FILE.qgraph [--port 8015] [--bind 127.0.0.1] [options]\n\n"
    "Serve the HTTP API v1 (docs/http-api.md): nearby outlets by walking time, outlet\n"
    "lookup, accounts, coupons issued online and redeemed in the shop.  Stops cleanly\n"
    "on SIGTERM or SIGINT.  Outlets and jobs written by other servers on the same\n"
    "store, or by quarter import, are followed within a second (the store's change\n"
    "feed); SIGHUP reads them all again.  Several servers behind nginx on one store:\n"
    "docs/deploy.md.  With --port 0 an ephemeral port is taken; the first line on\n"
    "standard output (listening on http://ADDR:PORT/api/v1/, English in every\n"
    "language) says which.\n\n"
    "Options:\n"
    "  --db FILE|URL        the store (made by quarter import / quarter user add): a SQLite\n"
    "                       file, or a PostgreSQL/PostGIS database several servers share\n"
    "                       (postgresql://USER@HOST:5432/DB or \"host=H dbname=DB ...\")\n"
    "  --graph FILE         the walking network (.qgraph, .osm.pbf ...)\n"
    "  --port N             TCP port (default 8015)\n"
    "  --bind ADDR          IPv4 address to listen on (default 127.0.0.1)\n"
    "  --threads N          worker threads (default: all cores)\n"
    "  --max-body BYTES     request body limit (default 65536): larger gets 413\n"
    "  --timeout S          idle connection timeout (default 30)\n"
    "  --access-log FILE    one line per request, Combined Log Format and the time in ms\n"
    "                       (default: none; '-' standard error); paths only, never queries or tokens\n"
    "  --profile FILE       the profile whose 业态 names and aliases category= accepts\n"
    "                       (without it, codes only)\n"
    "  --tz ZONE            time zone of opening hours and dates: an IANA name or +HH:MM\n"
    "                       (default Asia/Shanghai)\n"
    "  --trusted-proxy LIST comma-separated IPv4 addresses of reverse proxies whose\n"
    "                       X-Forwarded-For names the client (default: none is believed)\n"
    "  --per-ip N           connections at once from one address (default 64)\n"
    "  --deadline S         a whole request must arrive within S seconds (default 20)\n"
    "  --hash-slots N       threads hashing passwords, off the HTTP threads (default 1);\n"
    "                       over 4 waiting per thread: 503\n"
    "  --register-per-hour N  accounts registered per address and hour (default 10)\n"
    "  --limit-delay MS     a refusal of a rate limit (429) is sent MS milliseconds late,\n"
    "                       the connection held meanwhile (default 1000; 0: at once)\n"
    "  --web DIR            the pages (built web/: /, /merchant, /operator, /planner,\n"
    "                       /login); default: web/ next to the quarter binary, else\n"
    "                       ../share/quarter/web from it; 'none': no pages\n"
    "  --project FILE       a planning project (quarter analyze's) for the planner\n"
    "                       dashboard: analysed once at start; its layers, what-if,\n"
    "                       hour of day (without it only circles and outlets)\n"
    "  --tile-url URL       an external base map instead of the tiles drawn from the\n"
    "                       network, e.g. 天地图 with its key ({z}/{x}/{y} in the URL)\n"
    "  --tile-crs S         wgs84 (default) or gcj02: the system of those tiles\n"
    "  --tile-attribution T the text shown on the map with --tile-url\n");

/* --tz: "+08:00" / "-05:30" / "UTC", or an IANA zone of /usr/share/zoneinfo (its offset now) */
static int parse_tz(const char *tz, int *offset_min)
{
    char path[256];
    FILE *fp;
    if (strcmp(tz, "UTC") == 0 || strcmp(tz, "Z") == 0) {
        *offset_min = 0;
        return 0;
    }
    if ((tz[0] == '+' || tz[0] == '-') && strlen(tz) == 6 && tz[3] == ':') {
        int h = (tz[1] - '0') * 10 + (tz[2] - '0'), m = (tz[4] - '0') * 10 + (tz[5] - '0');
        if (h < 0 || h > 14 || m < 0 || m > 59)
            return -1;
        *offset_min = (tz[0] == '-' ? -1 : 1) * (h * 60 + m);
        return 0;
    }
    if (strstr(tz, "..") || tz[0] == '/')
        return -1;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
    if (!(fp = fopen(path, "rb")))
        return -1;
    fclose(fp);
    {
        time_t now = time(NULL);
        struct tm lt;
        setenv("TZ", tz, 1); /* the CLI's own process state; the library takes the offset */
        tzset();
        localtime_r(&now, &lt);
        *offset_min = (int)((qt__days_from_civil(lt.tm_year + 1900, (unsigned)lt.tm_mon + 1, (unsigned)lt.tm_mday) *
                                 86400 +
                             lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec - (int64_t)now) /
                            60);
    }
    return 0;
}

static volatile sig_atomic_t stop_flag, reload_flag;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        reload_flag = 1;
    else
        stop_flag = 1;
}

/* The pages installed next to the binary: the build tree's build/web, then an
 * installed prefix's share/quarter/web (in buf); NULL when neither is there. */
static const char *find_web_dir(char *buf, size_t size)
{
    static const char *const where[] = {"/web", "/../share/quarter/web"};
    char exe[2048], idx[4200];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;
    exe[n > 0 ? n : 0] = '\0';
    if (!(slash = strrchr(exe, '/')))
        return NULL;
    *slash = '\0';
    for (size_t k = 0; k < 2; k++) {
        FILE *probe;
        snprintf(buf, size, "%s%s", exe, where[k]);
        snprintf(idx, sizeof idx, "%s/index.html", buf);
        if ((probe = fopen(idx, "r")) != NULL) {
            fclose(probe);
            return buf;
        }
    }
    return NULL;
}

/* Say where the server listens, then serve until SIGTERM or SIGINT; SIGHUP reloads the outlets. */
static void serve_until_stopped(const qt_cli *cli, qt_server *srv, const char *bind, int pages)
{
    struct sigaction sa;
    qt_error err = QT_ERROR_INIT;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* the first line stays English: scripts and tests read the port from it (docs/i18n.md) */
    printf("listening on http://%s:%u/api/v1/\n", bind, qt_server_port(srv));
    if (pages)
        printf(_("pages: http://%s:%u/ (resident), /merchant, /operator, /planner, /login\n"), bind,
               qt_server_port(srv));
    fflush(stdout);
    while (!stop_flag) {
        pause();
        if (reload_flag) {
            size_t n = 0;
            reload_flag = 0;
            qt_error_clear(&err);
            if (qt_server_reload(srv, &n, &err) != QT_OK)
                cli_warn(cli, "reload failed, the old outlets stay: %s: %s", err.where, err.msg);
            else
                fprintf(stderr, _("quarter serve: reloaded %zu outlets\n"), n);
        }
    }
    fprintf(stderr, _("quarter serve: stopping\n"));
}

int cmd_serve(int argc, char **argv, qt_cli *cli)
{
    const char *db = NULL, *graph = NULL, *port_s = NULL, *bind = NULL, *threads_s = NULL, *body_s = NULL,
               *timeout_s = NULL, *log = NULL, *profile = NULL, *tz = "Asia/Shanghai", *proxies = NULL,
               *per_ip_s = NULL, *deadline_s = NULL, *slots_s = NULL, *reg_s = NULL, *delay_s = NULL, *web = NULL,
               *project = NULL, *tile_url = NULL, *tile_crs = NULL, *tile_attr = NULL;
    cli_opt opts[] = {{"db", 0, 1, &db, NULL},
                      {"graph", 0, 1, &graph, NULL},
                      {"port", 0, 1, &port_s, NULL},
                      {"bind", 0, 1, &bind, NULL},
                      {"threads", 0, 1, &threads_s, NULL},
                      {"max-body", 0, 1, &body_s, NULL},
                      {"timeout", 0, 1, &timeout_s, NULL},
                      {"access-log", 0, 1, &log, NULL},
                      {"profile", 0, 1, &profile, NULL},
                      {"tz", 0, 1, &tz, NULL},
                      {"trusted-proxy", 0, 1, &proxies, NULL},
                      {"per-ip", 0, 1, &per_ip_s, NULL},
                      {"deadline", 0, 1, &deadline_s, NULL},
                      {"hash-slots", 0, 1, &slots_s, NULL},
                      {"register-per-hour", 0, 1, &reg_s, NULL},
                      {"limit-delay", 0, 1, &delay_s, NULL},
                      {"web", 0, 1, &web, NULL},
                      {"project", 0, 1, &project, NULL},
                      {"tile-url", 0, 1, &tile_url, NULL},
                      {"tile-crs", 0, 1, &tile_crs, NULL},
                      {"tile-attribution", 0, 1, &tile_attr, NULL},
                      {NULL, 0, 0, NULL, NULL}};
    double per_ip = 64, deadline = 20, slots = 1, reg = 10, delay = 1000;
    int tz_min = 480;
    qt_profile *prof = NULL;
    qt_project_data *pj = NULL;
    int have_pj = 0;
    qt_analysis_input pin;
    qt_analysis_opts pao;
    char webdir[4096];
    int npos, rc;
    double port = 8015, body = 65536, timeout = 30;
    unsigned threads = 0;
    qt_graph *g = NULL;
    qt_server_opts so;
    qt_server *srv = NULL;
    qt_error err = QT_ERROR_INIT;
    FILE *logf = NULL;

    rc = cli_parse(cli, argc, argv, opts, NULL, 0, &npos, _(serve_help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!db || !graph)
        return cli_usage(cli, "serve", "--db and --graph are required");
    if ((port_s && (rc = cli_double(cli, "serve", "port", port_s, &port))) ||
        (body_s && (rc = cli_double(cli, "serve", "max-body", body_s, &body))) ||
        (timeout_s && (rc = cli_double(cli, "serve", "timeout", timeout_s, &timeout))) ||
        (rc = cli_threads(cli, "serve", threads_s, &threads)))
        return rc;
    if (port < 0 || port > 65535 || port != (unsigned)port)
        return cli_usage(cli, "serve", "--port is 0 to 65535");
    if (body < 1024 || body > 64e6)
        return cli_usage(cli, "serve", "--max-body is 1024 to 64000000 bytes");
    if (timeout < 1 || timeout > 3600)
        return cli_usage(cli, "serve", "--timeout is 1 to 3600 seconds");
    if ((per_ip_s && (rc = cli_double(cli, "serve", "per-ip", per_ip_s, &per_ip))) ||
        (deadline_s && (rc = cli_double(cli, "serve", "deadline", deadline_s, &deadline))) ||
        (slots_s && (rc = cli_double(cli, "serve", "hash-slots", slots_s, &slots))) ||
        (reg_s && (rc = cli_double(cli, "serve", "register-per-hour", reg_s, &reg))) ||
        (delay_s && (rc = cli_double(cli, "serve", "limit-delay", delay_s, &delay))))
        return rc;
    if (per_ip < 1 || per_ip > 4096 || deadline < 1 || deadline > 3600 || slots < 1 || slots > 64 || reg < 1 ||
        reg > 1e6 || delay < 0 || delay > 10000)
        return cli_usage(cli, "serve",
                         "--per-ip is 1 to 4096, --deadline 1 to 3600 s, --hash-slots 1 to 64, "
                         "--register-per-hour 1 to 1000000, --limit-delay 0 to 10000 ms");
    if (parse_tz(tz, &tz_min) != 0)
        return cli_usage(cli, "serve", "--tz '%s': give an IANA zone (Asia/Shanghai) or an offset (+08:00)", tz);
    if (profile) {
        qt_error_clear(&err);
        if (qt_profile_load(profile, &prof, &err) != QT_OK)
            return cli_fail(cli, &err);
    }
    if ((rc = cli_load_graph(cli, "serve", NULL, graph, NULL, NULL, NULL, &g)) != 0) {
        qt_profile_free(prof);
        return rc;
    }
    if (log) {
        logf = strcmp(log, "-") == 0 ? stderr : fopen(log, "a");
        if (!logf) {
            qt_error_set(&err, QT_EIO, log, _("cannot open: %s"), strerror(errno));
            rc = cli_fail(cli, &err);
            goto done;
        }
    }
    if (tile_crs && strcmp(tile_crs, "wgs84") != 0 && strcmp(tile_crs, "gcj02") != 0) {
        rc = cli_usage(cli, "serve", "--tile-crs is wgs84 or gcj02");
        goto done;
    }
    if (tile_url && (strncmp(tile_url, "https://", 8) != 0 && strncmp(tile_url, "http://", 7) != 0)) {
        rc = cli_usage(cli, "serve", "--tile-url is an http:// or https:// URL with {z}, {x} and {y}");
        goto done;
    }
    if (!web)
        web = find_web_dir(webdir, sizeof webdir);
    else if (strcmp(web, "none") == 0)
        web = NULL;
    if (project) {
        if ((rc = cli_project_open(cli, "serve", project, NULL, &pj)) != 0)
            goto done;
        have_pj = 1;
        qt_project_analysis_input(pj, &pin, &pao);
    }
    memset(&so, 0, sizeof so);
    so.web_dir = web;
    so.tile_url = tile_url;
    so.tile_crs = tile_crs;
    so.tile_attribution = tile_attr;
    so.planning = have_pj ? &pin : NULL;
    so.planning_opts = have_pj ? &pao : NULL;
    so.db_path = db;
    so.graph = g;
    so.bind = bind;
    so.port = (unsigned)port;
    so.threads = threads;
    so.max_body = (size_t)body;
    so.timeout_s = (unsigned)timeout;
    so.access_log = logf;
    so.profile = prof;
    so.utc_offset_min = tz_min;
    so.utc_offset_set = 1;
    so.trusted_proxies = proxies;
    so.per_ip_connections = (unsigned)per_ip;
    so.request_deadline_s = (unsigned)deadline;
    so.hash_slots = (unsigned)slots;
    so.register_per_hour = (int)reg;
    so.limit_delay_ms = delay > 0 ? (int)delay : -1;
    if (qt_server_start(&so, &srv, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    serve_until_stopped(cli, srv, bind ? bind : "127.0.0.1", web != NULL);
done:
    qt_server_stop(srv);
    if (have_pj)
        qt_project_close(pj);
    qt_graph_free(g);
    qt_profile_free(prof);
    if (logf && logf != stderr)
        fclose(logf);
    return rc;
}

static const char user_help[] = N_(
    "usage: quarter user add --db FILE|URL --name NAME --role admin|operator|merchant|resident --password-file F\n"
    "       quarter user link --db FILE|URL --user ID --outlet ID\n\n"
    "add: create an account (the password, read from the first line of F, is hashed\n"
    "with argon2id); link: give a merchant one of the outlets in the store.  The store\n"
    "is a SQLite file or a PostgreSQL URL (postgresql://USER@HOST:5432/DB), as for serve.\n");

int cmd_user(int argc, char **argv, qt_cli *cli)
{
    const char *db = NULL, *name = NULL, *role_s = NULL, *pwfile = NULL, *user_s = NULL, *outlet_s = NULL, *pos[1];
    cli_opt opts[] = {{"db", 0, 1, &db, NULL},       {"name", 0, 1, &name, NULL},
                      {"role", 0, 1, &role_s, NULL}, {"password-file", 0, 1, &pwfile, NULL},
                      {"user", 0, 1, &user_s, NULL}, {"outlet", 0, 1, &outlet_s, NULL},
                      {NULL, 0, 0, NULL, NULL}};
    int npos, rc;
    qt_store *st = NULL;
    qt_error err = QT_ERROR_INIT;
    rc = cli_parse(cli, argc, argv, opts, pos, 1, &npos, _(user_help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (npos != 1 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "link") != 0))
        return cli_usage(cli, "user", "expected 'add' or 'link'");
    if (!db)
        return cli_usage(cli, "user", "--db is required");
    if (strcmp(pos[0], "add") == 0) {
        char pw[300];
        FILE *fp;
        qt_role role = qt_role_parse(role_s);
        int64_t id;
        size_t n;
        if (!name || !role_s || !pwfile)
            return cli_usage(cli, "user", "add needs --name, --role and --password-file");
        if (role == QT_ROLE_NONE)
            return cli_usage(cli, "user", "--role is admin, operator, merchant or resident");
        fp = fopen(pwfile, "r");
        if (!fp) {
            qt_error_set(&err, QT_EIO, pwfile, _("cannot open: %s"), strerror(errno));
            return cli_fail(cli, &err);
        }
        if (!fgets(pw, sizeof pw, fp))
            pw[0] = '\0';
        fclose(fp);
        n = strlen(pw);
        while (n && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
            pw[--n] = '\0';
        if (qt_store_open(db, &st, &err) != QT_OK || qt_store_user_add(st, name, role, pw, &id, &err) != QT_OK)
            rc = cli_fail(cli, &err);
        else
            printf("%lld\n", (long long)id);
        memset(pw, 0, sizeof pw);
    } else {
        double u = 0, o = 0;
        if (!user_s || !outlet_s)
            return cli_usage(cli, "user", "link needs --user and --outlet");
        if ((rc = cli_double(cli, "user", "user", user_s, &u)) ||
            (rc = cli_double(cli, "user", "outlet", outlet_s, &o)))
            return rc;
        if (qt_store_open(db, &st, &err) != QT_OK || qt_store_merchant_link(st, (int64_t)u, (int64_t)o, &err) != QT_OK)
            rc = cli_fail(cli, &err);
    }
    qt_store_close(st);
    return rc;
}

static const char import_help[] = N_(
    "usage: quarter import --db FILE|URL PROJECT [--sites sites.csv] [--blind-cell M]\n\n"
    "Load a planning project into the store (created when new): its circles with\n"
    "their communities, grades and indicators (the analysis of quarter analyze),\n"
    "and every outlet with its 业态, brand, hours, services, floor area, staff and\n"
    "circle.  Outlets are matched by their id (the table's id column, else the\n"
    "natural key of name and position, docs/project.md), so importing again keeps\n"
    "each outlet's store id, merchant links, coupons and complaints; an outlet the\n"
    "table no longer has, or whose name marks it closed (暂停营业 ...), is marked\n"
    "closed, not deleted.  The import says how many were added, changed, closed.\n"
    "Fields edited through the API (hours, services, cash, barrier-free, address\n"
    "...) are kept and reported on stderr.\n"
    "It also stores the analysis' geometries, replacing the previous import's, as\n"
    "analysis.gpkg of quarter report has them: each community's and circle's area,\n"
    "the 盲区 per circle and 业态, and the recommended sites of --sites.  On\n"
    "PostgreSQL they are PostGIS columns (SRID 4326) a GIS user opens in QGIS;\n"
    "SQLite keeps them as GeoJSON text (docs/deploy.md).  The import is one\n"
    "transaction: when it fails or is killed, the store is as it was before.\n\n"
    "Options:\n"
    "  --db FILE|URL   the store: a SQLite file or postgresql://... (required)\n"
    "  --sites FILE    项目清单: the recommended sites (sites.csv of quarter site:\n"
    "                  id,category,lon,lat[,newly_served]) into the table sites\n"
    "  --blind-cell M  盲区 grid cell in metres (default 100, as quarter analyze)\n");

/* A circle's indicators as the JSON the store keeps (docs/http-api.md); NULL without memory. */
static char *circle_json(const qt_area_stats *cs, const qt_profile *p, size_t ncat)
{
    json_t *j, *cov = json_object();
    char *text;
    size_t k;
    for (k = 0; cov && k < ncat; k++)
        if (isfinite(cs->coverage[k]))
            json_object_set_new(cov, qt_profile_category(p, k)->code, json_real(cs->coverage[k]));
    j = json_pack("{s:f, s:f, s:i, s:i, s:i, s:i, s:i, s:i, s:o, s:s}", "population", cs->population,
                  "residents_all_basic", isfinite(cs->all_basic) ? cs->all_basic : 0.0, "basic_present",
                  cs->basic_present, "basic_required", cs->basic_required, "quality_present", cs->quality_present,
                  "communities", (int)cs->communities, "communities_covered", (int)cs->communities_covered, "outlets",
                  (int)cs->outlets, "coverage", cov ? cov : json_object(), "reasons", cs->reasons ? cs->reasons : "");
    if (j && cs->outlets)
        json_object_set_new(j, "chain_share", json_real((double)cs->chain_outlets / cs->outlets));
    if (j) { /* the reasons as data, for the pages to word in their language (docs/http-api.md) */
        char *why = qt_grade_reasons(cs, p, QT_REASONS_JSON);
        json_object_set_new(j, "why", why ? json_loads(why, 0, NULL) : NULL);
        free(why);
    }
    text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(j);
    return text;
}

/* Every circle with its communities, grade and indicators; circle_of[community] its (first) circle. */
static int import_circles(const qt_cli *cli, qt_store *st, const qt_project_data *pj, const qt_analysis *a,
                          size_t *circle_of)
{
    qt_error err = QT_ERROR_INIT;
    size_t i, k;
    for (k = 0; k < a->ncommunities; k++)
        circle_of[k] = SIZE_MAX;
    for (i = 0; i < a->ncircles; i++) {
        const char *names[4096];
        size_t n = 0;
        const qt_area_stats *cs = &a->circles_stats[i];
        char *text;
        for (k = a->circle_start[i]; k < a->circle_start[i + 1] && n < 4096; k++) {
            names[n++] = a->community[a->circle_member[k]];
            if (circle_of[a->circle_member[k]] == SIZE_MAX)
                circle_of[a->circle_member[k]] = i;
        }
        if (!(text = circle_json(cs, pj->profile, a->ncat)))
            return QT_EXIT_NOMEM;
        if (qt_store_circle_put(st, a->circle[i], names, n,
                                pj->circles && i < pj->circles->ncircles ? pj->circles->investment[i] : NAN, NULL,
                                &err) != QT_OK ||
            qt_store_circle_set_analysis(
                st, a->circle[i], cs->grade >= 0 ? qt_profile_grade(pj->profile, (size_t)cs->grade)->name : "未达标",
                text, &err) != QT_OK) {
            free(text);
            return cli_fail(cli, &err);
        }
        free(text);
    }
    return 0;
}

/* What an import of outlets did. */
typedef struct outlet_counts {
    size_t added, changed, closed, reopened, conflicts;
} outlet_counts;

/* Every outlet of the table into the store (fields edited through the API kept, said), then those
 * not in it any more (or marked closed) closed and those back reopened. */
static int import_outlets(const qt_cli *cli, qt_store *st, const qt_project_data *pj, const qt_analysis *a,
                          const size_t *circle_of, const char *project, outlet_counts *nc)
{
    const qt_outlet_list *l = pj->outlets;
    qt_error err = QT_ERROR_INIT;
    char **open_ids = malloc((l->n + 1) * sizeof *open_ids);
    size_t i, nopen = 0;
    int rc = 0;
    if (!open_ids)
        return QT_EXIT_NOMEM;
    for (i = 0; i < l->n && !rc; i++) {
        qt_store_outlet o;
        uint32_t com = a->outlet_community[i];
        unsigned kept = 0, bit;
        int state;
        memset(&o, 0, sizeof o);
        o.ext_id = l->id[i];
        o.name = l->name[i];
        o.address = l->address[i];
        o.category = l->category[i] >= 0 ? qt_profile_category(pj->profile, (size_t)l->category[i])->code : NULL;
        o.lon = l->lon[i];
        o.lat = l->lat[i];
        o.brand = l->brand[i];
        o.chain = l->chain[i];
        o.opening_hours = l->hours[i];
        o.services = l->services[i];
        o.cash = o.barrier_free = -1;
        o.staff = l->staff[i];
        o.floor_area = l->floor_area[i];
        o.community = com != UINT32_MAX ? a->community[com] : NULL;
        o.circle = com != UINT32_MAX && circle_of[com] != SIZE_MAX ? a->circle[circle_of[com]] : NULL;
        if (qt_store_outlet_compare(st, &o, &state, &err) != QT_OK ||
            qt_store_outlet_import(st, &o, NULL, &kept, &err) != QT_OK) {
            rc = cli_fail(cli, &err);
            break;
        }
        for (bit = 1; kept && bit <= QT_EDIT_BARRIER_FREE; bit <<= 1)
            if ((kept & bit) && ++nc->conflicts <= 20)
                fprintf(stderr, _("%s: outlet %s: kept the %s edited through the API (the table has another)\n"),
                        project, o.ext_id, qt_store_edit_field(bit));
        nc->added += state == QT_OUTLET_NEW;
        nc->changed += state == QT_OUTLET_CHANGED;
        if (!l->closed[i])
            open_ids[nopen++] = l->id[i];
    }
    if (!rc && qt_store_outlets_sync_closed(st, (const char *const *)open_ids, nopen, (int64_t)time(NULL), &nc->closed,
                                            &nc->reopened, &err) != QT_OK)
        rc = cli_fail(cli, &err);
    free(open_ids);
    return rc;
}

int cmd_import(int argc, char **argv, qt_cli *cli)
{
    const char *db = NULL, *sites_path = NULL, *cell_s = NULL, *pos[1];
    cli_opt opts[] = {{"db", 0, 1, &db, NULL},
                      {"sites", 0, 1, &sites_path, NULL},
                      {"blind-cell", 0, 1, &cell_s, NULL},
                      {NULL, 0, 0, NULL, NULL}};
    int npos, rc;
    qt_project_data *pj = NULL;
    qt_store *st = NULL;
    qt_error err = QT_ERROR_INIT;
    qt_analysis_input in;
    qt_analysis_opts ao;
    qt_analysis *a = NULL;
    qt_site_list *sites = NULL;
    qt_report_opts ro;
    qt_report_store_counts geoms;
    outlet_counts nc = {0, 0, 0, 0, 0};
    double cell_m = 100;
    size_t *circle_of = NULL;
    int in_tx = 0;
    rc = cli_parse(cli, argc, argv, opts, pos, 1, &npos, _(import_help));
    if (rc)
        return rc < 0 ? 0 : rc;
    if (npos != 1 || !db)
        return cli_usage(cli, "import", "give --db FILE|URL and one project file");
    if (cell_s && (rc = cli_double(cli, "import", "blind-cell", cell_s, &cell_m)) != 0)
        return rc;
    if (!(cell_m >= 10 && cell_m <= 5000))
        return cli_usage(cli, "import", "--blind-cell is 10 to 5000 metres");
    if ((rc = cli_project_open(cli, "import", pos[0], NULL, &pj)) != 0)
        return rc;
    if (sites_path &&
        qt_sites_read(sites_path, pj->profile, pj->graph, pj->project->snap_max_m, &sites, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (qt_store_open(db, &st, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    /* the analysis gives each circle its grade and indicators, and each outlet its circle */
    qt_project_analysis_input(pj, &in, &ao);
    if (qt_analyze(&in, &ao, &a, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    circle_of = malloc((a->ncommunities + 1) * sizeof *circle_of);
    if (!circle_of) {
        rc = QT_EXIT_NOMEM;
        goto done;
    }
    /* everything in one transaction: a failure or kill -9 leaves the store as it was */
    if (qt_store_begin(st, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    in_tx = 1;
    if ((rc = import_circles(cli, st, pj, a, circle_of)) != 0)
        goto done;
    /* the areas, 盲区 and sites as analysis.gpkg has them, replacing the last import's */
    memset(&ro, 0, sizeof ro);
    ro.sites = sites;
    ro.blind_cell_m = cell_m;
    ro.boundaries = pj->project->communities.file;
    ro.boundaries_layer = pj->project->communities.layer;
    ro.boundaries_field = pj->project->community_field;
    if (qt_report_store(a, &in, &ro, st, &geoms, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    if ((rc = import_outlets(cli, st, pj, a, circle_of, pos[0], &nc)) != 0)
        goto done;
    in_tx = 0;
    if (qt_store_commit(st, &err) != QT_OK) {
        rc = cli_fail(cli, &err);
        goto done;
    }
    if (nc.conflicts > 20)
        fprintf(stderr, _("%s: ... %zu fields kept in all\n"), pos[0], nc.conflicts);
    if (!cli->quiet) {
        fprintf(stderr, _("%s: %zu outlets, %zu circles (with their grades and indicators) into %s\n"), pos[0],
                pj->outlets->n, a->ncircles, db);
        fprintf(stderr, _("%s: outlets %zu added, %zu changed, %zu unchanged, %zu closed, %zu reopened\n"), pos[0],
                nc.added, nc.changed, pj->outlets->n - nc.added - nc.changed, nc.closed, nc.reopened);
        fprintf(stderr, _("%s: geometries of %zu communities, %zu circles, %zu 盲区, %zu sites\n"), pos[0],
                geoms.communities, geoms.circles, geoms.blindspots, geoms.sites);
    }
done:
    if (in_tx)
        qt_store_rollback(st);
    free(circle_of);
    qt_site_list_free(sites);
    qt_analysis_free(a);
    qt_store_close(st);
    qt_project_close(pj);
    return rc;
}

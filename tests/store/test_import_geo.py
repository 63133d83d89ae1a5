#!/usr/bin/env python3
"""quarter import writes the analysis' geometries (issue 14).

  test_import_geo.py QUARTER SRC WORK

On SQLite, or with QT_TEST_PG_URL (ctest entry import_geo_pg, the pg
fixture) in a fresh schema of that PostgreSQL/PostGIS: after importing the
test project with --sites, the communities, circles, 盲区 and sites equal
what quarter report's analysis.gpkg and quarter analyze's blindspots.geojson
hold; every geometry is valid with SRID 4326 (PostGIS) or GeoJSON of the right
type (SQLite); a circle's and a community's area cover their placed
residences; a community of a [communities] file keeps its polygon;
re-importing replaces, never duplicates, and keeps the ids; a failing import
leaves the geometry tables as they were; ogrinfo sees the layers as QGIS
does; and the text search's ILIKE can use the three pg_trgm indexes.
"""
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys

QUARTER, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
PLAN = os.path.join(SRC, "tests", "cli", "data", "plan")
PROJECT = os.path.join(PLAN, "base.project")
SITES = os.path.join(PLAN, "sites.csv")
PG = os.environ.get("QT_TEST_PG_URL")
failures, passed = [], 0


def check(cond, what):
    global passed
    if cond:
        passed += 1
        print("ok   " + what)
    else:
        failures.append(what)
        print("FAIL " + what)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def quarter(*args):
    return run([QUARTER] + list(args))


work = os.path.join(WORK, "import_geo_pg" if PG else "import_geo")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

# ---- the analysis' own files ----------------------------------------------------
rep = os.path.join(work, "report")
r = quarter("report", PROJECT, "-o", rep, "--sites", SITES, "--format", "gpkg", "-q")
check(r.returncode == 0, "quarter report --format gpkg (%s)" % r.stderr.strip()[-300:])
ana = os.path.join(work, "analysis")
r = quarter("analyze", PROJECT, "-o", ana, "-q")
check(r.returncode == 0, "quarter analyze (%s)" % r.stderr.strip()[-300:])
g = sqlite3.connect(os.path.join(rep, "analysis.gpkg"))
gp_comm = sorted(n for (n,) in g.execute("SELECT name FROM communities"))
gp_circ = sorted(n for (n,) in g.execute("SELECT name FROM circles"))
gp_blind = sorted((c, k, u) for c, k, u in g.execute("SELECT circle, category, unserved_population FROM blindspots"))
placed = {i: (c, m) for i, c, m in g.execute("SELECT id, circle, community FROM residences WHERE placed = 1")}
g.close()
blind_json = json.load(open(os.path.join(ana, "blindspots.geojson")))
bj = {(f["properties"]["circle"], f["properties"]["category"]): f for f in blind_json["features"]}
res_xy = {row["id"]: (float(row["lon"]), float(row["lat"])) for row in csv.DictReader(open(os.path.join(PLAN, "residences.csv"), encoding="utf-8-sig"))}
sites_csv = list(csv.DictReader(open(SITES, encoding="utf-8-sig")))
check(len(gp_comm) == 2 and len(gp_circ) == 2 and len(gp_blind) > 10 and len(placed) > 10,
      "the GeoPackage has 2 communities, 2 circles, %d 盲区, %d placed residences" % (len(gp_blind), len(placed)))
check(sorted((c, k) for c, k, _ in gp_blind) == sorted(bj), "blindspots.geojson and analysis.gpkg: the same 盲区")

# ---- the store ------------------------------------------------------------------
if PG:
    import psycopg2
    schema = "geo_%d" % os.getpid()
    conn = psycopg2.connect(PG)
    conn.autocommit = True
    conn.cursor().execute("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (schema, schema))
    DB = PG + ("&" if "?" in PG else "?") + "options=-csearch_path%%3D%s,public" % schema
    conn.cursor().execute("SET search_path = %s, public" % schema)
    PH = "%s"
else:
    DB = os.path.join(work, "store.db")
    PH = "?"


def q(sql, *args):
    sql = sql.replace("?", PH)
    if PG:
        cur = conn.cursor()
        cur.execute(sql, args)
        return cur.fetchall() if cur.description else []
    c = sqlite3.connect(DB)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def snapshot():
    """Everything the geometry tables hold, comparable."""
    if PG:
        geom = "ST_AsEWKT(geom)"
    else:
        geom = "geom"
    return (q("SELECT id, name, boundary, %s FROM communities ORDER BY id" % geom),
            q("SELECT id, name, boundary, %s FROM circles ORDER BY id" % geom),
            q("SELECT id, circle_id, category, zh, unserved, %s FROM blindspots ORDER BY id" % geom),
            q("SELECT id, circle_id, ext_id, category, rank, covered, %s FROM sites ORDER BY id" % geom))


r = quarter("import", "--db", DB, PROJECT, "--sites", SITES)
check(r.returncode == 0, "import --sites (%s)" % r.stderr.strip()[-300:])
check("已存入 2 个社区、2 个生活圈的范围，%d 个盲区，2 个建议选址" % len(gp_blind) in r.stderr,
      "import says what it stored (%s)" % r.stderr.strip().splitlines()[-1:])

st_comm = sorted(n for (n,) in q("SELECT name FROM communities WHERE geom IS NOT NULL"))
st_circ = sorted(n for (n,) in q("SELECT name FROM circles WHERE geom IS NOT NULL"))
check(st_comm == gp_comm, "communities with an area = the GeoPackage's (%s)" % st_comm)
check(st_circ == gp_circ, "circles with an area = the GeoPackage's (%s)" % st_circ)
st_blind = sorted((c, k, u) for c, k, u in q(
    "SELECT c.name, b.category, b.unserved FROM blindspots b JOIN circles c ON c.id = b.circle_id"))
check(st_blind == sorted((c, k, float(u)) for c, k, u in gp_blind),
      "盲区 per circle and 业态 = the GeoPackage's, with the unserved residents (%d)" % len(st_blind))
check(q("SELECT count(*) FROM blindspots WHERE zh IS NULL OR zh = ''")[0][0] == 0, "every 盲区 names its 业态 in Chinese")
st_sites = q("SELECT ext_id, category, rank, covered, c.name FROM sites s LEFT JOIN circles c ON c.id = s.circle_id ORDER BY rank")
check([(s[0], s[1], s[2], s[3]) for s in st_sites] ==
      [(row["id"], row["category"], i + 1, float(row["newly_served"])) for i, row in enumerate(sites_csv)],
      "sites = sites.csv: id, 业态, rank, newly covered (%s)" % st_sites)
check([s[4] for s in st_sites] == ["东圈", "西圈"], "each site in the circle of its nearest residence")
check(q("SELECT count(*) FROM outlets")[0][0] == 60, "the outlets as before")

if PG:
    for t in ("communities", "circles", "blindspots", "sites"):
        bad = q("SELECT count(*) FROM %s WHERE geom IS NOT NULL AND (NOT ST_IsValid(geom) OR ST_SRID(geom) <> 4326)" % t)[0][0]
        types = [x for (x,) in q("SELECT DISTINCT GeometryType(geom) FROM %s WHERE geom IS NOT NULL" % t)]
        check(bad == 0 and types == (["POINT"] if t == "sites" else ["MULTIPOLYGON"]),
              "%s: every geometry valid, SRID 4326, %s" % (t, types))
    cols = dict(q("SELECT f_table_name, type || ',' || srid FROM geometry_columns WHERE f_table_schema = ?", schema))
    check(cols.get("communities") == "MULTIPOLYGON,4326" and cols.get("circles") == "MULTIPOLYGON,4326" and
          cols.get("blindspots") == "MULTIPOLYGON,4326" and cols.get("sites") == "POINT,4326" and
          cols.get("outlets") == "POINT,4326", "geometry_columns: typed columns, SRID 4326 (%s)" % cols)
    gist = {x for (x,) in q("SELECT tablename FROM pg_indexes WHERE schemaname = ? AND indexdef LIKE '%%USING gist (geom)%%'", schema)}
    check({"communities", "circles", "blindspots", "sites", "outlets"} <= gist, "GiST indexes on every geom (%s)" % sorted(gist))
    # the 盲区 are blindspots.geojson's cells (to its 7 decimals)
    far = [k for k, f in bj.items() if q(
        "SELECT ST_HausdorffDistance(b.geom, ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)) < 1e-6 AND"
        " abs(ST_Area(b.geom) / ST_Area(ST_GeomFromGeoJSON(?)) - 1) < 1e-3"
        " FROM blindspots b JOIN circles c ON c.id = b.circle_id WHERE c.name = ? AND b.category = ?",
        json.dumps(f["geometry"]), json.dumps(f["geometry"]), k[0], k[1])[0][0] is not True]
    check(not far, "every 盲区's polygon is blindspots.geojson's (%s)" % far[:3])
    # areas cover their placed residences
    miss = []
    for rid, (circle, com) in placed.items():
        x, y = res_xy[rid]
        ok = q("SELECT ST_Covers(c.geom, ST_SetSRID(ST_MakePoint(?, ?), 4326)) AND ST_Covers(m.geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))"
               " FROM circles c, communities m WHERE c.name = ? AND m.name = ?", x, y, x, y, circle, com)
        if not ok or ok[0][0] is not True:
            miss.append(rid)
    check(not miss, "each circle's and community's area covers its %d placed residences (%s)" % (len(placed), miss[:3]))
    sites_xy = q("SELECT ext_id, ST_X(geom), ST_Y(geom) FROM sites ORDER BY rank")
    check(all(abs(x - float(r_["lon"])) < 1e-9 and abs(y - float(r_["lat"])) < 1e-9 for (_, x, y), r_ in zip(sites_xy, sites_csv)),
          "site points at sites.csv's lon/lat")
else:
    def gj(text):
        return json.loads(text)
    types = {t: {gj(x)["type"] for (x,) in q("SELECT geom FROM %s WHERE geom IS NOT NULL" % t)}
             for t in ("communities", "circles", "blindspots", "sites")}
    check(types == {"communities": {"MultiPolygon"}, "circles": {"MultiPolygon"}, "blindspots": {"MultiPolygon"},
                    "sites": {"Point"}}, "GeoJSON of the right type in every table (%s)" % types)

    def flat(c):
        return [v for x in c for v in (flat(x) if isinstance(x, list) else [x])]
    far = []
    for (c, k, text) in q("SELECT c.name, b.category, b.geom FROM blindspots b JOIN circles c ON c.id = b.circle_id"):
        a_, b_ = flat(gj(text)["coordinates"]), flat(bj[(c, k)]["geometry"]["coordinates"])
        if len(a_) != len(b_) or max(abs(u - v) for u, v in zip(a_, b_)) > 1e-6:
            far.append((c, k))
    check(not far, "every 盲区's rings are blindspots.geojson's (%s)" % far[:3])
    pts = [gj(x)["coordinates"] for (x,) in q("SELECT geom FROM sites ORDER BY rank")]
    check(all(abs(p[0] - float(r_["lon"])) < 1e-9 and abs(p[1] - float(r_["lat"])) < 1e-9 for p, r_ in zip(pts, sites_csv)),
          "site points at sites.csv's lon/lat")

# ---- re-import: replaced, not duplicated; ids kept ------------------------------
ids = (q("SELECT id, name FROM communities ORDER BY id"), q("SELECT id, name FROM circles ORDER BY id"))
before = snapshot()
r = quarter("import", "-q", "--db", DB, PROJECT, "--sites", SITES)
after = snapshot()
check(r.returncode == 0, "re-import (%s)" % r.stderr.strip()[-200:])
check((q("SELECT id, name FROM communities ORDER BY id"), q("SELECT id, name FROM circles ORDER BY id")) == ids,
      "re-import keeps the communities' and circles' ids")
check(after[0] == before[0] and after[1] == before[1], "re-import: the same areas")
check([x[1:] for x in after[2]] == [x[1:] for x in before[2]] and [x[1:] for x in after[3]] == [x[1:] for x in before[3]],
      "re-import replaces the 盲区 and sites (%d, %d rows, not twice as many)" % (len(after[2]), len(after[3])))

# a coarser 盲区 grid: fewer cells, other polygons
r = quarter("import", "-q", "--db", DB, PROJECT, "--blind-cell", "400")
coarse = snapshot()
check(r.returncode == 0 and coarse[2] != after[2] and coarse[3] == [],
      "import --blind-cell 400 without --sites: other 盲区, the old sites gone")
r = quarter("import", "-q", "--db", DB, PROJECT, "--sites", SITES)
check(r.returncode == 0 and [x[1:] for x in snapshot()[2]] == [x[1:] for x in before[2]], "and back")

# ---- a failing import leaves the geometries as they were ------------------------
before = snapshot()
if PG:
    q("CREATE FUNCTION no_sites() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no sites today'; END $$")
    q("CREATE TRIGGER no_sites BEFORE INSERT ON sites FOR EACH ROW EXECUTE FUNCTION no_sites()")
else:
    q("CREATE TRIGGER no_sites BEFORE INSERT ON sites BEGIN SELECT RAISE(ABORT, 'no sites today'); END")
r = quarter("import", "--db", DB, PROJECT, "--sites", SITES, "--blind-cell", "400")
check(r.returncode != 0 and "no sites today" in r.stderr, "an import failing at its sites fails (%d: %s)" %
      (r.returncode, r.stderr.strip()[-200:]))
check(snapshot() == before, "... and leaves the areas, 盲区 and sites as they were (after writing new ones)")
q("DROP TRIGGER no_sites" + (" ON sites" if PG else ""))

# bad input: sites of another project, a bad cell
r = quarter("import", "--db", DB, PROJECT, "--sites", os.path.join(PLAN, "sites-beijing.csv"))
check(r.returncode == 1 and "sites-beijing.csv:" in r.stderr and snapshot() == before,
      "sites of another project: exit 1, file:line, nothing changed (%s)" % r.stderr.strip()[-200:])
r = quarter("import", "--db", DB, PROJECT, "--blind-cell", "3")
check(r.returncode == 2 and "--blind-cell" in r.stderr, "--blind-cell 3: a usage error")

# ---- a project with [communities] polygons ---------------------------------------
BND = os.path.join(PLAN, "boundaries.project")
if PG:
    DB2 = DB.replace(schema, schema + "_b")
    q("DROP SCHEMA IF EXISTS %s_b CASCADE; CREATE SCHEMA %s_b" % (schema, schema))
else:
    DB2 = os.path.join(work, "boundaries.db")
r = quarter("import", "-q", "--db", DB2, BND)
check(r.returncode == 0, "import of a project with community polygons (%s)" % r.stderr.strip()[-200:])
polys = {f["properties"]["社区名称"]: f["geometry"] for f in json.load(open(os.path.join(PLAN, "communities.geojson")))["features"]}
if PG:
    rows = q("SELECT m.name, m.boundary, ST_Equals(m.geom, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)))"
             " FROM %s_b.communities m WHERE m.name = '社区甲'" % schema, json.dumps(polys["社区甲"]))
    check(rows == [("社区甲", "社区边界", True)], "a community's area is its polygon of the [communities] file (%s)" % rows)
    rows = q("SELECT c.name, c.boundary, ST_Equals(c.geom, ST_Multi(m.geom)) FROM %s_b.circles c"
             " JOIN %s_b.circle_communities cc ON cc.circle_id = c.id JOIN %s_b.communities m ON m.id = cc.community_id"
             " ORDER BY c.name" % (schema, schema, schema))
    check(rows == [("东圈", "社区边界", True), ("西圈", "社区边界", True)], "a circle of one community: that polygon (%s)" % rows)
else:
    c2 = sqlite3.connect(DB2)
    rows = c2.execute("SELECT name, boundary, json_extract(geom, '$.type') FROM communities ORDER BY name").fetchall()
    c2.close()
    check(rows == [("社区乙", "社区边界", "MultiPolygon"), ("社区甲", "社区边界", "MultiPolygon")] or
          sorted(rows) == sorted([("社区乙", "社区边界", "MultiPolygon"), ("社区甲", "社区边界", "MultiPolygon")]),
          "communities of a [communities] file: 社区边界 (%s)" % rows)

if PG:
    # ---- QGIS's view: ogrinfo on PG: lists the layers, their types and SRID --------
    if shutil.which("ogrinfo"):
        from urllib.parse import urlparse
        u = urlparse(PG)
        conninfo = "PG:host=%s port=%s dbname=%s user=%s schemas=%s" % (u.hostname, u.port, u.path.lstrip("/"), u.username, schema)
        r = run(["ogrinfo", "-ro", "-q", conninfo])
        out = r.stdout
        check(r.returncode == 0 and all("%s (%s)" % (t, k) in out for t, k in (
            ("communities", "Multi Polygon"), ("circles", "Multi Polygon"), ("blindspots", "Multi Polygon"),
            ("sites", "Point"), ("outlets", "Point"))), "ogrinfo PG: lists the layers with their types (%s)" % out.strip())
        r = run(["ogrinfo", "-ro", "-so", conninfo, "blindspots"])
        check(r.returncode == 0 and "Feature Count: %d" % len(gp_blind) in r.stdout and '"EPSG",4326' in r.stdout,
              "ogrinfo -so blindspots: its features and EPSG:4326")
    else:
        print("skip ogrinfo (gdal-bin missing)")
    # ---- the text search can use the three pg_trgm indexes ------------------------
    plan = "\n".join(x for (x,) in q(
        "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;"
        " EXPLAIN SELECT id FROM outlets WHERE name ILIKE '%%邮政局%%' OR address ILIKE '%%邮政局%%'"
        " OR services ILIKE '%%邮政局%%' ORDER BY id") if x)
    check(all(i in plan for i in ("outlets_name_trgm", "outlets_address_trgm", "outlets_services_trgm")),
          "EXPLAIN of the search: a BitmapOr over the name, address and services trgm indexes")
    conn.cursor().execute("DROP SCHEMA %s CASCADE; DROP SCHEMA %s_b CASCADE" % (schema, schema))

print("%d passed, %d failed" % (passed, len(failures)))
sys.exit(1 if failures else 0)

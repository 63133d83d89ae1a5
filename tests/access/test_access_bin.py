#!/usr/bin/python3
"""quarter access --format bin read back (bench/read_access_bin.py) equals the CSV of the
same run, byte for byte once written as CSV, and its raw distances round to the CSV's:
every node of the small test graph (--radius, --rings, --max-dist), --origins in edge and
node mode, an origin too far to place, and a tiled grid big enough for several blocks per
thread; then what --format refuses.

usage: test_access_bin.py QUARTER SOURCE_DIR
"""
import math
import os
import subprocess
import sys
import tempfile

QUARTER, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(SRC, "bench"))
import read_access_bin  # noqa: E402

DATA = os.path.join(SRC, "tests", "cli", "data")
results = []  # (ok, what)


def check(cond, what):
    results.append((bool(cond), what))
    print(("ok   " if cond else "FAIL ") + what)


def run(args):
    e = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    e["LANG"] = "en_US.UTF-8"
    return subprocess.run([QUARTER] + args, capture_output=True, text=True, env=e)


tmp = tempfile.mkdtemp(prefix="qt-access-bin-")

# a grid graph of 40 x 40 nodes with 3 categories, written here (no randomness)
grid = os.path.join(tmp, "grid")
os.mkdir(grid)
with open(os.path.join(grid, "nodes.csv"), "w") as f:
    f.write("id,lon,lat\n")
    for y in range(40):
        for x in range(40):
            f.write("%d,%.7f,%.7f\n" % (1000 + y * 40 + x, 118.7 + x * 0.0011 + (y % 3) * 0.00003, 32.0 + y * 0.0009))
with open(os.path.join(grid, "edges.csv"), "w") as f:
    f.write("u,v,length_m\n")
    for y in range(40):
        for x in range(40):
            v = 1000 + y * 40 + x
            if x < 39 and (x * 7 + y) % 11:
                f.write("%d,%d,%.3f\n" % (v, v + 1, 100 + (x * y) % 17))
            if y < 39 and (x + y * 5) % 13:
                f.write("%d,%d,%.3f\n" % (v, v + 40, 95 + (x + y) % 23))
with open(os.path.join(grid, "pois.csv"), "w") as f:
    f.write("id,category,lon,lat\n")
    for i in range(60):
        x, y = (i * 17) % 40, (i * 29) % 40
        f.write("p%d,%s,%.7f,%.7f\n" % (i, ("shop", "school", "clinic")[i % 3], 118.7 + x * 0.0011 + 0.0002,
                                        32.0 + y * 0.0009 + 0.0001))
with open(os.path.join(grid, "origins.csv"), "w") as f:
    f.write("id,lon,lat\n")
    for i in range(500):
        f.write("家%d,%.7f,%.7f\n" % (i, 118.7 + (i * 37 % 430) * 0.0001, 32.0 + (i * 53 % 350) * 0.0001))
    f.write("far away,119.5,33.5\n")  # beyond --snap-max: empty rows

small = ["--nodes", os.path.join(DATA, "nodes.csv"), "--edges", os.path.join(DATA, "edges.csv"),
         "--pois", os.path.join(DATA, "pois.csv")]
big = ["--nodes", os.path.join(grid, "nodes.csv"), "--edges", os.path.join(grid, "edges.csv"),
       "--pois", os.path.join(grid, "pois.csv")]
cases = [
    ("small graph, every node, --radius --max-dist", small + ["--snap", "node", "--radius", "100", "--max-dist", "3000"]),
    ("small graph, --rings", small + ["--snap", "node", "--rings", "1,2,5", "--speed-kmh", "6"]),
    ("small graph, --origins, --rings and --radius", small + ["--origins", os.path.join(DATA, "origins.csv"),
                                                            "--rings", "5,10", "--radius", "300"]),
    ("grid, every node, two threads", big + ["--snap", "node", "--max-dist", "1500", "--threads", "2"]),
    ("grid, --origins (edge mode, one too far), --rings", big + ["--origins", os.path.join(grid, "origins.csv"),
                                                                 "--rings", "5,10,15", "--max-dist", "2000"]),
    ("grid, --origins in node mode", big + ["--origins", os.path.join(grid, "origins.csv"), "--snap", "node"]),
]
for name, args in cases:
    a, b = os.path.join(tmp, "a.csv"), os.path.join(tmp, "a.bin")
    r1 = run(["access"] + args + ["--out", a, "-q"])
    r2 = run(["access"] + args + ["--format", "bin", "--out", b, "-q"])
    ok = r1.returncode == 0 and r2.returncode == 0
    check(ok, name + ": both runs succeed" + ("" if ok else "\n" + r1.stderr + r2.stderr))
    if r1.returncode or r2.returncode:
        continue
    with open(a, encoding="utf-8") as f:
        want = f.read().splitlines()
    got = read_access_bin.read(b)
    lines = list(read_access_bin.csv_lines(got))
    check(lines == want, name + ": the binary file written as CSV is the CSV (%d rows)" % (len(want) - 1))
    check(len(got["blocks"]) == len(got["categories"]) and
          [c for c, _, _ in got["blocks"]] == list(range(len(got["categories"]))),
          name + ": one block per category, in order")
    # the raw distances: exactly what the CSV rounds to 6 decimals
    rows = [w.split(",") for w in want[1:]]
    n = len(got["ids"])
    ok = True
    for k, (cat, nearest, cols) in enumerate(got["blocks"]):
        for i in range(n):
            field = rows[k * n + i][2]
            d = nearest[i]
            ok &= (field == "" and math.isnan(d)) or (field != "" and "%.6f" % d == field)
    check(ok, name + ": nearest_m as doubles, NaN exactly where the CSV is empty")
    if "far away" in got["ids"]:
        i = got["ids"].index("far away")
        check(all(math.isnan(bl[1][i]) and all(c[i] is None for c in bl[2]) for bl in got["blocks"]),
              name + ": the origin too far to place has NaN and no counts")
    check(os.path.getsize(b) < os.path.getsize(a) or n < 100, name + ": smaller than the CSV")

r = run(["access"] + small + ["--snap", "node", "--format", "parquet", "--out", os.path.join(tmp, "x")])
check(r.returncode == 2 and "--format must be csv or bin" in r.stderr and not os.path.exists(os.path.join(tmp, "x")),
      "--format parquet is refused (exit 2, nothing written)")
with open(os.path.join(tmp, "bad.bin"), "wb") as f:
    f.write(b"QTACCESS" + b"\0" * 20)
try:
    read_access_bin.read(os.path.join(tmp, "bad.bin"))
    check(False, "a truncated file is refused by the reader")
except read_access_bin.FormatError:
    check(True, "a truncated file is refused by the reader")

failures = [w for ok, w in results if not ok]
print("%d passed, %d failed" % (len(results) - len(failures), len(failures)))
for w in failures:
    print("FAIL " + w)
sys.exit(1 if failures else 0)

#!/usr/bin/python3
"""quarter analyze P1 P2 P3 -o DIR [-j N] (issue 14): several cities at once.

  test_batch.py QUARTER REPO BUILD_DIR

Three city projects cut from the sample (cities.py).  Checked: each city's
folder of a parallel (-j 2) and of a serial (-j 1) run is byte for byte the
folder a single `quarter analyze` writes; province.csv (BOM, Chinese headers,
one row per city in the order given, circles and population as the cities'
own files say) and province.xlsx read back with openpyxl hold the same; a bad
project among good ones fails alone (named with its reason, exit status
non-zero, no folder of its own, its row 失败) while the others finish; two
projects of one city name are a usage error.
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cities  # noqa: E402

FAILS = cities.FAILS
check = cities.check
same_tree = cities.same_tree


def read_csv(path):
    with open(path, "rb") as f:
        raw = f.read()
    return raw, list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def run(args, **kw):
    env = dict(os.environ, LANG="en_US.UTF-8")
    env.pop("LC_ALL", None)
    return subprocess.run(args, capture_output=True, text=True, env=env, **kw)


def main():
    quarter, repo, build = sys.argv[1:4]
    tmp = tempfile.mkdtemp(prefix="batch-test-", dir=build)
    try:
        paths = [os.path.realpath(p) for p in cities.make(quarter, repo, os.path.join(tmp, "cities"))]
        names = cities.NAMES
        os.makedirs(os.path.join(tmp, "single"))
        for n, p in zip(names, paths):
            r = run([quarter, "analyze", p, "-o", os.path.join(tmp, "single", n), "-q"])
            check(r.returncode == 0, "single analyze of %s: %s" % (n, r.stderr.strip()[-200:]))
        for j in ("1", "2"):
            out = os.path.join(tmp, "j" + j)
            r = run([quarter, "analyze", *paths, "-o", out, "-j", j])
            check(r.returncode == 0, "analyze of 3 projects -j %s exits 0 (%s)" % (j, r.stderr.strip()[-200:]))
            for n in names:
                check(same_tree(os.path.join(tmp, "single", n), os.path.join(out, n)),
                      "-j %s: %s/ byte-identical to a single analyze" % (j, n))
            check(sorted(os.listdir(out)) == sorted(names + ["province.csv", "province.xlsx"]),
                  "-j %s: the folder holds the cities and the province files only: %s" % (j, sorted(os.listdir(out))))
        raw1, _ = read_csv(os.path.join(tmp, "j1", "province.csv"))
        raw2, rows = read_csv(os.path.join(tmp, "j2", "province.csv"))
        check(raw1 == raw2, "province.csv of -j 1 and -j 2 the same bytes")
        check(raw2.startswith(b"\xef\xbb\xbf"), "province.csv starts with a UTF-8 BOM")
        head = rows[0]
        for h in ("城市", "便民生活圈数", "基础型", "提升型", "品质型", "未达标", "人口",
                  "5分钟内基本保障类业态齐全的人口比例", "15分钟内基本保障类业态齐全的人口比例", "基本保障类业态具备数",
                  "品质提升类业态具备数", "城市等级"):
            check(h in head, "province.csv has the column %s" % h)
        check([r[0] for r in rows[1:]] == names, "one row per city, in the order given: %s" % [r[0] for r in rows[1:]])
        col = {h: i for i, h in enumerate(head)}
        for r, n in zip(rows[1:], names):
            _, grades = read_csv(os.path.join(tmp, "single", n, "grades.csv"))
            grades = [g for g in grades if g[0] != "全市"]
            _, res = read_csv(os.path.join(tmp, "single", n, "residences.csv"))
            rh = res[0]
            placed = [x for x in res[1:] if x[rh.index("placed")] == "1"]
            pop = sum(float(x[rh.index("population")]) for x in placed)
            worst = [max(float(x[rh.index(c + "_min")] or "inf") for c in cities.REQUIRED) for x in placed]
            want = [sum(float(x[rh.index("population")]) for x, w in zip(placed, worst) if w <= m) / pop
                    for m in (5, 10, 15)]
            ngrade = sum(int(r[col[g]]) for g in ("基础型", "提升型", "品质型", "未达标"))
            check(r[col["状态"]] == "完成" and int(r[col["便民生活圈数"]]) == len(grades) - 1 == ngrade,
                  "%s: %s circles as in grades.csv (%d), by grade %d" % (n, r[col["便民生活圈数"]], len(grades) - 1,
                                                                        ngrade))
            check(abs(float(r[col["人口"]]) - pop) < 1, "%s: population %s, placed residences say %.0f" %
                  (n, r[col["人口"]], pop))
            shares = [float(r[col[h]]) for h in head if h.endswith("分钟内基本保障类业态齐全的人口比例")]
            check(len(shares) == 3 and all(abs(a - b) < 1e-4 for a, b in zip(shares, want)),
                  "%s: the 5/10/15-minute shares %s, residences.csv says %s" % (n, shares, [round(w, 4) for w in want]))
        try:
            import openpyxl
        except ImportError:
            openpyxl = None
            print("skip province.xlsx: no openpyxl")
        if openpyxl:
            ws = openpyxl.load_workbook(os.path.join(tmp, "j2", "province.xlsx")).active
            x = [[("" if v is None else v) for v in row] for row in ws.iter_rows(values_only=True)]
            check(x[0] == head, "province.xlsx has the CSV's header")
            ok = len(x) == len(rows)
            for xr, cr in zip(x[1:], rows[1:]):
                for v, c in zip(xr, cr):
                    if isinstance(v, (int, float)):
                        ok = ok and abs(v - float(c)) < 1e-4
                    else:
                        ok = ok and v == c
            check(ok, "province.xlsx holds the CSV's rows and figures")

        # a bad project among good ones
        bad = os.path.join(tmp, "cities", "bad.project")
        with open(paths[0], encoding="utf-8") as f:
            text = f.read().replace("file = outlets.csv", "file = %s" % os.path.join(tmp, "cities", "missing.csv"))
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text)
        out = os.path.join(tmp, "mixed")
        r = run([quarter, "analyze", paths[0], bad, paths[2], "-o", out, "-j", "2"])
        check(r.returncode != 0, "a bad project among good ones: exit %d" % r.returncode)
        check("bad.project" in r.stderr and "missing.csv" in r.stderr and "failed" in r.stderr,
              "the bad project is named with its reason: %s" % r.stderr.strip()[-300:])
        for n in (names[0], names[2]):
            check(same_tree(os.path.join(tmp, "single", n), os.path.join(out, n)), "the good city %s still finished" % n)
        check(not os.path.exists(os.path.join(out, "bad")), "no folder for the bad city")
        _, rows = read_csv(os.path.join(out, "province.csv"))
        br = [x for x in rows[1:] if x[0] == "bad"]
        check(len(rows) == 4 and len(br) == 1 and br[0][3] == "失败" and "missing.csv" in br[0][-1],
              "province.csv lists the bad city as 失败 with its reason: %s" % br)
        r = run([quarter, "analyze", paths[0], os.path.join(tmp, "x", "west.project"), "-o", os.path.join(tmp, "dup")])
        check(r.returncode == 2 and not os.path.exists(os.path.join(tmp, "dup")),
              "two projects of one city name: usage error (%d), nothing written" % r.returncode)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())

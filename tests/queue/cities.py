#!/usr/bin/python3
"""Three city projects from the bundled sample, for the batch and queue tests (and their checks).

  cities.py QUARTER REPO DIR   writes DIR/{west,centre,east}/<name>.project

`quarter analyze` of the sample gives its outlets and residences as CSV (OSM
data, ODbL: generated into DIR, never committed); they are cut at the
thirds of the residences' longitudes into three cities of their own, each
with the whole street network, its own outlets and residences (communities
kept, circles 1.5 km grid cells).  Prints the three project paths.
"""
import csv
import filecmp
import os
import subprocess
import sys

NAMES = ["west", "centre", "east"]
REQUIRED = ("B01", "B02", "B12")


FAILS = []


def check(cond, what):
    """One test line: ok or FAIL, the failures kept in FAILS."""
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def same_tree(a, b):
    """Every file of a and b the same bytes, the same names on both sides."""
    c = filecmp.dircmp(a, b)
    if c.left_only or c.right_only or c.funny_files:
        return False
    for f in c.common_files:
        if not filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False):
            return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in c.common_dirs)


def relaxed_profile(repo, out):
    """The sample's profile with only REQUIRED of the basic 业态 required."""
    src = os.path.join(repo, "data", "profiles", "mofcom-2023.profile")
    lines = []
    for line in open(src, encoding="utf-8"):
        lines.append(line)
        s = line.strip()
        if s.startswith("[category B") and s[10:13] not in REQUIRED:
            lines.append("required = no\n")
    path = os.path.join(out, "relaxed.profile")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    return path


def make(quarter, repo, out):
    os.makedirs(out, exist_ok=True)
    sample = os.path.join(repo, "data", "nanjing-xuanwu", "xuanwu.project")
    base = os.path.join(out, "sample-analysis")
    subprocess.run([quarter, "analyze", sample, "-o", base, "-q"], check=True, stderr=subprocess.DEVNULL)
    with open(os.path.join(base, "residences.csv"), encoding="utf-8-sig") as f:
        res = list(csv.DictReader(f))
    with open(os.path.join(base, "outlets.csv"), encoding="utf-8-sig") as f:
        outl = list(csv.DictReader(f))
    lons = sorted(float(r["lon"]) for r in res)
    cuts = [lons[len(lons) // 3], lons[2 * len(lons) // 3]]

    def part(lon):
        return 0 if lon < cuts[0] else (1 if lon < cuts[1] else 2)

    profile = relaxed_profile(repo, out)
    paths = []
    for k, name in enumerate(NAMES):
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "residences.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "lon", "lat", "population", "households", "community"])
            for r in res:
                if part(float(r["lon"])) == k:
                    w.writerow([r["id"], r["lon"], r["lat"], r["population"], r["households"], r["community"]])
        with open(os.path.join(d, "outlets.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "category", "lon", "lat"])
            for o in outl:
                # outlets a little beyond the cut count too: a city's edge is no wall
                lon = float(o["lon"])
                if part(lon - 0.004) == k or part(lon + 0.004) == k:
                    w.writerow([o["id"], o["name"], o["category"], o["lon"], o["lat"]])
        p = os.path.join(d, name + ".project")
        with open(p, "w", encoding="utf-8") as f:
            f.write("[project]\nname = 南京玄武%s (test city)\nprofile = %s\n\n[network]\nfile = %s\n\n"
                    "[outlets]\nfile = outlets.csv\ncrs = wgs84\n\n[residences]\nfile = residences.csv\n"
                    "crs = wgs84\n\n[circles]\ngrid_m = 1500\n"
                    % (["西", "中", "东"][k], profile,
                       os.path.join(repo, "data", "nanjing-xuanwu", "nanjing_xuanwu.osm.pbf")))
        paths.append(p)
    return paths


if __name__ == "__main__":
    for p in make(sys.argv[1], sys.argv[2], sys.argv[3]):
        print(p)

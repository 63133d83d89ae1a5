#!/usr/bin/python3
"""Accuracy of the profile's Amap classification on hand-checked rows.

Usage: amap_accuracy.py QUARTER SHARED_DIR PROFILE LABELS.tsv [--min 0.85]

Runs `quarter outlets` on each Amap file named in LABELS.tsv (rows of
../shared/data, which may not be copied into the repo), compares the category
of each labelled row with the hand-checked label, prints the accuracy and the
disagreements, and fails when accuracy falls below --min.  Exit 77 (skip) when
the shared data is not there.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

# how each file is read: crs and coordinate columns
FILES = {
    "shanghai-amap-poi-pygeo": ("wgs84", []),  # SOURCE.md: converted to WGS-84 upstream
    "xian-gaoxin-amap-residential": ("gcj02", ["--lon-col", "经度_gcj02", "--lat-col", "纬度_gcj02"]),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("quarter")
    ap.add_argument("shared")
    ap.add_argument("profile")
    ap.add_argument("labels")
    ap.add_argument("--min", type=float, default=0.85)
    a = ap.parse_args()
    labels = {}
    for line in open(a.labels, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f, n, lab = line.rstrip("\n").split("\t")
        labels.setdefault(f, {})[int(n)] = lab
    data = os.path.join(a.shared, "data")
    if not all(os.path.exists(os.path.join(data, f)) for f in labels):
        print("SKIP: the Amap files of ../shared/data are not here")
        return 77
    total = right = 0
    wrong = []
    per = {}
    with tempfile.TemporaryDirectory() as tmp:
        for f, rows in sorted(labels.items()):
            crs, extra = FILES[f.split("/")[0]]
            out, un = os.path.join(tmp, "m.csv"), os.path.join(tmp, "u.csv")
            p = subprocess.run([a.quarter, "--lang", "en", "outlets", "--profile", a.profile, "--crs", crs, *extra,
                                os.path.join(data, f), "-o", out, "--unmatched", un],
                               stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                if "none of the" not in p.stderr:  # a file with no 业态 at all (bus stops) is exit 1
                    sys.stderr.write(p.stderr)
                    return 2
                open(out, "w", encoding="utf-8").write("id,category,line\n")
            src = list(csv.DictReader(open(os.path.join(data, f), encoding="utf-8-sig")))
            idcol = "poi_id" if "poi_id" in src[0] else None
            got = {}
            for r in csv.DictReader(open(out, encoding="utf-8")):
                got[r["id"] if idcol else r["line"]] = r["category"]
            for n, lab in rows.items():
                key = src[n - 2][idcol] if idcol else str(n)
                pred = got.get(key, "-")
                total += 1
                pf = per.setdefault(f, [0, 0])
                pf[1] += 1
                if pred == lab:
                    right += 1
                    pf[0] += 1
                else:
                    wrong.append((f, n, src[n - 2].get("name") or src[n - 2].get("名称"), lab, pred))
    acc = right / total
    print(f"Amap classification: {right}/{total} hand-checked rows right, accuracy {acc:.1%}")
    for f, (r, t) in sorted(per.items()):
        print(f"  {f}: {r}/{t} ({r / t:.1%})")
    for f, n, name, lab, pred in wrong:
        print(f"  {f}:{n} {name}: label {lab}, profile says {pred}")
    return 0 if acc >= a.min else 1


if __name__ == "__main__":
    sys.exit(main())

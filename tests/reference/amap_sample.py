#!/usr/bin/python3
"""Draw a stratified sample of Amap rows for hand labelling (issue 10).

Usage: amap_sample.py SHARED_DIR N SEED [EXCLUDE_LABELS.tsv ...]

Prints file, line (1 = header), name and Amap type of N rows drawn from the
Shanghai and Xi'an Amap files of ../shared/data: the quota of each file is
fixed below; inside a file the rows are stratified by their first type
(大类;中类), each stratum gets a share of the file's quota proportional to its
size (at least one row), drawn with random.Random(SEED).  Rows already in the
EXCLUDE files are never drawn.  The label column is left for a person to fill
in by reading the row -- never from the classifier.
"""
import csv
import os
import random
import sys

QUOTA = {  # file -> rows
    "shanghai-amap-poi-pygeo/food.csv": 90,
    "shanghai-amap-poi-pygeo/hospital_medical.csv": 35,
    "shanghai-amap-poi-pygeo/theatre_cinema.csv": 20,
    "shanghai-amap-poi-pygeo/kindergarten.csv": 15,
    "shanghai-amap-poi-pygeo/hotpot.csv": 10,
    "shanghai-amap-poi-pygeo/bus_stop.csv": 10,
    "shanghai-amap-poi-pygeo/metro_station.csv": 5,
    "shanghai-amap-poi-pygeo/school.csv": 10,
    "xian-gaoxin-amap-residential/gaoxin_amap_pois.csv": 115,
}


def main():
    shared, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    skip = set()
    for f in sys.argv[4:]:
        for line in open(f, encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                continue
            a, b, _ = line.rstrip("\n").split("\t")
            skip.add((a, int(b)))
    rnd = random.Random(seed)
    total = sum(QUOTA.values())
    out = []
    for f, q in QUOTA.items():
        q = round(q * n / total)
        rows = list(csv.DictReader(open(os.path.join(shared, "data", f), encoding="utf-8-sig")))
        strata = {}
        for i, r in enumerate(rows):
            if (f, i + 2) in skip:
                continue
            t = (r.get("type") or r.get("类型名") or "").split("|")[0].split(";")
            strata.setdefault(";".join(t[:2]), []).append(i)
        keys = sorted(strata)
        size = sum(len(strata[k]) for k in keys)
        picked = []
        for k in keys:
            want = max(1, round(q * len(strata[k]) / size))
            picked += rnd.sample(strata[k], min(want, len(strata[k])))
        rnd.shuffle(picked)
        for i in sorted(picked[:q]):
            r = rows[i]
            out.append((f, i + 2, r.get("name") or r.get("名称"), r.get("type") or r.get("类型名")))
    for f, line, name, typ in out:
        print(f"{f}\t{line}\t{name}\t{typ}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Read the columnar file of `quarter access --format bin` (docs/formats.md).

    read_access_bin.py FILE [--csv]     print a summary, or (--csv) the rows exactly as
                                        `quarter access` writes its CSV

As a module: read(path) -> dict with
  ids         list of node ids (int) or origin ids (str), one per row
  origins     True when the ids are --origins ids
  rings       True when the run had --rings (the CSV has nearest_s)
  categories  category names, in the file's index order
  counts      count column names (count_within_R, count_5min, ...)
  max_dist_m, speed_mps
  blocks      list of (category index, nearest_m, [count column, ...]) in file order;
              nearest_m a list of floats (nan: none within --max-dist, or origin not
              placed), each count column a list of ints (None: origin not placed)
Standard library only (struct, array); little-endian files on any host.
"""
import array
import math
import struct
import sys

MAGIC = b"QTACCESS"


class FormatError(Exception):
    pass


def _array(typecode, raw):
    a = array.array(typecode)
    a.frombytes(raw)
    if sys.byteorder != "little":
        a.byteswap()
    return a


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 64 or data[:8] != MAGIC:
        raise FormatError(f"{path}: not a quarter access binary file")
    version, flags, nrows, ncat, ncounts, max_dist, speed, _, _ = struct.unpack_from("<IIQIIddQQ", data, 8)
    if version != 1:
        raise FormatError(f"{path}: version {version}, this reader knows 1")
    pos = 64
    names_start = pos

    def string():
        nonlocal pos
        (n,) = struct.unpack_from("<I", data, pos)
        s = data[pos + 4:pos + 4 + n].decode("utf-8")
        pos += 4 + n
        return s

    counts = [string() for _ in range(ncounts)]
    categories = [string() for _ in range(ncat)]
    pos += -(pos - names_start) % 8
    origins = bool(flags & 1)
    if origins:
        offs = _array("Q", data[pos:pos + 8 * (nrows + 1)])
        pos += 8 * (nrows + 1)
        blob = data[pos:pos + offs[-1]]
        ids = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(nrows)]
        pos += offs[-1] + (-offs[-1] % 8)
    else:
        ids = list(_array("q", data[pos:pos + 8 * nrows]))
        pos += 8 * nrows
    blocks = []
    while pos < len(data):
        (cat, _) = struct.unpack_from("<II", data, pos)
        pos += 8
        if cat >= ncat:
            raise FormatError(f"{path}: block for category {cat} of {ncat}")
        nearest = list(_array("d", data[pos:pos + 8 * nrows]))
        pos += 8 * nrows
        cols = []
        for _ in range(ncounts):
            c = _array("I", data[pos:pos + 4 * nrows])
            cols.append([None if x == 0xFFFFFFFF else x for x in c])
            pos += 4 * nrows
        pos += -(4 * nrows * ncounts) % 8
        blocks.append((cat, nearest, cols))
    if pos != len(data):
        raise FormatError(f"{path}: truncated")
    return {"ids": ids, "origins": origins, "rings": bool(flags & 2), "categories": categories, "counts": counts,
            "max_dist_m": max_dist, "speed_mps": speed, "blocks": blocks}


def csv_lines(r):
    """The CSV quarter access writes for the same run, line by line (without newlines)."""
    rings = r["rings"]
    head = ["origin_id" if r["origins"] else "node_id", "category", "nearest_m"]
    if rings:
        head.append("nearest_s")
    yield ",".join(head + r["counts"])
    for cat, nearest, cols in r["blocks"]:
        name = r["categories"][cat]
        for i, rid in enumerate(r["ids"]):
            d = nearest[i]
            row = [str(rid), name, "" if math.isnan(d) else "%.6f" % d]
            if rings:
                row.append("" if math.isnan(d) else "%.1f" % (d / r["speed_mps"]))
            row += ["" if c[i] is None else str(c[i]) for c in cols]
            yield ",".join(row)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 2
    try:
        r = read(argv[1])
    except (OSError, FormatError, struct.error) as e:
        print(f"read_access_bin: {e}", file=sys.stderr)
        return 1
    if "--csv" in argv[2:]:
        out = sys.stdout
        for line in csv_lines(r):
            out.write(line + "\n")
        return 0
    print(f"{len(r['ids'])} {'origins' if r['origins'] else 'nodes'}, {len(r['categories'])} categories, "
          f"{len(r['blocks'])} blocks; counts: {', '.join(r['counts']) or 'none'}; "
          f"max_dist_m {r['max_dist_m']}, speed_mps {r['speed_mps']:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

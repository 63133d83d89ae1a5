#!/usr/bin/python3
"""The layer rule, on the built objects: no object references a symbol that
only a higher layer (or a peer) defines.

  check_symbols.py REPO BUILD_DIR

Reads every object of the library and the CLI under BUILD_DIR (the layer is
the src/<layer>/ folder of its source; generated/ is the store's migrations)
with `nm -P`, maps each defined symbol to its layer, and reports every
undefined reference to a symbol of a higher layer or a peer (io <-> store),
and every qt__ internal the CLI takes from a layer other than base.  Lines
"known LAYER SYMBOL" report references tests/lint/layers-known.txt allows.
Exits 1 on any violation.  Run by check_layers.py.
"""
import os
import subprocess
import sys

RANK = {"base": 0, "core": 1, "domain": 2, "io": 3, "store": 3, "report": 4, "server": 5, "cli": 6}


def layer_of(path):
    parts = path.split(os.sep)
    if "tests" in parts or "bench" in parts:
        return None
    if "generated" in parts:
        return "store"
    for i, p in enumerate(parts[:-1]):
        if p == "src" and parts[i + 1] in RANK:
            return parts[i + 1]
    return None


def main():
    top, build = sys.argv[1], sys.argv[2]
    known = set()
    for line in open(os.path.join(top, "tests/lint/layers-known.txt"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            known.add(tuple(line.split()))
    objs = {}
    for d, _, names in os.walk(build):
        for n in names:
            if n.endswith(".o"):
                p = os.path.join(d, n)
                layer = layer_of(os.path.relpath(p, build))
                if layer:
                    objs[p] = layer
    if not objs:
        print(f"no objects under {build}")
        return 2
    defined, undefined = {}, {}
    for p, layer in sorted(objs.items()):
        out = subprocess.run(["nm", "-P", p], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) < 2:
                continue
            name, kind = f[0], f[1]
            if kind == "U":
                undefined.setdefault(p, set()).add(name)
            elif kind.upper() in "TDBRCGSVW":
                defined.setdefault(name, set()).add(layer)
    bad = 0
    for p, names in sorted(undefined.items()):
        me = objs[p]
        for name in sorted(names):
            if name not in defined:
                continue  # a system or Debian library symbol
            for dep in sorted(defined[name]):
                up = RANK[dep] > RANK[me] or (RANK[dep] == RANK[me] and dep != me)
                if me == "cli" and name.startswith("qt__") and dep not in ("base", "cli"):
                    up = True
                if not up:
                    continue
                if (me, name) in known:
                    print(f"known {me} {name}")
                    continue
                print(f"{os.path.relpath(p, build)}: layer '{me}' references {name} of layer '{dep}'")
                bad = 1
    return bad


sys.exit(main())

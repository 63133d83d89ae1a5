#!/usr/bin/python3
"""The layer rule, on includes: a layer uses only its own and lower layers.

  check_layers.py REPO [BUILD_DIR]

Layers, lowest first: base <- core <- domain <- io, store <- report <- server
<- cli (io and store are peers: neither includes the other).  Every public
header include/quarter/X.h belongs to the layer tests/lint/headers.tsv gives
it (a header missing there fails); quarter.h, the umbrella, belongs to the
CLI.  Checked:
- every #include "..." of every file under src/ and include/, resolved the
  way the compiler resolves it (the file's own folder first, then src/ and
  include/), relative paths too: the included file's layer may not be above
  the includer's, nor a peer;
- the CLI reaches the library through the public API and base/ only.
With BUILD_DIR, check_symbols.py runs too (nm on the built objects).
Exceptions: tests/lint/layers-known.txt (each must still occur).
Prints the violations and "N passed, M failed"; exits 1 on any.
"""
import os
import re
import subprocess
import sys

RANK = {"base": 0, "core": 1, "domain": 2, "io": 3, "store": 3, "report": 4, "server": 5, "cli": 6}


def main():
    top = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    headers = {}
    for line in open(os.path.join(here, "headers.tsv"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            h, layer = line.split()
            headers[h] = layer
    known = set()
    for line in open(os.path.join(here, "layers-known.txt"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            known.add(tuple(line.split()))
    bad = []
    seen_known = set()

    def layer_of(path):
        rel = os.path.relpath(path, top)
        parts = rel.split(os.sep)
        if parts[0] == "src" and len(parts) >= 3:
            return parts[1]
        if parts[0] == "include":
            if rel == os.path.join("include", "quarter.h"):
                return "cli"
            if len(parts) == 3 and parts[1] == "quarter":
                if parts[2] not in headers:
                    return "unmapped"
                return headers[parts[2]]
        return None

    for h in sorted(os.listdir(os.path.join(top, "include", "quarter"))):
        if h.endswith(".h") and h not in headers:
            bad.append(f"include/quarter/{h}: not in tests/lint/headers.tsv (give it a layer)")
    files = []
    for base in ("src", "include"):
        for d, _, names in os.walk(os.path.join(top, base)):
            files += [os.path.join(d, n) for n in names if n.endswith((".c", ".h"))]
    inc_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    for f in sorted(files):
        me = layer_of(f)
        if me not in RANK:
            continue
        rel = os.path.relpath(f, top)
        for n, line in enumerate(open(f, encoding="utf-8", errors="replace"), 1):
            m = inc_re.match(line)
            if not m:
                continue
            inc = m.group(1)
            target = None
            for d in (os.path.dirname(f), os.path.join(top, "src"), os.path.join(top, "include")):
                p = os.path.normpath(os.path.join(d, inc))
                if os.path.exists(p):
                    target = p
                    break
            if target is None:
                continue  # generated or system-like; not ours to rank
            dep = layer_of(target)
            if dep is None or dep == "unmapped":
                continue
            up = RANK[dep] > RANK[me] or (RANK[dep] == RANK[me] and dep != me)
            if me == "cli" and dep not in ("cli", "base") and not os.path.relpath(target, top).startswith("include"):
                up = True  # the CLI: public API and base helpers only
            if up:
                key = (rel, inc)
                if key in known:
                    seen_known.add(key)
                    continue
                bad.append(f"{rel}:{n}: layer '{me}' must not include \"{inc}\" (layer '{dep}')")
    nsym = 0
    if len(sys.argv) > 2:
        r = subprocess.run([sys.executable, os.path.join(here, "check_symbols.py"), top, sys.argv[2]],
                           capture_output=True, text=True)
        for line in r.stdout.splitlines():
            if line.startswith("known "):
                seen_known.add(tuple(line.split()[1:3]))
            elif line.strip():
                bad.append(line)
        if r.returncode not in (0, 1):
            bad.append("check_symbols.py failed: " + r.stderr.strip())
        nsym = 1
    for k in sorted(known - seen_known):
        is_include = k[0].startswith(("src/", "include/"))
        if is_include or len(sys.argv) > 2:
            bad.append(f"tests/lint/layers-known.txt: '{' '.join(k)}' no longer occurs: remove the line")
    for b in bad:
        print(b)
    print(f"{1 + nsym - (1 if bad else 0)} passed, {1 if bad else 0} failed")
    return 1 if bad else 0


sys.exit(main())

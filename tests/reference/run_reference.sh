#!/usr/bin/env bash
# quarter against networkx and igraph on real OSM extracts (../shared/data),
# graphs made by ../shared/refs/make_graph.py.  Distances must agree within
# 1 cm and counts exactly (compare.py --tol 0.01).  Exit 77 (skipped) when
# the reference tools or the shared data are missing.
set -u
QUARTER=$1
SHARED=$2
PY=/usr/bin/python3
REFS=$SHARED/refs
if [ ! -d "$REFS" ] || [ ! -d "$SHARED/data" ]; then
  echo "SKIP: $SHARED/refs or $SHARED/data not found"; exit 77
fi
if ! $PY -c 'import networkx, igraph, osmium, numpy, pandas, scipy' 2>/dev/null; then
  echo "SKIP: reference tools missing (run scripts/install-deps.sh: python3-networkx python3-igraph python3-pyosmium ...)"
  exit 77
fi
WORK=${QT_REF_WORK:-$(mktemp -d)}
mkdir -p "$WORK"
fail=0; pass=0
check() { # name graphdir extra-args
  local name=$1 dir=$2
  "$QUARTER" access --nodes "$dir/nodes.csv" --edges "$dir/edges.csv" --pois "$dir/pois.csv" \
    --snap node --radius 1000 --max-dist 3000 --out "$dir/quarter.csv" -q || { echo "FAIL $name: quarter failed"; fail=$((fail+1)); return; }
  for ref in networkx igraph; do
    if [ ! -f "$dir/$ref.csv" ]; then
      $PY "$REFS/ref_$ref.py" "$dir" "$dir/$ref.csv" --radius 1000 --max-dist 3000 >/dev/null || { echo "FAIL $name: $ref failed"; fail=$((fail+1)); continue; }
    fi
    if $PY "$REFS/compare.py" "$dir/quarter.csv" "$dir/$ref.csv" --tol 0.01 --max-dist 3000; then
      pass=$((pass+1))
    else
      fail=$((fail+1))
    fi
  done
}
for spec in monaco-osrm/monaco.osm.pbf andorra-graphhopper/andorra.osm.pbf \
            liechtenstein-osm2pgsql/liechtenstein-2013-08-03.osm.pbf; do
  name=$(dirname "$spec")
  dir=$WORK/$name
  if [ ! -f "$dir/nodes.csv" ]; then
    $PY "$REFS/make_graph.py" "$SHARED/data/$spec" "$dir" >/dev/null || { echo "FAIL $name: make_graph"; fail=$((fail+1)); continue; }
  fi
  check "$name" "$dir"
done
# one threads-vs-threads check: identical bytes
dir=$WORK/monaco-osrm
"$QUARTER" access --nodes "$dir/nodes.csv" --edges "$dir/edges.csv" --pois "$dir/pois.csv" --snap node \
  --radius 1000 --max-dist 3000 --threads 1 --out "$dir/q1.csv" -q
if cmp -s "$dir/q1.csv" "$dir/quarter.csv"; then pass=$((pass+1)); else echo "FAIL: 1 thread differs from all cores"; fail=$((fail+1)); fi
[ -z "${QT_REF_WORK:-}" ] && rm -rf "$WORK"
echo "$pass passed, $fail failed"
[ $fail = 0 ]

#!/usr/bin/env bash
# quarter beside networkx, igraph and pgRouting on the same walking graphs.
# Prints, per graph: every tool's compute and whole-process time, quarter's
# peak memory (and bytes per node beyond the input files), an answer checksum,
# and whether the answers agree (compare.py --tol 0.01).  Not a pass/fail test.
#
#   bench/run_all.sh [GRAPH ...]      graphs: monaco andorra liechtenstein
#                                     liechtenstein-500 tile200k tile2m (default: all)
# Environment: DATA_DIR (../shared/data), REFS (../shared/refs), WORK (bench/out),
#   QUARTER (build/quarter), REFS_ON_2M=1 to run the references on the 2M graph too
#   (networkx: 6 min, 12 GB), SKIP_PGROUTING=1, THREADS (quarter threads, default all cores).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
DATA_DIR=${DATA_DIR:-$top/../shared/data}
REFS=${REFS:-$top/../shared/refs}
WORK=${WORK:-$top/bench/out}
QUARTER=${QUARTER:-$top/build/quarter}
PY=/usr/bin/python3
mkdir -p "$WORK"
[ -x "$QUARTER" ] || { echo "build quarter first: cmake -S . -B build && cmake --build build -j2" >&2; exit 2; }

graphs=("$@")
[ ${#graphs[@]} -gt 0 ] || graphs=(monaco andorra liechtenstein liechtenstein-500 tile200k tile2m)

make_graph() { # name
  local name=$1 dir=$WORK/$1
  [ -f "$dir/pois.csv" ] && return 0
  case $name in
    monaco) $PY "$REFS/make_graph.py" "$DATA_DIR/monaco-osrm/monaco.osm.pbf" "$dir" >/dev/null ;;
    andorra) $PY "$REFS/make_graph.py" "$DATA_DIR/andorra-graphhopper/andorra.osm.pbf" "$dir" >/dev/null ;;
    liechtenstein) $PY "$REFS/make_graph.py" "$DATA_DIR/liechtenstein-osm2pgsql/liechtenstein-2013-08-03.osm.pbf" "$dir" >/dev/null ;;
    liechtenstein-500) $PY "$REFS/make_graph.py" "$DATA_DIR/liechtenstein-osm2pgsql/liechtenstein-2013-08-03.osm.pbf" "$dir" --min-per-cat 500 >/dev/null ;;
    tile200k|tile2m)
      make_graph monaco; make_graph andorra; make_graph liechtenstein
      if [ $name = tile2m ]; then n=2000000; p=100000; else n=200000; p=10000; fi
      $PY "$REFS/tile_graph.py" "$dir" "$WORK/monaco" "$WORK/andorra" "$WORK/liechtenstein" --nodes $n --pois $p >/dev/null ;;
  esac
}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | head -1; }
filesize() { stat -c %s "$1"; }

printf '%-18s %9s %7s | %-10s %9s %9s | %s\n' graph nodes pois tool compute_s whole_s notes
for name in "${graphs[@]}"; do
  make_graph "$name" || { echo "$name: cannot make the graph"; continue; }
  dir=$WORK/$name
  nodes=$(($(wc -l < "$dir/nodes.csv") - 1)); pois=$(($(wc -l < "$dir/pois.csv") - 1))
  big=0; [ "$nodes" -gt 1000000 ] && big=1
  # quarter: whole process timed from outside, compute from --timings, peak RSS from time(1)
  start=$(date +%s.%N)
  /usr/bin/time -f 'rss_kb=%M' -o "$dir/quarter.time" "$QUARTER" access --nodes "$dir/nodes.csv" \
    --edges "$dir/edges.csv" --pois "$dir/pois.csv" --snap node --radius 1000 --max-dist 3000 \
    ${THREADS:+--threads $THREADS} --out "$dir/quarter.csv" --timings -q 2> "$dir/quarter.log"
  end=$(date +%s.%N)
  whole=$(echo "$end - $start" | bc)
  compute=$(field compute_s < "$dir/quarter.log")
  rss=$(field rss_kb < "$dir/quarter.time")
  inbytes=$(( $(filesize "$dir/nodes.csv") + $(filesize "$dir/edges.csv") + $(filesize "$dir/pois.csv") ))
  perb=$(echo "($rss * 1024 - $inbytes) / $nodes" | bc)
  sum=$(sha256sum "$dir/quarter.csv" | cut -c1-16)
  printf '%-18s %9d %7d | %-10s %9s %9.2f | peak %d MB, %s B/node beyond inputs, sha256 %s\n' \
    "$name" "$nodes" "$pois" quarter "$compute" "$whole" $((rss / 1024)) "$perb" "$sum"
  best=""
  for ref in networkx igraph pgrouting; do
    if [ $big = 1 ] && [ "${REFS_ON_2M:-0}" != 1 ]; then
      printf '%-18s %9s %7s | %-10s %9s %9s | skipped on >1M nodes; REFS_ON_2M=1 runs it (networkx: 6 min, 12 GB)\n' "" "" "" $ref - -
      continue
    fi
    [ $ref = igraph ] && [ "$nodes" -gt 300000 ] && { printf '%-18s %9s %7s | %-10s %9s %9s | skipped: count has no cutoff in python-igraph 0.10\n' "" "" "" $ref - -; continue; }
    [ $ref = pgrouting ] && [ "${SKIP_PGROUTING:-0}" = 1 ] && continue
    start=$(date +%s.%N)
    if [ $ref = pgrouting ]; then
      bash "$REFS/ref_pgrouting.sh" "$dir" "$dir/$ref.csv" 1000 3000 > "$dir/$ref.log" 2>&1
    else
      $PY "$REFS/ref_$ref.py" "$dir" "$dir/$ref.csv" --radius 1000 --max-dist 3000 > "$dir/$ref.log" 2>&1
    fi
    rc=$?
    end=$(date +%s.%N)
    rwhole=$(echo "$end - $start" | bc)
    rcomp=$(grep -h '^REF' "$dir/$ref.log" | field compute_s)
    if [ $rc != 0 ] || [ -z "$rcomp" ]; then
      printf '%-18s %9s %7s | %-10s %9s %9s | failed, see %s\n' "" "" "" $ref - - "$dir/$ref.log"; continue
    fi
    agree=$($PY "$REFS/compare.py" "$dir/quarter.csv" "$dir/$ref.csv" --tol 0.01 --max-dist 3000 | head -1 | cut -d' ' -f1)
    printf '%-18s %9s %7s | %-10s %9s %9.2f | answers %s; quarter %.0fx faster compute, %.0fx whole\n' \
      "" "" "" $ref "$rcomp" "$rwhole" "$agree" "$(echo "$rcomp / $compute" | bc -l)" "$(echo "$rwhole / $whole" | bc -l)"
  done
done
[ "${SKIP_PGROUTING:-0}" = 1 ] || bash "$REFS/ref_pgrouting.sh" --stop >/dev/null 2>&1 || true

#!/usr/bin/env bash
# The pages' figures (not a pass/fail test): page weight per page, /planner
# time to interactive in headless Chromium, tile render time p50/p99 (in
# process, bench_tiles; and over HTTP), what-if POST and click -> indicators.
#
#   bench/web.sh [sample|tile200k|tile2m]
#
# sample: the Nanjing sample project (tests/cli/data/plan).  tile200k/tile2m:
# the tiled city graphs of bench/run_all.sh + bench/analyze_2m.sh in $WORK
# (100k outlets, 1M residences on tile2m).
# Environment: BUILD (a build dir configured with -DQT_BUILD_BENCH=ON; default
# build), WORK (bench/out).  Needs `npm ci` in web/ and tests/web/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
WORK=${WORK:-$top/bench/out}
Q=$BUILD/quarter
name=${1:-sample}
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
[ -x "$Q" ] || { echo "no $Q: cmake -S . -B build -DQT_BUILD_BENCH=ON && cmake --build build" >&2; exit 2; }
[ -f "$BUILD/web/index.html" ] || { echo "no $BUILD/web: npm ci in web/, then rebuild" >&2; exit 2; }
case $name in
  sample)
    project=$top/tests/cli/data/plan/base.project
    "$Q" graph build "$top/data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf" -o "$tmp/g.qgraph" >/dev/null 2>&1 ;;
  tile200k|tile2m)
    plan=$WORK/$name/plan
    [ -f "$plan/graph.qgraph" ] || { echo "run bench/run_all.sh $name and bench/analyze_2m.sh $name first" >&2; exit 2; }
    project=$tmp/bench.project
    cat > "$project" <<P
[project]
name = $name web bench
profile = $top/data/profiles/mofcom-2023.profile
[network]
file = $plan/graph.qgraph
[outlets]
file = $plan/outlets.csv
crs = wgs84
[residences]
file = $plan/residences.csv
crs = wgs84
community_grid_m = 500
[circles]
grid_m = 1500
P
    cp "$plan/graph.qgraph" "$tmp/g.qgraph" ;;
  *) echo "usage: bench/web.sh [sample|tile200k|tile2m]" >&2; exit 2 ;;
esac
echo "== $name"
if [ -x "$BUILD/bench_tiles" ]; then "$BUILD/bench_tiles" "$tmp/g.qgraph"; fi
t0=$(date +%s.%N)
"$Q" import --db "$tmp/s.db" "$project" >/dev/null 2>&1 || { echo "import failed" >&2; exit 1; }
echo "import: $(echo "$(date +%s.%N) - $t0" | bc) s"
echo "bench-admin-1" > "$tmp/pw"
"$Q" user add --db "$tmp/s.db" --name admin --role admin --password-file "$tmp/pw" >/dev/null
t0=$(date +%s.%N)
"$Q" serve --db "$tmp/s.db" --graph "$tmp/g.qgraph" --port 0 --threads 2 --project "$project" > "$tmp/out" 2> "$tmp/err" &
pid=$!
for _ in $(seq 1 1800); do grep -q "listening" "$tmp/out" 2>/dev/null && break; sleep 0.2; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/api.*/\1/p' "$tmp/out" | head -1)
[ -n "$port" ] || { echo "serve did not start: $(cat "$tmp/err")" >&2; exit 1; }
echo "serve start (graph, outlets, planner baseline analysis): $(echo "$(date +%s.%N) - $t0" | bc) s"
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" -d '{"name":"admin","password":"bench-admin-1"}' |
  /usr/bin/python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
cd "$top" && node bench/web_bench.mjs "http://127.0.0.1:$port" "$BUILD/web" "$token"

#!/usr/bin/env bash
# wrk against GET /api/v1/nearby (15-minute walks at random points) on a
# city-size graph.  Prints wrk's figures; not a pass/fail test.
#
#   bench/serve_wrk.sh [GRAPH]      GRAPH: tile200k (default; 205,193 nodes, 9,985
#                                   outlets) or tile2m, made by bench/run_all.sh
#
# It imports the graph's outlets into a fresh store (with 1,000 residences for
# the circles' analysis), starts `quarter serve --threads 2` on a loopback port,
# and runs wrk (2 threads) with 16, 32 and 64 connections for 10 s each, every
# request a 15-minute nearby search (limit 20) at one of 2,000 random nodes.
# wrk runs on the same 2 cores as the server.
# Environment: WORK (bench/out), QUARTER (build/quarter).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out}
QUARTER=${QUARTER:-$top/build/quarter}
PY=/usr/bin/python3
name=${1:-tile200k}
dir=$WORK/$name
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -f "$dir/plan/outlets.csv" ] || { echo "run bench/analyze_2m.sh $name first (it makes $dir/plan)" >&2; exit 2; }
out=$dir/serve
mkdir -p "$out"
head -1001 "$dir/plan/residences.csv" > "$out/residences.csv"
cat > "$out/serve.project" <<EOF
[project]
name = $name serve bench
profile = $top/data/profiles/mofcom-2023.profile
[network]
file = ../plan/graph.qgraph
[outlets]
file = ../plan/outlets.csv
crs = wgs84
[residences]
file = residences.csv
crs = wgs84
community_grid_m = 500
[circles]
grid_m = 1500
EOF
rm -f "$out"/s.db*
"$QUARTER" import --db "$out/s.db" "$out/serve.project" || exit 1
$PY - "$dir/nodes.csv" "$out/nearby.lua" <<'EOF'
import random, sys
random.seed(7)
lines = [l for l in open(sys.argv[1]).read().split("\n")[1:] if l]
pts = [random.choice(lines).split(",")[1:3] for _ in range(2000)]
with open(sys.argv[2], "w") as f:
    f.write("local pts = {\n" + "".join('{"%s","%s"},\n' % (a, b) for a, b in pts) + "}\n")
    f.write('local i = 0\nrequest = function()\n  i = i + 1\n  local p = pts[(i % #pts) + 1]\n'
            '  return wrk.format("GET", "/api/v1/nearby?lon=" .. p[1] .. "&lat=" .. p[2] .. "&minutes=15&limit=20")\nend\n')
EOF
"$QUARTER" serve --db "$out/s.db" --graph "$dir/plan/graph.qgraph" --port 0 --threads 2 > "$out/serve.out" 2> "$out/serve.err" &
pid=$!
for _ in $(seq 50); do grep -q listening "$out/serve.out" 2>/dev/null && break; sleep 0.2; done
port=$(sed -n 's/.*:\([0-9]*\)\/api.*/\1/p' "$out/serve.out")
[ -n "$port" ] || { echo "serve did not start: $(cat "$out/serve.err")" >&2; kill $pid; exit 1; }
echo "graph $name: $(($(wc -l < "$dir/nodes.csv") - 1)) nodes, $(($(wc -l < "$dir/plan/outlets.csv") - 1)) outlets; $(nproc) cores"
for c in 16 32 64; do
  echo "--- wrk -t2 -c$c -d10s (nearby, 15 minutes, limit 20)"
  wrk -t2 -c$c -d10s --latency -s "$out/nearby.lua" "http://127.0.0.1:$port" | grep -E 'Latency  |50%|90%|99%|Requests/sec|Non-2xx'
done
kill -TERM $pid
wait $pid
echo "server exit: $?"

#!/usr/bin/env bash
# quarter analyze and quarter site at city scale, beside the engine's own pass.
# Prints the figures; not a pass/fail test.
#
#   bench/analyze_2m.sh [GRAPH]     GRAPH: tile2m (default) or tile200k, made by
#                                   bench/run_all.sh in $WORK (../shared/refs/tile_graph.py)
#
# Inputs made here (fixed seed): the graph's outlets (pois.csv, 25 categories
# c01..c25 mapped to the profile's B01..B14 and Q01..Q11 by rank), 1,000,000
# residences (10% of that on tile200k) at random nodes moved up to 20 m, with
# 20-400 residents each, communities on a 500 m grid and circles on a 1.5 km grid;
# 10,000 candidate sites (1,000 on tile200k) at random nodes.
#
# Figures:
#   engine pass   quarter access --origins residences (nearest + counts within 1 km)
#   analyze       quarter analyze (placement, nearest per 业态 within 30 min,
#                 every indicator, grades, 需求清单, 盲区, residences.csv)
#   site          quarter site --category B03 -k 10 --candidates (greedy; GLPK off)
# Environment: WORK (bench/out), QUARTER (build/quarter), THREADS.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out}
QUARTER=${QUARTER:-$top/build/quarter}
PY=/usr/bin/python3
name=${1:-tile2m}
dir=$WORK/$name
[ -f "$dir/nodes.csv" ] || { echo "no $dir/nodes.csv: run bench/run_all.sh $name first" >&2; exit 2; }
out=$dir/plan
mkdir -p "$out"

if [ ! -f "$out/residences.csv" ]; then
  $PY - "$dir" "$out" "$name" <<'EOF'
import sys, numpy as np, csv
d, out, name = sys.argv[1], sys.argv[2], sys.argv[3]
rng = np.random.default_rng(2026)
nodes = np.loadtxt(f"{d}/nodes.csv", delimiter=",", skiprows=1)
nres = 1_000_000 if name == "tile2m" else 100_000
ncand = 10_000 if name == "tile2m" else 1_000
cats = {f"c{i:02d}": (f"B{i:02d}" if i <= 14 else f"Q{i-14:02d}") for i in range(1, 26)}
with open(f"{d}/pois.csv") as f, open(f"{out}/outlets.csv", "w") as g:
    r = csv.reader(f); next(r)
    g.write("id,category,lon,lat\n")
    for row in r:
        g.write(f"{row[0]},{cats[row[1]]},{row[2]},{row[3]}\n")
k = 20.0 / 111195.0
pick = rng.integers(0, len(nodes), nres)
lon = nodes[pick, 1] + rng.uniform(-k, k, nres) / np.cos(np.radians(nodes[pick, 2]))
lat = nodes[pick, 2] + rng.uniform(-k, k, nres)
pop = rng.integers(20, 401, nres)
with open(f"{out}/residences.csv", "w") as g:
    g.write("id,lon,lat,population\n")
    for i in range(nres):
        g.write(f"r{i},{lon[i]:.7f},{lat[i]:.7f},{pop[i]}\n")
pick = rng.integers(0, len(nodes), ncand)
with open(f"{out}/candidates.csv", "w") as g:
    g.write("id,lon,lat\n")
    for i, j in enumerate(pick):
        g.write(f"s{i},{nodes[j,1]:.7f},{nodes[j,2]:.7f}\n")
EOF
fi
[ -f "$out/graph.qgraph" ] || "$QUARTER" graph build --nodes "$dir/nodes.csv" --edges "$dir/edges.csv" \
  -o "$out/graph.qgraph"
cat > "$out/bench.project" <<EOF
[project]
name = $name bench
profile = $top/data/profiles/mofcom-2023.profile
[network]
file = graph.qgraph
[outlets]
file = outlets.csv
crs = wgs84
[residences]
file = residences.csv
crs = wgs84
community_grid_m = 500
[circles]
grid_m = 1500
EOF

# PREPARE_ONLY=1: the inputs and the project only (bench/report.sh uses them)
[ "${PREPARE_ONLY:-0}" = 1 ] && exit 0

nres=$(($(wc -l < "$out/residences.csv") - 1)); nout=$(($(wc -l < "$out/outlets.csv") - 1))
ncand=$(($(wc -l < "$out/candidates.csv") - 1)); nodes=$(($(wc -l < "$dir/nodes.csv") - 1))
echo "graph $name: $nodes nodes; $nout outlets; $nres residences; $ncand candidate sites; $(nproc) cores"

t() { /usr/bin/time -f 'wall_s=%e rss_kb=%M' -o "$out/$1.time" "${@:2}" 2> "$out/$1.log"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | head -1; }

t access "$QUARTER" access --graph "$out/graph.qgraph" --pois "$out/outlets.csv" --origins "$out/residences.csv" \
  --radius 1000 --max-dist 2000 ${THREADS:+--threads $THREADS} --out "$out/access.csv" --timings -q
t analyze "$QUARTER" analyze "$out/bench.project" -o "$out/result" ${THREADS:+--threads $THREADS} --timings -q
t site "$QUARTER" site "$out/bench.project" --category B03 -k 10 --candidates "$out/candidates.csv" --exact no \
  ${THREADS:+--threads $THREADS} -o "$out/sites.csv" -q --timings

ac=$(field compute_s "$out/access.log"); aw=$(field wall_s "$out/access.time")
yc=$(field compute_s "$out/analyze.log"); yr=$(field read_s "$out/analyze.log"); yw=$(field write_s "$out/analyze.log")
yt=$(field wall_s "$out/analyze.time"); sw=$(field wall_s "$out/site.time")
printf '%-34s %10s %10s %10s\n' step compute_s wall_s peak_MB
printf '%-34s %10s %10s %10d\n' "engine pass (quarter access)" "$ac" "$aw" $(( $(field rss_kb "$out/access.time") / 1024 ))
printf '%-34s %10s %10s %10d\n' "quarter analyze" "$yc" "$yt" $(( $(field rss_kb "$out/analyze.time") / 1024 ))
printf '%-34s %10s %10s %10d\n' "quarter site (analyze + greedy)" "-" "$sw" $(( $(field rss_kb "$out/site.time") / 1024 ))
echo "analyze: read ${yr} s, compute ${yc} s, write ${yw} s"
echo "ratio analyze / engine pass: compute $(echo "scale=2; $yc / $ac" | bc), whole $(echo "scale=2; $yt / $aw" | bc)"
echo "(quarter access counts snapping and splitting the graph for the residences in its read time,"
echo " quarter analyze in its compute time)"
echo "site: $(grep -v timings "$out/site.log" | tr '\n' ' ')"
echo "site alone (coverage of $ncand candidates by bounded searches, then lazy greedy, k = 10): $(field site_s "$out/site.log") s"

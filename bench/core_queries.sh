#!/usr/bin/env bash
# The per-query searches of two builds side by side (issue 15: isochrones,
# the k nearest outlets and site coverage on the contracted core).  Prints
# figures; not a pass/fail test.
#
#   BENCH_BASE=/tmp/base/build/bench_queries QUARTER_BASE=/tmp/base/build/quarter \
#     bash bench/core_queries.sh [sample] [GRAPH ...]
#
# sample: quarter isochrone (both snap modes), route and nearby from 40 fixed
#   points of the bundled sample city, quarter site (3 业态 x k = 1, 3, 5, and
#   GLPK), analyze and the what-if with the sites, by both builds; then
#   `diff -r` of the two output folders (nothing printed but the verdict when
#   they are byte-identical).
# GRAPH (tile200k, tile2m; made by bench/run_all.sh, its plan by
#   `PREPARE_ONLY=1 bench/analyze_2m.sh GRAPH`): bench/bench_queries.c of each
#   build on the graph, interleaved (base, new, base, new ...), the median CPU
#   microseconds per query of each kind and whether the answers' hashes agree;
#   then `quarter site --category B03 -k 10` with the plan's candidates and
#   without (candidates from the network), one thread, interleaved, `cmp` of
#   the outputs and the median site_s.
# Environment: BENCH (build/bench_queries), QUARTER (build/quarter), BENCH_BASE,
#   QUARTER_BASE (required), WORK (bench/out), RUNS (3), N (300 points),
#   KINDS (default nrs: nearby, route, the isochrone's search; add i for whole
#   isochrones, which GEOS makes take seconds each on the tiled graphs).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out}
BENCH=${BENCH:-$top/build/bench_queries}
QUARTER=${QUARTER:-$top/build/quarter}
BBASE=${BENCH_BASE:?set BENCH_BASE to the bench_queries binary to compare with}
QBASE=${QUARTER_BASE:?set QUARTER_BASE to the quarter binary to compare with}
RUNS=${RUNS:-3}
N=${N:-300}
KINDS=${KINDS:-nrs}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | head -1; }

sample_run() { # quarter outdir
  local Q=$1 O=$2 P=$top/data/nanjing-xuanwu/xuanwu.project S=$WORK/sample i=0 prev= pt snap m lim cat k
  rm -rf "$O"; mkdir -p "$O"
  while read -r pt; do
    i=$((i + 1))
    for snap in edge node; do
      "$Q" isochrone --graph "$S/xuanwu.qgraph" --at "$pt" --minutes 2,5,10,15 --snap $snap > "$O/iso-$i-$snap" 2>&1
      [ -n "$prev" ] && "$Q" route --graph "$S/xuanwu.qgraph" --from "$prev" --to "$pt" --snap $snap > "$O/route-$i-$snap" 2>&1
    done
    for m in 3 10 15; do
      for lim in 1 5 20 100000; do
        "$Q" nearby --graph "$S/xuanwu.qgraph" --db "$S/store.db" --at "$pt" --minutes $m --limit $lim > "$O/nearby-$i-$m-$lim" 2>&1
      done
    done
    "$Q" nearby --graph "$S/xuanwu.qgraph" --db "$S/store.db" --at "$pt" --minutes 15 --category B03 --limit 3 > "$O/nearby-$i-cat" 2>&1
    prev=$pt
  done < "$S/points.txt"
  for cat in B03 B01 B05; do
    for k in 1 3 5; do
      "$Q" site "$P" --category $cat -k $k -o "$O/site-$cat-$k.csv" -q > "$O/site-$cat-$k.out" 2>&1
    done
  done
  "$Q" site "$P" --category B03 -k 3 --exact yes -o "$O/site-exact.csv" -q > /dev/null 2>&1
  "$Q" analyze "$P" -o "$O/xuanwu" -q > /dev/null 2>&1
  "$Q" site "$P" --category B03 -k 3 -o "$O/xuanwu-sites.csv" -q > /dev/null 2>&1
  "$Q" analyze "$P" --what-if "$O/xuanwu-sites.csv" -o "$O/xuanwu-what-if" -q > /dev/null 2>&1
}

sample() {
  local S=$WORK/sample
  mkdir -p "$S"
  "$QBASE" graph build "$top/data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf" -o "$S/xuanwu.qgraph" -q
  rm -f "$S/store.db"*
  "$QBASE" import --db "$S/store.db" "$top/data/nanjing-xuanwu/xuanwu.project" > /dev/null 2>&1
  "$QBASE" graph export "$S/xuanwu.qgraph" --nodes-out "$S/nodes.csv" --edges-out "$S/edges.csv"
  # 40 points: nodes of the sample (fixed seed), moved up to ~50 m
  awk -F, 'NR > 1 { print $2, $3 }' "$S/nodes.csv" | awk -v seed=15 'BEGIN { srand(seed) }
    { x[NR] = $1; y[NR] = $2 } END { for (i = 0; i < 40; i++) { j = int(rand() * NR) + 1;
      printf "%.6f,%.6f\n", x[j] + (rand() - 0.5) * 0.001, y[j] + (rand() - 0.5) * 0.001 } }' > "$S/points.txt"
  sample_run "$QBASE" "$S/base"
  sample_run "$QUARTER" "$S/new"
  echo "sample: $(ls "$S/new" | wc -l) outputs (40 points: isochrone x2, route x2, nearby x13; site x10; analyze; what-if)"
  if diff -r "$S/base" "$S/new" > "$S/diff.txt"; then
    echo "sample: base and new byte-identical"
  else
    echo "sample: DIFFERENT ($(grep -c '^diff\|^Only' "$S/diff.txt") files, see $S/diff.txt)"
  fi
}

graph() {
  local name=$1 dir=$WORK/$1 plan=$WORK/$1/plan r kind b n
  [ -f "$plan/graph.qgraph" ] || { echo "$name: no $plan/graph.qgraph (PREPARE_ONLY=1 bench/analyze_2m.sh $name)"; return; }
  for r in $(seq "$RUNS"); do
    "$BBASE" "$plan/graph.qgraph" "$dir/pois.csv" "$N" "$KINDS" > "$dir/q_base_$r.txt" || return
    "$BENCH" "$plan/graph.qgraph" "$dir/pois.csv" "$N" "$KINDS" > "$dir/q_new_$r.txt" || return
  done
  head -1 "$dir/q_new_1.txt"
  printf '%-22s %12s %12s %7s  %s\n' kind base_us new_us ratio "answers (hash)"
  grep -h ' queries ' "$dir/q_new_1.txt" | sed 's/  *[0-9]* queries.*//' | while read -r kind; do
    b=$(grep -h "^$kind " "$dir"/q_base_*.txt | sed 's/.*cpu *\([0-9.]*\).*/\1/' | median)
    n=$(grep -h "^$kind " "$dir"/q_new_*.txt | sed 's/.*cpu *\([0-9.]*\).*/\1/' | median)
    hb=$(grep -h "^$kind " "$dir"/q_base_*.txt | sed 's/.*hash //' | sort -u)
    hn=$(grep -h "^$kind " "$dir"/q_new_*.txt | sed 's/.*hash //' | sort -u)
    printf '%-22s %12s %12s %7.3f  %s\n' "$kind" "$b" "$n" "$(echo "$n / $b" | bc -l)" \
      "$([ "$hb" = "$hn" ] && echo "same $hn" || echo "DIFFERENT base $hb new $hn")"
  done
  for cand in file network; do
    local args=(site "$plan/bench.project" --category B03 -k 10 --exact no --threads 1 -q --timings) tb=() tn=()
    [ $cand = file ] && args+=(--candidates "$plan/candidates.csv")
    for r in $(seq "$RUNS"); do
      "$QBASE" "${args[@]}" -o "$dir/site_base.csv" 2> "$dir/site_base.log" || return
      tb+=("$(field site_s < "$dir/site_base.log")")
      "$QUARTER" "${args[@]}" -o "$dir/site_new.csv" 2> "$dir/site_new.log" || return
      tn+=("$(field site_s < "$dir/site_new.log")")
    done
    b=$(printf '%s\n' "${tb[@]}" | median)
    n=$(printf '%s\n' "${tn[@]}" | median)
    printf '%-22s %12s %12s %7.3f  %s\n' "site ($cand), s" "$b" "$n" "$(echo "$n / $b" | bc -l)" \
      "$(cmp -s "$dir/site_base.csv" "$dir/site_new.csv" && echo "sites.csv identical" || echo "sites.csv DIFFERENT")"
  done
}

args=("$@")
[ ${#args[@]} -gt 0 ] || args=(sample tile200k)
for a in "${args[@]}"; do
  echo "== $a (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ "$a" = sample ]; then sample; else graph "$a"; fi
done

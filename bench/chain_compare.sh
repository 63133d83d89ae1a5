#!/usr/bin/env bash
# Two builds of quarter side by side on the same graphs: answers byte for byte
# and compute time, interleaved (A B A B ...) so the machine's noise falls on
# both.  Made to prove a change to the engine (chain contraction) leaves every
# answer identical and to measure it.  Prints figures; not a pass/fail test.
#
#   QUARTER_BASE=/tmp/base/build/quarter bench/chain_compare.sh [GRAPH ...]
#       GRAPH: monaco andorra liechtenstein liechtenstein-500 tile200k tile2m
#       (made by bench/run_all.sh in $WORK; default: all that exist)
# Environment: QUARTER (build/quarter), QUARTER_BASE (required), WORK (bench/out),
#   RUNS (interleaved pairs per graph, default 3), THREADS (default 1),
#   ORIGINS=1 also runs access --origins with the graph's plan/residences.csv
#   (made by bench/analyze_2m.sh) when present.
# Per graph it prints: whether the two outputs are identical (cmp) and their
# sha256, each build's median compute_s (access --timings), and new ÷ base.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out}
QUARTER=${QUARTER:-$top/build/quarter}
BASE=${QUARTER_BASE:?set QUARTER_BASE to the quarter binary to compare with}
RUNS=${RUNS:-3}
THREADS=${THREADS:-1}
graphs=("$@")
[ ${#graphs[@]} -gt 0 ] || graphs=(monaco andorra liechtenstein liechtenstein-500 tile200k tile2m)

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | head -1; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

run() { # binary out log -- args
  local bin=$1 out=$2 log=$3
  shift 3
  "$bin" access "$@" --threads "$THREADS" --out "$out" --timings -q 2> "$log" || { echo "FAILED: $bin (see $log)"; return 1; }
}

printf '%-22s %-9s %-16s %9s %9s %7s\n' graph identical sha256 base_s new_s ratio
for name in "${graphs[@]}"; do
  dir=$WORK/$name
  [ -f "$dir/pois.csv" ] || { echo "$name: no graph in $dir (bench/run_all.sh $name makes it)"; continue; }
  variants=(node)
  [ "${ORIGINS:-0}" = 1 ] && [ -f "$dir/plan/residences.csv" ] && variants+=(origins)
  for var in "${variants[@]}"; do
    args=(--nodes "$dir/nodes.csv" --edges "$dir/edges.csv" --pois "$dir/pois.csv" --radius 1000 --max-dist 3000)
    if [ "$var" = origins ]; then
      args=(--nodes "$dir/nodes.csv" --edges "$dir/edges.csv" --pois "$dir/plan/outlets.csv"
            --origins "$dir/plan/residences.csv" --radius 1000 --max-dist 1800)
    else
      args+=(--snap node)
    fi
    tb=(); tn=()
    for i in $(seq "$RUNS"); do
      run "$BASE" "$dir/cmp_base.csv" "$dir/cmp_base.log" "${args[@]}" || continue 3
      tb+=("$(field compute_s < "$dir/cmp_base.log")")
      run "$QUARTER" "$dir/cmp_new.csv" "$dir/cmp_new.log" "${args[@]}" || continue 3
      tn+=("$(field compute_s < "$dir/cmp_new.log")")
    done
    same=no; cmp -s "$dir/cmp_base.csv" "$dir/cmp_new.csv" && same=yes
    b=$(printf '%s\n' "${tb[@]}" | median); n=$(printf '%s\n' "${tn[@]}" | median)
    printf '%-22s %-9s %-16s %9s %9s %7.3f\n' "$name${var/node/}" "$same" \
      "$(sha256sum "$dir/cmp_new.csv" | cut -c1-16)" "$b" "$n" "$(echo "$n / $b" | bc -l)"
    rm -f "$dir/cmp_base.csv" "$dir/cmp_new.csv"
  done
done

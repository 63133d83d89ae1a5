#!/usr/bin/env bash
# quarter's engine beside the bare reference program (bench/bare_access.c: a
# radix-heap, Hilbert-ordered multi-source Dijkstra per category plus one
# bounded count search per POI node, nothing else), one thread and two,
# interleaved in one run (q1 b1 q2 b2, RUNS times) so the machine's noise
# falls on all four.  Prints medians and ratios; not a pass/fail test.
#
#   bench/bare_ratio.sh [GRAPH ...]   graphs made by bench/run_all.sh in $WORK
#                                     (default: liechtenstein-500 tile200k tile2m)
# Environment: QUARTER (build/quarter), WORK (bench/out), RUNS (default 3),
#   CALLGRIND=1 also counts instructions of the searches alone, one thread
#   (valgrind --tool=callgrind, slow: small graphs only).
# Figures per graph:
#   check        the bare program's answers against quarter's CSV, row by row
#   q1 b1 q2 b2  median compute seconds (quarter: access --timings compute_s,
#                the wall time of its searches; bare: its searches)
#   q/b          quarter ÷ bare, one thread and two;  q2/q1 speed-up: q1 ÷ q2
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out}
QUARTER=${QUARTER:-$top/build/quarter}
RUNS=${RUNS:-3}
R=1000; MAXD=3000
graphs=("$@")
[ ${#graphs[@]} -gt 0 ] || graphs=(liechtenstein-500 tile200k tile2m)
BARE=$WORK/bare_access
mkdir -p "$WORK"
cc -O3 -o "$BARE" "$top/bench/bare_access.c" -lm -lpthread || exit 2

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | head -1; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
q() { # threads out
  "$QUARTER" access --nodes "$dir/nodes.csv" --edges "$dir/edges.csv" --pois "$dir/pois.csv" --snap node \
    --radius $R --max-dist $MAXD --threads "$1" --out "$2" --timings -q 2>&1 | field compute_s
}
b() { "$BARE" "$dir" $R $MAXD --threads "$1" | field compute_s; }

printf '%-18s %9s | %-28s | %7s %7s %7s %7s | %6s %6s | %6s %6s\n' graph nodes check q1_s b1_s q2_s b2_s 'q/b1' 'q/b2' q2/q1 b2/b1
for name in "${graphs[@]}"; do
  dir=$WORK/$name
  [ -f "$dir/pois.csv" ] || { echo "$name: no graph in $dir (bench/run_all.sh $name makes it)"; continue; }
  nodes=$(($(wc -l < "$dir/nodes.csv") - 1))
  q 1 "$dir/bare_q.csv" > /dev/null
  chk=$("$BARE" "$dir" $R $MAXD --check "$dir/bare_q.csv" | sed -n 's/^CHECK //p')
  rm -f "$dir/bare_q.csv"
  q1=(); b1=(); q2=(); b2=()
  for i in $(seq "$RUNS"); do
    q1+=("$(q 1 /dev/null)"); b1+=("$(b 1)"); q2+=("$(q 2 /dev/null)"); b2+=("$(b 2)")
  done
  mq1=$(printf '%s\n' "${q1[@]}" | median); mb1=$(printf '%s\n' "${b1[@]}" | median)
  mq2=$(printf '%s\n' "${q2[@]}" | median); mb2=$(printf '%s\n' "${b2[@]}" | median)
  printf '%-18s %9d | %-28s | %7.3f %7.3f %7.3f %7.3f | %6.3f %6.3f | %6.2f %6.2f\n' "$name" "$nodes" \
    "$(echo "$chk" | sed 's/identical_text=/same=/; s/within_5e-7=/near=/; s/rows=[0-9]* //')" \
    "$mq1" "$mb1" "$mq2" "$mb2" "$(echo "$mq1 / $mb1" | bc -l)" "$(echo "$mq2 / $mb2" | bc -l)" \
    "$(echo "$mq1 / $mq2" | bc -l)" "$(echo "$mb1 / $mb2" | bc -l)"
  if [ "${CALLGRIND:-0}" = 1 ]; then
    cg=$WORK/callgrind.$name
    valgrind --tool=callgrind --callgrind-out-file="$cg.q" --toggle-collect=qt_access_stream \
      "$QUARTER" access --nodes "$dir/nodes.csv" --edges "$dir/edges.csv" --pois "$dir/pois.csv" --snap node \
      --radius $R --max-dist $MAXD --threads 1 --out /dev/null -q > /dev/null 2>&1
    valgrind --tool=callgrind --callgrind-out-file="$cg.b" --toggle-collect=category \
      "$BARE" "$dir" $R $MAXD > /dev/null 2>&1
    iq=$(sed -n 's/^summary: //p' "$cg.q"); ib=$(sed -n 's/^summary: //p' "$cg.b")
    # quarter's count includes its sink (formatting the rows): take it out
    isink=$(callgrind_annotate --inclusive=yes "$cg.q" 2>/dev/null | grep -m1 'write_category' | awk '{gsub(",","",$1); print $1}')
    printf '%-18s callgrind instructions, one thread: quarter searches %s (sink %s excluded), bare %s, ratio %.3f\n' \
      "" "$((iq - ${isink:-0}))" "${isink:-0}" "$ib" "$(echo "($iq - ${isink:-0}) / $ib" | bc -l)"
  fi
done

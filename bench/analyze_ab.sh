#!/usr/bin/env bash
# Two builds of quarter analyze on the same project, interleaved (A B A B ...), and whether
# their outputs are byte-identical.  Prints, per run: wall and CPU seconds, peak RSS, the
# analyze's own read/compute/write seconds and the load average before the run.  Not a test.
#
#   bench/analyze_ab.sh QUARTER_A QUARTER_B [GRAPH] [ROUNDS]
#       GRAPH: tile200k (default) or tile2m, prepared by bench/analyze_2m.sh (PREPARE_ONLY=1 is enough)
# Environment: WORK (bench/out), THREADS.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out}
A=$1 B=$2 name=${3:-tile200k} rounds=${4:-2}
plan=$WORK/$name/plan
[ -f "$plan/bench.project" ] || { echo "no $plan/bench.project: PREPARE_ONLY=1 bench/analyze_2m.sh $name" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | head -1; }
printf '%-4s %5s %8s %8s %8s %8s %9s %8s %8s %8s\n' run round wall_s user_s sys_s cpu_s peak_MB read_s comp_s write_s
for r in $(seq 1 "$rounds"); do
  for which in A B; do
    q=$A; [ $which = B ] && q=$B
    load=$(cut -d' ' -f1 /proc/loadavg)
    rm -rf "$tmp/$which"
    /usr/bin/time -f 'wall=%e user=%U sys=%S rss_kb=%M' -o "$tmp/time" "$q" analyze "$plan/bench.project" \
      -o "$tmp/$which" ${THREADS:+--threads $THREADS} --timings -q 2> "$tmp/log"
    w=$(field wall "$tmp/time"); u=$(field user "$tmp/time"); s=$(field sys "$tmp/time")
    printf '%-4s %5s %8s %8s %8s %8s %9d %8s %8s %8s  load %s\n' $which $r $w $u $s "$(echo "$u + $s" | bc)" \
      $(( $(field rss_kb "$tmp/time") / 1024 )) "$(field read_s "$tmp/log")" "$(field compute_s "$tmp/log")" \
      "$(field write_s "$tmp/log")" "$load"
  done
  same=yes
  for f in "$tmp/A"/*; do cmp -s "$f" "$tmp/B/$(basename "$f")" || { same=no; echo "differs: $(basename "$f")"; }; done
  echo "round $r: outputs byte-identical: $same ($(du -sh "$tmp/A" | cut -f1) each)"
done

#!/usr/bin/env bash
# quarter report: one circle's 一图一清单 (PDF + PNG), then every circle of the
# tile2m city.  Prints the figures; not a pass/fail test.
#
#   bench/report.sh [one|all|both]     (default both)
#
# one   the sample city (data/nanjing-xuanwu): --circle 生活圈00-00 --format pdf,png,
#       three runs; report_s is the report alone (the circle's PDF and PNG, and the
#       city report's cover, table and map), wall_s the whole process
# all   tile2m (2M nodes, 100k outlets, 1M residences, 9,348 circles on a 1.5 km grid;
#       inputs of bench/analyze_2m.sh, made here with PREPARE_ONLY=1 when absent):
#       quarter report with every format -- per circle a PDF and a PNG, the city
#       report with every page, 调查表.xlsx with a sheet per circle, indicators.xlsx,
#       analysis.gpkg with the 1M residences.  Run it once: it takes minutes.
# Environment: WORK (bench/out), QUARTER (build/quarter), THREADS.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out}
QUARTER=${QUARTER:-$top/build/quarter}
what=${1:-both}
[ -x "$QUARTER" ] || { echo "build quarter first: cmake -S . -B build && cmake --build build -j2" >&2; exit 2; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | head -1; }
# user + system CPU seconds of the process: on the shared machine wall times follow the load
cpu() { sed -n 's/.*cpu_s=\([0-9.]*\)+\([0-9.]*\).*/\1 \2/p' "$1" | awk '{ printf "%.2f", $1 + $2 }'; }
echo "$(nproc) cores; $QUARTER"

if [ "$what" != all ]; then
  out=$WORK/report-one
  mkdir -p "$out"
  echo "one circle of the sample city (生活圈00-00), PDF + PNG:"
  for i in 1 2 3; do
    rm -rf "$out/r"
    /usr/bin/time -f 'wall_s=%e cpu_s=%U+%S rss_kb=%M' -o "$out/time" "$QUARTER" report "$top/data/nanjing-xuanwu/xuanwu.project" \
      --circle 生活圈00-00 --format pdf,png -o "$out/r" --timings -q 2> "$out/log"
    echo "  run $i: report_s=$(field report_s "$out/log") wall_s=$(field wall_s "$out/time") cpu_s=$(cpu "$out/time")" \
         "peak_MB=$(( $(field rss_kb "$out/time") / 1024 ))"
  done
fi

if [ "$what" != one ]; then
  dir=$WORK/tile2m
  plan=$dir/plan
  if [ ! -f "$plan/bench.project" ]; then
    [ -f "$dir/nodes.csv" ] || { echo "no $dir/nodes.csv: run bench/run_all.sh tile2m first" >&2; exit 2; }
    PREPARE_ONLY=1 QUARTER=$QUARTER WORK=$WORK bash "$top/bench/analyze_2m.sh" tile2m || exit 1
  fi
  rm -rf "$plan/report"
  echo "every circle of tile2m, every format:"
  /usr/bin/time -f 'wall_s=%e cpu_s=%U+%S rss_kb=%M' -o "$plan/report.time" "$QUARTER" report "$plan/bench.project" \
    -o "$plan/report" ${THREADS:+--threads $THREADS} --timings -q 2> "$plan/report.log"
  rc=$?
  [ $rc = 0 ] || { echo "  quarter report failed ($rc):"; tail -3 "$plan/report.log"; exit 1; }
  circles=$(field circles "$plan/report.log")
  rs=$(field report_s "$plan/report.log")
  echo "  circles=$circles residences=$(field residences "$plan/report.log")"
  echo "  read_s=$(field read_s "$plan/report.log") analyze_s=$(field analyze_s "$plan/report.log") report_s=$rs" \
       "wall_s=$(field wall_s "$plan/report.time") cpu_s=$(cpu "$plan/report.time") peak_MB=$(( $(field rss_kb "$plan/report.time") / 1024 ))"
  echo "  per circle (report_s / circles): $(echo "scale=4; $rs / $circles" | bc) s"
  echo "  output: $(du -sh "$plan/report" | cut -f1) in $(ls "$plan/report" | wc -l) files;" \
       "$(sed -n 2p "$plan/report/report.txt")"
fi

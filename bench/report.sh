#!/usr/bin/env bash
# quarter report: one circle's 一图一清单 (PDF + PNG), then every circle of the
# tile2m city.  Prints the figures; not a pass/fail test.
#
#   bench/report.sh [one|all|both|part]     (default both)
#
# one   the sample city (data/nanjing-xuanwu): --circle 生活圈00-00 --format pdf,png,
#       three runs; report_s is the report alone (the circle's PDF and PNG, and the
#       city report's cover, table and map), wall_s the whole process
# all   tile2m (2M nodes, 100k outlets, 1M residences, 9,348 circles on a 1.5 km grid;
#       inputs of bench/analyze_2m.sh, made here with PREPARE_ONLY=1 when absent):
#       quarter report with every format -- per circle a PDF and a PNG, the city
#       report with every page, 调查表.xlsx with a sheet per circle, indicators.xlsx,
#       analysis.gpkg with the 1M residences.  Run it once: it takes minutes.
# part  tile2m, the first CIRCLES (default 300) circles of its grades.csv with every
#       format: the CPU seconds of each stage, per circle, and the whole city's
#       time on two idle cores extrapolated from them (the machine is shared: CPU
#       seconds do not follow the load, wall seconds do).
# Environment: WORK (bench/out), QUARTER (build/quarter), THREADS, CIRCLES.
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

if [ "$what" = one ] || [ "$what" = both ]; then
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

# the stages' CPU seconds of a --timings log, and the time on two idle cores:
# serial stages as they are, the parallel ones (analysis, pages) halved
stages() { # log time-file ncircles-done ncircles-all
  local log=$1 tf=$2 done_n=$3 all_n=$4
  local pc=$(field pages_cpu_s "$log") tot=$(cpu "$tf") rep=0 k
  for k in prepare city pages xlsx gpkg; do rep=$(echo "$rep + $(field ${k}_cpu_s "$log")" | bc); done
  echo "  cpu_s: process=$tot prepare=$(field prepare_cpu_s "$log") city=$(field city_cpu_s "$log") pages=$pc" \
       "xlsx=$(field xlsx_cpu_s "$log") gpkg=$(field gpkg_cpu_s "$log") (read+analysis=$(echo "$tot - $rep" | bc))"
  echo "  pages per circle: $(echo "scale=4; $pc / $done_n" | bc) s CPU"
  echo "  all $all_n circles on 2 idle cores, estimated: $(echo "scale=1; (($tot - $rep) / 2 + $(field prepare_cpu_s "$log") + \
$(field city_cpu_s "$log") + $pc / $done_n * $all_n / 2 + $(field xlsx_cpu_s "$log") + \
$(field gpkg_cpu_s "$log")) / 60" | bc) min (pages scaled by circles; xlsx as measured, its 调查表 sheets" \
       "for these circles only; read and analysis taken as parallel)"
}

if [ "$what" = part ]; then
  dir=$WORK/tile2m
  plan=$dir/plan
  n=${CIRCLES:-300}
  [ -f "$plan/bench.project" ] || { echo "no $plan/bench.project: run bench/report.sh all once (it prepares it)" >&2; exit 2; }
  [ -f "$plan/result/grades.csv" ] || "$QUARTER" analyze "$plan/bench.project" -o "$plan/result" -q 2>/dev/null
  args=$(sed -n "2,$((n + 1))p" "$plan/result/grades.csv" | cut -d, -f1 | sed 's/^/--circle=/')
  rm -rf "$plan/report-part"
  echo "the first $n circles of tile2m, every format (the GeoPackage and indicators.xlsx hold the whole city):"
  /usr/bin/time -f 'wall_s=%e cpu_s=%U+%S rss_kb=%M' -o "$plan/part.time" "$QUARTER" report "$plan/bench.project" \
    -o "$plan/report-part" $args ${THREADS:+--threads $THREADS} --timings -q 2> "$plan/part.log" || { tail -3 "$plan/part.log"; exit 1; }
  echo "  wall_s=$(field wall_s "$plan/part.time") peak_MB=$(( $(field rss_kb "$plan/part.time") / 1024 )) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  stages "$plan/part.log" "$plan/part.time" "$n" "$(field circles "$plan/part.log")"
  exit 0
fi

if [ "$what" = all ] || [ "$what" = both ]; then
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
  stages "$plan/report.log" "$plan/report.time" "$circles" "$circles"
  echo "  output: $(du -sh "$plan/report" | cut -f1) in $(ls "$plan/report" | wc -l) files;" \
       "$(sed -n 2p "$plan/report/report.txt")"
fi

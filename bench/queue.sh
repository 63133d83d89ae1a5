#!/usr/bin/env bash
# Cities at once (issue 14): three cities analysed by `quarter analyze P1 P2 P3
# -j 1` and `-j 2`, then queued in PostgreSQL (scripts/pgtmp.sh) and taken by
# one and by two `quarter worker` processes.  Prints wall seconds; not a
# pass/fail test.
#
#   bench/queue.sh
#
# The cities: three copies of the bundled sample (data/nanjing-xuanwu, each a
# whole analysis: 3,500 outlets and residences of central Nanjing), or the
# project files in CITIES (space-separated, distinct file names).  Every run
# writes each city's folder; the queue runs also write the PostGIS tables.
# Each worker gets cores / workers analysis threads, each analyze -j N city
# cores / N.  Environment: WORK (bench/out/queue), QUARTER (build/quarter),
# PORT (55435, the PostgreSQL of the queue runs), RUNS (3).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out/queue}
QUARTER=${QUARTER:-$top/build/quarter}
PORT=${PORT:-55435}
RUNS=${RUNS:-3}
[ -x "$QUARTER" ] || { echo "build quarter first: cmake -S . -B build && cmake --build build -j2" >&2; exit 2; }
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
cores=$(nproc)
if [ -z "${CITIES:-}" ]; then
  CITIES=""
  for n in a b c; do
    d=$WORK/cities/$n
    mkdir -p "$d"
    sed -e "s|^profile = ../profiles/|profile = $top/data/profiles/|" \
        -e "s|^file = nanjing_xuanwu.osm.pbf|file = $top/data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf|" \
        "$top/data/nanjing-xuanwu/xuanwu.project" > "$d/xuanwu_$n.project"
    CITIES="$CITIES $d/xuanwu_$n.project"
  done
fi
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{ printf "%.2f", $1 - $2 }'; }
echo "$cores cores; $QUARTER; cities:$CITIES"

for j in 1 2; do
  line=""
  for r in $(seq "$RUNS"); do
    rm -rf "$WORK/analyze-j$j"
    t0=$(now)
    # shellcheck disable=SC2086
    "$QUARTER" analyze $CITIES -o "$WORK/analyze-j$j" -j "$j" -q 2>"$WORK/analyze-j$j.log" || echo "  (analyze failed: $WORK/analyze-j$j.log)"
    line="$line $(since "$t0")"
  done
  echo "quarter analyze (3 cities) -j $j: wall_s$line"
done

url=$(bash "$top/scripts/pgtmp.sh" start "$WORK/pg" "$PORT" 2>"$WORK/pg.log") || {
  echo "queue: skipped, no PostgreSQL ($(cat "$WORK/pg.log"))"
  exit 0
}
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; bash "$top/scripts/pgtmp.sh" stop "$WORK/pg"' EXIT
psql=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/psql
for w in 1 2; do
  line=""
  for r in $(seq "$RUNS"); do
    "$psql" "$url" -qc "DROP SCHEMA IF EXISTS quarter_queue CASCADE" >/dev/null 2>&1
    rm -rf "$WORK/queue-w$w"
    # shellcheck disable=SC2086
    "$QUARTER" analyze --queue "$url" $CITIES -q
    t0=$(now)
    pids=()
    for k in $(seq "$w"); do
      "$QUARTER" worker --queue "$url" -o "$WORK/queue-w$w" --idle-exit --poll 0.1 \
        --threads $(( cores / w > 0 ? cores / w : 1 )) -q 2>"$WORK/worker-$w-$k.log" &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    pids=()
    line="$line $(since "$t0")"
  done
  done_n=$("$psql" "$url" -tAc "SELECT count(*) FROM quarter_queue.jobs WHERE state = 'done'")
  echo "queue (3 cities), $w worker(s): wall_s$line  (jobs done: $done_n)"
done

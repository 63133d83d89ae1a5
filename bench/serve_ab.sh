#!/usr/bin/env bash
# Two builds of quarter serve side by side: alternating short wrk runs of the
# nearby search (the requests of serve_wrk.sh), each reported as requests/s
# and as the server's CPU time per request, which a busy shared machine
# disturbs far less than throughput.  Prints figures; not a pass/fail test.
#
#   bench/serve_ab.sh QUARTER_A QUARTER_B [GRAPH] [ROUNDS]
#
# GRAPH: tile200k (default) after bench/serve_wrk.sh GRAPH has made
# $WORK/GRAPH/serve (the store and nearby.lua).  ROUNDS (default 4) of
# wrk -t2 -c32 -d5s against A then B; both servers --threads 2 on copies of
# the same store.  Environment: WORK (bench/out).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out}
A=$1 B=$2 name=${3:-tile200k} rounds=${4:-4}
dir=$WORK/$name
out=$dir/serve
[ -f "$out/s.db" ] && [ -f "$out/nearby.lua" ] || { echo "run bench/serve_wrk.sh $name first" >&2; exit 2; }
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2> /dev/null; rm -rf "$tmp"' EXIT
start() { # binary tag -> port
  cp "$out/s.db" "$tmp/$2.db"
  "$1" serve --db "$tmp/$2.db" --graph "$dir/plan/graph.qgraph" --port 0 --threads 2 > "$tmp/$2.out" 2> /dev/null &
  pids+=($!)
  echo $! > "$tmp/$2.pid"
  for _ in $(seq 100); do grep -q listening "$tmp/$2.out" 2> /dev/null && break; sleep 0.2; done
  sed -n 's/.*:\([0-9]*\)\/api.*/\1/p' "$tmp/$2.out"
}
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pa=$(start "$A" a)
pb=$(start "$B" b)
tck=$(getconf CLK_TCK)
echo "graph $name; A=$A; B=$B; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  for x in a b; do
    port=$pa; [ $x = b ] && port=$pb
    pid=$(cat "$tmp/$x.pid")
    c0=$(cpu "$pid")
    res=$(wrk -t2 -c32 -d5s -s "$out/nearby.lua" "http://127.0.0.1:$port")
    c1=$(cpu "$pid")
    n=$(echo "$res" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
    rps=$(echo "$res" | sed -n 's/Requests\/sec: *//p')
    printf 'round %s %s: %8s req/s, server CPU %s us/request\n' "$r" "${x^^}" "$rps" \
      "$(echo "scale=1; ($c1 - $c0) * 1000000 / $tck / $n" | bc)"
  done
done

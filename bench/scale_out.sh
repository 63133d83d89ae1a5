#!/usr/bin/env bash
# Scale-out figures (issue 14): claims/s and p99 at 64 concurrent clients on
# SQLite vs PostgreSQL, nearby req/s through nginx with one and two servers,
# and a hook for the three-city queue (bench/scale_out_queue.sh).  Prints
# figures, never pass/fail; bench/scale_out.py says what each one is.
#   bash bench/scale_out.sh [SECONDS_PER_RUN=10]
# Uses a release build in build/ (made when missing); needs nginx and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
if [ ! -x build/quarter ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DQT_BUILD_TESTS=OFF >/dev/null
  cmake --build build -j2 --target quarter >/dev/null
fi
ulimit -n 8192 2>/dev/null || true
exec /usr/bin/python3 bench/scale_out.py "$PWD/build/quarter" "$PWD" "$secs"

#!/usr/bin/env bash
# Soak (issue 11): legitimate traffic (nearby, outlet lookups, idempotent claims,
# redemptions) while an attacker holds slow connections, floods registration and
# asks for expensive isochrones.  Prints figures, never pass/fail.
#   bash bench/soak.sh [SECONDS=600] [SLOW_CONNECTIONS=2000]
# Uses a release build in build/ (made when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
slow=${2:-2000}
if [ ! -x build/quarter ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DQT_BUILD_TESTS=OFF >/dev/null
  cmake --build build -j2 --target quarter >/dev/null
fi
ulimit -n 8192 2>/dev/null || true
exec /usr/bin/python3 bench/soak.py build/quarter . "$secs" "$slow"

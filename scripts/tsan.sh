#!/usr/bin/env bash
# The server tests under ThreadSanitizer: a build in build-tsan with
# -fsanitize=thread, then ctest -L server (the HTTP API, the coupon races, the
# authorization matrix, edits racing reloads).  A data race stops the server
# (halt_on_error), so the test fails; the report is in the test's output.
# scripts/tsan.supp suppresses one lock-order report inside GDAL's own mutex
# helper (explained there, with its stack); nothing of quarter's is suppressed.
# QT_TSAN_EXCLUDE=REGEX leaves tests out.
#   scripts/tsan.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
supp="$PWD/scripts/tsan.supp"
cmake -S . -B build-tsan -DQT_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Debug -DQT_SANITIZE=thread > /dev/null
cmake --build build-tsan -j2 --target quarter
# the pages, when they can be built (the HTTP tests ask for them too)
if cmake --build build-tsan --target help | grep -w web >/dev/null; then cmake --build build-tsan -j2 --target web; fi
cd build-tsan
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$supp ${TSAN_OPTIONS:-}" \
  ctest -L server ${QT_TSAN_EXCLUDE:+-E "$QT_TSAN_EXCLUDE"} --output-on-failure "$@"

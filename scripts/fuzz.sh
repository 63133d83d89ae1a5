#!/usr/bin/env bash
# Build the fuzz targets as libFuzzer programs with clang (ASan+UBSan) and fuzz
# each for a bounded time: QT_FUZZ_SECONDS per target (default 60).  New
# inputs go to a scratch copy of the corpus, never into the repository; a
# crash leaves its input in build-fuzz/artifacts/ and fails the script (add
# it to tests/fuzz/corpus/<target>/ with the fix).
#   bash scripts/fuzz.sh                 # every target, 60 s each
#   QT_FUZZ_SECONDS=10 bash scripts/fuzz.sh csv hours
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${QT_FUZZ_SECONDS:-60}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(graph_cache csv interchange profile hours body)
CC=clang cmake -S . -B build-fuzz -DQT_BUILD_TESTS=ON -DQT_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  -DQT_SANITIZE=address,undefined >/dev/null
cmake --build build-fuzz -j2 --target $(printf 'fuzz_%s ' "${targets[@]}")
mkdir -p build-fuzz/artifacts build-fuzz/work
rc=0
for t in "${targets[@]}"; do
  work=build-fuzz/work/$t
  rm -rf "$work"; mkdir -p "$work"
  cp tests/fuzz/corpus/$t/* "$work"/
  echo "fuzz_$t: ${secs}s"
  if ! build-fuzz/tests/fuzz_$t -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 \
       -timeout=10 -artifact_prefix=build-fuzz/artifacts/$t- -print_final_stats=1 "$work" \
       2> build-fuzz/fuzz_$t.log; then
    echo "fuzz_$t: FAILED, see build-fuzz/fuzz_$t.log and build-fuzz/artifacts/" >&2
    tail -30 build-fuzz/fuzz_$t.log >&2
    rc=1
  else
    grep -E 'stat::number_of_executed_units|cov:' build-fuzz/fuzz_$t.log | tail -2
  fi
done
exit $rc

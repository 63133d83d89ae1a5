#!/usr/bin/env bash
# Install dependencies, build with AddressSanitizer + UndefinedBehaviorSanitizer,
# run every test (unit, CLI, lint, and the reference comparison against
# networkx and igraph on ../shared/data, the HTTP tests with the OpenAPI
# checks), then fuzz each fuzz target for a short bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# the OpenAPI validator the HTTP tests use (tests/openapi, from npm; skipped without npm)
if command -v npm >/dev/null 2>&1; then
  (cd tests/openapi && npm ci --no-audit --no-fund --loglevel=error)
fi
# the pages' bundler and the browser tests' driver, from the lockfiles
(cd web && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/web && npm ci --no-audit --no-fund --loglevel=error)
cmake -S . -B build-test -DQT_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Debug -DQT_SANITIZE=address,undefined
cmake --build build-test -j2
(cd build-test && ctest --output-on-failure -j2)
# every fuzz target as a libFuzzer program, briefly (QT_FUZZ_SECONDS each; 0 skips)
if [ "${QT_FUZZ_SECONDS:-15}" != 0 ] && command -v clang >/dev/null 2>&1; then
  QT_FUZZ_SECONDS=${QT_FUZZ_SECONDS:-15} bash scripts/fuzz.sh
fi

#!/usr/bin/env bash
# Install dependencies, build with AddressSanitizer + UndefinedBehaviorSanitizer,
# run every test (unit, CLI, lint, and the reference comparison against
# networkx and igraph on ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build-test -DQT_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Debug -DQT_SANITIZE=address,undefined
cmake --build build-test -j2
cd build-test
ctest --output-on-failure -j2

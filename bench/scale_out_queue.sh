#!/usr/bin/env bash
# bench/scale_out.sh's third section (issue 14): the three-city queue with one
# and two workers, and quarter analyze -j 1 / -j 2 -- bench/queue.sh with the
# binary scale_out.sh built.
#   bash bench/scale_out_queue.sh [QUARTER]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
QUARTER=${1:-${QUARTER:-$top/build/quarter}} exec bash "$top/bench/queue.sh"

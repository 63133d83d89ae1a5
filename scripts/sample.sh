#!/usr/bin/env bash
# Install dependencies, build quarter (release) and run the main job on the
# bundled sample: Nanjing Xuanwu (OSM, ODbL) -> walking graph -> accessibility
# of every node to the outlets mapped from its OSM tags (data/nanjing-xuanwu/).
set -euo pipefail
cd "$(dirname "$0")/.."
QT_WITH_REFS=0 bash scripts/install-deps.sh
cmake -S . -B build -DQT_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
mkdir -p out
./build/quarter graph build data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf -o out/xuanwu.qgraph
./build/quarter access --graph out/xuanwu.qgraph --pois data/nanjing-xuanwu/outlets.csv \
  --rings 5,10,15 --speed-kmh 4 --out out/xuanwu-access.csv
./build/quarter isochrone --graph out/xuanwu.qgraph --at 118.7800,32.0450 --minutes 5,10,15 \
  -o out/xuanwu-isochrone.geojson
echo "results: out/xuanwu-access.csv (per node and category: nearest_m, nearest_s, count in 5/10/15 min)"
echo "         out/xuanwu-isochrone.geojson (5/10/15-minute walking areas around (118.7800, 32.0450))"

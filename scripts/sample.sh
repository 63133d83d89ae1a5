#!/usr/bin/env bash
# Install dependencies, build quarter (release) and run the main job on the
# bundled sample city, Nanjing Xuanwu from OpenStreetMap (ODbL, data/SOURCE.md):
# the planning analysis of data/nanjing-xuanwu/xuanwu.project -- indicators per
# community, circle and city, grades, 需求清单, 盲区 -- then the 项目清单 for the
# missing 菜市场 and what the city would look like with those sites.
set -euo pipefail
cd "$(dirname "$0")/.."
QT_WITH_REFS=0 bash scripts/install-deps.sh
cmake -S . -B build -DQT_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
mkdir -p out
./build/quarter analyze data/nanjing-xuanwu/xuanwu.project -o out/xuanwu
./build/quarter site data/nanjing-xuanwu/xuanwu.project --category B03 -k 3 -o out/xuanwu-sites.csv
./build/quarter analyze data/nanjing-xuanwu/xuanwu.project --what-if out/xuanwu-sites.csv -o out/xuanwu-what-if -q
echo
echo "results: out/xuanwu/summary.md     the city and every circle: grade and why, coverage per 业态"
echo "         out/xuanwu/indicators.csv every indicator per community, circle and city, with its target"
echo "         out/xuanwu/demand.csv     需求清单: what each circle lacks, most unserved residents first"
echo "         out/xuanwu/blindspots.geojson  盲区: where the unserved live, per circle and 业态"
echo "         out/xuanwu/residences.csv minutes from every residence to each 业态"
echo "         out/xuanwu-sites.csv      项目清单: 3 sites for new 菜市场, ranked (greedy vs GLPK optimum)"
echo "         out/xuanwu-what-if/what-if.csv  every indicator before and after those sites"

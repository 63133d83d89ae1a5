#!/usr/bin/env bash
# Install dependencies, build quarter (release) and run the main job on the
# bundled sample city, Nanjing Xuanwu from OpenStreetMap (ODbL, data/SOURCE.md):
# the planning analysis of data/nanjing-xuanwu/xuanwu.project -- indicators per
# community, circle and city, grades, 需求清单, 盲区 -- then the 项目清单 for the
# missing 菜市场 and what the city would look like with those sites, and the
# report a bureau prints (一图一清单 per circle, the city report, the 调查表).
set -euo pipefail
cd "$(dirname "$0")/.."
QT_WITH_REFS=0 bash scripts/install-deps.sh
cmake -S . -B build -DQT_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
mkdir -p out
./build/quarter analyze data/nanjing-xuanwu/xuanwu.project -o out/xuanwu
./build/quarter site data/nanjing-xuanwu/xuanwu.project --category B03 -k 3 -o out/xuanwu-sites.csv
./build/quarter analyze data/nanjing-xuanwu/xuanwu.project --what-if out/xuanwu-sites.csv -o out/xuanwu-what-if -q
./build/quarter report data/nanjing-xuanwu/xuanwu.project --sites out/xuanwu-sites.csv -o out/xuanwu-report -q
echo
echo "open first: out/xuanwu-report/城市报告.pdf  the city report: every circle's grade, the city map, then"
echo "                                          each circle's 一图一清单 (map, 业态, indicators, 需求清单, 项目清单)"
echo "         out/xuanwu-report/调查表.xlsx      试点便民生活圈建设情况调查表, a sheet per circle"
echo "         out/xuanwu-report/analysis.gpkg  every layer, styled, for QGIS"
echo "results: out/xuanwu/summary.md     the city and every circle: grade and why, coverage per 业态"
echo "         out/xuanwu/indicators.csv every indicator per community, circle and city, with its target"
echo "         out/xuanwu/demand.csv     需求清单: what each circle lacks, most unserved residents first"
echo "         out/xuanwu/blindspots.geojson  盲区: where the unserved live, per circle and 业态"
echo "         out/xuanwu/residences.csv minutes from every residence to each 业态"
echo "         out/xuanwu-sites.csv      项目清单: 3 sites for new 菜市场, ranked (greedy vs GLPK optimum)"
echo "         out/xuanwu-what-if/what-if.csv  every indicator before and after those sites"

#!/usr/bin/env bash
# Import of N synthetic outlets (issue 11, item 6): wall time, peak RSS, the
# WAL's largest size while the import runs (sampled every 50 ms) and its size
# after, the store's size.  Prints figures, never pass/fail.
#   bash bench/import_wal.sh [N=200000]
# Uses a release build in build/ (made when missing).  The outlets are the
# 60 of tests/cli/data/plan repeated with small offsets (synthetic, no Amap data).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
if [ ! -x build/quarter ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DQT_BUILD_TESTS=OFF >/dev/null
  cmake --build build -j2 --target quarter >/dev/null
fi
work=$(mktemp -d /tmp/qt-import-wal-XXXXXX)
trap 'rm -rf "$work"' EXIT
plan=tests/cli/data/plan
/usr/bin/python3 - "$plan/outlets.csv" "$work/outlets.csv" "$n" <<'EOF'
import csv, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.DictReader(open(src, encoding="utf-8")))
with open(dst, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "name", "category", "lon", "lat"])
    for i in range(n):
        r = rows[i % len(rows)]
        k = i // len(rows)
        w.writerow([f"s{i}", f"{r['name']}{k}", r["category"],
                    f"{float(r['lon']) + (k % 100) * 2e-5:.7f}", f"{float(r['lat']) + (k // 100) * 2e-6:.7f}"])
EOF
cat > "$work/p.project" <<EOF
[project]
name = 导入
profile = $PWD/data/profiles/mofcom-2023.profile
[network]
file = $PWD/data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf
[outlets]
file = $work/outlets.csv
crs = wgs84
[residences]
file = $PWD/$plan/residences.csv
crs = wgs84
[circles]
file = $PWD/$plan/circles.csv
EOF
peak=0
/usr/bin/time -f 'wall_s=%e rss_kb=%M' -o "$work/time" build/quarter import --db "$work/s.db" "$work/p.project" \
  > "$work/out" 2> "$work/err" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  s=$(stat -c %s "$work/s.db-wal" 2>/dev/null || echo 0)
  [ "$s" -gt "$peak" ] && peak=$s
  sleep 0.05
done
wait "$pid" || { echo "import failed:"; cat "$work/err"; exit 1; }
after=$(stat -c %s "$work/s.db-wal" 2>/dev/null || echo 0)
db=$(stat -c %s "$work/s.db")
stored=$(/usr/bin/python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from outlets').fetchone()[0])" "$work/s.db")
echo "outlets in csv:     $n"
echo "outlets in store:   $stored"
echo "import:             $(cat "$work/time")"
echo "WAL peak (sampled): $((peak / 1024 / 1024)) MiB ($peak bytes)"
echo "WAL after import:   $after bytes"
echo "store size:         $((db / 1024 / 1024)) MiB"
echo "(2 cores shared with other engineers' builds: times are upper bounds)"

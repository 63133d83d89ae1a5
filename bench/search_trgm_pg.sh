#!/usr/bin/env bash
# The outlets' substring search on PostgreSQL (issue 14): which plan the
# planner takes for the query of qt_store_outlets_match (nearby q=, /places)
# and how long it runs, for 30,000 and 300,000 outlets and queries of 2 to 6
# characters: 药店 (a quarter of the outlets), 邮局 (one, the test project's),
# 邮政局 (none), 中山路17号 (one), 打印复印 (a quarter).  Not a pass/fail test: prints one line per case
# (outlets, query, the scans of the plan, execution ms from EXPLAIN ANALYZE,
# the best of 3).
#
#   bench/search_trgm_pg.sh
#
# A throw-away server from scripts/pgtmp.sh on PG_PORT (55413), a store made
# by quarter's migrations (an import of the small test project), then
# synthetic outlets: names 店铺N便利店 / 菜市场 / 药店 / 理发店, addresses
# 玄武区中山路N号, services 代收代缴 / 打印复印 / 家政服务 / 快递代收.
# Environment: WORK (bench/out/trgm), QUARTER (build/quarter), PG_PORT.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out/trgm}
QUARTER=${QUARTER:-$top/build/quarter}
PG_PORT=${PG_PORT:-55413}
[ -x "$QUARTER" ] || { echo "no $QUARTER: build first (cmake --build build)" >&2; exit 2; }
mkdir -p "$WORK"
trap 'bash "$top/scripts/pgtmp.sh" stop "$WORK/pg" >/dev/null' EXIT
url=$(bash "$top/scripts/pgtmp.sh" start "$WORK/pg" "$PG_PORT") || exit 1
psql -q "$url" -c "DROP SCHEMA IF EXISTS trgm CASCADE; CREATE SCHEMA trgm" 2>/dev/null
db="$url?options=-csearch_path%3Dtrgm,public"
"$QUARTER" import -q --db "$db" "$top/tests/cli/data/plan/base.project" || exit 1
echo "load: $(uptime | sed 's/.*load average/load average/')"
printf '%-8s %-10s %-70s %s\n' outlets query plan ms
total=60
for n in 30000 300000; do
  psql -q "$db" -c "INSERT INTO outlets(ext_id, name, lon, lat, address, services, updated_at)
    SELECT 'b' || i, '店铺' || i || (ARRAY['便利店','菜市场','药店','理发店'])[1 + i % 4], 118.78, 32.04,
           '玄武区中山路' || i || '号', (ARRAY['代收代缴','打印复印','家政服务','快递代收'])[1 + i % 4], 0
    FROM generate_series($total + 1, $n) i; ANALYZE outlets" || exit 1
  total=$n
  for q in 药店 邮局 邮政局 中山路17号 打印复印; do
    sql="EXPLAIN (ANALYZE, FORMAT TEXT) SELECT id FROM outlets WHERE name ILIKE '%$q%' OR address ILIKE '%$q%' OR services ILIKE '%$q%' ORDER BY id"
    best=
    for k in 1 2 3; do
      out=$(psql -qAt "$db" -c "$sql")
      ms=$(echo "$out" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')
      if [ -z "$best" ] || awk "BEGIN{exit !($ms < $best)}"; then best=$ms; fi
    done
    plan=$(echo "$out" | grep -oE '(Parallel )?(Seq Scan|Bitmap Index Scan on [a-z_]+|Index Scan using [a-z_]+)' | sort -u | paste -sd, -)
    printf '%-8s %-10s %-70s %s\n' "$n" "$q" "$plan" "$best"
  done
done

#!/usr/bin/env bash
# Coupon claims through the HTTP API on SQLite vs PostgreSQL (issue 14):
# claims/s and latency percentiles (p50, p99) at 64 concurrent clients.
# Not a pass/fail test: prints wrk's figures for each backend.
#
#   bench/claims_pg.sh [SECONDS]     default 10 s per backend
#
# For each backend it imports the small test project (tests/cli/data/plan),
# adds a merchant and 64 residents, issues a coupon of 10,000,000 with a
# per-user limit as large, starts `quarter serve --threads 4` on a loopback
# port, and runs wrk (2 threads, 64 connections) POSTing
# /api/v1/coupons/ID/claim with the 64 residents' tokens in turn (each claim
# a write transaction: the UPDATE of the coupon's row and the INSERT of the
# claim, durable on commit).  PostgreSQL: a throw-away server from
# scripts/pgtmp.sh on PG_PORT (55412) with fsync on (QT_PG_DURABLE=1), so both
# backends sync every commit.  wrk, the server and PostgreSQL share this
# machine's cores.  Other scripts (bench/scale_out.sh) can call it.
# Environment: WORK (bench/out/claims), QUARTER (build/quarter), PG_PORT.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$top/bench/out/claims}
QUARTER=${QUARTER:-$top/build/quarter}
PG_PORT=${PG_PORT:-55412}
SECS=${1:-10}
PY=/usr/bin/python3
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -x "$QUARTER" ] || { echo "no $QUARTER: build first (cmake --build build)" >&2; exit 2; }
mkdir -p "$WORK"
PBF=$top/data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf
[ -f "$WORK/g.qgraph" ] || "$QUARTER" graph build "$PBF" -o "$WORK/g.qgraph" >/dev/null || exit 1
echo "benchpass-1" > "$WORK/pw"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -d "$WORK/pg" ] && bash "$top/scripts/pgtmp.sh" stop "$WORK/pg"
}
trap cleanup EXIT

run_backend() { # NAME DB
  local name=$1 db=$2 port pid
  "$QUARTER" import --db "$db" "$top/tests/cli/data/plan/base.project" >/dev/null 2>&1 || { echo "import into $name failed" >&2; return 1; }
  "$QUARTER" user add --db "$db" --name merchant --role merchant --password-file "$WORK/pw" > "$WORK/m.id" || return 1
  "$QUARTER" user link --db "$db" --user "$(cat "$WORK/m.id")" --outlet 1 || return 1
  for i in $(seq 64); do
    "$QUARTER" user add --db "$db" --name "r$i" --role resident --password-file "$WORK/pw" >/dev/null || return 1
  done
  "$QUARTER" serve --db "$db" --graph "$WORK/g.qgraph" --port 0 --threads 4 --per-ip 4096 \
    --profile "$top/data/profiles/mofcom-2023.profile" > "$WORK/serve.$name.out" 2> "$WORK/serve.$name.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do grep -q api/v1 "$WORK/serve.$name.out" 2>/dev/null && break; sleep 0.2; done
  port=$(sed -n 's/.*:\([0-9]*\)\/api.*/\1/p' "$WORK/serve.$name.out" | head -1)
  [ -n "$port" ] || { echo "serve on $name did not start: $(cat "$WORK/serve.$name.err")" >&2; return 1; }
  $PY - "$port" "$WORK/claims.lua" <<'PYEOF' || return 1
import http.client, json, sys
port, out = int(sys.argv[1]), sys.argv[2]
def call(method, path, body=None, token=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    r = c.getresponse()
    doc = json.loads(r.read() or b"null")
    c.close()
    return r.status, doc
st, m = call("POST", "/api/v1/auth/login", {"name": "merchant", "password": "benchpass-1"})
st, cp = call("POST", "/api/v1/coupons", {"outlet_id": 1, "title": "bench", "quantity": 10000000,
              "per_user_limit": 10000000, "valid_from": 0, "valid_to": 4102444800}, m["token"])
assert st == 201, (st, cp)
toks = [call("POST", "/api/v1/auth/login", {"name": f"r{i}", "password": "benchpass-1"})[1]["token"]
        for i in range(1, 65)]
with open(out, "w") as f:
    f.write("local toks = {" + ",".join('"%s"' % t for t in toks) + "}\n")
    f.write("local i = 0\nrequest = function()\n  i = i + 1\n"
            "  return wrk.format(\"POST\", \"/api/v1/coupons/%d/claim\", {[\"Authorization\"] = \"Bearer \" .. "
            "toks[(i %% #toks) + 1]})\nend\n" % cp["id"])
PYEOF
  echo "== $name: wrk -t2 -c64 -d${SECS}s POST /api/v1/coupons/ID/claim"
  wrk -t2 -c64 -d"${SECS}s" --latency -s "$WORK/claims.lua" "http://127.0.0.1:$port" 2>&1 |
    grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx|Socket errors"
  kill "$pid"; wait "$pid" 2>/dev/null
  $PY - "$db" <<'PYEOF'
import sys
db = sys.argv[1]
if db.startswith("postgresql://"):
    import psycopg2
    c = psycopg2.connect(db)
else:
    import sqlite3
    c = sqlite3.connect(db)
cur = c.cursor()
cur.execute("select (select count(*) from claims), (select count(distinct code) from claims),"
            " (select claimed from coupons order by id desc limit 1)")
n, d, k = cur.fetchone()
print(f"   claims in the store: {n} ({d} distinct codes), coupon.claimed = {k}" + ("" if n == k else "  MISMATCH"))
PYEOF
}

echo "$(nproc) cores; quarter $("$QUARTER" --version 2>/dev/null | head -1)"
rm -f "$WORK"/s.db*
run_backend sqlite "$WORK/s.db"
rm -rf "$WORK/pg"
url=$(QT_PG_DURABLE=1 bash "$top/scripts/pgtmp.sh" start "$WORK/pg" "$PG_PORT") || exit 1
run_backend postgresql "$url"

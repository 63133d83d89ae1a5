#!/usr/bin/python3
"""Scale-out figures (issue 14); run through bench/scale_out.sh.  Prints figures, never pass/fail.

  scale_out.py QUARTER REPO SECONDS

1. claims/s and p99 at 64 concurrent clients (wrk, 64 connections, 64
   residents' tokens in turn) through nginx (TLS, deploy/nginx/quarter.conf)
   in front of two servers, on SQLite and on PostgreSQL (skipped while
   `--db postgresql://` is not in this quarter), and how many claims the store
   holds afterwards;
2. nearby req/s and p99 through nginx with one server and with two (64
   connections, 15-minute searches at 500 points of the Xuanwu sample);
3. the three-city queue (one vs two workers): bench/scale_out_queue.sh when
   it exists (the queue's section, issue 14).

Everything on loopback: nginx (one worker), the servers (2 HTTP threads
each) and wrk (2 threads) share this machine's cores.  Ports 18430-18439,
PostgreSQL on 55425.
"""
import concurrent.futures
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import ssl
import subprocess
import sys
import time
import http.client

QUARTER, REPO, SECS = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, os.path.join(REPO, "tests/server"))
import nginx_local  # noqa: E402

PLAN = os.path.join(REPO, "tests/cli/data/plan/base.project")
PBF = os.path.join(REPO, "data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf")
WORK = os.path.join(REPO, "bench/out/scale_out")
TLS, PLAIN, S1, S2, PGPORT = 18430, 18431, 18432, 18433, 55425
CONNS = 64


def q(*args, check=True):
    r = subprocess.run([QUARTER, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"quarter {' '.join(args)}: {r.stderr}")
    return r


def serve(db, port, tag):
    p = subprocess.Popen([QUARTER, "serve", "--db", db, "--graph", f"{WORK}/g.qgraph", "--port", str(port),
                          "--threads", "2", "--trusted-proxy", "127.0.0.1", "--per-ip", "4096", "--web", "none",
                          "--register-per-hour", "100000"],
                         stdout=subprocess.PIPE, stderr=open(f"{WORK}/{tag}.err", "w"), text=True)
    if "listening" not in p.stdout.readline():
        sys.exit(f"serve {tag} did not start: " + open(f"{WORK}/{tag}.err").read())
    return p


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()


def post(path, body, token=None):
    ctx = ssl.create_default_context(cafile=f"{WORK}/nginx/tls/fullchain.pem")
    c = http.client.HTTPSConnection("127.0.0.1", TLS, context=ctx, timeout=60)
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    c.request("POST", path, body=json.dumps(body).encode(), headers=h)
    r = c.getresponse()
    doc = json.loads(r.read().decode() or "null")
    c.close()
    return r.status, doc


def wrk(lua, path="/"):
    """(req/s, p99 ms, non-2xx) of wrk -t2 -c64 through nginx"""
    r = subprocess.run(["wrk", "-t2", f"-c{CONNS}", f"-d{SECS}s", "--latency", "-s", lua,
                        f"https://127.0.0.1:{TLS}{path}"], capture_output=True, text=True)
    out = r.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errs = re.search(r"Socket errors:.*", out)
    ms = None
    if p99:
        ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return (float(rps.group(1)) if rps else 0.0, ms, int(bad.group(1)) if bad else 0,
            errs.group(0) if errs else "no socket errors")


def backend_setup(kind):
    """the store's URL, or None when this quarter has no such backend"""
    if kind == "sqlite":
        db = f"{WORK}/s.db"
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.unlink(f)
        return db
    pgdir = f"{WORK}/pg"
    shutil.rmtree(pgdir, ignore_errors=True)
    r = subprocess.run(["bash", f"{REPO}/scripts/pgtmp.sh", "start", pgdir, str(PGPORT)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        print(f"  PostgreSQL: pgtmp failed: {r.stderr.strip()[:200]}")
        return None
    url = r.stdout.strip().splitlines()[-1]
    if q("import", "--db", url, PLAN, check=False).returncode != 0:
        subprocess.run(["bash", f"{REPO}/scripts/pgtmp.sh", "stop", pgdir], capture_output=True)
        print("  PostgreSQL: this quarter has no --db postgresql:// yet (the pgstore branch): skipped")
        return None
    return url


def backend_stop(kind):
    if kind != "sqlite":
        subprocess.run(["bash", f"{REPO}/scripts/pgtmp.sh", "stop", f"{WORK}/pg"], capture_output=True)


def count_claims(kind, db, coupon):
    if kind == "sqlite":
        c = sqlite3.connect(db)
        n = c.execute("SELECT count(*) FROM claims WHERE coupon_id = ?", (coupon,)).fetchone()[0]
        c.close()
        return n
    r = subprocess.run(["psql", db, "-Atc", f"SELECT count(*) FROM claims WHERE coupon_id = {coupon}"],
                       capture_output=True, text=True)
    return int(r.stdout.strip() or -1)


def claims(kind):
    db = backend_setup(kind)
    if not db:
        return
    if kind == "sqlite":
        q("import", "--db", db, PLAN)
    with open(f"{WORK}/pw", "w") as f:
        f.write("bench-password-1\n")
    mid = q("user", "add", "--db", db, "--name", "merchant", "--role", "merchant", "--password-file",
            f"{WORK}/pw").stdout.strip()
    q("user", "link", "--db", db, "--user", mid, "--outlet", "1")
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count()) as ex:  # argon2id: a second each
        list(ex.map(lambda i: q("user", "add", "--db", db, "--name", f"r{i}", "--role", "resident",
                                "--password-file", f"{WORK}/pw"), range(CONNS)))
    a, b = serve(db, S1, f"{kind}-a"), serve(db, S2, f"{kind}-b")
    ngx, _ = nginx_local.start(f"{WORK}/nginx", TLS, PLAIN, [S1, S2], conn_limit=4096)
    try:
        mt = post("/api/v1/auth/login", {"name": "merchant", "password": "bench-password-1"})[1]["token"]
        tokens = [post("/api/v1/auth/login", {"name": f"r{i}", "password": "bench-password-1"})[1]["token"]
                  for i in range(CONNS)]
        st, doc = post("/api/v1/coupons", {"outlet_id": 1, "title": "压测", "quantity": 10000000,
                                           "per_user_limit": 10000000, "valid_from": 0,
                                           "valid_to": 4102444800}, mt)
        if st != 201:
            sys.exit(f"coupon: {st} {doc}")
        cid = doc["id"]
        lua = f"{WORK}/claims.lua"
        with open(lua, "w") as f:
            f.write("local tokens = {" + ",".join(f'"{t}"' for t in tokens) + "}\n")
            f.write("local i = math.random(#tokens)\nrequest = function()\n  i = i % #tokens + 1\n"
                    f'  return wrk.format("POST", "/api/v1/coupons/{cid}/claim", '
                    '{["Authorization"] = "Bearer " .. tokens[i], ["Content-Type"] = "application/json"}, "")\nend\n')
        rps, p99, bad, errs = wrk(lua)
        n = count_claims(kind, db, cid)
        print(f"  {kind:10s} claims: {rps:8.1f}/s  p99 {p99} ms  non-2xx {bad}  {errs}; {n} claims in the store")
    finally:
        nginx_local.stop(f"{WORK}/nginx", ngx)
        stop(a)
        stop(b)
        backend_stop(kind)


def nearby():
    db = f"{WORK}/s.db"
    c = sqlite3.connect(db)
    pts = c.execute("SELECT lon, lat FROM outlets").fetchall()
    c.close()
    random.seed(7)
    sample = [(lon + random.uniform(-0.003, 0.003), lat + random.uniform(-0.003, 0.003))
              for lon, lat in (random.choice(pts) for _ in range(500))]
    lua = f"{WORK}/nearby.lua"
    with open(lua, "w") as f:
        f.write("local pts = {" + ",".join(f'{{"{x:.6f}","{y:.6f}"}}' for x, y in sample) + "}\n")
        f.write("local i = math.random(#pts)\nrequest = function()\n  i = i % #pts + 1\n"
                '  return wrk.format("GET", "/api/v1/nearby?lon=" .. pts[i][1] .. "&lat=" .. pts[i][2] .. '
                '"&minutes=15&limit=20")\nend\n')
    for n in (1, 2):
        servers = [serve(db, S1, "nearby-a")] + ([serve(db, S2, "nearby-b")] if n == 2 else [])
        ngx, _ = nginx_local.start(f"{WORK}/nginx", TLS, PLAIN, [S1, S2][:n], conn_limit=4096)
        try:
            rps, p99, bad, errs = wrk(lua)
            print(f"  nearby, {n} server{'s' if n > 1 else ' '}: {rps:8.1f} req/s  p99 {p99} ms  non-2xx {bad}  {errs}")
        finally:
            nginx_local.stop(f"{WORK}/nginx", ngx)
            for p in servers:
                stop(p)


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(f"{WORK}/g.qgraph"):
        q("graph", "build", PBF, "-o", f"{WORK}/g.qgraph")
    cores = os.cpu_count()
    print(f"scale-out bench: {cores} cores shared by nginx (1 worker), the servers (2 HTTP threads each) and wrk "
          f"(2 threads, {CONNS} connections, {SECS} s a run); TLS through deploy/nginx/quarter.conf")
    print("1. claims at 64 concurrent clients, two servers behind nginx")
    for kind in ("sqlite", "postgresql"):
        claims(kind)
    print("2. nearby (15 minutes, limit 20) through nginx, SQLite store")
    nearby()
    print("3. three-city queue, one vs two workers")
    hook = os.path.join(REPO, "bench/scale_out_queue.sh")
    if os.path.exists(hook):
        subprocess.run(["bash", hook, QUARTER], check=False)
    else:
        print("  (bench/scale_out_queue.sh: the queue's section, not here yet)")


main()

#!/usr/bin/python3
"""Two `quarter serve` on one store behind nginx (issue 14).

  test_scale_out.py QUARTER REPO_DIR BACKEND BASE_PORT [BUILD_DIR [PG_PORT]]

BACKEND is sqlite (one SQLite file shared by both servers) or postgresql (a
throw-away PostgreSQL from scripts/pgtmp.sh in BUILD_DIR, on PG_PORT; skipped
while this quarter has no `--db postgresql://`).
nginx runs deploy/nginx/quarter.conf itself, only its ports and paths
replaced, as an unprivileged process with everything in a temporary folder:
TLS on BASE_PORT (a certificate from deploy/make-test-cert.sh, verified by
the client), the servers on BASE_PORT + 2 and + 3.  Checks:

- through nginx: health, pages gzipped, a spoofed X-Forwarded-For dropped;
- 400 concurrent claims (40 residents x 10) at a coupon of 50 through nginx,
  landing on both servers: exactly 50, nobody over the limit of 5, 50 in the
  store;
- 50 concurrent redemptions of one code, 25 sent to each server: one success;
- wrong logins alternating between the servers hit the one limit of 5;
- an outlet edited through one server is in the other's nearby within 1 s
  (polled), a job posted on one is in the other's list, an outlet closed by
  another writer leaves both indexes, a re-import by `quarter import` (one
  outlet renamed, one dropped) is in both within 1 s;
- kill -9 of one server under load: nearby through nginx never fails (nginx
  sends a GET to the other server), every claim is retried by its client with
  its Idempotency-Key until answered, and the store holds exactly the
  acknowledged claims.

Prints one line per check; exits 1 on any failure, 77 when nginx or openssl
is missing.
"""
import concurrent.futures
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nginx_local  # noqa: E402

QUARTER, REPO, BACKEND, BASE = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
BUILD = sys.argv[5] if len(sys.argv) > 5 else None
PG_PORT = int(sys.argv[6]) if len(sys.argv) > 6 else 55421
PLAN = os.path.join(REPO, "tests/cli/data/plan/base.project")
PBF = os.path.join(REPO, "data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf")
NGINX = nginx_local.NGINX
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures += 1


def run(*args):
    r = subprocess.run([QUARTER, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"quarter {' '.join(args)}: {r.stderr}")
    return r.stdout.strip()


class Store:
    """what the test reads from the store behind the servers"""

    def __init__(self, work):
        self.pg = None
        if BACKEND == "sqlite":
            self.url = f"{work}/s.db"
        else:
            self.pgdir = os.path.join(BUILD or work, "pg-scale-out")
            shutil.rmtree(self.pgdir, ignore_errors=True)
            r = subprocess.run(["bash", os.path.join(REPO, "scripts/pgtmp.sh"), "start", self.pgdir, str(PG_PORT)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit("pgtmp: " + r.stderr)
            self.url = r.stdout.strip().splitlines()[-1]
            self.pg = True

    def query(self, sql, *args):
        if self.pg:
            import psycopg2
            c = psycopg2.connect(self.url)
            c.autocommit = True
            cur = c.cursor()
            cur.execute(sql.replace("?", "%s"), args)
            rows = cur.fetchall() if cur.description else []
            c.close()
            return rows
        import sqlite3
        c = sqlite3.connect(self.url, timeout=30, isolation_level=None)
        rows = c.execute(sql, args).fetchall()
        c.close()
        return rows

    def stop(self):
        if self.pg:
            subprocess.run(["bash", os.path.join(REPO, "scripts/pgtmp.sh"), "stop", self.pgdir], capture_output=True)


class Server:
    def __init__(self, work, db, port, name):
        self.work, self.db, self.port, self.name = work, db, port, name
        self.proc = None

    def start(self):
        self.log = f"{self.work}/{self.name}.access.log"
        self.proc = subprocess.Popen([QUARTER, "serve", "--db", self.db, "--graph", f"{self.work}/g.qgraph",
                                      "--port", str(self.port), "--threads", "4", "--trusted-proxy", "127.0.0.1",
                                      "--per-ip", "4096", "--register-per-hour", "100000", "--hash-slots", "2",
                                      "--max-body", "1048576", "--access-log", self.log, "--web", "none"],
                                     stdout=subprocess.PIPE, stderr=open(f"{self.work}/{self.name}.err", "w"),
                                     text=True)
        line = self.proc.stdout.readline()
        if f":{self.port}/api/v1/" not in line:
            sys.exit(f"serve {self.name} did not start: {line} " + open(f"{self.work}/{self.name}.err").read())

    def stop(self):
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def call(port, method, path, body=None, token=None, tls=None, headers=None, timeout=60):
    """(status, document, reply headers); status -1 when the connection failed"""
    try:
        if tls:
            c = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=tls)
        else:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = "Bearer " + token
        h.update(headers or {})
        c.request(method, urllib.parse.quote(path, safe="/?&=:,"),
                  body=json.dumps(body).encode() if body is not None else None, headers=h)
        r = c.getresponse()
        raw = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        try:
            doc = json.loads(raw.decode() or "null")
        except ValueError:
            doc = None
        return r.status, doc, hdrs
    except (OSError, http.client.HTTPException):
        return -1, None, {}


def start_nginx(work, upstreams):
    """deploy/nginx/quarter.conf with test ports and paths, under an nginx of our own (nginx_local.py)"""
    ngx = f"{work}/nginx"
    # every client of the test is 127.0.0.1: the per-address cap would refuse the 200-way races (429)
    proc, t = nginx_local.start(ngx, BASE, BASE + 1, upstreams, conn_limit=1024)
    check(t.returncode == 0, "nginx -t accepts deploy/nginx/quarter.conf" + ("" if t.returncode == 0 else t.stderr))
    tls = ssl.create_default_context(cafile=f"{ngx}/tls/fullchain.pem")
    return proc, ngx, tls


def stop_nginx(proc, ngx):
    nginx_local.stop(ngx, proc)


def served_by(srv, needle):
    try:
        return sum(needle in l for l in open(srv.log, encoding="utf-8", errors="replace"))
    except OSError:
        return 0


def main():
    if not os.path.exists(NGINX) or not shutil.which("openssl"):
        print("nginx or openssl missing: skipped")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="qt-scale-")
    store = Store(work)
    db = store.url
    run("graph", "build", PBF, "-o", f"{work}/g.qgraph")
    imp = subprocess.run([QUARTER, "import", "--db", db, PLAN], capture_output=True, text=True)
    if imp.returncode != 0 and BACKEND != "sqlite":
        store.stop()
        print(f"this quarter cannot import into {db}: skipped ({imp.stderr.strip()[:200]})")
        sys.exit(77)
    if imp.returncode != 0:
        sys.exit("import: " + imp.stderr)
    with open(f"{work}/pw", "w") as f:
        f.write("correct-horse-1\n")
    admin_id = run("user", "add", "--db", db, "--name", "admin", "--role", "admin", "--password-file", f"{work}/pw")
    merchant_id = run("user", "add", "--db", db, "--name", "merchant", "--role", "merchant",
                      "--password-file", f"{work}/pw")
    run("user", "link", "--db", db, "--user", merchant_id, "--outlet", "1")
    del admin_id

    a, b = Server(work, db, BASE + 2, "a"), Server(work, db, BASE + 3, "b")
    a.start()
    b.start()
    ngx_proc, ngx, tls = start_nginx(work, [a.port, b.port])
    N = BASE

    def via(method, path, body=None, token=None, headers=None):
        return call(N, method, path, body, token, tls, headers)

    try:
        # ---- the balancer itself ---------------------------------------------------------------
        st, doc, _ = via("GET", "/api/v1/health")
        check(st == 200 and doc["status"] == "ok" and doc["outlets"] > 0, f"health through nginx (TLS): {st}")
        st, doc, _ = call(N + 1, "GET", "/health")
        check(st == 200 and doc and doc["status"] == "ok", f"GET /health on the plain port: {st}")
        st, _, h = call(N + 1, "GET", "/api/v1/nearby")
        check(st == 301 and h.get("location", "").startswith("https://"), f"plain HTTP redirected to HTTPS: {st}")
        st, _, h = via("GET", "/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
        check(st == 200 and h.get("content-encoding") == "gzip", f"JSON gzipped by nginx: {h.get('content-encoding')}")
        st, _, _ = via("GET", "/api/v1/health", headers={"X-Forwarded-For": "203.0.113.9"})
        time.sleep(0.2)
        check(served_by(a, "203.0.113.9") + served_by(b, "203.0.113.9") == 0,
              "a client's own X-Forwarded-For is replaced by nginx (quarter logs the real address)")

        # ---- accounts through nginx ------------------------------------------------------------
        tokens = {}
        for name in ("admin", "merchant"):
            st, doc, _ = via("POST", "/api/v1/auth/login", {"name": name, "password": "correct-horse-1"})
            check(st == 200, f"login {name} through nginx: {st}")
            tokens[name] = doc["token"]

        def resident(i):
            name = f"r{i:02d}"
            via("POST", "/api/v1/auth/register", {"name": name, "password": "race-password"})
            st, doc, _ = via("POST", "/api/v1/auth/login", {"name": name, "password": "race-password"})
            return doc["token"] if st == 200 else None

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
            residents = list(ex.map(resident, range(40)))
        check(all(residents), f"40 residents registered and logged in through nginx ({sum(map(bool, residents))})")

        # ---- 400 concurrent claims at a coupon of 50 ------------------------------------------
        st, doc, _ = via("POST", "/api/v1/coupons", {"outlet_id": 1, "title": "抢券", "quantity": 50,
                                                      "per_user_limit": 5, "valid_from": 0,
                                                      "valid_to": 4102444800}, tokens["merchant"])
        race = doc["id"]
        before = (served_by(a, f"/coupons/{race}/claim"), served_by(b, f"/coupons/{race}/claim"))
        jobs = [i % 40 for i in range(400)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=200) as ex:
            res = list(ex.map(lambda i: (i, via("POST", f"/api/v1/coupons/{race}/claim", token=residents[i])), jobs))
        won = [(i, d["code"]) for i, (st, d, _) in res if st == 201]
        per_user = {}
        for i, _ in won:
            per_user[i] = per_user.get(i, 0) + 1
        others = sorted({st for _, (st, _, _) in res if st != 201})
        stored = store.query("SELECT count(*) FROM claims WHERE coupon_id = ?", race)[0][0]
        check(len(won) == 50 and others == [409] and stored == 50,
              f"400 concurrent claims of 50 across both: {len(won)} won, others {others}, {stored} in the store")
        check(max(per_user.values()) <= 5 and len({c for _, c in won}) == 50, "nobody over 5, every code distinct")
        time.sleep(0.3)
        on_a, on_b = (served_by(a, f"/coupons/{race}/claim") - before[0],
                      served_by(b, f"/coupons/{race}/claim") - before[1])
        check(on_a > 50 and on_b > 50 and on_a + on_b == 400, f"the claims landed on both servers ({on_a} + {on_b})")

        # ---- 50 concurrent redemptions of one code, 25 on each server ----------------------------
        code = won[0][1]
        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as ex:
            red = list(ex.map(lambda i: call((a if i % 2 else b).port, "POST", "/api/v1/redemptions",
                                             {"code": code}, tokens["merchant"])[0], range(50)))
        check(red.count(200) == 1 and set(red) == {200, 409},
              f"50 concurrent redemptions of one code on both servers: {red.count(200)} success, {sorted(set(red))}")

        # ---- an edit through one server, in the other's nearby within 1 s --------------------------
        st, o3, _ = call(a.port, "GET", "/api/v1/outlets/3")
        near = f"/api/v1/nearby?lon={o3['lon']}&lat={o3['lat']}&minutes=5&limit=50"
        lags = []
        for k in range(5):
            name = f"改名店{k}"
            st, _, _ = call(a.port, "PATCH", "/api/v1/outlets/3", {"name": name}, tokens["admin"])
            t0 = time.monotonic()
            seen = False
            while time.monotonic() - t0 < 3 and not seen:
                s2, d2, _ = call(b.port, "GET", near)
                seen = s2 == 200 and any(o["id"] == 3 and o["name"] == name for o in d2["outlets"])
                if not seen:
                    time.sleep(0.02)
            lags.append(time.monotonic() - t0 if seen else 99)
        check(st == 200 and max(lags) <= 1.0,
              f"an outlet edited on one server is in the other's nearby within 1 s (lags {', '.join(f'{x:.2f}' for x in lags)} s)")

        # a job posted on b is listed by a (jobs follow the same feed)
        st, _, _ = call(b.port, "POST", "/api/v1/jobs", {"title": "理货员跟随", "description": "夜班", "pay": "25元/时",
                                                         "lon": o3["lon"], "lat": o3["lat"]}, tokens["merchant"])
        t0, seen = time.monotonic(), False
        while time.monotonic() - t0 < 3 and not seen:
            s2, d2, _ = call(a.port, "GET", f"/api/v1/jobs?lon={o3['lon']}&lat={o3['lat']}")
            seen = s2 == 200 and any(j.get("title") == "理货员跟随" for j in (d2 or {}).get("jobs", []))
            if not seen:
                time.sleep(0.02)
        check(st == 201 and seen and time.monotonic() - t0 <= 1.0,
              f"a job posted on one server is listed by the other within 1 s ({st}, {time.monotonic() - t0:.2f} s)")

        # an outlet closed by another writer (an import elsewhere) leaves both indexes
        n_a = call(a.port, "GET", "/api/v1/health")[1]["outlets"]
        store.query("UPDATE outlets SET closed_at = 1700000000 WHERE id = 3")
        t0, gone = time.monotonic(), False
        while time.monotonic() - t0 < 3 and not gone:
            ha, hb = call(a.port, "GET", "/api/v1/health")[1], call(b.port, "GET", "/api/v1/health")[1]
            gone = ha["outlets"] == n_a - 1 and hb["outlets"] == n_a - 1
            if not gone:
                time.sleep(0.02)
        s2, d2, _ = call(b.port, "GET", near)
        check(gone and time.monotonic() - t0 <= 1.0 and s2 == 200 and all(o["id"] != 3 for o in d2["outlets"]),
              f"an outlet closed in the store leaves both servers' nearby within 1 s ({n_a} -> "
              f"{call(b.port, 'GET', '/api/v1/health')[1]['outlets']})")
        store.query("UPDATE outlets SET closed_at = NULL WHERE id = 3")

        # a re-import (another process): outlet 1 renamed, outlet 2 gone from the table (closed); both
        # servers follow without SIGHUP
        plan = os.path.dirname(PLAN)
        rows = open(f"{plan}/outlets.csv", encoding="utf-8").read().splitlines()
        rows[1] = rows[1].replace("大众书局南京书城", "大众书局（改）")
        with open(f"{work}/outlets.csv", "w", encoding="utf-8") as f:
            f.write("\n".join(rows[:2] + rows[3:]) + "\n")
        proj = open(PLAN, encoding="utf-8").read()
        proj = proj.replace("../../../../", REPO + "/").replace("file = outlets.csv", f"file = {work}/outlets.csv")
        for name in ("residences.csv", "circles.csv"):
            proj = proj.replace(f"file = {name}", f"file = {plan}/{name}")
        with open(f"{work}/re.project", "w", encoding="utf-8") as f:
            f.write(proj)
        n_before = n_a  # outlet 3 is open again (the feed may still be bringing it back)
        st1, o1, _ = call(a.port, "GET", "/api/v1/outlets/1")
        imp = subprocess.run([QUARTER, "import", "--db", db, f"{work}/re.project"], capture_output=True, text=True)
        t0, done = time.monotonic(), False
        near1 = f"/api/v1/nearby?lon={o1['lon']}&lat={o1['lat']}&minutes=5&limit=50"
        while time.monotonic() - t0 < 3 and not done:
            counts = [call(x.port, "GET", "/api/v1/health")[1]["outlets"] for x in (a, b)]
            names = [{o["id"]: o["name"] for o in (call(x.port, "GET", near1)[1] or {}).get("outlets", [])}.get(1)
                     for x in (a, b)]
            done = counts == [n_before - 1] * 2 and names == ["大众书局（改）"] * 2
            if not done:
                time.sleep(0.02)
        check(imp.returncode == 0 and done and time.monotonic() - t0 <= 1.0,
              f"a re-import by another process (one renamed, one closed) is in both servers within 1 s "
              f"({time.monotonic() - t0:.2f} s; outlets {n_before} -> {counts}, names {names})")

        # ---- the login limit holds across servers: it is counted in the store ----------------------
        sts = [call((a if i % 2 else b).port, "POST", "/api/v1/auth/login", {"name": "merchant", "password": "nope"})[0]
               for i in range(7)]
        check(sts == [401] * 5 + [429, 429], f"7 wrong logins alternating between the servers: {sts}")

        # ---- kill -9 one server under load ----------------------------------------------------------
        st, doc, _ = via("POST", "/api/v1/coupons", {"outlet_id": 1, "title": "压测", "quantity": 100000,
                                                      "per_user_limit": 100000, "valid_from": 0,
                                                      "valid_to": 4102444800}, tokens["merchant"])
        load = doc["id"]
        acked, lock, stop = {}, threading.Lock(), threading.Event()
        get_fail, get_ok, retries = [], [0], [0]

        def claimer(w):
            k = 0
            while not stop.is_set():
                key = f"w{w}-{k}"
                for attempt in range(50):  # the same key until the claim is answered
                    st, d, _ = via("POST", f"/api/v1/coupons/{load}/claim", token=residents[w],
                                   headers={"Idempotency-Key": key})
                    if st in (200, 201):
                        with lock:
                            acked[key] = d["code"]
                        break
                    with lock:
                        retries[0] += 1
                    time.sleep(0.05)
                k += 1

        def reader():
            while not stop.is_set():
                st, _, _ = via("GET", near)
                with lock:
                    if st == 200:
                        get_ok[0] += 1
                    else:
                        get_fail.append(st)

        threads = [threading.Thread(target=claimer, args=(w,)) for w in range(12)] + \
            [threading.Thread(target=reader) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        a.proc.send_signal(signal.SIGKILL)  # the server we started; mid-load
        a.proc.wait()
        killed_at = len(acked)
        time.sleep(2.5)
        stop.set()
        for t in threads:
            t.join()
        rows = store.query("SELECT code FROM claims WHERE coupon_id = ?", load)
        in_store = {r[0] for r in rows}
        lost = [k for k, c in acked.items() if c not in in_store]
        check(b.proc.poll() is None and len(acked) > killed_at,
              f"after kill -9 of one server the other keeps claiming through nginx ({killed_at} -> {len(acked)} acknowledged)")
        check(not lost and len(rows) == len(acked),
              f"no acknowledged claim lost: {len(acked)} acknowledged, {len(rows)} in the store, {len(lost)} missing "
              f"({retries[0]} retries with the same key)")
        check(not get_fail and get_ok[0] > 0,
              f"nearby through nginx never failed across the kill ({get_ok[0]} ok, failed: {sorted(set(get_fail))})")
    finally:
        stop_nginx(ngx_proc, ngx)
        rc_b = b.stop()
        a.stop()
        store.stop()
    check(rc_b == 0, f"the surviving server stops cleanly: {rc_b}")
    err = open(f"{work}/b.err").read() + open(f"{work}/a.err").read()
    check("ERROR: AddressSanitizer" not in err and "runtime error" not in err and "WARNING: ThreadSanitizer" not in err,
          "no sanitizer report")
    if failures:
        print(err[-3000:])
        print(open(f"{work}/nginx/error.log").read()[-2000:])
    print(f"{failures} failed")
    sys.exit(1 if failures else 0)


main()

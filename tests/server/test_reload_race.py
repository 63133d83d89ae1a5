#!/usr/bin/python3
"""Outlet edits racing reloads on a real `quarter serve` (issue 9).

  test_reload_race.py QUARTER REPO_DIR

While 4 threads PATCH outlets 41-60, search nearby and ask for routes and
jobs, the store loses outlets 1-40 and gets them back 20 times, each change
followed by SIGHUP (a reload of every outlet): the index shrinks from 60 to
20 outlets and grows again.  Before the index became immutable and
reference-counted, an edit found its outlet's slot (say 59) before a reload
swapped in the 20-outlet array and wrote there (AddressSanitizer:
heap-buffer-overflow), and route, isochrone and jobs read the index size
without the lock (ThreadSanitizer).  The window is narrow, so the old code
passes most runs; the test guards the new mechanism.  Checks: the server
stays up and answers every request, each PATCH is 200, and after the last
reload nearby shows every edited outlet's stored name.  Bounded: 400
PATCHes, 400 searches, 100 routes and 100 job lists.  Prints one line per
check; exits 1 on any failure.
"""
import concurrent.futures
import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

QUARTER, REPO = sys.argv[1], sys.argv[2]
PLAN = os.path.join(REPO, "tests/cli/data/plan/base.project")
PBF = os.path.join(REPO, "data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf")
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def run(*args):
    r = subprocess.run([QUARTER, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"quarter {' '.join(args)}: {r.stderr}")
    return r.stdout.strip()


def call(port, method, path, body=None, token=None):
    """(status, document); status -1 when the server went away (a crash)"""
    try:
        return call1(port, method, path, body, token)
    except (OSError, http.client.HTTPException, ValueError):
        return -1, None


def call1(port, method, path, body, token):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    c.request(method, urllib.parse.quote(path, safe="/?&=:,"),
              body=json.dumps(body).encode() if body is not None else None, headers=headers)
    r = c.getresponse()
    doc = json.loads(r.read().decode() or "null")
    c.close()
    return r.status, doc


def main():
    work = tempfile.mkdtemp(prefix="qt-race-")
    run("graph", "build", PBF, "-o", f"{work}/g.qgraph")
    subprocess.run([QUARTER, "import", "--db", f"{work}/s.db", PLAN], check=True, capture_output=True)
    with open(f"{work}/pw", "w") as f:
        f.write("correct-horse-1\n")
    run("user", "add", "--db", f"{work}/s.db", "--name", "admin", "--role", "admin", "--password-file", f"{work}/pw")
    proc = subprocess.Popen([QUARTER, "serve", "--db", f"{work}/s.db", "--graph", f"{work}/g.qgraph", "--port", "0",
                             "--threads", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    m = re.search(r":(\d+)/api/v1/", proc.stdout.readline())
    if not m:
        sys.exit("serve did not start: " + proc.stderr.read())
    port = int(m.group(1))
    st, doc = call(port, "POST", "/api/v1/auth/login", {"name": "admin", "password": "correct-horse-1"})
    token = doc["token"]
    outlets = list(range(41, 61))  # these stay; 1-40 come and go
    lock = threading.Lock()
    statuses = []

    def edit(i):
        oid = outlets[i % len(outlets)]
        name = f"店{oid}-{i}"
        st, _ = call(port, "PATCH", f"/api/v1/outlets/{oid}", {"name": name}, token)
        with lock:
            statuses.append(("patch", st))

    def search(i):
        st, _ = call(port, "GET", "/api/v1/nearby?lon=118.7785&lat=32.0451&minutes=30&limit=200")
        with lock:
            statuses.append(("nearby", st))

    def other(i):
        path = "/api/v1/route?from=118.7785,32.0451&to=118.7820,32.0434" if i % 2 else \
            "/api/v1/jobs?lon=118.7785&lat=32.0451"
        st, _ = call(port, "GET", path)
        with lock:
            statuses.append(("route/jobs", st))

    stop = threading.Event()
    db = sqlite3.connect(f"{work}/s.db", timeout=30, isolation_level=None)
    cols = [r[1] for r in db.execute("PRAGMA table_info(outlets)")]
    kept = db.execute(f"SELECT {', '.join(cols)} FROM outlets WHERE id <= 40").fetchall()

    def hup():
        for k in range(40):
            if stop.is_set():
                break
            if k % 2 == 0:
                db.execute("DELETE FROM outlets WHERE id <= 40")
            else:
                db.executemany(f"INSERT INTO outlets({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", kept)
            proc.send_signal(signal.SIGHUP)
            time.sleep(0.02)

    t = threading.Thread(target=hup)
    t.start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
        futs = [ex.submit(edit, i) for i in range(400)] + [ex.submit(search, i) for i in range(400)] + \
            [ex.submit(other, i) for i in range(200)]
        for f in futs:
            f.result()
    stop.set()
    t.join()
    db.close()
    check(proc.poll() is None, "the server is still up after edits racing 40 reloads (60 -> 20 -> 60 outlets)")
    check(all(st == 200 for _, st in statuses) and len(statuses) == 1000,
          f"every PATCH and nearby answered 200 ({sum(st == 200 for _, st in statuses)} of {len(statuses)}; "
          f"{sorted(set(statuses))})")
    # a last reload; nearby shows what the store holds for each edited outlet
    proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    st, doc = call(port, "GET", "/api/v1/nearby?lon=118.7785&lat=32.0451&minutes=60&limit=200")
    got = {o["id"]: o["name"] for o in doc["outlets"]} if st == 200 else {}
    stored = {}
    for oid in outlets:
        st2, d2 = call(port, "GET", f"/api/v1/outlets/{oid}")
        stored[oid] = d2["name"] if st2 == 200 else None
    check(st == 200 and all(got.get(oid, stored[oid]) == stored[oid] is not None for oid in outlets),
          "after the last reload nearby shows every edited outlet's stored name")
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = None
    err = proc.stderr.read()
    check(rc == 0 and "ERROR: AddressSanitizer" not in err and "runtime error" not in err
          and "WARNING: ThreadSanitizer" not in err,
          f"clean exit {rc}, no sanitizer report")
    if failures:
        print(err[-3000:])
    print(f"{failures} failed")
    sys.exit(1 if failures else 0)


main()

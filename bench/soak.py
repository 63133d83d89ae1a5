#!/usr/bin/python3
"""Soak: mixed legitimate traffic while an attacker runs slow connections, a
register flood and expensive isochrones (issue 11).  Prints figures; never
pass/fail.

  soak.py QUARTER REPO SECONDS [SLOW_CONNECTIONS]

Legitimate clients come from 127.0.0.1 (nearby, outlet lookups, claims with an
Idempotency-Key, redemptions); the attacker from 127.0.0.2-4.  Each legitimate
client is a process of its own (SOAK_CLIENTS=threads: threads of this one, as
before), so the attacker's threads and Python's lock do not add to the
latency a client measures.  At the end:
legitimate latency (p50, p99 per kind), errors and refusals, the server's RSS
at the start and the end, and whether every acknowledged claim is in the store.
"""
import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

QUARTER, REPO = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SECONDS = float(sys.argv[3])
SLOW = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
PLAN = os.path.join(REPO, "tests/cli/data/plan/base.project")
PBF = os.path.join(REPO, "data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf")
random.seed(11)


def run(*a):
    return subprocess.run([QUARTER, *a], capture_output=True, text=True, check=True).stdout


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


work = tempfile.mkdtemp(prefix="qt-soak-")
run("graph", "build", PBF, "-o", f"{work}/g.qgraph")
subprocess.run([QUARTER, "import", "--db", f"{work}/s.db", PLAN], check=True, capture_output=True)
with open(f"{work}/pw", "w") as f:
    f.write("correct-horse-1\n")
mid = int(run("user", "add", "--db", f"{work}/s.db", "--name", "m", "--role", "merchant", "--password-file", f"{work}/pw"))
run("user", "link", "--db", f"{work}/s.db", "--user", str(mid), "--outlet", "1")
for i in range(20):
    run("user", "add", "--db", f"{work}/s.db", "--name", f"r{i}", "--role", "resident", "--password-file", f"{work}/pw")
extra = os.environ.get("SOAK_SERVE_ARGS", "").split()  # e.g. "--threads 4", to compare settings
srv = subprocess.Popen([QUARTER, "serve", "--db", f"{work}/s.db", "--graph", f"{work}/g.qgraph", "--port", "0",
                        "--profile", os.path.join(REPO, "data/profiles/mofcom-2023.profile"),
                        "--access-log", f"{work}/access.log", *extra],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
port = int(re.search(r":(\d+)/", srv.stdout.readline()).group(1))


def call(method, path, body=None, token=None, headers=None, source="127.0.0.1"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    c.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def login(name):
    return json.loads(call("POST", "/api/v1/auth/login", {"name": name, "password": "correct-horse-1"})[1])["token"]


mtok = login("m")
rtoks = [login(f"r{i}") for i in range(20)]
st, data = call("POST", "/api/v1/coupons", {"outlet_id": 1, "title": "soak", "quantity": 10000000, "per_user_limit": 10000000,
                                            "valid_from": "2026-01-01", "valid_to": "2031-01-01"}, mtok)
coupon = json.loads(data)["id"]
time.sleep(0.5)
rss0 = rss_kb(srv.pid)
stop = threading.Event()
lock = threading.Lock()
lat = {"nearby": [], "outlet": [], "claim": [], "redeem": []}
errors = {"legit_error": 0, "legit_refused": 0}
acked, attack = [], {"slow_held": 0, "register": {}, "isochrone": {}}
PTS = [(118.7785 + random.uniform(-0.01, 0.01), 32.0451 + random.uniform(-0.008, 0.008)) for _ in range(200)]


RATE = float(os.environ.get("SOAK_RATE", "200"))  # legitimate requests per second, all clients; 0: closed loop


def legit(k):
    n = 0
    rng = random.Random(k)
    due = time.monotonic()
    while not stop.is_set():
        n += 1
        kind = ("nearby", "nearby", "nearby", "outlet", "claim", "redeem")[n % 6]
        if RATE > 0:
            # open loop: requests arrive as people send them (Poisson, RATE / 8 per client), whether or not
            # the server is keeping up; latency counts from when a request was due, so a client that fell
            # behind is charged for the wait (no coordinated omission)
            due += rng.expovariate(RATE / 8)
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            t0 = due
        else:
            t0 = time.monotonic()
        try:
            if kind == "nearby":
                lon, lat_ = random.choice(PTS)
                st, _ = call("GET", f"/api/v1/nearby?lon={lon:.6f}&lat={lat_:.6f}&minutes=15&limit=10")
            elif kind == "outlet":
                st, _ = call("GET", f"/api/v1/outlets/{random.randint(1, 60)}")
            elif kind == "claim":
                key = f"soak-{k}-{n}"
                st, data = call("POST", f"/api/v1/coupons/{coupon}/claim", token=rtoks[k % 20],
                                headers={"Idempotency-Key": key})
                if st in (200, 201):
                    with lock:
                        acked.append(json.loads(data)["code"])
            else:
                with lock:
                    code = acked[random.randrange(len(acked))] if acked else None
                if code is None:
                    continue
                st, _ = call("POST", "/api/v1/redemptions", {"code": code}, mtok)
                st = 200 if st == 409 else st  # redeemed already by another worker: a correct answer
        except OSError:
            with lock:
                errors["legit_refused"] += 1
            continue
        d = time.monotonic() - t0
        with lock:
            lat[kind].append(d)
            if st >= 500 or (st >= 400 and kind != "claim"):
                errors["legit_error"] += 1


def slow_conns():
    socks = []
    while not stop.is_set() and len(socks) < SLOW:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2, source_address=("127.0.0.2", 0))
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        except OSError:
            time.sleep(0.01)
    while not stop.wait(5):
        held = 0
        for s in socks:
            try:
                s.sendall(b"X-a: b\r\n")
                held += 1
            except OSError:
                pass
        attack["slow_held"] = max(attack["slow_held"], held)
    for s in socks:
        s.close()


def register_flood():
    i = 0
    while not stop.is_set():
        i += 1
        try:
            st, _ = call("POST", "/api/v1/auth/register", {"name": f"flood{i}", "password": "flood-password"},
                         source="127.0.0.3")
        except OSError:
            st = 0
        attack["register"][st] = attack["register"].get(st, 0) + 1


def isochrones():
    while not stop.is_set():
        mins = random.choice(["5,10,15,30", "50,52,54,56,58,60", "30,60"])
        try:
            st, _ = call("GET", f"/api/v1/isochrone?lon=118.7785&lat=32.0451&minutes={mins}", source="127.0.0.4")
        except OSError:
            st = 0
        attack["isochrone"][st] = attack["isochrone"].get(st, 0) + 1


PROCS = os.environ.get("SOAK_CLIENTS", "processes") != "threads"
results = multiprocessing.Queue() if PROCS else None


def legit_proc(k, pstop):
    # the globals are this process's own copies (fork): run one client until told, then hand its figures back
    global stop
    stop = pstop
    legit(k)
    results.put((lat, errors, acked))


ATTACKS = os.environ.get("SOAK_ATTACKS", "slow,register,isochrone").split(",")  # a part of the attack, to see its cost
ATTACKER_NICE = int(os.environ.get("SOAK_ATTACKER_NICE", "10"))
attack_results = multiprocessing.Queue()


def attacker_proc(pstop):
    # the attacker is a process of its own, at a lower priority: on a real network its CPU is its own
    # machine's, here it shares the server's two cores, and what it costs them is not the server's doing
    global stop
    stop = pstop
    os.nice(ATTACKER_NICE)
    ts = [threading.Thread(target=slow_conns)] if "slow" in ATTACKS else []
    ts += [threading.Thread(target=isochrones)] if "isochrone" in ATTACKS else []
    ts += [threading.Thread(target=register_flood) for _ in range(4)] if "register" in ATTACKS else []
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    attack_results.put(attack)


pstop = multiprocessing.Event()
if PROCS:
    procs = [multiprocessing.Process(target=legit_proc, args=(k, pstop)) for k in range(8)]
    threads = []
else:
    procs = []
    threads = [threading.Thread(target=legit, args=(k,)) for k in range(8)]
ATTACK = os.environ.get("SOAK_ATTACK", "1") != "0"  # 0: the legitimate traffic alone, for a baseline
if ATTACK:
    procs.append(multiprocessing.Process(target=attacker_proc, args=(pstop,)))
t_start = time.monotonic()
for p in procs:
    p.start()
for t in threads:
    t.start()
rss_samples = []
while time.monotonic() - t_start < SECONDS:
    time.sleep(min(5, SECONDS / 4))
    rss_samples.append(rss_kb(srv.pid))
stop.set()
pstop.set()
if ATTACK:
    attack = attack_results.get()
if PROCS:
    for _ in range(8):
        l, e, a = results.get()
        for k in lat:
            lat[k] += l[k]
        for k in errors:
            errors[k] += e[k]
        acked += a
    for p in procs:
        p.join()
for t in threads:
    t.join()
rss1 = rss_kb(srv.pid)
srv.send_signal(signal.SIGTERM)
srv.wait(timeout=30)
db = sqlite3.connect(f"{work}/s.db")
stored = {r[0] for r in db.execute("SELECT code FROM claims WHERE coupon_id = ?", (coupon,))}
missing = [c for c in acked if c not in stored]


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))] * 1000 if v else float("nan")


total = sum(len(v) for v in lat.values())
print(f"soak: {SECONDS:.0f} s, {total} legitimate requests ({total / SECONDS:.0f}/s) from 8 client "
      f"{'processes' if PROCS else 'threads'}, "
      f"{f'open loop at {RATE:.0f}/s (Poisson)' if RATE > 0 else 'closed loop (each client as fast as it can)'}")
for k, v in lat.items():
    print(f"  {k:7s} n={len(v):6d}  p50 {pct(v, .5):7.2f} ms  p99 {pct(v, .99):7.2f} ms  max {pct(v, 1):7.2f} ms")
print(f"  legitimate errors {errors['legit_error']}, refused connections {errors['legit_refused']}")
print(f"  attacker (nice {ATTACKER_NICE}): {SLOW} slow connections tried, at most {attack['slow_held']} held; register flood {attack['register']}; "
      f"isochrones {attack['isochrone']}")
print(f"  server RSS: {rss0 / 1024:.1f} MB at start, {rss1 / 1024:.1f} MB at end (samples {[round(x / 1024) for x in rss_samples]})")
print(f"  acknowledged claims {len(acked)}, in the store {len(acked) - len(missing)}, missing {len(missing)}")

# the server's own time per legitimate request (the access log's last field, from the request line to the reply
# handed over): what the server spends, apart from the client's and the kernel's queues
KINDS = (("/api/v1/nearby", "nearby"), ("/api/v1/outlets/", "outlet"), ("/claim", "claim"), ("/api/v1/redemptions", "redeem"))
srv_ms = {k: [] for _, k in KINDS}
with open(f"{work}/access.log", encoding="utf-8", errors="replace") as f:
    for line in f:
        if not line.startswith("127.0.0.1 "):
            continue
        m = re.search(r'"[A-Z]+ (\S+) [^"]*" (\d+) .* ([0-9.]+)$', line)
        if not m:
            continue
        kind = next((k for p, k in KINDS if p in m.group(1)), None)
        if kind:
            srv_ms[kind].append(float(m.group(3)) / 1000)
print("  server-side (access log):")
for k, v in srv_ms.items():
    print(f"  {k:7s} n={len(v):6d}  p50 {pct(v, .5):7.2f} ms  p99 {pct(v, .99):7.2f} ms  max {pct(v, 1):7.2f} ms")

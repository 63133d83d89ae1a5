#!/usr/bin/python3
"""The HTTP API against a real `quarter serve` on an ephemeral loopback port.

  test_api.py QUARTER REPO_DIR

- every example of docs/http-api.md (```http blocks) gets its status;
- the authorization matrix of tests/server/authz.tsv: every endpoint x every
  role and anonymous -> the expected status;
- coupon races: 200 concurrent claims on a quantity of 50 give exactly 50 and
  nobody more than their limit; 30 concurrent claims by one resident never pass
  the per-user limit; 50 concurrent redemptions of one code give one success;
- bad JSON, an oversized body, a wrong type get a 4xx and change nothing;
- SIGTERM stops the server cleanly and the data survive a restart;
- a closed outlet is not found, nor its shop page (but by operators and
  admins), nor its coupons claimable.
The store is a SQLite file, or with QT_TEST_BACKEND=pg and QT_TEST_PG_URL (the
ctest entry server_api_pg) a fresh schema in that PostgreSQL: the same checks.
Prints one line per check; exits 1 on any failure.
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
import time
import urllib.parse

QUARTER, REPO = sys.argv[1], sys.argv[2]
PLAN = os.path.join(REPO, "tests/cli/data/plan/base.project")
PBF = os.path.join(REPO, "data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf")
# the server in its default language, Chinese: error messages are checked in it (codes and fields stay ASCII)
SERVER_ENV = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
SERVER_ENV["LANG"] = "zh_CN.UTF-8"
failures = 0
DB = None  # the store: a SQLite file or a PostgreSQL URL (main)


def store_url(work):
    """A fresh store: a SQLite file in work, or a new schema in QT_TEST_PG_URL."""
    url = os.environ.get("QT_TEST_PG_URL", "")
    if os.environ.get("QT_TEST_BACKEND") != "pg" or not url:
        return f"{work}/s.db"
    import psycopg2
    schema = f"api_{os.getpid()}"
    c = psycopg2.connect(url)
    c.autocommit = True
    c.cursor().execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    c.close()
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema},public"


def db_query(sql, write=False):
    """The first column of the first row of sql on the store (write: run and commit)."""
    if DB.startswith("postgresql://"):
        import psycopg2
        c = psycopg2.connect(DB)
        cur = c.cursor()
        cur.execute(sql)
        v = cur.fetchone()[0] if cur.description else None
        c.commit()
        c.close()
        return v
    c = sqlite3.connect(DB if write else f"file:{DB}?mode=ro", uri=not write)
    cur = c.execute(sql)
    v = None if write else cur.fetchone()[0]
    c.commit()
    c.close()
    return v
REPLIES, REPLIES_LOCK = [], __import__("threading").Lock()


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def run(*args, inp=None):
    r = subprocess.run([QUARTER, *args], capture_output=True, text=True, input=inp)
    if r.returncode != 0:
        sys.exit(f"quarter {' '.join(args)}: {r.stderr}")
    return r.stdout.strip()


class Server:
    def __init__(self, work):
        self.work = work
        self.proc = None
        self.port = None

    def start(self):
        self.proc = subprocess.Popen([QUARTER, "serve", "--db", DB, "--graph", f"{self.work}/g.qgraph",
                                      "--port", "0", "--threads", "4", "--max-body", "4096",
                                      "--access-log", f"{self.work}/access.log", "--per-ip", "1024",
                                      "--register-per-hour", "100000", "--hash-slots", "4",
                                      "--profile", os.path.join(REPO, "data/profiles/mofcom-2023.profile")],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=SERVER_ENV)
        line = self.proc.stdout.readline()
        m = re.search(r":(\d+)/api/v1/", line)
        if not m:
            sys.exit("serve did not start: " + line + self.proc.stderr.read())
        self.port = int(m.group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = None
        return rc

    def call(self, method, path, body=None, token=None, raw=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        c.request(method, urllib.parse.quote(path, safe="/?&=:,"), body=data, headers=headers)
        r = c.getresponse()
        text = r.read().decode(errors="replace")
        c.close()
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        with REPLIES_LOCK:  # every reply, to be checked against docs/openapi.json at the end
            REPLIES.append({"method": method, "path": path, "status": r.status,
                            "type": r.getheader("Content-Type", ""), "body": doc})
        return r.status, doc


def main():
    global DB
    work = tempfile.mkdtemp(prefix="qt-api-")
    DB = store_url(work)
    run("graph", "build", PBF, "-o", f"{work}/g.qgraph")
    subprocess.run([QUARTER, "import", "--db", DB, PLAN], check=True, capture_output=True)
    pw = f"{work}/pw"
    with open(pw, "w") as f:
        f.write("correct-horse-1\n")
    users = {}
    for name, role in [("admin", "admin"), ("operator", "operator"), ("merchant", "merchant"),
                       ("merchant2", "merchant"), ("resident", "resident")]:
        users[name] = int(run("user", "add", "--db", DB, "--name", name, "--role", role,
                              "--password-file", pw))
    run("user", "link", "--db", DB, "--user", str(users["merchant"]), "--outlet", "1")
    run("user", "link", "--db", DB, "--user", str(users["merchant2"]), "--outlet", "2")

    srv = Server(work)
    srv.start()
    tokens = {}
    for name in users:
        st, doc = srv.call("POST", "/api/v1/auth/login", {"name": name, "password": "correct-horse-1"})
        check(st == 200 and len(doc["token"]) == 64, f"login {name}")
        tokens[name] = doc["token"]
    # the resident lives in circle 1 (an admin sets homes; residents give theirs at registration)
    st, _ = srv.call("PUT", f"/api/v1/users/{users['resident']}/home", {"circle_id": 1}, tokens["admin"])
    check(st == 200, f"admin sets the resident's home circle: {st}")

    # ---- the documented examples -------------------------------------------------
    doc_text = open(os.path.join(REPO, "docs/http-api.md"), encoding="utf-8").read()
    for block in re.findall(r"```http\n(.*?)```", doc_text, re.S):
        lines = [l for l in block.strip().split("\n") if l.strip()]
        m = re.match(r"(GET|POST|PATCH|PUT|DELETE) (\S+)(?: as (\w+))?$", lines[0])
        want = int(re.match(r"→ (\d+)", lines[-1]).group(1))
        body = json.loads("\n".join(lines[1:-1])) if len(lines) > 2 else None
        st, doc = srv.call(m.group(1), m.group(2), body, tokens.get(m.group(3)) if m.group(3) else None)
        ok = st == want and isinstance(doc, dict)
        if st >= 400 and doc is not None:
            ok = ok and set(doc) == {"code", "status", "message", "field"} and doc["status"] == st
        check(ok, f"docs: {lines[0]} -> {st} (want {want})")

    # the documented PATCH gave outlet 3 代收代缴: nearby sees the edit, and 生活缴费 finds it (bill payment's kin)
    o3 = srv.call("GET", "/api/v1/outlets/3")[1]
    st, doc = srv.call("GET", f"/api/v1/nearby?lon={o3['lon']}&lat={o3['lat']}&minutes=5&service=生活缴费")
    check(st == 200 and [o["id"] for o in doc["outlets"]] == [3] and "代收代缴" in doc["outlets"][0]["services"],
          f"nearby: an edited outlet offers 生活缴费 ({[o['id'] for o in doc['outlets']]})")

    # nearby answers are sorted by walking time and carry it
    st, doc = srv.call("GET", "/api/v1/nearby?lon=118.7785&lat=32.0451&minutes=15&limit=50")
    times = [o["time_s"] for o in doc["outlets"]]
    check(st == 200 and times == sorted(times) and all(t <= 900 for t in times) and len(times) > 3,
          f"nearby: {len(times)} outlets sorted by walking time within 15 min")
    # the search stops once the k nearest are known: the same answers as the full list
    same = True
    for lon, lat in ((118.7785, 32.0451), (118.7800, 32.0400), (118.7750, 32.0500), (118.7900, 32.0450)):
        full = srv.call("GET", f"/api/v1/nearby?lon={lon}&lat={lat}&minutes=30&limit=200")[1]["outlets"]
        for k in (1, 3, 10):
            part = srv.call("GET", f"/api/v1/nearby?lon={lon}&lat={lat}&minutes=30&limit={k}")[1]["outlets"]
            same &= [o["time_s"] for o in part] == [o["time_s"] for o in full[:k]]
    check(same, "nearby: the k nearest equal the first k of the whole list")
    st, doc = srv.call("GET", "/api/v1/nearby?lon=118.7785&lat=32.0451&minutes=15&category=B12")
    check(st == 200 and doc["outlets"] and all(o["category"] == "B12" for o in doc["outlets"]), "nearby: category")
    st, doc = srv.call("GET", "/api/v1/nearby?lon=118.7785&lat=32.0451&minutes=15&q=邮局")
    check(st == 200 and doc["outlets"] and all("邮局" in o["name"] for o in doc["outlets"]), "nearby: q (FTS5)")

    # ---- authorization matrix -----------------------------------------------------
    st, doc = srv.call("POST", "/api/v1/coupons", {"outlet_id": 1, "title": "矩阵", "quantity": 1000,
                                                   "per_user_limit": 1000, "valid_from": 0,
                                                   "valid_to": 4102444800}, tokens["merchant"])
    matrix_coupon = doc["id"]
    roles = ["anonymous", "resident", "merchant", "operator", "admin"]
    for line in open(os.path.join(REPO, "tests/server/authz.tsv"), encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        method, path, body = f[0], f[1].replace("{coupon}", str(matrix_coupon)), f[2]
        for role, want in zip(roles, f[3:8]):
            st, doc = srv.call(method, path, json.loads(body) if body != "-" else None,
                               None if role == "anonymous" else tokens[role])
            check(st == int(want), f"authz: {method} {f[1]} as {role} -> {st} (want {want})")

    # ---- coupon races ---------------------------------------------------------------
    residents, resident_ids = [], []
    for i in range(40):
        name = f"r{i:02d}"
        resident_ids.append(srv.call("POST", "/api/v1/auth/register", {"name": name, "password": "race-password"})[1]["id"])
        st, doc = srv.call("POST", "/api/v1/auth/login", {"name": name, "password": "race-password"})
        residents.append(doc["token"])
    st, doc = srv.call("POST", "/api/v1/coupons", {"outlet_id": 1, "title": "抢券", "quantity": 50,
                                                   "per_user_limit": 5, "valid_from": 0,
                                                   "valid_to": 4102444800}, tokens["merchant"])
    race = doc["id"]
    jobs = [residents[i % 40] for i in range(200)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=200) as ex:
        res = list(ex.map(lambda t: (t, srv.call("POST", f"/api/v1/coupons/{race}/claim", token=t)), jobs))
    won = [(t, d["code"]) for t, (st, d) in res if st == 201]
    per_user = {}
    for t, _ in won:
        per_user[t] = per_user.get(t, 0) + 1
    others = {st for _, (st, _) in res if st != 201}
    check(len(won) == 50 and others == {409}, f"200 concurrent claims of 50: {len(won)} won, others {others}")
    check(max(per_user.values()) <= 5 and len({c for _, c in won}) == 50, "nobody over 5, every code distinct")

    st, doc = srv.call("POST", "/api/v1/coupons", {"outlet_id": 1, "title": "限三张", "quantity": 100,
                                                   "per_user_limit": 3, "valid_from": 0,
                                                   "valid_to": 4102444800}, tokens["merchant"])
    lim = doc["id"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=30) as ex:
        res = list(ex.map(lambda _: srv.call("POST", f"/api/v1/coupons/{lim}/claim", token=tokens["resident"]),
                          range(30)))
    check(sum(st == 201 for st, _ in res) == 3, f"30 concurrent claims by one resident: "
          f"{sum(st == 201 for st, _ in res)} won (limit 3)")

    code = won[0][1]
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as ex:
        res = list(ex.map(lambda _: srv.call("POST", "/api/v1/redemptions", {"code": code}, tokens["merchant"]),
                          range(50)))
    sts = sorted(st for st, _ in res)
    check(sts.count(200) == 1 and sts.count(409) == 49, f"50 concurrent redemptions: {sts.count(200)} ok")
    st, _ = srv.call("POST", "/api/v1/redemptions", {"code": won[1][1]}, tokens["merchant2"])
    check(st == 403, "another merchant's code: 403")

    # expired coupon
    st, doc = srv.call("POST", "/api/v1/coupons", {"outlet_id": 1, "title": "过期", "quantity": 5,
                                                   "per_user_limit": 1, "valid_from": 0, "valid_to": 1000},
                       tokens["merchant"])
    st, _ = srv.call("POST", f"/api/v1/coupons/{doc['id']}/claim", token=tokens["resident"])
    check(st == 410, f"claim of an expired coupon: {st}")

    # ---- operators edit the outlets of their own circle -----------------------------------
    o3 = next(o for o in (srv.call("GET", f"/api/v1/outlets/{i}")[1] for i in range(1, 61)) if "circle" in o)
    circles = {}
    for cid in (1, 2):
        st, c = srv.call("GET", f"/api/v1/circles/{cid}")
        circles[c["name"]] = cid
    own = circles.get(o3.get("circle"))
    other = [cid for cid in circles.values() if cid != own][0]
    for name, cid in (("op-own", own), ("op-other", other)):
        st, _ = srv.call("POST", "/api/v1/users", {"name": name, "password": "operator-pass", "role": "operator",
                                                   "circle_id": cid}, tokens["admin"])
        st, doc = srv.call("POST", "/api/v1/auth/login", {"name": name, "password": "operator-pass"})
        if st != 200:
            sys.exit(f"login {name}: {st} {doc} (circles {circles}, outlet 3 {o3})")
        tokens[name] = doc["token"]
    st1, d1 = srv.call("PATCH", f"/api/v1/outlets/{o3['id']}", {"address": "中山路1号"}, tokens["op-own"])
    st2, _ = srv.call("PATCH", f"/api/v1/outlets/{o3['id']}", {"address": "elsewhere"}, tokens["op-other"])
    check(own is not None and st1 == 200 and d1["address"] == "中山路1号" and st2 == 403,
          f"operator of the outlet's circle edits it ({st1}), another operator may not ({st2})")
    audit = db_query("select count(*) from audit_log where action = 'outlet.update'")
    check(audit >= 2, f"outlet edits in the audit log: {audit}")

    # ---- survey: valid from 50 answers -------------------------------------------------------
    st, c0 = srv.call("GET", f"/api/v1/circles/{other}")
    base_n, base_yes = c0["survey"]["answers"], c0["survey"]["satisfied"]  # the documented example's answer
    voters, voter_ids = list(residents), list(resident_ids)
    for i in range(50 - base_n - len(voters)):
        name = f"v{i:02d}"
        voter_ids.append(srv.call("POST", "/api/v1/auth/register", {"name": name, "password": "voter-password"})[1]["id"])
        voters.append(srv.call("POST", "/api/v1/auth/login", {"name": name, "password": "voter-password"})[1]["token"])
    # they live in that circle (set by the admin); a resident elsewhere may not answer for it (item 9)
    for uid in voter_ids:
        srv.call("PUT", f"/api/v1/users/{uid}/home", {"circle_id": other}, tokens["admin"])
    srv.call("POST", "/api/v1/auth/register", {"name": "stranger", "password": "stranger-password"})
    stranger = srv.call("POST", "/api/v1/auth/login", {"name": "stranger", "password": "stranger-password"})[1]["token"]
    st, _ = srv.call("POST", f"/api/v1/circles/{other}/survey", {"satisfied": True}, stranger)
    check(st == 403, f"survey for a circle that is not the resident's home: {st}")
    answers = [srv.call("POST", f"/api/v1/circles/{other}/survey", {"satisfied": i % 10 != 0}, t)[0]
               for i, t in enumerate(voters[:-1])]
    st, c49 = srv.call("GET", f"/api/v1/circles/{other}")
    srv.call("POST", f"/api/v1/circles/{other}/survey", {"satisfied": True}, voters[-1])
    st, c50 = srv.call("GET", f"/api/v1/circles/{other}")
    yes = base_yes + sum(i % 10 != 0 for i in range(len(voters) - 1)) + 1
    check(set(answers) == {201} and c49["survey"]["answers"] == 49 and c49["survey"]["valid"] is False
          and c49["survey"]["satisfaction"] is None and c50["survey"]["valid"] is True
          and abs(c50["survey"]["satisfaction"] - yes / 50) < 1e-9,
          f"survey: 49 answers not valid, 50 valid ({c50['survey']})")

    # ---- complaints: open ones do not lower the credit; a repeat is refused (issue 11, item 4) ----
    st, before = srv.call("GET", "/api/v1/outlets/5")
    made = [srv.call("POST", "/api/v1/complaints", {"outlet_id": 5, "kind": "服务"}, t)[0] for t in voters[:3]]
    again = [srv.call("POST", "/api/v1/complaints", {"outlet_id": 5, "kind": "服务"}, voters[0])[0]
             for _ in range(10)]
    st, after = srv.call("GET", "/api/v1/outlets/5")
    check(made == [201] * 3 and 409 in again and set(again) <= {409, 429} and before["credit"]["score"] == 100
          and after["credit"] == {"score": 100, "grade": "A", "complaints_365d": 0},
          f"3 open complaints and 10 repeats: {made} {set(again)}, credit {before['credit']} -> {after['credit']}")

    # ---- bad input changes nothing ----------------------------------------------------
    before = db_query("select count(*) from coupons")
    st1, d1 = srv.call("POST", "/api/v1/coupons", raw=b'{"outlet_id": 1, "title": ', token=tokens["merchant"])
    st2, d2 = srv.call("POST", "/api/v1/coupons", raw=b'{"title": "' + b"x" * 5000 + b'"}', token=tokens["merchant"])
    st3, d3 = srv.call("POST", "/api/v1/coupons", {"outlet_id": "1", "title": "t", "quantity": 1, "per_user_limit": 1,
                                                   "valid_from": 0, "valid_to": 10}, tokens["merchant"])
    after = db_query("select count(*) from coupons")
    check((st1, st2, st3) == (400, 413, 422) and before == after, f"bad JSON / oversized / wrong type: "
          f"{st1} {st2} {st3}, coupons {before} -> {after}")
    check(d2 and d2["code"] == "QT_ETOOBIG", "413 has the error shape")

    # ---- login rate limit -------------------------------------------------------------
    sts = [srv.call("POST", "/api/v1/auth/login", {"name": "operator", "password": "nope"})[0] for _ in range(7)]
    check(sts[:5] == [401] * 5 and sts[5:] == [429, 429], f"failed logins then rate limit: {sts}")
    # and per address: 20 failures from 127.0.0.1 (whatever the names) lock it for the window
    more = [srv.call("POST", "/api/v1/auth/login", {"name": f"guess{i}", "password": "nope"})[0] for i in range(20)]
    st, _ = srv.call("POST", "/api/v1/auth/login", {"name": "admin", "password": "correct-horse-1"})
    check(429 in more and st == 429, f"per-address limit: {more.count(401)} x 401 then 429; a right password too: {st}")

    # ---- restart ------------------------------------------------------------------------
    rc = srv.stop()
    check(rc == 0, f"SIGTERM: exit {rc}")
    srv.start()
    st, doc = srv.call("POST", f"/api/v1/coupons/{race}/claim", token=residents[39])
    check(st == 409, f"after restart the coupon is still sold out ({st}) and the old token works")
    st, _ = srv.call("POST", "/api/v1/redemptions", {"code": code}, tokens["merchant"])
    check(st == 409, "after restart the code is still redeemed")

    # an outlet added to the store while serving: found after SIGHUP
    n0 = srv.call("GET", "/api/v1/health")[1]["outlets"]
    db_query("insert into outlets(ext_id, name, category, lon, lat, updated_at) values "
             "('new-1', '新开便利店', 'B01', 118.7786, 32.0452, 0)", write=True)
    srv.proc.send_signal(signal.SIGHUP)
    for _ in range(50):
        if srv.call("GET", "/api/v1/health")[1]["outlets"] == n0 + 1:
            break
        time.sleep(0.1)
    st, doc = srv.call("GET", "/api/v1/nearby?lon=118.7786&lat=32.0452&minutes=5&q=新开便利店")
    check(srv.call("GET", "/api/v1/health")[1]["outlets"] == n0 + 1 and [o["name"] for o in doc["outlets"]] ==
          ["新开便利店"], f"SIGHUP reloads the outlets: {n0} -> {n0 + 1}, nearby finds the new one")
    # ---- a closed outlet (closed_at, set by a re-import) is hidden; its operator still sees it -----------
    st, shop = srv.call("GET", "/api/v1/outlets/2")
    st, doc = srv.call("POST", "/api/v1/coupons", {"outlet_id": 2, "title": "停业前", "quantity": 10,
                                                   "per_user_limit": 1, "valid_from": 0, "valid_to": 4102444800},
                       tokens["merchant2"])
    shut_coupon = doc["id"]
    near = f"lon={shop['lon']}&lat={shop['lat']}"
    found_before = [o["id"] for o in srv.call("GET", f"/api/v1/nearby?{near}&minutes=5&limit=100")[1]["outlets"]]
    listed_before = [c["id"] for c in srv.call("GET", "/api/v1/coupons?outlet_id=2")[1]["coupons"]]
    n1 = srv.call("GET", "/api/v1/health")[1]["outlets"]
    db_query("update outlets set closed_at = 1764547200 where id = 2", write=True)
    srv.proc.send_signal(signal.SIGHUP)
    for _ in range(50):
        if srv.call("GET", "/api/v1/health")[1]["outlets"] == n1 - 1:
            break
        time.sleep(0.1)
    found_after = [o["id"] for o in srv.call("GET", f"/api/v1/nearby?{near}&minutes=5&limit=100")[1]["outlets"]]
    named = [o["id"] for o in srv.call("GET", f"/api/v1/nearby?{near}&minutes=5&q={shop['name']}")[1]["outlets"]]
    check(2 in found_before and 2 not in found_after and 2 not in named
          and srv.call("GET", "/api/v1/health")[1]["outlets"] == n1 - 1,
          f"nearby: a closed outlet is not found ({2 in found_before} -> {2 in found_after}, by name {named})")
    pages = {role: srv.call("GET", "/api/v1/outlets/2", token=tokens.get(role)) for role in
             ("anonymous", "resident", "merchant2", "operator", "admin")}
    check(all(pages[r][0] == 404 for r in ("anonymous", "resident", "merchant2"))
          and all(pages[r][0] == 200 and pages[r][1]["closed_at"].startswith("2025-12-01T08:00:00")
                  for r in ("operator", "admin"))
          and "closed_at" not in srv.call("GET", "/api/v1/outlets/1")[1],
          f"shop page of a closed outlet: {', '.join(f'{r} {v[0]}' for r, v in pages.items())}; "
          f"closed_at for the operator {pages['operator'][1].get('closed_at')}")
    st, _ = srv.call("PATCH", "/api/v1/outlets/2", {"opening_hours": "Mo-Su 08:00-20:00"}, tokens["merchant2"])
    hours = db_query("select coalesce(opening_hours, '') from outlets where id = 2")
    check(st == 404 and hours != "Mo-Su 08:00-20:00", f"its merchant cannot edit a closed shop: {st}")
    st, claim = srv.call("POST", f"/api/v1/coupons/{shut_coupon}/claim", token=tokens["resident"])
    check(claim.get("code") == "QT_EGONE" and claim.get("field") == "coupon"
          and claim.get("message") == f"优惠券 {shut_coupon} 所属的店铺已停业",
          f"the error's message is in Chinese, code and field in ASCII: {claim}")
    listed_after = [c["id"] for c in srv.call("GET", "/api/v1/coupons?outlet_id=2")[1]["coupons"]]
    nearby_coupons = [c["id"] for c in srv.call("GET", f"/api/v1/coupons?near={shop['lon']},{shop['lat']}")[1]["coupons"]]
    check(st == 410 and shut_coupon in listed_before and shut_coupon not in listed_after
          and shut_coupon not in nearby_coupons,
          f"a closed shop's coupon: claim {st}, listed {shut_coupon in listed_before} -> {shut_coupon in listed_after}")
    circle = shop.get("circle")
    if circle in circles:
        st, doc = srv.call("GET", f"/api/v1/planner/circles/{circles[circle]}/outlets", token=tokens["admin"])
        mine = [o for o in doc["outlets"] if o["id"] == 2] if st == 200 else []
        check(len(mine) == 1 and mine[0].get("closed") is True and
              not any(o.get("closed") for o in doc["outlets"] if o["id"] != 2),
              f"the circle's outlet list marks the closed one ({st}, {mine})")
    # ---- every reply of this run against the OpenAPI document ---------------------------
    st, index = srv.call("GET", "/api/v1/")
    with open(f"{work}/endpoints.json", "w") as f:
        json.dump(index, f)
    with open(f"{work}/replies.jsonl", "w") as f:
        for rep in REPLIES:
            f.write(json.dumps(rep, ensure_ascii=False) + "\n")
    checker = os.path.join(REPO, "tests/openapi")
    if os.path.isdir(os.path.join(checker, "node_modules")):
        r = subprocess.run(["node", "check.mjs", os.path.join(REPO, "docs/openapi.json"), f"{work}/endpoints.json",
                            f"{work}/replies.jsonl"], cwd=checker, capture_output=True, text=True)
        print(r.stdout.strip())
        check(r.returncode == 0, f"OpenAPI: the document is valid, has every endpoint, and {len(REPLIES)} replies match it")
    else:
        print("skip OpenAPI checks: run 'npm ci' in tests/openapi (scripts/test.sh does)")
    srv.stop()
    log = open(f"{work}/access.log").read().splitlines()
    clf = re.compile(r'127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "(GET|POST|PATCH|PUT|DELETE) '
                     r'/\S* HTTP/1\.[01]" \d{3} \d+ "[^"]*" "[^"]*" [\d.]+$')
    check(len(log) > 300 and all(clf.match(l) for l in log) and not any("?" in l.split('"')[1] for l in log)
          and not any("Bearer" in l for l in log),
          f"access log: {len(log)} lines in Combined Log Format with the time in ms, no query strings ({log[0]})")
    print(f"{'FAILED' if failures else 'passed'}: {failures} failures")
    sys.exit(1 if failures else 0)


main()

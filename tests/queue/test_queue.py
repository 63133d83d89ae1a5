#!/usr/bin/python3
"""Cities on many machines (issue 14): quarter analyze --queue, quarter worker, quarter queue status.

  test_queue.py QUARTER REPO BUILD_DIR

A throw-away PostgreSQL with PostGIS (scripts/pgtmp.sh, on a free loopback
port, inside BUILD_DIR; exit 77 to skip when it cannot start) and the three
cities of cities.py.  Checked:
- two workers, one killed with SIGKILL while it holds a job (the job made to
  last with QUARTER_WORKER_TEST_PAUSE_S, the test hook): the other takes the
  job again when its lease runs out; every city is done exactly once
  (completions 1, one row in cities, the circles table has each circle once);
  the folders the workers wrote are byte for byte those of a single-machine
  `quarter analyze`, the tables hold what its files say (circles and grades
  from grades.csv, communities, 盲区), geometries are SRID 4326 with GiST
  indexes, and the province.csv `queue status --wait -o` writes from the
  tables is the one `quarter analyze P1 P2 P3 -o` writes;
- a city queued again and run again replaces its rows (no duplicates); with
  --sites 2 its sites table holds what quarter site --category missing -k 2
  ranks;
- SIGTERM: the worker gives its job back (queued, the attempt not counted)
  and exits 0;
- PostgreSQL restarted under an idle worker: it reconnects and takes the
  next job;
- a bad project fails --attempts times, then is failed with its message;
  queue status --wait names it and exits 1, province.csv lists it as 失败;
- a newer schema is refused, untouched.
"""
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cities  # noqa: E402

try:
    import psycopg2
except ImportError:
    print("skip: no psycopg2 (python3-psycopg2)")
    sys.exit(77)

FAILS = cities.FAILS
check = cities.check
same_tree = cities.same_tree


def read_csv(path):
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.reader(f))


ENV = dict(os.environ, LANG="en_US.UTF-8")
ENV.pop("LC_ALL", None)


def run(args, env=None, **kw):
    return subprocess.run(args, capture_output=True, text=True, env=env or ENV, **kw)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_for(what, fn, timeout=120):
    """fn() until true or timeout (a bound, not a timing: the check is what fn returns)"""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    check(False, "waited %d s for %s" % (timeout, what))
    return None


def main():
    quarter, repo, build = sys.argv[1:4]
    tmp = tempfile.mkdtemp(prefix="queue-test-", dir=build)
    os.chmod(tmp, 0o755)  # pgtmp runs the server as postgres when we are root
    pgdir = os.path.join(tmp, "pg")
    procs = []
    conn = None
    try:
        for attempt in range(3):  # a port taken meanwhile, a slow start on a loaded machine: again, afresh
            r = run(["bash", os.path.join(repo, "scripts", "pgtmp.sh"), "start", pgdir, str(free_port())])
            if r.returncode == 0 or "no PostgreSQL server found" in r.stderr:
                break
            log = os.path.join(pgdir, "server.log")
            print("pgtmp start failed (%s): %s" % (r.stderr.strip(), open(log).read()[-500:] if os.path.exists(log)
                                                   else ""))
            run(["bash", os.path.join(repo, "scripts", "pgtmp.sh"), "stop", pgdir])
            shutil.rmtree(pgdir, ignore_errors=True)
        if r.returncode != 0 and "no PostgreSQL server found" in r.stderr:
            print("skip: %s" % r.stderr.strip())
            return 77
        if r.returncode != 0:
            check(False, "a PostgreSQL for the test (scripts/pgtmp.sh start)")
            return 1
        url = r.stdout.strip()
        paths = [os.path.realpath(p) for p in cities.make(quarter, repo, os.path.join(tmp, "cities"))]
        names = cities.NAMES
        single = os.path.join(tmp, "single")
        r = run([quarter, "analyze", *paths, "-o", single, "-j", "1"])
        check(r.returncode == 0, "the single-machine run: %s" % r.stderr.strip()[-200:])

        r = run([quarter, "analyze", "--queue", url, *paths])
        check(r.returncode == 0 and "3" in r.stderr, "3 cities queued: %s" % r.stderr.strip())
        conn = psycopg2.connect(url)
        conn.autocommit = True
        cur = conn.cursor()

        def q(sql, *args):
            cur.execute(sql, args)
            return cur.fetchall()

        out = os.path.join(tmp, "workers")
        wcmd = [quarter, "worker", "--queue", url, "-o", out, "--lease", "2", "--poll", "0.2", "--idle-exit"]
        log_a = open(os.path.join(tmp, "worker-a.log"), "w")
        a = subprocess.Popen(wcmd, stderr=log_a, env=dict(ENV, QUARTER_WORKER_TEST_PAUSE_S="600"))
        procs.append(a)
        held = wait_for("worker A to hold a job", lambda: q(
            "SELECT city FROM quarter_queue.jobs WHERE state = 'running' AND lease_owner LIKE %s", "%:" + str(a.pid)))
        log_b = open(os.path.join(tmp, "worker-b.log"), "w")
        b = subprocess.Popen(wcmd, stderr=log_b, env=ENV)
        procs.append(b)
        # B takes the other two while A sits on its job; then A is killed mid-job
        wait_for("worker B to finish the other cities",
                 lambda: q("SELECT count(*) FROM quarter_queue.jobs WHERE state = 'done'")[0][0] == 2)
        a.send_signal(signal.SIGKILL)
        a.wait()
        check(a.returncode == -signal.SIGKILL, "worker A killed with SIGKILL mid-job (%s)" % held)
        try:
            b.wait(timeout=180)
        except subprocess.TimeoutExpired:
            b.kill()
        check(b.returncode == 0, "worker B exits 0 once no job is left (%s)" % b.returncode)
        log_b.close()
        blog = open(os.path.join(tmp, "worker-b.log"), encoding="utf-8").read()
        kcity = held[0][0] if held else "?"
        check("%s (attempt 2)" % kcity in blog, "worker B took %s again after A's lease ran out" % kcity)
        jobs = q("SELECT city, state, attempts, completions FROM quarter_queue.jobs ORDER BY id")
        check([j[0] for j in jobs] == names and all(j[1] == "done" and j[3] == 1 for j in jobs),
              "every city done exactly once: %s" % jobs)
        check([j[2] for j in jobs if j[0] == kcity] == [2], "the killed job took 2 attempts")
        check(q("SELECT city, count(*) FROM quarter_queue.cities GROUP BY city ORDER BY city") ==
              [(n, 1) for n in sorted(names)], "one row per city in quarter_queue.cities")
        for n in names:
            check(same_tree(os.path.join(single, n), os.path.join(out, n)),
                  "%s/ written by the workers byte-identical to the single-machine run" % n)
            grades = sorted((g[0], g[1]) for g in read_csv(os.path.join(single, n, "grades.csv"))[1:] if g[0] != "全市")
            rows = sorted(q("SELECT name, grade FROM quarter_queue.circles WHERE city = %s", n))
            check(rows == grades, "%s: circles table = grades.csv (%d circles)" % (n, len(grades)))
            res = read_csv(os.path.join(single, n, "residences.csv"))
            comms = {x[res[0].index("community")] for x in res[1:] if x[res[0].index("placed")] == "1"}
            got = {x[0] for x in q("SELECT name FROM quarter_queue.communities WHERE city = %s", n)}
            check(got == comms, "%s: communities table = the communities of residences.csv (%d)" % (n, len(comms)))
            bs = q("SELECT count(*), coalesce(sum(unserved_population), 0) FROM quarter_queue.blindspots"
                   " WHERE city = %s", n)[0]
            check(bs[0] > 0, "%s: %d 盲区 polygons" % (n, bs[0]))
        srids = q("SELECT DISTINCT f_table_name, srid, type FROM geometry_columns WHERE f_table_schema = 'quarter_queue'"
                  " ORDER BY 1")
        check(len(srids) == 4 and all(s[1] == 4326 for s in srids), "geometries SRID 4326: %s" % srids)
        gist = q("SELECT tablename FROM pg_indexes WHERE schemaname = 'quarter_queue' AND indexdef LIKE '%%USING gist%%'"
                 " ORDER BY 1")
        check([g[0] for g in gist] == ["blindspots", "circles", "communities", "sites"], "GiST indexes: %s" % gist)
        prov = os.path.join(tmp, "province-queue")
        r = run([quarter, "queue", "status", url, "--wait", "-o", prov])
        check(r.returncode == 0, "queue status --wait -o exits 0: %s" % r.stderr.strip()[-200:])
        with open(os.path.join(prov, "province.csv"), "rb") as f1, \
                open(os.path.join(single, "province.csv"), "rb") as f2:
            check(f1.read() == f2.read(), "province.csv from the tables = province.csv of quarter analyze P1 P2 P3")

        # run again: replaced, not duplicated
        before = q("SELECT count(*) FROM quarter_queue.circles WHERE city = 'west'")[0][0]
        r = run([quarter, "analyze", "--queue", url, paths[0]])
        r = run(wcmd + ["--sites", "2"])
        check(r.returncode == 0, "a second run of west, with --sites 2")
        sites_csv = os.path.join(tmp, "west-sites.csv")
        r = run([quarter, "site", paths[0], "--category", "missing", "-k", "2", "--exact", "no", "-o", sites_csv, "-q"])
        want = sorted((x[1], round(float(x[2]), 6), round(float(x[3]), 6)) for x in read_csv(sites_csv)[1:])
        got = sorted((c, round(x, 6), round(y, 6)) for c, x, y in
                     q("SELECT category, ST_X(geom), ST_Y(geom) FROM quarter_queue.sites WHERE city = 'west'"))
        check(r.returncode == 0 and want and got == want,
              "west's sites table = quarter site --category missing -k 2 (%d sites)" % len(want))
        check(q("SELECT count(*) FROM quarter_queue.circles WHERE city = 'west'")[0][0] == before and
              q("SELECT count(*) FROM quarter_queue.cities WHERE city = 'west'")[0][0] == 1 and
              q("SELECT completions FROM quarter_queue.jobs WHERE city = 'west'")[0][0] == 2,
              "west run twice: its rows replaced (%d circles), not duplicated" % before)

        # SIGTERM: the job goes back
        run([quarter, "analyze", "--queue", url, paths[2]])
        c = subprocess.Popen(wcmd[:4] + ["--lease", "30", "--poll", "0.2"], stderr=subprocess.DEVNULL,
                             env=dict(ENV, QUARTER_WORKER_TEST_PAUSE_S="600"))
        procs.append(c)
        wait_for("a worker to hold east", lambda: q(
            "SELECT 1 FROM quarter_queue.jobs WHERE city = 'east' AND state = 'running' AND lease_owner LIKE %s",
            "%:" + str(c.pid)))
        c.send_signal(signal.SIGTERM)
        try:
            c.wait(timeout=30)
        except subprocess.TimeoutExpired:
            c.kill()
        check(c.returncode == 0, "SIGTERM: the worker exits 0 (%s)" % c.returncode)
        check(q("SELECT state, attempts, lease_owner FROM quarter_queue.jobs WHERE city = 'east'") ==
              [("queued", 0, None)], "SIGTERM: east queued again, the attempt not counted")
        r = run(wcmd)
        check(r.returncode == 0 and q("SELECT state FROM quarter_queue.jobs WHERE city = 'east'") == [("done",)],
              "east finished by the next worker")

        # the database restarts under an idle worker: it reconnects and takes the next job
        log_d = open(os.path.join(tmp, "worker-d.log"), "w")
        d = subprocess.Popen(wcmd[:4] + ["--poll", "0.2"], stderr=log_d, env=ENV)
        procs.append(d)
        wait_for("the worker to start", lambda: "taking jobs" in open(os.path.join(tmp, "worker-d.log")).read())
        conn.close()
        conn = None
        run(["bash", os.path.join(repo, "scripts", "pgtmp.sh"), "stop", pgdir])
        r = run(["bash", os.path.join(repo, "scripts", "pgtmp.sh"), "start", pgdir])
        check(r.returncode == 0, "PostgreSQL restarted")
        conn = psycopg2.connect(url)
        conn.autocommit = True
        cur = conn.cursor()
        run([quarter, "analyze", "--queue", url, paths[1]])
        done = wait_for("the worker to take centre after the restart", lambda: q(
            "SELECT 1 FROM quarter_queue.jobs WHERE city = 'centre' AND state = 'done' AND completions = 2"))
        check(bool(done) and d.poll() is None, "after a database restart the idle worker took the next job")
        d.send_signal(signal.SIGTERM)
        try:
            d.wait(timeout=30)
        except subprocess.TimeoutExpired:
            d.kill()
        check(d.returncode == 0, "and stops on SIGTERM with exit 0")

        # a bad project: failed after its attempts, with the message
        bad = os.path.join(tmp, "cities", "bad.project")
        with open(paths[0], encoding="utf-8") as f:
            text = f.read().replace("file = outlets.csv", "file = missing.csv")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text)
        run([quarter, "analyze", "--queue", url, "--attempts", "2", bad])
        r = run(wcmd)
        job = q("SELECT state, attempts, error FROM quarter_queue.jobs WHERE city = 'bad'")
        check(job and job[0][0] == "failed" and job[0][1] == 2 and "missing.csv" in job[0][2],
              "the bad project failed after 2 attempts with its message: %s" % job)
        r = run([quarter, "queue", "status", url, "--wait", "-o", prov])
        check(r.returncode == 1 and "bad.project" in r.stderr and "missing.csv" in r.stderr,
              "queue status names the failed city and exits 1: %s" % r.stderr.strip()[-200:])
        rows = read_csv(os.path.join(prov, "province.csv"))
        check([x[3] for x in rows[1:]] == ["完成", "完成", "完成", "失败"], "province.csv: 3 完成, bad 失败")

        # a newer schema is refused, untouched
        cur.execute("INSERT INTO quarter_queue.schema_migrations (version, name) VALUES (99, 'future')")
        r = run([quarter, "queue", "status", url])
        check(r.returncode != 0 and "newer" in r.stderr, "a newer queue schema refused: %s" % r.stderr.strip())
        check(q("SELECT count(*) FROM quarter_queue.jobs")[0][0] == 4, "and left untouched")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if conn:
            conn.close()
        run(["bash", os.path.join(repo, "scripts", "pgtmp.sh"), "stop", pgdir])
        if not FAILS:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept %s" % tmp)
    print("%d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())

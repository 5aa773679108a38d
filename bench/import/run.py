#!/usr/bin/python3
"""bench/import/run.py - CSV import of participants, and the participant
list at that size, on SQLite and PostgreSQL in one run.

    run.py [--tandem ./tandem] [--rows 50000] [--seed N] [--requests 200] [--keep]

Steps:
  1. gen.py writes a seeded CSV of --rows participants with every column.
  2. `tandem import` of that file (parsing and validation included, as a
     user runs it) into a fresh SQLite database and into a fresh database
     on a private PostgreSQL started with tests/pg.sh (stopped after); each
     database first gets `tandem init` and `tandem demo` (program 1).
  3. The anchor: anchor.py (Python's csv + SQLite executemany, one table,
     no checks) storing the same rows.
  4. On each database, `tandem serve`, then GET
     /api/v1/programs/1/participants?status=invited&sort=name&limit=50
     (--requests times) and GET /api/v1/programs/1/reports/funnel (a
     quarter as many), one keep-alive client, latency per request.
Prints the times, the ratios to the anchor and whether the targets hold.
Exit status 0 when the run completed (targets met or not), 2 when it could
not be set up.
"""
import argparse
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = "/usr/bin/python3"
ADMIN, PASSWORD = "bench-admin@example.org", "bench import password 2026"
TARGETS = {"import-sqlite": 2.0, "import-postgres": 4.0, "participants-p95": 0.020, "funnel-p95": 0.050}


def die(msg):
    print("bench/import: " + msg, file=sys.stderr)
    sys.exit(2)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        die("%s failed (%d): %s" % (" ".join(cmd[:3]), r.returncode, (r.stderr or r.stdout).strip()[-500:]))
    return r


def prepare(tandem, url):
    run([tandem, "init", "--db", url, "--admin-email", ADMIN, "--admin-password", PASSWORD])
    run([tandem, "demo", "--db", url])


def server_cpu(pgdir):
    """CPU seconds used so far by the PostgreSQL server of pgdir: the
    postmaster, its live children and the children it has reaped (each
    connection's backend ends up there when it exits)."""
    if not pgdir:
        return 0.0
    try:
        with open(os.path.join(pgdir, "data", "postmaster.pid")) as f:
            root = int(f.readline())
    except OSError:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid = int(fields[1])
        if int(pid) == root:
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        elif ppid == root:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def timed_import(tandem, url, csv_path, rows, pgdir=None):
    """Wall seconds, tandem's CPU seconds and the database server's CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu(pgdir)
    start = time.perf_counter()
    r = run([tandem, "import", "--db", url, "--program", "1", csv_path])
    took = time.perf_counter() - start
    time.sleep(0.2)  # let the backend exit and be counted
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if "%d participants invited" % rows not in r.stdout:
        die("unexpected import summary: " + r.stdout.strip())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu, server_cpu(pgdir) - server_before


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(xs, p):
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def latencies(tandem, url, n, logdir, label):
    port = free_port()
    log = open(os.path.join(logdir, "serve-%s.log" % label), "w")
    proc = subprocess.Popen([tandem, "serve", "--db", url, "--listen", "127.0.0.1:%d" % port,
                             "--access-log", "off"], stdout=log, stderr=subprocess.STDOUT)
    base = "http://127.0.0.1:%d" % port
    try:
        deadline = time.time() + 20
        while True:
            try:
                if requests.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline or proc.poll() is not None:
                die("tandem serve did not start; see " + log.name)
            time.sleep(0.05)
        s = requests.Session()
        r = s.post(base + "/api/v1/session", json={"email": ADMIN, "password": PASSWORD})
        if r.status_code != 200:
            die("sign-in failed: " + r.text)
        out = {}
        for name, path, count in [
                ("participants", "/api/v1/programs/1/participants?status=invited&sort=name&limit=50", n),
                ("funnel", "/api/v1/programs/1/reports/funnel", max(20, n // 4))]:
            r = s.get(base + path)
            if r.status_code != 200:
                out[name] = None
                print("bench/import: %s answered %d on %s; not measured" % (path, r.status_code, label),
                      file=sys.stderr)
                continue
            if name == "participants" and len(r.json().get("items", [])) != 50:
                die("the participant list did not return 50 rows: " + r.text[:200])
            times = []
            for _ in range(count):
                t = time.perf_counter()
                r = s.get(base + path)
                times.append(time.perf_counter() - t)
                if r.status_code != 200:
                    die("%s answered %d" % (path, r.status_code))
            out[name] = (percentile(times, 50), percentile(times, 95), count)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tandem", default=os.path.join(ROOT, "tandem"))
    ap.add_argument("--rows", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args()
    tandem = os.path.abspath(a.tandem)
    if not os.access(tandem, os.X_OK):
        die("no tandem binary at %s (make tandem)" % tandem)

    tmp = tempfile.mkdtemp(prefix="bench-import-")
    pgdir = tempfile.mkdtemp(prefix="bench-import-pg-", dir="/tmp")
    os.chmod(pgdir, 0o755)
    pg_started = False
    try:
        csv_path = os.path.join(tmp, "participants.csv")
        run([PY, os.path.join(HERE, "gen.py"), "--rows", str(a.rows), "--seed", str(a.seed), csv_path])
        size = os.path.getsize(csv_path)

        results = {}
        sqlite_url = "sqlite:" + os.path.join(tmp, "tandem.sqlite")
        prepare(tandem, sqlite_url)
        results["import-sqlite"], cpu_sqlite, _ = timed_import(tandem, sqlite_url, csv_path, a.rows)

        pg = run([os.path.join(ROOT, "tests", "pg.sh"), "start", pgdir])
        pg_started = True
        base = pg.stdout.strip().splitlines()[-1]
        run(["psql", "-q", "-v", "ON_ERROR_STOP=1", base, "-c", "CREATE DATABASE bench_import"])
        pg_url = base.rsplit("/", 1)[0] + "/bench_import"
        prepare(tandem, pg_url)
        results["import-postgres"], cpu_pg, cpu_server = timed_import(tandem, pg_url, csv_path, a.rows, pgdir)

        anchor = run([PY, os.path.join(HERE, "anchor.py"), csv_path, os.path.join(tmp, "anchor.sqlite")])
        secs, n = anchor.stdout.split()
        if int(n) != a.rows:
            die("the anchor stored %s rows" % n)
        results["anchor"] = float(secs)

        http = {"sqlite": latencies(tandem, sqlite_url, a.requests, tmp, "sqlite"),
                "postgres": latencies(tandem, pg_url, a.requests, tmp, "postgres")}
    finally:
        if pg_started:
            subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "stop", pgdir], capture_output=True)
        shutil.rmtree(pgdir, ignore_errors=True)
        if a.keep:
            print("bench/import: kept " + tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    cpu = re.sub(r"\s+", " ", open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0]).strip()
    print("bench/import: %d rows, %.1f MB of CSV; %s, %d cores; %s" % (
        a.rows, size / 1e6, cpu, os.cpu_count(), time.strftime("%Y-%m-%d")))
    print("%-44s %10s %10s %8s" % ("measure", "time", "target", "met"))

    def line(label, value, target):
        met = "-" if target is None else ("yes" if value <= target else "NO")
        shown = "%.3f s" % value if value >= 0.1 else "%.1f ms" % (value * 1000)
        tshown = "" if target is None else ("%.0f ms" % (target * 1000) if target < 1 else "%.1f s" % target)
        print("%-44s %10s %10s %8s" % (label, shown, tshown, met))

    line("tandem import, SQLite", results["import-sqlite"], TARGETS["import-sqlite"])
    line("tandem import, PostgreSQL", results["import-postgres"], TARGETS["import-postgres"])
    line("anchor: Python csv + SQLite executemany", results["anchor"], None)
    print("CPU: import into SQLite %.2f s; into PostgreSQL %.2f s in tandem + %.2f s in the server; "
          "load average %.1f" % (cpu_sqlite, cpu_pg, cpu_server, os.getloadavg()[0]))
    for kind in ("sqlite", "postgres"):
        for name, target in (("participants", "participants-p95"), ("funnel", "funnel-p95")):
            m = http[kind].get(name)
            if m is None:
                print("%-44s %10s" % ("%s p95, %s" % (name, kind), "n/a"))
                continue
            line("%s p95 (%d requests), %s" % (name, m[2], kind), m[1], TARGETS[target])
            line("%s p50, %s" % (name, kind), m[0], None)
    print("ratio to the anchor: SQLite %.1fx, PostgreSQL %.1fx" % (
        results["import-sqlite"] / results["anchor"], results["import-postgres"] / results["anchor"]))


if __name__ == "__main__":
    main()

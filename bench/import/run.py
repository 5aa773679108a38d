#!/usr/bin/python3
"""bench/import/run.py - CSV import of participants, and the participant
list at that size, on SQLite and PostgreSQL in one run.

    run.py [--tandem ./tandem] [--compare OLD_TANDEM] [--repeat N] [--rows 50000] [--seed N]
           [--requests 200] [--callgrind 10000] [--keep]

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
  5. The instructions of a SQLite import of --callgrind rows (10,000; 0:
     none) under valgrind's callgrind, which the machine's load does not
     change (the wall times it does).
Each import's CPU time is printed next to its wall time: tandem's (user +
system, from getrusage) and, on PostgreSQL, the server's (/proc).
With --repeat N every import runs N times (a fresh database each) and the
best and the median are printed; with --compare OLD_TANDEM an older build
is measured in the same run, its imports taking turns with the new one's
so that both meet the same load, and its latencies measured too.
Prints the times, the ratios to the anchor and whether the targets hold
(an import's target against its best time, a latency's against its p95).
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


def instructions(tandem, rows, seed, tmp, label):
    """Instructions (callgrind's Ir) of `tandem import` of `rows` generated
    rows into a fresh SQLite database; None without valgrind."""
    if not rows or not shutil.which("valgrind"):
        return None
    csv_path = os.path.join(tmp, "callgrind-%d.csv" % rows)
    if not os.path.exists(csv_path):
        run([PY, os.path.join(HERE, "gen.py"), "--rows", str(rows), "--seed", str(seed), csv_path])
    url = "sqlite:" + os.path.join(tmp, "callgrind-%s.sqlite" % label)
    prepare(tandem, url)
    r = run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", tandem, "import",
             "--db", url, "--program", "1", csv_path])
    m = re.search(r"Collected : (\d+)", r.stderr)
    return int(m.group(1)) if m else None


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tandem", default=os.path.join(ROOT, "tandem"))
    ap.add_argument("--compare", metavar="OLD_TANDEM",
                    help="another binary (an older build) measured in the same run, its imports "
                         "taking turns with --tandem's")
    ap.add_argument("--rows", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=1, help="imports per database and binary")
    ap.add_argument("--callgrind", type=int, default=10000, metavar="ROWS",
                    help="instructions of a SQLite import of ROWS rows under callgrind (0: none)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args()
    binaries = [("new", os.path.abspath(a.tandem))]
    if a.compare:
        binaries.insert(0, ("old", os.path.abspath(a.compare)))
    for _, b in binaries:
        if not os.access(b, os.X_OK):
            die("no tandem binary at %s (make tandem)" % b)

    tmp = tempfile.mkdtemp(prefix="bench-import-")
    pgdir = tempfile.mkdtemp(prefix="bench-import-pg-", dir="/tmp")
    os.chmod(pgdir, 0o755)
    pg_started = False
    imports = {(label, kind): [] for label, _ in binaries for kind in ("sqlite", "postgres")}
    loads = []
    http = {}
    try:
        csv_path = os.path.join(tmp, "participants.csv")
        run([PY, os.path.join(HERE, "gen.py"), "--rows", str(a.rows), "--seed", str(a.seed), csv_path])
        size = os.path.getsize(csv_path)
        pg = run([os.path.join(ROOT, "tests", "pg.sh"), "start", pgdir])
        pg_started = True
        base = pg.stdout.strip().splitlines()[-1]
        last = {}
        n = 0
        for r in range(a.repeat):
            for label, tandem in binaries:  # taking turns, so both see the same load
                n += 1
                sqlite_url = "sqlite:" + os.path.join(tmp, "tandem-%d.sqlite" % n)
                prepare(tandem, sqlite_url)
                loads.append(os.getloadavg()[0])
                imports[(label, "sqlite")].append(timed_import(tandem, sqlite_url, csv_path, a.rows))
                run(["psql", "-q", "-v", "ON_ERROR_STOP=1", base, "-c", "CREATE DATABASE bench_import_%d" % n])
                pg_url = base.rsplit("/", 1)[0] + "/bench_import_%d" % n
                prepare(tandem, pg_url)
                imports[(label, "postgres")].append(timed_import(tandem, pg_url, csv_path, a.rows, pgdir))
                last[label] = (tandem, sqlite_url, pg_url)

        anchor = run([PY, os.path.join(HERE, "anchor.py"), csv_path, os.path.join(tmp, "anchor.sqlite")])
        secs, rows = anchor.stdout.split()
        if int(rows) != a.rows:
            die("the anchor stored %s rows" % rows)
        anchor_secs = float(secs)

        irs = {label: instructions(tandem, a.callgrind, a.seed, tmp, label) for label, tandem in binaries}

        for label, (tandem, sqlite_url, pg_url) in last.items():
            http[label] = {"sqlite": latencies(tandem, sqlite_url, a.requests, tmp, label + "-sqlite"),
                           "postgres": latencies(tandem, pg_url, a.requests, tmp, label + "-postgres")}
    finally:
        if pg_started:
            subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "stop", pgdir], capture_output=True)
        shutil.rmtree(pgdir, ignore_errors=True)
        if a.keep:
            print("bench/import: kept " + tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    cpu = re.sub(r"\s+", " ", open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0]).strip()
    print("bench/import: %d rows, %.1f MB of CSV; %s, %d cores; %s; %d import(s) per database and binary; "
          "load average before them %.1f-%.1f" % (a.rows, size / 1e6, cpu, os.cpu_count(),
                                                  time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                                  a.repeat, min(loads), max(loads)))
    print("%-44s %9s %9s %8s %5s  %s" % ("import", "best", "median", "target", "met",
                                          "CPU of the best: tandem (+ server)"))

    def shown(v):
        return "%.3f s" % v if v >= 0.1 else "%.1f ms" % (v * 1000)

    def import_line(label, runs, target):
        best = min(runs)  # by wall time; its CPU beside it
        mid = median([t[0] for t in runs])
        cpu = "%.2f s" % best[1] + (" + %.2f s" % best[2] if best[2] else "")
        print("%-44s %9s %9s %8s %5s  %s" % (label, shown(best[0]), shown(mid), "%.1f s" % target,
                                              "yes" if best[0] <= target else "NO", cpu))

    for label, _ in binaries:
        tag = "" if len(binaries) == 1 else " [%s]" % label
        for kind, name in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
            import_line("tandem import, %s%s" % (name, tag), imports[(label, kind)],
                        TARGETS["import-" + kind])
    print("%-44s %9s" % ("anchor: Python csv + SQLite executemany", shown(anchor_secs)))
    for label, _ in binaries:
        tag = "" if len(binaries) == 1 else " [%s]" % label
        if irs.get(label):
            print("instructions%s: SQLite import of %d rows under callgrind: %.3f G"
                  % (tag, a.callgrind, irs[label] / 1e9))
    for label, _ in binaries:
        tag = "" if len(binaries) == 1 else " [%s]" % label
        s_runs, p_runs = imports[(label, "sqlite")], imports[(label, "postgres")]
        print("CPU%s, median: import into SQLite %.2f s; into PostgreSQL %.2f s in tandem + %.2f s in the server"
              % (tag, median([t[1] for t in s_runs]), median([t[1] for t in p_runs]),
                 median([t[2] for t in p_runs])))
    print("%-56s %10s %10s %10s %8s" % ("latency, 50,043 participants" if a.rows == 50000 else "latency",
                                         "p50", "p95", "target", "met"))
    for label, _ in binaries:
        tag = "" if len(binaries) == 1 else " [%s]" % label
        for kind in ("sqlite", "postgres"):
            for name, target in (("participants", "participants-p95"), ("funnel", "funnel-p95")):
                m = http[label][kind].get(name)
                if m is None:
                    print("%-56s %10s" % ("%s, %s%s" % (name, kind, tag), "n/a"))
                    continue
                print("%-56s %10s %10s %10s %8s" % (
                    "%s (%d requests), %s%s" % (name, m[2], kind, tag), shown(m[0]), shown(m[1]),
                    "%.0f ms" % (TARGETS[target] * 1000), "yes" if m[1] <= TARGETS[target] else "NO"))
    for label, _ in binaries:
        tag = "" if len(binaries) == 1 else " [%s]" % label
        print("ratio of the best import to the anchor%s: SQLite %.1fx, PostgreSQL %.1fx" % (
            tag, min(t[0] for t in imports[(label, "sqlite")]) / anchor_secs,
            min(t[0] for t in imports[(label, "postgres")]) / anchor_secs))


if __name__ == "__main__":
    main()

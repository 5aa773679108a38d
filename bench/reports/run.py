#!/usr/bin/python3
"""bench/reports/run.py - every program report over HTTP on a generated
program of 50,000 participants, 20,000 relationships, 200,000 meetings,
100,000 survey answers and 50,000 outcome records, on SQLite and on
PostgreSQL, beside one hand-written SQL query of the same aggregate run by
sqlite3 and psql (the anchor).

    run.py --tandem ./tandem [--requests 20] [--no-postgres]

Steps:
  1. A fresh database (`tandem init`: every migration) as a SQLite file and,
     unless --no-postgres, on a private PostgreSQL (tests/pg.sh).
  2. The same rows generated straight into both through the real tables:
     one program (20,000 mentors, 30,000 mentees with their funnel stages,
     people with department, job level and location), 20,000 relationships
     in three phases (a tenth ended early), ten meetings each, a published
     match run of their pairs, one survey (a 1-5 and a 0-10 question) with
     100,000 responses, and 50,000 outcome records (promotion: 30,000 for
     participants, 20,000 for people in no program). Then ANALYZE.
  3. `tandem serve` on each; per report --requests GETs of
     /api/v1/programs/{id}/reports/{name} as the admin; the p95, and the
     CPU seconds tandem (and the PostgreSQL server) spent per request.
  4. The anchor: the report's central aggregate as one SQL query, run
     --requests times by sqlite3 (.timer) and psql (\\timing).
  5. Prints tandem p95, anchor p95, the ratio and whether the targets
     (p95 <= 100 ms and <= 2x the anchor) are met, with the load average.
Exit 0 when every report was measured, 2 when it could not be set up.
"""
import argparse
import csv
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "import"))
from run import free_port, percentile, server_cpu  # noqa: E402  (bench/import/run.py)

ADMIN, PASSWORD = "admin@bench.example.org", "a long enough password"
DAY = 86400
NOW = int(time.time())
P = 1000000  # the program's id
B = 1000000  # the first id of everything generated
MENTORS, MENTEES, RELS, MEETINGS_PER, RESPONSES, OUTSIDERS = 20000, 30000, 20000, 10, 100000, 20000
TARGET_MS, TARGET_RATIO = 100.0, 2.0
OPEN = "('active', 'paused', 'closing')"
CONFIG = {
    "name": "Bench reports", "status": "running",
    "selection": {"access": "open", "questions": []},
    "training": {"required_before_matching": False, "modules": []},
    "meetings": {"frequency_per_month": 2, "length_minutes": 45, "modes": ["video"]},
    "duration_months": 12,
    "phases": {"template": "custom", "items": [
        {"name": "Starting", "key_actions": ["Meet"], "timeframe_days": 30},
        {"name": "Growing", "key_actions": []}, {"name": "Closing", "key_actions": []}]},
}
REPORTS = ["funnel", "matching", "engagement", "phases", "satisfaction", "equity", "at-risk",
           "resources", "outcomes"]

# One query per report: its central aggregate, written by hand.
ANCHORS = {
    "funnel": "SELECT ps.stage, COUNT(*) FROM participation_stages ps JOIN participations pa ON "
              "pa.id = ps.participation_id WHERE pa.program_id = {p} AND pa.role IN ('mentor', "
              "'mentee') GROUP BY ps.stage;",
    "matching": "SELECT CAST(score * 10 AS INTEGER), COUNT(*), AVG(score) FROM match_run_pairs WHERE "
                "run_id = (SELECT MAX(id) FROM match_runs WHERE program_id = {p} AND status = "
                "'published') GROUP BY 1;",
    "engagement": "SELECT COUNT(DISTINCT r.id), COUNT(m.id) FROM relationships r LEFT JOIN meetings m "
                  "ON m.relationship_id = r.id AND m.status = 'held' WHERE r.program_id = {p};",
    "phases": "SELECT phase, COUNT(*) FROM relationships WHERE program_id = {p} AND status IN " + OPEN +
              " GROUP BY phase;",
    "satisfaction": {
        "sqlite": "SELECT r.role, COUNT(*), AVG(json_extract(r.answers, '$.q1')), "
                  "AVG(json_extract(r.answers, '$.q2')) FROM survey_responses r JOIN surveys s ON "
                  "s.id = r.survey_id WHERE s.program_id = {p} GROUP BY r.role;",
        "postgres": "SELECT r.role, COUNT(*), AVG((r.answers::json->>'q1')::int), "
                    "AVG((r.answers::json->>'q2')::int) FROM survey_responses r JOIN surveys s ON "
                    "s.id = r.survey_id WHERE s.program_id = {p} GROUP BY r.role;"},
    "equity": "SELECT pe.department, pe.job_level, pe.location, COUNT(*), SUM(CASE WHEN pa.status IN "
              "('matched', 'completed') THEN 1 ELSE 0 END) FROM participations pa JOIN people pe ON "
              "pe.id = pa.person_id WHERE pa.program_id = {p} AND pa.role = 'mentee' GROUP BY "
              "pe.department, pe.job_level, pe.location;",
    "at-risk": "SELECT COUNT(*) FROM relationships r WHERE r.program_id = {p} AND r.status IN " + OPEN +
               " AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.relationship_id = r.id AND "
               "m.status = 'held' AND m.starts_at > {now} - 30 * 86400);",
    "resources": "SELECT o.resource_id, COUNT(*), SUM(o.opens) FROM resource_opens o JOIN "
                 "participations pa ON pa.person_id = o.person_id AND pa.program_id = {p} GROUP BY "
                 "o.resource_id;",
    "outcomes": "SELECT o.kind, EXISTS (SELECT 1 FROM participations pa WHERE pa.person_id = "
                "o.person_id AND pa.program_id = {p}) AS part, COUNT(*), SUM(CASE WHEN o.value = '1' "
                "THEN 1 ELSE 0 END) FROM outcome_records o GROUP BY o.kind, part;",
}


def anchor_sql(name, kind):
    q = ANCHORS[name]
    if isinstance(q, dict):
        q = q[kind]
    return q.format(p=P, now=NOW)


def generate(folder):
    """Writes one CSV per table; returns [(table, columns, path)]."""
    rnd = random.Random(13)
    cols = {
        "programs": ["id", "name", "status", "config", "created_at", "updated_at"],
        "people": ["id", "email", "name", "department", "job_level", "location", "created_at",
                   "updated_at"],
        "participations": ["id", "program_id", "person_id", "role", "status", "capacity", "wants",
                           "created_at", "updated_at"],
        "participation_stages": ["participation_id", "stage", "reached_at"],
        "relationships": ["id", "program_id", "status", "phase", "phase_started_at", "started_at",
                          "planned_end_at", "created_at", "updated_at"],
        "relationship_members": ["relationship_id", "participation_id", "role"],
        "meetings": ["id", "relationship_id", "uid", "starts_at", "duration_minutes", "mode", "status",
                     "created_at", "updated_at"],
        "match_runs": ["id", "program_id", "created_at", "objective", "status", "published_at"],
        "match_run_pairs": ["run_id", "mentee_id", "mentor_id", "score"],
        "surveys": ["id", "program_id", "title", "questions", "status", "created_at", "updated_at"],
        "survey_responses": ["id", "survey_id", "participation_id", "relationship_id", "role",
                             "answers", "submitted_at"],
        "outcome_records": ["id", "person_id", "kind", "recorded_on", "value", "imported_at"],
    }
    files = {t: open(os.path.join(folder, t + ".csv"), "w", newline="") for t in cols}
    w = {t: csv.writer(f) for t, f in files.items()}
    t0 = NOW - 400 * DAY
    w["programs"].writerow([P, CONFIG["name"], "running", json.dumps(CONFIG), t0, t0])
    depts = ["Engineering", "Sales", "Finance", "People", "Operations", "Legal"]
    places = ["Berlin", "Lisbon", "Nairobi", "Austin"]
    for i in range(MENTORS + MENTEES + OUTSIDERS):
        pid = B + i
        w["people"].writerow([pid, "p%d@bench.example.org" % pid, "Person %d" % pid,
                              depts[i % 6], 1 + i % 5, places[i % 4], t0, t0])
    for i in range(MENTORS + MENTEES):
        part = B + i
        mentor = i < MENTORS
        k = i if mentor else i - MENTORS
        matched = k < RELS
        status = "matched" if matched else "approved"
        w["participations"].writerow([part, P, B + i, "mentor" if mentor else "mentee", status,
                                      1 if mentor else None, None if mentor else 1, t0, t0])
        at = t0 + rnd.randint(0, 20) * DAY
        stages = ["applied", "approved"] + (["matched"] if matched else [])
        for s in stages:
            w["participation_stages"].writerow([part, s, at])
            at += rnd.randint(1, 10) * DAY
    run = B
    w["match_runs"].writerow([run, P, t0 + 40 * DAY, "total", "published", t0 + 40 * DAY])
    mid = B
    for r in range(RELS):
        rel, mentor, mentee = B + r, B + r, B + MENTORS + r
        start = t0 + 40 * DAY + rnd.randint(0, 200) * DAY
        status = "ended_early" if r % 10 == 0 else ("paused" if r % 17 == 0 else "active")
        phase = r % 3
        w["relationships"].writerow([rel, P, status, phase, start + phase * 30 * DAY, start,
                                     start + 365 * DAY, start, start])
        w["relationship_members"].writerow([rel, mentor, "mentor"])
        w["relationship_members"].writerow([rel, mentee, "mentee"])
        w["match_run_pairs"].writerow([run, mentee, mentor, round(rnd.random(), 4)])
        for m in range(MEETINGS_PER):
            at = start + m * 14 * DAY
            w["meetings"].writerow([mid, rel, "m%d@bench" % mid, at, 45, "video",
                                    "held" if at < NOW and m % 7 else "scheduled", at, at])
            mid += 1
    questions = [{"id": "q1", "kind": "likert", "label": "Useful", "options": [], "required": True},
                 {"id": "q2", "kind": "nps", "label": "Recommend", "options": [], "required": True}]
    w["surveys"].writerow([B, P, "Check-in", json.dumps(questions), "active", t0, t0])
    for i in range(RESPONSES):
        r = i % RELS
        mentee = i % 2
        w["survey_responses"].writerow([B + i, B, B + MENTORS + r if mentee else B + r, B + r,
                                        "mentee" if mentee else "mentor",
                                        json.dumps({"q1": rnd.randint(1, 5), "q2": rnd.randint(0, 10)}),
                                        NOW - rnd.randint(1, 300) * DAY])
    # promotion for 30,000 participants (mentors, then mentees) and 20,000 outsiders
    for i in range(50000):
        person = B + i if i < 30000 else B + MENTORS + MENTEES + (i - 30000)
        w["outcome_records"].writerow([B + i, person, "promotion", "2026-06-30",
                                       "1" if rnd.random() < (0.3 if i < 30000 else 0.22) else "0", NOW])
    for f in files.values():
        f.close()
    return [(t, c, os.path.join(folder, t + ".csv")) for t, c in cols.items()]


def load_sqlite(path, tables):
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = OFF")
    for table, cols, csv_path in tables:
        with open(csv_path, newline="") as f:
            rows = [[None if v == "" else v for v in r] for r in csv.reader(f)]
        db.executemany("INSERT INTO %s (%s) VALUES (%s)" % (table, ", ".join(cols),
                                                            ", ".join("?" * len(cols))), rows)
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()


def psql(url, *args, stdin=None):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, *args], input=stdin,
                          capture_output=True, text=True, check=True)


def load_postgres(url, tables):
    for table, cols, csv_path in tables:
        with open(csv_path) as f:
            psql(url, "-c", "\\copy %s (%s) FROM STDIN WITH (FORMAT csv)" % (table, ", ".join(cols)),
                 stdin=f.read())
    psql(url, "-c", "ANALYZE")


def anchor_sqlite(path, name, n):
    script = ".timer on\n" + (anchor_sql(name, "sqlite") + "\n") * n
    out = subprocess.run(["sqlite3", path], input=script, capture_output=True, text=True,
                         check=True).stdout
    return [float(x) * 1000 for x in re.findall(r"Run Time: real ([0-9.]+)", out)]


def anchor_postgres(url, name, n):
    script = "\\timing on\n" + (anchor_sql(name, "postgres") + "\n") * n
    out = psql(url, stdin=script).stdout
    return [float(x) for x in re.findall(r"Time: ([0-9.]+) ms", out)]


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(tandem, url, n, folder, label, pgdir):
    port = free_port()
    log = open(os.path.join(folder, "serve-%s.log" % label), "w")
    proc = subprocess.Popen([tandem, "serve", "--db", url, "--listen", "127.0.0.1:%d" % port,
                             "--access-log", "off"], stdout=log, stderr=subprocess.STDOUT)
    base = "http://127.0.0.1:%d" % port
    out = {}
    try:
        deadline = time.time() + 30
        while True:
            try:
                if requests.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline or proc.poll() is not None:
                sys.exit("tandem serve did not start; see " + log.name)
            time.sleep(0.05)
        s = requests.Session()
        r = s.post(base + "/api/v1/session", json={"email": ADMIN, "password": PASSWORD})
        if r.status_code != 200:
            sys.exit("sign-in failed: " + r.text)
        for name in REPORTS:
            path = "/api/v1/programs/%d/reports/%s" % (P, name)
            r = s.get(base + path, timeout=300)  # warm the caches once
            if r.status_code != 200:
                print("%s: %s answered %d: %s" % (label, name, r.status_code, r.text[:200]))
                out[name] = None
                continue
            cpu0, srv0, times = proc_cpu(proc.pid), server_cpu(pgdir), []
            for _ in range(n):
                t = time.perf_counter()
                r = s.get(base + path, timeout=300)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
            out[name] = (percentile(times, 95), (proc_cpu(proc.pid) - cpu0) * 1000 / n,
                         (server_cpu(pgdir) - srv0) * 1000 / n)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tandem", default=os.path.join(ROOT, "tandem"))
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--only", help="these reports alone, comma-separated (equity,outcomes)")
    a = ap.parse_args()
    if a.only:
        unknown = set(a.only.split(",")) - set(REPORTS)
        if unknown:
            print("run.py: no report %s (try %s)" % (", ".join(sorted(unknown)), ",".join(REPORTS)),
                  file=sys.stderr)
            return 2
        REPORTS[:] = [n for n in REPORTS if n in a.only.split(",")]
    if not os.access(a.tandem, os.X_OK):
        print("run.py: %s is not built" % a.tandem, file=sys.stderr)
        return 2
    folder = tempfile.mkdtemp(prefix="tandem-bench-reports-")
    pgdir = None
    try:
        t = time.time()
        tables = generate(folder)
        print("generated in %.1f s" % (time.time() - t))
        init = [a.tandem, "init", "--admin-email", ADMIN, "--admin-password", PASSWORD, "--db"]
        path = os.path.join(folder, "bench.sqlite")
        subprocess.run(init + [path], check=True, capture_output=True)
        t = time.time()
        load_sqlite(path, tables)
        print("SQLite: loaded in %.1f s" % (time.time() - t))
        targets = [("SQLite", path, None, lambda name: anchor_sqlite(path, name, a.requests))]
        if not a.no_postgres:
            pgdir = tempfile.mkdtemp(prefix="tandem-bench-pg-")
            os.chmod(pgdir, 0o755)
            url = subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "start", pgdir],
                                 capture_output=True, text=True, check=True).stdout.strip()
            subprocess.run(init + [url], check=True, capture_output=True)
            t = time.time()
            load_postgres(url, tables)
            print("PostgreSQL: loaded in %.1f s" % (time.time() - t))
            targets.append(("PostgreSQL", url, pgdir,
                            lambda name, url=url: anchor_postgres(url, name, a.requests)))
        print("uptime before: %s" % subprocess.run(["uptime"], capture_output=True,
                                                     text=True).stdout.strip())
        print("%-10s %-12s %10s %10s %10s %7s %s" % ("database", "report", "tandem p95", "CPU/req",
                                                       "anchor p95", "ratio", "targets"))
        for label, url, pg, anchor in targets:
            got = measure(a.tandem, url, a.requests, folder, label, pg)
            for name in REPORTS:
                if got.get(name) is None:
                    print("%-10s %-12s %10s" % (label, name, "failed"))
                    continue
                p95, cpu, srv = got[name]
                anch = percentile(anchor(name), 95)
                ratio = p95 / anch if anch > 0 else float("inf")
                cpu_s = "%.1f" % cpu + ("+%.1f" % srv if pg else "")
                met = "met" if p95 <= TARGET_MS and ratio <= TARGET_RATIO else (
                    "MISSED" + (" (p95)" if p95 > TARGET_MS else "") +
                    (" (ratio)" if ratio > TARGET_RATIO else ""))
                print("%-10s %-12s %7.1f ms %7s ms %7.1f ms %6.1fx %s" % (label, name, p95, cpu_s,
                                                                         anch, ratio, met))
        print("uptime after: %s" % subprocess.run(["uptime"], capture_output=True,
                                                    text=True).stdout.strip())
        return 0
    finally:
        if pgdir:
            subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "stop", pgdir],
                           capture_output=True)
            shutil.rmtree(pgdir, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""bench/reminders/run.py - one tick of the reminders job when nothing is
due, at 50,000 relationships with their reminders armed, on SQLite and on
PostgreSQL, beside the same "what is due" queries run by sqlite3 and psql.

    run.py --tandem ./tandem --tick build/bench/reminders-tick
           [--relationships 50000] [--rounds 200] [--no-postgres]

Steps:
  1. A fresh database (`tandem init`: every migration) as SQLite file and,
     unless --no-postgres, on a private PostgreSQL (tests/pg.sh).
  2. The same rows generated straight into both through the same tables:
     one program, a mentor and a mentee per relationship (people,
     participations, relationships, relationship_members), and per
     relationship the reminders the service arms for a relationship a few
     days old (agreement unsigned, no goals, no meeting at 1x and 2x, the
     phase past its timeframe: all pending, due after NOW) plus, for half
     of them, a reminder sent earlier (fired rows the due index leaves out).
     Then ANALYZE.
  3. The tick: reminders-tick runs job_reminders(db, NOW) --rounds times in
     one process (the re-arming sweep and the firing sweep: two read
     transactions, one query of the due index each) and times each.
  4. The anchor: the same two queries, with NOW written in, run --rounds
     times by sqlite3 (the time of a sqlite3 process running them less
     that of one running none, per round; 20 batches) and by psql
     (\\timing on) on the same file and database.
  5. Prints the median and 90th percentile of each, the ratio tick /
     anchor, and whether the tick meets the target (<= 50 ms), with the
     load average. Exit 0 when the run completed, 1 when a tick found
     something due or the target was missed, 2 when it could not be set up.
"""
import argparse
import csv
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tables import load_postgres, load_sqlite, psql  # noqa: E402  (bench/tables.py)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TARGET_MS = 50.0
DAY = 86400
NOW = 1830000000  # 2027-12-28: every reminder generated is due after it
BASE_ID = 1000000

QUERY = ("SELECT id FROM reminders WHERE due_at <= {now} AND fired_at IS NULL AND "
         "cleared_at IS NULL AND (kind = 'sync') = ({sync} = 1) ORDER BY due_at, id LIMIT 100;")


def queries():
    return [QUERY.format(now=NOW, sync=1), QUERY.format(now=NOW, sync=0)]


def generate(n, folder):
    """Writes one CSV per table; returns [(table, columns, path)]."""
    rnd = random.Random(12)
    tables = {
        "programs": ["id", "name", "status", "config", "created_at", "updated_at"],
        "people": ["id", "email", "name", "created_at", "updated_at"],
        "participations": ["id", "program_id", "person_id", "role", "status", "created_at",
                           "updated_at"],
        "relationships": ["id", "program_id", "status", "phase", "phase_started_at",
                          "started_at", "planned_end_at", "created_at", "updated_at"],
        "relationship_members": ["relationship_id", "participation_id", "role"],
        "reminders": ["id", "kind", "subject", "occurrence", "program_id", "relationship_id",
                      "due_at", "fired_at", "cleared_at", "outcome"],
    }
    files = {t: open(os.path.join(folder, t + ".csv"), "w", newline="") for t in tables}
    w = {t: csv.writer(f) for t, f in files.items()}
    prog = BASE_ID
    w["programs"].writerow([prog, "Bench program", "running", "{}", NOW - 30 * DAY, NOW - 30 * DAY])
    rid = BASE_ID
    for i in range(n):
        rel = BASE_ID + i
        mentor, mentee = BASE_ID + 2 * i, BASE_ID + 2 * i + 1
        for p, role in ((mentor, "mentor"), (mentee, "mentee")):
            w["people"].writerow([p, "p%d@bench.example.org" % p, "Person %d" % p, NOW - 30 * DAY,
                                  NOW - 30 * DAY])
            w["participations"].writerow([p, prog, p, role, "matched", NOW - 30 * DAY, NOW - 30 * DAY])
            w["relationship_members"].writerow([rel, p, role])
        start = NOW - rnd.randint(0, 6 * DAY)
        w["relationships"].writerow([rel, prog, "active", 0, start, start, start + 365 * DAY, start,
                                     start])
        subject = "r%d" % rel
        since = "since%d" % start
        armed = [("agreement_unsigned", "v0", start + 7 * DAY),
                 ("no_goals", "start", start + 14 * DAY),
                 ("no_meeting", since, start + 15 * DAY),
                 ("no_meeting_2x", since, start + 30 * DAY + 1),
                 ("phase_overdue", "p0@%d" % start, start + 14 * DAY)]
        for kind, occ, due in armed:
            w["reminders"].writerow([rid, kind, subject, occ, prog, rel, due, "", "", ""])
            rid += 1
        if i % 2 == 0:  # a reminder sent before: out of the due index
            w["reminders"].writerow([rid, "meeting_soon", subject, "m%d@%d" % (rel, start),
                                     prog, rel, start - DAY, start - DAY + 60, "", "sent"])
            rid += 1
    for f in files.values():
        f.close()
    return [(t, cols, os.path.join(folder, t + ".csv")) for t, cols in tables.items()], rid - BASE_ID



def tick(binary, url, rounds):
    out = subprocess.run([binary, url, str(NOW), str(rounds)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("reminders-tick failed: " + out.stderr)
    times, due = [], 0
    for line in out.stdout.split("\n"):
        if line.strip():
            us, done = line.split()
            times.append(float(us) / 1000)
            due += int(done)
    return times, due


def anchor_sqlite(path, rounds, batches=20):
    """sqlite3's .timer prints milliseconds to three places, too coarse for
    these queries: each batch times one sqlite3 process running the two
    queries `rounds` times against one that opens the file and runs none,
    and the difference per round is the figure."""
    def run(n):
        script = "".join(q + "\n" for _ in range(n) for q in queries())
        t = time.perf_counter()
        subprocess.run(["sqlite3", path], input=script, capture_output=True, text=True, check=True)
        return time.perf_counter() - t
    out = []
    for _ in range(batches):
        base, full = run(0), run(rounds)
        out.append(max(full - base, 0.0) * 1000 / rounds)
    return out


def anchor_postgres(url, rounds):
    script = "\\timing on\n" + "".join(q + "\n" for _ in range(rounds) for q in queries())
    out = psql(url, stdin=script).stdout
    ms = [float(x) for x in re.findall(r"Time: ([0-9.]+) ms", out)]
    return [ms[i] + ms[i + 1] for i in range(0, len(ms) - 1, 2)]


def plan_sqlite(path):
    out = subprocess.run(["sqlite3", path, "EXPLAIN QUERY PLAN " + queries()[1]],
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def plan_postgres(url):
    out = psql(url, "-c", "EXPLAIN " + queries()[1]).stdout
    return " | ".join(l.strip() for l in out.split("\n") if l.strip())[:300]


def p90(xs):
    return sorted(xs)[int(0.9 * (len(xs) - 1))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tandem", default=os.path.join(ROOT, "tandem"))
    ap.add_argument("--tick", default=os.path.join(ROOT, "build", "bench", "reminders-tick"))
    ap.add_argument("--relationships", type=int, default=50000)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--no-postgres", action="store_true")
    a = ap.parse_args()
    for b in (a.tandem, a.tick):
        if not os.access(b, os.X_OK):
            print("run.py: %s is not built" % b, file=sys.stderr)
            return 2
    folder = tempfile.mkdtemp(prefix="tandem-bench-reminders-")
    pgdir = None
    try:
        t = time.time()
        tables, nrem = generate(a.relationships, folder)
        print("generated %d relationships, %d reminders (%d pending) in %.1f s" % (
            a.relationships, nrem, 5 * a.relationships, time.time() - t))
        targets = []
        path = os.path.join(folder, "bench.sqlite")
        subprocess.run([a.tandem, "init", "--db", path, "--admin-email", "admin@bench.example.org",
                        "--admin-password", "a long enough password"], check=True,
                       capture_output=True)
        t = time.time()
        load_sqlite(path, tables)
        print("SQLite: loaded in %.1f s; plan: %s" % (time.time() - t, plan_sqlite(path)))
        targets.append(("SQLite", path, lambda: anchor_sqlite(path, a.rounds)))
        if not a.no_postgres:
            pgdir = tempfile.mkdtemp(prefix="tandem-bench-pg-")
            os.chmod(pgdir, 0o755)
            url = subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "start", pgdir],
                                 capture_output=True, text=True, check=True).stdout.strip()
            subprocess.run([a.tandem, "init", "--db", url, "--admin-email",
                            "admin@bench.example.org", "--admin-password",
                            "a long enough password"], check=True, capture_output=True)
            t = time.time()
            load_postgres(url, tables)
            print("PostgreSQL: loaded in %.1f s; plan: %s" % (time.time() - t, plan_postgres(url)))
            targets.append(("PostgreSQL", url, lambda: anchor_postgres(url, a.rounds)))

        print("load average before: %s" % open("/proc/loadavg").read().split()[0])
        print("%-11s %14s %14s %14s %14s %8s %s" % ("database", "tick median", "tick p90",
                                                     "anchor median", "anchor p90", "ratio",
                                                     "target <= 50 ms"))
        ok = True
        for name, url, anchor in targets:
            ticks, due = tick(a.tick, url, a.rounds)
            anch = anchor()
            if due:
                print("%s: a tick handled %d items: something was due" % (name, due))
                ok = False
            tm, am = statistics.median(ticks), statistics.median(anch)
            met = tm <= TARGET_MS
            ok = ok and met
            print("%-11s %11.3f ms %11.3f ms %11.3f ms %11.3f ms %7.2fx %s" % (
                name, tm, p90(ticks), am, p90(anch), tm / am if am else float("inf"),
                "met" if met else "MISSED"))
        print("load average after: %s" % open("/proc/loadavg").read().split()[0])
        return 0 if ok else 1
    finally:
        if pgdir:
            subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "stop", pgdir],
                           capture_output=True)
            shutil.rmtree(pgdir, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""bench/mail/run.py - delivering the outbox: Tandem's mail job against
Python's smtplib, side by side, to the same local SMTP receiver.

    run.py [--tandem ./tandem] [--messages 10000] [--rounds 3] [--postgres]

Steps:
  1. A receiver: tests/lib/smtp.py --quiet (aiosmtpd, answers 250 and keeps
     nothing) in a process of its own on a free loopback port.
  2. Each round, in turn:
     - smtplib: one connection, sendmail() for each of the messages,
       prebuilt (Python's email package: text/plain + text/html) - no
       database, no bookkeeping: the anchor;
     - tandem: a fresh SQLite database (`tandem init`) with the messages
       queued in the outbox, then `tandem jobs --once --smtp ...`, which
       claims them in batches with a lease, writes each as MIME, sends it
       over one connection and records each outcome in its own
       transaction - the time of that command.
     With --postgres the tandem step also runs on a private PostgreSQL
     (tests/pg.sh).
  3. Prints messages per second for each, the best round of each, and the
     ratio tandem / smtplib (target >= 0.8).
Exit status 0 when the run completed (target met or not), 2 when it could
not be set up, 1 when a delivery came up short.
"""
import argparse
import email.message
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = "/usr/bin/python3"
TARGET = 0.8
FROM = "bench@mail.example.org"

# A message the size of a real one: an invitation's text and HTML.
TEXT = ("Hello Ina Example,\n\nYou are invited to take part in \"Spring mentoring 2027\" as a mentee.\n\n"
        "Accept the invitation here (the link works once, for 30 days):\n"
        "https://tandem.example.org/invite/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd\n\n"
        "-- \nTandem - Spring mentoring 2027\nhttps://tandem.example.org\n")
HTML = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Invitation: Spring mentoring 2027"
        "</title></head>\n<body style=\"margin:0;padding:1em;font-family:sans-serif\">\n<div>\n"
        "<p>Hello Ina Example,</p>\n<p>You are invited to take part in <strong>Spring mentoring 2027"
        "</strong> as a mentee.</p>\n<p><a href=\"https://tandem.example.org/invite/AbCdEfGhIjKlMnOpQr"
        "StUvWxYz0123456789-_AbCd\">Accept the invitation</a> (the link works once, for 30 days).</p>\n"
        "<p style=\"color:#555\">Tandem - Spring mentoring 2027<br>https://tandem.example.org</p>\n"
        "</div>\n</body></html>\n")
SUBJECT = "Invitation: Spring mentoring 2027"


def die(msg):
    print("bench/mail: " + msg, file=sys.stderr)
    sys.exit(2)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_receiver():
    port = free_port()
    p = subprocess.Popen([PY, os.path.join(ROOT, "tests", "lib", "smtp.py"), "--port", str(port), "--quiet"],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if "listening" not in line:
        p.kill()
        die("the receiver did not start")
    return p, port


def smtplib_round(port, n):
    msgs = []
    for i in range(n):
        m = email.message.EmailMessage()
        m["From"] = "Tandem <%s>" % FROM
        m["To"] = "person%d@example.org" % i
        m["Subject"] = SUBJECT
        m["Message-ID"] = "<bench.%d@mail.example.org>" % i
        m.set_content(TEXT)
        m.add_alternative(HTML, subtype="html")
        msgs.append((m["To"], m.as_bytes(policy=m.policy.clone(linesep="\r\n"))))
    t0 = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as s:
        for to, data in msgs:
            s.sendmail(FROM, [to], data)
    return time.perf_counter() - t0


def queue(tandem, url, n, folder):
    r = subprocess.run([tandem, "init", "--db", url, "--admin-email", "bench-admin@example.org",
                        "--admin-password", "bench mail password 2026"], capture_output=True, text=True)
    if r.returncode != 0:
        die("tandem init: " + r.stderr)
    now = int(time.time())
    q = lambda s: s.replace("'", "''")  # noqa: E731
    stmt = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
            "INSERT INTO outbox (created_at, to_address, subject, body, html, kind, next_attempt_at) "
            "SELECT %d, 'person' || i || '@example.org', '%s', '%s', '%s', 'invitation', %d FROM n"
            % (n, now, q(SUBJECT), q(TEXT), q(HTML), now))
    if url.startswith("sqlite:"):
        import sqlite3
        with sqlite3.connect(url[len("sqlite:"):]) as c:
            c.execute(stmt)
    else:
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", stmt], check=True)


def sent_count(url):
    stmt = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL"
    if url.startswith("sqlite:"):
        import sqlite3
        with sqlite3.connect(url[len("sqlite:"):]) as c:
            return c.execute(stmt).fetchone()[0]
    return int(subprocess.run(["psql", "-At", url, "-c", stmt], check=True, capture_output=True,
                              text=True).stdout.strip())


def tandem_round(tandem, url, port, n, folder):
    queue(tandem, url, n, folder)
    t0 = time.perf_counter()
    r = subprocess.run([tandem, "jobs", "--db", url, "--once", "--smtp",
                        "smtp://127.0.0.1:%d?starttls=no" % port, "--mail-from", FROM],
                       capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0 or "mail: %d done" % n not in r.stdout:
        print("tandem jobs: %s %s" % (r.stdout.strip(), r.stderr.strip()[-400:]), file=sys.stderr)
        sys.exit(1)
    if sent_count(url) != n:
        print("bench/mail: %d of %d recorded as sent" % (sent_count(url), n), file=sys.stderr)
        sys.exit(1)
    return dt


def new_pg_database(base):
    name = "bench_mail_%d" % int(time.time() * 1000)
    subprocess.run(["psql", "-q", base, "-c", "CREATE DATABASE " + name], check=True)
    return base.rsplit("/", 1)[0] + "/" + name


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tandem", default=os.path.join(ROOT, "tandem"))
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--postgres", action="store_true")
    a = ap.parse_args()
    if not os.access(a.tandem, os.X_OK):
        die("no tandem binary at %s (make tandem)" % a.tandem)
    print("bench/mail: %d messages, %d rounds; load %s" % (a.messages, a.rounds, os.getloadavg()))
    rx, port = start_receiver()
    folder = tempfile.mkdtemp(prefix="tandem-bench-mail-")
    pgdir = None
    pg = None
    try:
        if a.postgres:
            pgdir = tempfile.mkdtemp(prefix="tandem-bench-pg-")
            os.chmod(pgdir, 0o755)
            pg = subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "start", pgdir], check=True,
                                capture_output=True, text=True).stdout.strip()
        best = {}
        for r in range(a.rounds):
            t = smtplib_round(port, a.messages)
            best["smtplib"] = min(best.get("smtplib", t), t)
            print("  round %d  smtplib          %8.0f msg/s  (%.2f s)" % (r + 1, a.messages / t, t))
            db = "sqlite:" + os.path.join(folder, "r%d.sqlite" % r)
            t = tandem_round(a.tandem, db, port, a.messages, folder)
            best["tandem-sqlite"] = min(best.get("tandem-sqlite", t), t)
            print("  round %d  tandem (SQLite)  %8.0f msg/s  (%.2f s)" % (r + 1, a.messages / t, t))
            if pg:
                t = tandem_round(a.tandem, new_pg_database(pg), port, a.messages, folder)
                best["tandem-postgres"] = min(best.get("tandem-postgres", t), t)
                print("  round %d  tandem (Postgres)%8.0f msg/s  (%.2f s)" % (r + 1, a.messages / t, t))
        print("best rounds:")
        for k, t in best.items():
            print("  %-16s %8.0f msg/s" % (k, a.messages / t))
        for k in [k for k in best if k.startswith("tandem")]:
            ratio = best["smtplib"] / best[k]
            print("  %s / smtplib = %.2fx  (target >= %.1fx: %s)" % (k, ratio, TARGET, "met" if ratio >= TARGET else "NOT met"))
        print("load after: %s" % (os.getloadavg(),))
    finally:
        rx.terminate()
        rx.wait()
        if pgdir:
            subprocess.run([os.path.join(ROOT, "tests", "pg.sh"), "stop", pgdir], capture_output=True)
            shutil.rmtree(pgdir, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Crash tests: kill -9 in the middle of the work that writes most - a CSV
import, the publish of a matching run, outbox delivery to a real SMTP
receiver, a jobs run and a backup - then start again and check what is
left: the database is whole (PRAGMA integrity_check on SQLite; on both,
the rules the data must keep), an import or a publish is all there or
not there at all, capacities hold, and no mail is lost or sent twice
beyond the one message in flight at the kill (the same Message-ID then).

Each kill lands at a few moments (before, during, after the work) so a
run covers every case; the assertions hold for any of them. Runs on the
database tests/run gives (TANDEM_TEST_DB_KIND)."""
import os
import sqlite3
import subprocess
import threading
import time

import requests
from conftest import Client
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from smtp import Receiver

SETTINGS = {"selection": {"access": "open", "questions": []},
            "training": {"required_before_matching": False, "modules": []}}


def rows(s, statement):
    """The rows of a query on the server's database, as tuples of strings."""
    if s.kind == "sqlite":
        con = sqlite3.connect("file:%s?mode=ro" % s.db[len("sqlite:"):], uri=True)
        try:
            return [tuple("" if v is None else str(v) for v in r) for r in con.execute(statement)]
        finally:
            con.close()
    out = subprocess.run(["psql", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", s.db, "-c", statement],
                         check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("|")) for line in out.splitlines() if line]


def execute(s, statement):
    if s.kind == "sqlite":
        con = sqlite3.connect(s.db[len("sqlite:"):], timeout=30)
        con.execute(statement)
        con.commit()
        con.close()
    else:
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", s.db, "-c", statement], check=True,
                       stdout=subprocess.DEVNULL)


def count(s, statement):
    return int(rows(s, statement)[0][0])


def whole(s):
    """The database survived: SQLite's own check, and on both the rules a
    crash could break - no mentor over capacity, every relationship with
    its members, no participation twice."""
    if s.kind == "sqlite":
        assert rows(s, "PRAGMA integrity_check") == [("ok",)]
        assert rows(s, "PRAGMA foreign_key_check") == []
    assert count(s, """SELECT COUNT(*) FROM (SELECT m.participation_id FROM relationship_members m
        JOIN relationships r ON r.id = m.relationship_id JOIN participations p ON p.id = m.participation_id
        WHERE m.role = 'mentor' AND r.status IN ('active', 'paused')
        GROUP BY m.participation_id, p.capacity HAVING COUNT(*) > p.capacity) x""") == 0
    assert count(s, """SELECT COUNT(*) FROM relationships r WHERE NOT EXISTS
        (SELECT 1 FROM relationship_members m WHERE m.relationship_id = r.id AND m.role = 'mentor')""") == 0
    assert count(s, """SELECT COUNT(*) FROM (SELECT program_id, person_id, role FROM participations
        GROUP BY program_id, person_id, role HAVING COUNT(*) > 1) x""") == 0


def kill9(s):
    """SIGKILL: no clean-up of any kind runs."""
    s.proc.kill()
    s.proc.wait()
    s.proc = None
    s.log.close()


def admin_of(s):
    return Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)


def program(admin, name, **extra):
    r = admin.post("/api/v1/programs", json={"name": name, "status": "enrolling", **SETTINGS, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def csv_of(prefix, mentors, mentees, domain="crash.example"):
    lines = ["email,name,role,capacity,expertise,development_needs"]
    lines += ["%s-m%d@%s,Mentor %d,mentor,1,sql; python," % (prefix, i, domain, i) for i in range(mentors)]
    lines += ["%s-e%d@%s,Mentee %d,mentee,,,sql" % (prefix, i, domain, i) for i in range(mentees)]
    return "\n".join(lines) + "\n"


def in_background(fn):
    """Runs fn in a thread, swallowing the connection error the kill gives."""
    def run():
        try:
            fn()
        except requests.RequestException:
            pass
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_an_import_killed_half_way_is_all_there_or_not_at_all():
    s = Server(name="crash-import").start()
    try:
        for n, delay in enumerate([0.05, 0.3, 0.8, 1.5]):
            admin = admin_of(s)
            p = program(admin, "Import %d" % n)
            text = csv_of("i%d" % n, 1000, 1500)
            t = in_background(lambda: admin.post("/api/v1/programs/%d/imports" % p["id"], data=text.encode(),
                                                  headers={"Content-Type": "text/csv"}, timeout=60))
            time.sleep(delay)
            kill9(s)
            t.join(10)
            s.serve()
            whole(s)
            got = count(s, "SELECT COUNT(*) FROM participations WHERE program_id = %d AND role <> 'coordinator'" % p["id"])
            people = count(s, "SELECT COUNT(*) FROM people WHERE email LIKE 'i%d-%%'" % n)
            invites = count(s, "SELECT COUNT(*) FROM outbox WHERE to_address LIKE 'i%d-%%'" % n)
            assert (got, people, invites) in [(0, 0, 0), (2500, 2500, 2500)], (delay, got, people, invites)
            # Whatever was left, the same file imports once, completely.
            admin = admin_of(s)
            r = admin.post("/api/v1/programs/%d/imports" % p["id"], data=text.encode(),
                           headers={"Content-Type": "text/csv"}, timeout=120)
            assert r.status_code == 200, r.text
            assert count(s, "SELECT COUNT(*) FROM participations WHERE program_id = %d AND role <> 'coordinator'" % p["id"]) == 2500
    finally:
        s.stop()


def test_a_publish_killed_half_way_creates_every_relationship_or_none():
    s = Server(name="crash-publish").start()
    try:
        for n, delay in enumerate([0.01, 0.1, 0.4]):
            admin = admin_of(s)
            p = program(admin, "Publish %d" % n, matching={"mode": "admin", "criteria": [
                {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
                 "mentor_field": "expertise", "weight": 1}]})
            r = admin.post("/api/v1/programs/%d/imports" % p["id"], data=csv_of("p%d" % n, 300, 300).encode(),
                           headers={"Content-Type": "text/csv"}, timeout=120)
            assert r.status_code == 200, r.text
            # Imported people are invited; as if each had joined and trained:
            execute(s, "UPDATE participations SET status = 'trained' WHERE program_id = %d AND role <> "
                    "'coordinator'" % p["id"])
            run = admin.post("/api/v1/programs/%d/match-runs" % p["id"], timeout=120)
            assert run.status_code == 201, run.text
            run = run.json()
            pairs = len(run["pairs"])
            assert pairs >= 100, run["stats"]
            t = in_background(lambda: admin.post("/api/v1/match-runs/%d/publish" % run["id"], timeout=60))
            time.sleep(delay)
            kill9(s)
            t.join(10)
            s.serve()
            whole(s)
            made = count(s, "SELECT COUNT(*) FROM relationships WHERE program_id = %d" % p["id"])
            assert made in (0, pairs), (delay, made, pairs)
            admin = admin_of(s)
            status = admin.get("/api/v1/match-runs/%d" % run["id"]).json()["status"]
            assert (status == "published") == (made == pairs), (status, made)
            if made == 0:
                r = admin.post("/api/v1/match-runs/%d/publish" % run["id"], timeout=120)
                assert r.status_code == 200, r.text
            assert count(s, "SELECT COUNT(*) FROM relationships WHERE program_id = %d" % p["id"]) == pairs
            whole(s)
    finally:
        s.stop()


def message_ids(rx):
    with rx.lock:
        return [m.message_id for m in rx.messages]


def test_delivery_killed_half_way_loses_no_mail_and_repeats_only_the_one_in_flight():
    rx = Receiver().start()
    env = dict(rx.env(), TANDEM_JOBS_EVERY="0")  # no timer: the deliveries below are the only ones
    s = Server(name="crash-mail", env=env).start()
    kills = 0
    try:
        admin = admin_of(s)
        p = program(admin, "Mail")
        r = admin.post("/api/v1/programs/%d/imports" % p["id"], data=csv_of("d", 150, 150).encode(),
                       headers={"Content-Type": "text/csv"}, timeout=120)
        assert r.status_code == 200, r.text
        queued = count(s, "SELECT COUNT(*) FROM outbox")
        assert queued >= 300
        # A sender dies in the middle of its batches, three times; the
        # next run, after the dead sender's lease ran out (the clock moved
        # on an hour: TANDEM_NOW), sends the rest.
        at = int(time.time())
        for n in range(3):
            before = len(message_ids(rx))
            j = subprocess.Popen([s.binary, "jobs", "--db", s.db, "--once"], env=dict(s.env, TANDEM_NOW=str(at)),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.time() + 30
            while len(message_ids(rx)) < before + 40 and time.time() < deadline and j.poll() is None:
                time.sleep(0.005)
            if j.poll() is None:
                j.kill()
                kills += 1
            j.wait()
            at += 3600  # past every lease
        r = subprocess.run([s.binary, "jobs", "--db", s.db, "--once"], env=dict(s.env, TANDEM_NOW=str(at)),
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        whole(s)
        assert count(s, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL") == 0, rows(
            s, "SELECT id, attempts, next_attempt_at, lease_until, dead_at, last_error FROM outbox "
            "WHERE sent_at IS NULL LIMIT 3") + [at, r.stdout]
        ids = message_ids(rx)
        assert None not in ids
        assert len(set(ids)) == queued  # none lost
        repeats = len(ids) - len(set(ids))
        assert kills >= 1 and repeats <= kills, (kills, repeats)  # at most the one in flight per kill
    finally:
        s.stop()
        rx.stop()


def test_a_jobs_run_killed_half_way_expires_each_request_once():
    s = Server(name="crash-jobs").start()
    try:
        admin = admin_of(s)
        p = program(admin, "Requests", matching={"mode": "self", "request_expiry_days": 7})
        r = admin.post("/api/v1/programs/%d/imports" % p["id"], data=csv_of("j", 200, 200).encode(),
                       headers={"Content-Type": "text/csv"}, timeout=120)
        assert r.status_code == 200, r.text
        # Every mentee asks a mentor of their own (by SQL: 200 sign-ins
        # would be slow), the requests due to expire in a week.
        pending = rows(s, """SELECT e.id, m.id FROM participations e JOIN people pe ON pe.id = e.person_id
            JOIN people pm ON pm.email = REPLACE(pe.email, 'j-e', 'j-m') JOIN participations m ON
            m.person_id = pm.id AND m.program_id = e.program_id WHERE e.program_id = %d AND
            e.role = 'mentee'""" % p["id"])
        assert len(pending) == 200
        s.stop()
        now = int(time.time())
        values = ",".join("(%d, %s, '[%s]', %s, 'pending', %d, %d, %d)" % (p["id"], e, m, m, now, now,
                                                                           now + 7 * 86400)
                          for e, m in pending)
        insert = ("INSERT INTO mentoring_requests (program_id, mentee_id, choices, mentor_id, status, "
                  "created_at, asked_at, expires_at) VALUES " + values)
        execute(s, insert)
        later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 8 * 86400))
        for delay in [0.02, 0.1, 0.3]:
            j = subprocess.Popen([s.binary, "jobs", "--db", s.db, "--once", "--now", later], env=s.env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            j.kill()
            j.wait()
        r = subprocess.run([s.binary, "jobs", "--db", s.db, "--once", "--now", later], env=s.env,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        s.serve()
        whole(s)
        assert count(s, "SELECT COUNT(*) FROM mentoring_requests WHERE program_id = %d AND status = 'pending'"
                     % p["id"]) == 0
        # Each expiry told its mentee once, whichever run made it.
        told = rows(s, """SELECT to_address, COUNT(*) FROM outbox WHERE kind = 'request_closed'
            GROUP BY to_address""")
        assert len(told) == 200 and {n for _, n in told} == {"1"}, told[:5]
    finally:
        s.stop()


def test_a_backup_killed_half_way_leaves_no_file_or_a_whole_one():
    s = Server(name="crash-backup").start()
    try:
        admin = admin_of(s)
        p = program(admin, "Backed up")
        r = admin.post("/api/v1/programs/%d/imports" % p["id"], data=csv_of("b", 1500, 1500).encode(),
                       headers={"Content-Type": "text/csv"}, timeout=120)
        assert r.status_code == 200, r.text
        to = os.path.join(s.folder, "backup.%s" % ("db" if s.kind == "sqlite" else "dump"))
        for delay in [0.005, 0.02, 0.05, 0.1, 0.2]:
            if os.path.exists(to):
                os.unlink(to)
            b = subprocess.Popen([s.binary, "backup", "--db", s.db, "--to", to], env=s.env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            b.kill()
            b.wait()
            if os.path.exists(to):
                assert opens(s, to) == 3000
        # A run after a killed one replaces what that one left half written.
        if os.path.exists(to):
            os.unlink(to)
        r = subprocess.run([s.binary, "backup", "--db", s.db, "--to", to], env=s.env, capture_output=True,
                           text=True)
        assert r.returncode == 0, r.stderr
        assert not os.path.exists(to + ".partial")
        assert opens(s, to) == 3000
    finally:
        s.stop()


def opens(s, path):
    """The participations in a backup file, read back as the restore in
    docs/operations.md does."""
    if s.kind == "sqlite":
        con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            return con.execute("SELECT COUNT(*) FROM participations WHERE role <> 'coordinator'").fetchone()[0]
        finally:
            con.close()
    base = os.environ["TANDEM_TEST_PG"]
    name = "r_%d" % (int(time.time() * 1000) % 10 ** 9)
    subprocess.run(["psql", "-q", base, "-c", "CREATE DATABASE " + name], check=True, stdout=subprocess.DEVNULL)
    url = base.rsplit("/", 1)[0] + "/" + name
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", url, path], check=True)
    out = subprocess.run(["psql", "-At", url, "-c", "SELECT COUNT(*) FROM participations WHERE role <> 'coordinator'"], check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip())


def test_a_backup_is_served_again_and_never_overwrites(tmp_path):
    """The restore of docs/operations.md, end to end: the backup taken
    while the server runs serves again with what was in it; a backup
    refuses to overwrite a file, and says what it needs."""
    s = Server(name="backup-restore").start()
    try:
        admin = admin_of(s)
        p = program(admin, "Restored")
        to = str(tmp_path / "b.backup")
        r = subprocess.run([s.binary, "backup", "--db", s.db, "--to", to], env=s.env, capture_output=True,
                           text=True)
        assert r.returncode == 0 and "backup written to" in r.stdout, r.stderr
        again = subprocess.run([s.binary, "backup", "--db", s.db, "--to", to], env=s.env, capture_output=True,
                               text=True)
        assert again.returncode == 2 and "exists" in again.stderr
        none = subprocess.run([s.binary, "backup", "--db", s.db], env=s.env, capture_output=True, text=True)
        assert none.returncode == 2 and "--to" in none.stderr
        if s.kind == "sqlite":
            url = "sqlite:" + to
        else:
            base = os.environ["TANDEM_TEST_PG"]
            name = "r_%d" % (int(time.time() * 1000) % 10 ** 9)
            subprocess.run(["psql", "-q", base, "-c", "CREATE DATABASE " + name], check=True,
                           stdout=subprocess.DEVNULL)
            url = base.rsplit("/", 1)[0] + "/" + name
            subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", url, to], check=True)
        restored = Server(name="restored", db=url).serve()
        try:
            got = admin_of(restored).get("/api/v1/programs/%d" % p["id"])
            assert got.status_code == 200 and got.json()["name"] == "Restored", got.text
        finally:
            assert restored.stop() == 0
    finally:
        s.stop()

"""`tandem report` prints a program's report as the API gives it, JSON or
CSV; `tandem import --outcomes` adds outcome records, and a bad file is
named by FILE:LINE: column and changes nothing (exit status 2)."""
import csv
import io
import json
import os
import subprocess
import tempfile

import pytest
from server import ADMIN_EMAIL, ADMIN_PASSWORD, ROOT, Server

BIN = os.environ.get("TANDEM_BIN", os.path.join(ROOT, "tandem"))


@pytest.fixture(scope="module")
def db():
    """A migrated database with an admin and the demo program (id 1)."""
    s = Server(name="cli-report")
    s.run("init", "--db", s.db, "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD)
    r = s.run("demo", "--db", s.db)
    assert r.returncode == 0, r.stderr
    return s


def tandem(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)  # CRLF read as LF


def write(text):
    path = os.path.join(tempfile.mkdtemp(), "outcomes.csv")
    with open(path, "w") as f:
        f.write(text)
    return path


def test_report_as_json_and_csv_agree(db):
    r = tandem("report", "--db", db.db, "--program", "1", "funnel")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["report"] == "funnel" and rep["program_id"] == 1
    stages = rep["tables"][0]
    assert stages["name"] == "stages" and stages["rows"][0][0] == "invited" and stages["rows"][0][1] > 0
    r = tandem("report", "--db", db.db, "--program", "1", "funnel", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
    assert rows[0] == [c["name"] for c in stages["columns"]]
    assert [int(x[1]) for x in rows[1:]] == [x[1] for x in stages["rows"]]
    r = tandem("report", "--db", db.db, "--program", "1", "phases", "--format", "csv")
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "phase,name,relationships_now,completed_stays,median_days"
    r = tandem("report", "--db", db.db, "--program", "1", "matching", "--format", "csv", "--table", "mentor_load")
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "mentees,mentors", r.stderr


def test_report_refuses_bad_usage(db):
    assert tandem("report", "--db", db.db, "--program", "1", "nonsense").returncode == 2
    assert tandem("report", "--db", db.db, "--program", "999", "phases").returncode == 2
    r = tandem("report", "--db", db.db, "--program", "1", "engagement", "--from", "2026-13-01")
    assert r.returncode == 2 and "--from" in r.stderr and "YYYY-MM-DD" in r.stderr
    r = tandem("report", "--db", db.db, "--program", "1", "engagement", "--format", "xml")
    assert r.returncode == 2 and "json or csv" in r.stderr
    r = tandem("report", "--db", db.db, "--program", "1", "engagement", "--format", "csv", "--table", "x")
    assert r.returncode == 2 and "no table 'x'" in r.stderr


def test_import_outcomes(db):
    bad = write("email,date,kind,value\n%s,2026-01-01,promotion,1\nghost@example.org,2026-01-01,promotion,1\n"
                "%s,2026-01-01,promotion,maybe\n" % (ADMIN_EMAIL, ADMIN_EMAIL))
    r = tandem("import", "--db", db.db, "--outcomes", bad)
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert lines[0].startswith(bad + ":3: column \"email\": nobody has the e-mail 'ghost@example.org'")
    assert lines[1].startswith(bad + ":4: column \"value\": 'maybe' is not 1 or 0")
    assert "nothing was imported" in lines[-1]
    good = write("email,date,kind,value\n%s,2026-01-01,promotion,1\n" % ADMIN_EMAIL)
    r = tandem("import", "--db", db.db, "--outcomes", good, "--dry-run")
    assert r.returncode == 0 and "dry run" in r.stdout and "1 would be created" in r.stdout, r.stdout
    r = tandem("import", "--db", db.db, "--outcomes", good)
    assert r.returncode == 0 and "1 created" in r.stdout, r.stdout
    r = tandem("import", "--db", db.db, "--outcomes", good)
    assert r.returncode == 0 and "0 created" in r.stdout and "1 unchanged" in r.stdout, r.stdout
    assert tandem("import", "--db", db.db, "--outcomes", good, "--program", "1").returncode == 2


def test_report_without_program_rolls_up_every_program(db):
    """`tandem report NAME` without --program: the report across every
    program of the database, each program's own figures in `programs`."""
    r = tandem("report", "--db", db.db, "engagement")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["report"] == "engagement" and rep["program_id"] is None
    tables = {t["name"]: t for t in rep["tables"]}
    progs = [dict(zip([c["name"] for c in tables["programs"]["columns"]], row)) for row in tables["programs"]["rows"]]
    assert [p["program_id"] for p in progs] == [1, 2]
    total = {row[0]: row[1] for row in tables["summary"]["rows"]}
    assert total["relationships"] == sum(p["relationships"] for p in progs) > 0
    one = json.loads(tandem("report", "--db", db.db, "--program", "2", "engagement").stdout)
    assert total["meetings_held"] == {row[0]: row[1] for row in one["tables"][0]["rows"]}["meetings_held"] + \
        progs[0]["meetings_held"]
    r = tandem("report", "--db", db.db, "equity", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("field,group,mentees,matched,match_rate,")

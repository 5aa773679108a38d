"""`tandem import`: bad rows as FILE:LINE: column "NAME": messages with exit
status 2 and nothing written; a clean file imported and summarised."""
import os
import subprocess
import tempfile

import pytest
from server import ADMIN_EMAIL, ADMIN_PASSWORD, ROOT, Server

BIN = os.environ.get("TANDEM_BIN", os.path.join(ROOT, "tandem"))


@pytest.fixture(scope="module")
def db():
    """A migrated database with an admin and one program (id 1)."""
    s = Server(name="cli-import")
    s.run("init", "--db", s.db, "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD)
    r = s.run("demo", "--db", s.db)
    assert r.returncode == 0, r.stderr
    return s


def tandem(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


def write(text, name="people.csv"):
    path = os.path.join(tempfile.mkdtemp(), name)
    with open(path, "wb") as f:
        f.write(text.encode() if isinstance(text, str) else text)
    return path


def count(db, sql):
    """One number from the database."""
    return int(db.sql(sql)[0][0])


def test_bad_rows_are_listed_by_file_line_and_column_name_and_nothing_is_written(db):
    path = write("email,name,role,time_zone,manager_email\n"
                 "ok@cli.example,Ok,mentee,,\n"
                 "broken,Broken,mentee,,\n"
                 "zone@cli.example,Zone,mentor,Nowhere/Land,\n"
                 "boss@cli.example,Boss,mentee,,ghost@cli.example\n"
                 "ok@cli.example,Ok,mentee,,\n")
    before = count(db, "SELECT COUNT(*) FROM participations")
    r = tandem("import", "--db", db.db, "--program", "1", path)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.splitlines()
    assert lines[0] == path + ":3: column \"email\": 'broken' is not a valid e-mail address"
    assert lines[1].startswith(path + ":4: column \"time_zone\": 'Nowhere/Land'")
    assert lines[2].startswith(path + ":5: column \"manager_email\": no one with the e-mail")
    assert "ghost@cli.example" in lines[2]
    assert lines[3].startswith(path + ":6: column \"email\": 'ok@cli.example'") and "twice" in lines[3]
    assert "4 problems" in lines[4] and "nothing was imported" in lines[4]
    assert len(lines) == 5 and r.stdout == ""
    assert count(db, "SELECT COUNT(*) FROM participations") == before


def test_a_bad_header_or_encoding_is_reported_where_it_is(db):
    r = tandem("import", "--db", db.db, "--program", "1", write("email,name,rank\n"))
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert lines[0].endswith(":1: the required column 'role' is missing")
    assert lines[1].endswith(":1: unknown column 'rank'")
    r = tandem("import", "--db", db.db, "--program", "1", write(b"email,name,role\n\xff,x,mentee\n"))
    assert r.returncode == 2 and ':2: column "email": invalid UTF-8' in r.stderr
    r = tandem("import", "--db", db.db, "--program", "1",
               write('email,name,role\nq@cli.example,"open,mentee\n'))
    assert r.returncode == 2 and ':2: column "name": unterminated quoted field' in r.stderr


def test_a_clean_file_is_imported_once(db):
    text = ("email,name,role,capacity,languages,expertise\n"
            "first@cli.example,First Mentor,mentor,2,English; Dutch,sql; coaching\n"
            "second@cli.example,Second Mentee,mentee,,English,\n")
    path = write(text)
    r = tandem("import", "--db", db.db, "--program", "1", path, "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "dry run" in r.stdout and "2 participants would be invited" in r.stdout
    assert count(db, "SELECT COUNT(*) FROM people WHERE email LIKE '%@cli.example'") == 0

    r = tandem("import", "--db", db.db, "--program", "1", path)
    assert r.returncode == 0, r.stderr
    assert "2 rows: 2 people created, 2 participants invited, 0 updated, 0 unchanged" in r.stdout
    assert r.stderr == ""  # no progress bar when standard error is not a terminal
    assert count(db, "SELECT COUNT(*) FROM participations WHERE email LIKE '%@cli.example' "
                     "AND status = 'invited'") == 2
    assert count(db, "SELECT COUNT(*) FROM people WHERE email LIKE '%@cli.example' "
                     "AND password_hash IS NULL") == 2
    assert count(db, "SELECT COUNT(*) FROM outbox WHERE to_address LIKE '%@cli.example' "
                     "AND kind = 'invitation'") == 2
    assert count(db, "SELECT COUNT(*) FROM invitations i JOIN participations p ON p.id = i.participation_id "
                     "WHERE p.email LIKE '%@cli.example' AND i.used_at IS NULL") == 2
    assert count(db, "SELECT COUNT(*) FROM participation_stages s JOIN participations p "
                     "ON p.id = s.participation_id WHERE p.email LIKE '%@cli.example' "
                     "AND s.stage = 'invited'") == 2

    r = tandem("import", "--db", db.db, "--program", "1", path)
    assert r.returncode == 0 and "2 unchanged" in r.stdout
    assert count(db, "SELECT COUNT(*) FROM outbox WHERE to_address LIKE '%@cli.example'") == 2


def test_usage_errors(db):
    path = write("email,name,role\n")
    assert tandem("import", "--db", db.db, path).returncode == 2
    r = tandem("import", "--db", db.db, "--program", "999", path)
    assert r.returncode == 2 and "no program 999" in r.stderr
    r = tandem("import", "--db", db.db, "--program", "1", "/nonexistent/file.csv")
    assert r.returncode == 2 and "cannot open" in r.stderr
    r = tandem("import", "--db", db.db, "--program", "1")
    assert r.returncode == 2
    assert "import" in tandem("help").stdout


def test_managers_are_linked_whichever_row_comes_first(db):
    path = write("email,name,role,manager_email\n"
                 "report@mgr.example,Report,mentee,boss@mgr.example\n"      # the manager comes later
                 "boss@mgr.example,Boss,mentor,top@mgr.example\n"
                 "top@mgr.example,Top,viewer,\n"
                 "peer@mgr.example,Peer,mentee,%s\n" % ADMIN_EMAIL)         # one in the database
    r = tandem("import", "--db", db.db, "--program", "1", path)
    assert r.returncode == 0, r.stderr
    for person, manager in [("report", "boss"), ("boss", "top")]:
        assert count(db, "SELECT COUNT(*) FROM people p JOIN people m ON m.id = p.manager_id "
                         "WHERE p.email = '%s@mgr.example' AND m.email = '%s@mgr.example'"
                         % (person, manager)) == 1
    assert count(db, "SELECT COUNT(*) FROM people p JOIN people m ON m.id = p.manager_id "
                     "WHERE p.email = 'peer@mgr.example' AND m.email = '%s'" % ADMIN_EMAIL) == 1
    assert count(db, "SELECT COUNT(*) FROM people WHERE email = 'top@mgr.example' "
                     "AND manager_id IS NULL") == 1


def test_managers_in_a_circle_are_refused_with_the_rows_named(db):
    before = count(db, "SELECT COUNT(*) FROM people")
    path = write("email,name,role,manager_email\n"
                 "one@loop.example,One,mentor,two@loop.example\n"
                 "two@loop.example,Two,mentor,one@loop.example\n"
                 "three@loop.example,Three,mentee,one@loop.example\n")
    r = tandem("import", "--db", db.db, "--program", "1", path)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.splitlines()
    circle = "line 2 (one@loop.example) -> line 3 (two@loop.example) -> line 2"
    assert lines[0].startswith(path + ':2: column "manager_email": the managers go round in a circle')
    assert lines[1].startswith(path + ':3: column "manager_email": the managers go round in a circle')
    assert circle in lines[0] and circle in lines[1]
    assert "2 problems" in lines[2] and len(lines) == 3
    assert count(db, "SELECT COUNT(*) FROM people") == before

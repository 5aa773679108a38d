"""The command line: help, init, migrate, demo, and bad input."""
import os
import subprocess
import tempfile

from server import ROOT, Server

BIN = os.environ.get("TANDEM_BIN", os.path.join(ROOT, "tandem"))


def tandem(*args, env=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env)


def test_help_and_version():
    h = tandem("help")
    assert h.returncode == 0
    for cmd in ["serve", "init", "migrate", "demo", "match"]:
        assert cmd in h.stdout
    assert tandem("version").stdout.startswith("tandem ")
    assert tandem().returncode == 2
    r = tandem("frobnicate")
    assert r.returncode == 2 and "unknown command" in r.stderr


def test_init_refuses_bad_input_and_writes_nothing():
    d = tempfile.mkdtemp()
    db = os.path.join(d, "t.db")
    r = tandem("init", "--db", db, "--admin-email", "a@example.org", "--admin-password", "short")
    assert r.returncode == 2 and "too short" in r.stderr and r.stderr.count("\n") == 1
    assert not os.path.exists(db)
    r = tandem("init", "--db", db, "--admin-email", "nope", "--admin-password", "long enough password")
    assert r.returncode == 2 and "--admin-email" in r.stderr
    r = tandem("init", "--db", db, "--admin-emial", "a@example.org")
    assert r.returncode == 2 and "unknown option" in r.stderr
    r = tandem("init", "--db", "/nonexistent/dir/t.db", "--admin-email", "a@example.org",
               "--admin-password", "long enough password")
    assert r.returncode == 2 and "cannot open" in r.stderr
    r = tandem("init", "--db", "postgresql://nobody@127.0.0.1:1/none", "--admin-email", "a@example.org",
               "--admin-password", "long enough password")
    assert r.returncode == 2 and "cannot open" in r.stderr


def test_init_is_idempotent_and_migrate_reports():
    s = Server(name="cli")
    first = s.run("init", "--db", s.db, "--admin-email", "a@example.org", "--admin-password", "long enough password")
    assert "created" in first.stdout
    again = s.run("init", "--db", s.db, "--admin-email", "b@example.org", "--admin-password", "long enough password")
    assert again.returncode == 0 and "none was added" in again.stdout
    st = s.run("migrate", "status", "--db", s.db)
    assert st.returncode == 0 and "schema version" in st.stdout
    assert s.run("migrate", "up", "--db", s.db).returncode == 0
    assert s.run("migrate", "sideways", "--db", s.db, check=False).returncode == 2


def test_refuses_a_newer_schema():
    s = Server(name="newer")
    s.run("init", "--db", s.db, "--admin-email", "a@example.org", "--admin-password", "long enough password")
    sql = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)"
    s.sql(sql)
    r = s.run("serve", "--db", s.db, "--listen", "127.0.0.1:0", check=False)
    assert r.returncode == 2 and "999" in r.stderr


def test_demo_loads_once_and_people_can_sign_in():
    s = Server(name="demo", env={"TANDEM_DEMO_PASSWORD": "demo password 2026"}).start()
    try:
        out = s.run("demo", "--db", s.db)
        assert "14 mentors, 28 mentees" in out.stdout
        assert "already" in s.run("demo", "--db", s.db).stdout
        import requests
        r = requests.post(s.url + "/api/v1/session",
                          json={"email": "coordinator@demo.tandem.example", "password": "demo password 2026"})
        assert r.status_code == 200, r.text
        me = requests.get(s.url + "/api/v1/me", cookies=r.cookies).json()
        assert [p["role"] for p in me["participations"]] == ["coordinator", "coordinator"]
        pid = next(p["program_id"] for p in me["participations"]
                   if p["program_name"] == "New-hire mentoring (demo)")
        prog = requests.get(s.url + "/api/v1/programs/%d" % pid, cookies=r.cookies).json()
        assert len(prog["matching"]["criteria"]) == 5
    finally:
        s.stop()

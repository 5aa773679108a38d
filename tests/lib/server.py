"""Starting and stopping a real `tandem serve` for the tests.

A Server owns a fresh database (a SQLite file, or a new PostgreSQL
database on the server named by TANDEM_TEST_PG), an admin account, a free
loopback port and the process. Its log goes to TEST_OUTPUT.
"""
import os
import secrets
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "correct horse battery staple"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_database(kind, folder):
    """A URL of an empty database of the given kind ("sqlite" or "postgres")."""
    if kind == "sqlite":
        return "sqlite:" + os.path.join(folder, "tandem.sqlite")
    base = os.environ["TANDEM_TEST_PG"]
    name = "t_" + secrets.token_hex(6)
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", base, "-c", "CREATE DATABASE " + name],
                   check=True, stdout=subprocess.DEVNULL)
    return base.rsplit("/", 1)[0] + "/" + name


class SqlError(subprocess.CalledProcessError):
    def __str__(self):
        return "%s failed (%d): %s" % (self.cmd[0], self.returncode, self.stderr.strip())


class Server:
    def __init__(self, binary=None, kind=None, name="server", env=None, args=(), db=None):
        """args are extra `tandem serve` flags; db shares another server's
        database (it is then not initialised again)."""
        self.binary = binary or os.environ.get("TANDEM_BIN", os.path.join(ROOT, "tandem"))
        self.kind = kind or os.environ.get("TANDEM_TEST_DB_KIND", "sqlite")
        self.folder = tempfile.mkdtemp(prefix="tandem-test-")
        self.shared = db is not None
        self.db = db or new_database(self.kind, self.folder)
        self.args = list(args)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        out = os.environ.get("TEST_OUTPUT", self.folder)
        os.makedirs(out, exist_ok=True)
        self.log_path = os.path.join(out, "%s-%s.log" % (name, self.kind))
        self.env = dict(os.environ, **(env or {}))
        self.proc = None

    def run(self, *args, check=True):
        """Runs a tandem subcommand against this database."""
        return subprocess.run([self.binary, *args], env=self.env, check=check,
                              capture_output=True, text=True)

    def sql(self, statement):
        """Runs SQL on this database as an operator would: sqlite3 with foreign
        keys on, waiting up to 10 s for the server's writer, or psql stopping at
        the first error. Returns the rows, each a tuple of text ("" for NULL);
        a statement that fails fails the test with the client's message."""
        if self.kind == "sqlite":
            cmd = ["sqlite3", "-batch", "-cmd", ".timeout 10000", "-separator", "\x1f",
                   self.db[len("sqlite:"):], "PRAGMA foreign_keys = ON; " + statement]
        else:
            cmd = ["psql", "-X", "-qAt", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", self.db, "-c", statement]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise SqlError(r.returncode, cmd, r.stdout, r.stderr)
        return [tuple(line.split("\x1f")) for line in r.stdout.splitlines() if line]

    def start(self):
        if not self.shared:
            self.run("init", "--db", self.db, "--admin-email", ADMIN_EMAIL,
                     "--admin-password", ADMIN_PASSWORD)
        return self.serve()

    def restart(self, **env):
        """Stops and serves the same database again with env changed (e.g.
        TANDEM_NOW, to see it as at another time); returns the exit status."""
        code = self.stop()
        self.env.update(env)
        self.serve()
        return code

    def serve(self):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--listen", "127.0.0.1:%d" % self.port, *self.args],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("tandem serve exited with %s; see %s" % (self.proc.returncode, self.log_path))
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("tandem serve did not answer; see " + self.log_path)

    def stop(self):
        """SIGTERM, as an operator would; returns the exit status."""
        if not self.proc:
            return None
        self.proc.terminate()
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc = None
        self.log.close()
        return code

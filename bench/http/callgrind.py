#!/usr/bin/python3
"""Instructions per request of `tandem serve`, side by side with an anchor.

    bench/http/callgrind.py --anchor OTHER_TANDEM [--binary ./tandem] [--requests 1000]
                            [--set pair|me|healthz]

Runs each binary under valgrind's callgrind (one worker thread, access log
to a file) on a fresh SQLite database, sends N rounds of requests on one
kept-alive connection, once with 100 rounds and once with 100 + N, so
start-up and shutdown cancel out. A round is, by --set:
  pair     GET /healthz and a GET that answers 401 (the default)
  me       GET /api/v1/me with a bearer token (an admin with one
           participation), the authenticated request of make bench-http
  healthz  GET /healthz alone
Prints instructions per round for each and the ratio. Instruction counts do not depend on the machine's load, so this is
the figure to quote for a change to the request path when the machine is
busy."""
import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time

import socket

import requests

SETS = {
    "pair": ["/healthz", "/api/v1/programs/12/participants?limit=5"],
    "me": ["/api/v1/me"],
    "healthz": ["/healthz"],
}
EMAIL = "a@example.org"
PASSWORD = "correct horse battery staple"


def bearer(base):
    """Signs in, makes a program (so /me lists a participation) and a token."""
    s = requests.Session()
    r = s.post(base + "/api/v1/session", json={"email": EMAIL, "password": PASSWORD})
    r.raise_for_status()
    h = {"X-CSRF-Token": r.json()["csrf_token"]}
    s.post(base + "/api/v1/programs", json={"name": "Bench"}, headers=h).raise_for_status()
    r = s.post(base + "/api/v1/tokens", json={"name": "bench", "password": PASSWORD}, headers=h)
    r.raise_for_status()
    return {"Authorization": "Bearer " + r.json()["token"]}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count(binary, rounds, paths):
    port = free_port()
    d = tempfile.mkdtemp(prefix="tandem-cg-")
    db = "sqlite:%s/t.sqlite" % d
    subprocess.run([binary, "init", "--db", db, "--admin-email", EMAIL,
                    "--admin-password", PASSWORD], check=True, capture_output=True)
    out = os.path.join(d, "callgrind.out")
    p = subprocess.Popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, binary, "serve",
                          "--db", db, "--listen", "127.0.0.1:%d" % port, "--threads", "1",
                          "--access-log", os.path.join(d, "access.log")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    for _ in range(600):
        try:
            requests.get(base + "/healthz", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    headers = bearer(base) if "/api/v1/me" in paths else {}
    s = requests.Session()
    for _ in range(rounds):
        for path in paths:
            r = s.get(base + path, headers=headers)
            if path == "/api/v1/me" and r.status_code != 200:
                raise SystemExit("GET /api/v1/me answered %d" % r.status_code)
    p.terminate()
    p.wait(timeout=300)
    m = re.search(r"^(?:summary|totals): (\d+)", open(out).read(), re.M)
    shutil.rmtree(d, ignore_errors=True)
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchor", required=True)
    ap.add_argument("--binary", default="./tandem")
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--set", choices=sorted(SETS), default="pair")
    a = ap.parse_args()
    paths = SETS[a.set]
    per = {}
    for name, b in [("anchor", a.anchor), ("tandem", a.binary)]:
        lo = count(b, 100, paths)
        hi = count(b, 100 + a.requests, paths)
        per[name] = (hi - lo) / a.requests
        print("%-7s %s: %.0f instructions per round (%s)" % (name, b, per[name], " + ".join(paths)))
    print("ratio tandem / anchor: %.3f" % (per["tandem"] / per["anchor"]))


if __name__ == "__main__":
    main()

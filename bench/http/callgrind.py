#!/usr/bin/python3
"""Instructions per request of `tandem serve`, side by side with an anchor.

    bench/http/callgrind.py --anchor OTHER_TANDEM [--binary ./tandem] [--requests 1000]

Runs each binary under valgrind's callgrind (one worker thread, access log
to a file) on a fresh SQLite database, sends N pairs of requests on one
kept-alive connection -- GET /healthz and a GET that answers 401 -- once
with 100 pairs and once with 100 + N, so start-up and shutdown cancel out. Prints instructions per pair for each and the
ratio. Instruction counts do not depend on the machine's load, so this is
the figure to quote for a change to the request path when the machine is
busy."""
import argparse
import os
import re
import subprocess
import tempfile
import time

import requests

PAIR = ["/healthz", "/api/v1/programs/12/participants?limit=5"]


def count(binary, pairs, port):
    d = tempfile.mkdtemp(prefix="tandem-cg-")
    db = "sqlite:%s/t.sqlite" % d
    subprocess.run([binary, "init", "--db", db, "--admin-email", "a@example.org",
                    "--admin-password", "correct horse battery staple"], check=True, capture_output=True)
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
    s = requests.Session()
    for _ in range(pairs):
        for path in PAIR:
            s.get(base + path)
    p.terminate()
    p.wait(timeout=300)
    m = re.search(r"^(?:summary|totals): (\d+)", open(out).read(), re.M)
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchor", required=True)
    ap.add_argument("--binary", default="./tandem")
    ap.add_argument("--requests", type=int, default=1000)
    a = ap.parse_args()
    per = {}
    for i, (name, b) in enumerate([("anchor", a.anchor), ("tandem", a.binary)]):
        lo = count(b, 100, 18700 + 2 * i)
        hi = count(b, 100 + a.requests, 18701 + 2 * i)
        per[name] = (hi - lo) / a.requests
        print("%-7s %s: %.0f instructions per pair (GET /healthz + a 401 GET)" % (name, b, per[name]))
    print("ratio tandem / anchor: %.3f" % (per["tandem"] / per["anchor"]))


if __name__ == "__main__":
    main()

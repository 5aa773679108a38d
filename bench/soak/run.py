#!/usr/bin/env python3
"""bench/soak - mixed reads and writes against one `tandem serve` for a
long time, at about 80 % of the rate measured at the start, watching the
server's memory.

  bench/soak/run.py [--seconds 600] [--kind sqlite|postgres] [--workers 3]
                    [--load 0.8] [--sample 5] [--tandem ./tandem]

It starts a server on a fresh database (tests/lib/server.py; PostgreSQL
needs TANDEM_TEST_PG), an admin with a bearer token per worker and one
enrolling program per worker. Each worker keeps one connection open and
repeats a mix of ten operations:

  reads (6)   GET /api/v1/me, GET the program, the participant list
              (twice), GET /api/v1/programs, GET /healthz
  writes (4)  enrol a new person as a mentee (POST participants with an
              e-mail, which creates the person), PATCH the program's name
              with the version read, and PATCH that participant's profile
              (twice)

First every worker runs flat out for --peak seconds (10): the sum is the
peak. Then each paces itself to its share of --load x peak for --seconds.
The server's resident memory (VmRSS) is read every --sample seconds.
After the warm-up (a third of the run, at least 20 s and at most 120 s)
the median of the first three samples is the baseline; the run fails
when the median of the last three exceeds it by more than --growth
(5 %), on any reply that is not the one expected, or when the server
exits uncleanly. A rate below 90 % of the target is reported, not failed
(the machine may be busy). RSS samples go to TEST_OUTPUT/soak-rss.csv, the summary to stdout.
Exit 0 when it held, 1 when not.
"""
import argparse
import http.client
import json
import multiprocessing as mp
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server  # noqa: E402


def call(conn, method, path, token, body=None):
    headers = {"Authorization": "Bearer " + token}
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    r = conn.getresponse()
    raw = r.read()
    return r.status, raw


def session_call(port, method, path, body=None, cookie=None, csrf=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    if csrf:
        headers["X-CSRF-Token"] = csrf
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    raw = r.read()
    out = (r.status, json.loads(raw) if raw else None, r.getheader("Set-Cookie"))
    conn.close()
    return out


def setup(port, workers):
    """A bearer token and a program per worker."""
    st, body, cookie = session_call(port, "POST", "/api/v1/session",
                                    {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert st == 200, (st, body)
    cookie = cookie.split(";")[0]
    csrf = body["csrf_token"]
    out = []
    for w in range(workers):
        st, tok, _ = session_call(port, "POST", "/api/v1/tokens",
                                  {"name": "soak %d" % w, "password": ADMIN_PASSWORD}, cookie, csrf)
        assert st == 201 or st == 200, (st, tok)
        st, prog, _ = session_call(port, "POST", "/api/v1/programs", {
            "name": "Soak %d" % w, "status": "enrolling",
            "selection": {"access": "open", "questions": []},
            "training": {"required_before_matching": False, "modules": []}}, cookie, csrf)
        assert st == 201, (st, prog)
        out.append((tok["token"], prog["id"]))
    return out


def worker(n, port, token, pid, rate, seconds, result):
    """Runs the mix for `seconds`, paced to `rate` operations a second (0:
    flat out). Puts (operations, errors, first error) on `result`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    ops = errors = 0
    first = None
    seq = 0
    version = None
    last_part = None
    prog = "/api/v1/programs/%d" % pid
    t0 = time.monotonic()
    end = t0 + seconds
    step = 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if rate:
            due = t0 + ops / rate
            if due > now:
                time.sleep(min(due - now, end - now))
                continue
        kind = step % 10
        step += 1
        try:
            if kind == 0:
                st, _ = call(conn, "GET", "/api/v1/me", token)
                want = 200
            elif kind in (1, 5):
                st, raw = call(conn, "GET", prog, token)
                want = 200
                if st == 200:
                    version = json.loads(raw)["version"]
            elif kind in (2, 7):
                st, _ = call(conn, "GET", prog + "/participants?limit=20", token)
                want = 200
            elif kind == 3:
                seq += 1
                st, raw = call(conn, "POST", prog + "/participants", token, {
                    "email": "soak-%d-%d-%d@example.org" % (n, os.getpid(), seq),
                    "name": "Soak %d.%d" % (n, seq), "role": "mentee", "invite": False})
                want = 201
                if st == 201:
                    last_part = json.loads(raw)["id"]
            elif kind == 4:
                st, _ = call(conn, "GET", "/api/v1/programs", token)
                want = 200
            elif kind == 6:
                st, raw = call(conn, "PATCH", prog, token, {"name": "Soak %d (%d)" % (n, step),
                                                            "version": version})
                want = 200
                if st == 200:
                    version = json.loads(raw)["version"]
            elif kind in (8, 9) and last_part:
                st, _ = call(conn, "PATCH", "%s/participants/%d" % (prog, last_part), token,
                             {"profile": {"bio": "Soak step %d" % step, "languages": ["en"]}})
                want = 200
            else:
                st, _ = call(conn, "GET", "/healthz", token)
                want = 200
            if st != want:
                errors += 1
                first = first or "%s: %d (wanted %d) %s" % (["me", "program", "list", "enrol", "programs",
                                                          "program", "patch", "list", "profile",
                                                          "profile"][kind], st, want, raw[:200] if kind in (1, 3, 5, 6) else "")
        except (OSError, http.client.HTTPException) as e:
            errors += 1
            first = first or repr(e)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ops += 1
    conn.close()
    result.put((ops, errors, first))


def run_workers(port, creds, rate, seconds):
    q = mp.Queue()
    procs = [mp.Process(target=worker, args=(i, port, tok, pid, rate, seconds, q))
             for i, (tok, pid) in enumerate(creds)]
    for p in procs:
        p.start()
    return procs, q


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 600)))
    ap.add_argument("--kind", default=os.environ.get("SOAK_KIND", "sqlite"))
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--load", type=float, default=0.8)
    ap.add_argument("--peak", type=float, default=10)
    ap.add_argument("--sample", type=float, default=5)
    ap.add_argument("--growth", type=float, default=0.05)
    ap.add_argument("--tandem", default=os.environ.get("TANDEM_BIN", os.path.join(ROOT, "tandem")))
    a = ap.parse_args()
    out_dir = os.environ.get("TEST_OUTPUT", os.path.join(ROOT, "test-output"))
    os.makedirs(out_dir, exist_ok=True)

    s = Server(binary=a.tandem, kind=a.kind, name="soak", args=["--access-log", "off"]).start()
    ok = True
    try:
        creds = setup(s.port, a.workers)
        procs, q = run_workers(s.port, creds, 0, a.peak)
        for p in procs:
            p.join()
        got = [q.get() for _ in procs]
        peak = sum(g[0] for g in got) / a.peak
        peak_errors = sum(g[1] for g in got)
        target = a.load * peak
        print("soak: %s, peak %.0f operations/s over %d workers (%d errors); running %.0f s at %.0f/s"
              % (a.kind, peak, a.workers, peak_errors, a.seconds, target), flush=True)
        if peak_errors:
            print("soak: errors at the peak: %s" % [g[2] for g in got if g[2]])
            ok = False

        procs, q = run_workers(s.port, creds, target / a.workers, a.seconds)
        samples = []
        t0 = time.monotonic()
        with open(os.path.join(out_dir, "soak-rss.csv"), "w") as csv:
            csv.write("seconds,rss_kib\n")
            while any(p.is_alive() for p in procs):
                t = time.monotonic() - t0
                kib = rss_kib(s.proc.pid)
                samples.append((t, kib))
                csv.write("%.1f,%d\n" % (t, kib))
                csv.flush()
                time.sleep(a.sample)
                if s.proc.poll() is not None:
                    print("soak: the server exited with %s" % s.proc.returncode)
                    ok = False
                    break
        for p in procs:
            p.join()
        got = [q.get() for _ in procs]
        ops = sum(g[0] for g in got)
        errors = sum(g[1] for g in got)
        achieved = ops / a.seconds
        warm = min(max(a.seconds / 3, 20), 120)
        after = [kib for t, kib in samples if t >= warm]
        if len(after) < 6:
            print("soak: too few samples after the warm-up (%d); run longer" % len(after))
            ok = False
            base = last = growth = 0
        else:
            base = statistics.median(after[:3])
            last = statistics.median(after[-3:])
            growth = (last - base) / base
        print("soak: %d operations in %.0f s = %.0f/s (target %.0f/s), %d errors%s" % (
            ops, a.seconds, achieved, target, errors,
            "" if not errors else " - first: %s" % [g[2] for g in got if g[2]][0]))
        print("soak: RSS %d KiB at the start, %d KiB after the %.0f s warm-up, %d KiB at the end, "
              "peak %d KiB: growth %+.1f %% after the warm-up (limit %.0f %%)" % (
                  samples[0][1] if samples else 0, base, warm, last,
                  max(k for _, k in samples) if samples else 0, growth * 100, a.growth * 100))
        print("soak: load %s" % open("/proc/loadavg").read().strip())
        if achieved < 0.9 * target:  # the machine was busy: said, not failed
            print("soak: note: the rate fell short of the target (other work on the machine?)")
        if errors or growth > a.growth:
            ok = False
    finally:
        code = s.stop()
        if code != 0:
            print("soak: tandem serve exited with %s at SIGTERM" % code)
            ok = False
    print("soak: %s" % ("held" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""bench/match: our engine against LEMON, SciPy and a greedy baseline.

For each size (S 1k x 200, M 10k x 2k, L 100k x 20k mentees x mentors) and
each capacity regime (scarce 1-5, balanced 3-9) one seeded instance is
generated and measured by:

  engine       tandem's engine end to end on the instance built in memory
               (parse excluded): scoring, candidates, solve, proof
  engine+json  the same from the JSON file (parse included)
  greedy       best-score-first on the top-32 graph, scoring included
  lemon-16/32  LEMON NetworkSimplex on the top-16 / top-32 candidate
               graph scored by the same kernel (solve time only)
  scipy        linear_sum_assignment on the slot-expanded matrix (S, M);
               the expansion lets a pair repeat (a mentee wanting two mentors
               may get two slots of one mentor), so it is compared with
  engine-slots our engine on that same relaxation (each wanted mentor a
               separate mentee), S and M

Each runs in its own process; peak memory is that process's maxrss.
Prints a table and writes bench/out/match-<size>-<caps>.json.

Usage: run.py --bench B --lemon L [--sizes "S M L"] [--seed N] [--caps "scarce balanced"]
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "out")


def run_rss(cmd, timeout=None):
    """Runs cmd; returns its key=value lines as a dict with the child's own
    peak memory (wait4), wall and CPU seconds, or None on failure/timeout."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    timer = threading.Timer(timeout, p.kill) if timeout else None
    if timer:
        timer.start()
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = status
    if timer:
        timer.cancel()
    wall = time.perf_counter() - t0
    if status != 0:
        return None
    kv = {}
    for line in out.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            kv[k] = v
        else:
            kv["_line"] = line
    kv["_rss_kb"] = ru.ru_maxrss
    kv["_wall"] = wall
    kv["_cpu"] = ru.ru_utime + ru.ru_stime
    return kv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--lemon", required=True)
    ap.add_argument("--sizes", default="S M L")
    ap.add_argument("--caps", default="scarce balanced")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--scipy-timeout", type=int, default=900)
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    B = a.bench
    for size in a.sizes.split():
        for caps in a.caps.split():
            inst = [size, caps, a.seed]
            tag = f"{size}-{caps}"
            rows = []
            print(f"\n== {tag} (seed {a.seed})", flush=True)

            r = run_rss([B, "engine", *inst])
            if r:
                rows.append(("engine", float(r["seconds"]), r))
            js = os.path.join(OUT, f"match-{tag}.json.in")
            subprocess.run([B, "gen", *inst, js], check=True)
            r = run_rss([B, "json", js])
            if r:
                rows.append(("engine+json", float(r["seconds"]), r))
            os.unlink(js)
            r = run_rss([B, "greedy", *inst])
            if r:
                rows.append(("greedy", float(r["seconds"]), r))
            for k in (16, 32):
                g = os.path.join(OUT, f"match-{tag}-top{k}.txt")
                pairs = g + ".pairs"
                d = run_rss([B, "dump", *inst, str(k), g])
                r = run_rss([a.lemon, g, "0", pairs])
                if r and d:
                    m, t, mn, secs, hwm = r["_line"].split()
                    t3 = run_rss([B, "top3", *inst, pairs])
                    rows.append((f"lemon-top{k}", float(secs), {
                        "matched": m, "total": t, "min": mn, "top3": t3["top3"] if t3 else "?",
                        "optimal": "0", "maxrss_kb": hwm, "_cpu": r["_cpu"],
                        "candidates": d.get("arcs")}))
                for f in (g, pairs):
                    if os.path.exists(f):
                        os.unlink(f)
            if size in ("S", "M"):
                r = run_rss([B, "engine-slots", *inst])
                if r:
                    rows.append(("engine-slots", float(r["seconds"]), r))
                dense = os.path.join(OUT, f"match-{tag}.dense")
                pairs = dense + ".pairs"
                subprocess.run([B, "dense", *inst, dense], check=True)
                r = run_rss(["/usr/bin/python3", os.path.join(HERE, "scipy_lsa.py"), dense, pairs],
                            timeout=a.scipy_timeout)
                if r:
                    t3 = run_rss([B, "top3", *inst, pairs])
                    r["top3"] = t3["top3"] if t3 else "?"
                    r["optimal"] = "0"
                    rows.append(("scipy", float(r["seconds"]), r))
                else:
                    rows.append(("scipy", float("nan"), {"matched": "timeout"}))
                for f in (dense, pairs):
                    if os.path.exists(f):
                        os.unlink(f)
            eng = next((x for x in rows if x[0] == "engine"), None)
            slots = next((x for x in rows if x[0] == "engine-slots"), None)
            print(f"{'method':12} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'matched':>8} "
                  f"{'total':>14} {'lowest':>8} {'top3':>6} {'proven':>6} {'time/ours':>9} "
                  f"{'total/ours':>10}")
            for name, secs, r in rows:
                ratio = secs / eng[1] if eng and eng[1] > 0 else float("nan")
                try:
                    tr = int(r["total"]) / int(eng[2]["total"])
                except (KeyError, ValueError, ZeroDivisionError, TypeError):
                    tr = float("nan")
                mem = int(r.get("maxrss_kb", -1024)) / 1024
                note = f"  repeated pairs {r['repeated_pairs']}" if "repeated_pairs" in r else ""
                print(f"{name:12} {secs:8.3f} {r.get('_cpu', float('nan')):7.2f} "
                      f"{mem:8.1f} {r.get('matched', '?'):>8} "
                      f"{r.get('total', '?'):>14} {r.get('min', '?'):>8} {r.get('top3', '?'):>6} "
                      f"{r.get('optimal', '?'):>6} {ratio:9.2f} {tr:10.4f}{note}")
            sp = next((x for x in rows if x[0] == "scipy"), None)
            if slots and sp and "total" in sp[2]:
                print(f"relaxation: engine-slots {slots[1]:.3f} s total {slots[2]['total']}, "
                      f"scipy {sp[1]:.3f} s total {sp[2]['total']}: "
                      f"{'same optimum' if slots[2]['total'] == sp[2]['total'] and slots[2]['matched'] == sp[2]['matched'] else 'DIFFERENT'}, "
                      f"scipy/ours time {sp[1] / slots[1]:.1f}x")
            if eng:
                e = eng[2]
                print(f"engine phases: scoring {e['t_score']} s, solving {e['t_solve']} s, "
                      f"proving {e['t_prove']} s, rounds {e['rounds']}, added back "
                      f"{e['added_back']}, kernel {e.get('kernel')}")
            with open(os.path.join(OUT, f"match-{tag}.json"), "w") as f:
                json.dump([{"method": n, "seconds": s, **{k: v for k, v in r.items()}}
                           for n, s, r in rows], f, indent=1, default=str)


if __name__ == "__main__":
    main()

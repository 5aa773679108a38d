#!/usr/bin/python3
"""bench/match: `tandem match` against an anchor pipeline, LEMON, SciPy and greedy.

For each size (S 1k x 200, M 10k x 2k, L 100k x 20k mentees x mentors) and
each capacity regime (scarce 1-5, balanced 3-9) one seeded instance is
generated and measured, each method in its own process:

  tandem       `tandem match FILE -o OUT`, the whole process: reading the
               JSON, scoring, solving, proving, writing the result
  engine       match_solve() on the instance built in memory (no JSON)
  anchor       nlohmann::json + OpenMP scoring of every pair + each mentee's
               top-16 + LEMON NetworkSimplex, the whole process (anchor.cpp)
  greedy       best-score-first on the top-32 graph, scoring included
  lemon-top16/32  LEMON NetworkSimplex on each mentee's top-16 / top-32
               graph scored by our kernel (solve time only)
  scipy        linear_sum_assignment on the slot-expanded matrix (S, M); a
               relaxation (a pair may repeat), compared with
  engine-slots our engine on that same relaxation

and the solvers alone on one graph, the engine's first candidate graph:
ours (as chosen, shortest paths, cost scaling) and LEMON NetworkSimplex and
CostScaling. Prints one table per instance and writes
bench/out/match-<size>-<caps>.json.

Usage: run.py --bench B --lemon L --cli C [--anchor A] [--sizes "S M L"]
              [--caps "scarce balanced"] [--seed N]
"""
import argparse
import json
import os
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "out")


def run_rss(cmd, timeout=None):
    """Runs cmd; returns its key=value lines as a dict with the child's wall
    and CPU seconds and peak memory, or None on failure or timeout."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    timer = threading.Timer(timeout, p.kill) if timeout else None
    if timer:
        timer.start()
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
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
    kv["_wall"] = wall
    kv["_cpu"] = ru.ru_utime + ru.ru_stime
    kv.setdefault("maxrss_kb", str(ru.ru_maxrss))
    return kv


def machine():
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs"


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def tandem_row(a, js, tag, bench, inst):
    out = os.path.join(OUT, f"match-{tag}.out.json")
    r = run_rss([a.cli, "match", js, "-o", out])
    if not r:
        return None
    with open(out) as f:
        res = json.load(f)
    os.unlink(out)
    st = res["stats"]
    pairs = os.path.join(OUT, f"match-{tag}.tandem.pairs")
    with open(pairs, "w") as f:
        for m in res["matches"]:
            f.write(f"{m['mentee'][1:]} {m['mentor'][1:]}\n")
    t3 = run_rss([bench, "top3", *inst, pairs])
    os.unlink(pairs)
    total = sum(round(m["score"] * 1e6) for m in res["matches"])
    low = min((round(m["score"] * 1e6) for m in res["matches"]), default=0)
    return {"matched": st["matched"], "total": total, "min": low,
            "top3": t3["top3"] if t3 else "?", "optimal": "1" if st["optimal"] else "0",
            "_wall": r["_wall"], "_cpu": r["_cpu"], "maxrss_kb": r["maxrss_kb"],
            "t_score": st["seconds"]["scoring"], "t_solve": st["seconds"]["solving"],
            "t_prove": st["seconds"]["proving"], "t_engine": st["seconds"]["total"],
            "rounds": st["rounds"], "added_back": st["added_back"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--lemon", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--anchor", default="")
    ap.add_argument("--sizes", default="S M L")
    ap.add_argument("--caps", default="scarce balanced")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--scipy-timeout", type=int, default=900)
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    B = a.bench
    print(f"machine: {machine()}; load before: {load()}", flush=True)
    for size in a.sizes.split():
        for caps in a.caps.split():
            inst = [size, caps, a.seed]
            tag = f"{size}-{caps}"
            rows = []
            print(f"\n== {tag} (seed {a.seed}), load {load()}", flush=True)
            js = os.path.join(OUT, f"match-{tag}.json.in")
            subprocess.run([B, "gen", *inst, js], check=True)

            r = tandem_row(a, js, tag, B, inst)
            if r:
                rows.append(("tandem", r["_wall"], r))
            r = run_rss([B, "engine", *inst])
            if r:
                rows.append(("engine", float(r["seconds"]), r))
            if a.anchor and os.path.exists(a.anchor):
                pairs = os.path.join(OUT, f"match-{tag}.anchor.pairs")
                r = run_rss([a.anchor, js, "16", pairs])
                if r:
                    t3 = run_rss([B, "top3", *inst, pairs])
                    r["top3"] = t3["top3"] if t3 else "?"
                    rows.append(("anchor", r["_wall"], r))
                if os.path.exists(pairs):
                    os.unlink(pairs)
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
                        "optimal": "0", "maxrss_kb": hwm, "_cpu": r["_cpu"]}))
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

            ref = next((x for x in rows if x[0] == "tandem"), None)
            print(f"{'method':12} {'wall s':>8} {'cpu s':>7} {'peak MiB':>8} {'matched':>8} "
                  f"{'total':>12} {'lowest':>8} {'top3':>6} {'proven':>6} {'time/tandem':>11} "
                  f"{'total/tandem':>12}")
            for name, secs, r in rows:
                ratio = secs / ref[1] if ref and ref[1] > 0 else float("nan")
                try:
                    tr = int(r["total"]) / int(ref[2]["total"])
                    tot = f"{int(r['total']) / 1e6:.3f}"
                except (KeyError, ValueError, ZeroDivisionError, TypeError):
                    tr, tot = float("nan"), "?"
                try:
                    low = f"{int(r['min']) / 1e6:.3f}"
                except (KeyError, ValueError):
                    low = "?"
                mem = int(r.get("maxrss_kb", -1024)) / 1024
                note = f"  repeated pairs {r['repeated_pairs']}" if "repeated_pairs" in r else ""
                print(f"{name:12} {secs:8.3f} {r.get('_cpu', float('nan')):7.2f} "
                      f"{mem:8.1f} {r.get('matched', '?'):>8} {tot:>12} {low:>8} "
                      f"{r.get('top3', '?'):>6} {'yes' if r.get('optimal') == '1' else 'no':>6} "
                      f"{ratio:11.2f} {tr:12.4f}{note}")
            anc = next((x for x in rows if x[0] == "anchor"), None)
            if ref and anc:
                print(f"tandem / anchor time: {ref[1] / anc[1]:.3f} (goal <= 0.25); "
                      f"tandem {ref[1]:.2f} s (goal at L <= 2 s)")
            sl = next((x for x in rows if x[0] == "engine-slots"), None)
            sp = next((x for x in rows if x[0] == "scipy"), None)
            if sl and sp and "total" in sp[2]:
                same = sl[2]["total"] == sp[2]["total"] and sl[2]["matched"] == sp[2]["matched"]
                print(f"relaxation: engine-slots {sl[1]:.3f} s total {sl[2]['total']}, "
                      f"scipy {sp[1]:.3f} s total {sp[2]['total']}: "
                      f"{'same optimum' if same else 'DIFFERENT'}, "
                      f"scipy/ours time {sp[1] / sl[1]:.1f}x")
            if ref:
                e = ref[2]
                print(f"tandem phases: scoring {e['t_score']:.3f} s, solving {e['t_solve']:.3f} s, "
                      f"proving {e['t_prove']:.3f} s (engine {e['t_engine']:.3f} s of "
                      f"{ref[1]:.3f} s), rounds {e['rounds']}, added back {e['added_back']}")
            eng = next((x for x in rows if x[0] == "engine"), None)
            if eng:
                npairs = (1000, 10000, 100000)["SML".index(size)] * \
                    (200, 2000, 20000)["SML".index(size)]
                sc = int(eng[2].get("scored", 0))
                print(f"pairs scored exactly: {sc} of {npairs} ({100 * sc / npairs:.2f} %), "
                      f"kernel {eng[2].get('kernel')}, graph {eng[2].get('candidates')} arcs")

            # the solvers alone on the engine's first graph
            g = os.path.join(OUT, f"match-{tag}-engine.txt")
            if run_rss([B, "dump-engine", *inst, g]):
                line = []
                for name, cmd in (("ours", [B, "solve-graph", g, "auto"]),
                                  ("ours-ssp", [B, "solve-graph", g, "ssp"]),
                                  ("ours-cs", [B, "solve-graph", g, "cs"]),
                                  ("lemon-ns", [a.lemon, g, "0", "-", "ns"]),
                                  ("lemon-cs", [a.lemon, g, "0", "-", "cs"])):
                    r = run_rss(cmd, timeout=900)
                    if not r:
                        line.append(f"{name} failed")
                        continue
                    if "_line" in r:
                        m, t, _, secs, _ = r["_line"].split()
                        r = {"seconds": secs, "matched": m, "total": t}
                    line.append(f"{name} {float(r['seconds']):.3f} s ({r['matched']}/"
                                f"{int(r['total']) / 1e6:.3f})")
                print("solvers on the engine's first graph: " + ", ".join(line))
                os.unlink(g)
            with open(os.path.join(OUT, f"match-{tag}.json"), "w") as f:
                json.dump([{"method": n, "seconds": s, **{k: v for k, v in r.items()}}
                           for n, s, r in rows], f, indent=1, default=str)


if __name__ == "__main__":
    main()

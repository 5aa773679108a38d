#!/usr/bin/python3
"""Oracle tests of the matching engine.

Random instances go through `tandem match` (the CLI built by mk/match.mk)
and the result is checked against independent references:

  * every pair is re-scored here from the criteria formulas of product.md
    section 5 (an independent implementation) and the constraints checked;
  * total: matched count and total integer score equal LEMON's
    NetworkSimplex optimum (tests/match/lemon_oracle.cpp) and, where every
    mentee wants one mentor, SciPy's linear_sum_assignment on the
    slot-expanded matrix;
  * fair: the lowest score equals the best threshold found with LEMON and
    the total equals LEMON's best total at that threshold;
  * stable: no blocking pair, and the pairs equal a plain deferred
    acceptance written here.

Usage: oracle_test.py CLI LEMON_ORACLE [--seed N] [--count N]
Prints one line per failure and a closing "N passed, N failed".
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import linear_sum_assignment

SCALE = 1000000
CLI, LEMON = sys.argv[1], sys.argv[2]
SEED = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
COUNT = int(sys.argv[sys.argv.index("--count") + 1]) if "--count" in sys.argv else 25
TMP = tempfile.mkdtemp(prefix="match-oracle-")
passed = failed = 0


def check(cond, name, msg):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {msg}")


# ---- an independent scorer ----

def value(c, e, r, inst):
    kind = c["kind"]
    ea, ra = e.get("attrs", {}), r.get("attrs", {})
    if kind == "choice":
        ch = e.get("choices", [])
        if r["id"] in ch:
            k = ch.index(r["id"])
            return [1.0, 2.0 / 3.0, 1.0 / 3.0][k] if k < 3 else 0.0
        return 0.0
    fe = c.get("mentee_field", c.get("field"))
    fr = c.get("mentor_field", c.get("field"))
    if fe not in ea or fr not in ra:
        return 0.0
    a, b = ea[fe], ra[fr]
    if kind == "overlap":
        A, B = set(a), set(b)
        return len(A & B) / len(A) if A else 0.0
    if kind == "shared":
        return 1.0 if set(a) & set(b) else 0.0
    if kind == "same":
        eq = a == b
        return 1.0 if eq != c.get("different", False) else 0.0
    if kind == "distance":
        d = abs(a - b)
        return 1.0 - d / c["scale"] if d < c["scale"] else 0.0
    if kind == "gap":
        d = b - a
        lo, hi, sc = c.get("min", 0), c.get("max", 0), c.get("scale", 1)
        if lo <= d <= hi:
            return 1.0
        out = lo - d if d < lo else d - hi
        return 1.0 - out / sc if out < sc else 0.0
    if kind == "similarity":
        if len(a) != len(b):
            return 0.0
        dot = 0.0
        for x, y in zip(a, b):
            dot += x * y
        na = math.sqrt(sum_seq([x * x for x in a]))
        nb = math.sqrt(sum_seq([y * y for y in b]))
        nn = na * nb
        cs = dot / nn if nn > 0 else 0.0
        return min(max(cs, 0.0), 1.0)
    raise ValueError(kind)


def sum_seq(xs):
    s = 0.0
    for x in xs:
        s += x
    return s


def iround(s):
    return int(math.floor(s * SCALE + 0.5))


def pair_scores(inst):
    """{(ei, ri): integer score} of every allowed pair."""
    mentors, mentees = inst["mentors"], inst["mentees"]
    forb = {tuple(p) for p in inst.get("forbidden", [])}
    mins = inst.get("min_score", 0.0)
    out = {}
    if "scores" in inst:
        ids_e = {m["id"]: i for i, m in enumerate(mentees)}
        ids_r = {m["id"]: i for i, m in enumerate(mentors)}
        for e, r, s in inst["scores"]:
            if e == r or (e, r) in forb or s < mins:
                continue
            out[(ids_e[e], ids_r[r])] = (iround(s), s)
        return out
    crit = inst["criteria"]
    wsum = sum_seq([c.get("weight", 1) for c in crit])
    for ei, e in enumerate(mentees):
        for ri, r in enumerate(mentors):
            if e["id"] == r["id"] or (e["id"], r["id"]) in forb:
                continue
            acc, ok = 0.0, True
            for c in crit:
                v = value(c, e, r, inst)
                if c.get("required") and not v > 0:
                    ok = False
                acc += c.get("weight", 1) * v
            s = acc / wsum if wsum > 0 else 0.0
            if ok and s >= mins:
                out[(ei, ri)] = (iround(s), s)
    return out


# ---- random instances ----

TAGS = ["c", "go", "sql", "ml", "ops", "ux", "pm", "qa", "sec", "data"]
LANGS = ["en", "fr", "de", "es"]


def random_instance(rng, ne, nr, scores_form=False, wants1=False):
    mentors = []
    for i in range(nr):
        attrs = {}
        if rng.random() < 0.9:
            attrs["skills"] = rng.sample(TAGS, rng.randint(0, 4))
        if rng.random() < 0.9:
            attrs["langs"] = rng.sample(LANGS, rng.randint(1, 2))
        if rng.random() < 0.9:
            attrs["tz"] = rng.randint(-8, 9)
        if rng.random() < 0.9:
            attrs["years"] = rng.randint(0, 25)
        if rng.random() < 0.9:
            attrs["dept"] = rng.choice(["a", "b", "c"])
        if rng.random() < 0.9:
            attrs["city"] = rng.choice(["x", "y"])
        if rng.random() < 0.9:
            attrs["p"] = [rng.randint(-2, 5) for _ in range(4 if rng.random() < 0.95 else 3)]
        mentors.append({"id": f"p{i}", "capacity": rng.randint(0, 4), "attrs": attrs})
    mentees = []
    for i in range(ne):
        attrs = {}
        if rng.random() < 0.9:
            attrs["needs"] = rng.sample(TAGS, rng.randint(0, 3))
        if rng.random() < 0.9:
            attrs["langs"] = rng.sample(LANGS, rng.randint(1, 2))
        if rng.random() < 0.9:
            attrs["tz"] = rng.randint(-8, 9)
        if rng.random() < 0.9:
            attrs["years"] = rng.randint(0, 10)
        if rng.random() < 0.9:
            attrs["dept"] = rng.choice(["a", "b", "c"])
        if rng.random() < 0.9:
            attrs["city"] = rng.choice(["x", "y"])
        if rng.random() < 0.9:
            attrs["p"] = [rng.randint(-2, 5) for _ in range(4)]
        # a few mentees are also mentors (same id: same person)
        mid = f"p{i}" if rng.random() < 0.1 and i < nr else f"e{i}"
        m = {"id": mid, "wants": 1 if wants1 else rng.randint(0, 3), "attrs": attrs}
        if rng.random() < 0.7 and nr:
            m["choices"] = [f"p{j}" for j in rng.sample(range(nr), min(nr, rng.randint(1, 3)))]
        mentees.append(m)
    inst = {"objective": "total", "mentors": mentors, "mentees": mentees}
    if scores_form:
        sc = []
        for e in mentees:
            for r in mentors:
                if rng.random() < 0.5:
                    sc.append([e["id"], r["id"], round(rng.random(), rng.choice([1, 2, 6]))])
        inst["scores"] = sc
    else:
        crit = [
            {"name": "skills", "kind": "overlap", "mentee_field": "needs",
             "mentor_field": "skills", "weight": rng.choice([0, 1, 3])},
            {"name": "lang", "kind": "shared", "field": "langs", "weight": 1,
             "required": rng.random() < 0.5},
            {"name": "tz", "kind": "distance", "field": "tz", "scale": rng.choice([3, 6, 12]),
             "weight": rng.choice([1, 2])},
            {"name": "senior", "kind": "gap", "field": "years", "min": 2, "max": 8,
             "scale": rng.choice([1, 4]), "weight": 1},
            {"name": "dept", "kind": "same", "field": "dept", "different": True,
             "weight": rng.choice([0.5, 1])},
            {"name": "city", "kind": "same", "field": "city", "weight": 0.5},
            {"name": "style", "kind": "similarity", "field": "p", "weight": 1},
            {"name": "pick", "kind": "choice", "weight": rng.choice([0, 2])},
        ]
        inst["criteria"] = crit
    if rng.random() < 0.5:
        inst["min_score"] = round(rng.random() * 0.4, 2)
    forb = []
    for e in mentees:
        if rng.random() < 0.3 and mentors:
            forb.append([e["id"], rng.choice(mentors)["id"]])
    inst["forbidden"] = [list(p) for p in {tuple(p) for p in forb}]
    return inst


def add_locks(rng, inst, allowed):
    mentors, mentees = inst["mentors"], inst["mentees"]
    used_e = [0] * len(mentees)
    used_r = [0] * len(mentors)
    locked = []
    for (ei, ri) in sorted(allowed):
        if rng.random() < 0.04 and used_e[ei] < mentees[ei]["wants"] and \
                used_r[ri] < mentors[ri]["capacity"]:
            used_e[ei] += 1
            used_r[ri] += 1
            locked.append([mentees[ei]["id"], mentors[ri]["id"]])
    if locked:
        inst["locked"] = locked


# ---- references ----

def residual(inst, allowed):
    wants = [m["wants"] for m in inst["mentees"]]
    caps = [m["capacity"] for m in inst["mentors"]]
    ie = {m["id"]: i for i, m in enumerate(inst["mentees"])}
    ir = {m["id"]: i for i, m in enumerate(inst["mentors"])}
    locked = set()
    for e, r in inst.get("locked", []):
        wants[ie[e]] -= 1
        caps[ir[r]] -= 1
        locked.add((ie[e], ir[r]))
    arcs = {k: v for k, v in allowed.items() if k not in locked}
    return wants, caps, arcs, locked


def lemon(wants, caps, arcs, thr=0):
    path = os.path.join(TMP, "g.txt")
    with open(path, "w") as f:
        f.write(f"{len(wants)} {len(caps)} {len(arcs)}\n")
        f.write(" ".join(map(str, wants)) + "\n")
        f.write(" ".join(map(str, caps)) + "\n")
        for (e, r), (w, _) in sorted(arcs.items()):
            f.write(f"{e} {r} {w}\n")
    out = subprocess.run([LEMON, path, str(thr)], capture_output=True, text=True, check=True)
    m, t, mn = out.stdout.split()[:3]
    return int(m), int(t), int(mn)


def scipy_total(wants, caps, arcs):
    """wants are all <= 1 here: rows = mentees, columns = mentor slots."""
    cols = [r for r, c in enumerate(caps) for _ in range(max(c, 0))]
    rows = [e for e, w in enumerate(wants) if w > 0]
    if not rows or not cols:
        return 0, 0
    M = float((min(len(rows), len(cols)) + 1) * SCALE)
    W = np.zeros((len(rows), len(cols)))
    for i, e in enumerate(rows):
        for j, r in enumerate(cols):
            if (e, r) in arcs:
                W[i, j] = M + arcs[(e, r)][0]
    ri, ci = linear_sum_assignment(W, maximize=True)
    matched = total = 0
    for i, j in zip(ri, ci):
        if W[i, j] > 0:
            matched += 1
            total += int(W[i, j] - M)
    return matched, total


def deferred_acceptance(inst, wants, caps, arcs):
    """Plain mentee-proposing DA: mentees rank choices first, then score,
    then mentor order; mentors rank by score, then mentee order."""
    mentees, mentors = inst["mentees"], inst["mentors"]
    pref = []
    for ei, e in enumerate(mentees):
        ch = e.get("choices", [])
        lst = []
        for (a, r), (w, _) in arcs.items():
            if a != ei:
                continue
            rid = mentors[r]["id"]
            rank = ch.index(rid) if rid in ch else 10 ** 9
            lst.append((rank, -w, r))
        lst.sort()
        pref.append([r for _, _, r in lst])
    nxt = [0] * len(mentees)
    held = {r: [] for r in range(len(mentors))}
    holds = [0] * len(mentees)
    free = [e for e in range(len(mentees)) if wants[e] > 0]
    while free:
        e = free.pop(0)
        while holds[e] < wants[e] and nxt[e] < len(pref[e]):
            r = pref[e][nxt[e]]
            nxt[e] += 1
            key = (arcs[(e, r)][0], -e)
            if len(held[r]) < caps[r]:
                held[r].append(e)
                holds[e] += 1
            else:
                worst = min(held[r], key=lambda x: (arcs[(x, r)][0], -x)) if held[r] else None
                if worst is not None and (arcs[(worst, r)][0], -worst) < key:
                    held[r].remove(worst)
                    held[r].append(e)
                    holds[e] += 1
                    holds[worst] -= 1
                    if worst not in free:
                        free.append(worst)
    return {(e, r) for r, es in held.items() for e in es}


def run_cli(inst, name, extra=()):
    path = os.path.join(TMP, name + ".json")
    outp = os.path.join(TMP, name + ".out.json")
    with open(path, "w") as f:
        json.dump(inst, f)
    p = subprocess.run([CLI, "match", path, "-o", outp, *extra], capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()
    with open(outp) as f:
        return json.load(f), None


def common_checks(name, inst, res, allowed):
    ie = {m["id"]: i for i, m in enumerate(inst["mentees"])}
    ir = {m["id"]: i for i, m in enumerate(inst["mentors"])}
    seen = set()
    ok = True
    ue = [0] * len(ie)
    ur = [0] * len(ir)
    for m in res["matches"]:
        e, r = ie[m["mentee"]], ir[m["mentor"]]
        if (e, r) in seen or (e, r) not in allowed:
            ok = False
        seen.add((e, r))
        ue[e] += 1
        ur[r] += 1
        if abs(allowed.get((e, r), (0, -1))[1] - m["score"]) > 1e-9:
            ok = False
        if "criteria" in inst and abs(sum(m["explain"].values()) - m["score"]) > 1e-9:
            ok = False
    for e, m in enumerate(inst["mentees"]):
        if ue[e] > m["wants"]:
            ok = False
    for r, m in enumerate(inst["mentors"]):
        if ur[r] > m["capacity"]:
            ok = False
    for e, r in inst.get("locked", []):
        if (ie[e], ir[r]) not in seen:
            ok = False
    check(ok, name, "a pair breaks a constraint or its score/explain is wrong")
    return seen


def solver_pairs(inst, res, locked):
    ie = {m["id"]: i for i, m in enumerate(inst["mentees"])}
    ir = {m["id"]: i for i, m in enumerate(inst["mentors"])}
    return {(ie[m["mentee"]], ir[m["mentor"]]) for m in res["matches"]} - locked


def test_total(rng, i, **kw):
    name = f"total#{i}"
    inst = random_instance(rng, rng.randint(1, 30), rng.randint(1, 14), **kw)
    allowed = pair_scores(inst)
    add_locks(rng, inst, allowed)
    extra = ["--top-k", str(rng.choice([1, 2, 3]))] if rng.random() < 0.5 else []
    res, err = run_cli(inst, name, extra)
    check(res is not None, name, f"cli failed: {err}")
    if res is None:
        return
    common_checks(name, inst, res, allowed)
    wants, caps, arcs, locked = residual(inst, allowed)
    pairs = solver_pairs(inst, res, locked)
    got_m, got_t = len(pairs), sum(arcs[p][0] for p in pairs)
    lm, lt, _ = lemon(wants, caps, arcs)
    check((got_m, got_t) == (lm, lt), name, f"ours {got_m}/{got_t} lemon {lm}/{lt}")
    check(res["stats"]["optimal"] is True, name, "not proven optimal")
    if kw.get("wants1"):
        sm, st = scipy_total(wants, caps, arcs)
        check((sm, st) == (lm, lt), name, f"scipy {sm}/{st} lemon {lm}/{lt}")


def test_fair(rng, i):
    name = f"fair#{i}"
    inst = random_instance(rng, rng.randint(1, 25), rng.randint(1, 12))
    inst["objective"] = "fair"
    allowed = pair_scores(inst)
    add_locks(rng, inst, allowed)
    extra = ["--top-k", "2"] if rng.random() < 0.5 else []
    res, err = run_cli(inst, name, extra)
    check(res is not None, name, f"cli failed: {err}")
    if res is None:
        return
    common_checks(name, inst, res, allowed)
    wants, caps, arcs, locked = residual(inst, allowed)
    pairs = solver_pairs(inst, res, locked)
    F, _, _ = lemon(wants, caps, arcs)
    levels = sorted({w for w, _ in arcs.values()})
    best_t = None
    for t in reversed(levels):
        if F > 0 and lemon(wants, caps, arcs, t)[0] == F:
            best_t = t
            break
    got_min = min((arcs[p][0] for p in pairs), default=None)
    got_t = sum(arcs[p][0] for p in pairs)
    if F == 0:
        check(not pairs, name, "pairs where none can be matched")
        return
    _, lt, _ = lemon(wants, caps, arcs, best_t)
    check(len(pairs) == F and got_min == best_t and got_t == lt, name,
          f"ours {len(pairs)}/{got_min}/{got_t} oracle {F}/{best_t}/{lt}")
    check(res["stats"]["optimal"] is True, name, "not proven optimal")


def test_stable(rng, i):
    name = f"stable#{i}"
    inst = random_instance(rng, rng.randint(1, 25), rng.randint(1, 12))
    allowed = pair_scores(inst)
    add_locks(rng, inst, allowed)
    extra = ["--objective", "stable"] + (["--top-k", "2"] if rng.random() < 0.5 else [])
    res, err = run_cli(inst, name, extra)
    check(res is not None, name, f"cli failed: {err}")
    if res is None:
        return
    common_checks(name, inst, res, allowed)
    wants, caps, arcs, locked = residual(inst, allowed)
    pairs = solver_pairs(inst, res, locked)
    ref = deferred_acceptance(inst, wants, caps, arcs)
    check(pairs == ref, name, f"ours {sorted(pairs)} reference {sorted(ref)}")
    # no blocking pair
    mentees, mentors = inst["mentees"], inst["mentors"]

    def erank(e, r):
        ch = mentees[e].get("choices", [])
        rid = mentors[r]["id"]
        return (ch.index(rid) if rid in ch else 10 ** 9, -arcs[(e, r)][0], r)

    blocking = []
    for (e, r) in arcs:
        if (e, r) in pairs:
            continue
        mine = [x for (a, x) in pairs if a == e]
        e_wants = len(mine) < wants[e] or any(erank(e, r) < erank(e, x) for x in mine)
        theirs = [a for (a, x) in pairs if x == r]
        r_wants = len(theirs) < caps[r] or any(
            (arcs[(e, r)][0], -e) > (arcs[(a, r)][0], -a) for a in theirs)
        if e_wants and r_wants:
            blocking.append((e, r))
    check(not blocking, name, f"blocking pairs {blocking[:5]}")


def test_pruned_large(rng, i):
    """A graph pruned hard (top 3 of 80 mentors) must still be proven."""
    name = f"pruned#{i}"
    inst = random_instance(rng, 150, 80)
    for m in inst["mentors"]:
        m["capacity"] = rng.randint(1, 2)
    allowed = pair_scores(inst)
    res, err = run_cli(inst, name, ["--top-k", "3"])
    check(res is not None, name, f"cli failed: {err}")
    if res is None:
        return
    wants, caps, arcs, locked = residual(inst, allowed)
    pairs = solver_pairs(inst, res, locked)
    lm, lt, _ = lemon(wants, caps, arcs)
    got = (len(pairs), sum(arcs[p][0] for p in pairs))
    check(got == (lm, lt), name, f"ours {got} lemon {(lm, lt)}")
    check(res["stats"]["optimal"] is True, name, "not proven")


def block_instance(rng, variant):
    """Instances over several blocks of 64 people, built so that the block
    bounds are put to the test:
      ties     - people come in a few identical kinds: many pairs tie at
                 the k-th score of a list
      required - the required language follows the time zone, so whole
                 blocks (ordered by time zone) share no language with a
                 mentee and are excluded at once
      tight    - mentors come in runs of 64 identical ones: a block's bound
                 is the exact score of each member"""
    ne, nr = rng.randint(260, 330), rng.randint(130, 200)
    kinds = [(rng.sample(TAGS, 3), rng.randint(-6, 6), rng.randint(0, 20),
              [rng.randint(1, 5) for _ in range(4)]) for _ in range(4)]
    mentors, mentees = [], []
    for i in range(nr):
        if variant == "ties":
            sk, tz, yr, p = kinds[rng.randrange(4)]
        elif variant == "tight":
            sk, tz, yr, p = kinds[(i // 64) % 4]
        else:
            sk, tz, yr, p = (rng.sample(TAGS, rng.randint(1, 4)), rng.randint(-8, 9),
                             rng.randint(0, 25), [rng.randint(1, 5) for _ in range(4)])
        lang = (["en"] if tz < 0 else ["fr"]) if variant == "required" else rng.sample(LANGS, 2)
        mentors.append({"id": f"p{i}", "capacity": rng.randint(1, 3),
                        "attrs": {"skills": sk, "langs": lang, "tz": tz, "years": yr, "p": p}})
    for i in range(ne):
        if variant == "ties":
            sk, tz, yr, p = kinds[rng.randrange(4)]
            yr = max(0, yr - 5)
        else:
            sk, tz, yr, p = (rng.sample(TAGS, rng.randint(1, 3)), rng.randint(-8, 9),
                             rng.randint(0, 10), [rng.randint(1, 5) for _ in range(4)])
        lang = (["en"] if tz < 0 else ["fr"]) if variant == "required" else rng.sample(LANGS, 1)
        m = {"id": f"e{i}", "wants": rng.randint(1, 3),
             "attrs": {"needs": sk, "langs": lang, "tz": tz, "years": yr, "p": p}}
        if rng.random() < 0.5:
            m["choices"] = [f"p{j}" for j in rng.sample(range(nr), 3)]
        mentees.append(m)
    crit = [
        {"name": "skills", "kind": "overlap", "mentee_field": "needs", "mentor_field": "skills",
         "weight": 3},
        {"name": "lang", "kind": "shared", "field": "langs", "weight": 1, "required": True},
        {"name": "tz", "kind": "distance", "field": "tz", "scale": 6, "weight": 1},
        {"name": "senior", "kind": "gap", "field": "years", "min": 3, "max": 15, "scale": 5,
         "weight": 1},
        {"name": "style", "kind": "similarity", "field": "p", "weight": 1},
        {"name": "pick", "kind": "choice", "weight": 2},
    ]
    inst = {"objective": "total", "mentors": mentors, "mentees": mentees, "criteria": crit}
    inst["forbidden"] = [[f"e{i}", f"p{rng.randrange(nr)}"] for i in range(0, ne, 7)]
    return inst


def group_instance(rng, variant, wide=False):
    """Instances over several groups of 16 blocks (1,024 mentees), where a
    mentor's list bounds a group before its blocks, with mentors the scarce
    side so that their lists carry the optimum:
      required - the required language follows the time zone (mentees are
                 ordered by it), so whole groups share no language with a
                 mentor and are ruled out without bounding their blocks
      tight    - nine in ten mentees are one of three identical kinds, in
                 runs longer than a group: a group's bound is the exact
                 score of each member, and every list ties at its k-th score
      far      - two thirds of the mentees live far from every mentor in
                 time zone and seniority: their groups are bounded below
                 every list and passed over
    wide: the other way round, 1,100-1,300 mentors (two groups) against
    150-200 mentees, the mentees the scarce side: their rows keep a best
    top_k and bound the mentor groups first; "tight" and "far" then apply
    to the mentors."""
    ne, nr = rng.randint(2200, 2600), rng.randint(40, 60)
    if wide:
        ne, nr = rng.randint(150, 200), rng.randint(1100, 1300)
    kinds = [(rng.sample(TAGS, 2), rng.randint(-2, 2), rng.randint(0, 5),
              [rng.randint(1, 5) for _ in range(4)]) for _ in range(3)]
    mentors, mentees = [], []
    for i in range(nr):
        tz = rng.randint(-9, 9) if variant == "required" else rng.randint(-2, 2)
        sk, yr, p = rng.sample(TAGS, rng.randint(1, 4)), rng.randint(8, 25), \
            [rng.randint(1, 5) for _ in range(4)]
        if wide and variant == "tight" and rng.random() < 0.9:
            sk, tz, yr, p = kinds[(i * 3) // nr]
            yr += 8
        elif wide and variant == "far" and i % 3:
            tz, yr = rng.choice([-9, 9]), 0
        lang = (["en"] if tz < 0 else ["fr"]) if variant == "required" else rng.sample(LANGS, 2)
        mentors.append({"id": f"p{i}", "capacity": rng.randint(1, 3),
                        "attrs": {"skills": sk, "langs": lang, "tz": tz, "years": yr, "p": p}})
    for i in range(ne):
        sk, tz, yr, p = (rng.sample(TAGS, rng.randint(1, 3)), rng.randint(-9, 9),
                         rng.randint(0, 10), [rng.randint(1, 5) for _ in range(4)])
        if wide:
            tz = tz if variant == "required" else rng.randint(-2, 2)
        elif variant == "tight" and rng.random() < 0.9:
            sk, tz, yr, p = kinds[(i * 3) // ne]
        elif variant == "far" and i % 3:
            tz, yr = rng.choice([-9, 9]), 30
        if variant == "required":
            lang = ["en"] if tz < 0 else ["fr"]
        else:
            lang = rng.sample(LANGS, 1) if variant != "tight" else ["en"]
        m = {"id": f"e{i}", "wants": rng.randint(1, 3),
             "attrs": {"needs": sk, "langs": lang, "tz": tz, "years": yr, "p": p}}
        if rng.random() < 0.2:
            m["choices"] = [f"p{j}" for j in rng.sample(range(nr), 3)]
        mentees.append(m)
    if variant == "tight":
        for m in mentors:
            m["attrs"]["langs"] = ["en"]
    inst = block_instance(rng, "ties")
    inst["mentors"], inst["mentees"] = mentors, mentees
    inst["forbidden"] = [[f"e{i}", f"p{rng.randrange(nr)}"] for i in range(0, ne, 11)]
    return inst


def class_instance(rng, variant):
    """Instances where mentee blocks mix people with 1 to 7 needs, so that
    the overlap bound by class of |A| (1, 2, 3, 4 or more) is put to the
    test:
      exact  - mentees come in five identical kinds (1, 2, 3, 5 and 7
               needs) with the same time zone, seniority and style, mixed
               at random inside every block: each class's union is one
               kind's needs, so a block's bound is the exact score of its
               best member, and lists tie at their k-th score
      mixed  - the same sizes of needs drawn at random from the tags, in
               runs of equal size shorter than a block: the last class
               holds 4 to 7 needs and its least |A| decides"""
    ne, nr = rng.randint(300, 380), rng.randint(60, 90)
    sizes = [1, 2, 3, 5, 7]
    kinds = [rng.sample(TAGS, n) for n in sizes]
    mentors, mentees = [], []
    for i in range(nr):
        sk = rng.sample(TAGS, rng.randint(1, 6))
        mentors.append({"id": f"p{i}", "capacity": rng.randint(1, 2),
                        "attrs": {"skills": sk, "langs": ["en"], "tz": rng.randint(-1, 1),
                                  "years": rng.randint(6, 12), "p": [1, 2, 3, 1]}})
    for i in range(ne):
        if variant == "exact":
            sk = kinds[rng.randrange(5)]
        else:
            sk = rng.sample(TAGS, sizes[(i // 20) % 5] if i % 3 else rng.randint(4, 7))
        m = {"id": f"e{i}", "wants": rng.randint(1, 2),
             "attrs": {"needs": sk, "langs": ["en"], "tz": 0, "years": 2, "p": [1, 2, 3, 1]}}
        if rng.random() < 0.2:
            m["choices"] = [f"p{j}" for j in rng.sample(range(nr), 3)]
        mentees.append(m)
    inst = block_instance(rng, "ties")
    inst["mentors"], inst["mentees"] = mentors, mentees
    inst["forbidden"] = [[f"e{i}", f"p{rng.randrange(nr)}"] for i in range(0, ne, 9)]
    return inst


def test_blocks(rng, variant, objective, extra, make=block_instance, prefix="blocks"):
    name = f"{prefix}-{variant}-{objective}{''.join(extra)}"
    inst = make(rng, variant)
    inst["objective"] = objective
    allowed = pair_scores(inst)
    res, err = run_cli(inst, name, list(extra))
    check(res is not None, name, f"cli failed: {err}")
    if res is None:
        return
    common_checks(name, inst, res, allowed)
    wants, caps, arcs, locked = residual(inst, allowed)
    pairs = solver_pairs(inst, res, locked)
    if objective == "stable":
        ref = deferred_acceptance(inst, wants, caps, arcs)
        check(pairs == ref, name, f"{len(pairs)} pairs, reference {len(ref)}, "
              f"{len(pairs ^ ref)} differ")
        return
    lm, lt, _ = lemon(wants, caps, arcs)
    if objective == "fair":
        levels = sorted({w for w, _ in arcs.values()})
        lo, hi = 0, len(levels) - 1
        while lo < hi:  # the highest threshold that keeps lm matched
            mid = (lo + hi + 1) // 2
            if lemon(wants, caps, arcs, levels[mid])[0] == lm:
                lo = mid
            else:
                hi = mid - 1
        _, lt, _ = lemon(wants, caps, arcs, levels[lo])
        got_min = min(arcs[p][0] for p in pairs)
        check(got_min == levels[lo], name, f"lowest {got_min}, oracle {levels[lo]}")
    got = (len(pairs), sum(arcs[p][0] for p in pairs))
    check(got == (lm, lt), name, f"ours {got} lemon {(lm, lt)}")
    check(res["stats"]["optimal"] is True, name, "not proven")


def solver_instance(rng, variant):
    """Instances for the solver's and the proof's own rules:
      scarce - mentee slots more than twice the mentors' (the shortest-path
               searches skip arcs that cannot beat the path found so far),
               people of three identical kinds, so that many arcs tie with
               the path's length exactly (the skip's bound is tight)
      near   - a crowded program (capacities 3-9) of two kinds with a year
               or two of seniority between people, so that many scores lie
               within 0.01 of each other: the proof's first pass finds the
               pairs that break the duals, its second the near ones"""
    inst = block_instance(rng, "ties")
    kinds = [(rng.sample(TAGS, 2), rng.randint(-2, 2), rng.randint(0, 5),
              [rng.randint(1, 5) for _ in range(4)]) for _ in range(3)]
    if variant == "scarce":
        ne, nr, caps = rng.randint(300, 400), rng.randint(60, 80), (1, 2)
    else:
        ne, nr, caps = rng.randint(300, 400), rng.randint(60, 80), (3, 9)
    mentors, mentees = [], []
    for i in range(nr):
        sk, tz, yr, p = kinds[rng.randrange(3 if variant == "scarce" else 2)]
        if variant == "near":
            yr += rng.randint(0, 2)
        mentors.append({"id": f"p{i}", "capacity": rng.randint(*caps),
                        "attrs": {"skills": sk, "langs": ["en"], "tz": tz, "years": yr + 8,
                                  "p": p}})
    for i in range(ne):
        sk, tz, yr, p = kinds[rng.randrange(3 if variant == "scarce" else 2)]
        if variant == "near":
            yr += rng.randint(0, 2)
        m = {"id": f"e{i}", "wants": rng.randint(1, 3),
             "attrs": {"needs": sk, "langs": ["en"], "tz": tz, "years": yr, "p": p}}
        if rng.random() < 0.2:
            m["choices"] = [f"p{j}" for j in rng.sample(range(nr), 3)]
        mentees.append(m)
    inst["mentors"], inst["mentees"] = mentors, mentees
    inst["forbidden"] = [[f"e{i}", f"p{rng.randrange(nr)}"] for i in range(0, ne, 9)]
    return inst


def main():
    rng = random.Random(SEED)
    for i in range(COUNT):
        test_total(rng, i)
        test_total(rng, 1000 + i, wants1=True)
        test_total(rng, 2000 + i, scores_form=True)
        test_fair(rng, i)
        test_stable(rng, i)
    for i in range(3):
        test_pruned_large(rng, i)
    for variant in ("ties", "required", "tight"):
        for extra in ((), ("--top-k", "2")):
            test_blocks(rng, variant, "total", extra)
        test_blocks(rng, variant, "stable", ())
    test_blocks(rng, "required", "fair", ())
    test_blocks(rng, "ties", "fair", ("--top-k", "3"))
    for variant in ("required", "tight", "far"):
        for extra in ((), ("--top-k", "2")):
            test_blocks(rng, variant, "total", extra, group_instance, "groups")
    test_blocks(rng, "required", "fair", (), group_instance, "groups")
    for variant in ("required", "tight", "far"):
        test_blocks(rng, variant, "total", (), lambda r, v: group_instance(r, v, wide=True),
                    "wide-groups")
    for variant in ("scarce", "near"):
        for extra in ((), ("--top-k", "1")):
            test_blocks(rng, variant, "total", extra, solver_instance, "solver")
        test_blocks(rng, variant, "fair", ("--top-k", "1"), solver_instance, "solver")
    for variant in ("exact", "mixed"):
        for extra in ((), ("--top-k", "2")):
            test_blocks(rng, variant, "total", extra, class_instance, "classes")
        test_blocks(rng, variant, "fair", (), class_instance, "classes")
        test_blocks(rng, variant, "stable", (), class_instance, "classes")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

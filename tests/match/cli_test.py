"""The file contract of `tandem match`: bad input is refused with exit
status 2, one line naming the place, and nothing written; good input
writes JSON to -o or standard output. run(cli, check) is called by
run_tests.py with its check(cond, name, msg)."""
import json
import os
import subprocess
import tempfile

GOOD = {
    "objective": "total",
    "min_score": 0.0,
    "mentors": [{"id": "m1", "capacity": 2, "attrs": {"skills": ["c", "sql"], "utc_offset": 1}},
                {"id": "m2", "capacity": 1, "attrs": {"skills": ["go"], "utc_offset": -5}}],
    "mentees": [{"id": "e1", "wants": 1, "choices": ["m1"],
                 "attrs": {"needs": ["sql"], "utc_offset": 2}},
                {"id": "e2", "attrs": {"needs": ["go"], "utc_offset": 0}}],
    "criteria": [{"name": "skills", "kind": "overlap", "mentee_field": "needs",
                  "mentor_field": "skills", "weight": 3},
                 {"name": "tz", "kind": "distance", "field": "utc_offset", "scale": 6,
                  "weight": 1}],
    "forbidden": [["e1", "m2"]],
    "locked": [["e1", "m1"]],
}


def variant(path_fn):
    d = json.loads(json.dumps(GOOD))
    path_fn(d)
    return d


# (name, mutation, expected substring of the message)
BAD = [
    ("unknown mentor in locked", lambda d: d["locked"].append(["e2", "zz"]),
     'locked[1]: unknown mentor "zz"'),
    ("unknown mentee in forbidden", lambda d: d["forbidden"].append(["zz", "m1"]),
     'forbidden[1]: unknown mentee "zz"'),
    ("duplicate mentor id", lambda d: d["mentors"].append({"id": "m1"}),
     "mentors[2].id: duplicate id"),
    ("duplicate mentee id", lambda d: d["mentees"].append({"id": "e2"}),
     "mentees[2].id: duplicate id"),
    ("negative capacity", lambda d: d["mentors"][1].update(capacity=-1),
     "mentors[1].capacity: must be >= 0"),
    ("negative wants", lambda d: d["mentees"][0].update(wants=-2),
     "mentees[0].wants: must be >= 0"),
    ("fractional capacity", lambda d: d["mentors"][0].update(capacity=1.5),
     "mentors[0].capacity: must be an integer"),
    ("negative weight", lambda d: d["criteria"][0].update(weight=-1),
     "criteria[0].weight: must be a number >= 0"),
    ("weights that overflow", lambda d: [c.update(weight=1e308) for c in d["criteria"]],
     "criteria[0].weight: must be at most 1000000"),
    ("unknown kind", lambda d: d["criteria"][0].update(kind="magic"),
     "criteria[0].kind: unknown kind"),
    ("unknown criterion key", lambda d: d["criteria"][0].update(colour=1),
     "criteria[0].colour: unknown key"),
    ("unknown top key", lambda d: d.update(extra=1), "extra: unknown key"),
    ("unknown mentor key", lambda d: d["mentors"][0].update(cap=1),
     "mentors[0].cap: unknown key"),
    ("bad field type", lambda d: d["mentors"][0]["attrs"].update(utc_offset={"a": 1}),
     "mentors[0].attrs.utc_offset: must be"),
    ("field type mixed", lambda d: d["mentors"][1]["attrs"].update(utc_offset="x"),
     "mentors[1].attrs.utc_offset: must be a number, like elsewhere"),
    ("field type against kind", lambda d: [p["attrs"].update(utc_offset="x")
                                           for p in d["mentors"] + d["mentees"]],
     'attribute "utc_offset" is a string'),
    ("locked forbidden", lambda d: d["forbidden"].append(["e1", "m1"]),
     'locked[0]: ["e1", "m1"] is forbidden'),
    ("locked below min_score", lambda d: d.update(min_score=0.99),
     "locked[0]: [\"e1\", \"m1\"] scores below min_score"),
    ("locked over capacity", lambda d: (d["mentors"][0].update(capacity=1),
                                        d["locked"].append(["e2", "m1"])),
     'locked[1]: mentor "m1" is locked to more mentees than its capacity (1)'),
    ("scores and criteria", lambda d: d.update(scores=[["e1", "m1", 0.5]]),
     "give either scores or criteria, not both"),
    ("neither scores nor criteria", lambda d: d.pop("criteria"),
     "give either scores or criteria"),
    ("bad objective", lambda d: d.update(objective="best"), "objective: must be"),
    ("min_score above 1", lambda d: d.update(min_score=2), "min_score: must be"),
    ("gap with min > max", lambda d: d["criteria"].append(
        {"name": "g", "kind": "gap", "field": "utc_offset", "min": 3, "max": 1}),
     "criteria[2].min: must be a number <= max"),
    ("distance without scale", lambda d: d["criteria"][1].pop("scale"),
     "criteria[1].scale: must be a number > 0"),
    ("unknown choice", lambda d: d["mentees"][0].update(choices=["zz"]),
     'mentees[0].choices[0]: unknown mentor "zz"'),
    ("duplicate criterion name", lambda d: d["criteria"].append(
        {"name": "tz", "kind": "same", "field": "utc_offset"}), "duplicate criterion name"),
    ("score out of range", lambda d: (d.pop("criteria"), d.update(scores=[["e1", "m1", 1.5]])),
     "scores[0]: must be a number in [0, 1]"),
]


def run(cli, check):
    tmp = tempfile.mkdtemp(prefix="match-cli-")
    inp = os.path.join(tmp, "in.json")
    out = os.path.join(tmp, "out.json")

    def go(doc, *args, raw=None):
        with open(inp, "w") as f:
            f.write(raw if raw is not None else json.dumps(doc, indent=1))
        if os.path.exists(out):
            os.unlink(out)
        return subprocess.run([cli, "match", inp, "-o", out, *args], capture_output=True,
                              text=True)

    for name, mut, want in BAD:
        p = go(variant(mut))
        msg = p.stderr.strip()
        check(p.returncode == 2, "bad input: " + name, f"exit {p.returncode}: {msg}")
        check(want in msg and msg.startswith(inp) and "\n" not in msg, "bad input: " + name,
              f"message {msg!r} lacks {want!r}")
        check(not os.path.exists(out) and os.listdir(tmp) == ["in.json"],
              "bad input: " + name, "something was written")

    p = go(None, raw='{\n  "mentors": [\n    {"id": "m1",, }\n  ]\n}\n')
    check(p.returncode == 2 and ":3:" in p.stderr and p.stderr.startswith(inp),
          "malformed JSON", f"exit {p.returncode}: {p.stderr.strip()}")
    p = go(None, raw='{"mentors": [], "mentors": []}')
    check(p.returncode == 2 and "duplicate" in p.stderr, "duplicate key",
          p.stderr.strip())
    p = subprocess.run([cli, "match", os.path.join(tmp, "missing.json")], capture_output=True,
                       text=True)
    check(p.returncode == 2, "missing file", p.stderr.strip())
    p = subprocess.run([cli, "match"], capture_output=True, text=True)
    check(p.returncode == 2, "no input", p.stderr.strip())
    p = go(GOOD, "--objective", "best")
    check(p.returncode == 2, "bad --objective", p.stderr.strip())

    # good input: -o file, standard output, --objective override
    p = go(GOOD)
    check(p.returncode == 0 and os.path.exists(out) and p.stdout == "", "writes -o", p.stderr)
    res = json.load(open(out))
    m = {(x["mentee"], x["mentor"]): x for x in res["matches"]}
    check(set(m) == {("e1", "m1"), ("e2", "m2")}, "example pairs", str(sorted(m)))
    check(abs(m[("e1", "m1")]["score"] - (3 * 1 + 1 * (1 - 1 / 6)) / 4) < 1e-9 and
          abs(m[("e1", "m1")]["explain"]["skills"] - 0.75) < 1e-9, "example score",
          json.dumps(m[("e1", "m1")]))
    st = res["stats"]
    for key in ("matched", "total_score", "min_score", "mean_score", "median_score",
                "histogram", "top3_share", "choices", "mentor_load", "hard_to_match",
                "optimal"):
        check(key in st, "stats has " + key, "missing")
    check(st["optimal"] is True and st["top3_share"] == 1.0, "example stats", json.dumps(st))
    p = subprocess.run([cli, "match", inp], capture_output=True, text=True)
    check(p.returncode == 0 and json.loads(p.stdout)["stats"]["matched"] == 2,
          "standard output", p.stderr)
    p = go(GOOD, "--objective", "stable")
    check(p.returncode == 0 and json.load(open(out))["objective"] == "stable",
          "--objective overrides", p.stderr)
    check(p.stderr == "", "silent when not a terminal", repr(p.stderr))

    # A result of more than 4,096 pairs is written by two threads, the
    # second half formatted apart and appended: the file and standard
    # output hold every pair once, in order, with its score, and agree
    # byte for byte up to the stats (which hold the run's seconds).
    n = 6000
    big = {"objective": "total",
           "mentors": [{"id": f"m{j}", "capacity": 2} for j in range(n // 2)],
           "mentees": [{"id": f"e{i}"} for i in range(n)],
           "scores": [[f"e{i}", f"m{(i // 2 + k) % (n // 2)}", ((i * 7 + k * 3) % 97) / 97]
                      for i in range(n) for k in range(2)]}
    p = go(big)
    check(p.returncode == 0, "big result", p.stderr.strip())
    text = open(out).read()
    res = json.loads(text)
    got = [(x["mentee"], x["mentor"], x["score"]) for x in res["matches"]]
    given = {(e, r): s for e, r, s in big["scores"]}
    order = [int(e[1:]) for e, _, _ in got]
    check(len(got) == res["stats"]["matched"] == n, "big result: every pair",
          f"{len(got)} pairs, stats {res['stats']['matched']}")
    check(order == sorted(order) and len(set(order)) == len(order), "big result: in order",
          "pairs out of order or repeated")
    check(all(abs(given[(e, r)] - s) < 1e-9 for e, r, s in got), "big result: scores",
          "a score differs from the input")
    p = subprocess.run([cli, "match", inp], capture_output=True, text=True)
    head = text[:text.index('"stats"')]
    check(p.returncode == 0 and len(head) > 100000 and p.stdout.startswith(head),
          "big result: standard output the same bytes", p.stderr.strip())

    # A file of 1 MiB or more is read by two threads, the second from the
    # first mentee after the middle: a syntax error or a bad value on
    # either side of that point, or in the pairs after the mentees, gives
    # the message one thread gives, with the line and column of the byte.
    nr, ne = 1500, 9000
    lines = ['{"objective": "total", "mentors": [']
    lines += [(", " if j else "") + json.dumps(
        {"id": f"m{j}", "capacity": 2, "attrs": {"tz": j % 24, "tags": [f"t{j % 40}"]}})
        for j in range(nr)]
    lines.append('], "mentees": [')
    lines += [(", " if i else "") + json.dumps(
        {"id": f"e{i}", "wants": 1, "choices": [f"m{i % nr}"],
         "attrs": {"tz": i % 24, "tags": [f"t{i % 40}", f"u{i % 7}"],
                   "v": [i % 5, 1.5, 2]}})
        for i in range(ne)]
    lines.append('], "criteria": [{"kind": "distance", "field": "tz", "scale": 6}],')
    lines.append('"forbidden": [')
    lines += [(", " if i else "") + json.dumps([f"e{i}", f"m{i % nr}"]) for i in range(0, ne, 2)]
    lines.append("]}")
    size = sum(len(x) + 1 for x in lines)
    check(size > (1 << 20), "split reader: the file is long enough", f"{size} bytes")
    first_e = lines.index('], "mentees": [') + 1  # line index of mentee 0
    p = go(None, raw="\n".join(lines))
    two = open(out).read() if p.returncode == 0 else ""
    check(p.returncode == 0 and json.loads(two)["stats"]["matched"] > 0,
          "split reader: a long good file", p.stderr.strip())
    # --threads 1 reads and writes on one thread: the same result
    p = go(None, "--threads", "1", raw="\n".join(lines))
    one = open(out).read() if p.returncode == 0 else ""
    check(p.returncode == 0 and len(two) > 100000 and
          one[:one.index('"seconds"')] == two[:two.index('"seconds"')],
          "split reader: --threads 1 gives the same result", p.stderr.strip())

    def spoilt(idx, old, new):
        ls = list(lines)
        assert old in ls[idx], (idx, old)
        ls[idx] = ls[idx].replace(old, new, 1)
        return "\n".join(ls), idx + 1, ls[idx].index(new) + 1

    for who, idx in (("before the middle", first_e + 1000), ("after the middle", first_e + 8000),
                     ("the last mentee", first_e + ne - 1)):
        raw, line, col = spoilt(idx, '"wants": 1', '"wants": 1x')
        p = go(None, raw=raw)
        want = f"{inp}:{line}:{col + len(chr(34) + 'wants' + chr(34) + ': 1')}: '}}' expected near 'x"
        check(p.returncode == 2 and p.stderr.strip().startswith(want),
              "split reader: syntax error " + who, f"{p.stderr.strip()!r}, want {want!r}")
        i = idx - first_e
        raw, _, _ = spoilt(idx, '"wants": 1', '"wants": -1')
        p = go(None, raw=raw)
        check(p.returncode == 2 and p.stderr.strip() == f"{inp}: mentees[{i}].wants: must be >= 0",
              "split reader: bad value " + who, p.stderr.strip())
    # a pair that closes the list early: the root then wants a key on the
    # next line, found by the first thread after it took the second's part
    fidx = len(lines) - 3
    ls = list(lines)
    ls[fidx] = ls[fidx] + "]"
    p = go(None, raw="\n".join(ls))
    want = f"{inp}:{fidx + 2}:3: string or '}}' expected near '["
    check(p.returncode == 2 and p.stderr.strip().startswith(want),
          "split reader: syntax error in the pairs", f"{p.stderr.strip()!r}, want {want!r}")
    # what follows the root is read by the first thread after it took the
    # second's part, with the lines the second counted
    p = go(None, raw="\n".join(lines) + "\n\n  #")
    want = f"{inp}:{len(lines) + 2}:3: end of file expected near '#'"
    check(p.returncode == 2 and p.stderr.strip() == want,
          "split reader: text after the end", f"{p.stderr.strip()!r}, want {want!r}")
    ls = list(lines)
    ls[-1] = '], "objective": "fair"}'
    p = go(None, raw="\n".join(ls))
    want = f'{inp}:{len(lines)}:{len(ls[-1])}: duplicate object key "objective"'
    check(p.returncode == 2 and p.stderr.strip().startswith(want),
          "split reader: a key given twice", f"{p.stderr.strip()!r}, want {want!r}")
    raw, _, _ = spoilt(len(lines) - 2, '"m', '"zz')
    p = go(None, raw=raw)
    check(p.returncode == 2 and p.stderr.strip() ==
          f'{inp}: forbidden[{ne // 2 - 1}]: unknown mentor "zz{(ne - 2) % nr}"',
          "split reader: bad pair at the end", p.stderr.strip())

#!/usr/bin/python3
"""SciPy's linear_sum_assignment on the slot-expanded matrix (an anchor of
bench/match). Reads the dense file of `bench dense`: int32 ne, nr, ne
wants, nr capacities, then ne rows of nr integer scores (-1: not allowed).
Rows are mentee slots, columns mentor slots; an allowed pair weighs
M + score with M above any total, so the assignment is the most matched
slots and then the highest total. The expansion cannot say "a pair is used
once": a mentee wanting two mentors may get two slots of the same mentor,
so this is a relaxation; the number of such repeated pairs is reported.

Usage: scipy_lsa.py DENSE PAIRS_OUT; prints key=value lines."""
import resource
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

path, pairs_out = sys.argv[1], sys.argv[2]
raw = np.fromfile(path, dtype=np.int32)
ne, nr = int(raw[0]), int(raw[1])
wants = raw[2:2 + ne]
caps = raw[2 + ne:2 + ne + nr]
S = raw[2 + ne + nr:].reshape(ne, nr)

t0 = time.perf_counter()
rows = np.repeat(np.arange(ne), wants)
cols = np.repeat(np.arange(nr), caps)
M = float((min(len(rows), len(cols)) + 1) * 1000000)
W = S[rows][:, cols].astype(np.float64)
allowed = W >= 0
W = np.where(allowed, W + M, 0.0)
ri, ci = linear_sum_assignment(W, maximize=True)
secs = time.perf_counter() - t0
use = W[ri, ci] > 0
pe, pr = rows[ri[use]], cols[ci[use]]
w = S[pe, pr]
pairs = set(zip(pe.tolist(), pr.tolist()))
with open(pairs_out, "w") as f:
    for e, r in sorted(pairs):
        f.write(f"{e} {r}\n")
print(f"seconds={secs:.4f}")
print(f"matched={int(use.sum())}")
print(f"total={int(w.sum())}")
print(f"min={int(w.min()) if len(w) else 0}")
print(f"repeated_pairs={int(use.sum()) - len(pairs)}")
hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open("/proc/self/status") as st:
    for line in st:
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
print(f"maxrss_kb={hwm}")

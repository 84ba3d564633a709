#!/usr/bin/env python3
"""Optimal review assignment: sheji's min-cost-flow solver against scipy's HiGHS LP.

Builds the synthetic campaign of `crates/sheji-core/examples/assign.rs` (ITEMS x EXPERTS, REVIEWERS
per item, seed SEED), times sheji's solver RUNS times (a fresh process each run; the solve alone,
not building the instance), then solves the same instance, written to JSON by the example, as a
linear program with scipy.optimize.linprog (HiGHS). The constraint matrix is totally unimodular,
so the LP optimum is the integer optimum; the objectives must match (ratio 1.0). With NX=1 it
also runs networkx's max_flow_min_cost on the same network (slow: pure Python).

The objective of both is lexicographic, as sheji's solver promises: fill every item, then meet
minimum loads, then maximise affinity — encoded with the same bonus per minimum-load unit.

    ITEMS=2000 EXPERTS=300 REVIEWERS=5 RUNS=5 python3 bench/review.py   (needs pip install scipy)
"""
import json, os, statistics, subprocess, sys, tempfile, time

ITEMS = int(os.environ.get("ITEMS", 2000))
EXPERTS = int(os.environ.get("EXPERTS", 300))
REVIEWERS = int(os.environ.get("REVIEWERS", 5))
SEED = int(os.environ.get("SEED", 1))
RUNS = int(os.environ.get("RUNS", 5))
MATCH = os.environ.get("MATCH") == "1"
NX = os.environ.get("NX") == "1"

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["cargo", "build", "--release", "-q", "-p", "sheji-core", "--example", "assign"], cwd=root, check=True)
exe = os.path.join(root, "target", "release", "examples", "assign")
inst = os.path.join(tempfile.mkdtemp(), "instance.json")
args = [exe, "--items", str(ITEMS), "--experts", str(EXPERTS), "--reviewers", str(REVIEWERS), "--seed", str(SEED)]
if MATCH:
    args.append("--match")

runs = []
for r in range(RUNS):
    out = subprocess.run(args + (["--write", inst] if r == 0 else []), capture_output=True, text=True, check=True)
    runs.append(json.loads(out.stdout))
secs = sorted(x["seconds"] for x in runs)
first = runs[0]
print(f"instance: {ITEMS} items x {EXPERTS} experts x {REVIEWERS} reviewers, seed {SEED}, "
      f"{first['pairs_eligible']} eligible pairs{' (specialty match required)' if MATCH else ''}")
print(f"sheji optimal: median {statistics.median(secs):.3f} s (min {secs[0]:.3f}, max {secs[-1]:.3f}, n={RUNS}); "
      f"objective {first['objective']}, assigned {first['assigned']}, shortfalls {first['shortfalls']}, "
      f"experts under minimum {first['under_min']}")

with open(inst) as f:
    p = json.load(f)
items, experts, pairs = p["items"], p["experts"], p["pairs"]
units = sum(it["need"] for it in items)
max_aff = max((q["affinity"] for q in pairs), default=0)
bonus = units * max_aff + 1


from scipy.optimize import linprog
from scipy.sparse import coo_matrix
import numpy as np

n_pairs, n_exp, n_items = len(pairs), len(experts), len(items)
# Variables: x_pair (0..1), y_expert (0..min): minimum-load units met, y_e <= load_e.
nv = n_pairs + n_exp
c = np.zeros(nv)
c[:n_pairs] = [-q["affinity"] for q in pairs]
c[n_pairs:] = -bonus
rows, cols, vals = [], [], []
# Items: sum x = need (every item fillable in this instance; checked by sheji's shortfalls = 0).
for k, q in enumerate(pairs):
    rows.append(q["item"]); cols.append(k); vals.append(1.0)
A_eq = coo_matrix((vals, (rows, cols)), shape=(n_items, nv)).tocsr()
b_eq = np.array([it["need"] for it in items], dtype=float)
rows, cols, vals = [], [], []
for k, q in enumerate(pairs):
    rows.append(q["expert"]); cols.append(k); vals.append(1.0)          # load <= max
    rows.append(n_exp + q["expert"]); cols.append(k); vals.append(-1.0)  # y - load <= 0
for e in range(n_exp):
    rows.append(n_exp + e); cols.append(n_pairs + e); vals.append(1.0)
A_ub = coo_matrix((vals, (rows, cols)), shape=(2 * n_exp, nv)).tocsr()
b_ub = np.array([x["max"] for x in experts] + [0] * n_exp, dtype=float)
bounds = [(0, 1)] * n_pairs + [(0, min(x["min"], x["max"])) for x in experts]
t = time.perf_counter()
res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
lp_secs = time.perf_counter() - t
if res.status != 0:
    sys.exit(f"linprog: {res.message}")
aff = float(np.dot([q["affinity"] for q in pairs], res.x[:n_pairs]))
print(f"scipy HiGHS LP: {lp_secs:.2f} s; objective {aff:.1f}; min-load units {res.x[n_pairs:].sum():.1f}")
print(f"ratio sheji / HiGHS objective: {first['objective'] / aff:.6f}; time ratio HiGHS / sheji: {lp_secs / statistics.median(secs):.1f}x")

if NX:
    import networkx as nx
    g = nx.DiGraph()
    for i, it in enumerate(items):
        g.add_edge("s", ("i", i), capacity=it["need"], weight=0)
    for q in pairs:
        g.add_edge(("i", q["item"]), ("e", q["expert"]), capacity=1, weight=-q["affinity"])
    for e, x in enumerate(experts):
        mn = min(x["min"], x["max"])
        # networkx wants one edge per pair of nodes: the bonus units go through a middle node.
        if mn:
            g.add_edge(("e", e), ("m", e), capacity=mn, weight=-bonus)
            g.add_edge(("m", e), "t", capacity=mn, weight=0)
        if x["max"] > mn:
            g.add_edge(("e", e), "t", capacity=x["max"] - mn, weight=0)
    t = time.perf_counter()
    flow = nx.max_flow_min_cost(g, "s", "t")
    nx_secs = time.perf_counter() - t
    nx_aff = sum(flow[("i", q["item"])][("e", q["expert"])] * q["affinity"] for q in pairs)
    print(f"networkx max_flow_min_cost: {nx_secs:.1f} s; objective {nx_aff}; ratio sheji / networkx {first['objective'] / nx_aff:.6f}")

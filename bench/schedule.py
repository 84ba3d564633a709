#!/usr/bin/env python3
"""The 1:1 schedule of a 对接会: sheji's scheduler against scipy's HiGHS on the same instance.

Builds the synthetic meeting (`crates/sheji-core/examples/schedule.rs`: PARTICIPANTS, SLOTS,
TABLES, MUST/WANT/VETO per cent of ordered pairs, AWAY per cent of participant-slots unavailable,
seed SEED), times sheji's scheduler RUNS times (fresh processes; the schedule alone, not building
the instance), then on the instance it wrote:

- solves the exact time-indexed MILP with scipy.optimize.milp (HiGHS): a binary per candidate
  pair and slot both sides are available in; each pair at most once, each participant at most
  once a slot, at most TABLES meetings a slot; maximise the same weights (a 必见 wish weighs
  more than every 想见 a schedule can hold, so 必见 come first). TIME_LIMIT seconds at most; if
  HiGHS stops there it reports its best schedule and its bound.
- reports ratio sheji / HiGHS objective (1.0 is the goal) and each side's bound.

    PARTICIPANTS=600 SLOTS=12 TABLES=60 RUNS=5 python3 bench/schedule.py   (needs pip install scipy)
"""
import json, os, statistics, subprocess, tempfile, time

P = int(os.environ.get("PARTICIPANTS", 600))
S = int(os.environ.get("SLOTS", 12))
T = int(os.environ.get("TABLES", 60))
MUST = int(os.environ.get("MUST", 5))
WANT = int(os.environ.get("WANT", 20))
VETO = int(os.environ.get("VETO", 5))
AWAY = int(os.environ.get("AWAY", 10))
SEED = int(os.environ.get("SEED", 1))
RUNS = int(os.environ.get("RUNS", 5))
TIME_LIMIT = float(os.environ.get("TIME_LIMIT", 600))

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["cargo", "build", "--release", "-q", "-p", "sheji-core", "--example", "schedule"], cwd=root, check=True)
exe = os.path.join(root, "target", "release", "examples", "schedule")
inst_path = os.path.join(tempfile.mkdtemp(), "instance.json")
args = [exe, "--participants", str(P), "--slots", str(S), "--tables", str(T), "--must", str(MUST),
        "--want", str(WANT), "--veto", str(VETO), "--away", str(AWAY), "--seed", str(SEED)]
runs = []
for r in range(RUNS):
    out = subprocess.run(args + (["--write", inst_path] if r == 0 else []), capture_output=True, text=True, check=True)
    runs.append(json.loads(out.stdout))
secs = sorted(x["seconds"] for x in runs)
first = runs[0]
print(f"instance: {P} participants, {S} slots, {T} tables; wishes {MUST}% must, {WANT}% want, {VETO}% veto; "
      f"{AWAY}% away; seed {SEED}; {first['candidates']} candidate pairs")
print(f"sheji: median {statistics.median(secs):.3f} s (min {secs[0]:.3f}, max {secs[-1]:.3f}, {RUNS} runs); "
      f"{first['meetings']} meetings, {first['musts']} must + {first['wants']} want wishes met; "
      f"objective {first['objective']}, bound {first['upper_bound']}, gap {first['gap']:.4%}")

import numpy as np
from scipy.optimize import milp, LinearConstraint, Bounds
from scipy.sparse import coo_matrix

inst = json.load(open(inst_path))
avail = np.array(inst["available"], dtype=bool).reshape(P, S)
pairs = {}
for a, b, w in inst["wishes"]:
    key = (min(a, b), max(a, b))
    pairs.setdefault(key, [None, None])[0 if a < b else 1] = w
M = 2 * S * T + 1
cands = []
for (a, b), ws in pairs.items():
    if "veto" in ws:
        continue
    weight = M * ws.count("must") + ws.count("want")
    if weight > 0:
        cands.append((a, b, weight))
var_e, var_s, weights = [], [], []
for e, (a, b, w) in enumerate(cands):
    for s in range(S):
        if avail[a, s] and avail[b, s]:
            var_e.append(e); var_s.append(s); weights.append(w)
n = len(weights)
var_e = np.array(var_e); var_s = np.array(var_s); weights = np.array(weights, dtype=float)
ca = np.array([c[0] for c in cands]); cb = np.array([c[1] for c in cands])
cols = np.arange(n)
rows, cs = [], []
# each pair at most once
rows.append(var_e); cs.append(cols)
base = len(cands)
# each participant at most once a slot (both ends)
rows.append(base + ca[var_e] * S + var_s); cs.append(cols)
rows.append(base + cb[var_e] * S + var_s); cs.append(cols)
base2 = base + P * S
# tables per slot
rows.append(base2 + var_s); cs.append(cols)
r = np.concatenate(rows); c = np.concatenate(cs)
A = coo_matrix((np.ones(len(r)), (r, c)), shape=(base2 + S, n)).tocsr()
ub = np.concatenate([np.ones(base), np.ones(P * S), np.full(S, T)])
t0 = time.perf_counter()
res = milp(-weights, integrality=np.ones(n), bounds=Bounds(0, 1),
           constraints=LinearConstraint(A, -np.inf, ub), options={"time_limit": TIME_LIMIT, "disp": False})
secs_h = time.perf_counter() - t0
obj = -res.fun if res.x is not None else float("nan")
bound = -getattr(res, "mip_dual_bound", float("nan"))
print(f"scipy HiGHS MILP: {secs_h:.1f} s, status {res.status} ({res.message.strip()}); {n} binaries; "
      f"objective {obj:.0f}, bound {bound:.0f}")
print(f"ratio sheji / HiGHS objective: {first['objective'] / obj:.6f}; "
      f"time ratio HiGHS / sheji: {secs_h / statistics.median(secs):.0f}x")

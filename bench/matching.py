#!/usr/bin/env python3
"""Matchmaking at the issue's size, for BENCHMARKS.md (issue 20): DEMANDS open demands
(default 10 000) against OFFERS published offers (default 5 000), the top 10 for each.

1. In memory: `crates/sheji-core/examples/matching.rs` ranks every demand's top 10 over the
   same-sized synthetic lists, RUNS times in fresh processes; the ranking alone is timed.
2. Over HTTP: `sheji gen --scale SCALE --demands DEMANDS --offers OFFERS` into a fresh SQLite
   file (or BENCH_DB), `sheji serve`, an administrator's token with `matchmaking.manage`; the
   first `/api/v1/demands/{id}/matches` (which loads the pool of published records) is timed
   on its own, then REQUESTS requests for random demands over one keep-alive connection give
   p50/p95/max. The baseline, for the same ids in the same run: `/api/v1/demands/{id}` (one
   demand read and rendered). The pool is kept 10 s, so a long run includes reloads.

    cargo build --release -p sheji && python3 bench/matching.py
"""
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("SHEJI_BIN", os.path.join(ROOT, "target", "release", "sheji"))
DEMANDS = int(os.environ.get("DEMANDS", "10000"))
OFFERS = int(os.environ.get("OFFERS", "5000"))
SCALE = os.environ.get("SCALE", "1")
RUNS = int(os.environ.get("RUNS", "5"))
REQUESTS = int(os.environ.get("REQUESTS", "500"))
PORT = int(os.environ.get("PORT", "18386"))
PASSWORD = "Bench-Root-2026x"


def token(port):
    """An administrator's API token with matchmaking.manage, made through the pages."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    r = conn.getresponse()
    cookie = r.getheader("set-cookie").split(";")[0]
    html = r.read().decode()
    csrf = html.split('name="csrf" value="')[1].split('"')[0]
    body = urllib.parse.urlencode({"csrf": csrf, "username": "admin", "password": PASSWORD})
    conn.request("POST", "/login", body, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    cookies = dict(c.split(";")[0].split("=", 1) for c in r.headers.get_all("set-cookie"))
    jar = "; ".join("%s=%s" % kv for kv in cookies.items())
    body = urllib.parse.urlencode(
        [("csrf", cookies["sheji_csrf"]), ("name", "bench"), ("days", "1"), ("permissions", "matchmaking.manage")]
    )
    conn.request("POST", "/account/tokens", body, {"Cookie": jar, "Content-Type": "application/x-www-form-urlencoded"})
    html = conn.getresponse().read().decode()
    return "sj_" + html.split("sj_")[1].split("<")[0].split('"')[0].strip()


def timed(conn, path, headers):
    t = time.monotonic()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    data = r.read()
    elapsed = time.monotonic() - t
    if r.status != 200:
        sys.exit("%s answered %d: %s" % (path, r.status, data[:300]))
    return elapsed, data


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release -p sheji (or set SHEJI_BIN)")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "sheji-core", "--example", "matching"], cwd=ROOT,
                   check=True)
    example = os.path.join(ROOT, "target", "release", "examples", "matching")
    runs = []
    for seed in range(RUNS):
        out = subprocess.run([example, str(DEMANDS), str(OFFERS), "10", str(2026 + seed)], capture_output=True,
                             text=True, check=True)
        runs.append(json.loads(out.stdout))
    secs = sorted(r["seconds"] for r in runs)
    print("in memory: %d demands x %d offers, top 10 of each: median %.3f s (%.3f-%.3f, n=%d), %.0f us per demand"
          % (DEMANDS, OFFERS, statistics.median(secs), secs[0], secs[-1], RUNS,
             statistics.median(secs) * 1e6 / DEMANDS))

    work = tempfile.mkdtemp()
    db = os.environ.get("BENCH_DB", "sqlite://" + os.path.join(work, "matching.db"))
    env = dict(os.environ, SHEJI_ADMIN_PASSWORD=PASSWORD, RUST_LOG="warn", SHEJI_DATA_DIR=work,
               SHEJI_SECRET_KEY="BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
    t = time.monotonic()
    subprocess.run([BIN, "gen", "--scale", SCALE, "--demands", str(DEMANDS), "--offers", str(OFFERS), "--db", db],
                   cwd=work, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("generated the city at scale %s with the demands and offers in %.1f s" % (SCALE, time.monotonic() - t))
    server = subprocess.Popen([BIN, "serve", "--db", db, "--bind", "127.0.0.1:%d" % PORT], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        headers = {"Authorization": "Bearer " + token(PORT)}
        conn = http.client.HTTPConnection("127.0.0.1", PORT)
        ids = random.Random(7).sample(range(1, DEMANDS + 1), min(REQUESTS, DEMANDS))
        first, data = timed(conn, "/api/v1/demands/%d/matches?limit=10" % ids[0], headers)
        top = json.loads(data)
        print("first request (loads the pool of %d + %d published records): %.3f s, %d matches, best %d"
              % (DEMANDS, OFFERS, first, len(top), top[0]["score"] if top else 0))
        base, match = [], []
        for i in ids:
            base.append(timed(conn, "/api/v1/demands/%d" % i, headers)[0])
            match.append(timed(conn, "/api/v1/demands/%d/matches?limit=10" % i, headers)[0])
        for name, xs in (("baseline GET /api/v1/demands/{id}", base), ("GET /api/v1/demands/{id}/matches", match)):
            print("%-40s p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  (n=%d)"
                  % (name, pct(xs, 50) * 1e3, pct(xs, 95) * 1e3, max(xs) * 1e3, len(xs)))
        print("matches / baseline: p50 %.2fx, p95 %.2fx" % (pct(match, 50) / pct(base, 50), pct(match, 95) / pct(base, 95)))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

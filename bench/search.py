#!/usr/bin/env python3
"""Search benchmark: the sheji index against LIKE '%q%' (SQLite) and pg_trgm (PostgreSQL),
side by side in one run, on the organizations of a generated city.

    DB=/tmp/s100/s.db python3 bench/search.py

DB       an SQLite database made by `sheji gen` (scale 100 = 1 000 000 organizations)
SHEJI    the binary (default target/release/sheji)
QUERIES  queries per kind (default 200); each is sent once, in order, over one keep-alive
         connection, after a warm-up pass of the same queries
INDEX    keep the index in this folder and reuse it when it is there (default: a fresh one in
         a temporary folder, rebuilt and timed by `sheji search reindex`)
PG       PostgreSQL URL for the pg_trgm side (default postgres://postgres@127.0.0.1:5432/test;
         empty to skip); the names are copied into a table of their own there

It reports the reindex time and index size, then p50/p95 per query kind for: the HTTP API
(`/api/v1/search`, page of 20 with total and facets; `/api/v1/search/suggest`), the SQLite
LIKE scan (count + first 20 rows, in process, no HTTP) and pg_trgm (the same two statements
over a GIN trigram index, through psycopg2). Needs pypinyin (pinyin of sampled names) and
psycopg2.
"""

import http.client
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

DB = os.environ.get("DB", "/tmp/s100/s.db")
SHEJI = os.environ.get("SHEJI", "target/release/sheji")
N = int(os.environ.get("QUERIES", "200"))
PG = os.environ.get("PG", "postgres://postgres@127.0.0.1:5432/test")
PORT = int(os.environ.get("PORT", "18093"))

random.seed(7)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def summary(label, ms):
    print(f"  {label:<44} p50 {pct(ms, 50):8.2f} ms   p95 {pct(ms, 95):8.2f} ms   max {max(ms):8.2f} ms")
    return pct(ms, 50), pct(ms, 95)


def sample_queries(con):
    from pypinyin import lazy_pinyin, Style

    total = con.execute("SELECT MAX(id) FROM organization").fetchone()[0]
    names = []
    while len(names) < N:
        row = con.execute("SELECT name FROM organization WHERE id = ?", (random.randint(1, total),)).fetchone()
        if row:
            names.append(row[0])
    one, two, pinyin, sug_han, sug_py = [], [], [], [], []
    for name in names:
        # The brand: the two characters after the place word (重庆 + 2-char district or not).
        body = re.sub(r"^重庆(市)?", "", name)
        brand = body[:2] if len(body) >= 2 else name[:2]
        one.append(brand)
        trade = random.choice(["设计", "科技", "制造", "汽车", "智能", "材料", "研究院", "装备"])
        two.append(f"{brand} {trade}")
        pinyin.append("".join(lazy_pinyin(brand)))
        sug_han.append(brand[:2])
        full = "".join(lazy_pinyin(body[:4]))
        sug_py.append(full[: random.randint(3, 6)])
    return {"one word (brand, 2 Han chars)": one, "two words (brand + trade)": two,
            "pinyin of the brand": pinyin}, {"suggest: 2 Han chars": sug_han, "suggest: pinyin prefix 3-6 letters": sug_py}


def http_latencies(path_of, queries):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    out, hits = [], 0
    for q in queries:
        path = path_of(q)
        t = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        out.append((time.perf_counter() - t) * 1000)
        if r.status != 200:
            raise SystemExit(f"{path}: {r.status} {body[:200]}")
        data = json.loads(body)
        hits += 1 if (data.get("total", 0) if isinstance(data, dict) else len(data)) > 0 else 0
    conn.close()
    return out, hits


def db_latencies(cur, table, mark, queries):
    """count + first 20 rows of `name LIKE '%w%'` for every word; `mark` is the driver's
    placeholder (? for sqlite3, %s for psycopg2)."""
    out = []
    for q in queries:
        words = q.split()
        where = " AND ".join([f"name LIKE {mark}"] * len(words))
        args = [f"%{w}%" for w in words]
        t = time.perf_counter()
        cur.execute(f"SELECT count(*) FROM {table} WHERE {where}", args)
        cur.fetchone()
        cur.execute(f"SELECT id, name FROM {table} WHERE {where} LIMIT 20", args)
        cur.fetchall()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main():
    if not os.path.exists(DB):
        raise SystemExit(f"no database at {DB}; make one with: sheji gen --scale 100 --db sqlite://{DB}")
    con = sqlite3.connect(DB)
    count = con.execute("SELECT COUNT(*) FROM organization").fetchone()[0]
    print(f"organizations: {count:,}")
    searches, suggests = sample_queries(con)

    work = tempfile.mkdtemp(prefix="sheji_search_bench_")
    index_dir = os.environ.get("INDEX") or os.path.join(work, "index")
    env = dict(os.environ, SHEJI_SEARCH_DIR=index_dir, SHEJI_DATA_DIR=work,
               SHEJI_SECRET_KEY="BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=", SHEJI_LANG="en",
               SHEJI_ADMIN_PASSWORD="Bench-Pass-2026")
    url = f"sqlite://{DB}"
    if os.path.isdir(index_dir) and os.environ.get("INDEX"):
        print(f"reindex: skipped, reusing {index_dir} (the server rebuilds it if it is stale)")
    else:
        t = time.perf_counter()
        out = subprocess.run([SHEJI, "search", "reindex", "--db", url], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t
        if out.returncode != 0:
            raise SystemExit(out.stderr + out.stdout)
        print(f"reindex: {wall:.1f} s wall (binary start to exit) — {out.stdout.strip().splitlines()[-1]}")
    size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(env["SHEJI_SEARCH_DIR"]) for f in fs)
    print(f"index on disk: {size / 2**20:.1f} MiB; database file: {os.path.getsize(DB) / 2**20:.1f} MiB")

    server = subprocess.Popen([SHEJI, "serve", "--db", url, "--bind", f"127.0.0.1:{PORT}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        results = {}
        print("sheji over HTTP (one keep-alive connection, sequential):")
        for label, qs in searches.items():
            path = lambda q: "/api/v1/search?per_page=20&q=" + urllib.parse.quote(q)
            http_latencies(path, qs)  # warm-up
            ms, hits = http_latencies(path, qs)
            results[("sheji", label)] = summary(f"{label} ({hits}/{len(qs)} found)", ms)
        for label, qs in suggests.items():
            path = lambda q: "/api/v1/search/suggest?q=" + urllib.parse.quote(q)
            http_latencies(path, qs)
            ms, hits = http_latencies(path, qs)
            results[("sheji", label)] = summary(f"{label} ({hits}/{len(qs)} found)", ms)
    finally:
        server.terminate()
        server.wait()

    print("SQLite LIKE '%q%' on organization.name (count + 20 rows, in process):")
    for label in ["one word (brand, 2 Han chars)", "two words (brand + trade)"]:
        qs = searches[label]
        db_latencies(con.cursor(), "organization", "?", qs[:20])
        ms = db_latencies(con.cursor(), "organization", "?", qs)
        results[("like", label)] = summary(label, ms)
    ms = db_latencies(con.cursor(), "organization", "?", suggests["suggest: 2 Han chars"])
    results[("like", "suggest: 2 Han chars")] = summary("suggest: 2 Han chars", ms)

    if PG:
        import psycopg2

        pg = psycopg2.connect(PG)
        pg.autocommit = True
        cur = pg.cursor()
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cur.execute("DROP TABLE IF EXISTS bench_names")
        cur.execute("CREATE TABLE bench_names (id integer PRIMARY KEY, name text NOT NULL)")
        tmp = os.path.join(work, "names.tsv")
        with open(tmp, "w") as f:
            for i, name in con.execute("SELECT id, name FROM organization"):
                f.write(f"{i}\t{name}\n")
        with open(tmp) as f:
            cur.copy_from(f, "bench_names", columns=("id", "name"))
        t = time.perf_counter()
        cur.execute("CREATE INDEX bench_names_trgm ON bench_names USING gin (name gin_trgm_ops)")
        cur.execute("ANALYZE bench_names")
        print(f"PostgreSQL pg_trgm GIN index built in {time.perf_counter() - t:.1f} s, "
              f"size {pg_size(cur, 'bench_names_trgm') / 2**20:.1f} MiB")
        print("PostgreSQL pg_trgm (LIKE '%q%' over a GIN trigram index; count + 20 rows, psycopg2):")
        for label in ["one word (brand, 2 Han chars)", "two words (brand + trade)"]:
            qs = searches[label]
            db_latencies(cur, "bench_names", "%s", qs[:20])
            ms = db_latencies(cur, "bench_names", "%s", qs)
            results[("trgm", label)] = summary(label, ms)
        cur.execute("EXPLAIN SELECT count(*) FROM bench_names WHERE name LIKE '%长安汽车%'")
        plan = " / ".join(r[0].strip() for r in cur.fetchall()[:3])
        print(f"  plan for a 4-character query: {plan}")
        cur.execute("DROP TABLE bench_names")

    print("ratios (p95 of the other / p95 of sheji):")
    for (engine, label), (_, p95) in results.items():
        if engine != "sheji" and ("sheji", label) in results:
            print(f"  {engine:>5} {label:<36} {p95 / results[('sheji', label)][1]:8.1f}x")
    shutil.rmtree(work, ignore_errors=True)


def pg_size(cur, rel):
    cur.execute("SELECT pg_relation_size(%s)", (rel,))
    return cur.fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Single-record write throughput, for BENCHMARKS.md (issue 19, item 10).

Serves a fresh SQLite database (or BENCH_DB) with the release binary and has CLIENTS API
clients (default 20; keep-alive, one thread each) create organizations through
`POST /api/v1/staff/organizations` for DURATION seconds (default 10), RUNS times (default 3).
Each create is checked by reading it back (`GET /api/v1/staff/organizations/{id}` right after
the 200: read-your-writes; READBACK=0 leaves that out and counts creates only) and, at the end,
`sheji audit verify` checks the whole chain.

The baseline, in the same run and on the same machine: the same organization row, its search
outbox row and its chained audit record (the previous hash read from the chain's head, the new
hash written back) inserted directly into a copy of the database by CLIENTS Python threads with
their own sqlite3 connections, one transaction per record, WAL and synchronous=NORMAL like the
server's.

Prints, per run, acknowledged writes per second, p50 and p95 latency, and the medians, with
the ratio to the baseline.

    cargo build --release -p sheji && python3 bench/writes.py
"""
import hashlib
import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("SHEJI_BIN", os.path.join(ROOT, "target", "release", "sheji"))
CLIENTS = int(os.environ.get("CLIENTS", "20"))
DURATION = float(os.environ.get("DURATION", "10"))
RUNS = int(os.environ.get("RUNS", "3"))
PORT = int(os.environ.get("PORT", "18384"))
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
PASSWORD = "Bench-Root-2026x"
# READBACK=0 counts creates only (each client's next create follows the 200 at once), as the
# attack that filed issue 19 measured them.
READBACK = os.environ.get("READBACK", "1") == "1"


def uscc(n):
    body = "91500120MA" + "".join(ALPHABET[(n // 31 ** i) % 31] for i in range(6)) + "0"
    check = (31 - sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS)) % 31) % 31
    return body + ALPHABET[check]


def token(port):
    """An administrator's API token with registry.edit, made through the pages."""
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
        [("csrf", cookies["sheji_csrf"]), ("name", "bench"), ("days", "1"), ("permissions", "registry.edit"),
         ("permissions", "registry.read_private")]
    )
    conn.request("POST", "/account/tokens", body, {"Cookie": jar, "Content-Type": "application/x-www-form-urlencoded"})
    html = conn.getresponse().read().decode()
    return "sj_" + html.split("sj_")[1].split("<")[0].split('"')[0].strip()


def district(port):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/api/v1/districts?per_page=1")
    return json.loads(conn.getresponse().read())["items"][0]["id"]


def load(port, tok, district_id, start):
    """CLIENTS threads creating organizations for DURATION seconds: (latencies, failures)."""
    latencies, failures, lock = [], [], threading.Lock()
    stop = time.monotonic() + DURATION
    counter = [start]

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
        while time.monotonic() < stop:
            with lock:
                counter[0] += 1
                n = counter[0]
            body = json.dumps({"uscc": uscc(n), "name": "重庆压测%06d设计有限公司" % n, "kind": "design_firm",
                               "district_id": district_id, "description": "写入基准"})
            t = time.monotonic()
            conn.request("POST", "/api/v1/staff/organizations", body, headers)
            r = conn.getresponse()
            data = r.read()
            elapsed = time.monotonic() - t
            if r.status != 200:
                with lock:
                    failures.append((r.status, data[:200]))
                continue
            oid = json.loads(data)["id"]
            status = 200
            if READBACK:
                conn.request("GET", "/api/v1/staff/organizations/%d" % oid, headers=headers)
                back = conn.getresponse()
                back.read()
                status = back.status
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    failures.append(("read-back", status))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures, counter[0]


def baseline(db_path, start):
    """The same rows written directly: organization, outbox and chained audit record."""
    done, lock = [0], threading.Lock()
    stop = time.monotonic() + DURATION
    counter = [start]

    def client():
        c = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")
        while time.monotonic() < stop:
            with lock:
                counter[0] += 1
                n = counter[0]
            now = time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime())
            c.execute("BEGIN IMMEDIATE")
            cur = c.execute(
                "INSERT INTO organization (uscc, name, kind, district_id, address, description, created_at, updated_at)"
                " VALUES (?, ?, 'design_firm', 1, '', '写入基准', ?, ?)",
                (uscc(n), "重庆直写%06d设计有限公司" % n, now, now),
            )
            oid = cur.lastrowid
            c.execute("INSERT INTO search_outbox (doc_type, doc_id, created_at) VALUES ('organization', ?, ?)", (oid, now))
            seq, prev = c.execute("SELECT seq, last_hash FROM audit_head WHERE id = 1").fetchone()
            after = json.dumps({"name": "重庆直写%06d设计有限公司" % n, "kind": "design_firm"}, ensure_ascii=False)
            h = hashlib.sha256((prev + after).encode()).hexdigest()
            c.execute(
                "INSERT INTO audit_record (at_ms, actor_id, actor_name, ip, action, target_type, target_id, before_json,"
                " after_json, prev_hash, hash) VALUES (?, 1, 'admin', '127.0.0.1', 'organization.create', 'organization',"
                " ?, 'null', ?, ?, ?)",
                (int(time.time() * 1000), str(oid), after, prev, h),
            )
            c.execute("UPDATE audit_head SET seq = ?, last_hash = ? WHERE id = 1", (seq + 1, h))
            c.execute("COMMIT")
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / DURATION


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else 0.0


def main():
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release -p sheji (or set SHEJI_BIN)")
    work = tempfile.mkdtemp()
    db_file = os.path.join(work, "writes.db")
    db = os.environ.get("BENCH_DB", "sqlite://" + db_file)
    env = dict(os.environ, SHEJI_ADMIN_PASSWORD=PASSWORD, RUST_LOG="warn", SHEJI_DATA_DIR=work,
               SHEJI_SECRET_KEY="BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
    server = subprocess.Popen([BIN, "serve", "--db", db, "--bind", "127.0.0.1:%d" % PORT], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        tok, d = token(PORT), district(PORT)
        print("machine: %d cores, %s, %d clients, %.0f s per run, db %s" % (
            os.cpu_count(), time.strftime("%Y-%m-%d"), CLIENTS, DURATION, db.split("://")[0]))
        rates, p50s, p95s, bases = [], [], [], []
        start = 0
        for run in range(RUNS):
            latencies, failures, start = load(PORT, tok, d, start)
            rate = len(latencies) / DURATION
            rates.append(rate)
            p50s.append(pct(latencies, 0.5) * 1000)
            p95s.append(pct(latencies, 0.95) * 1000)
            base = None
            if db.startswith("sqlite"):
                copy = os.path.join(work, "baseline-%d.db" % run)
                shutil.copy(db_file, copy)
                for suffix in ("-wal", "-shm"):
                    if os.path.exists(db_file + suffix):
                        shutil.copy(db_file + suffix, copy + suffix)
                base = baseline(copy, start + 10_000_000)
                bases.append(base)
            print(("run %d: %.0f writes/s acknowledged" + (" and read back" if READBACK else "") + ", p50 %.1f ms, p95 %.1f ms, %d failed%s") % (
                run + 1, rate, p50s[-1], p95s[-1], len(failures),
                "; baseline %.0f writes/s" % base if base else ""))
            if failures:
                print("  first failure:", failures[0])
        line = "median: %.0f writes/s (%.0f–%.0f), p50 %.1f ms, p95 %.1f ms" % (
            statistics.median(rates), min(rates), max(rates), statistics.median(p50s), statistics.median(p95s))
        if bases:
            line += "; baseline %.0f writes/s; ratio %.2f" % (statistics.median(bases),
                                                             statistics.median(rates) / statistics.median(bases))
        print(line)
    finally:
        server.terminate()
        server.wait()
    verify = subprocess.run([BIN, "audit", "verify", "--db", db], cwd=work, env=env, capture_output=True, text=True)
    print("audit chain:", (verify.stdout + verify.stderr).strip().splitlines()[-1] if (verify.stdout + verify.stderr).strip() else verify.returncode)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

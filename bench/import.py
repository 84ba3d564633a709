#!/usr/bin/env python3
"""Import benchmark for BENCHMARKS.md.

Writes a spreadsheet of ROWS organizations (default 100 000) in the template's columns, then,
RUNS times each (default 3), measures wall time and peak memory of
  * openpyxl in read-only mode merely reading every cell of the file (the baseline), and
  * `sheji import orgs FILE --skip-invalid` into a fresh SQLite database (parse, validate,
    write, audit),
and prints medians with their spread and the ratio of the two.

    cargo build --release -p sheji && pip install openpyxl && python3 bench/import.py
"""
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROWS = int(os.environ.get("ROWS", "100000"))
RUNS = int(os.environ.get("RUNS", "3"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("SHEJI_BIN", os.path.join(ROOT, "target", "release", "sheji"))
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
DISTRICTS = ["璧山区", "两江新区", "九龙坡区", "沙坪坝区", "江津区", "永川区", "大足区", "涪陵区", "巴南区", "长寿区"]
KINDS = ["制造企业", "设计企业", "研究机构", "服务平台"]


def uscc(rng, i):
    body = "915001" + "%02d" % (i % 100) + "MA" + "".join(rng.choice(ALPHABET) for _ in range(6)) + "0"
    check = (31 - sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS)) % 31) % 31
    return body + ALPHABET[check]


def write_file(path):
    from openpyxl import Workbook

    rng = random.Random(2026)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名单")
    ws.append(["统一社会信用代码", "单位名称", "单位类型", "所属区县", "地址", "联系人", "联系电话", "成立日期",
               "指标年度", "营业收入（万元）", "设计投入（万元）", "从业人员", "设计人员", "新产品销售收入（万元）"])
    seen = set()
    for i in range(ROWS):
        code = uscc(rng, i)
        while code in seen:
            code = uscc(rng, i)
        seen.add(code)
        staff = rng.randint(50, 3000)
        ws.append([code, "重庆测试%06d制造有限公司" % i, rng.choice(KINDS), rng.choice(DISTRICTS), "重庆市璧山区璧南大道%d号" % (i % 999 + 1),
                   "张伟", "138%08d" % i, "2015-06-18", 2025, "%.1f" % rng.uniform(1000, 200000), "%.1f" % rng.uniform(10, 3000),
                   staff, max(1, staff // 20), "%.1f" % rng.uniform(100, 50000)])
    wb.save(path)


def measured(cmd, cwd, env=None):
    """Wall seconds and peak RSS (MiB) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {out.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024, out.stdout


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit("build first: cargo build --release -p sheji")
    work = tempfile.mkdtemp()
    path = os.path.join(work, "orgs.xlsx")
    t = time.perf_counter()
    write_file(path)
    print(f"machine: {os.cpu_count()} cores; file: {ROWS} rows, {os.path.getsize(path) / 1e6:.1f} MB, written in {time.perf_counter() - t:.1f} s")
    reader = ("import sys; from openpyxl import load_workbook\n"
              "wb = load_workbook(sys.argv[1], read_only=True)\n"
              "n = sum(1 for row in wb.active.iter_rows(values_only=True) for c in row)\nprint(n)")
    env = dict(os.environ, SHEJI_SECRET_KEY="BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=", SHEJI_ADMIN_PASSWORD="Bench-Root-2026",
               RUST_LOG="warn", SHEJI_LANG="en")
    base, ours = [], []
    for run in range(RUNS):
        # Peak RSS of children is a high-water mark across the whole script: measure each tool
        # in its own fresh interpreter so one does not mask the other.
        base.append(measured([sys.executable, "-c",
                              "import resource,subprocess,sys,time;t=time.perf_counter();subprocess.run(sys.argv[1:],check=True,capture_output=True);"
                              "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024)",
                              sys.executable, "-c", reader, path], work))
        db = os.path.join(work, f"run{run}")
        os.makedirs(db)
        ours.append(measured([sys.executable, "-c",
                              "import resource,subprocess,sys,time;t=time.perf_counter();subprocess.run(sys.argv[1:],check=True,capture_output=True);"
                              "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024)",
                              BIN, "import", "orgs", path, "--skip-invalid", "--db", f"sqlite://{db}/sheji.db"], db, env))
    def parse(results):
        walls = [float(r[2].split()[0]) for r in results]
        peaks = [float(r[2].split()[1]) for r in results]
        return walls, peaks
    bw, bp = parse(base)
    ow, op = parse(ours)
    fmt = lambda xs: f"{statistics.median(xs):.1f} ({min(xs):.1f}–{max(xs):.1f})"
    print(f"openpyxl read-only, read every cell: {fmt(bw)} s, peak RSS {fmt(bp)} MiB, n={RUNS}")
    print(f"sheji import (parse, validate, write, audit): {fmt(ow)} s, peak RSS {fmt(op)} MiB, n={RUNS}")
    print(f"ratio openpyxl read / sheji import: {statistics.median(bw) / statistics.median(ow):.2f}x")


if __name__ == "__main__":
    main()

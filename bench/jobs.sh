#!/usr/bin/env bash
# The job queue across nodes: N connectivity checks queued into a fresh PostgreSQL database,
# worked by one `sheji serve` node (the baseline) and then by two nodes on the same database;
# prints the wall time from queueing to the last job done and the jobs finished per second.
# Needs the release binary (cargo build --release -p sheji) and PostgreSQL at $PG (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
BIN=$(realpath "${BIN:-target/release/sheji}")
export SHEJI_ADMIN_PASSWORD=Bench-Queue-2026
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

run() { # nodes
  local nodes=$1 db="sheji_bench_jobs_$1"
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  local url="$PG/$db"
  # Every command runs in the scratch folder: the data-encryption key and data land there.
  cd "$work"
  "$BIN" migrate --db "$url" >/dev/null
  local pids=()
  for i in $(seq 1 "$nodes"); do
    (SHEJI_SEARCH_DIR="$work/index$i" "$BIN" serve --db "$url" --bind "127.0.0.1:$((8190 + i))" >"$work/node$i.log" 2>&1) &
    pids+=($!)
  done
  for i in $(seq 1 "$nodes"); do
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$((8190 + i))/readyz" >/dev/null && break; sleep 0.2; done
  done
  local start end
  start=$(date +%s.%N)
  "$BIN" jobs ping --count "$N" --db "$url" >/dev/null
  while :; do
    local open
    open=$("$BIN" jobs status --db "$url" | awk '$1=="queued"||$1=="running"{s+=$2} END{print s+0}')
    [ "$open" -eq 0 ] && break
    sleep 0.2
  done
  end=$(date +%s.%N)
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  cd - >/dev/null
  awk -v n="$N" -v s="$start" -v e="$end" -v nodes="$nodes" \
    'BEGIN{printf "%d node(s): %d jobs in %.2f s, %.0f jobs/s\n", nodes, n, e-s, n/(e-s)}'
}

run 1
run 2

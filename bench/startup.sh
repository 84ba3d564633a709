#!/usr/bin/env bash
# Foundation figures for BENCHMARKS.md: release binary size, time from `sheji serve` to
# /readyz = 200 on an empty SQLite file, and idle RSS after start. Runs N times (default 15)
# and prints the median and the spread (min–max).
#
#   cargo build --release -p sheji && bench/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SHEJI_BIN:-$PWD/target/release/sheji}
runs=${1:-15}
[ -x "$bin" ] || { echo "build first: cargo build --release -p sheji" >&2; exit 1; }
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }

port=18181
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ready_ms=()
rss_kb=()
for i in $(seq 1 "$runs"); do
  rm -f "$work"/sheji.db*
  start=$(date +%s%N)
  (cd "$work" && "$bin" serve --bind 127.0.0.1:$port >/dev/null 2>&1) &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    sleep 0.005
  done
  end=$(date +%s%N)
  ready_ms+=($(( (end - start) / 1000000 )))
  sleep 1
  server=$(pgrep -P "$pid" sheji || echo "$pid")
  rss_kb+=($(awk '/VmRSS/ {print $2}' "/proc/$server/status"))
  kill -TERM "$server" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done

stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %s (min %s, max %s, n=%d)\n", m, a[1], a[NR], NR}'; }
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%F)"
echo "binary size: $(stat -c %s "$bin") bytes ($(du -h "$bin" | cut -f1))"
printf 'serve -> /readyz 200, empty SQLite (ms): '; printf '%s\n' "${ready_ms[@]}" | stats
printf 'idle RSS after start (KiB): '; printf '%s\n' "${rss_kb[@]}" | stats

#!/usr/bin/env bash
# HTTP benchmarks for BENCHMARKS.md: generates a city at SCALE (default 10) in a fresh
# database, serves it with the release binary, and loads each page with wrk at 64 connections,
# RUNS times (default 3) for DURATION seconds (default 10). Prints, per endpoint, the medians of
# p50, p95 and requests/s over the runs, with the spread, and the throughput as a fraction of
# the ceiling measured in the same run: /healthz, a trivial handler of the same binary and stack.
# Also prints the server's resident memory at rest and its peak under the load, and times the
# staff export of every organization (.xlsx) with the server's peak memory after it.
#
# A node keeps list pages, public records and signed-in callers for up to five seconds (until
# it writes), so the fixed rows measure a page asked for again; the "random" rows ask for a
# different record (or page) on every request, so they measure the database path that a kept
# copy cannot help. The RSS "at rest" is taken right after /readyz, while the node still builds
# the search index of the city just generated.
#
#   cargo build --release -p sheji && bench/http.sh
#   BENCH_DB=postgres://postgres@127.0.0.1:5432/bench bench/http.sh   # an existing empty database
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SHEJI_BIN:-$PWD/target/release/sheji}
scale=${SCALE:-10}
runs=${RUNS:-3}
duration=${DURATION:-10}
conns=${CONNS:-64}
port=${PORT:-18383}
[ -x "$bin" ] || { echo "build first: cargo build --release -p sheji" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
db=${BENCH_DB:-sqlite://$work/bench.db}
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export SHEJI_SECRET_KEY=$(head -c 32 /dev/urandom | base64) SHEJI_ADMIN_PASSWORD=Bench-Root-2026 RUST_LOG=warn

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%F), db ${db%%://*}, scale $scale"
(cd "$work" && SHEJI_LANG=en "$bin" gen --scale "$scale" --db "$db" 2>/dev/null | tail -1)

(cd "$work" && exec "$bin" serve --db "$db" --bind 127.0.0.1:$port >/dev/null 2>&1) &
pid=$!
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.1; done
rss_rest=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)

cat > "$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.3f %.3f %.1f %d\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests / (summary.duration / 1e6), summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

# A mid-size organization id for the detail pages.
org=$(curl -fs "http://127.0.0.1:$port/api/v1/organizations?per_page=1&page=$((scale * 5000))" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

# Sign in as the administrator (double-submit CSRF: the cookie and the form field agree).
jar="$work/cookies"
csrf=$(curl -fs -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "username=admin" \
  --data-urlencode "password=$SHEJI_ADMIN_PASSWORD" --data-urlencode "next=/" "http://127.0.0.1:$port/login"
cookie=$(awk '$6 ~ /^sheji_/ {printf "%s=%s; ", $6, $7}' "$jar")
orgs=$((scale * 10000))
pages=$((orgs / 20))

cat > "$work/random_detail.lua" <<LUA
math.randomseed(2026)
request = function() return wrk.format(nil, "/organizations/" .. math.random(1, $orgs)) end
LUA
cat > "$work/random_page.lua" <<LUA
math.randomseed(2026)
request = function() return wrk.format(nil, "/organizations?page=" .. math.random(1, $pages)) end
LUA
cat "$work/report.lua" >> "$work/random_detail.lua"
cat "$work/report.lua" >> "$work/random_page.lua"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
spread() { sort -n | awk '{a[NR]=$1} END {printf "%s–%s", a[1], a[NR]}'; }

# name|path|script|signed in
endpoints=(
  "ceiling|/healthz|report|"
  "directory page|/organizations?page=100|report|"
  "directory API|/api/v1/organizations?page=100|report|"
  "directory random|/organizations|random_page|"
  "staff directory|/admin/organizations?page=100|report|yes"
  "detail page|/organizations/$org|report|"
  "detail API|/api/v1/organizations/$org|report|"
  "detail random|/organizations/1|random_detail|"
)
declare -A rps_med
printf "%-16s %10s %10s %12s %10s %8s\n" endpoint p50_ms p95_ms req_per_s spread ceiling
for entry in "${endpoints[@]}"; do
  IFS='|' read -r name path script signed <<<"$entry"
  headers=()
  [ -n "$signed" ] && headers=(-H "Cookie: $cookie")
  p50s=(); p95s=(); rpss=()
  for _ in $(seq 1 "$runs"); do
    line=$(wrk -t2 -c"$conns" -d"${duration}s" "${headers[@]}" -s "$work/$script.lua" "http://127.0.0.1:$port$path" | grep '^RESULT')
    read -r _ p50 p95 rps errors <<<"$line"
    [ "$errors" = "0" ] || echo "  warning: $errors errors on $path" >&2
    p50s+=("$p50"); p95s+=("$p95"); rpss+=("$rps")
  done
  m50=$(printf '%s\n' "${p50s[@]}" | median); m95=$(printf '%s\n' "${p95s[@]}" | median)
  mrps=$(printf '%s\n' "${rpss[@]}" | median); sp=$(printf '%s\n' "${rpss[@]}" | spread)
  rps_med[$name]=$mrps
  ratio=$(awk -v a="$mrps" -v b="${rps_med[ceiling]}" 'BEGIN {printf "%.3f", a / b}')
  printf "%-16s %10s %10s %12s %10s %8s\n" "$name" "$m50" "$m95" "$mrps" "$sp" "$ratio"
done
rss_peak=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
echo "server RSS: $((rss_rest / 1024)) MiB at rest, $((rss_peak / 1024)) MiB peak under load"

# The staff export of every organization, as the administrator (every district).
for _ in $(seq 1 "$runs"); do
  curl -fs -b "$jar" -o "$work/export.xlsx" -w '%{time_total}\n' "http://127.0.0.1:$port/admin/organizations/export.xlsx"
done >"$work/export_times"
rows=$(python3 -c "import zipfile,re,sys; z=zipfile.ZipFile(sys.argv[1]); print(len(re.findall(rb'<row ', z.read('xl/worksheets/sheet1.xml'))) - 1)" "$work/export.xlsx")
echo "export .xlsx of $rows organizations: $(median <"$work/export_times") s median ($(spread <"$work/export_times") s, n = $runs), $(($(stat -c %s "$work/export.xlsx") / 1024)) KiB; server peak RSS now $(($(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024)) MiB"

#!/usr/bin/env bash
# Issue 13's load acceptance for the request path (item 5), on loopback, bounded in time (about 4 minutes
# plus the build and the 100k-case-study market). Prints one line per check; figures go to BENCHMARKS.md.
#
#   1. 8 connections × depth 4 sending Shortlist on a 100k-case-study demo market: a separate connection's
#      Health p99 (loadgen --probe health)
#   2. a client dripping a frame header one byte a second: closed within --frame-timeout
#   3. 1,000 idle and 200 slow-header connections open: a new client's Health round trip
#   4. one client pipelining 50,000 Shortlist requests without reading: the server's RSS growth
#   5. 10,000 malformed frames of many kinds: the server lives, a bystander connection keeps working
#   6. the default demo market: Shortlist/s at 16 connections (explanations off), Health/s at 16 connections
#      next to `redis-benchmark -t ping -c 16` against Debian's redis-server, in the same run
#
# With BASELINE=/path/to/vendormatch, checks 1 and 6 also run against that binary (interleaved), for a
# before/after in the same run. Usage: Tools/bench-pool.sh [SECONDS per load run (default 8)]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-8}"
swift build -c release --product vendormatch >/dev/null
bin="$PWD/.build/release/vendormatch"
baseline="${BASELINE:-}"
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
ulimit -n 16384 2>/dev/null || ulimit -n 4096 || true
hostile="python3 Tools/bench_pool_hostile.py"
echo "machine: $(nproc) cores; $(uptime)"

serve() {  # serve NAME BINARY DB ARGS… → $tmp/NAME.port, $tmp/NAME.pid
    "$2" serve --db "$3" --port 0 "${@:4}" 2>"$tmp/$1.log" &
    pids+=($!)
    echo $! > "$tmp/$1.pid"
    for _ in $(seq 1 1200); do
        grep -q 'listening on' "$tmp/$1.log" 2>/dev/null && break
        sleep 0.1
    done
    grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/$1.log" | head -1 | sed 's/.*://' > "$tmp/$1.port"
}
stop() { kill -TERM "$(cat "$tmp/$1.pid")" 2>/dev/null || true; wait "$(cat "$tmp/$1.pid")" 2>/dev/null || true; }
port() { cat "$tmp/$1.port"; }
pid() { cat "$tmp/$1.pid"; }
open_limits=(--max-connections 4096 --max-connections-per-address 4096)

# The markets: the default demo market (2,000 vendors) and a 100k-case-study one (12,500 vendors).
(cd "$tmp" && "$bin" stats >/dev/null 2>&1)
mv "$tmp/vendormatch.sqlite" "$tmp/demo.sqlite"
"$bin" demo-data --out "$tmp/big" --vendors 12500 --seed 3 >/dev/null
"$bin" import "$tmp/big" --db "$tmp/big.sqlite" >/dev/null

echo "== 1. Health on its own connection while 8 × 4 Shortlist run (100k case studies)"
probe_run() {  # probe_run LABEL BINARY
    serve "big-$1" "$2" "$tmp/big.sqlite" --no-log-shortlists
    "$2" loadgen --port "$(port "big-$1")" --method shortlist --connections 8 --depth 4 --duration 3 >/dev/null  # warm-up
    for round in 1 2; do
        echo "$1 round $round: shortlist $("$bin" loadgen --port "$(port "big-$1")" --method shortlist --connections 8 --depth 4 \
            --duration "$seconds" --probe health --json | $hostile summary 1); load $(cut -d' ' -f1 /proc/loadavg)"
    done
    stop "big-$1"
}
probe_run pool "$bin"
[ -n "$baseline" ] && probe_run baseline "$baseline"

echo "== 2. a client dripping a frame header (--frame-timeout 3)"
serve hostile "$bin" "$tmp/demo.sqlite" --frame-timeout 3 "${open_limits[@]}"
echo "drip: $($hostile drip "$(port hostile)")"

echo "== 3. 1,000 idle + 200 slow-header connections, then a new client"
echo "crowd: $($hostile crowd "$(port hostile)" 1000 200) load $(cut -d' ' -f1 /proc/loadavg)"

echo "== 4. one client pipelining 50,000 Shortlist requests without reading"
echo "pipeline: $($hostile pipeline "$(port hostile)" 50000 "$(pid hostile)")"

echo "== 5. 10,000 malformed frames"
echo "malformed: $($hostile malformed "$(port hostile)" 10000 "$(pid hostile)")"
stop hostile

echo "== 6. throughput at 16 connections, default demo market, beside Redis PING"
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
    redis-server --port 6390 --save '' --appendonly no --daemonize no >/dev/null 2>&1 &
    pids+=($!)
    sleep 0.5
fi
rps() { $hostile summary 0; }
through_run() {  # through_run LABEL BINARY
    serve "demo-$1" "$2" "$tmp/demo.sqlite" --no-log-shortlists
    "$bin" loadgen --port "$(port "demo-$1")" --method shortlist --connections 16 --duration 2 >/dev/null  # warm-up
    for round in 1 2; do
        ping="n/a"
        if command -v redis-benchmark >/dev/null; then
            ping="$(redis-benchmark -p 6390 -t ping -c 16 -n 200000 -q 2>/dev/null | grep -m1 PING_INLINE | grep -o '[0-9.]* requests per second' | cut -d' ' -f1)"
        fi
        health="$("$bin" loadgen --port "$(port "demo-$1")" --method health --connections 16 --duration "$seconds" --json | rps)"
        shortlist="$("$bin" loadgen --port "$(port "demo-$1")" --method shortlist --connections 16 --duration "$seconds" --json | rps)"
        echo "$1 round $round: redis ping ${ping}/s; health $health; shortlist $shortlist; load $(cut -d' ' -f1 /proc/loadavg)"
    done
    stop "demo-$1"
}
through_run pool "$bin"
[ -n "$baseline" ] && through_run baseline "$baseline"
echo "done: $(uptime)"

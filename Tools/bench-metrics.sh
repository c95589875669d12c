#!/usr/bin/env bash
# The cost of `serve --metrics-port` on Shortlist throughput: two servers over copies of one demo-market
# database, one with metrics (scraped every second, as Prometheus would) and one without, measured by
# `vendormatch loadgen` in alternation (ABBA…), so both see the same machine load. Prints one line per run
# and the medians. Usage: Tools/bench-metrics.sh [ROUNDS (default 4)] [SECONDS per run (default 8)]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-4}"
seconds="${2:-8}"
swift build -c release --product vendormatch >/dev/null
bin="$PWD/.build/release/vendormatch"
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

# The default demo market (2,000 vendors), seeded once and copied.
(cd "$tmp" && "$bin" stats >/dev/null 2>&1)   # no --db: creates ./vendormatch.sqlite with the demo market
cp "$tmp/vendormatch.sqlite" "$tmp/off.sqlite"
mv "$tmp/vendormatch.sqlite" "$tmp/on.sqlite"

serve() {  # serve NAME ARGS… → port in $tmp/NAME.port
    "$bin" serve --db "$tmp/$1.sqlite" --port 0 "${@:2}" 2>"$tmp/$1.log" &
    pids+=($!)
    for _ in $(seq 1 600); do
        grep -q 'listening on' "$tmp/$1.log" && break
        sleep 0.1
    done
    grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/$1.log" | head -1 | sed 's/.*://' > "$tmp/$1.port"
}
serve off
serve on --metrics-port 0
for _ in $(seq 1 100); do grep -q 'metrics on' "$tmp/on.log" && break; sleep 0.1; done
metrics_url="$(grep -o 'http://[0-9.]*:[0-9]*/metrics' "$tmp/on.log" | head -1)"
# A scrape every second, like Prometheus.
( while sleep 1; do python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5).read()' "$metrics_url" 2>/dev/null || true; done ) &
pids+=($!)

run() {  # run NAME → requests/s
    "$bin" loadgen --port "$(cat "$tmp/$1.port")" --method shortlist --connections 16 --duration "$seconds" --json \
        | python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["requests_per_second"], r["p50_ms"], r["p99_ms"], r["errors"])'
}
# Warm-up of both.
run off >/dev/null; run on >/dev/null
echo "round order metrics rps p50_ms p99_ms errors load1"
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order="off on"; else order="on off"; fi
    for name in $order; do
        echo "$round ${order// /-} $name $(run "$name") $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$tmp/results"
    done
done
python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {m: [float(r[3]) for r in rows if r[2] == m] for m in ("off", "on")}
off, on = statistics.median(by["off"]), statistics.median(by["on"])
print(f"median Shortlist/s: metrics off {off:.0f}, on {on:.0f} ({(on - off) / off:+.1%}); runs off {by['off']}, on {by['on']}")
PY

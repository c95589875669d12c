#!/usr/bin/env bash
# Shortlist throughput over Connect JSON (wrk, 16 connections, keep-alive, one request in flight each) against
# the binary protocol (`vendormatch loadgen`, 16 connections, depth 1) on one server over the default demo
# market (2,000 vendors), in alternation (ABBA…) so both see the same machine load. Both send the same
# requests (loadgen's built-in set: k = 10, no explanations) from one JSON Lines file. Shortlist logging is off for both (it costs both the same SQLite writes).
# Usage: Tools/bench-connect.sh [ROUNDS (default 4)] [SECONDS per run (default 8)]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-4}"
seconds="${2:-8}"
config="${CONFIG:-release}"   # CONFIG=debug to try it quickly; SCRATCH_PATH=.build-NAME for a separate build folder
command -v wrk >/dev/null || { echo "bench-connect: needs wrk (apt-get install wrk)"; exit 2; }
scratch=(); [ -n "${SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$SCRATCH_PATH")
swift build -c "$config" "${scratch[@]}" --product vendormatch >/dev/null
bin="$(swift build -c "$config" "${scratch[@]}" --show-bin-path)/vendormatch"
root="$PWD"
tmp="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$tmp"; }
trap cleanup EXIT

(cd "$tmp" && "$bin" stats --models "$root/Models" >/dev/null 2>&1)   # no --db: ./vendormatch.sqlite with the demo market
"$bin" serve --db "$tmp/vendormatch.sqlite" --models Models --port 0 --http 127.0.0.1:0 --no-log-shortlists 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 1 600); do grep -q 'console on' "$tmp/serve.log" && break; sleep 0.1; done
port="$(grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/serve.log" | head -1 | sed 's/.*://')"
http_port="$(grep -o 'console on http://[0-9.]*:[0-9]*' "$tmp/serve.log" | head -1 | sed 's/.*://')"

# loadgen's built-in requests (k = 10, no explanations) as JSON lines: loadgen --requests-file and wrk send the same.
python3 - "$tmp/requests.jsonl" <<'PY'
import json, sys
rows = [("5221", "1000-9999", "data.machine-learning", "predict which loans will default"),
        ("622", "10000+", "data.analytics-bi", "dashboards for bed occupancy and patient flow"),
        ("44-45", "250-999", "software.ecommerce", "move our online shop to a faster platform"),
        ("31-33", "1000-9999", "software.embedded-iot", "monitor machines on the factory floor"),
        ("52", "50-249", "security.assessment", "penetration test before an audit"),
        ("541", "10-49", "software.web-app", "customer portal for our consulting clients"),
        ("513", "250-999", "cloud.migration", "move our data centre to the cloud"),
        ("481", "10000+", "it.outsourcing", "run our IT helpdesk and infrastructure"),
        ("524", "1000-9999", "data.generative-ai", "answer customer questions about policies with an assistant"),
        ("611", "50-249", "software.mobile-app", "an app for students to book courses"),
        ("221", "1000-9999", "data.engineering", "a data warehouse for smart meter readings"),
        ("423", "250-999", "software.enterprise-app", "replace our old ERP system")]
with open(sys.argv[1], "w") as f:
    for i, (industry, size, service, need) in enumerate(rows):
        f.write(json.dumps({"id": "bench-%d" % (i + 1), "industry": industry, "size": size, "service_types": [service],
                            "need": need, "k": 10}) + "\n")
PY
cat > "$tmp/post.lua" <<LUA
local bodies = {}
for line in io.lines("$tmp/requests.jsonl") do bodies[#bodies + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/vendormatch.v1.VendorMatch/Shortlist", nil, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("WRK %.1f %.3f %.3f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

run() {  # run binary|connect → "requests/s p50_ms p99_ms errors"
    if [ "$1" = binary ]; then
        "$bin" loadgen --port "$port" --method shortlist --requests-file "$tmp/requests.jsonl" --connections 16 --duration "$seconds" --json \
            | python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["requests_per_second"], r["p50_ms"], r["p99_ms"], r["errors"])'
    else
        wrk -t 2 -c 16 -d "${seconds}s" -s "$tmp/post.lua" "http://127.0.0.1:$http_port/" | grep '^WRK' | cut -d' ' -f2-
    fi
}
run binary >/dev/null; run connect >/dev/null   # warm-up
echo "# $(uptime)"
echo "round protocol rps p50_ms p99_ms errors load1"
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order="binary connect"; else order="connect binary"; fi
    for name in $order; do
        echo "$round $name $(run "$name") $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$tmp/results"
    done
done
echo "# $(uptime)"
python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {m: [float(r[2]) for r in rows if r[1] == m] for m in ("binary", "connect")}
b, c = statistics.median(by["binary"]), statistics.median(by["connect"])
print(f"median Shortlist/s at 16 connections: binary protocol {b:.0f}, Connect JSON {c:.0f} = {c / b:.2f}x; runs binary {by['binary']}, connect {by['connect']}")
PY

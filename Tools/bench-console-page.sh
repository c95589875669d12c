#!/usr/bin/env bash
# Server time of the console's shortlist page (explanations on, k = 10) on a large demo market: wrk with one
# connection (so latency is the server's time plus loopback) cycling through loadgen's 12 built-in requests as
# /shortlist?… URLs, alternating with the same requests over Connect JSON with explanations (the engine's share). Usage: Tools/bench-console-page.sh [VENDORS (default 13500, about 100k case studies)]
# [SECONDS (default 10)]   (needs wrk: apt-get install wrk). ENCODER=hybrid imports with need vectors (MiniLM, minutes
# at this size) and serves the semantic channel; the default is the lexical channel (`import --no-embed`).
set -euo pipefail
cd "$(dirname "$0")/.."
vendors="${1:-13500}"
seconds="${2:-10}"
config="${CONFIG:-release}"   # CONFIG=debug to try it quickly; SCRATCH_PATH=.build-NAME for a separate build folder
command -v wrk >/dev/null || { echo "bench-console-page: needs wrk (apt-get install wrk)"; exit 2; }
scratch=(); [ -n "${SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$SCRATCH_PATH")
swift build -c "$config" "${scratch[@]}" --product vendormatch >/dev/null
bin="$(swift build -c "$config" "${scratch[@]}" --show-bin-path)/vendormatch"
tmp="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$tmp"; }
trap cleanup EXIT

"$bin" demo-data --out "$tmp/market" --vendors "$vendors" --requests 1 --models Models >/dev/null
encoder="${ENCODER:-lexical}"
embed=(); [ "$encoder" = lexical ] && embed=(--no-embed)
"$bin" import "$tmp/market" --db "$tmp/db.sqlite" --models Models "${embed[@]}" >/dev/null
"$bin" stats --db "$tmp/db.sqlite" --models Models | sed -n 2p
"$bin" serve --db "$tmp/db.sqlite" --models Models --port 0 --http 127.0.0.1:0 --no-log-shortlists --need-encoder "$encoder" 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 1 1200); do grep -q 'console on' "$tmp/serve.log" && break; sleep 0.1; done
http_port="$(grep -o 'console on http://[0-9.]*:[0-9]*' "$tmp/serve.log" | head -1 | sed 's/.*://')"

cat > "$tmp/pages.lua" <<'LUA'
local paths = {
  "/shortlist?industry=5221&size=1000-9999&service_types=data.machine-learning&need=predict+which+loans+will+default&k=10",
  "/shortlist?industry=622&size=10000%2B&service_types=data.analytics-bi&need=dashboards+for+bed+occupancy+and+patient+flow&k=10",
  "/shortlist?industry=44-45&size=250-999&service_types=software.ecommerce&need=move+our+online+shop+to+a+faster+platform&k=10",
  "/shortlist?industry=31-33&size=1000-9999&service_types=software.embedded-iot&need=monitor+machines+on+the+factory+floor&k=10",
  "/shortlist?industry=52&size=50-249&service_types=security.assessment&need=penetration+test+before+an+audit&k=10",
  "/shortlist?industry=541&size=10-49&service_types=software.web-app&need=customer+portal+for+our+consulting+clients&k=10",
  "/shortlist?industry=513&size=250-999&service_types=cloud.migration&need=move+our+data+centre+to+the+cloud&k=10",
  "/shortlist?industry=481&size=10000%2B&service_types=it.outsourcing&need=run+our+IT+helpdesk+and+infrastructure&k=10",
  "/shortlist?industry=524&size=1000-9999&service_types=data.generative-ai&need=answer+customer+questions+about+policies+with+an+assistant&k=10",
  "/shortlist?industry=611&size=50-249&service_types=software.mobile-app&need=an+app+for+students+to+book+courses&k=10",
  "/shortlist?industry=221&size=1000-9999&service_types=data.engineering&need=a+data+warehouse+for+smart+meter+readings&k=10",
  "/shortlist?industry=423&size=250-999&service_types=software.enterprise-app&need=replace+our+old+ERP+system&k=10",
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("pages/s %.1f  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  non-2xx/errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
# The same 12 requests over Connect JSON with explanations: the engine's share of the page's time.
python3 - "$tmp/pages.lua" "$tmp/connect.lua" <<'PY'
import json, re, sys, urllib.parse
paths = re.findall(r'"(/shortlist\?[^"]+)"', open(sys.argv[1]).read())
bodies = []
for p in paths:
    q = urllib.parse.parse_qs(p.split("?", 1)[1])
    bodies.append(json.dumps({"industry": q["industry"][0], "size": q["size"][0], "service_types": q["service_types"],
                              "need": q["need"][0], "k": 10, "explain": True}))
with open(sys.argv[2], "w") as f:
    f.write("local bodies = {\n" + "".join("  %s,\n" % json.dumps(b) for b in bodies) + "}\n")
    f.write("""local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/vendormatch.v1.VendorMatch/Shortlist", nil, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("connect/s %.1f  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  non-2xx/errors %d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
""")
PY
wrk -t 1 -c 1 -d 3s -s "$tmp/pages.lua" "http://127.0.0.1:$http_port" >/dev/null   # warm-up
echo "# $(uptime)"
for round in 1 2; do
    wrk -t 1 -c 1 -d "${seconds}s" -s "$tmp/pages.lua" "http://127.0.0.1:$http_port" | grep '^pages'
    wrk -t 1 -c 1 -d "${seconds}s" -s "$tmp/connect.lua" "http://127.0.0.1:$http_port" | grep '^connect'
done
echo "# $(uptime)"

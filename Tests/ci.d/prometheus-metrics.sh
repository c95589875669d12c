#!/usr/bin/env bash
# Metrics under a real Prometheus (CONTRACT §7, issue 13): `serve --metrics-port` exposes GET /metrics;
# `promtool check metrics` accepts a scrape; a real `prometheus` server (Debian's package) scrapes it every
# second while `vendormatch loadgen` sends Shortlists, and its HTTP API's vendormatch_requests_total must
# match what loadgen reports (±1 %). Also: `--log-format json` writes one JSON line per answered request.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in prometheus promtool; do
    command -v "$tool" >/dev/null || { echo "$tool not found: install Debian's prometheus package (Tools/install-system-packages.sh)"; exit 1; }
done

source Tests/Interop/demo-server.sh
prometheus_pid=""
stop_all() {
    if [ -n "$prometheus_pid" ] && kill -0 "$prometheus_pid" 2>/dev/null; then kill -TERM "$prometheus_pid"; wait "$prometheus_pid" || true; fi
    cleanup
}
trap stop_all EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
http_get() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$1"; }

"$bin" demo-data --out "$tmp/market" --vendors 200 --requests 10 --models Models >/dev/null
"$bin" import "$tmp/market" --db "$tmp/db.sqlite" --models Models >/dev/null
start_server --metrics-port 0 --log-format json
metrics_port="$(logged_port 'metrics on http://')"
[ -n "$metrics_port" ] || { echo "no metrics port in the log"; cat "$tmp/serve.log"; exit 1; }
metrics_url="http://127.0.0.1:$metrics_port/metrics"

# A few requests of several kinds, then promtool's lint of a scrape.
"$bin" client shortlist --port "$port" --industry 5221 --need "credit risk model" >/dev/null
"$bin" client health --port "$port" >/dev/null
http_get "$metrics_url" > "$tmp/scrape.txt"
promtool check metrics < "$tmp/scrape.txt" || { echo "promtool check metrics failed on:"; cat "$tmp/scrape.txt"; exit 1; }
grep -q '^vendormatch_requests_total{.*method="Shortlist".*} 1' "$tmp/scrape.txt" || { echo "Shortlist not counted:"; cat "$tmp/scrape.txt"; exit 1; }
echo "promtool check metrics: ok ($(grep -vc '^#' "$tmp/scrape.txt") samples)"
status="$(python3 -c 'import sys, urllib.request, urllib.error
try: urllib.request.urlopen(sys.argv[1], timeout=10); print(200)
except urllib.error.HTTPError as e: print(e.code)' "http://127.0.0.1:$metrics_port/other")"
[ "$status" = 404 ] || { echo "GET /other answered $status, expected 404"; exit 1; }

# A real Prometheus scraping every second.
prometheus_port="$(free_port)"
cat > "$tmp/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: vendormatch
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
YML
promtool check config "$tmp/prometheus.yml" >/dev/null
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
    --web.listen-address="127.0.0.1:$prometheus_port" >"$tmp/prometheus.log" 2>&1 &
prometheus_pid=$!
query() {  # query PROMQL → the first result's value, or empty
    python3 - "http://127.0.0.1:$prometheus_port/api/v1/query" "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
try:
    body = json.load(urllib.request.urlopen(sys.argv[1] + "?" + urllib.parse.urlencode({"query": sys.argv[2]}), timeout=5))
except Exception:
    sys.exit(0)
result = body.get("data", {}).get("result", [])
if result: print(result[0]["value"][1])
PY
}
up=""
for _ in $(seq 1 150); do
    up="$(query 'up{job="vendormatch"}')"
    [ "$up" = 1 ] && break
    kill -0 "$prometheus_pid" 2>/dev/null || { echo "prometheus exited"; cat "$tmp/prometheus.log"; exit 1; }
    sleep 0.2
done
[ "$up" = 1 ] || { echo "prometheus never scraped the server (up=$up)"; tail -20 "$tmp/prometheus.log"; exit 1; }
echo "prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') scrapes $metrics_url"

# Load, then wait for a scrape after it and compare.
"$bin" loadgen --port "$port" --method shortlist --connections 4 --depth 4 --duration 5 --json > "$tmp/loadgen.json"
responses="$(python3 -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["responses"]))' "$tmp/loadgen.json")"
expected=$((responses + 1))   # and the one `client shortlist` above
seen=""
for _ in $(seq 1 100); do
    seen="$(query 'sum(vendormatch_requests_total{job="vendormatch",method="Shortlist"})')"
    [ -n "$seen" ] && python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$seen" "$expected" && break
    sleep 0.2
done
python3 - "$seen" "$expected" <<'PY' || { cat "$tmp/loadgen.json"; exit 1; }
import sys
seen, expected = float(sys.argv[1] or 0), float(sys.argv[2])
print(f"Prometheus: vendormatch_requests_total for Shortlist = {seen:.0f}; loadgen + client sent {expected:.0f}")
assert expected > 100, "loadgen sent too few requests to compare"
assert abs(seen - expected) <= 0.01 * expected, f"off by {abs(seen - expected) / expected:.2%}"
PY
count="$(query 'sum(vendormatch_request_duration_seconds_count{job="vendormatch",method="Shortlist"})')"
[ "${count%.*}" = "$expected" ] || { echo "latency histogram count $count, expected $expected"; exit 1; }
[ "$(query 'vendormatch_index_vendors{job="vendormatch"}')" = 200 ] || { echo "vendormatch_index_vendors is not 200"; exit 1; }
[ "$(query 'count(vendormatch_model_info{job="vendormatch"} == 1)')" = 1 ] || { echo "no model version"; exit 1; }
[ "$(query 'vendormatch_requests_in_flight{job="vendormatch"}')" = 0 ] || { echo "requests still in flight"; exit 1; }
echo "histogram count, index size, model info and in-flight agree"

# Structured logs: one JSON line per answered Shortlist, with the request fields.
python3 - "$tmp/serve.log" "$expected" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
requests = [l for l in lines if l.get("message") == "request" and l.get("vm.method") == "Shortlist"]
assert len(requests) == int(sys.argv[2]), f"{len(requests)} Shortlist request lines, expected {sys.argv[2]}"
for field in ("vm.request.id", "vm.method", "vm.tenant", "vm.status", "vm.latency.ms", "time", "level"):
    assert field in requests[0], f"request line without {field}: {requests[0]}"
print(f"--log-format json: {len(requests)} Shortlist request lines, e.g. {json.dumps(requests[-1])}")
PY
stop_demo_server

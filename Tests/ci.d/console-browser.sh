#!/usr/bin/env bash
# The web console in a real browser (CONTRACT §9): Debian's chromium + chromium-driver driven by Selenium
# (Tests/Interop/console_browser.py) against `vendormatch serve` with two tenants' keys over the demo market,
# plus a vendor whose name is markup and a referral private to tenant acme. Screenshots of every page go to
# $VM_SCREENSHOTS (default: a temporary directory, removed).
set -euo pipefail
cd "$(dirname "$0")/../.."

source Tests/Interop/demo-server.sh

mkdir -p "$tmp/gen" "$tmp/extra"
python3 -m grpc_tools.protoc -I Protos --python_out="$tmp/gen" Protos/vendormatch/v1/vendormatch.proto

"$bin" demo-data --out "$tmp/market" --vendors 200 --requests 10 --models Models >/dev/null
"$bin" import "$tmp/market" --db "$tmp/db.sqlite" --models Models >/dev/null
private_vendor="$(head -1 "$tmp/market/vendors.jsonl" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')"
cat > "$tmp/extra/vendors.jsonl" <<'JSONL'
{"id": "xss-vendor", "name": "<img src=x onerror=alert(1)>", "size": "10-49", "industries": ["5221"], "service_types": ["data"], "description": "<script>alert(2)</script> & \"quotes\""}
JSONL
cat > "$tmp/extra/case_studies.jsonl" <<'JSONL'
{"id": "xss-case", "vendor_id": "xss-vendor", "client_industry": "5221", "service_types": ["data.machine-learning"], "client_name": "<b onmouseover=alert(3)>Client</b>", "need": "credit risk model", "outcome": "<svg onload=alert(4)>"}
JSONL
echo "{\"id\": \"acme-private\", \"vendor_id\": \"$private_vendor\", \"referrer_type\": \"buyer_partner\", \"buyer_org\": \"acme\", \"strength\": 1.0}" > "$tmp/extra/referrals.jsonl"
"$bin" import "$tmp/extra" --db "$tmp/db.sqlite" --models Models >/dev/null
acme="$("$bin" keys create --db "$tmp/db.sqlite" --tenant acme --scopes read 2>/dev/null)"
bolt="$("$bin" keys create --db "$tmp/db.sqlite" --tenant bolt --scopes read 2>/dev/null)"

start_server --http 127.0.0.1:0
http_port="$(logged_port 'console on http://')"
[ -n "$http_port" ] || { echo "no HTTP listener"; cat "$tmp/serve.log"; exit 1; }

shots="${VM_SCREENSHOTS:-$tmp/shots}"
PYTHONPATH="$tmp/gen:Tests/Interop" python3 Tests/Interop/console_browser.py --port "$port" --http-port "$http_port" \
    --acme "$acme" --bolt "$bolt" --private-vendor "$private_vendor" --xss-vendor xss-vendor --shots "$shots"

stop_demo_server
echo "console browser: server stopped cleanly"

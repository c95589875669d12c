#!/usr/bin/env bash
# Connect interop (CONTRACT §9): an independent Python client of the HTTP API (raw HTTP per the Connect
# protocol, pip's protobuf) against a real `vendormatch serve` on loopback, compared method by method with
# the binary protocol; error codes and statuses; 1,000 malformed HTTP requests.
set -euo pipefail
cd "$(dirname "$0")/../.."

source Tests/Interop/demo-server.sh

mkdir -p "$tmp/gen"
python3 -m grpc_tools.protoc -I Protos --python_out="$tmp/gen" Protos/vendormatch/v1/vendormatch.proto

"$bin" demo-data --out "$tmp/market" --vendors 200 --requests 10 --models Models >/dev/null
"$bin" import "$tmp/market" --db "$tmp/db.sqlite" --models Models >/dev/null
reader="$("$bin" keys create --db "$tmp/db.sqlite" --tenant acme --scopes read 2>/dev/null)"
token="connect-$$-$RANDOM"
start_server --auth-token "$token" --http 127.0.0.1:0
http_port="$(logged_port 'console on http://')"
[ -n "$http_port" ] || { echo "no HTTP listener"; cat "$tmp/serve.log"; exit 1; }

PYTHONPATH="$tmp/gen:Tests/Interop" python3 Tests/Interop/connect_client.py --port "$port" --http-port "$http_port" \
    --token "$token" --reader-key "$reader"

stop_demo_server
echo "connect interop: server stopped cleanly"

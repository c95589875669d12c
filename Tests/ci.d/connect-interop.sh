#!/usr/bin/env bash
# Connect interop (CONTRACT §9): two independent Python clients of the HTTP API against a real
# `vendormatch serve` on loopback, compared method by method with the binary protocol: raw HTTP per the Connect
# protocol with pip's protobuf (also: every error code and status, 1,000 malformed HTTP requests), then the
# `connectrpc` package's generated client with its JSON and binary codecs.
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

# The Connect protocol's own Python client (connectrpc), from code its generator writes.
plugin="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/protoc-gen-connectrpc"
[ -x "$plugin" ] || plugin="$(command -v protoc-gen-connectrpc || true)"
if python3 -c 'import connectrpc' 2>/dev/null && [ -n "$plugin" ]; then
    mkdir -p "$tmp/connectrpc"
    python3 -m grpc_tools.protoc -I Protos --python_out="$tmp/connectrpc" --plugin=protoc-gen-connectrpc="$plugin" \
        --connectrpc_out="$tmp/connectrpc" --connectrpc_opt=protobuf=google Protos/vendormatch/v1/vendormatch.proto
    PYTHONPATH="$tmp/connectrpc:Tests/Interop" python3 Tests/Interop/connectrpc_client.py --port "$port" --http-port "$http_port" \
        --token "$token"
else
    echo "connectrpc or protoc-gen-connectrpc not installed (Tools/install-system-packages.sh installs them): raw-HTTP client only"
fi

stop_demo_server
echo "connect interop: server stopped cleanly"

#!/usr/bin/env bash
# Interop: a Python client (pip's protobuf, code generated from Protos/ by grpcio-tools) against a real
# `vendormatch serve` on loopback, over a temporary database holding a small demo market; then the same
# checks over TLS (Python's ssl module, the test CA of Tests/Fixtures/tls), with the Connect API and the
# console over https.
set -euo pipefail
cd "$(dirname "$0")/../.."

source Tests/Interop/demo-server.sh

mkdir -p "$tmp/gen"
python3 -m grpc_tools.protoc -I Protos --python_out="$tmp/gen" Protos/vendormatch/v1/vendormatch.proto

token="interop-$$-$RANDOM"
start_demo_server "$token"

PYTHONPATH="$tmp/gen" python3 Tests/Interop/python_client.py --port "$port" --token "$token"

stop_demo_server
echo "python interop: server stopped cleanly"

# The same over TLS; the HTTP listener then speaks https with the same certificate.
tls_dir=Tests/Fixtures/tls
: > "$tmp/serve.log"
start_server --auth-token "$token" --tls-cert "$tls_dir/server.pem" --tls-key "$tls_dir/server.key" --http 127.0.0.1:0
grep -q "listening on .*(tls)" "$tmp/serve.log" || { echo "start-up line does not name tls"; cat "$tmp/serve.log"; exit 1; }
https_port="$(logged_port 'console on https://')"
[ -n "$https_port" ] || { echo "no https listener"; cat "$tmp/serve.log"; exit 1; }
PYTHONPATH="$tmp/gen" python3 Tests/Interop/python_client.py --port "$port" --token "$token" \
    --tls-ca "$tls_dir/ca.pem" --https-port "$https_port"
stop_demo_server
echo "python interop over TLS: server stopped cleanly"

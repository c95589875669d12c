#!/usr/bin/env bash
# Interop: a Python client (pip's protobuf, code generated from Protos/ by grpcio-tools) against a real
# `vendormatch serve` on loopback, over a temporary database holding a small demo market.
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

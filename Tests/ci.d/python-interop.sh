#!/usr/bin/env bash
# Interop: a Python client (pip's protobuf, code generated from Protos/ by grpcio-tools) against a real
# `vendormatch serve` on loopback, over a temporary database holding a small demo market.
set -euo pipefail
cd "$(dirname "$0")/../.."

swift build --product vendormatch >/dev/null
bin="$(swift build --show-bin-path)/vendormatch"
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; wait "$server_pid" || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/gen"
python3 -m grpc_tools.protoc -I Protos --python_out="$tmp/gen" Protos/vendormatch/v1/vendormatch.proto

"$bin" demo-data --out "$tmp/market" --vendors 200 --requests 10 --models Models >/dev/null
"$bin" import "$tmp/market" --db "$tmp/db.sqlite" --models Models >/dev/null

token="interop-$$-$RANDOM"
"$bin" serve --db "$tmp/db.sqlite" --models Models --port 0 --auth-token "$token" 2>"$tmp/serve.log" &
server_pid=$!
port=""
for _ in $(seq 1 300); do
    port="$(grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/serve.log" | head -1 | sed 's/.*://')" || true
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.log"; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { echo "server did not start"; cat "$tmp/serve.log"; exit 1; }

PYTHONPATH="$tmp/gen" python3 Tests/Interop/python_client.py --port "$port" --token "$token"

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" -eq 0 ] || { echo "server exited with $status after SIGTERM"; cat "$tmp/serve.log"; exit 1; }
echo "python interop: server stopped cleanly"

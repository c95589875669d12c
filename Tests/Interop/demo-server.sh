# Sourced by the interop scripts in Tests/ci.d/ (not run on its own): builds the binary, makes a temporary
# directory that is removed on exit, and starts / stops `vendormatch serve` over a small demo market.
#   start_demo_server TOKEN   → sets $server_pid and $port
#   start_server ARGS…        → the same over an existing $tmp/db.sqlite, with extra serve ARGS
#   logged_port PREFIX        → the port the server logged after PREFIX ("metrics on http://")
#   stop_demo_server          → SIGTERM, and fails unless the server exits 0
swift build --product vendormatch >/dev/null
bin="$(swift build --show-bin-path)/vendormatch"
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; wait "$server_pid" || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# These checks are about the wire, model reloads and outcomes: they rank lexically (no need vectors at
# import, none computed by serve), since the debug binary encodes needs slowly and a server switching to
# the semantic channel mid-check would change its answers. ci.d/semantic-background.sh covers the channel.
start_demo_server() {
    "$bin" demo-data --out "$tmp/market" --vendors 200 --requests 10 --models Models >/dev/null
    "$bin" import "$tmp/market" --db "$tmp/db.sqlite" --models Models --no-embed >/dev/null
    start_server --auth-token "$1"
}

# start_server ARGS…: `serve` over $tmp/db.sqlite on a free port with extra ARGS; sets $server_pid and $port.
start_server() {
    "$bin" serve --db "$tmp/db.sqlite" --models Models --port 0 --need-encoder "${serve_need_encoder:-lexical}" "$@" 2>"$tmp/serve.log" &
    server_pid=$!
    port="$(logged_port 'listening on ')"
    [ -n "$port" ] || { echo "server did not start"; cat "$tmp/serve.log"; exit 1; }
}

# logged_port PREFIX: the port of the first "PREFIX<host>:<port>" in $tmp/serve.log, waiting up to 30 s for it
# while the server runs; empty if none came.
logged_port() {
    local found=""
    for _ in $(seq 1 300); do
        found="$(grep -o "$1[0-9.]*:[0-9]*" "$tmp/serve.log" | head -1 | sed 's/.*://')" || true
        [ -n "$found" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "$found"
}

stop_demo_server() {
    kill -TERM "$server_pid"
    local status=0
    wait "$server_pid" || status=$?
    server_pid=""
    [ "$status" -eq 0 ] || { echo "server exited with $status after SIGTERM"; cat "$tmp/serve.log"; exit 1; }
}

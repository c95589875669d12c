#!/usr/bin/env bash
# Shortlist throughput over TLS against plaintext: two `vendormatch serve` processes over copies of one default
# demo market (2,000 vendors), one with --tls-cert/--tls-key (the test-only certificate of Tests/Fixtures/tls),
# loaded in alternation (ABBA…) by `vendormatch loadgen --method shortlist --connections 16` (built-in requests,
# k = 10, no explanations; --tls-ca for the TLS one), so both see the same machine load; only the loaded server
# is busy at a time. Then the handshake: N sequential new connections (TCP connect + TLS handshake + one Health)
# from Python's ssl module against the same with plaintext, median and p99 in ms. Shortlist logging is off.
# Usage: Tools/bench-tls.sh [ROUNDS (default 4)] [SECONDS per run (default 6)] [HANDSHAKES (default 300)]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-4}"
seconds="${2:-6}"
handshakes="${3:-300}"
config="${CONFIG:-release}"   # CONFIG=debug to try it quickly; SCRATCH_PATH=.build-NAME for a separate build folder
scratch=(); [ -n "${SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$SCRATCH_PATH")
[ -n "${SKIP_BUILD:-}" ] || swift build -c "$config" "${scratch[@]}" --product vendormatch >/dev/null   # SKIP_BUILD=1: the binary as built
bin="$(swift build -c "$config" "${scratch[@]}" --show-bin-path)/vendormatch"
root="$PWD"
tls=Tests/Fixtures/tls
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

(cd "$tmp" && "$bin" stats --models "$root/Models" >/dev/null 2>&1)   # no --db: ./vendormatch.sqlite with the demo market
cp "$tmp/vendormatch.sqlite" "$tmp/tls.sqlite"
"$bin" serve --db "$tmp/vendormatch.sqlite" --models Models --port 0 --http off --no-log-shortlists 2>"$tmp/plain.log" &
pids+=($!)
"$bin" serve --db "$tmp/tls.sqlite" --models Models --port 0 --http off --no-log-shortlists \
    --tls-cert "$tls/server.pem" --tls-key "$tls/server.key" 2>"$tmp/tls.log" &
pids+=($!)
for _ in $(seq 1 900); do grep -q 'listening on' "$tmp/plain.log" && grep -q 'listening on' "$tmp/tls.log" && break; sleep 0.1; done
plain_port="$(grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/plain.log" | head -1 | sed 's/.*://')"
tls_port="$(grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/tls.log" | head -1 | sed 's/.*://')"
[ -n "$plain_port" ] && [ -n "$tls_port" ] || { echo "a server did not start"; cat "$tmp"/*.log; exit 1; }

run() {  # run plain|tls → "requests/s p50_ms p99_ms errors"
    local extra=(--port "$plain_port")
    [ "$1" = tls ] && extra=(--port "$tls_port" --tls-ca "$tls/ca.pem")
    "$bin" loadgen "${extra[@]}" --method shortlist --connections 16 --duration "$seconds" --json \
        | python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["requests_per_second"], r["p50_ms"], r["p99_ms"], r["errors"])'
}
run plain >/dev/null; run tls >/dev/null   # warm-up
echo "# $(uptime)"
echo "round transport rps p50_ms p99_ms errors load1"
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order="plain tls"; else order="tls plain"; fi
    for name in $order; do
        echo "$round $name $(run "$name") $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$tmp/results"
    done
done
python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {m: [float(r[2]) for r in rows if r[1] == m] for m in ("plain", "tls")}
p, t = statistics.median(by["plain"]), statistics.median(by["tls"])
print(f"median Shortlist/s at 16 connections: plaintext {p:.0f}, TLS {t:.0f} = {t / p:.2f}x; runs plain {by['plain']}, tls {by['tls']}")
PY

# New connections: connect (+ handshake) + one Health frame + close, one after the other.
python3 - "$plain_port" "$tls_port" "$tls/ca.pem" "$handshakes" <<'PY'
import socket, ssl, statistics, struct, sys, time
plain_port, tls_port, ca, n = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
# Frame{id: 1, method: "/vendormatch.v1.VendorMatch/Health"} (fields 1 and 2), empty payload.
method = b"/vendormatch.v1.VendorMatch/Health"
frame = b"\x08\x01\x12" + bytes([len(method)]) + method
message = struct.pack(">BI", 0, len(frame)) + frame
context = ssl.create_default_context(cafile=ca)

def once(port, tls):
    start = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if tls:
        s = context.wrap_socket(s, server_hostname="127.0.0.1")
    handshake = time.perf_counter()
    s.sendall(message)
    header = s.recv(5)
    assert len(header) == 5, header
    (length,) = struct.unpack(">I", header[1:])
    got = b""
    while len(got) < length:
        got += s.recv(length - len(got))
    end = time.perf_counter()
    s.close()
    return (handshake - start) * 1000, (end - start) * 1000

for tls, port in ((False, plain_port), (True, tls_port)):
    for _ in range(20):
        once(port, tls)   # warm-up
    hs, total = zip(*(once(port, tls) for _ in range(n)))
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
    name = "TLS" if tls else "plaintext"
    print(f"{name}: connect{' + handshake' if tls else ''} median {statistics.median(hs):.3f} ms, p99 {q(hs, 0.99):.3f} ms; "
          f"connect + first Health answered median {statistics.median(total):.3f} ms, p99 {q(total, 0.99):.3f} ms ({n} connections)")
PY
echo "# $(uptime)"

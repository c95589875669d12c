#!/usr/bin/env bash
# Shortlist throughput of rankers on one PostgreSQL, and the change feed's apply rate (issue 14, BENCHMARKS.md).
#
#   bash Tools/bench-pg-rankers.sh [ROUNDS=3] [VENDORS=2000] [SECONDS=10]
#
# Release build (`swift build -c release` first). Starts a throw-away PostgreSQL 15 cluster on a free port,
# imports a demo market of VENDORS vendors, starts three rankers on it (`serve --store`: R1 and R2 log their
# shortlists as by default, R3 with --no-log-shortlists), then runs ROUNDS interleaved rounds of
#   one     loadgen on R1 alone
#   two     loadgen on R1 and R2 at once (two loadgen processes)
#   nolog   loadgen on R3 alone
# each `loadgen --method shortlist --connections 4 --depth 4 --duration SECONDS`, printing for every run the
# load average before it and each process's CPU (% of one core, from /proc utime + stime over the run):
# the rankers and this cluster's PostgreSQL processes together. Then the feed: Tools/bench_feed.py with R1 as
# the writer and R2 as the follower (catch-up after SIGSTOP, then sustained writes).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"; vendors="${2:-2000}"; seconds="${3:-10}"

bin="$(swift build -c release --show-bin-path)/vendormatch"
[ -x "$bin" ] || { echo "build first: swift build -c release"; exit 1; }
pg_bin=/usr/lib/postgresql/15/bin
tmp="$(mktemp -d /tmp/vm-pgbench.XXXXXX)"
chown postgres "$tmp"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="$(free_port)"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
    as_postgres "$pg_bin/pg_ctl -D $tmp/data -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
as_postgres "$pg_bin/initdb -D $tmp/data -A trust -U vm" >/dev/null
as_postgres "$pg_bin/pg_ctl -D $tmp/data -o '-p $port -k $tmp -c listen_addresses=127.0.0.1' -l $tmp/log -w start" >/dev/null
psql -h 127.0.0.1 -p "$port" -U vm -d postgres -qAt -c "CREATE DATABASE bench"
store="postgres://vm@127.0.0.1:$port/bench"
"$bin" demo-data --out "$tmp/market" --vendors "$vendors" --requests 200 --models Models >/dev/null
"$bin" import "$tmp/market" --store "$store" --models Models >/dev/null
echo "market: $vendors vendors ($(wc -l < "$tmp/market/case_studies.jsonl") case studies), PostgreSQL 15 on 127.0.0.1:$port"

start_ranker() {  # $1: name, then extra flags; sets $ranker_pid, $ranker_port
    local name="$1"; shift
    ranker_port="$(free_port)"
    "$bin" serve --store "$store" --models Models --port "$ranker_port" --http off "$@" >"$tmp/$name.log" 2>&1 &
    ranker_pid=$!
    pids+=("$ranker_pid")
    for _ in $(seq 1 240); do grep -q "listening on" "$tmp/$name.log" && return 0; sleep 0.5; done
    echo "$name did not start"; cat "$tmp/$name.log"; exit 1
}
start_ranker r1; r1_pid=$ranker_pid; r1_port=$ranker_port
start_ranker r2; r2_pid=$ranker_pid; r2_port=$ranker_port
start_ranker r3 --no-log-shortlists; r3_pid=$ranker_pid; r3_port=$ranker_port

ticks() {  # utime + stime of the given pids, in clock ticks
    local total=0
    for p in "$@"; do
        [ -r "/proc/$p/stat" ] || continue
        local fields; fields="$(sed 's/.*) //' "/proc/$p/stat")"
        total=$((total + $(echo "$fields" | awk '{print $12 + $13}')))
    done
    echo "$total"
}
pg_pids() {  # this cluster's postmaster and its children (the backends of every ranker's connections)
    local pm; pm="$(head -1 "$tmp/data/postmaster.pid")"
    echo "$pm $(pgrep -P "$pm" | tr '\n' ' ')"
}
hz="$(getconf CLK_TCK)"

run() {  # $1: label, then ports to load at once
    local label="$1"; shift
    local load; load="$(cut -d' ' -f1-3 /proc/loadavg)"
    local pg; pg="$(pg_pids)"
    local b1 b2 b3 bp; b1="$(ticks "$r1_pid")"; b2="$(ticks "$r2_pid")"; b3="$(ticks "$r3_pid")"; bp="$(ticks $pg)"
    local t0; t0="$(date +%s.%N)"
    local lg=()
    local i=0
    for p in "$@"; do
        "$bin" loadgen --port "$p" --method shortlist --connections 4 --depth 4 --duration "$seconds" --json >"$tmp/lg.$i.json" 2>&1 &
        lg+=("$!"); i=$((i + 1))
    done
    for p in "${lg[@]}"; do wait "$p"; done
    local t1; t1="$(date +%s.%N)"
    local a1 a2 a3 ap; a1="$(ticks "$r1_pid")"; a2="$(ticks "$r2_pid")"; a3="$(ticks "$r3_pid")"
    # Backends forked during the run (a ranker's log connection opens with its first batch) count from 0.
    ap="$(ticks $(echo $pg $(pg_pids) | tr ' ' '\n' | sort -u))"
    python3 - "$label" "$load" "$t0" "$t1" "$hz" "$((a1 - b1))" "$((a2 - b2))" "$((a3 - b3))" "$((ap - bp))" "$tmp"/lg.*.json <<'PY'
import json, sys
label, load, t0, t1, hz = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
cpu = [int(x) / hz / (t1 - t0) * 100 for x in sys.argv[6:10]]
runs = [json.load(open(f)) for f in sys.argv[10:]]
rps = [r["requests_per_second"] for r in runs]
print(f"{label:6s} load {load}  requests/s {' + '.join('%.0f' % x for x in rps)} = {sum(rps):.0f}  "
      f"p50 {'/'.join('%.1f' % r['p50_ms'] for r in runs)} ms p99 {'/'.join('%.1f' % r['p99_ms'] for r in runs)} ms  errors {sum(r['errors'] for r in runs)}  "
      f"CPU% r1 {cpu[0]:.0f} r2 {cpu[1]:.0f} r3 {cpu[2]:.0f} postgres {cpu[3]:.0f}")
PY
    rm -f "$tmp"/lg.*.json
}

for r in $(seq 1 "$rounds"); do
    run one "$r1_port"
    run two "$r1_port" "$r2_port"
    run nolog "$r3_port"
done
logged="$(psql -h 127.0.0.1 -p "$port" -U vm -d bench -qAt -c "SELECT count(*), pg_size_pretty(pg_total_relation_size('shortlist_log')) FROM shortlist_log")"
echo "shortlist_log after the runs: $logged (rows, size)"

mkdir -p "$tmp/gen"
python3 -m grpc_tools.protoc -I Protos --python_out="$tmp/gen" Protos/vendormatch/v1/vendormatch.proto
for r in $(seq 1 "$rounds"); do
    echo "feed round $r, load $(cut -d' ' -f1-3 /proc/loadavg): $(PYTHONPATH="$tmp/gen:Tools" python3 Tools/bench_feed.py --writer-port "$r1_port" \
        --follower-port "$r2_port" --follower-pid "$r2_pid" --writes 3000 --seconds "$seconds" --first $((r * 1000000)))"
done

#!/usr/bin/env bash
# The PostgreSQL store and several rankers on it (CONTRACT §8), on a real PostgreSQL server on loopback:
# starts a throw-away cluster (Debian's postgresql 15, as user postgres, trust auth for user vm, a free
# port), then runs
#   - the store suite against PostgreSQL (VendorMatchStoreTests: the same tests as SQLite, plus schema
#     versions, connection failures and concurrent writers),
#   - three `serve --store` rankers (VendorMatchServerTests' PostgresRankersTests): writes spread over the
#     rankers read back through the others with the versions, a ranker killed with SIGKILL catching up,
#     a failed write changing no ranker, PostgreSQL restarted under load losing no acknowledged write,
#   - the command line: import/stats/export with --store, a bad or unreachable --store exits 2 naming it
#     within 10 s, an import's throughput, the shortlist log of a ranker on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/../.."

pg_bin=/usr/lib/postgresql/15/bin
if [ ! -x "$pg_bin/initdb" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    else
        echo "postgres-rankers: PostgreSQL 15 is not installed (bash Tools/install-system-packages.sh installs it)"; exit 1
    fi
fi
id postgres >/dev/null 2>&1 || { echo "postgres-rankers: no user postgres (the postgresql package makes it)"; exit 1; }

swift build --product vendormatch >/dev/null
bin="$(swift build --show-bin-path)/vendormatch"
pgdir="$(mktemp -d /tmp/vm-pg.XXXXXX)"
chown postgres "$pgdir"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
pg_ctl_cmd="$pg_bin/pg_ctl -D $pgdir/data -o '-p $port -k $pgdir -c listen_addresses=127.0.0.1' -l $pgdir/log -w"
cleanup() {
    as_postgres "$pg_bin/pg_ctl -D $pgdir/data -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$pgdir"
}
trap cleanup EXIT
as_postgres "$pg_bin/initdb -D $pgdir/data -A trust -U vm" >/dev/null
as_postgres "$pg_ctl_cmd start" >/dev/null
server="postgres://vm@127.0.0.1:$port/postgres"
echo "PostgreSQL on 127.0.0.1:$port"

# The command line against it.
psql_db() { psql -h 127.0.0.1 -p "$port" -U vm -d postgres -qAt -c "$1"; }
psql_db "CREATE DATABASE cli"
store="postgres://vm@127.0.0.1:$port/cli"
"$bin" demo-data --out "$pgdir/market" --vendors 2000 --requests 10 --models Models >/dev/null
"$bin" import "$pgdir/market" --store "$store" --models Models --json > "$pgdir/import.json"
python3 - "$pgdir/import.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"import into PostgreSQL: {s['records']} records in {s['seconds']:.2f} s, {s['records_per_second']:.0f} records/s")
assert s["records"] > 0
PY
VENDORMATCH_STORE="$store" "$bin" stats --models Models --json > "$pgdir/stats.json"
grep -q '"vendors":2000' "$pgdir/stats.json" || grep -q '"vendors": 2000' "$pgdir/stats.json" || { echo "stats via \$VENDORMATCH_STORE:"; cat "$pgdir/stats.json"; exit 1; }
"$bin" export "$pgdir/out" --store "$store" --models Models >/dev/null
"$bin" import "$pgdir/out" --db "$pgdir/copy.sqlite" --models Models --no-embed >/dev/null
"$bin" export "$pgdir/out2" --db "$pgdir/copy.sqlite" --models Models >/dev/null
for f in vendors.jsonl case_studies.jsonl referrals.jsonl; do
    cmp -s "$pgdir/out/$f" "$pgdir/out2/$f" || { echo "export from PostgreSQL and from SQLite differ: $f"; exit 1; }
done
echo "import, stats (\$VENDORMATCH_STORE), export round trip through SQLite: identical files"

for bad in "postgres://vm@127.0.0.1:1/cli" "postgres://vm@127.0.0.1:$port/no_such_db" "postgres://127.0.0.1/cli"; do
    start=$(date +%s)
    status=0
    "$bin" stats --store "$bad" --models Models >/dev/null 2>"$pgdir/err" || status=$?
    elapsed=$(( $(date +%s) - start ))
    [ "$status" -eq 2 ] || { echo "--store $bad: exit $status, expected 2"; cat "$pgdir/err"; exit 1; }
    grep -qF "${bad#postgres://}" "$pgdir/err" || grep -qF "127.0.0.1" "$pgdir/err" || { echo "--store $bad: message does not name it"; cat "$pgdir/err"; exit 1; }
    [ "$elapsed" -le 10 ] || { echo "--store $bad: took $elapsed s"; exit 1; }
    echo "bad --store refused in ${elapsed} s (exit 2): $(head -c 160 "$pgdir/err")"
done

# API keys in the shared store, checked by a ranker (CONTRACT §6): a key created with `keys create --store`,
# a call without it is 16 UNAUTHENTICATED, with it OK; revoked by another process, it is refused at once.
token="$("$bin" keys create --tenant acme --scopes read --store "$store" --models Models 2>/dev/null)"
key_id="$("$bin" keys list --json --store "$store" --models Models | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')"
rport="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" serve --store "$store" --models Models --port "$rport" --http off >"$pgdir/keyed.log" 2>&1 &
keyed_pid=$!
for _ in $(seq 1 240); do grep -q "listening on" "$pgdir/keyed.log" && break; kill -0 "$keyed_pid" 2>/dev/null || break; sleep 0.5; done
grep -q "listening on" "$pgdir/keyed.log" || { echo "serve on a store holding keys did not start"; cat "$pgdir/keyed.log"; exit 1; }
grep -q "keys" "$pgdir/keyed.log" || { echo "serve on a store holding keys: start-up line does not say keys are checked"; cat "$pgdir/keyed.log"; exit 1; }
expect_unauthenticated() {  # $1: what, then the client's arguments
    local what="$1"; shift
    local status=0
    "$bin" client stats --port "$rport" "$@" >/dev/null 2>"$pgdir/err" || status=$?
    [ "$status" -eq 2 ] && grep -qi "unauthenticated" "$pgdir/err" || { echo "$what: exit $status, expected 2 UNAUTHENTICATED"; cat "$pgdir/err"; kill "$keyed_pid"; exit 1; }
}
expect_unauthenticated "ranker on PostgreSQL, no key"
"$bin" client stats --port "$rport" --auth-token "$token" >/dev/null 2>"$pgdir/err" || { echo "ranker on PostgreSQL, with the key: refused"; cat "$pgdir/err"; kill "$keyed_pid"; exit 1; }
"$bin" keys revoke "$key_id" --store "$store" --models Models >/dev/null 2>&1
expect_unauthenticated "ranker on PostgreSQL, key revoked by another process"
kill "$keyed_pid"; wait "$keyed_pid" 2>/dev/null || true
echo "ranker on PostgreSQL checks the store's keys: no key 16, key OK, revoked key 16 at once"

# The shortlist log in the shared store: a shortlist served by a ranker on PostgreSQL is in its shortlist_log
# table (seen with psql), `report --outcomes --store` counts it, and `train --from-outcomes --store` reads the
# log there (refusing with too few outcomes, exit 2, rather than asking for --db).
psql_db "CREATE DATABASE logged"
logstore="postgres://vm@127.0.0.1:$port/logged"
"$bin" import "$pgdir/market" --store "$logstore" --models Models >/dev/null
lport="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" serve --store "$logstore" --models Models --port "$lport" --http off >"$pgdir/logged.log" 2>&1 &
logged_pid=$!
for _ in $(seq 1 240); do grep -q "listening on" "$pgdir/logged.log" && break; kill -0 "$logged_pid" 2>/dev/null || break; sleep 0.5; done
grep -q "listening on" "$pgdir/logged.log" || { echo "serve --store for the log did not start"; cat "$pgdir/logged.log"; exit 1; }
echo '{"id": "ci-logged-1", "buyer_org": "ci-buyer", "industry": "5221", "service_types": ["data.machine-learning"], "k": 5}' > "$pgdir/req.json"
"$bin" client shortlist --port "$lport" --request "$pgdir/req.json" --brief >/dev/null || { echo "client shortlist against the ranker failed"; kill "$logged_pid"; exit 1; }
psql_logged() { psql -h 127.0.0.1 -p "$port" -U vm -d logged -qAt -c "$1"; }
row=""
for _ in $(seq 1 50); do
    row="$(psql_logged "SELECT request_id, k, request::json ->> 'buyer_org', length(vendor_ids) > 0, get_byte(matrix, 0) FROM shortlist_log WHERE request_id = 'ci-logged-1'")"
    [ -n "$row" ] && break
    sleep 0.1
done
[ "$row" = "ci-logged-1|5|ci-buyer|t|3" ] || { echo "the served shortlist is not in PostgreSQL's shortlist_log: '$row'"; cat "$pgdir/logged.log"; kill "$logged_pid"; exit 1; }
kill "$logged_pid"; wait "$logged_pid" 2>/dev/null || true
"$bin" report --outcomes --store "$logstore" --models Models --json > "$pgdir/report.json"
python3 - "$pgdir/report.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
rows = rows.get("rows", rows) if isinstance(rows, dict) else rows
served = sum(r["served"] for r in rows)
assert served == 1, rows
PY
status=0
"$bin" train --from-outcomes --store "$logstore" --models Models --folds 3 --rounds 5 >/dev/null 2>"$pgdir/err" || status=$?
[ "$status" -eq 2 ] && grep -q "too few outcomes" "$pgdir/err" || { echo "train --from-outcomes --store: exit $status"; cat "$pgdir/err"; exit 1; }
echo "ranker on PostgreSQL logs its shortlists: row in shortlist_log ($row), report --outcomes --store counts it, train --from-outcomes --store reads it"

# The Swift suites against it.
export VENDORMATCH_TEST_POSTGRES="$server"
export VENDORMATCH_TEST_POSTGRES_RESTART="$(if [ "$(id -u)" -eq 0 ]; then echo "su postgres -s /bin/sh -c \"$pg_ctl_cmd -m fast restart\""; else echo "$pg_ctl_cmd -m fast restart"; fi)"
swift build --build-tests >/dev/null
swift test --skip-build --filter 'CatalogueStoringTests|ShortlistLogStoringTests|PostgresStoreTests|PostgresConnectionLossTests|PostgresSocketOptionTests|PostgresRankersTests|FollowedIndexPropertyTests' 2>&1 | tee "$pgdir/test.log" | tail -20
grep -q "Test run with .* passed" "$pgdir/test.log" || { echo "PostgreSQL suites failed"; exit 1; }
# The connection-loss tests ran against the server (not skipped for want of one).
grep -q "Test aStoreWritesAgainAfterItsBackendsAreTerminated() passed" "$pgdir/test.log" || { echo "PostgresConnectionLossTests did not run"; exit 1; }
grep -q "threeRankersServeEveryWriteTheyWereToldAbout" "$pgdir/test.log" || true
echo "postgres-rankers: OK"

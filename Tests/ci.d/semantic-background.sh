#!/usr/bin/env bash
# The semantic channel on a database imported without need vectors (issue 17): `serve` answers at once,
# ranking lexically, encodes the missing vectors in the background with its progress in Stats
# (`background/semantic-vectors`: done, still to do), stores them, and switches to hybrid without a
# restart; a second start finds every vector stored and has nothing to do.
set -euo pipefail
cd "$(dirname "$0")/../.."
source Tests/Interop/demo-server.sh

"$bin" demo-data --out "$tmp/market" --vendors 15 --requests 3 --models Models >/dev/null
"$bin" import "$tmp/market" --db "$tmp/db.sqlite" --models Models --no-embed >/dev/null
needs="$(python3 -c "import json,sys; print(len({json.loads(l).get('need') for l in open(sys.argv[1])} - {None}))" "$tmp/market/case_studies.jsonl")"
request=(--industry 522 --need "a credit risk model for small business loans" -k 3)

serve_need_encoder=auto start_server
"$bin" client shortlist --port "$port" "${request[@]}" >/dev/null
progress() { "$bin" client stats --port "$port" | awk '$1 == "background/semantic-vectors" { print $2, $3 }'; }
first="$(progress)"
[ -n "$first" ] || { echo "Stats has no background/semantic-vectors entry"; "$bin" client stats --port "$port"; exit 1; }
echo "answered at once; Stats: $first (done, still to do)"
for _ in $(seq 1 600); do
    [ "$(progress | awk '{ print $2 }')" = "0" ] && break
    sleep 0.5
done
[ "$(progress | awk '{ print $2 }')" = "0" ] || { echo "background encoding did not finish: $(progress)"; cat "$tmp/serve.log"; exit 1; }
grep -q "semantic channel on" "$tmp/serve.log" || { echo "no log line for the switch"; cat "$tmp/serve.log"; exit 1; }
"$bin" client shortlist --port "$port" "${request[@]}" >/dev/null
stop_demo_server

stored="$("$bin" stats --db "$tmp/db.sqlite" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['counts']['need_vectors'])")"
[ "$stored" = "$needs" ] || { echo "stored $stored need vectors, expected one per distinct need ($needs)"; exit 1; }
echo "switched to hybrid after encoding; $stored vectors stored (one per distinct need)"

serve_need_encoder=auto start_server
"$bin" client shortlist --port "$port" "${request[@]}" >/dev/null
[ "$(progress)" = "$(progress | awk '{ print $1 }') 0" ] || { echo "second start still waiting: $(progress)"; exit 1; }
! grep -q "in the background" "$tmp/serve.log" || { echo "second start encoded again"; cat "$tmp/serve.log"; exit 1; }
stop_demo_server
echo "second start: every vector loaded, nothing encoded"

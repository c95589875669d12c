#!/usr/bin/env bash
# The model file guard, end to end: a model whose second phase was trained on other features (or whose
# trees file is corrupt) is refused by `shortlist --model` (exit 2, naming the mismatch); a running server
# sent SIGHUP with such a model keeps serving its current model and logs why; a good model then reloads.
set -euo pipefail
cd "$(dirname "$0")/../.."

source Tests/Interop/demo-server.sh

"$bin" demo-data --out "$tmp/market" --vendors 200 --requests 10 --models Models >/dev/null
"$bin" import "$tmp/market" --db "$tmp/db.sqlite" --models Models --no-embed >/dev/null
mkdir -p "$tmp/model"
cp Models/ranking-model.json Models/ranking-model.trees.json "$tmp/model/"
grep -q '"second_phase"' "$tmp/model/ranking-model.json" || { echo "the shipped model has no second phase"; exit 1; }

request=(--industry 5221 --size 1000-9999 --service data.machine-learning --need "predict loan defaults" -k 5)

# A mismatched feature list: refused by the command line, naming the feature.
python3 - "$tmp/model/ranking-model.json" "$tmp/bad.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["second_phase"]["features"][0] = "request.has_industry@99"
m["second_phase"]["trees"] = "ranking-model.trees.json"
json.dump(m, open(sys.argv[2], "w"))
PY
cp Models/ranking-model.trees.json "$tmp/"
status=0
"$bin" shortlist --db "$tmp/db.sqlite" --models Models --model "$tmp/bad.json" "${request[@]}" >/dev/null 2>"$tmp/err" || status=$?
[ "$status" -eq 2 ] || { echo "mismatched model: exit $status, expected 2"; cat "$tmp/err"; exit 1; }
grep -q "request.has_industry@99" "$tmp/err" || { echo "the message does not name the feature:"; cat "$tmp/err"; exit 1; }
echo "mismatched model refused by shortlist (exit 2): $(head -c 200 "$tmp/err")"

# The server: serve with the good model, then SIGHUP with a corrupt trees file, then with the good one again.
start_server --model "$tmp/model/ranking-model.json"

"$bin" client shortlist --port "$port" --json "${request[@]}" > "$tmp/before.json"
cp "$tmp/model/ranking-model.trees.json" "$tmp/good.trees.json"
echo '{"learner": [1, 2' > "$tmp/model/ranking-model.trees.json"
kill -HUP "$server_pid"
for _ in $(seq 1 100); do grep -q "model not reloaded" "$tmp/serve.log" && break; sleep 0.1; done
grep -q "model not reloaded" "$tmp/serve.log" || { echo "no log line after SIGHUP with a corrupt model"; cat "$tmp/serve.log"; exit 1; }
grep "model not reloaded" "$tmp/serve.log" | grep -q "not an XGBoost JSON model" || { echo "the log does not say why"; cat "$tmp/serve.log"; exit 1; }
"$bin" client shortlist --port "$port" --json "${request[@]}" > "$tmp/after.json"
cmp -s "$tmp/before.json" "$tmp/after.json" || { echo "answers changed after a refused reload"; diff "$tmp/before.json" "$tmp/after.json" | head; exit 1; }
echo "corrupt model refused on SIGHUP; the server answers as before"

cp "$tmp/good.trees.json" "$tmp/model/ranking-model.trees.json"
kill -HUP "$server_pid"
for _ in $(seq 1 100); do grep -q "reloaded the ranking model" "$tmp/serve.log" && break; sleep 0.1; done
grep -q "reloaded the ranking model" "$tmp/serve.log" || { echo "good model not reloaded"; cat "$tmp/serve.log"; exit 1; }
"$bin" client shortlist --port "$port" --json "${request[@]}" > "$tmp/again.json"
# Same order and scores (a reload rebuilds the index's running quality sums, so the last bits of a
# vendor's quality may differ).
python3 - "$tmp/before.json" "$tmp/again.json" <<'PY' || { echo "the reloaded good model answers differently"; exit 1; }
import json, sys
a, b = (json.load(open(f))["vendors"] for f in sys.argv[1:3])
assert [v["vendor_id"] for v in a] == [v["vendor_id"] for v in b], "order"
assert all(abs(x["score"] - y["score"]) < 1e-9 for x, y in zip(a, b)), "scores"
PY
echo "good model reloaded on SIGHUP"
stop_demo_server

#!/usr/bin/env bash
# The feedback loop end to end over a small demo market: shortlists served over the wire are logged,
# outcomes recorded through RecordOutcomes (an unknown request id refused), `train --from-outcomes` refuses
# (exit 2, saying why) with too few outcomes, `--force --promote` installs a model that the running server
# picks up without a restart, `model rollback` restores the previous scores exactly, a model that does not
# load cannot be promoted, and `report --outcomes` shows the served shortlists per model version.
set -euo pipefail
cd "$(dirname "$0")/../.."

source Tests/Interop/demo-server.sh

mkdir -p "$tmp/gen"
python3 -m grpc_tools.protoc -I Protos --python_out="$tmp/gen" Protos/vendormatch/v1/vendormatch.proto

"$bin" demo-data --out "$tmp/market" --vendors 300 --requests 90 --seed 5 --taste quality=4,work=0.6 --models Models >/dev/null
"$bin" import "$tmp/market" --db "$tmp/db.sqlite" --models Models --no-embed >/dev/null
head -n 12 "$tmp/market/requests.jsonl" > "$tmp/few.jsonl"

start_server --model-poll-ms 100
request=(--industry 5221 --size 1000-9999 --service data.machine-learning --need "predict loan defaults" -k 5)

# Too few outcomes: refused, exit 2, saying why.
PYTHONPATH="$tmp/gen" python3 Tools/replay_outcomes.py --port "$port" --requests "$tmp/few.jsonl" --qrels "$tmp/market/qrels.txt" >/dev/null
status=0
"$bin" train --from-outcomes --db "$tmp/db.sqlite" --models Models --folds 3 --rounds 20 >/dev/null 2>"$tmp/err" || status=$?
[ "$status" -eq 2 ] || { echo "train with 12 requests' outcomes: exit $status, expected 2"; cat "$tmp/err"; exit 1; }
grep -q "too few outcomes" "$tmp/err" || { echo "the refusal does not say why:"; cat "$tmp/err"; exit 1; }
echo "too few outcomes refused (exit 2): $(tail -c 200 "$tmp/err")"

# An outcome for a request never served: 3 INVALID_ARGUMENT naming the field (the Python client exits non-zero).
printf 'never-served 0 v00001 2\n' > "$tmp/unknown.qrels"
printf '{"id": "never-served"}\n' > "$tmp/unknown.jsonl"
python3 - "$tmp/gen" "$port" <<'PY'
import socket, struct, sys
sys.path.insert(0, sys.argv[1])
from vendormatch.v1 import vendormatch_pb2 as pb
s = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
f = pb.Frame(id=1, method="/vendormatch.v1.VendorMatch/RecordOutcomes",
             payload=pb.RecordOutcomesRequest(outcomes=[pb.Outcome(request_id="never-served", vendor_id="v00001", grade=2)]).SerializeToString())
b = f.SerializeToString(); s.sendall(struct.pack(">BI", 0, len(b)) + b)
data = b""
while len(data) < 5 or len(data) < 5 + struct.unpack(">BI", data[:5])[1]: data += s.recv(65536)
r = pb.Frame(); r.ParseFromString(data[5:])
assert r.status.code == 3 and r.status.field == "outcomes[0].request_id", r.status
print("unknown request id refused: %d %s" % (r.status.code, r.status.message))
PY

# Enough outcomes for a model (forced: a market this small need not beat the shipped model significantly).
PYTHONPATH="$tmp/gen" python3 Tools/replay_outcomes.py --port "$port" --requests "$tmp/market/requests.jsonl" --qrels "$tmp/market/qrels.txt"
"$bin" client shortlist --port "$port" --json "${request[@]}" > "$tmp/before.json"
"$bin" train --from-outcomes --db "$tmp/db.sqlite" --models Models --folds 3 --rounds 20 --force --promote --out "$tmp/models/new.json" >"$tmp/train.out" 2>&1 \
    || { echo "train --from-outcomes --force --promote failed"; cat "$tmp/train.out"; exit 1; }
grep -q "promoted" "$tmp/train.out" || { cat "$tmp/train.out"; exit 1; }
for _ in $(seq 1 100); do grep -q "reloaded the ranking model on promotion" "$tmp/serve.log" && break; sleep 0.1; done
grep -q "reloaded the ranking model on promotion" "$tmp/serve.log" || { echo "the server did not pick up the promotion"; cat "$tmp/serve.log"; exit 1; }
"$bin" client shortlist --port "$port" --json "${request[@]}" > "$tmp/promoted.json"
if cmp -s "$tmp/before.json" "$tmp/promoted.json"; then echo "the promoted model answers exactly like the old one"; exit 1; fi
echo "promoted model picked up without a restart: $(grep -o 'held-out NDCG@10[^;]*' "$tmp/train.out" | head -1)"
# 12 of the requests served again, now by the promoted model (their log rows say so; outcomes recorded again).
PYTHONPATH="$tmp/gen" python3 Tools/replay_outcomes.py --port "$port" --requests "$tmp/few.jsonl" --qrels "$tmp/market/qrels.txt" >/dev/null

# Rollback: the previous model's answers, byte for byte.
"$bin" model rollback --db "$tmp/db.sqlite" --models Models
for _ in $(seq 1 100); do grep -q "reloaded the ranking model on rollback" "$tmp/serve.log" && break; sleep 0.1; done
grep -q "reloaded the ranking model on rollback" "$tmp/serve.log" || { echo "the server did not roll back"; cat "$tmp/serve.log"; exit 1; }
"$bin" client shortlist --port "$port" --json "${request[@]}" > "$tmp/rolled-back.json"
cmp "$tmp/before.json" "$tmp/rolled-back.json" || { echo "rollback does not restore the previous scores exactly"; diff "$tmp/before.json" "$tmp/rolled-back.json" | head; exit 1; }
echo "rollback restored the previous answers exactly"

# A model whose trees do not load cannot be promoted (exit 2), and the server keeps its model.
cp "$tmp/models/new.json" "$tmp/models/broken.json"
sed -i 's/"new.trees.json"/"broken.trees.json"/' "$tmp/models/broken.json"
echo '{"learner": [1, 2' > "$tmp/models/broken.trees.json"
status=0
"$bin" model promote "$tmp/models/broken.json" --db "$tmp/db.sqlite" --models Models 2>"$tmp/err" || status=$?
[ "$status" -eq 2 ] || { echo "promoting a broken model: exit $status, expected 2"; cat "$tmp/err"; exit 1; }
grep -q "not an XGBoost JSON model" "$tmp/err" || { echo "the refusal does not say why:"; cat "$tmp/err"; exit 1; }
echo "broken model not promoted: $(head -c 160 "$tmp/err")"

# The online evaluation: both model versions' shortlists, with outcomes. The server is stopped first: its
# log is written in batches, and a graceful stop writes the last one (the rolled-back "cli" shortlist).
stop_demo_server
"$bin" report --outcomes --db "$tmp/db.sqlite" --models Models --json > "$tmp/report.json"
python3 - "$tmp/report.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
# 90 requests replayed (12 of them again by the promoted model: logged once, under it), and the three
# `client shortlist` calls, which share the client's request id "cli" (logged once, last by the old model).
by = {r["model_version"]: r for r in rows}
assert len(by) == 2 and sum(r["served"] for r in rows) == 91, rows
new = [r for v, r in by.items() if v.startswith("new@")][0]
old = [r for v, r in by.items() if not v.startswith("new@")][0]
assert (new["served"], new["with_outcomes"], old["served"], old["with_outcomes"]) == (12, 12, 79, 78), rows
assert new["ndcg@10"] is not None and old["ndcg@10"] is not None, rows
print("report --outcomes: %s" % [(r["model_version"], r["served"], r["with_outcomes"], r["ndcg@10"]) for r in rows])
PY

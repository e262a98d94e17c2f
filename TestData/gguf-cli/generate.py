#!/usr/bin/env python3
"""Writes the GGUF files the CLI tests run every command on, and `expected.json`.

Run from the repository root: `python3 TestData/gguf-cli/generate.py` (needs gguf 0.19.0, numpy).
Files are written by gguf-py's GGUFWriter; quantized tensors by `gguf.quants.quantize`; every
expected number comes from `gguf.quants.dequantize` and numpy in float64, never from tensoraudit.

- `llama-f32.gguf`: a tiny llama-style model: `token_embd.weight` [64, 64] (pad row 3 non-zero),
  `blk.0.attn_q.weight`, `blk.1.attn_q.weight` (a byte copy of layer 0), `output_norm.weight`, no
  `output.weight` (llama.cpp then uses the embedding: tied), and a tokenizer in the metadata
  (`tokenizer.ggml.tokens`, `token_type` with ids 60–63 UNUSED, `padding_token_id` 3).
- `llama-q8_0.gguf`: the same with every matrix quantized to Q8_0.
- `llama-q4_0.gguf`: the same with every matrix quantized to Q4_0.
- `vocab-mismatch.gguf`: 60 tokens for a 64-row `token_embd.weight`.
- `hub-llama.safetensors` (safetensors' numpy writer): a one-layer llama with Hugging Face names;
  `hub-llama-q8_0.gguf`: the same weights under the names gguf-py's own tensor map
  (`get_tensor_name_map(LLAMA)`) gives them, matrices in Q8_0 (rows not permuted and no head
  counts, so `diff` compares them in file order: the fixture checks the name map; TestData/gguf-rope
  checks the converter's q/k permutation); `hub-map.json`: an explicit map for `diff --map`.
"""
import json
import os

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGUFWriter
from safetensors.numpy import save_file
from gguf.quants import dequantize, quantize

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(12)
VOCAB, HIDDEN, PAD = 64, 64, 3

TENSORS = {
    "token_embd.weight": (RNG.standard_normal((VOCAB, HIDDEN)) * 0.05).astype(np.float32),
    "blk.0.attn_q.weight": (RNG.standard_normal((HIDDEN, HIDDEN)) * 0.1).astype(np.float32),
    "output_norm.weight": np.ones(HIDDEN, dtype=np.float32),
}
TENSORS["blk.1.attn_q.weight"] = TENSORS["blk.0.attn_q.weight"].copy()


def write(name, qtype, tokens=VOCAB):
    path = os.path.join(HERE, name)
    w = GGUFWriter(path, "llama")
    w.add_tokenizer_model("llama")
    w.add_token_list([f"tok{i}" for i in range(tokens)])
    w.add_token_types([5 if i >= 60 else 1 for i in range(tokens)])
    w.add_pad_token_id(PAD)
    stored = {}
    for tname, x in TENSORS.items():
        if qtype is not None and x.ndim == 2:
            q = quantize(x, qtype)
            w.add_tensor(tname, q, raw_dtype=qtype)
            stored[tname] = dequantize(q, qtype).astype(np.float64)
        else:
            w.add_tensor(tname, x)
            stored[tname] = x.astype(np.float64)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return stored


def hub_llama():
    hub = {"model.embed_tokens.weight": (RNG.standard_normal((32, 64)) * 0.05).astype(np.float32),
           "model.layers.0.self_attn.q_proj.weight": (RNG.standard_normal((64, 64)) * 0.1).astype(np.float32),
           "model.layers.0.mlp.down_proj.weight": (RNG.standard_normal((64, 128)) * 0.1).astype(np.float32),
           "model.layers.0.input_layernorm.weight": np.ones(64, dtype=np.float32),
           "model.norm.weight": np.ones(64, dtype=np.float32),
           "lm_head.weight": (RNG.standard_normal((32, 64)) * 0.05).astype(np.float32)}
    save_file(hub, os.path.join(HERE, "hub-llama.safetensors"))
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, 1)
    w = GGUFWriter(os.path.join(HERE, "hub-llama-q8_0.gguf"), "llama")
    out = {}
    for name, x in hub.items():
        target = names.get_name(name, try_suffixes=(".weight", ".bias"))
        if x.ndim == 2:
            q = quantize(x, T.Q8_0)
            w.add_tensor(target, q, raw_dtype=T.Q8_0)
            y = dequantize(q, T.Q8_0).astype(np.float64)
        else:
            w.add_tensor(target, x)
            y = x.astype(np.float64)
        a = x.astype(np.float64)
        out[name] = {"gguf_name": target, "relative_l2": float(np.linalg.norm(a - y) / np.linalg.norm(a))}
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with open(os.path.join(HERE, "hub-map.json"), "w") as f:
        json.dump({n: v["gguf_name"] for n, v in out.items() if n != "lm_head.weight"}, f, indent=1, sort_keys=True)
    return out


def name_map():
    """gguf-py's own answers for the Hub names the built-in map covers (BERT's converter drops `bert.`;
    Qwen3's q/k norms from its own architecture's map)."""
    out = {}
    llama = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, 3)
    for name in ["model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"] + [
            f"model.layers.2.{p}.weight" for p in ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                                                   "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", "input_layernorm",
                                                   "post_attention_layernorm"]]:
        out[name] = llama.get_name(name, try_suffixes=(".weight", ".bias"))
    bert = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, 3)
    for name in ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                 "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.bias"] + [
            f"encoder.layer.2.{p}.weight" for p in ["attention.self.query", "attention.self.key", "attention.self.value",
                                                    "attention.output.dense", "attention.output.LayerNorm",
                                                    "intermediate.dense", "output.dense", "output.LayerNorm"]]:
        out["bert." + name] = bert.get_name(name, try_suffixes=(".weight", ".bias"))
    qwen3 = gguf.get_tensor_name_map(gguf.MODEL_ARCH.QWEN3, 3)  # the per-head q/k norms of Qwen3, OLMo 2, …
    for name in ["model.layers.2.self_attn.q_norm.weight", "model.layers.2.self_attn.k_norm.weight"]:
        out[name] = qwen3.get_name(name, try_suffixes=(".weight", ".bias"))
    return out


def main():
    reference = write("llama-f32.gguf", None)
    expected = {"pad_id": PAD, "unused_ids": [60, 61, 62, 63]}
    emb = reference["token_embd.weight"]
    norms = np.linalg.norm(emb, axis=1)
    expected["pad_row_norm"] = float(norms[PAD])
    for name, qtype in [("llama-q8_0.gguf", T.Q8_0), ("llama-q4_0.gguf", T.Q4_0)]:
        stored = write(name, qtype)
        diffs = {}
        for tname, a in reference.items():
            b = stored[tname]
            d = a - b
            diffs[tname] = {"relative_l2": float(np.linalg.norm(d) / np.linalg.norm(a)),
                            "max_abs": float(np.abs(d).max())}
        row_norms = np.linalg.norm(stored["token_embd.weight"], axis=1)
        expected[name] = {"diff_from_f32": diffs, "embedding_row_norms": [float(v) for v in row_norms]}
    write("vocab-mismatch.gguf", None, tokens=60)
    expected["hub-llama"] = hub_llama()
    expected["name_map"] = name_map()
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

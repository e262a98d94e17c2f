#!/usr/bin/env python3
"""Writes the fixtures for `diff` of a Hub llama checkpoint against its GGUF conversion, whose
q/k rows llama.cpp's converter permutes (rotary halves interleaved per head), and `expected.json`.

Run from the repository root: `python3 TestData/gguf-rope/generate.py` (gguf 0.19.0, numpy,
safetensors). Fixed seed: a rerun gives the same bytes. Every expected number is numpy's, in
float64, never tensoraudit's.

The permutation is written here in numpy the way llama.cpp's `convert_hf_to_gguf.py`
(`LlamaModel.permute`) states it: reshape the rows to [heads, 2, d/2, ...], swap axes 1 and 2,
reshape back; q_proj with num_attention_heads, k_proj with num_key_value_heads (the converter's
`permute(w, n_head, n_head_kv)` uses n_head_kv when it differs). Biases are permuted the same way.
tensoraudit undoes it with an index formula (`RowInterleave`), a second algorithm.

- `hub/model.safetensors` + `hub/config.json`: a two-layer llama with Hugging Face names, 4
  query heads and 2 key/value heads of 16 rows, hidden 64; layer 1 has q/k/v biases.
  `hub-bare.safetensors`: the same bytes with no config.json beside it.
- `llama-f32.gguf`: the conversion in F32: names from gguf-py's `get_tensor_name_map(LLAMA)`,
  q/k permuted, `llama.attention.head_count` 4 and `head_count_kv` 2.
- `llama-q8_0.gguf`: the same with every matrix quantized to Q8_0 after the permutation (as
  the converter, then llama-quantize, would).
- `llama-noheads-f32.gguf`: `llama-f32.gguf` without the head counts.
- `llama-wrong-kv-f32.gguf`: `llama-f32.gguf`'s tensors with `head_count_kv` 4 and `key_length` 16,
  which make 64 k rows where k has 32 (a file llama.cpp refuses): q is undone, k compared in file order.
- `qwen2-f32.gguf`: architecture `qwen2` (whose converter does not permute): q/k in Hub order.
- `granite-f32.gguf`: architecture `granite`, permuted as `llama-f32.gguf` (llama.cpp's
  GraniteModel inherits LlamaModel.modify_tensors, `conversion/granite.py`), its head counts as
  `granite.attention.head_count` / `head_count_kv`.
- `granitehybrid-f32.gguf`: architecture `granitehybrid` with `head_count_kv` per layer [0, 2], as
  GraniteHybridModel writes it (`conversion/granite.py`: 0 for every layer not in its
  `_attn_layers`); that converter permutes q/k only in those attention layers and passes any other
  layer's tensors on unpermuted, so layer 0's q/k are in Hub order and layer 1's permuted (2 KV
  heads). hunt-55a D7: a transformers-5.25 GraniteMoeHybrid config names its attention layers
  `full_attention`, the converter looks for `attention`, and `diff` undid a permutation that never
  happened with config.json's counts.
- `olmo-f32.gguf`: architecture `olmo`, whose converter (OlmoModel.modify_tensors,
  `conversion/olmo.py`) permutes the q/k *weights* only: layer 1's q/k biases stay in Hub order.
"""
import json
import os

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGUFWriter
from gguf.quants import dequantize, quantize
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(2026)
HEADS, KV_HEADS, HEAD_DIM, HIDDEN, VOCAB = 4, 2, 16, 64, 32


def permute(w, heads):
    """The converter's `LlamaModel.permute`, in numpy."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def hub_tensors():
    f = lambda *shape: (RNG.standard_normal(shape) * 0.1).astype(np.float32)
    t = {"model.embed_tokens.weight": f(VOCAB, HIDDEN), "model.norm.weight": np.ones(HIDDEN, np.float32),
         "lm_head.weight": f(VOCAB, HIDDEN)}
    for layer in range(2):
        p = f"model.layers.{layer}."
        t[p + "self_attn.q_proj.weight"] = f(HEADS * HEAD_DIM, HIDDEN)
        t[p + "self_attn.k_proj.weight"] = f(KV_HEADS * HEAD_DIM, HIDDEN)
        t[p + "self_attn.v_proj.weight"] = f(KV_HEADS * HEAD_DIM, HIDDEN)
        t[p + "self_attn.o_proj.weight"] = f(HIDDEN, HIDDEN)
        t[p + "mlp.down_proj.weight"] = f(HIDDEN, 128)
        t[p + "input_layernorm.weight"] = (1 + f(HIDDEN)).astype(np.float32)
        if layer == 1:
            t[p + "self_attn.q_proj.bias"] = f(HEADS * HEAD_DIM)
            t[p + "self_attn.k_proj.bias"] = f(KV_HEADS * HEAD_DIM)
            t[p + "self_attn.v_proj.bias"] = f(KV_HEADS * HEAD_DIM)
    return t


def converted(name, x, arch):
    if arch not in ("llama", "granite", "olmo", "granitehybrid"):
        return x
    if arch == "granitehybrid" and name.startswith("model.layers.0."):
        return x
    if arch == "olmo" and name.endswith(".bias"):
        return x
    if name.endswith(("q_proj.weight", "q_proj.bias")):
        return permute(x, HEADS)
    if name.endswith(("k_proj.weight", "k_proj.bias")):
        return permute(x, KV_HEADS)
    return x


def unpermute(name, y, arch="llama"):
    """Inverse of `converted`, by argsort of the forward permutation of indices."""
    if arch == "olmo" and name.endswith(".bias"):
        return y
    if arch == "granitehybrid" and name.startswith("model.layers.0."):
        return y
    heads = HEADS if "q_proj" in name else KV_HEADS if "k_proj" in name else None
    if heads is None:
        return y
    forward = permute(np.arange(y.shape[0]), heads)  # forward[g] = Hub row stored at GGUF row g
    out = np.empty_like(y)
    out[forward] = y
    return out


def write_gguf(file, hub, arch, qtype=None, heads=True, kv_heads=KV_HEADS, key_length=None):
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, 2)
    w = GGUFWriter(os.path.join(HERE, file), arch)
    if heads:
        w.add_head_count(HEADS)
        w.add_head_count_kv(kv_heads)  # an int, or GraniteHybridModel's per-layer list
    if key_length is not None:
        w.add_key_length(key_length)
    stored = add_tensors(w, hub, names, lambda name, x: converted(name, x, arch), qtype)
    finish(w)
    return stored


def add_tensors(w, hub, names, convert, qtype=None):
    """Adds each Hub tensor to `w` under gguf-py's name for it, as `convert(name, x)` makes it,
    its matrices quantized to `qtype` when given; returns name -> (GGUF name, the stored values
    decoded to float64) (shared with gguf-gemma/generate.py)."""
    stored = {}
    for name, x in hub.items():
        target = names.get_name(name, try_suffixes=(".weight", ".bias"))
        y = convert(name, x)
        if qtype is not None and y.ndim == 2:
            q = quantize(y, qtype)
            w.add_tensor(target, q, raw_dtype=qtype)
            y = dequantize(q, qtype)
        else:
            w.add_tensor(target, y)
        stored[name] = (target, y.astype(np.float64))
    return stored


def finish(w):
    """Writes a GGUFWriter's header, metadata and tensors, in the order gguf-py requires, and
    closes it (shared with generate_hostile.py)."""
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def report(hub, stored, undo, arch="llama"):
    """Per Hub tensor: relative L2, max |a - b| and the worst row (A's numbering) of A against B,
    B's rows paired back when `undo`."""
    out = {}
    for name, (target, y) in stored.items():
        a = hub[name].astype(np.float64)
        b = unpermute(name, y, arch) if undo else y
        d = a - b
        rows = np.linalg.norm(d.reshape(d.shape[0], -1), axis=1) if d.ndim == 2 else np.array([np.linalg.norm(d)])
        out[name] = {"gguf_name": target, "relative_l2": float(np.linalg.norm(d) / np.linalg.norm(a)),
                     "max_abs": float(np.abs(d).max()), "worst_row": int(np.argmax(rows)) if rows.max() > 0 else None}
    return out


def main():
    hub = hub_tensors()
    os.makedirs(os.path.join(HERE, "hub"), exist_ok=True)
    save_file(hub, os.path.join(HERE, "hub", "model.safetensors"))
    save_file(hub, os.path.join(HERE, "hub-bare.safetensors"))
    with open(os.path.join(HERE, "hub", "config.json"), "w") as f:
        json.dump({"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": HIDDEN,
                   "num_attention_heads": HEADS, "num_key_value_heads": KV_HEADS, "vocab_size": VOCAB,
                   "tie_word_embeddings": False}, f, indent=1)
        f.write("\n")
    expected = {
        "llama-f32.gguf": report(hub, write_gguf("llama-f32.gguf", hub, "llama"), undo=True),
        "llama-q8_0.gguf": report(hub, write_gguf("llama-q8_0.gguf", hub, "llama", T.Q8_0), undo=True),
        "qwen2-f32.gguf": report(hub, write_gguf("qwen2-f32.gguf", hub, "qwen2"), undo=False),
        "granite-f32.gguf": report(hub, write_gguf("granite-f32.gguf", hub, "granite"), undo=True),
        "olmo-f32.gguf": report(hub, write_gguf("olmo-f32.gguf", hub, "olmo"), undo=True, arch="olmo"),
        "granitehybrid-f32.gguf": report(hub, write_gguf("granitehybrid-f32.gguf", hub, "granitehybrid", kv_heads=[0, KV_HEADS]),
                                         undo=True, arch="granitehybrid"),
    }
    # head_count_kv 4 where k has 2 heads of 16 rows (key_length 16): a shape llama.cpp's loader
    # refuses; the rows are stored as the converter permuted them with the true 2 heads.
    wrong = write_gguf("llama-wrong-kv-f32.gguf", hub, "llama", kv_heads=4, key_length=HEAD_DIM)
    expected["llama-wrong-kv-f32.gguf"] = {"undone_q_only": {name: value for name, value in report(hub, wrong, undo=True).items()
                                                            if "k_proj" not in name},
                                           "file_order_k": {name: value for name, value in report(hub, wrong, undo=False).items()
                                                            if "k_proj" in name}}
    noheads = write_gguf("llama-noheads-f32.gguf", hub, "llama", heads=False)
    expected["llama-noheads-f32.gguf"] = {"undone": report(hub, noheads, undo=True), "file_order": report(hub, noheads, undo=False)}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

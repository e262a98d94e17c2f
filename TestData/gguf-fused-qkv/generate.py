#!/usr/bin/env python3
"""Fixtures for `diff` of Hub checkpoints whose fused query-key-value matrix llama.cpp's converter
regroups, against their GGUF conversions.

What the converter does (vendored by llama-cpp-python 0.3.36, each class's `modify_tensors`):
- GPT-NeoX (`conversion/gptneox.py`) and BLOOM (`conversion/bloom.py`): `query_key_value.weight`
  `[3E, E]` reshaped `[heads, 3, E/heads, E]`, stored as `cat(q, k, v)` of all heads; the bias
  `[3E]` likewise (`[heads, 3, E/heads]`). BLOOM also drops every `transformer.` from the name first.
- Falcon (`conversion/falcon.py`): `query_key_value.weight` viewed `[kv, heads/kv + 2, hd, E]`,
  stored as all query heads, then the kv key heads, then the kv value heads.
helper-177 checked these on conversions by that converter of tiny GPTNeoXForCausalLM,
BloomForCausalLM and Falcon-40B-style FalconForCausalLM models (/work/coord/sweep-58b.md).

Written here with numpy (the converter's reshapes), safetensors and gguf-py, one layer each:
- `gptneox/` + `gptneox-f32.gguf` (4 heads, E = 16, weight and bias);
- `gptneox-unregrouped-f32.gguf`: the fused matrix and bias left in the Hub's order (a converter
  that skipped the regrouping): both exceed;
- `bloom/` + `bloom-f32.gguf` (4 heads, E = 16, with `post_attention_layernorm` and
  `word_embeddings_layernorm`, stored as `blk.0.ffn_norm` and `token_embd_norm`);
- `falcon40b/` + `falcon40b-f32.gguf` (8 query heads in 2 key-value groups, hd 4, E = 32);
- `falcon40b-one-group-f32.gguf`: the same tensors, but its metadata says 1 key-value group where
  config.json says 2: the values are the converter's (they pass), the evidence says llama.cpp would
  run other heads;
- `falcon40b-hub-order-f32.gguf`: the fused matrix left in the Hub's order, metadata 1 group (a
  file whose regrouping by its own count is no change): the matrix exceeds;
- `gptneox-two-heads-f32.gguf`: regrouped by 2 heads, metadata 2, where config.json says 4: both
  fused tensors exceed.

Run from the repository root: `python3 TestData/gguf-fused-qkv/generate.py`. Fixed seed.
"""
import json
import os

import numpy as np
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5803)


def f(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def per_head(x, heads):
    """GPT-NeoX / BLOOM: [heads, 3, hd, ...] → cat(q, k, v)."""
    rest = x.shape[1:]
    g = x.reshape((heads, 3, x.shape[0] // (3 * heads)) + rest)
    return np.concatenate([g[:, c].reshape((-1,) + rest) for c in range(3)], axis=0)


def jploski(x, heads, kv):
    """Falcon: [kv, heads/kv + 2, hd, E] → all q, all k, all v."""
    hd = x.shape[0] // (heads + 2 * kv)
    g = x.reshape(kv, heads // kv + 2, hd, x.shape[1])
    q = g[:, :-2].reshape(heads * hd, x.shape[1])
    k = g[:, [-2]].reshape(kv * hd, x.shape[1])
    v = g[:, [-1]].reshape(kv * hd, x.shape[1])
    return np.concatenate([q, k, v], axis=0)


def folder(name, tensors, config):
    os.makedirs(os.path.join(HERE, name), exist_ok=True)
    save_file(tensors, os.path.join(HERE, name, "model.safetensors"))
    with open(os.path.join(HERE, name, "config.json"), "w") as out:
        json.dump(config, out, indent=1)
        out.write("\n")


def gguf(name, architecture, tensors, heads, kv=None):
    w = GGUFWriter(os.path.join(HERE, name), architecture)
    w.add_head_count(heads)
    if kv is not None:
        w.add_head_count_kv(kv)
    for key in sorted(tensors):
        w.add_tensor(key, tensors[key])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


E, HEADS = 16, 4
neox = {"gpt_neox.layers.0.attention.query_key_value.weight": f(3 * E, E),
        "gpt_neox.layers.0.attention.query_key_value.bias": f(3 * E),
        "gpt_neox.layers.0.attention.dense.weight": f(E, E)}
folder("gptneox", neox, {"architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox", "hidden_size": E,
                         "num_attention_heads": HEADS, "num_hidden_layers": 1})
for name, regroup in (("gptneox-f32.gguf", True), ("gptneox-unregrouped-f32.gguf", False)):
    qkv_w = neox["gpt_neox.layers.0.attention.query_key_value.weight"]
    qkv_b = neox["gpt_neox.layers.0.attention.query_key_value.bias"]
    gguf(name, "gptneox", {"blk.0.attn_qkv.weight": per_head(qkv_w, HEADS) if regroup else qkv_w,
                           "blk.0.attn_qkv.bias": per_head(qkv_b, HEADS) if regroup else qkv_b,
                           "blk.0.attn_output.weight": neox["gpt_neox.layers.0.attention.dense.weight"]}, HEADS)

bloom = {"transformer.h.0.self_attention.query_key_value.weight": f(3 * E, E),
         "transformer.h.0.self_attention.query_key_value.bias": f(3 * E),
         "transformer.h.0.post_attention_layernorm.weight": f(E),
         "transformer.h.0.post_attention_layernorm.bias": f(E),
         "transformer.word_embeddings_layernorm.weight": f(E),
         "transformer.word_embeddings_layernorm.bias": f(E)}
folder("bloom", bloom, {"architectures": ["BloomForCausalLM"], "model_type": "bloom", "hidden_size": E, "n_head": HEADS,
                        "n_layer": 1})
gguf("bloom-f32.gguf", "bloom", {
    "blk.0.attn_qkv.weight": per_head(bloom["transformer.h.0.self_attention.query_key_value.weight"], HEADS),
    "blk.0.attn_qkv.bias": per_head(bloom["transformer.h.0.self_attention.query_key_value.bias"], HEADS),
    "blk.0.ffn_norm.weight": bloom["transformer.h.0.post_attention_layernorm.weight"],
    "blk.0.ffn_norm.bias": bloom["transformer.h.0.post_attention_layernorm.bias"],
    "token_embd_norm.weight": bloom["transformer.word_embeddings_layernorm.weight"],
    "token_embd_norm.bias": bloom["transformer.word_embeddings_layernorm.bias"]}, HEADS)

FE, FHEADS, FKV = 32, 8, 2
falcon = {"transformer.h.0.self_attention.query_key_value.weight": f((FHEADS + 2 * FKV) * (FE // FHEADS), FE),
          "transformer.h.0.self_attention.dense.weight": f(FE, FE)}
folder("falcon40b", falcon, {"architectures": ["FalconForCausalLM"], "model_type": "falcon", "hidden_size": FE,
                             "num_attention_heads": FHEADS, "num_kv_heads": FKV, "new_decoder_architecture": True,
                             "num_hidden_layers": 1})
stored = {"blk.0.attn_qkv.weight": jploski(falcon["transformer.h.0.self_attention.query_key_value.weight"], FHEADS, FKV),
          "blk.0.attn_output.weight": falcon["transformer.h.0.self_attention.dense.weight"]}
gguf("falcon40b-f32.gguf", "falcon", stored, FHEADS, FKV)
gguf("falcon40b-one-group-f32.gguf", "falcon", stored, FHEADS, 1)
gguf("falcon40b-hub-order-f32.gguf", "falcon", dict(stored, **{
    "blk.0.attn_qkv.weight": falcon["transformer.h.0.self_attention.query_key_value.weight"]}), FHEADS, 1)
gguf("gptneox-two-heads-f32.gguf", "gptneox", {
    "blk.0.attn_qkv.weight": per_head(neox["gpt_neox.layers.0.attention.query_key_value.weight"], 2),
    "blk.0.attn_qkv.bias": per_head(neox["gpt_neox.layers.0.attention.query_key_value.bias"], 2),
    "blk.0.attn_output.weight": neox["gpt_neox.layers.0.attention.dense.weight"]}, 2)

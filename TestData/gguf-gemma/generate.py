#!/usr/bin/env python3
"""Writes the fixtures for `diff` of Hub Gemma 2 and Gemma 3 checkpoints against their GGUF
conversions, and `expected.json`.

Run from the repository root: `python3 TestData/gguf-gemma/generate.py` (gguf 0.19.0, numpy,
safetensors). Fixed seed: a rerun gives the same bytes. Every expected number is numpy's, in
float64, never tensoraudit's.

What llama.cpp's converter does to a Gemma checkpoint (`convert_hf_to_gguf.py` as vendored by
llama-cpp-python 0.3.36, `conversion/gemma.py`), written here in numpy:
- names from gguf-py's `get_tensor_name_map(GEMMA2 / GEMMA3)`: `post_attention_layernorm` is
  `blk.N.post_attention_norm`, `pre_feedforward_layernorm` is `blk.N.ffn_norm` (llama's name for
  `post_attention_layernorm`), `post_feedforward_layernorm` is `blk.N.post_ffw_norm`;
- every tensor whose Hub name ends in `norm.weight` stored plus 1, in float32
  (Gemma2Model.modify_tensors, Gemma3Model.norm_shift: Gemma's RMSNorm scales by 1 + weight);
- `lm_head.weight` not written (the models tie it).
transformers' own GGUF loader undoes the shift (`Gemma2TensorProcessor`: weights - 1); the
expected numbers compare the Hub values with the stored values minus 1.

- `gemma2/model.safetensors` + `config.json`: a two-layer Gemma 2 (hidden 64, 4 query heads and 2
  key/value heads of 16), norms zero-centred as Gemma's are.
- `gemma2-f32.gguf`: its conversion in F32.
- `gemma2-no-shift-f32.gguf`: the same names, the norms stored without the + 1 (a converter that
  forgot it: llama.cpp would scale by w instead of 1 + w): every norm must fail.
- `gemma3/model.safetensors` + `config.json`: a Gemma 3 text model (adds per-head q/k norms).
- `gemma3-q8_0.gguf`: its conversion with every matrix quantized to Q8_0 (norms F32).
"""
import importlib.util
import json
import os

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
# gguf-rope/generate.py's tensor writer, shared.
_spec = importlib.util.spec_from_file_location("rope_generate", os.path.join(HERE, "..", "gguf-rope", "generate.py"))
ROPE = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ROPE)
RNG = np.random.default_rng(54)
HEADS, KV_HEADS, HEAD_DIM, HIDDEN, VOCAB, FFN = 4, 2, 16, 64, 64, 128


def hub_tensors(q_k_norms):
    f = lambda *shape: (RNG.standard_normal(shape) * 0.1).astype(np.float32)
    t = {"model.embed_tokens.weight": f(VOCAB, HIDDEN), "model.norm.weight": f(HIDDEN)}
    for layer in range(2):
        p = f"model.layers.{layer}."
        t[p + "self_attn.q_proj.weight"] = f(HEADS * HEAD_DIM, HIDDEN)
        t[p + "self_attn.k_proj.weight"] = f(KV_HEADS * HEAD_DIM, HIDDEN)
        t[p + "self_attn.v_proj.weight"] = f(KV_HEADS * HEAD_DIM, HIDDEN)
        t[p + "self_attn.o_proj.weight"] = f(HIDDEN, HEADS * HEAD_DIM)
        t[p + "mlp.gate_proj.weight"] = f(FFN, HIDDEN)
        t[p + "mlp.up_proj.weight"] = f(FFN, HIDDEN)
        t[p + "mlp.down_proj.weight"] = f(HIDDEN, FFN)
        for norm in ("input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm", "post_feedforward_layernorm"):
            t[p + norm + ".weight"] = f(HIDDEN)
        if q_k_norms:
            t[p + "self_attn.q_norm.weight"] = f(HEAD_DIM)
            t[p + "self_attn.k_norm.weight"] = f(HEAD_DIM)
    return t


def write_gguf(file, hub, arch, model_arch, qtype=None, shift=True):
    names = gguf.get_tensor_name_map(model_arch, 2)
    w = GGUFWriter(os.path.join(HERE, file), arch)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV_HEADS)
    plus_one = lambda name, x: (x + np.float32(1)).astype(np.float32) if shift and name.endswith("norm.weight") else x
    stored = ROPE.add_tensors(w, hub, names, plus_one, qtype)
    ROPE.finish(w)
    # As transformers' GGUF loader reads them: the norms minus 1.
    return {name: (target, y - (1 if name.endswith("norm.weight") else 0)) for name, (target, y) in stored.items()}


def report(hub, stored):
    """Per Hub tensor: the GGUF name, relative L2 and max |a - b| of A against B's values as
    transformers' loader reads them (norms minus 1), and the worst row."""
    out = {}
    for name, (target, y) in stored.items():
        a = hub[name].astype(np.float64)
        d = a - y
        rows = np.linalg.norm(d.reshape(d.shape[0], -1), axis=1) if d.ndim == 2 else np.array([np.linalg.norm(d)])
        out[name] = {"gguf_name": target, "relative_l2": float(np.linalg.norm(d) / np.linalg.norm(a)),
                     "max_abs": float(np.abs(d).max()), "worst_row": int(np.argmax(rows)) if rows.max() > 0 else None,
                     "shifted": name.endswith("norm.weight")}
    return out


def save_hub(folder, hub, model_type, architecture):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    save_file(hub, os.path.join(HERE, folder, "model.safetensors"))
    with open(os.path.join(HERE, folder, "config.json"), "w") as f:
        json.dump({"model_type": model_type, "architectures": [architecture], "hidden_size": HIDDEN, "head_dim": HEAD_DIM,
                   "num_attention_heads": HEADS, "num_key_value_heads": KV_HEADS, "vocab_size": VOCAB,
                   "intermediate_size": FFN, "num_hidden_layers": 2, "pad_token_id": 0}, f, indent=1)
        f.write("\n")


def main():
    gemma2, gemma3 = hub_tensors(q_k_norms=False), hub_tensors(q_k_norms=True)
    save_hub("gemma2", gemma2, "gemma2", "Gemma2ForCausalLM")
    save_hub("gemma3", gemma3, "gemma3_text", "Gemma3ForCausalLM")
    expected = {
        "gemma2-f32.gguf": report(gemma2, write_gguf("gemma2-f32.gguf", gemma2, "gemma2", gguf.MODEL_ARCH.GEMMA2)),
        "gemma2-no-shift-f32.gguf": report(gemma2, write_gguf("gemma2-no-shift-f32.gguf", gemma2, "gemma2", gguf.MODEL_ARCH.GEMMA2,
                                                              shift=False)),
        "gemma3-q8_0.gguf": report(gemma3, write_gguf("gemma3-q8_0.gguf", gemma3, "gemma3", gguf.MODEL_ARCH.GEMMA3, T.Q8_0)),
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

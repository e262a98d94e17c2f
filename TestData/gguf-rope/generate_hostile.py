#!/usr/bin/env python3
"""Writes GGUF conversions of a tiny llama whose head-count metadata is hostile, and
`hostile/expected.json`: what `diff` must do with each (undo the converter's q/k permutation with
which heads, or compare in file order) and which stored value its evidence must name.

Run from the repository root: `python3 TestData/gguf-rope/generate_hostile.py` (gguf 0.19.0,
numpy, safetensors). Fixed seed: a rerun gives the same bytes. Expected numbers are numpy's.

The Hub side (`hostile/hub.safetensors`, no config.json; `hostile/hub-config/` the same bytes with
a config.json whose num_key_value_heads is the string "1"): two layers, 2 query heads and 1
key/value head of 4 rows, hidden 4, layer 1 with q/k biases. Every GGUF file stores q/k permuted
as llama.cpp's converter does with those true counts (`LlamaModel.permute`); only the metadata lies:
- `zero.gguf`: head_count and head_count_kv are u32 0 (present, unusable: not "absent").
- `string.gguf`: both are the strings "2" and "1".
- `u64.gguf`: both are u64 2^63 (beyond a signed 64-bit count).
- `kvonly.gguf`: only head_count_kv (u32 1): k is known (the converter writes head_count_kv
  exactly when it permutes k by it), q is not.
- `perlayer.gguf`: per-layer int32 lists [2] and [1]: layer 0 known, layer 1 has no entry.
- `perlayer-zero.gguf`: per-layer lists [2, 0] and [1, 0]: layer 1's entry 0 is named with its index.
- `archint.gguf`: general.architecture is a u32, true head counts: not 'llama', rows in file order.
- `shape.gguf`: true head counts, but layer 0's q holds only its first 4 rows: that pair is not
  compared (shape changed), so its row order must not claim rows were paired back.
- `hub-complex.safetensors`: the Hub side with layer 1's q in complex64: against `shape.gguf`
  that pair cannot be compared element-wise either.
"""
import json
import os

import numpy as np
import gguf
from gguf import GGUFValueType as V, GGUFWriter
from safetensors.numpy import save_file

from generate import finish, permute  # the same converter permutation and writer sequence

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile")
RNG = np.random.default_rng(4242)
HEADS, KV_HEADS, HEAD_DIM, HIDDEN = 2, 1, 4, 4
H, K = "llama.attention.head_count", "llama.attention.head_count_kv"


def unpermute(y, heads):
    if heads is None:
        return y
    forward = permute(np.arange(y.shape[0]), heads)
    out = np.empty_like(y)
    out[forward] = y
    return out


def hub_tensors():
    f = lambda *shape: (RNG.standard_normal(shape) * 0.1).astype(np.float32)
    t = {}
    for layer in range(2):
        p = f"model.layers.{layer}.self_attn."
        t[p + "q_proj.weight"] = f(HEADS * HEAD_DIM, HIDDEN)
        t[p + "k_proj.weight"] = f(KV_HEADS * HEAD_DIM, HIDDEN)
        if layer == 1:
            t[p + "q_proj.bias"] = f(HEADS * HEAD_DIM)
            t[p + "k_proj.bias"] = f(KV_HEADS * HEAD_DIM)
    return t


CASES = {
    # name: (metadata [(key, value, type, subtype)], architecture override, {hub name: heads used or None},
    #        {hub name: text the evidence must contain})
    "zero.gguf": ([(H, 0, V.UINT32, None), (K, 0, V.UINT32, None)], None, {}, {"q": f"{H} is 0", "k": f"{K} is 0"}),
    "string.gguf": ([(H, "2", V.STRING, None), (K, "1", V.STRING, None)], None, {},
                    {"q": f"{H} is a string value", "k": f"{K} is a string value"}),
    "u64.gguf": ([(H, 2**63, V.UINT64, None), (K, 2**63, V.UINT64, None)], None, {},
                 {"q": f"{H} is {2**63}", "k": f"{K} is {2**63}"}),
    "kvonly.gguf": ([(K, KV_HEADS, V.UINT32, None)], None, {"k": KV_HEADS}, {"q": f"no {H} in the GGUF metadata", "k": K}),
    "perlayer.gguf": ([(H, [HEADS], V.ARRAY, V.INT32), (K, [KV_HEADS], V.ARRAY, V.INT32)], None, {"q0": HEADS, "k0": KV_HEADS},
                      {"q1": "no entry for layer 1", "k1": "no entry for layer 1"}),
    "perlayer-zero.gguf": ([(H, [HEADS, 0], V.ARRAY, V.INT32), (K, [KV_HEADS, 0], V.ARRAY, V.INT32)], None,
                           {"q0": HEADS, "k0": KV_HEADS}, {"q1": f"{H}[1] is 0", "k1": f"{K}[1] is 0"}),
    "archint.gguf": ([(H, HEADS, V.UINT32, None), (K, KV_HEADS, V.UINT32, None)], 7, {},
                     {"q": "general.architecture is 7, not a name", "k": "general.architecture is 7, not a name"}),
    "shape.gguf": ([(H, HEADS, V.UINT32, None), (K, KV_HEADS, V.UINT32, None)], None,
                   {"q": HEADS, "k": KV_HEADS}, {"q0": "the shapes differ"}),
}
SHORT_Q0 = "model.layers.0.self_attn.q_proj.weight"


def pick(table, name):
    """The entry of `table` for a hub tensor: by role and layer ("q1"), else by role ("q")."""
    role = "q" if "q_proj" in name else "k"
    layer = name.split(".")[2]
    return table.get(role + layer, table.get(role))


def write(file, hub, metadata, architecture):
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, 2)
    w = GGUFWriter(os.path.join(HERE, file), "llama")
    if architecture is not None:
        w.kv_data[0]["general.architecture"] = gguf.GGUFValue(value=architecture, type=V.UINT32)
    for key, value, vtype, subtype in metadata:
        w.add_key_value(key, value, vtype, sub_type=subtype)
    stored = {}
    for name, x in hub.items():
        y = permute(x, HEADS if "q_proj" in name else KV_HEADS)
        if file == "shape.gguf" and name == SHORT_Q0:
            y = y[:HEAD_DIM]
        target = names.get_name(name, try_suffixes=(".weight", ".bias"))
        w.add_tensor(target, y)
        stored[name] = (target, y.astype(np.float64))
    finish(w)
    return stored


def main():
    os.makedirs(os.path.join(HERE, "hub-config"), exist_ok=True)
    hub = hub_tensors()
    save_file(hub, os.path.join(HERE, "hub.safetensors"))
    save_file(hub, os.path.join(HERE, "hub-config", "model.safetensors"))
    with open(os.path.join(HERE, "hub-config", "config.json"), "w") as f:
        f.write('{"model_type": "llama", "num_attention_heads": 2, "num_key_value_heads": "1"}\n')
    expected = {}
    for file, (metadata, architecture, used, evidence) in CASES.items():
        stored = write(file, hub, metadata, architecture)
        tensors = {}
        for name, (target, y) in stored.items():
            heads = pick(used, name)
            if y.shape != hub[name].shape:
                tensors[name] = {"gguf_name": target, "heads": heads, "permuted": False, "relative_l2": None, "max_abs": None,
                                 "evidence_names": pick(evidence, name)}
                continue
            a = hub[name].astype(np.float64)
            d = a - unpermute(y, heads)
            tensors[name] = {"gguf_name": target, "heads": heads, "permuted": heads is not None,
                             "relative_l2": float(np.linalg.norm(d) / np.linalg.norm(a)), "max_abs": float(np.abs(d).max()),
                             "evidence_names": pick(evidence, name)}
        expected[file] = tensors
    # The Hub side with layer 1's q as complex64 (same shape): against shape.gguf its values
    # cannot be compared with the F32 GGUF rows, so no permutation may be claimed for it.
    complex_hub = dict(hub)
    complex_hub["model.layers.1.self_attn.q_proj.weight"] = hub["model.layers.1.self_attn.q_proj.weight"].astype(np.complex64)
    save_file(complex_hub, os.path.join(HERE, "hub-complex.safetensors"))
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

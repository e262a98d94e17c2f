#!/usr/bin/env python3
"""Writes the fixtures for `diff` of Hub Granite mixture-of-experts checkpoints against their GGUF
conversions, and `expected.json`.

What llama.cpp's converter (vendored by llama-cpp-python 0.3.36, `conversion/granite.py`,
`GraniteMoeModel.modify_tensors`, also called by `GraniteHybridModel`) does to them:
- `model.layers.N.block_sparse_moe.input_linear.weight` `[experts, 2·I, H]` is split along its rows:
  rows `[0, I)` of every expert are `blk.N.ffn_gate_exps.weight`, rows `[I, 2I)` `blk.N.ffn_up_exps.weight`;
  `block_sparse_moe.output_linear.weight` is `blk.N.ffn_down_exps.weight` and `router.layer.weight`
  `blk.N.ffn_gate_inp.weight`, unchanged;
- `model.layers.N.shared_mlp.input_linear.weight` `[2·S, H]` is split likewise into
  `blk.N.ffn_gate_shexp.weight` / `blk.N.ffn_up_shexp.weight` when the model has experts; in a dense
  Granite 4 hybrid (no experts) into `blk.N.ffn_gate.weight` / `blk.N.ffn_up.weight`, its
  `shared_mlp.output_linear.weight` then `blk.N.ffn_down.weight` (else `ffn_down_shexp`).

This script writes the same with numpy and gguf-py 0.19.0, and `expected.json`: for the Q8_0 file,
numpy's float64 relative L2 and max |a − b| of each Hub half against `gguf.quants.dequantize` of
the GGUF entry it became.

Run from the repository root: `python3 TestData/gguf-granite/generate.py` (gguf 0.19.0, numpy,
safetensors). Fixed seed. Sizes are cut small (hidden 32, 4 experts, I = 16, S = 24; rows of 32
values are one Q8_0 block each).

- `granitemoe/` (model.safetensors, config.json) + `granitemoe-f32.gguf` and `granitemoe-q8_0.gguf`:
  architecture `granitemoe`, one layer with experts and a shared MLP.
- `granitemoe-swapped-f32.gguf`: gate and up exchanged (a converter that split the other way): the
  halves exceed.
- `granitemoe-literal-entries-f32.gguf`: the stacked `ffn_gate_exps`/`ffn_up_exps` replaced by 2-D
  tensors literally named `blk.0.ffn_gate_exps.weight[E]` (llama.cpp requires the stacks): the halves
  pair with nothing (hunt-57c H2: it passed).
- `granitehybrid-dense/` + `granitehybrid-dense-f32.gguf`: architecture `granitehybrid` without
  experts: the shared MLP as `ffn_gate`, `ffn_up`, `ffn_down`.
"""
import json
import os

import numpy as np
import gguf
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5701)
VOCAB, HIDDEN, EXPERTS, I, S = 40, 32, 4, 16, 24


def f(*shape, norm=False):
    return ((1.0 if norm else 0.0) + RNG.standard_normal(shape) * 0.1).astype(np.float32)


def write(path, arch, tensors, qtype=None):
    w = GGUFWriter(os.path.join(HERE, path), arch)
    w.add_block_count(1)
    w.add_embedding_length(HIDDEN)
    if EXPERTS and arch == "granitemoe":
        w.add_expert_count(EXPERTS)
        w.add_expert_used_count(2)
    for name, a in tensors.items():
        if qtype is not None and a.ndim >= 2 and a.shape[-1] % 32 == 0:  # else F32, as the converter falls back
            w.add_tensor(name, gguf.quants.quantize(a, qtype), raw_dtype=qtype)
        else:
            w.add_tensor(name, a)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def folder(name, tensors, config):
    os.makedirs(os.path.join(HERE, name), exist_ok=True)
    save_file(tensors, os.path.join(HERE, name, "model.safetensors"))
    with open(os.path.join(HERE, name, "config.json"), "w") as out:
        json.dump(config, out, indent=1, sort_keys=True)
        out.write("\n")


def stats(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    return {"relative_l2": float(np.linalg.norm(a - b) / np.linalg.norm(a)), "max_abs": float(np.abs(a - b).max())}


def main():
    p = "model.layers.0."
    hub = {"model.embed_tokens.weight": f(VOCAB, HIDDEN), "model.norm.weight": f(HIDDEN, norm=True),
           p + "block_sparse_moe.router.layer.weight": f(EXPERTS, HIDDEN),
           p + "block_sparse_moe.input_linear.weight": f(EXPERTS, 2 * I, HIDDEN),
           p + "block_sparse_moe.output_linear.weight": f(EXPERTS, HIDDEN, I),
           p + "shared_mlp.input_linear.weight": f(2 * S, HIDDEN),
           p + "shared_mlp.output_linear.weight": f(HIDDEN, S)}
    folder("granitemoe", hub, {"model_type": "granitemoeshared", "architectures": ["GraniteMoeSharedForCausalLM"],
                               "hidden_size": HIDDEN, "intermediate_size": I, "shared_intermediate_size": S,
                               "num_local_experts": EXPERTS, "num_experts_per_tok": 2, "num_hidden_layers": 1,
                               "vocab_size": VOCAB, "tie_word_embeddings": True})
    merged, shared = hub[p + "block_sparse_moe.input_linear.weight"], hub[p + "shared_mlp.input_linear.weight"]
    converted = {"token_embd.weight": hub["model.embed_tokens.weight"], "output_norm.weight": hub["model.norm.weight"],
                 "blk.0.ffn_gate_inp.weight": hub[p + "block_sparse_moe.router.layer.weight"],
                 "blk.0.ffn_gate_exps.weight": np.ascontiguousarray(merged[:, :I, :]),
                 "blk.0.ffn_up_exps.weight": np.ascontiguousarray(merged[:, I:, :]),
                 "blk.0.ffn_down_exps.weight": hub[p + "block_sparse_moe.output_linear.weight"],
                 "blk.0.ffn_gate_shexp.weight": np.ascontiguousarray(shared[:S]),
                 "blk.0.ffn_up_shexp.weight": np.ascontiguousarray(shared[S:]),
                 "blk.0.ffn_down_shexp.weight": hub[p + "shared_mlp.output_linear.weight"]}
    write("granitemoe-f32.gguf", "granitemoe", converted)
    write("granitemoe-q8_0.gguf", "granitemoe", converted, gguf.GGMLQuantizationType.Q8_0)
    swapped = dict(converted)
    swapped["blk.0.ffn_gate_exps.weight"], swapped["blk.0.ffn_up_exps.weight"] = converted["blk.0.ffn_up_exps.weight"], converted["blk.0.ffn_gate_exps.weight"]
    write("granitemoe-swapped-f32.gguf", "granitemoe", swapped)
    literal = {k: v for k, v in converted.items() if k not in ("blk.0.ffn_gate_exps.weight", "blk.0.ffn_up_exps.weight")}
    for e in range(EXPERTS):
        literal[f"blk.0.ffn_gate_exps.weight[{e}]"] = converted["blk.0.ffn_gate_exps.weight"][e]
        literal[f"blk.0.ffn_up_exps.weight[{e}]"] = converted["blk.0.ffn_up_exps.weight"][e]
    write("granitemoe-literal-entries-f32.gguf", "granitemoe", literal)

    # Q8_0 references: each half against the dequantized entry it became.
    reader = gguf.GGUFReader(os.path.join(HERE, "granitemoe-q8_0.gguf"))
    stored = {t.name: gguf.quants.dequantize(t.data, t.tensor_type).reshape([int(d) for d in reversed(t.shape)]) for t in reader.tensors}
    expected = {}
    name = p + "block_sparse_moe.input_linear.weight"
    for e in range(EXPERTS):
        expected[f"{name}[{e}][0:{I}]"] = stats(merged[e, :I], stored["blk.0.ffn_gate_exps.weight"][e])
        expected[f"{name}[{e}][{I}:{2 * I}]"] = stats(merged[e, I:], stored["blk.0.ffn_up_exps.weight"][e])
    name = p + "shared_mlp.input_linear.weight"
    expected[f"{name}[0:{S}]"] = stats(shared[:S], stored["blk.0.ffn_gate_shexp.weight"])
    expected[f"{name}[{S}:{2 * S}]"] = stats(shared[S:], stored["blk.0.ffn_up_shexp.weight"])
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump({"granitemoe-q8_0.gguf": expected}, out, indent=1, sort_keys=True)
        out.write("\n")

    dense = {"model.embed_tokens.weight": f(VOCAB, HIDDEN), "model.norm.weight": f(HIDDEN, norm=True),
             p + "shared_mlp.input_linear.weight": f(2 * S, HIDDEN), p + "shared_mlp.output_linear.weight": f(HIDDEN, S)}
    folder("granitehybrid-dense", dense, {"model_type": "granitemoehybrid", "architectures": ["GraniteMoeHybridForCausalLM"],
                                          "hidden_size": HIDDEN, "shared_intermediate_size": S, "num_local_experts": 0,
                                          "num_hidden_layers": 1, "vocab_size": VOCAB, "tie_word_embeddings": True})
    shared = dense[p + "shared_mlp.input_linear.weight"]
    write("granitehybrid-dense-f32.gguf", "granitehybrid",
          {"token_embd.weight": dense["model.embed_tokens.weight"], "output_norm.weight": dense["model.norm.weight"],
           "blk.0.ffn_gate.weight": np.ascontiguousarray(shared[:S]), "blk.0.ffn_up.weight": np.ascontiguousarray(shared[S:]),
           "blk.0.ffn_down.weight": dense[p + "shared_mlp.output_linear.weight"]})


if __name__ == "__main__":
    main()

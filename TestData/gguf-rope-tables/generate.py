#!/usr/bin/env python3
"""Writes the fixtures for `diff` of Hub checkpoints against GGUF conversions holding tables
llama.cpp's converter computes from config.json rather than converting a Hub tensor.

llama.cpp's converter (vendored by llama-cpp-python 0.3.36) writes `rope_freqs.weight` for a
config with llama3-type rope scaling (`conversion/llama.py`, `LlamaModel.generate_extra_tensors`:
Llama 3.1–3.3) and `rope_factors_long.weight` / `rope_factors_short.weight` from LongRoPE's
`long_factor` / `short_factor` (`conversion/phi.py`: Phi-3 128k, PhiMoE). No Hub tensor faces
them, so `diff` lists them under `added_by_converter` instead of failing on "only in B".

Run from the repository root: `python3 TestData/gguf-rope-tables/generate.py` (gguf 0.19.0,
numpy, safetensors, torch). Fixed seed. Tensors are cut small (`diff` pairs names; it needs no
working model); the tables are computed as the converter computes them (its code, with torch).

- `llama31/` (model.safetensors, config.json with llama3 rope scaling) + `llama31-f32.gguf`:
  architecture `llama`, every Hub tensor stored unchanged (q/k permuted) plus `rope_freqs.weight`.
- `phi3/` (config.json with LongRoPE factors) + `phi3-f32.gguf`: architecture `phi3` plus
  `rope_factors_long.weight` and `rope_factors_short.weight` (the factors as float32; thirds and
  seventeenths, which float32 rounds).
- `llama31-factor-8-f32.gguf`: a table computed with factor 8 where the Hub config says 32;
  `llama31-no-scaling/`: the Hub checkpoint with a config that asks for no rope scaling. Neither
  table is the converter's: only in B.
- `llama31-rope-matrix-f32.gguf`: `rope_freqs.weight` of rank 2 — no table the converter
  writes —: only in B.
- `llama31-no-table-f32.gguf`, `phi3-no-tables-f32.gguf`: the conversions without the tables
  their configs call for (a `llama` and a `phi3` file, whose converter classes always write them):
  missing, a failure.
- `llama4-bands/` + `llama4-bands-f32.gguf`: llama3 rope scaling with `low_freq_factor` equal to
  `high_freq_factor` (1 and 1, factor 16, as Llama 4 states it; the converter's assert against
  it is commented out): every factor is 1 or 16.
- `llama4-bands-f16.gguf`: that table stored as F16 (the values exact in half precision): the
  converter writes float32 and llama.cpp's rope asserts it (hunt-57c H1): not the converter's.
- `internlm3/`: the Llama 3.1 tensors and rope scaling under `InternLM3ForCausalLM`, whose converter
  class (`conversion/internlm.py`) writes `llama` files and no rope table: `llama31-f32.gguf`'s table is
  not the converter's, `llama31-no-table-f32.gguf` lacks nothing (hunt-57c M2).
- `nested-type-key/`: `rope_parameters.full_attention` with `type` (not `rope_type`) llama3: under
  `full_attention` the converter reads `rope_type` only and writes no table (hunt-57c M1).
- `nested-no-theta/` + `nested-no-theta-f32.gguf`: `rope_parameters.full_attention` llama3 without
  `rope_theta` (the top level states 500000): the converter's default theta there is 10000.
"""
import json
import math
import os

import numpy as np
import gguf
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5502)
HEADS, HEAD_DIM, HIDDEN, VOCAB = 2, 16, 32, 40


def f(*shape):
    return (RNG.standard_normal(shape) * 0.1).astype(np.float32)


def permute(w, heads):
    """The converter's `LlamaModel.permute`, in numpy."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def llama3_factors(rope):
    """`LlamaModel.generate_extra_tensors`' rope_freqs, with torch as the converter computes them."""
    import torch
    base, dim = rope["rope_theta"], HEAD_DIM
    freqs = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    factor, low, high, old = rope["factor"], rope["low_freq_factor"], rope["high_freq_factor"], rope["original_max_position_embeddings"]
    out = []
    for freq in freqs:
        wavelen = 2 * math.pi / freq
        if wavelen < old / high:
            out.append(1)
        elif wavelen > old / low:
            out.append(factor)
        else:
            smooth = (old / wavelen - low) / (high - low)
            out.append(1 / ((1 - smooth) / factor + smooth))
    return torch.tensor(out, dtype=torch.float32).numpy()


def write(path, arch, hub, extra, heads=HEADS):
    names = gguf.get_tensor_name_map({"llama": gguf.MODEL_ARCH.LLAMA, "phi3": gguf.MODEL_ARCH.PHI3}[arch], 1)
    w = GGUFWriter(os.path.join(HERE, path), arch)
    w.add_uint32(f"{arch}.attention.head_count", heads)
    w.add_uint32(f"{arch}.attention.head_count_kv", heads)
    for name, a in hub.items():
        target = names.get_name(name, try_suffixes=(".weight", ".bias"))
        assert target is not None, name
        w.add_tensor(target, permute(a, heads) if arch == "llama" and ("q_proj" in name or "k_proj" in name) else a)
    for name, table in extra.items():
        w.add_tensor(name, table)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def llama_folder(name, tensors, scaling, theta, architectures=("LlamaForCausalLM",), model_type="llama", parameters=None):
    """A Hub Llama folder: `tensors` and a config.json with rope scaling `scaling` (none when None),
    or `rope_parameters` `parameters`."""
    os.makedirs(os.path.join(HERE, name), exist_ok=True)
    save_file(tensors, os.path.join(HERE, name, "model.safetensors"))
    config = {"model_type": model_type, "architectures": list(architectures), "hidden_size": HIDDEN, "num_attention_heads": HEADS,
              "num_key_value_heads": HEADS, "head_dim": HEAD_DIM, "vocab_size": VOCAB, "tie_word_embeddings": True, "rope_theta": theta}
    if scaling is not None:
        config["rope_scaling"] = scaling
    if parameters is not None:
        config["rope_parameters"] = parameters
    with open(os.path.join(HERE, name, "config.json"), "w") as out:
        json.dump(config, out, indent=1, sort_keys=True)
        out.write("\n")


def main():
    rope = {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8192}
    llama = {"model.embed_tokens.weight": f(VOCAB, HIDDEN), "model.norm.weight": 1 + f(HIDDEN),
             "model.layers.0.input_layernorm.weight": 1 + f(HIDDEN),
             "model.layers.0.self_attn.q_proj.weight": f(HEADS * HEAD_DIM, HIDDEN),
             "model.layers.0.self_attn.k_proj.weight": f(HEADS * HEAD_DIM, HIDDEN)}
    llama_folder("llama31", llama, rope, rope["rope_theta"])
    table = llama3_factors(rope)
    write("llama31-f32.gguf", "llama", llama, {"rope_freqs.weight": table})
    write("llama31-rope-matrix-f32.gguf", "llama", llama, {"rope_freqs.weight": np.stack([table, table])})
    # A conversion made with factor 8 where the Hub config says 32 (review-55 D2): the table is not the converter's.
    write("llama31-factor-8-f32.gguf", "llama", llama, {"rope_freqs.weight": llama3_factors({**rope, "factor": 8.0})})
    # The same Hub checkpoint with a config that asks for no rope scaling: no table is called for.
    llama_folder("llama31-no-scaling", llama, None, rope["rope_theta"])
    phi = {"model.embed_tokens.weight": f(VOCAB, HIDDEN), "model.norm.weight": 1 + f(HIDDEN), "lm_head.weight": f(VOCAB, HIDDEN),
           "model.layers.0.self_attn.qkv_proj.weight": f(3 * HEADS * HEAD_DIM, HIDDEN)}
    os.makedirs(os.path.join(HERE, "phi3"), exist_ok=True)
    save_file(phi, os.path.join(HERE, "phi3", "model.safetensors"))
    long_factor = [1.0 + i / 3 for i in range(HEAD_DIM // 2)]
    short_factor = [1.0 + i / 17 for i in range(HEAD_DIM // 2)]
    with open(os.path.join(HERE, "phi3", "config.json"), "w") as out:
        json.dump({"model_type": "phi3", "architectures": ["Phi3ForCausalLM"], "hidden_size": HIDDEN, "num_attention_heads": HEADS,
                   "vocab_size": VOCAB, "max_position_embeddings": 131072, "original_max_position_embeddings": 4096,
                   "rope_scaling": {"type": "longrope", "long_factor": long_factor, "short_factor": short_factor}},
                  out, indent=1, sort_keys=True)
        out.write("\n")
    write("phi3-f32.gguf", "phi3", phi, {"rope_factors_long.weight": np.array(long_factor, np.float32),
                                         "rope_factors_short.weight": np.array(short_factor, np.float32)})
    # Added later, after every file above (whose bytes stay as they were): no random draws.
    write("llama31-no-table-f32.gguf", "llama", llama, {})
    write("phi3-no-tables-f32.gguf", "phi3", phi, {})
    bands = {**rope, "factor": 16.0, "low_freq_factor": 1.0, "high_freq_factor": 1.0}
    llama_folder("llama4-bands", llama, bands, rope["rope_theta"])
    write("llama4-bands-f32.gguf", "llama", llama, {"rope_freqs.weight": llama3_factors(bands)})
    write("llama4-bands-f16.gguf", "llama", llama, {"rope_freqs.weight": llama3_factors(bands).astype(np.float16)})
    llama_folder("internlm3", llama, rope, rope["rope_theta"], architectures=["InternLM3ForCausalLM"], model_type="internlm3")
    llama_folder("nested-type-key", llama, None, rope["rope_theta"],
                 parameters={"full_attention": {k if k != "rope_type" else "type": v for k, v in rope.items()}})
    unthemed = {k: v for k, v in rope.items() if k != "rope_theta"}
    llama_folder("nested-no-theta", llama, None, rope["rope_theta"], parameters={"full_attention": unthemed})
    write("nested-no-theta-f32.gguf", "llama", llama, {"rope_freqs.weight": llama3_factors({**unthemed, "rope_theta": 10000.0})})


if __name__ == "__main__":
    main()

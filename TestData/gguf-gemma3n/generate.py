#!/usr/bin/env python3
"""Writes the fixtures for `diff` of a Hub Gemma 3n checkpoint against its GGUF conversion, and
`expected.json`.

What llama.cpp's converter (vendored by llama-cpp-python 0.3.36, `conversion/gemma.py`,
`Gemma3NModel`) does beyond gguf-py's name map:
- `modify_tensors` pads every tensor whose name holds `embed_tokens.weight` or
  `embed_tokens_per_layer` with zero rows up to config.json's `vocab_size` (real E2B/E4B: 262,144
  → 262,400 rows, "vision/audio token slots");
- it stacks `model.altup_projections.E.weight` and `model.altup_unembed_projections.E.weight`,
  E = 0, 1, 2, with `torch.stack` into `altup_proj.weight` and `altup_unembd_proj.weight`;
- `filter_tensors` appends `.weight` to every name ending in `_scale`
  (`….altup.correct_output_scale` → `blk.N.altup_correct_scale.weight`); norms are stored as
  they are (`norm_shift` 0).
Checked 2026-12-07 on conversions by that converter of tiny transformers-5.25 Gemma3nForCausalLM
models (hunt-56a: padded rows zero, the rest and every stack entry equal bitwise in F32).

This script writes the same with numpy and gguf-py 0.19.0 (Q8_0 by `gguf.quants.quantize`), and
`expected.json`: per Hub tensor its GGUF name and numpy's float64 relative L2 and max |a − b| of the
Hub values against the GGUF values over the Hub's rows (`gguf.quants.dequantize`).

Run from the repository root: `python3 TestData/gguf-gemma3n/generate.py` (gguf 0.19.0, numpy,
safetensors). Fixed seed; sizes cut small.

- `gemma3n/` (model.safetensors, config.json: vocab_size 48, vocab_size_per_layer_input 40) +
  `gemma3n-q8_0.gguf`: both token tables padded from 40 to 48 zero rows, matrices Q8_0.
- `gemma3n-nonzero-pad-q8_0.gguf`: the same, but the per-layer table's row 45 is not zero: that
  table is a shape change.
- `gemma3n-composite/`: the same tensors with a Gemma3nForConditionalGeneration-style config whose
  `text_config.vocab_size` is 48 and whose top-level `vocab_size` is 56. The converter merges the
  text_config over the top level (`conversion/base.py`, `{**hparams, **hparams["text_config"]}`) and
  pads to 48, so `gemma3n-q8_0.gguf` is its conversion (hunt-57a F2: the top level's was read).
"""
import json
import os

import numpy as np
import gguf
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5604)
HIDDEN, VOCAB, PADDED, PER_LAYER, LAYERS = 32, 40, 48, 32, 2
Q8 = gguf.GGMLQuantizationType.Q8_0


def f(*shape, norm=False):
    return ((1.0 if norm else 0.0) + RNG.standard_normal(shape) * 0.1).astype(np.float32)


def hub_tensors():
    t = {"model.embed_tokens.weight": f(VOCAB, HIDDEN), "model.embed_tokens_per_layer.weight": f(VOCAB, LAYERS * PER_LAYER),
         "model.norm.weight": f(HIDDEN, norm=True)}
    for e in range(3):
        t[f"model.altup_projections.{e}.weight"] = f(HIDDEN, HIDDEN)
        t[f"model.altup_unembed_projections.{e}.weight"] = f(HIDDEN, HIDDEN)
    for n in range(LAYERS):
        t[f"model.layers.{n}.altup.correct_output_scale"] = f(HIDDEN)
        t[f"model.layers.{n}.input_layernorm.weight"] = f(HIDDEN, norm=True)
    return t


def write(path, hub, nonzero_row=None):
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.GEMMA3N, LAYERS)
    w = GGUFWriter(os.path.join(HERE, path), "gemma3n")
    w.add_block_count(LAYERS)
    expected = {}

    def add(target, values, hub_names):
        quantized = values.ndim >= 2 and values.shape[-1] % 32 == 0
        data = gguf.quants.quantize(values, Q8) if quantized else values
        w.add_tensor(target, data, raw_dtype=Q8 if quantized else None)
        back = (gguf.quants.dequantize(data, Q8) if quantized else data).astype(np.float64).reshape(values.shape)
        for index, name in enumerate(hub_names):
            a = hub[name].astype(np.float64)
            b = back[index] if len(hub_names) > 1 else back[: a.shape[0]]
            d = a - b
            expected[name] = {"gguf_name": target + (f"[{index}]" if len(hub_names) > 1 else ""),
                              "relative_l2": float(np.linalg.norm(d) / np.linalg.norm(a)), "max_abs": float(np.abs(d).max())}

    for stem, target in [("model.altup_projections", "altup_proj.weight"), ("model.altup_unembed_projections", "altup_unembd_proj.weight")]:
        members = [f"{stem}.{e}.weight" for e in range(3)]
        add(target, np.stack([hub[m] for m in members]), members)
    for name, a in hub.items():
        if "altup_projections" in name or "altup_unembed_projections" in name:
            continue
        base = name + ".weight" if name.endswith("_scale") else name
        target = names.get_name(base, try_suffixes=(".weight", ".bias"))
        assert target is not None, name
        if "embed_tokens" in name:
            padded = np.concatenate([a, np.zeros((PADDED - a.shape[0], a.shape[1]), np.float32)])
            if nonzero_row is not None and "per_layer" in name:
                padded[nonzero_row] = 0.5
            a = padded
        add(target, a, [name])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return expected


def main():
    hub = hub_tensors()
    os.makedirs(os.path.join(HERE, "gemma3n"), exist_ok=True)
    save_file(hub, os.path.join(HERE, "gemma3n", "model.safetensors"))
    with open(os.path.join(HERE, "gemma3n", "config.json"), "w") as out:
        json.dump({"model_type": "gemma3n_text", "architectures": ["Gemma3nForCausalLM"], "hidden_size": HIDDEN, "vocab_size": PADDED,
                   "vocab_size_per_layer_input": VOCAB, "hidden_size_per_layer_input": PER_LAYER, "num_hidden_layers": LAYERS,
                   "pad_token_id": 0, "tie_word_embeddings": True}, out, indent=1, sort_keys=True)
        out.write("\n")
    os.makedirs(os.path.join(HERE, "gemma3n-composite"), exist_ok=True)
    save_file(hub, os.path.join(HERE, "gemma3n-composite", "model.safetensors"))
    with open(os.path.join(HERE, "gemma3n-composite", "config.json"), "w") as out:
        json.dump({"model_type": "gemma3n", "architectures": ["Gemma3nForConditionalGeneration"], "vocab_size": PADDED + 8,
                   "text_config": {"model_type": "gemma3n_text", "hidden_size": HIDDEN, "vocab_size": PADDED,
                                   "vocab_size_per_layer_input": VOCAB, "hidden_size_per_layer_input": PER_LAYER,
                                   "num_hidden_layers": LAYERS, "pad_token_id": 0, "tie_word_embeddings": True}},
                  out, indent=1, sort_keys=True)
        out.write("\n")
    expected = {"gemma3n-q8_0.gguf": write("gemma3n-q8_0.gguf", hub)}
    write("gemma3n-nonzero-pad-q8_0.gguf", hub, nonzero_row=45)
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(expected, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()

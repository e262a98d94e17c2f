#!/usr/bin/env python3
"""Fixtures for `diff` of a Hub LFM2 checkpoint against its GGUF conversion.

What llama.cpp's converter does (vendored by llama-cpp-python 0.3.36, `conversion/lfm2.py`,
`LFM2Model.modify_tensors`, and `LFM2MoeModel` the same): a name containing `conv.conv` is stored
`squeeze(1)`d, so the gated short convolution `model.layers.N.conv.conv.weight` `[channels, 1,
kernel]` becomes `blk.N.shortconv.conv.weight` `[channels, kernel]`, values unchanged; gguf-py's
map names the rest (`conv.in_proj` → `shortconv.in_proj`, `conv.out_proj` → `shortconv.out_proj`).
helper-177 checked this on a conversion by that converter of a tiny Lfm2ForCausalLM (transformers
5.25; /work/coord/sweep-58b.md): the squeezed kernel equals the Hub's bitwise.

Written here with numpy, safetensors and gguf-py (one conv layer, sizes cut small):
- `lfm2/` (model.safetensors, config.json) + `lfm2-f32.gguf`: the converter's layout;
- `lfm2-unsqueezed-f32.gguf`: the kernel left `[16, 1, 3]` (a shape llama.cpp's loader refuses):
  a shape change.

Run from the repository root: `python3 TestData/gguf-lfm2/generate.py`. Fixed seed.
"""
import json
import os

import numpy as np
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5802)
HIDDEN, KERNEL = 16, 3

hub = {
    "model.layers.0.conv.conv.weight": RNG.standard_normal((HIDDEN, 1, KERNEL)).astype(np.float32),
    "model.layers.0.conv.in_proj.weight": RNG.standard_normal((3 * HIDDEN, HIDDEN)).astype(np.float32),
    "model.layers.0.conv.out_proj.weight": RNG.standard_normal((HIDDEN, HIDDEN)).astype(np.float32),
}
os.makedirs(os.path.join(HERE, "lfm2"), exist_ok=True)
save_file(hub, os.path.join(HERE, "lfm2", "model.safetensors"))
with open(os.path.join(HERE, "lfm2", "config.json"), "w") as f:
    json.dump({"architectures": ["Lfm2ForCausalLM"], "model_type": "lfm2", "hidden_size": HIDDEN, "conv_L_cache": KERNEL,
               "num_hidden_layers": 1, "layer_types": ["conv"]}, f, indent=1)
    f.write("\n")


def write(name, squeeze):
    w = GGUFWriter(os.path.join(HERE, name), "lfm2")
    conv = hub["model.layers.0.conv.conv.weight"]
    w.add_tensor("blk.0.shortconv.conv.weight", conv.squeeze(1) if squeeze else conv)
    w.add_tensor("blk.0.shortconv.in_proj.weight", hub["model.layers.0.conv.in_proj.weight"])
    w.add_tensor("blk.0.shortconv.out_proj.weight", hub["model.layers.0.conv.out_proj.weight"])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


write("lfm2-f32.gguf", True)
write("lfm2-unsqueezed-f32.gguf", False)

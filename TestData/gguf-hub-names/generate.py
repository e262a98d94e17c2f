#!/usr/bin/env python3
"""A GGUF file whose tensors keep their Hugging Face names, beside the safetensors file they
came from.

Run from the repository root: `python3 TestData/gguf-hub-names/generate.py` (needs numpy,
safetensors and gguf-py). `hub.safetensors`: F32 `model.embed_tokens.weight` [8, 32] and
`model.norm.weight` [32] (seeded normal values). `hub-names.gguf` (gguf-py's `GGUFWriter`,
architecture llama): the same two tensors under the same names, not llama.cpp's
`token_embd.weight` and `output_norm.weight`. `diff` pairs tensors of one name before it maps Hub
names to llama.cpp's: both pairs are byte-identical.
"""
import os

import gguf
import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))

rng = np.random.default_rng(1)
tensors = {
    "model.embed_tokens.weight": rng.standard_normal((8, 32)).astype(np.float32),
    "model.norm.weight": rng.standard_normal(32).astype(np.float32),
}
save_file(tensors, os.path.join(HERE, "hub.safetensors"))
writer = gguf.GGUFWriter(os.path.join(HERE, "hub-names.gguf"), "llama")
for name, values in tensors.items():
    writer.add_tensor(name, values)
writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()

#!/usr/bin/env python3
"""A GGUF file one of whose string key-value pairs reads like a safetensors alias.

Run from the repository root: `python3 TestData/gguf-kv-alias/generate.py` (needs gguf-py).
`kv-names-tensor.gguf` (gguf-py's `GGUFWriter`): the key `model.embed_tokens.weight` holds the
string `token_embd.weight`, the name of its one tensor (10 x 32 F32). Only safetensors'
`__metadata__` records aliases (its writer's convention for tensors that shared storage); a GGUF
key that names a tensor is just a key, and no alias is reported for it.
"""
import os

import gguf
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

writer = gguf.GGUFWriter(os.path.join(HERE, "kv-names-tensor.gguf"), "llama")
writer.add_string("model.embed_tokens.weight", "token_embd.weight")
writer.add_tensor("token_embd.weight", np.arange(320, dtype=np.float32).reshape(10, 32))
writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()

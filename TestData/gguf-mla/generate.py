#!/usr/bin/env python3
"""Fixtures for `diff` of a Hub DeepSeek-V2/V3 checkpoint (multi-head latent attention) against its
GGUF conversion.

What llama.cpp's converter does (vendored by llama-cpp-python 0.3.36, `conversion/deepseek.py`,
`DeepseekV2Model.modify_tensors`): `model.layers.N.self_attn.kv_b_proj.weight` `[heads·(qk_nope + v),
rank]` is viewed `[heads, qk_nope + v, rank]`, split along dimension 1 into `k_b` `[heads, qk_nope,
rank]` and `v_b` `[heads, v, rank]`; `k_b` is transposed to `[heads, rank, qk_nope]`; they are stored
as `blk.N.attn_k_b.weight` and `blk.N.attn_v_b.weight`. helper-177 checked this on conversions by
that converter of tiny DeepseekV2ForCausalLM and DeepseekV3ForCausalLM models (exact;
/work/coord/sweep-58b.md).

Written here with numpy (the converter's view, split and transpose), safetensors and gguf-py:
- `deepseek2/` + `deepseek2-f32.gguf`: 4 heads, qk_nope 6, v 5, rank 8, plus `q_proj` and
  `o_proj` stored as they are;
- `deepseek2-swapped-heads-f32.gguf`: heads 0 and 1 of `attn_k_b` exchanged: those two entries exceed;
- `deepseek2-k-not-transposed-f32.gguf`: `attn_k_b` left `[heads, qk_nope, rank]` (not the shape
  llama.cpp reads): `kv_b_proj` is not split, and the run fails with it only in A.

Run from the repository root: `python3 TestData/gguf-mla/generate.py`. Fixed seed.
"""
import json
import os

import numpy as np
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5804)
HEADS, NOPE, V, RANK, HIDDEN = 4, 6, 5, 8, 16

hub = {
    "model.layers.0.self_attn.kv_b_proj.weight": RNG.standard_normal((HEADS * (NOPE + V), RANK)).astype(np.float32),
    "model.layers.0.self_attn.q_proj.weight": RNG.standard_normal((HEADS * (NOPE + 4), HIDDEN)).astype(np.float32),
    "model.layers.0.self_attn.o_proj.weight": RNG.standard_normal((HIDDEN, HEADS * V)).astype(np.float32),
}
os.makedirs(os.path.join(HERE, "deepseek2"), exist_ok=True)
save_file(hub, os.path.join(HERE, "deepseek2", "model.safetensors"))
with open(os.path.join(HERE, "deepseek2", "config.json"), "w") as f:
    json.dump({"architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "num_attention_heads": HEADS,
               "num_key_value_heads": HEADS, "qk_nope_head_dim": NOPE, "v_head_dim": V, "kv_lora_rank": RANK,
               "hidden_size": HIDDEN, "num_hidden_layers": 1}, f, indent=1)
    f.write("\n")

kv_b = hub["model.layers.0.self_attn.kv_b_proj.weight"].reshape(HEADS, NOPE + V, RANK)
k_b, v_b = kv_b[:, :NOPE], kv_b[:, NOPE:]


def write(name, key):
    w = GGUFWriter(os.path.join(HERE, name), "deepseek2")
    w.add_head_count(HEADS)
    w.add_tensor("blk.0.attn_k_b.weight", np.ascontiguousarray(key))
    w.add_tensor("blk.0.attn_v_b.weight", np.ascontiguousarray(v_b))
    w.add_tensor("blk.0.attn_q.weight", hub["model.layers.0.self_attn.q_proj.weight"])
    w.add_tensor("blk.0.attn_output.weight", hub["model.layers.0.self_attn.o_proj.weight"])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


transposed = k_b.transpose(0, 2, 1)
write("deepseek2-f32.gguf", transposed)
write("deepseek2-swapped-heads-f32.gguf", transposed[[1, 0, 2, 3]])
write("deepseek2-k-not-transposed-f32.gguf", k_b)

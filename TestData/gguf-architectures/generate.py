#!/usr/bin/env python3
"""Writes the fixtures for `diff` of Hub checkpoints against GGUF conversions of architectures
whose names only gguf-py's per-architecture tables give (Phi-3's fused `qkv_proj`/`gate_up_proj`,
T5's encoder and decoder blocks, StarCoder2's `c_fc`/`c_proj` with biases, OLMo 2's
`post_attention_layernorm` → `post_attention_norm`, GPT-2's `Conv1D` weights, which its converter
stores transposed), and `expected.json`.

Run from the repository root: `python3 TestData/gguf-architectures/generate.py` (gguf 0.19.0,
numpy, safetensors). Fixed seed: a rerun gives the same bytes. The Hub names are those
transformers 5.25's `save_pretrained` wrote for tiny Phi3ForCausalLM, T5ForConditionalGeneration,
Starcoder2ForCausalLM, Olmo2ForCausalLM and GPT2LMHeadModel models (two layers); every dimension is
cut to 8 at most (GPT-2's divided by 8, so that its matrices stay non-square)
(`diff` pairs names and compares values; it needs no working model). Each GGUF file names its
tensors with gguf-py's `get_tensor_name_map(arch)` as llama.cpp's converter does, stores them in
F16, and `expected.json` holds, per Hub tensor, that GGUF name and numpy's relative L2 and max
|a - b| of the F32 values against their F16 rounding. Conversions of the same models by llama.cpp's
own converter (vendored by llama-cpp-python 0.3.36) paired the same way as transformers' GGUF
loader pairs them (hunt-54a, 2026-12-06).

- `ARCH/model.safetensors`: the Hub checkpoint (F32); `ARCH-f16.gguf`: its conversion.
"""
import json
import os

import numpy as np
import gguf
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5402)
ARCHITECTURES = {"phi3": gguf.MODEL_ARCH.PHI3, "t5": gguf.MODEL_ARCH.T5, "starcoder2": gguf.MODEL_ARCH.STARCODER2,
                 "olmo2": gguf.MODEL_ARCH.OLMO2, "gpt2": gguf.MODEL_ARCH.GPT2}
# GPT2Model.modify_tensors (conversion/gpt2.py): these Conv1D weights ([in, out]) are stored transposed.
TRANSPOSED = {"gpt2": (".c_attn.weight", ".c_proj.weight", ".c_fc.weight")}
HUB_NAMES = {
 "phi3": {
  "lm_head.weight": [
   512,
   64
  ],
  "model.embed_tokens.weight": [
   512,
   64
  ],
  "model.layers.0.input_layernorm.weight": [
   64
  ],
  "model.layers.0.mlp.down_proj.weight": [
   64,
   128
  ],
  "model.layers.0.mlp.gate_up_proj.weight": [
   256,
   64
  ],
  "model.layers.0.post_attention_layernorm.weight": [
   64
  ],
  "model.layers.0.self_attn.o_proj.weight": [
   64,
   64
  ],
  "model.layers.0.self_attn.qkv_proj.weight": [
   192,
   64
  ],
  "model.layers.1.input_layernorm.weight": [
   64
  ],
  "model.layers.1.mlp.down_proj.weight": [
   64,
   128
  ],
  "model.layers.1.mlp.gate_up_proj.weight": [
   256,
   64
  ],
  "model.layers.1.post_attention_layernorm.weight": [
   64
  ],
  "model.layers.1.self_attn.o_proj.weight": [
   64,
   64
  ],
  "model.layers.1.self_attn.qkv_proj.weight": [
   192,
   64
  ],
  "model.norm.weight": [
   64
  ]
 },
 "t5": {
  "decoder.block.0.layer.0.SelfAttention.k.weight": [
   64,
   64
  ],
  "decoder.block.0.layer.0.SelfAttention.o.weight": [
   64,
   64
  ],
  "decoder.block.0.layer.0.SelfAttention.q.weight": [
   64,
   64
  ],
  "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight": [
   32,
   4
  ],
  "decoder.block.0.layer.0.SelfAttention.v.weight": [
   64,
   64
  ],
  "decoder.block.0.layer.0.layer_norm.weight": [
   64
  ],
  "decoder.block.0.layer.1.EncDecAttention.k.weight": [
   64,
   64
  ],
  "decoder.block.0.layer.1.EncDecAttention.o.weight": [
   64,
   64
  ],
  "decoder.block.0.layer.1.EncDecAttention.q.weight": [
   64,
   64
  ],
  "decoder.block.0.layer.1.EncDecAttention.v.weight": [
   64,
   64
  ],
  "decoder.block.0.layer.1.layer_norm.weight": [
   64
  ],
  "decoder.block.0.layer.2.DenseReluDense.wi_0.weight": [
   128,
   64
  ],
  "decoder.block.0.layer.2.DenseReluDense.wi_1.weight": [
   128,
   64
  ],
  "decoder.block.0.layer.2.DenseReluDense.wo.weight": [
   64,
   128
  ],
  "decoder.block.0.layer.2.layer_norm.weight": [
   64
  ],
  "decoder.block.1.layer.0.SelfAttention.k.weight": [
   64,
   64
  ],
  "decoder.block.1.layer.0.SelfAttention.o.weight": [
   64,
   64
  ],
  "decoder.block.1.layer.0.SelfAttention.q.weight": [
   64,
   64
  ],
  "decoder.block.1.layer.0.SelfAttention.v.weight": [
   64,
   64
  ],
  "decoder.block.1.layer.0.layer_norm.weight": [
   64
  ],
  "decoder.block.1.layer.1.EncDecAttention.k.weight": [
   64,
   64
  ],
  "decoder.block.1.layer.1.EncDecAttention.o.weight": [
   64,
   64
  ],
  "decoder.block.1.layer.1.EncDecAttention.q.weight": [
   64,
   64
  ],
  "decoder.block.1.layer.1.EncDecAttention.v.weight": [
   64,
   64
  ],
  "decoder.block.1.layer.1.layer_norm.weight": [
   64
  ],
  "decoder.block.1.layer.2.DenseReluDense.wi_0.weight": [
   128,
   64
  ],
  "decoder.block.1.layer.2.DenseReluDense.wi_1.weight": [
   128,
   64
  ],
  "decoder.block.1.layer.2.DenseReluDense.wo.weight": [
   64,
   128
  ],
  "decoder.block.1.layer.2.layer_norm.weight": [
   64
  ],
  "decoder.final_layer_norm.weight": [
   64
  ],
  "encoder.block.0.layer.0.SelfAttention.k.weight": [
   64,
   64
  ],
  "encoder.block.0.layer.0.SelfAttention.o.weight": [
   64,
   64
  ],
  "encoder.block.0.layer.0.SelfAttention.q.weight": [
   64,
   64
  ],
  "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight": [
   32,
   4
  ],
  "encoder.block.0.layer.0.SelfAttention.v.weight": [
   64,
   64
  ],
  "encoder.block.0.layer.0.layer_norm.weight": [
   64
  ],
  "encoder.block.0.layer.1.DenseReluDense.wi_0.weight": [
   128,
   64
  ],
  "encoder.block.0.layer.1.DenseReluDense.wi_1.weight": [
   128,
   64
  ],
  "encoder.block.0.layer.1.DenseReluDense.wo.weight": [
   64,
   128
  ],
  "encoder.block.0.layer.1.layer_norm.weight": [
   64
  ],
  "encoder.block.1.layer.0.SelfAttention.k.weight": [
   64,
   64
  ],
  "encoder.block.1.layer.0.SelfAttention.o.weight": [
   64,
   64
  ],
  "encoder.block.1.layer.0.SelfAttention.q.weight": [
   64,
   64
  ],
  "encoder.block.1.layer.0.SelfAttention.v.weight": [
   64,
   64
  ],
  "encoder.block.1.layer.0.layer_norm.weight": [
   64
  ],
  "encoder.block.1.layer.1.DenseReluDense.wi_0.weight": [
   128,
   64
  ],
  "encoder.block.1.layer.1.DenseReluDense.wi_1.weight": [
   128,
   64
  ],
  "encoder.block.1.layer.1.DenseReluDense.wo.weight": [
   64,
   128
  ],
  "encoder.block.1.layer.1.layer_norm.weight": [
   64
  ],
  "encoder.final_layer_norm.weight": [
   64
  ],
  "shared.weight": [
   400,
   64
  ]
 },
 "starcoder2": {
  "model.embed_tokens.weight": [
   500,
   64
  ],
  "model.layers.0.input_layernorm.bias": [
   64
  ],
  "model.layers.0.input_layernorm.weight": [
   64
  ],
  "model.layers.0.mlp.c_fc.bias": [
   128
  ],
  "model.layers.0.mlp.c_fc.weight": [
   128,
   64
  ],
  "model.layers.0.mlp.c_proj.bias": [
   64
  ],
  "model.layers.0.mlp.c_proj.weight": [
   64,
   128
  ],
  "model.layers.0.post_attention_layernorm.bias": [
   64
  ],
  "model.layers.0.post_attention_layernorm.weight": [
   64
  ],
  "model.layers.0.self_attn.k_proj.bias": [
   32
  ],
  "model.layers.0.self_attn.k_proj.weight": [
   32,
   64
  ],
  "model.layers.0.self_attn.o_proj.bias": [
   64
  ],
  "model.layers.0.self_attn.o_proj.weight": [
   64,
   64
  ],
  "model.layers.0.self_attn.q_proj.bias": [
   64
  ],
  "model.layers.0.self_attn.q_proj.weight": [
   64,
   64
  ],
  "model.layers.0.self_attn.v_proj.bias": [
   32
  ],
  "model.layers.0.self_attn.v_proj.weight": [
   32,
   64
  ],
  "model.layers.1.input_layernorm.bias": [
   64
  ],
  "model.layers.1.input_layernorm.weight": [
   64
  ],
  "model.layers.1.mlp.c_fc.bias": [
   128
  ],
  "model.layers.1.mlp.c_fc.weight": [
   128,
   64
  ],
  "model.layers.1.mlp.c_proj.bias": [
   64
  ],
  "model.layers.1.mlp.c_proj.weight": [
   64,
   128
  ],
  "model.layers.1.post_attention_layernorm.bias": [
   64
  ],
  "model.layers.1.post_attention_layernorm.weight": [
   64
  ],
  "model.layers.1.self_attn.k_proj.bias": [
   32
  ],
  "model.layers.1.self_attn.k_proj.weight": [
   32,
   64
  ],
  "model.layers.1.self_attn.o_proj.bias": [
   64
  ],
  "model.layers.1.self_attn.o_proj.weight": [
   64,
   64
  ],
  "model.layers.1.self_attn.q_proj.bias": [
   64
  ],
  "model.layers.1.self_attn.q_proj.weight": [
   64,
   64
  ],
  "model.layers.1.self_attn.v_proj.bias": [
   32
  ],
  "model.layers.1.self_attn.v_proj.weight": [
   32,
   64
  ],
  "model.norm.bias": [
   64
  ],
  "model.norm.weight": [
   64
  ]
 },
 "olmo2": {
  "lm_head.weight": [
   500,
   64
  ],
  "model.embed_tokens.weight": [
   500,
   64
  ],
  "model.layers.0.mlp.down_proj.weight": [
   64,
   128
  ],
  "model.layers.0.mlp.gate_proj.weight": [
   128,
   64
  ],
  "model.layers.0.mlp.up_proj.weight": [
   128,
   64
  ],
  "model.layers.0.post_attention_layernorm.weight": [
   64
  ],
  "model.layers.0.post_feedforward_layernorm.weight": [
   64
  ],
  "model.layers.0.self_attn.k_norm.weight": [
   64
  ],
  "model.layers.0.self_attn.k_proj.weight": [
   64,
   64
  ],
  "model.layers.0.self_attn.o_proj.weight": [
   64,
   64
  ],
  "model.layers.0.self_attn.q_norm.weight": [
   64
  ],
  "model.layers.0.self_attn.q_proj.weight": [
   64,
   64
  ],
  "model.layers.0.self_attn.v_proj.weight": [
   64,
   64
  ],
  "model.layers.1.mlp.down_proj.weight": [
   64,
   128
  ],
  "model.layers.1.mlp.gate_proj.weight": [
   128,
   64
  ],
  "model.layers.1.mlp.up_proj.weight": [
   128,
   64
  ],
  "model.layers.1.post_attention_layernorm.weight": [
   64
  ],
  "model.layers.1.post_feedforward_layernorm.weight": [
   64
  ],
  "model.layers.1.self_attn.k_norm.weight": [
   64
  ],
  "model.layers.1.self_attn.k_proj.weight": [
   64,
   64
  ],
  "model.layers.1.self_attn.o_proj.weight": [
   64,
   64
  ],
  "model.layers.1.self_attn.q_norm.weight": [
   64
  ],
  "model.layers.1.self_attn.q_proj.weight": [
   64,
   64
  ],
  "model.layers.1.self_attn.v_proj.weight": [
   64,
   64
  ],
  "model.norm.weight": [
   64
  ]
 },
 "gpt2": {
  "transformer.h.0.attn.c_attn.bias": [
   192
  ],
  "transformer.h.0.attn.c_attn.weight": [
   64,
   192
  ],
  "transformer.h.0.attn.c_proj.bias": [
   64
  ],
  "transformer.h.0.attn.c_proj.weight": [
   64,
   64
  ],
  "transformer.h.0.ln_1.bias": [
   64
  ],
  "transformer.h.0.ln_1.weight": [
   64
  ],
  "transformer.h.0.ln_2.bias": [
   64
  ],
  "transformer.h.0.ln_2.weight": [
   64
  ],
  "transformer.h.0.mlp.c_fc.bias": [
   256
  ],
  "transformer.h.0.mlp.c_fc.weight": [
   64,
   256
  ],
  "transformer.h.0.mlp.c_proj.bias": [
   64
  ],
  "transformer.h.0.mlp.c_proj.weight": [
   256,
   64
  ],
  "transformer.h.1.attn.c_attn.bias": [
   192
  ],
  "transformer.h.1.attn.c_attn.weight": [
   64,
   192
  ],
  "transformer.h.1.attn.c_proj.bias": [
   64
  ],
  "transformer.h.1.attn.c_proj.weight": [
   64,
   64
  ],
  "transformer.h.1.ln_1.bias": [
   64
  ],
  "transformer.h.1.ln_1.weight": [
   64
  ],
  "transformer.h.1.ln_2.bias": [
   64
  ],
  "transformer.h.1.ln_2.weight": [
   64
  ],
  "transformer.h.1.mlp.c_fc.bias": [
   256
  ],
  "transformer.h.1.mlp.c_fc.weight": [
   64,
   256
  ],
  "transformer.h.1.mlp.c_proj.bias": [
   64
  ],
  "transformer.h.1.mlp.c_proj.weight": [
   256,
   64
  ],
  "transformer.ln_f.bias": [
   64
  ],
  "transformer.ln_f.weight": [
   64
  ],
  "transformer.wpe.weight": [
   64,
   64
  ],
  "transformer.wte.weight": [
   500,
   64
  ]
 }
}


def main():
    expected = {}
    for arch, model_arch in ARCHITECTURES.items():
        # GPT-2's dimensions divided by 8, so its matrices keep their non-square shapes.
        cut = (lambda n: max(1, n // 8)) if arch == "gpt2" else (lambda n: min(n, 8))
        hub = {name: (RNG.standard_normal([cut(n) for n in shape]) * 0.1).astype(np.float32)
               for name, shape in HUB_NAMES[arch].items()}
        os.makedirs(os.path.join(HERE, arch), exist_ok=True)
        save_file(hub, os.path.join(HERE, arch, "model.safetensors"))
        names = gguf.get_tensor_name_map(model_arch, 2)
        w = GGUFWriter(os.path.join(HERE, f"{arch}-f16.gguf"), gguf.MODEL_ARCH_NAMES[model_arch])
        out = {}
        for name, a in hub.items():
            target = names.get_name(name, try_suffixes=(".weight", ".bias"))
            assert target is not None, name
            b = a.astype(np.float16)
            transposed = name.endswith(TRANSPOSED.get(arch, ()))
            w.add_tensor(target, np.ascontiguousarray(b.T) if transposed else b)
            d = a.astype(np.float64) - b.astype(np.float64)
            rows = np.linalg.norm(d.reshape(d.shape[0], -1), axis=1) if d.ndim == 2 else np.array([np.linalg.norm(d)])
            out[name] = {"gguf_name": target, "relative_l2": float(np.linalg.norm(d) / np.linalg.norm(a.astype(np.float64))),
                         "max_abs": float(np.abs(d).max()), "worst_row": int(np.argmax(rows)), "transposed": transposed}
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        expected[f"{arch}-f16.gguf"] = out
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

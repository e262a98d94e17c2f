#!/usr/bin/env python3
"""Writes the fixtures for `diff` of a Hub Gemma 4 checkpoint against its GGUF conversion, and
`expected.json`.

What llama.cpp's converter (vendored by llama-cpp-python 0.3.36, `conversion/gemma.py`,
`Gemma4Model`; `conversion/base.py`, `TextModel`) does with a Gemma 4 checkpoint, beyond gguf-py's
name map:
- `filter_tensors` appends `.weight` to `….layer_scalar` (stored `blk.N.layer_output_scale.weight`)
  and to the experts transformers 5 saves fused and without a suffix: `….experts.gate_up_proj`
  [experts, 2 × moe_intermediate, hidden] → `blk.N.ffn_gate_up_exps.weight`, `….experts.down_proj`
  → `blk.N.ffn_down_exps.weight`, both whole, values unchanged;
- `modify_tensors` stores `….router.scale` as `blk.N.ffn_gate_inp.scale` and
  `….router.per_expert_scale` as `blk.N.ffn_down_exps.scale`; norms are stored as they are
  (`norm_shift` 0, unlike Gemma 3), q/k rows unpermuted;
- `generate_extra_tensors` writes `rope_freqs.weight`: `n` ones then `h/2 − n` values 1e30, `h`
  the full-attention head dimension (`global_head_dim`, else the `per_layer_config` entry of the
  first `full_attention` layer), `n = int(h · partial_rotary_factor / 2)` of
  `rope_parameters.full_attention`;
- `TextModel.filter_tensors` skips the vision tower (`model.vision_tower.…`, `model.embed_vision.…`):
  the `--mmproj` run writes it elsewhere.
Checked 2026-12-07 on conversions by that converter of tiny Gemma 4 models saved by transformers
5.25 (text-only, mixture-of-experts, and Gemma4ForConditionalGeneration with a vision tower): every
pair above equal bitwise in F32.

This script writes the same with numpy and gguf-py 0.19.0 (`get_tensor_name_map(GEMMA4)` names,
`gguf.quants.quantize` for Q8_0), and `expected.json`: per Hub tensor, its GGUF name and numpy's
float64 relative L2 and max |a − b| of the Hub values against the GGUF values as
`gguf.quants.dequantize` reads them.

Run from the repository root: `python3 TestData/gguf-gemma4/generate.py` (gguf 0.19.0, numpy,
safetensors). Fixed seed. Sizes are cut small (`diff` pairs names; it needs no working model).

- `gemma4/` (model.safetensors, config.json as transformers 5.25 writes Gemma4ForConditionalGeneration:
  text tensors under `model.language_model.`, a vision tower, `text_config` with `per_layer_config`)
  + `gemma4-q8_0.gguf`: architecture `gemma4`; matrices Q8_0 (F16 where a row is no whole number of
  32-value blocks), norms, scales and the router F32, as the converter writes them.
- `gemma4-global-head-dim/`: the same tensors, a config giving `global_head_dim` 32 and no
  `per_layer_config` (the same table).
- `gemma4-rope-half-f32.gguf`: every tensor F32, but `rope_freqs.weight` computed with
  partial_rotary_factor 0.5 where the config says 0.25: not the converter's table, only in B.
"""
import json
import os
import shutil

import numpy as np
import gguf
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5601)
HIDDEN, FF, VOCAB, PLI, LAYERS = 32, 64, 64, 8, 2
HEADS, KV_HEADS, HEAD_DIM, FULL_HEAD_DIM = 2, 1, 16, 32
EXPERTS, MOE_FF = 4, 32
LAYER_TYPES = ["sliding_attention", "full_attention"]
TEXT = "model.language_model."


def f(*shape, norm=False):
    return ((1.0 if norm else 0.0) + RNG.standard_normal(shape) * 0.1).astype(np.float32)


def hub_tensors():
    t = {TEXT + "embed_tokens.weight": f(VOCAB, HIDDEN), TEXT + "embed_tokens_per_layer.weight": f(VOCAB, LAYERS * PLI),
         TEXT + "norm.weight": f(HIDDEN, norm=True), TEXT + "per_layer_model_projection.weight": f(LAYERS * PLI, HIDDEN),
         TEXT + "per_layer_projection_norm.weight": f(PLI, norm=True)}
    for n, kind in enumerate(LAYER_TYPES):
        head = FULL_HEAD_DIM if kind == "full_attention" else HEAD_DIM
        p = f"{TEXT}layers.{n}."
        t.update({p + "input_layernorm.weight": f(HIDDEN, norm=True), p + "layer_scalar": f(1, norm=True),
                  p + "mlp.gate_proj.weight": f(FF, HIDDEN), p + "mlp.up_proj.weight": f(FF, HIDDEN),
                  p + "mlp.down_proj.weight": f(HIDDEN, FF),
                  p + "per_layer_input_gate.weight": f(PLI, HIDDEN), p + "per_layer_projection.weight": f(HIDDEN, PLI),
                  p + "post_attention_layernorm.weight": f(HIDDEN, norm=True),
                  p + "post_feedforward_layernorm.weight": f(HIDDEN, norm=True),
                  p + "post_feedforward_layernorm_1.weight": f(HIDDEN, norm=True),
                  p + "post_feedforward_layernorm_2.weight": f(HIDDEN, norm=True),
                  p + "post_per_layer_input_norm.weight": f(HIDDEN, norm=True),
                  p + "pre_feedforward_layernorm.weight": f(HIDDEN, norm=True),
                  p + "pre_feedforward_layernorm_2.weight": f(HIDDEN, norm=True),
                  p + "experts.gate_up_proj": f(EXPERTS, 2 * MOE_FF, HIDDEN), p + "experts.down_proj": f(EXPERTS, HIDDEN, MOE_FF),
                  p + "router.proj.weight": f(EXPERTS, HIDDEN), p + "router.scale": f(HIDDEN), p + "router.per_expert_scale": f(EXPERTS),
                  p + "self_attn.q_proj.weight": f(HEADS * head, HIDDEN), p + "self_attn.k_proj.weight": f(KV_HEADS * head, HIDDEN),
                  p + "self_attn.v_proj.weight": f(KV_HEADS * head, HIDDEN), p + "self_attn.o_proj.weight": f(HIDDEN, HEADS * head),
                  p + "self_attn.q_norm.weight": f(head, norm=True), p + "self_attn.k_norm.weight": f(head, norm=True)})
    # The vision tower the text converter skips.
    t.update({"model.embed_vision.embedding_projection.weight": f(HIDDEN, 16),
              "model.vision_tower.encoder.layers.0.input_layernorm.weight": f(16, norm=True),
              "model.vision_tower.patch_embedder.position_embedding_table": f(2, 8, 16)})
    return t


def gguf_name(name, names):
    """The converter's name for Hub tensor `name` (see the module doc), or None when it skips it."""
    if name.startswith(("model.vision_tower.", "model.embed_vision.")):
        return None
    base = name.replace("language_model.", "")
    bid = next((int(part) for part in base.split(".") if part.isdecimal()), None)
    if base.endswith("router.scale"):
        return f"blk.{bid}.ffn_gate_inp.scale"
    if ".per_expert_scale" in base:
        return f"blk.{bid}.ffn_down_exps.scale"
    if base.endswith("layer_scalar") or (".experts." in base and not base.endswith(".weight")):
        base += ".weight"
    target = names.get_name(base, try_suffixes=(".weight", ".bias"))
    assert target is not None, name
    return target


def stored(gguf_target, a, quantized):
    """The array as the converter stores it: 1-D, the router, scales F32; matrices Q8_0 when each row is
    whole blocks, else F16."""
    if not quantized or a.ndim == 1 or ".ffn_gate_inp." in gguf_target or gguf_target.endswith(".scale"):
        return a, gguf.GGMLQuantizationType.F32
    if a.shape[-1] % 32 == 0:
        return gguf.quants.quantize(a, gguf.GGMLQuantizationType.Q8_0), gguf.GGMLQuantizationType.Q8_0
    return a.astype(np.float16), gguf.GGMLQuantizationType.F16


def rope_table(fraction, head_dim=FULL_HEAD_DIM):
    rotated = int(head_dim * fraction / 2)
    return np.array([1.0] * rotated + [1e30] * (head_dim // 2 - rotated), dtype=np.float32)


def write(path, hub, quantized, table):
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.GEMMA4, LAYERS)
    w = GGUFWriter(os.path.join(HERE, path), "gemma4")
    w.add_block_count(LAYERS)
    w.add_uint32("gemma4.expert_count", EXPERTS)
    w.add_uint32("gemma4.expert_used_count", 2)
    expected = {}
    w.add_tensor("rope_freqs.weight", table)
    for name, a in hub.items():
        target = gguf_name(name, names)
        if target is None:
            continue
        data, kind = stored(target, a, quantized)
        w.add_tensor(target, data, raw_dtype=kind if kind != gguf.GGMLQuantizationType.F32 else None)
        back = gguf.quants.dequantize(data, kind).reshape(a.shape).astype(np.float64) if kind == gguf.GGMLQuantizationType.Q8_0 \
            else data.astype(np.float64)
        diff = a.astype(np.float64) - back
        expected[name] = {"gguf_name": target, "dtype": kind.name,
                          "relative_l2": float(np.linalg.norm(diff) / np.linalg.norm(a.astype(np.float64))),
                          "max_abs": float(np.abs(diff).max())}
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return expected


def config(global_head_dim=False):
    text = {"model_type": "gemma4_text", "hidden_size": HIDDEN, "intermediate_size": FF, "num_hidden_layers": LAYERS,
            "num_attention_heads": HEADS, "num_key_value_heads": KV_HEADS, "head_dim": HEAD_DIM, "vocab_size": VOCAB,
            "vocab_size_per_layer_input": VOCAB, "hidden_size_per_layer_input": PLI, "layer_types": LAYER_TYPES,
            "enable_moe_block": True, "num_experts": EXPERTS, "top_k_experts": 2, "moe_intermediate_size": MOE_FF,
            "pad_token_id": 0, "bos_token_id": 2, "eos_token_id": 1, "tie_word_embeddings": True,
            "rope_parameters": {"full_attention": {"partial_rotary_factor": 0.25, "rope_theta": 1000000.0, "rope_type": "proportional"},
                                "sliding_attention": {"rope_theta": 10000.0, "rope_type": "default"}}}
    if global_head_dim:
        text["global_head_dim"] = FULL_HEAD_DIM
    else:
        text["per_layer_config"] = {"01": {"head_dim": FULL_HEAD_DIM}}
    return {"architectures": ["Gemma4ForConditionalGeneration"], "model_type": "gemma4", "text_config": text,
            "vision_config": {"model_type": "gemma4_vision", "hidden_size": 16}, "tie_word_embeddings": True}


def save_hub(folder, hub, global_head_dim):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    save_file(hub, os.path.join(HERE, folder, "model.safetensors"))
    with open(os.path.join(HERE, folder, "config.json"), "w") as out:
        json.dump(config(global_head_dim), out, indent=1, sort_keys=True)
        out.write("\n")


def main():
    hub = hub_tensors()
    save_hub("gemma4", hub, global_head_dim=False)
    save_hub("gemma4-global-head-dim", hub, global_head_dim=True)
    expected = write("gemma4-q8_0.gguf", hub, True, rope_table(0.25))
    write("gemma4-rope-half-f32.gguf", hub, False, rope_table(0.5))
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump({"gemma4-q8_0.gguf": expected, "rope_freqs": rope_table(0.25).astype(np.float64).tolist()}, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()

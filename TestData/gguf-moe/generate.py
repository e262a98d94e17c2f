#!/usr/bin/env python3
"""Writes the fixtures for `diff` of Hub mixture-of-experts checkpoints against GGUF conversions,
and `expected.json`.

llama.cpp's converter (vendored by llama-cpp-python 0.3.36: `conversion/llama.py` for Mixtral,
`qwen.py` for Qwen2-MoE/Qwen3-MoE, `olmo.py` for OLMoE) collects a layer's per-expert matrices
(`model.layers.N.mlp.experts.E.gate_proj.weight`, Mixtral's `block_sparse_moe.experts.E.w1.weight`)
and `torch.stack`s them in expert order 0, 1, … into one tensor, named by gguf-py's map of the name
without `E.`: `blk.N.ffn_gate_exps.weight`, shape [experts, rows, columns]. This script does the
same with numpy and gguf-py 0.19.0 (`get_tensor_name_map(arch)` names, `gguf.quants.quantize`
for Q8_0), and `expected.json` holds, per Hub tensor, its GGUF name (`NAME[E]` for expert E:
entry E of the stacked tensor) and numpy's float64 relative L2, max |a - b| and worst row of the
Hub values against the GGUF values as `gguf.quants.dequantize` reads them. The same pairing was
checked on conversions by the converter itself, and against transformers 5.25's GGUF loader
(hunt-55a, 2026-12-06).

Run from the repository root: `python3 TestData/gguf-moe/generate.py` (gguf 0.19.0, numpy,
safetensors). Fixed seed: a rerun gives the same bytes. Hub names are those transformers 5.25's
`save_pretrained` writes for Qwen3MoeForCausalLM and MixtralForCausalLM (2 layers, 4 experts);
sizes are cut small (`diff` pairs names and compares values; it needs no working model).

- `qwen3moe/model.safetensors` + `qwen3moe-q8_0.gguf`: architecture `qwen3moe`; matrices Q8_0,
  norms and the router (`ffn_gate_inp`) F32, as the converter writes them.
- `mixtral/model.safetensors` + `mixtral-f16.gguf`: Mixtral converts to architecture `llama`,
  so its q/k rows are also permuted for the rotary layout (`LlamaModel.permute`; heads in the
  metadata); matrices F16.
- `qwen3moe-swapped-q8_0.gguf`: layer 0's experts 1 and 2 stored in each other's place in
  `ffn_gate_exps` (a converter that stacked in the wrong order): those two pairs exceed.
- `qwen3moe-3-experts-q8_0.gguf`: every stack holds experts 0–2 only: expert 3 is only in A.
- `qwen3moe-5-experts-q8_0.gguf`: every stack holds a fifth expert: entry 4 is only in B.
- `qwen3moe-count-8-q8_0.gguf`: stacks of 4 experts, `qwen3moe.expert_count` 8;
  `qwen3moe-no-count-q8_0.gguf`: no `qwen3moe.expert_count`. llama.cpp's loader makes every
  stacked expert tensor with `expert_count` entries (0 without the key) and refuses both files;
  `qwen3moe-count-2048-q8_0.gguf`: `expert_count` 2048, above llama.cpp's limit of 1,024.
- `qwen3moe-20000-entries-f32.gguf`: layer 0's gate stack declares 20,000 entries of one value (more
  than `diff` splits a tensor into); `qwen3moe-literal-entry-f32.gguf`: beside the stack, a tensor
  literally named `blk.0.ffn_gate_exps.weight[0]` holding expert 0 (F32, values unchanged).
- `mixtral-split-experts-f16.gguf`: `mixtral-f16.gguf` with each expert a tensor of its own,
  `blk.N.ffn_gate.E.weight`, as files written before llama.cpp stacked experts (April 2024) hold them.
- `qwen35moe/` + `qwen35moe-norms-f32.gguf`: architecture `qwen35moe`, norm weights stored plus 1
  except `linear_attn.norm.weight` (`Qwen3_5MoeTextModel`, built on `Qwen3NextModel`).
"""
import json
import os

import numpy as np
import gguf
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5501)
HIDDEN, FF, VOCAB, EXPERTS, HEADS, KV_HEADS, HEAD_DIM, LAYERS = 32, 64, 48, 4, 4, 2, 8, 2


def f(*shape):
    return (RNG.standard_normal(shape) * 0.1).astype(np.float32)


def permute(w, heads):
    """The converter's `LlamaModel.permute`, in numpy."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def hub_tensors(kind):
    t = {"model.embed_tokens.weight": f(VOCAB, HIDDEN), "model.norm.weight": 1 + f(HIDDEN), "lm_head.weight": f(VOCAB, HIDDEN)}
    for layer in range(LAYERS):
        p = f"model.layers.{layer}."
        t[p + "input_layernorm.weight"] = 1 + f(HIDDEN)
        t[p + "post_attention_layernorm.weight"] = 1 + f(HIDDEN)
        t[p + "self_attn.q_proj.weight"] = f(HEADS * HEAD_DIM, HIDDEN)
        t[p + "self_attn.k_proj.weight"] = f(KV_HEADS * HEAD_DIM, HIDDEN)
        t[p + "self_attn.v_proj.weight"] = f(KV_HEADS * HEAD_DIM, HIDDEN)
        t[p + "self_attn.o_proj.weight"] = f(HIDDEN, HEADS * HEAD_DIM)
        if kind == "qwen3moe":
            t[p + "self_attn.q_norm.weight"] = 1 + f(HEAD_DIM)
            t[p + "self_attn.k_norm.weight"] = 1 + f(HEAD_DIM)
            t[p + "mlp.gate.weight"] = f(EXPERTS, HIDDEN)
            for e in range(EXPERTS):
                t[p + f"mlp.experts.{e}.gate_proj.weight"] = f(FF, HIDDEN)
                t[p + f"mlp.experts.{e}.up_proj.weight"] = f(FF, HIDDEN)
                t[p + f"mlp.experts.{e}.down_proj.weight"] = f(HIDDEN, FF)
        else:
            t[p + "block_sparse_moe.gate.weight"] = f(EXPERTS, HIDDEN)
            for e in range(EXPERTS):
                t[p + f"block_sparse_moe.experts.{e}.w1.weight"] = f(FF, HIDDEN)
                t[p + f"block_sparse_moe.experts.{e}.w2.weight"] = f(HIDDEN, FF)
                t[p + f"block_sparse_moe.experts.{e}.w3.weight"] = f(FF, HIDDEN)
    return t


def expert_parts(name):
    """(the name without `E.`, E) for an expert's tensor, else None."""
    parts = name.split(".")
    if "experts" in parts:
        i = parts.index("experts")
        if i + 1 < len(parts) and parts[i + 1].isdigit():
            return ".".join(parts[:i + 1] + parts[i + 2:]), int(parts[i + 1])
    return None


def stored(array, qtype):
    """The array as the file stores it, and the values gguf-py reads back (float64)."""
    if qtype == gguf.GGMLQuantizationType.F32:
        return array, array.astype(np.float64)
    if qtype == gguf.GGMLQuantizationType.F16:
        half = array.astype(np.float16)
        return half, half.astype(np.float64)
    data = gguf.quants.quantize(array, qtype)
    return data, gguf.quants.dequantize(data, qtype).astype(np.float64)


def write(path, arch, hub, qtype, experts=EXPERTS, swap=None, stated=0):
    """Converts `hub` as the converter does; returns expected.json's entry for the file."""
    model_arch = {"qwen3moe": gguf.MODEL_ARCH.QWEN3MOE, "llama": gguf.MODEL_ARCH.LLAMA}[arch]
    names = gguf.get_tensor_name_map(model_arch, LAYERS)
    w = GGUFWriter(os.path.join(HERE, path), arch)
    w.add_uint32(f"{arch}.attention.head_count", HEADS)
    w.add_uint32(f"{arch}.attention.head_count_kv", KV_HEADS)
    w.add_uint32(f"{arch}.embedding_length", HIDDEN)
    if stated is not None:  # None: no expert_count key
        w.add_uint32(f"{arch}.expert_count", stated or experts)
    stacks, pairs = {}, {}
    for name, a in hub.items():
        parts = expert_parts(name)
        target = names.get_name(parts[0] if parts else name, try_suffixes=(".weight", ".bias"))
        assert target is not None, name
        if parts:
            stacks.setdefault(target, {})[parts[1]] = name
            continue
        b = permute(a, HEADS if "q_proj" in name else KV_HEADS) if arch == "llama" and ("q_proj" in name or "k_proj" in name) else a
        qt = gguf.GGMLQuantizationType.F32 if a.ndim == 1 or ".gate.weight" in name else qtype
        data, values = stored(b, qt)
        w.add_tensor(target, data, raw_dtype=qt)
        pairs[name] = (target, a, values, arch == "llama" and ("q_proj" in name or "k_proj" in name))
    for target, by_expert in stacks.items():
        hub_names = [by_expert[e] for e in range(EXPERTS)]
        order = list(range(EXPERTS))
        if swap and target == swap:
            order[1], order[2] = 2, 1
        arrays = [hub[hub_names[e]] for e in order][:experts]
        if experts > EXPERTS:
            arrays += [f(*arrays[0].shape) for _ in range(experts - EXPERTS)]
        data, values = stored(np.stack(arrays), qtype)
        w.add_tensor(target, data, raw_dtype=qtype)
        for e in range(min(experts, EXPERTS)):
            pairs[hub_names[e]] = (f"{target}[{e}]", hub[hub_names[e]], values[e], False)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    out = {}
    for name, (target, a, values, permuted) in pairs.items():
        b = values
        if permuted:  # compared with the rows paired back, as transformers' loader reverses the permutation
            heads = HEADS if "q_proj" in name else KV_HEADS
            b = values.reshape(heads, values.shape[0] // heads // 2, 2, *values.shape[1:]).swapaxes(1, 2).reshape(values.shape)
        d = a.astype(np.float64) - b
        rows = np.linalg.norm(d.reshape(d.shape[0], -1), axis=1) if d.ndim == 2 else np.array([np.linalg.norm(d)])
        out[name] = {"gguf_name": target, "relative_l2": float(np.linalg.norm(d) / np.linalg.norm(a.astype(np.float64))),
                     "max_abs": float(np.abs(d).max()), "worst_row": int(np.argmax(rows))}
    only_a = sorted(n for n in hub if n not in out)
    only_b = sorted(f"{t}[{e}]" for t in stacks for e in range(EXPERTS, experts))
    return {"tensors": out, "only_in_a": only_a, "only_in_b": only_b}


def write_hostile(path, hub, replace):
    """The F32 conversion of `hub` (qwen3moe) with layer 0's gate stack replaced by `replace`'s tensors."""
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.QWEN3MOE, LAYERS)
    w = GGUFWriter(os.path.join(HERE, path), "qwen3moe")
    w.add_uint32("qwen3moe.expert_count", EXPERTS)
    stacks = {}
    for name, a in hub.items():
        parts = expert_parts(name)
        target = names.get_name(parts[0] if parts else name, try_suffixes=(".weight", ".bias"))
        if parts:
            stacks.setdefault(target, [None] * EXPERTS)[parts[1]] = a
        else:
            w.add_tensor(target, a)
    for target, arrays in stacks.items():
        if target == "blk.0.ffn_gate_exps.weight":
            for name, array in replace(np.stack(arrays)).items():
                w.add_tensor(name, array)
        else:
            w.add_tensor(target, np.stack(arrays))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def split_experts(source, path):
    """`source` rewritten with every stacked `blk.N.ffn_W_exps.weight` as `blk.N.ffn_W.E.weight`, same bytes."""
    reader = gguf.GGUFReader(source)
    w = GGUFWriter(path, "llama")
    for field in reader.fields.values():
        if field.name.startswith("GGUF.") or field.name == "general.architecture":
            continue
        w.add_uint32(field.name, int(field.parts[field.data[0]][0]))
    for t in reader.tensors:
        data = np.array(t.data)
        if t.name.endswith("_exps.weight"):
            for e in range(data.shape[0]):
                w.add_tensor(t.name[: -len("_exps.weight")] + f".{e}.weight", data[e], raw_dtype=t.tensor_type)
        else:
            w.add_tensor(t.name, data, raw_dtype=t.tensor_type)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    expected = {}
    qwen = hub_tensors("qwen3moe")
    mixtral = hub_tensors("mixtral")
    for folder, hub in (("qwen3moe", qwen), ("mixtral", mixtral)):
        os.makedirs(os.path.join(HERE, folder), exist_ok=True)
        save_file(hub, os.path.join(HERE, folder, "model.safetensors"))
    q8 = gguf.GGMLQuantizationType.Q8_0
    expected["qwen3moe-q8_0.gguf"] = write("qwen3moe-q8_0.gguf", "qwen3moe", qwen, q8)
    expected["mixtral-f16.gguf"] = write("mixtral-f16.gguf", "llama", mixtral, gguf.GGMLQuantizationType.F16)
    expected["qwen3moe-swapped-q8_0.gguf"] = write("qwen3moe-swapped-q8_0.gguf", "qwen3moe", qwen, q8, swap="blk.0.ffn_gate_exps.weight")
    expected["qwen3moe-3-experts-q8_0.gguf"] = write("qwen3moe-3-experts-q8_0.gguf", "qwen3moe", qwen, q8, experts=3)
    expected["qwen3moe-5-experts-q8_0.gguf"] = write("qwen3moe-5-experts-q8_0.gguf", "qwen3moe", qwen, q8, experts=5)
    # Metadata that contradicts the stacks: llama.cpp makes every *_exps tensor with expert_count entries.
    expected["qwen3moe-count-8-q8_0.gguf"] = write("qwen3moe-count-8-q8_0.gguf", "qwen3moe", qwen, q8, stated=8)
    expected["qwen3moe-no-count-q8_0.gguf"] = write("qwen3moe-no-count-q8_0.gguf", "qwen3moe", qwen, q8, stated=None)
    # Above llama.cpp's LLAMA_MAX_EXPERTS (1,024): its loader stops on an assertion.
    expected["qwen3moe-count-2048-q8_0.gguf"] = write("qwen3moe-count-2048-q8_0.gguf", "qwen3moe", qwen, q8, stated=2048)
    # Hostile stacks: a first dimension far past any model's experts (20,000 entries of one value: not split,
    # hunt-55a A1), and a file holding a tensor literally named like entry 0 beside the stack (the stack stays
    # whole; expert 0 pairs with that tensor, whose report has no entry_b).
    write_hostile("qwen3moe-20000-entries-f32.gguf", qwen,
                  lambda stack: {"blk.0.ffn_gate_exps.weight": np.ones((20000, 1, 1), np.float32)})
    write_hostile("qwen3moe-literal-entry-f32.gguf", qwen,
                  lambda stack: {"blk.0.ffn_gate_exps.weight": stack, "blk.0.ffn_gate_exps.weight[0]": stack[0]})
    # Before llama.cpp stacked experts (PR #6387, April 2024), each expert was a tensor of its own,
    # `blk.N.ffn_gate.E.weight` (llama-arch.cpp's LLM_TENSOR_FFN_GATE_EXP): the Mixtral F16 file written so.
    split_experts(os.path.join(HERE, "mixtral-f16.gguf"), os.path.join(HERE, "mixtral-split-experts-f16.gguf"))
    # Qwen3.5-MoE's converter (Qwen3_5MoeTextModel, built on Qwen3NextModel) stores norm weights plus 1,
    # except linear_attn.norm.weight.
    norms = {"model.norm.weight": 1 + f(HIDDEN), "model.layers.0.input_layernorm.weight": f(HIDDEN),
             "model.layers.0.post_attention_layernorm.weight": f(HIDDEN), "model.layers.0.linear_attn.norm.weight": 1 + f(HEAD_DIM)}
    os.makedirs(os.path.join(HERE, "qwen35moe"), exist_ok=True)
    save_file(norms, os.path.join(HERE, "qwen35moe", "model.safetensors"))
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.QWEN35MOE, 1)
    w = GGUFWriter(os.path.join(HERE, "qwen35moe-norms-f32.gguf"), "qwen35moe")
    out35 = {}
    for name, a in norms.items():
        target = names.get_name(name, try_suffixes=(".weight", ".bias"))
        shifted = not name.endswith("linear_attn.norm.weight")
        b = a + np.float32(1) if shifted else a
        w.add_tensor(target, b)
        d = a.astype(np.float64) - (b.astype(np.float64) - (1 if shifted else 0))
        out35[name] = {"gguf_name": target, "relative_l2": float(np.linalg.norm(d) / np.linalg.norm(a.astype(np.float64))),
                       "max_abs": float(np.abs(d).max()), "shifted": shifted}
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    expected["qwen35moe-norms-f32.gguf"] = {"tensors": out35, "only_in_a": [], "only_in_b": []}
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(expected, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()

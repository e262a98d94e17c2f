#!/usr/bin/env python3
"""Writes the fixtures for `diff` of Hub state-space (Mamba) checkpoints against their GGUF
conversions, and `expected.json`.

What llama.cpp's converter (vendored by llama-cpp-python 0.3.36) does to a state-space layer,
beyond gguf-py's name map (`conversion/mamba.py`, `MambaModel.modify_tensors` and
`Mamba2Model.modify_tensors`; Jamba, Qwen3-Next, Granite 4 hybrids, Nemotron-H and Falcon-H1 the
same):
- `….A_log` is stored as `A = −exp(A_log)` (`blk.N.ssm_a`);
- `….conv1d.weight` `[channels, 1, kernel]` is stored squeezed, `[channels, kernel]`;
- Mamba-2 only: `A` and `D` `[heads]` are stored as `[heads, 1]`, and the gated norm
  `….mixer.norm.weight` `[d_inner]` as `[n_groups, d_inner / n_groups]`; `….dt_bias` is renamed
  `….dt_proj.bias` before the map (`Mamba2Model.filter_tensors`).
Checked 2026-12-07 on conversions by that converter of tiny Mamba and Mamba-2 models saved by
transformers 5.25: the regrouped tensors equal bitwise, and `A` equals −exp(A_log) in float32.

This script writes the same with numpy and gguf-py 0.19.0, and `expected.json`: per Hub tensor its
GGUF name and numpy's float64 relative L2 and max |a − b| of the Hub values (for `A_log`, `−exp` of
them in float64 rounded to float32) against the GGUF values.

Run from the repository root: `python3 TestData/gguf-ssm/generate.py` (gguf 0.19.0, numpy,
safetensors, torch). Fixed seed. Sizes are cut small. The GGUF files `mamba2-f32.gguf` and
`mamba-f32.gguf` hold, tensor for tensor, the bytes llama.cpp's converter writes from these Hub
folders (checked 2026-12-07 with a full transformers config beside them).

- `mamba2/` (model.safetensors, config.json) + `mamba2-f32.gguf`: architecture `mamba2`, 4 heads,
  2 groups: `A`/`D` `[4]` → `[4, 1]`, the norm `[64]` → `[2, 32]`, conv1d `[96, 1, 4]` → `[96, 4]`.
- `mamba/` + `mamba-f32.gguf`: architecture `mamba` (Mamba-1): `A_log` `[64, 8]`, conv1d squeezed.
- `mamba2-no-exp-f32.gguf`: `ssm_a` holds `A_log` itself, reshaped (a converter that forgot the
  −exp): that pair exceeds.
- `mamba2-norm-4-rows-f32.gguf`: `ssm_norm.weight` `[4, 16]` where `ssm.group_count` says 2 (the
  same values in the same order, but a shape llama.cpp's loader refuses): a shape change.
- `mamba2-hub-shape-f32.gguf`: every tensor the converter regroups left in the Hub's shape
  (conv1d `[96, 1, 4]`, `A`/`D` `[4]`, the norm `[64]`): shape changes, as llama.cpp's loader refuses them.
- `mamba2-no-group-count-f32.gguf`: no `ssm.group_count` (the converter always writes one, and
  llama.cpp's loader requires it), the norm as `[1, 64]`: the norm's grouping is unknown, a shape change.
- `mamba2-group-count-4-f32.gguf`: `ssm.group_count` 4 and the norm `[4, 16]` where the Hub's
  `n_groups` is 2 (the converter writes config.json's count; the gated norm is taken per group).
- `mamba2-f16/` + `mamba2-f16-f32.gguf`: the Mamba-2 in float16 (two `A_log` values 12 and 95), its
  `ssm_a` −exp computed in float16 as the converter does (−inf for both), stored as float32.
- `mamba2-norm-transposed-f32.gguf`: `ssm_norm.weight` `[2, 32]` filled column-wise (another
  order of the same values): that pair exceeds; a shape check alone would pass it.
"""
import json
import os

import numpy as np
import gguf
from gguf import GGUFWriter
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5603)
VOCAB, HIDDEN, LAYERS, KERNEL = 40, 32, 2, 4


def f(*shape, norm=False):
    return ((1.0 if norm else 0.0) + RNG.standard_normal(shape) * 0.1).astype(np.float32)


def mamba2_hub(heads=4, head_dim=16, groups=2, state=8):
    d_inner = heads * head_dim
    conv = d_inner + 2 * groups * state
    t = {"backbone.embeddings.weight": f(VOCAB, HIDDEN), "backbone.norm_f.weight": f(HIDDEN, norm=True), "lm_head.weight": f(VOCAB, HIDDEN)}
    for n in range(LAYERS):
        p = f"backbone.layers.{n}."
        t.update({p + "norm.weight": f(HIDDEN, norm=True), p + "mixer.A_log": f(heads), p + "mixer.D": f(heads),
                  p + "mixer.conv1d.weight": f(conv, 1, KERNEL), p + "mixer.conv1d.bias": f(conv), p + "mixer.dt_bias": f(heads),
                  p + "mixer.in_proj.weight": f(2 * d_inner + 2 * groups * state + heads, HIDDEN),
                  p + "mixer.norm.weight": f(d_inner, norm=True), p + "mixer.out_proj.weight": f(HIDDEN, d_inner)})
    return t, groups, d_inner


def mamba_hub(d_inner=64, state=8, dt_rank=4):
    t = {"backbone.embeddings.weight": f(VOCAB, HIDDEN), "backbone.norm_f.weight": f(HIDDEN, norm=True), "lm_head.weight": f(VOCAB, HIDDEN)}
    for n in range(LAYERS):
        p = f"backbone.layers.{n}."
        t.update({p + "norm.weight": f(HIDDEN, norm=True), p + "mixer.A_log": f(d_inner, state), p + "mixer.D": f(d_inner),
                  p + "mixer.conv1d.weight": f(d_inner, 1, KERNEL), p + "mixer.conv1d.bias": f(d_inner),
                  p + "mixer.dt_proj.weight": f(d_inner, dt_rank), p + "mixer.dt_proj.bias": f(d_inner),
                  p + "mixer.in_proj.weight": f(2 * d_inner, HIDDEN), p + "mixer.x_proj.weight": f(dt_rank + 2 * state, d_inner),
                  p + "mixer.out_proj.weight": f(HIDDEN, d_inner)})
    return t


def converted(name, a, mamba2, groups=None, d_inner=None, exp=True, norm_order="C", norm_groups=None, regroup=True):
    """The converter's tensor for Hub tensor `name` (see the module doc), as float32; with
    `regroup=False`, in the Hub's own shape (which the converter never writes)."""
    if name.endswith(".conv1d.weight") and regroup:
        a = a.squeeze()
    if mamba2 and name.endswith((".A_log", ".D")) and regroup:
        a = a.reshape(*a.shape, 1)
    if mamba2 and name.endswith(".mixer.norm.weight") and regroup:
        rows = norm_groups or groups
        a = a.reshape((rows, d_inner // rows), order=norm_order)
    if name.endswith(".A_log") and exp:
        # With torch, as the converter computes it: numpy's float32 exp, and float64 rounded to
        # float32, differ from torch's in the last place for some values. A float16 tensor stays
        # float16 there (`conversion/base.py`), so its −exp is torch's half one.
        import torch
        a = (-torch.exp(torch.from_numpy(np.ascontiguousarray(a)))).numpy()
    return a.astype(np.float32)


def write(path, arch, hub, groups=None, **how):
    names = gguf.get_tensor_name_map(arch, LAYERS)
    w = GGUFWriter(os.path.join(HERE, path), gguf.MODEL_ARCH_NAMES[arch])
    w.add_block_count(LAYERS)
    if groups is not None:
        w.add_ssm_group_count(groups)  # as Mamba2Model.set_gguf_parameters writes it
    expected = {}
    for name, a in hub.items():
        base = name.replace(".dt_bias", ".dt_proj.bias")
        target = names.get_name(base, try_suffixes=(".weight", ".bias"))
        assert target is not None, name
        b = converted(name, a, arch == gguf.MODEL_ARCH.MAMBA2, groups=groups, **how)
        w.add_tensor(target, b)
        x = a.astype(np.float64)
        if name.endswith(".A_log"):
            # −exp in float64, rounded to float32: what `diff` compares the stored A with (the
            # converter computes it in float32, and overflows to −inf from 89 on).
            x = -(np.exp(x).astype(np.float32).astype(np.float64))
        d = x.reshape(-1) - b.astype(np.float64).reshape(-1)
        expected[name] = {"gguf_name": target, "relative_l2": float(np.linalg.norm(d) / np.linalg.norm(x)), "max_abs": float(np.abs(d).max())}
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return expected


def save_hub(folder, hub, config):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    save_file(hub, os.path.join(HERE, folder, "model.safetensors"))
    with open(os.path.join(HERE, folder, "config.json"), "w") as out:
        json.dump(config, out, indent=1, sort_keys=True)
        out.write("\n")


def main():
    hub2, groups, d_inner = mamba2_hub()
    save_hub("mamba2", hub2, {"model_type": "mamba2", "architectures": ["Mamba2ForCausalLM"], "hidden_size": HIDDEN, "num_heads": 4,
                              "head_dim": 16, "n_groups": groups, "state_size": 8, "vocab_size": VOCAB, "tie_word_embeddings": False})
    hub1 = mamba_hub()
    save_hub("mamba", hub1, {"model_type": "mamba", "architectures": ["MambaForCausalLM"], "hidden_size": HIDDEN, "state_size": 8,
                             "vocab_size": VOCAB, "tie_word_embeddings": False})
    expected = {
        "mamba2-f32.gguf": write("mamba2-f32.gguf", gguf.MODEL_ARCH.MAMBA2, hub2, groups=groups, d_inner=d_inner),
        "mamba-f32.gguf": write("mamba-f32.gguf", gguf.MODEL_ARCH.MAMBA, hub1),
        "mamba2-no-exp-f32.gguf": write("mamba2-no-exp-f32.gguf", gguf.MODEL_ARCH.MAMBA2, hub2, groups=groups, d_inner=d_inner, exp=False),
        "mamba2-norm-transposed-f32.gguf": write("mamba2-norm-transposed-f32.gguf", gguf.MODEL_ARCH.MAMBA2, hub2, groups=groups,
                                                d_inner=d_inner, norm_order="F"),
        "mamba2-norm-4-rows-f32.gguf": write("mamba2-norm-4-rows-f32.gguf", gguf.MODEL_ARCH.MAMBA2, hub2, groups=groups,
                                            d_inner=d_inner, norm_groups=4),
    }
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(expected, out, indent=1, sort_keys=True)
        out.write("\n")
    # Added later, after every file above (whose bytes stay as they were); not in expected.json.
    # hunt-57a F1: every regrouped tensor left in the Hub's shape (−exp applied), which passed.
    write("mamba2-hub-shape-f32.gguf", gguf.MODEL_ARCH.MAMBA2, hub2, groups=groups, d_inner=d_inner, regroup=False)
    # hunt-57a F6: no ssm.group_count (llama.cpp's loader requires it), the norm as one group, which passed.
    write("mamba2-no-group-count-f32.gguf", gguf.MODEL_ARCH.MAMBA2, hub2, groups=None, d_inner=d_inner, norm_groups=1)
    # ssm.group_count 4 with the norm regrouped by 4, where the Hub config's n_groups is 2: another model.
    write("mamba2-group-count-4-f32.gguf", gguf.MODEL_ARCH.MAMBA2, hub2, groups=4, d_inner=d_inner)
    # hunt-57a F4: the Mamba-2 saved in float16, A_log[0] 12 and 95 in layer 0 (−exp overflows in
    # float16 from about 11.09: −inf there, finite in float32), converted with --outtype f32.
    hub16 = {name: a.astype(np.float16) for name, a in hub2.items()}
    hub16["backbone.layers.0.mixer.A_log"][1:3] = [12, 95]
    save_hub("mamba2-f16", hub16, {"model_type": "mamba2", "architectures": ["Mamba2ForCausalLM"], "hidden_size": HIDDEN,
                                   "num_heads": 4, "head_dim": 16, "n_groups": groups, "state_size": 8, "vocab_size": VOCAB,
                                   "tie_word_embeddings": False, "torch_dtype": "float16"})
    write("mamba2-f16-f32.gguf", gguf.MODEL_ARCH.MAMBA2, hub16, groups=groups, d_inner=d_inner)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fixtures for `diff` of Hub Falcon-H1 checkpoints against their GGUF conversions, whose converter
multiplies µP multipliers into the weights, and `expected.json`.

What llama.cpp's converter does (vendored by llama-cpp-python 0.3.36, `conversion/falcon_h1.py`,
`FalconH1Model.modify_tensors`): the first of these substrings of the Hub name decides —
`down_proj` × mlp_multipliers[1], `gate_proj` × mlp_multipliers[0], `k_proj` × key_multiplier then
× attention_in_multiplier, `q_proj`/`v_proj` × attention_in_multiplier, `o_proj` ×
attention_out_multiplier, `out_proj` × ssm_out_multiplier, `in_proj` × ssm_in_multiplier then
rows in five bands × ssm_multipliers[0..4], `lm_head` × lm_head_multiplier, `embed_tokens` ×
embedding_multiplier. Each step is y = W(float32(y) · float32(m)), W float32 (float32 and
bfloat16 checkpoints, bfloat16 widened first) or float16 (float16 checkpoints, kept in half).
helper-176 checked that rule bit for bit on 20 conversions (/work/coord/falcon-h1-58a.md).

The two conversions here are the converter's own output (`converter_models.py`, which needs the
vendored converter; see its docstring), copied by this script from $FALCON_H1_WORK:
- `falcon-h1-irr-bf16/` + `falcon-h1-irr-bf16-f32.gguf`: a bfloat16 checkpoint whose multipliers are
  all irrational and none is 1 (so k_proj's two roundings show), converted with `--outtype f32`.
- `falcon-h1-real-f16/` + `falcon-h1-real-f16-f16.gguf`: a float16 checkpoint with Falcon-H1-0.5B's
  multipliers, converted with `--outtype f16`.
This script writes, with numpy and gguf-py:
- `falcon-h1-biases/` + `falcon-h1-biases-f32.gguf`: q/k/v weights and biases with
  attention_in_multiplier 1.5, multiplied as the converter does (biases too);
- `falcon-h1-real-f16-unmultiplied.gguf`: the F16 conversion with every multiplied tensor holding
  the Hub's values instead (a converter that forgot the multipliers), bytes patched in place;
- `expected.json`: per file, per multiplied Hub tensor, the float32 factors the converter applies
  and numpy's float64 relative L2 and max |a − b| of the Hub values multiplied by this rule against
  the GGUF tensor (0 for the converter's own files — checked here, the script stops otherwise).

Run from the repository root: `python3 TestData/gguf-falcon-h1/generate.py` (numpy, safetensors,
gguf). Without $FALCON_H1_WORK holding the conversions it keeps the copies already here.
"""
import json
import os
import shutil

import numpy as np
from gguf import GGUFReader
from safetensors.numpy import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("FALCON_H1_WORK", "/tmp/h58a")

RULES = [("down_proj", [("mlp_multipliers", 1)]), ("gate_proj", [("mlp_multipliers", 0)]),
         ("k_proj", [("key_multiplier", None), ("attention_in_multiplier", None)]),
         ("q_proj", [("attention_in_multiplier", None)]), ("v_proj", [("attention_in_multiplier", None)]),
         ("o_proj", [("attention_out_multiplier", None)]), ("out_proj", [("ssm_out_multiplier", None)]),
         ("in_proj", [("ssm_in_multiplier", None)]), ("lm_head", [("lm_head_multiplier", None)]),
         ("embed_tokens", [("embedding_multiplier", None)])]


def copy_conversions():
    for hub, out in (("irr-bf16", "f32"), ("real-f16", "f16")):
        src = os.path.join(WORK, "hub", hub)
        if not os.path.isdir(src):
            return
        dst = os.path.join(HERE, f"falcon-h1-{hub}")
        os.makedirs(dst, exist_ok=True)
        for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
            shutil.copy(os.path.join(src, name), dst)
        shutil.copy(os.path.join(WORK, "gguf", f"{hub}.{out}.gguf"), os.path.join(HERE, f"falcon-h1-{hub}-{out}.gguf"))


def hub_tensors(folder):
    """Hub tensors as numpy: bfloat16 widened to float32 (exact), float16 and float32 as stored."""
    path = os.path.join(HERE, folder, "model.safetensors")
    with open(path, "rb") as f:
        header = json.loads(f.read(int.from_bytes(f.read(8), "little")))
    raw = load_file(path) if all(v.get("dtype") != "BF16" for k, v in header.items() if k != "__metadata__") else None
    if raw is not None:
        return raw
    # bfloat16: the high half of a float32.
    out = {}
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        f.read(n)
        data = f.read()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        bits = np.frombuffer(data[a:b], dtype=np.uint16).astype(np.uint32) << 16
        out[name] = bits.view(np.float32).reshape(info["shape"])
    return out


def factors(config, name):
    for substring, keys in RULES:
        if substring in name:
            return substring, [np.float32(config[k] if i is None else config[k][i]) for k, i in keys]
    return None, []


def multiplied(config, name, x, half):
    """The converter's values: each product in float32 of float32 operands, rounded to W."""
    substring, fs = factors(config, name)
    w = np.float16 if half else np.float32
    y = x.astype(w)
    for f in fs:
        y = (y.astype(np.float32) * f).astype(w)
    if substring == "in_proj":
        i, gs = config["mamba_d_ssm"], config["mamba_n_groups"] * config["mamba_d_state"]
        bounds = [0, i, 2 * i, 2 * i + gs, 2 * i + 2 * gs, y.shape[0]]
        for band in range(5):
            s, e = bounds[band], bounds[band + 1]
            y[s:e] = (y[s:e].astype(np.float32) * np.float32(config["ssm_multipliers"][band])).astype(w)
    return y, fs


GGUF_NAMES = {"down_proj": "ffn_down", "gate_proj": "ffn_gate", "k_proj": "attn_k", "q_proj": "attn_q", "v_proj": "attn_v",
              "o_proj": "attn_output", "out_proj": "ssm_out", "in_proj": "ssm_in"}


def gguf_name(hub):
    if hub.startswith("lm_head"):
        return "output.weight"
    if "embed_tokens" in hub:
        return "token_embd.weight"
    layer = hub.split(".")[2]
    for part, short in GGUF_NAMES.items():
        if part in hub:
            return f"blk.{layer}.{short}.{hub.rsplit('.', 1)[1]}"
    return None


def measure(folder, gguf_file, half, patch_to=None):
    config = json.load(open(os.path.join(HERE, folder, "config.json")))
    hub = hub_tensors(folder)
    reader = GGUFReader(os.path.join(HERE, gguf_file))
    stored = {t.name: t for t in reader.tensors}
    result, patches = {}, []
    for name in sorted(hub):
        substring, fs = factors(config, name)
        if substring is None or all(f == 1 for f in fs) and substring != "in_proj":
            continue
        ref, fs = multiplied(config, name, hub[name], half)
        t = stored[gguf_name(name)]
        b = np.asarray(t.data).reshape(ref.shape)
        if patch_to is not None:
            patches.append((t, hub[name].astype(b.dtype)))
            b = hub[name].astype(b.dtype)
        d = ref.astype(np.float64) - b.astype(np.float64)
        result[name] = {"gguf": t.name, "factors": [float(f) for f in fs],
                        "relative_l2": float(np.linalg.norm(d) / np.linalg.norm(ref.astype(np.float64))),
                        "max_abs_diff": float(np.abs(d).max())}
        if patch_to is None:
            assert result[name]["max_abs_diff"] == 0, (gguf_file, name, result[name])
    if patch_to is not None:
        data = bytearray(open(os.path.join(HERE, gguf_file), "rb").read())
        for t, values in patches:
            raw = values.tobytes()
            assert len(raw) == t.n_bytes
            data[t.data_offset:t.data_offset + len(raw)] = raw
        open(os.path.join(HERE, patch_to), "wb").write(bytes(data))
    return result


def write_biases():
    """`falcon-h1-biases/` + `falcon-h1-biases-f32.gguf`: a layer's q/k/v projections with biases and
    attention_in_multiplier 1.5, multiplied as the converter multiplies them (weights and biases
    alike), written with gguf-py; the other multipliers are stated, as the converter needs them."""
    from gguf import GGUFWriter
    from safetensors.numpy import save_file
    rng = np.random.default_rng(5801)
    config = {"architectures": ["FalconH1ForCausalLM"], "model_type": "falcon_h1", "embedding_multiplier": 1.0,
              "lm_head_multiplier": 1.0, "attention_in_multiplier": 1.5, "attention_out_multiplier": 1.0,
              "key_multiplier": 0.5, "ssm_in_multiplier": 1.0, "ssm_out_multiplier": 1.0, "mlp_multipliers": [1.0, 1.0],
              "ssm_multipliers": [1.0, 1.0, 1.0, 1.0, 1.0], "mamba_d_ssm": 8, "mamba_n_groups": 1, "mamba_d_state": 4}
    hub = {}
    for part in ("q_proj", "k_proj", "v_proj"):
        hub[f"model.layers.0.self_attn.{part}.weight"] = rng.standard_normal((8, 8)).astype(np.float32)
        hub[f"model.layers.0.self_attn.{part}.bias"] = rng.standard_normal(8).astype(np.float32)
    folder = os.path.join(HERE, "falcon-h1-biases")
    os.makedirs(folder, exist_ok=True)
    save_file(hub, os.path.join(folder, "model.safetensors"))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
        f.write("\n")
    writer = GGUFWriter(os.path.join(HERE, "falcon-h1-biases-f32.gguf"), "falcon-h1")
    for name in sorted(hub):
        y, _ = multiplied(config, name, hub[name], half=False)
        writer.add_tensor(gguf_name(name), y)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main():
    copy_conversions()
    write_biases()
    expected = {
        "falcon-h1-irr-bf16-f32.gguf": measure("falcon-h1-irr-bf16", "falcon-h1-irr-bf16-f32.gguf", half=False),
        "falcon-h1-real-f16-f16.gguf": measure("falcon-h1-real-f16", "falcon-h1-real-f16-f16.gguf", half=True),
        "falcon-h1-real-f16-unmultiplied.gguf": measure("falcon-h1-real-f16", "falcon-h1-real-f16-f16.gguf", half=True,
                                                        patch_to="falcon-h1-real-f16-unmultiplied.gguf"),
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

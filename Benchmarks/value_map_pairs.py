#!/usr/bin/env python3
"""Writes the `diff` pairs docs/PERFORMANCE.md times for pairs read one value at a time
(`ScaledDifference`): a Falcon-H1 embedding and head against a `falcon-h1` GGUF holding them
multiplied (the converter's float32 products), and DeepSeek-V3-sized latent-attention `kv_b_proj`
matrices against a `deepseek2` GGUF holding their `attn_k_b` (transposed) and `attn_v_b` halves.

    python3 Benchmarks/value_map_pairs.py OUT [--layers 4]
    /usr/bin/time -f '%e s %M KB' tensoraudit diff OUT/falcon-h1/hub OUT/falcon-h1/model.gguf
    /usr/bin/time -f '%e s %M KB' tensoraudit diff OUT/deepseek2/hub OUT/deepseek2/model.gguf

Needs numpy, safetensors, gguf. Fixed seed; about 0.5 GB + 0.26 GB × layers.
"""
import argparse
import json
import os

import numpy as np
from gguf import GGUFWriter
from safetensors.numpy import save_file


def write_gguf(path, architecture, tensors):
    w = GGUFWriter(path, architecture)
    for name, value in tensors.items():
        w.add_tensor(name, np.ascontiguousarray(value))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def falcon_h1(out, rng):
    vocab, hidden, embedding, head = 32768, 1024, 5.656854249492381, 0.0390625
    e = (rng.standard_normal((vocab, hidden)) * 0.02).astype(np.float32)
    os.makedirs(os.path.join(out, "hub"), exist_ok=True)
    save_file({"model.embed_tokens.weight": e, "lm_head.weight": e.copy()}, os.path.join(out, "hub", "model.safetensors"))
    with open(os.path.join(out, "hub", "config.json"), "w") as f:
        json.dump({"model_type": "falcon_h1", "architectures": ["FalconH1ForCausalLM"],
                   "embedding_multiplier": embedding, "lm_head_multiplier": head}, f)
    write_gguf(os.path.join(out, "model.gguf"), "falcon-h1",
               {"token_embd.weight": e * np.float32(embedding), "output.weight": e * np.float32(head)})


def deepseek2(out, rng, layers):
    heads, rank, nope, v = 128, 512, 128, 128
    hub, stored = {}, {}
    for n in range(layers):
        kv_b = rng.standard_normal((heads * (nope + v), rank)).astype(np.float32)
        hub[f"model.layers.{n}.self_attn.kv_b_proj.weight"] = kv_b
        split = kv_b.reshape(heads, nope + v, rank)
        stored[f"blk.{n}.attn_k_b.weight"] = split[:, :nope].transpose(0, 2, 1)
        stored[f"blk.{n}.attn_v_b.weight"] = split[:, nope:]
    os.makedirs(os.path.join(out, "hub"), exist_ok=True)
    save_file(hub, os.path.join(out, "hub", "model.safetensors"))
    with open(os.path.join(out, "hub", "config.json"), "w") as f:
        json.dump({"model_type": "deepseek_v3", "num_key_value_heads": heads, "qk_nope_head_dim": nope, "v_head_dim": v}, f)
    write_gguf(os.path.join(out, "model.gguf"), "deepseek2", stored)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--layers", type=int, default=4)
    args = parser.parse_args()
    rng = np.random.default_rng(5805)
    falcon_h1(os.path.join(args.out, "falcon-h1"), rng)
    deepseek2(os.path.join(args.out, "deepseek2"), rng, args.layers)


if __name__ == "__main__":
    main()

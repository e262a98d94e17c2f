"""Exports that `diff` must judge by what they are, not by their relative L2.

Run: python3 TestData/diff-exports/generate.py (safetensors 0.8.0, numpy, torch 2.13.0+cpu, gguf 0.19.0).

- ints-a / ints-b.safetensors: integer and boolean tensors (position_ids, a vocabulary mapping,
  a mask); B changes one value of each. expected.json: numpy's count of differing values.
- hub-old / hub-new.safetensors: the same weights; hub-old also holds
  `embeddings.position_ids` = arange(64) as older transformers exports did, hub-new (a re-save
  by a current transformers, which registers it non-persistent) does not. hub-odd holds a
  `position_ids` that is not an arange: still a missing tensor.
- tied-alias.safetensors: safetensors.torch.save_model of a module whose lm_head is tied to the
  embedding (it keeps one name and records the other as a __metadata__ alias); tied-state.bin and
  untied-state.bin: torch.save of the same state dict with both names, the second with lm_head
  changed (expected.json: numpy's relative L2 of the change).
- q2k.safetensors / q2k.gguf: an F32 matrix and a Q2_K file of the same name (gguf-py writes
  the raw blocks: it has no Q2_K quantizer), whose values tensoraudit does not decode.
"""
import json
import os

import gguf
import numpy as np
import torch
from safetensors import safe_open
from safetensors.numpy import save_file
from safetensors.torch import save_model

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


class Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(32, 8)


class Tied(torch.nn.Module):
    def __init__(self, weight):
        super().__init__()
        self.model = Decoder()
        self.lm_head = torch.nn.Linear(8, 32, bias=False)
        with torch.no_grad():
            self.model.embed_tokens.weight.copy_(weight)
        self.lm_head.weight = self.model.embed_tokens.weight


def main():
    rng = np.random.default_rng(7)
    expected = {}

    a = {"position_ids": np.arange(512, dtype=np.int64).reshape(1, 512),
         "mapping": np.arange(1000, dtype=np.int32),
         "mask": np.tril(np.ones((64, 64), dtype=bool))}
    b = {k: v.copy() for k, v in a.items()}
    b["position_ids"][0, 100] = 101
    b["mapping"][7] = 8
    b["mask"][3, 50] = True
    save_file(a, path("ints-a.safetensors"))
    save_file(b, path("ints-b.safetensors"))
    expected["ints"] = {k: int(np.count_nonzero(a[k] != b[k])) for k in a}

    w = rng.standard_normal((64, 8)).astype(np.float32)
    save_file({"embeddings.position_ids": np.arange(64, dtype=np.int64).reshape(1, 64), "embeddings.word_embeddings.weight": w},
              path("hub-old.safetensors"))
    save_file({"embeddings.word_embeddings.weight": w}, path("hub-new.safetensors"))
    save_file({"embeddings.position_ids": np.arange(64, dtype=np.int64)[::-1].reshape(1, 64).copy(),
               "embeddings.word_embeddings.weight": w}, path("hub-odd.safetensors"))

    e = torch.from_numpy(rng.standard_normal((32, 8)).astype(np.float32))
    save_model(Tied(e), path("tied-alias.safetensors"))
    with safe_open(path("tied-alias.safetensors"), "pt") as f:
        expected["tied-alias"] = {"kept": list(f.keys()), "metadata": f.metadata()}
    torch.save({"model.embed_tokens.weight": e.clone(), "lm_head.weight": e.clone()}, path("tied-state.bin"))
    changed = e.clone()
    changed[5] += 1.0
    torch.save({"model.embed_tokens.weight": e.clone(), "lm_head.weight": changed}, path("untied-state.bin"))
    x, y = e.numpy().astype(np.float64), changed.numpy().astype(np.float64)
    expected["untied"] = {"relative_l2": float(np.linalg.norm(x - y) / np.linalg.norm(x))}

    save_file({"token_embd.weight": rng.standard_normal((4, 256)).astype(np.float32)}, path("q2k.safetensors"))
    writer = gguf.GGUFWriter(path("q2k.gguf"), "llama")
    block_bytes = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType.Q2_K][1]
    raw = np.zeros((4, block_bytes), dtype=np.uint8)  # scales 0: finite blocks
    writer.add_tensor("token_embd.weight", raw, raw_dtype=gguf.GGMLQuantizationType.Q2_K)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

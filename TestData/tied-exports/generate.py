"""Tied embeddings as exports write them, for the padding and audit agreement tests.

Run: python3 TestData/tied-exports/generate.py (torch 2.13.0+cpu, safetensors 0.8.0, numpy).

- shared-storage/pytorch_model.bin: torch.save of a state dict whose embedding and lm_head are
  one tensor (how a tied model's state_dict is saved: one storage, two keys).
- unnamed-embedding/pytorch_model.bin: the same with the embedding called `embed.weight`, a
  name no convention marks as an input embedding.
- save-model/model.safetensors: safetensors.torch.save_model of a module whose embedding is
  tied to its lm_head: it keeps one name and records the other as a __metadata__ alias.

expected.json holds what the reference packages say: the keys torch.load(weights_only=True)
returns and whether they share storage, the tensor save_model kept and its __metadata__, and
the L2 norm of row 0 (the pad row the tests pass with --pad-id 0) computed by numpy in float64.
"""
import json
import os

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_model

HERE = os.path.dirname(os.path.abspath(__file__))


def embedding(seed):
    generator = torch.Generator().manual_seed(seed)
    weight = torch.randn(50, 16, generator=generator)
    weight[0] = 0.5  # a non-zero pad row
    return weight


def row_norm(tensor, row):
    return float(np.linalg.norm(tensor[row].numpy().astype(np.float64)))


def save_state(folder, state):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    path = os.path.join(HERE, folder, "pytorch_model.bin")
    torch.save(state, path)
    loaded = torch.load(path, weights_only=True)
    storages = {}
    for name, tensor in loaded.items():
        storages.setdefault(tensor.untyped_storage().data_ptr(), []).append(name)
    shared = sorted(sorted(names) for names in storages.values() if len(names) > 1)
    return {"keys": sorted(loaded), "shared_storage": shared, "pad_row_norm": row_norm(loaded["lm_head.weight"], 0)}


class Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(50, 16)


class Tied(torch.nn.Module):
    """Named as a `…ForCausalLM`: `model.embed_tokens.weight` and `lm_head.weight`, of which
    save_model keeps `lm_head.weight` (the first name in its order) and aliases the other."""

    def __init__(self):
        super().__init__()
        self.model = Decoder()
        self.lm_head = torch.nn.Linear(16, 50, bias=False)
        with torch.no_grad():
            self.model.embed_tokens.weight.copy_(embedding(3))
        self.lm_head.weight = self.model.embed_tokens.weight


def main():
    expected = {}
    e = embedding(1)
    expected["shared-storage"] = save_state(
        "shared-storage", {"model.embed_tokens.weight": e, "lm_head.weight": e, "model.norm.weight": torch.ones(16)})
    # The shared-storage export again as separate tensors, lm_head's row 7 changed: diff must
    # compare each of A's two names (one storage) with its own B tensor.
    from safetensors.numpy import save_file
    shared = torch.load(os.path.join(HERE, "shared-storage", "pytorch_model.bin"), weights_only=True)
    a = shared["lm_head.weight"].numpy()
    b = a.copy()
    b[7] += 1.0
    save_file({"model.embed_tokens.weight": a.copy(), "lm_head.weight": b,
               "model.norm.weight": shared["model.norm.weight"].numpy()}, os.path.join(HERE, "untied-copy.safetensors"))
    x, y = a.astype(np.float64), b.astype(np.float64)
    expected["untied-copy"] = {"lm_head_relative_l2": float(np.linalg.norm(x - y) / np.linalg.norm(x))}
    e = embedding(2)
    expected["unnamed-embedding"] = save_state("unnamed-embedding", {"embed.weight": e, "lm_head.weight": e})
    os.makedirs(os.path.join(HERE, "save-model"), exist_ok=True)
    path = os.path.join(HERE, "save-model", "model.safetensors")
    save_model(Tied(), path)
    with safe_open(path, "pt") as f:
        kept = list(f.keys())
        metadata = f.metadata()
        expected["save-model"] = {"kept": kept, "metadata": metadata, "pad_row_norm": row_norm(f.get_tensor(kept[0]), 0)}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the torch fixtures the CLI tests run every command on, and `expected.json`.

Run from the repository root: `python3 TestData/pytorch-cli/generate.py` (needs torch, safetensors,
numpy). Files are written by the reference writers (`torch.save`, `safetensors.torch.save_file`,
`numpy.savez`); expected values come from torch and numpy, never from tensoraudit.

- `tied-bert/pytorch_model.bin` + `config.json`: a tiny BERT-like masked LM state dict whose
  input embedding and MLM decoder are one tensor (tied: torch saves the storage once), with a
  non-zero pad row (pad_token_id 0).
- `tied-bert-converted/model.safetensors`: its conversion as the Hub's convert bot makes it
  (`_remove_duplicate_names`, then `save_file` with metadata {"format": "pt"}): the tied copy is
  dropped.
- `sharded/`: the same state dict in two `torch.save` shards with a `pytorch_model.bin.index.json`
  in transformers' layout (`metadata.total_size`, `weight_map`).
- `other/arrays.npz` (numpy.savez), `other/model.keras` (a zip with Keras 3's entry names),
  `other/model.onnx` (bytes that are no checkpoint): formats that are refused by name of what they are.
"""
import collections
import json
import os
import zipfile

import numpy as np
import torch
from safetensors.torch import _remove_duplicate_names, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)

VOCAB, HIDDEN, PAD = 48, 16, 0


def out(*parts):
    path = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def state_dict():
    emb = torch.randn(VOCAB, HIDDEN) * 0.1
    sd = collections.OrderedDict()
    sd["bert.embeddings.word_embeddings.weight"] = emb
    sd["bert.embeddings.position_embeddings.weight"] = torch.randn(8, HIDDEN) * 0.1
    sd["bert.embeddings.LayerNorm.weight"] = torch.ones(HIDDEN)
    sd["bert.embeddings.LayerNorm.bias"] = torch.zeros(HIDDEN)
    for layer in range(2):
        p = f"bert.encoder.layer.{layer}."
        sd[p + "attention.self.query.weight"] = torch.randn(HIDDEN, HIDDEN) * 0.2
        sd[p + "attention.self.query.bias"] = torch.zeros(HIDDEN)
        sd[p + "output.dense.weight"] = (torch.randn(HIDDEN, HIDDEN) * 0.2).to(torch.bfloat16)
    sd["bert.embeddings.position_ids"] = torch.arange(8, dtype=torch.int64).unsqueeze(0)
    sd["cls.predictions.bias"] = torch.zeros(VOCAB)
    sd["cls.predictions.decoder.weight"] = emb  # tied: the same tensor object, one storage
    return sd


def torch_view(sd):
    """Names, dtypes (safetensors spelling), shapes, storage groups: torch's own view."""
    names = {torch.float32: "F32", torch.bfloat16: "BF16", torch.int64: "I64", torch.float16: "F16"}
    groups = collections.OrderedDict()
    for name, t in sd.items():
        groups.setdefault((t.untyped_storage().data_ptr(), t.storage_offset()), []).append(name)
    return {
        "tensors": {n: {"dtype": names[t.dtype], "shape": list(t.shape)} for n, t in sd.items()},
        "shared_storage": sorted(sorted(g) for g in groups.values() if len(g) > 1),
    }


def main():
    sd = state_dict()
    expected = {}

    torch.save(sd, out("tied-bert", "pytorch_model.bin"))
    with open(out("tied-bert", "config.json"), "w") as f:
        json.dump({"model_type": "bert", "architectures": ["BertForMaskedLM"], "vocab_size": VOCAB,
                   "hidden_size": HIDDEN, "pad_token_id": PAD}, f, indent=1)
    loaded = torch.load(out("tied-bert", "pytorch_model.bin"), weights_only=True)
    view = torch_view(loaded)
    emb = loaded["bert.embeddings.word_embeddings.weight"].double()
    norms = emb.norm(dim=1)
    view["pad_row_norm"] = float(norms[PAD])
    view["pad_row_rank"] = int((norms < norms[PAD]).sum()) + 1
    view["parameters"] = sum(t.numel() for t in loaded.values())
    expected["tied-bert"] = view

    # The convert bot: drop names that share storage with a kept one, save with format pt.
    converted = dict(loaded)
    to_remove = _remove_duplicate_names(converted)
    for kept, names in to_remove.items():
        for name in names:
            del converted[name]
    converted = {k: v.contiguous() for k, v in converted.items()}
    save_file(converted, out("tied-bert-converted", "model.safetensors"), metadata={"format": "pt"})
    expected["tied-bert-converted"] = {"dropped": sorted(n for names in to_remove.values() for n in names)}

    # Two shards in transformers' index layout.
    names = list(sd.keys())
    halves = [names[: len(names) // 2], names[len(names) // 2:]]
    weight_map, total = {}, 0
    for i, half in enumerate(halves):
        shard = f"pytorch_model-{i + 1:05d}-of-00002.bin"
        part = collections.OrderedDict((n, sd[n].clone()) for n in half)
        torch.save(part, out("sharded", shard))
        for n in half:
            weight_map[n] = shard
            total += sd[n].numel() * sd[n].element_size()
    with open(out("sharded", "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    expected["sharded"] = {"total_size": total, "tensors": len(weight_map),
                           "shards": sorted(set(weight_map.values()))}

    # Two shards: the first unreadable (bytes after its zip's end record), the second with a
    # payload. The payload is reported, not only the first shard's failure.
    class Payload:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    os.makedirs(out("sharded-unsafe"), exist_ok=True)
    torch.save({"w": torch.tensor([1.0, 2.0])}, out("sharded-unsafe", "pytorch_model-00001-of-00002.bin"))
    with open(out("sharded-unsafe", "pytorch_model-00001-of-00002.bin"), "ab") as f:
        f.write(b"garbage")
    torch.save({"x": torch.tensor([3.0, 4.0]), "payload": Payload()}, out("sharded-unsafe", "pytorch_model-00002-of-00002.bin"))
    with open(out("sharded-unsafe", "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {}, "weight_map": {"w": "pytorch_model-00001-of-00002.bin", "x": "pytorch_model-00002-of-00002.bin"}}, f, indent=2)
    expected["sharded-unsafe"] = {"unsafe_global": f"{os.system.__module__}.{os.system.__name__}",
                                  "payload_shard": "pytorch_model-00002-of-00002.bin"}

    np.savez(out("other", "arrays.npz"), a=np.arange(4, dtype=np.float32))
    with zipfile.ZipFile(out("other", "model.keras"), "w") as z:
        for name, data in [("metadata.json", b"{}"), ("config.json", b"{}"), ("model.weights.h5", b"\x89HDF\r\n\x1a\n")]:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)  # fixed time: same bytes on rerun
    with open(out("other", "model.onnx"), "wb") as f:
        f.write(bytes([0x08, 0x07, 0x12, 0x07]) + b"pytorch" + bytes(16))

    with open(out("expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

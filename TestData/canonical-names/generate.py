#!/usr/bin/env python3
"""Checkpoints whose tensor names are canonically equivalent but different strings, written by
the reference writers, and expected.json with the reference readers' answers (never
tensoraudit's).

Why: Swift's `String ==` and `String` hashing follow Unicode canonical equivalence, so
"caf\\u00e9.weight" (precomposed) and "cafe\\u0301.weight" (e + combining acute) are one
dictionary key. safetensors, torch, gguf-py and transformers compare code points (Python `str`)
or bytes, so they are two tensors. Keyed by `String`, tensoraudit once took one for the other:
`rows --tensor` showed the wrong tensor's rows, a sharded index holding both was said to list a
tensor twice (`index-duplicate-key`) and to hold one tensor in two shards, a torch state dict
holding both was refused, and a `__metadata__` alias from one spelling to the other was not seen.

Run from the repository root: `python3 TestData/canonical-names/generate.py`
(safetensors 0.8.0, numpy 2.4.6, torch 2.15.0; a GGUF file with such names is
canonical-tokens/canonical-names.gguf).
Fixed seed: a rerun gives the same bytes.

- `sharded/`: `model-00001-of-00002.safetensors` holds PRECOMPOSED, `model-00002-of-00002`
  holds DECOMPOSED (F32 [3, 4] each, different values, the last row of each holding one NaN),
  and the index's `weight_map` names both (safetensors.numpy, json).
- `alias/model.safetensors`: `safetensors.torch.save_model` of a module whose two parameters
  PRECOMPOSED and DECOMPOSED are one tensor: it saves one and records the other as an alias in
  `__metadata__` (removed -> kept).
- `alias-sharded/`: that file as shard 1 of an index naming both spellings in it, and a second
  shard holding `b`.
- `torch/model.bin`: `torch.save` of a state dict holding both names (different tensors).
- `metadata/model.safetensors`: `__metadata__` holding the keys `café` precomposed and
  decomposed (values "precomposed", "decomposed"), written here byte by byte (the reference
  writer orders metadata keys by a hash, so its bytes would change from run to run) and read
  back with `safe_open`, which returns both keys. It was refused as a duplicate key.
- `alias-keys/model.safetensors`: tensors `x` and `y` and `__metadata__` {`café` precomposed:
  "x", decomposed: "y"}, written the same way: two aliases of the save_model convention (a key
  that is not a tensor naming one that is), one of which was lost.
- `diff-map/rename.json` (`--map` of `diff`: precomposed -> decomposed) and `swap.json` (each
  spelling -> the other; Python's json reads two keys): the second was refused as naming a key
  twice, the first paired as asked but shown without its "->".
- `expected.json`: per fixture, each tensor's name (as code points, so no JSON reader can fold
  them), the file holding it, its shape and its per-row means, NaN counts and L2 norms as numpy
  computes them from what the reference reader reads back; the alias as `safe_open(...).metadata()`
  gives it.
"""
import json
import os

import numpy as np
import safetensors.numpy
import torch
from safetensors import safe_open
from safetensors.torch import save_model

HERE = os.path.dirname(os.path.abspath(__file__))
PRECOMPOSED = "caf\u00e9.weight"
DECOMPOSED = "cafe\u0301.weight"
S1, S2 = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"


def scalars(text):
    return [ord(c) for c in text]


def rows(array):
    """Per-row mean over the finite values, NaN count and L2 norm (None when not finite), as
    numpy computes them."""
    a = np.asarray(array, dtype=np.float64).reshape(array.shape[0], -1)
    out = []
    for row in a:
        finite = row[np.isfinite(row)]
        norm = float(np.linalg.norm(row))
        out.append({"mean": float(finite.mean()) if finite.size else None, "nan": int(np.isnan(row).sum()),
                    "norm": norm if np.isfinite(norm) else None})
    return out


def described(path, name, folder):
    with safe_open(path, "np") as f:
        value = f.get_tensor(name)
    return {"name": scalars(name), "file": os.path.relpath(path, folder), "shape": list(value.shape), "rows": rows(value)}


def write_index(folder, weight_map, files):
    total = 0
    for name in files:
        with open(os.path.join(folder, name), "rb") as f:
            buf = f.read()
        total += len(buf) - 8 - int.from_bytes(buf[:8], "little")
    with open(os.path.join(folder, "model.safetensors.index.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    # What transformers reads: a Python dict, keys compared as code points.
    with open(os.path.join(folder, "model.safetensors.index.json"), encoding="utf-8") as f:
        assert len(json.load(f)["weight_map"]) == len(weight_map)


def sharded(rng):
    folder = os.path.join(HERE, "sharded")
    os.makedirs(folder, exist_ok=True)
    a = rng.standard_normal((3, 4)).astype(np.float32)
    b = (rng.standard_normal((3, 4)) + 10).astype(np.float32)
    a[2, 1] = np.nan
    b[2, 3] = np.nan
    safetensors.numpy.save_file({PRECOMPOSED: a}, os.path.join(folder, S1), metadata={"format": "pt"})
    safetensors.numpy.save_file({DECOMPOSED: b}, os.path.join(folder, S2), metadata={"format": "pt"})
    write_index(folder, {PRECOMPOSED: S1, DECOMPOSED: S2}, [S1, S2])
    return {"index": "model.safetensors.index.json",
            "tensors": [described(os.path.join(folder, S1), PRECOMPOSED, folder),
                        described(os.path.join(folder, S2), DECOMPOSED, folder)]}


def alias(rng):
    folder = os.path.join(HERE, "alias")
    os.makedirs(folder, exist_ok=True)
    module = torch.nn.Module()
    shared = torch.nn.Parameter(torch.from_numpy(rng.standard_normal((2, 4)).astype(np.float32)))
    for name in (PRECOMPOSED, DECOMPOSED):
        part = torch.nn.Module()
        part.register_parameter("weight", shared)
        module.add_module(name.removesuffix(".weight"), part)
    assert len(module.state_dict()) == 2
    path = os.path.join(folder, "model.safetensors")
    save_model(module, path)
    with safe_open(path, "np") as f:
        kept, = list(f.keys())
        metadata = f.metadata()
    removed = PRECOMPOSED if kept == DECOMPOSED else DECOMPOSED
    assert metadata[removed] == kept
    return {"file": "model.safetensors", "kept": scalars(kept), "removed": scalars(removed),
            "tensors": [described(path, kept, folder)]}


def alias_sharded(rng, single):
    folder = os.path.join(HERE, "alias-sharded")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(HERE, "alias", "model.safetensors"), "rb") as f:
        data = f.read()
    with open(os.path.join(folder, S1), "wb") as f:
        f.write(data)
    safetensors.numpy.save_file({"b": rng.standard_normal(4).astype(np.float32)}, os.path.join(folder, S2),
                                metadata={"format": "pt"})
    write_index(folder, {PRECOMPOSED: S1, DECOMPOSED: S1, "b": S2}, [S1, S2])
    return {"index": "model.safetensors.index.json", "kept": single["kept"], "removed": single["removed"]}


def torch_file(rng):
    folder = os.path.join(HERE, "torch")
    os.makedirs(folder, exist_ok=True)
    state = {PRECOMPOSED: torch.from_numpy(rng.standard_normal((2, 3)).astype(np.float32)),
             DECOMPOSED: torch.from_numpy((rng.standard_normal((2, 3)) - 10).astype(np.float32))}
    path = os.path.join(folder, "model.bin")
    torch.save(state, path)
    loaded = torch.load(path, weights_only=True)
    assert list(loaded) == [PRECOMPOSED, DECOMPOSED]
    return {"file": "model.bin",
            "tensors": [{"name": scalars(k), "file": "model.bin", "shape": list(v.shape), "rows": rows(v.numpy())}
                        for k, v in loaded.items()]}


def write_by_hand(folder, metadata, tensors):
    """A safetensors file with `metadata` in the order given (F32 tensors, in order)."""
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    header, data = {"__metadata__": metadata}, b""
    for name, values in tensors.items():
        raw = np.asarray(values, np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": [len(values)], "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path = os.path.join(HERE, folder, "model.safetensors")
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + data)
    with safe_open(path, "np") as f:
        read = f.metadata()
        assert sorted(f.keys()) == sorted(tensors)
        for name, values in tensors.items():
            assert f.get_tensor(name).tolist() == values
    assert len(read) == len(metadata)
    return read


def metadata_keys():
    read = write_by_hand("metadata", {"caf\u00e9": "precomposed", "cafe\u0301": "decomposed"}, {"w": [1.0, 1.0]})
    return {"file": "model.safetensors", "metadata": sorted([scalars(k), v] for k, v in read.items())}


def alias_keys():
    read = write_by_hand("alias-keys", {"caf\u00e9": "x", "cafe\u0301": "y"}, {"x": [1.0, 2.0], "y": [3.0, 4.0]})
    return {"file": "model.safetensors", "aliases": sorted([scalars(k), v] for k, v in read.items())}


def diff_maps(torch_expected):
    folder = os.path.join(HERE, "diff-map")
    os.makedirs(folder, exist_ok=True)
    for name, mapping in (("rename.json", {PRECOMPOSED: DECOMPOSED}),
                          ("swap.json", {PRECOMPOSED: DECOMPOSED, DECOMPOSED: PRECOMPOSED})):
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="\n") as f:
            json.dump(mapping, f, ensure_ascii=False)
            f.write("\n")
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            assert len(json.load(f)) == len(mapping)
    loaded = torch.load(os.path.join(HERE, "torch", "model.bin"), weights_only=True)
    difference = (loaded[PRECOMPOSED].double() - loaded[DECOMPOSED].double()).abs().max().item()
    return {"swap_max_abs": difference}


def main():
    rng = np.random.default_rng(20261204)
    expected = {"sharded": sharded(rng)}
    expected["alias"] = alias(rng)
    expected["alias-sharded"] = alias_sharded(rng, expected["alias"])
    expected["torch"] = torch_file(rng)
    expected["metadata"] = metadata_keys()
    expected["alias-keys"] = alias_keys()
    expected["diff-map"] = diff_maps(expected["torch"])
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

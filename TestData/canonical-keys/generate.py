#!/usr/bin/env python3
"""Checkpoints whose keys (metadata keys, torch storage keys, config.json keys) are canonically
equivalent but different strings, or sort differently by code points than by Swift's `String <`,
written by the reference writers, and expected.json with the reference readers' answers (never
tensoraudit's).

Why: Swift's `String ==`, `<` and `String` hashing follow Unicode canonical equivalence, so
"caf\\u00e9" (precomposed) and "cafe\\u0301" (e + combining acute) are one dictionary key and
neither sorts before the other, and "cafe\\u0301" sorts after "caff" (as its NFC form "caf\\u00e9"
does). Python compares and sorts code points: two keys, and "cafe\\u0301" < "caff" < "caf\\u00e9".
Tensor names are canonical-names/; this folder holds the other keys a checkpoint spells.

Run from the repository root: `python3 TestData/canonical-keys/generate.py`
(safetensors 0.8.0, numpy 2.4.6, torch 2.13.0+cpu). A rerun gives the same bytes.

- `metadata-order/model.safetensors`: `__metadata__` with the keys `caff`, `café` precomposed,
  `café` decomposed and `cafz`, written byte by byte (the reference writer orders metadata keys by
  a hash) and read back with `safe_open`, which returns all four. `expected.json` has them in the
  order `json.dumps(..., sort_keys=True)` writes them (code point order).
- `torch-storage/model.bin`: a state dict {"a", "b"} (F32 [2, 3], different values) whose two
  storages have the keys `café` precomposed and decomposed: the pickle of torch.save's own
  `persistent_id` convention, written with torch's zip writer (`torch._C.PyTorchFileWriter`,
  the records torch.save writes; torch.save itself numbers its keys "0", "1", ...). `torch.load`
  (weights_only) reads two storages, entries `model/data/café` in both spellings, and each
  tensor its own values.
- `config-keys/`: `config.json` with the keys `café` precomposed and decomposed beside
  model_type "bert", vocab_size 4, hidden_size 2 and pad_token_id 0 (Python's json reads six
  keys; transformers' `PretrainedConfig` keeps both as attributes), `vocab.txt` with four tokens,
  and `model.safetensors` (safetensors.numpy) holding `café.weight` precomposed, F32 [4, 2]
  (the shape config.json gives a token matrix), and decomposed, F32 [4, 3].
- `entry-fields/model.safetensors`: tensor `w` (F32 [2]) whose header entry also holds the
  fields `café` precomposed and decomposed, written byte by byte: safetensors 0.8 ignores
  unknown fields and `safe_open` reads `w`.
- `expected.json`: keys as code points (so no JSON reader can fold them) and what the reference
  readers return.
"""
import io
import json
import os
import pickle

import numpy as np
import safetensors.numpy
import torch
from safetensors import safe_open

HERE = os.path.dirname(os.path.abspath(__file__))
PRECOMPOSED = "caf\u00e9"
DECOMPOSED = "cafe\u0301"


def scalars(text):
    return [ord(c) for c in text]


def rows(array):
    """Per-row mean and L2 norm in float64, as numpy computes them."""
    a = np.asarray(array, dtype=np.float64).reshape(array.shape[0], -1)
    return [{"mean": float(row.mean()), "norm": float(np.linalg.norm(row))} for row in a]


def write_by_hand(folder, header, raw):
    """folder/model.safetensors with `header` as written (the writers cannot spell these keys)."""
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path = os.path.join(folder, "model.safetensors")
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + raw)
    return path


def metadata_order():
    folder = os.path.join(HERE, "metadata-order")
    os.makedirs(folder, exist_ok=True)
    metadata = {"caff": "f", PRECOMPOSED: "precomposed", DECOMPOSED: "decomposed", "cafz": "z"}
    raw = np.asarray([1.0, 2.0], np.float32).tobytes()
    path = write_by_hand(folder, {"__metadata__": metadata, "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, len(raw)]}}, raw)
    with safe_open(path, "np") as f:
        read = f.metadata()
    assert len(read) == len(metadata)
    ordered = json.loads(json.dumps(read, sort_keys=True, ensure_ascii=False))
    return {"file": "model.safetensors", "sorted_metadata": [[scalars(k), v] for k, v in ordered.items()]}


def torch_storage_keys(rng):
    """torch.save's pickle (its `persistent_id` tuple) with storage keys of our choosing,
    written with torch's own zip writer and records."""
    folder = os.path.join(HERE, "torch-storage")
    os.makedirs(folder, exist_ok=True)
    state = {"a": torch.from_numpy(rng.standard_normal((2, 3)).astype(np.float32)),
             "b": torch.from_numpy((rng.standard_normal((2, 3)) + 10).astype(np.float32))}
    keys = {state["a"].untyped_storage()._cdata: PRECOMPOSED, state["b"].untyped_storage()._cdata: DECOMPOSED}
    storages = {}

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if not isinstance(obj, torch.storage.TypedStorage):
                return None
            storage = obj._untyped_storage
            key = keys[storage._cdata]
            storages[key] = storage
            return ("storage", getattr(torch, obj._pickle_storage_type()), key,
                    torch.serialization.location_tag(storage), obj._size())

    data = io.BytesIO()
    Pickler(data, protocol=2).dump(state)
    path = os.path.join(folder, "model.bin")
    writer = torch._C.PyTorchFileWriter(path)
    pickled = data.getvalue()
    writer.write_record("data.pkl", pickled, len(pickled))
    writer.write_record(".format_version", "1", 1)
    alignment = str(torch.serialization._get_storage_alignment())
    writer.write_record(".storage_alignment", alignment, len(alignment))
    writer.write_record("byteorder", "little", len("little"))
    for key, storage in storages.items():
        writer.write_record(f"data/{key}", storage, storage.nbytes())
    writer.write_end_of_file()
    del writer

    loaded = torch.load(path, weights_only=True)
    assert list(loaded) == ["a", "b"]
    for name in state:
        assert torch.equal(loaded[name], state[name])
    assert not torch.equal(loaded["a"], loaded["b"])
    import zipfile
    with zipfile.ZipFile(path) as z:
        entries = [n for n in z.namelist() if "/data/" in n]
    assert [n.split("/data/")[1] for n in entries] == [PRECOMPOSED, DECOMPOSED], entries
    return {"file": "model.bin", "storage_keys": [scalars(PRECOMPOSED), scalars(DECOMPOSED)],
            "tensors": [{"name": k, "shape": list(v.shape), "rows": rows(v.numpy())} for k, v in loaded.items()]}


def config_keys():
    folder = os.path.join(HERE, "config-keys")
    os.makedirs(folder, exist_ok=True)
    config = {"model_type": "bert", "vocab_size": 4, "hidden_size": 2, "pad_token_id": 0,
              PRECOMPOSED: "precomposed", DECOMPOSED: "decomposed"}
    with open(os.path.join(folder, "config.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        read = json.load(f)
    assert len(read) == len(config)
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("[PAD]\n[UNK]\nhello\nworld\n")
    token_matrix = np.arange(8, dtype=np.float32).reshape(4, 2)
    other = np.ones((4, 3), np.float32)
    path = os.path.join(folder, "model.safetensors")
    safetensors.numpy.save_file({PRECOMPOSED + ".weight": token_matrix, DECOMPOSED + ".weight": other}, path,
                                metadata={"format": "pt"})
    with safe_open(path, "np") as f:
        shapes = {name: list(f.get_tensor(name).shape) for name in f.keys()}
    assert len(shapes) == 2
    return {"config_keys": [scalars(k) for k in read],
            "tensors": [{"name": scalars(k), "shape": v} for k, v in sorted(shapes.items())]}


def entry_fields():
    folder = os.path.join(HERE, "entry-fields")
    os.makedirs(folder, exist_ok=True)
    raw = np.asarray([1.0, 2.0], np.float32).tobytes()
    path = write_by_hand(folder, {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, len(raw)], PRECOMPOSED: 1, DECOMPOSED: 2}}, raw)
    with safe_open(path, "np") as f:
        names = list(f.keys())
        values = f.get_tensor("w").tolist()
    assert names == ["w"] and values == [1.0, 2.0]
    return {"file": "model.safetensors", "tensors": names, "w": values}


def main():
    rng = np.random.default_rng(20261205)
    expected = {"metadata-order": metadata_order(), "torch-storage": torch_storage_keys(rng),
                "config-keys": config_keys(), "entry-fields": entry_fields()}
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes hostile torch checkpoints about tensor names, and `expected.json`.

Run from the repository root: `python3 TestData/pytorch-names/generate.py` (needs torch).
Each pickle is written by hand with protocol-2 opcodes (as in `TestData/pytorch/generate.py`'s
hostile section) and stored in a zip with torch's entry names. torch's own view of each file is
recorded: `torch.load(weights_only=True)` is run on it, and `torch_finds` says where the tensor
over storage "1" (all NaN) is in what torch returns, or `torch_error` what torch says.

- Name bombs: one tensor reached many times under long keys, or one key memoized and reused
  down a chain of dicts, so the names are far larger than the file. torch loads them (it shares
  the objects); tensoraudit refuses them by its name limits (`PickleLimits`).
- Tensors without a state-dict name: a dict key, an `OrderedDict`'s BUILD state (where torch.save
  keeps `_metadata`), a tensor's Python attributes. torch returns each; tensoraudit refuses the
  file (`unnamed-tensor`) rather than leave it out. (`odict-call-arguments.pt`, an OrderedDict
  whose items are its call's argument, has names: `sd.w`, `sd.n`.)
- `metadata-ok.pt`: a real `torch.save(nn.Linear(2, 2).state_dict())`, whose BUILD state holds
  `_metadata` (dicts of version ints): read as usual.
"""
import json
import os
import sys
import struct
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from torch_by_hand import G, U, I, write_zip  # noqa: E402  (TestData/torch_by_hand.py)


def path(name):
    return os.path.join(HERE, name)


MARK, TUPLE, REDUCE, EMPTY_DICT, SETITEM, EMPTY_TUPLE, BUILD = b"(", b"t", b"R", b"}", b"s", b")", b"b"
ODICT = G("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE


def tensor(key):
    """_rebuild_tensor_v2 of a [2, 2] float32 tensor over storage `key` (4 floats)."""
    t = G("torch._utils", "_rebuild_tensor_v2") + MARK + MARK + U("storage") + G("torch", "FloatStorage") + U(key) + U("cpu")
    t += I(4) + TUPLE + b"Q" + I(0) + MARK + I(2) + I(2) + TUPLE + MARK + I(2) + I(1) + TUPLE + b"\x89" + ODICT + TUPLE + REDUCE
    return t


OK = struct.pack("<4f", 1, 2, 3, 4)
NAN = struct.pack("<4f", *([float("nan")] * 4))


def write(name, pickle_body, storages):
    write_zip(path(name), pickle_body, storages)


def find_nan(value, where=""):
    """Where torch's result holds an all-NaN tensor: keys, values, attributes, in order."""
    if isinstance(value, torch.Tensor):
        found = [where] if bool(torch.isnan(value).all()) else []
        for attribute, inner in vars(value).items():
            found += find_nan(inner, f"{where or '(the result)'} attribute {attribute}")
        return found
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += find_nan(key, f"{where} key")
            found += find_nan(inner, f"{where}.{key}" if where else str(key))
        for attribute, inner in getattr(value, "__dict__", {}).items():
            found += find_nan(inner, f"{where or '(the result)'} attribute {attribute}")
    elif isinstance(value, (list, tuple)):
        for index, inner in enumerate(value):
            found += find_nan(inner, f"{where}.{index}" if where else str(index))
    return found


def torch_view(name):
    try:
        loaded = torch.load(path(name), weights_only=True)
    except Exception as error:  # noqa: BLE001 — recorded, whatever torch raises
        return {"torch_error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
    return {"torch_loads": True, "torch_finds_nan_at": sorted(set(find_nan(loaded)))}


def main():
    files = {}

    # One tensor memoized, then 20 levels of pairs (2^20 references), under 50 dicts of 50-byte keys:
    # every reference is a ~2.6 KB name (2.7 GB of names in all) from a 3.6 KB file.
    # (torch's loader has no POP: what BINPUT memoizes stays on the stack, below the result.)
    body = tensor("0") + b"q\x00"
    for level in range(20):
        body += MARK + (b"h" + bytes([level])) * 2 + TUPLE + b"q" + bytes([level + 1])
    keys = b"".join(EMPTY_DICT + U("K" * 49 + chr(ord("a") + i % 26)) for i in range(50))
    write("deep-names.pt", body + keys + b"h\x14" + SETITEM * 50, {"0": OK})
    files["deep-names.pt"] = {"error": "limit-exceeded", "what": "total bytes of tensor names"}

    # One 8 KiB key memoized and reused by 130 nested dicts: one name of 130 × 8,193 bytes, past 1 MiB.
    key = U("k" * 8192) + b"q\x00"
    body = key + b"".join(EMPTY_DICT + b"h\x00" for _ in range(130)) + tensor("0") + SETITEM * 130
    write("long-name.pt", body, {"0": OK})
    files["long-name.pt"] = {"error": "limit-exceeded", "what": "tensor name length in bytes"}

    # {"w": t0, "d": {t1: "v"}}
    write("tensor-as-dict-key.pt",
          EMPTY_DICT + U("w") + tensor("0") + SETITEM + U("d") + EMPTY_DICT + tensor("1") + U("v") + SETITEM + SETITEM,
          {"0": OK, "1": NAN})
    files["tensor-as-dict-key.pt"] = {"error": "unnamed-tensor", "near": "d", "place": "as a dict key"}

    # OrderedDict([("w", t0)]) with BUILD {"_metadata": {"x": t1}}: torch sets the attribute _metadata.
    write("tensor-in-metadata.pt",
          ODICT + U("w") + tensor("0") + SETITEM + EMPTY_DICT + U("_metadata") + EMPTY_DICT + U("x") + tensor("1")
          + SETITEM + SETITEM + BUILD,
          {"0": OK, "1": NAN})
    files["tensor-in-metadata.pt"] = {"error": "unnamed-tensor", "near": "",
                                      "place": "in an OrderedDict's attributes (BUILD state, such as _metadata)"}

    # OrderedDict([("w", t0), ("n", t1)]): the entries given as the call's argument, not by SETITEM.
    # torch.load returns them as the dict's items, so they have names (`sd.w`, `sd.n`); this file
    # was refused as unnamed until 2026-12-05 (Python 2 pickled every OrderedDict so).
    write("odict-call-arguments.pt",
          EMPTY_DICT + U("sd") + G("collections", "OrderedDict") + MARK + b"]" + MARK + U("w") + tensor("0") + TUPLE
          + b"a" + MARK + U("n") + tensor("1") + TUPLE + b"a" + TUPLE + REDUCE + SETITEM,
          {"0": OK, "1": NAN})
    loaded = torch.load(path("odict-call-arguments.pt"), weights_only=True)
    files["odict-call-arguments.pt"] = {"tensor_names": [f"{outer}.{inner}" for outer, value in loaded.items() for inner in value]}

    # {"w": _rebuild_from_type_v2(_rebuild_tensor_v2, torch.Tensor, (…), {"other": t1})}: t0.other = t1.
    inner = tensor("0")
    assert inner.startswith(G("torch._utils", "_rebuild_tensor_v2")) and inner.endswith(REDUCE)
    typed = (G("torch._tensor", "_rebuild_from_type_v2") + MARK + G("torch._utils", "_rebuild_tensor_v2")
             + G("torch", "Tensor") + inner[len(G("torch._utils", "_rebuild_tensor_v2")):-1]
             + EMPTY_DICT + U("other") + tensor("1") + SETITEM + TUPLE + REDUCE)
    write("tensor-attribute.pt", EMPTY_DICT + U("w") + typed + SETITEM, {"0": OK, "1": NAN})
    files["tensor-attribute.pt"] = {"error": "unnamed-tensor", "near": "w", "place": "in a tensor's Python attributes"}

    # A real state dict: its BUILD state is {"_metadata": OrderedDict({"": {"version": 1}})}.
    torch.manual_seed(0)
    torch.save(torch.nn.Linear(2, 2).state_dict(), path("metadata-ok.pt"))
    with zipfile.ZipFile(path("metadata-ok.pt")) as archive:
        assert b"_metadata" in archive.read("metadata-ok/data.pkl")
    files["metadata-ok.pt"] = {"tensor_names": list(torch.load(path("metadata-ok.pt"), weights_only=True).keys())}

    for name, facts in files.items():
        facts.update(torch_view(name))
        facts["bytes"] = os.path.getsize(path(name))
    with open(path("expected.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "files": files}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

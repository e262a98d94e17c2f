#!/usr/bin/env python3
"""Checkpoints holding plain values beside their tensors, and tensors of other kinds, written by
`torch.save`, and expected.json with torch's own view of each: whether its safe loader
`torch.load(weights_only=True)` accepts the file, and the tensors it returns (never tensoraudit's).

Why: tensoraudit's pickle allowlist was narrower than torch's safe loader, so a state dict
holding a `torch.Size`, a `torch.device`, bytes (`_codecs.encode`), a set, a complex number, a
`Counter`, a layout or a quantization scheme was called unsafe (`pickle-unsafe-global`), though
torch loads it with `weights_only=True`; and a quantized or sparse tensor was called unsafe
instead of unsupported. Torch's safe loader still refuses `frozenset`, `slice` and `range`
(and any module or class outside its list), and so must tensoraudit.

Run from the repository root: `python3 TestData/pytorch-safe-globals/generate.py` (torch 2.13.0+cpu,
numpy). Fixed seed, and torch.save writes no dates: a rerun gives the same bytes.

Each file's `kind` in expected.json:
- `state_dict`: torch's safe loader accepts it; `tensors` is every tensor it returns (names
  joined with '.', dtype, shape, stride, bytes as hex), `values` the types of the values that
  are neither tensors nor plain dicts, lists, numbers, strings or None.
- `unsupported`: torch's safe loader accepts it, with tensors that are not dense (quantized,
  sparse): `unsupported` names them (kind and dtype or layout, from torch), `tensors` the dense rest.
- `unsafe`: torch's safe loader refuses it (`refusal` is the first line of its message).
`globals` is every global the pickle names, from Python's own unpickler with every global
stubbed (nothing imported, nothing called); `refused_globals` those torch's safe loader refuses
(its own table, after its Python 2 renaming). `torch_allowed_globals` is that table, whole.
"""
import collections
import io
import json
import os
import pickle
import sys
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pytorch"))
from pickle_globals import pickle_globals  # noqa: E402

torch.manual_seed(0)


def path(name):
    return os.path.join(HERE, name)


def globals_of(file):
    with zipfile.ZipFile(file) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
        return pickle_globals(archive.read(name))


def torch_allowed_globals():
    """The globals torch's safe loader accepts by default, by `module.name` (its own table)."""
    from torch._weights_only_unpickler import _get_allowed_globals
    return sorted(_get_allowed_globals().keys())


def refused_by_torch(names):
    """The globals among `names` (as the pickle writes them) torch's safe loader refuses: each is
    first renamed as torch renames a Python 2 name (pickle's own tables), then looked up."""
    from torch._utils import IMPORT_MAPPING, NAME_MAPPING
    allowed = set(torch_allowed_globals())
    refused = []
    for full in names:
        module, name = full.rsplit(".", 1)
        if (module, name) in NAME_MAPPING:
            module, name = NAME_MAPPING[(module, name)]
        elif module in IMPORT_MAPPING:
            module = IMPORT_MAPPING[module]
        if f"{module}.{name}" not in allowed:
            refused.append(full)
    return refused


def describe(obj):
    """torch's view of what its safe loader returned: dense tensors, other tensors, other values."""
    tensors, unsupported, values = [], [], {}

    def walk(prefix, value):
        if isinstance(value, torch.Tensor):
            if value.is_quantized:
                unsupported.append({"name": prefix, "kind": "quantized", "detail": str(value.dtype).replace("torch.", ""),
                                    "shape": list(value.shape)})
            elif value.layout != torch.strided:
                unsupported.append({"name": prefix, "kind": "sparse", "detail": str(value.layout), "shape": list(value.shape)})
            else:
                t = value.detach().contiguous()
                tensors.append({"name": prefix, "torch_dtype": str(t.dtype), "shape": list(t.shape),
                                "stride": list(value.stride()), "is_parameter": isinstance(value, torch.nn.Parameter),
                                "bytes_hex": t.reshape(-1).view(torch.uint8).numpy().tobytes().hex()})
        elif isinstance(value, dict):
            if type(value) is not dict:
                values[prefix] = type(value).__name__
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, (list, tuple)) and not isinstance(value, torch.Size):
            for index, item in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), item)
        elif type(value).__name__ not in ("int", "float", "bool", "str", "NoneType"):
            values[prefix] = type(value).__name__

    walk("", obj)
    return tensors, unsupported, values


def save(name, obj, expected):
    file = path(name)
    torch.save(obj, file)
    entry = {"globals": globals_of(file)}
    entry["refused_globals"] = refused_by_torch(entry["globals"])
    try:
        loaded = torch.load(file, weights_only=True)
    except Exception as error:  # torch's safe loader refused it: never load it otherwise
        entry.update(kind="unsafe", refusal=str(error).strip().split("\n")[0])
    else:
        tensors, unsupported, values = describe(loaded)
        entry.update(kind="unsupported" if unsupported else "state_dict", tensors=tensors, values=values)
        if unsupported:
            entry["unsupported"] = unsupported
    expected[name] = entry


def main():
    expected = {}
    w = lambda: torch.randn(2, 2)  # noqa: E731

    # The review's five files: one plain value beside a tensor each.
    save("g_size.bin", {"w": w(), "shape": torch.Size([2, 2])}, expected)
    save("g_dev.bin", {"w": w(), "dev": torch.device("cpu")}, expected)
    save("g_bytes.bin", {"w": w(), "b": b"abc"}, expected)
    save("g_set.bin", {"w": w(), "s": {1, 2}}, expected)
    save("g_complex.bin", {"w": w(), "c": 1 + 2j}, expected)

    # A training checkpoint: model, optimizer state, epoch and the run's arguments as plain values
    # (a set of ints: a set of strings is written in the order of per-process string hashes).
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.ones(1, 3)).sum().backward()
    optimizer.step()
    args = {"lr": 1e-3, "tokens_seen": collections.Counter({"train": 3, "eval": 1}), "salt": bytearray(b"\x00\xff"),
            "dtype": torch.bfloat16, "layout": torch.strided, "qscheme": torch.per_tensor_affine,
            "shape": torch.Size([3, 2]), "device": torch.device("cpu", 0), "tags": {3, 5}, "z": 2 - 1j,
            "digest": b"\x01\x02", "nested": collections.OrderedDict(bias=torch.zeros(2))}
    save("training.ckpt", {"state_dict": model.state_dict(), "epoch": 1, "optimizer": optimizer.state_dict(),
                           "args": args}, expected)

    # A tensor with a Python attribute is saved through torch._tensor._rebuild_from_type_v2.
    tagged = torch.arange(4, dtype=torch.float32)
    tagged.note = "tagged"
    save("tensor-attribute.pt", {"tagged": tagged, "plain": torch.ones(2)}, expected)

    # Tensors torch's safe loader rebuilds that are not dense views of one storage.
    save("quantized.bin", {"w": w(), "q": torch.quantize_per_tensor(torch.randn(2, 2), 0.1, 0, torch.qint8)}, expected)
    save("sparse.bin", {"w": w(), "s": torch.randn(2, 2).to_sparse()}, expected)

    # Values torch's safe loader refuses: still unsafe here (the last beside a quantized tensor).
    save("g_frozenset.bin", {"w": w(), "f": frozenset({1, 2})}, expected)
    save("g_slice.bin", {"w": w(), "s": slice(1, 2)}, expected)
    save("g_range.bin", {"w": w(), "r": range(3)}, expected)
    save("quantized-frozenset.bin", {"q": torch.quantize_per_tensor(torch.randn(2), 0.5, 0, torch.quint8),
                                     "f": frozenset({3})}, expected)
    # (Last, so the fixtures before keep their random bytes.) defaultdict(dict): refused by the safe loader, but a call unpickling performs (a
    # Lightning checkpoint's hyperparameters; it was called "not callable", 2026-12-05).
    save("g_defaultdict.bin", {"w": w(), "hp": collections.defaultdict(dict, {"a": {}})}, expected)
    # Counter(mapping) holding a tensor: torch.load names it `c.a` (it was read as `c.0.a`).
    save("g_counter_tensor.bin", {"w": w(), "c": collections.Counter({"a": w()}), "n": collections.Counter({"x": 2})}, expected)
    # TorchVersion (a str subclass) beside the weights: the safe loader refuses it, tensoraudit
    # reads the tensors and warns (it was refused whole).
    from torch.torch_version import TorchVersion
    save("g_torch_version.bin", {"w": w(), "torch_version": TorchVersion("2.11.0+cpu")}, expected)

    document = {"torch_version": torch.__version__, "files": expected, "torch_allowed_globals": torch_allowed_globals()}
    with open(path("expected.json"), "w") as f:
        json.dump(document, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(expected)} fixtures in {HERE}")


if __name__ == "__main__":
    main()

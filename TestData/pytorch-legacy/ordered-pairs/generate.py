#!/usr/bin/env python3
"""OrderedDicts pickled with their items in the call's argument: `OrderedDict([[key, value], ...])`.

Run from the repository root: `python3 TestData/pytorch-legacy/ordered-pairs/generate.py`
(needs torch, numpy and PyPI access for the lpips wheel).

- `lpips-alex.pth`, `lpips-squeeze.pth`: `lpips/weights/v0.1/alex.pth` and `squeeze.pth` copied
  unchanged from the PyPI wheel lpips 0.1.4 (BSD-2-Clause, Richard Zhang et al.): state dicts
  pickled by Python 2 (legacy torch.save, `SHORT_BINSTRING` keys), whose OrderedDict is
  `OrderedDict([[name, tensor], ...])`.
- `pairs-lists.pt`, `pairs-tuples.pt` (zip format), `pairs-legacy.bin` (legacy format),
  `pairs-dict.pt` (`OrderedDict({...})`), `pairs-then-set.pt` (pairs in the argument, one item
  set after the call, one key in both): written here by torch.save of an object whose
  `__reduce__` returns `(OrderedDict, (items,))`, as Python 2's OrderedDict did.
- `not-pairs.pt`: an item of three values; Python's OrderedDict refuses it, so torch.load fails.
- `changed-after-call.pt`, `pair-completed-after-call.pt`, `newobj.pt`: pickles written by hand
  (protocol 2 opcodes in a torch zip). The first builds `d = {'a': t0}`, calls
  `OrderedDict(d)`, then sets `d['a'] = t1` through the memo: torch.load's OrderedDict holds t0
  (all NaN), taken at the call, while the pickle's final state shows t1. The second passes the
  one-value list `['a']` and appends the tensor after the call: torch.load fails. The third
  builds the OrderedDict with NEWOBJ (`OrderedDict.__new__(OrderedDict, [['a', t0]])`), which
  ignores its argument: torch.load returns an empty OrderedDict.

(`pairs-legacy.bin`'s bytes differ from run to run: the legacy format keys storages by object
ids; its entry in `expected.json` is of the committed file.)

`expected.json`: per file, what `torch.load(weights_only=True, map_location="cpu")` returns (the lpips storages are on `cuda:0`): the names in order, and
per tensor its dtype, shape and the sum of squares of its elements in float64 (numpy); for
`not-pairs.pt`, that torch.load fails. Never from tensoraudit.
"""
import collections
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


class CallWith:
    """Pickles as `OrderedDict(argument)`."""

    def __init__(self, argument):
        self.argument = argument

    def __reduce__(self):
        return (collections.OrderedDict, (self.argument,))


def copy_lpips():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, "lpips==0.1.4"], check=True)
        wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
        with zipfile.ZipFile(wheel) as z:
            for name in ["alex", "squeeze"]:
                data = z.read(f"lpips/weights/v0.1/{name}.pth")
                with open(os.path.join(HERE, f"lpips-{name}.pth"), "wb") as f:
                    f.write(data)


def write_synthetic():
    a = torch.randn(4, 3)
    b = torch.randn(5)
    c = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    torch.save(CallWith([["a.weight", a], ["b.bias", b]]), os.path.join(HERE, "pairs-lists.pt"))
    torch.save(CallWith((("a.weight", a), ("b.bias", b))), os.path.join(HERE, "pairs-tuples.pt"))
    torch.save(CallWith([["a.weight", a], ["b.bias", b]]), os.path.join(HERE, "pairs-legacy.bin"),
               _use_new_zipfile_serialization=False)
    torch.save(CallWith({"a.weight": a, "c": c}), os.path.join(HERE, "pairs-dict.pt"))

    class ThenSet(CallWith):
        def __reduce__(self):
            # (callable, args, state, listitems, dictitems): dictitems are SETITEMS after the call.
            return (collections.OrderedDict, (self.argument,), None, None, iter([("c", c), ("a.weight", b)]))

    torch.save(ThenSet([["a.weight", a], ["b.bias", b]]), os.path.join(HERE, "pairs-then-set.pt"))
    torch.save(CallWith([["a.weight", a, 1]]), os.path.join(HERE, "not-pairs.pt"))


def text(value):
    data = value.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def rebuilt(key, count):
    """_rebuild_tensor_v2 of a 1-D float32 tensor of `count` elements over storage `key`."""
    return (b"ctorch._utils\n_rebuild_tensor_v2\n((" + text("storage") + b"ctorch\nFloatStorage\n" + text(key) + text("cpu")
            + b"K" + bytes([count]) + b"tQK\x00K" + bytes([count]) + b"\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR")


def write_pickle_zip(name, pickle_bytes, storages):
    with zipfile.ZipFile(os.path.join(HERE, name), "w") as archive:
        archive.writestr("archive/data.pkl", pickle_bytes)
        archive.writestr("archive/byteorder", "little")
        archive.writestr("archive/version", "3\n")
        for key, values in storages.items():
            archive.writestr(f"archive/data/{key}", struct.pack(f"<{len(values)}f", *values))


def write_hand_pickles():
    nan = float("nan")
    storages = {"0": [nan, nan], "1": [1.0, 2.0]}
    # {'sd': OrderedDict(d), 'junk': d} with d = {'a': t0} at the call and d['a'] = t1 after it.
    changed = (b"\x80\x02}(" + text("sd") + b"ccollections\nOrderedDict\n}r\x00\x00\x00\x00" + text("a") + rebuilt("0", 2)
               + b"s\x85R" + text("junk") + b"j\x00\x00\x00\x00" + text("a") + rebuilt("1", 2) + b"su.")
    write_pickle_zip("changed-after-call.pt", changed, storages)
    # OrderedDict(([p],)) with p = ['a'] at the call, p.append(t1) after it: unpacking fails.
    completed = (b"\x80\x02}(" + text("sd") + b"ccollections\nOrderedDict\n]r\x00\x00\x00\x00" + text("a") + b"a\x85\x85R"
                 + text("junk") + b"h\x00" + rebuilt("1", 2) + b"au.")
    write_pickle_zip("pair-completed-after-call.pt", completed.replace(b"h\x00", b"j\x00\x00\x00\x00"), storages)
    # OrderedDict.__new__(OrderedDict, [['a', t0]]): the argument is ignored.
    newobj = b"\x80\x02}(" + text("sd") + b"ccollections\nOrderedDict\n]](" + text("a") + rebuilt("0", 2) + b"ea\x85\x81u."
    write_pickle_zip("newobj.pt", newobj, {"0": [nan, nan]})


def facts(path):
    try:
        loaded = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as error:  # noqa: BLE001 - the verdict is the point
        return {"loads": False, "error": type(error).__name__}
    tensors = []
    for name, value in loaded.items():
        if name == "junk":
            continue
        if name == "sd":  # the hand-written pickles: the OrderedDict under 'sd'
            for inner, item in value.items():
                array = item.detach().numpy().astype(np.float64)
                tensors.append({"name": f"sd.{inner}", "dtype": str(item.dtype).replace("torch.", ""), "shape": list(item.shape),
                                "all_nan": bool(np.isnan(array).all()), "sum_of_squares": float(np.nansum(array * array))})
            continue
        array = value.detach().numpy().astype(np.float64)
        tensors.append({"name": name, "dtype": str(value.dtype).replace("torch.", ""), "shape": list(value.shape),
                        "sum_of_squares": float(np.sum(array * array))})
    return {"loads": True, "tensors": tensors}


def main():
    if "--no-download" not in sys.argv:
        copy_lpips()
    write_synthetic()
    write_hand_pickles()
    expected = {}
    for name in sorted(os.listdir(HERE)):
        if name.endswith((".pth", ".pt", ".bin")):
            path = os.path.join(HERE, name)
            entry = facts(path)
            entry["sha256"] = hashlib.sha256(open(path, "rb").read()).hexdigest()
            expected[name] = entry
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

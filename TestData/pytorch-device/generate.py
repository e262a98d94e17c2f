#!/usr/bin/env python3
"""Torch files whose storages record a device, and `expected.json` from torch.

Run from the repository root: `python3 TestData/pytorch-device/generate.py` (needs torch).
torch.save records each storage's location (`cpu`, `cuda:0`, `mps`) in its persistent id, and
torch.load puts the storage back there unless given `map_location`. A CPU-only machine cannot
make CUDA tensors, so the location is written as a model trained on a GPU and saved without
`.cpu()` records it: torch.save's `location_tag` answers `cuda:0` (for `w` only in
`mixed.pt`). `expected.json`: per file, the locations of torch's own reading of the pickle
(`torch.serialization`'s persistent ids, through a custom unpickler), what `torch.load(path)`
does on this CPU-only machine (the error's first line), and that
`torch.load(path, map_location="cpu")` returns the tensors.
"""
import io
import json
import os
import pickle
import zipfile

import torch
import torch.serialization as serialization

HERE = os.path.dirname(os.path.abspath(__file__))


def save(path, tensors, on_device):
    original = serialization.location_tag
    serialization.location_tag = lambda storage: "cuda:0" if any(storage.data_ptr() == t.untyped_storage().data_ptr() for t in on_device) else original(storage)
    try:
        torch.save(tensors, path)
    finally:
        serialization.location_tag = original


def locations(path):
    """The locations the pickle's persistent ids name, in order."""
    found = []

    class Reader(pickle.Unpickler):
        def find_class(self, module, name):
            return getattr(__import__(module, fromlist=[name]), name) if module.startswith("torch") or module == "collections" else None

        def persistent_load(self, pid):
            # ('storage', storage class, key, location, element count)
            found.append(pid[3])
            return pid[1](pid[4])

    with zipfile.ZipFile(path) as archive:
        pkl = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
        Reader(io.BytesIO(archive.read(pkl))).load()
    return found


def main():
    torch.manual_seed(0)
    w, b = torch.randn(4, 8), torch.randn(8)
    files = {"cuda.pt": ({"w": w, "b": b}, [w, b]), "mixed.pt": ({"w": w, "b": b}, [w])}
    expected = {"torch_version": torch.__version__, "cuda_available": torch.cuda.is_available(), "files": {}}
    for name, (tensors, on_device) in files.items():
        path = os.path.join(HERE, name)
        save(path, tensors, on_device)
        try:
            torch.load(path, weights_only=True)
            plain = "loaded"
        except Exception as error:  # RuntimeError on a machine without CUDA
            plain = str(error).splitlines()[0]
        mapped = torch.load(path, weights_only=True, map_location="cpu")
        expected["files"][name] = {"locations": locations(path), "load_without_map_location": plain,
                                   "load_with_map_location_cpu": sorted(mapped)}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

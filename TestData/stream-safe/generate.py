#!/usr/bin/env python3
"""Tensor names holding a run of 30 and of 31 combining marks (Unicode non-starters), in
safetensors, GGUF and torch, and a safetensors `__metadata__` value with a 31-mark run.

Why: Swift's `String` compares and hashes canonically, and its normaliser sorts each run of
non-starters by insertion sort, so one comparison costs the square of the run's length. A 1 MB
name "a" + (U+0307 U+0323) * 250,000 took `inspect` 57 s and `audit` 639 s; safetensors opens it
in 0.14 s. tensoraudit refuses a run of more than 30 (UAX #15's Stream-Safe Text Format):
`*-31*` files exit 2 (`limit-exceeded` / `invalid-gguf`), `*-30*` files are read. The marks
alternate U+0307 (class 230) and U+0323 (class 220), so canonical ordering must reorder them.
The reference readers read every file here (checked below), so this is where we are stricter.

Run from the repository root: `python3 TestData/stream-safe/generate.py`
(safetensors 0.8.0, numpy, torch 2.13.0, gguf 0.19). Bytes are the same on every run, except
the torch files' random `.data/serialization_id`.
"""
import json, os, struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def name(marks):
    # "a" + marks alternating classes 230 and 220, then an ASCII tail.
    return "a" + "".join("\u0307" if i % 2 == 0 else "\u0323" for i in range(marks)) + ".weight"


def safetensors_file(path, tensor_name, metadata=None):
    # Byte by byte (json.dumps keeps the marks as they are); one U8 tensor of shape [2].
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    header[tensor_name] = {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}
    h = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + bytes([1, 2]))


def gguf_file(path, tensor_name):
    import gguf
    w = gguf.GGUFWriter(path, "llama")
    w.add_tensor(tensor_name, np.array([1.0, 2.0], dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def torch_file(path, tensor_name):
    import torch
    torch.save({tensor_name: torch.tensor([1.0, 2.0])}, path)


def check(path, expected_name):
    # The reference readers read every file and return the name as written.
    if path.endswith(".safetensors"):
        from safetensors import safe_open
        with safe_open(path, "np") as f:
            assert list(f.keys()) == [expected_name], path
    elif path.endswith(".gguf"):
        import gguf
        assert [t.name for t in gguf.GGUFReader(path).tensors] == [expected_name], path
    else:
        import torch
        assert list(torch.load(path, weights_only=True).keys()) == [expected_name], path


for marks in (30, 31):
    n = name(marks)
    files = {
        f"marks-{marks}.safetensors": lambda p: safetensors_file(p, n),
        f"marks-{marks}.gguf": lambda p: gguf_file(p, n),
        f"marks-{marks}.pt": lambda p: torch_file(p, n),
    }
    for file, write in files.items():
        path = os.path.join(HERE, file)
        write(path)
        check(path, n)

# A metadata value (read as a String, e.g. an alias target) with the 31-mark run; name ASCII.
path = os.path.join(HERE, "metadata-value-31.safetensors")
safetensors_file(path, "w", metadata={"format": "pt", "note": name(31)})
from safetensors import safe_open
with safe_open(path, "np") as f:
    assert f.metadata()["note"] == name(31)

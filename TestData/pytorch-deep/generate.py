#!/usr/bin/env python3
"""Deeply nested state dicts, and `expected.json` from torch.

Run from the repository root: `python3 TestData/pytorch-deep/generate.py` (needs torch).
`dicts-999.pt` (zip) and `dicts-999.bin` (legacy stream): one tensor under 999 nested dicts
(`{"k": {"k": … {"w": tensor}}}`); `dicts-1001.pt`: 1,001 levels, past tensoraudit's nesting
limit (1,000). torch.load reads all three (its unpickler does not recurse). 942 levels of dicts
overflowed tensoraudit's stack (SIGSEGV) before its walk got a stack of its own.
`expected.json`: per file, whether torch.load(weights_only=True) reads it and the tensor names
it holds (joined with '.'), found by an iterative walk here, never by tensoraudit.
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def nested(levels):
    d = {"w": torch.arange(4, dtype=torch.float32)}
    for _ in range(levels):
        d = {"k": d}
    return d


def names(value):
    out, stack = [], [("", value)]
    while stack:
        prefix, v = stack.pop()
        if isinstance(v, torch.Tensor):
            out.append(prefix)
        elif isinstance(v, dict):
            for key, item in v.items():
                stack.append((f"{prefix}.{key}" if prefix else key, item))
    return out


def main():
    sys.setrecursionlimit(100_000)  # torch.save's pickler recurses
    files = {"dicts-999.pt": (999, True), "dicts-999.bin": (999, False), "dicts-1001.pt": (1001, True)}
    expected = {}
    for name, (levels, zipped) in files.items():
        path = os.path.join(HERE, name)
        torch.save(nested(levels), path, _use_new_zipfile_serialization=zipped)
        loaded = torch.load(path, weights_only=True)
        expected[name] = {"levels": levels, "tensor_names": names(loaded)}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "files": expected}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

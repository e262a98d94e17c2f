#!/usr/bin/env python3
"""The Python reference for `make bench`: the same analyses as tensoraudit, done the way a
user would with the `safetensors` package and numpy.

Usage: reference.py {inspect|listing|rows|ties|audit} PATH
PATH is a .safetensors file or a sharded `*.safetensors.index.json`.

What each mode computes (and what tensoraudit is compared against):
- inspect: names, dtypes, shapes and metadata of every tensor (header only).
- listing: the header read with `json.loads` and every tensor written back as JSON (name,
  dtype, shape, offsets, bytes): the plain-Python floor `inspect --json` is compared with.
- rows:    for every 2-D tensor, per-row min, max, mean, L2 norm (float64 accumulation),
           non-finite count and all-zero rows.
- ties:    groups of tensors with byte-identical contents (bucket by dtype and shape, then
           compare the arrays).
- audit:   rows + ties.
Prints one summary line so the work cannot be skipped; the numbers are not compared.
"""
import json
import struct
import os
import sys

if sys.argv[1:2] != ["listing"]:  # the listing needs only the standard library
    import ml_dtypes  # noqa: F401  (registers bfloat16 with numpy, as safetensors needs)
    import numpy as np
    from safetensors import safe_open


def shard_paths(path):
    if path.endswith(".json"):
        with open(path) as f:
            index = json.load(f)
        folder = os.path.dirname(path)
        return [os.path.join(folder, name) for name in dict.fromkeys(index["weight_map"].values())]
    return [path]


def tensors(paths):
    for path in paths:
        with safe_open(path, framework="np") as f:
            for name in f.keys():
                yield name, f.get_tensor(name)


def inspect(paths):
    count = 0
    params = 0
    for path in paths:
        with safe_open(path, framework="np") as f:
            f.metadata()
            for name in f.keys():
                sl = f.get_slice(name)
                shape = sl.get_shape()
                sl.get_dtype()
                count += 1
                params += int(np.prod(shape))
    return f"{count} tensors, {params} parameters"


def listing(paths):
    out = []
    for path in paths:
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
        metadata = header.pop("__metadata__", {})
        for name, entry in header.items():
            begin, end = entry["data_offsets"]
            out.append({"name": name, "dtype": entry["dtype"], "shape": entry["shape"],
                        "data_offsets": [begin, end], "nbytes": end - begin, "file": path})
        out.append({"metadata": metadata})
    return json.dumps(out)  # the C encoder (indent= would switch to the pure-Python one)


def row_stats(array):
    x = array.astype(np.float32, copy=False)
    finite = np.isfinite(x)
    nonfinite = int(x.size - np.count_nonzero(finite))
    mins = x.min(axis=1)
    maxs = x.max(axis=1)
    means = x.mean(axis=1, dtype=np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", x, x, dtype=np.float64))
    zero_rows = int(np.count_nonzero(~x.any(axis=1)))
    return len(mins), nonfinite, zero_rows, float(means.sum() + norms.sum() + maxs.sum() - mins.sum())


def rows(paths):
    total_rows = nonfinite = zero_rows = 0
    checksum = 0.0
    for _, array in tensors(paths):
        if array.ndim != 2 or array.size == 0 or array.dtype.kind not in "fV" and str(array.dtype) != "bfloat16":
            continue
        r, n, z, c = row_stats(array)
        total_rows += r
        nonfinite += n
        zero_rows += z
        checksum += c
    return f"{total_rows} rows, {nonfinite} non-finite, {zero_rows} zero rows, checksum {checksum:.6g}"


def ties(paths):
    buckets = {}
    for name, array in tensors(paths):
        buckets.setdefault((str(array.dtype), array.shape), []).append((name, array))
    groups = []
    for members in buckets.values():
        seen = []
        for name, array in members:
            for group in seen:
                if np.array_equal(group[0][1].view(np.uint8), array.view(np.uint8)):
                    group.append((name, array))
                    break
            else:
                seen.append([(name, array)])
        groups += [[n for n, _ in g] for g in seen if len(g) > 1]
    return f"{len(groups)} tied groups: " + "; ".join(",".join(g) for g in groups[:4])


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("inspect", "listing", "rows", "ties", "audit"):
        print(__doc__, file=sys.stderr)
        return 64
    mode, path = sys.argv[1], sys.argv[2]
    paths = shard_paths(path)
    if mode == "inspect":
        print(inspect(paths))
    elif mode == "listing":
        print(listing(paths))
    if mode in ("rows", "audit"):
        print(rows(paths))
    if mode in ("ties", "audit"):
        print(ties(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())

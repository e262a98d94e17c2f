#!/usr/bin/env python3
"""Writes `scattered.gguf`, a GGUF file whose identical tensors lie scattered through it, and
`expected.json`: which tensors hold identical bytes and what each tensor's rows hold, as numpy
finds them.

Why: `audit` reads each copy of a tensor together with the first tensor of its contents (its
leader), wherever the copy lies, and a small copy is read with `pread` instead of through the
mapping (`FollowerCopies`, README "Scattered copies"). The copies' row statistics and the
verdict "same bytes as the leader" must not depend on how they were read.

Run from the repository root: `python3 TestData/gguf-scattered/generate.py` (gguf 0.19.0,
numpy). Fixed seed: a rerun gives the same bytes. Every expected value is numpy's, never
tensoraudit's.

Contents (positions a seeded shuffle, so copies lie before and after their leader):
Every pattern is over the tie sieve's 4 KiB prefix, so `audit` compares its copies with their
leader during the scan (shorter tensors are settled by the sieve alone):
- pattern `a`, F32 [8, 256] (8 KiB), 6 tensors: row 2 all zero, row 5 equal to row 1, a NaN at
  [6, 3];
- pattern `b`, F16 [8, 512] (8 KiB), 5 tensors: +inf at [0, 0], row 7 all zero;
- pattern `c`, Q8_0 [8, 1024] (8,704 bytes, quantized by gguf-py), 5 tensors: rows 0 and 3
  equal;
- pattern `d`, F32 [16, 128] (8 KiB), 3 tensors, plus three near copies that share its first
  4 KiB: the last byte flipped, one value at byte 5,000 changed, the first byte after the
  prefix flipped;
- 24 tensors of their own random F32 values, [8, 32].

`expected.json`: `groups`, the sorted names of each set of two or more tensors with the same
type, shape and bytes; `tensors`, per tensor with something to report: NaN and infinite value
counts and the rows they are in, all-zero rows, and groups of identical rows (dequantized, for
Q8_0), each as numpy computes them.
"""
import json
import os

import numpy as np
from gguf import GGMLQuantizationType as T, GGUFWriter
from gguf.quants import dequantize, quantize

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(2027)


def patterns():
    a = RNG.standard_normal((8, 256)).astype(np.float32)
    a[2] = 0
    a[5] = a[1]
    a[6, 3] = np.nan
    b = RNG.standard_normal((8, 512)).astype(np.float16)
    b[0, 0] = np.inf
    b[7] = 0
    c = RNG.standard_normal((8, 1024)).astype(np.float32)
    c[3] = c[0]
    d = RNG.standard_normal((16, 128)).astype(np.float32)
    return a, b, quantize(c, T.Q8_0), d


def flipped(array, index, mask=0x01):
    """A copy of `array` with byte `index` of its bytes xor-ed with `mask`."""
    raw = bytearray(array.tobytes())
    raw[index] ^= mask
    return np.frombuffer(bytes(raw), dtype=array.dtype).reshape(array.shape)


def tensors():
    """(name, array, raw type) in file order."""
    a, b, c, d = patterns()
    changed = d.copy()
    changed.reshape(-1)[5000 // 4] += 1
    contents = [("ffn_up", a, None)] * 6 + [("attn_q", b, None)] * 5 + [("ffn_down", c, T.Q8_0)] * 5
    contents += [("attn_output", d, None)] * 3
    contents += [("attn_output", flipped(d, d.nbytes - 1), None), ("attn_output", changed, None),
                 ("attn_output", flipped(d, 4096, 0x80), None)]
    contents += [("ffn_gate", RNG.standard_normal((8, 32)).astype(np.float32), None) for _ in range(24)]
    order = RNG.permutation(len(contents))
    return [(f"blk.{i}.{contents[k][0]}.weight", contents[k][1], contents[k][2]) for i, k in enumerate(order)]


def row_facts(values):
    """NaN / infinite counts and rows, all-zero rows and groups of identical rows of a matrix."""
    facts = {}
    nan, inf = np.isnan(values), np.isinf(values)
    if nan.any():
        facts["nan_values"] = int(nan.sum())
        facts["nan_rows"] = [int(r) for r in np.nonzero(nan.any(axis=1))[0]]
    if inf.any():
        facts["inf_values"] = int(inf.sum())
        facts["inf_rows"] = [int(r) for r in np.nonzero(inf.any(axis=1))[0]]
    zero = [int(r) for r in range(values.shape[0]) if np.all(values[r] == 0)]
    if zero:
        facts["zero_rows"] = zero
    seen = {}
    for r in range(values.shape[0]):
        if r in zero:
            continue  # all-zero rows are reported as such, not as duplicates
        seen.setdefault(values[r].tobytes(), []).append(r)
    groups = [rows for rows in seen.values() if len(rows) > 1]
    if groups:
        facts["duplicate_row_groups"] = groups
    return facts


def main():
    placed = tensors()
    writer = GGUFWriter(os.path.join(HERE, "scattered.gguf"), arch="llama")
    writer.add_name("scattered-copies")
    for name, array, raw in placed:
        if raw is None:
            writer.add_tensor(name, array)
        else:
            writer.add_tensor(name, array, raw_dtype=raw)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    by_contents = {}
    for name, array, raw in placed:
        key = (str(raw if raw is not None else array.dtype), array.shape, array.tobytes())
        by_contents.setdefault(key, []).append(name)
    groups = sorted(sorted(names) for names in by_contents.values() if len(names) > 1)
    facts = {}
    for name, array, raw in placed:
        values = dequantize(array, raw) if raw is not None else array.astype(np.float64)
        found = row_facts(values)
        if found:
            facts[name] = found
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump({"groups": groups, "tensors": facts}, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()

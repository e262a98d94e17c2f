#!/usr/bin/env python3
"""Writes short-rows.safetensors and short-rows.json: a one-column F32 matrix of 200 rows drawn
from 20 values and a 2000 x 8 BOOL matrix (equal rows by chance), and a 16-column matrix whose 5
rows are one row repeated;
the JSON holds numpy's groups of equal rows (np.unique over the rows that are not all zero:
zero rows are reported as such, not as duplicates) for each. Fixed seed.
Needs: pip install numpy safetensors."""
import json
import pathlib

import numpy as np
from safetensors.numpy import save_file

HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(1)
tensors = {
    "column": (rng.integers(0, 20, (200, 1)) * 0.1).astype(np.float32),
    "wide": np.tile(rng.standard_normal((1, 16)).astype(np.float32), (5, 1)),
    "flags": rng.integers(0, 2, (2000, 8)).astype(bool),
}
# The bits a row can vary in: a BOOL element one, an F32 element 32.
BITS = {"column": 32, "wide": 32, "flags": 1}
save_file(tensors, str(HERE / "short-rows.safetensors"))
expected = {}
for name, value in tensors.items():
    nonzero = value[value.any(axis=1)]
    _, counts = np.unique(nonzero, axis=0, return_counts=True)
    groups = int((counts > 1).sum())
    expected[name] = {"groups": groups, "redundant_rows": int((counts - 1).sum()), "row_length": int(value.shape[1]),
                      "row_bits": int(value.shape[1]) * BITS[name], "dtype": "BOOL" if value.dtype == bool else "F32"}
(HERE / "short-rows.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
print(expected)

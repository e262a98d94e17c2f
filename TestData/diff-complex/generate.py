#!/usr/bin/env python3
"""Writes TestData/diff-complex/: two C64 checkpoints and numpy's comparison of them
(expected.json), for `diff` of complex tensors.

Run from the repository root: `python3 TestData/diff-complex/generate.py` (numpy, safetensors).
Fixed seed: a rerun gives the same bytes.

- `a.safetensors`, `b.safetensors`: `z`, C64 [3, 5000] (10,000 float parts a row: rows cross
  the 8,192-value chunks diff cuts them into). B is A plus small noise on some values, and:
  row 0, value 7: A 3+4i, B 0 (|a − b| = 5, the largest; its largest part is only 4);
  row 1, value 4100 (float parts 8200-8201, past the first chunk): A 1+1i, B 1+NaN·i, a NaN
  mismatch; row 2, value 9: both NaN+2i (NaN facing NaN is equal: not differing).
expected.json: `max_abs_diff` = numpy's `abs(a - b).max()` in complex128 over the values that
differ and hold no NaN, `differing_elements` and `nan_mismatches` per complex value (a value
differs when either part does, NaN facing NaN being equal; a NaN mismatch when either part is
NaN facing a number), `relative_l2` = ‖a − b‖₂ / ‖a‖₂ over the same values (‖a‖ over A's
finite parts) and per-row `l2` and `max_abs`.
"""
import json
import os

import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.default_rng(64)
    shape = (3, 5000)
    a = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(np.complex64)
    b = a.copy()
    touched = rng.random(shape) < 0.1
    noise = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * 1e-3
    b[touched] = (a[touched].astype(np.complex128) + noise[touched]).astype(np.complex64)
    a[0, 7], b[0, 7] = 3 + 4j, 0
    a[1, 4100], b[1, 4100] = 1 + 1j, complex(1, float("nan"))
    a[2, 9] = b[2, 9] = complex(float("nan"), 2)
    save_file({"z": a}, os.path.join(HERE, "a.safetensors"))
    save_file({"z": b}, os.path.join(HERE, "b.safetensors"))

    x, y = a.astype(np.complex128), b.astype(np.complex128)

    def same(p, q):
        return (p == q) | (np.isnan(p) & np.isnan(q))

    differing = ~(same(x.real, y.real) & same(x.imag, y.imag))
    nan_mismatch = differing & ((np.isnan(x.real) != np.isnan(y.real)) | (np.isnan(x.imag) != np.isnan(y.imag)))
    measured = differing & ~nan_mismatch
    modulus = np.where(measured, np.abs(x - y), 0.0)
    parts = np.concatenate([x.real.ravel(), x.imag.ravel()])
    reference = np.sqrt(np.sum(parts[np.isfinite(parts)] ** 2))
    expected = {
        "tensor": "z",
        "numpy_version": np.__version__,
        "max_abs_diff": float(modulus.max()),
        "largest_part_difference": float(np.maximum(np.abs(x.real - y.real), np.abs(x.imag - y.imag))[measured].max()),
        "differing_elements": int(differing.sum()),
        "nan_mismatches": int(nan_mismatch.sum()),
        "relative_l2": float(np.sqrt(np.sum(modulus ** 2)) / reference),
        "rows": [{"row": r, "l2": float(np.sqrt(np.sum(modulus[r] ** 2))), "max_abs": float(modulus[r].max())}
                 for r in range(shape[0])],
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

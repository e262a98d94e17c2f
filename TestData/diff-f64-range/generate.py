#!/usr/bin/env python3
"""F64 tensors whose squares leave double's range, against Q8_0 GGUF twins, and expected.json.

Run from the repository root: `python3 TestData/diff-f64-range/generate.py` (needs numpy,
safetensors and gguf-py). The scan squares values in double, so an F64 side of 1e-200 (squares
vanish) or 1e200 (squares overflow) needs the rescaled pass, also when the other side is
ggml-quantized (diff once reported 0 and exit 0, or NaN, there).
`tiny.safetensors`: F64 `w` [2, 32], 1e-200 and 2e-200 alternating. `zeros-q8_0.gguf`: `w` as
Q8_0 blocks of zeros (gguf-py's quantize of zeros). `huge.safetensors`: F64 `w` [2, 32] of 0.5
with 1e200 at [0, 3]. `half-q8_0.gguf`: `w` as gguf-py's Q8_0 quantization of 0.5 everywhere.
`expected.json`: `relative_l2` of each pair, ‖a − b‖ / ‖a‖ with both norms by `math.hypot` (which
scales, so no square leaves double's range), B's values from `gguf.quants.dequantize`.
"""
import json
import math
import os

import gguf
import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
Q8_0 = gguf.GGMLQuantizationType.Q8_0


def write_q8_0(name, values):
    writer = gguf.GGUFWriter(os.path.join(HERE, name), "llama")
    codes = gguf.quants.quantize(values.astype(np.float32), Q8_0)
    writer.add_tensor("w", codes, raw_dtype=Q8_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return gguf.quants.dequantize(codes, Q8_0).astype(np.float64).reshape(values.shape)


def relative_l2(a, b):
    return math.hypot(*(a - b).ravel()) / math.hypot(*a.ravel())


tiny = np.full((2, 32), 1e-200)
tiny[:, ::2] = 2e-200
save_file({"w": tiny}, os.path.join(HERE, "tiny.safetensors"))
zeros = write_q8_0("zeros-q8_0.gguf", np.zeros((2, 32)))

huge = np.full((2, 32), 0.5)
huge[0, 3] = 1e200
save_file({"w": huge}, os.path.join(HERE, "huge.safetensors"))
half = write_q8_0("half-q8_0.gguf", np.full((2, 32), 0.5))

expected = {
    "tiny.safetensors / zeros-q8_0.gguf": relative_l2(tiny, zeros),
    "huge.safetensors / half-q8_0.gguf": relative_l2(huge, half),
    "half-q8_0.gguf / huge.safetensors": relative_l2(half, huge),
}
with open(os.path.join(HERE, "expected.json"), "w") as out:
    json.dump(expected, out, indent=1, sort_keys=True)
    out.write("\n")

#!/usr/bin/env python3
"""Writes GGUF files whose dtype mixes `dtype-mixed` must judge against `general.file_type`,
and `expected.json` (which tensors each file stores in which type, so which mix is unexpected).

Run from the repository root: `python3 TestData/gguf-mix/generate.py` (gguf 0.19.0, numpy).
Fixed seed: a rerun gives the same bytes. Types are written by gguf-py (`gguf.quants.quantize`
for Q4_0, Q8_0 and BF16). What each file type holds by design follows llama.cpp's converter
(1-D tensors, norms, routers kept F32) and llama-quantize (quantized types mixed on purpose):

- `q4_0-mix.gguf`: MOSTLY_Q4_0 with Q4_0 matrices, a Q8_0 output (llama-quantize gives the
  output more bits) and F32 norms: the standard mix, no finding.
- `f16-clean.gguf`: MOSTLY_F16, F16 matrices, an F32 router matrix and F32 norms: no finding.
- `f16-stray-bf16.gguf`: the same with `blk.0.attn_k.weight` in BF16: a finding naming it.
- `q8_0-two-16bit.gguf`: MOSTLY_Q8_0 whose unquantized matrices are F16 and BF16 (two source
  types cannot come from one conversion): a finding naming both.
- `no-file-type.gguf`: no general.file_type, Q8_0 matrices and one F16 matrix: a finding naming
  the F16 one (the minority type).
- `file-type-string.gguf`: the same tensors with general.file_type the string "7": the finding
  must name that value ("a string value"), not say the key is missing.
- `file-type-guessed.gguf`: the same with general.file_type 1024, gguf-py's GUESSED ("not
  specified in the model file"): a name gguf-py has, so not "a type gguf-py does not name".
- `all-f32-with-f16.gguf`: ALL_F32 with one F16 matrix: the F16 one is unexpected.
"""
import json
import os

import numpy as np
from gguf import GGMLQuantizationType as T, GGUFValueType as V, GGUFWriter, LlamaFileType as F
from gguf.quants import quantize

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(7)
H = 64


def matrix(rows=H):
    return (RNG.standard_normal((rows, H)) * 0.1).astype(np.float32)


def write(name, file_type, tensors, raw_file_type=None):
    """tensors: name -> (type, array); returns name -> type name. `raw_file_type`: a
    (value, GGUFValueType) stored as general.file_type instead of `file_type`."""
    w = GGUFWriter(os.path.join(HERE, name), "llama")
    if file_type is not None:
        w.add_file_type(file_type)
    if raw_file_type is not None:
        w.add_key_value("general.file_type", raw_file_type[0], raw_file_type[1])
    for tname, (qtype, x) in tensors.items():
        if qtype == T.F32:
            w.add_tensor(tname, x.astype(np.float32))
        elif qtype == T.F16:
            w.add_tensor(tname, x.astype(np.float16))
        else:
            w.add_tensor(tname, quantize(x, qtype), raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {t: q.name for t, (q, _) in tensors.items()}


def norms():
    return {"blk.0.attn_norm.weight": (T.F32, np.ones(H, np.float32)), "output_norm.weight": (T.F32, np.ones(H, np.float32))}


def main():
    expected = {}
    files = {
        "q4_0-mix.gguf": (F.MOSTLY_Q4_0, {"token_embd.weight": (T.Q4_0, matrix(32)), "blk.0.attn_q.weight": (T.Q4_0, matrix()),
                                         "output.weight": (T.Q8_0, matrix(32)), **norms()}, []),
        "f16-clean.gguf": (F.MOSTLY_F16, {"token_embd.weight": (T.F16, matrix(32)), "blk.0.attn_q.weight": (T.F16, matrix()),
                                          "blk.0.attn_k.weight": (T.F16, matrix()), "blk.0.ffn_gate_inp.weight": (T.F32, matrix(8)),
                                          **norms()}, []),
        "f16-stray-bf16.gguf": (F.MOSTLY_F16, {"token_embd.weight": (T.F16, matrix(32)), "blk.0.attn_q.weight": (T.F16, matrix()),
                                               "blk.0.attn_k.weight": (T.BF16, matrix()), "blk.0.ffn_gate_inp.weight": (T.F32, matrix(8)),
                                               **norms()}, ["blk.0.attn_k.weight"]),
        "q8_0-two-16bit.gguf": (F.MOSTLY_Q8_0, {"token_embd.weight": (T.BF16, matrix(32)), "blk.0.attn_q.weight": (T.Q8_0, matrix()),
                                                "output.weight": (T.F16, matrix(32)), **norms()}, ["token_embd.weight", "output.weight"]),
        "no-file-type.gguf": (None, {"token_embd.weight": (T.Q8_0, matrix(32)), "blk.0.attn_q.weight": (T.Q8_0, matrix()),
                                     "output.weight": (T.F16, matrix(8)), **norms()}, ["output.weight"]),
    }
    for name, (file_type, tensors, unexpected) in files.items():
        types = write(name, file_type, tensors)
        expected[name] = {"file_type": file_type.name if file_type is not None else None, "types": types,
                          "fires": bool(unexpected), "tensors": sorted(unexpected)}
    # general.file_type present but no usable id, GUESSED, and ALL_F32: (raw value, evidence
    # file_type, text the message must hold, text it must not).
    hostile = {
        "file-type-string.gguf": (("7", V.STRING), "a string value", "general.file_type is a string value",
                                  "no general.file_type"),
        "file-type-guessed.gguf": ((1024, V.UINT32), "GUESSED", "general.file_type GUESSED says the mix was not specified",
                                   "not a type gguf-py names"),
        "all-f32-with-f16.gguf": ((0, V.UINT32), "ALL_F32", "general.file_type ALL_F32 stores every tensor in F32",
                                  "beside F32 ones"),
    }
    for name, (raw, stated, says, never) in hostile.items():
        first = T.F32 if name == "all-f32-with-f16.gguf" else T.Q8_0
        tensors = {"token_embd.weight": (first, matrix(32)), "blk.0.attn_q.weight": (first, matrix()),
                   "output.weight": (T.F16, matrix(8)), **norms()}
        types = write(name, None, tensors, raw_file_type=raw)
        expected[name] = {"file_type": stated, "types": types, "fires": True, "tensors": ["output.weight"],
                          "message_says": says, "message_never": never}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

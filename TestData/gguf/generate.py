#!/usr/bin/env python3
"""GGUF fixtures for the GGUFFormat tests.

Valid files are written by gguf-py's GGUFWriter (the reference writer); reference numbers come
from gguf-py's GGUFReader (offsets, shapes) and `gguf.quants.dequantize` (values), summed in
float64 with numpy. Hostile files are built by hand with struct.pack, one per attack pattern;
`manifest.json` records what gguf-py's own reader does with each (for the README).

    pip install gguf numpy        # made with gguf 0.19.0, numpy 2.4.6
    python3 TestData/gguf/generate.py

Fixed seeds, no timestamps: two runs give identical bytes.
"""
import importlib.metadata
import json
import os
import shutil
import struct
import subprocess
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGUFValueType as V, GGUFWriter, GGUFReader
from gguf.constants import GGML_QUANT_SIZES

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261202)


def path(*parts):
    return os.path.join(HERE, *parts)


def number(x):
    """JSON number, or the strings the Swift side reads for NaN/Inf."""
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def write(out, build, arch="llama", **kwargs):
    w = GGUFWriter(out, arch, **kwargs)
    build(w)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# ---------------------------------------------------------------- tensors

def f16_field(n, low=1e-3, high=2e-2, signed=True):
    """n finite f16 scales as raw bytes (K-quant d/dmin fields)."""
    v = RNG.uniform(low, high, size=n)
    if signed:
        v *= RNG.choice([-1.0, 1.0], size=n)
    return v.astype(np.float16).view(np.uint8).reshape(n, 2)


def random_blocks(qtype, rows, cols):
    """Random block bytes with every f16 field set to a finite scale (gguf-py has no quantizer
    for the K types, so their fixtures are random codes; the reference is still its dequantize)."""
    block, size = GGML_QUANT_SIZES[qtype]
    n = rows * cols // block
    b = RNG.integers(0, 256, size=(n, size), dtype=np.uint8)
    if qtype in (T.Q4_K, T.Q5_K):
        b[:, 0:2] = f16_field(n)
        b[:, 2:4] = f16_field(n, signed=False)
    elif qtype == T.Q6_K:
        b[:, 208:210] = f16_field(n)
    elif qtype in (T.Q4_1, T.Q5_1):
        b[:, 0:2] = f16_field(n)
        b[:, 2:4] = f16_field(n, 0.1, 2.0)
    else:  # Q8_0, Q4_0, Q5_0: d first
        b[:, 0:2] = f16_field(n)
    return b.reshape(rows, cols // block * size)


QUANTIZABLE = [T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.BF16]
RANDOM_BYTES = [T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q4_K, T.Q5_K, T.Q6_K]


def types_file():
    def build(w):
        x = RNG.standard_normal((4, 256)).astype(np.float32)
        w.add_tensor("f32", x)
        w.add_tensor("f16", (RNG.standard_normal((4, 256)) * 3).astype(np.float16))
        for q in QUANTIZABLE:
            data = (RNG.standard_normal((4, 256)) * 0.5).astype(np.float32)
            data[1] += 2.0  # a row with a large mean (exercises m in Q4_1/Q5_1)
            qd = gguf.quants.quantize(data, q)
            w.add_tensor(f"quantized.{q.name.lower()}", qd, raw_dtype=q)
        for q in RANDOM_BYTES:
            w.add_tensor(f"random.{q.name.lower()}", random_blocks(q, 8, 512), raw_dtype=q)
        # Listed but not decoded: a K type without a decoder, and an integer type.
        w.add_tensor("skipped.q2_k", RNG.integers(0, 256, size=(2, 84), dtype=np.uint8), raw_dtype=T.Q2_K)
        w.add_tensor("skipped.i32", np.arange(12, dtype=np.int32).reshape(3, 4))
        w.add_tensor("bias.1d", RNG.standard_normal(16).astype(np.float32))
        w.add_tensor("cube.3d", RNG.standard_normal((2, 3, 32)).astype(np.float16))
    write(path("valid", "types.gguf"), build)


def special_file():
    """Non-finite values: F32/F16 rows with NaN and ±Inf, and quantized blocks whose scale is
    Inf or NaN (hand-set bytes), so the kernels' fallback path is checked."""
    def build(w):
        x = RNG.standard_normal((3, 64)).astype(np.float32)
        x[1, 5] = np.nan
        x[2, 7] = np.inf
        x[2, 9] = -np.inf
        w.add_tensor("special.f32", x)
        h = RNG.standard_normal((2, 64)).astype(np.float16)
        h[0, 3] = np.inf
        h[1, 0] = np.nan
        w.add_tensor("special.f16", h)
        q = random_blocks(T.Q8_0, 3, 64).reshape(3, 2, 34)
        q[1, 0, 0:2] = np.array([0x7C00], dtype=np.uint16).view(np.uint8)  # +Inf scale
        q[2, 1, 0:2] = np.array([0x7E00], dtype=np.uint16).view(np.uint8)  # NaN scale
        q[1, 0, 2:6] = 0  # q = 0 under an infinite scale: NaN values
        w.add_tensor("special.q8_0", q.reshape(3, 68), raw_dtype=T.Q8_0)
        k = random_blocks(T.Q6_K, 2, 256).reshape(2, 210)
        k[1, 208:210] = np.array([0xFC00], dtype=np.uint16).view(np.uint8)  # -Inf scale
        w.add_tensor("special.q6_k", k, raw_dtype=T.Q6_K)
        z = np.zeros((2, 32), dtype=np.float32)
        z[1] = -0.0
        w.add_tensor("special.zeros", z)
        sub = np.array([[0x0001, 0x8001, 0x03FF, 0x0400] * 8], dtype=np.uint16).view(np.float16)
        w.add_tensor("special.f16_subnormal", sub)
    write(path("valid", "special.gguf"), build)


def centred_file():
    """Rows whose std the one-pass formula Σx² − (Σx)²/n cannot give: affine blocks with a large
    offset m and a small step d (|mean| ≫ std: the subtraction cancels every digit), a constant
    row among them (std exactly 0), and blocks whose scale is NaN or ±Inf (std NaN, as for every
    dtype). Its own generator, so the other files keep their bytes."""
    rng = np.random.default_rng(20261205)

    def affine(qtype, rows, blocks, d, m, flips):
        size = GGML_QUANT_SIZES[qtype][1]
        out = np.zeros((rows, blocks, size), dtype=np.uint8)
        out[:, :, 0:2] = np.array([d], dtype=np.float16).view(np.uint8)
        out[:, :, 2:4] = np.array([m], dtype=np.float16).view(np.uint8)
        codes = out[:, :, size - 16:]
        codes[1, 0, 0] = 1                      # row 1: one value one step above the rest
        codes[2:] = rng.integers(0, 2, size=codes[2:].shape) * flips  # rows 2…: codes 0 or 1
        return out.reshape(rows, blocks * size)

    def build(w):
        w.add_tensor("offset.q4_1", affine(T.Q4_1, 4, 16, 0.0039, 60000.0, 0x11), raw_dtype=T.Q4_1)
        w.add_tensor("offset.q5_1", affine(T.Q5_1, 4, 16, 0.0039, -65504.0, 0x11), raw_dtype=T.Q5_1)
        q = random_blocks_with(rng, T.Q8_0, 3, 64).reshape(3, 2, 34)
        q[0, 0, 0:2] = np.array([0x7E00], dtype=np.uint16).view(np.uint8)  # NaN scale
        q[1, 1, 0:2] = np.array([0x7C00], dtype=np.uint16).view(np.uint8)  # +Inf scale
        q[1, 1, 2:34] = 1                                                   # no 0 · Inf: +Inf values
        w.add_tensor("nonfinite.q8_0", q.reshape(3, 68), raw_dtype=T.Q8_0)
        z = random_blocks_with(rng, T.Q4_0, 2, 64).reshape(2, 2, 18)
        z[1, 0, 0:2] = np.array([0xFC00], dtype=np.uint16).view(np.uint8)  # -Inf scale
        w.add_tensor("nonfinite.q4_0", z.reshape(2, 36), raw_dtype=T.Q4_0)
    write(path("valid", "centred.gguf"), build)


def random_blocks_with(rng, qtype, rows, cols):
    """`random_blocks` from its own generator: random codes, finite f16 scales (first field)."""
    size = GGML_QUANT_SIZES[qtype][1]
    blocks = cols // GGML_QUANT_SIZES[qtype][0]
    out = rng.integers(0, 256, size=(rows, blocks, size), dtype=np.uint8)
    out[:, :, 0:2] = rng.uniform(1e-3, 2e-2, size=(rows, blocks)).astype(np.float16).view(np.uint8).reshape(rows, blocks, 2)
    return out.reshape(rows, blocks * size)


def tensor_expectations(file):
    out = []
    r = GGUFReader(file)
    for t in r.tensors:
        shape = [int(d) for d in reversed(t.shape.tolist())]
        entry = {"name": t.name, "type": t.tensor_type.name, "type_id": int(t.tensor_type),
                 "shape": shape, "data_offset": int(t.data_offset), "n_bytes": int(t.n_bytes)}
        try:
            values = gguf.quants.dequantize(t.data, t.tensor_type)
        except NotImplementedError:
            values = None
        if values is not None and t.tensor_type not in (T.I8, T.I16, T.I32, T.I64):
            values = np.asarray(values, dtype=np.float32).reshape(-1, shape[-1]).astype(np.float64)
            rows = []
            for row in values:
                finite = row[~np.isnan(row)]
                weights = np.arange(1, row.size + 1, dtype=np.float64)
                rows.append({
                    "count": int(row.size),
                    "sum": number(row.sum()), "sum_abs": number(np.abs(row).sum()),
                    "sum_squares": number((row * row).sum()),
                    "min": number(finite.min()) if finite.size else "NaN",
                    "max": number(finite.max()) if finite.size else "NaN",
                    "nan": int(np.isnan(row).sum()), "posinf": int(np.isposinf(row).sum()),
                    "neginf": int(np.isneginf(row).sum()),
                    "weighted_sum": number((row * weights).sum()),
                    "std": number(row.std()),
                    "first": [number(v) for v in row[:4]],
                })
            entry["rows"] = rows
        out.append(entry)
    return {"alignment": int(r.alignment), "data_offset": int(r.data_offset),
            "file_size": os.path.getsize(file), "tensors": out}


# ---------------------------------------------------------------- metadata

TOKENS = ["<unk>", "<s>", "</s>", "<pad>", "hello", "▁world", "<0x0A>", "[unused0]", "<user>"]
TOKEN_TYPES = [2, 3, 3, 3, 1, 1, 6, 5, 4]

# key, type, value: the values as the writer is given them (float32 values pre-rounded).
METADATA = [
    ("test.uint8", V.UINT8, 200),
    ("test.int8", V.INT8, -100),
    ("test.uint16", V.UINT16, 60000),
    ("test.int16", V.INT16, -30000),
    ("test.uint32", V.UINT32, 4000000000),
    ("test.int32", V.INT32, -2000000000),
    ("test.float32", V.FLOAT32, float(np.float32(0.1))),
    ("test.bool_true", V.BOOL, True),
    ("test.bool_false", V.BOOL, False),
    ("test.string", V.STRING, "héllo, wörld ✓"),
    ("test.uint64", V.UINT64, 18446744073709551615),
    ("test.int64", V.INT64, -9223372036854775808),
    ("test.float64", V.FLOAT64, 2.718281828459045),
    ("test.array_u8", (V.ARRAY, V.UINT8), [0, 1, 255]),
    ("test.array_i16", (V.ARRAY, V.INT16), [-32768, 0, 32767]),
    ("test.array_u64", (V.ARRAY, V.UINT64), [0, 18446744073709551615]),
    ("test.array_f32", (V.ARRAY, V.FLOAT32), [float(np.float32(v)) for v in (1.5, -0.25, 3.0e-5)]),
    ("test.array_f64", (V.ARRAY, V.FLOAT64), [1e300, -2.5]),
    ("test.array_bool", (V.ARRAY, V.BOOL), [True, False, True]),
    ("test.array_str", (V.ARRAY, V.STRING), ["a", "", "ünïcode"]),
    ("test.nested_i32", (V.ARRAY, V.ARRAY), [[1, 2], [3], [4, 5, 6]]),
    ("test.nested_str", (V.ARRAY, V.ARRAY), [["x", "y"], ["z"]]),
    ("test.nested_3", (V.ARRAY, V.ARRAY), [[[1.5], [2.5, 3.5]]]),
]


def metadata_file():
    def build(w):
        for key, vtype, value in METADATA:
            if isinstance(vtype, tuple):
                _, sub = vtype
                w.add_key_value(key, value, V.ARRAY, sub_type=None if sub == V.ARRAY else sub)
            else:
                w.add_key_value(key, value, vtype)
        w.add_tokenizer_model("llama")
        w.add_token_list(TOKENS)
        w.add_token_types(TOKEN_TYPES)
        w.add_bos_token_id(1)
        w.add_eos_token_id(2)
        w.add_pad_token_id(3)
        w.add_tensor("token_embd.weight", RNG.standard_normal((len(TOKENS), 32)).astype(np.float32))
    write(path("valid", "metadata.gguf"), build)


def metadata_expectations():
    r = GGUFReader(path("valid", "metadata.gguf"))
    # Keys in file order as gguf-py reads them (minus its three synthetic header fields).
    keys = [k for k in r.fields if not k.startswith("GGUF.")]
    return {"keys": keys,
            "tokens": TOKENS, "token_types": TOKEN_TYPES,
            "bos": 1, "eos": 2, "pad": 3, "model": "llama"}


def simple_values():
    """Scalar and one-level array values for the Swift comparison (nested ones are hand-checked)."""
    out = []
    for key, vtype, value in METADATA:
        if isinstance(vtype, tuple):
            if vtype[1] == V.ARRAY:
                continue
            out.append({"key": key, "type": "array", "element_type": vtype[1].name.lower(),
                        "values": [number(v) if vtype[1] in (V.FLOAT32, V.FLOAT64) else v for v in value]})
        else:
            v = number(value) if vtype in (V.FLOAT32, V.FLOAT64) else value
            out.append({"key": key, "type": vtype.name.lower(), "value": v})
    return out


# ---------------------------------------------------------------- small files

def small_file(out, alignment=None, long_name=False):
    def build(w):
        if alignment is not None:
            w.add_custom_alignment(alignment)
        w.add_uint32("test.count", 7)
        w.add_array("test.names", ["ab", "c"])
        w.add_tensor("a", np.arange(8, dtype=np.float32).reshape(2, 4))
        name = "b" * 70 if long_name else "b"
        w.add_tensor(name, np.ones((3, 2), dtype=np.float16))
    write(out, build)


def big_endian_file():
    def build(w):
        w.add_uint32("test.count", 7)
        w.add_tensor("a", np.arange(4, dtype=np.float32))
    write(path("hostile", "big-endian.gguf"), build, endianess=gguf.GGUFEndian.BIG)


# ---------------------------------------------------------------- hostile files

def s(text):
    b = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(b)) + b


def kv(key, vtype, payload):
    return s(key) + struct.pack("<I", vtype) + payload


def ti(name, dims, type_id, offset):
    return s(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims) \
        + struct.pack("<I", type_id) + struct.pack("<Q", offset)


def gguf_bytes(kvs=(), tis=(), data=b"", version=3, n_tensors=None, n_kv=None, alignment=32):
    head = b"GGUF" + struct.pack("<IQQ", version, len(tis) if n_tensors is None else n_tensors,
                                  len(kvs) if n_kv is None else n_kv)
    body = head + b"".join(kvs) + b"".join(tis)
    body += b"\0" * ((-len(body)) % alignment)
    return body + data


F32_ROW = struct.pack("<8f", *range(8))

HOSTILE = {
    # name: (bytes, pattern)
    "bad-magic.gguf": (b"GGUG" + gguf_bytes()[4:], "not GGUF"),
    "version-1.gguf": (gguf_bytes(version=1), "GGUF v1 (32-bit counts)"),
    "version-4.gguf": (gguf_bytes(version=4), "unknown version"),
    "tensor-count-huge.gguf": (gguf_bytes(n_tensors=2**63), "n_tensors 2^63"),
    "kv-count-huge.gguf": (gguf_bytes(n_kv=2**64 - 1), "n_kv 2^64-1"),
    "key-length-huge.gguf": (gguf_bytes(kvs=[struct.pack("<Q", 2**64 - 1) + b"k"], n_kv=1), "string length 2^64-1"),
    "string-value-huge.gguf": (gguf_bytes(kvs=[s("k") + struct.pack("<IQ", 8, 2**64 - 8) + b"abc"]), "string length 2^64-8"),
    "name-length-huge.gguf": (gguf_bytes(tis=[struct.pack("<Q", 2**63) + b"x" * 40]), "tensor name length 2^63"),
    "array-count-huge.gguf": (gguf_bytes(kvs=[kv("k", 9, struct.pack("<IQ", 0, 2**62) + b"\0" * 8)]), "array count 2^62"),
    "array-depth-bomb.gguf": (gguf_bytes(kvs=[kv("k", 9, struct.pack("<IQ", 9, 1) * 1000 + struct.pack("<IQ", 0, 0))]),
                              "arrays nested 1000 deep"),
    "unknown-value-type.gguf": (gguf_bytes(kvs=[kv("k", 13, b"\0" * 8)]), "value type 13"),
    "duplicate-key.gguf": (gguf_bytes(kvs=[kv("k", 4, struct.pack("<I", 1)), kv("k", 4, struct.pack("<I", 2))]),
                           "duplicate key"),
    "invalid-utf8-key.gguf": (gguf_bytes(kvs=[kv(b"\xff\xfe", 4, struct.pack("<I", 1))]), "key not UTF-8"),
    "alignment-not-power.gguf": (gguf_bytes(kvs=[kv("general.alignment", 4, struct.pack("<I", 48))]), "alignment 48"),
    "alignment-zero.gguf": (gguf_bytes(kvs=[kv("general.alignment", 4, struct.pack("<I", 0))]), "alignment 0"),
    "alignment-u64.gguf": (gguf_bytes(kvs=[kv("general.alignment", 10, struct.pack("<Q", 64))]), "alignment as u64"),
    "five-dims.gguf": (gguf_bytes(tis=[ti("t", [1, 1, 1, 1, 1], 0, 0)], data=F32_ROW), "n_dims 5"),
    "unknown-type.gguf": (gguf_bytes(tis=[ti("t", [8], 99, 0)], data=F32_ROW), "ggml type 99"),
    "retired-type.gguf": (gguf_bytes(tis=[ti("t", [32], 4, 0)], data=b"\0" * 32), "ggml type 4 (retired Q4_2)"),
    "dims-overflow.gguf": (gguf_bytes(tis=[ti("t", [2**32, 2**32, 2**32], 0, 0)], data=F32_ROW), "dims product past 2^64"),
    "bytes-overflow.gguf": (gguf_bytes(tis=[ti("t", [2**62], 0, 0)], data=F32_ROW), "elements × 4 past 2^64"),
    "zero-dim-overflow.gguf": (gguf_bytes(tis=[ti("t", [0, 2**40, 2**40], 0, 0)], data=F32_ROW),
                               "empty tensor whose other dims overflow (found by the mutation test)"),
    "zero-rows-huge-row.gguf": (gguf_bytes(tis=[ti("t", [2**62, 0], 0, 0)], data=F32_ROW),
                                "empty tensor with a row of 2^64 bytes"),
    "lying-dims.gguf": (gguf_bytes(tis=[ti("t", [8, 2**40], 0, 0)], data=F32_ROW), "element count past the file"),
    "partial-block.gguf": (gguf_bytes(tis=[ti("t", [33, 2], 8, 0)], data=b"\0" * 96), "row 33 in Q8_0 (block 32)"),
    "offset-past-end.gguf": (gguf_bytes(tis=[ti("t", [8], 0, 2**20)], data=F32_ROW), "offset past the end"),
    "offset-huge.gguf": (gguf_bytes(tis=[ti("t", [8], 0, 2**64 - 32)], data=F32_ROW), "offset near 2^64"),
    "misaligned.gguf": (gguf_bytes(tis=[ti("t", [4], 0, 4)], data=F32_ROW), "offset 4, alignment 32"),
    "overlap.gguf": (gguf_bytes(tis=[ti("a", [8], 0, 0), ti("b", [8], 0, 0)], data=F32_ROW), "two tensors, same bytes"),
    "overlap-partial.gguf": (gguf_bytes(tis=[ti("a", [16], 0, 0), ti("b", [8], 0, 32)], data=F32_ROW * 3),
                             "second tensor starts inside the first"),
    "duplicate-tensor.gguf": (gguf_bytes(tis=[ti("t", [8], 0, 0), ti("t", [8], 0, 32)], data=F32_ROW * 2),
                              "duplicate tensor name"),
}

# Non-fatal: read, with a problem reported.
PROBLEMS = {
    "bool-two.gguf": (gguf_bytes(kvs=[kv("k", 7, b"\x02")]), "bool byte 2"),
    "invalid-utf8-value.gguf": (gguf_bytes(kvs=[kv("k", 8, s(b"ok\xff"))]), "string value not UTF-8"),
    # Tokenizer keys of the wrong type: unused, and said so (llama.cpp refuses the first).
    "tokens-not-strings.gguf": (gguf_bytes(kvs=[kv("tokenizer.ggml.tokens", 9, struct.pack("<IQ3I", 4, 3, 0, 1, 2))]),
                                "tokenizer.ggml.tokens of uint32"),
    "token-type-short.gguf": (gguf_bytes(kvs=[kv("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 3) + s(b"a") + s(b"b") + s(b"c")),
                                              kv("tokenizer.ggml.token_type", 9, struct.pack("<IQi", 5, 1, 1))]),
                              "tokenizer.ggml.token_type: 1 value for 3 tokens"),
    # llama.cpp's vocabulary loader (llama-vocab.cpp) refuses scores of another type or fewer
    # than the tokens, and reads the first n_tokens of a longer token_type (hunt-54a D4, D5).
    "token-type-long.gguf": (gguf_bytes(kvs=[kv("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 3) + s(b"a") + s(b"b") + s(b"c")),
                                             kv("tokenizer.ggml.token_type", 9, struct.pack("<IQ5i", 5, 5, 1, 3, 1, 3, 3))]),
                             "tokenizer.ggml.token_type: 5 values for 3 tokens, the second CONTROL"),
    "scores-short.gguf": (gguf_bytes(kvs=[kv("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 3) + s(b"a") + s(b"b") + s(b"c")),
                                          kv("tokenizer.ggml.scores", 9, struct.pack("<IQf", 6, 1, 0.5))]),
                          "tokenizer.ggml.scores: 1 value for 3 tokens"),
    "scores-wrong-type.gguf": (gguf_bytes(kvs=[kv("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 3) + s(b"a") + s(b"b") + s(b"c")),
                                               kv("tokenizer.ggml.scores", 9, struct.pack("<IQ3d", 12, 3, 0.5, 0.25, 0.125))]),
                               "tokenizer.ggml.scores of float64"),
}


VERDICT = """
import sys
from gguf import GGUFReader
try:
    r = GGUFReader(sys.argv[1])
    print("reads (%d tensors, %d fields)" % (len(r.tensors), len(r.fields)))
except BaseException as e:
    print("raises %s: %s" % (type(e).__name__, str(e)[:100]))
"""


def gguf_py_verdict(file):
    """What gguf-py's reader does with the file, in a child process with a time limit (it loops
    over a lying array count element by element)."""
    try:
        done = subprocess.run([sys.executable, "-c", VERDICT, file], capture_output=True, text=True, timeout=10)
        return done.stdout.strip() or ("exits %d" % done.returncode)
    except subprocess.TimeoutExpired:
        return "still running after 10 s (killed)"


def main():
    for folder in ("valid", "hostile", "problem"):
        shutil.rmtree(path(folder), ignore_errors=True)
        os.makedirs(path(folder))
    types_file()
    special_file()
    metadata_file()
    small_file(path("valid", "small.gguf"))
    small_file(path("valid", "align-64.gguf"), alignment=64)
    small_file(path("valid", "align-8.gguf"), alignment=8)
    small_file(path("problem", "long-name.gguf"), long_name=True)
    # Version 2 has the same layout as 3 (v3 only allowed big-endian files): same bytes, field 2.
    with open(path("valid", "small.gguf"), "rb") as f:
        b = bytearray(f.read())
    b[4:8] = struct.pack("<I", 2)
    with open(path("valid", "version-2.gguf"), "wb") as f:
        f.write(b)
    big_endian_file()
    centred_file()

    manifest = {}
    for name, (data, pattern) in sorted({**HOSTILE}.items()):
        with open(path("hostile", name), "wb") as f:
            f.write(data)
    for name, (data, pattern) in sorted(PROBLEMS.items()):
        with open(path("problem", name), "wb") as f:
            f.write(data)
    for folder, table in (("hostile", {**HOSTILE, "big-endian.gguf": (None, "big-endian file (GGUFWriter endianess=BIG)")}),
                          ("problem", {**PROBLEMS, "long-name.gguf": (None, "70-byte tensor name")})):
        manifest[folder] = {n: {"pattern": p, "gguf_py": gguf_py_verdict(path(folder, n))}
                            for n, (_, p) in sorted(table.items())}

    expected = {
        "gguf_version": importlib.metadata.version("gguf"),
        "ggml_types": {t.name: {"id": int(t), "block_size": GGML_QUANT_SIZES[t][0], "type_size": GGML_QUANT_SIZES[t][1]}
                       for t in T},
        "files": {name: tensor_expectations(path("valid", name))
                  for name in ("types.gguf", "special.gguf", "metadata.gguf", "small.gguf", "align-64.gguf",
                               "align-8.gguf", "version-2.gguf", "centred.gguf")},
        "metadata": metadata_expectations(),
        "metadata_values": simple_values(),
    }
    with open(path("manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()

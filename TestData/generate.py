#!/usr/bin/env python3
"""Deterministic generator for the tensoraudit test fixtures.

Run from anywhere:  python3 TestData/generate.py
Needs: numpy, safetensors (the reference implementation), ml_dtypes.

Everything under TestData/ except this script and TestData/README.md is
regenerated from scratch on every run (fixed seeds, no timestamps), so two runs
give byte-identical trees. See TestData/README.md for the layout.
"""

import hashlib
import json
import os
import re
import shutil
import struct
import sys

import ml_dtypes as md
import numpy as np
import safetensors
import safetensors.numpy
from safetensors import TensorSpec, safe_open

assert sys.byteorder == "little", "generator assumes a little-endian host"

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT_DIRS = ["reference", "written", "expected", "toy-bert", "dtype-tables", "bad", "edge", "analysis"]

# numpy has no float8 attributes; the reference "np" reader looks them up on the
# numpy module (getattr(np, "float8_e4m3fn")), so lend it the ml_dtypes types.
# F4/F6 have no numpy type the reader could use; those tensors are read through
# safetensors.deserialize instead (see reference_load).
for _n in ["float8_e4m3fn", "float8_e5m2", "float8_e8m0fnu", "float8_e4m3fnuz", "float8_e5m2fnuz"]:
    if not hasattr(np, _n):
        setattr(np, _n, getattr(md, _n))

# dtype -> (numpy/ml_dtypes scalar type, bits per element)
DTYPES = {
    "BOOL": (np.bool_, 8),
    "F4": (md.float4_e2m1fn, 4),
    "F6_E2M3": (md.float6_e2m3fn, 6),
    "F6_E3M2": (md.float6_e3m2fn, 6),
    "U8": (np.uint8, 8),
    "I8": (np.int8, 8),
    "F8_E5M2": (md.float8_e5m2, 8),
    "F8_E4M3": (md.float8_e4m3fn, 8),
    "F8_E8M0": (md.float8_e8m0fnu, 8),
    "F8_E4M3FNUZ": (md.float8_e4m3fnuz, 8),
    "F8_E5M2FNUZ": (md.float8_e5m2fnuz, 8),
    "I16": (np.int16, 16),
    "U16": (np.uint16, 16),
    "F16": (np.float16, 16),
    "BF16": (md.bfloat16, 16),
    "I32": (np.int32, 32),
    "U32": (np.uint32, 32),
    "F32": (np.float32, 32),
    "C64": (np.complex64, 64),
    "F64": (np.float64, 64),
    "I64": (np.int64, 64),
    "U64": (np.uint64, 64),
}
INT_DTYPES = {"U8", "I8", "I16", "U16", "I32", "U32", "I64", "U64"}


def p(*parts):
    return os.path.join(ROOT, *parts)


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------- JSON values

def jfloat(x):
    """float64 -> JSON value; NaN/Inf/-0.0 as strings so they survive JSON."""
    x = float(x)
    if x != x:
        return "NaN"
    if x == float("inf"):
        return "Infinity"
    if x == float("-inf"):
        return "-Infinity"
    if x == 0.0 and np.signbit(x):
        return "-0.0"
    return x


def _fmt(obj, level=0):
    """Pretty JSON: objects and lists of objects/lists are indented, one item per
    line; scalars and lists of scalars stay on one line."""
    c = lambda o: json.dumps(o, allow_nan=False, separators=(", ", ": "))  # noqa: E731
    ind, ind1 = " " * level, " " * (level + 1)
    if isinstance(obj, dict) and obj:
        items = ["%s%s: %s" % (ind1, c(k), _fmt(v, level + 1)) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + ind + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        if level >= 2 or all(isinstance(v, list) and not any(isinstance(x, (dict, list)) for x in v)
                             for v in obj) and len(obj) > 50:
            return c(obj)
        return "[\n" + ",\n".join(ind1 + _fmt(v, level + 1) for v in obj) + "\n" + ind + "]"
    return c(obj)


def dump_json(path, obj):
    text = _fmt(obj) + "\n"
    assert json.loads(text) == json.loads(json.dumps(obj, allow_nan=False))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# ------------------------------------------------------------ decoding bytes

def unpack_f4(raw, count):
    b = np.frombuffer(raw, dtype=np.uint8)
    codes = np.empty(len(b) * 2, dtype=np.uint8)
    codes[0::2] = b & 0x0F  # element 2k   = low nibble of byte k
    codes[1::2] = b >> 4    # element 2k+1 = high nibble of byte k
    return codes[:count]


def pack_f4(codes):
    codes = np.asarray(codes, dtype=np.uint8)
    assert len(codes) % 2 == 0 and codes.max(initial=0) < 16
    return (codes[0::2] | (codes[1::2] << 4)).astype(np.uint8).tobytes()


def unpack_f6(raw, count):
    b = np.frombuffer(raw, dtype=np.uint8).astype(np.uint32).reshape(-1, 3)
    g = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)  # 24-bit little-endian group
    codes = np.stack([(g >> (6 * i)) & 0x3F for i in range(4)], axis=1).reshape(-1)
    return codes.astype(np.uint8)[:count]


def pack_f6(codes):
    codes = np.asarray(codes, dtype=np.uint32).reshape(-1, 4)
    assert codes.max(initial=0) < 64
    g = codes[:, 0] | (codes[:, 1] << 6) | (codes[:, 2] << 12) | (codes[:, 3] << 18)
    out = np.stack([g & 0xFF, (g >> 8) & 0xFF, (g >> 16) & 0xFF], axis=1)
    return out.astype(np.uint8).tobytes()


def unpack(dtype, shape, raw):
    """Raw little-endian tensor bytes -> numpy array of the logical elements (row-major)."""
    count = int(np.prod(shape, dtype=object)) if shape else 1
    t, _ = DTYPES[dtype]
    if dtype == "F4":
        arr = unpack_f4(raw, count).view(t)
    elif dtype in ("F6_E2M3", "F6_E3M2"):
        arr = unpack_f6(raw, count).view(t)
    else:
        arr = np.frombuffer(raw, dtype=np.dtype(t))
    assert arr.size == count, (dtype, shape, arr.size)
    return arr


def decode_values(dtype, shape, raw):
    """Raw little-endian tensor bytes -> list of JSON values (row-major)."""
    arr = unpack(dtype, shape, raw)
    if dtype == "BOOL":
        return [int(v) for v in arr.view(np.uint8)]
    if dtype in INT_DTYPES:
        return [int(v) for v in arr]
    if dtype == "C64":
        return [[jfloat(v.real), jfloat(v.imag)] for v in arr.astype(np.complex128)]
    return [jfloat(v) for v in arr.astype(np.float64)]


# ------------------------------------------------------------ header parsing

def _no_dup_pairs(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate key in a fixture meant to be valid: %r" % keys
    return dict(pairs)


def read_header(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n].decode("utf-8"), object_pairs_hook=_no_dup_pairs)
    return buf, n, header


def expected_for(path):
    """Header facts from Python's json module + values decoded with numpy/ml_dtypes."""
    buf, n, header = read_header(path)
    data = buf[8 + n:]
    metadata = header.get("__metadata__")
    entries = [(k, v) for k, v in header.items() if k != "__metadata__"]
    # data-offset order; ties (empty tensors sharing an offset) keep header order
    entries.sort(key=lambda kv: (kv[1]["data_offsets"][0], kv[1]["data_offsets"][1]))
    tensors = []
    for name, e in entries:
        b, end = e["data_offsets"]
        tensors.append({
            "name": name,
            "dtype": e["dtype"],
            "shape": e["shape"],
            "data_offsets": [b, end],
            "values": decode_values(e["dtype"], e["shape"], data[b:end]),
        })
    return {"metadata": metadata, "header_length": n, "tensors": tensors}


# -------------------------------------------------------- reference loading

def _scrub(msg, path):
    return str(msg).replace(path, "<file>").replace("\n", " ").replace("\t", " ")


NO_NUMPY_TYPE = {"F4", "F6_E2M3", "F6_E3M2"}


def reference_load(path):
    """Load with the reference: safe_open(path, "np") and read every tensor.

    The numpy glue of safe_open cannot build arrays for F4 (AttributeError:
    numpy has no float4_e2m1fn_x2) or F6 ("Dtype not understood"), after the
    Rust side validated the file; those tensors are read through
    safetensors.deserialize instead (same Rust validation, raw bytes).
    Returns (verdict, message)."""
    need_bytes_path = False
    try:
        with safe_open(path, "np") as f:
            f.metadata()
            for k in f.keys():
                if f.get_slice(k).get_dtype() in NO_NUMPY_TYPE:
                    need_bytes_path = True
                else:
                    f.get_tensor(k)
        if need_bytes_path:
            with open(path, "rb") as fh:
                for _name, view in safetensors.deserialize(fh.read()):
                    bytes(view["data"])
    except Exception as e:  # noqa: BLE001 - any failure is a rejection
        return "rejects", "%s: %s" % (type(e).__name__, _scrub(e, path))
    return "accepts", ""


def reference_write(write_once, path, metadata):
    """Run a reference writer until its output is the canonical one.

    The reference serializer keeps __metadata__ in a Rust HashMap with a random
    hasher seed per map, so with 2+ metadata keys the key order in the header
    (and thus the file bytes) changes from call to call. Every output is a
    genuine reference output; we retry until the keys come out in the order we
    passed them, which makes the fixture reproducible."""
    want = list(metadata or {})
    for _ in range(1000):
        write_once()
        _, _, header = read_header(path)
        if list(header.get("__metadata__") or {}) == want:
            return
    raise AssertionError("reference writer never produced metadata order %r" % want)


def must_accept(path):
    verdict, msg = reference_load(path)
    assert verdict == "accepts", (path, msg)


# ---------------------------------------------------------------- raw writer

def st_bytes(header, data=b"", n=None, pad=b" "):
    """Raw safetensors bytes: u64 LE header length, header, data.

    header: str or bytes (used verbatim). pad: byte(s) appended cyclically until
    the header length is a multiple of 8 (None = no padding). n overrides the
    length field."""
    if isinstance(header, str):
        header = header.encode("utf-8")
    if pad is not None:
        i = 0
        while len(header) % 8:
            header += pad[i % len(pad):i % len(pad) + 1]
            i += 1
    if n is None:
        n = len(header)
    return struct.pack("<Q", n) + header + data


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)


def write_raw_tensors(path, tensors, metadata=None):
    """Minimal writer: tensors = [(name, dtype, shape, raw bytes)] in file order."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    write(path, st_bytes(json.dumps(header, separators=(",", ":")), data))


# ========================================================= 1. reference dtypes

def float_candidates(t):
    fi = md.finfo(t)
    cands = [0.0, -0.0, 1.0, -1.0, 0.5, -1.5, float(fi.max), -float(fi.max),
             float(fi.tiny), -float(fi.tiny), float(fi.smallest_subnormal),
             -float(fi.smallest_subnormal), float("nan"), float("inf"), float("-inf")]
    keep = []
    for v in cands:
        back = float(np.array([v], dtype=np.float64).astype(t).astype(np.float64)[0])
        same = (back != back and v != v) or (back == v and np.signbit(back) == np.signbit(v))
        if same and not any(repr(v) == repr(k) for k in keep):
            keep.append(v)
    return keep


INT_VALUES = {
    "I8": [-128, -100, -1, 0, 1, 42, 127],
    "U8": [0, 1, 127, 128, 200, 255],
    "I16": [-32768, -1000, -1, 0, 1, 1000, 32767, 12345],
    "U16": [0, 1, 32768, 65535],
    "I32": [-2**31, -1, 0, 1, 123456789, 2**31 - 1],
    "U32": [0, 1, 2**31, 2**32 - 1],
    "I64": [-2**63, -(2**53 + 1), -1, 0, 1, 2**53 + 1, 2**63 - 1],
    "U64": [0, 1, 2**53 + 1, 2**63, 2**64 - 1],
}

# shapes for the per-dtype tensors (2-D where it checks row-major order)
SHAPE_OVERRIDE = {"I16": (2, 4)}


def gen_reference():
    tensors = {}
    notes = []
    for dtype in ["F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "F8_E8M0",
                  "F8_E4M3FNUZ", "F8_E5M2FNUZ"]:
        t = DTYPES[dtype][0]
        vals = float_candidates(t)
        arr = np.array(vals, dtype=np.float64).astype(t)
        if dtype == "F32":
            extra = np.array([3.1415927, -2.7182817, 1e30], dtype=np.float32)
            arr = np.concatenate([arr, extra]).reshape(3, 6)  # 2-D: checks row-major order
        tensors[dtype.lower()] = arr
    for dtype, vals in INT_VALUES.items():
        arr = np.array(vals, dtype=DTYPES[dtype][0])
        if SHAPE_OVERRIDE.get(dtype):
            arr = arr.reshape(SHAPE_OVERRIDE[dtype])
        tensors[dtype.lower()] = arr
    tensors["bool"] = np.array([[True, False], [False, True]], dtype=np.bool_)
    tensors["c64"] = np.array([complex(1, 2), complex(-1.5, -0.5), complex(-0.0, 0.0),
                               complex(0.0, -0.0), complex(float("inf"), float("nan")),
                               complex(float("-inf"), 3.4028234663852886e38),
                               complex(1.401298464324817e-45, -1.401298464324817e-45)],
                              dtype=np.complex64)
    tensors["scalar_f32"] = np.array(3.5, dtype=np.float32)
    tensors["empty_f32"] = np.zeros((0,), dtype=np.float32)
    tensors["empty_i64_0x3"] = np.zeros((0, 3), dtype=np.int64)

    out = p("reference", "dtypes.safetensors")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    meta = {"format": "np", "source": "tensoraudit fixtures"}
    reference_write(lambda: safetensors.numpy.save_file(tensors, out, metadata=meta), out, meta)
    must_accept(out)
    exp = expected_for(out)
    # cross-check: decoded bytes == the arrays handed to the reference writer
    for e in exp["tensors"]:
        src = tensors[e["name"]]
        assert list(src.shape) == e["shape"], e["name"]
        ref = decode_values(e["dtype"], e["shape"], np.ascontiguousarray(src).tobytes())
        assert ref == e["values"], e["name"]
    dump_json(p("expected", "dtypes.json"), exp)

    # Which numpy/ml_dtypes types does the reference numpy API accept?
    probes = [("F4", md.float4_e2m1fn), ("F6_E2M3", md.float6_e2m3fn),
              ("F6_E3M2", md.float6_e3m2fn), ("complex128", np.complex128),
              ("float8_e4m3b11fnuz", md.float8_e4m3b11fnuz), ("int4", md.int4)]
    for label, t in probes:
        try:
            safetensors.numpy.save({"x": np.zeros(4, dtype=t)})
            notes.append("%s: accepted by safetensors.numpy.save" % label)
        except Exception as e:  # noqa: BLE001
            notes.append("%s (%s): rejected by safetensors.numpy.save (%s)"
                         % (label, np.dtype(t).name, str(e).split(".")[0]))

    # F4 through the reference's low-level API (dtype "float4_e2m1fn_x2": storage
    # shape with two values per byte; the reference doubles the last dim in the
    # header). Nibble order is ours (low nibble first): the format does not fix it.
    codes = np.arange(16, dtype=np.uint8)
    raw = np.frombuffer(pack_f4(codes), dtype=np.uint8).copy()
    out4 = p("reference", "f4-x2.safetensors")
    meta4 = {"format": "np", "source": "tensoraudit fixtures", "nibble_order": "low nibble first"}
    spec = {"f4": TensorSpec(dtype="float4_e2m1fn_x2", shape=(2, 4), data_ptr=raw.ctypes.data,
                             data_len=raw.nbytes)}
    reference_write(lambda: safetensors.serialize_file(spec, out4, metadata=meta4), out4, meta4)
    must_accept(out4)
    exp4 = expected_for(out4)
    assert exp4["tensors"][0]["shape"] == [2, 8] and exp4["tensors"][0]["dtype"] == "F4"
    dump_json(p("expected", "f4-x2.json"), exp4)
    return notes


# ======================================================= 1b. raw-written dtypes

def gen_written():
    tensors = []
    # F4: all 16 codes, row-major [2, 8], low nibble first
    f4_vals = np.arange(16, dtype=np.uint8).view(md.float4_e2m1fn).astype(np.float64)
    f4_codes = f4_vals.astype(md.float4_e2m1fn).view(np.uint8)  # codes from ml_dtypes
    assert (f4_codes == np.arange(16)).all()
    tensors.append(("f4", "F4", (2, 8), pack_f4(f4_codes)))
    # F6: all 64 codes, in a scrambled order so a wrong bit order shows up
    order = np.array([(i * 37 + 11) % 64 for i in range(64)], dtype=np.uint8)
    assert len(set(order.tolist())) == 64
    for dtype in ("F6_E2M3", "F6_E3M2"):
        t = DTYPES[dtype][0]
        vals = order.view(t).astype(np.float64)
        codes = vals.astype(t).view(np.uint8)
        assert (codes == order).all()
        tensors.append((dtype.lower(), dtype, (4, 16), pack_f6(codes)))
    out = p("written", "other-dtypes.safetensors")
    write_raw_tensors(out, tensors, metadata={
        "format": "np", "source": "tensoraudit fixtures (raw writer)",
        "f4_order": "element i in byte i//2, low nibble first",
        "f6_order": "4 values per 3 bytes; value i at bits 6i..6i+5 of the 24-bit LE group"})
    must_accept(out)
    exp = expected_for(out)
    # values must equal ml_dtypes' decoding of the codes we packed
    want = {"f4": f4_vals, "f6_e2m3": order.view(md.float6_e2m3fn).astype(np.float64),
            "f6_e3m2": order.view(md.float6_e3m2fn).astype(np.float64)}
    for e in exp["tensors"]:
        assert e["values"] == [jfloat(v) for v in want[e["name"]]], e["name"]
    dump_json(p("expected", "other-dtypes.json"), exp)


# ================================================================ 2. toy BERT

TOY_BERT_TENSORS = {}  # filled by gen_toy_bert, split into shards by generate_sources

def gen_toy_bert():
    rng = np.random.default_rng(20240501)
    H, V, P = 64, 1000, 128

    def normal(shape, std):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    word = normal((V, H), 0.05)
    word[0] = normal((H,), 0.01)  # pad row: non-zero but small
    t = {
        "bert.embeddings.word_embeddings.weight": word,
        "bert.embeddings.position_embeddings.weight": normal((P, H), 0.05),
        "bert.embeddings.token_type_embeddings.weight": normal((2, H), 0.05),
        "bert.embeddings.LayerNorm.weight": np.ones(H, dtype=np.float32),
        "bert.embeddings.LayerNorm.bias": np.zeros(H, dtype=np.float32),
        "bert.embeddings.position_ids": np.arange(P, dtype=np.int64).reshape(1, P),
    }
    for layer in range(2):
        pre = "bert.encoder.layer.%d.attention." % layer
        for part in ("self.query", "self.key", "self.value", "output.dense"):
            t[pre + part + ".weight"] = normal((H, H), 0.05)
            if part == "output.dense":
                # intentionally constant: equal to each other and to LayerNorm.bias
                t[pre + part + ".bias"] = np.zeros(H, dtype=np.float32)
            else:
                t[pre + part + ".bias"] = normal((H,), 0.02)
    t["cls.predictions.bias"] = np.zeros(V, dtype=np.float32)
    t["cls.predictions.decoder.weight"] = word.copy()  # tied weight saved twice
    TOY_BERT_TENSORS.update(t)

    d = p("toy-bert")
    os.makedirs(d, exist_ok=True)
    model = os.path.join(d, "model.safetensors")
    meta = {"format": "pt"}
    reference_write(lambda: safetensors.numpy.save_file(t, model, metadata=meta), model, meta)
    must_accept(model)
    config = {"model_type": "bert", "architectures": ["BertForMaskedLM"], "vocab_size": V,
              "hidden_size": H, "pad_token_id": 0, "num_hidden_layers": 2}
    dump_json(os.path.join(d, "config.json"), config)

    buf, n, header = read_header(model)
    data = buf[8 + n:]
    entries = sorted(((k, v) for k, v in header.items() if k != "__metadata__"),
                     key=lambda kv: tuple(kv[1]["data_offsets"]))
    tensors, by_content, row_stats = [], {}, {}
    for name, e in entries:
        b, end = e["data_offsets"]
        raw = data[b:end]
        tensors.append({"name": name, "dtype": e["dtype"], "shape": e["shape"],
                        "data_offsets": [b, end], "sha256": hashlib.sha256(raw).hexdigest()})
        by_content.setdefault((e["dtype"], tuple(e["shape"]), raw), []).append(name)
        if len(e["shape"]) == 2:
            arr = np.frombuffer(raw, dtype=DTYPES[e["dtype"]][0]).reshape(e["shape"])
            arr = arr.astype(np.float64)
            rows = []
            for r in range(min(5, arr.shape[0])):
                x = arr[r]
                rows.append({"row": r, "l2_norm": float(np.sqrt(np.sum(x * x))),
                             "mean": float(np.mean(x)), "std": float(np.std(x)),
                             "min": float(np.min(x)), "max": float(np.max(x))})
            row_stats[name] = rows
    groups = sorted(sorted(v) for v in by_content.values() if len(v) > 1)

    wname = "bert.embeddings.word_embeddings.weight"
    e = header[wname]
    b, end = e["data_offsets"]
    w = np.frombuffer(data[b:end], dtype=np.float32).reshape(e["shape"]).astype(np.float64)
    assert (w.astype(np.float32) == word).all()
    norms = np.sqrt(np.sum(w * w, axis=1))
    pad = config["pad_token_id"]
    pad_norm = norms[pad]
    pad_rank = 1 + int(np.sum(norms < pad_norm)) + int(np.sum(norms[:pad] == pad_norm))
    expected = {
        "model_file": "toy-bert/model.safetensors",
        "metadata": header.get("__metadata__"),
        "header_length": n,
        "tensors": tensors,
        "identical_groups": groups,
        "word_embeddings": {
            "name": wname,
            "rows": int(w.shape[0]),
            "cols": int(w.shape[1]),
            "pad_token_id": pad,
            "pad_row_norm": float(pad_norm),
            "pad_rank": pad_rank,
            "norm_mean": float(np.mean(norms)),
            "norm_median": float(np.median(norms)),
            "norm_min": float(np.min(norms)),
            "norm_max": float(np.max(norms)),
            "norm_std": float(np.std(norms)),
        },
        "row_stats": row_stats,
    }
    dump_json(p("expected", "toy-bert.json"), expected)
    return groups, pad_rank


# ============================================================ 3. dtype tables

TABLES = [
    ("F16", np.float16, 65536, "numpy.float16"),
    ("BF16", md.bfloat16, 65536, "ml_dtypes.bfloat16"),
    ("F8_E4M3", md.float8_e4m3fn, 256, "ml_dtypes.float8_e4m3fn"),
    ("F8_E5M2", md.float8_e5m2, 256, "ml_dtypes.float8_e5m2"),
    ("F8_E8M0", md.float8_e8m0fnu, 256, "ml_dtypes.float8_e8m0fnu"),
    ("F8_E4M3FNUZ", md.float8_e4m3fnuz, 256, "ml_dtypes.float8_e4m3fnuz"),
    ("F8_E5M2FNUZ", md.float8_e5m2fnuz, 256, "ml_dtypes.float8_e5m2fnuz"),
    ("F4", md.float4_e2m1fn, 16, "ml_dtypes.float4_e2m1fn"),
    ("F6_E2M3", md.float6_e2m3fn, 64, "ml_dtypes.float6_e2m3fn"),
    ("F6_E3M2", md.float6_e3m2fn, 64, "ml_dtypes.float6_e3m2fn"),
]


def gen_tables():
    d = p("dtype-tables")
    os.makedirs(d, exist_ok=True)
    lines = []
    for name, t, count, src in TABLES:
        code_t = np.uint16 if count == 65536 else np.uint8
        with np.errstate(invalid="ignore"):  # NaN codes
            vals = np.arange(count, dtype=code_t).view(t).astype(np.float64)
        write(os.path.join(d, name + ".f64"), vals.astype("<f8").tobytes())
        lines.append("| `%s.f64` | %d | `%s` | %d |" % (name, count, src, int(np.isnan(vals).sum())))
    readme = """# Decode tables

Each `<DTYPE>.f64` file is the exhaustive decode table of one safetensors dtype: for
code `c = 0 .. count-1` (the raw bit pattern: the little-endian u16 for F16/BF16, the byte
for F8, the low 4 or 6 bits for F4/F6), bytes `8c ..< 8c+8` hold the decoded value as a
little-endian IEEE-754 float64 (NaN codes decode to a NaN; compare with `isNaN`, not by
bits; signed zeros keep their sign). Ground truth comes from numpy %s and ml_dtypes %s
(`np.arange(count).view(type).astype(float64)`), written by `TestData/generate.py`.

| file | codes | source type | NaN codes |
|---|---|---|---|
%s
""" % (np.__version__, md.__version__, "\n".join(lines))
    write(os.path.join(d, "README.md"), readme.encode("utf-8"))


# ================================================================= 4. bad

X8 = struct.pack("<2f", 1.0, 2.0)  # data for one F32 [2] tensor
ENT = '{"dtype":"F32","shape":[2],"data_offsets":[0,8]}'


def ent(dtype="F32", shape="[2]", offs="[0,8]", extra=""):
    return '{"dtype":"%s","shape":%s,"data_offsets":%s%s}' % (dtype, shape, offs, extra)


def bad_cases():
    U64MAX = 2**64 - 1
    deep = "[" * 10000 + "]" * 10000
    S = U64MAX // 9  # 9 tensors of S bytes: last end = 9*S < 2^64, 8 + N + 9*S overflows
    near = "{" + ",".join('"t%d":%s' % (i, ent("U8", "[%d]" % S, "[%d,%d]" % (i * S, (i + 1) * S)))
                          for i in range(9)) + "}"
    return [
        # kind, case, bytes, description
        ("header-too-small", "empty", b"", "empty file (0 bytes)"),
        ("header-too-small", "one-byte", b"\x00", "1-byte file"),
        ("header-too-small", "seven-bytes", b"\x08\x00\x00\x00\x00\x00\x00",
         "7-byte file, truncated length field"),
        ("header-too-large", "n-2pow64-minus-1", st_bytes("{}", n=U64MAX),
         "N = 2^64-1 (would overflow 8+N)"),
        ("header-too-large", "n-2pow63", st_bytes("{}", n=2**63), "N = 2^63"),
        ("header-too-large", "n-100000001", st_bytes("{}", n=100000001),
         "N = 100,000,001, one above the reference cap"),
        ("invalid-header-length", "n-beyond-file", st_bytes("{}", n=64),
         "N = 64 but only 8 header bytes follow"),
        ("invalid-header-length", "n-100000000-short-file", st_bytes("{}", n=100000000),
         "N = 100,000,000 (exactly the cap, allowed) but the file is 16 bytes"),
        ("invalid-utf8", "bad-byte-in-name", st_bytes(b'{"x\xff":' + ENT.encode() + b"}", X8),
         "0xFF byte inside a tensor name"),
        ("invalid-utf8", "overlong-encoding",
         st_bytes(b'{"__metadata__":{"k":"\xc0\xaf"},"x":' + ENT.encode() + b"}", X8),
         "overlong 2-byte encoding of '/' (C0 AF) in a metadata value"),
        ("invalid-utf8", "encoded-surrogate",
         st_bytes(b'{"x\xed\xa0\x80":' + ENT.encode() + b"}", X8),
         "UTF-8-encoded surrogate U+D800 (ED A0 80) in a tensor name"),
        ("invalid-json", "trailing-comma", st_bytes('{"x":%s,}' % ENT, X8),
         "trailing comma after the last entry"),
        ("invalid-json", "comment", st_bytes('{/* c */"x":%s}' % ENT, X8), "C comment"),
        ("invalid-json", "nul-padding", st_bytes('{"x":%s}' % ENT, X8, pad=b"\x00"),
         "header padded with NUL bytes instead of spaces"),
        ("invalid-json", "bom", st_bytes(b"\xef\xbb\xbf" + ('{"x":%s}' % ENT).encode(), X8),
         "UTF-8 byte-order mark before the object"),
        ("invalid-json", "trailing-garbage", st_bytes('{"x":%s} garbage' % ENT, X8),
         "non-whitespace after the object"),
        ("invalid-json", "nan-literal", st_bytes('{"x":%s}' % ent(extra=',"extra":NaN'), X8),
         "NaN literal in an (ignored) extra field"),
        ("invalid-json", "top-level-array", st_bytes("[%s]" % ENT, X8),
         "top-level array instead of an object"),
        ("invalid-json", "empty-header", st_bytes(b"", pad=None),
         "N = 0: exactly 8 bytes, empty JSON text"),
        ("invalid-json", "lone-surrogate", st_bytes('{"x\\ud800":%s}' % ENT, X8),
         "lone high-surrogate escape \\ud800 in a tensor name"),
        ("limit-exceeded", "deep-nesting",
         st_bytes('{"x":%s}' % ent(extra=',"extra":' + deep), X8),
         "10,000 nested arrays (balanced) in an ignored extra field; the reference's JSON "
         "depth limit (128) rejects it; our limit is 64"),
        ("duplicate-key", "same-tensor-same-offsets", st_bytes('{"x":%s,"x":%s}' % (ENT, ENT), X8),
         "tensor key twice with identical entries (reference: last wins)"),
        ("duplicate-key", "same-tensor-different-offsets",
         st_bytes('{"x":%s,"x":%s}' % (ENT, ent(offs="[8,16]")), X8 + X8),
         "tensor key twice, second entry at [8,16] (reference reports InvalidOffset)"),
        ("duplicate-key", "metadata-twice",
         st_bytes('{"__metadata__":{"a":"1"},"__metadata__":{"b":"2"},"x":%s}' % ENT, X8),
         "__metadata__ twice"),
        ("duplicate-key", "field-twice-in-entry",
         st_bytes('{"x":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}', X8),
         "dtype field twice inside one entry"),
        ("duplicate-key", "key-twice-in-metadata",
         st_bytes('{"__metadata__":{"format":"pt","format":"np"},"x":%s}' % ENT, X8),
         "same key twice inside __metadata__ (reference: last wins)"),
        ("unknown-dtype", "unknown", st_bytes('{"x":%s}' % ent("Q4_K", "[8]"), X8),
         'dtype "Q4_K"'),
        ("unknown-dtype", "lowercase-f32", st_bytes('{"x":%s}' % ent("f32"), X8),
         'dtype "f32" (dtype strings are case-sensitive)'),
        ("unknown-dtype", "empty-string", st_bytes('{"x":%s}' % ent(""), X8), 'dtype ""'),
        ("invalid-entry", "entry-is-string", st_bytes('{"x":"F32"}'), "entry is a string"),
        ("invalid-entry", "missing-field", st_bytes('{"x":{"dtype":"F32","shape":[2]}}', X8),
         "entry without data_offsets"),
        ("invalid-entry", "three-offsets", st_bytes('{"x":%s}' % ent(offs="[0,8,8]"), X8),
         "data_offsets with 3 elements"),
        ("invalid-entry", "dim-minus-one", st_bytes('{"x":%s}' % ent(shape="[-1]"), X8),
         "shape dim -1"),
        ("invalid-entry", "dim-float", st_bytes('{"x":%s}' % ent(shape="[2,1.0]"), X8),
         "shape dim 1.0 (would be valid if read as 1)"),
        ("invalid-entry", "dim-exponent", st_bytes('{"x":%s}' % ent(shape="[2,1e0]"), X8),
         "shape dim 1e0 (would be valid if read as 1)"),
        ("invalid-entry", "dim-negative-zero", st_bytes('{"x":%s}' % ent(shape="[-0]", offs="[0,0]")),
         "shape dim -0 (would be valid if read as 0)"),
        ("invalid-entry", "dim-2pow64",
         st_bytes('{"x":%s}' % ent(shape="[18446744073709551616]", offs="[0,0]")),
         "shape dim 2^64 (does not fit u64)"),
        ("invalid-metadata", "value-number",
         st_bytes('{"__metadata__":{"format":"pt","step":1000},"x":%s}' % ENT, X8),
         "metadata value is a number"),
        ("invalid-metadata", "value-object",
         st_bytes('{"__metadata__":{"a":{"b":"c"}},"x":%s}' % ENT, X8),
         "metadata value is an object"),
        ("invalid-metadata", "metadata-is-string", st_bytes('{"__metadata__":"pt","x":%s}' % ENT, X8),
         "__metadata__ is a string"),
        ("invalid-metadata", "metadata-as-tensor", st_bytes('{"__metadata__":%s}' % ENT, X8),
         "__metadata__ used as a tensor entry (upstream #849)"),
        ("invalid-offset", "nonzero-start", st_bytes('{"x":%s}' % ent(offs="[4,12]"), X8 + b"\0" * 4),
         "first tensor starts at 4"),
        ("invalid-offset", "hole",
         st_bytes('{"x":%s,"y":%s}' % (ENT, ent(offs="[12,20]")), X8 + b"\0" * 4 + X8),
         "4-byte hole between x [0,8] and y [12,20]"),
        ("invalid-offset", "overlap",
         st_bytes('{"x":%s,"y":%s}' % (ENT, ent(offs="[4,12]")), X8 + b"\0" * 4),
         "x [0,8] and y [4,12] overlap"),
        ("invalid-offset", "shared-range", st_bytes('{"x":%s,"y":%s}' % (ENT, ENT), X8),
         "two different tensors on the same range [0,8]"),
        ("invalid-offset", "end-before-begin",
         st_bytes('{"x":%s,"y":%s}' % (ENT, ent(shape="[0]", offs="[8,4]")), X8),
         "y has data_offsets [8,4]"),
        ("overflow", "element-count",
         st_bytes('{"x":%s}' % ent("U8", "[4,9223372036854775807]"), X8),
         "U8 [4, 2^63-1]: element count overflows u64"),
        ("overflow", "bit-count",
         st_bytes('{"x":%s}' % ent("I32", "[2,9223372036854775807]"), X8),
         "I32 [2, 2^63-1]: elements fit u64, elements x 32 bits overflow"),
        ("misaligned-slice", "f4-odd-count", st_bytes('{"x":%s}' % ent("F4", "[3]", "[0,2]"), b"\0\0"),
         "F4 [3]: 12 bits"),
        ("misaligned-slice", "f6-count-not-multiple-of-4",
         st_bytes('{"x":%s}' % ent("F6_E2M3", "[6]", "[0,5]"), b"\0" * 5), "F6_E2M3 [6]: 36 bits"),
        ("size-mismatch", "span-too-large",
         st_bytes('{"x":%s}' % ent(offs="[0,12]"), X8 + b"\0" * 4), "F32 [2] with a 12-byte span"),
        ("size-mismatch", "span-too-small", st_bytes('{"x":%s}' % ent(offs="[0,4]"), X8[:4]),
         "F32 [2] with a 4-byte span"),
        ("size-mismatch", "f4-span", st_bytes('{"x":%s}' % ent("F4", "[4]", "[0,4]"), b"\0" * 4),
         "F4 [4] needs 2 bytes, span is 4 (bytes counted per element)"),
        ("size-mismatch", "f6-span", st_bytes('{"x":%s}' % ent("F6_E3M2", "[4]", "[0,4]"), b"\0" * 4),
         "F6_E3M2 [4] needs 3 bytes, span is 4"),
        ("incomplete-buffer", "trailing-bytes", st_bytes('{"x":%s}' % ENT, X8 + b"PK\x05\x06"),
         "4 bytes after the last tensor (polyglot)"),
        ("incomplete-buffer", "data-short", st_bytes('{"x":%s}' % ENT, X8[:4]),
         "last end is 8 but only 4 data bytes"),
        ("incomplete-buffer", "offsets-near-2pow64", st_bytes(near),
         "9 U8 tensors of (2^64-1)//9 bytes, contiguous; last end = 2^64-7, 8+N+end "
         "overflows u64 (must not wrap)"),
    ]


VARYING_NAME = {"invalid-offset--shared-range.safetensors"}


def gen_bad():
    d = p("bad")
    os.makedirs(d, exist_ok=True)
    rows, errs, surprises = [], [], []
    cases = bad_cases()
    names = ["%s--%s.safetensors" % (k, c) for k, c, _, _ in cases]
    assert len(names) == len(set(names))
    for (kind, case, content, desc), fname in zip(cases, names):
        path = os.path.join(d, fname)
        write(path, content)
        verdict, msg = reference_load(path)
        if fname in VARYING_NAME:
            # the reference sorts entries with equal (begin, end) in HashMap order,
            # so which of the tied names it reports varies from run to run
            msg = re.sub(r"tensor `[^`]*`", "tensor `x` or `y` (varies per run)", msg)
        rows.append("%s\t%s\t%s\t%s" % (fname, kind, verdict, desc))
        errs.append("%s\t%s\t%s" % (fname, verdict, msg))
        if verdict == "accepts":
            surprises.append(fname)
    write(os.path.join(d, "expected.tsv"),
          ("file\tkind\treference\tdescription\n" + "\n".join(rows) + "\n").encode("utf-8"))
    write(os.path.join(d, "reference-errors.tsv"),
          ("file\treference\treference_error\n" + "\n".join(errs) + "\n").encode("utf-8"))
    return surprises, len(cases)


# ================================================================= 5. edge

def gen_edge():
    f = struct.pack("<2f", 1.0, -2.0)
    cases = {
        "metadata-null": st_bytes('{"__metadata__":null,"x":%s}' % ENT, f),
        "metadata-empty": st_bytes('{"__metadata__":{},"x":%s}' % ENT, f),
        "leading-whitespace": st_bytes(' \n{"__metadata__":{"format":"pt"},"x":%s}' % ENT, f),
        "whitespace-padding": st_bytes('{"x":%s}\t\r\n' % ENT, f, pad=b"\n\t"),
        "empty-header": st_bytes("{}"),
        "empty-header-unpadded": st_bytes("{}", pad=None),
        "extra-field": st_bytes(
            '{"x":%s}' % ent(extra=',"quantization":{"bits":4,"group":[1,2]},"note":"ignored"'), f),
        "unicode-names": None,  # built below
        "unpadded-header": st_bytes('{"__metadata__":{"format":"pt"},"x":%s}' % ENT, f, pad=None),
        "unsorted-entries": st_bytes(
            '{"c":%s,"b":%s,"a":%s,"__metadata__":{"order":"reverse"}}'
            % (ent("U8", "[2]", "[12,14]"), ent("I32", "[1]", "[8,12]"), ENT),
            f + struct.pack("<i", -7) + b"\x01\xff"),
        "empty-tensors": None,
        "odd-names": None,
        "equivalent-names": None,
    }
    # names with escapes (\u00e9, surrogate pair, \u0041, \" \\ \/) and one raw UTF-8 name
    uni_names = ['caf\\u00e9', '\\ud83d\\ude00', '\\u0041BC', 'q\\"b\\\\s\\/', 'na\u00efve']
    hdr = "{" + ",".join('"%s":%s' % (nm, ent("U8", "[1]", "[%d,%d]" % (i, i + 1)))
                         for i, nm in enumerate(uni_names)) + "}"
    cases["unicode-names"] = st_bytes(hdr, bytes([10, 20, 30, 40, 50]))
    # several empty tensors at one offset, a scalar at an unaligned offset
    hdr = ('{"a":%s,"e1":%s,"e2":%s,"e3":%s,"b":%s,"e4":%s,"s":%s}'
           % (ENT, ent("F32", "[0]", "[8,8]"), ent("I64", "[0,3]", "[8,8]"),
              ent("BF16", "[5,0]", "[8,8]"), ent("U8", "[3]", "[8,11]"),
              ent("F16", "[0]", "[11,11]"), ent("F64", "[]", "[11,19]")))
    cases["empty-tensors"] = st_bytes(hdr, f + b"\x01\x02\x03" + struct.pack("<d", -0.1))
    # names a reader must load but report/escape: NUL, ESC sequence, path segments, long
    long_name = "layer." * 60 + "weight"
    odd = ["a\\u0000b", "\\u001b[31mred\\u001b[0m", "../../etc/passwd", long_name]
    hdr = "{" + ",".join('"%s":%s' % (nm, ent("U8", "[1]", "[%d,%d]" % (i, i + 1)))
                         for i, nm in enumerate(odd)) + "}"
    cases["odd-names"] = st_bytes(hdr, b"\x01\x02\x03\x04")
    # canonically equivalent but different bytes: precomposed (escaped) and decomposed (raw
    # UTF-8) "cafe" with an acute accent; names are byte strings, so these are two tensors
    equivalent = ['caf\\u00e9', 'cafe\u0301']
    hdr = "{" + ",".join('"%s":%s' % (nm, ent("U8", "[1]", "[%d,%d]" % (i, i + 1)))
                         for i, nm in enumerate(equivalent)) + "}"
    cases["equivalent-names"] = st_bytes(hdr, b"\x07\x09")

    d = p("edge")
    os.makedirs(d, exist_ok=True)
    for name, content in cases.items():
        path = os.path.join(d, name + ".safetensors")
        write(path, content)
        must_accept(path)
        dump_json(p("expected", "edge-%s.json" % name), expected_for(path))
    return sorted(cases)



# ============================================================= 6. analysis

def values64(dtype, shape, raw):
    """Raw bytes -> float64 numpy array of the logical values (row-major)."""
    arr = unpack(dtype, shape, raw)
    if dtype == "BOOL":
        arr = arr.view(np.uint8)
    with np.errstate(invalid="ignore", over="ignore"):
        return arr.astype(np.float64)


def rows_of(shape, arr):
    if arr.size == 0:
        return []
    if len(shape) <= 1:
        return [arr.reshape(-1)]
    return list(arr.reshape(shape[0], -1))


def row_stats(x):
    with np.errstate(invalid="ignore", over="ignore"):
        finite = x[~np.isnan(x)]
        return {
            "l2_norm": jfloat(np.sqrt(np.sum(x * x))),
            "mean": jfloat(np.mean(x)),
            "std": jfloat(np.std(x)),
            "min": jfloat(np.min(finite)) if finite.size else "NaN",
            "max": jfloat(np.max(finite)) if finite.size else "NaN",
            "nan": int(np.isnan(x).sum()),
            "pos_inf": int((x == np.inf).sum()),
            "neg_inf": int((x == -np.inf).sum()),
            "zero": bool((x == 0).all()),
        }


def row_summary(rows, raw_rows):
    """Summary of a tensor's rows, by the definitions in the README, with numpy."""
    with np.errstate(invalid="ignore", over="ignore"):
        norms = np.array([np.sqrt(np.sum(x * x)) for x in rows])
    fin = np.where(np.isfinite(norms))[0]
    out = {"zero_rows": [i for i, x in enumerate(rows) if (x == 0).all()],
           "nan_rows": [i for i, x in enumerate(rows) if np.isnan(x).any()],
           "inf_rows": [i for i, x in enumerate(rows) if np.isinf(x).any()]}
    if fin.size:
        v = norms[fin]
        med = float(np.median(v))
        mad = float(np.median(np.abs(v - med)))
        out["norm"] = {"count": int(v.size), "mean": float(np.mean(v)), "std": float(np.std(v)), "median": med,
                       "min": float(v.min()), "argmin": int(fin[int(np.argmin(v))]),
                       "max": float(v.max()), "argmax": int(fin[int(np.argmax(v))]),
                       "quantiles": {"p%02d" % round(q * 100): float(np.quantile(v, q))
                                     for q in (0.01, 0.05, 0.25, 0.75, 0.95, 0.99)}}
        out["norm_mad"] = mad
        # README "rows": modified z-score beyond 3.5 and at least 5% of the median away.
        out["outliers"] = sorted(int(fin[k]) for k in range(v.size)
                                 if mad > 0 and abs(0.6745 * (v[k] - med) / mad) > 3.5
                                 and abs(v[k] - med) >= 0.05 * med)
    else:
        out["norm"] = None
        out["outliers"] = []
    groups = {}
    for i, r in enumerate(raw_rows):
        if any(r):  # all-zero-bit rows are listed as zero rows, not duplicates
            groups.setdefault(r, []).append(i)
    out["duplicate_groups"] = sorted(g for g in groups.values() if len(g) > 1)
    return out


def raw_rows_of(dtype, shape, raw):
    """Each row's element codes as a hashable tuple (bytes for whole-byte dtypes)."""
    count = int(np.prod(shape, dtype=object)) if shape else 1
    if count == 0:
        return []
    nrows = 1 if len(shape) <= 1 else shape[0]
    if dtype == "F4":
        codes = unpack_f4(raw, count)
    elif dtype in ("F6_E2M3", "F6_E3M2"):
        codes = unpack_f6(raw, count)
    else:
        codes = np.frombuffer(raw, dtype=np.uint8).reshape(count, -1)
    codes = np.asarray(codes).reshape(nrows, -1)
    return [tuple(int(c) for c in r) for r in codes]


def stats_tensors():
    rng = np.random.default_rng(7)
    out = []
    float_types = ["F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "F8_E4M3FNUZ", "F8_E5M2FNUZ",
                   "F8_E8M0"]
    L = 37
    for dtype in float_types:
        t = DTYPES[dtype][0]
        has = lambda v: bool(np.isnan(v)) == bool(np.isnan(np.array([v]).astype(t).astype(np.float64)[0])) and (  # noqa: E731
            np.isnan(v) or np.array([v]).astype(t).astype(np.float64)[0] == v)
        base = rng.standard_normal(L) * 0.5
        if dtype == "F8_E8M0":
            base = 2.0 ** rng.integers(-4, 4, L)
        rows = [base, np.full(L, 2.0), np.zeros(L)]
        rows.append(np.full(L, -0.0) if dtype not in ("F8_E4M3FNUZ", "F8_E5M2FNUZ", "F8_E8M0") else np.full(L, 4.0))
        r = rng.standard_normal(L) if dtype != "F8_E8M0" else 2.0 ** rng.integers(-4, 4, L)
        if has(float("nan")):
            r[5] = float("nan")
        rows.append(r)
        r = rng.standard_normal(L) * 2 if dtype != "F8_E8M0" else 2.0 ** rng.integers(-4, 4, L)
        if has(float("inf")):
            r[3] = float("inf")
            r[10] = float("-inf")
        rows.append(r)
        rows.append(base.copy())
        big = rng.standard_normal(L) * 8 if dtype != "F8_E8M0" else np.full(L, 64.0)
        rows.append(big)
        with np.errstate(invalid="ignore", over="ignore"):
            arr = np.array(rows).astype(t)
        out.append(("rows_" + dtype.lower(), dtype, arr.shape, arr.tobytes()))
    # packed formats: codes chosen directly (F4 code 8 is -0.0)
    f4 = rng.integers(0, 16, (4, 36)).astype(np.uint8)
    f4[1] = 0
    f4[2] = 8
    f4[3] = f4[0]
    out.append(("rows_f4", "F4", (4, 36), pack_f4(f4.reshape(-1))))
    odd = rng.integers(1, 8, (4, 5)).astype(np.uint8)
    odd[3] = odd[1]  # rows 1 and 3 start in the middle of a byte
    out.append(("rows_f4_odd", "F4", (4, 5), pack_f4(odd.reshape(-1))))
    for dtype in ("F6_E2M3", "F6_E3M2"):
        c = rng.integers(0, 64, (4, 36)).astype(np.uint8)
        c[1] = 0
        c[2] = 32
        c[3] = c[0]
        out.append(("rows_" + dtype.lower(), dtype, (4, 36), pack_f6(c.reshape(-1))))
    for dtype in sorted(INT_DTYPES):
        t = DTYPES[dtype][0]
        info = np.iinfo(t)
        lo, hi = max(int(info.min), -1000), min(int(info.max), 1000)
        a = rng.integers(lo, hi, (4, L)).astype(t)
        a[1] = 0
        a[3] = a[0]
        a[2, 0] = info.max
        a[2, 1] = info.min
        out.append(("rows_" + dtype.lower(), dtype, (4, L), a.tobytes()))
    out.append(("rows_bool", "BOOL", (3, 8), np.array([[1, 0] * 4, [0] * 8, [1, 0] * 4], dtype=np.uint8).tobytes()))
    # long rows: several 2048-element chunks and a tail; numerically hard rows
    long = rng.standard_normal((6, 5000)).astype(np.float32)
    long[1] = 1000.0                                   # constant: std exactly 0
    long[2] = (1e4 + rng.standard_normal(5000) * 1e-2).astype(np.float32)  # large mean, small spread
    long[3, 4321] = np.nan
    long[4] = 0.0
    long[5, 17] = np.inf
    out.append(("long_f32", "F32", (6, 5000), long.tobytes()))
    d = rng.standard_normal((3, 3000))
    d[0] = 1e6 + d[0] * 1e-3
    d[1] = 1000.0
    out.append(("long_f64", "F64", (3, 3000), d.tobytes()))
    out.append(("vec_bf16", "BF16", (100,), (rng.standard_normal(100)).astype(md.bfloat16).tobytes()))
    out.append(("scalar_f64", "F64", (), np.array(-2.5).tobytes()))
    out.append(("empty_f32", "F32", (0, 4), b""))
    out.append(("complex", "C64", (2, 2), np.arange(4, dtype=np.complex64).tobytes()))
    return out


def gen_analysis():
    d = p("analysis")
    # 1. row statistics for every dtype
    tensors = stats_tensors()
    path = os.path.join(d, "stats.safetensors")
    write_raw_tensors(path, tensors, metadata={"format": "np"})
    must_accept(path)
    expected = {}
    for name, dtype, shape, raw in tensors:
        if dtype == "C64":
            continue
        shape = list(shape)
        arr = values64(dtype, shape, raw)
        rows = rows_of(shape, arr)
        raws = raw_rows_of(dtype, shape, raw)
        entry = {"dtype": dtype, "shape": shape, "rows": []}
        for i, x in enumerate(rows):
            st = row_stats(x)
            st["row"] = i
            st["zero_bits"] = not any(raws[i])
            entry["rows"].append(st)
        entry["summary"] = row_summary(rows, raws)
        expected[name] = entry
    dump_json(p("expected", "analysis-stats.json"), {"file": "analysis/stats.safetensors", "tensors": expected})

    # 2. a GPT-2-like toy: causal-mask buffers in every layer, no pad token, no lm_head
    rng = np.random.default_rng(11)
    V, H, P, N = 50, 8, 16, 3
    mask = np.tril(np.ones((P, P), dtype=np.float32)).reshape(1, 1, P, P)
    g = {"wte.weight": rng.standard_normal((V, H)).astype(np.float32),
         "wpe.weight": rng.standard_normal((P, H)).astype(np.float32)}
    for i in range(N):
        g["h.%d.attn.bias" % i] = mask.copy()
        g["h.%d.attn.c_attn.weight" % i] = rng.standard_normal((H, 3 * H)).astype(np.float32)
        g["h.%d.ln_1.bias" % i] = np.zeros(H, dtype=np.float32)
    gd = os.path.join(d, "gpt2-toy")
    os.makedirs(gd, exist_ok=True)
    gpath = os.path.join(gd, "model.safetensors")
    reference_write(lambda: safetensors.numpy.save_file(g, gpath, metadata={"format": "pt"}), gpath, {"format": "pt"})
    must_accept(gpath)
    dump_json(os.path.join(gd, "config.json"), {"model_type": "gpt2", "vocab_size": V, "n_embd": H,
                                                "pad_token_id": None, "bos_token_id": 0})

    # 3. ties: alias metadata, identical layers, a single-bit difference, same bytes under another
    #    shape/dtype, repeated buffers, constant and empty tensors
    rng = np.random.default_rng(12)
    emb = rng.standard_normal((32, 8)).astype(np.float32)
    mlp = rng.standard_normal((8, 8)).astype(np.float32)
    attn = rng.standard_normal((8, 8)).astype(np.float32)
    attn_bit = attn.copy().view(np.uint32)
    attn_bit[3, 5] ^= 1  # one bit of one element
    inv = (1.0 / 10000 ** (np.arange(0, 8, 2) / 8)).astype(np.float32)
    view = rng.standard_normal((4, 8)).astype(np.float32)
    tt = [("model.embed_tokens.weight", "F32", (32, 8), emb.tobytes()),
          ("lm_head.weight", "F32", (32, 8), emb.tobytes()),
          ("model.layers.0.mlp.weight", "F32", (8, 8), mlp.tobytes()),
          ("model.layers.1.mlp.weight", "F32", (8, 8), mlp.tobytes()),
          ("model.layers.0.attn.weight", "F32", (8, 8), attn.tobytes()),
          ("model.layers.1.attn.weight", "F32", (8, 8), attn_bit.tobytes()),
          ("model.layers.0.norm.bias", "F32", (8,), np.zeros(8, np.float32).tobytes()),
          ("model.layers.1.norm.bias", "F32", (8,), np.zeros(8, np.float32).tobytes()),
          ("model.layers.0.rotary.inv_freq", "F32", (4,), inv.tobytes()),
          ("model.layers.1.rotary.inv_freq", "F32", (4,), inv.tobytes()),
          ("extra.a", "F32", (4, 8), view.tobytes()),
          ("extra.b", "F32", (8, 4), view.tobytes()),
          ("extra.c", "I32", (32,), view.tobytes()),
          ("empty.a", "F32", (0,), b""),
          ("empty.b", "F32", (0,), b""),
          ("empty.c", "BF16", (0, 3), b"")]
    meta = {"format": "pt", "model.decoder.embed_tokens.weight": "model.embed_tokens.weight",
            "note": "not an alias: no tensor has this name"}
    tpath = os.path.join(d, "ties.safetensors")
    write_raw_tensors(tpath, tt, metadata=meta)
    must_accept(tpath)
    by = {}
    for name, dtype, shape, raw in tt:
        if raw:
            by.setdefault(raw, []).append((name, dtype, list(shape)))
    groups, same = [], []
    for raw, members in by.items():
        layouts = {}
        for name, dtype, shape in members:
            layouts.setdefault((dtype, tuple(shape)), []).append(name)
        for (dtype, shape), names in layouts.items():
            if len(names) > 1:
                groups.append({"tensors": sorted(names), "dtype": dtype, "shape": list(shape), "nbytes": len(raw)})
        if len(layouts) > 1:
            same.append({"tensors": sorted(m[0] for m in members), "nbytes": len(raw)})
    empties = {}
    for name, dtype, shape, raw in tt:
        if not raw:
            empties.setdefault((dtype, tuple(shape)), []).append(name)
    for (dtype, shape), names in empties.items():
        if len(names) > 1:
            groups.append({"tensors": sorted(names), "dtype": dtype, "shape": list(shape), "nbytes": 0})
    groups.sort(key=lambda g: g["tensors"][0])
    wasted = sum(g["nbytes"] * (len(g["tensors"]) - 1) for g in groups)
    dump_json(p("expected", "analysis-ties.json"), {
        "file": "analysis/ties.safetensors", "groups": groups, "same_bytes": same,
        "aliases": {"model.decoder.embed_tokens.weight": "model.embed_tokens.weight"}, "wasted_bytes": wasted})

    # 4. padding: BF16 embedding whose pad row (1) is -0.0, untied; an untied lm_head
    rng = np.random.default_rng(13)
    V, H = 64, 16
    e = rng.standard_normal((V, H)).astype(md.bfloat16)
    e[1] = -0.0
    head = rng.standard_normal((V, H)).astype(md.bfloat16)
    pd = os.path.join(d, "pad-bf16")
    os.makedirs(pd, exist_ok=True)
    ppath = os.path.join(pd, "model.safetensors")
    pt = {"model.embed_tokens.weight": e, "lm_head.weight": head}
    reference_write(lambda: safetensors.numpy.save_file(pt, ppath, metadata={"format": "pt"}), ppath, {"format": "pt"})
    must_accept(ppath)
    dump_json(os.path.join(pd, "config.json"), {"model_type": "llama", "vocab_size": V, "hidden_size": H,
                                                "pad_token_id": 1, "tie_word_embeddings": False})
    pads = {}
    for label, fpath, name, pad in [("pad-bf16", ppath, "model.embed_tokens.weight", 1),
                                    ("pad-bf16-lm_head", ppath, "lm_head.weight", 1),
                                    ("gpt2-toy-wte-pad-3", gpath, "wte.weight", 3),
                                    ("ties-embed-assumed-0", tpath, "model.embed_tokens.weight", 0)]:
        buf, n, header = read_header(fpath)
        ent = header[name]
        b, end = ent["data_offsets"]
        w = values64(ent["dtype"], ent["shape"], buf[8 + n + b:8 + n + end]).reshape(ent["shape"])
        norms = np.sqrt(np.sum(w * w, axis=1))
        pn = norms[pad]
        pads[label] = {"tensor": name, "pad_id": pad, "row_norm": float(pn), "rows": int(w.shape[0]),
                       "rank": 1 + int(np.sum(norms < pn)) + int(np.sum(norms[:pad] == pn)),
                       "is_zero": bool((w[pad] == 0).all()),
                       "is_zero_bits": not any(buf[8 + n + b:8 + n + end][pad * len(w[0]) * (2 if ent["dtype"] == "BF16" else 4):
                                                                         (pad + 1) * len(w[0]) * (2 if ent["dtype"] == "BF16" else 4)]),
                       "norm_mean": float(np.mean(norms)), "norm_median": float(np.median(norms)),
                       "norm_min": float(np.min(norms)), "norm_max": float(np.max(norms)),
                       "norm_std": float(np.std(norms))}
    dump_json(p("expected", "analysis-padding.json"), pads)
    return len(tensors)


# ================================================================= main

def main():
    import generate_sources
    for sub in OUT_DIRS + generate_sources.OUT_DIRS:
        shutil.rmtree(p(sub), ignore_errors=True)
        os.makedirs(p(sub))
    notes = gen_reference()
    gen_written()
    groups, pad_rank = gen_toy_bert()
    gen_tables()
    surprises, nbad = gen_bad()
    edge = gen_edge()
    nstats = gen_analysis()
    generate_sources.generate(sys.modules[__name__], TOY_BERT_TENSORS)
    print("safetensors %s, ml_dtypes %s, numpy %s"
          % (safetensors.__version__, md.__version__, np.__version__))
    for n in notes:
        print("  dtype probe:", n)
    print("toy-bert identical groups:", groups, "pad_rank:", pad_rank)
    print("bad files: %d; accepted by the reference: %s" % (nbad, ", ".join(surprises) or "none"))
    print("edge files:", ", ".join(edge))
    print("analysis: %d tensors in stats.safetensors" % nstats)


if __name__ == "__main__":
    main()

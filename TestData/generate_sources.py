"""Fixtures for checkpoint sources (folders, sharded indexes, zstd) and for `diff`.

Called by generate.py (which owns the shared helpers); kept in its own file so the
source fixtures can change without touching the rest of the generator.

Expectations are written by hand here (which issues a broken index must raise) or
computed with numpy (diff statistics), never by the Swift code under test.
"""

import json
import os
import shutil
import struct
import subprocess

import ml_dtypes as md
import numpy as np
import safetensors.numpy

OUT_DIRS = ["toy-bert-sharded", "sources", "diff"]


def _save(g, path, tensors, metadata=None):
    """Reference writer (single metadata key at most, so the bytes are reproducible)."""
    assert metadata is None or len(metadata) <= 1
    os.makedirs(os.path.dirname(path), exist_ok=True)
    safetensors.numpy.save_file(tensors, path, metadata=metadata)
    g.must_accept(path)


def _write_index(path, weight_map, total_size=None, raw=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if raw is None:
        meta = {} if total_size is None else {"total_size": total_size}
        raw = json.dumps({"metadata": meta, "weight_map": dict(sorted(weight_map.items()))}, indent=2) + "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(raw)


def _data_bytes(path):
    with open(path, "rb") as f:
        buf = f.read()
    n = int.from_bytes(buf[:8], "little")
    return len(buf) - 8 - n


# ------------------------------------------------------------ sharded toy BERT

def gen_toy_bert_sharded(g, tensors):
    """toy-bert split in three shards; the tied decoder copy sits in shard 3, away from the
    word embedding in shard 1, so equality checks must work across shards."""
    d = g.p("toy-bert-sharded")
    groups = {
        "model-00001-of-00003.safetensors": [k for k in tensors if k.startswith("bert.embeddings.")],
        "model-00002-of-00003.safetensors": [k for k in tensors if k.startswith("bert.encoder.")],
        "model-00003-of-00003.safetensors": [k for k in tensors if k.startswith("cls.")],
    }
    assert sum(len(v) for v in groups.values()) == len(tensors)
    weight_map, total, shards = {}, 0, []
    for shard, names in groups.items():
        path = os.path.join(d, shard)
        _save(g, path, {k: tensors[k] for k in names}, {"format": "pt"})
        total += _data_bytes(path)
        for k in names:
            weight_map[k] = shard
        _, _, header = g.read_header(path)
        shards.append({"file": shard, "tensors": sorted(k for k in header if k != "__metadata__")})
    _write_index(os.path.join(d, "model.safetensors.index.json"), weight_map, total)
    shutil.copy(g.p("toy-bert", "config.json"), os.path.join(d, "config.json"))
    g.dump_json(g.p("expected", "toy-bert-sharded.json"), {
        "index": "toy-bert-sharded/model.safetensors.index.json",
        "total_size": total,
        "shards": shards,
        "tensor_count": len(tensors),
        "tied_pair": ["bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight"],
    })


# ------------------------------------------------------------ index pitfalls

def _tiny():
    rng = np.random.default_rng(7)
    return {
        "a": rng.standard_normal((2, 3)).astype(np.float32),
        "b": rng.standard_normal(4).astype(np.float32),
        "c": np.arange(2, dtype=np.int64),
        "e": np.ones(3, dtype=np.float32),
    }


S1, S2 = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"


def _sharded_case(g, name, shard1, shard2, weight_map, total="auto", raw_index=None, meta2=None,
                  extra_files=None, index_name="model.safetensors.index.json", write_shard2=True, scale2=None):
    """`scale2`: names whose values shard 2 holds doubled (two copies that differ)."""
    d = g.p("sources", name)
    t = _tiny()
    _save(g, os.path.join(d, S1), {k: t[k] for k in shard1}, {"format": "pt"})
    if write_shard2:
        _save(g, os.path.join(d, S2), {k: t[k] * 2 if k in (scale2 or ()) else t[k] for k in shard2},
              meta2 or {"format": "pt"})
    if total == "auto":
        total = _data_bytes(os.path.join(d, S1)) + (_data_bytes(os.path.join(d, S2)) if write_shard2 else 0)
    _write_index(os.path.join(d, index_name), weight_map, total, raw_index)
    for fname, content in (extra_files or {}).items():
        _save(g, os.path.join(d, fname), {k: t[k] for k in content}, {"format": "pt"})
    return total


def gen_index_cases(g):
    """One folder per consistency finding, plus a sound one. The expected issues are
    written here by hand from docs/FORMAT.md §8."""
    cases = {}
    std = {"a": S1, "b": S1, "c": S2}

    def case(name, issues, tensors, fatal=None, **kw):
        _sharded_case(g, name, **kw)
        cases[name] = {"fatal": fatal, "issues": issues, "tensors": sorted(tensors)}

    case("sharded-ok", [], ["a", "b", "c"], shard1=["a", "b"], shard2=["c"], weight_map=std)
    case("missing-shard", [{"rule": "missing-shard", "level": "error", "tensors": ["c"]}], ["a", "b"],
         shard1=["a", "b"], shard2=["c"], weight_map=std, write_shard2=False, total=1000)
    case("index-mismatch", [{"rule": "index-mismatch", "level": "error", "tensors": ["e"]}], ["a", "b", "c"],
         shard1=["a", "b"], shard2=["c"], weight_map=dict(std, e=S1))
    case("metadata-alias", [{"rule": "metadata-alias", "level": "info", "tensors": ["a", "tied.a"]}],
         ["a", "b", "c"], shard1=["a", "b"], shard2=["c"], weight_map=dict(std, **{"tied.a": S2}),
         meta2={"tied.a": "a"})
    # A name in two shards is one tensor of the namespace: the copy transformers loads, in the
    # shard whose name sorts last (shard 2; TestData/sharded-duplicate shows it with transformers).
    case("duplicate-tensor", [{"rule": "tensor-in-two-shards", "level": "error", "tensors": ["b"]}],
         ["a", "b", "c"], shard1=["a", "b"], shard2=["b", "c"], weight_map=std, total=None)
    # `b` in both shards, the copies differ: `diff` against sharded-ok must not pass.
    case("duplicate-tensor-differs", [{"rule": "tensor-in-two-shards", "level": "error", "tensors": ["b"]}],
         ["a", "b", "c"], shard1=["a", "b"], shard2=["b", "c"], weight_map=std, total=None, scale2=["b"])
    # `c` is indexed to the missing shard 2 but stored in shard 1: read from there, and the
    # missing-shard message says so.
    case("missing-shard-held", [{"rule": "missing-shard", "level": "error", "tensors": ["c"]}], ["a", "b", "c"],
         shard1=["a", "b", "c"], shard2=["c"], weight_map=std, write_shard2=False, total=None)
    case("unindexed-tensor", [{"rule": "unindexed-tensor", "level": "warning", "tensors": ["e"]}],
         ["a", "b", "c", "e"], shard1=["a", "b"], shard2=["c", "e"], weight_map=std)
    case("stray-shard", [{"rule": "stray-shard", "level": "warning", "tensors": []}], ["a", "b", "c"],
         shard1=["a", "b"], shard2=["c"], weight_map=std, extra_files={"model-old.safetensors": ["e"]})
    dup_raw = ('{"metadata": {}, "weight_map": {"a": "%s", "b": "%s", "a": "%s", "c": "%s"}}\n'
               % (S1, S1, S2, S2))
    case("index-duplicate-key",
         [{"rule": "index-duplicate-key", "level": "error", "tensors": ["a"]},
          {"rule": "index-mismatch", "level": "error", "tensors": ["a"]}],
         ["a", "b", "c"], shard1=["a", "b"], shard2=["c"], weight_map=std, raw_index=dup_raw)
    bad_paths = dict(std, **{"x1": "../outside.safetensors", "x2": "/abs/x.safetensors", "x3": "weights.bin"})
    case("index-invalid-path",
         [{"rule": "index-invalid-path", "level": "error", "tensors": ["x1"]},
          {"rule": "index-invalid-path", "level": "error", "tensors": ["x2"]},
          {"rule": "index-invalid-path", "level": "error", "tensors": ["x3"]}],
         ["a", "b", "c"], shard1=["a", "b"], shard2=["c"], weight_map=bad_paths, total=None)
    case("total-size-invalid", [{"rule": "index-total-size", "level": "error", "tensors": []}],
         ["a", "b", "c"], shard1=["a", "b"], shard2=["c"], weight_map=std, total=1.5)
    case("total-size-impossible", [{"rule": "index-total-size", "level": "error", "tensors": []}],
         ["a", "b", "c"], shard1=["a", "b"], shard2=["c"], weight_map=std, total=10 ** 12)
    case("total-size-differs", [{"rule": "index-total-size", "level": "warning", "tensors": []}],
         ["a", "b", "c"], shard1=["a", "b"], shard2=["c"], weight_map=std, total=8)
    case("invalid-json", [], [], fatal="invalid-index", shard1=["a", "b"], shard2=["c"], weight_map=std,
         raw_index='{"weight_map": {"a": "%s",}}\n' % S1)
    case("not-an-index", [], [], fatal="invalid-index", shard1=["a", "b"], shard2=["c"], weight_map=std,
         raw_index='["%s"]\n' % S1)
    case("variant-index", [], ["a", "b", "c"], shard1=["a", "b"], shard2=["c"], weight_map=std,
         index_name="diffusion_pytorch_model.safetensors.index.json")

    # folders without an index
    t = _tiny()
    d = g.p("sources", "dir-single")
    _save(g, os.path.join(d, "weights.safetensors"), {"a": t["a"]}, {"format": "pt"})
    cases["dir-single"] = {"fatal": None, "issues": [], "tensors": ["a"]}
    d = g.p("sources", "dir-ambiguous")
    _save(g, os.path.join(d, "fp16.safetensors"), {"a": t["a"].astype(np.float16)}, {"format": "pt"})
    _save(g, os.path.join(d, "fp32.safetensors"), {"a": t["a"]}, {"format": "pt"})
    cases["dir-ambiguous"] = {"fatal": "ambiguous-directory", "issues": [], "tensors": []}
    d = g.p("sources", "dir-empty")
    os.makedirs(d, exist_ok=True)
    g.dump_json(os.path.join(d, "config.json"), {"model_type": "bert"})
    cases["dir-empty"] = {"fatal": "no-checkpoint", "issues": [], "tensors": []}
    d = g.p("sources", "dir-both")
    _save(g, os.path.join(d, "model.safetensors"), {"a": t["a"], "b": t["b"]}, {"format": "pt"})
    _write_index(os.path.join(d, "model.safetensors.index.json"), {"a": "model.safetensors"})
    cases["dir-both"] = {"fatal": None, "issues": [{"rule": "ignored-index", "level": "warning", "tensors": []}],
                         "tensors": ["a", "b"]}
    g.dump_json(g.p("expected", "sources.json"), cases)


# ------------------------------------------------------------ diff pair

def gen_diff(g):
    """An F32 checkpoint, its BF16 export, and a broken F32 variant; statistics by numpy."""
    rng = np.random.default_rng(31337)
    src = {
        "embed.weight": (rng.standard_normal((64, 32)) * 0.05).astype(np.float32),
        "layer.0.weight": (rng.standard_normal((32, 32)) * 0.05).astype(np.float32),
        "layer.0.bias": (rng.standard_normal(32) * 0.02).astype(np.float32),
        "norm.weight": np.ones(32, dtype=np.float32),
        "step": np.array(1234, dtype=np.int64),
    }
    d = g.p("diff")
    paths = {"source": os.path.join(d, "source-f32.safetensors"),
             "bf16": os.path.join(d, "export-bf16.safetensors"),
             "modified": os.path.join(d, "export-modified.safetensors")}
    _save(g, paths["source"], src, {"format": "pt"})
    bf16 = {k: (v.astype(md.bfloat16) if v.dtype == np.float32 else v) for k, v in src.items()}
    _save(g, paths["bf16"], bf16, {"format": "pt"})
    mod = dict(src)
    w = src["layer.0.weight"].copy()
    w[3, 5] += 0.5
    w[17, :] *= 1.1
    w[30, 0] -= 0.01
    mod["layer.0.weight"] = w
    del mod["norm.weight"]
    mod["layer.0.bias"] = src["layer.0.bias"].reshape(1, 32)
    mod["step"] = np.array(1234, dtype=np.int32)
    mod["extra.weight"] = np.zeros(4, dtype=np.float32)
    _save(g, paths["modified"], mod, {"format": "pt"})

    def compare(a, b, b_values=None):
        """b: tensors as stored (dtype, bytes); b_values: the same as numbers numpy can subtract."""
        b_values = b_values or b
        out = {}
        for name in sorted(set(a) & set(b)):
            x, y, stored = a[name], b_values[name], b[name]
            entry = {"dtype_a": str(x.dtype), "dtype_b": str(stored.dtype),
                     "shape_a": list(x.shape), "shape_b": list(y.shape)}
            if x.shape == y.shape:
                xa = x.astype(np.float64).reshape(-1)
                ya = y.astype(np.float64).reshape(-1)
                diff = xa - ya
                ref = float(np.sqrt(np.sum(xa * xa)))
                err = float(np.sqrt(np.sum(diff * diff)))
                entry["identical_bytes"] = bool(x.dtype == stored.dtype and x.tobytes() == stored.tobytes())
                entry["max_abs_diff"] = float(np.max(np.abs(diff))) if diff.size else 0.0
                entry["relative_l2"] = (err / ref) if ref > 0 else (0.0 if err == 0 else "Infinity")
                entry["differing_elements"] = int(np.sum(diff != 0))
                rows = x.shape[0] if x.ndim >= 2 else 1
                rd = diff.reshape(rows, -1)
                norms = np.sqrt(np.sum(rd * rd, axis=1))
                order = sorted(range(rows), key=lambda r: (-norms[r], r))
                entry["top_rows"] = [{"row": r, "l2": float(norms[r]), "max_abs": float(np.max(np.abs(rd[r])))}
                                     for r in order[:5] if norms[r] > 0]
            out[name] = entry
        return {"only_in_a": sorted(set(a) - set(b)), "only_in_b": sorted(set(b) - set(a)), "tensors": out}

    bf16_as_f32 = {k: (v.astype(np.float32) if v.dtype == md.bfloat16 else v) for k, v in bf16.items()}
    expected = {
        "source_vs_bf16": compare(src, bf16, bf16_as_f32),
        "source_vs_modified": compare(src, mod),
        "bf16_unit_roundoff": 2.0 ** -8,
    }
    for name, e in expected["source_vs_bf16"]["tensors"].items():
        if isinstance(e.get("relative_l2"), float):
            assert e["relative_l2"] <= 2.0 ** -8, (name, e["relative_l2"])
    g.dump_json(g.p("expected", "diff.json"), expected)
    return paths["source"]


# ------------------------------------------------------------ zstd

def _zstd(args, stdin=None):
    return subprocess.run(["zstd", "-q", "--no-progress"] + args, input=stdin, check=True,
                          capture_output=True).stdout


def gen_zstd(g, source):
    """zstd fixtures made with the zstd CLI (deterministic for a given zstd version)."""
    d = g.p("sources", "zstd")
    os.makedirs(d, exist_ok=True)
    with open(source, "rb") as f:
        raw = f.read()
    files = {}
    # from a file: the frame declares its content size
    files["model.safetensors.zst"] = _zstd(["-19", "-c", source])
    # from a pipe with --long=31: no content size, window log 31 (needs windowLogMax 31)
    files["long31.safetensors.zst"] = _zstd(["--long=31", "-3", "-c"], stdin=raw)
    files["truncated.safetensors.zst"] = files["model.safetensors.zst"][:len(files["model.safetensors.zst"]) // 2]
    files["not-zstd.safetensors.zst"] = raw
    # a 16 MiB U8 tensor of zeros: a few hundred compressed bytes (bomb tests lower the cap)
    bomb_path = os.path.join(d, "bomb-source.tmp")
    safetensors.numpy.save_file({"zeros": np.zeros(16 << 20, dtype=np.uint8)}, bomb_path)
    with open(bomb_path, "rb") as f:
        bomb = f.read()
    os.remove(bomb_path)
    files["bomb.safetensors.zst"] = _zstd(["-19", "-c", "-"], stdin=bomb)
    # content size declared: compress via a file name so the frame records it
    tmp = os.path.join(d, "bomb-declared.tmp")
    with open(tmp, "wb") as f:
        f.write(bomb)
    files["bomb-declared.safetensors.zst"] = _zstd(["-19", "-c", tmp])
    os.remove(tmp)
    for name, content in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(content)
    # The --long=31 fixture must really need the raised window limit: the default decoder
    # refuses it, and zstd --long=31 -d restores the source bytes.
    refused = subprocess.run(["zstd", "-q", "-d", "-c"], input=files["long31.safetensors.zst"], capture_output=True)
    assert refused.returncode != 0, "long31 fixture decodes without --long=31"
    assert _zstd(["-d", "--long=31", "-c"], stdin=files["long31.safetensors.zst"]) == raw
    assert _zstd(["-d", "-c"], stdin=files["model.safetensors.zst"]) == raw
    version = subprocess.run(["zstd", "--version"], capture_output=True, text=True).stdout.strip()
    g.dump_json(g.p("expected", "zstd.json"), {
        "zstd_cli": version,
        "decompressed_size": len(raw),
        "source": g.rel(source),
        "bomb_decompressed_size": len(bomb),
        "trailing_bomb_declared_size": gen_zstd_bombs(d),
    })


def gen_zstd_bombs(d):
    """Bombs without a declared content size (compressed from a pipe) whose decoded header
    shows the lie early: 1 GiB of output each, ~32-40 KiB compressed. Tests decode them under a
    512 MiB cap: stopping at the header gives a header error, not the cap error."""
    gib = 1 << 30
    def stream(prefix):
        # zstd reads from a pipe, so the frame cannot record the content size
        p = subprocess.Popen(["zstd", "-q", "--no-progress", "-3", "-c", "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
        import threading
        out = []
        t = threading.Thread(target=lambda: out.append(p.stdout.read()))
        t.start()
        p.stdin.write(prefix)
        zeros = bytes(1 << 20)
        for _ in range((gib - len(prefix)) >> 20):
            p.stdin.write(zeros)
        p.stdin.write(bytes((gib - len(prefix)) & ((1 << 20) - 1)))
        p.stdin.close()
        t.join()
        assert p.wait() == 0
        return out[0]
    # the first 8 decoded bytes claim a 2^64 - 1 byte header
    bad = stream(b"\xff" * 8)
    # a valid 8-byte U8 tensor, then 1 GiB of bytes nobody declared
    header = b'{"w":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}'
    header += b" " * ((8 - len(header) % 8) % 8)
    valid = struct.pack("<Q", len(header)) + header + bytes(range(8))
    trailing = stream(valid)
    for name, content in (("bomb-bad-header.safetensors.zst", bad), ("bomb-trailing.safetensors.zst", trailing)):
        with open(os.path.join(d, name), "wb") as f:
            f.write(content)
    return len(valid)


def generate(g, toy_bert_tensors):
    gen_toy_bert_sharded(g, toy_bert_tensors)
    gen_index_cases(g)
    source = gen_diff(g)
    gen_zstd(g, source)

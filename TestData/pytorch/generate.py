#!/usr/bin/env python3
"""Writes the PyTorch checkpoint fixtures and `expected.json` (torch's own view of each file).

Run from the repository root: `python3 TestData/pytorch/generate.py` (needs torch, numpy).
Good files are written by the real `torch.save`; hostile files are built by hand (a small pickle
opcode writer, Python's `zipfile`, and a minimal ZIP64 writer below), never loaded with pickle.
Expected values come from torch (`torch.load(weights_only=True)` or `mmap=True`), numpy, Python's
`zipfile`, and a stub unpickler whose `find_class` records globals without importing anything:
never from tensoraudit's own output.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import subprocess
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from pickle_globals import RecordingUnpickler, pickle_globals  # noqa: E402

torch.manual_seed(0)


def path(name):
    return os.path.join(HERE, name)


# ---------------------------------------------------------------------------------------------
# Independent views of a file.

def zip_entries(file):
    """Every entry's data range in the file, from Python's zipfile and the local header."""
    out = []
    with open(file, "rb") as raw, zipfile.ZipFile(file) as archive:
        blob = raw.read()
        for info in archive.infolist():
            local = info.header_offset
            name_len, extra_len = struct.unpack_from("<HH", blob, local + 26)
            start = local + 30 + name_len + extra_len
            out.append({"name": info.filename, "data_offset": start, "size": info.file_size,
                        "method": info.compress_type})
    return out


def tensor_bytes_hex(t):
    flat = t.detach().contiguous().reshape(-1)
    if flat.dtype == torch.bool:
        flat = flat.to(torch.uint8)
    return flat.view(torch.uint8).numpy().tobytes().hex()


def describe(sd):
    """torch's view of every tensor in a (nested) state dict, names joined with '.'."""
    tensors = []

    def walk(prefix, obj):
        if isinstance(obj, torch.Tensor):
            t = obj
            entry = {
                "name": prefix,
                "torch_dtype": str(t.dtype),
                "shape": list(t.shape),
                "stride": list(t.stride()),
                "storage_offset": t.storage_offset(),
                "requires_grad": bool(t.requires_grad),
                "is_parameter": isinstance(t, torch.nn.Parameter),
                "is_contiguous": t.is_contiguous(),
                "element_size": t.element_size(),
                "storage_nbytes": t.untyped_storage().nbytes(),
                "data_ptr_group": t.untyped_storage().data_ptr(),
                "bytes_hex": tensor_bytes_hex(t),
            }
            if t.dtype in (torch.float32, torch.float64, torch.float16, torch.int64, torch.int32):
                values = t.detach().to(torch.float64).numpy()
                entry["sum"] = float(np.sum(values))
                entry["sum_squares"] = float(np.sum(values * values))
            tensors.append(entry)
        elif isinstance(obj, dict):
            for key, value in obj.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        elif isinstance(obj, (list, tuple)):
            for index, value in enumerate(obj):
                walk(f"{prefix}.{index}" if prefix else str(index), value)

    walk("", sd)
    groups = collections.OrderedDict()
    for entry in tensors:
        groups.setdefault(entry["data_ptr_group"], []).append(entry["name"])
    shared = [names for names in groups.values() if len(names) > 1]
    for entry in tensors:
        del entry["data_ptr_group"]
    return tensors, shared


def expect_good(name):
    file = path(name)
    # weights_only=True refuses protocol 4's FRAME opcode; these files were written just above
    # from plain tensors and dicts, so the full unpickler is safe on them.
    loaded = torch.load(file, weights_only=False, map_location="cpu")
    tensors, shared = describe(loaded)
    with zipfile.ZipFile(file) as archive:
        pkl = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
        globals_ = pickle_globals(archive.read(pkl))
    # What torch.load's default does with the file: protocol 4's opcodes are refused.
    try:
        torch.load(file, weights_only=True, map_location="cpu")
        weights_only = "loads"
    except pickle.UnpicklingError as error:
        weights_only = "refuses: " + str(error).split("WeightsUnpickler error: ")[-1].strip().splitlines()[0]
    return {"kind": "state_dict", "tensors": tensors, "shared_storage_groups": shared,
            "zip_entries": zip_entries(file), "globals": globals_, "weights_only": weights_only}


# ---------------------------------------------------------------------------------------------
# Good files, written by torch.save.

def write_good():
    expected = {}

    dtypes = [torch.float32, torch.float16, torch.bfloat16, torch.float64, torch.int64, torch.int32,
              torch.int16, torch.int8, torch.uint8, torch.bool, torch.complex64,
              torch.uint16, torch.uint32, torch.uint64]
    for extra in ("float8_e4m3fn", "float8_e5m2"):
        if hasattr(torch, extra):
            dtypes.append(getattr(torch, extra))
    sd = collections.OrderedDict()
    base = torch.tensor([[1.5, -2.0, 0.25], [3.0, 0.0, -0.5]])
    for dt in dtypes:
        name = str(dt).replace("torch.", "")
        if dt == torch.bool:
            sd[name] = base > 0
        elif dt.is_floating_point or dt.is_complex:
            sd[name] = base.to(dt)
        else:
            sd[name] = base.abs().to(torch.int64).to(dt)
    sd["scalar"] = torch.tensor(7.25)
    sd["empty"] = torch.zeros(0, 3)
    torch.save(sd, path("dtypes.pt"))
    expected["dtypes.pt"] = expect_good("dtypes.pt")

    # Same dtypes, pickle protocol 4: FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL.
    torch.save(sd, path("dtypes-protocol4.pt"), pickle_protocol=4)
    expected["dtypes-protocol4.pt"] = expect_good("dtypes-protocol4.pt")

    # A module with tied embedding/decoder weights: the state dict saves the matrix once.
    class Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(5, 3)
            self.decoder = torch.nn.Linear(3, 5)
            self.decoder.weight = self.embed.weight
            self.norm = torch.nn.LayerNorm(3)

    torch.save(Tied().state_dict(), path("tied.bin"))
    expected["tied.bin"] = expect_good("tied.bin")

    # Views over shared storages, a Parameter, nested dicts, non-tensor values.
    t = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    views = {
        "model": {
            "t": t,
            "t_transposed": t.t(),
            "rows_from_1": t[1:],
            "column_2": t[:, 2],
            "every_other": torch.arange(10, dtype=torch.int64)[::2],
            "param": torch.nn.Parameter(torch.tensor([0.5, -1.5])),
            "frozen": torch.nn.Parameter(torch.tensor([2.0]), requires_grad=False),
        },
        "optimizer": {"step": 10, "lr": 0.001, "betas": (0.9, 0.999), "name": "adamw",
                      "flag": True, "none": None, "big": 2 ** 70, "neg": -123456789012,
                      "state": [torch.ones(2, 2)]},
    }
    torch.save(views, path("views.pt"))
    expected["views.pt"] = expect_good("views.pt")

    # 40 overlapping views of one 256-element storage, each 200 elements shifted by one: 32,000
    # bytes of distinct views over 1,024 stored, more than 16 times; read under the default
    # 64 MiB floor, refused when a test lowers it (PickleLimits.viewBytesBudget).
    base = torch.arange(256, dtype=torch.float32)
    torch.save({f"v{i:02d}": base[i:i + 200] for i in range(40)}, path("overlapping-views.pt"))
    expected["overlapping-views.pt"] = expect_good("overlapping-views.pt")

    # A training checkpoint: model state dict, AdamW state (integer keys, 0-d `step` tensors), epoch.
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))
    optimizer = torch.optim.AdamW(model.parameters())
    model(torch.ones(1, 3)).sum().backward()
    optimizer.step()
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3},
               path("training.ckpt"))
    expected["training.ckpt"] = expect_good("training.ckpt")

    # A bare tensor as the whole file (the name is empty).
    torch.save(torch.tensor([1.0, 2.0, 3.0]), path("bare-tensor.pt"))
    expected["bare-tensor.pt"] = expect_good("bare-tensor.pt")

    # Legacy (pre-1.6) raw pickle stream.
    torch.save({"w": torch.ones(3)}, path("legacy.pt"), _use_new_zipfile_serialization=False)
    expected["legacy.pt"] = {"kind": "legacy"}

    # TorchScript archive (a script module saved with torch.jit.save).
    scripted = torch.jit.script(ScriptedLinear())
    torch.jit.save(scripted, path("torchscript.pt"))
    expected["torchscript.pt"] = {"kind": "torchscript",
                                 "entry_names": sorted(zipfile.ZipFile(path("torchscript.pt")).namelist())}
    return expected


class ScriptedLinear(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 2)

    def forward(self, x):
        return self.linear(x)


# ---------------------------------------------------------------------------------------------
# Hostile files.

class Evil:
    """Pickled with a chosen global; the file is written, never loaded."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


class P:
    """A tiny protocol-2 pickle opcode writer for hand-built hostile streams."""

    def __init__(self):
        self.out = bytearray(b"\x80\x02")

    def op(self, raw):
        self.out += raw
        return self

    def uni(self, text):
        data = text.encode()
        return self.op(b"X" + struct.pack("<I", len(data)) + data)

    def int1(self, v):
        return self.op(b"K" + bytes([v]))

    def int4(self, v):
        return self.op(b"J" + struct.pack("<i", v))

    def glob(self, module, name):
        return self.op(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def done(self):
        return bytes(self.out + b".")


def tensor_pickle(numel, shape, stride, offset=0, storage="FloatStorage", storage_module="torch"):
    """{'w': _rebuild_tensor_v2(storage('0', numel), offset, shape, stride, False, OrderedDict())}.
    A shape entry that is a callable's name instead of an integer, e.g. ("posix", "system"),
    becomes that global called with "echo pwned": torch.load(weights_only=False) runs it."""
    p = P().op(b"}").op(b"(").uni("w")
    tensor_value(p, numel, shape, stride, offset, storage, storage_module)
    p.op(b"u")
    return p.done()


def tensor_value(p, numel, shape, stride, offset=0, storage="FloatStorage", storage_module="torch"):
    """Pushes `tensor_pickle`'s _rebuild_tensor_v2(...) call onto `p`."""
    p.glob("torch._utils", "_rebuild_tensor_v2").op(b"(")
    p.op(b"(").uni("storage").glob(storage_module, storage).uni("0").uni("cpu")
    p.op(b"\x8a" + bytes([8]) + struct.pack("<q", numel)).op(b"t").op(b"Q")
    p.op(b"\x8a" + bytes([8]) + struct.pack("<q", offset))
    p.op(b"(")
    for d in shape:
        if isinstance(d, tuple):
            p.glob(*d).uni("echo pwned").op(b"\x85").op(b"R")
            continue
        p.op(b"\x8a" + bytes([8]) + struct.pack("<q", d))
    p.op(b"t").op(b"(")
    for s in stride:
        p.op(b"\x8a" + bytes([8]) + struct.pack("<q", s))
    p.op(b"t").op(b"\x89").glob("collections", "OrderedDict").op(b")").op(b"R").op(b"t").op(b"R")
    return p


def save_with_pickle_edit(value, file, old, new):
    """torch.save(value) with the one occurrence of `old` in its data.pkl replaced by `new`: a
    pickle torch.save cannot write itself (equal or repeated dict keys)."""
    buffer = io.BytesIO()
    torch.save(value, buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                assert data.count(old) == 1
                data = data.replace(old, new)
            archive.writestr(info.filename, data)


def entry(name):
    """A zip entry as `ZipFile.writestr(name, …)` makes it (stored, mode 0600) but with a fixed
    date, so a rerun writes the same bytes (writestr stamps the current time)."""
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = 0o600 << 16
    return info


def torch_like_zip(file, pickle_bytes, storages, top="archive", compress=()):
    """A zip with torch's entry names, written by Python's zipfile (no 64-byte alignment)."""
    with zipfile.ZipFile(file, "w") as archive:
        def put(name, data):
            method = zipfile.ZIP_DEFLATED if name in compress else zipfile.ZIP_STORED
            archive.writestr(zipfile.ZipInfo(f"{top}/{name}"), data, compress_type=method)
        put("data.pkl", pickle_bytes)
        put("byteorder", b"little")
        for key, data in storages.items():
            put(f"data/{key}", data)
        put("version", b"3\n")


def write_zip64(file, entries):
    """A minimal ZIP64 writer: every local and central header carries a ZIP64 extra field, and the
    end of central directory has a ZIP64 record and locator with the 32-bit fields saturated."""
    import zlib
    out = bytearray()
    central = bytearray()
    for name, data in entries:
        encoded = name.encode()
        crc = zlib.crc32(data)
        offset = len(out)
        extra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                           len(encoded), len(extra)) + encoded + extra + data
        cextra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF,
                               0xFFFFFFFF, len(encoded), len(cextra), 0, 0, 0, 0, 0xFFFFFFFF) + encoded + cextra
    cd_offset = len(out)
    out += central
    eocd64_offset = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries),
                       len(central), cd_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, eocd64_offset, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    with open(file, "wb") as f:
        f.write(out)


def write_hostile(expected):
    hostile = {}

    def unsafe(name, payload, protocol=2):
        torch.save({"w": torch.tensor([1.0, 2.0]), "payload": payload}, path(name), pickle_protocol=protocol)
        with zipfile.ZipFile(path(name)) as archive:
            pkl = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
            globals_ = pickle_globals(archive.read(pkl))
        hostile[name] = {"kind": "unsafe", "globals": globals_, "tensor_names": ["w"]}

    unsafe("unsafe-os-system.pt", Evil(os.system, ("echo pwned",)))
    unsafe("unsafe-eval-protocol4.pt", Evil(eval, ("1+1",)), protocol=4)
    unsafe("unsafe-popen.pt", Evil(subprocess.Popen, (["echo", "pwned"],)))
    # Protocol 2 writes Python 2 names: `subprocess.Popen` above becomes `commands.Popen`, and
    # `eval` here becomes `__builtin__.eval`; protocol 4 keeps the Python 3 names.
    unsafe("unsafe-eval-protocol2.pt", Evil(eval, ("1+1",)))
    unsafe("unsafe-popen-protocol4.pt", Evil(subprocess.Popen, (["echo", "pwned"],)), protocol=4)

    # A legacy (pre-1.6) file with a payload: five pickles in a row, then raw storage bytes.
    torch.save({"w": torch.tensor([1.0, 2.0]), "payload": Evil(os.system, ("echo pwned",))},
               path("unsafe-legacy.pt"), _use_new_zipfile_serialization=False)
    stream = io.BytesIO(open(path("unsafe-legacy.pt"), "rb").read())
    legacy_globals = []
    for _ in range(5):  # magic, protocol, sys_info, the object, the storage keys
        reader = RecordingUnpickler(b"")
        pickle.Unpickler.__init__(reader, stream)
        reader.load()
        legacy_globals += [g for g in reader.globals if g not in legacy_globals]
    hostile["unsafe-legacy.pt"] = {"kind": "legacy", "globals": legacy_globals}

    # A whole nn.Module pickled (torch.save(model)): its classes are globals a loader must import.
    module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))
    torch.save(module, path("whole-module.pt"))
    with zipfile.ZipFile(path("whole-module.pt")) as archive:
        globals_ = pickle_globals(archive.read("whole-module/data.pkl"))
    hostile["whole-module.pt"] = {"kind": "unsafe", "globals": globals_,
                                  "tensor_shapes": [list(t.shape) for t in module.state_dict().values()]}

    # A payload where the reader then fails: os.system called for a tensor's size (it returns 0,
    # a valid size, so torch.load(weights_only=False) runs it and loads the file), and a storage
    # class that is os.system. Each must be pickle-unsafe-global, not the failure alone.
    floats4 = struct.pack("<4f", 1, 2, 3, 4)
    # `error` is the failure that follows the payload.
    for name, pkl, error in [("unsafe-in-size.pt", tensor_pickle(4, [("posix", "system")], [1]), "invalid-tensor"),
                             ("unsafe-storage-class.pt", tensor_pickle(4, [4], [1], storage="system", storage_module="posix"),
                              "unsupported-dtype")]:
        torch_like_zip(path(name), pkl, {"0": floats4})
        hostile[name] = {"kind": "unsafe-error", "error": error, "globals": pickle_globals(pkl)}

    # A payload in an archive followed by bytes after its end record (torch.load reads it, and
    # with weights_only=False runs the payload): the archive is refused, the global first.
    torch.save({"w": torch.tensor([1.0, 2.0]), "payload": Evil(os.system, ("echo pwned",))}, path("unsafe-trailing.pt"))
    with zipfile.ZipFile(path("unsafe-trailing.pt")) as archive:
        trailing_globals = pickle_globals(archive.read(next(n for n in archive.namelist() if n.endswith("/data.pkl"))))
    with open(path("unsafe-trailing.pt"), "ab") as f:
        f.write(b"garbage")
    hostile["unsafe-trailing.pt"] = {"kind": "unsafe-error", "error": "zip-malformed", "globals": trailing_globals}

    # Containers that hold themselves (d['self'] = d; a list holding itself): torch's safe
    # loader returns them as they are, and each tensor has one name on the way in.
    for name, build, names in [("cycle-dict.pt", lambda p: tensor_value(p.op(b"}q\x00(").uni("self").op(b"h\x00").uni("w"), 4, [4], [1]).op(b"u"), ["w"]),
                               ("cycle-list.pt", lambda p: tensor_value(p.op(b"]q\x00(").op(b"h\x00"), 4, [4], [1]).op(b"e"), ["1"])]:
        torch_like_zip(path(name), build(P()).done(), {"0": floats4})
        loaded = torch.load(path(name), weights_only=True)
        assert (loaded["self"] is loaded) if isinstance(loaded, dict) else (loaded[0] is loaded)
        hostile[name] = {"kind": "cycle", "tensor_names": names, "torch_weights_only": "loads"}

    # A payload after an opcode the symbolic reader does not run (protocol 0's FLOAT, popped):
    # torch.load(weights_only=False) runs posix.system; the reader stops at FLOAT but must still
    # name the global after it (its scan steps over opcodes by their operand layouts).
    buffer = io.BytesIO()
    torch.save({"w": torch.tensor([1.0, 2.0])}, buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path("unsafe-after-unsupported.pt"), "w", zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                assert data.endswith(b".")
                def unicode(text):
                    return b"X" + struct.pack("<I", len(text)) + text.encode()
                data = data[:-1] + b"F1.0\n0" + unicode("y") + b"cposix\nsystem\n" + unicode("echo pwned") + b"\x85Rs."
                globals_after = pickle_globals(data)
            archive.writestr(info.filename, data)
    hostile["unsafe-after-unsupported.pt"] = {"kind": "unsafe-pickle-error", "error": "pickle-unsupported-opcode",
                                              "globals": globals_after}

    # Dict keys that are not text: torch.load returns both tensors; this reader does not name
    # such keys apart and refuses two of them, saying why.
    torch.save({b"a": torch.tensor([1.0, 2.0]), b"b": torch.tensor([3.0, 4.0])}, path("bytes-keys.pt"))
    hostile["bytes-keys.pt"] = {"kind": "non-text-keys", "torch_weights_only": "loads",
                                "keys": [repr(k) for k in torch.load(path("bytes-keys.pt"), weights_only=True)]}

    # Dict keys Python takes as equal: 1 and True are one entry of the dict torch.load returns
    # (the later tensor under the first key). torch.save cannot write two such keys, so the
    # pickle of {1: a, 7: b} has its key 7 (BININT1 7, the one such opcode) replaced by NEWTRUE.
    save_with_pickle_edit({"x": {1: torch.tensor([1.0, 2.0]), 7: torch.tensor([3.0, 4.0])}}, path("equal-keys.pt"),
                          b"K\x07", b"\x88")
    loaded = torch.load(path("equal-keys.pt"), weights_only=True)["x"]
    hostile["equal-keys.pt"] = {"kind": "equal-keys", "torch_weights_only": "loads",
                                "keys": [repr(k) for k in loaded], "values": [v.tolist() for v in loaded.values()]}
    # The same with 2**63 (an integer beyond 64 bits: LONG1) and the float 2.0**63, which Python
    # takes as equal too; this reader does not compare such integers, and refuses the dict.
    save_with_pickle_edit({"x": {2**63: torch.tensor([1.0, 2.0]), 7: torch.tensor([3.0, 4.0])}}, path("equal-keys-bigint.pt"),
                          b"K\x07", b"G" + struct.pack(">d", 2.0**63))
    loaded = torch.load(path("equal-keys-bigint.pt"), weights_only=True)["x"]
    hostile["equal-keys-bigint.pt"] = {"kind": "equal-keys", "torch_weights_only": "loads",
                                       "keys": [repr(k) for k in loaded], "values": [v.tolist() for v in loaded.values()]}

    # Keys that differ but are written alike: 1 and "1" are two entries of the dict torch.load
    # returns, and both tensors would be named "x.1": refused (duplicate-tensor-name).
    torch.save({"x": {1: torch.tensor([1.0, 2.0]), "1": torch.tensor([3.0, 4.0])}}, path("written-alike-keys.pt"))
    loaded = torch.load(path("written-alike-keys.pt"), weights_only=True)["x"]
    hostile["written-alike-keys.pt"] = {"kind": "written-alike-keys", "torch_weights_only": "loads", "keys": [repr(k) for k in loaded]}

    # A key set twice: torch.load returns the later value only. torch.save cannot write that,
    # so the key "bbbb" (one BINUNICODE) is renamed "aaaa" in the pickle of each dict below;
    # the overwritten tensor is all NaN, so reading it would fail `audit`.
    for name, saved in [("overwritten-by-none.pt", {"aaaa": torch.full((3, 4), float("nan")), "bbbb": None}),
                        ("overwritten-by-tensor-dict.pt", {"aaaa": {"b": torch.full((3, 4), float("nan"))},
                                                            "bbbb": torch.tensor([[1.0, 2.0]])})]:
        save_with_pickle_edit(saved, path(name), b"X\x04\x00\x00\x00bbbb", b"X\x04\x00\x00\x00aaaa")
        loaded = torch.load(path(name), weights_only=True)

        def tensor_names(value, prefix=""):
            if isinstance(value, torch.Tensor):
                return [prefix]
            if isinstance(value, dict):
                return [n for k, v in value.items() for n in tensor_names(v, f"{prefix}.{k}" if prefix else str(k))]
            return []
        hostile[name] = {"kind": "overwritten-key", "torch_weights_only": "loads", "tensor_names": tensor_names(loaded)}

    # Exponential sharing ("billion laughs"): level k is a list of 10 references to level k-1.
    p = P().op(b"]").op(b"q\x00")
    for level in range(1, 30):
        p.op(b"(")
        for _ in range(10):
            p.op(b"h" + bytes([level - 1]))
        p.op(b"l").op(b"q" + bytes([level]))
    with zipfile.ZipFile(path("memo-bomb.pt"), "w") as archive:
        archive.writestr(entry("archive/data.pkl"), p.done())
    hostile["memo-bomb.pt"] = {"kind": "error", "error": "limit-exceeded"}

    # A dict DAG: level k is {"a": level k-1, "b": level k-1} through the memo, 19 levels over
    # one tensor: 2^19 state-dict names from a pickle of ~530 bytes. torch.load returns the
    # shared dicts; flattened to names, the work and memory were exponential in the file (an
    # index of eight such shards ran out of memory); the tensor budget (one per 4 pickle bytes)
    # refuses it.
    def unicode(text):
        return b"X" + struct.pack("<I", len(text)) + text.encode()

    def global_(module, name):
        return b"c" + module.encode() + b"\n" + name.encode() + b"\n"

    tensor = (global_("torch._utils", "_rebuild_tensor_v2") + b"((" + unicode("storage") + global_("torch", "FloatStorage")
              + unicode("0") + unicode("cpu") + b"K\x04tQK\x00(K\x04t(K\x01t\x89" + global_("collections", "OrderedDict")
              + b")RtR")
    dag = b"\x80\x02" + tensor + b"q\x00"
    for level in range(19):
        dag += b"}(" + unicode("a") + b"h" + bytes([level]) + unicode("b") + b"h" + bytes([level]) + b"uq" + bytes([level + 1])
    with zipfile.ZipFile(path("dict-dag.pt"), "w") as archive:
        archive.writestr(entry("archive/data.pkl"), dag + b".")
        archive.writestr(entry("archive/data/0"), b"\0" * 16)
        archive.writestr(entry("archive/byteorder"), "little")
        archive.writestr(entry("archive/version"), "3\n")
    loaded = torch.load(path("dict-dag.pt"), weights_only=True)
    hostile["dict-dag.pt"] = {"kind": "error", "error": "limit-exceeded", "torch_weights_only": "loads",
                              "levels": 19,
                              "shared": loaded["a"] is loaded["b"]}

    # Deep nesting: 5,000 lists each appended into the one before.
    depth = 5000
    body = b"]" * depth + b"a" * (depth - 1)
    with zipfile.ZipFile(path("nesting-bomb.pt"), "w") as archive:
        archive.writestr(entry("archive/data.pkl"), b"\x80\x02" + body + b".")
    hostile["nesting-bomb.pt"] = {"kind": "error", "error": "limit-exceeded"}

    # Stack bomb: more values pushed than the stack limit (100,000) without ever popping.
    with zipfile.ZipFile(path("stack-bomb.pt"), "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(entry("archive/data.pkl"), b"\x80\x02" + b"N" * 100_001 + b".")
    hostile["stack-bomb.pt"] = {"kind": "error", "error": "limit-exceeded"}

    # A truncated torch.save file (the central directory is gone).
    data = open(path("tied.bin"), "rb").read()
    with open(path("truncated.pt"), "wb") as f:
        f.write(data[: len(data) // 2])
    hostile["truncated.pt"] = {"kind": "error", "error": "zip-end-not-found"}

    # Lying sizes: the pickle claims a 100-element storage, the entry holds 4 floats.
    floats = struct.pack("<4f", 1, 2, 3, 4)
    torch_like_zip(path("lying-storage-size.pt"), tensor_pickle(100, [4], [1]), {"0": floats})
    hostile["lying-storage-size.pt"] = {"kind": "error", "error": "storage-size-mismatch"}
    # The tensor reaches past its (honest) storage.
    torch_like_zip(path("tensor-past-storage.pt"), tensor_pickle(4, [2, 3], [3, 1]), {"0": floats})
    hostile["tensor-past-storage.pt"] = {"kind": "error", "error": "tensor-out-of-storage"}
    # A storage offset whose byte count overflows 64 bits.
    torch_like_zip(path("offset-overflow.pt"), tensor_pickle(4, [1], [1], offset=2 ** 62), {"0": floats})
    hostile["offset-overflow.pt"] = {"kind": "error", "error": "tensor-out-of-storage"}

    # nn.Parameter called directly on a tensor (weights_only accepts the class): {'p':
    # Parameter(t), 'q': Parameter(t2, False)}, t a [2, 2] view of the storage, t2 its last 2.
    p = P().op(b"}").op(b"(").uni("p").glob("torch.nn.parameter", "Parameter")
    tensor_value(p, 4, [2, 2], [2, 1]).op(b"\x85").op(b"R")
    p.uni("q").glob("torch.nn.parameter", "Parameter")
    tensor_value(p, 4, [2], [1], offset=2).op(b"\x89").op(b"\x86").op(b"R").op(b"u")
    torch_like_zip(path("direct-parameter.pt"), p.done(), {"0": floats})
    loaded = torch.load(path("direct-parameter.pt"), weights_only=True)
    hostile["direct-parameter.pt"] = {"kind": "direct-parameter", "torch_weights_only": "loads",
                                      "tensors": {k: {"shape": list(v.shape), "requires_grad": v.requires_grad,
                                                      "parameter": isinstance(v, torch.nn.Parameter), "values": v.flatten().tolist()}
                                                  for k, v in loaded.items()}}

    # Parameter(Parameter(t)), which torch.load returns as t; and Parameter around an int64
    # tensor, which torch.load refuses (an integer tensor cannot require gradients).
    p = P().op(b"}").op(b"(").uni("w").glob("torch.nn.parameter", "Parameter").glob("torch.nn.parameter", "Parameter")
    tensor_value(p, 4, [2, 2], [2, 1]).op(b"\x85").op(b"R").op(b"\x85").op(b"R").op(b"u")
    torch_like_zip(path("parameter-of-parameter.pt"), p.done(), {"0": floats})
    loaded = torch.load(path("parameter-of-parameter.pt"), weights_only=True)
    hostile["parameter-of-parameter.pt"] = {"kind": "direct-parameter", "torch_weights_only": "loads",
                                            "tensors": {k: {"shape": list(v.shape)} for k, v in loaded.items()}}
    p = P().op(b"}").op(b"(").uni("w").glob("torch.nn.parameter", "Parameter")
    tensor_value(p, 2, [2], [1], storage="LongStorage").op(b"\x85").op(b"R").op(b"u")
    torch_like_zip(path("parameter-int64.pt"), p.done(), {"0": struct.pack("<2q", 1, 2)})
    try:
        torch.load(path("parameter-int64.pt"), weights_only=True)
        refusal = None
    except Exception as error:  # torch: only floating point and complex tensors can require gradients
        refusal = str(error).splitlines()[-1] if "require gradients" not in str(error) else "require gradients"
    hostile["parameter-int64.pt"] = {"kind": "error", "error": "invalid-tensor", "torch_weights_only": refusal}

    # A compressed (deflated) storage entry: refused, not decoded.
    torch_like_zip(path("compressed-entry.pt"), tensor_pickle(4, [4], [1]), {"0": floats * 64}, compress={"data/0"})
    hostile["compressed-entry.pt"] = {"kind": "error", "error": "zip-compressed-entry"}

    # A zip that holds the same name twice.
    with zipfile.ZipFile(path("duplicate-entry.pt"), "w") as archive:
        archive.writestr(entry("archive/data.pkl"), tensor_pickle(4, [4], [1]))
        archive.writestr(entry("archive/data/0"), floats)
        with_warning = archive.writestr  # zipfile warns on duplicates but writes them
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with_warning(entry("archive/data/0"), floats)
    hostile["duplicate-entry.pt"] = {"kind": "error", "error": "zip-duplicate-entry"}

    # ZIP64 everywhere (records, locator, extra fields): a good file, torch must load it.
    with zipfile.ZipFile(path("tied.bin")) as archive:
        entries = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    write_zip64(path("zip64.pt"), entries)
    with zipfile.ZipFile(path("zip64.pt")) as check:
        assert check.testzip() is None
    expected["zip64.pt"] = expect_good("zip64.pt")
    expected["zip64.pt"]["source"] = "tied.bin rewritten by write_zip64"

    return hostile


def main():
    expected = write_good()
    hostile = write_hostile(expected)
    document = {"torch_version": torch.__version__, "numpy_version": np.__version__,
                "files": expected, "hostile": hostile}
    with open(path("expected.json"), "w") as f:
        json.dump(document, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(path(n)) for n in os.listdir(HERE))
    print(f"wrote {len(expected) + len(hostile)} fixtures, {total} bytes in {HERE}")


if __name__ == "__main__":
    main()

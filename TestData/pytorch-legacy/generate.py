#!/usr/bin/env python3
"""Writes the legacy (pre-1.6) torch.save fixtures and `expected.json`: torch's own view of each.

Run from the repository root: `python3 TestData/pytorch-legacy/generate.py` (needs torch, numpy).
The legacy format is five pickles (magic number, protocol version 1001, system information, the
object, the sorted storage keys), then per key an 8-byte little-endian element count and the
elements. Good files are written by torch.save itself (`_use_new_zipfile_serialization=False`);
hostile ones by `write_legacy` below, a small writer of the same layout whose every part can be
made to lie. Expected values come from torch.load (weights_only=True, then False for the verdict
when the safe loader refuses), numpy, and a search of the file for each tensor's bytes: never
from tensoraudit.
"""
import collections
import io
import json
import os
import pickle
import pickletools
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))

torch.manual_seed(0)
MAGIC = 0x1950A86A20F9469CFC6C


def path(name):
    return os.path.join(HERE, name)


def tensor_bytes(t):
    flat = t.detach().contiguous().reshape(-1)
    if flat.dtype == torch.bool:
        flat = flat.to(torch.uint8)
    return flat.view(torch.uint8).numpy().tobytes()


def verdict(file):
    """What torch.load says of the file: 'loads', or the first line of its error."""
    for weights_only in (True, False):
        try:
            torch.load(file, weights_only=weights_only, map_location="cpu")
            return "loads" if weights_only else "loads only with weights_only=False"
        except pickle.UnpicklingError:
            continue
        except Exception as error:  # noqa: BLE001 - torch raises RuntimeError, AssertionError, EOFError, …
            return "fails: " + (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
    return "fails"


def describe(file):
    """torch's tensors, each with where its bytes are in the file (when they occur there once)."""
    loaded = torch.load(file, weights_only=False, map_location="cpu")
    # A bare storage is its elements, as a 1-D tensor (how tensoraudit reads it).
    loaded = {name: torch.empty(0, dtype=v.dtype).set_(v._untyped_storage) if isinstance(v, torch.storage.TypedStorage) else v
              for name, v in loaded.items()}
    blob = open(file, "rb").read()
    out = []
    for name, t in loaded.items():
        data = tensor_bytes(t)
        start = blob.find(data) if data else -1
        unique = data and start >= 0 and blob.find(data, start + 1) < 0
        entry = {"name": name, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                 "hex": data.hex(),
                 "data_offset": start if unique else None}
        if t.dim() == 2 and t.dtype in (torch.float32, torch.float16, torch.bfloat16, torch.float64):
            entry["row_norms"] = np.linalg.norm(t.to(torch.float64).numpy(), axis=1).tolist()
        out.append(entry)
    shared = collections.defaultdict(list)
    for name, t in loaded.items():
        if t.numel():
            shared[t.untyped_storage().data_ptr()].append(name)
    return {"tensors": out, "shared_storage_groups": [g for g in shared.values() if len(g) > 1]}


def pickles_of(file):
    """The five pickles' globals, read from the opcodes by `pickletools` (nothing unpickled:
    GLOBAL's text, STACK_GLOBAL's two strings before it), and the offset where the storage
    records start."""
    stream = io.BytesIO(open(file, "rb").read())
    globals_ = []
    for _ in range(5):
        strings, memo, last = [], {}, None
        for opcode, argument, _ in pickletools.genops(stream):
            name = None
            if opcode.name == "GLOBAL":
                name = argument.replace(" ", ".")
            elif opcode.name == "STACK_GLOBAL":
                name = ".".join(strings[-2:])
            elif opcode.name == "MEMOIZE":
                memo[len(memo)] = last
            elif opcode.name in ("BINPUT", "LONG_BINPUT"):
                memo[argument] = last
            elif opcode.name in ("BINGET", "LONG_BINGET"):
                last = memo.get(argument)
                if isinstance(last, str):
                    strings.append(last)
                continue
            if isinstance(argument, str) and opcode.name not in ("GLOBAL",):
                strings.append(argument)
                last = argument
            elif opcode.name not in ("MEMOIZE", "BINPUT", "LONG_BINPUT"):
                last = None
            if name and name not in globals_:
                globals_.append(name)
    return globals_, stream.tell()


class LegacyPickler(pickle.Pickler):
    """torch's legacy persistent ids: ('storage', class, key, location, numel, view metadata)."""

    def __init__(self, file, protocol, storages, view=None, storage_class=None):
        super().__init__(file, protocol=protocol)
        self.storages = storages
        self.view = view
        self.storage_class = storage_class

    def persistent_id(self, obj):
        if isinstance(obj, torch.storage.TypedStorage):
            ptr = obj._untyped_storage.data_ptr()
            key = self.storages.setdefault(ptr, (str(len(self.storages)), obj))[0]
            kind = self.storage_class(obj) if self.storage_class else getattr(torch, obj._pickle_storage_type())
            return ("storage", kind, key, "cpu", obj._size(),
                    self.view(key, obj) if self.view else None)
        return None


def write_legacy(name, obj, version=1001, keys=None, counts=None, protocol=2, trailing=b"", cut=0,
                 view=None, extra_records=(), magic=None, sys_info=None, before_stop=b"", storage_class=None):
    """The legacy layout of `obj`, with any part made to lie: `keys(list)` rewrites the storage key
    list, `counts` maps a key to the count its record states, `cut` drops bytes from the end;
    `magic` and `sys_info` replace those pickles by raw bytes, `before_stop` is inserted before
    the object pickle's STOP, `storage_class(storage)` names the class its ids give."""
    out = io.BytesIO()
    out.write(magic if magic is not None else pickle.dumps(MAGIC, protocol=protocol))
    pickle.dump(version, out, protocol=protocol)
    out.write(sys_info if sys_info is not None else pickle.dumps(
        {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 8}}, protocol=protocol))
    storages = {}
    body = io.BytesIO()
    LegacyPickler(body, protocol, storages, view, storage_class).dump(obj)
    data = body.getvalue()
    assert data.endswith(b".")
    out.write(data[:-1] + before_stop + b".")
    by_key = {key: storage for key, storage in storages.values()}
    listed = sorted(by_key)
    if keys:
        listed = keys(listed)
    pickle.dump(listed, out, protocol=protocol)
    for key in listed:
        storage = by_key.get(key)
        if storage is None:
            continue
        count = storage._size()
        out.write(struct.pack("<q", (counts or {}).get(key, count)))
        out.write(tensor_bytes(torch.empty(0, dtype=storage.dtype).set_(storage._untyped_storage, 0, (count,), (1,))))
    for record in extra_records:
        out.write(record)
    out.write(trailing)
    blob = out.getvalue()
    with open(path(name), "wb") as f:
        f.write(blob[: len(blob) - cut] if cut else blob)


def write_tar(name, members):
    """A tar archive of `members` (name → bytes), as torch.save before 0.4 wrote one."""
    import tarfile
    with tarfile.open(path(name), "w", format=tarfile.PAX_FORMAT) as tar:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))


def tar_header(fields, checksum):
    """512 bytes of a ustar header: `fields` (offset → bytes) over printable defaults, and the
    checksum field written by `checksum(unsigned sum)`."""
    import tarfile
    header = bytearray(b"\0" * 512)
    defaults = {100: b"0000644\0", 108: b"0000000\0", 116: b"0000000\0", 124: b"00000000000\0", 136: b"00000000000\0",
                148: b" " * 8, 156: b"0", 257: b"ustar\x0000", 329: b"0000000\0", 337: b"0000000\0"}
    defaults.update(fields)
    for offset, value in defaults.items():
        header[offset:offset + len(value)] = value
    unsigned, _ = tarfile.calc_chksums(bytes(header))
    header[148:156] = checksum(unsigned)
    return bytes(header)


def tar_members(members):
    import tarfile
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def write_polyglots(expected):
    """Files torch.load reads as a tar (torch.save before 0.4) while they are also something else.
    Checked with Python's tarfile; never unpickled (their pickle member calls posix.system)."""
    import tarfile
    payload = b"\x80\x02cposix\nsystem\nX\x0a\x00\x00\x00echo pwned\x85R."
    members = tar_members([("storages", pickle.dumps(0, protocol=2)), ("tensors", pickle.dumps(0, protocol=2)), ("pickle", payload)])

    # 1. A valid safetensors file whose first 512 bytes are a tar header: its fields are printable
    #    text inside a __metadata__ string; the tar's members are the data of a U8 tensor.
    length = 1016
    head = b'{"__metadata__":{"k":"'
    size = -(-(8 + length - 512) // 512) * 512
    pad = 512 + size - 8 - length
    tail = ('"},"t":{"dtype":"U8","shape":[%d],"data_offsets":[0,%d]}}' % (pad + len(members), pad + len(members))).encode()
    text = bytearray(head + b" " * (length - len(head) - len(tail)) + tail)
    fields = {100: b"0000644 ", 108: b"0000000 ", 116: b"0000000 ", 124: b"%011o " % size, 136: b"00000000000 ", 148: b" " * 8,
              156: b"0", 257: b"ustar 00"}
    blob = bytearray(struct.pack("<Q", length) + bytes(text))
    for offset, value in fields.items():
        blob[offset:offset + len(value)] = value
    unsigned, _ = tarfile.calc_chksums(bytes(blob[:512]))
    blob[148:156] = b" %06o " % unsigned
    json.loads(bytes(blob[8:]))
    with open(path("safetensors-tar.bin"), "wb") as f:
        f.write(bytes(blob) + b"\0" * pad + members)
    with tarfile.open(path("safetensors-tar.bin")) as tar:
        assert tar.getnames()[1:4] == ["storages", "tensors", "pickle"]
    expected["hostile"]["safetensors-tar.bin"] = {"kind": "ambiguous-format", "torch": "not loaded here: its tar runs posix.system",
                                                  "safetensors": "reads tensor t"}

    # 2. A tar whose first header's checksum is spelled "0o…", which Python's int(…, 8) reads:
    #    torch.load takes it for a tar (before, only plain octal digits were).
    #    (A first member of no bytes carries that header; the checkpoint's members follow.)
    with open(path("tar-0o-checksum.bin"), "wb") as f:
        f.write(tar_header({0: b"empty", 124: b"00000000000\0"}, lambda total: b"0o%o\0" % total) + members)
    with tarfile.open(path("tar-0o-checksum.bin")) as tar:
        assert "pickle" in tar.getnames()
    expected["hostile"]["tar-0o-checksum.bin"] = {"kind": "pickle-unsafe-global", "unsafe": ["posix.system"],
                                                  "torch": "not loaded here: it would run posix.system"}


def good_state_dict():
    """A small BERT-like state dict: a tied embedding (one storage, two names), every common dtype,
    a 0-d tensor, a view into a larger storage at an offset."""
    sd = collections.OrderedDict()
    embedding = torch.randn(50, 7)
    embedding[0] = 0.25
    sd["embeddings.word_embeddings.weight"] = embedding
    sd["layer.0.dense.weight"] = torch.randn(7, 7).to(torch.float16)
    sd["layer.0.norm.weight"] = torch.randn(7).to(torch.bfloat16)
    sd["layer.0.scale"] = torch.tensor(0.5, dtype=torch.float64)
    sd["position_ids"] = torch.arange(13).unsqueeze(0)
    sd["mask"] = torch.tensor([True, False, True])
    sd["codes"] = torch.tensor([-3, 1, 2, 5], dtype=torch.int8)
    base = torch.randn(21)
    sd["base"] = base
    sd["view"] = base[4:16]
    sd["decoder.weight"] = embedding  # tied: the same storage
    return sd


def main():
    expected = {"good": {}, "hostile": {}}

    sd = good_state_dict()
    torch.save(sd, path("state-dict.bin"), _use_new_zipfile_serialization=False)
    torch.save(sd, path("protocol4.bin"), _use_new_zipfile_serialization=False, pickle_protocol=4)
    for name in ("state-dict.bin", "protocol4.bin"):
        globals_, records = pickles_of(path(name))
        expected["good"][name] = dict(describe(path(name)), globals=globals_, records_start=records,
                                      weights_only=verdict(path(name)))

    # Bytes after the last record: torch.load ignores them.
    with open(path("trailing.bin"), "wb") as f:
        f.write(open(path("state-dict.bin"), "rb").read() + b"\0" * 100)
    expected["good"]["trailing.bin"] = dict(describe(path("trailing.bin")), weights_only=verdict(path("trailing.bin")))

    # A model folder: config.json beside a legacy pytorch_model.bin, the tied BERT case.
    os.makedirs(path("bert"), exist_ok=True)
    bert = collections.OrderedDict()
    word = torch.randn(40, 8) * 0.05
    word[0] += 0.5  # the pad row moved, as a tied decoder's gradient moves it
    bert["bert.embeddings.word_embeddings.weight"] = word
    bert["bert.embeddings.position_embeddings.weight"] = torch.randn(16, 8) * 0.05
    bert["cls.predictions.decoder.weight"] = word
    bert["cls.predictions.bias"] = torch.zeros(40)
    torch.save(bert, path("bert/pytorch_model.bin"), _use_new_zipfile_serialization=False)
    with open(path("bert/config.json"), "w") as f:
        json.dump({"architectures": ["BertForMaskedLM"], "model_type": "bert", "pad_token_id": 0,
                   "vocab_size": 40, "hidden_size": 8}, f, indent=2)
    expected["good"]["bert/pytorch_model.bin"] = dict(describe(path("bert/pytorch_model.bin")),
                                                      weights_only=verdict(path("bert/pytorch_model.bin")))

    # The records start wherever the pickles end: an embedding whose elements are not aligned
    # to 4 bytes (system information padded until they are not), with stable storage keys.
    for pad in range(8):
        info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 8}, "pad": "x" * pad}
        write_legacy("odd-offset.bin", collections.OrderedDict([("embeddings.word_embeddings.weight", torch.randn(30, 5))]),
                     sys_info=pickle.dumps(info, protocol=2))
        facts = describe(path("odd-offset.bin"))
        if facts["tensors"][0]["data_offset"] % 2 == 1:
            break
    expected["good"]["odd-offset.bin"] = dict(facts, weights_only=verdict(path("odd-offset.bin")))

    small = collections.OrderedDict([("a", torch.randn(3, 4)), ("b", torch.arange(6, dtype=torch.int64))])

    def hostile(name, kind, **lies):
        write_legacy(name, small, **lies)
        expected["hostile"][name] = {"kind": kind, "torch": verdict(path(name))}

    hostile("written.bin", None)  # the writer itself, telling the truth: read like torch.save's
    expected["hostile"]["written.bin"].update(describe(path("written.bin")))
    hostile("count-mismatch.bin", "storage-size-mismatch", counts={"0": 13})
    hostile("count-huge.bin", "storage-size-mismatch", counts={"0": 2**63 - 1})
    hostile("truncated.bin", "storage-size-mismatch", cut=5)
    hostile("truncated-count.bin", "storage-size-mismatch", cut=6 * 8 + 4)
    hostile("missing-record.bin", "storage-missing", keys=lambda keys: keys[:1])
    hostile("unlisted-key.bin", "storage-missing", keys=lambda keys: keys + ["9"])
    hostile("duplicate-key.bin", "storage-inconsistent", keys=lambda keys: keys + keys[:1])
    hostile("bad-version.bin", "not-a-torch-checkpoint", version=1000)
    hostile("view.bin", "invalid-tensor", view=lambda key, storage: (key + "v", 0, storage._size()))
    # The magic number pickled otherwise: torch.load compares its value.
    hostile("magic-no-proto.bin", None, magic=b"\x8a\x0a" + MAGIC.to_bytes(10, "little") + b".")
    hostile("magic-long4.bin", None, magic=b"\x80\x02\x8b\x0c\x00\x00\x00" + MAGIC.to_bytes(12, "little") + b".")
    expected["hostile"]["magic-no-proto.bin"].update(describe(path("magic-no-proto.bin")))
    expected["hostile"]["magic-long4.bin"].update(describe(path("magic-long4.bin")))
    # Protocol 1: text opcodes (LONG) this reader does not run; a payload in its object is named.
    torch.save(small, path("protocol1.bin"), _use_new_zipfile_serialization=False, pickle_protocol=1)
    expected["hostile"]["protocol1.bin"] = {"kind": "pickle-unsupported-opcode", "torch": verdict(path("protocol1.bin"))}
    write_legacy("protocol1-payload.bin", small, protocol=1,
                 before_stop=b"cposix\nsystem\n(S'echo pwned'\ntR0")
    expected["hostile"]["protocol1-payload.bin"] = {"kind": "pickle-unsafe-global", "unsafe": ["posix.system"],
                                                    "torch": "not loaded here: it would run posix.system"}
    # torch.load's persistent_load runs for every id, reachable or not, and for the calls too.
    hostile("unreachable-id.bin", "not-a-torch-checkpoint", before_stop=b"(X\x08\x00\x00\x00storagextQ0")
    hostile("call-tuple.bin", "not-a-torch-checkpoint", before_stop=b"))R0")
    hostile("call-size-6.bin", "not-a-torch-checkpoint",
            before_stop=b"ctorch\nSize\n(K\x01K\x01K\x01K\x01K\x01K\x01tR0")
    hostile("sysinfo-id.bin", "not-a-torch-checkpoint", sys_info=b"\x80\x02(X\x07\x00\x00\x00storagetQ.")
    # What torch.load reads that torch.save no longer writes, or writes rarely.
    hostile("keys-tuple.bin", None, keys=lambda keys: tuple(keys))
    hostile("version-float.bin", None, version=1001.0)
    hostile("cuda-class.bin", None, storage_class=lambda storage: getattr(torch.cuda, storage._pickle_storage_type()))
    for name in ("keys-tuple.bin", "version-float.bin", "cuda-class.bin"):
        expected["hostile"][name].update(describe(path(name)))

    class OldTensor:
        """A tensor as torch before 1.0 pickled it: _rebuild_tensor(storage, offset, size, stride)."""

        def __init__(self, tensor):
            self.tensor = tensor

        def __reduce__(self):
            return (torch._utils._rebuild_tensor, (self.tensor.storage(), 0, tuple(self.tensor.shape), self.tensor.stride()))

    old = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    write_legacy("rebuild-v1.bin", {"w": OldTensor(old)})
    expected["hostile"]["rebuild-v1.bin"] = dict(describe(path("rebuild-v1.bin")), kind=None, torch=verdict(path("rebuild-v1.bin")))
    write_legacy("empty-unlisted.bin", {"e": torch.empty(0), "w": torch.ones(2, 2)},
                 keys=lambda keys: keys[1:])
    expected["hostile"]["empty-unlisted.bin"] = dict(describe(path("empty-unlisted.bin")), kind=None,
                                                     torch=verdict(path("empty-unlisted.bin")))
    # A bare storage beside a tensor: torch.load returns it with its elements (a NaN among them).
    bare = {"s": torch.tensor([1.0, float("nan"), 3.0, 4.0]).storage(), "w": torch.ones(2, 2)}
    write_legacy("bare-storage.bin", bare)
    expected["hostile"]["bare-storage.bin"] = dict(describe(path("bare-storage.bin")), kind=None, torch=verdict(path("bare-storage.bin")))
    torch.save(bare, path("bare-storage-zip.pt"))
    expected["good"]["bare-storage-zip.pt"] = dict(describe(path("bare-storage-zip.pt")), weights_only=verdict(path("bare-storage-zip.pt")))

    # Second review round: what torch.load does with what the first reading missed.
    def setitem(key, value):
        return b"X" + struct.pack("<I", len(key)) + key.encode() + value + b"s"
    nan2 = b"G" + struct.pack(">d", float("nan"))
    # A tensor built by calling a tensor class on values in the pickle: returned by torch.load.
    hostile("tensor-class-call.bin", "unsupported-tensor-kind", before_stop=setitem("h", b"ctorch\nFloatTensor\n(]" + nan2 + b"a" + nan2 + b"atR"))
    # Storage classes resolve to StorageType, not callable; nor is what torch.Size returns; set(5) fails.
    hostile("storage-class-call.bin", "not-a-torch-checkpoint", before_stop=setitem("s", b"ctorch\nFloatStorage\nK\x03\x85R"))
    hostile("call-result-callee.bin", "not-a-torch-checkpoint", before_stop=b"ctorch\nSize\n)\x85R)R0")
    hostile("set-of-int.bin", "not-a-torch-checkpoint", before_stop=setitem("s", b"c__builtin__\nset\nK\x05\x85R"))
    # The magic number through the memo, under None: torch.load's first pickle.load returns it.
    memo_magic = b"\x80\x02\x8a\x0a" + MAGIC.to_bytes(10, "little") + b"q\x000Nh\x00."
    hostile("memo-magic.bin", None, magic=memo_magic)
    expected["hostile"]["memo-magic.bin"].update(describe(path("memo-magic.bin")))
    write_legacy("memo-magic-payload.bin", small, magic=memo_magic, before_stop=b"cposix\nsystem\n(X\x0a\x00\x00\x00echo pwnedtR0")
    expected["hostile"]["memo-magic-payload.bin"] = {"kind": "pickle-unsafe-global", "unsafe": ["posix.system"],
                                                     "torch": "not loaded here: it would run posix.system"}
    write_polyglots(expected)

    # A tar archive: torch.load reads it as the format before 0.4, unpickling its members
    # (never loaded here); its pickle member's globals are named.
    write_tar("tar-payload.tar", {"storages": pickle.dumps(0, protocol=2), "tensors": pickle.dumps(0, protocol=2),
                                  "pickle": b"\x80\x02cposix\nsystem\nX\x0b\x00\x00\x00echo pwned\x85R."})
    expected["hostile"]["tar-payload.tar"] = {"kind": "pickle-unsafe-global", "unsafe": ["posix.system"],
                                              "torch": "not loaded here: it would run posix.system"}
    write_tar("tar-plain.tar", {"storages": pickle.dumps(0, protocol=2), "tensors": pickle.dumps(0, protocol=2),
                                "pickle": pickle.dumps({"a": 1}, protocol=2)})
    expected["hostile"]["tar-plain.tar"] = {"kind": "unsupported-format", "torch": verdict(path("tar-plain.tar"))}

    with open(path("no-magic.pkl"), "wb") as f:
        pickle.dump({"a": [1, 2, 3]}, f, protocol=2)
    expected["hostile"]["no-magic.pkl"] = {"kind": "unsupported-format", "torch": verdict(path("no-magic.pkl"))}
    # A whole nn.Module saved the legacy way: its classes are unsafe globals, its source 'module' ids.
    torch.save(torch.nn.Linear(2, 3), path("module.bin"), _use_new_zipfile_serialization=False)
    expected["hostile"]["module.bin"] = {"kind": "pickle-unsafe-global", "torch": verdict(path("module.bin")),
                                         "globals": pickles_of(path("module.bin"))[0]}

    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

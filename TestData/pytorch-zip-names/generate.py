#!/usr/bin/env python3
"""Torch zips whose entry names torch.load reads differently from a byte-for-byte reader, and
`expected.json` with torch.load's verdict on each.

Run from the repository root: `python3 TestData/pytorch-zip-names/generate.py` (needs torch).
Found by an adversarial review (helper-142, 2026-12-06), each checked against torch here:

- torch's zip reader (miniz, opened by `PyTorchStreamReader`) looks a record up with names
  compared ignoring ASCII letter case, so `archive/DATA.PKL` is found for `data.pkl` and
  `archive/BYTEORDER` for `byteorder`; with two entries that differ only in case, which one is
  read depends on miniz's sorted index;
- `torch.load`'s zip test (`_is_zipfile`) is exactly the four bytes `PK\\x03\\x04`: a file starting
  with an empty archive's end record `PK\\x05\\x06` is read as a legacy tar or pickle;
- every entry must be in the folder of the central directory's first entry
  (`get_all_records`: "file in archive is not in a subdirectory");
- an empty tensor may start past its storage's end (`set_` checks bytes only when there are some).

Every file is a torch.save of {"w": [[1, 2], [3, 4]]} (float32) recomposed with zipfile. The
payloads are inert: a pickle that would call `posix.system("true")`.
"""
import io
import json
import os
import struct
import tarfile
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def entry(name):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    return info


def clean_entries(state=None):
    """torch.save's entries of `state` (default {"w": [[1, 2], [3, 4]]}), in its order."""
    buffer = io.BytesIO()
    torch.save(state if state is not None else {"w": torch.tensor([[1.0, 2.0], [3.0, 4.0]])}, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return [(info.filename, archive.read(info.filename)) for info in archive.infolist()]


def write(name, entries, prefix=b""):
    """A zip of `entries`, after `prefix` bytes (mode "w" from the prefix's end: the offsets are
    positions in the whole file; append mode would take a `PK\\x05\\x06` inside the prefix for
    an end record and write over the prefix)."""
    buffer = io.BytesIO()
    buffer.write(prefix)
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry_name, data in entries:
            archive.writestr(entry(entry_name), data)
    with open(path(name), "wb") as f:
        f.write(buffer.getvalue())


def renamed(entries, old, new):
    return [(new if n == old else n, d) for n, d in entries]


def floats(*values):
    return struct.pack("<%df" % len(values), *values)


def verdict(name):
    """What torch.load(weights_only=True) does: the tensors it returns, or its error's first line."""
    try:
        loaded = torch.load(path(name), weights_only=True)
    except Exception as error:
        return {"loads": False, "error": str(error).strip().splitlines()[0][:300]}
    if name == "empty-view-past-storage.pt":
        assert loaded["e"].storage_offset() == 1000 and loaded["e"].untyped_storage().nbytes() == 64
    return {"loads": True, "tensors": {k: {"shape": list(v.shape), "values": v.flatten().tolist()}
                                        for k, v in sorted(loaded.items())}}


def main():
    clean = clean_entries()
    root = clean[0][0].split("/")[0]
    pickle_name = f"{root}/data.pkl"
    pickle_bytes = dict(clean)[pickle_name]
    expected = {"torch_version": torch.__version__, "files": {}}

    def add(name, reader, note):
        expected["files"][name] = {"torch_load": verdict(name), "reader": reader, "note": note}

    # 1. data.pkl spelled in capitals only: torch finds it; so must the reader.
    write("data-pkl-capitals.pt", renamed(clean, pickle_name, f"{root}/DATA.PKL"))
    add("data-pkl-capitals.pt", {"reads": True}, "the only pickle is spelled DATA.PKL; torch's lookup ignores ASCII case")

    # 2. A second pickle whose name differs only in case (it would swap the values): refused.
    other = pickle_bytes.replace(b"X\x01\x00\x00\x000", b"X\x01\x00\x00\x001")  # storage key "0" -> "1"
    assert other != pickle_bytes
    write("data-pkl-case-twin.pt", clean + [(f"{root}/data/1", floats(float("nan"), 9, 9, 9)), (f"{root}/Data.pkl", other)])
    add("data-pkl-case-twin.pt", {"reads": False, "kind": "zip-duplicate-entry"},
        "data.pkl and Data.pkl: which one torch reads depends on miniz's sorted index")

    # 3. A storage entry with a case twin: refused.
    write("storage-case-twin.pt", clean + [(f"{root}/DATA/0", floats(float("nan"), 9, 9, 9))])
    add("storage-case-twin.pt", {"reads": False, "kind": "zip-duplicate-entry"}, "data/0 and DATA/0")

    # 4. byteorder spelled in capitals, saying big: torch byte-swaps; the reader refuses big-endian files.
    without_order = [(n, d) for n, d in clean if n != f"{root}/byteorder"]
    write("byteorder-capitals-big.pt", without_order + [(f"{root}/BYTEORDER", b"big")])
    add("byteorder-capitals-big.pt", {"reads": False, "kind": "not-a-torch-checkpoint"},
        "BYTEORDER = big: torch.load byte-swaps every value")

    # 5. An entry outside the first entry's folder: torch refuses the file.
    write("entry-outside-root.pt", clean + [("/abs/path", b"x")])
    add("entry-outside-root.pt", {"reads": False, "kind": "not-a-torch-checkpoint"}, "an entry named /abs/path")

    # 6. The first entry in another folder than data.pkl's: torch takes the first entry's folder.
    write("first-entry-elsewhere.pt", [("other/readme", b"x")] + clean)
    add("first-entry-elsewhere.pt", {"reads": False, "kind": "not-a-torch-checkpoint"},
        "the first entry is other/readme: torch reads every record from other/ (and finds no other/version)")

    # 7. A tar whose first member is named PK\x05\x06 (an end record's signature) before a clean
    #    zip: torch.load reads the tar (a legacy file), whose pickle would call posix.system.
    payload = b"\x80\x02cposix\nsystem\nX\x04\x00\x00\x00true\x85R."
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for member, data in [("PK\x05\x06", b""), ("storages", payload)]:
            info = tarfile.TarInfo(member)
            info.size, info.mtime = len(data), 0
            archive.addfile(info, io.BytesIO(data))
    write("tar-named-end-record.pt", clean, prefix=tar.getvalue())
    add("tar-named-end-record.pt", {"reads": False, "kind": "tar-archive"},
        "starts with PK\\x05\\x06: not a zip to torch.load, which reads it as a legacy tar (its pickle calls posix.system)")

    # 8. An empty tensor at offset 1,000 of a 64-byte storage: torch loads it.
    empty = clean_entries({"e": torch.zeros(16)[16:].reshape(0, 4)})
    empty_pickle_name = next(n for n, _ in empty if n.endswith("/data.pkl"))
    data = dict(empty)[empty_pickle_name]
    # torch.save wrote the view's offset 16 as BININT1 (K 0x10) just before its shape (0, 4);
    # it becomes 1,000 (BININT2), as a hand edit would.
    shape = data.find(b"K\x00K\x04\x86")
    offset = data.rfind(b"K\x10", 0, shape)
    assert shape > 0 and offset > 0, data
    edited = data[:offset] + b"M\xe8\x03" + data[offset + 2:]
    write("empty-view-past-storage.pt", [(n, edited if n == empty_pickle_name else d) for n, d in empty])
    add("empty-view-past-storage.pt", {"reads": True}, "shape [0, 4] at offset 1,000 of a 64-byte storage")

    # 9. Two storage keys that differ only in case, one entry: torch.load reads two equal
    #    copies; the reader refuses (it would take them for one buffer).
    two = clean_entries({"w": torch.tensor([1.0, 2.0]), "v": torch.tensor([1.0, 2.0])})
    two_pickle_name = next(n for n, _ in two if n.endswith("/data.pkl"))
    data = dict(two)[two_pickle_name]
    assert data.count(b"X\x01\x00\x00\x000") == 1 and data.count(b"X\x01\x00\x00\x001") == 1, data
    data = data.replace(b"X\x01\x00\x00\x000", b"X\x01\x00\x00\x00a").replace(b"X\x01\x00\x00\x001", b"X\x01\x00\x00\x00A")
    entries = []
    for n, d in two:
        if n.endswith("/data/1"):
            continue
        entries.append((n.replace("/data/0", "/data/a"), data if n == two_pickle_name else d))
    write("two-keys-one-entry.pt", entries)
    add("two-keys-one-entry.pt", {"reads": False, "kind": "storage-inconsistent"},
        "keys a and A, one entry data/a: torch.load reads two copies")

    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for name, e in sorted(expected["files"].items()):
        print(name, e["torch_load"])


if __name__ == "__main__":
    main()

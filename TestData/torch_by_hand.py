"""Hand-built torch files for the fixture generators (pytorch-names/generate.py,
pytorch-load-changes/generate.py): pickle opcodes as bytes, and the zip torch.save writes around
a pickle, defined once so the generators agree on what they write."""
import os
import struct
import zipfile


def G(module, name):
    """GLOBAL module name."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def U(text):
    """BINUNICODE text."""
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def I(n):
    """BININT1 for 0..255, else BININT."""
    return b"K" + bytes([n]) if 0 <= n < 256 else b"J" + struct.pack("<i", n)


def write_zip(path, body, storages, header=b"\x80\x02"):
    """A torch.save-style zip at `path`: `body` as data.pkl (after `header`, protocol 2 unless
    given; STOP added), the storages under data/<key>, byteorder little and version 3, stored
    and with a fixed date."""
    entry = os.path.splitext(os.path.basename(path))[0]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        def put(member, data):
            info = zipfile.ZipInfo(f"{entry}/{member}", date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
        put("data.pkl", header + body + b".")
        put("byteorder", b"little")
        for key, data in storages.items():
            put(f"data/{key}", data)
        put("version", b"3\n")

"""Pickle opcodes as bytes, for the fixture generators that write hand-built pickles
(pytorch-names/generate.py, pytorch-load-changes/generate.py): one definition of each, so the
generators agree on what they write."""
import struct


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

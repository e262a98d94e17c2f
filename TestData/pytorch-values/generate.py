#!/usr/bin/env python3
"""Writes values.pt, hand.pt and expected.json: a checkpoint whose pickle holds, beside its tensors, the
values a training script saves (epoch, learning rate, flags, names, hashes, bytes, a number
wider than 64 bits, NaN and infinities, a text longer than tensoraudit keeps), and a
`state_dict` OrderedDict whose `_metadata` attribute holds version numbers (not at a named
place: torch.load returns them as an attribute, not as items).

expected.json: every value at a named place that is not a tensor, in the order a depth-first
walk of what `torch.load(weights_only=True)` returns meets them (dict items in order, list and
tuple items by index), named as tensors are (keys and indices joined with '.'), with Python's
type name and `repr`, and typed: `int` (within 64 bits), `long_bytes` (the bytes pickle's
LONG1 takes for a wider one), `bool`, `text` (its first 1,000 code points, `truncated` when it
is longer), `nbytes` for bytes; and `state_dict_metadata_entries`, how many `_metadata` entries the
OrderedDict carries; `hand_values`, the same walk of hand.pt (`hand_pickle`). Needs: pip install torch. Fixed values, no randomness.
"""
import json
import pathlib
import pickle
import zipfile

import torch

HERE = pathlib.Path(__file__).parent
# The code points of a text tensoraudit keeps (`TorchValue.maxTextCharacters`): a fact of the
# reader under test, written here so expected.json says what a cut text keeps.
KEPT = 1000


def build():
    model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    state = model.state_dict()
    with torch.no_grad():
        for value in state.values():
            value.fill_(0.5)
    return {
        "state_dict": state,
        "epoch": 7,
        "step": -3,
        "largest": 2**63 - 1,
        "wide": 2**70,
        "lr": 1e-05,
        "loss": float("nan"),
        "best": float("inf"),
        "worst": float("-inf"),
        "ratio": 0.1,
        "done": True,
        "resumed": None,
        "name": "vad-🙂\u202e\n",
        "sha256": "ab" * 32,
        "long": "x" * 1500,
        "blob": b"\x00\x01\x02",
        "history": [0.5, 0.25, {"lr": 0.001, "tag": "warmup"}],
        "shape": (3, 4),
        "extra": {"weights": torch.arange(3, dtype=torch.float32), "note": "tensor beside"},
    }


def walk(value, path, out):
    if isinstance(value, torch.Tensor):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            walk(item, path + [str(key)], out)
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            walk(item, path + [str(index)], out)
        return
    entry = {"name": ".".join(path), "type": type(value).__name__, "repr": repr(value)}
    if isinstance(value, bool):
        entry["bool"] = value
    elif isinstance(value, int):
        if -2**63 <= value < 2**63:
            entry["int"] = value
        else:
            entry["long_bytes"] = len(pickle.encode_long(value))
    elif isinstance(value, str):
        entry["text"] = value[:KEPT]
        entry["truncated"] = len(value) > KEPT
    elif isinstance(value, bytes):
        entry["nbytes"] = len(value)
    out.append(entry)


def text(value):
    """BINUNICODE."""
    data = value.encode("utf-8")
    return b"X" + len(data).to_bytes(4, "little") + data


def integer(value):
    """BININT."""
    return b"J" + value.to_bytes(4, "little", signed=True)


def global_(module, name):
    """GLOBAL."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def hand_pickle():
    """A protocol-2 pickle torch.save does not write but torch.load reads: a dict whose keys
    'a' and 'b' are set twice (Python keeps the first position, the last value), bytes made by
    `_codecs.encode` with UTF-8 (by name and by default) and Latin-1 spellings, a torch.Size, and
    an int under a 2,000-character key (longer than the names tensoraudit keeps whole)."""
    encode = global_("_codecs", "encode")
    items = (text("a") + integer(1) + text("b") + integer(2) + text("c") + integer(3) + text("a") + integer(4) + text("b") + b"N"
             + text("utf8") + encode + text("é") + text("utf-8") + b"\x86R"
             + text("default") + encode + text("abc") + b"\x85R"
             + text("l1") + encode + text("\xff\xe9") + text("latin-1") + b"\x86R"
             + text("size") + global_("torch", "Size") + b"(K\x03K\x04t\x85R"
             + text("k" * 2000) + integer(9))
    return b"\x80\x02}(" + items + b"u."


def write_hand(path):
    """`hand_pickle` as the data.pkl of a zip laid out as torch.save lays one out."""
    template = HERE / "_template.pt"
    torch.save({}, template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            name = "archive/" + info.filename.split("/", 1)[1]
            target.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 5, 0, 0, 0)), hand_pickle() if name == "archive/data.pkl" else data)
    template.unlink()


def expected_values(path):
    values = []
    walk(torch.load(path, weights_only=True), [], values)
    return values


def main():
    torch.save(build(), HERE / "values.pt")
    loaded = torch.load(HERE / "values.pt", weights_only=True)
    write_hand(HERE / "hand.pt")
    expected = {
        "torch_version": torch.__version__,
        "values": expected_values(HERE / "values.pt"),
        "state_dict_metadata_entries": len(getattr(loaded["state_dict"], "_metadata", {}) or {}),
        "hand_values": expected_values(HERE / "hand.pt"),
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

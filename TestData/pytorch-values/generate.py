#!/usr/bin/env python3
"""Writes values.pt and expected.json: a checkpoint whose pickle holds, beside its tensors, the
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
OrderedDict carries. Needs: pip install torch. Fixed values, no randomness.
"""
import json
import pathlib
import pickle

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


def main():
    torch.save(build(), HERE / "values.pt")
    loaded = torch.load(HERE / "values.pt", weights_only=True)
    values = []
    walk(loaded, [], values)
    expected = {
        "torch_version": torch.__version__,
        "values": values,
        "state_dict_metadata_entries": len(getattr(loaded["state_dict"], "_metadata", {}) or {}),
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

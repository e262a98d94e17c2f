#!/usr/bin/env python3
"""Writes weights-only-opcodes.json: the pickle opcodes torch's weights-only unpickler
(`torch.load(weights_only=True)`, the default since PyTorch 2.6) runs, read from its source, and
the name of every opcode Python's pickle defines.

Run from the repository root: `python3 TestData/pytorch/generate_weights_only_opcodes.py` (torch).
`WeightsOnlyOpcodesTests` holds the Swift table (`WeightsOnlyOpcodes`) against the file.

Why: the weights-only unpickler implements a subset of pickle. A file whose pickle uses another
opcode (protocol 4's FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL: `torch.save(...,
pickle_protocol=4)`) is refused by it with "Unsupported operand N", and loads only with
weights_only=False, which runs the pickle.
"""
import inspect
import json
import pathlib
import pickle
import re

import torch
import torch._weights_only_unpickler as unpickler

source = inspect.getsource(unpickler.Unpickler.load)
handled = sorted(set(re.findall(r"\b([A-Z][A-Z0-9_]{2,})\[0\]", source)))
codes = {name: getattr(pickle, name)[0] for name in dir(pickle)
         if name.isupper() and isinstance(getattr(pickle, name), bytes) and len(getattr(pickle, name)) == 1}
assert set(handled) <= set(codes), set(handled) - set(codes)
document = {
    "torch_version": torch.__version__,
    "how": "names X in `key[0] == X[0]` / `key[0] in [X[0], ...]` in torch._weights_only_unpickler.Unpickler.load",
    "weights_only_opcodes": {name: codes[name] for name in handled},
    "opcode_names": {str(code): name for name, code in sorted(codes.items())},
}
path = pathlib.Path(__file__).with_name("weights-only-opcodes.json")
path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
print(f"wrote {path}: {len(handled)} of {len(codes)} opcodes, torch {torch.__version__}")

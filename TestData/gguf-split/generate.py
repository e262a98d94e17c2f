#!/usr/bin/env python3
"""A GGUF split part under a name that does not say so, and `expected.json` from gguf-py.

Run from the repository root: `python3 TestData/gguf-split/generate.py` (needs gguf, numpy).
`renamed-part.gguf`: the first part of a two-part llama model as llama.cpp's gguf-split writes
its metadata (`split.no` 0, `split.count` 2, `split.tensors.count` 3), holding `token_embd.weight`
and no `output.weight` (another part may hold it). `whole.gguf`: the same tensors with no split
keys. `expected.json` holds what gguf-py's reader finds in each (split keys, tensor names).
"""
import json
import os

import numpy as np
from gguf import GGUFReader, GGUFWriter

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, split):
    rng = np.random.default_rng(0)
    writer = GGUFWriter(os.path.join(HERE, name), "llama")
    writer.add_block_count(1)
    writer.add_embedding_length(8)
    if split:
        writer.add_uint16("split.no", 0)
        writer.add_uint16("split.count", 2)
        writer.add_int32("split.tensors.count", 3)
    writer.add_tensor("token_embd.weight", rng.standard_normal((16, 8)).astype(np.float32))
    writer.add_tensor("output_norm.weight", np.ones(8, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def facts(name):
    reader = GGUFReader(os.path.join(HERE, name))
    split = {key: int(reader.fields[key].parts[-1][0]) for key in ("split.no", "split.count", "split.tensors.count") if key in reader.fields}
    return {"split": split, "tensors": [t.name for t in reader.tensors]}


def main():
    write("renamed-part.gguf", split=True)
    write("whole.gguf", split=False)
    expected = {name: facts(name) for name in ("renamed-part.gguf", "whole.gguf")}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

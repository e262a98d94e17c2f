#!/usr/bin/env python3
"""A GGUF split part under a name that does not say so, and `expected.json` from gguf-py.

Run from the repository root: `python3 TestData/gguf-split/generate.py` (needs gguf, numpy).
`renamed-part.gguf`: the first part of a two-part llama model as llama.cpp's gguf-split writes
its metadata (`split.no` 0, `split.count` 2, `split.tensors.count` 3), holding `token_embd.weight`
and no `output.weight` (another part may hold it). `whole.gguf`: the same tensors with no split
keys. `expected.json` holds what gguf-py's reader finds in each (split keys, tensor names).

Split models as gguf-py's writer cuts them (`GGUFWriter(split_max_tensors=1)`, the writer
convert_hf_to_gguf.py's `--split-max-tensors` uses), read whole from their first part:
`untied/llama-0000i-of-00004.gguf` (a llama model whose `output.weight` is in the fourth part,
its 5-token vocabulary in the first part's metadata) and `tied/llama-0000i-of-00003.gguf` (no
`output.weight` anywhere: llama.cpp uses `token_embd.weight` in its place); `vocabulary/`, the
untied model with a 6-row `output.weight` in its last part against the first part's 5 tokens
(llama.cpp refuses its shape); `quantized/`, a Q8_0 model (`general.file_type` 7 in its first
part) cut into two parts of two tensors, the second holding an F16 and a Q8_0 matrix and no file
type (read alone, nothing says which mix was intended); `mixed-part/llama-00002-of-00003.gguf`,
a later part alone holding an F16 and a BF16 matrix (two unquantized types, which no file type
allows). Made to fail as
llama.cpp fails: `missing/` (the untied model without its second part), `wrong-number/` (the
second part's `split.no` says 2), `twice/` (a tensor in two parts), `count/` (the first part's
`split.tensors.count` says 5 of 4), `first-number/` (the first part's `split.no` says 1),
`count-type/` (`split.count` a uint32, where llama.cpp reads a uint16), `not-gguf/` (the second
part is text). For every part, `expected.json` records gguf-py's reading.
"""
import json
import os
import shutil

import numpy as np
from gguf import GGUFReader, GGUFWriter

HERE = os.path.dirname(os.path.abspath(__file__))


def finish(writer):
    """Writes what was added to `writer`: header, metadata, tensors."""
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


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
    finish(writer)


def facts(name):
    reader = GGUFReader(os.path.join(HERE, name))
    split = {key: int(reader.fields[key].parts[-1][0]) for key in ("split.no", "split.count", "split.tensors.count") if key in reader.fields}
    types = {key: reader.fields[key].types[0].name for key in split}
    return {"split": split, "split_types": types, "tensors": [t.name for t in reader.tensors]}


def write_split(folder, with_output, output_rows=5):
    """A llama model cut into parts of one tensor each by gguf-py's writer."""
    rng = np.random.default_rng(1)
    path = os.path.join(HERE, folder)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    writer = GGUFWriter(os.path.join(path, "llama.gguf"), "llama", split_max_tensors=1)
    writer.add_block_count(1)
    writer.add_embedding_length(8)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(["<unk>", "<s>", "</s>", "a", "b"])
    writer.add_token_types([2, 3, 3, 1, 1])
    writer.add_tensor("token_embd.weight", rng.standard_normal((5, 8)).astype(np.float32))
    writer.add_tensor("output_norm.weight", np.ones(8, dtype=np.float32))
    writer.add_tensor("blk.0.attn_norm.weight", np.ones(8, dtype=np.float32))
    if with_output:
        writer.add_tensor("output.weight", rng.standard_normal((output_rows, 8)).astype(np.float32))
    finish(writer)
    return sorted(os.listdir(path))


def write_quantized():
    """A Q8_0 model in two parts of two tensors (quantized by gguf-py)."""
    from gguf import GGMLQuantizationType, quants
    rng = np.random.default_rng(2)
    path = os.path.join(HERE, "quantized")
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    writer = GGUFWriter(os.path.join(path, "llama.gguf"), "llama", split_max_tensors=2)
    writer.add_block_count(1)
    writer.add_embedding_length(32)
    writer.add_file_type(7)  # LLAMA_FTYPE_MOSTLY_Q8_0
    q8 = GGMLQuantizationType.Q8_0
    def quantized(shape):
        data = rng.standard_normal(shape).astype(np.float32)
        return quants.quantize(data, q8)
    writer.add_tensor("token_embd.weight", quantized((8, 32)), raw_dtype=q8)
    writer.add_tensor("output_norm.weight", np.ones(32, dtype=np.float32))
    writer.add_tensor("blk.0.attn_q.weight", rng.standard_normal((32, 32)).astype(np.float16))
    writer.add_tensor("blk.0.attn_k.weight", quantized((32, 32)), raw_dtype=q8)
    finish(writer)
    return sorted(os.listdir(path))


def write_part(path, number, count, tensors, total=None, count_type="uint16"):
    """One part written by hand with the split keys gguf-split writes (for the failing models)."""
    writer = GGUFWriter(path, "llama")
    writer.add_uint16("split.no", number)
    getattr(writer, f"add_{count_type}")("split.count", count)
    if total is not None:
        writer.add_int32("split.tensors.count", total)
    for name, array in tensors:
        writer.add_tensor(name, array)
    finish(writer)


def write_failing():
    ones = np.ones(8, dtype=np.float32)
    cases = {
        "wrong-number": [(0, 4, [("token_embd.weight", ones), ("a.weight", ones)]), (2, None, [("b.weight", ones)])],
        "twice": [(0, 3, [("token_embd.weight", ones), ("a.weight", ones)]), (1, None, [("a.weight", ones)])],
        "count": [(0, 5, [("token_embd.weight", ones), ("a.weight", ones)]), (1, None, [("b.weight", ones), ("c.weight", ones)])],
        "first-number": [(1, 2, [("token_embd.weight", ones)]), (1, None, [("a.weight", ones)])],
        "count-type": [(0, 2, [("token_embd.weight", ones)]), (1, None, [("a.weight", ones)])],
    }
    for folder, parts in cases.items():
        path = os.path.join(HERE, folder)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        for i, (number, total, tensors) in enumerate(parts):
            write_part(os.path.join(path, f"llama-{i + 1:05d}-of-00002.gguf"), number, 2, tensors, total,
                       count_type="uint32" if folder == "count-type" else "uint16")
    text = os.path.join(HERE, "not-gguf")
    shutil.rmtree(text, ignore_errors=True)
    os.makedirs(text)
    write_part(os.path.join(text, "llama-00001-of-00002.gguf"), 0, 2, [("token_embd.weight", ones)], 2)
    with open(os.path.join(text, "llama-00002-of-00002.gguf"), "w") as f:
        f.write("not a model\n")
    missing = os.path.join(HERE, "missing")
    shutil.rmtree(missing, ignore_errors=True)
    shutil.copytree(os.path.join(HERE, "untied"), missing)
    os.remove(os.path.join(missing, "llama-00002-of-00004.gguf"))


def main():
    write("renamed-part.gguf", split=True)
    write("whole.gguf", split=False)
    expected = {name: facts(name) for name in ("renamed-part.gguf", "whole.gguf")}
    for folder, with_output, rows in (("untied", True, 5), ("tied", False, 5), ("vocabulary", True, 6)):
        for name in write_split(folder, with_output, rows):
            expected[f"{folder}/{name}"] = facts(os.path.join(folder, name))
    for name in write_quantized():
        reader = GGUFReader(os.path.join(HERE, "quantized", name))
        expected[f"quantized/{name}"] = dict(facts(os.path.join("quantized", name)),
                                             types=[t.tensor_type.name for t in reader.tensors],
                                             file_type=int(reader.fields["general.file_type"].parts[-1][0]) if "general.file_type" in reader.fields else None)
    from gguf import GGMLQuantizationType
    mixed = os.path.join(HERE, "mixed-part")
    shutil.rmtree(mixed, ignore_errors=True)
    os.makedirs(mixed)
    rng = np.random.default_rng(4)
    bf16 = (rng.standard_normal((8, 32)).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
    # gguf-py writes BF16 from its raw bits, with raw_dtype (write_part adds plain arrays).
    writer = GGUFWriter(os.path.join(mixed, "llama-00002-of-00003.gguf"), "llama")
    writer.add_uint16("split.no", 1)
    writer.add_uint16("split.count", 3)
    writer.add_tensor("blk.1.attn_q.weight", rng.standard_normal((8, 32)).astype(np.float16))
    writer.add_tensor("blk.1.attn_k.weight", bf16, raw_dtype=GGMLQuantizationType.BF16)
    finish(writer)
    reader = GGUFReader(os.path.join(mixed, "llama-00002-of-00003.gguf"))
    expected["mixed-part/llama-00002-of-00003.gguf"] = dict(facts(os.path.join("mixed-part", "llama-00002-of-00003.gguf")),
                                                             types=[t.tensor_type.name for t in reader.tensors])
    write_failing()
    for folder in ("wrong-number", "twice", "count", "missing", "first-number", "count-type"):
        for name in sorted(os.listdir(os.path.join(HERE, folder))):
            expected[f"{folder}/{name}"] = facts(os.path.join(folder, name))
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

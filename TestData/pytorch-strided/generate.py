#!/usr/bin/env python3
"""Strided torch views, read through row-major copies, and `expected.json` from torch and numpy.

Run from the repository root: `python3 TestData/pytorch-strided/generate.py` (needs torch,
numpy and safetensors).
`strided.pt`: a state dict whose views are not contiguous, as conversion scripts save them:
`proj_t` the transpose of the F32 `[24, 40]` `proj` (one storage, both saved), `cols` every
other column of a BF16 `[12, 64]` matrix, `perm` an F16 `[4, 6, 8]` tensor permuted to
`[8, 4, 6]`, `expanded` an F32 row expanded to `[10, 32]` (stride 0: every row the same
elements), `zero_col_t` the transpose of an F32 `[16, 9]` matrix whose column 3 is zero (so row 3
of the view is zero), `every_third` an I64 vector taken every third element; `embed.weight` is
contiguous.
`strided-contiguous.safetensors`: the same names, each `.contiguous()` (torch's copy), written
by safetensors: the bytes a strided view must read as.
`expand-bomb.pt`: one F32 element expanded to `[4096, 4096]` (64 MiB of elements from a 4-byte
storage, far more than the file): refused, not copied.
`same-view-twice.pt`: one transposed F32 `[8, 16]` view saved under two names (an embedding and
`lm_head.weight`, tied as one view); `same-view-dropped.safetensors` the first alone, as a
converter that drops the tied name writes it. `symmetric.pt`: a symmetric F32 `[8, 8]` matrix
beside its own transpose (one storage, equal values). `only-strided.pt`: a file whose one tensor
is a transpose.
`expected.json`: per tensor of `strided.pt`, torch's shape, stride, `is_contiguous`, element
size, and the file bytes it spans (its storage's data offset in the zip, from Python's
`zipfile` and the local header, plus torch's storage offset); per matrix, numpy's float64 row
L2 norms, minima and maxima of `t.contiguous()`; the bomb's element count; for the three small files, whether torch gives one storage
(`untyped_storage().data_ptr()`) and equal values, and the file offset of `only-strided.pt`'s
storage data with the largest power of two dividing it.
"""
import json
import os
import struct
import zipfile

import numpy as np
import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def storage_data_offsets(path):
    """Zip entry `*/data/KEY` -> file offset of its data (after the local header)."""
    offsets = {}
    with open(path, "rb") as raw, zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts = info.filename.split("/")
            if len(parts) >= 3 and parts[-2] == "data":
                raw.seek(info.header_offset)
                header = raw.read(30)
                name_length, extra_length = struct.unpack("<HH", header[26:30])
                offsets[parts[-1]] = info.header_offset + 30 + name_length + extra_length
    return offsets


def main():
    g = torch.Generator().manual_seed(11)
    proj = torch.randn(24, 40, generator=g)
    wide = torch.randn(12, 64, generator=g).to(torch.bfloat16)
    cube = torch.randn(4, 6, 8, generator=g).to(torch.float16)
    row = torch.randn(1, 32, generator=g)
    zero_col = torch.randn(16, 9, generator=g)
    zero_col[:, 3] = 0
    state = {
        "embed.weight": torch.randn(50, 16, generator=g),
        "proj": proj,
        "proj_t": proj.t(),
        "cols": wide[:, ::2],
        "perm": cube.permute(2, 0, 1),
        "expanded": row.expand(10, 32),
        "zero_col_t": zero_col.t(),
        "every_third": torch.arange(40, dtype=torch.int64)[::3],
    }
    path = os.path.join(HERE, "strided.pt")
    torch.save(state, path)
    save_file({k: v.contiguous().clone() for k, v in state.items()}, os.path.join(HERE, "strided-contiguous.safetensors"))
    bomb = os.path.join(HERE, "expand-bomb.pt")
    torch.save({"bomb": torch.ones(1, 1).expand(4096, 4096)}, bomb)

    loaded = torch.load(path, weights_only=True)
    offsets = storage_data_offsets(path)
    tensors = {}
    for name, t in loaded.items():
        size = t.element_size()
        entry = {"shape": list(t.shape), "stride": list(t.stride()), "is_contiguous": t.is_contiguous(),
                 "element_size": size, "numel": t.numel()}
        # First and one-past-last element index the view touches.
        first = t.storage_offset()
        last = first + sum((n - 1) * s for n, s in zip(t.shape, t.stride()))
        entry["storage_elements"] = [first, last + 1]
        if t.dim() >= 2:
            rows = t.contiguous().reshape(t.shape[0], -1).to(torch.float64).numpy()
            entry["row_l2_norms"] = np.sqrt((rows * rows).sum(axis=1)).tolist()
            entry["row_min"] = rows.min(axis=1).tolist()
            entry["row_max"] = rows.max(axis=1).tolist()
        tensors[name] = entry
    # Which zip data entry each tensor's storage is: torch writes storages in order of first
    # use; read the pickle's persistent ids with torch's own loader hook.
    keys = {}
    with zipfile.ZipFile(path) as archive:
        pkl = [n for n in archive.namelist() if n.endswith("data.pkl")][0]
        import pickle

        class Keys(pickle.Unpickler):
            def find_class(self, module, name):
                if module == "torch._utils" and name == "_rebuild_tensor_v2":
                    def rebuild(storage, offset, size, stride, *rest):
                        return ("tensor", storage, offset, tuple(size), tuple(stride))
                    return rebuild
                if module == "collections" and name == "OrderedDict":
                    import collections
                    return collections.OrderedDict
                if module == "torch":
                    return name
                return super().find_class(module, name)

            def persistent_load(self, pid):
                return pid[2]  # the storage key

        for name, value in Keys(archive.open(pkl)).load().items():
            keys[name] = value[1]
    for name, entry in tensors.items():
        start = offsets[keys[name]]
        first, end = entry["storage_elements"]
        entry["file_span"] = [start + first * entry["element_size"], start + end * entry["element_size"]]
    embedding = torch.randn(16, 8, generator=g).t()
    twice = os.path.join(HERE, "same-view-twice.pt")
    torch.save({"model.embed_tokens.weight": embedding, "lm_head.weight": embedding}, twice)
    save_file({"model.embed_tokens.weight": embedding.contiguous()}, os.path.join(HERE, "same-view-dropped.safetensors"))
    square = torch.randn(8, 8, generator=g)
    square = square + square.t()
    symmetric = os.path.join(HERE, "symmetric.pt")
    torch.save({"a": square, "b": square.t()}, symmetric)
    only = os.path.join(HERE, "only-strided.pt")
    torch.save({"w": torch.randn(4, 4, generator=g).t()}, only)

    def one_storage(path):
        loaded = torch.load(path, weights_only=True)
        return len({t.untyped_storage().data_ptr() for t in loaded.values()}) == 1

    def all_equal(path):
        values = list(torch.load(path, weights_only=True).values())
        return all(torch.equal(values[0], v) for v in values[1:])

    only_offset = list(storage_data_offsets(only).values())[0]
    small = {"same_view_twice": {"one_storage": one_storage(twice), "equal": all_equal(twice)},
             "symmetric": {"one_storage": one_storage(symmetric), "equal": all_equal(symmetric)},
             "only_strided": {"storage_data_offset": only_offset, "alignment": only_offset & -only_offset}}
    expected = {"torch_version": torch.__version__, "numpy_version": np.__version__, "tensors": tensors,
                "expand_bomb": {"numel": 4096 * 4096, "file_size": os.path.getsize(bomb)}, "small_files": small}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

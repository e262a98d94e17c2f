#!/usr/bin/env python3
"""One torch storage under many names, and `expected.json` from torch and numpy.

Run from the repository root: `python3 TestData/pytorch-views/generate.py` (needs torch).
`u8-17-names.pt`: one U8 `[65536, 1]` tensor (64 KiB, seeded) saved under the 17 names
`v00` … `v16` (torch.save writes the storage once). Name by name it is 17 × 65,536 =
1,114,112 rows: every name spends its rows of the scan's budget of max(2^20, bytes / 16), so
the 17th is past it, while the scan reads and summarises the 65,536 rows once. `expected.json`: the names torch.load gives, whether they share one storage
(`untyped_storage().data_ptr()`), and per name what numpy finds in its rows: the all-zero
rows (count, first), and the groups of equal nonzero rows (count, largest, redundant rows).
`copy-beside-views.pt`: one F32 `[64, 32]` tensor (8 KiB, past the tie sieve's 4 KiB prefix)
under `a0`, `a1`, `a2` (one storage) and its clone under `b` (a storage of its own): a copy
beside three views of one buffer; `expected.json` records torch's storages and `torch.equal`.
`slices.pt`: one storage of 256 F32 values cut into `low` (its first 128, as [4, 32]) and
`high` (its last 128), with `low_again` a second view of `low`'s bytes (as [128]) and `empty`
a zero-size view at its start: one storage, and only `low` and `low_again` share bytes (an
LSTM's flat weight buffer is cut this way);
`expected.json` records each view's storage and its byte span from torch's storage offsets.
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    generator = torch.Generator().manual_seed(7)
    tensor = torch.randint(0, 256, (65536, 1), dtype=torch.uint8, generator=generator)
    path = os.path.join(HERE, "u8-17-names.pt")
    torch.save({f"v{i:02d}": tensor for i in range(17)}, path)
    loaded = torch.load(path, weights_only=True)
    pointers = {t.untyped_storage().data_ptr() for t in loaded.values()}
    rows = {}
    for name, t in loaded.items():
        values = t.numpy()[:, 0]
        zero = np.flatnonzero(values == 0)
        counts = np.bincount(values[values != 0], minlength=256)
        groups = counts[counts >= 2]
        rows[name] = {"zero_rows": int(zero.size), "first_zero_row": int(zero[0]),
                      "duplicate_groups": int(groups.size), "largest_group": int(groups.max()),
                      "redundant_rows": int((groups - 1).sum())}
    weights = torch.randn(64, 32, generator=generator)
    beside = os.path.join(HERE, "copy-beside-views.pt")
    torch.save({"a0": weights, "a1": weights, "a2": weights, "b": weights.clone()}, beside)
    copy = torch.load(beside, weights_only=True)
    storages = {name: t.untyped_storage().data_ptr() for name, t in copy.items()}
    flat = torch.randn(256, generator=generator)
    slices_path = os.path.join(HERE, "slices.pt")
    torch.save({"low": flat[:128].view(4, 32), "empty": flat[:0], "high": flat[128:].view(4, 32), "low_again": flat[:128]}, slices_path)
    cut = torch.load(slices_path, weights_only=True)
    slices = {name: {"storage": t.untyped_storage().data_ptr() == cut["low"].untyped_storage().data_ptr(),
                     "byte_span": [t.storage_offset() * t.element_size(), (t.storage_offset() + t.numel()) * t.element_size()]}
              for name, t in cut.items()}
    expected = {"torch_version": torch.__version__, "names": list(loaded), "one_storage": len(pointers) == 1, "slices": slices,
                "rows_per_name": 65536, "rows": rows,
                "copy_beside_views": {"same_storage_as_a0": sorted(n for n in copy if storages[n] == storages["a0"]),
                                      "equal_to_a0": sorted(n for n in copy if torch.equal(copy[n], copy["a0"]))}}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

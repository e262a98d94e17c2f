#!/usr/bin/env python3
"""Writes TestData/knowledge/extreme-scale/: tied F64 token matrices whose values are so small
or so large that float64 arithmetic on them underflows or overflows, and numpy's word on what
happens, independently of tensoraudit.

Each case is a folder `tokens` reads as is (model.safetensors written by safetensors.numpy,
vocab.txt, special_tokens_map.json, a config.json that ties the embedding) built from the 48 x 6
matrix of indicators.json (rows 40-47 `[unusedN]`, rows 0-1 special), in float64:

- tiny/: every value times 1e-200. The rows differ (the mean-centred rows are not all zero),
  but every product of two centred values is below the smallest double (~4.9e-324) and
  rounds to 0: numpy's sum of their squares is 0.0. A power iteration in plain float64 finds
  no direction; numpy's SVD (LAPACK rescales the matrix first) still finds the same component
  as on the unscaled matrix, so the rows do have one: it is too small to measure, not absent.
- huge/: every value times 1e200. The squares of the centred values overflow: numpy's sum of
  them is inf.
- tiny-unused/: the known-unused rows 40-47 times 1e-170, the other rows as they are. The
  component is found (numpy's SVD, as in generate_indicators.py); once it is removed, the mean
  known-unused row is not zero, but the squares of its values underflow: numpy.linalg.norm of it
  is 0.0, so no cosine to it can be computed.

expected.json holds these facts (`centred_nonzero`, `centred_sum_of_squares`, and for
tiny-unused `mean_unused_nonzero`, `mean_unused_norm`), as Python's json writes them (inf as
the string "Infinity", which `Fixtures.number` reads). Needs numpy and safetensors. No
randomness beyond indicators.json.
"""
import json
import pathlib

import numpy as np
from safetensors.numpy import save_file

from generate_indicators import without_first_component

HERE = pathlib.Path(__file__).parent
TENSOR = "model.embed_tokens.weight"


def number(v):
    v = float(v)
    return "NaN" if np.isnan(v) else ("Infinity" if v > 0 else "-Infinity") if np.isinf(v) else v


def spread(m):
    """Whether the mean-centred rows are non-zero, and the float64 sum of their squares."""
    with np.errstate(over="ignore", under="ignore"):
        centred = m - m.mean(axis=0)
        return {"centred_nonzero": bool(np.any(centred != 0)),
                "centred_sum_of_squares": number(np.sum(centred * centred))}


def write(name, m, base, facts):
    folder = HERE / "extreme-scale" / name
    folder.mkdir(parents=True, exist_ok=True)
    save_file({TENSOR: m}, str(folder / "model.safetensors"))
    unused = base["unused"]
    vocab = ["[PAD]" if i == 0 else "[CLS]" if i == 1 else f"[unused{unused.index(i)}]" if i in unused else f"tok{i}"
             for i in range(len(m))]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    (folder / "special_tokens_map.json").write_text('{"pad_token": "[PAD]", "cls_token": "[CLS]"}\n')
    (folder / "config.json").write_text('{"model_type": "llama", "tie_word_embeddings": true}\n')
    expected = {"numpy_version": np.__version__, "tensor": TENSOR, "dtype": "F64", "rows": len(m), "dim": m.shape[1],
                "unused": unused, **facts}
    (folder / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print("wrote", folder, facts)


def main() -> None:
    base = json.loads((HERE / "indicators.json").read_text())
    values = np.array(base["values"], dtype=np.float64)
    unused = base["unused"]
    _, unscaled_pc, _ = without_first_component(values)

    tiny = values * 1e-200
    facts = spread(tiny)
    _, tiny_pc, _ = without_first_component(tiny)
    facts["svd_component_as_unscaled"] = bool(np.allclose(tiny_pc, unscaled_pc, rtol=0, atol=1e-12))
    assert facts["centred_nonzero"] and facts["centred_sum_of_squares"] == 0.0 and facts["svd_component_as_unscaled"]
    write("tiny", tiny, base, facts)

    huge = values * 1e200
    facts = spread(huge)
    assert facts["centred_nonzero"] and facts["centred_sum_of_squares"] == "Infinity"
    write("huge", huge, base, facts)

    tiny_unused = values.copy()
    tiny_unused[unused] *= 1e-170
    facts = spread(tiny_unused)
    with np.errstate(under="ignore"):
        without, _, _ = without_first_component(tiny_unused)
        mean_unused = without[unused].mean(axis=0)
        facts["mean_unused_nonzero"] = bool(np.any(mean_unused != 0))
        facts["mean_unused_norm"] = number(np.linalg.norm(mean_unused))
    assert facts["mean_unused_nonzero"] and facts["mean_unused_norm"] == 0.0
    write("tiny-unused", tiny_unused, base, facts)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes TestData/knowledge/nonfinite/: tied token matrices holding NaN, +-Inf or only zeros,
and numpy's answer for the unused-similarity indicator on them, independently of tensoraudit.

Each case is a folder `tokens` reads as is (model.safetensors written by safetensors.numpy,
vocab.txt, special_tokens_map.json, a config.json that ties the embedding) built from the 48 x 6
matrix of indicators.json (rows 40-47 `[unusedN]`, rows 0-1 special):

- nan/: NaN at [10, 2] (an ordinary row) and [41, 0] (a known-unused row);
- inf/: +Inf at [20, 1], -Inf at [30, 4] and [30, 5];
- zero/: every value 0 (no principal direction: the indicator cannot apply);
- allnan/: every value NaN (no finite row: the indicator cannot apply).

Reference (float64 on the float32 values), for nan/ and inf/: the rows holding a non-finite
value are removed, and the indicator of generate_indicators.py is computed on the rest as if
the matrix had only those rows: first principal component by numpy.linalg.svd of the
mean-centred finite rows (sign fixed so the largest component is positive), r' = r - (r.p) p,
u' = mean of r' over the finite unused rows, distance 1 - r'.u' / (|r'||u'|); candidates are
the finite eligible rows at or below numpy.percentile (linear) of their distances.
expected.json holds the values with non-finite ones as the strings "NaN", "Infinity",
"-Infinity" (JSON has no such numbers; `Fixtures.number` reads them), the left-out rows, the
distance of every row (null for a left-out one) and the candidates. Needs numpy and safetensors. No randomness beyond indicators.json.
"""
import json
import pathlib

import numpy as np
from safetensors.numpy import save_file

from generate_indicators import without_first_component

HERE = pathlib.Path(__file__).parent
TENSOR = "model.embed_tokens.weight"
PERCENTILE = 10.0
CASES = {
    "nan": [(10, 2, np.nan), (41, 0, np.nan)],
    "inf": [(20, 1, np.inf), (30, 4, -np.inf), (30, 5, -np.inf)],
}


def indicator(m, unused, eligible):
    finite = np.isfinite(m).all(axis=1)
    kept = np.flatnonzero(finite)
    x = m[kept].astype(np.float64)
    without, pc, _ = without_first_component(x)
    reference = [k for k, row in enumerate(kept) if row in unused]
    mean_unused = without[reference].mean(axis=0)
    kept_distances = 1 - (without @ mean_unused) / (np.linalg.norm(without, axis=1) * np.linalg.norm(mean_unused))
    distances = [None] * len(m)
    for k, row in enumerate(kept):
        distances[row] = float(kept_distances[k])
    scored = [i for i in eligible if distances[i] is not None]
    threshold = float(np.percentile([distances[i] for i in scored], PERCENTILE))
    rows = sorted((i for i in scored if distances[i] <= threshold), key=lambda i: (distances[i], i))
    return {
        "left_out": [int(i) for i in np.flatnonzero(~finite)],
        "reference_rows": [int(kept[k]) for k in reference],
        "distances": distances,
        "candidates": {"threshold": threshold, "rows": rows},
    }


def number(v):
    v = float(v)
    return "NaN" if np.isnan(v) else ("Infinity" if v > 0 else "-Infinity") if np.isinf(v) else v


def write(name, m, base, answer):
    folder = HERE / "nonfinite" / name
    folder.mkdir(parents=True, exist_ok=True)
    save_file({TENSOR: m}, str(folder / "model.safetensors"))
    unused, special = base["unused"], base["special"]
    vocab = ["[PAD]" if i == 0 else "[CLS]" if i == 1 else f"[unused{unused.index(i)}]" if i in unused else f"tok{i}"
             for i in range(len(m))]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    (folder / "special_tokens_map.json").write_text('{"pad_token": "[PAD]", "cls_token": "[CLS]"}\n')
    (folder / "config.json").write_text('{"model_type": "llama", "tie_word_embeddings": true}\n')
    expected = {"numpy_version": np.__version__, "tensor": TENSOR, "rows": len(m), "dim": m.shape[1],
                "percentile": PERCENTILE, "unused": unused, "special": special,
                "values": [[number(v) for v in row] for row in m], **answer}
    (folder / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print("wrote", folder, {k: answer[k] for k in answer if k != "distances"})


def main() -> None:
    base = json.loads((HERE / "indicators.json").read_text())
    values = np.array(base["values"], dtype=np.float32)
    eligible = base["eligible"]
    for name, cells in CASES.items():
        m = values.copy()
        for row, col, v in cells:
            m[row, col] = v
        write(name, m, base, indicator(m, base["unused"], eligible))
    write("zero", np.zeros_like(values), base, {"left_out": []})
    write("allnan", np.full_like(values, np.nan), base, {"left_out": list(range(len(values)))})


if __name__ == "__main__":
    main()

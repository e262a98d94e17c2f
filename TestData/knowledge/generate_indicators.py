#!/usr/bin/env python3
"""Writes indicators.json: a small embedding-like matrix and the under-trained-token
indicators computed with numpy, independently of tensoraudit.

The matrix imitates what "Fishing for Magikarp" (arXiv 2405.05417) describes: trained rows
share one dominant direction plus spread; rows of never-seen tokens (ids 40-47 here) sit
close together with a small norm; two ordinary-looking ids (5, 17) are made similar to them.

Reference computations (float64 on the float32 values):
- row norms: numpy.linalg.norm(axis=1)
- first principal component: numpy.linalg.svd of the mean-centred matrix (an exact
  decomposition, not power iteration), sign fixed so the largest component is positive
- cosine distance after removing the component from the rows as stored:
  r' = r - (r.p) p; u' = mean of r' over unused rows; 1 - r'.u' / (|r'||u'|)
- numpy.percentile (linear) of the eligible rows' scores, and the rows at or below it.
Needs numpy only. Fixed seed.
"""
import json
import pathlib

import numpy as np

ROWS, DIM = 48, 6
UNUSED = list(range(40, 48))
LOOKALIKES = [5, 17]
SPECIAL = [0, 1]
PERCENTILE = 10.0


def without_first_component(x):
    """The rows of x (float64) with their first principal component projected out: the
    component of the mean-centred rows, signed so its largest entry is positive. Returns the
    rows, the component and the singular values (generate_nonfinite.py uses it too)."""
    centred = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    pc = vt[0]
    if pc[np.argmax(np.abs(pc))] < 0:
        pc = -pc
    return x - np.outer(x @ pc, pc), pc, s


def main() -> None:
    rng = np.random.default_rng(2405_05417)
    common = np.array([3.0, -2.0, 1.0, 0.5, 2.0, -1.0])
    scale = rng.uniform(0.5, 2.0, size=(ROWS, 1))
    m = scale * common + rng.standard_normal((ROWS, DIM)) * 0.8
    centre = np.array([0.05, 0.02, -0.04, 0.03, 0.01, 0.02])
    for i in UNUSED:
        m[i] = centre + rng.standard_normal(DIM) * 0.01
    for i in LOOKALIKES:
        m[i] = centre * 1.5 + rng.standard_normal(DIM) * 0.02
    m = m.astype(np.float32)
    x = m.astype(np.float64)

    norms = np.linalg.norm(x, axis=1)
    without, pc, s = without_first_component(x)
    mean_unused = without[UNUSED].mean(axis=0)
    lengths = np.linalg.norm(without, axis=1) * np.linalg.norm(mean_unused)
    distances = 1 - (without @ mean_unused) / lengths

    eligible = [i for i in range(ROWS) if i not in UNUSED and i not in SPECIAL]

    def select(scores):
        threshold = float(np.percentile(scores[eligible], PERCENTILE))
        rows = sorted((i for i in eligible if scores[i] <= threshold), key=lambda i: (scores[i], i))
        return {"threshold": threshold, "rows": rows}

    out = {
        "numpy_version": np.__version__,
        "rows": ROWS, "dim": DIM,
        "values": [[float(v) for v in row] for row in m],
        "unused": UNUSED, "special": SPECIAL, "eligible": eligible, "percentile": PERCENTILE,
        "norms": norms.tolist(),
        "mean": x.mean(axis=0).tolist(),
        "first_pc": pc.tolist(),
        "first_pc_variance": float(s[0] ** 2 / ROWS),
        "second_pc_variance": float(s[1] ** 2 / ROWS),
        "distances": distances.tolist(),
        "norm_candidates": select(norms),
        "distance_candidates": select(distances),
    }
    path = pathlib.Path(__file__).with_name("indicators.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path, "candidates:", out["norm_candidates"], out["distance_candidates"])


if __name__ == "__main__":
    main()

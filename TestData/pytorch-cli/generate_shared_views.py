#!/usr/bin/env python3
"""Writes shared-views/: a T5-style torch file whose `shared.weight`, both `embed_tokens` and a
tied `lm_head.weight` are one storage (torch.save keeps one), with a NaN row, a high row and a
zero row 0 (T5's pad id), and shared-views.json: torch.load's names of the tensors sharing that
storage and numpy's NaN and zero rows; and shared-head/: `aaa.proj.weight` (no token matrix, and first by name) and
`lm_head.weight` as one storage with row 10 scaled by 20 (shared-head.json: the sharing names
and numpy's row of largest norm); and shared-named/: a Llama-style embedding and tied
lm_head as one storage with rows 10 and 11 equal, a WordLevel tokenizer.json naming rows
tok0 … tok15 (shared-named.json: the sharing names and numpy's groups of equal rows); and
shared-bart/: BART's `model.shared.weight`, both `embed_tokens` and the tied `lm_head.weight` as
one storage with a zero row 1, BART's pad id, which BartConfig's embeddings are built with as
padding_idx (shared-bart.json: the sharing names and numpy's zero rows).
Needs: pip install torch numpy. Fixed seed."""
import json
import pathlib

import numpy as np
import torch

HERE = pathlib.Path(__file__).parent


def sharing(loaded, name):
    """The names torch.load gives views of `name`'s storage (data_ptr identity), sorted."""
    pointer = loaded[name].untyped_storage().data_ptr()
    return sorted(n for n, t in loaded.items() if t.untyped_storage().data_ptr() == pointer)


def write(name, facts):
    (HERE / name).write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
    print(facts)

folder = HERE / "shared-views"
folder.mkdir(exist_ok=True)
torch.manual_seed(0)
weight = torch.randn(64, 8)
weight[3] *= 10
weight[5] = float("nan")
weight[0] = 0  # T5's pad row (T5Config's pad_token_id 0), zero by hand: T5 builds no padding_idx
names = ["shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight", "lm_head.weight"]
torch.save({name: weight for name in names}, folder / "pytorch_model.bin")
(folder / "config.json").write_text(json.dumps({"model_type": "t5", "vocab_size": 64, "d_model": 8,
                                                "tie_word_embeddings": True}, indent=1) + "\n")
loaded = torch.load(folder / "pytorch_model.bin", weights_only=True)
values = loaded["shared.weight"].numpy()
write("shared-views.json", {"sharing_storage": sharing(loaded, "shared.weight"),
                            "nan_rows": [int(i) for i in np.flatnonzero(np.isnan(values).any(axis=1))],
                            "zero_rows": [int(i) for i in np.flatnonzero((values == 0).all(axis=1))]})

head = HERE / "shared-head"
head.mkdir(exist_ok=True)
torch.manual_seed(1)
matrix = torch.randn(64, 16)
matrix[10] *= 20
torch.save({"aaa.proj.weight": matrix, "lm_head.weight": matrix, "model.embed_tokens.weight": torch.randn(64, 16)},
           head / "pytorch_model.bin")
loaded = torch.load(head / "pytorch_model.bin", weights_only=True)
norms = np.linalg.norm(loaded["lm_head.weight"].numpy().astype(np.float64), axis=1)
write("shared-head.json", {"sharing_storage": sharing(loaded, "lm_head.weight"), "largest_norm_row": int(np.argmax(norms))})

named = HERE / "shared-named"
named.mkdir(exist_ok=True)
torch.manual_seed(2)
table = torch.randn(16, 8)
table[11] = table[10]
torch.save({"model.embed_tokens.weight": table, "lm_head.weight": table}, named / "pytorch_model.bin")
(named / "config.json").write_text(json.dumps({"model_type": "llama", "vocab_size": 16, "tie_word_embeddings": True}, indent=1) + "\n")
vocab = {f"tok{i}": i for i in range(16)}
(named / "tokenizer.json").write_text(json.dumps({"version": "1.0", "added_tokens": [], "model": {"type": "WordLevel", "vocab": vocab,
                                                                                                  "unk_token": "tok0"}}, indent=1) + "\n")
loaded = torch.load(named / "pytorch_model.bin", weights_only=True)
rows = loaded["lm_head.weight"].numpy()
_, inverse, counts = np.unique(rows, axis=0, return_inverse=True, return_counts=True)
groups = [sorted(int(i) for i in np.flatnonzero(inverse.reshape(-1) == g)) for g in np.flatnonzero(counts > 1)]
write("shared-named.json", {"sharing_storage": sharing(loaded, "lm_head.weight"), "equal_rows": groups})

bart = HERE / "shared-bart"
bart.mkdir(exist_ok=True)
torch.manual_seed(3)
embedding = torch.randn(64, 8)
embedding[1] = 0  # BART's pad row (pad_token_id 1)
names = ["model.shared.weight", "model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "lm_head.weight"]
torch.save({name: embedding for name in names}, bart / "pytorch_model.bin")
(bart / "config.json").write_text(json.dumps({"model_type": "bart", "architectures": ["BartForConditionalGeneration"],
                                              "vocab_size": 64, "d_model": 8, "pad_token_id": 1}, indent=1) + "\n")
loaded = torch.load(bart / "pytorch_model.bin", weights_only=True)
values = loaded["model.shared.weight"].numpy()
write("shared-bart.json", {"sharing_storage": sharing(loaded, "model.shared.weight"),
                           "zero_rows": [int(i) for i in np.flatnonzero((values == 0).all(axis=1))]})

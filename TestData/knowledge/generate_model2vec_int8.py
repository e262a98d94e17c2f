#!/usr/bin/env python3
"""Writes families/model2vec-int8/: a static embedding folder saved by model2vec itself with its
int8 quantisation (`quantize_model(..., quantize_to="int8")`, one global scale, rounded to
[-127, 127]), which model2vec's encoder uses as the embedding values (cast to float32, no scale
kept). Built from families/model2vec-static/ (its tokenizer.json, `embeddings`, `mapping`,
`weights`), so the pad token (id 0) lives in row mapping[0] = 7.

expected.json (numpy and model2vec, never tensoraudit): the tensors as safetensors lists them,
the dtype model2vec loads, the pad id and token from the tokenizer's padding section, the pad
row (`mapping[pad_id]`), its L2 norm over the int8 values in float64, and every row's norm.

Needs: pip install model2vec tokenizers safetensors numpy. Deterministic (no random numbers).
"""
import json
import pathlib

import numpy as np
from model2vec import StaticModel
from model2vec.model import quantize_model
from safetensors import safe_open
from safetensors.numpy import load_file
from tokenizers import Tokenizer

HERE = pathlib.Path(__file__).parent / "families"
SOURCE = HERE / "model2vec-static"
TARGET = HERE / "model2vec-int8"


def main() -> None:
    import model2vec
    tensors = load_file(str(SOURCE / "model.safetensors"))
    tokenizer = Tokenizer.from_file(str(SOURCE / "tokenizer.json"))
    model = StaticModel(tensors["embeddings"], tokenizer, normalize=True, weights=tensors["weights"],
                        token_mapping=tensors["mapping"])
    model = quantize_model(model, quantize_to="int8")
    model.save_pretrained(str(TARGET))
    for extra in ("README.md",):  # the model card: not needed by the tests
        (TARGET / extra).unlink(missing_ok=True)
    loaded = StaticModel.from_pretrained(str(TARGET), force_download=False)
    stored = load_file(str(TARGET / "model.safetensors"))
    values = stored["embeddings"].astype(np.float64)
    pad_id = tokenizer.padding["pad_id"]
    pad_row = int(stored["mapping"][pad_id])
    with safe_open(str(TARGET / "model.safetensors"), framework="numpy") as f:
        listed = [{"name": k, "dtype": str(f.get_slice(k).get_dtype()), "shape": list(f.get_slice(k).get_shape())}
                  for k in sorted(f.keys())]
    expected = {
        "model2vec_version": model2vec.__version__,
        "tensors": listed,
        "loaded_embedding_dtype": str(loaded.embedding.dtype),
        "pad_id": pad_id,
        "pad_token": tokenizer.padding["pad_token"],
        "pad_row_index": pad_row,
        "pad_row_norm": float(np.linalg.norm(values[pad_row])),
        "row_norms": [float(x) for x in np.linalg.norm(values, axis=1)],
    }
    (TARGET / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

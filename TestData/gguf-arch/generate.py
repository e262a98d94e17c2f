#!/usr/bin/env python3
"""Writes GGUF files with `token_embd.weight` and no `output.weight` under different
`general.architecture` values, to check that the "tied by the format's convention" answer
follows llama.cpp's rule for the architecture (TestData/knowledge/llamacpp-outputs.json).

Run from the repository root: `python3 TestData/gguf-arch/generate.py` (gguf 0.19.0, numpy).
Fixed seed: a rerun gives the same bytes.

Each file: 40 tokens (`[PAD]` 0, `[UNK]` 1, `[CLS]` 2, `[SEP]` 3, `[MASK]` 4, then
`▁[unused0]`…`▁[unused9]` as llama.cpp's WordPiece conversion spells them, then `▁w10`…`▁w39`),
tokenizer model `bert`, padding id 0, token types CONTROL for ids 0-4 and NORMAL otherwise,
`token_embd.weight` [40, 16] (rows 5-14 scaled by 0.01: far below the median norm; row 0
not zero).
- `llama.gguf`: architecture `llama` (llama.cpp falls back to token_embd.weight: tied by
  convention);
- `bert.gguf`: architecture `bert` (no output projection in llama.cpp: nothing tied);
- `phi2.gguf`: architecture `phi2` (output.weight required: nothing tied);
- `mystery.gguf`: architecture `mystery` (not in the table: nothing said);
- `nomic-bert.gguf`: architecture `nomic-bert` (no output projection, and its Hub source type
  `nomic_bert` has no transformers default in the table: nothing said); `bert.gguf`'s sources
  (bert, camembert, distilbert, roberta, xlm-roberta: llamacpp-sources.json) all default to
  tying, but its registered classes include BertModel and RobertaModel, which have no LM head,
  so no default speaks of the file either.
- `t5encoder.gguf`: architecture `t5encoder` (its loader fills a missing output.weight with
  token_embd.weight, but its graph makes no logits: nothing tied; its Hub source is
  T5EncoderModel, which has no output projection in transformers).
"""
import os

import numpy as np
from gguf import GGUFWriter

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB, HIDDEN = 40, 16


def tokens():
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"\u2581[unused{i}]" for i in range(10)] + \
        [f"\u2581w{i}" for i in range(15, VOCAB)]


def write(arch):
    rng = np.random.default_rng(77)
    emb = (rng.standard_normal((VOCAB, HIDDEN)) * 0.05).astype(np.float32)
    emb[5:15] *= 0.01
    w = GGUFWriter(os.path.join(HERE, f"{arch}.gguf"), arch)
    w.add_tokenizer_model("bert")
    w.add_token_list(tokens())
    w.add_token_types([3] * 5 + [1] * (VOCAB - 5))
    w.add_pad_token_id(0)
    w.add_unk_token_id(1)
    w.add_tensor("token_embd.weight", emb)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    # t5encoder: llama.cpp's loader puts token_embd.weight in a missing output's place, but its
    # graph never makes logits (generate_llamacpp_outputs.py reads both): nothing is tied.
    for arch in ("llama", "bert", "phi2", "mystery", "nomic-bert", "t5encoder"):
        write(arch)
    print("wrote", HERE)

#!/usr/bin/env python3
"""Writes padded-logits/: tiny LlamaForCausalLM folders whose vocabulary is padded past the
tokenizer (400 tokens, 464 rows, as `resize_token_embeddings(464)` leaves it), each with
expected.json holding numpy's and transformers' answers (never tensoraudit's):

- quiet/: rows 400..463 as resize_token_embeddings wrote them (drawn around the mean of the
  other rows), untied.
- loud/: the same with rows 400..463 of lm_head.weight replaced by N(0, 5^2) values: norms some
  200 times the others' (hunt-61a P2's `bigpad`).
- loud-tied/: tie_word_embeddings true, no lm_head.weight stored, rows 400..463 of
  model.embed_tokens.weight replaced the same way: the input embedding is the output projection.
- loud-half/: as loud/, with a tokenizer of 232 tokens and rows 232..463 (half the matrix)
  replaced: over the whole matrix their norms would set the median themselves (hunt-65c M1).

expected.json, per folder and per token matrix (numpy over the safetensors file): the median norm
of the tokenizer's rows (ids below its size), and the padded rows whose norm is far above it by
the robust score the README gives for `outlier-rows` (modified z = 0.6745 (norm - median) / MAD
> 3.5 over the tokenizer's rows, and at least 5 % above the median), with the highest of them; and `generated`: the ids greedy generation
(`model.generate`, 20 new tokens after "t1 t2 t3", transformers' defaults) emits, with how many
of them are 400 or more: ids the tokenizer cannot decode (transformers' generate does not mask
them). Needs: pip install transformers torch tokenizers safetensors numpy. Fixed seeds.
"""
import json
import pathlib
import shutil

import numpy as np
import torch
import transformers
from safetensors.numpy import load_file
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

HERE = pathlib.Path(__file__).parent / "padded-logits"
TOKENS = 400
ROWS = 464


def tokenizer(tokens):
    vocab = {f"t{i}": i for i in range(tokens)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="t0"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="t0")


def high_rows(matrix, tokens):
    norms = np.linalg.norm(matrix.astype(np.float64), axis=1)
    median = float(np.median(norms[:tokens]))
    mad = float(np.median(np.abs(norms[:tokens] - median)))
    score = 0.6745 * (norms - median) / mad
    high = [i for i in range(tokens, matrix.shape[0]) if score[i] > 3.5 and norms[i] - median >= 0.05 * median]
    top = max(high, key=lambda i: norms[i]) if high else None
    return {"median_norm": median, "high_norm_rows": len(high), "top_row": top,
            "top_norm": float(norms[top]) if top is not None else None}


def build(folder, tied, loud, tokens=TOKENS):
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=tokens, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=32,
                         tie_word_embeddings=tied, pad_token_id=None, bos_token_id=None, eos_token_id=None)
    model = LlamaForCausalLM(config)
    model.resize_token_embeddings(ROWS)
    if loud:
        matrix = model.get_output_embeddings().weight if not tied else model.get_input_embeddings().weight
        with torch.no_grad():
            generator = torch.Generator().manual_seed(1)
            matrix[tokens:] = torch.randn(ROWS - tokens, 16, generator=generator) * 5
    model.save_pretrained(folder)
    (folder / "generation_config.json").unlink(missing_ok=True)
    tokenizer(tokens).save_pretrained(folder)
    loaded = LlamaForCausalLM.from_pretrained(folder)
    tok = AutoTokenizer.from_pretrained(folder)
    prompt = tok("t1 t2 t3", return_tensors="pt")
    with torch.no_grad():
        out = loaded.generate(**prompt, max_new_tokens=20, do_sample=False, pad_token_id=0)
    new = [int(i) for i in out[0, prompt["input_ids"].shape[1]:]]
    tensors = load_file(str(folder / "model.safetensors"))
    matrices = {name: high_rows(value, tokens) for name, value in sorted(tensors.items())
                if name in ("model.embed_tokens.weight", "lm_head.weight")}
    expected = {"transformers_version": transformers.__version__, "tokenizer_size": len(tok), "rows": ROWS,
                "tied": tied, "matrices": matrices,
                "generated": {"ids": new, "past_tokenizer": sum(1 for i in new if i >= tokens)}}
    (folder / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


def main():
    shutil.rmtree(HERE, ignore_errors=True)
    for name, tied, loud, tokens in [("quiet", False, False, TOKENS), ("loud", False, True, TOKENS), ("loud-tied", True, True, TOKENS),
                                     ("loud-half", False, True, 232)]:
        folder = HERE / name
        folder.mkdir(parents=True)
        build(folder, tied, loud, tokens)


if __name__ == "__main__":
    main()

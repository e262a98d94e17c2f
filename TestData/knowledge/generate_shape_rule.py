#!/usr/bin/env python3
"""Writes shape-rule/gpt-bigcode/: a tiny GPTBigCodeForCausalLM whose MLP input matrix
`transformer.h.0.mlp.c_fc.weight` has the embedding's shape [vocab_size, n_embd] (n_inner =
vocab_size = 128), with expected.json naming the matrices transformers' get_input_embeddings()
and get_output_embeddings() return (by state-dict name). The embedding is found by name here, so
a matrix of the same shape is no token matrix.

Needs: pip install transformers torch safetensors. Fixed seed.
"""
import json
import pathlib
import shutil

import torch
import transformers
from transformers import AutoModelForCausalLM, GPTBigCodeConfig, GPTBigCodeForCausalLM

HERE = pathlib.Path(__file__).parent / "shape-rule"


def main():
    shutil.rmtree(HERE, ignore_errors=True)
    folder = HERE / "gpt-bigcode"
    torch.manual_seed(5)
    config = GPTBigCodeConfig(vocab_size=128, n_embd=32, n_inner=128, n_layer=1, n_head=2, n_positions=16,
                              pad_token_id=5, tie_word_embeddings=True)
    GPTBigCodeForCausalLM(config).save_pretrained(folder)
    (folder / "generation_config.json").unlink(missing_ok=True)
    model = AutoModelForCausalLM.from_pretrained(folder)
    modules = {id(m): n for n, m in model.named_modules()}
    state = model.state_dict()
    shape = [config.vocab_size, config.n_embd]
    out = {
        "transformers_version": transformers.__version__,
        "input_embedding": modules[id(model.get_input_embeddings())] + ".weight",
        "same_shape_matrices": sorted(n for n, t in state.items() if list(t.shape) == shape),
    }
    (folder / "expected.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {folder}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes never-ties/: checkpoints of transformers classes that have an output projection but
never tie it to the input embedding (architectures.json `never_ties`), each with expected.json
holding transformers' answers after from_pretrained (never tensoraudit's):

- bigbird-pegasus-causal/: a tiny BigBirdPegasusForCausalLM (BigBirdPegasusConfig defaults
  tie_word_embeddings to true, left out of config.json) whose stored `lm_head.weight` is a byte
  copy of the decoder's embedding: transformers loads two separate weights.
- bigbird-pegasus-causal-nohead/: the same without `lm_head.weight`: transformers loads a freshly
  initialised head, not the embedding.

Needs: pip install transformers torch safetensors numpy. Fixed seed.
"""
import json
import pathlib
import shutil

import numpy as np
import torch
import transformers
from safetensors.numpy import load_file, save_file
from transformers import AutoModelForCausalLM, BigBirdPegasusConfig, BigBirdPegasusForCausalLM

HERE = pathlib.Path(__file__).parent / "never-ties"


def answers(folder):
    model = AutoModelForCausalLM.from_pretrained(folder)
    head, embedding = model.get_output_embeddings().weight, model.get_input_embeddings().weight
    out = {"transformers_version": transformers.__version__,
           "class": type(model).__name__,
           "tied": head.data_ptr() == embedding.data_ptr(),
           "equal_after_load": bool(torch.equal(head, embedding))}
    (folder / "expected.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


def main():
    shutil.rmtree(HERE, ignore_errors=True)
    torch.manual_seed(9)
    config = BigBirdPegasusConfig(vocab_size=32, d_model=8, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                                  decoder_attention_heads=2, encoder_ffn_dim=8, decoder_ffn_dim=8, max_position_embeddings=16,
                                  attention_type="original_full")
    folder = HERE / "bigbird-pegasus-causal"
    model = BigBirdPegasusForCausalLM(config)
    with torch.no_grad():
        model.lm_head.weight.copy_(model.get_input_embeddings().weight)
    model.save_pretrained(folder)
    (folder / "generation_config.json").unlink(missing_ok=True)
    saved = json.loads((folder / "config.json").read_text())
    saved.pop("tie_word_embeddings", None)  # the class default (true) applies
    (folder / "config.json").write_text(json.dumps(saved, indent=2, sort_keys=True) + "\n")
    tensors = load_file(str(folder / "model.safetensors"))
    assert np.array_equal(tensors["lm_head.weight"], tensors["model.decoder.embed_tokens.weight"])
    answers(folder)
    bare = HERE / "bigbird-pegasus-causal-nohead"
    bare.mkdir(parents=True)
    shutil.copy(folder / "config.json", bare / "config.json")
    save_file({k: v for k, v in tensors.items() if k != "lm_head.weight"}, str(bare / "model.safetensors"), metadata={"format": "pt"})
    answers(bare)
    print(f"wrote {HERE}")


if __name__ == "__main__":
    main()

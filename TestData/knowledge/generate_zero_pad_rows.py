#!/usr/bin/env python3
"""Writes zero-pad-rows/: tiny freshly built models whose embeddings have all-zero rows, each with
expected.json holding transformers' and numpy's answers (never tensoraudit's):

- roberta/: RobertaForMaskedLM, pad_token_id 1. RoBERTa builds its word embeddings AND its
  position embeddings with padding_idx = pad_token_id, so row 1 of both is zero.
- mpnet/: MPNetForMaskedLM (pad_token_id 1, its default): MPNet fixes padding_idx at 1 for its
  word and position embeddings, whatever the config says.
- t5-zeroed/: T5ForConditionalGeneration (pad_token_id 0), whose `shared` embedding has no
  padding_idx; row 0 is set to zero by hand, so padding_idx does not account for it.

expected.json: for every saved tensor with an all-zero row (numpy, over the safetensors file):
the zero rows, and, for the nn.Embedding modules transformers reports a padding_idx for after
from_pretrained, that padding_idx (`padding_idx`: state-dict name -> index). Needs: pip install
transformers torch safetensors numpy. Fixed seeds.
"""
import json
import pathlib
import shutil

import numpy as np
import torch
import transformers
from safetensors.numpy import load_file
from transformers import (AutoModelForMaskedLM, AutoModelForSeq2SeqLM, MPNetConfig, MPNetForMaskedLM, RobertaConfig,
                          RobertaForMaskedLM, T5Config, T5ForConditionalGeneration)

HERE = pathlib.Path(__file__).parent / "zero-pad-rows"
SMALL = dict(hidden_size=4, num_hidden_layers=1, num_attention_heads=2, intermediate_size=8, max_position_embeddings=10)


def answers(folder, loader):
    tensors = load_file(str(folder / "model.safetensors"))
    zero = {name: [int(i) for i in np.flatnonzero(~value.reshape(value.shape[0], -1).any(axis=1))]
            for name, value in sorted(tensors.items()) if value.ndim == 2}
    model = loader.from_pretrained(folder)
    padding = {f"{name}.weight": module.padding_idx for name, module in model.named_modules()
               if isinstance(module, torch.nn.Embedding) and module.padding_idx is not None and f"{name}.weight" in tensors}
    out = {"transformers_version": transformers.__version__, "zero_rows": {k: v for k, v in zero.items() if v},
           "padding_idx": padding}
    (folder / "expected.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


def save(model, folder):
    model.save_pretrained(folder)
    (folder / "generation_config.json").unlink(missing_ok=True)


def main():
    shutil.rmtree(HERE, ignore_errors=True)
    torch.manual_seed(3)
    folder = HERE / "roberta"
    save(RobertaForMaskedLM(RobertaConfig(vocab_size=16, pad_token_id=1, **SMALL)), folder)
    answers(folder, AutoModelForMaskedLM)
    folder = HERE / "mpnet"
    save(MPNetForMaskedLM(MPNetConfig(vocab_size=16, pad_token_id=1, **SMALL)), folder)
    answers(folder, AutoModelForMaskedLM)
    folder = HERE / "t5-zeroed"
    model = T5ForConditionalGeneration(T5Config(vocab_size=16, d_model=4, d_kv=2, d_ff=6, num_layers=1, num_heads=2,
                                                pad_token_id=0, eos_token_id=1, decoder_start_token_id=0))
    with torch.no_grad():
        model.shared.weight[0] = 0
    save(model, folder)
    answers(folder, AutoModelForSeq2SeqLM)
    print(f"wrote {HERE}")


if __name__ == "__main__":
    main()

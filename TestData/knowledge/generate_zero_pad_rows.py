#!/usr/bin/env python3
"""Writes zero-pad-rows/: tiny freshly built models whose embeddings have all-zero rows, each with
expected.json holding transformers' and numpy's answers (never tensoraudit's):

- roberta/: RobertaForMaskedLM, pad_token_id 1. RoBERTa builds its word embeddings AND its
  position embeddings with padding_idx = pad_token_id, so row 1 of both is zero.
- mpnet/: MPNetForMaskedLM (pad_token_id 1, its default): MPNet fixes padding_idx at 1 for its
  word and position embeddings, whatever the config says.
- t5-zeroed/: T5ForConditionalGeneration (pad_token_id 0), whose `shared` embedding has no
  padding_idx; row 0 is set to zero by hand, so padding_idx does not account for it.
- mpnet-pad5/: MPNet with pad_token_id 5, whose row 5 is set to zero by hand: padding_idx stays
  1 (zero too), the pad row 5 is zero for no reason the model type gives.
- llama-negative-pad/: LlamaForCausalLM with pad_token_id -1: nn.Embedding counts it from the
  end, so padding_idx is the last row.
- gemma3-top-pad5/: Gemma3ForConditionalGeneration whose config.json has a top-level
  pad_token_id 5 and a text_config pad_token_id 0: the language model's embedding takes
  padding_idx 0 from the text_config (row 0 zero), the top-level 5 is not read for it.
- gemma3-text-default/: the same without any pad_token_id: Gemma3TextConfig's default 0.
- gemma3-text-config-string/, gemma3-top-pad-list/: gemma3-top-pad5 with a text_config "x", or
  a top-level pad_token_id [3]: transformers refuses both (`loads` false).
- roberta-list-pad/: the roberta/ folder with config.json's pad_token_id written as [1], which
  transformers 5 refuses to load (`loads` false, the error's class in `load_error`): no
  padding_idx is built from it.

expected.json: for every saved tensor with an all-zero row (numpy, over the safetensors file):
the zero rows and the tensor's row count, and, for the nn.Embedding modules transformers reports a padding_idx for after
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
from transformers import (AutoModelForImageTextToText, Gemma3Config, Gemma3ForConditionalGeneration, AutoModelForCausalLM, AutoModelForMaskedLM, AutoModelForSeq2SeqLM, LlamaConfig, LlamaForCausalLM,
                          MPNetConfig, MPNetForMaskedLM, RobertaConfig, RobertaForMaskedLM, T5Config,
                          T5ForConditionalGeneration)

HERE = pathlib.Path(__file__).parent / "zero-pad-rows"
SMALL = dict(hidden_size=4, num_hidden_layers=1, num_attention_heads=2, intermediate_size=8, max_position_embeddings=10)


def answers(folder, loader):
    tensors = load_file(str(folder / "model.safetensors"))
    zero = {name: [int(i) for i in np.flatnonzero(~value.reshape(value.shape[0], -1).any(axis=1))]
            for name, value in sorted(tensors.items()) if value.ndim == 2}
    try:
        model = loader.from_pretrained(folder)
    except Exception as error:  # transformers refuses the config
        out = {"transformers_version": transformers.__version__, "zero_rows": {k: v for k, v in zero.items() if v},
               "loads": False, "load_error": type(error).__name__}
        (folder / "expected.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
        return
    padding = {}
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.Embedding) or module.padding_idx is None:
            continue
        # transformers 5 may save a module under another name (Gemma 3's
        # model.language_model.embed_tokens as language_model.model.embed_tokens): the saved
        # tensor is then the one unique tensor equal to the module's weight.
        weight = module.weight.detach().numpy()
        same = [key for key, value in tensors.items() if value.shape == weight.shape and np.array_equal(value, weight)]
        key = f"{name}.weight" if f"{name}.weight" in tensors else (same[0] if len(same) == 1 else None)
        if key is not None:
            padding[key] = module.padding_idx
    out = {"transformers_version": transformers.__version__, "zero_rows": {k: v for k, v in zero.items() if v},
           "row_counts": {k: int(tensors[k].shape[0]) for k, v in zero.items() if v}, "padding_idx": padding, "loads": True}
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
    folder = HERE / "mpnet-pad5"
    model = MPNetForMaskedLM(MPNetConfig(vocab_size=16, pad_token_id=5, **SMALL))
    with torch.no_grad():
        model.mpnet.embeddings.word_embeddings.weight[5] = 0
    save(model, folder)
    answers(folder, AutoModelForMaskedLM)
    folder = HERE / "llama-negative-pad"
    save(LlamaForCausalLM(LlamaConfig(vocab_size=16, hidden_size=4, intermediate_size=8, num_hidden_layers=1,
                                      num_attention_heads=2, num_key_value_heads=2, tie_word_embeddings=False,
                                      pad_token_id=-1)), folder)
    answers(folder, AutoModelForCausalLM)
    for name, top, text_pad in [("gemma3-top-pad5", 5, 0), ("gemma3-text-default", None, None)]:
        text = dict(vocab_size=16, hidden_size=8, intermediate_size=8, num_hidden_layers=1, num_attention_heads=2,
                    num_key_value_heads=1, head_dim=4)
        if text_pad is not None:
            text["pad_token_id"] = text_pad
        vision = dict(hidden_size=8, intermediate_size=8, num_hidden_layers=1, num_attention_heads=2, image_size=16, patch_size=8)
        extra = {} if top is None else {"pad_token_id": top}
        folder = HERE / name
        save(Gemma3ForConditionalGeneration(Gemma3Config(text_config=text, vision_config=vision, mm_tokens_per_image=4, **extra)), folder)
        config = json.loads((folder / "config.json").read_text())
        if text_pad is None:  # save_pretrained writes the text_config's default out; leave it out
            del config["text_config"]["pad_token_id"]
            (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        assert config.get("pad_token_id") == top and config["text_config"].get("pad_token_id") == text_pad, config
        answers(folder, AutoModelForImageTextToText)
    # Configs transformers refuses to build from: a text_config that is no object, and a
    # top-level pad_token_id list (GenerationConfig's validation fails on it).
    for name, edit in [("gemma3-text-config-string", lambda c: c.update(text_config="x")),
                       ("gemma3-top-pad-list", lambda c: c.update(pad_token_id=[3]))]:
        folder = HERE / name
        shutil.copytree(HERE / "gemma3-top-pad5", folder)
        (folder / "expected.json").unlink()
        config = json.loads((folder / "config.json").read_text())
        edit(config)
        (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        answers(folder, AutoModelForImageTextToText)
    folder = HERE / "roberta-list-pad"
    shutil.copytree(HERE / "roberta", folder)
    config = json.loads((folder / "config.json").read_text())
    config["pad_token_id"] = [config["pad_token_id"]]
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    answers(folder, AutoModelForMaskedLM)
    print(f"wrote {HERE}")


if __name__ == "__main__":
    main()

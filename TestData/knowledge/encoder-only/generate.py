#!/usr/bin/env python3
"""Writes t5-encoder-c4g/: a tiny T5EncoderModel saved by transformers' save_pretrained, whose
config.json then names T5ForConditionalGeneration (as encoder-only extractions that keep the full
model's config do), and expected.json: what transformers itself says of that folder.

The reference: loading the folder as T5ForConditionalGeneration reports every decoder tensor
missing (`output_loading_info`), loading it as T5EncoderModel reports none, and T5EncoderModel's
get_output_embeddings() is None: the file was saved from a class with no output projection, so
nothing is tied to `shared.weight` in the model as saved (review-59d D1). t5-with-decoder-tensor/
is the same file and config with one decoder tensor added (`decoder.final_layer_norm.weight`):
no longer what T5EncoderModel saves, so the config's tie stands.

Needs `pip install transformers torch safetensors`.
"""
import json
import pathlib

import shutil

import torch
import transformers
from safetensors.torch import load_file, save_file
from transformers import T5Config, T5EncoderModel, T5ForConditionalGeneration

HERE = pathlib.Path(__file__).parent


def main():
    torch.manual_seed(0)
    config = T5Config(vocab_size=32, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2, pad_token_id=0)
    folder = HERE / "t5-encoder-c4g"
    T5EncoderModel(config).save_pretrained(folder)
    stated = json.loads((folder / "config.json").read_text())
    stated["architectures"] = ["T5ForConditionalGeneration"]
    (folder / "config.json").write_text(json.dumps(stated, indent=2, sort_keys=True) + "\n")
    other = HERE / "t5-with-decoder-tensor"
    other.mkdir(exist_ok=True)
    tensors = load_file(folder / "model.safetensors")
    tensors["decoder.final_layer_norm.weight"] = torch.ones(8)
    save_file(tensors, other / "model.safetensors", metadata={"format": "pt"})
    shutil.copy(folder / "config.json", other / "config.json")
    _, full = T5ForConditionalGeneration.from_pretrained(folder, output_loading_info=True)
    encoder, alone = T5EncoderModel.from_pretrained(folder, output_loading_info=True)
    expected = {
        "transformers": transformers.__version__,
        "missing_as_full_class": sorted(full["missing_keys"]),
        "missing_as_encoder_class": sorted(alone["missing_keys"]),
        "encoder_class_output_embeddings_is_none": encoder.get_output_embeddings() is None,
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

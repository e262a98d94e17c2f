#!/usr/bin/env python3
"""Writes multimodal-pad/llava/: a tiny LlavaForConditionalGeneration (a model type outside
tensoraudit's table) whose config.json states pad_token_id 5 at the top level and 0 in its
text_config, its language model's row 0 zeroed; and expected.json with the padding_idx of each
nn.Embedding after transformers' from_pretrained (LlavaConfig has no pad_token_id field of its
own: the text model is built from the text_config's). Variants with the same weights:
llava-top5-textnull/ (text_config pad null), llava-top5-textnone/ (no pad in the text_config),
llava-topnull-text5/ (top level null, text_config 5). Needs: pip install transformers torch.
Fixed seed."""
import json
import pathlib
import shutil
import warnings

import torch
import transformers
from transformers import LlavaConfig, LlavaForConditionalGeneration

HERE = pathlib.Path(__file__).parent / "multimodal-pad"


def main():
    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    shutil.rmtree(HERE, ignore_errors=True)
    folder = HERE / "llava"
    torch.manual_seed(0)
    text = dict(model_type="llama", vocab_size=16, hidden_size=8, intermediate_size=8, num_hidden_layers=1,
                num_attention_heads=2, num_key_value_heads=1, pad_token_id=0)
    vision = dict(model_type="clip_vision_model", hidden_size=8, intermediate_size=8, num_hidden_layers=1,
                  num_attention_heads=2, image_size=16, patch_size=8, projection_dim=8)
    model = LlavaForConditionalGeneration(LlavaConfig(text_config=text, vision_config=vision))
    with torch.no_grad():
        model.model.language_model.embed_tokens.weight.normal_()
        model.model.language_model.embed_tokens.weight[0] = 0
    model.save_pretrained(folder)
    (folder / "generation_config.json").unlink(missing_ok=True)
    config = json.loads((folder / "config.json").read_text())
    config["pad_token_id"] = 5
    (folder / "config.json").write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")
    loaded = LlavaForConditionalGeneration.from_pretrained(folder)
    padding = {name: module.padding_idx for name, module in loaded.named_modules()
               if isinstance(module, torch.nn.Embedding) and module.padding_idx is not None}
    expected = {"transformers_version": transformers.__version__, "padding_idx": padding,
                "top_level_pad_token_id": 5, "text_config_pad_token_id": 0}
    (folder / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(expected)
    for name, top, inner in [("llava-top5-textnull", 5, None), ("llava-top5-textnone", 5, "absent"), ("llava-topnull-text5", None, 5)]:
        variant = HERE / name
        shutil.copytree(folder, variant)
        config = json.loads((variant / "config.json").read_text())
        config["pad_token_id"] = top
        if inner == "absent":
            config["text_config"].pop("pad_token_id", None)
        else:
            config["text_config"]["pad_token_id"] = inner
        (variant / "config.json").write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")
        loaded = LlavaForConditionalGeneration.from_pretrained(variant)
        padding = {n: m.padding_idx for n, m in loaded.named_modules()
                   if isinstance(m, torch.nn.Embedding) and m.padding_idx is not None}
        facts = {"transformers_version": transformers.__version__, "padding_idx": padding,
                 "top_level_pad_token_id": top, "text_config_pad_token_id": inner}
        (variant / "expected.json").write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
        print(name, facts)


if __name__ == "__main__":
    main()

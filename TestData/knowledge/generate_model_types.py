#!/usr/bin/env python3
"""Writes model-type-defaults.json: what transformers' own config classes default to.

For each `model_type` below, the config class registered for it in transformers is
instantiated with no arguments, and its `tie_word_embeddings` and `pad_token_id` are
recorded as transformers computes them. ModelKnowledge's Swift table is tested against
this file, one case per model type, so the table cannot drift from the library silently.

Needs only `pip install transformers` (no torch). Re-run after a transformers upgrade and
check the diff: a changed default is a fact the Swift table must follow.
"""
import json
import pathlib

import transformers
from transformers import CONFIG_MAPPING

# The text families most downloaded on the Hugging Face Hub, plus their close relatives.
MODEL_TYPES = [
    "albert", "bart", "bert", "bloom", "camembert", "cohere", "deberta", "deberta-v2",
    "deepseek_v3", "distilbert", "electra", "falcon", "gemma", "gemma2", "gemma3", "gemma3_text",
    "gpt2", "gpt_neox", "gpt_oss", "gptj", "granite", "llama", "longformer", "marian",
    "mistral", "mixtral", "mobilebert", "modernbert", "mpnet", "mt5", "olmo", "olmo2", "opt",
    "phi", "phi3", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "roberta", "smollm3",
    "stablelm", "starcoder2", "t5", "whisper", "xlm-roberta",
]


def text_config_tie(config_class):
    """What the class makes of a config.json that sets tie_word_embeddings only in its
    text_config (multimodal configs): "ignored" when the model's own value stays the class
    default either way, "forwarded" when it follows the text_config's, None for a class
    without a text_config."""
    if "text_config" not in getattr(config_class, "sub_configs", {}):
        return None
    seen = [bool(config_class(text_config={"tie_word_embeddings": x}).tie_word_embeddings) for x in (True, False)]
    default = bool(config_class().tie_word_embeddings)
    if seen == [default, default]:
        return "ignored"
    if seen == [True, False]:
        return "forwarded"
    return "other"


def main() -> None:
    out = {}
    for model_type in MODEL_TYPES:
        config_class = CONFIG_MAPPING[model_type]
        config = config_class()
        pad = getattr(config, "pad_token_id", None)
        out[model_type] = {
            "config_class": type(config).__name__,
            "tie_word_embeddings": bool(config.tie_word_embeddings),
            "pad_token_id": pad if isinstance(pad, int) else None,
            "text_config_tie_word_embeddings": text_config_tie(config_class),
        }
    document = {
        "transformers_version": transformers.__version__,
        "how": "CONFIG_MAPPING[model_type]() with no arguments; text_config_tie_word_embeddings: "
               "CONFIG_MAPPING[model_type](text_config={'tie_word_embeddings': x}) for x true and false",
        "model_types": out,
    }
    path = pathlib.Path(__file__).with_name("model-type-defaults.json")
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path} ({len(out)} model types, transformers {transformers.__version__})")


if __name__ == "__main__":
    main()

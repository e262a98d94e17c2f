#!/usr/bin/env python3
"""Writes model-type-defaults.json: what transformers' own config classes default to.

For each `model_type` below, the config class registered for it in transformers is
instantiated with no arguments, and its `tie_word_embeddings` and `pad_token_id` are
recorded as transformers computes them. ModelKnowledge's Swift table is tested against
this file, one case per model type, so the table cannot drift from the library silently.

Three facts of the model each class builds are read too, by building the type's base model
(`AutoModel.from_config`) on PyTorch's meta device (no weights are allocated):
- `ignores_stated_false`: the class sets `tie_word_embeddings` to true even when config.json
  says false (T5Config in transformers 5.25), so its models tie whatever the file says;
- `embedding_padding_idx`: the `padding_idx` the input embedding is built with, when the
  config says pad_token_id=3 (also in its text_config, where it has one): "pad_token_id" when
  it follows the config, a number when the class fixes it (MPNet: 1), null when the embedding
  has none (T5's and GPT-2's `nn.Embedding(vocab_size, d_model)`: their pad row starts random
  and trains like any row);
- `other_padded_embeddings`: state-dict names (relative to the base model) of the other
  embedding weights built with a `padding_idx` (nn.Embedding, I-BERT's QuantEmbedding) ("pad_token_id" or the fixed index, as
  above): RoBERTa's position embeddings take padding_idx = pad_token_id, so their row 1 is
  zero in every RoBERTa checkpoint; BART's encoder and decoder token tables;
- `sinusoidal_position_tables`: state-dict names (relative to the base model) of fixed
  sinusoidal position tables the model computes and saves (Marian, Pegasus, FSMT: the encoder's
  and decoder's tables are equal by construction).

Needs `pip install transformers torch`. Re-run after a transformers upgrade and check the diff:
a changed default is a fact the Swift table must follow.
"""
import json
import logging
import pathlib
import warnings

import torch
import transformers
from transformers import CONFIG_MAPPING, AutoModel

# The text families most downloaded on the Hugging Face Hub, plus their close relatives.
MODEL_TYPES = [
    "albert", "bart", "bert", "bloom", "camembert", "cohere", "deberta", "deberta-v2",
    "deepseek_v3", "distilbert", "electra", "falcon", "gemma", "gemma2", "gemma3", "gemma3_text",
    "gpt2", "gpt_neox", "gpt_oss", "gptj", "granite", "llama", "longformer", "marian",
    "mistral", "mixtral", "mobilebert", "modernbert", "mpnet", "mt5", "olmo", "olmo2", "opt",
    "phi", "phi3", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "roberta", "smollm3",
    "stablelm", "starcoder2", "t5", "whisper", "xlm-roberta",
    # Encoder-decoder and other families a review found outside the table (2026-12-05): with
    # pad_token_id left out of config.json they went unchecked, and T5's relatives need
    # `embedding_padding_idx`.
    "bigbird_pegasus", "blenderbot", "blenderbot-small", "fsmt", "ibert", "led", "longt5", "m2m_100",
    "mbart", "nllb-moe", "pegasus", "pegasus_x", "plbart", "prophetnet", "switch_transformers", "umt5",
    # Decoders whose input embedding has no padding_idx (a regression hunt, 2026-12-05).
    "codegen", "falcon_mamba", "gpt_bigcode", "gpt_neo", "gpt_neox_japanese", "mamba", "mamba2", "mpt",
    # Text model types a review against transformers found outside the table (2026-12-05):
    # their checkpoints got tying evidence `unknown` and no pad row check where transformers'
    # own defaults answer. Those that build from default configs on the meta device.
    "afmoe", "apertus", "arcee", "bamba", "bert-generation", "big_bird", "biogpt", "bitnet", "cohere2",
    "convbert", "ctrl", "cwm", "data2vec-text", "deepseek_v2", "doge", "ernie", "ernie4_5", "exaone4",
    "exaone_moe", "falcon_h1", "flex_olmo", "glm", "glm4", "glm4_moe", "granitemoe", "granitemoehybrid",
    "granitemoeshared", "helium", "jamba", "jetmoe", "lfm2", "llama4_text", "longcat_flash", "luke",
    "megatron-bert", "minimax", "mra", "mvp", "nystromformer", "olmo3", "olmo_hybrid", "olmoe",
    "openai-gpt", "persimmon", "phimoe", "qwen3_next", "rembert", "roberta-prelayernorm", "roformer",
    "seed_oss", "squeezebert", "vaultgemma", "xglm", "xlm", "xlm-roberta-xl", "xlnet",
    "xlstm", "xmod", "yoso", "zamba", "zamba2",
    # Every other model type with a causal-LM, masked-LM, seq2seq-LM or pre-training class in
    # transformers 5.25's Auto mappings whose config class has no sub-config (a text model) and
    # whose base model, built from the default config on the meta device, takes its input
    # embedding over the config's vocab_size (an adversarial review found FlauBERT checkpoints
    # "unknown", 2026-12-05). Not built from defaults, so not here: funnel, nemotron, ministral,
    # hunyuan_v1_dense/moe, lfm2_moe, dots1, qwen4_exp_text, cohere_compass_text; cpmant's
    # embedding has more rows than its vocab_size; the config classes of ergo, inkling_text,
    # inkling2_text, inkling2_loop_text and splinter have no tie_word_embeddings at all; exaone,
    # gpt-sw3, internlm3, iquestcoder, param2moe, sarvam_mla and sarvam_moe build another
    # type's classes (LlamaForCausalLM, GPT2LMHeadModel, …), so architectures.json has no class
    # of theirs.
    "apertus1p5_text", "aria_text", "axk1", "axk2", "bailing_hybrid", "beam", "cohere2_moe", "deepseek_v32",
    "deepseek_v4", "diffllama", "dory", "dots3_note_text", "ernie4_5_moe", "esmc", "eurobert",
    "flaubert", "flint", "fnet", "gemma3n_text", "gemma4_text", "gemma4_unified_text", "glm4_moe_lite",
    "glm_moe_dsa", "granite_swa", "granitemoe_swa", "gte", "hrm_text", "hy_v3", "hy_v4",
    "hyperclovax", "jais2",
    "jina_embeddings_v3", "kimi_linear", "kolibri1", "kolibri1_1", "laguna", "lara_mini", "layoutlm", "lfm3",
    "lxmert", "mellum", "mimo_v2_flash", "minicpm3", "minicpm5_moe", "minimax_m2", "minimax_m3_vl_text",
    "ministral3", "mistral4", "modernbert-decoder", "nanochat", "nemotron_h", "neomme", "nomic_bert",
    "qwen3_5_moe_text", "qwen3_5_text", "recurrent_gemma", "reformer", "roc_bert", "rwkv",
    "seamless_m4t", "seamless_m4t_v2", "solar_open", "tapas",
    "ultrabert", "visual_bert", "youtu", "zaya",
    # Two more whose config classes set tie_word_embeddings to true whatever they are given, as
    # T5Config does (a review found their stated false read as "not tied", 2026-12-05).
    "udop", "vilt",
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


def text_config_pad(config_class):
    """Where the class's model takes its input embedding's padding_idx from, for a class with a
    text_config: {"config_class": the text_config's class, "default": its pad_token_id when the
    text_config leaves it out} when the model is built from the text_config's pad_token_id
    (top level 5, text_config 3: padding_idx 3); "top level" when from the top level's; None for
    a class without a text_config."""
    if "text_config" not in getattr(config_class, "sub_configs", {}):
        return None
    config = config_class(pad_token_id=5, text_config={"pad_token_id": 3})
    with torch.device("meta"):
        model = AutoModel.from_config(config)
    index = getattr(model.get_input_embeddings(), "padding_idx", None)
    if index != 3:
        return "top level" if index == 5 else index
    text = config_class(pad_token_id=5).text_config
    pad = getattr(text, "pad_token_id", None)
    return {"config_class": type(text).__name__, "default": pad if isinstance(pad, int) else None}


def built_model_facts(config_class):
    """(embedding_padding_idx, sinusoidal_position_tables, other_padded_embeddings) of the type's base model, built on
    the meta device with pad_token_id=3 (3: within every vocabulary, and no class's fixed
    padding_idx)."""
    nested = {"text_config": {"pad_token_id": 3}} if "text_config" in getattr(config_class, "sub_configs", {}) else {}
    config = config_class(pad_token_id=3, **nested)
    with torch.device("meta"):
        model = AutoModel.from_config(config)
    index = getattr(model.get_input_embeddings(), "padding_idx", None)
    follows = "pad_token_id" if index == 3 else index
    saved = set(model.state_dict().keys())
    tables = []
    for name, module in model.named_modules():
        if "Sinusoidal" not in type(module).__name__:
            continue
        for key, _ in list(module.named_parameters(recurse=False)) + list(module.named_buffers(recurse=False)):
            full = f"{name}.{key}" if name else key
            if full in saved:
                tables.append(full)
    others = {}
    for name, module in model.named_modules():
        # nn.Embedding, and I-BERT's QuantEmbedding, which keeps a padding_idx of its own.
        if module is model.get_input_embeddings() or getattr(module, "padding_idx", None) is None:
            continue
        key = f"{name}.weight"
        if key in saved:
            others[key] = "pad_token_id" if module.padding_idx == 3 else module.padding_idx
    return follows, sorted(tables), others


def main() -> None:
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    out = {}
    for model_type in MODEL_TYPES:
        config_class = CONFIG_MAPPING[model_type]
        config = config_class()
        pad = getattr(config, "pad_token_id", None)
        follows, tables, others = built_model_facts(config_class)
        out[model_type] = {
            "config_class": type(config).__name__,
            "embedding_padding_idx": follows,
            "ignores_stated_false": bool(config_class(tie_word_embeddings=False).tie_word_embeddings),
            "other_padded_embeddings": others,
            "sinusoidal_position_tables": tables,
            "tie_word_embeddings": bool(config.tie_word_embeddings),
            "pad_token_id": pad if isinstance(pad, int) else None,
            "text_config_tie_word_embeddings": text_config_tie(config_class),
            "text_config_pad_token_id": text_config_pad(config_class),
        }
    document = {
        "transformers_version": transformers.__version__,
        "how": "CONFIG_MAPPING[model_type]() with no arguments; text_config_tie_word_embeddings: "
               "CONFIG_MAPPING[model_type](text_config={'tie_word_embeddings': x}) for x true and false; "
               "ignores_stated_false: CONFIG_MAPPING[model_type](tie_word_embeddings=False) still ties; "
               "text_config_pad_token_id: AutoModel.from_config(CONFIG_MAPPING[model_type](pad_token_id=5, "
               "text_config={'pad_token_id': 3})) takes padding_idx 3, and CONFIG_MAPPING[model_type](pad_token_id=5)"
               ".text_config's class and pad_token_id; "
               "embedding_padding_idx, other_padded_embeddings, sinusoidal_position_tables: AutoModel.from_config("
               "CONFIG_MAPPING[model_type](pad_token_id=3)) on the meta device",
        "model_types": out,
    }
    path = pathlib.Path(__file__).with_name("model-type-defaults.json")
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path} ({len(out)} model types, transformers {transformers.__version__})")


if __name__ == "__main__":
    main()

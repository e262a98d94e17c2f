#!/usr/bin/env python3
"""Writes auto-tokenizer-choice.json: for many folders — config.json `model_type` × the class
tokenizer_config.json (or config.json) names × tokenizer.json with or without a padding section
(and ByteLevel or not) — the class transformers' `AutoTokenizer.from_pretrained` builds and its
pad token and id. `AutoTokenizerChoiceTests` reads each case into tensoraudit's tokenizer reader
and holds its pad token, and the class it says AutoTokenizer builds, to these answers.

Why: the pad token was taken from tokenizer_config.json's `tokenizer_class` alone, measured
without a config.json; AutoTokenizer also weighs config.json's `model_type`
(models/auto/tokenization_auto.py: `MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS` and the two
override blocks), and 20 of 24 folders of hunt-53a D1 had another pad. The model types are every
type transformers lists as having an incorrect hub class, every type registered to a generic
backend, a few registered to specialized classes, every registered type AutoConfig builds no
config class for, llama (registered to none here) and no config.json at all. A folder AutoTokenizer refuses (its config does not validate) is left out.

Needs: pip install transformers (reads auto-tokenizer-classes.json for the type lists).
"""
import importlib.util
import json
import os
import pathlib
import sys
import tempfile
import warnings

# As generate_auto_tokenizer_classes.py measures it: transformers without sentencepiece.
_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a, **k: None if name.split(".")[0] == "sentencepiece" else _find_spec(name, *a, **k)
sys.modules["sentencepiece"] = None

import transformers  # noqa: E402
from transformers import AutoTokenizer  # noqa: E402

HERE = pathlib.Path(__file__).parent
GENERIC = {"TokenizersBackend", "PythonBackend", "PreTrainedTokenizerFast", "MistralCommonBackend"}
TOKENS = ["<unk>", "<s>", "</s>", "<pad>", "[PAD]"] + [f"w{i}" for i in range(27)]
SPECIALIZED_TYPES = ["albert", "bart", "bert", "deberta", "gpt2", "gpt_neox", "llama", "mpnet", "qwen2", "roberta", "t5"]
CLASSES = ["BertTokenizerFast", "GPT2TokenizerFast", "LlamaTokenizerFast", "Qwen2Tokenizer", "PreTrainedTokenizerFast",
           "RobertaTokenizer", None, "config:BertTokenizerFast", "config:GPT2Tokenizer"]


def tokenizer_json(padding, byte_level):
    pre = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True} if byte_level \
        else {"type": "Whitespace"}
    return {"version": "1.0", "truncation": None, "added_tokens": [], "normalizer": None, "pre_tokenizer": pre,
            "post_processor": None, "decoder": None,
            "padding": {"strategy": "BatchLongest", "direction": "Right", "pad_to_multiple_of": None, "pad_id": 3,
                        "pad_type_id": 0, "pad_token": "<pad>"} if padding else None,
            "model": {"type": "WordLevel", "vocab": {t: i for i, t in enumerate(TOKENS)}, "unk_token": "<unk>"}}


def answer(model_type, named, variant):
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(*VARIANTS[variant]), f)
    tokenizer_config, config = {}, {}
    if named and named.startswith("config:"):
        config["tokenizer_class"] = named.removeprefix("config:")
    elif named:
        tokenizer_config["tokenizer_class"] = named
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(tokenizer_config, f)
    if model_type:
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump({"model_type": model_type, **config}, f)
    elif config:
        return None
    try:
        tok = AutoTokenizer.from_pretrained(folder)
    except Exception:
        return None
    pad_id = tok.pad_token_id
    return {"class": type(tok).__name__, "pad_token": tok.pad_token,
            "pad_row": pad_id if pad_id is not None and pad_id < len(TOKENS) else None}


VARIANTS = {"plain": (False, False), "padding": (True, False), "byte-level-padding": (True, True)}


def main():
    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    facts = json.loads((HERE / "auto-tokenizer-classes.json").read_text())
    generic_types = sorted(t for t, c in facts["registered"].items() if c.removesuffix("Fast") in GENERIC)
    # The types AutoConfig cannot build a config for (hunt-63d M1: nllb, code_llama, herbert).
    types = sorted(set(facts["incorrect_hub_class"]) | set(generic_types) | set(SPECIALIZED_TYPES)
                   | set(facts["without_config"])) + [None]
    cases, refused = [], 0
    for model_type in types:
        for named in CLASSES:
            for variant in VARIANTS:
                if variant == "byte-level-padding" and named not in ("LlamaTokenizerFast", "config:BertTokenizerFast", None):
                    continue
                if named and named.startswith("config:") and not model_type:
                    continue
                got = answer(model_type, named, variant)
                if got is None:
                    refused += 1
                    continue
                cases.append({"model_type": model_type, "tokenizer_class": named, "tokenizer_json": variant, "expected": got})
    document = {"transformers": transformers.__version__, "tokens": TOKENS,
                "tokenizer_json": {k: tokenizer_json(*v) for k, v in VARIANTS.items()}, "cases": cases,
                "refused": refused,
                "how": "AutoTokenizer.from_pretrained of a folder with tokenizer.json (WordLevel; 'padding': a padding "
                       "section naming <pad>, id 3; 'byte-level-padding': also a ByteLevel pre-tokenizer), tokenizer_config.json "
                       "{tokenizer_class} ('config:NAME': config.json's tokenizer_class instead; null: none) and config.json "
                       "{model_type} (null: no config.json); pad_row is pad_token_id when it is a row of the tokenizer.json "
                       "vocabulary, else null; folders AutoTokenizer refuses are left out (counted in 'refused')"}
    (HERE / "auto-tokenizer-choice.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"{len(cases)} cases over {len(types)} model types, {refused} refused")


if __name__ == "__main__":
    main()

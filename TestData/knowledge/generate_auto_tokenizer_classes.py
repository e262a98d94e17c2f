#!/usr/bin/env python3
"""Writes auto-tokenizer-classes.json and Sources/ModelKnowledge/AutoTokenizerClasses.swift: the
facts transformers' `AutoTokenizer.from_pretrained` uses to choose the tokenizer class from
config.json's `model_type` as well as tokenizer_config.json's `tokenizer_class`
(models/auto/tokenization_auto.py):

- `registered`: `TOKENIZER_MAPPING_NAMES`, model type -> class name (types whose class needs a
  backend not installed here, sentencepiece, map to None in transformers and are left out: for
  them no override happens, as below);
- `incorrect_hub_class`: `MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS`, the types whose hub
  `tokenizer_class` transformers overrides with the registered class;
- `without_config`: the registered types `CONFIG_MAPPING_NAMES` lacks (nllb, code_llama, herbert,
  ...): AutoConfig cannot build their config class, so config.json's `model_type` chooses nothing
  and the registered class is never used (AutoTokenizer builds TokenizersBackend unless a file
  names a class; hunt-63d M1);
- `specialized`: every class name a config may give (exported `...Tokenizer`, their `...Fast`
  spellings, the registered names) that `tokenizer_class_from_name` turns into a class other than
  the generic backends (TokenizersBackend, PythonBackend, PreTrainedTokenizerFast), with the name
  of the class it turns into (`ElectraTokenizer` and `LayoutLMTokenizer` are BertTokenizer in
  transformers 5.25, `BertTokenizerFast` too): the tables of what a class builds are keyed by it
  (review-53 #2: an ElectraTokenizer folder missed BertTokenizer's rebuilt normalizer). A name
  outside it becomes TokenizersBackend on the override path.

Why: the pad token was taken from `tokenizer_class` alone, measured without a config.json; with
config.json's `model_type` "mistral" a `BertTokenizerFast` folder is loaded as TokenizersBackend
(pad: the padding section's, or none) and with "qwen2" as Qwen2Tokenizer (pad <|endoftext|>), so
20 of 24 such folders had another pad than AutoTokenizer (hunt-53a D1). The rule that uses these
facts is in `AutoTokenizerClass.swift`; `generate_auto_tokenizer_choice.py` holds it to
AutoTokenizer's answers. Read from transformers' own tables, not transcribed.

Needs: pip install transformers. `AutoTokenizerClassTests` checks the Swift table against the JSON.
"""
import importlib.util
import json
import pathlib
import sys
import warnings

# The tables describe transformers without sentencepiece, as they were first measured (a class
# needing it maps to None and is left out): hidden here so that a machine where it is installed
# (this one, since 2026-12-07) writes the same tables.
_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a, **k: None if name.split(".")[0] == "sentencepiece" else _find_spec(name, *a, **k)
sys.modules["sentencepiece"] = None

import transformers  # noqa: E402
from transformers.models.auto import tokenization_auto as auto  # noqa: E402

HERE = pathlib.Path(__file__).parent
SWIFT = HERE.parent.parent / "Sources" / "ModelKnowledge" / "AutoTokenizerClasses.swift"
GENERIC = {"TokenizersBackend", "PythonBackend", "PreTrainedTokenizerFast"}


def specialized(name):
    """The name of the class `name` turns into, when it is no generic backend; else None."""
    try:
        cls = auto.tokenizer_class_from_name(name)
    except Exception:  # a class needing a backend this machine lacks
        return None
    return cls.__name__ if cls is not None and cls.__name__ not in GENERIC else None


def main():
    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    registered = {k: v for k, v in sorted(auto.TOKENIZER_MAPPING_NAMES.items()) if isinstance(v, str)}
    exported = [n for n in dir(transformers) if n.endswith("Tokenizer") or n.endswith("TokenizerFast")]
    names = set(exported) | {n + "Fast" for n in exported if n.endswith("Tokenizer")} | set(registered.values())
    names |= {n.removesuffix("Fast") for n in registered.values()}
    # Legacy names the lazy module resolves through the slow-to-fast converters (ElectraTokenizer,
    # LayoutLMTokenizer, LxmertTokenizer: BertTokenizer; LEDTokenizer, MvpTokenizer:
    # RobertaTokenizer), which `dir(transformers)` does not list (review-53 #2).
    from transformers.convert_slow_tokenizer import SLOW_TO_FAST_CONVERTERS
    names |= set(SLOW_TO_FAST_CONVERTERS) | {n + "Fast" for n in SLOW_TO_FAST_CONVERTERS}
    special = {n: c for n in sorted(names) if (c := specialized(n))}
    incorrect = sorted(auto.MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS)
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES
    without_config = sorted(t for t in registered if t not in CONFIG_MAPPING_NAMES)
    (HERE / "auto-tokenizer-classes.json").write_text(json.dumps(
        {"transformers": transformers.__version__, "registered": registered, "incorrect_hub_class": incorrect,
         "specialized": special, "without_config": without_config}, indent=1, sort_keys=True) + "\n")

    def literal(text):
        return json.dumps(text)

    type_lines = "\n".join(f"        {literal(k)}: {literal(v)}," for k, v in registered.items())
    incorrect_lines = "\n".join(f"        {literal(k)}," for k in incorrect)
    special_lines = "\n".join(f"        {literal(k)}: {literal(v)}," for k, v in special.items())
    without_lines = "\n".join(f"        {literal(k)}," for k in without_config)
    SWIFT.write_text(f"""// Generated by TestData/knowledge/generate_auto_tokenizer_classes.py from transformers {transformers.__version__}; do not edit.
// `AutoTokenizerClassTests` checks it against TestData/knowledge/auto-tokenizer-classes.json.

extension AutoTokenizerClass {{
    /// `TOKENIZER_MAPPING_NAMES`: config.json `model_type` -> the class registered for it.
    static let registered: [String: String] = [
{type_lines}
    ]

    /// Registered types `CONFIG_MAPPING_NAMES` lacks: AutoConfig builds no config class for
    /// them, so their registered class is never chosen by `model_type`.
    static let withoutConfigClass: Set<String> = [
{without_lines}
    ]

    /// `MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS`: types whose hub `tokenizer_class` is overridden.
    static let incorrectHubClass: Set<String> = [
{incorrect_lines}
    ]

    /// Class names `tokenizer_class_from_name` turns into a class other than the generic
    /// backends -> the name of that class.
    static let specialized: [String: String] = [
{special_lines}
    ]
}}
""")
    print(f"{len(registered)} model types ({len(without_config)} without a config class), {len(incorrect)} incorrect-hub types, "
          f"{len(special)} specialized names")


if __name__ == "__main__":
    main()

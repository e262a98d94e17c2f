#!/usr/bin/env python3
"""Writes unigram-classes.json, Sources/ModelKnowledge/UnigramTokenizerClasses.swift and the
folders of unigram-classes/: the tokenizer classes transformers' AutoTokenizer cannot build
from a tokenizer.json whose model is BPE, WordPiece or WordLevel, because they build a Unigram
(SentencePiece) model from its vocabulary, which must then be a list of [piece, score] pairs,
with the exception AutoTokenizer raises.

Why: such a folder (a WordLevel tokenizer.json beside a config.json whose model_type is t5,
mbart, xlm-roberta or camembert) fails to load in transformers, yet tensoraudit reported the
class's default pad token "<pad>" and its special tokens as if it had loaded (hunt-64c,
"Outside the changes"). A tokenizer transformers never builds names no pad token.

Measured: each class name a tokenizer_config.json may give (tokenizer_class_names.py) is loaded
from a folder whose tokenizer.json is Unigram (the vocabulary <unk> <s> </s> <pad> a b); a class
that loads it is then loaded from the same vocabulary as BPE, WordPiece and WordLevel, and again
with two-character tokens (CamembertTokenizer unpacks each key of a dict into piece and score):
a class that fails on all six, with one exception type, is listed with the first exception.
A class that loads no Unigram folder of this shape (AlbertTokenizer, BigBirdTokenizer,
PegasusTokenizer need more) is left out: the reader claims nothing for it. The folders of
unigram-classes/ are the four shapes of hunt-64c's report and controls that load, each with
what AutoTokenizer does (`expected.json`).

As the other tables: transformers without the optional sentencepiece package (hidden here).

    pip install transformers tokenizers     # made with transformers 5.25, tokenizers 0.23
    python3 TestData/knowledge/generate_unigram_classes.py
"""
import importlib.util
import json
import pathlib
import shutil
import sys
import tempfile
import warnings

_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a, **k: None if name.split(".")[0] == "sentencepiece" else _find_spec(name, *a, **k)
sys.modules["sentencepiece"] = None

import tokenizers  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoTokenizer  # noqa: E402

from tokenizer_class_names import config_class_names  # noqa: E402

HERE = pathlib.Path(__file__).parent
SWIFT = HERE.parent.parent / "Sources" / "ModelKnowledge" / "UnigramTokenizerClasses.swift"
FOLDERS = HERE / "unigram-classes"
VOCAB = ["<unk>", "<s>", "</s>", "<pad>", "a", "b"]
PAIRS = ["<unk>", "<s>", "</s>", "<pad>", "ab", "cd"]


def model(kind, tokens):
    vocab = {t: i for i, t in enumerate(tokens)}
    if kind == "BPE":
        return {"type": "BPE", "vocab": vocab, "merges": [], "unk_token": "<unk>"}
    if kind == "WordPiece":
        return {"type": "WordPiece", "vocab": vocab, "unk_token": "<unk>", "continuing_subword_prefix": "##",
                "max_input_chars_per_word": 100}
    if kind == "Unigram":
        return {"type": "Unigram", "unk_id": 0, "vocab": [[t, -1.0] for t in tokens], "byte_fallback": False}
    return {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"}


def tokenizer_json(kind, tokens):
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
            "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None, "decoder": None, "model": model(kind, tokens)}


def write(folder, kind, tokens, tokenizer_config, config=None):
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer_json(kind, tokens), indent=1) + "\n")
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=1) + "\n")
    if config is not None:
        (folder / "config.json").write_text(json.dumps(config, indent=1) + "\n")


def load(folder):
    """The tokenizer AutoTokenizer builds, or the exception it raises as "Type: message"."""
    try:
        return AutoTokenizer.from_pretrained(str(folder)), None
    except Exception as error:  # what transformers raises is the measurement
        return None, f"{type(error).__name__}: {error}"


def measure(name):
    folder = tempfile.mkdtemp()
    write(folder, "Unigram", VOCAB, {"tokenizer_class": name})
    tok, error = load(folder)
    shutil.rmtree(folder)
    if tok is None:
        return None
    errors = []
    for tokens in (VOCAB, PAIRS):
        for kind in ("BPE", "WordPiece", "WordLevel"):
            folder = tempfile.mkdtemp()
            write(folder, kind, tokens, {"tokenizer_class": name})
            tok, error = load(folder)
            shutil.rmtree(folder)
            if tok is not None:
                return None
            errors.append(error)
    return errors[0] if len({e.split(":")[0] for e in errors}) == 1 else None


# The folders of hunt-64c (a WordLevel tokenizer.json, an empty tokenizer_config.json, config.json's
# model_type choosing the class), a class named in tokenizer_config.json, and controls that load.
CASES = {
    "t5-wordlevel": ("WordLevel", {}, {"model_type": "t5"}),
    "mbart-wordlevel": ("WordLevel", {}, {"model_type": "mbart"}),
    "xlm-roberta-wordlevel": ("WordLevel", {}, {"model_type": "xlm-roberta"}),
    "camembert-wordlevel": ("WordLevel", {}, {"model_type": "camembert"}),
    "t5-named-bpe": ("BPE", {"tokenizer_class": "T5TokenizerFast"}, None),
    "t5-unigram": ("Unigram", {}, {"model_type": "t5"}),
    "bert-wordlevel": ("WordLevel", {}, {"model_type": "bert"}),
}


def main():
    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    classes = {}
    for name in config_class_names():
        found = measure(name)
        if found:
            classes[name] = found
    (HERE / "unigram-classes.json").write_text(json.dumps(
        {"transformers_version": transformers.__version__, "tokenizers_version": tokenizers.__version__,
         "how": "see generate_unigram_classes.py", "classes": classes}, indent=1, sort_keys=True) + "\n")
    lines = [f"// Generated by TestData/knowledge/generate_unigram_classes.py from transformers {transformers.__version__}; do not edit.",
             "",
             "extension AutoTokenizerClass {",
             "    /// The classes measured to build a Unigram model from tokenizer.json's vocabulary, which",
             "    /// AutoTokenizer cannot load from a BPE, WordPiece or WordLevel tokenizer.json, with what it",
             "    /// raises (see the generator's docstring).",
             "    static let needingUnigram: [String: String] = ["]
    lines += [f"        {json.dumps(n)}: {json.dumps(e, ensure_ascii=False)}," for n, e in sorted(classes.items())]
    lines += ["    ]", "}", ""]
    SWIFT.write_text("\n".join(lines))
    print(len(classes), "classes need Unigram")
    expected = {"transformers_version": transformers.__version__, "tokenizers_version": tokenizers.__version__,
                "how": "AutoTokenizer.from_pretrained(folder): the class it builds and its pad token id, or the exception it raises",
                "cases": {}}
    for name, (kind, tokenizer_config, config) in CASES.items():
        folder = FOLDERS / name
        write(folder, kind, VOCAB, tokenizer_config, config)
        tok, error = load(folder)
        expected["cases"][name] = {"error": error} if tok is None else {"class": type(tok).__name__, "pad_id": tok.pad_token_id}
        print(name, expected["cases"][name])
    (FOLDERS / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes class-word-isolation.json and Sources/ModelKnowledge/ClassWordIsolations.swift: for each
tokenizer class name (those of tokenizer-class-pads.json, and the classes auto-tokenizer-classes.json
registers), whether the class, loaded by transformers' AutoTokenizer, keeps tokenizer.json's
normalizer and pre-tokenizer or builds its own — and if it builds a BertNormalizer, what its
`handle_chinese_chars` is with no `tokenize_chinese_chars` in tokenizer_config.json, and whether
that key sets it.

Why: `isolated-character` (tokens a WordPiece tokenizer never produces) followed tokenizer.json's
normalizer and pre-tokenizer, but transformers 5.25's BertTokenizer.__init__ (and Funnel's,
MPNet's, …) rebuilds both from its arguments: BertNormalizer(handle_chinese_chars=
tokenize_chinese_chars, default True) and BertPreTokenizer(). MiniLM with `handle_chinese_chars:
false` in its tokenizer.json had 244 CJK tokens that can never be produced counted as ordinary
(hunt-53a D2, hunt-52a D6).

Measured, not read from signatures: each class is loaded from folders whose WordPiece
tokenizer.json has
  1. normalizer null, pre-tokenizer Whitespace, tokenizer_config.json {tokenizer_class};
  2. BertNormalizer(handle_chinese_chars=true), pre-tokenizer BertPreTokenizer;
  3. BertNormalizer(handle_chinese_chars=false), config also {tokenize_chinese_chars: true};
  4. BertNormalizer(handle_chinese_chars=true), config also {tokenize_chinese_chars: false};
  5. BertNormalizer(handle_chinese_chars=false);
and `tok._tokenizer.normalizer` / `.pre_tokenizer` / `.model` are read back. The entries:
  "pre_tokenizer": "json" (1 keeps Whitespace, 2 keeps BertPreTokenizer), "bert" (BertPreTokenizer
    both times), or "other" (anything else: no isolation is claimed);
  "normalizer": "json" (1 null, 2 true, 3 false, 4 true, 5 false: tokenizer.json's, the config key
    ignored), "bert" (a BertNormalizer all five times), or "other";
  "chinese_default" (for "bert"): handle_chinese_chars of 1, 2 and 5 when they agree, else null;
  "chinese_from_config" (for "bert"): 3 gives true and 4 false;
  "word_piece": the built model is still WordPiece.
A class that fails to load so (it needs a sentencepiece model or other files) is left out; the
reader then takes tokenizer.json's, as before.

Needs: pip install transformers. `ClassWordIsolationTests` checks the Swift table against the JSON.
"""
import json
import os
import pathlib
import tempfile
import warnings

import transformers
from transformers import AutoTokenizer

HERE = pathlib.Path(__file__).parent
SWIFT = HERE.parent.parent / "Sources" / "ModelKnowledge" / "ClassWordIsolations.swift"
VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4, "<s>": 5, "</s>": 6, "<unk>": 7, "<pad>": 8,
         "a": 9, "##b": 10, "戦": 11, "##戦": 12, ".": 13, "a.": 14}


def load(name, normalizer, pre_tokenizer, config):
    folder = tempfile.mkdtemp()
    tokenizer = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": normalizer,
                 "pre_tokenizer": pre_tokenizer, "post_processor": None, "decoder": None,
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 100, "vocab": VOCAB}}
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tokenizer, f)
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": name, **config}, f)
    backend = AutoTokenizer.from_pretrained(folder)._tokenizer
    return backend.normalizer, backend.pre_tokenizer, type(backend.model).__name__


def bert_normalizer(handle):
    return {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": handle, "strip_accents": None,
            "lowercase": False}


def chinese(normalizer):
    """handle_chinese_chars of a BertNormalizer, None for no normalizer, "other" for another one."""
    if normalizer is None:
        return None
    state = json.loads(normalizer.__getstate__())
    return state.get("handle_chinese_chars") if state.get("type") == "BertNormalizer" else "other"


def pre_type(pre):
    return None if pre is None else json.loads(pre.__getstate__()).get("type")


def measure(name):
    whitespace, bert_pre = {"type": "Whitespace"}, {"type": "BertPreTokenizer"}
    n1, p1, model = load(name, None, whitespace, {})
    n2, p2, _ = load(name, bert_normalizer(True), bert_pre, {})
    n3, _, _ = load(name, bert_normalizer(False), whitespace, {"tokenize_chinese_chars": True})
    n4, _, _ = load(name, bert_normalizer(True), whitespace, {"tokenize_chinese_chars": False})
    n5, _, _ = load(name, bert_normalizer(False), whitespace, {})
    c = [chinese(n) for n in (n1, n2, n3, n4, n5)]
    pres = (pre_type(p1), pre_type(p2))
    pre = "json" if pres == ("Whitespace", "BertPreTokenizer") else "bert" if pres == ("BertPreTokenizer",) * 2 else "other"
    entry = {"pre_tokenizer": pre, "word_piece": model == "WordPiece"}
    if c == [None, True, False, True, False]:
        entry["normalizer"] = "json"
    elif all(isinstance(v, bool) for v in c):
        entry["normalizer"] = "bert"
        entry["chinese_default"] = c[0] if c[0] == c[1] == c[4] else None
        entry["chinese_from_config"] = (c[2], c[3]) == (True, False)
    else:
        entry["normalizer"] = "other"
    entry["seen"] = {"pre_tokenizer": list(pres), "handle_chinese_chars": c, "model": model}
    return entry


def main():
    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    pads = json.loads((HERE / "tokenizer-class-pads.json").read_text())["pads"]
    registered = json.loads((HERE / "auto-tokenizer-classes.json").read_text())["registered"]
    names = sorted(set(pads) | set(registered.values()))
    classes = {}
    for name in names:
        try:
            classes[name] = measure(name)
        except Exception:  # needs files a WordPiece tokenizer.json does not give
            continue
    document = {"transformers": transformers.__version__, "classes": classes,
                "how": "see generate_class_word_isolation.py: five WordPiece folders per class, normalizer and "
                       "pre_tokenizer read back from AutoTokenizer's backend tokenizer"}
    (HERE / "class-word-isolation.json").write_text(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n")

    # Only classes that build their own normalizer or pre-tokenizer, or drop WordPiece, go into
    # the Swift table: every other class keeps tokenizer.json's (the reader's default).
    def part(value):
        return {"json": ".json", "bert": ".bert", "other": ".other"}[value]

    lines = [f"// Generated by TestData/knowledge/generate_class_word_isolation.py from transformers {transformers.__version__}; do not edit.",
             "// `ClassWordIsolationTests` checks it against TestData/knowledge/class-word-isolation.json.",
             "",
             "extension ClassWordIsolation {",
             "    /// Tokenizer class -> what it builds in place of tokenizer.json's normalizer and pre-tokenizer,",
             "    /// for the measured classes that do not simply keep tokenizer.json's (see `ClassWordIsolation`).",
             "    static let measured: [String: ClassWordIsolation] = ["]
    for name, e in sorted(classes.items()):
        if e["pre_tokenizer"] == "json" and e["normalizer"] == "json" and e["word_piece"]:
            continue
        default = e.get("chinese_default")
        lines.append(f"        {json.dumps(name)}: ClassWordIsolation(preTokenizer: {part(e['pre_tokenizer'])}, "
                     f"normalizer: {part(e['normalizer'])}, chineseDefault: {'nil' if default is None else str(default).lower()}, "
                     f"chineseFromConfig: {str(e.get('chinese_from_config', False)).lower()}, wordPiece: {str(e['word_piece']).lower()}),")
    lines += ["    ]", "}", ""]
    SWIFT.write_text("\n".join(lines))
    kept = sum(1 for e in classes.values() if e["pre_tokenizer"] == "json" and e["normalizer"] == "json" and e["word_piece"])
    print(f"{len(classes)} of {len(names)} classes measured; {kept} keep tokenizer.json's; {len(classes) - kept} build their own")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes isolation-by-class.json: WordPiece folders whose tokenizer.json normalizer and
pre-tokenizer disagree with what the tokenizer class AutoTokenizer builds makes of them, and for
each the vocabulary tokens transformers' tokenizer can never produce. `IsolationByClassTests`
reads each folder into tensoraudit and holds its `isolated-character` tokens to that list.

Why: transformers 5.25's BertTokenizer (Funnel's, MPNet's, …) rebuilds the normalizer
(BertNormalizer, handle_chinese_chars from tokenizer_config.json's tokenize_chinese_chars,
default true) and the pre-tokenizer (BertPreTokenizer), ignoring tokenizer.json's, while a generic
backend keeps tokenizer.json's whatever tokenizer_config.json says (hunt-53a D2, hunt-52a D6,
whose /tmp/h52a/iso/build.py this follows). A token is "never produced" when none of the texts
that should spell it (itself, after a space, after a letter; for a `##` continuation its body
after one or two letters) encodes to its id.

Needs: pip install transformers tokenizers.
"""
import json
import os
import pathlib
import tempfile
import warnings

import transformers
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import AutoTokenizer

HERE = pathlib.Path(__file__).parent
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<unk>", "<s>", "</s>", "<pad>", "<cls>", "<sep>", "<mask>"]
BASE = list("abcdefghijklmnopqrstuvwxyz") + [".", ")", "(", "'", "戦", "争", "##a", "##b", "##e", "##s"]
TEST = ["a.", "##.", "##)", "戦争", "##戦", "a b", "...", "e.g", "##'s", "¿", "a·b", "a€", "€", "##€", "a–b", "ab"]
VOCAB = {t: i for i, t in enumerate(SPECIAL + BASE + TEST)}


def bert_normalizer(handle=True):
    return normalizers.BertNormalizer(lowercase=True, handle_chinese_chars=handle)


CASES = [
    # name, normalizer, pre-tokenizer, tokenizer_config.json, config.json model_type
    ("bert-as-written", bert_normalizer(), pre_tokenizers.BertPreTokenizer(), {"tokenizer_class": "BertTokenizer"}, None),
    ("bert-json-hcc-false", bert_normalizer(False), pre_tokenizers.BertPreTokenizer(), {"tokenizer_class": "BertTokenizer"}, None),
    ("bert-json-hcc-false-config-true", bert_normalizer(False), pre_tokenizers.BertPreTokenizer(),
     {"tokenizer_class": "BertTokenizer", "tokenize_chinese_chars": True}, None),
    ("bert-config-false", bert_normalizer(), pre_tokenizers.BertPreTokenizer(),
     {"tokenizer_class": "BertTokenizer", "tokenize_chinese_chars": False}, None),
    ("bert-no-normalizer", None, pre_tokenizers.BertPreTokenizer(), {"tokenizer_class": "BertTokenizer"}, None),
    ("bert-sequence-normalizer", normalizers.Sequence([normalizers.NFD(), normalizers.Lowercase(), normalizers.StripAccents()]),
     pre_tokenizers.BertPreTokenizer(), {"tokenizer_class": "BertTokenizer"}, None),
    ("bert-whitespace", bert_normalizer(), pre_tokenizers.Whitespace(), {"tokenizer_class": "BertTokenizer"}, None),
    ("mpnet-json-hcc-false", bert_normalizer(False), pre_tokenizers.BertPreTokenizer(), {"tokenizer_class": "MPNetTokenizer"}, None),
    ("funnel-whitespace", bert_normalizer(), pre_tokenizers.Whitespace(), {"tokenizer_class": "FunnelTokenizer"}, None),
    ("generic-config-false", bert_normalizer(), pre_tokenizers.BertPreTokenizer(),
     {"tokenizer_class": "PreTrainedTokenizerFast", "tokenize_chinese_chars": False}, None),
    ("generic-whitespace", bert_normalizer(), pre_tokenizers.Whitespace(), {"tokenizer_class": "PreTrainedTokenizerFast"}, None),
    ("no-class-bert-type-hcc-false", bert_normalizer(False), pre_tokenizers.BertPreTokenizer(), {}, "bert"),
    ("no-class-no-config-hcc-false", bert_normalizer(False), pre_tokenizers.BertPreTokenizer(), {}, None),
    ("bert-class-mistral-type-hcc-false", bert_normalizer(False), pre_tokenizers.BertPreTokenizer(),
     {"tokenizer_class": "BertTokenizerFast"}, "mistral"),
    ("bert-class-modernbert-type-whitespace", bert_normalizer(), pre_tokenizers.Whitespace(),
     {"tokenizer_class": "BertTokenizerFast"}, "modernbert"),
    ("convbert-json-hcc-false", bert_normalizer(False), pre_tokenizers.BertPreTokenizer(), {"tokenizer_class": "ConvBertTokenizer"}, None),
    # Legacy names transformers 5.25 resolves to BertTokenizer (review-53 #2).
    ("electra-config-false", bert_normalizer(), pre_tokenizers.BertPreTokenizer(),
     {"tokenizer_class": "ElectraTokenizer", "tokenize_chinese_chars": False}, "electra"),
    ("electra-json-hcc-false", bert_normalizer(False), pre_tokenizers.BertPreTokenizer(), {"tokenizer_class": "ElectraTokenizerFast"}, None),
    ("layoutlm-whitespace", bert_normalizer(), pre_tokenizers.Whitespace(), {"tokenizer_class": "LayoutLMTokenizer"}, None),
]


def case(name, normalizer, pre_tokenizer, tokenizer_config, model_type):
    folder = tempfile.mkdtemp()
    tok = Tokenizer(models.WordPiece(VOCAB, unk_token="[UNK]"))
    if normalizer is not None:
        tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tok.add_special_tokens(SPECIAL)
    tok.save(os.path.join(folder, "tokenizer.json"))
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(tokenizer_config, f)
    if model_type:
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump({"model_type": model_type}, f)
    loaded = AutoTokenizer.from_pretrained(folder)
    never = []
    for token in TEST:
        body = token[2:] if token.startswith("##") and len(token) > 2 else None
        texts = ["q" + body, "qq" + body, body] if body else [token, " " + token, "x" + token]
        if not any(VOCAB[token] in loaded(text, add_special_tokens=False)["input_ids"] for text in texts):
            never.append(token)
    with open(os.path.join(folder, "tokenizer.json")) as f:
        written = json.load(f)
    return {"name": name, "tokenizer_json": written, "tokenizer_config": tokenizer_config, "model_type": model_type,
            "class": type(loaded).__name__, "never_produced": never,
            "loaded_pre_tokenizer": json.loads(loaded._tokenizer.pre_tokenizer.__getstate__())["type"]}


def main():
    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    cases = [case(*c) for c in CASES]
    document = {"transformers": transformers.__version__, "test_tokens": TEST, "cases": cases,
                "how": "AutoTokenizer.from_pretrained of each folder; a test token is never produced when none of "
                       "[t, ' '+t, 'x'+t] (a ## continuation: its body after 'q', 'qq', alone) encodes to its id"}
    (HERE / "isolation-by-class.json").write_text(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    for c in cases:
        print(c["name"], c["class"], c["never_produced"])


if __name__ == "__main__":
    main()

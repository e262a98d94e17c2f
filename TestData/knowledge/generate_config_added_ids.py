#!/usr/bin/env python3
"""Writes config-added-ids/: tokenizer folders whose tokenizer_config.json `added_tokens_decoder`
names tokens that tokenizer.json does not hold, and expected.json with the ids transformers'
AutoTokenizer gives them: it adds such tokens with the tokenizers library's `add_tokens`, in the
order of their stated ids, which places a new text after the vocabulary and the added tokens
(the stated id is not used), and a known text on its known id; a BERT vocab.txt without tokenizer.json the same way; a class
that rebuilds the backend (LlamaTokenizer) drops tokenizer.json's added tokens first.

    pip install transformers tokenizers     # made with transformers 5.25, tokenizers 0.23
    python3 TestData/knowledge/generate_config_added_ids.py
"""
import importlib.util
import json
import pathlib
import sys
import tempfile

# As generate_auto_tokenizer_classes.py measures: transformers without the optional sentencepiece
# package (hidden, so that a machine where it is installed writes the same answers).
_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a, **k: None if name.split(".")[0] == "sentencepiece" else _find_spec(name, *a, **k)
sys.modules["sentencepiece"] = None

import tokenizers  # noqa: E402
import transformers  # noqa: E402

HERE = pathlib.Path(__file__).with_name("config-added-ids")


def added(content):
    return {"content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def tokenizer_json(vocab, added_tokens, bpe=False):
    if bpe:
        return {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [dict(added(content), id=id_) for id_, content in added_tokens],
            "normalizer": None, "pre_tokenizer": None, "post_processor": None, "decoder": None,
            "model": {"type": "BPE", "vocab": vocab, "merges": [], "unk_token": "[UNK]", "dropout": None,
                      "continuing_subword_prefix": None, "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False},
        }
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [dict(added(content), id=id_) for id_, content in added_tokens],
        "normalizer": None, "pre_tokenizer": None, "post_processor": None, "decoder": None,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


def vocabulary(skip=()):
    vocab = {"[PAD]": 0, "[UNK]": 1}
    for i in range(2, 20):
        if i not in skip:
            vocab[f"w{i - 2}"] = i
    return vocab


CASES = {
    # A new text stated past the end: the next id after the vocabulary (20), not 40.
    "past-end": (vocabulary(), [(0, "[PAD]")], {"40": "<cfg>"}),
    # Two new texts, listed out of order: placed in the order of their stated ids; "9" is the
    # vocabulary's "w7", which keeps its id.
    "stated-order": (vocabulary(), [], {"45": "<b>", "9": "<a>"}),
    # A text the vocabulary holds keeps the vocabulary's id.
    "vocabulary-text": (vocabulary(), [], {"30": "w3"}),
    # After tokenizer.json's own new added token (20): 21.
    "after-json-added": (vocabulary(), [(20, "<x>")], {"50": "<cfg>"}),
    # tokenizer.json's added token restated under another id keeps tokenizer.json's.
    "restated": (vocabulary(), [(20, "<x>")], {"33": "<x>"}),
    # A vocabulary with holes (ids 10..12 unused, 17 entries): the library counts entries, so
    # the new text lands on 17, an id the vocabulary already gives to "w15".
    "holes": (vocabulary(skip=(10, 11, 12)), [], {"40": "<cfg>"}),
}


def vocab_txt_case(folder):
    """A BERT vocab.txt and no tokenizer.json: BertTokenizer builds its fast tokenizer from it
    and adds the config's new token the same way (the 20 lines, then id 20, not 30)."""
    lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(15)]
    (folder / "vocab.txt").write_text("\n".join(lines) + "\n")
    return {"tokenizer_class": "BertTokenizer", "added_tokens_decoder": {"30": added("<x>"), "3": added("[SEP]")}}


def main():
    HERE.mkdir(exist_ok=True)
    expected = {"transformers_version": transformers.__version__, "tokenizers_version": tokenizers.__version__,
                "how": "AutoTokenizer.from_pretrained(folder): len(tok), convert_ids_to_tokens(id) for every id, "
                       "convert_tokens_to_ids(text) for each text of added_tokens_decoder",
                "cases": {}}
    for name, (vocab, json_added, decoder) in CASES.items():
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        (folder / "tokenizer.json").write_text(json.dumps(tokenizer_json(vocab, json_added), indent=1) + "\n")
        config = {"tokenizer_class": "TokenizersBackend", "unk_token": "[UNK]",
                  "added_tokens_decoder": {key: added(text) for key, text in decoder.items()}}
        (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=1) + "\n")
        tok = transformers.AutoTokenizer.from_pretrained(str(folder))
        record(expected, name, tok, decoder)
    folder = HERE / "vocab-txt"
    folder.mkdir(exist_ok=True)
    config = vocab_txt_case(folder)
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=1) + "\n")
    tok = transformers.AutoTokenizer.from_pretrained(str(folder))
    record(expected, "vocab-txt", tok, {key: value["content"] for key, value in config["added_tokens_decoder"].items()})
    # A vocab.txt with a repeated line: the dict transformers reads it into has 19 entries, so
    # the new token is 19 (the repeated text's later line).
    folder = HERE / "vocab-txt-repeated"
    folder.mkdir(exist_ok=True)
    lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(14)] + ["w2"]
    (folder / "vocab.txt").write_text("\n".join(lines) + "\n")
    config = {"tokenizer_class": "BertTokenizer", "added_tokens_decoder": {"20": added("<x>")}}
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=1) + "\n")
    record(expected, "vocab-txt-repeated", transformers.AutoTokenizer.from_pretrained(str(folder)), {"20": "<x>"})
    def entry(text):
        return json.dumps(added(text))
    raws = [
        # "40" twice and "0041" = 41 twice: the last of each is kept; "" is skipped by add_tokens.
        ("repeated-keys", '{"tokenizer_class": "TokenizersBackend", "unk_token": "[UNK]", "added_tokens_decoder": {'
         f'"40": {entry("<a>")}, "41": {entry("<b>")}, "40": {entry("<c>")}, "0041": {entry("<d>")}, "39": {entry("")}}}}}\n',
         ["<c>", "<d>"]),
        # A stated id past any limit, and a negative one, only order the entries.
        ("huge-keys", '{"tokenizer_class": "TokenizersBackend", "unk_token": "[UNK]", "added_tokens_decoder": {'
         f'"99999999999999999999": {entry("<big>")}, "-1": {entry("<neg>")}}}}}\n',
         ["<big>", "<neg>"]),
        # Two keys past 64 bits are two ids to Python's int(): both added, in their order
        # (hunt-62b N5: both read as Int.max, the first was dropped).
        ("huge-keys-two", '{"tokenizer_class": "TokenizersBackend", "unk_token": "[UNK]", "added_tokens_decoder": {'
         f'"99999999999999999999": {entry("<b>")}, "99999999999999999998": {entry("<a>")}}}}}\n',
         ["<a>", "<b>"]),
    ]
    # LlamaTokenizer rebuilds the backend from the vocabulary (rebuilding-classes.json): it drops
    # tokenizer.json's added tokens and adds the config's added_tokens_decoder in stated-id order,
    # or, with no added_tokens_decoder key, tokenizer.json's added tokens in stated-id order.
    rebuilds = [
        ("rebuild-decoder", [(20, "<a>"), (21, "<b>")], {"3": "w1", "40": "<c>", "7": "<low>"}),
        ("rebuild-empty-decoder", [(20, "<a>"), (21, "<b>")], {}),
        ("rebuild-no-decoder", [(21, "<b>"), (20, "<a>"), (5, "<c>")], None),
    ]
    for name, json_added, decoder in rebuilds:
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        (folder / "tokenizer.json").write_text(json.dumps(tokenizer_json(vocabulary(), json_added, bpe=True), indent=1) + "\n")
        config = {"tokenizer_class": "LlamaTokenizer", "unk_token": "[UNK]", "bos_token": None, "eos_token": None}
        if decoder is not None:
            config["added_tokens_decoder"] = {key: added(text) for key, text in decoder.items()}
        (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=1) + "\n")
        texts = sorted({t for _, t in json_added} | set((decoder or {}).values()))
        record(expected, name, transformers.AutoTokenizer.from_pretrained(str(folder)), {t: t for t in texts})
    # added_tokens.json, the legacy list: read when the config has no added_tokens_decoder, its
    # entries placed in the order of their ids; beside an added_tokens_decoder it is not read.
    legacy = [
        ("legacy-vocab-txt", None, {"tokenizer_class": "BertTokenizer"}),
        ("legacy-beside-decoder", None, {"tokenizer_class": "BertTokenizer", "added_tokens_decoder": {"30": added("<d>")}}),
        ("legacy-backend-json", [(20, "<j>")], {"tokenizer_class": "TokenizersBackend", "unk_token": "[UNK]"}),
        ("legacy-rebuild-json", [(20, "<j>")], {"tokenizer_class": "LlamaTokenizer", "unk_token": "[UNK]", "bos_token": None, "eos_token": None}),
    ]
    for name, json_added, config in legacy:
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        if json_added is None:
            lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(15)]
            (folder / "vocab.txt").write_text("\n".join(lines) + "\n")
        else:
            (folder / "tokenizer.json").write_text(json.dumps(tokenizer_json(vocabulary(), json_added, bpe=True), indent=1) + "\n")
        (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=1) + "\n")
        (folder / "added_tokens.json").write_text(json.dumps({"<new>": 25, "<x>": 21}, indent=1) + "\n")
        texts = ["<new>", "<x>"] + [t for _, t in json_added or []] + [v["content"] for v in config.get("added_tokens_decoder", {}).values()]
        record(expected, name, transformers.AutoTokenizer.from_pretrained(str(folder)), {t: t for t in texts})
    for name, text, texts in raws:
        folder, texts = raw_config_case(name, vocabulary(), text, texts)
        record(expected, name, transformers.AutoTokenizer.from_pretrained(str(folder)), {t: t for t in texts})
    # DPR's three ...TokenizerFast names are classes of their own in transformers 5.25: the
    # override path of AutoTokenizer (config.json's model_type registered to another class)
    # builds them as named, and they load tokenizer.json as it is, added tokens included; every
    # other path drops "Fast" and builds the rebuilding DPR...Tokenizer (hunt-63d H1). The
    # vocabulary lacks the class's [UNK], [SEP], [PAD], [CLS] and [MASK], added at load after
    # the added tokens: the pad's id depends on which tokens were kept.
    dpr = [
        ("dpr-fast-bert", "DPRContextEncoderTokenizerFast", {"model_type": "bert"}),
        ("dpr-fast-gpt2", "DPRReaderTokenizerFast", {"model_type": "gpt2"}),
        ("dpr-fast-config-class", None, {"model_type": "bert", "tokenizer_class": "DPRQuestionEncoderTokenizerFast"}),
        ("dpr-fast-no-config", "DPRContextEncoderTokenizerFast", None),
        ("dpr-fast-same-type", "DPRQuestionEncoderTokenizerFast", {"model_type": "dpr"}),
    ]
    bare = {f"w{i}": i for i in range(20)}
    for name, tokenizer_class, model_config in dpr:
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        (folder / "tokenizer.json").write_text(json.dumps(tokenizer_json(bare, [(20, "<sep>"), (21, "<e0>")]), indent=1) + "\n")
        config = {"added_tokens_decoder": {"20": added("[QUESTION]")}}
        if tokenizer_class:
            config["tokenizer_class"] = tokenizer_class
        (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=1) + "\n")
        if model_config:
            (folder / "config.json").write_text(json.dumps(model_config, indent=1) + "\n")
        tok = transformers.AutoTokenizer.from_pretrained(str(folder))
        record(expected, name, tok, {t: t for t in ["<sep>", "<e0>", "[QUESTION]", "[PAD]"]})
        expected["cases"][name]["class"] = type(tok).__name__
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


def raw_config_case(name, vocab, config_text, texts):
    """A case whose tokenizer_config.json is written as text: Python's json keeps the last of
    a key written twice, and int() makes "400" and "0400" one id."""
    folder = HERE / name
    folder.mkdir(exist_ok=True)
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer_json(vocab, []), indent=1) + "\n")
    (folder / "tokenizer_config.json").write_text(config_text)
    return folder, texts


def record(expected, name, tok, decoder):
    expected["cases"][name] = {
        "len": len(tok),
        "tokens": [tok.convert_ids_to_tokens(i) for i in range(len(tok))],
        "ids": {text: tok.convert_tokens_to_ids(text) for text in decoder.values()},
        "pad_id": tok.pad_token_id,
    }
    print(name, len(tok), expected["cases"][name]["ids"])


if __name__ == "__main__":
    main()

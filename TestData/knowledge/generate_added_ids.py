#!/usr/bin/env python3
"""Writes added-ids/: a tokenizer.json whose added_tokens state ids the tokenizers library does
not use (a token of the vocabulary under another id, a new token on an id the vocabulary holds,
a new token past a gap), and expected.json with what tokenizers makes of it: every id's token
(`id_to_token`) and each added content's id (`token_to_id`).

    pip install tokenizers      # made with tokenizers 0.23.x
    python3 TestData/knowledge/generate_added_ids.py
"""
import json
import pathlib

import tokenizers

HERE = pathlib.Path(__file__).with_name("added-ids")


def added(id_, content):
    return {"id": id_, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def main():
    HERE.mkdir(exist_ok=True)
    vocab = {"[PAD]": 0, "[UNK]": 1}
    for i in range(2, 20):
        vocab[f"w{i - 2}"] = i
    document = {
        "version": "1.0", "truncation": None, "padding": None,
        # "w9" is the vocabulary's id 11 (stated 12, "w10"'s); "<x>" is new (stated 12);
        # "<y>" is new (stated 40, past a gap); "[PAD]" as the vocabulary has it.
        "added_tokens": [added(0, "[PAD]"), added(12, "w9"), added(12, "<x>"), added(40, "<y>")],
        "normalizer": None, "pre_tokenizer": None, "post_processor": None, "decoder": None,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }
    text = json.dumps(document, indent=1) + "\n"
    (HERE / "tokenizer.json").write_text(text)
    tokenizer = tokenizers.Tokenizer.from_str(text)
    size = tokenizer.get_vocab_size(with_added_tokens=True)
    expected = {
        "tokenizers_version": tokenizers.__version__,
        "how": "tokenizers.Tokenizer.from_file: id_to_token(id) for every id, token_to_id(content) for each added token",
        "tokens": [tokenizer.id_to_token(i) for i in range(size)],
        "added_ids": {t["content"]: tokenizer.token_to_id(t["content"]) for t in document["added_tokens"]},
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(expected["added_ids"], size)


if __name__ == "__main__":
    main()

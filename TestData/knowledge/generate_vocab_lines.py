#!/usr/bin/env python3
"""Writes vocab-lines/: a vocab.txt whose lines end and pad every way (\\n, \\r\\n, a lone \\r
inside a line, trailing tabs, spaces, U+00A0 and U+3000, a line of spaces, leading spaces),
and expected.json with the tokens transformers' AutoTokenizer reads from it, by id.

    pip install transformers      # made with transformers 5.25.0, tokenizers 0.23.x
    python3 TestData/knowledge/generate_vocab_lines.py
"""
import json
import pathlib

import tokenizers
import transformers
from transformers import AutoTokenizer

HERE = pathlib.Path(__file__).with_name("vocab-lines")
LINES = b"[PAD]\n[UNK]\nw1 \t\nw2\rw3\n   \n\xc2\xa0w4\xc2\xa0\nw5\xe3\x80\x80\n w9 \nw6\r\n[CLS]\n[SEP]\n[MASK]\n"


def main():
    HERE.mkdir(exist_ok=True)
    (HERE / "vocab.txt").write_bytes(LINES)
    (HERE / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "BertTokenizer", "do_lower_case": True}) + "\n")
    tokenizer = AutoTokenizer.from_pretrained(str(HERE))
    vocab = tokenizer.get_vocab()
    tokens = [tokenizer.convert_ids_to_tokens(i) for i in range(len(vocab))]
    document = {"transformers_version": transformers.__version__, "tokenizers_version": tokenizers.__version__,
                "how": "AutoTokenizer.from_pretrained(folder).convert_ids_to_tokens(id) for every id",
                "tokens": tokens}
    (HERE / "expected.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    print(tokens)


if __name__ == "__main__":
    main()

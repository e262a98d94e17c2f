#!/usr/bin/env python3
"""Writes class-special-ids/: tokenizer folders whose vocabulary lacks special tokens that the
settings or the tokenizer class itself name, and expected.json with the ids transformers'
AutoTokenizer gives them when it adds them at load (len(tok), pad_token_id, and the id of every
special token). The order is the roles' (bos, eos, unk, sep, pad, cls, mask), each text once,
then the additional ones; a class's own tokens fill the roles no file states
(generate_tokenizer_class_roles.py measures them per class; hunt-62b N2, L8 of hunt-62a).

    pip install transformers     # made with transformers 5.25
    python3 TestData/knowledge/generate_class_special_ids.py
"""
import json
import pathlib
import unicodedata

import transformers

HERE = pathlib.Path(__file__).with_name("class-special-ids")
WORDS = [f"w{i}" for i in range(20)]


def tokenizer_json(kind, vocab):
    if kind == "Unigram":
        model = {"type": "Unigram", "unk_id": 0, "vocab": [[text, -1.0] for text in vocab], "byte_fallback": False}
    elif kind == "WordPiece":
        model = {"type": "WordPiece", "vocab": {t: i for i, t in enumerate(vocab)}, "unk_token": vocab[0],
                 "continuing_subword_prefix": "##", "max_input_chars_per_word": 100}
    else:
        model = {"type": "BPE", "vocab": {t: i for i, t in enumerate(vocab)}, "merges": [], "unk_token": vocab[0], "dropout": None,
                 "continuing_subword_prefix": None, "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False}
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
            "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None, "decoder": None, "model": model}


CASES = {
    # BertTokenizer's own "[SEP]" (no file states sep_token) comes before the stated pad: 20, 21;
    # its own "[CLS]", "[MASK]" after: 22, 23.
    "bert-own-sep": ("BertTokenizer", "WordPiece", ["[UNK]"] + WORDS[1:], {"pad_token": "<pad>", "unk_token": "[UNK]"}),
    # LlamaTokenizer's own "<s>", "</s>" come first, then the stated pad.
    "llama-own-bos-eos": ("LlamaTokenizer", "BPE", ["<unk>"] + WORDS[1:], {"pad_token": "<pad>"}),
    # GPT2Tokenizer's own "<|endoftext|>" is bos, eos and unk: one token, then the pad.
    "gpt2-own-endoftext": ("GPT2Tokenizer", "BPE", WORDS, {"pad_token": "<pad>"}),
    # Qwen2Tokenizer's own pad is its own eos "<|endoftext|>": one token, the pad id.
    "qwen2-own-pad": ("Qwen2Tokenizer", "BPE", WORDS, {}),
    # T5Tokenizer's own "</s>", "<unk>", "<pad>" and <extra_id_0..99> (hunt-62a L8).
    "t5-own-extra-ids": ("T5Tokenizer", "Unigram", WORDS, {}),
    # extra_ids sets the count.
    "t5-extra-ids-2": ("T5Tokenizer", "Unigram", WORDS, {"extra_ids": 2}),
    # Stated additional tokens replace T5's own.
    "t5-stated-additional": ("T5Tokenizer", "Unigram", WORDS, {"additional_special_tokens": ["<x>"]}),
    # SplinterTokenizer keeps its own "[QUESTION]" before the stated ones.
    "splinter-kept": ("SplinterTokenizer", "BPE", ["[UNK]"] + WORDS[1:], {"additional_special_tokens": ["<x>"]}),
    # A generic class has none of its own: only the stated ones.
    "backend-stated-only": ("TokenizersBackend", "BPE", WORDS, {"eos_token": "<eos>", "pad_token": "<pad>"}),
    # A null list in the config: T5Tokenizer adds none of its own (hunt-63d H2).
    "t5-null-additional": ("T5Tokenizer", "Unigram", WORDS, {"additional_special_tokens": None}),
    # A list in special_tokens_map.json only: T5Tokenizer adds its own after it (hunt-63d H4).
    "t5-map-additional": ("T5Tokenizer", "Unigram", WORDS, {}, {"additional_special_tokens": ["<x>"]}),
    # extra_ids -1 and true, as Python's range takes them: none and one (hunt-63d M2).
    "t5-extra-ids-negative": ("T5Tokenizer", "Unigram", WORDS, {"extra_ids": -1}),
    "t5-extra-ids-true": ("T5Tokenizer", "Unigram", WORDS, {"extra_ids": True}),
    # BertTokenizer's own pad "[PAD]" also stated as mask_token: added in the pad's slot, before
    # "[CLS]" (hunt-63d H3).
    "bert-mask-is-pad": ("BertTokenizer", "WordPiece", ["[UNK]"] + WORDS[1:], {"mask_token": "[PAD]"}),
    # An eos and a pad that are canonically equal but other code points: two tokens (hunt-62b N6).
    "canonical-twins": ("TokenizersBackend", "BPE", WORDS, {"eos_token": unicodedata.normalize("NFC", "<é>"),
                                                            "pad_token": unicodedata.normalize("NFD", "<é>")}),
}


def main():
    HERE.mkdir(exist_ok=True)
    expected = {"transformers_version": transformers.__version__,
                "how": "AutoTokenizer.from_pretrained(folder): len(tok), pad_token_id, [text, convert_tokens_to_ids(text)] of every special token, in id order "
                       "(a list: two texts may be canonically equal)",
                "cases": {}}
    for name, (cls, kind, vocab, settings, *special_map) in CASES.items():
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        (folder / "tokenizer.json").write_text(json.dumps(tokenizer_json(kind, vocab), indent=1) + "\n")
        (folder / "tokenizer_config.json").write_text(json.dumps(dict({"tokenizer_class": cls}, **settings), indent=1) + "\n")
        if special_map:
            (folder / "special_tokens_map.json").write_text(json.dumps(special_map[0], indent=1) + "\n")
        tok = transformers.AutoTokenizer.from_pretrained(str(folder))
        specials = sorted({str(t) for t in tok.all_special_tokens}, key=tok.convert_tokens_to_ids)
        expected["cases"][name] = {"len": len(tok), "pad_token_id": tok.pad_token_id,
                                   "ids": [[text, tok.convert_tokens_to_ids(text)] for text in specials]}
        print(name, len(tok), tok.pad_token_id, expected["cases"][name]["ids"][:6])
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes small model folders that follow the real tokenizer/config conventions of other
families, built with the reference libraries, plus expected.json per folder holding the
libraries' answers (never tensoraudit's):

- gpt2-bytelevel/: byte-level BPE tokenizer.json trained by `tokenizers` (256 byte tokens in
  GPT-2's byte-to-unicode alphabet), `<|endoftext|>` and reserved special tokens, a GPT-2
  config.json (no pad token, as GPT-2 has none).
- llama-bytefallback/: Llama-style BPE with `byte_fallback` and `<0x00>`..`<0xFF>` tokens, a
  config.json without `tie_word_embeddings` (LlamaConfig defaults it to false) and a
  tokenizer_config.json whose `pad_token` is an AddedToken object.
- pad-precedence/: the same vocabulary with pad tokens named in different files, and the one
  transformers' AutoTokenizer picks.
- ../byte-level-alphabet.json: transformers' bytes_to_unicode (byte -> code point).
- model2vec-static/: a model2vec-style static embedding folder: model.safetensors with
  `embeddings` [rows, dim], `mapping` [vocab] (token id -> row) and `weights` [vocab], a
  WordPiece tokenizer.json with a padding section, and model2vec's config.json (`normalize`).

Needs: pip install tokenizers transformers safetensors numpy. Fixed seeds; no timestamps.
"""
import json
import pathlib

import numpy as np
import tokenizers
import transformers
from safetensors.numpy import save_file
from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import AutoConfig, AutoTokenizer
from transformers.convert_slow_tokenizer import bytes_to_unicode

HERE = pathlib.Path(__file__).parent / "families"
CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "pack my box with five dozen liquor jugs",
    "tokenizers split text into pieces, and the pieces into ids",
    "naïve café déjà vu — 東京 🙂",
] * 4
# Bytes that never occur in well-formed UTF-8 (RFC 3629): C0, C1 and F5..FF.
INVALID_UTF8_BYTES = [0xC0, 0xC1] + list(range(0xF5, 0x100))


def write_json(path: pathlib.Path, value) -> None:
    path.write_text(json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def versions() -> dict:
    return {"tokenizers_version": tokenizers.__version__, "transformers_version": transformers.__version__}


def gpt2_bytelevel() -> None:
    folder = HERE / "gpt2-bytelevel"
    folder.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=320, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=["<|endoftext|>"], show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    tok.add_special_tokens([AddedToken(f"<|reserved_special_token_{i}|>", special=True) for i in range(3)])
    tok.add_tokens([AddedToken("quick brown", special=False)])
    tok.save(str(folder / "tokenizer.json"))
    write_json(folder / "config.json", {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": tok.get_vocab_size(),
        "n_embd": 8, "n_layer": 1, "n_head": 2, "bos_token_id": tok.token_to_id("<|endoftext|>"),
        "eos_token_id": tok.token_to_id("<|endoftext|>"),
    })
    write_json(folder / "tokenizer_config.json", {
        "tokenizer_class": "GPT2Tokenizer", "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>", "model_max_length": 1024,
    })

    char_to_byte = {c: b for b, c in bytes_to_unicode().items()}
    vocab = tok.get_vocab(with_added_tokens=False)
    invalid = {}
    for token, token_id in vocab.items():
        if token == "<|endoftext|>":
            continue
        raw = [char_to_byte[c] for c in token]
        bad = [b for b in raw if b in INVALID_UTF8_BYTES]
        if bad:
            invalid[token_id] = bad[0]
    auto = AutoTokenizer.from_pretrained(str(folder))
    config = AutoConfig.from_pretrained(str(folder))
    write_json(folder / "expected.json", versions() | {
        "vocab_size": tok.get_vocab_size(with_added_tokens=True),
        "single_byte_token_ids": {f"{b:02X}": tok.token_to_id(bytes_to_unicode()[b]) for b in INVALID_UTF8_BYTES},
        "invalid_utf8_token_ids": sorted(invalid),
        "reserved_ids": [tok.token_to_id(f"<|reserved_special_token_{i}|>") for i in range(3)],
        "endoftext_id": tok.token_to_id("<|endoftext|>"),
        "added_non_special_id": tok.token_to_id("quick brown"),
        "pad_token": auto.pad_token,
        "pad_token_id": auto.pad_token_id,
        "config_pad_token_id": config.pad_token_id,
        "tie_word_embeddings": bool(config.tie_word_embeddings),
    })


def llama_bytefallback() -> None:
    folder = HERE / "llama-bytefallback"
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    pieces = ["▁"] + [chr(c) for c in range(ord("a"), ord("z") + 1)] + [",", "."]
    merges = []
    for left, right in [("▁", "t"), ("h", "e"), ("▁t", "he"), ("▁", "a"), ("i", "n"), ("▁", "d"), ("▁d", "o"), ("▁do", "g")]:
        merges.append((left, right))
        pieces.append(left + right)
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(" ", 1, 0)])
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in ["<unk>", "<s>", "</s>"]])
    tok.save(str(folder / "tokenizer.json"))

    def added(content):
        return {"content": content, "lstrip": False, "normalized": False, "rstrip": False,
                "single_word": False, "special": True}

    write_json(folder / "tokenizer_config.json", {
        "add_bos_token": True, "add_eos_token": False,
        "added_tokens_decoder": {str(vocab[t]): added(t) for t in ["<unk>", "<s>", "</s>"]},
        "bos_token": {"__type": "AddedToken"} | added("<s>"),
        "eos_token": "</s>",
        "pad_token": {"__type": "AddedToken"} | added("<unk>"),
        "unk_token": "<unk>",
        "tokenizer_class": "LlamaTokenizerFast",
        "model_max_length": 4096,
    })
    write_json(folder / "special_tokens_map.json", {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                                                    "pad_token": "<unk>"})
    write_json(folder / "config.json", {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 8,
        "intermediate_size": 16, "num_attention_heads": 2, "num_hidden_layers": 1, "num_key_value_heads": 2,
        "vocab_size": len(vocab), "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float16",
    })
    auto = AutoTokenizer.from_pretrained(str(folder))
    config = AutoConfig.from_pretrained(str(folder))
    invalid_fallback = [vocab[f"<0x{b:02X}>"] for b in INVALID_UTF8_BYTES]
    duplicate_ascii = [vocab[f"<0x{b:02X}>"] for b in range(128) if chr(b) in vocab]
    write_json(folder / "expected.json", versions() | {
        "vocab_size": tok.get_vocab_size(with_added_tokens=True),
        "pad_token": auto.pad_token,
        "pad_token_id": auto.pad_token_id,
        "config_pad_token_id": config.pad_token_id,
        "tie_word_embeddings": bool(config.tie_word_embeddings),
        "invalid_utf8_fallback_ids": invalid_fallback,
        "duplicate_ascii_fallback_ids": duplicate_ascii,
        "byte_fallback": True,
    })


def model2vec_static() -> None:
    folder = HERE / "model2vec-static"
    folder.mkdir(parents=True, exist_ok=True)
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "quick", "brown", "fox", "jumps", "over",
             "lazy", "dog", "##s", "##ed", "pack", "box", "with", "five", "dozen"]
    vocab = {w: i for i, w in enumerate(words)}
    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.add_special_tokens([AddedToken(w, special=True) for w in words[:5]])
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    tok.save(str(folder / "tokenizer.json"))

    rng = np.random.default_rng(20240517)
    rows, dim = 12, 8
    embeddings = rng.standard_normal((rows, dim)).astype(np.float32)
    # Quantised vocabulary: several tokens share a row; the pad token (id 0) does not use row 0.
    mapping = rng.integers(0, rows, size=len(words)).astype(np.int64)
    mapping[0] = 7
    weights = rng.uniform(0.5, 1.5, size=len(words)).astype(np.float32)
    save_file({"embeddings": embeddings, "mapping": mapping, "weights": weights}, str(folder / "model.safetensors"))
    write_json(folder / "config.json", {
        "model_type": "model2vec", "architectures": ["StaticModel"], "tokenizer_name": "fixture",
        "apply_pca": dim, "apply_zipf": True, "hidden_dim": dim, "seq_length": 1000000,
        "normalize": True, "embedding_dtype": "float32",
    })
    pad_id = tok.padding["pad_id"]
    pad_row = int(mapping[pad_id])
    write_json(folder / "expected.json", versions() | {
        "vocab_size": tok.get_vocab_size(with_added_tokens=True),
        "pad_id": pad_id,
        "pad_token": tok.padding["pad_token"],
        "pad_row_index": pad_row,
        "pad_weight": float(weights[pad_id]),
        "pad_row_norm": float(np.linalg.norm(embeddings[pad_row].astype(np.float64))),
        "embeddings_shape": [rows, dim],
        "tensors": tensor_list(folder / "model.safetensors"),
    })


def tensor_list(path: pathlib.Path) -> list:
    """Name, shape and dtype of every tensor, as the reference safetensors reader reports them."""
    from safetensors import safe_open

    out = []
    with safe_open(str(path), framework="numpy") as f:
        for name in sorted(f.keys()):
            view = f.get_slice(name)
            out.append({"name": name, "shape": list(view.get_shape()), "dtype": view.get_dtype()})
    return out


def byte_level_alphabet() -> None:
    """transformers' own bytes_to_unicode map, byte (decimal string) -> code point."""
    write_json(HERE.parent / "byte-level-alphabet.json", versions() | {
        "code_points": {str(b): ord(c) for b, c in sorted(bytes_to_unicode().items())},
    })


def added_tokens_decoder(tokenizer_json: dict) -> dict:
    """tokenizer.json's added tokens in tokenizer_config.json's `added_tokens_decoder` form (id -> entry)."""
    return {str(t["id"]): {k: t[k] for k in ("content", "lstrip", "normalized", "rstrip", "single_word", "special")}
            for t in tokenizer_json["added_tokens"]}


def pad_precedence() -> None:
    """Folders where tokenizer_config.json, special_tokens_map.json and the tokenizer.json padding
    section name different pad tokens; expected.json records which one transformers uses."""
    source = json.loads((HERE / "llama-bytefallback" / "tokenizer.json").read_text())
    cases = {
        "config-vs-map": ({"pad_token": "<s>"}, {"pad_token": "</s>"}, None),
        "padding-only": ({}, None, ("</s>", 2)),
        "config-vs-padding": ({"pad_token": "<s>"}, None, ("</s>", 2)),
        # A config with added_tokens_decoder (as transformers 5 saves one): special_tokens_map.json is not read.
        "decoder-ignores-map": ({"pad_token": "<s>", "added_tokens_decoder": added_tokens_decoder(source)},
                                {"pad_token": "</s>"}, None),
    }
    answers = {}
    for name, (config, special_map, padding) in cases.items():
        folder = HERE / "pad-precedence" / name
        folder.mkdir(parents=True, exist_ok=True)
        document = dict(source)
        if padding:
            document["padding"] = {"strategy": "BatchLongest", "direction": "Right", "pad_to_multiple_of": None,
                                   "pad_id": padding[1], "pad_type_id": 0, "pad_token": padding[0]}
        (folder / "tokenizer.json").write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        write_json(folder / "tokenizer_config.json", {"tokenizer_class": "LlamaTokenizerFast"} | config)
        if special_map is not None:
            write_json(folder / "special_tokens_map.json", special_map)
        auto = AutoTokenizer.from_pretrained(str(folder))
        answers[name] = {"pad_token": auto.pad_token, "pad_token_id": auto.pad_token_id}
    write_json(HERE / "pad-precedence" / "expected.json", versions() | {"cases": answers})


if __name__ == "__main__":
    byte_level_alphabet()
    gpt2_bytelevel()
    llama_bytefallback()
    model2vec_static()
    pad_precedence()
    print("wrote", HERE)

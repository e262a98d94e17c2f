#!/usr/bin/env python3
"""Writes vocabularies that hold canonically equivalent spellings as different tokens, as real
ones do, and expected.json with the reference libraries' answers (never tensoraudit's).

Why: Swift's `String ==` and `String` hashing follow Unicode canonical equivalence, so
"য়" (U+09DF) and "য়" (U+09AF U+09BC) are one dictionary key. Tokenizers compare code points
(Python `str`, Rust `String`, llama.cpp's byte strings), and the real Gemma 3 vocabulary (262,144
tokens, from its GGUF file) holds 434 such pairs as different ids: tensoraudit once called 434
ordinary Gemma tokens "shadowed" (known unused), and a tokenizer.json with such a pair was refused
as listing a token twice.

Run from the repository root: `python3 TestData/canonical-tokens/generate.py`
(gguf 0.19.0, tokenizers 0.23.3, numpy). Fixed seed: a rerun gives the same bytes.

- `canonical.gguf` (gguf-py): `tokenizer.ggml.tokens` = TOKENS below (pad 0, eos 1, bos 2, unk 3,
  token_type CONTROL for those four, NORMAL for the rest), `token_embd.weight` F32 [len, 8], no
  output.weight.
- `tokenizer/tokenizer.json` (tokenizers): a BPE model whose vocab is TOKENS, id = position.
- `canonical-names.gguf` (gguf-py): metadata keys `general.café` spelled precomposed and with a
  combining accent, and tensors `café.weight` spelled both ways: gguf-py reads both keys and both
  tensors (its duplicate checks compare code points), so they are not duplicates.
- `expected.json`: the tokens (as code points, so no JSON reader can fold them), gguf-py's token
  list read back, and tokenizers' `token_to_id` of every token; `distinct_texts` is the number of
  different code-point strings (= every token) and `canonical_classes` the number of NFD classes.
"""
import json
import os
import unicodedata

import numpy as np
from gguf import GGUFReader, GGUFWriter
from tokenizers import Tokenizer, models

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENS = [
    "<pad>", "<eos>", "<bos>", "<unk>",
    "\u09DF", "\u09AF\u09BC",              # Bengali YYA: precomposed / YA + NUKTA (both in Gemma 3)
    "\u095C", "\u0921\u093C",              # Devanagari DDDHA / DDA + NUKTA (both in Gemma 3)
    "caf\u00E9", "cafe\u0301",             # é precomposed / e + combining acute
    "\u00C5", "\u212B", "A\u030A",         # Å: LATIN CAPITAL A WITH RING, ANGSTROM SIGN, A + ring
    "\u1E69", "s\u0323\u0307", "s\u0307\u0323",  # ṩ: one code point and two orders of the marks
    "the", "a",
]
HIDDEN = 8


def main():
    rng = np.random.default_rng(7)
    emb = (rng.standard_normal((len(TOKENS), HIDDEN)) * 0.05).astype(np.float32)
    path = os.path.join(HERE, "canonical.gguf")
    w = GGUFWriter(path, "llama")
    w.add_tokenizer_model("llama")
    w.add_token_list(TOKENS)
    w.add_token_types([3, 3, 3, 3] + [1] * (len(TOKENS) - 4))
    w.add_pad_token_id(0)
    w.add_eos_token_id(1)
    w.add_bos_token_id(2)
    w.add_unk_token_id(3)
    w.add_tensor("token_embd.weight", emb)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    read_back = GGUFReader(path).fields["tokenizer.ggml.tokens"].contents()

    names_path = os.path.join(HERE, "canonical-names.gguf")
    w = GGUFWriter(names_path, "llama")
    w.add_uint32("general.caf\u00E9", 1)
    w.add_uint32("general.cafe\u0301", 2)
    w.add_tensor("caf\u00E9.weight", np.ones((2, 4), np.float32))
    w.add_tensor("cafe\u0301.weight", np.zeros((2, 4), np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    names_reader = GGUFReader(names_path)

    folder = os.path.join(HERE, "tokenizer")
    os.makedirs(folder, exist_ok=True)
    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(TOKENS)}, merges=[], unk_token="<unk>"))
    tok.save(os.path.join(folder, "tokenizer.json"))
    loaded = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))

    def scalars(text):
        return [ord(c) for c in text]

    expected = {
        "tokens": [scalars(t) for t in TOKENS],
        "gguf_tokens": [scalars(t) for t in read_back],
        "token_to_id": [loaded.token_to_id(t) for t in TOKENS],
        "vocab_size": loaded.get_vocab_size(with_added_tokens=True),
        "distinct_texts": len(set(TOKENS)),
        "canonical_classes": len({unicodedata.normalize("NFD", t) for t in TOKENS}),
        "row_norms": [float(v) for v in np.linalg.norm(emb.astype(np.float64), axis=1)],
        "names_tensors": [scalars(t.name) for t in names_reader.tensors],
        "names_keys": [scalars(k) for k in names_reader.fields if k.startswith("general.caf")],
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes GGUF files whose special tokens are known only by `tokenizer.ggml.bos_token_id`,
`eos_token_id` and `unknown_token_id` (no `token_type` array, as some converters write), and
`expected.json`.

Run from the repository root: `python3 TestData/gguf-tokens/generate.py` (gguf 0.19.0, numpy).
Fixed seed: a rerun gives the same bytes.

Each file's `special` in expected.json is read back with gguf-py: token_type CONTROL/UNKNOWN and
every integer role id inside the token list, `padding_token_id` included (`pad_token`, as
tokenizer_config.json names it).

- `bos-eos.gguf`: 64 tokens `tok0`…`tok63`, unk 0, bos 1, eos 2, pad 3, no token_type;
  `token_embd.weight` [64, 32] whose rows 1, 2, 10 and 11 are scaled by 0.01 (norms far below
  the median: untrained-token candidates). Expected by construction: rows 1 and 2 are special
  (bos, eos), 10 and 11 ordinary; numpy gives the row norms.
- `bos-beyond.gguf`: the same with bos_token_id 99 (past the 64 tokens): not a token, noted.
- `byte-typed.gguf`: tokenizer model `gemma4` (not `llama`) whose `<0x00>`..`<0xFF>` tokens are
  marked BYTE (token_type 6), plus "a", "b", " ", "!": the known-unused byte tokens (13 for
  bytes never in UTF-8, 4 for ASCII characters held as tokens) are computed here by the rule.
- `ids-unusable.gguf`: 8 tokens whose bos id is the string "1", eos id a u64 2^64-1 (no signed
  64-bit id), unknown id a float32 0.0 and padding id a bool: each noted with its value, none used.
- `invalid-utf8.gguf`: 8 tokens stored as raw bytes, four of them not valid UTF-8 (0xFF, 0xFE,
  0xC3, 0xE4 0xB8: distinct byte strings, as RWKV's vocabulary stores partial characters), a
  valid U+FFFD token and "ok" twice. Known unused by the shadowing rule, decided on the bytes
  gguf-py reads back as llama.cpp's token_to_id does (the last id of a text wins): only the
  first "ok". The
  reader shows invalid tokens with U+FFFD, so comparing shown texts would call 0xFE, 0xC3,
  0xE4 0xB8 and the real U+FFFD token copies of 0xFF.
"""
import json
import os

import numpy as np
from gguf import GGUFValueType as V, GGUFWriter

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB, HIDDEN = 64, 32
LOW = [1, 2, 10, 11]


def write(name, bos):
    rng = np.random.default_rng(31)
    emb = (rng.standard_normal((VOCAB, HIDDEN)) * 0.05).astype(np.float32)
    emb[LOW] *= 0.01
    w = GGUFWriter(os.path.join(HERE, name), "llama")
    w.add_tokenizer_model("llama")
    w.add_token_list([f"tok{i}" for i in range(VOCAB)])
    w.add_unk_token_id(0)
    w.add_bos_token_id(bos)
    w.add_eos_token_id(2)
    w.add_pad_token_id(3)
    w.add_tensor("token_embd.weight", emb)
    w.add_tensor("output.weight", (rng.standard_normal((VOCAB, HIDDEN)) * 0.05).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return emb


def write_eight_tokens(name, keys):
    """A token list of 8, `keys` ((key, value, type) metadata), a [8, 4] token_embd."""
    w = GGUFWriter(os.path.join(HERE, name), "llama")
    w.add_tokenizer_model("llama")
    w.add_token_list([f"tok{i}" for i in range(8)])
    for key, value, vtype in keys:
        w.add_key_value(key, value, vtype)
    w.add_tensor("token_embd.weight", np.ones((8, 4), np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_pad_outside(name, pad):
    """A padding_token_id (an INT32) that names none of the 8 tokens."""
    write_eight_tokens(name, [("tokenizer.ggml.padding_token_id", pad, V.INT32)])


def write_unusable(name):
    write_eight_tokens(name, [("tokenizer.ggml.bos_token_id", "1", V.STRING),
                              ("tokenizer.ggml.eos_token_id", 2**64 - 1, V.UINT64),
                              ("tokenizer.ggml.unknown_token_id", 0.0, V.FLOAT32),
                              ("tokenizer.ggml.padding_token_id", True, V.BOOL)])


def write_byte_typed(name):
    """Byte-fallback tokens marked only by token_type BYTE (6), under a tokenizer model other
    than `llama` (the real ggml-vocab-gemma-4.gguf says `gemma4`). Returns the ids known unused
    by the README's rules: `<0xNN>` for a byte never in UTF-8, or for an ASCII character the
    vocabulary holds as its own token."""
    tokens = ["<pad>", "<eos>", "<bos>", "<unk>"] + [f"<0x{b:02X}>" for b in range(256)] + ["a", "b", " ", "!", "the", "▁a"]
    types = [3, 3, 3, 3] + [6] * 256 + [1] * 6
    w = GGUFWriter(os.path.join(HERE, name), "gemma4")
    w.add_tokenizer_model("gemma4")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_pad_token_id(0)
    w.add_eos_token_id(1)
    w.add_bos_token_id(2)
    w.add_unk_token_id(3)
    rng = np.random.default_rng(5)
    w.add_tensor("token_embd.weight", (rng.standard_normal((len(tokens), 8)) * 0.05).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    never = {0xC0, 0xC1} | set(range(0xF5, 0x100))
    return [4 + b for b in range(256) if b in never or (b < 0x80 and chr(b) in tokens)]


def write_invalid_utf8(name):
    """Returns {later id: first id} for tokens whose bytes (as gguf-py reads them) repeat."""
    from gguf import GGUFReader
    tokens = [b"\xff", b"\xfe", b"ok", b"\xc3", "\ufffd".encode(), b"\xe4\xb8", b"ok", b"end"]
    w = GGUFWriter(os.path.join(HERE, name), "llama")
    w.add_tokenizer_model("llama")
    w.add_array("tokenizer.ggml.tokens", tokens)
    w.add_tensor("token_embd.weight", np.ones((len(tokens), 4), np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    field = GGUFReader(os.path.join(HERE, name)).fields["tokenizer.ggml.tokens"]
    read = [bytes(field.parts[i]) for i in field.data]
    assert read == tokens
    # llama.cpp's loop (llama-vocab.cpp): token_to_id[word] = i, empty words renamed; the
    # ids whose word maps to another id are the ones text never produces.
    token_to_id = {}
    for i, t in enumerate(read):
        token_to_id[t or f"[EMPTY_{i}]".encode()] = i
    return {str(i): token_to_id[t] for i, t in enumerate(read) if t and token_to_id[t] != i}


# The id keys gguf-py writes (`Keys.Tokenizer`), each with the role tokenizer_config.json gives
# its token, in the order the audit lists roles (padding last).
ROLE_KEYS = [("tokenizer.ggml.bos_token_id", "bos_token"), ("tokenizer.ggml.eos_token_id", "eos_token"),
             ("tokenizer.ggml.unknown_token_id", "unk_token"), ("tokenizer.ggml.seperator_token_id", "sep_token"),
             ("tokenizer.ggml.cls_token_id", "cls_token"), ("tokenizer.ggml.mask_token_id", "mask_token"),
             ("tokenizer.ggml.padding_token_id", "pad_token")]
INTEGER_TYPES = {V.UINT8, V.INT8, V.UINT16, V.INT16, V.UINT32, V.INT32, V.UINT64, V.INT64}


def special_roles(name):
    """{id: roles} as gguf-py reads the file back: token_type CONTROL (3) is "control",
    UNKNOWN (2) "unk_token", then each integer role id inside the token list (padding too)."""
    from gguf import GGUFReader
    reader = GGUFReader(os.path.join(HERE, name))
    count = len(reader.fields["tokenizer.ggml.tokens"].data)
    roles = {}
    types = reader.fields.get("tokenizer.ggml.token_type")
    for i, t in enumerate([int(types.parts[j][0]) for j in types.data] if types else []):
        if t == 3:
            roles.setdefault(str(i), []).append("control")
        if t == 2:
            roles.setdefault(str(i), []).append("unk_token")
    for key, role in ROLE_KEYS:
        field = reader.fields.get(key)
        if field is None or field.types[0] not in INTEGER_TYPES:
            continue
        value = int(field.parts[field.data[0]][0])
        if 0 <= value < count and role not in roles.get(str(value), []):
            roles.setdefault(str(value), []).append(role)
    return roles


def main():
    shadowed = write_invalid_utf8("invalid-utf8.gguf")
    write_unusable("ids-unusable.gguf")
    byte_unused = write_byte_typed("byte-typed.gguf")
    write_pad_outside("pad-negative.gguf", -1)
    write_pad_outside("pad-beyond.gguf", 1000)
    emb = write("bos-eos.gguf", 1)
    write("bos-beyond.gguf", 99)
    norms = np.linalg.norm(emb.astype(np.float64), axis=1)
    expected = {
        "bos-eos.gguf": {"special": special_roles("bos-eos.gguf"),
                         "low_rows": LOW, "low_special": [1, 2], "low_ordinary": [10, 11],
                         "row_norms": [float(v) for v in norms]},
        "bos-beyond.gguf": {"special": special_roles("bos-beyond.gguf"), "low_special": [2], "low_ordinary": [1, 10, 11]},
        "byte-typed.gguf": {"known_unused": byte_unused, "special": special_roles("byte-typed.gguf")},
        "invalid-utf8.gguf": {"shadowed": shadowed},
        "pad-negative.gguf": {"padding_token_id": -1, "tokens": 8},
        "pad-beyond.gguf": {"padding_token_id": 1000, "tokens": 8},
        "ids-unusable.gguf": {"special": special_roles("ids-unusable.gguf"), "noted": {"tokenizer.ggml.bos_token_id": "a string value",
                                                      "tokenizer.ggml.eos_token_id": str(2**64 - 1),
                                                      "tokenizer.ggml.unknown_token_id": "a float32 value",
                                                      "tokenizer.ggml.padding_token_id": "a bool value"}},
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

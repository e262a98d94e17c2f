#!/usr/bin/env python3
"""Writes tokenizer-class-roles.json and Sources/ModelKnowledge/TokenizerClassRoles+Table.swift: for each
tokenizer class name a tokenizer_config.json may give (`tokenizer_class_names.py`), the special
tokens the class has of its own, which transformers' `AutoTokenizer.from_pretrained` uses for a
role no settings file states (BertTokenizer's "[SEP]", LlamaTokenizer's "<s>", GPT2Tokenizer's
"<|endoftext|>") and adds at load when the vocabulary lacks them, and the additional special
tokens it adds by default (T5Tokenizer's "<extra_id_0>" … "<extra_id_99>").

Why: such a token the vocabulary lacks takes the next free id, before a missing pad token when
its role comes first (bos, eos, unk, sep, then pad, cls, mask, then the additional ones). A
BertTokenizer folder whose vocabulary lacks "[SEP]" and states a pad "<pad>" it lacks too gives
"[SEP]" id 400 and "<pad>" 401; the reader placed the pad at 400 and called row 400 the pad's
(hunt-62b N2). The pad token itself is measured by generate_tokenizer_class_pads.py.

Measured: each class is loaded from a folder whose tokenizer.json (BPE, else WordPiece, else
WordLevel, else Unigram: the first the class loads) has a vocabulary of 20 plain words and no
added tokens, beside a tokenizer_config.json that names only the class; `special_tokens_map`
gives the roles' texts, and the ids past the vocabulary give the order. Measured twice, with
other words: a role whose text changes with the files, or a class whose added ids do not follow
the order above, is left out (the reader then adds no default for it).

Needs: pip install transformers. `TokenizerClassRolesTests` checks the Swift table against the JSON.
"""
import json
import os
import pathlib
import re
import tempfile
import warnings

import transformers
from transformers import AutoTokenizer

from tokenizer_class_names import config_class_names

HERE = pathlib.Path(__file__).parent
SWIFT = HERE.parent.parent / "Sources" / "ModelKnowledge" / "TokenizerClassRoles+Table.swift"
ORDER = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]
# The pad token is generate_tokenizer_class_pads.py's: its padding-section case needs its own measurement.
ROLES = [role for role in ORDER if role != "pad_token"]
COUNT = 20


def model(kind, vocab):
    unk = next(iter(vocab))
    if kind == "BPE":
        return {"type": "BPE", "vocab": vocab, "merges": [], "unk_token": unk, "dropout": None,
                "continuing_subword_prefix": None, "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False}
    if kind == "WordPiece":
        return {"type": "WordPiece", "vocab": vocab, "unk_token": unk, "continuing_subword_prefix": "##",
                "max_input_chars_per_word": 100}
    if kind == "Unigram":
        return {"type": "Unigram", "unk_id": 0, "vocab": [[text, -1.0] for text in vocab], "byte_fallback": False}
    return {"type": "WordLevel", "vocab": vocab, "unk_token": unk}


def measure(name, kind, prefix, settings=None, special_map=None):
    """(role → text, the texts added past the vocabulary in id order) for one folder."""
    vocab = {f"{prefix}{i}": i for i in range(COUNT)}
    folder = tempfile.mkdtemp()
    tokenizer = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
                 "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None, "decoder": None, "model": model(kind, vocab)}
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tokenizer, f)
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(dict({"tokenizer_class": name}, **(settings or {})), f)
    if special_map is not None:
        with open(os.path.join(folder, "special_tokens_map.json"), "w") as f:
            json.dump(special_map, f)
    tok = AutoTokenizer.from_pretrained(folder)
    stated = tok.special_tokens_map
    roles = {role: str(stated[role]) for role in ORDER if isinstance(stated.get(role), (str, transformers.AddedToken))}
    added = tok.convert_ids_to_tokens(list(range(COUNT, len(tok))))
    return roles, added


def follows_order(roles, added):
    """Whether the added texts are the roles' texts the vocabulary lacks, each once, in ORDER, then the others."""
    expected = []
    for role in ORDER:
        if role in roles and roles[role] not in expected:
            expected.append(roles[role])
    return added[:len(expected)] == expected and not set(added[len(expected):]) & set(expected)


def when_stated(added, default_added, extra, stated):
    """What the class's own additional tokens do when a settings file states
    `additional_special_tokens` (`stated`: ["<x>"], or null in tokenizer_config.json, measured as
    []): "replaced" (only the stated follow the roles' tokens), "kept" (the class's come first, then
    the stated), "keptAfterStated" (the stated first, then the class's), or "unknown" (anything else: the reader then adds none and says the ids are not
    known). Measured for tokenizer_config.json and special_tokens_map.json apart: T5Tokenizer
    replaces its <extra_id_N> by a list the config states and keeps them after one the map states
    (hunt-63d H4); a null list in the config adds none (hunt-63d H2)."""
    roles = [text for text in default_added if text not in extra]
    if added == roles + stated:
        return "replaced"
    if added == roles + extra + stated:
        return "kept"
    if added == roles + stated + extra:
        return "keptAfterStated"
    return "unknown"


def main():
    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    classes = {}
    for name in config_class_names():
        for kind in ["BPE", "WordPiece", "WordLevel", "Unigram"]:
            try:
                first, second = measure(name, kind, "w"), measure(name, kind, "v")
            except Exception:  # this class does not load such a folder
                continue
            if first != second or not follows_order(*first):
                print(f"{name}: left out ({kind}: roles {first[0]}, {len(first[1])} added)")
            else:
                roles, added = first
                extra = [text for text in added if text not in roles.values()]
                entry = {"roles": {role: roles[role] for role in ROLES if role in roles}, "additional": extra}
                if extra:
                    stated = {"additional_special_tokens": ["<x>"]}
                    entry["when_stated"] = when_stated(measure(name, kind, "w", stated)[1], added, extra, ["<x>"])
                    entry["when_stated_in_map"] = when_stated(measure(name, kind, "w", special_map=stated)[1], added, extra, ["<x>"])
                    entry["when_null"] = when_stated(measure(name, kind, "w", {"additional_special_tokens": None})[1], added, extra, [])
                classes[name] = entry
            break
    (HERE / "tokenizer-class-roles.json").write_text(json.dumps(
        {"transformers_version": transformers.__version__, "classes": classes,
         "how": "AutoTokenizer.from_pretrained of a folder with a 20-word tokenizer.json (BPE, else WordPiece, WordLevel, "
                "Unigram) and tokenizer_config.json {'tokenizer_class': NAME}: special_tokens_map's roles (not pad_token) and "
                "the texts added past the vocabulary that are no role's (additional); measured twice with other words; "
                "when_stated: what those do when the config states additional_special_tokens ['<x>']; when_stated_in_map: when "
                "special_tokens_map.json states it; when_null: when the config states it null (measured as an empty list)"},
        indent=1, sort_keys=True) + "\n")

    def literal(text):
        body = "".join("\\" + c if c in "\\\"" else f"\\u{{{ord(c):X}}}" if ord(c) < 0x20 else c for c in text)
        return f'"{body}"'

    def additional(texts):
        numbered = [f"<extra_id_{i}>" for i in range(len(texts))]
        if texts and texts == numbered:
            return f".numbered(prefix: \"<extra_id_\", suffix: \">\", count: {len(texts)})"
        return ".texts([" + ", ".join(literal(t) for t in texts) + "])"

    lines = [f"// Generated by TestData/knowledge/generate_tokenizer_class_roles.py from transformers {transformers.__version__}; do not edit.",
             "// `TokenizerClassRolesTests` checks it against TestData/knowledge/tokenizer-class-roles.json.",
             "",
             "extension TokenizerClassRoles {",
             "    /// Tokenizer class → its own special tokens (see `TokenizerClassRoles`); a class measured to",
             "    /// have none has an empty entry, a class not measured none.",
             "    static let measured: [String: TokenizerClassRoles] = ["]
    for name, value in sorted(classes.items()):
        roles = ", ".join(f"({literal(r)}, {literal(t)})" for r, t in value["roles"].items())
        own = (f", additional: {additional(value['additional'])}, whenStated: .{value['when_stated']}, "
               f"whenStatedInMap: .{value['when_stated_in_map']}, whenNull: .{value['when_null']}") if value["additional"] else ""
        lines.append(f"        {literal(name)}: .init(roles: [{roles}]{own}),")
    lines += ["    ]", "}", ""]
    SWIFT.write_text("\n".join(lines))
    print(f"{len(classes)} of {len(config_class_names())} tokenizer classes measured")


if __name__ == "__main__":
    main()

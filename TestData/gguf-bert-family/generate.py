#!/usr/bin/env python3
"""Tiny RoBERTa, XLM-RoBERTa and DistilBERT checkpoints and their GGUF conversions as llama.cpp's
converter writes them (architecture `bert`): the case of `diff model.safetensors model.gguf` for
the BERT family beyond BERT itself (hunt-53b D1).

usage (from the repository root; needs torch, transformers 5.25, numpy, safetensors, gguf 0.19.0):
    python3 TestData/gguf-bert-family/generate.py

The Hub side is transformers' own `save_pretrained` of a model built from a config (hidden size
8, one layer; every parameter redrawn from N(0, 1) with seed 0, so no tensor is all zeros or
ones). The GGUF side is written by gguf-py's `GGUFWriter` from those saved tensors, applying the
converter's transforms exactly as its source states them (llama.cpp as vendored by
llama-cpp-python 0.3.36, `conversion/bert.py`; the steps are `convert` below):
- `RobertaModel` / `XLMRobertaModel.filter_tensors`: a leading `roberta.` is stripped;
  `DistilBertModel.filter_tensors`: a leading `distilbert.` is stripped and every `vocab_*`
  tensor dropped ("These layers act as MLM head"); then `BertModel.filter_tensors`: a leading
  `bert.`, and `embeddings.position_ids`, `pooler.dense.*`, `cls.predictions*`,
  `cls.seq_relationship*` dropped;
- `RobertaModel` / `XLMRobertaModel.modify_tensors`: `embeddings.position_embeddings.weight` is
  stored from row `pad_token_id + 1` on ("position embeddings start at pad_token_id + 1");
- names from gguf-py's `get_tensor_name_map(MODEL_ARCH.BERT, n_blocks)` with suffixes
  `.weight`/`.bias`, as `ModelBase.map_tensor_name` does; values F32 (`--outtype f32`).
Why not the converter itself: it needs a tokenizer it recognises (a BPE one by its pre-tokenizer
hash, XLM-R's SentencePiece model), whose vocabulary would make the fixtures megabytes.

What it writes (a rerun gives the same bytes):
- `roberta/` (RobertaModel, pad_token_id 1, 12 positions) and `roberta.gguf` (10 positions; the
  pooler dropped);
- `roberta-changed.gguf`: the same with one value of `blk.0.attn_q.weight` raised by 0.5;
- `roberta-misaligned.gguf`: the position table cut at row 1 instead of 2 (and its last row
  left out, so its shape is the faithful one): rows that do not match at the offset;
- `xlmr-cls/` (XLMRobertaForSequenceClassification: names `roberta.…` as bge-reranker-v2-m3's,
  pad_token_id 2, so 3 rows are cut) and `xlmr-cls.gguf`;
- `distilbert-mlm/` (DistilBertForMaskedLM: names `distilbert.…` beside the `vocab_*` head) and
  `distilbert-mlm.gguf` (no row cut: DistilBERT's converter has none);
- `roberta-nopad/`: `roberta/` with `pad_token_id` removed from config.json. llama.cpp's
  converter reads its hparams as `AutoConfig.from_pretrained(dir).to_dict()`
  (`ModelBase.load_hparams`, conversion/base.py), which holds RobertaConfig's default
  pad_token_id (1 in transformers 5.25), so it cuts the same 2 rows: its conversion, by the
  steps below from those hparams, is checked to be `roberta.gguf`'s tensors exactly. Likewise
  `expected.json`'s `xlmr-nopad` records the hparams XLMRobertaConfig gives `xlmr-cls/`'s config
  without the key (pad_token_id 1, so 2 rows, where `xlmr-cls.gguf` cut 3);
- `expected.json`, from the files themselves (safetensors, gguf-py's reader and name map, numpy
  in float64; never tensoraudit): per case the Hub → GGUF name pairs, the tensors dropped, the
  position rows cut, and for the failing files the failing tensor's relative L2, max |a − b| and
  most different row (numbered as the Hub side's rows).
"""
import json
import os
import shutil

import numpy as np
import gguf
import torch
from safetensors.numpy import load_file
from transformers import (AutoConfig, DistilBertConfig, DistilBertForMaskedLM, RobertaConfig, RobertaModel, XLMRobertaConfig,
                          XLMRobertaForSequenceClassification)

HERE = os.path.dirname(os.path.abspath(__file__))
SMALL = dict(hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16, vocab_size=24)


def write_hub(name, model):
    """`save_pretrained` into HERE/name, keeping config.json (without the version stamp) and
    model.safetensors."""
    torch.manual_seed(0)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_()
    folder = os.path.join(HERE, name)
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder, safe_serialization=True)
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    config.pop("transformers_version", None)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    for extra in os.listdir(folder):
        if extra not in ("config.json", "model.safetensors"):
            os.remove(os.path.join(folder, extra))
    return folder, config


def convert(converter_class, hub_name, hub_tensors, config):
    """The converter's tensor steps for `converter_class` ("RobertaModel", "XLMRobertaModel",
    "DistilBertModel"), in its order: Hub name → (GGUF name, array), or None when dropped."""
    name = hub_name
    # <Class>.filter_tensors
    if converter_class in ("RobertaModel", "XLMRobertaModel") and name.startswith("roberta."):
        name = name[8:]
    if converter_class == "DistilBertModel":
        if name.startswith("distilbert."):
            name = name[11:]
        if name.startswith("vocab_"):
            return None
    # BertModel.filter_tensors
    if name.startswith("bert."):
        name = name[5:]
    if name.endswith(".gamma"):
        name = name[:-6] + ".weight"
    if name.endswith(".beta"):
        name = name[:-5] + ".bias"
    if name in ("embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias"):
        return None
    if name.startswith("cls.predictions") or name.startswith("cls.seq_relationship"):
        return None
    data = hub_tensors[hub_name]
    # RobertaModel / XLMRobertaModel.modify_tensors (_position_offset = 1 + pad_token_id)
    if converter_class in ("RobertaModel", "XLMRobertaModel") and name == "embeddings.position_embeddings.weight":
        if config.get("pad_token_id") is not None:
            data = data[1 + config["pad_token_id"]:, :]
    mapped = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, config.get("num_hidden_layers", config.get("n_layers")))
    new_name = mapped.get_name(name, try_suffixes=(".weight", ".bias"))
    if new_name is None:
        raise ValueError(f"Can not map tensor {name!r}")
    return new_name, np.ascontiguousarray(data, dtype=np.float32)


def write_gguf(path, tensors, config, position_rows):
    writer = gguf.GGUFWriter(path, "bert")
    writer.add_context_length(position_rows)
    writer.add_embedding_length(config.get("hidden_size", config.get("dim")))
    writer.add_block_count(config.get("num_hidden_layers", config.get("n_layers")))
    writer.add_head_count(config.get("num_attention_heads", config.get("n_heads")))
    writer.add_causal_attention(False)
    for name, array in tensors.items():
        writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def conversion(converter_class, folder, config):
    hub = load_file(os.path.join(folder, "model.safetensors"))
    pairs, dropped, tensors = {}, [], {}
    for name in sorted(hub):
        converted = convert(converter_class, name, hub, config)
        if converted is None:
            dropped.append(name)
            continue
        pairs[name] = converted[0]
        tensors[converted[0]] = converted[1]
    return hub, pairs, dropped, tensors


def difference(a, b):
    """float64 relative L2, max |a − b| and the row of largest L2 (ties: the first)."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    rows = np.linalg.norm((a - b).reshape(a.shape[0], -1), axis=1)
    return {"relative_l2": float(np.linalg.norm(a - b) / np.linalg.norm(a)), "max_abs_diff": float(np.max(np.abs(a - b))),
            "top_row": int(np.argmax(rows))}


def case(name, converter_class, model):
    folder, config = write_hub(name, model)
    hub, pairs, dropped, tensors = conversion(converter_class, folder, config)
    position = next(n for n in hub if n.endswith("embeddings.position_embeddings.weight"))
    cut = hub[position].shape[0] - tensors["position_embd.weight"].shape[0]
    path = os.path.join(HERE, name + ".gguf")
    write_gguf(path, tensors, config, tensors["position_embd.weight"].shape[0])
    # Read back with gguf-py's reader: the file, not the arrays, is what the tests hold.
    read = {t.name: np.asarray(t.data) for t in gguf.GGUFReader(path).tensors}
    assert all(np.array_equal(hub[h][cut:] if h == position else hub[h], read[g].reshape(tensors[g].shape)) for h, g in pairs.items())
    return config, hub, tensors, {"hub": name, "gguf": name + ".gguf", "converter_class": converter_class, "pairs": pairs,
                                  "dropped": dropped, "position": {"hub": position, "rows_cut": int(cut),
                                                                   "pad_token_id": config.get("pad_token_id")}}


def without_pad(name, converter_class, gguf_name):
    """`name`'s config.json without pad_token_id: the pad id in the converter's hparams
    (`AutoConfig.from_pretrained(dir).to_dict()`, as `ModelBase.load_hparams` reads them) and the
    rows it cuts. With `converter_class`, `name + "-nopad/"` is written and its conversion checked
    to be `gguf_name`'s tensors exactly."""
    with open(os.path.join(HERE, name, "config.json")) as f:
        config = json.load(f)
    config.pop("pad_token_id")
    folder = os.path.join(HERE, name + "-nopad")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    hparams = AutoConfig.from_pretrained(folder).to_dict()
    result = {"config_states_pad_token_id": False, "hparams_pad_token_id": hparams.get("pad_token_id"),
              "config_class": type(AutoConfig.from_pretrained(folder)).__name__,
              "rows_cut": None if hparams.get("pad_token_id") is None else 1 + hparams["pad_token_id"]}
    if converter_class is None:
        shutil.rmtree(folder)
        return result
    shutil.copyfile(os.path.join(HERE, name, "model.safetensors"), os.path.join(folder, "model.safetensors"))
    _, _, _, tensors = conversion(converter_class, folder, hparams)
    read = {t.name: np.asarray(t.data) for t in gguf.GGUFReader(os.path.join(HERE, gguf_name)).tensors}
    assert set(tensors) == set(read) and all(np.array_equal(tensors[n], read[n].reshape(tensors[n].shape)) for n in tensors)
    result.update({"hub": name + "-nopad", "gguf": gguf_name})
    return result


def main():
    expected = {}
    config, hub, tensors, expected["roberta"] = case(
        "roberta", "RobertaModel",
        RobertaModel(RobertaConfig(**SMALL, max_position_embeddings=12, pad_token_id=1, type_vocab_size=1)))
    position = expected["roberta"]["position"]["hub"]

    changed = dict(tensors)
    changed["blk.0.attn_q.weight"] = tensors["blk.0.attn_q.weight"].copy()
    changed["blk.0.attn_q.weight"][3, 5] += 0.5
    write_gguf(os.path.join(HERE, "roberta-changed.gguf"), changed, config, 10)
    read = {t.name: np.asarray(t.data) for t in gguf.GGUFReader(os.path.join(HERE, "roberta-changed.gguf")).tensors}
    expected["roberta-changed"] = {"gguf": "roberta-changed.gguf", "tensor": "encoder.layer.0.attention.self.query.weight",
                                   **difference(hub["encoder.layer.0.attention.self.query.weight"],
                                                read["blk.0.attn_q.weight"].reshape(8, 8))}

    misaligned = dict(tensors)
    misaligned["position_embd.weight"] = np.ascontiguousarray(hub[position][1:-1])
    write_gguf(os.path.join(HERE, "roberta-misaligned.gguf"), misaligned, config, 10)
    read = {t.name: np.asarray(t.data) for t in gguf.GGUFReader(os.path.join(HERE, "roberta-misaligned.gguf")).tensors}
    # Compared as the converter stores it: the Hub rows from pad_token_id + 1 = 2 on, numbered as the Hub's.
    found = difference(hub[position][2:], read["position_embd.weight"].reshape(10, 8))
    found["top_row"] += 2
    expected["roberta-misaligned"] = {"gguf": "roberta-misaligned.gguf", "tensor": position, **found}

    _, _, _, expected["xlmr-cls"] = case(
        "xlmr-cls", "XLMRobertaModel",
        XLMRobertaForSequenceClassification(XLMRobertaConfig(**SMALL, max_position_embeddings=12, pad_token_id=2,
                                                             type_vocab_size=1, num_labels=2)))
    _, _, _, expected["distilbert-mlm"] = case(
        "distilbert-mlm", "DistilBertModel",
        DistilBertForMaskedLM(DistilBertConfig(vocab_size=24, dim=8, n_layers=1, n_heads=2, hidden_dim=16,
                                               max_position_embeddings=12)))
    expected["roberta-nopad"], expected["xlmr-nopad"] = without_pad("roberta", "RobertaModel", "roberta.gguf"), without_pad("xlmr-cls", None, None)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


main()

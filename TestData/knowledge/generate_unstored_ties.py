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

Needs: pip install transformers torch safetensors; the zstd command. Run from anywhere; rewrites
unstored-ties/ and unstored-ties.json only.
"""
import json
import pathlib
import subprocess
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


# Built here (tiny, fixed seeds, save_pretrained), under unstored-ties/:
# - t5-stated-false/: T5ForConditionalGeneration built with tie_word_embeddings=False. T5Config
#   sets it to true whatever it is given, so save_pretrained stores no lm_head (and writes
#   true); config.json is then given the stated false of the Hub's T5 v1.1 configs, and
#   from_pretrained still ties lm_head to `shared`.
# - gpt2-sharded/: an untied GPT2LMHeadModel (lm_head different from wte) saved in shards of
#   1 KB, its config.json then stripped of tie_word_embeddings (GPT2Config's default is true):
#   from_pretrained of the folder keeps the stored head untied; `embedding_shard` names the
#   shard file that holds transformer.wte.weight and no head.
# - gpt2-shard-zst/: that shard alone, compressed by the `zstd` command (-19), beside the
#   config.json.
BUILT = ["knowledge/unstored-ties/t5-stated-false", "knowledge/unstored-ties/gpt2-sharded"]


def build():
    torch.manual_seed(0)
    folder = HERE / "unstored-ties" / "t5-stated-false"
    config = transformers.T5Config(vocab_size=32, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_decoder_layers=1,
                                   num_heads=2, tie_word_embeddings=False, pad_token_id=0, decoder_start_token_id=0)
    transformers.T5ForConditionalGeneration(config).save_pretrained(folder)
    # transformers 5.25 writes the true its T5Config holds; the Hub's T5 v1.1 configs state
    # false, as written here.
    text = json.loads((folder / "config.json").read_text())
    text["tie_word_embeddings"] = False
    (folder / "config.json").write_text(json.dumps(text, indent=2, sort_keys=True) + "\n")
    (folder / "generation_config.json").unlink(missing_ok=True)
    torch.manual_seed(1)
    folder = HERE / "unstored-ties" / "gpt2-sharded"
    config = transformers.GPT2Config(vocab_size=32, n_embd=8, n_layer=1, n_head=2, n_positions=16, tie_word_embeddings=False)
    model = transformers.GPT2LMHeadModel(config)
    with torch.no_grad():
        model.lm_head.weight.copy_(torch.randn_like(model.lm_head.weight))
    model.save_pretrained(folder, max_shard_size="1KB")
    text = json.loads((folder / "config.json").read_text())
    text.pop("tie_word_embeddings")
    (folder / "config.json").write_text(json.dumps(text, indent=2, sort_keys=True) + "\n")
    (folder / "generation_config.json").unlink(missing_ok=True)
    # The shard holding wte, compressed with the zstd command beside the config alone.
    index = json.loads((folder / "model.safetensors.index.json").read_text())["weight_map"]
    shard = index["transformer.wte.weight"]
    compressed = HERE / "unstored-ties" / "gpt2-shard-zst"
    compressed.mkdir(parents=True, exist_ok=True)
    (compressed / "config.json").write_text((folder / "config.json").read_text())
    subprocess.run(["zstd", "-q", "-f", "-19", str(folder / shard), "-o", str(compressed / (shard + ".zst"))], check=True)


def model_class(config):
    names = config.get("architectures") or []
    if names and hasattr(transformers, names[0]):
        return getattr(transformers, names[0])
    for auto in (transformers.AutoModelForCausalLM, transformers.AutoModelForMaskedLM):
        if type(transformers.AutoConfig.for_model(config["model_type"])) in auto._model_mapping:
            return auto
    return transformers.AutoModel


def stored_keys(folder):
    """Every key of the folder's safetensors files, and which file holds each."""
    where = {}
    for path in sorted(folder.glob("*.safetensors")):
        with safe_open(str(path), "np") as f:
            for key in f.keys():
                where[key] = path.name
    return where


def answer(folder):
    config = json.loads((folder / "config.json").read_text())
    where = stored_keys(folder)
    stored = set(where)
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
    tied_to = []
    for k in sorted(stored - own):
        with safe_open(str(folder / where[k]), "pt") as f:
            if tuple(f.get_slice(k).get_shape()) == tuple(weight.shape) and torch.equal(f.get_tensor(k).to(weight.dtype), weight.detach()):
                tied_to.append(k)
    out["tied_to"] = tied_to
    embedding = model.get_input_embeddings().weight
    names = [k for k in stored if tuple(embedding.shape) == tuple(safe_open(str(folder / where[k]), "pt").get_slice(k).get_shape())
             and torch.equal(safe_open(str(folder / where[k]), "pt").get_tensor(k).to(embedding.dtype), embedding.detach())]
    if len(set(where.values())) > 1 and names:
        out["embedding_shard"] = where[sorted(names)[0]]
        out["embedding_shard_holds_head"] = bool(own & {k for k, v in where.items() if v == out["embedding_shard"]})
    return out


def main():
    result = {"transformers_version": transformers.__version__, "folders": {}}
    build()
    for name in FOLDERS + BUILT:
        result["folders"][name] = answer(DATA / name)
    (HERE / "unstored-ties.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

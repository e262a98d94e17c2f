#!/usr/bin/env python3
"""Writes pad-roles/: tiny untied Llama folders whose pad token is the EOS token, and one of a
model type transformers does not know, each with expected.json holding transformers' answers
(never tensoraudit's):

- null-pad-eos/: config.json states pad_token_id null; the tokenizer pads with "</s>" (id 2,
  also eos_token). LlamaModel builds nn.Embedding(..., padding_idx=None): the row trains.
- absent-pad-eos/: the same without the pad_token_id key (LlamaConfig's default is None).
- stated-pad-eos/: config.json states pad_token_id 2, the EOS id (a fine-tune's usual setting):
  padding_idx is 2, but the saved row is non-zero (it was trained as "</s>" before the pad id
  was set; the generator writes such a row).
- stated-pad-eos-config-only/: stated-pad-eos's config.json and weights without tokenizer files
  (expected.json: AutoConfig's pad and eos ids).
- added-pad/: a Llama trained without a pad token, then given "[PAD]" (id 8, the last row) by
  add_special_tokens and resize_token_embeddings: transformers' mean resizing makes the row the
  mean of the others (expected.json: numpy's distance and the median row norm).
- t5-views/: a tiny T5 saved by torch.save(state_dict): `shared` and both `embed_tokens` are
  views of one storage (expected.json: the names whose data_ptr is shared's).
- tied-stated-pad-eos/: stated-pad-eos with tie_word_embeddings true (one stored matrix):
  padding_idx keeps the "</s>" lookup from training row 2, the tied output layer's gradient
  does not (expected.json: `tied` and `padding_idx` from the reloaded model).
- unknown-type/: the weights of null-pad-eos under config.json model_type "foo_bar" and a
  stated pad_token_id 5 (an ordinary token, "brown"), a type outside transformers' registry
  (AutoConfig refuses it): whether its embedding zeroes the pad row is not known.

expected.json: the pad token and ids AutoTokenizer reports, the embedding's padding_idx and
whether input and output embeddings share storage after from_pretrained, and the pad row's norm
(numpy). Needs: pip install tokenizers transformers torch safetensors numpy. Fixed seeds.
"""
import json
import pathlib
import shutil

import numpy as np
import torch
import transformers
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

HERE = pathlib.Path(__file__).parent / "pad-roles"
VOCAB = ["<unk>", "<s>", "</s>", "the", "quick", "brown", "fox", "dog"]


def write_json(path, value):
    path.write_text(json.dumps(value, indent=1, sort_keys=True) + "\n")


def tokenizer(folder):
    tok = Tokenizer(models.WordLevel({t: i for i, t in enumerate(VOCAB)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", bos_token="<s>", eos_token="</s>", pad_token="</s>")
    fast.save_pretrained(folder)


def llama(folder, pad, tie=False):
    torch.manual_seed(7)
    kwargs = dict(vocab_size=len(VOCAB), hidden_size=4, intermediate_size=12, num_hidden_layers=1, num_attention_heads=2,
                  num_key_value_heads=2, tie_word_embeddings=tie, bos_token_id=1, eos_token_id=2)
    if pad != "absent":
        kwargs["pad_token_id"] = pad
    model = LlamaForCausalLM(LlamaConfig(**kwargs))
    with torch.no_grad():
        model.model.embed_tokens.weight[2] = torch.linspace(0.1, 0.8, 4)  # trained as "</s>"
    model.save_pretrained(folder)
    config = json.loads((folder / "config.json").read_text())
    if pad == "absent":
        config.pop("pad_token_id", None)
    write_json(folder / "config.json", config)
    for name in ("generation_config.json",):
        (folder / name).unlink(missing_ok=True)
    tokenizer(folder)


def answers(folder, loads=True):
    tok = AutoTokenizer.from_pretrained(folder)
    out = {"transformers_version": transformers.__version__, "pad_token": tok.pad_token, "pad_token_id": tok.pad_token_id,
           "eos_token_id": tok.eos_token_id}
    config = json.loads((folder / "config.json").read_text())
    out["config_pad_token_id"] = config.get("pad_token_id", "absent")
    if loads:
        model = AutoModelForCausalLM.from_pretrained(folder)
        embedding = model.get_input_embeddings()
        out["padding_idx"] = embedding.padding_idx
        out["tied"] = embedding.weight.data_ptr() == model.get_output_embeddings().weight.data_ptr()
        out["pad_row_norm"] = float(np.linalg.norm(embedding.weight[tok.pad_token_id].detach().numpy().astype(np.float64)))
    else:
        try:
            transformers.AutoConfig.from_pretrained(folder)
            out["autoconfig"] = "loaded"
        except Exception as error:  # the registry does not know the type
            out["autoconfig"] = type(error).__name__
    write_json(folder / "expected.json", out)


def added_pad(folder):
    """A Llama trained without a pad token, then given "[PAD]" by add_special_tokens and
    resize_token_embeddings (the Alpaca recipe): transformers' mean resizing, its default."""
    torch.manual_seed(11)
    config = LlamaConfig(vocab_size=len(VOCAB), hidden_size=4, intermediate_size=12, num_hidden_layers=1, num_attention_heads=2,
                         num_key_value_heads=2, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2)
    model = LlamaForCausalLM(config)
    tokenizer(folder)
    tok = AutoTokenizer.from_pretrained(folder)
    tok.pad_token = None
    tok.add_special_tokens({"pad_token": "[PAD]"})
    model.resize_token_embeddings(len(tok))
    model.config.pad_token_id = tok.pad_token_id
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    (folder / "generation_config.json").unlink(missing_ok=True)
    weights = model.get_input_embeddings().weight.detach().numpy().astype(np.float64)
    pad = tok.pad_token_id
    others = np.delete(weights, pad, axis=0)
    return float(np.linalg.norm(weights[pad] - others.mean(axis=0))), float(np.median(np.linalg.norm(weights, axis=1)))


def t5_views(folder):
    """A tiny T5 saved by torch.save(state_dict): `shared`, both `embed_tokens` (and the tied
    `lm_head`) are views of one storage, written once."""
    from transformers import T5Config, T5ForConditionalGeneration
    torch.manual_seed(13)
    config = T5Config(vocab_size=len(VOCAB), d_model=4, d_kv=2, d_ff=6, num_layers=1, num_heads=2, pad_token_id=0,
                      eos_token_id=2, decoder_start_token_id=0)
    model = T5ForConditionalGeneration(config)
    state = model.state_dict()
    torch.save(state, folder / "pytorch_model.bin")
    model.config.to_json_file(folder / "config.json")
    names = ["shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight"]
    return {"views_of_one_storage": sorted(n for n in names if state[n].data_ptr() == state["shared.weight"].data_ptr())}


def main():
    shutil.rmtree(HERE, ignore_errors=True)
    for name, pad, tie in (("null-pad-eos", None, False), ("absent-pad-eos", "absent", False), ("stated-pad-eos", 2, False),
                           ("tied-stated-pad-eos", 2, True)):
        folder = HERE / name
        folder.mkdir(parents=True)
        llama(folder, pad, tie)
        answers(folder)
    # The stated-pad-eos weights and config alone: the roles come from config.json.
    bare = HERE / "stated-pad-eos-config-only"
    bare.mkdir(parents=True)
    for name in ("config.json", "model.safetensors"):
        shutil.copy(HERE / "stated-pad-eos" / name, bare / name)
    config = transformers.AutoConfig.from_pretrained(bare)
    write_json(bare / "expected.json", {"transformers_version": transformers.__version__,
                                        "pad_token_id": config.pad_token_id, "eos_token_id": config.eos_token_id})
    folder = HERE / "added-pad"
    folder.mkdir(parents=True)
    distance, median = added_pad(folder)
    answers(folder)
    expected = json.loads((folder / "expected.json").read_text())
    expected["distance_from_mean_row"] = distance
    expected["median_row_norm"] = median
    expected["rows"] = len(VOCAB) + 1
    write_json(folder / "expected.json", expected)
    folder = HERE / "t5-views"
    folder.mkdir(parents=True)
    facts = t5_views(folder)
    write_json(folder / "expected.json", {"transformers_version": transformers.__version__, **facts})
    unknown = HERE / "unknown-type"
    shutil.copytree(HERE / "null-pad-eos", unknown)
    (unknown / "expected.json").unlink()
    write_json(unknown / "config.json", {"model_type": "foo_bar", "vocab_size": len(VOCAB), "pad_token_id": 5})
    answers(unknown, loads=False)


if __name__ == "__main__":
    main()

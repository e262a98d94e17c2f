#!/usr/bin/env python3
"""Old exports holding tied copies, and their transformers re-saves, for `diff`'s tied copies.

For each case, `A/` is an "old export": a safetensors file holding every key of the model's
state_dict, the tied copies written out as independent byte-identical tensors (as exports that
clone tensors do), beside the model's config.json. `B/` is what transformers (5.25) writes when it
loads A and saves it again with `save_pretrained`: it drops the copies. `expected.json` records,
per case, the keys B lacks and, for each, the key it is tied to in the loaded model (the
parameter transformers made it share) — the dropped → kept map `diff A B` must report, from
transformers, not from tensoraudit.

Cases:
- t5: T5ForConditionalGeneration; drops encoder/decoder.embed_tokens.weight and lm_head.weight
  (tied to shared.weight).
- t5-stated-false: the same A, whose config.json states tie_word_embeddings false (as T5 v1.1
  configs do); T5Config sets it true anyway, so the loader ties equal copies. B is the re-save,
  its config.json replaced by A's (false): loading B must give the tied values back (checked).
- bart: BartForConditionalGeneration; drops model.encoder/decoder.embed_tokens.weight and
  lm_head.weight (tied to model.shared.weight).
- bert: BertForMaskedLM; drops cls.predictions.decoder.weight and cls.predictions.decoder.bias.

Run: `python3 TestData/diff-tied-copies/generate.py` (transformers, torch, safetensors).
"""
import json, os, shutil, sys, tempfile, warnings

import torch
import transformers
from safetensors import safe_open
from safetensors.torch import save_file

warnings.filterwarnings("ignore")
transformers.logging.set_verbosity_error()
HERE = os.path.dirname(os.path.abspath(__file__))


def build(case):
    torch.manual_seed(0)
    if case.startswith("t5"):
        config = transformers.T5Config(vocab_size=32, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2,
                                       relative_attention_num_buckets=4, decoder_start_token_id=0, pad_token_id=0)
        return transformers.T5ForConditionalGeneration(config)
    if case == "bart":
        config = transformers.BartConfig(vocab_size=32, d_model=8, encoder_layers=1, decoder_layers=1,
                                         encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=16,
                                         decoder_ffn_dim=16, max_position_embeddings=16)
        return transformers.BartForConditionalGeneration(config)
    config = transformers.BertConfig(vocab_size=32, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=16, max_position_embeddings=16)
    return transformers.BertForMaskedLM(config)


def keys(path):
    with safe_open(path, "pt") as f:
        return set(f.keys())


def main():
    expected = {}
    for case in ["t5", "t5-stated-false", "bart", "bert"]:
        root = os.path.join(HERE, case)
        shutil.rmtree(root, ignore_errors=True)
        a, b = os.path.join(root, "A"), os.path.join(root, "B")
        os.makedirs(a)
        model = build(case)
        # A: every state_dict key as its own tensor (the tied ones byte-identical copies).
        state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
        save_file(state, os.path.join(a, "model.safetensors"), metadata={"format": "pt"})
        model.config.to_json_file(os.path.join(a, "config.json"))
        if case == "t5-stated-false":
            with open(os.path.join(a, "config.json")) as f:
                settings = json.load(f)
            settings["tie_word_embeddings"] = False
            with open(os.path.join(a, "config.json"), "w") as f:
                json.dump(settings, f, indent=2, sort_keys=True)
        # B: transformers loads A and saves it again.
        loaded = type(model).from_pretrained(a)
        loaded.save_pretrained(b, safe_serialization=True)
        if case == "t5-stated-false":
            shutil.copyfile(os.path.join(a, "config.json"), os.path.join(b, "config.json"))
        for extra in os.listdir(b):
            if extra not in ("model.safetensors", "config.json"):
                os.remove(os.path.join(b, extra))
        dropped = sorted(keys(os.path.join(a, "model.safetensors")) - keys(os.path.join(b, "model.safetensors")))
        # The kept key of each dropped one: the parameter it shares in the loaded model.
        params = dict(loaded.named_parameters(remove_duplicate=False))
        saved = keys(os.path.join(b, "model.safetensors"))
        pairs = {}
        for name in dropped:
            holders = [k for k in saved if k in params and params[k] is params[name]]
            assert len(holders) == 1, (case, name, holders)
            pairs[name] = holders[0]
        # Loading B gives A's values back for every dropped key (the loader restores them).
        again = type(model).from_pretrained(b).state_dict()
        for name in dropped:
            assert torch.equal(again[name], state[name]), (case, name)
        expected[case] = {"dropped": pairs, "transformers": transformers.__version__}
        print(case, pairs)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Tiny models for `config-vocab-mismatch` whose embedding names no by-name rule knows, and a
model type that builds more rows than vocab_size on purpose.

Each case is a folder written by transformers (5.25) `save_pretrained`; the `-stale` ones then get
config.json's vocab_size raised by 8, as a config.json from before a resize would be. For every
folder, expected.json records whether `from_pretrained` of that class loads it back ("loads") or
raises ("refuses"), and the input embedding's name and rows — transformers' verdict, which the
tests hold tensoraudit's finding to (a warning exactly where transformers refuses).

`t5-torch-stale`: a torch.save of a tied T5 whose four token-matrix names are one storage, with a
stale vocab_size (expected.json lists the views).

Run: `python3 TestData/config-vocab/generate.py` (transformers, torch).
"""
import json, os, shutil, warnings

import torch
import transformers

warnings.filterwarnings("ignore")
transformers.logging.set_verbosity_error()
HERE = os.path.dirname(os.path.abspath(__file__))

CASES = {
    "mamba": (transformers.MambaForCausalLM, transformers.MambaConfig(vocab_size=40, hidden_size=8, num_hidden_layers=1, state_size=4)),
    "openai-gpt": (transformers.OpenAIGPTLMHeadModel, transformers.OpenAIGPTConfig(vocab_size=40, n_embd=8, n_layer=1, n_head=2, n_positions=16)),
    "xlm": (transformers.XLMWithLMHeadModel, transformers.XLMConfig(vocab_size=40, emb_dim=8, n_layers=1, n_heads=2, max_position_embeddings=16)),
    "csm-depth": (transformers.CsmDepthDecoderForCausalLM,
                  transformers.CsmDepthDecoderConfig(num_codebooks=4, vocab_size=10, backbone_hidden_size=8, hidden_size=8,
                                                     intermediate_size=16, num_hidden_layers=1, num_attention_heads=2,
                                                     num_key_value_heads=1, head_dim=4, max_position_embeddings=8)),
}


def verdict(cls, path):
    try:
        cls.from_pretrained(path)
        return "loads"
    except Exception:
        return "refuses"


def main():
    expected = {}
    for name, (cls, config) in CASES.items():
        torch.manual_seed(0)
        model = cls(config)
        embedding = model.get_input_embeddings().weight
        tensor = next(k for k, v in model.state_dict().items() if v.data_ptr() == embedding.data_ptr())
        for stale in ([False, True] if name != "csm-depth" else [False]):
            folder = os.path.join(HERE, name + ("-stale" if stale else ""))
            shutil.rmtree(folder, ignore_errors=True)
            model.save_pretrained(folder, safe_serialization=True)
            for extra in os.listdir(folder):
                if extra not in ("model.safetensors", "config.json"):
                    os.remove(os.path.join(folder, extra))
            if stale:
                with open(os.path.join(folder, "config.json")) as f:
                    settings = json.load(f)
                settings["vocab_size"] += 8
                with open(os.path.join(folder, "config.json"), "w") as f:
                    json.dump(settings, f, indent=2, sort_keys=True)
            expected[os.path.basename(folder)] = {"embedding": tensor, "rows": int(embedding.shape[0]),
                                                   "transformers": verdict(cls, folder)}
    # A torch.save of a tied T5 (shared, both embed_tokens and lm_head: one storage) with a stale
    # vocab_size: transformers refuses it; the four names are views of one buffer.
    torch.manual_seed(0)
    t5 = transformers.T5ForConditionalGeneration(transformers.T5Config(vocab_size=40, d_model=8, d_kv=4, d_ff=16, num_layers=1,
                                                                        num_heads=2, relative_attention_num_buckets=4,
                                                                        decoder_start_token_id=0, pad_token_id=0))
    folder = os.path.join(HERE, "t5-torch-stale")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    torch.save(t5.state_dict(), os.path.join(folder, "pytorch_model.bin"))
    settings = t5.config.to_dict()
    settings["vocab_size"] += 8
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(settings, f, indent=2, sort_keys=True)
    shared = t5.shared.weight.data_ptr()
    expected["t5-torch-stale"] = {"views": sorted(k for k, v in t5.state_dict().items() if v.data_ptr() == shared),
                                  "rows": 40, "transformers": verdict(transformers.T5ForConditionalGeneration, folder)}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(expected, indent=1))


if __name__ == "__main__":
    main()

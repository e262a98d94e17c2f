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
- llava: LlavaForConditionalGeneration over a tied Llama text model (LlavaConfig forwards the
  text_config's true to its top level, so both keys are saved true); drops lm_head.weight. `expected.json`'s
  `llava_variants` records, for B's config.json edited each way the two keys can be stated,
  whether transformers' from_pretrained(B) gives A's lm_head back (the tests write the same
  variants of B's config.json and compare `diff A B` with these verdicts).
- gemma3: Gemma3ForConditionalGeneration (a Gemma 3 text model and a SigLIP vision tower), tied;
  drops lm_head.weight. `gemma3_variants` as `llava_variants` (Gemma3Config does not read the
  text_config's key: a re-save stating false only there is still tied, review-53 #3).

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
    if case == "llava":
        text = transformers.LlamaConfig(vocab_size=32, hidden_size=8, intermediate_size=16, num_hidden_layers=1,
                                        num_attention_heads=2, num_key_value_heads=1, tie_word_embeddings=True)
        vision = transformers.CLIPVisionConfig(hidden_size=8, intermediate_size=16, num_hidden_layers=1,
                                               num_attention_heads=2, image_size=8, patch_size=4)
        config = transformers.LlavaConfig(text_config=text, vision_config=vision, image_token_index=31,
                                          projector_hidden_act="gelu", vision_feature_layer=-1)
        return transformers.LlavaForConditionalGeneration(config)
    if case == "gemma3":
        text = transformers.Gemma3TextConfig(vocab_size=32, hidden_size=8, intermediate_size=16, num_hidden_layers=1,
                                             num_attention_heads=2, num_key_value_heads=1, head_dim=4, sliding_window=4)
        vision = transformers.SiglipVisionConfig(hidden_size=8, intermediate_size=16, num_hidden_layers=1,
                                                 num_attention_heads=2, image_size=8, patch_size=4)
        config = transformers.Gemma3Config(text_config=text, vision_config=vision, mm_tokens_per_image=4,
                                           image_token_index=31, boi_token_index=29, eoi_token_index=30)
        return transformers.Gemma3ForConditionalGeneration(config)
    config = transformers.BertConfig(vocab_size=32, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=16, max_position_embeddings=16)
    return transformers.BertForMaskedLM(config)


def keys(path):
    with safe_open(path, "pt") as f:
        return set(f.keys())


def tie_variants(root, b, state, model_class):
    """B with its config.json's top-level and text_config tie_word_embeddings each absent, true or
    false: whether from_pretrained gives A's lm_head.weight back (else it is missing and random)."""
    with open(os.path.join(b, "config.json")) as f:
        saved = json.load(f)
    restored = {}
    scratch = tempfile.mkdtemp()
    for top in ["absent", "true", "false"]:
        for text in ["absent", "true", "false"]:
            name = f"top-{top}-text-{text}"
            folder = os.path.join(scratch, name)
            os.makedirs(folder)
            shutil.copyfile(os.path.join(b, "model.safetensors"), os.path.join(folder, "model.safetensors"))
            settings = json.loads(json.dumps(saved))
            for holder, value in [(settings, top), (settings["text_config"], text)]:
                holder.pop("tie_word_embeddings", None)
                if value != "absent":
                    holder["tie_word_embeddings"] = value == "true"
            with open(os.path.join(folder, "config.json"), "w") as f:
                json.dump(settings, f, indent=2, sort_keys=True)
            loaded = model_class.from_pretrained(folder).state_dict()
            restored[name] = bool(torch.equal(loaded["lm_head.weight"], state["lm_head.weight"]))
    shutil.rmtree(scratch)
    print(model_class.__name__, "variants", restored)
    return restored


def main():
    expected = {}
    for case in ["t5", "t5-stated-false", "bart", "bert", "llava", "gemma3"]:
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
        if case in ("llava", "gemma3"):
            expected[f"{case}_variants"] = tie_variants(root, b, state, type(model))
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())

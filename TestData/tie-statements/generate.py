#!/usr/bin/env python3
"""Writes tie-statements/: old-style exports (every state_dict key saved, tied copies as
independent byte-identical tensors) whose config.json states the tie in a way `ties`, `audit`
and `padding` once described wrongly (review-53b #5), and expected.json with what transformers
5.25 makes of each config (never tensoraudit's answers):

- llama-padlist/: LlamaForCausalLM tied, config.json with `pad_token_id: [0, 1]` and
  `tie_word_embeddings: true`. expected: the exception `AutoConfig.from_pretrained` raises (the
  config is refused, so its tie_word_embeddings speaks of no loaded model).
- t5-false/: T5ForConditionalGeneration, config.json stating `tie_word_embeddings: false`.
  expected: the loaded config's tie_word_embeddings and whether the loaded model's lm_head is
  its shared embedding (T5Config replaces the stated false with true).
- encdec-absent/: EncoderDecoderModel (BERT encoder and decoder), the wrapper's top level
  without `tie_word_embeddings`, the decoder's true. expected: whether the loaded model's
  decoder output projection is the decoder's input embedding.

- modernvbert-padlist/: ModernVBertForMaskedLM tied, config.json with a top-level `pad_token_id:
  [0, 1]`, which ModernVBertConfig keeps (review-54 D1). expected: the loaded config's pad_token_id
  and tie_word_embeddings, and whether the loaded head is the input embedding.

Needs: pip install torch transformers safetensors. Run: python3 TestData/tie-statements/generate.py
"""
import json
import pathlib
import tempfile
import warnings

import torch
import transformers as T
from safetensors.torch import save_file

warnings.filterwarnings("ignore")
T.logging.set_verbosity_error()
HERE = pathlib.Path(__file__).parent


def export(model, folder, edit):
    """Saves every state_dict key (tied ones cloned) and the model's config.json, edited."""
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    with tempfile.TemporaryDirectory() as tmp:
        model.config.save_pretrained(tmp)
        config = json.loads((pathlib.Path(tmp) / "config.json").read_text())
    edit(config)
    (folder / "config.json").write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")


def same(a, b):
    return a.data_ptr() == b.data_ptr()


def main():
    expected = {"transformers": T.__version__}

    torch.manual_seed(0)
    llama = T.LlamaForCausalLM(T.LlamaConfig(vocab_size=32, hidden_size=8, intermediate_size=16, num_hidden_layers=1,
                                             num_attention_heads=2, num_key_value_heads=1, tie_word_embeddings=True))
    def padlist(c):
        c["pad_token_id"] = [0, 1]
        c["tie_word_embeddings"] = True
    export(llama, HERE / "llama-padlist", padlist)
    try:
        T.AutoConfig.from_pretrained(HERE / "llama-padlist")
        expected["llama-padlist"] = {"refused": None}
    except Exception as error:  # the class name is the fact recorded
        expected["llama-padlist"] = {"refused": type(error).__name__}

    torch.manual_seed(0)
    t5 = T.T5ForConditionalGeneration(T.T5Config(vocab_size=32, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2,
                                                 relative_attention_num_buckets=4, decoder_start_token_id=0, pad_token_id=0))
    def stated_false(c):
        c["tie_word_embeddings"] = False
    export(t5, HERE / "t5-false", stated_false)
    stated = json.loads((HERE / "t5-false" / "config.json").read_text())["tie_word_embeddings"]
    loaded = T.T5ForConditionalGeneration.from_pretrained(HERE / "t5-false")
    expected["t5-false"] = {"stated": stated, "loaded_tie_word_embeddings": loaded.config.tie_word_embeddings,
                            "lm_head_is_shared": same(loaded.lm_head.weight, loaded.shared.weight)}

    torch.manual_seed(0)
    bert = dict(vocab_size=32, hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16,
                max_position_embeddings=16)
    wrapper = T.EncoderDecoderModel(T.EncoderDecoderConfig(encoder=T.BertConfig(**bert),
                                                           decoder=T.BertConfig(**bert, is_decoder=True, add_cross_attention=True)))
    def absent(c):
        c.pop("tie_word_embeddings", None)
        c["decoder"]["tie_word_embeddings"] = True
    export(wrapper, HERE / "encdec-absent", absent)
    config = json.loads((HERE / "encdec-absent" / "config.json").read_text())
    loaded = T.EncoderDecoderModel.from_pretrained(HERE / "encdec-absent")
    expected["encdec-absent"] = {
        "top_level_states_tie": "tie_word_embeddings" in config,
        "decoder_tie_word_embeddings": config["decoder"]["tie_word_embeddings"],
        "decoder_head_is_decoder_embedding": same(loaded.decoder.get_output_embeddings().weight,
                                                  loaded.decoder.get_input_embeddings().weight),
    }
    # A config class that keeps a pad_token_id list (ModernVBertConfig: review-54 D1): the
    # config loads, and the masked LM ties as it states.
    torch.manual_seed(0)
    vbert = T.AutoConfig.for_model("modernvbert", tie_word_embeddings=True,
                                   text_config=dict(vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                                    num_attention_heads=2, max_position_embeddings=64, pad_token_id=3),
                                   vision_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                                      num_attention_heads=2, image_size=32, patch_size=8))
    vbert.image_token_id = 5
    def vbert_padlist(c):
        c["pad_token_id"] = [0, 1]
        c["architectures"] = ["ModernVBertForMaskedLM"]  # as the model's own save_pretrained names it
    export(T.AutoModelForMaskedLM.from_config(vbert), HERE / "modernvbert-padlist", vbert_padlist)
    loaded = T.AutoModelForMaskedLM.from_pretrained(HERE / "modernvbert-padlist")
    expected["modernvbert-padlist"] = {"loaded_pad_token_id": loaded.config.pad_token_id,
                                       "loaded_tie_word_embeddings": loaded.config.tie_word_embeddings,
                                       "head_is_embedding": same(loaded.get_output_embeddings().weight,
                                                                 loaded.get_input_embeddings().weight)}
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(json.dumps(expected, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes decoder-wrappers/: tiny models of the wrappers that build their decoder from a
`decoder` sub-config, saved by transformers' own `save_pretrained`, and expected.json with what
`from_pretrained` makes of each way config.json can state the tie (never tensoraudit's answers):

- trocr/: VisionEncoderDecoderModel (a ViT encoder, a TrOCR decoder; transformers writes
  tie_word_embeddings false at the top level and true in the decoder);
- bert2bert/: EncoderDecoderModel (BERT encoder and decoder).

For each, `variants/top-T-decoder-D.json` is the saved config.json with the top-level and the
decoder's `tie_word_embeddings` set to T and D (true, false, or the key removed: absent), and
expected.json records whether the model loaded from the folder with that config has its
decoder's output projection as the decoder's input embedding (the same parameter), and the
`padding_idx` the loaded model's input embeddings have (the decoder's `pad_token_id`).
For bert2bert also `variants/no-decoder-type.json` (the decoder's `model_type` and
`tie_word_embeddings` removed: the wrapper builds a BERT decoder) and `encoder-same-bytes/`
(the encoder's word embeddings given the decoder's bytes, saved config): whether the loaded
model's decoder output projection is the encoder's input embedding.

Needs: pip install torch transformers safetensors. Fixed seeds.
"""
import itertools
import json
import pathlib
import shutil
import tempfile
import warnings

import torch
import transformers as T

warnings.filterwarnings("ignore")
T.logging.set_verbosity_error()

HERE = pathlib.Path(__file__).parent / "decoder-wrappers"


def build(name):
    torch.manual_seed(0)
    if name == "trocr":
        encoder = T.ViTConfig(hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16, image_size=16, patch_size=8)
        decoder = T.TrOCRConfig(vocab_size=12, d_model=8, decoder_layers=1, decoder_attention_heads=2, decoder_ffn_dim=16,
                                max_position_embeddings=16, pad_token_id=1)
        return T.VisionEncoderDecoderModel(T.VisionEncoderDecoderConfig.from_encoder_decoder_configs(encoder, decoder)), T.VisionEncoderDecoderModel
    sizes = dict(vocab_size=12, hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16, max_position_embeddings=16)
    config = T.EncoderDecoderConfig.from_encoder_decoder_configs(T.BertConfig(**sizes), T.BertConfig(**sizes, is_decoder=True, add_cross_attention=True))
    return T.EncoderDecoderModel(config=config), T.EncoderDecoderModel


def main():
    shutil.rmtree(HERE, ignore_errors=True)
    expected = {"transformers_version": T.__version__, "torch_version": torch.__version__, "families": {}}
    for name in ("trocr", "bert2bert"):
        model, cls = build(name)
        folder = HERE / name
        model.save_pretrained(folder)
        (folder / "generation_config.json").unlink(missing_ok=True)
        saved = json.loads((folder / "config.json").read_text())
        (folder / "variants").mkdir()
        family = {"decoder_model_type": saved["decoder"]["model_type"], "saved": {"top": saved.get("tie_word_embeddings", "absent"),
                  "decoder": saved["decoder"].get("tie_word_embeddings", "absent")}, "variants": {}}
        for top, dec in itertools.product([True, False, "absent"], repeat=2):
            config = json.loads(json.dumps(saved))
            for target, value in ((config, top), (config["decoder"], dec)):
                target.pop("tie_word_embeddings", None)
                if value != "absent":
                    target["tie_word_embeddings"] = value
            key = f"top-{str(top).lower()}-decoder-{str(dec).lower()}"
            (folder / "variants" / f"{key}.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
            with tempfile.TemporaryDirectory() as tmp:
                shutil.copy(folder / "model.safetensors", tmp)
                (pathlib.Path(tmp) / "config.json").write_text(json.dumps(config))
                loaded = cls.from_pretrained(tmp)
                tied = loaded.decoder.get_output_embeddings().weight is loaded.decoder.get_input_embeddings().weight
            family["variants"][key] = {"tied": tied}
        family["input_embedding"] = next(n for n, p in model.named_parameters() if p is model.decoder.get_input_embeddings().weight)
        # The padding_idx the loaded model's input embeddings were built with (the top level
        # states no pad id: absent for trocr, null for bert2bert).
        loaded = cls.from_pretrained(folder)
        family["top_level_pad_token_id"] = saved.get("pad_token_id", "absent")
        family["padding_idx"] = {"decoder": loaded.decoder.get_input_embeddings().padding_idx,
                                 "encoder": getattr(loaded.encoder.get_input_embeddings(), "padding_idx", None)}
        if name == "bert2bert":
            config = json.loads(json.dumps(saved))
            for key in ("model_type", "tie_word_embeddings"):
                config["decoder"].pop(key, None)
            (folder / "variants" / "no-decoder-type.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
            with tempfile.TemporaryDirectory() as tmp:
                shutil.copy(folder / "model.safetensors", tmp)
                (pathlib.Path(tmp) / "config.json").write_text(json.dumps(config))
                loaded = cls.from_pretrained(tmp)
                tied = loaded.decoder.get_output_embeddings().weight is loaded.decoder.get_input_embeddings().weight
                family["no_decoder_type"] = {"tied": tied, "decoder_class": type(loaded.decoder).__name__}
            same = HERE / "encoder-same-bytes"
            with torch.no_grad():
                model.encoder.get_input_embeddings().weight.copy_(model.decoder.get_input_embeddings().weight)
            model.save_pretrained(same)
            (same / "generation_config.json").unlink(missing_ok=True)
            loaded = cls.from_pretrained(same)
            family["encoder_same_bytes"] = {
                "encoder_embedding": next(n for n, p in model.named_parameters() if p is model.encoder.get_input_embeddings().weight),
                "encoder_is_output": loaded.encoder.get_input_embeddings().weight is loaded.decoder.get_output_embeddings().weight,
                "equal_values": bool(torch.equal(loaded.encoder.get_input_embeddings().weight, loaded.decoder.get_input_embeddings().weight))}
        expected["families"][name] = family
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

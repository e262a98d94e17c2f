#!/usr/bin/env python3
"""Writes seq2seq/: tiny model folders (random weights, vocab 100, width 16) saved by
transformers' own `save_pretrained`, and expected.json with what transformers makes of each
when it loads the folder again (never tensoraudit's answers):

- pegasus-untied-copies/: PegasusForConditionalGeneration with tie_word_embeddings false whose
  encoder's and decoder's embed_tokens hold the bytes of `shared` (three stored copies). Does
  transformers load them as one parameter or three, and does dropping two copies lose them?
- pegasus/: the same class with the defaults (tied): the encoder's and decoder's
  embed_positions are fixed sinusoidal tables, equal, and rebuilt when left out of the file.
- t5-v11/: T5ForConditionalGeneration saved T5 v1.1 style (tie_word_embeddings false, lm_head
  stored apart): the input embedding's padding_idx, and the pad row.
- gpt2-pad/: GPT2LMHeadModel whose config names a pad token (its last id, as fine-tunes set
  pad = eos): the input embedding's padding_idx.
- ibert/: IBertForMaskedLM: which of the word-embedding names are buffers.
- mbart-no-pad/: MBartForConditionalGeneration whose config.json leaves pad_token_id and
  tie_word_embeddings out, pad row set to 0.5: the pad id AutoConfig gives and whether the
  loaded model ties.
- marian-unshared/: MarianMTModel with share_encoder_decoder_embeddings false, the encoder's pad
  row set to 0.5: which embedding the loaded model's output layer is.

Needs: pip install torch transformers safetensors. Fixed seeds.
"""
import json
import pathlib
import shutil
import tempfile
import warnings

import torch
import transformers as T
from safetensors.torch import load_file, save_file

warnings.filterwarnings("ignore")
T.logging.set_verbosity_error()

HERE = pathlib.Path(__file__).parent / "seq2seq"
BART = dict(vocab_size=100, d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
            decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=64)
T5 = dict(vocab_size=100, d_model=16, d_kv=8, d_ff=32, num_layers=1, num_decoder_layers=1, num_heads=2)
ENC = dict(vocab_size=100, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
           max_position_embeddings=66)


def save(model, name: str, drop_config_keys=()) -> pathlib.Path:
    folder = HERE / name
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder)
    config = json.loads((folder / "config.json").read_text())
    for key in drop_config_keys:
        config.pop(key, None)
    # No timestamps or versions that change between runs beyond transformers' own.
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    (folder / "generation_config.json").unlink(missing_ok=True)
    return folder


def parameter_groups(model) -> list:
    """Names of parameters that are one tensor (same data_ptr), groups of two or more."""
    by_pointer = {}
    for name, parameter in model.named_parameters(remove_duplicate=False):
        by_pointer.setdefault(parameter.data_ptr(), []).append(name)
    return sorted(sorted(names) for names in by_pointer.values() if len(names) > 1)


def stored_keys(folder: pathlib.Path) -> list:
    return sorted(load_file(folder / "model.safetensors").keys())


def reload_without(folder: pathlib.Path, keys) -> T.PegasusForConditionalGeneration:
    """The Pegasus model of `folder` loaded from a copy whose model.safetensors lacks `keys`."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = pathlib.Path(scratch) / "m"
        shutil.copytree(folder, copy)
        state = load_file(copy / "model.safetensors")
        for key in keys:
            state.pop(key)
        save_file(state, copy / "model.safetensors", metadata={"format": "pt"})
        return T.PegasusForConditionalGeneration.from_pretrained(copy)


def pegasus_untied_copies() -> dict:
    torch.manual_seed(1)
    model = T.PegasusForConditionalGeneration(T.PegasusConfig(**BART, tie_word_embeddings=False))
    with torch.no_grad():
        model.model.encoder.embed_tokens.weight.copy_(model.model.shared.weight)
        model.model.decoder.embed_tokens.weight.copy_(model.model.shared.weight)
    folder = save(model, "pegasus-untied-copies")
    loaded = T.PegasusForConditionalGeneration.from_pretrained(folder)
    # Drop the two copies a tie would make redundant, and load again.
    dropped = reload_without(folder, ("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight"))
    kept = torch.equal(dropped.model.encoder.embed_tokens.weight, loaded.model.encoder.embed_tokens.weight)
    return {
        "stored": stored_keys(folder),
        "shared_parameter_groups": parameter_groups(loaded),
        "embed_tokens_equal_shared": torch.equal(loaded.model.encoder.embed_tokens.weight, loaded.model.shared.weight),
        "copies_survive_dropping": kept,
    }


def pegasus() -> dict:
    torch.manual_seed(2)
    model = T.PegasusForConditionalGeneration(T.PegasusConfig(**BART))
    folder = save(model, "pegasus")
    loaded = T.PegasusForConditionalGeneration.from_pretrained(folder)
    encoder, decoder = loaded.model.encoder.embed_positions, loaded.model.decoder.embed_positions
    # Left out of the file, are the tables rebuilt with the same values?
    rebuilt = reload_without(folder, ("model.encoder.embed_positions.weight", "model.decoder.embed_positions.weight"))
    rebuilt = rebuilt.model.encoder.embed_positions.weight
    return {
        "stored": stored_keys(folder),
        "position_modules": [type(encoder).__name__, type(decoder).__name__],
        "positions_equal": torch.equal(encoder.weight, decoder.weight),
        "positions_rebuilt_equal": torch.equal(rebuilt, encoder.weight),
        "shared_parameter_groups": parameter_groups(loaded),
    }


def t5_v11() -> dict:
    torch.manual_seed(3)
    model = T.T5ForConditionalGeneration(T.T5Config(**T5, tie_word_embeddings=False, feed_forward_proj="gated-gelu"))
    # T5Config ties whatever it is told, so the model is built tied: give lm_head a parameter
    # of its own, as T5 v1.1 checkpoints store it.
    model.lm_head.weight = torch.nn.Parameter(torch.randn_like(model.lm_head.weight))
    folder = save(model, "t5-v11")
    return padding_facts(folder, T.T5ForConditionalGeneration)


def gpt2_pad() -> dict:
    torch.manual_seed(4)
    config = T.GPT2Config(vocab_size=100, n_embd=16, n_layer=1, n_head=2, n_positions=32, pad_token_id=99,
                          bos_token_id=99, eos_token_id=99)
    folder = save(T.GPT2LMHeadModel(config), "gpt2-pad")
    return padding_facts(folder, T.GPT2LMHeadModel)


def padding_facts(folder: pathlib.Path, model_class) -> dict:
    """The loaded model's pad id, its input embedding's padding_idx, whether the pad row is
    zero and whether the output layer is the input embedding."""
    loaded = model_class.from_pretrained(folder)
    embedding = loaded.get_input_embeddings()
    return {
        "stored": stored_keys(folder),
        "pad_token_id": loaded.config.pad_token_id,
        "padding_idx": embedding.padding_idx,
        "pad_row_zero": bool((embedding.weight[loaded.config.pad_token_id] == 0).all()),
        "lm_head_is_input_embedding": loaded.get_output_embeddings().weight is embedding.weight,
    }


def ibert() -> dict:
    torch.manual_seed(5)
    folder = save(T.IBertForMaskedLM(T.IBertConfig(**ENC)), "ibert")
    loaded = T.IBertForMaskedLM.from_pretrained(folder)
    buffers = sorted(name for name, _ in loaded.named_buffers() if "word_embeddings" in name)
    return {
        "stored": stored_keys(folder),
        "word_embedding_buffers": buffers,
        "input_embedding": [name for name, module in loaded.named_modules() if module is loaded.get_input_embeddings()],
        "padding_idx": loaded.get_input_embeddings().padding_idx,
    }


def mbart_no_pad() -> dict:
    torch.manual_seed(6)
    model = T.MBartForConditionalGeneration(T.MBartConfig(**BART))
    with torch.no_grad():
        model.model.shared.weight[1].fill_(0.5)
    folder = save(model, "mbart-no-pad", drop_config_keys=("pad_token_id", "tie_word_embeddings"))
    loaded = T.MBartForConditionalGeneration.from_pretrained(folder)
    return {
        "stored": stored_keys(folder),
        "pad_token_id": T.AutoConfig.from_pretrained(folder).pad_token_id,
        "tie_word_embeddings": loaded.config.tie_word_embeddings,
        "lm_head_is_input_embedding": loaded.get_output_embeddings().weight is loaded.get_input_embeddings().weight,
        "pad_row": [float(x) for x in loaded.model.shared.weight[1][:2]],
    }


def marian_unshared() -> dict:
    torch.manual_seed(7)
    config = T.MarianConfig(**BART, pad_token_id=99, decoder_start_token_id=99, share_encoder_decoder_embeddings=False,
                            decoder_vocab_size=100)
    model = T.MarianMTModel(config)
    with torch.no_grad():
        model.model.encoder.embed_tokens.weight[99].fill_(0.5)
    folder = save(model, "marian-unshared")
    loaded = T.MarianMTModel.from_pretrained(folder)
    output = loaded.get_output_embeddings().weight
    return {
        "stored": stored_keys(folder),
        "share_encoder_decoder_embeddings": loaded.config.share_encoder_decoder_embeddings,
        "output_is_encoder_embedding": output is loaded.model.encoder.embed_tokens.weight,
        "output_is_decoder_embedding": output is loaded.model.decoder.embed_tokens.weight,
        "encoder_pad_row_zero": bool((loaded.model.encoder.embed_tokens.weight[99] == 0).all()),
    }


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    expected = {
        "transformers_version": T.__version__,
        "torch_version": torch.__version__.split("+")[0],
        "pegasus-untied-copies": pegasus_untied_copies(),
        "pegasus": pegasus(),
        "t5-v11": t5_v11(),
        "gpt2-pad": gpt2_pad(),
        "ibert": ibert(),
        "mbart-no-pad": mbart_no_pad(),
        "marian-unshared": marian_unshared(),
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(f"wrote {HERE}")


if __name__ == "__main__":
    main()

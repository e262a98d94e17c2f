#!/usr/bin/env python3
"""Writes composite-model-types.json and Sources/ModelKnowledge/CompositeModelTypes.swift: the
model types whose transformers config class has a `text_config` sub-config (LlavaConfig,
PaliGemmaConfig, Qwen2VLConfig, …), i.e. `"text_config" in CONFIG_MAPPING[t].sub_configs`.
Such a class builds its text model from the text_config. Also the types among them whose class,
given no text_config, builds one from the top-level fields (`forwards_top_level`:
`CONFIG_MAPPING[t](pad_token_id=5).text_config.pad_token_id == 5`, Qwen2-VL's flat configs);
and, for a sample of them built on the meta device (`built_with_text_config_pad`), the input
embedding's padding_idx when the top level says 5 and the text_config 7; and for every one whose
LM class builds from its defaults (`ties`), whether that class ties its output projection under
each of the twelve combinations of a top-level and a text_config tie_word_embeddings
(`measured_ties`).
Needs: pip install transformers. `CompositeModelTypesTests` checks the Swift lists against the
JSON."""
import json
import pathlib
import warnings

import torch
import transformers
from transformers import AutoModel
from transformers.models.auto.configuration_auto import CONFIG_MAPPING

SAMPLE = ["llava", "llava_next", "blip-2", "instructblip", "voxtral", "qwen2_audio", "mllama", "llama4", "kosmos-2",
          "paligemma", "mistral3", "idefics3", "qwen2_vl"]

HERE = pathlib.Path(__file__).parent
SWIFT = HERE.parent.parent / "Sources" / "ModelKnowledge" / "CompositeModelTypes.swift"


# The states of tie_word_embeddings measured, in the order of each `ties` string: the top level
# absent, true, false; for each, the text_config absent (no text_config key), present without
# the key, true, false.
TOP_STATES = [None, True, False]
TEXT_STATES = ["none", "unset", True, False]


def lm_class(model_type, architectures):
    """The first class (by name) of `model_type` in architectures.json with an output projection
    transformers may tie (not `never_ties`), or None."""
    names = sorted(name for name, fact in architectures.items()
                   if fact["model_type"] == model_type and fact["output_projection"] and not fact.get("never_ties"))
    for name in names:
        if hasattr(transformers, name):
            return name
    return None


def measured_ties(types):
    """For each composite type with an LM class that builds from its default config on the meta
    device: {"class": name, "ties": twelve characters, "1" where the class built from
    CONFIG_MAPPING[t](tie_word_embeddings=top, text_config=...) has get_output_embeddings().weight
    is get_input_embeddings().weight, "0" where not, in TOP_STATES × TEXT_STATES order}. The
    text_config given is: none, no text_config argument at all (a class may then build one from
    the top-level fields); unset, an empty dict; else {"tie_word_embeddings": value}. Types whose
    class does not build are left out (a model of theirs stays "unknown")."""
    architectures = json.loads((HERE / "architectures.json").read_text())["architectures"]
    out = {}
    for t in types:
        name = lm_class(t, architectures)
        if name is None:
            continue
        cls = getattr(transformers, name)
        bits = []
        try:
            for top in TOP_STATES:
                for text in TEXT_STATES:
                    kwargs = {} if top is None else {"tie_word_embeddings": top}
                    if text == "unset":
                        kwargs["text_config"] = {}
                    elif text != "none":
                        kwargs["text_config"] = {"tie_word_embeddings": text}
                    with torch.device("meta"):
                        model = cls(CONFIG_MAPPING[t](**kwargs))
                    output, embedding = model.get_output_embeddings(), model.get_input_embeddings()
                    bits.append("1" if output is not None and embedding is not None and output.weight is embedding.weight else "0")
        except Exception:  # noqa: BLE001 - a class that does not build from defaults is left out
            continue
        out[t] = {"class": name, "ties": "".join(bits)}
        # A class that reads the text_config's value takes a missing one from the text model's
        # own class: measured again with a Llama (default false) and a Gemma (default true) text
        # model, the key left out, for the top level absent, true, false.
        if any(bits[row * 4 + 2] != bits[row * 4 + 3] for row in range(3)):
            by_text = {}
            try:
                for text_type in ("llama", "gemma"):
                    answers = []
                    for top in TOP_STATES:
                        kwargs = {} if top is None else {"tie_word_embeddings": top}
                        kwargs["text_config"] = {"model_type": text_type, "vocab_size": 64, "hidden_size": 16, "intermediate_size": 32,
                                                 "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 8}
                        with torch.device("meta"):
                            model = cls(CONFIG_MAPPING[t](**kwargs))
                        output, embedding = model.get_output_embeddings(), model.get_input_embeddings()
                        answers.append("1" if output is not None and embedding is not None and output.weight is embedding.weight else "0")
                    by_text[text_type] = "".join(answers)
                out[t]["ties_with_text_model"] = by_text
            except Exception:  # noqa: BLE001 - a class that takes no such text model is left without
                pass
    return out


def main():
    warnings.filterwarnings("ignore")
    types = sorted(t for t in CONFIG_MAPPING.keys()
                   if "text_config" in (getattr(CONFIG_MAPPING[t], "sub_configs", {}) or {}))
    forwards = []
    for t in types:
        try:
            text = getattr(CONFIG_MAPPING[t](pad_token_id=5), "text_config", None)
        except Exception:  # a class that cannot be built without arguments forwards nothing known
            continue
        if text is not None and getattr(text, "pad_token_id", None) == 5:
            forwards.append(t)
    built = {}
    transformers.logging.set_verbosity_error()
    for t in SAMPLE:
        with torch.device("meta"):
            model = AutoModel.from_config(CONFIG_MAPPING[t](pad_token_id=5, text_config={"pad_token_id": 7}))
        built[t] = model.get_input_embeddings().padding_idx
    ties = measured_ties(types)
    document = {"transformers_version": transformers.__version__, "built_with_text_config_pad": built, "ties": ties,
                "how": "sorted(t for t in CONFIG_MAPPING if 'text_config' in CONFIG_MAPPING[t].sub_configs); forwards_top_level: "
                       "CONFIG_MAPPING[t](pad_token_id=5).text_config.pad_token_id == 5; built_with_text_config_pad: "
                       "AutoModel.from_config(CONFIG_MAPPING[t](pad_token_id=5, text_config={'pad_token_id': 7})) on the meta "
                       "device, get_input_embeddings().padding_idx; ties: see measured_ties",
                "model_types": types, "forwards_top_level": forwards}
    (HERE / "composite-model-types.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    lines = [f"// Generated by TestData/knowledge/generate_composite_types.py from transformers {transformers.__version__}; do not edit.",
             "// `CompositeModelTypesTests` checks it against TestData/knowledge/composite-model-types.json.",
             "",
             "extension ModelTypeFacts {",
             "    /// The model types whose transformers config class has a `text_config` sub-config,",
             "    /// one a line (a string, not a set literal: a literal of this many entries is slow to",
             "    /// compile).",
             '    static let compositeTypeLines = """']
    lines += [f"        {t}" for t in types]
    lines += ['        """', "",
              "    /// Those whose class, given no text_config, builds one from the top-level fields.",
              '    static let forwardingTypeLines = """']
    lines += [f"        {t}" for t in forwards]
    lines += ['        """', "",
              "    /// Whether each composite type's LM class ties its output projection to its input",
              "    /// embedding, measured by building it: `type class bits`, the twelve bits for the top-level",
              "    /// tie_word_embeddings absent, true, false, each with the text_config absent, present without",
              "    /// the key, true, false (`CompositeTies`); `nested-type` when a text_config's own model_type",
              "    /// decides a missing nested value (measured with a Llama and a Gemma text model).",
              '    static let compositeTieLines = """']
    def nested(t):
        by_text = ties[t].get("ties_with_text_model", {})
        return " nested-type" if len(set(by_text.values())) > 1 else ""
    lines += [f"        {t} {ties[t]['class']} {ties[t]['ties']}{nested(t)}" for t in sorted(ties)]
    lines += ['        """', "}", ""]
    SWIFT.write_text("\n".join(lines))
    print(f"{len(types)} composite model types")


if __name__ == "__main__":
    main()

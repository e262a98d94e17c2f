#!/usr/bin/env python3
"""Writes architectures.json and Sources/ModelKnowledge/ArchitectureFacts+Table.swift: which
transformers model classes have an output projection (an LM head) at all.

Why: config.json's `architectures` names the class a checkpoint was saved from. A class with no
output projection (`BertModel`, `...ForSequenceClassification`) ties nothing to its input
embedding, whatever `tie_word_embeddings` or the model type's default says: those speak of the
classes of the type that have an LM head. all-MiniLM-L6-v2 says `"architectures": ["BertModel"]`.

How: for every model type transformers registers (those of generate_model_types.py first), every
PreTrainedModel subclass defined in that type's modeling module (recorded under its own config
class's model type; abstract `*PreTrainedModel` bases left out) is built on PyTorch's meta device
from its config class's defaults (no memory, no weights), and
`model.get_output_embeddings() is not None` is recorded: the method transformers' own tying
(`tie_weights`) takes the output layer from. Built with tie_word_embeddings true (top level and
text_config), a class whose output projection is still a weight of its own, and that no key of
its `_tied_weights_keys` names, is recorded `never_ties` (BigBirdPegasusForCausalLM,
xLSTMForCausalLM, LukeForMaskedLM): an equal stored copy is two parameters there, not a tie.
Composite classes (a config class with sub-configs: EncoderDecoderModel, multimodal models) are
never recorded so: they tie inside a sub-model by its own config. Classes of other model types that do not build from
default configs are counted, not listed; a class named like an LM or pre-training head without an
output module is left out (LM_NAMED).

Needs `pip install transformers torch`. Re-run after a transformers upgrade and check the diff.
"""
import importlib
import json
import re
import pathlib
import sys
import warnings

import torch
import transformers
from transformers import CONFIG_MAPPING, PreTrainedModel

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from generate_model_types import MODEL_TYPES  # noqa: E402

HERE = pathlib.Path(__file__).parent
SWIFT = HERE.parent.parent / "Sources" / "ModelKnowledge" / "ArchitectureFacts+Table.swift"


# A class without get_output_embeddings() whose name says it makes token logits (or is a
# pre-training head) may compute them from the input embedding itself, with no module of its own
# (PerceiverForMaskedLM decodes through its embedding layer): "nothing is tied" would be wrong
# there, so such classes are left out (the tying question falls to the config and defaults).
# Read in their code instead: discriminators scoring each token as replaced or not (one logit
# a token, through a dense layer of their own: no vocabulary, nothing tied).
DISCRIMINATORS = {"ElectraForPreTraining", "FunnelForPreTraining"}
# Named like a generation head, read in their code as bare encoders ("outputting raw
# hidden-states"): no logits at all.
ENCODERS = {"BertGenerationEncoder"}
LM_NAMED = re.compile(r"CausalLM|MaskedLM|LMHead|WithLMHead|ConditionalGeneration|PreTraining|Generation|ForSpeechToText|Seq2SeqLM")


def classes(model_type):
    config_class = CONFIG_MAPPING[model_type]
    module = importlib.import_module(config_class.__module__.replace(".configuration_", ".modeling_"))
    for name in sorted(dir(module)):
        value = getattr(module, name)
        if (isinstance(value, type) and issubclass(value, PreTrainedModel) and value.__module__ == module.__name__
                and not name.lower().endswith("pretrainedmodel")):
            yield name, value


def build(model_class):
    """The class built on the meta device under `tying_config`, and True; or, when that config
    does not build (a class whose config checks the attribute), under its default config, and
    False (nothing then said of its tying)."""
    try:
        with torch.device("meta"):
            return model_class(tying_config(model_class.config_class)), True
    except Exception:  # noqa: BLE001
        with torch.device("meta"):
            return model_class(model_class.config_class()), False


def tying_config(config_class):
    """The class's default config with tie_word_embeddings true at the top level and in a
    text_config (LlavaConfig reads the nested one): the config under which a class that can
    tie its output projection does."""
    config = config_class()
    for target in (config, getattr(config, "text_config", None)):
        if target is not None:
            try:
                target.tie_word_embeddings = True
            except Exception:  # noqa: BLE001 - a config that refuses the attribute
                pass
    return config


def never_ties(model):
    """Whether the model's output projection stays a weight of its own although the config says
    tie_word_embeddings true: not the input embedding's weight after post_init's tie_weights,
    and no key of the class's `_tied_weights_keys` names it (BigBirdPegasusForCausalLM and
    xLSTMForCausalLM have none; LukeForMaskedLM ties only its entity head and a bias)."""
    output, embedding = model.get_output_embeddings(), model.get_input_embeddings()
    weight = getattr(output, "weight", None)
    if weight is None or (embedding is not None and weight is getattr(embedding, "weight", None)):
        return False
    names = {name for name, parameter in model.named_parameters(remove_duplicate=False) if parameter is weight}
    keys = getattr(model, "_tied_weights_keys", None) or {}
    keys = set(keys.keys() if isinstance(keys, dict) else keys)
    return not any(key in names or any(re.fullmatch(key, name) for name in names) for key in keys if isinstance(key, str))


def main() -> None:
    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    out, excluded, failed = {}, {}, 0
    # The table's model types first (their classes are what ModelTypeFacts speaks of), then
    # every other model type transformers registers, whose classes built from default configs.
    for model_type in MODEL_TYPES + sorted(set(CONFIG_MAPPING.keys()) - set(MODEL_TYPES)):
        try:
            found = list(classes(model_type))
        except Exception:  # noqa: BLE001 - a config without a modeling module (or its extra dependency)
            continue
        for name, model_class in found:
            if name in out or name in excluded:
                continue  # one class registered under several model types: its own config's type wins below
            try:
                model, tying = build(model_class)
                has_output = model.get_output_embeddings() is not None
                # Composite models (a config with sub-configs: encoder-decoder, multimodal) tie
                # inside a sub-model by its own config, which the top-level check does not see.
                never = tying and has_output and not getattr(model_class.config_class, "sub_configs", None) and never_ties(model)
            except Exception:  # noqa: BLE001 - classes that need more than default config values
                if model_type in MODEL_TYPES:
                    raise
                failed += 1
                continue
            # The class's own config names its model type: gemma3 and gemma3_text share a module.
            # A sub-model whose config has no model type (an audio decoder inside an omni
            # model) is no class a config.json names.
            if not model_class.config_class.model_type:
                continue
            fact = {"model_type": model_class.config_class.model_type, "output_projection": has_output}
            if never:
                fact["never_ties"] = True
            if not has_output and LM_NAMED.search(name) and name not in DISCRIMINATORS | ENCODERS:
                excluded[name] = fact
            else:
                out[name] = fact
    document = {
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "how": "every PreTrainedModel subclass of every model type's modeling module, built on the meta device "
               "from its config class's defaults with tie_word_embeddings true: output_projection = get_output_embeddings() is not None; "
               "never_ties: its weight is not the input embedding's and no _tied_weights_keys key names it; "
               "classes named like an LM or pre-training head without one are left out (excluded)",
        "classes_not_built": failed,
        "architectures": out,
        "excluded": excluded,
    }
    (HERE / "architectures.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    lines = [
        "// Generated by TestData/knowledge/generate_architectures.py from transformers "
        f"{transformers.__version__}; do not edit.",
        "// `ArchitectureFactsTests` checks it against TestData/knowledge/architectures.json.",
        "",
        "extension ArchitectureFacts {",
        "    /// One class a line: name, model type, 1 when it has an output projection, 2 when it has one",
        "    /// transformers never ties to the input embedding. A string, not a",
        "    /// dictionary literal: a literal of this many entries took the compiler half a minute.",
        '    static let generatedRows = """',
    ]
    for name in sorted(out):
        fact = out[name]
        column = 2 if fact.get("never_ties") else (1 if fact["output_projection"] else 0)
        lines.append(f'        {name} {fact["model_type"]} {column}')
    lines += ['        """', "}", ""]
    SWIFT.write_text("\n".join(lines))
    heads = sum(f["output_projection"] for f in out.values())
    print(f"wrote {len(out)} classes ({heads} with an output projection; {len(excluded)} excluded, {failed} not built), "
          f"transformers {transformers.__version__}")


if __name__ == "__main__":
    main()

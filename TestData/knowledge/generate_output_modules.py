#!/usr/bin/env python3
"""Writes output-modules.json: where transformers' model classes keep their output projection.

Why: a checkpoint names its tensors by module path, and tensoraudit decides which matrix is the
output projection (the LM head that tying shares with the input embedding) by that name
(`TensorNames.isOutputProjection`). RoBERTa's head has `lm_head.dense.weight` (a hidden layer)
beside `lm_head.decoder.weight` (the projection), so "any name containing lm_head" was wrong;
DistilBERT's is `vocab_projector`, Whisper's `proj_out`, XLNet's `lm_loss`. This survey is the
independent source the Swift rule is tested against.

How: every PreTrainedModel subclass of every model type's modeling module (abstract
`*PreTrainedModel` bases left out) is built on PyTorch's meta device from its config class's
defaults (no memory, no weights); for those whose `get_output_embeddings()` is not None (the
module transformers' own `tie_weights` ties), the module's path among `named_modules()` is
recorded, with how many classes use it and up to three of them. Classes that fail to build from
default configs are counted, not listed.

Needs `pip install transformers torch`; takes a few minutes. Re-run after a transformers upgrade.
"""
import collections
import importlib
import json
import pathlib
import warnings

import torch
import transformers
from transformers import CONFIG_MAPPING, PreTrainedModel

HERE = pathlib.Path(__file__).parent


def main() -> None:
    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    paths = collections.defaultdict(list)
    built = failed = 0
    for model_type in sorted(CONFIG_MAPPING.keys()):
        config_class = CONFIG_MAPPING[model_type]
        try:
            module = importlib.import_module(config_class.__module__.replace(".configuration_", ".modeling_"))
        except Exception:  # noqa: BLE001 - a config without a modeling module (or its extra dependency)
            continue
        for name in sorted(dir(module)):
            value = getattr(module, name)
            if not (isinstance(value, type) and issubclass(value, PreTrainedModel) and value.__module__ == module.__name__
                    and not name.lower().endswith("pretrainedmodel")):
                continue
            try:
                with torch.device("meta"):
                    model = value(value.config_class())
                output = model.get_output_embeddings()
            except Exception:  # noqa: BLE001 - classes that need more than default config values
                failed += 1
                continue
            built += 1
            if output is None:
                continue
            path = next((key for key, sub in model.named_modules() if sub is output), None)
            kind = type(output).__name__
            paths[path].append((name, kind))
    document = {
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "classes_built": built,
        "classes_not_built": failed,
        "how": "get_output_embeddings() of every PreTrainedModel subclass built on the meta device from default "
               "configs; its path among named_modules()",
        "paths": {str(path): {"classes": len(users), "examples": sorted({n for n, _ in users})[:3],
                              "module_kinds": sorted({k for _, k in users})}
                  for path, users in sorted(paths.items(), key=lambda item: str(item[0]))},
    }
    (HERE / "output-modules.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"{built} classes built ({failed} not), {len(paths)} output module paths, transformers {transformers.__version__}")


if __name__ == "__main__":
    main()

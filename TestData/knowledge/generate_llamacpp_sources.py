#!/usr/bin/env python3
"""Which Hugging Face model types llama.cpp's converter writes as each GGUF architecture.

Usage: python3 TestData/knowledge/generate_llamacpp_sources.py LLAMA_CPP_DIR
LLAMA_CPP_DIR: a llama.cpp source tree with `convert_hf_to_gguf.py` and `conversion/`; the table
in the repository was made from the one vendored in the llama-cpp-python 0.3.36 sdist
(`vendor/llama.cpp`). Needs torch, numpy and transformers (5.24.0 was used), as the converter does.

The converter picks a class by the `architectures` names in config.json
(`@ModelBase.register("BertForMaskedLM", ...)`); the class's `model_arch` is the GGUF
`general.architecture`. Some classes choose it in `__init__` (`self.model_arch = ...`): an
assignment at the top level of `__init__` replaces the class's own architecture (NomicBertModel
always writes nomic-bert), one under an `if` adds an alternative (XLMRobertaModel writes bert,
or jina-bert-v3 for a model with LoRA adaptations). Each registered name is turned into its
model_type by transformers' auto-model tables (`MODEL_*_MAPPING_NAMES`); names transformers
does not know are listed under "unmapped".

Writes TestData/knowledge/llamacpp-sources.json: {"architectures": {arch: [model types]},
"unmapped": {arch: [class names]}, "classes": {arch: [every registered class name]}}: the
classes say whether a source can be a model without an LM head (`BertModel`), whose embedding
no tie default speaks of. `LlamaCppSourcesTests` holds the Swift table
(`LlamaCppSources.modelTypes`) against it for the architectures without an output projection.
"""
import inspect
import json
import os
import pathlib
import re
import sys


def possible_architectures(cls, gguf):
    """The GGUF architectures a converter class can write: its class attribute, unless an
    unconditional assignment in an `__init__` replaces it, plus every assigned alternative."""
    names = {gguf.MODEL_ARCH_NAMES[cls.model_arch]}
    for klass in cls.__mro__:
        if "__init__" not in klass.__dict__ or not klass.__module__.startswith("conversion"):
            continue
        lines = inspect.getsource(klass.__init__).splitlines()
        body = min((len(l) - len(l.lstrip()) for l in lines[1:] if l.strip()), default=0)
        for line in lines:
            if not re.search(r"self\.model_arch\s*=", line):
                continue
            assigned = {gguf.MODEL_ARCH_NAMES[getattr(gguf.MODEL_ARCH, a)] for a in re.findall(r"MODEL_ARCH\.([A-Z0-9_]+)", line)}
            if len(line) - len(line.lstrip()) == body:
                names = assigned
            else:
                names |= assigned
    return names


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    sys.path[:0] = [str(root / "gguf-py"), str(root)]
    os.chdir(root)
    import gguf
    import conversion
    from conversion.base import ModelBase, ModelType
    from transformers.models.auto import modeling_auto

    conversion.load_all_models()
    model_types = {}
    for key in dir(modeling_auto):
        if key.startswith("MODEL_") and key.endswith("_MAPPING_NAMES"):
            for model_type, classes in getattr(modeling_auto, key).items():
                for name in classes if isinstance(classes, (list, tuple)) else [classes]:
                    model_types.setdefault(name, set()).add(model_type)
    architectures, unmapped, classes = {}, {}, {}
    for name, cls in sorted(ModelBase._model_classes[ModelType.TEXT].items()):
        for arch in possible_architectures(cls, gguf):
            classes.setdefault(arch, set()).add(name)
            if name in model_types:
                architectures.setdefault(arch, set()).update(model_types[name])
            else:
                unmapped.setdefault(arch, set()).add(name)
    out = {"architectures": {a: sorted(t) for a, t in sorted(architectures.items())},
           "unmapped": {a: sorted(n) for a, n in sorted(unmapped.items())},
           "classes": {a: sorted(n) for a, n in sorted(classes.items())},
           "source": "llama.cpp vendored in llama-cpp-python 0.3.36; transformers " + __import__("transformers").__version__}
    path = pathlib.Path(__file__).resolve().parent / "llamacpp-sources.json"
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


main()

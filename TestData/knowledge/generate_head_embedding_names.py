#!/usr/bin/env python3
"""Writes head-embedding-names.json and Sources/ModelKnowledge/HeadEmbeddingNames+Table.swift:
for each transformers class with an output projection (architectures.json) that holds its base
model under `base_model_prefix`, the prefix, the base model's class, and the name under which the
class stores the input embedding its output layer is tied to.

Why: config.json's `architectures` is copied along when a checkpoint is re-saved, so it can name
a head class the file was not saved from. all-mpnet-base-v2's config names MPNetForMaskedLM
(inherited from microsoft/mpnet-base) while its tensors are MPNetModel's: `embeddings.…` with no
`mpnet.` prefix, a pooler, none of the LM head's own tensors. MPNetForMaskedLM stores its input
embedding as `mpnet.embeddings.word_embeddings.weight`; a file holding it as
`embeddings.word_embeddings.weight`, and nothing under `mpnet.`, was saved from the base model
(review of 2026-12-07: it was called "tied … transformers saves a tied weight once").

How, without building any model: the class attributes `base_model_prefix` and
`_tied_weights_keys` (transformers 5: a dict from the tied parameter to its source, e.g.
{"lm_head.decoder.weight": "mpnet.embeddings.word_embeddings.weight"}), and the base class from
the AutoModel table (`MODEL_MAPPING`) for the class's config class. A class is listed when exactly
one source of its tied keys is an input embedding nested under the prefix (the source of the
key that is the output projection: a key other than a bias) and its LM head — the module holding
the output layer, outside the base model — has parameters of its own (built on PyTorch's meta
device from its config class's defaults: no memory, no weights), which a file saved from the base
model lacks; T5-like classes, whose shared embedding sits at the
top (`shared.weight`), and classes whose head is only the tied matrix (GPT2LMHeadModel: the real
gpt2 checkpoint stores `wte.weight` at the top under its config), are not.

Needs `pip install transformers torch`. Re-run after a transformers upgrade and check the diff.
"""
import importlib
import json
import pathlib
import re

import torch
import transformers
from transformers import CONFIG_MAPPING, MODEL_MAPPING

HERE = pathlib.Path(__file__).parent
SWIFT = HERE.parent.parent / "Sources" / "ModelKnowledge" / "HeadEmbeddingNames+Table.swift"


def head_class(name, model_type):
    config_class = CONFIG_MAPPING[model_type]
    module = importlib.import_module(config_class.__module__.replace(".configuration_", ".modeling_"))
    return getattr(module, name, None)


def main():
    facts = json.loads((HERE / "architectures.json").read_text())["architectures"]
    rows = {}
    for name in sorted(facts):
        fact = facts[name]
        if not fact["output_projection"] or fact.get("never_ties"):
            continue
        try:
            cls = head_class(name, fact["model_type"])
        except Exception:  # noqa: BLE001
            continue
        if cls is None:
            continue
        prefix = getattr(cls, "base_model_prefix", "") or ""
        tied = getattr(cls, "_tied_weights_keys", None)
        if not prefix or not isinstance(tied, dict):
            continue
        sources = {source for target, source in tied.items() if not target.endswith(".bias") and isinstance(source, str)}
        if len(sources) != 1:
            continue
        source = sources.pop()
        # A plain parameter name (some keys are regular expressions: `…weight$`).
        if not re.fullmatch(r"[A-Za-z0-9_.]+", source) or not source.startswith(prefix + "."):
            continue
        try:
            base = MODEL_MAPPING[cls.config_class]
        except Exception:  # noqa: BLE001
            continue
        if not isinstance(base, type) or base is cls:
            continue
        # The head's own parameters: outside the base model and not tied to anything. A class
        # with none (GPT2LMHeadModel: its lm_head.weight is the tied embedding) saved without its
        # prefix is indistinguishable from its base model, so it is not listed (the real gpt2
        # checkpoint stores `wte.weight` at the top under a GPT2LMHeadModel config).
        try:
            with torch.device("meta"):
                model = cls(cls.config_class())
        except Exception:  # noqa: BLE001
            continue
        # The LM head is the module holding the output projection (`get_output_embeddings()`:
        # `lm_head.decoder` in MPNetForMaskedLM, `cls.predictions.decoder` in BertForMaskedLM):
        # its parent (`lm_head`, `cls.predictions`) is the head whose own tensors a file saved
        # from the class holds. A class whose output layer sits at the top (GPT2LMHeadModel's and
        # GPT2DoubleHeadsModel's `lm_head`) has no such head: its other heads (a multiple-choice
        # head) say nothing of the LM head, and it is not listed.
        output = model.get_output_embeddings()
        path = next((n for n, m in model.named_modules() if m is output), None)
        if not path or "." not in path:
            continue
        head = path.rsplit(".", 1)[0]
        own = sorted(n for n, _ in model.named_parameters(remove_duplicate=False)
                     if n.startswith(head + ".") and n not in tied)
        if not own or head.startswith(prefix + "."):
            continue
        # A weight if there is one (`lm_head.dense.weight` says more than `lm_head.bias`).
        weights = [n for n in own if n.endswith(".weight")]
        # The first name components of the base model's parameters and buffers (`embeddings`,
        # `encoder`, `pooler`): a file saved from the base model holds nothing else. A head whose
        # module a config option renames (DeBERTa-v2's `lm_predictions` when `legacy` is false,
        # hunt-59e P1) or another head (`cls.seq_relationship`) then keeps the rule from firing.
        try:
            with torch.device("meta"):
                base_model = base(cls.config_class())
        except Exception:  # noqa: BLE001
            continue
        roots = sorted({n.split(".", 1)[0] for n, _ in list(base_model.named_parameters(remove_duplicate=False))
                        + list(base_model.named_buffers(remove_duplicate=False))})
        if not roots:
            continue
        rows[name] = {"prefix": prefix, "base_class": base.__name__, "embedding": source, "head": head,
                      "head_tensor": (weights or own)[0], "base_roots": roots}
    out = {"transformers": transformers.__version__, "classes": rows}
    (HERE / "head-embedding-names.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    lines = [f"        {name} {row['prefix']} {row['base_class']} {row['embedding']} {row['head']} {row['head_tensor']} {','.join(row['base_roots'])}"
             for name, row in sorted(rows.items())]
    SWIFT.write_text(
        f"// Generated by TestData/knowledge/generate_head_embedding_names.py from transformers {transformers.__version__}; do not edit.\n"
        "// `HeadEmbeddingNamesTests` checks it against TestData/knowledge/head-embedding-names.json.\n\n"
        "extension HeadEmbeddingNames {\n"
        "    /// One class a line: head class, base_model_prefix, base model class, the name under which the\n"
        "    /// head class stores the input embedding its output layer is tied to, the LM head's module (the\n"
        "    /// parent of the output layer), one of its own parameters (tied to nothing; the first weight), and\n"
        "    /// the first name components of the base model's parameters and buffers, comma-separated.\n"
        "    static let generatedRows = \"\"\"\n" + "\n".join(lines) + "\n        \"\"\"\n}\n")
    print(len(rows), "classes")


if __name__ == "__main__":
    main()

"""Writes expected.json: tensor names and what transformers' own loader renames them to.

The reference for `LoaderRenames` (Sources/TensorAnalysis/Support/LoaderRenames.swift): each
name goes through transformers' `rename_source_key` with the `legacy` renamings (applied to every
model) and, for the `gpt_neox` group, GPTNeoXForCausalLM's renamings first, as
`get_model_conversion_mapping` orders them. Run with transformers 5.25:

    python3 TestData/diff-loader-renames/generate.py
"""
import copy
import json
import os

import transformers
from transformers.conversion_mapping import get_checkpoint_conversion_mapping
from transformers.core_model_loading import rename_source_key

NAMES = [
    "bert.embeddings.LayerNorm.gamma", "bert.embeddings.LayerNorm.beta", "encoder.LayerNorm.weight",
    "head.LayerNorm.gammas", "x.LayerNorm_gamma", "a.LayerNorm.gammax.LayerNorm.gamma",
    "conv.weight_g", "conv.weight_v", "conv.weight_gain", "pos_conv.conv.weight_g",
    "model.language_model.model.layers.0.w", "language_model.model.model.norm.weight",
    "model.language_model.modelx.w", "model.language_model.layers.0.w",
    "embed_out.weight", "x.embed_out.weight", "gpt_neox.embed_in.weight",
]


def renamed(groups):
    transforms = [copy.deepcopy(t) for group in groups for t in get_checkpoint_conversion_mapping(group)]
    return {name: rename_source_key(name, transforms, [])[0] for name in NAMES}


expected = {
    "transformers": transformers.__version__,
    "every_model": renamed(["legacy"]),
    "gpt_neox": renamed(["GPTNeoXForCausalLM", "legacy"]),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.json")
with open(path, "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")

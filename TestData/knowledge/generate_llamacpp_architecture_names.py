#!/usr/bin/env python3
"""Writes llamacpp-architecture-names.json and
Sources/TensorAnalysis/Support/LlamaCppArchitectureNames.swift: gguf-py's Hub → llama.cpp tensor
names, for every GGUF architecture, as the built-in map of `diff`.

gguf-py's `get_tensor_name_map(arch)` (gguf/tensor_mapping.py) maps each Hub name of the tensor
kinds an architecture has (`MODEL_TENSORS[arch]`) to that kind's GGUF name (`TENSOR_NAMES`), a later
kind's entry replacing an earlier one's for the same Hub name, and block names per `{bid}`. This
script resolves every architecture the same way from the same tables (`mappings_cfg`,
`block_mappings_cfg` with `arch_block_mappings_cfg`), reading a fresh copy of the block table per
architecture: gguf-py 0.19's `TensorNameMap.__init__` updates the class's own block table with
Arctic's entries, so after an Arctic map every later map lost llama's `post_attention_layernorm`
→ `ffn_norm`. Hub patterns with placeholders other than one block number (experts `{xid}`) are left
out: the converter stacks those tensors, which no name pairs.

Written: `default`, each Hub pattern's GGUF name in most architectures (no pattern is tied; patterns
ending in `.weight`/`.bias` left out), and `architectures`, each architecture's names where they
differ from that default, and its suffixed patterns (Gemma 2 and 3:
`post_attention_layernorm` → `post_attention_norm`; Falcon: → `attn_norm_2`). `{N}` is a block
number.

Why: one llama/bert table paired a faithful Gemma conversion's norms wrongly and left Phi-3,
StarCoder2, T5, GPT-2 and the other architectures gguf-py knows unpaired (hunt-54a D1, D2).

Usage: python3 TestData/knowledge/generate_llamacpp_architecture_names.py (pip install gguf; the
table in the repository was made with gguf 0.19.0). `LlamaCppNameMapTests` holds the Swift table
against the JSON, and the JSON against gguf-py's own `get_tensor_name_map` answers for sample
architectures.
"""
import collections
import copy
import importlib.metadata
import json
import pathlib

import gguf
from gguf.constants import MODEL_TENSORS, TENSOR_NAMES
from gguf.tensor_mapping import TensorNameMap

ROOT = pathlib.Path(__file__).resolve().parents[2]
PRISTINE_BLOCKS = copy.deepcopy(TensorNameMap.block_mappings_cfg)


def resolve(arch):
    names = {}
    for tensor, keys in TensorNameMap.mappings_cfg.items():
        if tensor in MODEL_TENSORS[arch]:
            for key in keys:
                names[key] = TENSOR_NAMES[tensor]
    blocks = copy.deepcopy(PRISTINE_BLOCKS)
    blocks.update(TensorNameMap.arch_block_mappings_cfg.get(arch, {}))
    for tensor, keys in blocks.items():
        if tensor in MODEL_TENSORS[arch]:
            for key in keys:
                names[key.replace("{bid}", "{N}")] = TENSOR_NAMES[tensor].replace("{bid}", "{N}")
    return {hub: g for hub, g in names.items()
            if hub.count("{N}") <= 1 and "{" not in hub.replace("{N}", "") and "{" not in g.replace("{N}", "")}


def check_against_gguf_py(resolved):
    """The resolution equals gguf-py's own map (built with a fresh block table) at block 7."""
    for arch in (gguf.MODEL_ARCH.LLAMA, gguf.MODEL_ARCH.BERT, gguf.MODEL_ARCH.GEMMA2, gguf.MODEL_ARCH.GEMMA3,
                 gguf.MODEL_ARCH.PHI3, gguf.MODEL_ARCH.GPT2, gguf.MODEL_ARCH.T5, gguf.MODEL_ARCH.FALCON):
        TensorNameMap.block_mappings_cfg = copy.deepcopy(PRISTINE_BLOCKS)
        reference = gguf.get_tensor_name_map(arch, 8)
        for hub, name in resolved[gguf.MODEL_ARCH_NAMES[arch]].items():
            assert reference.get_name(hub.replace("{N}", "7")) == name.replace("{N}", "7"), (arch, hub, name)
    TensorNameMap.block_mappings_cfg = copy.deepcopy(PRISTINE_BLOCKS)


def main():
    resolved = {gguf.MODEL_ARCH_NAMES[arch]: resolve(arch) for arch in gguf.MODEL_ARCH_NAMES}
    check_against_gguf_py(resolved)
    votes = collections.defaultdict(collections.Counter)
    for names in resolved.values():
        for hub, name in names.items():
            votes[hub][name] += 1
    for hub, counts in votes.items():
        top = counts.most_common(2)
        assert len(top) == 1 or top[0][1] > top[1][1], f"{hub}: no majority {top}"
    # A pattern that ends in a suffix itself (`model.layers.{N}.pre_ff_layernorm.weight`) is kept
    # per architecture only: gguf-py looks the whole key up before it strips a suffix, so such a
    # pattern in the default names renamed `pre_ff_layernorm.weight` of an architecture that lacks
    # it to `blk.N.ffn_norm`, dropping the suffix (review-54b N3: Jamba's FFN norms went unpaired).
    def suffixed(hub):
        return hub.endswith((".weight", ".bias"))
    default = {hub: counts.most_common(1)[0][0] for hub, counts in votes.items() if not suffixed(hub)}
    architectures = {}
    for arch, names in sorted(resolved.items()):
        own = {hub: name for hub, name in names.items() if suffixed(hub) or default[hub] != name}
        if own:
            architectures[arch] = own
    version = importlib.metadata.version("gguf")
    document = {"gguf_version": version, "default": default, "architectures": architectures}
    (ROOT / "TestData/knowledge/llamacpp-architecture-names.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    lines = [
        f"// Generated by TestData/knowledge/generate_llamacpp_architecture_names.py from gguf-py {version}; do not edit.",
        "// `LlamaCppNameMapTests` checks it against TestData/knowledge/llamacpp-architecture-names.json.",
        "",
        "extension LlamaCppNameMap {",
        "    /// Each Hub pattern's GGUF name in most architectures (gguf-py's `get_tensor_name_map`);",
        "    /// `{N}` is a block number.",
        "    static let defaultNames: [String: String] = [",
    ]
    lines += [f"        {json.dumps(hub)}: {json.dumps(name)}," for hub, name in sorted(default.items())]
    lines += [
        "    ]",
        "",
        "    /// GGUF `general.architecture` → its names where they differ from `defaultNames`.",
        "    static let architectureNames: [String: [String: String]] = [",
    ]
    for arch, own in architectures.items():
        lines.append(f"        {json.dumps(arch)}: [")
        lines += [f"            {json.dumps(hub)}: {json.dumps(name)}," for hub, name in sorted(own.items())]
        lines.append("        ],")
    lines += ["    ]", "}", ""]
    (ROOT / "Sources/TensorAnalysis/Support/LlamaCppArchitectureNames.swift").write_text("\n".join(lines))
    print(f"{len(default)} Hub patterns; {len(architectures)} architectures with names of their own")


if __name__ == "__main__":
    main()

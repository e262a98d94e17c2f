#!/usr/bin/env python3
"""What llama.cpp does with `output.weight` for each GGUF architecture, read from its source.

Usage: python3 TestData/knowledge/generate_llamacpp_outputs.py LLAMA_CPP_DIR
LLAMA_CPP_DIR: a llama.cpp source tree; the table in the repository was made from the one
vendored in the llama-cpp-python 0.3.36 sdist (`vendor/llama.cpp`), pip's
`llama_cpp_python-0.3.36.tar.gz`.

For every architecture name in `src/llama-arch.cpp` (`{ LLM_ARCH_X, "name" }`) this finds the
model class `src/llama-model.cpp` makes for it (`case LLM_ARCH_X: return new llama_model_y`),
follows `struct llama_model_y : public llama_model_z` in `src/models/models.h` when the class
reuses its parent's `load_arch_tensors`, and sorts that function's `output = create_tensor(...)`
statements (statements, not lines: some calls span lines) into:

  embedding-when-absent  output.weight is optional and, when the file has none, token_embd.weight
                         is loaded in its place (TENSOR_DUPLICATED): the format's tie
  always-embedding       the output is always token_embd.weight (no output.weight is read), or
                         the graph multiplies by tok_embd for the logits (bitnet)
  required               output.weight must be in the file (llama.cpp refuses it otherwise)
  optional               output.weight is optional with no fallback
  none                   no output projection at all (encoders: bert, nomic-bert, ...)

Writes TestData/knowledge/llamacpp-outputs.json; `LlamaCppArchitecturesTests` holds the Swift
table (`LlamaCppArchitectures.outputs`) against it.
"""
import json
import pathlib
import re
import sys


def statements(body):
    return [s.strip() for s in body.split(";")]


def main():
    root = pathlib.Path(sys.argv[1])
    names = dict(re.findall(r'\{\s*(LLM_ARCH_[A-Z0-9_]+),\s*"([^"]+)"\s*\}', (root / "src/llama-arch.cpp").read_text()))
    model_cpp = (root / "src/llama-model.cpp").read_text()
    mapping_fn = re.search(r"llama_model_mapping\(.*?\n}\n", model_cpp, re.S).group(0)
    mapping = dict(re.findall(r"case (LLM_ARCH_[A-Z0-9_]+):\s*return new (llama_model_[a-z0-9_]+)\(", mapping_fn))
    header = (root / "src/models/models.h").read_text()
    parents = dict(re.findall(r"struct (llama_model_[a-z0-9_]+)\s*:\s*public (llama_model_[a-z0-9_]+)", header))
    tensors, graphs = {}, {}
    for f in sorted((root / "src/models").glob("*.cpp")):
        text = f.read_text()
        for cls, body in re.findall(r"void (llama_model_[a-z0-9_]+)::load_arch_tensors\([^)]*\)\s*\{(.*?)\n\}\n", text, re.S):
            tensors[cls] = body
            graphs[cls] = text
    out = {}
    for enum, cls in sorted(mapping.items()):
        name = names[enum]
        while cls not in tensors and cls in parents:
            cls = parents[cls]
        body = tensors.get(cls)
        if body is None:
            sys.exit(f"{name}: no load_arch_tensors for {cls}")
        outputs = [s for s in statements(body) if re.search(r"(^|[^_a-z])output\s*=\s*create_tensor", s)]
        reads_output = any("LLM_TENSOR_OUTPUT," in s for s in outputs)
        duplicates_embedding = any("LLM_TENSOR_TOKEN_EMBD" in s and "TENSOR_DUPLICATED" in s for s in outputs)
        if reads_output and duplicates_embedding:
            kind = "embedding-when-absent"
        elif duplicates_embedding or re.search(r"build_lora_mm\(model\.tok_embd", graphs[cls]):
            kind = "always-embedding"
        elif any("LLM_TENSOR_OUTPUT," in s and "TENSOR_NOT_REQUIRED" not in s for s in outputs):
            kind = "required"
        elif reads_output:
            kind = "optional"
        else:
            kind = "none"
        out[name] = kind
    target = pathlib.Path(__file__).resolve().parent / "llamacpp-outputs.json"
    target.write_text(json.dumps({"source": "llama.cpp vendored in llama-cpp-python 0.3.36", "architectures": out},
                                 indent=1, sort_keys=True) + "\n")
    counts = {}
    for kind in out.values():
        counts[kind] = counts.get(kind, 0) + 1
    print("wrote", target, counts)


if __name__ == "__main__":
    main()

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
  none                   no output projection at all (encoders: bert, nomic-bert, ...), or one
                         loaded but never used: the architecture's graph (found through
                         `build_arch_graph`, `using graph = ...` and base classes) never sets
                         `res->t_logits` (t5encoder, gemma-embedding; their loaders put
                         token_embd.weight in a missing output's place all the same)

Writes TestData/knowledge/llamacpp-outputs.json; `LlamaCppArchitecturesTests` holds the Swift
table (`LlamaCppArchitectures.outputs`) against it.
"""
import json
import pathlib
import re
import sys


def statements(body):
    return [s.strip() for s in body.split(";")]


def braced(text, start):
    """The brace-balanced block that starts at the first `{` at or after `start`."""
    i = text.index("{", start)
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i:j + 1]
    return text[i:]


def sets_logits(body, param, value):
    """Whether a graph constructor's body sets `res->t_logits` when its template parameter
    `param` (or none) is `value`: blocks under `if constexpr (!param)` / `if constexpr (param)`
    that the value turns off are left out."""
    if param is not None and value in ("true", "false"):
        guard = f"if constexpr (!{param})" if value == "true" else f"if constexpr ({param})"
        while guard in body:
            i = body.index(guard)
            block = braced(body, i)
            body = body[:i] + body[body.index(block, i) + len(block):]
    return "t_logits" in body


def graph_logits(root, header, mapping, parents):
    """Per model class: whether its graph makes logits (an output projection in use), or None
    when the graph cannot be found. The class's `build_arch_graph` picks `graph<true|false>`;
    `using graph = X::graph<...>` in models.h and base classes lead to the constructor."""
    structs = {m.group(1): m.group(2) for m in re.finditer(r"^struct (llama_model_[a-z0-9_]+)[^{]*\{(.*?)^\};", header, re.S | re.M)}
    alias = {}
    for cls, body in structs.items():
        a = re.search(r"using graph\s*=\s*(llama_model_[a-z0-9_]+)::graph(?:<([^>]*)>)?", body)
        if a:
            alias[cls] = (a.group(1), a.group(2))
    constructors, builds = {}, {}
    for f in sorted((root / "src/models").glob("*.cpp")):
        text = f.read_text()
        for m in re.finditer(r"(?:template\s*<\s*bool\s+(\w+)\s*>\s*)?(llama_model_[a-z0-9_]+)::graph(?:<([^>]*)>)?::graph\(", text):
            param, cls, arg = m.groups()
            constructors[(cls, "*" if param else arg)] = (param, braced(text, m.end()))
        for m in re.finditer(r"(llama_model_[a-z0-9_]+)::build_arch_graph\(", text):
            builds[m.group(1)] = braced(text, m.end())
    result = {}
    for cls in set(mapping.values()):
        c = cls
        while c not in builds and c in parents:
            c = parents[c]
        args = set(re.findall(r"graph<\s*(true|false)\s*>", builds.get(c, ""))) or {None}
        answers = []
        for arg in args:
            c, a = cls, arg
            for _ in range(20):
                if (c, a) in constructors or (c, "*") in constructors:
                    break
                if c in alias:
                    c, given = alias[c]
                    a = given if given in ("true", "false") else a
                elif c in parents:
                    c = parents[c]
                else:
                    break
            if (c, a) in constructors:
                answers.append(sets_logits(constructors[(c, a)][1], None, None))
            elif (c, "*") in constructors:
                param, body = constructors[(c, "*")]
                answers.append(sets_logits(body, param, a))
        result[cls] = any(answers) if answers else None
    return result


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
    logits = graph_logits(root, header, mapping, parents)
    out = {}
    for enum, cls in sorted(mapping.items()):
        name = names[enum]
        # An encoder whose loader still loads an output tensor (t5encoder, gemma-embedding:
        # token_embd in its place) but whose graph never makes logits uses no output projection.
        if logits.get(cls) is False:
            out[name] = "none"
            continue
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

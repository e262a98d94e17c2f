#!/usr/bin/env python3
"""Writes the GGUF files of a review of the GGUF reader against llama.cpp (2026-12-05), with
gguf-py's GGUFWriter (the reference writer), and expected.json with numpy's facts about them:

- same-values-f16-f32.gguf: token_embd.weight as F16 and output.weight as F32 holding the very
  same values (the bytes differ because the types do; expected: values_equal true).
- gemma-with-output.gguf: architecture gemma (llama.cpp's gemma loader always uses
  token_embd.weight as the output and never reads output.weight) with an output.weight.
- output-rows-mismatch.gguf: 64 tokens, token_embd.weight [64, 32] but output.weight [72, 32]
  (llama.cpp makes output.weight with one row per token and refuses the file).
- name-64.gguf / name-63.gguf: a tensor name of 64 / 63 bytes (llama.cpp's gguf.cpp refuses
  `name.length() >= GGML_MAX_NAME`, 64; the GGUF spec allows up to 64).
- tok-no-model.gguf / tok-model-none.gguf: tokens without `tokenizer.ggml.model` (llama.cpp's
  vocabulary loader requires the key) and with the model "none" (it reads no vocabulary).
The other files state `tokenizer.ggml.model` "gpt2" beside their tokens.

Needs: pip install gguf numpy. Fixed seed.
"""
import json
import pathlib

import numpy as np
from gguf import GGUFReader, GGUFWriter

HERE = pathlib.Path(__file__).parent
V, H = 64, 32


def write(name, arch, tensors, tokens=True, model="gpt2"):
    writer = GGUFWriter(str(HERE / name), arch)
    if tokens:
        if model is not None:
            writer.add_tokenizer_model(model)  # llama.cpp requires it beside the tokens
        writer.add_array("tokenizer.ggml.tokens", [f"t{i}" for i in range(V)])
        writer.add_uint32("tokenizer.ggml.padding_token_id", 0)
    for tensor_name, array in tensors:
        writer.add_tensor(tensor_name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main() -> None:
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((V, H)) * 0.05).astype(np.float32)
    x[0] = 0.01
    half = x.astype(np.float16)
    write("same-values-f16-f32.gguf", "llama", [("token_embd.weight", half), ("output.weight", half.astype(np.float32))])
    other = (rng.standard_normal((V, H)) * 0.05).astype(np.float32)
    write("gemma-with-output.gguf", "gemma", [("token_embd.weight", x), ("output.weight", other)])
    write("output-rows-mismatch.gguf", "llama", [("token_embd.weight", x), ("output.weight", np.vstack([x, x[:8]]))])
    write("tok-no-model.gguf", "llama", [("token_embd.weight", x)], model=None)
    write("tok-model-none.gguf", "llama", [("token_embd.weight", x)], model="none")
    small = np.zeros((2, 32), dtype=np.float32)
    write("name-64.gguf", "llama", [("a" * 64, small)], tokens=False)
    write("name-63.gguf", "llama", [("a" * 63, small)], tokens=False)

    facts = {}
    for path in sorted(HERE.glob("*.gguf")):
        reader = GGUFReader(str(path))
        tensors = {t.name: t for t in reader.tensors}
        entry = {"tensors": {t.name: {"type": t.tensor_type.name, "shape": [int(d) for d in reversed(t.shape.tolist())],
                                      "name_bytes": len(t.name.encode())} for t in reader.tensors}}
        if "token_embd.weight" in tensors and "output.weight" in tensors:
            a = np.asarray(tensors["token_embd.weight"].data, dtype=np.float64)
            b = np.asarray(tensors["output.weight"].data, dtype=np.float64)
            entry["values_equal"] = bool(a.shape == b.shape and np.array_equal(a, b))
        field = reader.get_field("tokenizer.ggml.tokens")
        entry["tokens"] = len(field.data) if field is not None else None
        model = reader.get_field("tokenizer.ggml.model")
        entry["tokenizer_model"] = model.contents() if model is not None else None
        facts[path.name] = entry
    (HERE / "expected.json").write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(facts)} files to {HERE}")


if __name__ == "__main__":
    main()

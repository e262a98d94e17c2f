#!/usr/bin/env python3
"""Writes sharded-duplicate/: a tiny LlamaForCausalLM saved whole (`single/`) and as three
safetensors shards in which `model.norm.weight` is stored twice, and expected.json with the copy
transformers 5.25's `from_pretrained` loads (hunt-52a D9), never tensoraudit's answer.

Why transformers loads the copy it does (modeling_utils.py, transformers 5.25): the shard files are
`sorted(set(index["weight_map"].values()))` (utils/hub.py, `get_checkpoint_shard_files`), and
`_load_pretrained_model` merges every key of every one of them into one dict in that order
(`merged_state_dict[k] = file_pointer.get_slice(k)` for safetensors, `.update(load_state_dict(f))`
for .bin): a later file's copy replaces an earlier one's. So the copy loaded is the one in the shard
whose name, as the index writes it, sorts last (Python's str order: code points), whichever shard
the index maps the name to; a shard the index does not name is not read. safetensors itself has no
sharded loader (one file at a time); huggingface_hub's `load_torch_model` loads
`list(set(...))` of the shards, an order Python's string hashing makes differ between runs.

Folders (each with the same config.json):
- `single/`: model.safetensors, the model as saved.
- `index-first/`: shards a.safetensors, b.safetensors, c.safetensors (the index names them in
  that order); the real `model.norm.weight` in a (where the index maps it), a copy filled with
  7.0 in c.
- `index-last/`: the same shards, the index mapping the name to c.
- `reversed/`: the 7.0 copy in a (where the index maps it), the real one in c.
- `unsorted/`: shards named z.safetensors (the real one, first in the index) and m.safetensors
  (the 7.0 copy): index order and name order disagree.
expected.json: per folder, the shard whose copy `from_pretrained` loaded, its first value, and
whether the loaded model equals `single/`'s in every parameter.

Needs: pip install torch transformers safetensors. Run: python3 TestData/sharded-duplicate/generate.py
"""
import json
import pathlib
import shutil
import warnings

import torch
import transformers as T
from safetensors.torch import save_file

warnings.filterwarnings("ignore")
T.logging.set_verbosity_error()
HERE = pathlib.Path(__file__).parent
NAME = "model.norm.weight"


def write(folder, shards, index_of_name):
    """`shards`: file name → {tensor name: tensor}, in the order the index names them."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    weight_map = {}
    for file, tensors in shards.items():
        save_file(tensors, str(folder / file), metadata={"format": "pt"})
        for name in tensors:
            weight_map.setdefault(name, file)
    weight_map[NAME] = index_of_name
    total = sum(t.numel() * t.element_size() for tensors in shards.values() for name, t in tensors.items())
    # Keys in the order the shards were listed, so the index names the shards in that order.
    ordered = {name: weight_map[name] for tensors in shards.values() for name in tensors}
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": total}, "weight_map": ordered}, indent=1) + "\n")
    shutil.copyfile(HERE / "single" / "config.json", folder / "config.json")


def main():
    torch.manual_seed(0)
    model = T.LlamaForCausalLM(T.LlamaConfig(vocab_size=32, hidden_size=8, intermediate_size=16, num_hidden_layers=1,
                                             num_attention_heads=2, num_key_value_heads=1, tie_word_embeddings=False))
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_()
    shutil.rmtree(HERE / "single", ignore_errors=True)
    model.save_pretrained(HERE / "single")
    config = json.loads((HERE / "single" / "config.json").read_text())
    config.pop("transformers_version", None)
    (HERE / "single" / "config.json").write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")
    for extra in (HERE / "single").iterdir():
        if extra.name not in ("config.json", "model.safetensors"):
            extra.unlink()
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    names = sorted(state)
    thirds = [names[0::3], names[1::3], names[2::3]]
    parts = [{n: state[n] for n in third if n != NAME} for third in thirds]
    fake = torch.full_like(state[NAME], 7.0)

    def three(real, copy):
        shards = {file: dict(part) for file, part in zip(["a.safetensors", "b.safetensors", "c.safetensors"], parts)}
        shards["a.safetensors"][NAME] = real
        shards["c.safetensors"][NAME] = copy
        return shards

    write(HERE / "index-first", three(state[NAME], fake), "a.safetensors")
    write(HERE / "index-last", three(state[NAME], fake), "c.safetensors")
    write(HERE / "reversed", three(fake, state[NAME]), "a.safetensors")
    write(HERE / "unsorted", {"z.safetensors": {**parts[0], **parts[1], NAME: state[NAME]},
                              "m.safetensors": {**parts[2], NAME: fake}}, "z.safetensors")

    expected = {"transformers": T.__version__, "tensor": NAME, "real_first_value": float(state[NAME][0]), "copy_value": 7.0}
    for case in ["index-first", "index-last", "reversed", "unsorted"]:
        loaded = T.LlamaForCausalLM.from_pretrained(HERE / case).state_dict()
        value = float(loaded[NAME][0])
        index = json.loads((HERE / case / "model.safetensors.index.json").read_text())["weight_map"]
        holders = [f for f in sorted(set(index.values()))
                   if NAME in __import__("safetensors").safe_open(str(HERE / case / f), "pt").keys()]
        expected[case] = {
            "shards_holding": holders,
            "index_maps_to": index[NAME],
            "loaded_value": value,
            "loaded_is_real": torch.equal(loaded[NAME], state[NAME]),
            "loaded_equals_single": all(torch.equal(loaded[k], state[k]) for k in state),
        }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(json.dumps(expected, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()

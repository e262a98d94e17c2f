#!/usr/bin/env python3
"""A training checkpoint with an optimizer's state, and `expected.json` from torch and numpy.

Run from the repository root: `python3 TestData/pytorch-optimizer/generate.py` (needs torch,
numpy). `lstm-adam.pt`: `torch.save({"model_state": …, "optimizer_state": adam.state_dict()})`
of a 2-layer LSTM after three Adam steps, as Resemblyzer 0.1.4's `pretrained.pt` is laid out.
An LSTM's `bias_ih_lK` and `bias_hh_lK` are added together, so they receive the same gradient at
every step and Adam's `exp_avg` and `exp_avg_sq` for them are equal: `expected.json` lists the
groups of byte-identical optimizer tensors (numpy, `tobytes()` equality) and the parameter names
behind the indices (the order of `model.parameters()`), never tensoraudit's output.
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


def main():
    model = torch.nn.LSTM(input_size=4, hidden_size=3, num_layers=2)
    names = [name for name, _ in model.named_parameters()]
    adam = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(3):
        adam.zero_grad()
        out, _ = model(torch.randn(5, 2, 4))
        out.pow(2).sum().backward()
        adam.step()
    path = os.path.join(HERE, "lstm-adam.pt")
    torch.save({"model_state": model.state_dict(), "optimizer_state": adam.state_dict()}, path)

    loaded = torch.load(path, weights_only=True)
    flat = {}
    for index, slots in loaded["optimizer_state"]["state"].items():
        for slot, value in slots.items():
            if value.dim() > 0:
                flat[f"optimizer_state.state.{index}.{slot}"] = value.numpy()
    groups = {}
    for name, array in flat.items():
        groups.setdefault((array.dtype.str, array.shape, array.tobytes()), []).append(name)
    identical = sorted(sorted(g) for g in groups.values() if len(g) > 1)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "parameter_names": names, "identical_optimizer_groups": identical},
                  f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

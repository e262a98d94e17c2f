#!/usr/bin/env python3
"""A training checkpoint with an optimizer's state, and `expected.json` from torch and numpy.

Run from the repository root: `python3 TestData/pytorch-optimizer/generate.py` (needs torch,
numpy). `lstm-adam.pt`: `torch.save({"model_state": …, "optimizer_state": adam.state_dict()})`
of a 2-layer LSTM after three Adam steps, as Resemblyzer 0.1.4's `pretrained.pt` is laid out.
An LSTM's `bias_ih_lK` and `bias_hh_lK` are added together, so they receive the same gradient at
every step and Adam's `exp_avg` and `exp_avg_sq` for them are equal: `expected.json` lists the
groups of byte-identical optimizer tensors (numpy, `tobytes()` equality) and the parameter names
behind the indices (the order of `model.parameters()`), never tensoraudit's output.

`variants` (same sources): `opt-state-key.pt` (Adam under the key `opt_state`), `adagrad-top.pt`
(`torch.save(adagrad.state_dict())`, as HF Trainer writes optimizer.pt), `asgd.pt` (ASGD, whose
`ax` equals its parameter until averaging starts) and `model-state-copy.pt` (a model whose own
submodules are called `state`, parameters `mu` and `sum`, one layer's `mu` copied from another:
a real copy). Groups of constant tensors are left out (they are `constant`, whatever the names).
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


def identical_groups(flat):
    """Groups of names whose arrays have equal dtype, shape and bytes (numpy), each sorted."""
    groups = {}
    for name, array in flat.items():
        groups.setdefault((array.dtype.str, array.shape, array.tobytes()), []).append(name)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def flatten(prefix, value, out):
    if isinstance(value, torch.Tensor):
        out[prefix] = value.detach().numpy()
    elif isinstance(value, dict):
        for key, item in value.items():
            flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            flatten(f"{prefix}.{index}" if prefix else str(index), item, out)
    return out


def trained(optimizer_class, **options):
    torch.manual_seed(0)
    model = torch.nn.LSTM(input_size=4, hidden_size=3, num_layers=1)
    optimizer = optimizer_class(model.parameters(), **options)
    for _ in range(3):
        optimizer.zero_grad()
        out, _ = model(torch.randn(5, 2, 4))
        out.pow(2).sum().backward()
        optimizer.step()
    return model, optimizer


class StateBlock(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.mu = torch.nn.Parameter(torch.randn(6))
        self.sum = torch.nn.Parameter(torch.randn(6))


class ModelWithState(torch.nn.Module):
    """A model whose own submodules are called `state` and whose parameters `mu` and `sum`."""

    def __init__(self):
        super().__init__()
        self.state = torch.nn.ModuleList([StateBlock() for _ in range(3)])


def variants():
    """More layouts, each file with `optimizer_groups` (identical groups of optimizer tensors,
    and of ASGD's `ax` with its parameter) and `model_groups` (identical groups of model weights)."""
    out = {}
    model, adam = trained(torch.optim.Adam, lr=1e-2)
    out["opt-state-key.pt"] = {"net": model.state_dict(), "opt_state": adam.state_dict()}
    _, adagrad = trained(torch.optim.Adagrad, lr=1e-2)
    out["adagrad-top.pt"] = adagrad.state_dict()  # as HF Trainer's optimizer.pt
    model, asgd = trained(torch.optim.ASGD, lr=1e-2)
    out["asgd.pt"] = {"model": model.state_dict(), "optimizer": asgd.state_dict()}
    torch.manual_seed(0)
    copied = ModelWithState()
    with torch.no_grad():
        copied.state[1].mu.copy_(copied.state[0].mu)
    out["model-state-copy.pt"] = copied.state_dict()
    facts = {}
    for name, value in out.items():
        path = os.path.join(HERE, name)
        torch.save(value, path)
        flat = flatten("", torch.load(path, weights_only=True), {})
        groups = identical_groups({k: v for k, v in flat.items() if v.ndim > 0 and np.unique(v).size > 1})
        model_groups = [g for g in groups if name == "model-state-copy.pt"]
        facts[name] = {"optimizer_groups": [g for g in groups if g not in model_groups], "model_groups": model_groups}
    return facts


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
        json.dump({"torch_version": torch.__version__, "parameter_names": names, "identical_optimizer_groups": identical,
                   "variants": variants()},
                  f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

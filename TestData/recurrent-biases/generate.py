#!/usr/bin/env python3
"""Recurrent layers whose two biases hold equal values, and `expected.json` from torch.

Run from the repository root: `python3 TestData/recurrent-biases/generate.py` (needs torch).
`lstm.pt`: a bidirectional two-layer `nn.LSTM(8, 16)` whose `bias_ih_lK` and `bias_hh_lK` were
set equal (zero, as some initializations and converters leave them) and then trained ten SGD
steps with momentum and weight decay: both biases are added to the same gate pre-activations,
so each step gives them the same gradient and they stay equal (torch.equal after training).
`gru.pt`: an `nn.GRU(8, 16)` whose biases were set equal and not trained: equal, but a GRU's
`b_hn` is multiplied by the reset gate, so training would part them; no structural reason.
`rnn.pt`: an `nn.RNN(8, 16)` whose biases were set equal and not trained: torch 2.13 rounds a
plain RNN's two bias gradients apart, so training is no reason for them to be equal.
`odd-shapes.pt`: equal bias pairs no LSTM has: beside an empty `weight_hh_l0` of `[0, 2^62]` (four
times its width overflows 64 bits), and `x.bias_*_l0` of 3 values beside an `[16, 4]`
`x.weight_hh_l0`.
`expected.json`: per file, torch's verdict (`torch.equal`) for each layer's pair, and the shape
of each `weight_hh_lK`.
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    torch.manual_seed(5)
    lstm = torch.nn.LSTM(8, 16, num_layers=2, bidirectional=True)
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias_"):
                p.zero_()
    optimizer = torch.optim.SGD(lstm.parameters(), lr=0.05, momentum=0.9, weight_decay=0.01)
    for _ in range(10):
        out, _ = lstm(torch.randn(5, 3, 8))
        loss = out.pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    torch.save(lstm.state_dict(), os.path.join(HERE, "lstm.pt"))
    gru = torch.nn.GRU(8, 16)
    with torch.no_grad():
        gru.bias_hh_l0.copy_(gru.bias_ih_l0)
    torch.save(gru.state_dict(), os.path.join(HERE, "gru.pt"))
    rnn = torch.nn.RNN(8, 16)
    with torch.no_grad():
        rnn.bias_hh_l0.copy_(rnn.bias_ih_l0)
    torch.save(rnn.state_dict(), os.path.join(HERE, "rnn.pt"))
    b, c = torch.randn(16), torch.randn(3)
    torch.save({"weight_hh_l0": torch.empty(0, 2**62), "bias_ih_l0": b, "bias_hh_l0": b.clone(),
                "x.weight_hh_l0": torch.randn(16, 4), "x.bias_ih_l0": c, "x.bias_hh_l0": c.clone()},
               os.path.join(HERE, "odd-shapes.pt"))
    expected = {"torch_version": torch.__version__}
    for file in ("lstm.pt", "gru.pt", "rnn.pt", "odd-shapes.pt"):
        state = torch.load(os.path.join(HERE, file), weights_only=True)
        pairs = {}
        for name in state:
            if "bias_ih_" in name:
                pairs[name] = bool(torch.equal(state[name], state[name.replace("bias_ih_", "bias_hh_")]))
        shapes = {n: list(t.shape) for n, t in state.items() if "weight_hh_" in n}
        expected[file] = {"equal_pairs": pairs, "weight_hh_shapes": shapes}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

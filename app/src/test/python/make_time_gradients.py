"""Writes the gradient-through-time fixture: for small stacked tanh-RNN, LSTM and GRU models with a linear
head, the norm of dL/dh_t over the batch and hidden units for every layer and t = 1..T (PyTorch's autograd,
float32), plus the spectral radius of a few matrices from torch.linalg.eigvals (float64).

The recurrence is unrolled with nn.RNNCell / LSTMCell / GRUCell so that every h_t is a tensor of its own whose
.grad is the whole gradient reaching it (from the layer above and back through the recurrence): the output
sequence of nn.RNN only receives the gradient from above. The weights are written under GradLab's names
(rnn.weight_ih_l<k> ...), so the Java test loads them as they are.

    /usr/bin/python3 app/src/test/python/make_time_gradients.py app/src/test/resources/timegrad/time_gradients.json
"""
import json
import sys

import torch

torch.manual_seed(20261201)
torch.set_default_dtype(torch.float32)


def case(name, cell, layers, batch, seq, inp, hidden, out, every_step, loss, scale=1.0):
    mods = []
    for l in range(layers):
        kind = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[cell]
        m = kind(inp if l == 0 else hidden, hidden)
        with torch.no_grad():
            for p in m.parameters():
                p.mul_(scale)
        mods.append(m)
    head = torch.nn.Linear(hidden, out)
    x = torch.randn(seq, batch, inp)
    seq_in = list(x)
    outs = []
    for m in mods:
        h = torch.zeros(batch, hidden)
        c = torch.zeros(batch, hidden)
        steps = []
        for t in range(seq):
            if cell == "lstm":
                h, c = m(seq_in[t], (h, c))
            else:
                h = m(seq_in[t], h)
            h.retain_grad()
            steps.append(h)
        outs.append(steps)
        seq_in = steps
    top = torch.stack(seq_in)
    y = head(top if every_step else top[-1])
    if loss == "mse":
        target = torch.randn(*y.shape)
        value = torch.mean((y - target) ** 2)
        tgt = target.transpose(0, 1).reshape(-1).tolist() if every_step else target.reshape(-1).tolist()
    else:
        target = torch.randint(0, out, y.shape[:-1])
        value = torch.nn.functional.cross_entropy(y.reshape(-1, out), target.reshape(-1))
        tgt = target.transpose(0, 1).reshape(-1).tolist() if every_step else target.reshape(-1).tolist()
    value.backward()
    params = {}
    for l, m in enumerate(mods):
        for n, p in m.named_parameters():
            params["rnn.%s_l%d" % (n, l)] = p.detach().reshape(-1).tolist()
    params["head.weight"] = head.weight.detach().reshape(-1).tolist()
    params["head.bias"] = head.bias.detach().reshape(-1).tolist()
    norms = [[float(h.grad.norm()) for h in steps] for steps in outs]
    return {"name": name, "cell": cell, "layers": layers, "batch": batch, "seq": seq, "input": inp,
            "hidden": hidden, "outputs": out, "everyStep": every_step, "loss": loss,
            "features": x.transpose(0, 1).reshape(-1).tolist(), "targets": tgt, "lossValue": float(value),
            "params": params, "timeGradNorms": norms}


def radius(name, w):
    return {"name": name, "n": w.shape[0], "matrix": w.reshape(-1).tolist(),
            "rho": float(torch.linalg.eigvals(w.double()).abs().max())}


cases = [
    case("rnn-tanh 2 layers, last-step MSE", "rnn", 2, 3, 12, 2, 5, 1, False, "mse", 1.6),
    case("lstm 2 layers, every-step CE", "lstm", 2, 3, 9, 3, 4, 5, True, "ce"),
    case("gru 1 layer, last-step CE", "gru", 1, 4, 10, 2, 6, 3, False, "ce", 1.3),
    case("rnn-tanh 1 layer, every-step MSE", "rnn", 1, 2, 15, 1, 8, 2, True, "mse"),
]
g = torch.Generator().manual_seed(7)
mats = [
    radius("gaussian 50, sd 0.1", torch.randn(50, 50, generator=g) * 0.1),
    radius("gaussian 50, sd 0.2", torch.randn(50, 50, generator=g) * 0.2),
    radius("symmetric 30", (lambda a: (a + a.T) / 2)(torch.randn(30, 30, generator=g) * 0.1)),
    radius("gaussian 120, sd 0.09", torch.randn(120, 120, generator=g) * 0.09),
]
json.dump({"generator": "make_time_gradients.py, PyTorch " + torch.__version__, "cases": cases, "radii": mats},
          open(sys.argv[1], "w"))

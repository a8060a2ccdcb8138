# Writes a TensorBoard log directory with the GradLab probe (three runs: clip_grad_norm_, clip_grad_value_,
# observe) and, next to it, expected.json: every value the probe should have logged, computed directly from
# copies of the gradients (norms in float64, histogram bins from each float's bits in plain Python), not by
# the probe. Used by test_probe.py and by the Java test that reads the log back (ProbeLogTest).
#   python3 write_probe_log.py OUTDIR
import json, math, os, struct, sys
import torch, torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "main", "python"))
import gradlab_probe as gp

STEPS, SPIKE_AT, NAN_AT = 40, 20, 39


def reference_bin(v):
    """GradLab's bin of one float32, from its bits, one value at a time (independent of the probe's tensor ops)."""
    bits = struct.unpack("<i", struct.pack("<f", v))[0]
    e = (bits >> 23) & 0xFF
    if e == 0xFF:
        return gp.NAN if bits & 0x7FFFFF else (gp.NEG_INF if bits < 0 else gp.POS_INF)
    if bits & 0x7FFFFFFF == 0:
        return gp.ZERO
    k = min(max((e - 127 - gp.MIN_EXP) >> 1, 0), gp.SIDE - 1)
    return gp.SIDE - 1 - k if bits < 0 else gp.SIDE + k


class Model(nn.Module):
    def __init__(s):
        super().__init__()
        s.rnn = nn.RNN(3, 8, 2, batch_first=True)  # layers rnn.l0, rnn.l1
        s.head = nn.Linear(8, 1)

    def forward(s, x):
        return s.head(s.rnn(x)[0][:, -1])


def layers_of(model):
    out = {}
    for name, p in model.named_parameters():
        out.setdefault(gp.layer_of(name), []).append(p)
    return out


def snapshot(model, hist):
    """Per-layer norms, non-finite counts and (when hist) histogram rows of the current gradients."""
    snap = {}
    for layer, ps in layers_of(model).items():
        vals = [float(v) for p in ps for v in p.grad.detach().reshape(-1).tolist()]
        sq = sum(float(torch.linalg.vector_norm(p.grad.detach(), 2, dtype=torch.float64)) ** 2 for p in ps)
        row = None
        if hist:
            row = [0] * gp.WIDTH
            for v in vals:
                row[reference_bin(v)] += 1
        snap[layer] = {"norm": math.sqrt(sq), "nonfinite": sum(1 for v in vals if not math.isfinite(v)), "hist": row}
    return snap


def train(logdir, mode, hist_every, threshold=1.0):
    torch.manual_seed(1)
    model = Model()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    probe = gp.Probe(logdir, model, histograms_every=hist_every)
    steps = []
    for k in range(STEPS):
        x = torch.randn(4, 5, 3)
        loss = ((model(x) - x[:, :, 0].sum(1, keepdim=True)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        if k == SPIKE_AT:  # a one-step gradient spike, for diagnose to find
            for p in model.parameters():
                p.grad.mul_(1000)
        if k == NAN_AT:
            model.rnn.weight_hh_l1.grad[0, 0] = float("nan")
            model.head.bias.grad[0] = float("inf")
        hist = (k % hist_every) == 0
        before = snapshot(model, hist)
        rec = {"step": k, "loss": float(loss), "lr": 0.05}
        if mode == "norm":
            total = probe.clip_grad_norm_(model.parameters(), threshold)
            c = threshold / (float(total) + 1e-6)
            rec.update(threshold=threshold, coefficient=c if math.isnan(c) else min(c, 1.0), clipped=c < 1)
        elif mode == "value":
            peak = max(abs(v) for p in model.parameters() for v in p.grad.reshape(-1).tolist() if not math.isnan(v))
            probe.clip_grad_value_(model.parameters(), 0.1)
            rec.update(threshold=0.1, coefficient=None, clipped=peak > 0.1)
        else:
            probe.observe(model)
            rec.update(threshold=None, coefficient=1.0, clipped=False)
        after = snapshot(model, hist)
        rec["pre"] = math.sqrt(sum(v["norm"] ** 2 for v in before.values()))
        rec["post"] = math.sqrt(sum(v["norm"] ** 2 for v in after.values()))
        rec["layers"] = {l: {"pre": before[l]["norm"], "post": after[l]["norm"], "nonfinite": before[l]["nonfinite"],
                             "hist_pre": before[l]["hist"], "hist_post": after[l]["hist"]} for l in before}
        if k < NAN_AT:
            opt.step()
        probe.log(loss=loss, lr=0.05)
        steps.append(rec)
    probe.close()
    return steps


def main(out):
    expected = {"steps": STEPS, "spike_at": SPIKE_AT, "nan_at": NAN_AT, "runs": {}}
    # "insurance": a threshold that only the spike reaches (most steps unclipped, histograms every other step)
    for run, mode, hist_every, threshold in (("norm", "norm", 3, 1.0), ("value", "value", 1, None), ("observe", "observe", 5, None),
                                             ("insurance", "norm", 2, 100.0)):
        expected["runs"][run] = {"mode": mode, "histograms_every": hist_every,
                                 "records": train(os.path.join(out, "logs", run), mode, hist_every, threshold)}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, allow_nan=True)


if __name__ == "__main__":
    main(sys.argv[1])

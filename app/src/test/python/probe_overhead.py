# What the GradLab probe costs per training step, on the anchor models of torch_cpu_bench.py (the same shapes as
# ../shared/bench/torch_cpu_bench.py): plain torch.nn.utils.clip_grad_norm_ against the probe with norms every
# step, histograms every step and histograms every 10 steps. The configurations take turns within each round
# (the machine drifts 10-40% between minutes), each round times every configuration, the median over rounds is
# reported with its spread. Run PyTorch as it runs best here (see ../shared/bench/torch-best), e.g.
#   env -u OPENBLAS_CORETYPE ATEN_CPU_CAPABILITY=avx512 /usr/bin/python3 app/src/test/python/probe_overhead.py
import os, statistics, sys, tempfile, time
import torch, torch.nn as nn

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "..", "main", "python"))
from anchor_models import CharLSTM, AddRNN, TinyGPT
import gradlab_probe as gp

torch.set_num_threads(int(os.environ.get("THREADS", "1")))
ROUNDS, STEPS = int(os.environ.get("ROUNDS", "5")), int(os.environ.get("STEPS", "10"))
B, T, V = 32, 64, 65
ce = lambda out, y: nn.functional.cross_entropy(out.reshape(-1, V), y.reshape(-1))
lm = lambda: (torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T)))


def add_batch(Tl=100):
    v = torch.rand(B, Tl); m = torch.zeros(B, Tl); i = torch.randint(0, Tl, (B, 2)); m.scatter_(1, i, 1.0)
    return torch.stack([v, m], -1), (v * m).sum(1, keepdim=True)


MODELS = [("lstm", CharLSTM, lm, ce), ("gru", lambda: CharLSTM(cell=nn.GRU), lm, ce),
          ("rnn-tanh", AddRNN, add_batch, nn.functional.mse_loss), ("gpt", TinyGPT, lm, ce)]
CONFIGS = [("plain", None), ("norms", 0), ("hist every step", 1), ("hist every 10", 10)]


def timer(make, batch, lossf, hist_every, logdir):
    torch.manual_seed(0)
    model = make()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    probe = None if hist_every is None else gp.Probe(logdir, model, histograms_every=hist_every)
    data = [batch() for _ in range(4)]

    clip_seconds = [0.0]

    def run(n):
        for i in range(n):
            x, y = data[i % len(data)]
            opt.zero_grad(set_to_none=True)
            loss = lossf(model(x), y)
            loss.backward()
            t = time.perf_counter()
            if probe is None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            else:
                probe.clip_grad_norm_(model.parameters(), 1.0)
            clip_seconds[0] += time.perf_counter() - t
            opt.step()
            if probe is not None:
                t = time.perf_counter()
                probe.log(loss=loss, lr=1e-3)
                clip_seconds[0] += time.perf_counter() - t

    run(3)  # warm-up
    clip_seconds[0] = 0.0
    return run, probe, clip_seconds


def main():
    print("probe overhead, %d thread(s), %d rounds x %d steps per configuration: median ms/step; the time spent in the probe's calls "
          "beyond PyTorch's own clip_grad_norm_, as %% of the plain step; the whole step's change (median of the per-round ratios "
          "to plain, and their range: the machine's drift)"
          % (torch.get_num_threads(), ROUNDS, STEPS))
    for name, make, batch, lossf in MODELS:
        with tempfile.TemporaryDirectory() as d:
            runners = [(c, timer(make, batch, lossf, h, os.path.join(d, c.replace(" ", "-")))) for c, h in CONFIGS]
            times = {c: [] for c, _ in CONFIGS}
            for r in range(ROUNDS):
                order = runners if r % 2 == 0 else runners[::-1]
                for c, (run, _, _) in order:
                    t = time.perf_counter()
                    run(STEPS)
                    times[c].append((time.perf_counter() - t) / STEPS * 1e3)
            spent = {c: cs[0] / (ROUNDS * STEPS) * 1e3 for c, (_, _, cs) in runners}
            for _, (_, probe, _) in runners:
                if probe is not None:
                    probe.close()
        base = statistics.median(times["plain"])
        line = ["%-9s plain %7.2f ms" % (name, base)]
        for c, _ in CONFIGS[1:]:
            m = statistics.median(times[c])
            ratios = sorted(a / b for a, b in zip(times[c], times["plain"]))  # within a round: the same machine state
            added = spent[c] - spent["plain"]
            line.append("| %s %.2f ms: in the probe's calls +%.2f ms = %.1f%% of the step; whole step %+.1f%% (rounds %+.1f..%+.1f%%)"
                        % (c, m, added, 100 * added / base, 100 * (statistics.median(ratios) - 1), 100 * (ratios[0] - 1), 100 * (ratios[-1] - 1)))
        print("  ".join(line), flush=True)


if __name__ == "__main__":
    main()

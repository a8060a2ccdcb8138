# The GradLab probe in a small PyTorch training loop: a 2-layer LSTM language model on random tokens, clipped at
# 1.0, with one gradient spike injected at step 120 (what a bad batch does). The README runs this and then reads
# the log with GradLab:
#   python3 app/src/main/python/probe_example.py runs/tb/probe-demo
#   ./gradlab diagnose runs/tb/probe-demo
import os, sys
import torch, torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gradlab_probe import Probe

logdir = sys.argv[1] if len(sys.argv) > 1 else "runs/tb/probe-demo"
torch.manual_seed(0)
V, T, B = 32, 24, 16


class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb, self.rnn, self.head = nn.Embedding(V, 32), nn.LSTM(32, 64, 2, batch_first=True), nn.Linear(64, V)

    def forward(self, x):
        return self.head(self.rnn(self.emb(x))[0])


model = LM()
opt = torch.optim.Adam(model.parameters(), 3e-3)
text = torch.randint(0, V, (4096,)) % 7 * 3 % V  # a learnable pattern: a few symbols
probe = Probe(logdir, model, histograms_every=10)
for step in range(300):
    i = torch.randint(0, len(text) - T - 1, (B,))
    x = torch.stack([text[j:j + T] for j in i]); y = torch.stack([text[j + 1:j + T + 1] for j in i])
    loss = nn.functional.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
    opt.zero_grad()
    (loss * (300.0 if step == 120 else 1.0)).backward()        # step 120: a gradient spike
    probe.clip_grad_norm_(model.parameters(), max_norm=1.0)      # instead of torch.nn.utils.clip_grad_norm_
    opt.step()
    probe.log(loss=loss, lr=opt.param_groups[0]["lr"])
probe.close()
print("wrote", logdir)

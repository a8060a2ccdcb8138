# The scaling table of `gradlab bench --scale` in PyTorch: the LSTM anchor at hidden 128-1024 and T 64/256, the GPT
# anchor at d 128-512 (four heads), batch 32, Adam + clip_grad_norm_(1.0) as torch_cpu_bench.py. Prints one line per
# model, "NAME ms/step" with the names gradlab uses. Run it through `scripts/torch-best --scale` (every fair configuration).
# Usage: /usr/bin/python3 torch_scale_bench.py [threads] [steps]
import sys, time, torch, torch.nn as nn
from anchor_models import CharLSTM, TinyGPT

torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
B, V = 32, 65

def bench(name, model, T):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    def step():
        x, y = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.cross_entropy(model(x).reshape(-1, V), y.reshape(-1)); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    step()
    t = time.perf_counter()
    for _ in range(steps): step()
    print(f"{name} {(time.perf_counter() - t) / steps * 1e3:.2f} ms/step", flush=True)

for T in (64, 256):
    for H in (128, 256, 512, 1024):
        bench(f"lstm-h{H}-t{T}", CharLSTM(H=H), T)
for d in (128, 256, 512):
    bench(f"gpt-d{d}", TinyGPT(d=d), 64)

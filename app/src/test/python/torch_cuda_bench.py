# The anchor models of `gradlab bench --device cuda`, trained in PyTorch eager on the GPU (fp32, no TF32),
# for a side-by-side comparison on the same machine. Same shapes, optimizer and clipping as
# torch_cpu_bench.py; data is made on the GPU and every timed step ends with torch.cuda.synchronize().
#   python3 app/src/test/python/torch_cuda_bench.py [steps] [warmup]
# nn.LSTM/nn.GRU/nn.RNN run through cuDNN here, as PyTorch users get them.
import sys, time, torch, torch.nn as nn
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.manual_seed(0)
dev = torch.device("cuda")
STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
WARM = int(sys.argv[2]) if len(sys.argv) > 2 else 20

from anchor_models import CharLSTM, AddRNN, TinyGPT

def bench(name, model, batch, lossf):
    model = model.to(dev)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    def step(clip):
        x, y = batch(); opt.zero_grad(set_to_none=True); loss = lossf(model(x), y); loss.backward()
        if clip: torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    res = {}
    for clip in (True, False):
        for _ in range(WARM): step(clip)
        torch.cuda.synchronize(); t = time.perf_counter()
        for _ in range(STEPS): step(clip)
        torch.cuda.synchronize(); res[clip] = (time.perf_counter() - t) / STEPS
    n = sum(p.numel() for p in model.parameters())
    print(f"{name:28s} params={n:8d}  {res[True]*1e3:8.3f} ms/step  {1/res[True]:9.1f} steps/s   no clip {res[False]*1e3:8.3f} ms")

print(f"PyTorch {torch.__version__} eager fp32 on {torch.cuda.get_device_name(0)}, {WARM} warm-up + {STEPS} timed steps")
B, T, V = 32, 64, 65
ce = lambda out, y: nn.functional.cross_entropy(out.reshape(-1, V), y.reshape(-1))
lm = lambda: (torch.randint(0, V, (B, T), device=dev), torch.randint(0, V, (B, T), device=dev))
bench("lstm V65 E64 H256 L2 T64 B32", CharLSTM(), lm, ce)
bench("gru  V65 E64 H256 L2 T64 B32", CharLSTM(cell=nn.GRU), lm, ce)
def add_batch(Tl=100):
    v = torch.rand(B, Tl, device=dev); m = torch.zeros(B, Tl, device=dev); i = torch.randint(0, Tl, (B, 2), device=dev)
    m.scatter_(1, i, 1.0)
    return torch.stack([v, m], -1), (v * m).sum(1, keepdim=True)
bench("rnn-tanh adding H128 T100 B32", AddRNN(), add_batch, nn.functional.mse_loss)
bench("gpt d128 h4 L2 T64 B32", TinyGPT(), lm, ce)

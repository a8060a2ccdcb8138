# The four anchor models of `gradlab bench` in PyTorch (shapes in BenchCommand / the README), shared by
# torch_cpu_bench.py and torch_cuda_bench.py.
import torch, torch.nn as nn

class CharLSTM(nn.Module):
    def __init__(s, V=65, E=64, H=256, L=2, cell=nn.LSTM):
        super().__init__(); s.emb = nn.Embedding(V, E); s.rnn = cell(E, H, L, batch_first=True); s.head = nn.Linear(H, V)
    def forward(s, x): return s.head(s.rnn(s.emb(x))[0])

class AddRNN(nn.Module):
    def __init__(s, H=128):
        super().__init__(); s.rnn = nn.RNN(2, H, 1, batch_first=True, nonlinearity='tanh'); s.head = nn.Linear(H, 1)
    def forward(s, x): return s.head(s.rnn(x)[0][:, -1])

class Block(nn.Module):
    def __init__(s, d, h, T):
        super().__init__(); s.ln1 = nn.LayerNorm(d); s.att = nn.MultiheadAttention(d, h, batch_first=True); s.ln2 = nn.LayerNorm(d)
        s.mlp = nn.Sequential(nn.Linear(d, 4*d), nn.GELU(), nn.Linear(4*d, d))
        s.register_buffer('mask', torch.triu(torch.ones(T, T, dtype=torch.bool), 1))
    def forward(s, x):
        a = s.ln1(x); x = x + s.att(a, a, a, attn_mask=s.mask, need_weights=False)[0]; return x + s.mlp(s.ln2(x))

class TinyGPT(nn.Module):
    def __init__(s, V=65, d=128, h=4, L=2, T=64):
        super().__init__(); s.tok = nn.Embedding(V, d); s.pos = nn.Embedding(T, d)
        s.blocks = nn.Sequential(*[Block(d, h, T) for _ in range(L)]); s.ln = nn.LayerNorm(d); s.head = nn.Linear(d, V)
    def forward(s, x): return s.head(s.ln(s.blocks(s.tok(x) + s.pos(torch.arange(x.shape[1], device=x.device)))))

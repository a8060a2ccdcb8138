"""PyTorch on Pascanu's temporal-order size, for the small-RNN comparison in the README.

tanh RNN, 6 one-hot inputs, hidden 50, batch 20, T=100, a linear head on the last step to 4 classes, cross entropy,
clip_grad_norm_(1.0), SGD lr 0.05 -- the step `gradlab train --model rnn --task temporal-order --hidden 50 --batch 20
--seq 100 --optimizer sgd --clip norm:1` takes (ours also records full telemetry every step).
Usage: /usr/bin/python3 scripts/torch-small-rnn.py THREADS [STEPS] (Debian's python3-torch); prints "steps/s N" (best of three timed blocks).
Run it as PyTorch runs best here (see ../shared/bench/torch-best): OMP_WAIT_POLICY=PASSIVE for 2 threads,
OPENBLAS_CORETYPE unset and ATEN_CPU_CAPABILITY=avx512 where the CPU has it.
"""
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
torch.set_num_threads(threads)
torch.manual_seed(0)
rnn = torch.nn.RNN(6, 50, nonlinearity="tanh")
head = torch.nn.Linear(50, 4)
params = list(rnn.parameters()) + list(head.parameters())
opt = torch.optim.SGD(params, lr=0.05)
x = torch.nn.functional.one_hot(torch.randint(0, 6, (100, 20)), 6).float()
y = torch.randint(0, 4, (20,))


def step():
    opt.zero_grad(set_to_none=True)
    out, _ = rnn(x)
    loss = torch.nn.functional.cross_entropy(head(out[-1]), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()


for _ in range(200):
    step()
best = 0.0
for _ in range(3):
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    best = max(best, steps / (time.perf_counter() - t0))
print(f"torch {torch.__version__} threads {threads} steps/s {best:.1f}")

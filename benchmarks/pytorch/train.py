"""The PyTorch side of the training benchmark: a 30-64-32-2 MLP, Adam, 200 epochs of minibatch 32 over 455 rows.

    /tmp/torchenv/bin/python benchmarks/pytorch/train.py     (torch from PyPI; one thread, like explain-bench)
"""
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)
x = torch.randn(455, 30)
y = (x[:, 0] + x[:, 1] > 0).long()
best = float("inf")
for _ in range(3):
    net = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    start = time.process_time()
    for epoch in range(200):
        perm = torch.randperm(455)
        for i in range(0, 455, 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
    best = min(best, time.process_time() - start)
print(f"PyTorch {torch.__version__}: 200 epochs, batch 32, 455 rows: {best:.3f} s CPU (best of 3)")

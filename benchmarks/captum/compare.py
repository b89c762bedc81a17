"""Compares ExplainKit's gradient methods with captum on a bundled sample model (not part of the test suite).

    benchmarks/captum/run.sh          # makes a venv with torch + captum under /tmp, runs explain, then this script

Loads samples/<name>/model.json into an equivalent torch nn.Sequential, runs captum's IntegratedGradients
(Gauss-Legendre, 50 steps, zero baseline), Saliency (abs=False for `gradient`) and InputXGradient on the same rows,
and prints the largest difference to ExplainKit's JSON and captum's time per row (one thread).
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from captum.attr import InputXGradient, IntegratedGradients, Saliency

torch.set_num_threads(1)


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean = torch.tensor(mean, dtype=torch.float32)
        self.std = torch.tensor(std, dtype=torch.float32)

    def forward(self, x):
        # Per-feature statistics, for flat rows and for images alike.
        return ((x.reshape(x.shape[0], -1) - self.mean) / self.std).reshape(x.shape)


def to_torch(doc):
    """An nn.Sequential equivalent to an explainkit.model document."""
    modules = []
    for layer in doc["layers"]:
        t = layer["type"]
        if t == "standardize":
            modules.append(Standardize(layer["mean"], layer["std"]))
        elif t == "dense":
            w = torch.tensor(layer["weight"], dtype=torch.float32)
            m = nn.Linear(w.shape[1], w.shape[0])
            m.weight.data, m.bias.data = w, torch.tensor(layer["bias"], dtype=torch.float32)
            modules.append(m)
        elif t == "conv2d":
            w = torch.tensor(layer["weight"], dtype=torch.float32)
            m = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], stride=layer.get("stride", 1), padding=layer.get("padding", 0))
            m.weight.data, m.bias.data = w, torch.tensor(layer["bias"], dtype=torch.float32)
            modules.append(m)
        elif t in ("maxpool2d", "avgpool2d"):
            pool = nn.MaxPool2d if t == "maxpool2d" else nn.AvgPool2d
            modules.append(pool(layer["kernel"], stride=layer.get("stride", layer["kernel"])))
        elif t == "flatten":
            modules.append(nn.Flatten())
        elif t == "relu":
            modules.append(nn.ReLU())
        elif t == "softmax":
            modules.append(nn.Softmax(dim=1))
        else:
            raise ValueError(f"unsupported layer {t} in this comparison")
    return nn.Sequential(*modules).eval()


def per_row_seconds(fn, repeats=3):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(model_path, rows_path, results_path):
    doc = json.load(open(model_path))
    net = to_torch(doc)
    features = doc["input"]["features"]
    header = open(rows_path).readline().strip().split(",")
    raw = np.genfromtxt(rows_path, delimiter=",", skip_header=1, dtype=str)
    columns = [header.index(f) for f in features]
    x = torch.tensor(raw[:, columns].astype(np.float32))
    ours = {r["method"]: r for r in json.load(open(results_path))["results"]}
    targets = torch.tensor([e["target"] for e in ours["gradient"]["explanations"]])
    n = x.shape[0]

    ig = IntegratedGradients(net)
    checks = {
        "integrated-gradients": lambda: ig.attribute(x, baselines=torch.zeros_like(x), target=targets, n_steps=50,
                                                     method="gausslegendre"),
        "gradient": lambda: Saliency(net).attribute(x, target=targets, abs=False),
        "saliency": lambda: Saliency(net).attribute(x, target=targets, abs=True),
        "gradient-x-input": lambda: InputXGradient(net).attribute(x, target=targets),
    }
    print(f"captum vs ExplainKit on {model_path}: {n} rows, {len(features)} features")
    print(f"{'method':24} {'max |diff|':>12} {'max |phi|':>12} {'captum ms/row':>14}")
    for method, run in checks.items():
        theirs = run().detach().numpy().astype(np.float64)
        mine = np.array([e["attributions"] for e in ours[method]["explanations"]])
        seconds = per_row_seconds(run) / n
        print(f"{method:24} {np.abs(theirs - mine).max():12.3e} {np.abs(mine).max():12.3e} {seconds * 1e3:14.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:4])

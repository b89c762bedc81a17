"""captum's time per row for DeepLift, DeepLiftShap, GuidedBackprop, Deconvolution and LRP (not part of the tests).

    benchmarks/captum/run_modified_backprop.sh   # makes a venv with torch + captum under /tmp, then runs this

Loads samples/breast_cancer and samples/digits model.json into equivalent torch modules (standardize and flatten as
functions, which captum's LRP needs), and times each method on the same first rows that
`swift run -c release explain-bench deeplift` uses: one call for all rows (captum's fastest use) and one row per call
(the first 50 rows, 10 for DeepLiftShap), one thread, best of three (wall and process CPU time). DeepLiftShap uses
the model file's 100 background rows. LRP runs on the logits (captum has no softmax rule); ExplainKit steps over the
final softmax, which costs the same.
"""
import csv
import json
import os
import sys
import time
import warnings

import torch
import torch.nn as nn
from captum.attr import LRP, Deconvolution, DeepLift, DeepLiftShap, GuidedBackprop
from captum.attr._utils.lrp_rules import Alpha1_Beta0_Rule, EpsilonRule, GammaRule

warnings.filterwarnings("ignore")
torch.set_num_threads(1)
root = os.path.join(os.path.dirname(__file__), "..", "..")


class Net(nn.Module):
    """An explainkit.model document as torch: standardize and flatten are functions; `softmax` keeps the last one."""

    def __init__(self, doc, softmax=True):
        super().__init__()
        self.mean = self.std = None
        self.input_shape = doc["input"]["shape"]
        body = []
        for layer in doc["layers"]:
            t = layer["type"]
            if t == "standardize":
                self.mean = torch.tensor(layer["mean"]).reshape(self.input_shape)
                self.std = torch.tensor(layer["std"]).reshape(self.input_shape)
            elif t == "dense":
                w = torch.tensor(layer["weight"])
                m = nn.Linear(w.shape[1], w.shape[0])
                m.weight.data, m.bias.data = w, torch.tensor(layer["bias"])
                body.append(m)
            elif t == "conv2d":
                w = torch.tensor(layer["weight"])
                m = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], stride=layer.get("stride", 1),
                              padding=layer.get("padding", 0))
                m.weight.data, m.bias.data = w, torch.tensor(layer["bias"])
                body.append(m)
            elif t == "relu":
                body.append(nn.ReLU())
            elif t in ("maxpool2d", "avgpool2d"):
                pool = nn.MaxPool2d if t == "maxpool2d" else nn.AvgPool2d
                body.append(pool(layer["kernel"], stride=layer.get("stride", layer["kernel"])))
            elif t == "flatten":
                body.append(None)
            elif t == "softmax":
                if softmax:
                    body.append(nn.Softmax(dim=1))
            else:
                raise ValueError(f"unsupported layer {t}")
        self.flatten_at = body.index(None) if None in body else None
        self.body = nn.ModuleList([m for m in body if m is not None])

    def forward(self, x):
        x = x.reshape([x.shape[0]] + self.input_shape)
        if self.mean is not None:
            x = (x - self.mean) / self.std
        for i, m in enumerate(self.body):
            if i == self.flatten_at:
                x = x.flatten(1)
            x = m(x)
        return x


def best(fn, repeats=3):
    """The best wall time and the best process CPU time of `repeats` runs after a warm-up, in seconds."""
    fn()
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def lrp(net, rule):
    for m in net.body:
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            m.rule = {"epsilon": lambda: EpsilonRule(1e-6), "gamma": lambda: GammaRule(0.25),
                      "zplus": lambda: Alpha1_Beta0_Rule()}[rule]()
        elif isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
            m.rule = EpsilonRule(1e-6)
    return LRP(net)


for sample, row_count, shap_rows in [("breast_cancer", 500, 100), ("digits", 500, 50)]:
    doc = json.load(open(os.path.join(root, "samples", sample, "model.json")))
    with open(os.path.join(root, "samples", sample, f"{sample}.csv")) as f:
        table = list(csv.reader(f))
    columns = [table[0].index(name) for name in doc["input"]["features"]]
    x = torch.tensor([[float(row[c]) for c in columns] for row in table[1:row_count + 1]], dtype=torch.float32)
    background = torch.tensor(doc["background"]["rows"], dtype=torch.float32)
    net, logits = Net(doc).eval(), Net(doc, softmax=False).eval()
    targets = net(x).argmax(dim=1)
    methods = [
        ("deeplift", lambda x, t: DeepLift(net).attribute(x.clone(), baselines=torch.zeros_like(x), target=t)),
        (f"deepshap {len(background)} bg", lambda x, t: DeepLiftShap(net).attribute(x.clone(), baselines=background, target=t)),
        ("guided-backprop", lambda x, t: GuidedBackprop(net).attribute(x.clone(), target=t)),
        ("deconvolution", lambda x, t: Deconvolution(net).attribute(x.clone(), target=t)),
    ] + [(f"lrp {rule}", (lambda r: lambda x, t: lrp(logits, r).attribute(x.clone(), target=t))(rule))
         for rule in ("epsilon", "gamma", "zplus")]
    for name, method in methods:
        # All rows in one call (captum's fastest use), then one row per call (explaining rows one at a time).
        rows = x[:shap_rows] if name.startswith("deepshap") else x
        wall, cpu = best(lambda: method(rows, targets[:len(rows)]))
        single = rows[:10 if name.startswith("deepshap") else 50]
        wall1, cpu1 = best(lambda: [method(single[i:i + 1], targets[i:i + 1]) for i in range(len(single))])
        print(f"{sample} {name}, {len(rows)} rows".ljust(54)
              + f"{wall / len(rows) * 1e6:9.1f} µs/row (cpu {cpu / len(rows) * 1e6:.1f}); one row per call "
              + f"{wall1 / len(single) * 1e6:.1f} µs/row (cpu {cpu1 / len(single) * 1e6:.1f})")
    sys.stdout.flush()

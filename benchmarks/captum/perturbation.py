"""captum's FeatureAblation, Occlusion and ShapleyValueSampling beside ExplainKit's on the bundled samples.

    bash benchmarks/captum/perturbation.sh       # builds explain, runs it, then this script (one thread each)

For the first N rows of samples/<name>/<name>.csv it runs captum on the same model (loaded from model.json into an
equivalent torch nn.Sequential) and prints the largest difference to ExplainKit's JSON and captum's CPU time per row.
- feature-ablation: FeatureAblation, zero baseline, all rows in one batch (captum's fastest use).
- occlusion (images): Occlusion with the same window and stride, zero baseline, all rows in one batch.
- shapley-sampling: the same interventional game over the model file's background. captum takes one baseline per
  input, so each row is given as a batch of K copies with the K background rows as baselines: one permutation
  then evaluates every prefix on the whole background in one call, as ExplainKit does. Shapley values are linear
  in the game, so the weighted mean over the batch is the estimate of v(S) = Σ_b w_b f(x_S, b_S̄)'s values with the
  same number of permutations (captum's are not antithetic; the estimates agree within their sampling errors).
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from captum.attr import FeatureAblation, Occlusion, ShapleyValueSampling

torch.set_num_threads(1)


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean = torch.tensor(mean, dtype=torch.float32)
        self.std = torch.tensor(std, dtype=torch.float32)

    def forward(self, x):
        shape = x.shape
        return ((x.reshape(shape[0], -1) - self.mean) / self.std).reshape(shape)


def to_torch(doc):
    """An nn.Sequential equivalent to an explainkit.model document (the layers the samples use)."""
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
            m = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], stride=layer.get("stride", 1),
                          padding=layer.get("padding", 0))
            m.weight.data, m.bias.data = w, torch.tensor(layer["bias"], dtype=torch.float32)
            modules.append(m)
        elif t == "maxpool2d":
            modules.append(nn.MaxPool2d(layer["kernel"], layer.get("stride", layer["kernel"])))
        elif t == "flatten":
            modules.append(nn.Flatten())
        elif t == "relu":
            modules.append(nn.ReLU())
        elif t == "softmax":
            modules.append(nn.Softmax(dim=1))
        else:
            raise ValueError(f"unsupported layer {t} in this comparison")
    return nn.Sequential(*modules).eval()


def seconds(fn, repeats=3):
    """The best CPU time of `repeats` runs (one thread: CPU time, which a busy machine inflates less than wall time)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main(model_path, rows_path, results_path, shapley_rows):
    doc = json.load(open(model_path))
    net = to_torch(doc)
    shape = doc["input"]["shape"]
    features = doc["input"]["features"]
    header = open(rows_path).readline().strip().split(",")
    raw = np.genfromtxt(rows_path, delimiter=",", skip_header=1, dtype=str, ndmin=2)
    x = torch.tensor(raw[:, [header.index(f) for f in features]].astype(np.float32)).reshape([-1] + shape)
    ours = {r["method"]: r for r in json.load(open(results_path))["results"]}
    n = x.shape[0]
    print(f"captum vs ExplainKit on {model_path}: {n} rows, {len(features)} features, one thread")
    print(f"{'method':18} {'max |diff|':>11} {'max |phi|':>10} {'captum ms/row':>14}")
    flat = lambda t: t.detach().reshape(t.shape[0], -1).double().numpy()

    def compare(method, run, rows=n):
        mine = np.array([e["attributions"] for e in ours[method]["explanations"]])[:rows]
        theirs = flat(run())
        print(f"{method:18} {np.abs(theirs - mine).max():11.3e} {np.abs(mine).max():10.3e} "
              f"{seconds(run, 1 if rows < n else 3) / rows * 1e3:14.3f}")
        return mine, theirs

    targets = torch.tensor([e["target"] for e in ours["feature-ablation"]["explanations"]])
    with torch.no_grad():
        compare("feature-ablation", lambda: FeatureAblation(net).attribute(x, baselines=0.0, target=targets))
        if "occlusion" in ours:
            p = ours["occlusion"]["parameters"]
            h, w = map(int, p["window"].split("x"))
            s = int(p["stride"])
            compare("occlusion", lambda: Occlusion(net).attribute(
                x, sliding_window_shapes=(shape[0], h, w), strides=(shape[0], s, s), baselines=0.0, target=targets))
        e = ours["shapley-sampling"]
        samples = int(e["parameters"]["samples"])
        bg = torch.tensor(doc["background"]["rows"], dtype=torch.float32).reshape([-1] + shape)
        weights = np.array(doc["background"]["weights"], dtype=np.float64)
        weights /= weights.sum()
        k = bg.shape[0]
        shapley_targets = [ex["target"] for ex in e["explanations"]][:shapley_rows]

        def shapley():
            out = []
            for r in range(shapley_rows):
                inputs = x[r:r + 1].expand([k] + shape).contiguous()
                phi = ShapleyValueSampling(net).attribute(inputs, baselines=bg, target=shapley_targets[r],
                                                          n_samples=samples)
                out.append((flat(phi) * weights[:, None]).sum(axis=0))
            return torch.tensor(np.array(out))
        torch.manual_seed(0)
        mine, theirs = compare("shapley-sampling", shapley, rows=shapley_rows)
        se = np.array([ex["std_errors"] for ex in e["explanations"]])[:shapley_rows]
        z = np.abs(theirs - mine) / np.maximum(se * np.sqrt(3), 1e-12)  # captum's SE ≳ √2 × ours (no antithetic pairs)
        print(f"shapley-sampling: {samples} permutations; |captum − ours| / (√3·SE_ours): median {np.median(z):.2f}, "
              f"{(z > 2).mean() * 100:.1f} % above 2")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 3)

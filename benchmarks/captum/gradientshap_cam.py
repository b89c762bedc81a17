"""GradientSHAP and Grad-CAM against captum on the bundled samples: speed per row and agreement (not a test).

    benchmarks/captum/run_gradientshap_cam.sh     # builds explain, writes its JSON, then runs this script

Times captum's GradientShap (n_samples=50, stdevs=0, the model file's background as baselines) on the first 100 rows
of samples/breast_cancer and samples/digits, and LayerGradCam (relu_attributions=True) at the last Conv2d of digits
followed by LayerAttribution.interpolate(bilinear), one thread, batched. The figures are what
Sources/ExplainBench/GradientSHAPBench.swift compares with.

Agreement: Grad-CAM is deterministic, so ExplainKit's attributions must equal captum's; GradientSHAP is random on both
sides, so both estimate it with 2,000 draws and the difference is compared with both standard errors (captum's from
its own draws, made again).
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from captum.attr import GradientShap, LayerAttribution, LayerGradCam

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import to_torch  # noqa: E402

torch.set_num_threads(1)


def per_row_ms(fn, rows, repeats=3):
    """The best wall and thread-CPU milliseconds per row of `repeats` runs (CPU time is what to compare on a busy
    machine; torch with one thread computes on the calling thread)."""
    fn()
    wall = cpu = float("inf")
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.thread_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - w0), min(cpu, time.thread_time() - c0)
    return f"{wall / rows * 1e3:8.3f} (cpu {cpu / rows * 1e3:.3f})"


def load(root, sample, rows):
    doc = json.load(open(f"{root}/samples/{sample}/model.json"))
    net = to_torch(doc)
    shape = doc["input"]["shape"]
    features = doc["input"]["features"]
    path = f"{root}/samples/{sample}/{sample}.csv"
    header = open(path).readline().strip().split(",")
    raw = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=str, max_rows=rows)
    x = torch.tensor(raw[:, [header.index(f) for f in features]].astype(np.float32)).reshape([-1] + shape)
    background = torch.tensor(doc["background"]["rows"], dtype=torch.float32).reshape([-1] + shape)
    return net, x, background


def gradient_shap_with_errors(net, x, background, targets, samples, seed):
    """captum's GradientShap and the standard error of its plain mean: the same draws as captum makes (numpy seeded,
    baseline indices then α), each draw's (x − b)·∇f(b + α(x − b)) computed in one batch; the mean is checked
    against GradientShap itself."""
    n = x.shape[0]
    np.random.seed(seed)
    reference = GradientShap(net).attribute(x, baselines=background, n_samples=samples, stdevs=0.0, target=targets)
    np.random.seed(seed)
    indices = np.random.choice(background.shape[0], samples * n)
    alphas = torch.tensor(np.random.uniform(0.0, 1.0, samples * n), dtype=x.dtype).reshape([-1] + [1] * (x.dim() - 1))
    expanded, b = x.repeat_interleave(samples, dim=0), background[indices]
    point = (alphas * expanded + (1 - alphas) * b).requires_grad_()
    out = net(point).gather(1, targets.repeat_interleave(samples)[:, None]).sum()
    (grad,) = torch.autograd.grad(out, point)
    draws = ((expanded - b) * grad).detach().reshape(n, samples, -1).double().numpy()
    mean = draws.mean(axis=1)
    assert np.abs(mean - reference.reshape(n, -1).double().numpy()).max() < 1e-5, "the draws do not reproduce captum"
    return mean, draws.std(axis=1, ddof=1) / np.sqrt(samples)


def explanations(path):
    return json.load(open(path))["explanations"] if path and os.path.exists(path) else None


def main(root, ours_dir):
    print(f"{'workload':52} captum ms/row")
    for sample in ["breast_cancer", "digits"]:
        net, x, background = load(root, sample, 100)
        targets = net(x).argmax(dim=1)
        gs = GradientShap(net)
        run = lambda: gs.attribute(x, baselines=background, n_samples=50, stdevs=0.0, target=targets)  # noqa: E731
        print(f"{sample + ' GradientShap n_samples=50, 100 rows':52} {per_row_ms(run, x.shape[0])}")
        mine = explanations(f"{ours_dir}/{sample}-gradientshap.json")
        if mine:
            rows = len(mine)
            theirs, their_se = gradient_shap_with_errors(net, x[:rows], background, targets[:rows], 2000, seed=0)
            phi = np.array([e["attributions"] for e in mine])
            se = np.array([e["std_errors"] for e in mine])
            z = (phi - theirs) / np.sqrt(se ** 2 + their_se ** 2 + 1e-30)
            print(f"  agreement, 2,000 draws each on {rows} rows: max |diff| {np.abs(phi - theirs).max():.3e}, "
                  f"max |phi| {np.abs(phi).max():.3e}, z = diff/√(SE² + captum SE²): sd {z.std():.2f}, "
                  f"max |z| {np.abs(z).max():.2f}; mean SE {se.mean():.3e} (captum's plain mean {their_se.mean():.3e})")
    net, x, _ = load(root, "digits", 100)
    targets = net(x).argmax(dim=1)
    conv = [m for m in net if isinstance(m, nn.Conv2d)][-1]
    cam = LayerGradCam(net, conv)
    run = lambda: LayerAttribution.interpolate(  # noqa: E731
        cam.attribute(x, target=targets, relu_attributions=True), tuple(x.shape[2:]), interpolate_mode="bilinear")
    print(f"{'digits LayerGradCam + interpolate bilinear, 100 images':52} {per_row_ms(run, x.shape[0])}")
    mine = explanations(f"{ours_dir}/digits-grad-cam.json")
    if mine:
        theirs = run().detach().reshape(x.shape[0], -1).double().numpy()
        phi = np.array([e["attributions"] for e in mine])
        print(f"  agreement on 100 images: max |diff| {np.abs(phi - theirs).max():.3e}, max |phi| {np.abs(phi).max():.3e}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")

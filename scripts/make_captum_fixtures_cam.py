"""Regenerates Tests/ExplainMethodsTests/Fixtures/captum-cam-*.json with real PyTorch and captum.

- Guided Grad-CAM: captum `GuidedGradCam` at the same two layers (its default nearest upsampling).
- Grad-CAM: captum `LayerGradCam` (relu_attributions=True) on a small CNN at two layers (a conv2d and the ReLU after
  it), at the layer's resolution and upsampled with `LayerAttribution.interpolate` (bilinear, and nearest).
- GradientSHAP: captum `GradientShap` on a small MLP and the CNN, with and without input noise. captum draws
  internally (the noise with torch, then the baseline indices with `np.random.choice` and α with
  `np.random.uniform`); the script seeds both generators, draws the same values again in the same order, checks that
  captum's own `InputBaselineXGradient` on those explicit draws gives GradientShap's result, and stores the draws,
  so the Swift test can feed the same draws to `GradientSHAP.explain(_:using:target:background:draws:)`.

    EXPLAINKIT_VENV=/tmp/refenv python3 scripts/make_captum_fixtures_cam.py

Without EXPLAINKIT_VENV it creates /tmp/explainkit-venv and installs torch, captum and numpy from PyPI.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def ensure_environment():
    """Re-runs this script with the virtualenv's Python, creating the environment when needed."""
    venv = os.environ.get("EXPLAINKIT_VENV", "/tmp/explainkit-venv")
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
        subprocess.check_call([python, "-m", "pip", "install", "--quiet", "numpy", "torch", "captum"])
    os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])


ensure_environment()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import captum  # noqa: E402
from captum.attr import GradientShap, GuidedGradCam, LayerAttribution, LayerGradCam  # noqa: E402
from captum.attr._core.gradient_shap import InputBaselineXGradient  # noqa: E402

sys.path.insert(0, HERE)
from pytorch_export import export_sequential  # noqa: E402

out = os.path.join(HERE, "..", "Tests", "ExplainMethodsTests", "Fixtures")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

cnn = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3, padding=1),
                    nn.ReLU(), nn.Flatten(), nn.Linear(6 * 4 * 4, 3), nn.Softmax(dim=1)).eval()
mlp = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 3), nn.Softmax(dim=1)).eval()
export_sequential(cnn, os.path.join(out, "captum-cam-cnn.json"), [2, 9, 9], [f"px{i}" for i in range(162)],
                  ["a", "b", "c"], name="captum-cam-cnn")
export_sequential(mlp, os.path.join(out, "captum-cam-mlp.json"), [5], [f"x{i}" for i in range(5)],
                  ["a", "b", "c"], name="captum-cam-mlp")

x_cnn = torch.rand(3, 2, 9, 9) * 2 - 0.5
bg_cnn = torch.rand(6, 2, 9, 9)
x_mlp = torch.randn(4, 5)
bg_mlp = torch.randn(10, 5) * 0.8 + 0.3
flat = lambda t: t.detach().reshape(t.shape[0], -1).double().tolist()  # noqa: E731


def grad_cam(net, x, layer_index, name):
    """LayerGradCam at `net[layer_index]` for each row's predicted class, raw and upsampled to the input."""
    targets = net(x).argmax(dim=1)
    cam = LayerGradCam(net, net[layer_index]).attribute(x, target=targets, relu_attributions=True)
    size = tuple(x.shape[2:])
    return {"layer": name, "targets": targets.tolist(), "shape": list(cam.shape[2:]), "map": flat(cam),
            "bilinear": flat(LayerAttribution.interpolate(cam, size, interpolate_mode="bilinear")),
            "nearest": flat(LayerAttribution.interpolate(cam, size, interpolate_mode="nearest"))}


def gradient_shap(net, x, background, samples, stdev, seed):
    """GradientShap with seeded draws, the same draws made explicit, and a check that they reproduce it."""
    targets = net(x).argmax(dim=1)
    n = x.shape[0]
    np.random.seed(seed)
    torch.manual_seed(seed)
    phi, delta = GradientShap(net).attribute(x, baselines=background, n_samples=samples, stdevs=stdev,
                                             target=targets, return_convergence_delta=True)
    # The same draws, in captum's order: the noise (torch), then baseline indices and α (numpy).
    np.random.seed(seed)
    torch.manual_seed(seed)
    expanded = x.repeat_interleave(samples, dim=0)
    noise = torch.normal(0, torch.tensor(stdev).repeat(expanded.shape)) if stdev > 0 else torch.zeros_like(expanded)
    indices = np.random.choice(background.shape[0], samples * n).tolist()
    alphas = np.random.uniform(0.0, 1.0, samples * n)
    # An independent check with plain autograd on the explicit draws.
    rows = []
    for k in range(samples * n):
        noisy = expanded[k:k + 1] + noise[k:k + 1]
        b = background[indices[k]:indices[k] + 1]
        a = torch.tensor(alphas[k], dtype=x.dtype)
        point = (a * noisy + (1 - a) * b).requires_grad_()
        (grad,) = torch.autograd.grad(net(point)[0, targets[k // samples]], point)
        rows.append(((noisy - b) * grad).detach())
    manual = torch.cat(rows).reshape(n, samples, -1).mean(dim=1)
    gap = (manual - phi.reshape(n, -1)).abs().max().item()
    assert gap < 1e-5, f"explicit draws do not reproduce GradientShap: {gap}"
    # captum's own primitive on the same draws: numpy reseeded so that its internal α draw repeats.
    np.random.seed(seed)
    np.random.choice(background.shape[0], samples * n)
    primitive = InputBaselineXGradient(net).attribute(expanded + noise, baselines=background[indices],
                                                      target=targets.repeat_interleave(samples))
    gap = max(gap, (primitive.reshape(n, samples, -1).mean(dim=1) - phi.reshape(n, -1)).abs().max().item())
    assert gap < 1e-5, f"InputBaselineXGradient on the draws does not reproduce GradientShap: {gap}"
    return {"targets": targets.tolist(), "samples": samples, "stdev": stdev, "inputs": flat(x),
            "background": flat(background), "baselines": indices, "alphas": alphas.tolist(),
            "noise": flat(noise.reshape(samples * n, -1)) if stdev > 0 else None,
            "attributions": flat(phi), "delta": delta.reshape(-1).double().tolist(), "explicit_check": gap}


def guided_grad_cam(net, x, layer_index, name):
    """captum GuidedGradCam (nearest upsampling, its default) at `net[layer_index]` for each row's predicted class."""
    targets = net(x).argmax(dim=1)
    phi = GuidedGradCam(net, net[layer_index]).attribute(x, target=targets)
    return {"layer": name, "targets": targets.tolist(), "attributions": flat(phi)}


expected = {
    "torch_version": torch.__version__, "captum_version": captum.__version__,
    "grad_cam": {"inputs": flat(x_cnn), "conv": grad_cam(cnn, x_cnn, 3, "conv2d3"),
                 "relu": grad_cam(cnn, x_cnn, 4, "relu4")},
    "gradient_shap": {
        "mlp": gradient_shap(mlp, x_mlp, bg_mlp, 7, 0.0, 3),
        "mlp_noise": gradient_shap(mlp, x_mlp, bg_mlp, 5, 0.3, 4),
        "cnn": gradient_shap(cnn, x_cnn, bg_cnn, 4, 0.0, 5),
    },
    "guided_grad_cam": {"conv": guided_grad_cam(cnn, x_cnn, 3, "conv2d3"), "relu": guided_grad_cam(cnn, x_cnn, 4, "relu4")},
}
with open(os.path.join(out, "captum-cam-expected.json"), "w") as f:
    json.dump(expected, f)
print("wrote fixtures with torch", torch.__version__, "and captum", captum.__version__)

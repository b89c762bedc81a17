"""Regenerates Tests/ExplainMethodsTests/Fixtures/captum-perturbation-*.json with real PyTorch and captum.

The models are a small CNN on 8x8 images and an MLP with a standardize layer, exported by pytorch_export.py. The
expected file holds captum's Occlusion (a 3x3 window with stride 2, which is smaller than the window and cuts the
last window at the border, with a zero baseline; and a 2x4 window with stride 2 and a baseline of 1) and
FeatureAblation (zero baseline) of each row's predicted class.

    EXPLAINKIT_VENV=/tmp/refenv python3 scripts/make_captum_fixtures_perturbation.py

Without torch and captum importable, it makes a virtualenv at $EXPLAINKIT_VENV (default /tmp/explainkit-venv),
installs them from PyPI and runs itself there.
"""
import json
import os
import subprocess
import sys

try:
    import captum
    import torch
    import torch.nn as nn
    from captum.attr import FeatureAblation, Occlusion
except ImportError:
    venv = os.environ.get("EXPLAINKIT_VENV", "/tmp/explainkit-venv")
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        raise
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    subprocess.check_call([python, "-m", "pip", "install", "-q", "torch", "captum", "numpy"])
    os.execv(python, [python] + sys.argv)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_export import export_sequential  # noqa: E402

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ExplainMethodsTests", "Fixtures")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

cnn = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                    nn.Linear(48, 4), nn.Softmax(dim=1)).eval()
mlp = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3), nn.Softmax(dim=1)).eval()
mean, std = [1.0, -2.0, 0.5, 3.0, 0.0], [0.5, 2.0, 1.0, 1.5, 0.8]
x_cnn = torch.rand(3, 1, 8, 8) * 16
x_mlp = torch.randn(4, 5) * torch.tensor(std) + torch.tensor(mean)

export_sequential(cnn, os.path.join(out, "captum-perturbation-cnn.json"), [1, 8, 8], [f"px{i}" for i in range(64)],
                  [str(i) for i in range(4)], name="captum-cnn")
export_sequential(mlp, os.path.join(out, "captum-perturbation-mlp.json"), [5], list("abcde"), ["p", "q", "r"],
                  name="captum-mlp", mean=mean, std=std)


class Standardized(nn.Module):
    """The exported MLP as ExplainKit sees it: raw inputs, standardize, then the network."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net((x - torch.tensor(mean)) / torch.tensor(std))


flat = lambda t: t.detach().reshape(t.shape[0], -1).double().tolist()
with torch.no_grad():
    targets_cnn = cnn(x_cnn).argmax(dim=1)
    occlusion = Occlusion(cnn)
    settings = []
    for window, stride, baseline in [((3, 3), 2, 0.0), ((2, 4), 2, 1.0)]:
        phi = occlusion.attribute(x_cnn, sliding_window_shapes=(1,) + window, strides=(1, stride, stride),
                                  baselines=baseline, target=targets_cnn)
        settings.append({"window": list(window), "stride": stride, "baseline": baseline, "attributions": flat(phi)})
    ablation_cnn = FeatureAblation(cnn).attribute(x_cnn, baselines=0.0, target=targets_cnn)
    net = Standardized(mlp)
    targets_mlp = net(x_mlp).argmax(dim=1)
    ablation_mlp = FeatureAblation(net).attribute(x_mlp, baselines=0.0, target=targets_mlp)

expected = {
    "cnn": {"inputs": flat(x_cnn), "targets": targets_cnn.tolist(), "occlusion": settings,
            "feature_ablation": flat(ablation_cnn)},
    "mlp": {"inputs": flat(x_mlp), "targets": targets_mlp.tolist(), "feature_ablation": flat(ablation_mlp)},
    "torch_version": torch.__version__,
    "captum_version": captum.__version__,
}
with open(os.path.join(out, "captum-perturbation-expected.json"), "w") as f:
    json.dump(expected, f)
print("wrote fixtures with torch", torch.__version__, "and captum", captum.__version__)

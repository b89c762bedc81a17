"""Regenerates Tests/ExplainIOTests/Fixtures/pytorch-*.json with real PyTorch and captum (see docs/pytorch.md).

The expected file holds PyTorch's predictions and captum's attributions (IntegratedGradients with Gauss-Legendre
50 steps and a zero baseline, Saliency without abs, InputXGradient) for the predicted class of each row.

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch captum numpy
    /tmp/torchenv/bin/python scripts/make_pytorch_fixture.py
"""
import json
import os
import sys

import torch
import torch.nn as nn
from captum.attr import InputXGradient, IntegratedGradients, Saliency

sys.path.insert(0, os.path.dirname(__file__))
from pytorch_export import export_sequential  # noqa: E402

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "ExplainIOTests", "Fixtures")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

mlp = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.LeakyReLU(0.05), nn.Dropout(0.2),
                    nn.Linear(8, 3), nn.Softmax(dim=1)).eval()
cnn = nn.Sequential(nn.Conv2d(1, 4, 3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(4, 6, 3, stride=2, padding=1), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten(),
                    nn.Linear(6, 5), nn.Softmax(dim=1)).eval()
mean, std = [5.8, 3.0, 3.7, 1.2], [0.8, 0.4, 1.7, 0.7]
x_mlp = torch.randn(6, 4) * torch.tensor(std) + torch.tensor(mean)
x_cnn = torch.rand(4, 1, 8, 8) * 16

export_sequential(mlp, os.path.join(out, "pytorch-mlp.json"), [4], ["a", "b", "c", "d"], ["p", "q", "r"],
                  name="torch-mlp", mean=mean, std=std)
export_sequential(cnn, os.path.join(out, "pytorch-cnn.json"), [1, 8, 8], [f"px{i}" for i in range(64)],
                  [str(i) for i in range(5)], name="torch-cnn")


class Standardized(nn.Module):
    """The exported model as ExplainKit sees it: raw inputs, standardize, then the network."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net((x - torch.tensor(mean)) / torch.tensor(std))


def attributions(net, x):
    """captum's attributions of each row's predicted class."""
    targets = net(x).argmax(dim=1)
    ig = IntegratedGradients(net).attribute(x, baselines=torch.zeros_like(x), target=targets, n_steps=50,
                                            method="gausslegendre")
    gradient = Saliency(net).attribute(x.clone().requires_grad_(), target=targets, abs=False)
    gxi = InputXGradient(net).attribute(x.clone().requires_grad_(), target=targets)
    flat = lambda t: t.detach().reshape(t.shape[0], -1).tolist()
    return {"targets": targets.tolist(), "integrated_gradients": flat(ig), "gradient": flat(gradient),
            "gradient_x_input": flat(gxi)}


with torch.no_grad():
    z = (x_mlp - torch.tensor(mean)) / torch.tensor(std)
    expected = {
        "mlp": {"inputs": x_mlp.tolist(), "outputs": mlp(z).tolist()},
        "cnn": {"inputs": x_cnn.reshape(4, 64).tolist(), "outputs": cnn(x_cnn).tolist()},
        "torch_version": torch.__version__,
    }
expected["mlp"]["captum"] = attributions(Standardized(mlp), x_mlp)
expected["cnn"]["captum"] = attributions(cnn, x_cnn)
import captum  # noqa: E402

expected["captum_version"] = captum.__version__
with open(os.path.join(out, "pytorch-expected.json"), "w") as f:
    json.dump(expected, f)
print("wrote fixtures with torch", torch.__version__, "and captum", expected["captum_version"])

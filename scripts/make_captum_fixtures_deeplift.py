"""Regenerates Tests/ExplainMethodsTests/Fixtures/captum-modified-backprop-*.json with real PyTorch and captum.

Two small networks are exported with scripts/pytorch_export.py (an MLP 5→8 relu→6 tanh→3 softmax and a CNN
1×8×8 → conv relu maxpool → conv relu avgpool → flatten → dense 5 → softmax), and captum's attributions of each
row's predicted class are recorded:

- DeepLift (rescale rule, eps 1e-10) on the full networks, one row per call (captum centres the softmax
  multipliers over the whole batch, so rows in one call would mix), against a random baseline row (MLP) or zeros
  (CNN); DeepLiftShap over four baseline rows on the networks without their softmax (same reason). captum 0.9's
  DeepLift gives a ReLU that feeds a max-pool directly the plain gradient instead of the max-pool's multipliers (the
  two modules' tensor hooks sit on the same tensor and the ReLU's fires first), which breaks completeness; a copy
  (x * 1) between them separates the tensors, and captum then computes the rescale rule (`separated` below);
- GuidedBackprop and Deconvolution on the full networks;
- LRP on the networks without their final softmax (captum has no softmax rule), with EpsilonRule(ε = 0.01) on every
  layer, GammaRule(γ = 0.25) and Alpha1_Beta0_Rule (the z⁺ rule with the bias kept) on dense and conv layers and
  EpsilonRule(1e-9) on pooling layers.

    scripts/make_captum_fixtures_deeplift.sh     # makes a venv (or uses $EXPLAINKIT_VENV) and runs this
"""
import json
import os
import sys

import torch
import torch.nn as nn
from captum.attr import LRP, Deconvolution, DeepLift, DeepLiftShap, GuidedBackprop
from captum.attr._utils.lrp_rules import Alpha1_Beta0_Rule, EpsilonRule, GammaRule

sys.path.insert(0, os.path.dirname(__file__))
from pytorch_export import export_sequential  # noqa: E402

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "ExplainMethodsTests", "Fixtures")
os.makedirs(out, exist_ok=True)
torch.manual_seed(3)
torch.set_num_threads(1)

mlp = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 6), nn.Tanh(), nn.Linear(6, 3), nn.Softmax(dim=1)).eval()
cnn = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(),
                    nn.AvgPool2d(2), nn.Flatten(), nn.Linear(24, 5), nn.Softmax(dim=1)).eval()
with torch.no_grad():   # weights large enough that the softmax is not saturated nor flat
    for m in list(mlp) + list(cnn):
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            m.weight.mul_(2.0)


class Logits(nn.Module):
    """The network without its final softmax; the flatten is functional (captum's LRP has no rule for nn.Flatten)."""

    def __init__(self, net):
        super().__init__()
        modules = [m for m in list(net)[:-1] if not isinstance(m, nn.Flatten)]
        self.body = nn.ModuleList(modules)
        self.flattens_before = next((i for i, m in enumerate(modules) if isinstance(m, nn.Linear)), None)

    def forward(self, x):
        for i, m in enumerate(self.body):
            if i == self.flattens_before and x.dim() > 2:
                x = x.flatten(1)
            x = m(x)
        return x


class Copy(nn.Module):
    """x * 1: a new tensor between a ReLU and the max-pool after it, so each module's hook sees its own gradient."""

    def forward(self, x):
        return x * 1.0


def separated(net):
    """`net` with a Copy after every ReLU that feeds a MaxPool2d (the same function)."""
    modules = list(net.body) if isinstance(net, Logits) else list(net)
    out = []
    for i, m in enumerate(modules):
        out.append(m)
        if isinstance(m, nn.ReLU) and i + 1 < len(modules) and isinstance(modules[i + 1], nn.MaxPool2d):
            out.append(Copy())
    if isinstance(net, Logits):
        copy = Logits.__new__(Logits)
        nn.Module.__init__(copy)
        copy.body = nn.ModuleList(out)
        copy.flattens_before = next(i for i, m in enumerate(out) if isinstance(m, nn.Linear))
        return copy.eval()
    return nn.Sequential(*out).eval()


def lrp(net, x, targets, rule):
    """captum LRP with `rule` on every dense and conv layer, one call for all rows."""
    logits = Logits(net).eval()
    for m in logits.body:
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            m.rule = {"epsilon": lambda: EpsilonRule(epsilon=0.01), "gamma": lambda: GammaRule(gamma=0.25),
                      "zplus": lambda: Alpha1_Beta0_Rule()}[rule]()
        elif isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
            m.rule = EpsilonRule(epsilon=0.01 if rule == "epsilon" else 1e-9)
    return LRP(logits).attribute(x.clone(), target=targets)


def attributions(net, x, baseline, shap_baselines):
    targets = net(x).argmax(dim=1)
    flat = lambda t: t.detach().reshape(t.shape[0], -1).tolist()
    rows = range(x.shape[0])
    deeplift = torch.cat([DeepLift(separated(net)).attribute(x[i:i + 1].clone(), baselines=baseline, target=int(targets[i]))
                          for i in rows])
    shap = DeepLiftShap(separated(Logits(net).eval())).attribute(x.clone(), baselines=shap_baselines, target=targets)
    return {
        "targets": targets.tolist(),
        "deeplift": flat(deeplift),
        "deeplift_shap_logits": flat(shap),
        "guided_backprop": flat(GuidedBackprop(net).attribute(x.clone(), target=targets)),
        "deconvolution": flat(Deconvolution(net).attribute(x.clone(), target=targets)),
        "lrp_epsilon": flat(lrp(net, x, targets, "epsilon")),
        "lrp_gamma": flat(lrp(net, x, targets, "gamma")),
        "lrp_zplus": flat(lrp(net, x, targets, "zplus")),
    }


x_mlp = torch.randn(6, 5) * 1.5
x_cnn = torch.rand(4, 1, 8, 8) * 16
baseline_mlp = torch.randn(1, 5) * 0.5
baseline_cnn = torch.zeros(1, 1, 8, 8)
shap_mlp = torch.randn(4, 5)
shap_cnn = torch.rand(4, 1, 8, 8) * 16

export_sequential(mlp, os.path.join(out, "captum-modified-backprop-mlp.json"), [5], [f"x{i}" for i in range(5)],
                  ["a", "b", "c"], name="captum-mlp")
export_sequential(cnn, os.path.join(out, "captum-modified-backprop-cnn.json"), [1, 8, 8],
                  [f"px{i}" for i in range(64)], [str(i) for i in range(5)], name="captum-cnn")

import captum  # noqa: E402

expected = {
    "mlp": {"inputs": x_mlp.tolist(), "baseline": baseline_mlp.tolist(), "shap_baselines": shap_mlp.tolist(),
            **attributions(mlp, x_mlp, baseline_mlp, shap_mlp)},
    "cnn": {"inputs": x_cnn.reshape(4, 64).tolist(), "baseline": baseline_cnn.reshape(1, 64).tolist(),
            "shap_baselines": shap_cnn.reshape(4, 64).tolist(), **attributions(cnn, x_cnn, baseline_cnn, shap_cnn)},
    "lrp_epsilon": 0.01, "lrp_gamma": 0.25, "lrp_rule_epsilon_elsewhere": 1e-9,
    "torch_version": torch.__version__, "captum_version": captum.__version__,
}
with open(os.path.join(out, "captum-modified-backprop-expected.json"), "w") as f:
    json.dump(expected, f)
print("wrote fixtures with torch", torch.__version__, "and captum", captum.__version__)

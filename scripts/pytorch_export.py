"""Write a PyTorch nn.Sequential as an ExplainKit model file (docs/pytorch.md).

    import torch.nn as nn
    from pytorch_export import export_sequential
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3), nn.Softmax(dim=1))
    export_sequential(net, "iris.json", input_shape=[4],
                      features=["sepal_length", "sepal_width", "petal_length", "petal_width"],
                      outputs=["setosa", "versicolor", "virginica"])

Supported modules: Linear, Conv2d (groups=1, dilation=1, zero padding), ReLU, LeakyReLU, Tanh, Sigmoid, Softmax,
MaxPool2d / AvgPool2d (no padding), Flatten, Dropout. Weights are written in PyTorch's own layout
(Linear weight[out][in], Conv2d weight[out][in][kh][kw]), which is the ExplainKit layout.
Optional `mean`/`std` prepend a `standardize` layer; `background` rows (raw units) are stored for KernelSHAP.
Needs only the standard library when given numpy arrays; torch tensors are converted with .detach().cpu().
"""
import json


def _values(t):
    """A nested Python list of floats from a torch tensor or numpy array."""
    if hasattr(t, "detach"):
        t = t.detach().cpu().double().numpy()
    return t.tolist()


def _single(v, name):
    if isinstance(v, (tuple, list)):
        if len(set(v)) != 1:
            raise ValueError(f"{name}: only square kernels/strides/padding are supported, got {v}")
        return int(v[0])
    return int(v)


def layer_entries(modules):
    """The ExplainKit layer objects for an iterable of torch modules."""
    layers = []
    for index, m in enumerate(modules):
        kind = type(m).__name__
        name = f"{kind.lower()}{index}"
        if kind == "Linear":
            bias = _values(m.bias) if m.bias is not None else [0.0] * m.out_features
            layers.append({"type": "dense", "name": name, "weight": _values(m.weight), "bias": bias})
        elif kind == "Conv2d":
            if m.groups != 1 or _single(m.dilation, "dilation") != 1 or m.padding_mode != "zeros":
                raise ValueError(f"layer {index}: only groups=1, dilation=1, zero padding are supported")
            bias = _values(m.bias) if m.bias is not None else [0.0] * m.out_channels
            layers.append({"type": "conv2d", "name": name, "weight": _values(m.weight), "bias": bias,
                           "stride": _single(m.stride, "stride"), "padding": _single(m.padding, "padding")})
        elif kind in ("MaxPool2d", "AvgPool2d"):
            if _single(m.padding, "padding") != 0:
                raise ValueError(f"layer {index}: pooling with padding is not supported")
            stride = m.stride if m.stride is not None else m.kernel_size
            layers.append({"type": kind.lower(), "name": name, "kernel": _single(m.kernel_size, "kernel"),
                           "stride": _single(stride, "stride")})
        elif kind in ("ReLU", "Tanh", "Sigmoid", "Softmax", "Flatten"):
            layers.append({"type": kind.lower(), "name": name})
        elif kind == "LeakyReLU":
            layers.append({"type": "leaky_relu", "name": name, "slope": float(m.negative_slope)})
        elif kind == "Dropout":
            layers.append({"type": "dropout", "name": name, "p": float(m.p)})
        else:
            raise ValueError(f"layer {index}: unsupported module {kind}")
    return layers


def export_sequential(net, path, input_shape, features, outputs, name="pytorch-model",
                      mean=None, std=None, background=None):
    """Writes `net` (an nn.Sequential, or any iterable of modules) as an ExplainKit model file at `path`."""
    layers = layer_entries(list(net))
    if mean is not None:
        layers.insert(0, {"type": "standardize", "name": "standardize", "mean": list(map(float, mean)),
                          "std": list(map(float, std))})
    doc = {"format": "explainkit.model", "version": 1, "name": name,
           "input": {"shape": list(input_shape), "features": list(features)},
           "output": {"names": list(outputs)}, "layers": layers}
    if background is not None:
        rows = _values(background) if hasattr(background, "tolist") or hasattr(background, "detach") else background
        doc["background"] = {"rows": rows, "weights": [1.0] * len(rows)}
    with open(path, "w") as f:
        json.dump(doc, f)

"""Regenerates Tests/ExplainIOTests/Fixtures/onnx/: small ONNX models and onnxruntime's predictions on them.

The models cover every operator and attribute variant that ExplainKit's ONNX reader supports (docs/formats.md, "ONNX
models"): hand-built graphs made with onnx.helper, a scikit-learn StandardScaler + MLPClassifier pipeline exported
with skl2onnx (with and without ZipMap), and a small residual CNN with batch normalisation exported with
torch.onnx.export. `expected.json` holds, for each model, the input rows and every float output as onnxruntime
computes them. The error fixtures (an unsupported operator, a dynamic spatial dimension, a cycle) have no outputs.

    EXPLAINKIT_VENV=/tmp/refenv python3 scripts/make_onnx_fixtures.py

Without EXPLAINKIT_VENV the script creates /tmp/explainkit-venv and installs what it needs from PyPI.
"""
import json
import os
import subprocess
import sys

REQUIREMENTS = ["numpy", "onnx", "onnxruntime", "scikit-learn", "skl2onnx", "torch"]




from explainkit_venv import ensure_environment  # noqa: E402

ensure_environment(REQUIREMENTS)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ExplainIOTests", "Fixtures", "onnx")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(0)
expected = {}


def weight(name, *shape, scale=0.5):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def save(name, model, rows=None):
    """Writes name.onnx, and onnxruntime's outputs on `rows` (or seeded normal rows) into expected.json."""
    onnx.checker.check_model(model)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(model, path)
    if rows is None:
        dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]]
        rows = rng.standard_normal([5, *dims]).astype(np.float32)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    outputs = session.run(None, {input_name: rows})
    floats = {}
    for info, value in zip(session.get_outputs(), outputs):
        if isinstance(value, np.ndarray) and value.dtype == np.float32:
            floats[info.name] = {"shape": list(value.shape), "values": value.reshape(-1).tolist()}
    expected[name] = {"input": input_name, "shape": list(rows.shape), "values": rows.reshape(-1).tolist(),
                      "outputs": floats}


def graph_model(name, nodes, inputs, outputs, initializers, opset=17, ml=False):
    imports = [helper.make_opsetid("", opset)] + ([helper.make_opsetid("ai.onnx.ml", 3)] if ml else [])
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    return helper.make_model(graph, opset_imports=imports, ir_version=8)


def tensor(name, *dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(dims))


N = helper.make_node

# Gemm with alpha, beta and transB; a constant Gemm with transA folded at load time; LeakyRelu and Sigmoid.
save("gemm", graph_model("gemm", [
    N("Gemm", ["x", "w1", "b1"], ["h1"], name="fc1", alpha=0.5, beta=2.0, transB=1),
    N("LeakyRelu", ["h1"], ["a1"], name="leaky", alpha=0.1),
    N("Gemm", ["a1", "w2", "b2"], ["h2"], name="fc2"),
    N("Gemm", ["p", "q"], ["folded"], name="constant_gemm", transA=1),
    N("Add", ["h2", "folded"], ["h3"], name="add_folded"),
    N("Sigmoid", ["h3"], ["y"], name="sigmoid"),
], [tensor("x", "batch", 4)], [tensor("y", "batch", 2)],
    [weight("w1", 3, 4), weight("b1", 3), weight("w2", 3, 2), weight("b2", 1, 2), weight("p", 3, 1), weight("q", 3, 2)]))

# numpy broadcasting in all four arithmetic operators, a tensor used twice, MatMul on a 3-D batch, Softmax and
# LogSoftmax over an inner axis and the last one, Flatten.
save("broadcast", graph_model("broadcast", [
    N("Add", ["x", "c4"], ["t1"], name="add_row"),
    N("Sub", ["c31", "t1"], ["t2"], name="sub_column"),
    N("Mul", ["t2", "c131"], ["t3"], name="mul_channel"),
    N("Div", ["t3", "c1"], ["t4"], name="div_scalar"),
    N("Mul", ["t4", "x"], ["t5"], name="fan_out"),
    N("MatMul", ["t5", "w"], ["t6"], name="matmul"),
    N("Tanh", ["t6"], ["t7"], name="tanh"),
    N("Softmax", ["t7"], ["t8"], name="softmax_inner", axis=1),
    N("LogSoftmax", ["t8"], ["t9"], name="log_softmax"),
    N("Flatten", ["t9"], ["y"], name="flatten"),
], [tensor("x", "N", 3, 4)], [tensor("y", "N", 15)],
    [weight("c4", 4), weight("c31", 3, 1), numpy_helper.from_array(np.array([[[2.0], [0.5], [-1.5]]], np.float32), "c131"),
     numpy_helper.from_array(np.array([1.7], np.float32), "c1"), weight("w", 4, 5)], opset=13))

# Clip with both bounds and with only a maximum, Erf, both Gelu forms, Identity, Dropout, Cast, Concat; two float
# outputs so that a named output can be picked.
save("activations", graph_model("activations", [
    N("Clip", ["x", "lo", "hi"], ["c1"], name="clip_both"),
    N("Clip", ["x", "", "hi"], ["c2"], name="clip_max"),
    N("Erf", ["x"], ["e"], name="erf"),
    N("Gelu", ["x"], ["g1"], name="gelu"),
    N("Gelu", ["x"], ["g2"], name="gelu_tanh", approximate="tanh"),
    N("Identity", ["g2"], ["g3"], name="identity"),
    N("Dropout", ["g3"], ["g4"], name="dropout"),
    N("Cast", ["g4"], ["g5"], name="cast", to=TensorProto.FLOAT),
    N("Relu", ["x"], ["r"], name="relu"),
    N("Concat", ["c1", "c2", "e", "g1", "g5", "r"], ["y"], name="concat", axis=1),
    N("Tanh", ["y"], ["z"], name="tanh"),
], [tensor("x", "batch", 6)], [tensor("y", "batch", 36), tensor("z", "batch", 36)],
    [numpy_helper.from_array(np.array(-0.5, np.float32), "lo"), numpy_helper.from_array(np.array(0.7, np.float32), "hi")],
    opset=20), rows=(rng.standard_normal([5, 6]) * 2).astype(np.float32))

# Conv: groups with dilations, asymmetric pads and strides; SAME_UPPER, SAME_LOWER and VALID.
save("conv", graph_model("conv", [
    N("Conv", ["x", "w1", "b1"], ["a"], name="grouped", group=2, dilations=[2, 1], pads=[1, 0, 2, 1], strides=[1, 2]),
    N("Conv", ["x", "w2"], ["b"], name="same_upper", auto_pad="SAME_UPPER", strides=[2, 2]),
    N("Conv", ["x", "w3", "b3"], ["c"], name="same_lower", auto_pad="SAME_LOWER", strides=[2, 2]),
    N("Conv", ["x", "w4"], ["d"], name="valid", auto_pad="VALID", kernel_shape=[3, 3]),
    N("Flatten", ["a"], ["fa"], name="flatten_a"),
    N("Flatten", ["b"], ["fb"], name="flatten_b"),
    N("Flatten", ["c"], ["fc"], name="flatten_c"),
    N("Flatten", ["d"], ["fd"], name="flatten_d"),
    N("Concat", ["fa", "fb", "fc", "fd"], ["y"], name="concat", axis=-1),
], [tensor("x", "batch", 4, 7, 7)], [tensor("y", "batch", 254)],
    [weight("w1", 6, 2, 3, 3), weight("b1", 6), weight("w2", 3, 4, 3, 3), weight("w3", 3, 4, 2, 2), weight("b3", 3),
     weight("w4", 2, 4, 3, 3)]))

# Pooling with pads and strides, count_include_pad both ways, SAME_UPPER, batch normalisation, global average.
save("pool", graph_model("pool", [
    N("MaxPool", ["x"], ["m1"], name="max_padded", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
    N("MaxPool", ["x"], ["m2"], name="max_same", kernel_shape=[2, 2], strides=[2, 2], auto_pad="SAME_UPPER"),
    N("AveragePool", ["x"], ["v1"], name="avg_include", kernel_shape=[2, 3], strides=[2, 1], pads=[0, 1, 1, 0],
      count_include_pad=1),
    N("AveragePool", ["x"], ["v2"], name="avg_exclude", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    N("BatchNormalization", ["x", "scale", "shift", "mean", "var"], ["bn"], name="bn", epsilon=1e-3),
    N("GlobalAveragePool", ["bn"], ["gap"], name="gap"),
    N("Flatten", ["m1"], ["f1"], name="f1"),
    N("Flatten", ["m2"], ["f2"], name="f2"),
    N("Flatten", ["v1"], ["f3"], name="f3"),
    N("Flatten", ["v2"], ["f4"], name="f4"),
    N("Flatten", ["gap"], ["f5"], name="f5"),
    N("Concat", ["f1", "f2", "f3", "f4", "f5"], ["y"], name="concat", axis=1),
], [tensor("x", "batch", 3, 6, 6)], [tensor("y", "batch", 210)],
    [weight("scale", 3), weight("shift", 3), weight("mean", 3),
     numpy_helper.from_array(np.array([0.5, 1.5, 2.0], np.float32), "var")]))

# Reshape with 0 and -1, Transpose, input-form Unsqueeze and Squeeze (opset 13), a Constant node.
save("reshape", graph_model("reshape", [
    N("Constant", [], ["target"], name="target", value=helper.make_tensor("t", TensorProto.INT64, [3], [0, -1, 4])),
    N("Reshape", ["x", "target"], ["r1"], name="reshape_zero"),
    N("Transpose", ["r1"], ["t1"], name="transpose", perm=[0, 2, 1]),
    N("Reshape", ["t1", "flat"], ["r2"], name="reshape_flat"),
    N("Unsqueeze", ["r2", "axes1"], ["u"], name="unsqueeze"),
    N("Squeeze", ["u", "axes1"], ["s"], name="squeeze"),
    N("MatMul", ["s", "w"], ["y"], name="matmul"),
], [tensor("x", "batch", 2, 3, 4)], [tensor("y", "batch", 3)],
    [ints("flat", [-1, 24]), ints("axes1", [1]), weight("w", 24, 3)], opset=13))

# Attribute-form Squeeze and Unsqueeze and Softmax's opset-11 meaning (the trailing axes coerced to one).
save("opset11", graph_model("opset11", [
    N("Unsqueeze", ["x"], ["u"], name="unsqueeze", axes=[1, 3]),
    N("Squeeze", ["u"], ["s"], name="squeeze", axes=[3]),
    N("Softmax", ["s"], ["y"], name="softmax_coerced", axis=1),
], [tensor("x", "batch", 2, 3)], [tensor("y", "batch", 1, 2, 3)], [], opset=11))

# PyTorch's x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat, folded at load time.
save("shape_pattern", graph_model("shape_pattern", [
    N("Shape", ["x"], ["shape"], name="shape"),
    N("Constant", [], ["zero"], name="zero", value=helper.make_tensor("z", TensorProto.INT64, [], [0])),
    N("Gather", ["shape", "zero"], ["batch"], name="gather", axis=0),
    N("Unsqueeze", ["batch", "axes0"], ["batch1"], name="unsqueeze"),
    N("Concat", ["batch1", "minus1"], ["target"], name="concat", axis=0),
    N("Reshape", ["x", "target"], ["flat"], name="reshape"),
    N("Gemm", ["flat", "w", "b"], ["y"], name="fc", transB=1),
], [tensor("x", "batch", 3, 2, 2)], [tensor("y", "batch", 4)],
    [ints("axes0", [0]), ints("minus1", [-1]), weight("w", 4, 12), weight("b", 4)]))

# ai.onnx.ml Scaler, as scikit-learn's StandardScaler exports.
save("scaler", graph_model("scaler", [
    N("Scaler", ["x"], ["s"], name="scaler", domain="ai.onnx.ml", offset=[1.0, -2.0, 0.5], scale=[0.5, 2.0, 4.0]),
    N("Scaler", ["s"], ["y"], name="scaler_scalar", domain="ai.onnx.ml", offset=[0.25], scale=[3.0]),
], [tensor("x", "batch", 3)], [tensor("y", "batch", 3)], [], ml=True))

# Error fixtures: an unsupported operator, an unsupported attribute value, a dynamic spatial dimension, a cycle.
save_plain = lambda name, model: onnx.save(model, os.path.join(OUT, name + ".onnx"))  # noqa: E731
save_plain("unsupported_op", graph_model("unsupported_op", [
    N("Relu", ["x"], ["r"], name="relu"), N("Sin", ["r"], ["y"], name="wave")],
    [tensor("x", "batch", 3)], [tensor("y", "batch", 3)], []))
save_plain("unsupported_attribute", graph_model("unsupported_attribute", [
    N("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2], ceil_mode=1)],
    [tensor("x", "batch", 1, 5, 5)], [tensor("y", "batch", 1, 3, 3)], []))
save_plain("dynamic_spatial", graph_model("dynamic_spatial", [
    N("GlobalAveragePool", ["x"], ["y"], name="gap")],
    [tensor("x", "batch", 3, "height", 8)], [tensor("y", "batch", 3, 1, 1)], []))
save_plain("cycle", graph_model("cycle", [
    N("Add", ["x", "z"], ["y"], name="add"), N("Relu", ["y"], ["z"], name="relu")],
    [tensor("x", "batch", 3)], [tensor("y", "batch", 3)], []))


def sklearn_fixtures():
    """StandardScaler + MLPClassifier on 8 features, exported with and without ZipMap."""
    from skl2onnx import to_onnx
    from sklearn.datasets import make_classification
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = make_classification(n_samples=200, n_features=8, n_informative=5, n_classes=3, random_state=0)
    x = (x * 3 + 10).astype(np.float32)
    pipeline = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(10,), max_iter=400, random_state=0))
    pipeline.fit(x, y)
    plain = to_onnx(pipeline, x[:1], options={id(pipeline.steps[-1][1]): {"zipmap": False}}, target_opset=17)
    save("sklearn_mlp", plain, rows=x[:6])
    zipped = to_onnx(pipeline, x[:1], target_opset=17)
    onnx.save(zipped, os.path.join(OUT, "sklearn_zipmap.onnx"))


def torch_fixture():
    """A residual CNN with batch normalisation and global average pooling, exported by torch.onnx.export."""
    import torch
    import torch.nn as nn

    torch.manual_seed(0)

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU())
            self.block = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                                       nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4))
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(4, 3)

        def forward(self, x):
            h = self.stem(x)
            h = torch.relu(h + self.block(h))
            h = self.pool(h)
            return torch.softmax(self.fc(h.view(h.size(0), -1)), dim=1)

    net = Residual()
    for module in net.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.3, 0.3)
    net.eval()
    x = torch.rand(4, 1, 8, 8)
    path = os.path.join(OUT, "torch_resnet.onnx")
    torch.onnx.export(net, (x,), path, input_names=["image"], output_names=["probabilities"],
                      dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=17,
                      do_constant_folding=False, dynamo=False)
    model = onnx.load(path)
    save("torch_resnet", model, rows=x.numpy())
    with torch.no_grad():
        expected["torch_resnet"]["torch"] = net(x).reshape(-1).tolist()


sklearn_fixtures()
torch_fixture()
expected["versions"] = {"onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__}
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f)
print("wrote", sorted(k for k in expected if k != "versions"), "with onnxruntime", onnxruntime.__version__)

"""Regenerates Tests/ExplainIOTests/Fixtures/onnx_graph/: reference outputs of ONNX graph models for the Swift tests.

Inputs: samples/onnx/breast_cancer_pipeline.onnx and samples/onnx/digits_resnet.onnx (read in place, never copied),
their model files' feature_stats, the rows of samples/breast_cancer/explain.csv and samples/digits/explain.csv, and
the trained PyTorch weights of the CNN, onnx_graph/digits_resnet.pt; all four are written by
scripts/make_onnx_samples.py, so run that first. This script also trains and writes onnx_graph/mlp8.onnx.

    EXPLAINKIT_VENV=/tmp/refenv python3 scripts/make_onnx_samples.py         # only when the samples change
    EXPLAINKIT_VENV=/tmp/refenv python3 scripts/make_onnx_graph_fixtures.py

Without EXPLAINKIT_VENV the script creates /tmp/explainkit-venv and installs what it needs from PyPI.

Layout of onnx_graph/expected.json. Every tensor is {"shape": [...], "values": [row-major numbers]}; inputs and
onnxruntime's outputs are float32 values written as doubles, gradients and attributions are float64. Paths are
relative to the repository root.

    "versions": {"onnx", "onnxruntime", "torch", "captum", "scikit-learn", "skl2onnx", "numpy"}
    "breast_cancer_pipeline": {
        "onnx": "samples/onnx/breast_cancer_pipeline.onnx", "model": "samples/onnx/breast_cancer_pipeline.json",
        "rows_from": "samples/breast_cancer/explain.csv",     # every row of it (5; at most the first 8)
        "input_name": "input", "output_name": "probabilities",
        "input": tensor [R, 30],                               # the rows, raw units
        "probabilities": tensor [R, 2],                        # onnxruntime, output "probabilities"
        "predicted": [R class indices],                        # argmax of probabilities
        "logit_tensor": "add_result2",                         # the Sigmoid's input (one logit, of class 1)
        "logits": tensor [R, 1],                               # onnxruntime, that tensor as an extra output
        "gradient": tensor [R, 30],                            # d p[predicted] / d input, analytic, float64
        "logit_gradient": tensor [R, 30],                      # d logit / d input (the class-1 logit), float64
        "gradient_of": "..."}
    "digits_resnet": {
        "onnx", "model", "rows_from", "input_name": "image", "output_name": "probabilities",
        "input": tensor [R, 1, 8, 8],                          # raw pixels 0..16
        "probabilities": tensor [R, 10], "torch_probabilities": tensor [R, 10] (float32 PyTorch), "predicted",
        "logit_tensor": (the Softmax's input), "logits": tensor [R, 10],
        "gradient": tensor [R, 1, 8, 8],                       # d p[predicted] / d input, PyTorch autograd, float64
        "logit_gradient": tensor [R, 1, 8, 8],                 # d logit[predicted] / d input, the same way
        "integrated_gradients": {
            "n_steps": 50, "method": "gausslegendre", "target": "predicted",
            "zeros": {"baseline": tensor [1, 1, 8, 8], "attributions": tensor [R, 1, 8, 8], "convergence_delta": [R]},
            "mean":  {"baseline": tensor [1, 1, 8, 8] (feature_stats.mean of digits_resnet.json), ...}},
        "inner_tensor": {"name": ONNX tensor name, "row": 0, "description": "...",
                         "value": tensor [1, 8, 8, 8]}}      # onnxruntime, the tensor as an extra output
    "mlp8": {
        "onnx": "Tests/ExplainIOTests/Fixtures/onnx_graph/mlp8.onnx", "input_name", "output_name": "probabilities",
        "features": [8 names],                                 # the first 8 columns of breast_cancer.csv
        "background": tensor [6, 8], "input": tensor [3, 8],  # raw units
        "probabilities": tensor [3, 2], "target": 1,
        "logit_tensor": (the Sigmoid's input),
        "shapley": {"probability": {"values": tensor [3, 8], "prediction": [3], "base_value": number},
                    "logit":       {...the same for the logit...}},
        "coalitions": 256, "definition": "..."}

The Shapley values are exact interventional values over the 6 background rows, by brute force over all 2^8
coalitions S of onnxruntime's predictions: v(S) = mean over b of f(x_S, b_notS), phi_i = sum over S without i of
|S|! (M - |S| - 1)! / M! (v(S + i) - v(S)); sum(phi) = prediction - base_value with base_value = v(empty).
"""
import copy
import csv
import json
import math
import os
import subprocess
import sys

REQUIREMENTS = ["numpy", "onnx", "onnxruntime", "scikit-learn", "skl2onnx", "torch", "captum"]




from explainkit_venv import ensure_environment  # noqa: E402

ensure_environment(REQUIREMENTS)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_onnx_samples as samples  # noqa: E402

ROOT = samples.ROOT
OUT = samples.FIXTURES
MAX_ROWS = 8


def rel(path):
    return os.path.relpath(path, ROOT)


def tensor(array):
    array = np.asarray(array)
    return {"shape": list(array.shape), "values": array.reshape(-1).tolist()}


def session(model):
    """An onnxruntime CPU session on a ModelProto or a path."""
    source = model.SerializeToString() if isinstance(model, onnx.ModelProto) else model
    return onnxruntime.InferenceSession(source, providers=["CPUExecutionProvider"])


def with_extra_outputs(model, names):
    """A copy of `model` that also outputs the tensors `names` (float, shapes left to onnxruntime)."""
    extended = copy.deepcopy(model)
    for name in names:
        extended.graph.output.append(helper.make_empty_tensor_value_info(name))
    return extended


def run(model, rows, names):
    """onnxruntime's values of the tensors `names` on `rows`."""
    outputs = {o.name for o in model.graph.output}
    s = session(with_extra_outputs(model, [n for n in names if n not in outputs]))
    return dict(zip(names, s.run(names, {s.get_inputs()[0].name: rows})))


def producer(model, op_type):
    nodes = [n for n in model.graph.node if n.op_type == op_type]
    assert len(nodes) == 1, f"{op_type}: {len(nodes)} nodes"
    return nodes[0]


def explain_rows(sample, features, shape):
    rows = samples.read_rows(os.path.join(samples.SAMPLES, sample, "explain.csv"), features)[:MAX_ROWS]
    return rows.reshape(len(rows), *shape)


def model_file(name):
    path = os.path.join(samples.OUT, name + ".json")
    with open(path) as f:
        return path, json.load(f)


def pipeline_gradient(model, x):
    """Float64 probabilities, logit, d p1 / d x and d logit / d x of skl2onnx's graph: Scaler, then (MatMul, Add,
    Relu) per hidden layer, then MatMul, Add and Sigmoid."""
    inits = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in model.graph.initializer}
    nodes = list(model.graph.node)
    scaler = nodes[0]
    assert scaler.op_type == "Scaler"
    attrs = {a.name: np.array(a.floats, np.float64) for a in scaler.attribute}
    h = (x.astype(np.float64) - attrs["offset"]) * attrs["scale"]
    jacobian = np.broadcast_to(np.diag(attrs["scale"]), (len(x), x.shape[1], x.shape[1])).copy()  # dh/dx [R, H, D]
    logits = None
    for node in nodes[1:]:
        if node.op_type == "Cast":
            continue
        if node.op_type == "MatMul":
            w = inits[node.input[1]]
            h = h @ w
            jacobian = np.einsum("hk,rhd->rkd", w, jacobian)
        elif node.op_type == "Add":
            h = h + inits[node.input[1]]
        elif node.op_type == "Relu":
            jacobian = jacobian * (h > 0)[:, :, None]
            h = np.maximum(h, 0)
        elif node.op_type == "Sigmoid":
            logits = h
            p1 = 1 / (1 + np.exp(-h[:, 0]))
            dp1 = (p1 * (1 - p1))[:, None] * jacobian[:, 0, :]
            probabilities = np.stack([1 - p1, p1], axis=1)
            return probabilities, logits, dp1, jacobian[:, 0, :]
        else:
            raise AssertionError(f"unexpected {node.op_type} before the Sigmoid")
    raise AssertionError("no Sigmoid")


def breast_cancer_pipeline():
    path = os.path.join(samples.OUT, "breast_cancer_pipeline.onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    json_path, file = model_file("breast_cancer_pipeline")
    x = explain_rows("breast_cancer", file["input"]["features"], [30])
    sigmoid = producer(model, "Sigmoid")
    logit_name = sigmoid.input[0]
    got = run(model, x, ["probabilities", logit_name])
    probabilities, logits = got["probabilities"], got[logit_name]
    predicted = probabilities.argmax(1)

    p64, z64, dp1, dz = pipeline_gradient(model, x)
    assert np.allclose(p64, probabilities, atol=1e-6) and np.allclose(z64, logits, atol=1e-4 * np.abs(z64).max())
    gradient = np.where(predicted[:, None] == 1, dp1, -dp1)
    # Central differences of the logit in float64 on the same forward pass, as a check of the analytic gradient (the
    # probabilities of these rows are saturated, so differences of them would be lost to rounding).
    for r in range(len(x)):
        for j in range(x.shape[1]):
            step = 1e-5 * max(abs(float(x[r, j])), 1e-2)
            up, down = x[r:r + 1].astype(np.float64).copy(), x[r:r + 1].astype(np.float64).copy()
            up[0, j] += step
            down[0, j] -= step
            numeric = (pipeline_gradient(model, up)[1][0, 0] - pipeline_gradient(model, down)[1][0, 0]) / (2 * step)
            assert abs(numeric - dz[r, j]) <= 1e-6 * np.abs(dz[r]).max(), (r, j, numeric, dz[r, j])
    return {
        "onnx": rel(path), "model": rel(json_path), "rows_from": "samples/breast_cancer/explain.csv",
        "input_name": model.graph.input[0].name, "output_name": "probabilities",
        "input": tensor(x), "probabilities": tensor(probabilities), "predicted": predicted.tolist(),
        "logit_tensor": logit_name, "logits": tensor(logits),
        "gradient": tensor(gradient), "logit_gradient": tensor(dz),
        "gradient_of": "gradient: the predicted class's probability (p1 = sigmoid(logit), p0 = 1 - p1); "
                       "logit_gradient: the one logit (of class 1, whatever the prediction); analytic in float64 "
                       "from the graph's Scaler, MatMul and Add constants",
    }, [n.op_type for n in model.graph.node]


def digits_resnet():
    import torch
    from captum.attr import IntegratedGradients

    path = os.path.join(samples.OUT, "digits_resnet.onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    json_path, file = model_file("digits_resnet")
    x = explain_rows("digits", file["input"]["features"], [1, 8, 8])
    softmax = producer(model, "Softmax")
    # The residual block's last convolution (its batch normalisation folded in): the Conv feeding the skip's Add.
    add = producer(model, "Add")
    produced_by = {o: n for n in model.graph.node for o in n.output}
    inner = next(i for i in add.input if produced_by.get(i) is not None
                 and produced_by[i].op_type == "Conv" and "block" in produced_by[i].name)
    got = run(model, x, ["probabilities", softmax.input[0]])
    probabilities, logits = got["probabilities"], got[softmax.input[0]]
    inner_value = run(model, x[:1], [inner])[inner]
    predicted = probabilities.argmax(1)

    net = samples.load_digits_resnet()
    with torch.no_grad():
        torch_probabilities = net(torch.from_numpy(x)).numpy()
        recorded = {}
        hook = net.block.register_forward_hook(lambda m, i, o: recorded.setdefault("block", o))
        net(torch.from_numpy(x[:1]))
        hook.remove()
    assert np.allclose(torch_probabilities, probabilities, atol=1e-5), "digits_resnet.pt is not the ONNX model"
    assert np.allclose(recorded["block"].numpy(), inner_value, atol=1e-4)

    net64 = samples.load_digits_resnet().double()
    rows = torch.from_numpy(x.astype(np.float64)).requires_grad_(True)
    out = net64(rows)
    out[torch.arange(len(x)), torch.from_numpy(predicted)].sum().backward()
    gradient = rows.grad.numpy()
    rows = torch.from_numpy(x.astype(np.float64)).requires_grad_(True)
    net64.logits(rows)[torch.arange(len(x)), torch.from_numpy(predicted)].sum().backward()
    logit_gradient = rows.grad.numpy()

    ig = IntegratedGradients(net64)
    baselines = {"zeros": np.zeros([1, 1, 8, 8]),
                 "mean": np.array(file["feature_stats"]["mean"], np.float64).reshape(1, 1, 8, 8)}
    integrated = {"n_steps": 50, "method": "gausslegendre", "target": "predicted",
                  "model": "the PyTorch original in float64 (digits_resnet.pt)"}
    for name, baseline in baselines.items():
        attributions, delta = ig.attribute(torch.from_numpy(x.astype(np.float64)),
                                           baselines=torch.from_numpy(baseline).expand(len(x), 1, 8, 8),
                                           target=torch.from_numpy(predicted), n_steps=50, method="gausslegendre",
                                           return_convergence_delta=True)
        integrated[name] = {"baseline": tensor(baseline), "attributions": tensor(attributions.detach().numpy()),
                            "convergence_delta": delta.detach().numpy().tolist()}
    return {
        "onnx": rel(path), "model": rel(json_path), "rows_from": "samples/digits/explain.csv",
        "input_name": model.graph.input[0].name, "output_name": "probabilities",
        "input": tensor(x), "probabilities": tensor(probabilities), "torch_probabilities": tensor(torch_probabilities),
        "predicted": predicted.tolist(), "logit_tensor": softmax.input[0], "logits": tensor(logits),
        "gradient": tensor(gradient), "logit_gradient": tensor(logit_gradient),
        "gradient_of": "gradient: the predicted class's softmax probability; logit_gradient: its logit (the "
                       "Softmax's input); PyTorch autograd in float64 on digits_resnet.pt",
        "integrated_gradients": integrated,
        "inner_tensor": {"name": inner, "row": 0, "node": produced_by[inner].name,
                         "description": "the residual block's second 3x3 convolution with its batch normalisation "
                                        "folded in, before the skip Add (PyTorch: the output of net.block)",
                         "value": tensor(inner_value)},
    }, [n.op_type for n in model.graph.node]


def mlp8():
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    x_all, y, features, classes = samples.load_dataset("breast_cancer")
    x_all = x_all[:, :8]
    rest, test, _ = samples.training_split(y)
    clf = MLPClassifier(hidden_layer_sizes=(8,), random_state=0, max_iter=2000)
    pipeline = Pipeline([("scaler", StandardScaler()), ("mlp", clf)]).fit(x_all[rest], y[rest])
    assert clf.n_iter_ < clf.max_iter
    model = to_onnx(pipeline, initial_types=[("input", FloatTensorType([None, 8]))],
                    options={id(clf): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
    samples.sorted_opsets(model)
    model.doc_string = "mlp8: scripts/make_onnx_graph_fixtures.py"
    onnx.checker.check_model(model, full_check=True)
    path = os.path.join(OUT, "mlp8.onnx")
    onnx.save(model, path)
    model = onnx.load(path)

    rng = np.random.default_rng(0)
    background = x_all[np.sort(rng.choice(rest, 6, replace=False))]
    explained = x_all[np.sort(rng.choice(test, 3, replace=False))]
    logit_name = producer(model, "Sigmoid").input[0]
    m = 8
    masks = np.array([[(s >> i) & 1 for i in range(m)] for s in range(1 << m)], dtype=bool)  # [2^M, M]
    # Every (row, coalition, background row): x where the coalition has the feature, the background row elsewhere.
    batch = np.where(masks[None, :, None, :], explained[:, None, None, :], background[None, None, :, :])
    batch = batch.reshape(-1, m).astype(np.float32)
    got = run(model, batch, ["probabilities", logit_name])
    direct = run(model, explained, ["probabilities"])["probabilities"]
    weights = [math.factorial(s) * math.factorial(m - s - 1) / math.factorial(m) for s in range(m)]
    sizes = masks.sum(1)

    def shapley(values):
        v = values.astype(np.float64).reshape(len(explained), 1 << m, len(background)).mean(2)  # [R, 2^M]
        phi = np.zeros([len(explained), m])
        for s in range(1 << m):
            for i in range(m):
                if not masks[s, i]:
                    phi[:, i] += weights[sizes[s]] * (v[:, s | (1 << i)] - v[:, s])
        prediction, base = v[:, (1 << m) - 1], v[:, 0]
        assert np.allclose(base, base[0]) and np.allclose(phi.sum(1), prediction - base, atol=1e-12)
        return {"values": tensor(phi), "prediction": prediction.tolist(), "base_value": float(base[0])}

    target = 1
    return {
        "onnx": rel(path), "input_name": model.graph.input[0].name, "output_name": "probabilities",
        "features": features[:8], "classes": classes, "background": tensor(background), "input": tensor(explained),
        "probabilities": tensor(direct), "target": target, "target_name": classes[target],
        "logit_tensor": logit_name, "coalitions": 1 << m,
        "shapley": {"probability": shapley(got["probabilities"][:, target]), "logit": shapley(got[logit_name][:, 0])},
        "definition": "exact interventional Shapley values over the background rows: v(S) = mean over b of "
                      "f(x_S, b_notS) from onnxruntime, phi_i = sum over S without i of |S|!(M-|S|-1)!/M! "
                      "(v(S+i) - v(S)); base_value = v(empty), prediction = v(all)",
        "test_accuracy": float(pipeline.score(x_all[test], y[test])),
    }, [n.op_type for n in model.graph.node]


def iris_labels():
    """An iris MLPClassifier with its string class labels, for the labels a bare .onnx gets its outputs named by."""
    import csv as csv_module
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.neural_network import MLPClassifier

    with open(os.path.join(ROOT, "samples", "iris", "iris.csv")) as f:
        rows = list(csv_module.reader(f))
    header, body = rows[0], rows[1:]
    label = header.index("label")
    x = np.array([[float(v) for j, v in enumerate(r) if j != label] for r in body], dtype=np.float32)
    y = np.array([r[label] for r in body])
    clf = MLPClassifier(hidden_layer_sizes=(4,), random_state=0, max_iter=3000).fit(x, y)
    model = to_onnx(clf, initial_types=[("input", FloatTensorType([None, x.shape[1]]))],
                    options={id(clf): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
    samples.sorted_opsets(model)
    model.doc_string = "iris_labels: scripts/make_onnx_graph_fixtures.py"
    onnx.checker.check_model(model, full_check=True)
    path = os.path.join(OUT, "iris_labels.onnx")
    onnx.save(model, path)
    model = onnx.load(path)
    probabilities = run(model, x[:4], ["probabilities"])["probabilities"]
    return ({"onnx": rel(path), "classes": [str(c) for c in clf.classes_], "input": tensor(x[:4]),
             "probabilities": tensor(probabilities)}, [n.op_type for n in model.graph.node])


def main():
    import captum
    import skl2onnx
    import sklearn
    import torch

    os.makedirs(OUT, exist_ok=True)
    expected = {}
    operators = {}
    expected["breast_cancer_pipeline"], operators["breast_cancer_pipeline"] = breast_cancer_pipeline()
    expected["digits_resnet"], operators["digits_resnet"] = digits_resnet()
    expected["mlp8"], operators["mlp8"] = mlp8()
    expected["iris_labels"], operators["iris_labels"] = iris_labels()
    expected["versions"] = {"onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__,
                            "torch": torch.__version__, "captum": captum.__version__,
                            "scikit-learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__,
                            "numpy": np.__version__}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    for name, ops in operators.items():
        print(name, ops)
    d = expected["digits_resnet"]
    print("inner tensor:", d["inner_tensor"]["name"], "of node", d["inner_tensor"]["node"])
    print("logit tensors:", {k: expected[k]["logit_tensor"] for k in operators if "logit_tensor" in expected[k]})
    print("IG convergence deltas:", {k: d["integrated_gradients"][k]["convergence_delta"] for k in ("zeros", "mean")})
    print("mlp8 test accuracy", expected["mlp8"]["test_accuracy"], "probabilities",
          expected["mlp8"]["probabilities"]["values"])
    print("wrote", rel(os.path.join(OUT, "expected.json")), os.path.getsize(os.path.join(OUT, "expected.json")),
          "bytes")


if __name__ == "__main__":
    main()

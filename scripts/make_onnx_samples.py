"""Regenerates samples/onnx/: two ONNX models of the bundled datasets, each with an ExplainKit model file around it.

- `breast_cancer_pipeline.onnx`: a scikit-learn Pipeline(StandardScaler, MLPClassifier(hidden_layer_sizes=(16, 8)))
  on samples/breast_cancer/breast_cancer.csv, exported with skl2onnx (no ZipMap, default-domain opset 17). Input
  `input` [batch, 30] in raw units; outputs `label` (int64) and `probabilities` [batch, 2] (malignant, benign).
- `digits_resnet.onnx`: a small residual CNN in PyTorch on samples/digits/digits.csv: the standardisation of the
  existing digits sample (one mean and std over all training pixels), conv3x3(1->8) -> BN -> ReLU -> residual block
  [conv3x3 -> BN -> ReLU -> conv3x3 -> BN] + skip -> ReLU -> global average pool -> Linear(8->10) -> Softmax, exported
  with torch.onnx.export (TorchScript exporter, opset 17, dynamic batch, constant folding). Input `image`
  [batch, 1, 8, 8] of raw pixel values 0..16, like samples/digits/model.json; output `probabilities` [batch, 10].
  Trained for 20 epochs with Adam (lr 0.01, cosine decay, batches of 32) on one CPU thread; the exporter folds each
  batch normalisation into the convolution before it, so the graph has no BatchNormalization node.
- `breast_cancer_pipeline.json`, `digits_resnet.json`: model files (docs/formats.md) with `"graph": {"onnx": ...}`
  in place of `layers` (CONTRACT.md section 5), the feature and class names of the existing samples, and their
  `background` and `feature_stats`.

Both models use exactly the split of `explain train --seed 0` (scripts/make-samples.sh): the stratified 20% test rows
are held out (samples/*/explain.csv are among them), the model is fitted on the other 80% (the training split), and
the background (100 rows) and feature statistics are drawn and computed from that split as ExplainKit does
(SplitMix64, reimplemented below); the script checks that they equal those of samples/*/model.json. The trained
PyTorch weights are also written to Tests/ExplainIOTests/Fixtures/onnx_graph/digits_resnet.pt, from which
scripts/make_onnx_graph_fixtures.py computes gradients and captum attributions.

    EXPLAINKIT_VENV=/tmp/refenv python3 scripts/make_onnx_samples.py

Without EXPLAINKIT_VENV the script creates /tmp/explainkit-venv and installs what it needs from PyPI. It is seeded
and single-threaded; the same package versions give the same files.
"""
import csv
import json
import math
import os
import subprocess
import sys
import warnings

REQUIREMENTS = ["numpy", "onnx", "onnxruntime", "scikit-learn", "skl2onnx", "torch"]




from explainkit_venv import ensure_environment  # noqa: E402

ensure_environment(REQUIREMENTS)

import numpy as np  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SAMPLES = os.path.join(ROOT, "samples")
OUT = os.path.join(SAMPLES, "onnx")
FIXTURES = os.path.join(ROOT, "Tests", "ExplainIOTests", "Fixtures", "onnx_graph")
STATE_DICT = os.path.join(FIXTURES, "digits_resnet.pt")
MASK64 = (1 << 64) - 1


# --- ExplainKit's split, background and statistics (Sources/ExplainIO/Training/TrainingDataRecipe.swift) ---

class SplitMix64:
    """Sources/ExplainTensor/SplitMix64.swift, bit for bit."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def derived(self, index):
        mixer = SplitMix64(self.state ^ ((index * 0xD1B54A32D192ED03) & MASK64))
        return SplitMix64(mixer.next())

    def next_int(self, bound):
        product = self.next() * bound
        if product & MASK64 < bound:
            threshold = ((1 << 64) - bound) % bound
            while product & MASK64 < threshold:
                product = self.next() * bound
        return product >> 64

    def shuffle(self, values):
        """Fisher-Yates from the end, as SplitMix64+Shuffle.swift."""
        for i in range(len(values) - 1, 0, -1):
            j = self.next_int(i + 1)
            values[i], values[j] = values[j], values[i]


def stratified_split(labels, fraction, generator):
    """StratifiedSplit.split: (kept, held out) ascending row indices."""
    class_count = max(labels) + 1
    members = [[] for _ in range(class_count)]
    for row, c in enumerate(labels):
        members[c].append(row)
    quotas = [len(m) * fraction for m in members]
    counts = [math.floor(q) for q in quotas]
    total = math.floor(len(labels) * fraction + 0.5)  # Swift's .rounded() (half away from zero), positive here
    missing = total - sum(counts)
    for c in sorted(range(class_count), key=lambda c: (-(quotas[c] - counts[c]), c)):
        if missing <= 0:
            break
        counts[c] += 1
        missing -= 1
    kept, held = [], []
    for c in range(class_count):
        rows = list(members[c])
        generator.shuffle(rows)
        n = min(counts[c], max(len(rows) - 1, 0))
        held += rows[:n]
        kept += rows[n:]
    return sorted(kept), sorted(held)


def load_dataset(name):
    """samples/<name>/<name>.csv as float32 features, class indices in ExplainKit's class order, names."""
    with open(os.path.join(SAMPLES, name, name + ".csv"), newline="") as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:]
    label = header.index("label")
    labels = [r[label] for r in body]
    try:
        [float(v) for v in labels]
        classes = sorted(set(labels), key=float)  # numeric labels are sorted numerically
    except ValueError:
        classes = list(dict.fromkeys(labels))  # otherwise in order of first appearance
    features = [h for i, h in enumerate(header) if i != label]
    x = np.array([[float(v) for i, v in enumerate(r) if i != label] for r in body], dtype=np.float32)
    y = np.array([classes.index(v) for v in labels], dtype=np.int64)
    return x, y, features, classes


def read_rows(path, features):
    """The feature columns of a CSV (by name) as float32 rows."""
    with open(path, newline="") as f:
        table = list(csv.reader(f))
    columns = [table[0].index(name) for name in features]
    return np.array([[float(r[j]) for j in columns] for r in table[1:]], dtype=np.float32)


def training_split(y, seed=0, background_size=100):
    """(training split, test rows, background rows) of `explain train --seed seed` with its default fractions."""
    root = SplitMix64(seed)
    test_generator, background_generator = root.derived(1), root.derived(3)
    rest, test = stratified_split([int(c) for c in y], 0.2, test_generator)
    drawn = list(rest)
    background_generator.shuffle(drawn)
    return rest, test, sorted(drawn[:background_size])


def feature_stats(x):
    """FeatureStats.computed: mean, population std, min, max and numpy-linear quartiles, summed in sorted order."""
    stats = {"mean": [], "std": [], "min": [], "max": [], "quartiles": []}
    for j in range(x.shape[1]):
        column = sorted(float(v) for v in x[:, j])
        n = len(column)
        total = 0.0
        for v in column:
            total += v
        mean = total / n
        squares = 0.0
        for v in column:
            squares += (v - mean) * (v - mean)

        def percentile(p):
            position = p * (n - 1)
            i = math.floor(position)
            if i + 1 >= n:
                return column[-1]
            return column[i] + (column[i + 1] - column[i]) * (position - i)

        stats["mean"].append(mean)
        stats["std"].append(math.sqrt(squares / n))
        stats["min"].append(column[0])
        stats["max"].append(column[-1])
        stats["quartiles"].append([percentile(p) for p in (0.25, 0.5, 0.75)])
    return stats


def float32_text(v):
    """The shortest decimal that reads back as the same float32, as ExplainKit writes inputs."""
    return str(np.float32(v))


def write_model_file(path, name, shape, features, classes, onnx_file, background, stats):
    """A model file laid out like the ones `explain train` writes, with a graph in place of layers."""
    def numbers(values, text=repr):
        return "[" + ", ".join(text(float(v)) for v in values) + "]"

    rows = ",\n".join("      " + numbers(r, float32_text) for r in background)
    quartiles = ",\n".join("      " + numbers(q) for q in stats["quartiles"])
    weight = 1.0 / len(background)
    text = (
        "{\n"
        '  "format": "explainkit.model",\n'
        '  "version": 1,\n'
        f'  "name": {json.dumps(name)},\n'
        '  "input": {\n'
        f'    "shape": {json.dumps(shape)},\n'
        f'    "features": {json.dumps(features)}\n'
        "  },\n"
        '  "output": {\n'
        f'    "names": {json.dumps(classes)}\n'
        "  },\n"
        '  "graph": {\n'
        f'    "onnx": {json.dumps(onnx_file)}\n'
        "  },\n"
        '  "background": {\n'
        '    "rows": [\n' + rows + "\n    ],\n"
        f'    "weights": {numbers([weight] * len(background))}\n'
        "  },\n"
        '  "feature_stats": {\n'
        + "".join(f'    "{k}": {numbers(stats[k])},\n' for k in ("mean", "std", "min", "max"))
        + '    "quartiles": [\n' + quartiles + "\n    ]\n"
        "  }\n"
        "}\n")
    json.loads(text)
    with open(path, "w") as f:
        f.write(text)


def check_against_sample(name, x, rest, background):
    """The background and statistics equal those `explain train` stored in samples/<name>/model.json."""
    with open(os.path.join(SAMPLES, name, "model.json")) as f:
        existing = json.load(f)
    stats = feature_stats(x[rest])
    assert np.array_equal(np.array(existing["background"]["rows"], np.float32), x[background]), name
    assert existing["feature_stats"] == stats, name
    return existing, stats


# --- The residual CNN (also imported by make_onnx_graph_fixtures.py) ---

def digits_resnet_class():
    import torch
    import torch.nn as nn

    class DigitsResNet(nn.Module):
        """Raw 0..16 pixels [N, 1, 8, 8] -> class probabilities [N, 10]."""

        def __init__(self, mean=0.0, std=1.0):
            super().__init__()
            self.register_buffer("mean", torch.tensor(float(mean)))
            self.register_buffer("std", torch.tensor(float(std)))
            self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
            self.block = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                                       nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8))
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.flatten = nn.Flatten()
            self.fc = nn.Linear(8, 10)

        def logits(self, x):
            h = self.stem((x - self.mean) / self.std)
            h = torch.relu(h + self.block(h))
            return self.fc(self.flatten(self.pool(h)))

        def forward(self, x):
            return torch.softmax(self.logits(x), dim=1)

    return DigitsResNet


def load_digits_resnet(path=STATE_DICT):
    """The trained CNN from its state dict, in eval mode."""
    import torch
    net = digits_resnet_class()()
    net.load_state_dict(torch.load(path, weights_only=True))
    return net.eval()


# --- The samples ---

def sorted_opsets(model):
    """skl2onnx lists the opset imports in set order, which varies with PYTHONHASHSEED: sort them by domain."""
    imports = sorted(model.opset_import, key=lambda o: o.domain)
    del model.opset_import[:]
    model.opset_import.extend(imports)
    return model


def breast_cancer():
    import onnx
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    name = "breast_cancer"
    x, y, features, classes = load_dataset(name)
    rest, test, background = training_split(y)
    existing, stats = check_against_sample(name, x, rest, background)
    assert classes == existing["output"]["names"] and features == existing["input"]["features"]

    clf = MLPClassifier(hidden_layer_sizes=(16, 8), random_state=0, max_iter=1000)
    pipeline = Pipeline([("scaler", StandardScaler()), ("mlp", clf)]).fit(x[rest], y[rest])
    assert clf.n_iter_ < clf.max_iter, "MLPClassifier did not converge"
    model = to_onnx(pipeline, initial_types=[("input", FloatTensorType([None, x.shape[1]]))],
                    options={id(clf): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
    sorted_opsets(model)
    model.doc_string = "samples/onnx/breast_cancer_pipeline.onnx: scripts/make_onnx_samples.py"
    path = os.path.join(OUT, "breast_cancer_pipeline.onnx")
    onnx.save(model, path)
    write_model_file(os.path.join(OUT, "breast_cancer_pipeline.json"), "breast_cancer-pipeline-onnx",
                     [x.shape[1]], features, classes, "breast_cancer_pipeline.onnx", x[background], stats)

    probabilities = run_onnx(path, x[test])
    agree = np.array_equal(probabilities.argmax(1), pipeline.predict(x[test]))
    assert np.allclose(probabilities, pipeline.predict_proba(x[test]), atol=1e-5)
    return {"sample": name, "path": path, "test_accuracy": accuracy(probabilities, y[test]),
            "training_accuracy": accuracy(run_onnx(path, x[rest]), y[rest]),
            "all_rows_accuracy": accuracy(run_onnx(path, x), y), "iterations": clf.n_iter_,
            "onnx_agrees_with_sklearn": bool(agree), "features": features}


def digits():
    import onnx
    import torch
    import torch.nn as nn

    name = "digits"
    x, y, features, classes = load_dataset(name)
    rest, test, background = training_split(y)
    existing, stats = check_against_sample(name, x, rest, background)
    assert classes == existing["output"]["names"] and existing["input"]["shape"] == [1, 8, 8]
    # The existing sample's standardize layer: one mean and std over every pixel of the training split.
    pixels = x[rest].astype(np.float64)
    mean, std = pixels.mean(), pixels.std()
    assert abs(np.float32(mean) - existing["layers"][0]["mean"][0]) < 1e-6
    assert abs(np.float32(std) - existing["layers"][0]["std"][0]) < 1e-6

    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    net = digits_resnet_class()(np.float32(mean), np.float32(std))
    images = torch.from_numpy(x.reshape(-1, 1, 8, 8))
    targets = torch.from_numpy(y)
    train_x, train_y = images[rest], targets[rest]
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    batches = torch.Generator().manual_seed(0)
    epochs, batch_size = 20, 32
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs * math.ceil(len(rest) / batch_size))
    for _ in range(epochs):
        net.train()
        order = torch.randperm(len(rest), generator=batches)
        for start in range(0, len(rest), batch_size):
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(net.logits(train_x[idx]), train_y[idx])
            loss.backward()
            optimizer.step()
            schedule.step()
    net.eval()
    os.makedirs(FIXTURES, exist_ok=True)
    torch.save(net.state_dict(), STATE_DICT)

    path = os.path.join(OUT, "digits_resnet.onnx")
    warnings.filterwarnings("ignore", message=".*legacy TorchScript-based ONNX export", category=DeprecationWarning)
    torch.onnx.export(net, (images[:2],), path, input_names=["image"], output_names=["probabilities"],
                      dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=17,
                      do_constant_folding=True, dynamo=False)
    model = onnx.load(path)
    model.doc_string = "samples/onnx/digits_resnet.onnx: scripts/make_onnx_samples.py"
    onnx.save(model, path)
    write_model_file(os.path.join(OUT, "digits_resnet.json"), "digits-resnet-onnx", [1, 8, 8], features, classes,
                     "digits_resnet.onnx", x[background], stats)

    probabilities = run_onnx(path, x.reshape(-1, 1, 8, 8))
    with torch.no_grad():
        assert np.allclose(probabilities, net(images).numpy(), atol=1e-5)
    return {"sample": name, "path": path, "test_accuracy": accuracy(probabilities[test], y[test]),
            "training_accuracy": accuracy(probabilities[rest], y[rest]),
            "all_rows_accuracy": accuracy(probabilities, y), "epochs": epochs, "features": features}


def run_onnx(path, rows):
    import onnxruntime
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return session.run(["probabilities"], {session.get_inputs()[0].name: rows})[0] if "probabilities" in names \
        else session.run(None, {session.get_inputs()[0].name: rows})[0]


def accuracy(probabilities, y):
    hits = int((probabilities.argmax(1) == y).sum())
    return {"value": round(hits / len(y), 4), "correct": hits, "rows": len(y)}


def verify(result):
    """onnx.checker, the operator list, and onnxruntime on samples/<name>/explain.csv."""
    import onnx
    model = onnx.load(result["path"])
    onnx.checker.check_model(model, full_check=True)
    result["operators"] = [n.op_type for n in model.graph.node]
    result["opsets"] = {o.domain or "ai.onnx": o.version for o in model.opset_import}
    rows = read_rows(os.path.join(SAMPLES, result["sample"], "explain.csv"), result["features"])
    if result["sample"] == "digits":
        rows = rows.reshape(-1, 1, 8, 8)
    result["explain_csv_predictions"] = run_onnx(result["path"], rows).argmax(1).tolist()
    result["bytes"] = os.path.getsize(result["path"])


def main():
    os.makedirs(OUT, exist_ok=True)
    for result in (breast_cancer(), digits()):
        verify(result)
        del result["features"]
        result["path"] = os.path.relpath(result["path"], ROOT)
        print(json.dumps(result))


if __name__ == "__main__":
    main()

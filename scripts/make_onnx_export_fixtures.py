"""Regenerates Tests/ExplainIOTests/Fixtures/onnx_export/: onnxruntime's predictions on models `explain export` wrote.

For each bundled sample model (samples/*/model.json) and two hand-built model files covering every layer type
(all_layers.json, conv_head.json, written here from a fixed seed), the script runs the BUILT `explain export` binary,
checks the file with onnx.checker (full check, with shape inference), runs it in onnxruntime and records in
`expected.json`: where the input rows came from (the sample's explain.csv, or rows drawn here) and their values,
onnxruntime's outputs, and the SHA-256 of the exported file. ONNXWriterTests re-exports each model and checks that
its bytes hash the same (so the file onnxruntime ran is the file ExplainKit writes) and that Model.forward equals
onnxruntime's outputs.

    swift build && EXPLAINKIT_VENV=/tmp/refenv python3 scripts/make_onnx_export_fixtures.py

The binary is $EXPLAIN_BIN, by default .build/debug/explain. Without EXPLAINKIT_VENV the script creates
/tmp/explainkit-venv and installs what it needs from PyPI. Re-run it when the writer's output changes (a new
ExplainKit version changes producer_version, and so every hash).
"""
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile

REQUIREMENTS = ["numpy", "onnx", "onnxruntime"]




from explainkit_venv import ensure_environment  # noqa: E402

ensure_environment(REQUIREMENTS)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime  # noqa: E402

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "Tests", "ExplainIOTests", "Fixtures", "onnx_export")
EXPLAIN = os.environ.get("EXPLAIN_BIN", os.path.join(ROOT, ".build", "debug", "explain"))
SAMPLES = ["iris", "wine", "breast_cancer", "digits"]
rng = np.random.default_rng(7)


def relative(path):
    return os.path.relpath(path, ROOT)


def draw(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32).tolist()


def positive(count):
    return (np.abs(rng.standard_normal(count)) + 0.5).astype(np.float32).tolist()


def model_file(name, shape, outputs, layers):
    features = [f"px{i}" for i in range(int(np.prod(shape)))] if len(shape) == 3 else [f"x{i}" for i in range(shape[0])]
    return {"format": "explainkit.model", "version": 1, "name": name,
            "input": {"shape": shape, "features": features}, "output": {"names": outputs}, "layers": layers}


def all_layers():
    """Every layer type: standardize on an image, conv2d with stride and padding, both pools, every activation,
    softmax over a [C, H, W] sample and over a flat one, flatten, dropout, dense."""
    width = 2 * 7 * 7
    return model_file("all-layers", [2, 7, 7], ["a", "b", "c"], [
        {"type": "standardize", "name": "scale", "mean": draw(width), "std": positive(width)},
        {"type": "conv2d", "name": "conv1", "weight": draw(3, 2, 3, 3), "bias": draw(3), "stride": 2, "padding": 1},
        {"type": "leaky_relu", "slope": 0.2},
        {"type": "maxpool2d", "kernel": 2, "stride": 1},
        {"type": "conv2d", "name": "conv2", "weight": draw(4, 3, 2, 2), "bias": draw(4), "padding": 1},
        {"type": "tanh"},
        {"type": "avgpool2d", "kernel": 2},
        {"type": "softmax", "name": "spatial_softmax"},
        {"type": "sigmoid"},
        {"type": "flatten"},
        {"type": "dropout", "p": 0.3},
        {"type": "dense", "name": "fc1", "weight": draw(8, 16), "bias": draw(8)},
        {"type": "relu"},
        {"type": "dense", "name": "fc2", "weight": draw(3, 8), "bias": draw(3)},
        {"type": "softmax"},
    ])


def conv_head():
    """A network that ends in a [C, H, W] softmax (the export appends a Flatten), with layers named like the graph's
    input and output (the export renames their tensors)."""
    return model_file("conv-head", [1, 5, 5], [f"o{i}" for i in range(8)], [
        {"type": "conv2d", "name": "input", "weight": draw(3, 1, 3, 3), "bias": draw(3)},
        {"type": "relu", "name": "output"},
        {"type": "conv2d", "name": "head", "weight": draw(2, 3, 2, 2), "bias": draw(2)},
        {"type": "softmax"},
    ])


def sample_rows(model, csv_path):
    """The explain.csv columns named by the model's features, in feature order, as float32."""
    with open(csv_path, newline="") as f:
        table = list(csv.reader(f))
    header = table[0]
    columns = [header.index(name) for name in model["input"]["features"]]
    return np.array([[float(row[j]) for j in columns] for row in table[1:]], dtype=np.float32)


def export(name, model_path, rows, source, work):
    """Runs `explain export`, checks and runs the file, and returns its fixture entry."""
    onnx_path = os.path.join(work, name + ".onnx")
    result = subprocess.run([EXPLAIN, "export", "--model", model_path, "--onnx", onnx_path],
                            capture_output=True, text=True, check=True)
    assert result.stdout.startswith("wrote "), result.stdout
    data = open(onnx_path, "rb").read()
    proto = onnx.load_from_string(data)
    onnx.checker.check_model(proto, full_check=True)
    assert [i.name for i in proto.graph.input] == ["input"] and [o.name for o in proto.graph.output] == ["output"]
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "N"
    with open(model_path) as f:
        shape = json.load(f)["input"]["shape"]
    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    (outputs,) = session.run(["output"], {"input": rows.reshape([len(rows), *shape])})
    return {"model": relative(model_path), "input": {"source": source, "shape": list(rows.shape),
                                                     "values": rows.reshape(-1).tolist()},
            "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
            "outputs": {"shape": list(outputs.shape), "values": outputs.reshape(-1).tolist()}}


def main():
    os.makedirs(OUT, exist_ok=True)
    models = {}
    with tempfile.TemporaryDirectory() as work:
        for name in SAMPLES:
            model_path = os.path.join(ROOT, "samples", name, "model.json")
            if not os.path.exists(model_path):
                continue
            csv_path = os.path.join(ROOT, "samples", name, "explain.csv")
            with open(model_path) as f:
                rows = sample_rows(json.load(f), csv_path)
            models[name] = export(name, model_path, rows, relative(csv_path), work)
        for name, document in [("all_layers", all_layers()), ("conv_head", conv_head())]:
            model_path = os.path.join(OUT, name + ".json")
            with open(model_path, "w") as f:
                json.dump(document, f)
                f.write("\n")
            width = int(np.prod(document["input"]["shape"]))
            rows = rng.standard_normal([6, width]).astype(np.float32)
            models[name] = export(name, model_path, rows, "drawn by scripts/make_onnx_export_fixtures.py", work)
    version = subprocess.run([EXPLAIN, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    expected = {"models": models, "explain_version": version,
                "versions": {"onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__}}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    print("wrote", relative(os.path.join(OUT, "expected.json")), "for", sorted(models), "with onnxruntime",
          onnxruntime.__version__)


main()

"""Measures onnxruntime's CPU throughput on the ONNX samples, as a yardstick for ExplainKit's graph models.

For samples/onnx/digits_resnet.onnx and samples/onnx/breast_cancer_pipeline.onnx, one onnxruntime CPU session each
with intra_op_num_threads=1, inter_op_num_threads=1 and sequential execution runs batches of 1, 64 and 4096 seeded
random rows of the input's shape (uniform over the training range: pixels 0..16, and for the tabular model each
feature between its feature_stats min and max). After a warm-up, each (model, batch) is timed over repeated rounds of
about 0.1 s (10 rounds, about 1 s in all by default); the best round gives rows per second. Only the output the
model files explain is fetched (`probabilities`). One line per (model, batch):

    onnxruntime digits_resnet batch 64: 123456 rows/s

    EXPLAINKIT_VENV=/tmp/refenv python3 scripts/bench_onnxruntime.py [--seconds 1.0] [--json PATH]

`--json PATH` also writes {"onnxruntime": version, "machine": {...}, "results": [{"model", "batch", "rows_per_second",
"seconds_per_batch", "runs"}]}. Without EXPLAINKIT_VENV the script creates /tmp/explainkit-venv and installs what it
needs from PyPI.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

REQUIREMENTS = ["numpy", "onnxruntime"]




from explainkit_venv import ensure_environment  # noqa: E402

ensure_environment(REQUIREMENTS)

import numpy as np  # noqa: E402
import onnxruntime  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
MODELS = ["digits_resnet", "breast_cancer_pipeline"]
BATCHES = [1, 64, 4096]


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor()) if os.path.exists("/proc/cpuinfo") else platform.processor()
    return {"nproc": os.cpu_count(), "cpu": model, "system": platform.platform()}


def session(path):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def rows(name, batch, rng):
    with open(os.path.join(ROOT, "samples", "onnx", name + ".json")) as f:
        stats = json.load(f)["feature_stats"]
    low, high = np.array(stats["min"]), np.array(stats["max"])
    shape = [1, 8, 8] if name == "digits_resnet" else [len(low)]
    values = low + (high - low) * rng.random([batch, len(low)])
    return values.reshape(batch, *shape).astype(np.float32)


def measure(s, feed, seconds):
    """Best rows/s over rounds of about seconds/10, after a warm-up that also sizes the rounds."""
    run = lambda: s.run(["probabilities"], feed)  # noqa: E731
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < 0.05:
        run()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    per_round = max(1, int(seconds / 10 / per_call))
    best = float("inf")
    for _ in range(10):
        t = time.perf_counter()
        for _ in range(per_round):
            run()
        best = min(best, (time.perf_counter() - t) / per_round)
    return best, per_round * 10


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="timed seconds per (model, batch), about")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    results = []
    for name in MODELS:
        s = session(os.path.join(ROOT, "samples", "onnx", name + ".onnx"))
        for batch in BATCHES:
            feed = {s.get_inputs()[0].name: rows(name, batch, rng)}
            seconds, runs = measure(s, feed, args.seconds)
            rate = batch / seconds
            results.append({"model": name, "batch": batch, "rows_per_second": round(rate, 1),
                            "seconds_per_batch": seconds, "runs": runs})
            print(f"onnxruntime {name} batch {batch}: {rate:.0f} rows/s", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"onnxruntime": onnxruntime.__version__, "threads": {"intra_op": 1, "inter_op": 1},
                       "execution_mode": "sequential", "machine": machine(), "results": results}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()

"""Where shap's KernelExplainer spends its time at the default budget (stop 20's bound on goal (a)).

Times the compare.py model's numpy forward pass alone on the 210,800 rows that one explained row costs at 2M + 2048
coalitions (100 background rows), then shap's KernelExplainer on four rows, plain and under cProfile. Run with the
same environment as run.sh's one-core pass:

    OPENBLAS_NUM_THREADS=1 /tmp/shapenv/bin/python benchmarks/shap/shap_profile.py /tmp/kernelshap-bench/bench.json
"""
import cProfile
import pstats
import sys
import time

import numpy as np
import shap

from compare import load, make_model


def least_cpu(body, passes=3):
    best = float("inf")
    for _ in range(passes):
        start = time.process_time()
        body()
        best = min(best, time.process_time() - start)
    return best


def main(path):
    doc = load(path)
    model = make_model(doc)
    background = np.asarray(doc["background"], dtype=np.float32)
    rows = np.asarray(doc["rows"], dtype=np.float32)[:4]
    budget = 2 * rows.shape[1] + 2048
    synthetic = np.tile(background, (budget, 1))
    for dtype in (np.float32, np.float64):
        data = synthetic.astype(dtype)
        print(f"numpy forward, {data.shape[0]:,} x {data.shape[1]} {dtype.__name__}: "
              f"{least_cpu(lambda: model(data)) * 1e3:.1f} ms")
    explainer = shap.KernelExplainer(model, background)

    def explain():
        np.random.seed(0)
        for x in rows:
            explainer.shap_values(x, nsamples=budget, l1_reg=False, silent=True)

    print(f"shap KernelExplainer, {budget} coalitions: {least_cpu(explain) / len(rows) * 1e3:.1f} ms/row")
    profile = cProfile.Profile()
    profile.enable()
    explain()
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(r"forward|addsample|explain|solve", 8)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/kernelshap-bench/bench.json")

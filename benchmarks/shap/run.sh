#!/usr/bin/env bash
# Compares ExplainKit's KernelSHAP with shap's KernelExplainer (see compare.py). Not part of the test suite.
# Needs explain-bench to call runKernelSHAPBenchmark() (Sources/ExplainBench/KernelSHAPBench.swift).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${KERNELSHAP_BENCH_DIR:-/tmp/kernelshap-bench}"
venv="${SHAP_VENV:-/tmp/shapenv}"
mkdir -p "$out"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import shap" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q shap
fi
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
(cd "$root" && swift build -c release --product explain-bench)
KERNELSHAP_BENCH_EXPORT="$out/bench.json" "$root/.build/release/explain-bench" kernelshap
"$venv/bin/python" "$root/benchmarks/shap/compare.py" "$out/bench.json"
# The same comparison in wall time with each library on the whole machine at its defaults: ExplainKit's rows on every
# core, shap with numpy's default BLAS threads.
echo
env -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS -u MKL_NUM_THREADS \
    "$venv/bin/python" "$root/benchmarks/shap/compare.py" --whole-machine "$out/bench.json"

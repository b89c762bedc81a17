#!/usr/bin/env bash
# captum's time per row for the modified-backward-pass methods on the bundled samples (one thread). Compare with
# `swift run -c release explain-bench deeplift`. Not part of the test suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${CAPTUM_VENV:-${EXPLAINKIT_VENV:-/tmp/torchenv}}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import captum" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch captum numpy
fi
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$venv/bin/python" "$root/benchmarks/captum/modified_backprop.py"

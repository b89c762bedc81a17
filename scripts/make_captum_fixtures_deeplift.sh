#!/usr/bin/env bash
# Regenerates the captum fixtures of DeepLIFT, DeepSHAP, guided backprop, deconvolution and LRP
# (Tests/ExplainMethodsTests/Fixtures/captum-modified-backprop-*.json). Uses $EXPLAINKIT_VENV when it has torch and
# captum, else makes a virtualenv there (default /tmp/explainkit-venv) from PyPI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${EXPLAINKIT_VENV:-/tmp/explainkit-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import torch, captum" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch captum numpy
fi
OMP_NUM_THREADS=1 "$venv/bin/python" "$root/scripts/make_captum_fixtures_deeplift.py"

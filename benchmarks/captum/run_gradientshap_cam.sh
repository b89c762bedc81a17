#!/usr/bin/env bash
# GradientSHAP and Grad-CAM vs captum on the bundled samples: captum's time per row and the agreement. Not a test.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${CAPTUM_VENV:-/tmp/torchenv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import captum" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch captum numpy
fi
out=$(mktemp -d)
(cd "$root" && swift build -c release --product explain >&2)
explain="$root/.build/release/explain"
for sample in breast_cancer digits; do
  head -n 21 "$root/samples/$sample/$sample.csv" > "$out/$sample-rows.csv"
  "$explain" --model "$root/samples/$sample/model.json" --input "$out/$sample-rows.csv" --method gradientshap \
    --samples 2000 --threads 1 --quiet --json "$out/$sample-gradientshap.json" --out "$out/$sample.pdf"
done
head -n 101 "$root/samples/digits/digits.csv" > "$out/digits-images.csv"
"$explain" --model "$root/samples/digits/model.json" --input "$out/digits-images.csv" --method grad-cam --threads 1 \
  --quiet --json "$out/digits-grad-cam.json" --out "$out/digits-cam.pdf"
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$venv/bin/python" "$root/benchmarks/captum/gradientshap_cam.py" "$root" "$out"

#!/usr/bin/env bash
# Agreement and speed against captum on the breast-cancer sample (one thread each). Not part of the test suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${CAPTUM_VENV:-/tmp/torchenv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import captum" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch captum numpy
fi
sample="${1:-breast_cancer}"
out=$(mktemp -d)
(cd "$root" && swift build -c release --product explain >&2)
# Explain 100 rows of the sample's data with the gradient family.
head -n 101 "$root/samples/$sample/$sample.csv" > "$out/rows.csv"
for m in integrated-gradients gradient saliency gradient-x-input; do
  "$root/.build/release/explain" --model "$root/samples/$sample/model.json" --input "$out/rows.csv" --method "$m" \
    --threads 1 --quiet --json "$out/$m.json" --out "$out/$m.pdf"
done
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
docs = [json.load(open(f"{out}/{m}.json")) for m in ["integrated-gradients", "gradient", "saliency", "gradient-x-input"]]
json.dump({"results": docs}, open(f"{out}/all.json", "w"))
PY
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$venv/bin/python" "$root/benchmarks/captum/compare.py" \
  "$root/samples/$sample/model.json" "$out/rows.csv" "$out/all.json"

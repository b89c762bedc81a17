#!/usr/bin/env bash
# Feature ablation, occlusion and Shapley sampling vs captum on a bundled sample (one thread each); not a test.
#   bash benchmarks/captum/perturbation.sh [breast_cancer|digits] [rows] [shapley-rows]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${CAPTUM_VENV:-${EXPLAINKIT_VENV:-/tmp/torchenv}}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import captum" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch captum numpy
fi
sample="${1:-breast_cancer}"
rows="${2:-20}"
shapley_rows="${3:-3}"
out=$(mktemp -d)
(cd "$root" && swift build -c release --product explain >&2)
head -n $((rows + 1)) "$root/samples/$sample/$sample.csv" > "$out/rows.csv"
methods="feature-ablation shapley-sampling"
[ "$sample" = digits ] && methods="$methods occlusion"
for m in $methods; do
  "$root/.build/release/explain" --model "$root/samples/$sample/model.json" --input "$out/rows.csv" --method "$m" \
    --threads 1 --quiet --json "$out/$m.json" --out "$out/$m.pdf"
done
python3 - "$out" $methods <<'PY'
import json, sys
out = sys.argv[1]
json.dump({"results": [json.load(open(f"{out}/{m}.json")) for m in sys.argv[2:]]}, open(f"{out}/all.json", "w"))
PY
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$venv/bin/python" "$root/benchmarks/captum/perturbation.py" \
  "$root/samples/$sample/model.json" "$out/rows.csv" "$out/all.json" "$shapley_rows"

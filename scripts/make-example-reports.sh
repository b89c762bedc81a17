#!/usr/bin/env bash
# Regenerates the example reports committed under reports/ and the README's page image, from the bundled samples.
#   scripts/make-example-reports.sh          (needs pdftotext from poppler-utils to find the README's page)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product explain >&2
explain=.build/release/explain

"$explain" --model samples/iris/model.json --input samples/iris/explain.csv --method all --rows 0-2 \
  --layer relu2 --out reports/iris-all.pdf --json reports/iris-all.json --quiet
"$explain" --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method kernelshap \
  --rows 0-1 --tolerance 0.02 --samples 100000 --out reports/breast_cancer-kernelshap.pdf --json reports/breast_cancer-kernelshap.json --quiet
"$explain" --model samples/digits/model.json --input samples/digits/explain.csv --method integrated-gradients \
  --rows 0-1 --layer relu5 --out reports/digits-integrated-gradients.pdf --quiet
pages=$(mktemp -d)
"$explain" --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method all --rows 0 \
  --logits --out "$pages/report.pdf" --png "$pages" --quiet
mkdir -p docs/images
# The README shows the first page of row 0 in that run (the README's main job, one row): every method side by side,
# with diagnostics, warnings and agreement (continued on the next page). Found by its heading, not its number.
count=$(ls "$pages"/page-*.png | wc -l)
row_page=""
for i in $(seq 1 "$count"); do
  if pdftotext -f "$i" -l "$i" "$pages/report.pdf" - | head -1 | grep -qx "Row 0"; then row_page=$i; break; fi
done
[ -n "$row_page" ] || { echo "make-example-reports: no 'Row 0' page found" >&2; exit 1; }
cp "$pages/$(printf 'page-%03d.png' "$row_page")" docs/images/report-row-page.png
rm -rf "$pages"
ls -l reports docs/images

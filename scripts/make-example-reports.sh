#!/usr/bin/env bash
# Regenerates the example reports committed under reports/ and the README's page image, from the bundled samples.
#   scripts/make-example-reports.sh          (needs pdftoppm from poppler-utils for the PNG page)
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
  --out "$pages/report.pdf" --png "$pages" --quiet
mkdir -p docs/images
# The README shows the row page of that run (page 9: title, seven summaries (one target), then the row's first page):
# all seven methods side by side, with diagnostics, warnings and agreement (continued on page 10).
cp "$pages/page-009.png" docs/images/report-row-page.png
rm -rf "$pages"
ls -l reports docs/images

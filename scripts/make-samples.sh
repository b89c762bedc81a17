#!/usr/bin/env bash
# Regenerates every sample model under samples/ with `explain train`, deterministically: the same data, flags and
# seed give the same model.json, model.history.json and explain.csv, byte for byte (debug and release builds agree).
#
#   scripts/make-samples.sh            # builds `explain` in release, then trains all four samples
#   EXPLAIN=path/to/explain scripts/make-samples.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${EXPLAIN:-}" ]; then
  swift build -c release --product explain >&2
  EXPLAIN=.build/release/explain
fi

train() {
  local name=$1; shift
  echo "== $name" >&2
  "$EXPLAIN" train --data "samples/$name/$name.csv" --label label --seed 0 \
    --out "samples/$name/model.json" --explain-csv "samples/$name/explain.csv" --quiet "$@"
}

train iris          --hidden 16,16 --epochs 300 --lr 0.005 --patience 100
train wine          --hidden 16    --epochs 300 --lr 0.005 --patience 50
train breast_cancer --hidden 64,64 --epochs 200 --lr 0.001 --batch-size 64 --patience 30
train digits        --image 1x8x8 --channels 8,16 --hidden 64 --epochs 100 --lr 0.002 --patience 15

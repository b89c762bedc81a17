#!/usr/bin/env bash
# Regenerates Tests/ExplainCLITests/Fixtures/sequential_golden/: the attribution JSON of a fixed list of runs on the
# bundled sequential (layer-chain) samples, pinned by the build of commit 2725ca9, the last commit before Model became
# a graph. SequentialGoldenTests runs the same list with today's build and compares the bytes.
#
#   EXPLAIN_BIN=/path/to/explain scripts/make-sequential-golden.sh              # writes the fixture folder
#   EXPLAIN_BIN=/path/to/explain OUT_DIR=/tmp/golden scripts/make-sequential-golden.sh   # writes elsewhere (to cmp)
#
# The fixtures are meant to come from a build of 2725ca9 (git worktree add /tmp/before 2725ca9 && cd /tmp/before &&
# swift build -c release --product explain); GOLDEN_COMMIT only changes what README.md says about the build used.
# Every run has --seed 0 --threads 1 --quiet, its JSON in OUT_DIR and its PDF report in a temporary folder that is
# removed (reports are not compared). Paths are relative to the repository root, where the runs start.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${EXPLAIN_BIN:?set EXPLAIN_BIN to the explain binary to run (a build of 2725ca9 for the committed fixtures)}"
[ -x "$EXPLAIN_BIN" ] || { echo "make-sequential-golden: EXPLAIN_BIN=$EXPLAIN_BIN is not executable" >&2; exit 1; }
OUT_DIR=${OUT_DIR:-Tests/ExplainCLITests/Fixtures/sequential_golden}
GOLDEN_COMMIT=${GOLDEN_COMMIT:-2725ca9}
COMMON=(--seed 0 --threads 1 --quiet)

# One run per line: the JSON file's name, then the run's own arguments. Keep in step with
# SequentialGoldenTests.commands (the test also checks it against the commands.txt written below).
# Digits runs rows 0-1 only, and --method all there has --background-size 16: with the full 100-row background,
# KernelSHAP (17 s) and Shapley sampling (27 s) alone take 45 s in a debug build; with 16 the whole run takes 9 s.
# Only those two methods' background_size changes; every other method keeps its defaults.
RUNS=(
  "breast_cancer-all-logits.json --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method all --logits"
  "breast_cancer-all.json --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method all"
  "breast_cancer-lrp-gamma-logits.json --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method lrp --lrp-rule gamma --logits"
  "breast_cancer-lrp-zplus-logits.json --model samples/breast_cancer/model.json --input samples/breast_cancer/explain.csv --method lrp --lrp-rule zplus --logits"
  "iris-all.json --model samples/iris/model.json --input samples/iris/explain.csv --method all"
  "iris-all-layer-relu2.json --model samples/iris/model.json --input samples/iris/explain.csv --method all --layer relu2"
  "wine-all.json --model samples/wine/model.json --input samples/wine/explain.csv --method all"
  "digits-all-rows-0-1-background-size-16.json --model samples/digits/model.json --input samples/digits/explain.csv --method all --rows 0-1 --background-size 16"
  "digits-integrated-gradients-layer-relu5-rows-0-1.json --model samples/digits/model.json --input samples/digits/explain.csv --method integrated-gradients --layer relu5 --rows 0-1"
  "digits-lrp-gamma-rows-0-1.json --model samples/digits/model.json --input samples/digits/explain.csv --method lrp --lrp-rule gamma --rows 0-1"
)

mkdir -p "$OUT_DIR"
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
rm -f "$OUT_DIR"/*.json
: > "$OUT_DIR/commands.txt"
for run in "${RUNS[@]}"; do
  read -r -a words <<< "$run"
  name=${words[0]}
  args=("${words[@]:1}")
  echo "== $name" >&2
  "$EXPLAIN_BIN" "${args[@]}" "${COMMON[@]}" --json "$OUT_DIR/$name" --out "$reports/${name%.json}.pdf"
  echo "$run" >> "$OUT_DIR/commands.txt"
done

{
  echo "# Sequential golden outputs"
  echo
  echo "The attribution JSON of the runs below on the bundled sequential samples, made by the build of commit"
  echo "\`$GOLDEN_COMMIT\` (before the graph refactor, when \`Model\` was a layer chain), with"
  echo
  echo "    git worktree add /tmp/before $GOLDEN_COMMIT && (cd /tmp/before && swift build -c release --product explain)"
  echo "    EXPLAIN_BIN=/tmp/before/.build/release/explain scripts/make-sequential-golden.sh"
  echo
  echo "\`SequentialGoldenTests\` (Tests/ExplainCLITests) runs the same commands with today's build and requires the"
  echo "same bytes, file by file: the JSON has no timings, dates or paths, so nothing is left out of the comparison."
  echo "\`commands.txt\` lists the runs, one a line (the output file, then the arguments); every run also gets"
  echo "\`${COMMON[*]} --json <file> --out <temporary pdf>\`, and starts in the repository root. Digits explains rows"
  echo "0-1 only, and its \`--method all\` run summarises KernelSHAP's and Shapley sampling's background to 16 rows"
  echo "(\`--background-size 16\`), so the debug-build test stays fast; every other method keeps its defaults."
  echo "Matrix products go through OpenBLAS, whose kernels depend on the CPU; the files were made on the project's"
  echo "machine kind (x86-64, OpenBLAS 0.3.21 from Debian)."
  echo
  echo "| file | arguments |"
  echo "|---|---|"
  for run in "${RUNS[@]}"; do
    read -r -a words <<< "$run"
    echo "| \`${words[0]}\` | \`${words[*]:1}\` |"
  done
} > "$OUT_DIR/README.md"
ls -l "$OUT_DIR" >&2

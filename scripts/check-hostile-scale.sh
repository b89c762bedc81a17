#!/usr/bin/env bash
# Release-mode checks of issue 27's bounds on hostile but valid inputs (not a unit test: it times things).
#   - a model whose name has 10 million characters: the PDF report is written in under 5 s;
#   - a 10,000-feature model: the same;
#   - peak RSS of `--method predict --json` at 10^4 and 10^6 rows (printed, for the record).
# Usage: scripts/check-hostile-scale.sh   (builds `explain` in release first; needs python3 for the fixtures)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift build -c release --product explain >&2
bin="$root/.build/release/explain"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import json, random, sys
out = sys.argv[1]
random.seed(0)
def model(name, width):
    return {"format": "explainkit.model", "version": 1, "name": name,
            "input": {"shape": [width], "features": [f"f{i}" for i in range(width)]},
            "output": {"names": ["no", "yes"]},
            "layers": [{"type": "dense", "weight": [[random.gauss(0, 0.1) for _ in range(width)] for _ in range(2)],
                        "bias": [0.0, 0.0]}, {"type": "softmax"}]}
json.dump(model("m" * 10_000_000, 4), open(f"{out}/long-name.json", "w"))
json.dump(model("wide", 10_000), open(f"{out}/wide.json", "w"))
with open(f"{out}/long-name.csv", "w") as f:
    f.write("f0,f1,f2,f3\n" + "".join(f"{i % 7},{i % 5},{i % 3},{i % 2}\n" for i in range(5)))
with open(f"{out}/wide.csv", "w") as f:
    f.write(",".join(f"f{i}" for i in range(10_000)) + "\n")
    for r in range(3): f.write(",".join(str((r + i) % 9) for i in range(10_000)) + "\n")
for n in (10_000, 1_000_000):
    with open(f"{out}/rows-{n}.csv", "w") as f:
        f.write("f0,f1,f2,f3\n")
        f.write("".join(f"{i % 7},{i % 5},{i % 3},{i % 2}\n" for i in range(n)))
PY
status=0
for case in long-name wide; do
    start=$(date +%s%N)
    "$bin" --model "$work/$case.json" --input "$work/$case.csv" --method gradient --quiet --out "$work/$case.pdf"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    printf '%-10s report in %6d ms  %s\n' "$case" "$ms" "$([ "$ms" -lt 5000 ] && echo ok || echo 'TOO SLOW (goal < 5 s)')"
    [ "$ms" -lt 5000 ] || status=1
done
for n in 10000 1000000; do
    /usr/bin/time -f "%M" -o "$work/rss" "$bin" --model "$work/long-name.json" --input "$work/rows-$n.csv" --method predict \
        --max-rows "$n" --quiet --json "$work/p.json"
    printf 'predict --json, %8d rows: peak RSS %6d MiB, JSON %5d MiB\n' "$n" $(( $(cat "$work/rss") / 1024 )) \
        $(( $(stat -c %s "$work/p.json") / 1048576 ))
done
exit $status

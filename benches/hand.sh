#!/usr/bin/env bash
# Compiled TQL against hand-written SPARQL (benches/hand/NN.rq) for the same rows: each gallery
# query that has a hand-written twin is run both ways, as one whole `treaty` process each
# (best of three, wall clock), and the two answers are compared as the session shows them
# (benches/hand/compare.py). Prints a Markdown table for docs/scale.md.
#
# Usage: benches/hand.sh TREATY-ARGS...     e.g.
#   benches/hand.sh --store ~/.cache/bench/s1m --read-only
#   benches/hand.sh --endpoint http://127.0.0.1:8893/sparql --timeout 600
# The binary is $TREATY (default: the debug build in $CARGO_TARGET_DIR, the one profile we build).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/treaty-target}"
bin="${TREATY:-$CARGO_TARGET_DIR/debug/treaty}"
work="$(mktemp -d /tmp/treaty-hand.XXXXXX)"
trap 'rm -rf "$work"' EXIT

best_of_three() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
best = None
for _ in range(3):
    t0 = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    t = time.perf_counter() - t0
    best = t if best is None else min(best, t)
print(f"{best:.2f}")
PY
}

echo "| gallery query | compiled | hand-written | ratio | same rows |"
echo "|---|---:|---:|---:|:---:|"
for hand in benches/hand/*.rq; do
  n=$(basename "$hand" .rq)
  query=$(ls queries/"$n"-*.tq)
  "$bin" "$@" run "$query" --format csv > "$work/compiled.csv"
  "$bin" "$@" sparql --format csv "$(cat "$hand")" > "$work/hand.csv"
  same=no
  if python3 benches/hand/compare.py "$work/compiled.csv" "$work/hand.csv" 2> "$work/why"; then
    same=yes
  else
    same="no: $(head -c 200 "$work/why")"
  fi
  compiled=$(best_of_three "$bin" "$@" run "$query" --format csv)
  written=$(best_of_three "$bin" "$@" sparql --format csv "$(cat "$hand")")
  ratio=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}x')" "$compiled" "$written")
  echo "| $(basename "$query" .tq) | $compiled s | $written s | $ratio | $same |"
done

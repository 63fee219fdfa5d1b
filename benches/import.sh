#!/usr/bin/env bash
# Import benchmark: generates a synthetic table in the PA-X or ATOP layout (default 100,000
# rows), imports it into a fresh on-disk store with the built-in mapping, and prints rows and
# triples per second (wall clock, including reading the store's actors and the commit). Uses the
# dev profile, which is optimised (Cargo.toml), so measuring needs no second RocksDB build.
# Usage: benches/import.sh [pax|atop] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
layout="${1:-pax}"
rows="${2:-100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/treaty"
python3 benches/gen_import.py "$layout" "$rows" > "$work/$layout-bench.csv"
"$bin" --store "$work/store" stats > /dev/null 2>&1   # create and seed outside the timing
start=$(date +%s.%N)
"$bin" --store "$work/store" import --mapping "$layout" "$work/$layout-bench.csv" 2> "$work/log"
end=$(date +%s.%N)
cat "$work/log"
triples=$(sed -n 's/.* rows, \([0-9]*\) triples.*/\1/p' "$work/log" | head -1)
python3 - "$rows" "$triples" "$start" "$end" <<'PY'
import sys
rows, triples, start, end = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
t = end - start
print(f"{rows} rows, {triples} triples in {t:.2f} s: {rows / t:,.0f} rows/s, {triples / t:,.0f} triples/s (wall clock, including commit)")
PY

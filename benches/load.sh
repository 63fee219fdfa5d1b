#!/usr/bin/env bash
# Bulk-load benchmark: generates a synthetic N-Triples file (default one million triples),
# loads it into a fresh on-disk store, and prints triples per second. It uses the dev profile,
# whose dependencies (Oxigraph, RocksDB) are optimised (Cargo.toml), so that measuring needs no
# second RocksDB build.
# Usage: benches/load.sh [TRIPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
triples="${1:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/treaty"
python3 benches/gen_dataset.py "$triples" > "$work/data.nt"
lines=$(wc -l < "$work/data.nt")
"$bin" --store "$work/store" stats > /dev/null 2>&1   # create and seed outside the timing
start=$(date +%s.%N)
"$bin" --store "$work/store" load "$work/data.nt"
end=$(date +%s.%N)
python3 - "$lines" "$start" "$end" <<'PY'
import sys
n, start, end = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"{n} triples in {end - start:.2f} s: {n / (end - start):,.0f} triples/s (wall clock, including commit and compaction)")
PY

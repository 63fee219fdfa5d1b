#!/usr/bin/env bash
# Scale benchmark: the same synthetic dataset (benches/gen_dataset.py, the bundled data's shape)
# loaded into the embedded store and into Virtuoso, then every gallery query timed on both, in
# one run. Prints a Markdown table per size, for docs/scale.md.
#
# Usage: benches/scale.sh [TRIPLES...]        (default: 1000000 10000000)
#
# Virtuoso runs as a separate instance of tools/virtuoso.sh on ports 8893/1113 in
# $HOME/.cache/treaty-bench-virtuoso (wiped at every size), so it does not touch the tests'
# instance. Its load is its own bulk loader (ld_add + rdf_loader_run + checkpoint), the one
# docs/scale.md recommends for large data; the embedded load is `treaty load`. Each query is
# one `treaty run FILE` process, timed wall-clock, best of three: start-up, reading the schema
# and the names, compiling and the query itself, the same work on both backends.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000000 10000000)

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/treaty-target}"
cargo build --quiet
work="$(mktemp -d /tmp/treaty-scale.XXXXXX)"
# A copy, so that a build during the run does not change what is measured.
bin="$work/treaty"
cp "$CARGO_TARGET_DIR/debug/treaty" "$bin"
vdir="$HOME/.cache/treaty-bench-virtuoso"
export TREATY_VIRTUOSO_HTTP=8893 TREATY_VIRTUOSO_SQL=1113
export TREATY_ENDPOINT_USER=treaty TREATY_ENDPOINT_PASSWORD=treaty
endpoint="http://127.0.0.1:$TREATY_VIRTUOSO_HTTP/sparql"
cleanup() {
  bash tools/virtuoso.sh stop "$vdir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

# best_of_three CMD...: the fastest of three wall-clock runs, in seconds.
best_of_three() {
  local best="" t0 t1 t
  for _ in 1 2 3; do
    t0=$(now)
    "$@" > /dev/null
    t1=$(now)
    t=$(elapsed "$t0" "$t1")
    if [[ -z $best ]] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$t" "$best"; then
      best=$t
    fi
  done
  echo "$best"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%d)"
for size in "${sizes[@]}"; do
  data="$work/data-$size.nt"
  python3 benches/gen_dataset.py "$size" > "$data"
  triples=$(wc -l < "$data")

  store="$work/store-$size"
  "$bin" --store "$store" stats > /dev/null 2>&1   # create and seed outside the timing
  t0=$(now); "$bin" --store "$store" load --graph urn:treaty:bench "$data" 2> /dev/null; t1=$(now)
  local_load=$(elapsed "$t0" "$t1")

  bash tools/virtuoso.sh wipe "$vdir" > /dev/null 2>&1 || true
  TREATY_VIRTUOSO_MAX_TIME=0 bash tools/virtuoso.sh start "$vdir" > /dev/null 2>&1
  "$bin" --endpoint "$endpoint" load --bundled 2> /dev/null
  t0=$(now); bash tools/virtuoso.sh bulk-load "$vdir" --graph urn:treaty:bench "$data" > /dev/null 2>&1; t1=$(now)
  remote_load=$(elapsed "$t0" "$t1")

  echo
  echo "### $triples synthetic triples (plus the bundled data)"
  echo
  echo "| | embedded store | Virtuoso | same rows |"
  echo "|---|---:|---:|:---:|"
  echo "| load | ${local_load} s | ${remote_load} s | |"
  for file in queries/*.tq; do
    # One CSV file per statement (-o DIR): some gallery files hold several statements.
    here=$(best_of_three "$bin" --store "$store" --read-only run "$file" -o "$work/here" --param country=Ukraine)
    there=$(best_of_three "$bin" --endpoint "$endpoint" --timeout 600 run "$file" -o "$work/there" --param country=Ukraine)
    same=no
    if diff -r -x manifest.json "$work/here" "$work/there" > /dev/null; then same=yes; fi
    rm -rf "$work/here" "$work/there"
    echo "| $(basename "$file" .tq) | ${here} s | ${there} s | $same |"
  done
  rm -rf "$store" "$data"
done

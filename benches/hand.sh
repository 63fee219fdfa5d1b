#!/usr/bin/env bash
# Compiled TQL against hand-written SPARQL (benches/hand/NN.rq) for the same rows: each gallery
# query that has a hand-written twin is run both ways, as one whole `treaty` process each
# (best of $HAND_RUNS, default three, wall clock), and the two answers are compared as the session shows them
# (benches/hand/compare.py). Prints a Markdown table for docs/scale.md.
#
# Usage: benches/hand.sh TREATY-ARGS...     e.g.
#   benches/hand.sh --store ~/.cache/bench/s1m --read-only
#   benches/hand.sh --endpoint http://127.0.0.1:8893/sparql --timeout 600
# The binary is $TREATY (default: the debug build in $CARGO_TARGET_DIR, the one profile we build);
# HAND_RUNS=1 times one run of each (for ten million triples, where a run takes minutes);
# HAND_ONLY="04 05" runs only those twins.
#
# A twin may carry, in comment lines: `#@param NAME=VALUE`, passed to the compiled side as
# `--param` (the hand-written side has the value written in); `#@statement`, which starts the
# hand-written query of each statement of a file of several statements. Such a file's compiled
# side is checked through `run -o DIR` (one CSV per statement) and timed with `--format table`
# (a report's manifest would count the store's triples, which is not the query's work); its
# hand-written side is one `treaty sparql` process per statement, timed together.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/treaty-target}"
bin="${TREATY:-$CARGO_TARGET_DIR/debug/treaty}"
work="$(mktemp -d /tmp/treaty-hand.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export WORK="$work"

# Prints "WALL CPU": the best wall-clock time and the best CPU time (user + system of the
# process and its threads) of $HAND_RUNS runs. CPU time is what to compare on a machine that is
# doing other work: a busy neighbour stretches the wall clock, much less the CPU time.
best_of_runs() {
  python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
wall = cpu = None
for _ in range(int(os.environ.get("HAND_RUNS", "3"))):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    t = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    c = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    wall = t if wall is None else min(wall, t)
    cpu = c if cpu is None else min(cpu, c)
print(f"{wall:.2f} {cpu:.2f}")
PY
}

ratio() {
  python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}x')" "$1" "$2"
}

echo "| gallery query | compiled (wall / CPU) | hand-written (wall / CPU) | ratio wall | ratio CPU | same rows |"
echo "|---|---:|---:|---:|---:|:---:|"
for hand in benches/hand/*.rq; do
  n=$(basename "$hand" .rq)
  if [ -n "${HAND_ONLY:-}" ] && [[ " $HAND_ONLY " != *" $n "* ]]; then continue; fi
  query=$(ls queries/"$n"-*.tq)
  params=()
  while read -r p; do params+=(--param "$p"); done < <(sed -n 's/^#@param //p' "$hand")
  # One file per statement: part-1.rq, part-2.rq...
  rm -rf "$work"/part-*.rq "$work"/compiled-*.csv "$work"/out
  awk -v dir="$work" '/^#@statement/ { if (seen) n++; seen = 1; next }
                      { print > (dir "/part-" (n + 1) ".rq") }' "$hand"
  parts=$(ls "$work"/part-*.rq | wc -l)
  if [ "$parts" = 1 ]; then
    "$bin" "$@" run "$query" "${params[@]}" --format csv > "$work/compiled-1.csv"
    compiled=(run "$query" "${params[@]}" --format csv)
    hand_cmd=("$bin" "$@" sparql --format csv "$(cat "$work/part-1.rq")")
  else
    "$bin" "$@" run "$query" "${params[@]}" -o "$work/out" > /dev/null 2> "$work/why" \
      || { cat "$work/why" >&2; exit 1; }
    i=0
    for csv in "$work"/out/*.csv; do i=$((i + 1)); cp "$csv" "$work/compiled-$i.csv"; done
    compiled=(run "$query" "${params[@]}" --format table)
    hand_cmd=(bash -c 'bin=$1; parts=$2; shift 2
      for i in $(seq "$parts"); do "$bin" "$@" sparql --format csv "$(cat "$WORK/part-$i.rq")"; done' \
      _ "$bin" "$parts" "$@")
  fi
  same=yes
  for i in $(seq "$parts"); do
    "$bin" "$@" sparql --format csv "$(cat "$work/part-$i.rq")" > "$work/hand.csv"
    if ! python3 benches/hand/compare.py "$work/compiled-$i.csv" "$work/hand.csv" 2> "$work/why"; then
      same="no (statement $i): $(head -c 200 "$work/why")"
      break
    fi
  done
  read -r cwall ccpu < <(best_of_runs "$bin" "$@" "${compiled[@]}")
  read -r hwall hcpu < <(best_of_runs "${hand_cmd[@]}")
  echo "| $(basename "$query" .tq) | $cwall / $ccpu s | $hwall / $hcpu s | $(ratio "$cwall" "$hwall") | $(ratio "$ccpu" "$hcpu") | $same |"
done

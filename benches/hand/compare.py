#!/usr/bin/env python3
"""Compares a compiled query's CSV (`treaty run --format csv`) with a hand-written query's CSV
(`treaty sparql --format csv`) as the session would show the latter: list cells (joined by U+001F)
split and sorted, dates cut to the precision in a `__precisionN` column (then dropped), blank
and missing cells alike. Usage: compare.py COMPILED.csv HAND.csv; exit 0 when the rows are the
same, in the same order."""

import csv
import sys

YEAR = "https://w3id.org/treaty/ontology#year"
MONTH = "https://w3id.org/treaty/ontology#month"


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def tidy(cell):
    if "\x1f" in cell or "; " in cell:
        parts = [p for p in cell.replace("\x1f", "; ").split("; ") if p]
        return "; ".join(sorted(parts))
    return cell


def as_shown(header, rows):
    hidden = {i: int(h[len("__precision"):]) for i, h in enumerate(header)
              if h.startswith("__precision")}
    shown = []
    for row in rows:
        row = list(row)
        for i, target in hidden.items():
            cut = {YEAR: 4, MONTH: 7}.get(row[i])
            if cut and len(row[target]) >= cut:
                row[target] = row[target][:cut]
        shown.append([tidy(c) for j, c in enumerate(row) if j not in hidden])
    return [h for i, h in enumerate(header) if i not in hidden], shown


def main():
    compiled_header, compiled = read(sys.argv[1])
    hand_header, hand = read(sys.argv[2])
    compiled_header, compiled = as_shown(compiled_header, compiled)
    hand_header, hand = as_shown(hand_header, hand)
    if compiled_header != hand_header:
        print(f"columns differ: {compiled_header} vs {hand_header}", file=sys.stderr)
        sys.exit(1)
    if compiled != hand:
        for i, (a, b) in enumerate(zip(compiled, hand)):
            if a != b:
                print(f"row {i + 1} differs: {a} vs {b}", file=sys.stderr)
                break
        else:
            print(f"{len(compiled)} rows vs {len(hand)}", file=sys.stderr)
        sys.exit(1)


main()

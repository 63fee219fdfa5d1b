#!/usr/bin/env python3
"""Writes a synthetic table in the column layout of the PA-X agreement-level export or of the
ATOP alliance-level file, for the import benchmark (benches/import.sh). Every row is invented
(identifiers, names, dates, members are random); no PA-X or ATOP data is used.
Usage: gen_import.py pax|atop ROWS > out.csv   (deterministic: seeded RNG)."""

import csv
import random
import sys

# Names and COW codes of states in the bundled data, so that actors link as in real use, plus
# names the store does not know, so that some actors are minted.
NAMES = ["Ukraine", "Russia", "Colombia", "Greece", "Cyprus", "India", "Pakistan", "Egypt",
         "Israel", "Japan", "Mexico", "France", "Fixtureland", "Utopia", "Ruritania"]
COW = [2, 20, 200, 220, 255, 325, 365, 369, 640, 710, 740, 750, 770, 999]
STAGES = ["Pre", "SubPar", "SubComp", "Imp", "Cea", "Oth"]
REGIONS = ["Europe and Eurasia", "Americas", "Asia and Pacific", "Middle East and North Africa",
           "Africa (excl MENA)", "Cross-regional"]


def pax(rows: int, rng: random.Random, out) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Con", "Contp", "PP", "PPName", "Reg", "AgtId", "Ver", "Agt", "Dat", "Status",
                "Agtp", "Stage", "StageSub", "Part", "ThrdPart"])
    for i in range(rows):
        con = "/".join(rng.sample(NAMES, rng.randint(1, 3)))
        y, m, d = rng.randint(1990, 2024), rng.randint(1, 12), rng.randint(1, 28)
        date = f"{y}-{m:02}-{d:02}" if rng.random() < 0.7 else f"{d:02}/{m:02}/{y}"
        w.writerow([con, "Government", 9000 + i % 500, f"Synthetic process {i % 500}",
                    rng.choice(REGIONS), 100000 + i, 1, f"Synthetic agreement {i}", date,
                    "Multiparty signed/agreed", "Intra", rng.choice(STAGES), "", "", ""])


def atop(rows: int, rng: random.Random, out) -> None:
    w = csv.writer(out, lineterminator="\n")
    members = 8
    w.writerow(["atopid", "begday", "begmo", "begyr", "endday", "endmo", "endyr", "defense",
                "offense", "neutral", "nonagg", "consul"] + [f"mem{i}" for i in range(1, members + 1)])
    for i in range(rows):
        mem = rng.sample(COW, rng.randint(2, members))
        mem += [""] * (members - len(mem))
        end = rng.choice([0, rng.randint(1900, 2018)])
        flags = [rng.randint(0, 1) for _ in range(5)]
        w.writerow([100000 + i, rng.randint(0, 28), rng.randint(1, 12), rng.randint(1816, 2018),
                    0, 0, end] + flags + mem)


def main() -> None:
    layout = sys.argv[1] if len(sys.argv) > 1 else "pax"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    rng = random.Random(1815)
    {"pax": pax, "atop": atop}[layout](rows, rng, sys.stdout)


if __name__ == "__main__":
    main()

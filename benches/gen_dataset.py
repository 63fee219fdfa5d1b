#!/usr/bin/env python3
"""Writes a synthetic N-Triples dataset with the shape of the bundled data (settlements with
parties, dates and guarantees; guarantees with guarantors, mechanisms and outcomes), for load and
query benchmarks. Usage: gen_dataset.py TRIPLES > out.nt   (deterministic: seeded RNG)."""

import random
import sys

TR = "https://w3id.org/treaty/ontology#"
ID = "https://w3id.org/treaty/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
MECHANISMS = ["neutrality", "guarantor-powers", "demilitarisation", "peacekeeping",
              "collective-security", "non-aggression", "security-assurances"]
OUTCOMES = ["honoured", "violated", "lapsed", "untested", "superseded"]


def main() -> None:
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = random.Random(1648)
    out = sys.stdout
    written = 0
    actors = 400
    for a in range(actors):
        out.write(f"<{ID}actor/synthetic-{a}> <{RDF_TYPE}> <{TR}Actor> .\n")
        out.write(f"<{ID}actor/synthetic-{a}> <{LABEL}> \"Synthetic actor {a}\"@en .\n")
        written += 2
    s = 0
    while written < target:
        node = f"<{ID}settlement/synthetic-{s}>"
        year = rng.randint(1648, 2022)
        lines = [
            f"{node} <{RDF_TYPE}> <{TR}Settlement> .",
            f"{node} <{LABEL}> \"Synthetic settlement {s}\"@en .",
            f"{node} <{TR}signed> \"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\"^^<http://www.w3.org/2001/XMLSchema#date> .",
            f"{node} <{TR}signedAt> \"Place {rng.randint(0, 500)}\"@en .",
        ]
        for _ in range(rng.randint(2, 4)):
            lines.append(f"{node} <{TR}party> <{ID}actor/synthetic-{rng.randrange(actors)}> .")
        for g in range(rng.randint(0, 2)):
            guarantee = f"<{ID}guarantee/synthetic-{s}-{g}>"
            lines += [
                f"{node} <{TR}guarantee> {guarantee} .",
                f"{guarantee} <{RDF_TYPE}> <{TR}Guarantee> .",
                f"{guarantee} <{TR}guarantor> <{ID}actor/synthetic-{rng.randrange(actors)}> .",
                f"{guarantee} <{TR}mechanism> <{ID}mechanism/{rng.choice(MECHANISMS)}> .",
                f"{guarantee} <{TR}outcome> <{ID}outcome/{rng.choice(OUTCOMES)}> .",
                f"{guarantee} <{TR}reciprocal> \"{rng.choice(['true', 'false'])}\"^^<http://www.w3.org/2001/XMLSchema#boolean> .",
            ]
        out.write("\n".join(lines) + "\n")
        written += len(lines)
        s += 1


if __name__ == "__main__":
    main()

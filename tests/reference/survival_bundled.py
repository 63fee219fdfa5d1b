"""Reference numbers for tests/survival.rs: survival of peace after the bundled settlements,
with and without a peacekeeping guarantee, computed by lifelines from rows that hand-written
SPARQL fetches (not TQL), with the coding rules of docs/analysis.md written out again here.

Run once, by hand (not part of the test suite), and paste the output into tests/survival.rs:

    pip install lifelines==0.30.3
    cargo build && python3 tests/reference/survival_bundled.py target/debug/treaty

(with CARGO_TARGET_DIR set, the binary is under it). The rules: time from signing to the coded
end in days / 365.25; war resumed is the event at peace_held_until; lapsed and superseded are
censored at peace_ended_on; holding is censored at the graph's observation date; never in
force is left out.
"""

import csv
import io
import subprocess
import sys

import lifelines
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times

QUERY = """
SELECT ?s ?signed ?ending ?held ?ended ?observed ?peacekeeping WHERE {
  ?s a tr:Settlement ; tr:signed ?signed ; tr:peaceEnding ?ending .
  OPTIONAL { ?s tr:peaceHeldUntil ?held }
  OPTIONAL { ?s tr:peaceEndedOn ?ended }
  OPTIONAL { GRAPH ?g { ?s a tr:Settlement } ?g tr:observedOn ?observed }
  BIND (EXISTS { ?s tr:guarantee/tr:mechanism/skos:broader* tm:peacekeeping } AS ?peacekeeping)
}
"""


def rows(treaty):
    out = subprocess.run(
        [treaty, "--memory", "sparql", "--format", "csv", QUERY],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return list(csv.DictReader(io.StringIO(out)))


def observation(row):
    ending = row["ending"].rsplit("/", 1)[-1]
    start = pd.Timestamp(row["signed"])
    if ending == "war-resumed":
        return (pd.Timestamp(row["held"]) - start).days / 365.25, 1
    if ending in ("lapsed", "superseded"):
        return (pd.Timestamp(row["ended"]) - start).days / 365.25, 0
    if ending == "holding":
        return (pd.Timestamp(row["observed"]) - start).days / 365.25, 0
    if ending == "never-in-force":
        return None
    raise ValueError(f"unknown ending {ending} of {row['s']}")


def main():
    treaty = sys.argv[1] if len(sys.argv) > 1 else "target/debug/treaty"
    groups = {"yes": [], "no": []}
    left_out = 0
    for row in rows(treaty):
        o = observation(row)
        if o is None:
            left_out += 1
            continue
        groups["yes" if row["peacekeeping"] == "true" else "no"].append(o)
    print(f"# lifelines {lifelines.__version__}; never in force left out: {left_out}")
    times, events, labels = [], [], []
    for name, obs in groups.items():
        t = [o[0] for o in obs]
        e = [o[1] for o in obs]
        times += t
        events += e
        labels += [name] * len(t)
        km = KaplanMeierFitter().fit(t, e)
        table = km.event_table
        ci = km.confidence_interval_survival_function_
        print(f"# group {name}: {len(t)} settlements, {sum(e)} events")
        print(f"# median {km.median_survival_time_}")
        print(f"# median interval {median_survival_times(ci).values.tolist()}")
        print("# time, at_risk, events, censored, survival, lower, upper")
        for time in table.index:
            if time == 0:
                continue
            r = table.loc[time]
            s = km.survival_function_.loc[time].iloc[0]
            lo, hi = ci.loc[time].iloc[0], ci.loc[time].iloc[1]
            print(
                f"({time:.4f}, {int(r['at_risk'])}, {int(r['observed'])}, {int(r['censored'])}, "
                f"{s:.4f}, {lo:.4f}, {hi:.4f}),"
            )
    test = multivariate_logrank_test(times, labels, events)
    print(f"# log-rank statistic {test.test_statistic:.6f}, p {test.p_value:.6f}")


if __name__ == "__main__":
    main()

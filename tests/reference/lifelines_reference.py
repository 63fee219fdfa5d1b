"""Reference numbers for tests/analysis.rs, from lifelines and statsmodels.

Run once, by hand (not part of the test suite), and paste the output into tests/analysis.rs:

    pip install lifelines==0.30.3 statsmodels==0.15.0
    python3 tests/reference/lifelines_reference.py

The fixtures are the ones in tests/analysis.rs, written out again here. They are made up to
exercise ties and censoring; they are not historical data.
"""

import lifelines
import numpy as np
import statsmodels
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times
from statsmodels.stats.proportion import proportion_confint

# (time in years, event) pairs; event 1 = war resumed, 0 = censored.
HAND = [(1, 1), (2, 1), (2, 1), (2, 0), (3, 0), (4, 1), (5, 0), (6, 1), (6, 0), (8, 0)]
TWO = {
    "a": [(1, 1), (3, 1), (3, 0), (5, 1)],
    "b": [(2, 1), (3, 1), (4, 0), (6, 1), (7, 0)],
}
THREE = {
    "a": [(1, 1), (2, 1), (4, 0), (4, 1), (9, 1)],
    "b": [(2, 1), (3, 0), (5, 1), (6, 1), (6, 1), (10, 0)],
    "c": [(1, 0), (4, 1), (7, 0), (8, 1), (12, 0), (12, 0)],
}
# About 40 peaces in two groups with tied events, tied censorings and an event and a censoring
# at the same time (5 in "with", 3 in "without").
REALISTIC = {
    "with": [(t, 1) for t in [2, 5, 5, 9, 14, 21, 30]]
    + [(t, 0) for t in [5, 12.5, 18, 25, 25, 33, 40, 47, 52, 60, 71]],
    "without": [(t, 1) for t in [1, 1, 2, 3, 3, 4, 6.25, 8, 8, 11, 13, 17, 20, 26]]
    + [(t, 0) for t in [3, 7, 10, 15, 22, 35, 44, 58]],
}


def km(name, pairs):
    t = np.array([p[0] for p in pairs], dtype=float)
    e = np.array([p[1] for p in pairs], dtype=int)
    kmf = KaplanMeierFitter().fit(t, e)
    table = kmf.event_table
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    print(f"// kaplan_meier {name}: time, at_risk, events, censored, survival, lower, upper")
    for time in table.index:
        if time == 0 and table.loc[time, "removed"] == 0:
            continue  # lifelines' timeline starts at 0; no observation there
        row = table.loc[time]
        print(
            f"    ({time!r}, {int(row['at_risk'])}, {int(row['observed'])}, {int(row['censored'])}, "
            f"{float(sf.loc[time])!r}, {float(ci.iloc[:, 0].loc[time])!r}, {float(ci.iloc[:, 1].loc[time])!r}),"
        )
    m = median_survival_times(ci)
    print(
        f"// median {name}: {float(kmf.median_survival_time_)!r}, "
        f"CI ({float(m.iloc[0, 0])!r}, {float(m.iloc[0, 1])!r})"
    )


def logrank(name, groups):
    t, g, e = [], [], []
    for label, pairs in groups.items():
        for time, event in pairs:
            t.append(float(time))
            g.append(label)
            e.append(event)
    r = multivariate_logrank_test(np.array(t), np.array(g), np.array(e))
    print(
        f"// log_rank {name}: statistic {float(r.test_statistic)!r}, df {r.degrees_of_freedom}, "
        f"p {float(r.p_value)!r}"
    )


print(f"// lifelines {lifelines.__version__}, statsmodels {statsmodels.__version__}, numpy {np.__version__}")
km("hand", HAND)
for label, pairs in TWO.items():
    km(f"two/{label}", pairs)
logrank("two", TWO)
logrank("three", THREE)
for label, pairs in REALISTIC.items():
    km(f"realistic/{label}", pairs)
km("realistic/pooled", REALISTIC["with"] + REALISTIC["without"])
logrank("realistic", REALISTIC)

print("// wilson: count, total, lower, upper (statsmodels proportion_confint, method='wilson')")
for k, n in [(81, 263), (15, 148), (0, 20), (1, 29), (6, 12), (29, 29)]:
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    print(f"    ({k}, {n}, {lo!r}, {hi!r}),")

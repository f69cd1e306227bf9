"""Time the log-linear model search over five lists (1,024 hierarchical models).

Simulates a closed population of 20,000 people caught by five lists with
list-specific capture probabilities and two positive dependences (seeded, so
every run times the same data), then reports the median of repeated runs of
``mp.size.model_search`` (numpy IRLS), the profile-likelihood interval of
the selected model, and, once, the same search fitted with statsmodels' GLM
for comparison. The issue's target is under 10 s for the search.

Run from the repository root::

    .venv/bin/python benchmarks/bench_capture.py [--people 20000] [--repeat 7]

Timings are printed, never asserted: the test suite holds no timed test.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm
from timing import median_time  # benchmarks/timing.py

import micropop.size as size
from micropop.size._histories import capture_cells as _table
from micropop.size._loglinear_terms import loglinear_design as _loglinear_design


def simulate_lists(people: int, seed: int = 20190501) -> pd.DataFrame:
    """0/1 histories of the people caught at least once by five dependent lists."""
    rng = np.random.default_rng(seed)
    p = np.array([0.10, 0.08, 0.12, 0.06, 0.09])
    caught = rng.random((people, 5)) < p
    # list 2 recontacts people of list 1; list 5 draws on list 4's people
    caught[:, 1] |= caught[:, 0] & (rng.random(people) < 0.15)
    caught[:, 4] |= caught[:, 3] & (rng.random(people) < 0.20)
    seen = caught[caught.any(axis=1)].astype(int)
    return pd.DataFrame(seen, columns=[f"list{j + 1}" for j in range(5)])


def statsmodels_search(histories: pd.DataFrame) -> list[float]:
    """The same 1,024 fits with statsmodels' GLM, for comparison."""
    table = _table(histories)
    pairs = list(itertools.combinations(range(5), 2))
    full = _loglinear_design(table, pairs, None, None)
    aics = []
    for mask in itertools.product((False, True), repeat=len(pairs)):
        cols = list(range(6)) + [6 + i for i, keep in enumerate(mask) if keep]
        fit = sm.GLM(table.counts, full.X[:, cols], family=sm.families.Poisson()).fit()
        aics.append(fit.aic)
    return aics




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    histories = simulate_lists(args.people)
    table = size.model_search(histories)
    best = table.iloc[0]
    search = median_time(lambda: size.model_search(histories), args.repeat)
    interval = median_time(lambda: size.loglinear(histories, terms=best["terms"]),
                           args.repeat)
    start = time.perf_counter()
    statsmodels_search(histories)
    reference = time.perf_counter() - start
    est = size.loglinear(histories, terms=best["terms"])

    print(f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}; {args.people:,} people, {len(histories):,} captured, "
          f"5 lists, {len(table):,} models; median of {args.repeat} runs")
    print("| step | seconds |")
    print("|---|---|")
    print(f"| model_search, 1,024 models (numpy IRLS) | {search:.3f} |")
    print(f"| loglinear on the selected model, with profile interval | {interval:.3f} |")
    print(f"| same 1,024 fits with statsmodels GLM (one run, reference) | {reference:.3f} |")
    print(f"\nselected by AIC: {best['model']}; N = {est.estimate:,.0f} "
          f"[{est.ci_low:,.0f}, {est.ci_high:,.0f}] (true {args.people:,})")


if __name__ == "__main__":
    main()

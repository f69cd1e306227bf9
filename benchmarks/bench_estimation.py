"""Time micropop's linearised estimators on a large synthetic design.

Builds a stratified cluster sample of 1,000,000 rows, 2,000 strata and
40,000 PSUs (seeded, so every run times the same data) and reports the
median of repeated runs of each step: building the design (encoding strata
and PSUs), mean and total with their SEs, a mean by a 10-level domain, a
median with its Woodruff interval, quartiles by domain.

Run from the repository root::

    .venv/bin/python benchmarks/bench_estimation.py [--rows 1000000] [--repeat 7]
    .venv/bin/python benchmarks/bench_estimation.py --r 100000   # also R survey

With ``--r ROWS``, the same steps also run in R ``survey`` (``Rscript``) on
a smaller sample of ROWS rows with strata and PSUs scaled down alike (R takes
too long at full size), and micropop is timed on that same sample, so the
ratio compares like with like.

Timings are printed, never asserted: the test suite holds no timed test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from micropop.design import SurveyDesign


def synthetic_sample(rows: int, strata: int, psus: int, seed: int = 20240601) -> pd.DataFrame:
    """A stratified cluster sample: PSUs nested in strata, domains across PSUs."""
    rng = np.random.default_rng(seed)
    psu = rng.integers(0, psus, rows)
    psu[:psus] = np.arange(psus)  # every PSU sampled
    psu_stratum = np.arange(psus) % strata  # psus / strata PSUs in each stratum
    return pd.DataFrame({
        "stratum": psu_stratum[psu],
        "psu": psu,
        "weight": rng.uniform(50, 150, rows),
        "income": rng.lognormal(7, 1, rows),
        "domain": rng.integers(0, 10, rows),
    })


def median_time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


STEPS = ("build design (encode strata and PSUs)", "mean and total with SE",
         "mean by a 10-level domain", "median with its Woodruff interval",
         "quartiles by a 10-level domain")

R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1]); repeat_n <- as.integer(args[2])
timed <- function(expr) median(replicate(repeat_n, system.time(eval(expr))[["elapsed"]]))
des <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = df)
cat(timed(quote(svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = df))),
    timed(quote({svymean(~income, des); svytotal(~income, des)})),
    timed(quote(svyby(~income, ~domain, des, svymean))),
    timed(quote(svyquantile(~income, des, 0.5))),
    timed(quote(svyby(~income, ~domain, des, svyquantile, quantiles = c(0.25, 0.5, 0.75)))),
    "\n")
"""


def micropop_times(df: pd.DataFrame, repeat: int) -> list[float]:
    """Median times of :data:`STEPS` with micropop."""
    build = lambda: SurveyDesign(df, weights="weight", strata="stratum", psu="psu")  # noqa: E731
    des = build()
    funcs = [build,
             lambda: (des.mean("income"), des.total("income")),
             lambda: des.mean("income", by="domain"),
             lambda: des.quantile("income", 0.5),
             lambda: des.quantile("income", [0.25, 0.5, 0.75], by="domain")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # wide intervals in tiny domains are fine here
        return [median_time(func, repeat) for func in funcs]


def r_times(df: pd.DataFrame, repeat: int) -> list[float]:
    """Median times of :data:`STEPS` with R survey (needs Rscript)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.csv"
        df.to_csv(path, index=False)
        out = subprocess.run(["Rscript", "-e", R_SCRIPT, str(path), str(repeat)],
                             capture_output=True, text=True, check=True)
    return [float(v) for v in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--strata", type=int, default=2_000)
    parser.add_argument("--psus", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--r", type=int, metavar="ROWS", default=0,
                        help="also time R survey on a sample of ROWS rows")
    args = parser.parse_args()

    df = synthetic_sample(args.rows, args.strata, args.psus)
    print(f"micropop: {args.rows:,} rows, {args.strata:,} strata, {args.psus:,} PSUs; "
          f"median of {args.repeat} runs")
    for name, seconds in zip(STEPS, micropop_times(df, args.repeat)):
        print(f"  {name:<40s} {seconds:8.3f} s")
    if args.r:
        shrink = args.r / args.rows
        small = synthetic_sample(args.r, max(int(args.strata * shrink), 1),
                                 max(int(args.psus * shrink), 2))
        repeat = max(args.repeat // 2, 1)
        ours, theirs = micropop_times(small, repeat), r_times(small, repeat)
        print(f"\nsame steps on {args.r:,} rows: micropop, R survey, ratio")
        for name, a, b in zip(STEPS, ours, theirs):
            print(f"  {name:<40s} {a:8.3f} s  {b:8.3f} s  x{b / a:7.1f}")


if __name__ == "__main__":
    main()

"""Issue #16's in-memory targets: Gini against a plain sort, estimates after weighting.

Two ratios, each measured in the same run (so a busy machine slows both sides):

- ``mp.gini`` with its linearised SE on a stratified cluster sample of
  16,000,000 rows (2,000 strata, 40,000 PSUs, lognormal incomes, seeded)
  against ``numpy.argsort`` of the income column. Target: at most 3x.
- ``des.mean("y")`` with its SE on 1,000,000 rows before weighting, and on
  the same design raked, and calibrated (linear), to three margins (13
  regions, 10 sex x age bands, 4 education levels). Target: at most 3x.

Run from the repository root (~2 minutes, ~4 GiB)::

    .venv/bin/python benchmarks/bench_inmemory.py [--gini-rows 16000000]
        [--weighting-rows 1000000] [--repeat 3]

Prints a Markdown table (the one in ``benchmarks/README.md``); timings are
medians of ``--repeat`` runs, never asserted.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from bench_inequality import synthetic_sample  # benchmarks/bench_inequality.py
from bench_weighting import make_sample  # benchmarks/bench_weighting.py
from timing import median_time  # benchmarks/timing.py

import micropop.inequality as ineq
from micropop.design import SurveyDesign


def gini_rows(rows: int, repeat: int) -> list[tuple[str, float, float]]:
    """(step, seconds, ratio to the sort) for the argsort and the Gini."""
    frame = synthetic_sample(rows)
    design = SurveyDesign(frame, weights="weight", strata="stratum", psu="psu")
    income = frame["income"].to_numpy()
    ineq.gini(design, "income")  # warm-up
    sort = median_time(lambda: np.argsort(income), repeat)
    gini = median_time(lambda: ineq.gini(design, "income"), repeat)
    return [(f"`numpy.argsort` of the income column, {rows:,} rows", sort, 1.0),
            (f"`mp.gini` with its SE, {rows:,} rows", gini, gini / sort)]


def weighting_rows(rows: int, repeat: int) -> list[tuple[str, float, float]]:
    """(step, seconds, ratio to the unweighted mean) before and after weighting."""
    frame, margins = make_sample(rows)
    frame["y"] = np.random.default_rng(20261204).normal(10.0, 3.0, rows)
    design = SurveyDesign(frame, weights="w")
    raked = design.rake(margins)
    with warnings.catch_warnings():  # linear calibration gives some negative weights here
        warnings.simplefilter("ignore")
        calibrated = design.calibrate(margins)
    out = []
    plain = None
    for label, des in ((f"mean with SE, {rows:,} rows, before weighting", design),
                       ("the same, raked to 3 margins", raked),
                       ("the same, calibrated (linear) to 3 margins", calibrated)):
        des.mean("y")  # warm-up
        seconds = median_time(lambda d=des: d.mean("y"), repeat)
        plain = plain or seconds
        out.append((label, seconds, seconds / plain))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gini-rows", type=int, default=16_000_000)
    parser.add_argument("--weighting-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = gini_rows(args.gini_rows, args.repeat)
    rows += weighting_rows(args.weighting_rows, max(args.repeat, 7))
    print("| step | seconds | ratio (target <= 3) |")
    print("|---|---:|---:|")
    for step, seconds, ratio in rows:
        print(f"| {step} | {seconds:.3f} | {ratio:.1f} |")


if __name__ == "__main__":
    main()

"""Time micropop's design-based logistic regression against R ``survey``'s ``svyglm``.

Builds a stratified cluster sample of 1,000,000 rows, 2,000 strata and
40,000 PSUs (seeded, so every run times the same data) with a 0/1 response
drawn from a logistic model of five numeric covariates and a 7-level factor:
12 coefficients. Times, in one run for every tool, the fit with its
design-based (linearised) standard errors from a formula:

- micropop: ``des.glm("y ~ x1 + ... + x5 + g", family="quasibinomial")``;
- R: ``svyglm(y ~ x1 + ... + x5 + g, des, family = quasibinomial())``;
- svy's GLM where it installs (reported as missing otherwise).

micropop runs at full size (median of ``--repeat`` runs, the design built
once, as R's ``svydesign`` is); R runs once at full size and ``--repeat``
times on a slice (rows, strata and PSUs scaled down alike), where micropop is
timed again, so that each ratio compares the same work on the same data.
The coefficients of micropop and R are compared too (largest relative
difference), so that the timings compare the same answer.

Run from the repository root::

    .venv/bin/python benchmarks/bench_models.py [--rows 1000000] [--repeat 5] [--slice 100000]

Timings are printed, never asserted: the test suite holds no timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from timing import median_time  # benchmarks/timing.py

from micropop.design import SurveyDesign

FORMULA = "y ~ x1 + x2 + x3 + x4 + x5 + g"


def synthetic_sample(rows: int, strata: int, psus: int, seed: int = 20241204) -> pd.DataFrame:
    """A stratified cluster sample with a logistic 0/1 response (12 coefficients)."""
    rng = np.random.default_rng(seed)
    psu = rng.integers(0, psus, rows)
    psu[:psus] = np.arange(psus)  # every PSU sampled
    psu_stratum = np.arange(psus) % strata
    x = rng.normal(size=(rows, 5))
    g = rng.integers(0, 7, rows)
    eta = -0.5 + x @ np.array([0.4, -0.3, 0.2, 0.1, -0.2]) + 0.15 * g
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(1, 6)])
    frame["g"] = pd.Categorical.from_codes(g, [f"g{i}" for i in range(7)])
    frame["y"] = (rng.uniform(size=rows) < 1 / (1 + np.exp(-eta))).astype(float)
    frame["stratum"] = psu_stratum[psu]
    frame["psu"] = psu
    frame["weight"] = rng.uniform(50, 150, rows)
    return frame


def micropop_fit(df: pd.DataFrame, repeat: int) -> tuple[float, np.ndarray]:
    """Median seconds of the fit with its SEs, and the coefficients."""
    des = SurveyDesign(df, weights="weight", strata="stratum", psu="psu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = des.glm(FORMULA, family="quasibinomial")
        seconds = median_time(lambda: des.glm(FORMULA, family="quasibinomial"), repeat)
    return seconds, np.asarray(fit.params)


R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1]); repeat_n <- as.integer(args[2])
df$g <- factor(df$g)
des <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = df)
f <- y ~ x1 + x2 + x3 + x4 + x5 + g
fit <- NULL
secs <- median(replicate(repeat_n, system.time(
    fit <<- svyglm(f, des, family = quasibinomial()))[["elapsed"]]))
cat(secs, "\n", paste(format(coef(fit), digits = 17), collapse = " "), "\n")
"""


def r_fit(df: pd.DataFrame, repeat: int) -> tuple[float, np.ndarray] | str:
    """Median seconds of R's svyglm with its SEs, and its coefficients (needs Rscript)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.csv"
        df.to_csv(path, index=False)
        try:
            out = subprocess.run(["Rscript", "-e", R_SCRIPT, str(path), str(repeat)],
                                 capture_output=True, text=True, check=True)
        except (OSError, subprocess.CalledProcessError) as err:
            return f"failed ({err})"
    seconds, coefs = out.stdout.strip().split("\n")
    return float(seconds), np.array([float(v) for v in coefs.split()])


def svy_fit(df: pd.DataFrame, repeat: int) -> float | str:
    """Median seconds of svy's design-based GLM, or why it could not run."""
    try:
        import polars as pl
        import svy
    except ImportError as err:
        return f"not installed ({err.name})"
    frame = pl.from_pandas(df.assign(g=df["g"].astype(str)))
    sample = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    fit = getattr(getattr(sample, "glm", None), "fit", None)
    if fit is None:
        return "no GLM in this svy version"
    covariates = ["x1", "x2", "x3", "x4", "x5", svy.Cat("g")]  # the same 12 coefficients
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return median_time(lambda: fit("y", x=covariates, family="binomial"), repeat)


def fmt(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--strata", type=int, default=2_000)
    parser.add_argument("--psus", type=int, default=40_000)
    parser.add_argument("--slice", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    full = synthetic_sample(args.rows, args.strata, args.psus)
    shrink = args.slice / args.rows
    small = synthetic_sample(args.slice, max(int(args.strata * shrink), 1),
                             max(int(args.psus * shrink), 2))
    ours_full, coef_full = micropop_fit(full, args.repeat)
    ours_small, coef_small = micropop_fit(small, args.repeat)
    r_full = r_fit(full, 1)
    r_small = r_fit(small, args.repeat)
    svy_full = svy_fit(full, args.repeat)
    svy_small = svy_fit(small, args.repeat)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; logistic model, 12 coefficients, linearised SEs.\n")
    print("| data | micropop (s) | R svyglm (s) | R / micropop | svy (s) | svy / micropop | "
          "max relative coefficient difference (R) |")
    print("|---|---|---|---|---|---|---|")
    for label, ours, coefs, theirs, peer in (
            (f"{args.rows:,} rows, {args.strata:,} strata, {args.psus:,} PSUs", ours_full,
             coef_full, r_full, svy_full),
            (f"slice: {args.slice:,} rows", ours_small, coef_small, r_small, svy_small)):
        if isinstance(theirs, str):
            r_time, factor, diff = theirs, "–", "–"
        else:
            r_time, factor = fmt(theirs[0]), f"{theirs[0] / ours:.1f}×"
            diff = f"{np.max(np.abs(coefs - theirs[1]) / np.abs(theirs[1])):.1e}"
        peer_factor = "–" if isinstance(peer, str) else f"{peer / ours:.1f}×"
        print(f"| {label} | {fmt(ours)} | {r_time} | {factor} | {fmt(peer)} | {peer_factor} "
              f"| {diff} |")
    print("\n" + json.dumps({"formula": FORMULA, "repeat": args.repeat}))


if __name__ == "__main__":
    main()

"""Benchmark: raking and linear calibration of 1,000,000 rows, micropop against R ``survey``.

The sample: 1,000,000 respondents with design weights, weighted to three
population margins, 13 regions, 10 sex x age bands and 4 education levels
(527 = 13 x 10 x 4 cells). micropop works on the cells of the cross of the
margins (group sums by ``bincount``), so its cost grows with the cells, not
the rows, beyond one pass over the rows to find them. R's ``rake`` (IPF by
``postStratify``, one ``xtabs`` per margin per sweep) and ``calibrate``
(a model matrix and QR over all rows) work row by row.

Run from the repository root (R with survey installed; ~1 minute)::

    .venv/bin/python benchmarks/bench_weighting.py [--rows 1000000] [--r-rows 1000000]

It prints a Markdown table (the one in ``benchmarks/README.md``). Both tools
run to the same convergence rule (R's ``rake`` epsilon as a fraction of the
total weight, 1e-7; calibration is linear, one step). R may run on a slice
(``--r-rows``) when slow; its time is then scaled to the full rows, linearly,
which the table says.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from micropop.design import SurveyDesign

R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1], colClasses = c("factor", "factor", "factor", "numeric"))
pop <- lapply(c("region", "sexage", "education"), function(v) {
  p <- read.csv(paste0(args[2], "_", v, ".csv"), colClasses = c("factor", "numeric"))
  names(p) <- c(v, "Freq"); p })
des <- svydesign(id = ~1, weights = ~w, data = df)
reps <- as.integer(args[3])
t_rake <- system.time(for (i in seq_len(reps))
  r <- rake(des, list(~region, ~sexage, ~education), pop,
            control = list(maxit = 100, epsilon = 1e-7)))[["elapsed"]] / reps
treatment <- function(p, v) setNames(p$Freq[-1], paste0(v, p[[v]][-1]))
totals <- c(`(Intercept)` = sum(pop[[1]]$Freq), treatment(pop[[1]], "region"),
            treatment(pop[[2]], "sexage"), treatment(pop[[3]], "education"))
t_cal <- system.time(for (i in seq_len(reps))
  g <- calibrate(des, ~region + sexage + education, totals))[["elapsed"]] / reps
cat(sprintf('{"rake": %.6f, "calibrate": %.6f, "rake_sum": %.10g, "cal_sum": %.10g}\n',
            t_rake, t_cal, sum(weights(r)), sum(weights(g))))
"""


def make_sample(rows: int, seed: int = 20261128) -> tuple[pd.DataFrame, dict]:
    """A sample with unequal design weights and three margins of a known population."""
    rng = np.random.default_rng(seed)
    region = rng.choice(13, rows, p=rng.dirichlet(np.full(13, 5.0)))
    sexage = rng.choice(10, rows, p=rng.dirichlet(np.full(10, 5.0)))
    education = rng.choice(4, rows, p=[0.3, 0.3, 0.25, 0.15])
    frame = pd.DataFrame({"region": _labels("r", region), "sexage": _labels("s", sexage),
                          "education": _labels("e", education),
                          "w": rng.uniform(20, 80, rows)})
    population = 50.0 * rows
    margins = {}
    for column, shares in (("region", rng.dirichlet(np.full(13, 8.0))),
                           ("sexage", rng.dirichlet(np.full(10, 8.0))),
                           ("education", np.array([0.25, 0.35, 0.25, 0.15]))):
        counts = np.round(population * shares)
        counts[-1] += population - counts.sum()  # whole counts adding up to the same total
        margins[column] = dict(zip(frame[column].cat.categories, counts, strict=True))
    return frame, margins


def _labels(prefix: str, codes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, [f"{prefix}{i:02d}" for i in range(codes.max() + 1)])


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run_r(frame: pd.DataFrame, margins: dict, reps: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "sample.csv"
        frame.to_csv(data, index=False)
        for column, counts in margins.items():
            pd.DataFrame({column: list(counts), "Freq": list(counts.values())}).to_csv(
                Path(tmp) / f"pop_{column}.csv", index=False)
        script = Path(tmp) / "bench.R"
        script.write_text(R_SCRIPT)
        out = subprocess.run(["Rscript", str(script), str(data), str(Path(tmp) / "pop"),
                              str(reps)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--r-rows", type=int, default=None,
                        help="rows given to R (default: all); R's time is scaled up")
    args = parser.parse_args()
    frame, margins = make_sample(args.rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        des = SurveyDesign(frame, weights="w")
    raked = des.rake(margins)
    calibrated = des.calibrate(margins)
    for new in (raked, calibrated):
        assert new.weight_summary().largest_residual < 1e-6
    py = {"rake": best_of(lambda: des.rake(margins)),
          "calibrate": best_of(lambda: des.calibrate(margins))}
    steps = raked.weighting_steps[-1].iterations

    r_rows = args.r_rows or args.rows
    share = r_rows / args.rows
    r_margins = {c: {k: v * share for k, v in m.items()} for c, m in margins.items()}
    r = run_r(frame.iloc[:r_rows], r_margins, reps=1 if r_rows > 200_000 else 3)
    if r_rows == args.rows:
        assert abs(r["rake_sum"] - raked.weights.sum()) < 1e-6 * r["rake_sum"]
    scale = args.rows / r_rows
    note = "" if r_rows == args.rows else f" (R on {r_rows:,} rows, x{scale:g})"
    print(f"{args.rows:,} rows, 527 cells, {steps} raking sweeps{note}\n")
    print("| task | micropop (s) | R survey 4.1.1 (s) | speed-up |")
    print("|---|---:|---:|---:|")
    for task, label in (("rake", "rake (IPF, 3 margins)"),
                        ("calibrate", "calibrate (linear, 3 margins)")):
        r_time = r[task] * scale
        print(f"| {label} | {py[task]:.3f} | {r_time:.2f} | {r_time / py[task]:.0f}x |")


if __name__ == "__main__":
    main()

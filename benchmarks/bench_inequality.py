"""Time micropop's inequality measures (with linearised SEs) against R laeken.

Builds a stratified cluster sample of 1,000,000 rows (2,000 strata, 40,000
PSUs, lognormal incomes, seeded) and reports the median of repeated runs of
``mp.gini``, ``mp.arpr`` and ``mp.qsr``, each with its design-based SE, plus
ARPR by a 10-level domain. If ``Rscript`` and laeken are available, the same
incomes and weights go to a temporary CSV and R times laeken's ``gini``,
``arpr`` and ``qsr`` (point estimates only: laeken has no design-based SE)
inside R, median of the same number of runs.

Run from the repository root::

    .venv/bin/python benchmarks/bench_inequality.py [--rows 1000000] [--repeat 7] [--no-r]

Timings are printed (as a Markdown table), never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from timing import median_time  # benchmarks/timing.py

import micropop.inequality as ineq
from micropop.design import SurveyDesign

R_SCRIPT = r"""
suppressPackageStartupMessages(library(laeken))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
repeats <- as.integer(args[2])
time_it <- function(f) median(replicate(repeats, system.time(f())[["elapsed"]]))
cat(sprintf("gini %.6f\n", time_it(function() gini(d$income, d$weight))))
cat(sprintf("arpr %.6f\n", time_it(function() arpr(d$income, d$weight))))
cat(sprintf("qsr %.6f\n", time_it(function() qsr(d$income, d$weight))))
cat(sprintf("laeken %s\n", packageVersion("laeken")))
"""


def synthetic_sample(rows: int, strata: int = 2000, psus: int = 40000,
                     seed: int = 20261128) -> pd.DataFrame:
    """A stratified cluster sample with lognormal incomes (PSUs nested in strata)."""
    rng = np.random.default_rng(seed)
    psu = rng.integers(0, psus, rows)
    psu[:psus] = np.arange(psus)
    return pd.DataFrame({
        "stratum": (np.arange(psus) % strata)[psu],
        "psu": psu,
        "weight": rng.uniform(50, 150, rows),
        "income": np.round(rng.lognormal(9.8, 0.6, rows), 2),
        "domain": rng.integers(0, 10, rows),
    })




def time_r(sample: pd.DataFrame, repeat: int) -> dict[str, float] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data, script = Path(tmp) / "sample.csv", Path(tmp) / "bench.R"
        sample[["income", "weight"]].to_csv(data, index=False, float_format="%.17g")
        script.write_text(R_SCRIPT)
        run = subprocess.run(["Rscript", str(script), str(data), str(repeat)],
                             capture_output=True, text=True)
    if run.returncode != 0:
        print("R laeken not available:", run.stderr.strip().splitlines()[-1:])
        return None
    out = dict(line.split() for line in run.stdout.splitlines())
    return {key: (float(value) if key != "laeken" else value) for key, value in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-r", action="store_true", help="skip R laeken")
    args = parser.parse_args()

    sample = synthetic_sample(args.rows)
    des = SurveyDesign(sample, weights="weight", strata="stratum", psu="psu")
    steps = {
        "gini": lambda: ineq.gini(des, "income"),
        "arpr": lambda: ineq.arpr(des, "income"),
        "qsr": lambda: ineq.qsr(des, "income"),
        "arpr by 10 domains": lambda: ineq.arpr(des, "income", by="domain"),
    }
    ours = {name: median_time(step, args.repeat) for name, step in steps.items()}
    theirs = None if args.no_r else time_r(sample, args.repeat)

    print(f"{args.rows:,} rows, {des.n_strata:,} strata, {des.n_psu:,} PSUs; "
          f"median of {args.repeat} runs")
    if theirs:
        print(f"R laeken {theirs['laeken']} (point estimates only, timed inside R)\n")
    print("| measure | micropop, estimate + linearised SE (s) | R laeken, estimate only (s) "
          "| micropop / laeken |")
    print("|---|---|---|---|")
    for name, seconds in ours.items():
        r = theirs.get(name) if theirs else None
        r_text = f"{r:.3f}" if r is not None else "–"
        ratio = f"{seconds / r:.1f}" if r is not None else "–"
        print(f"| `{name}` | {seconds:.3f} | {r_text} | {ratio} |")


if __name__ == "__main__":
    main()

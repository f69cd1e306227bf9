"""Time micropop's estimation engine against R ``survey``, ``svy`` and ``samplics``.

Builds a stratified cluster sample of 1,000,000 rows, 2,000 strata and
40,000 PSUs (seeded, so every run times the same data) and reports the
median of repeated runs of each step, in one run for every tool:

1. building the design (encoding strata and PSUs);
2. mean and total of one variable with their linearised SEs;
3. the mean by a 10-level domain;
4. the median with its confidence interval (micropop and R: Woodruff);
5. 200 bootstrap replicates of the mean: making the replicate weights and
   the replicate SE.

micropop and ``svy`` run at full size, and R once at full size for steps 1-4
(its bootstrap takes minutes there). R ``survey`` and ``samplics`` also run on
a slice (``--slice`` rows, strata and PSUs scaled down alike), where micropop
and ``svy`` are timed again so that every ratio compares the same work on the
same data; R also runs on a half slice to show how its times scale.

Run from the repository root (``svy`` and ``samplics`` are pip-installed into
the venv for this script only; a peer that is missing is reported as such)::

    .venv/bin/python benchmarks/bench_estimation.py [--rows 1000000] [--repeat 7]
        [--slice 100000]

It prints the Markdown tables of the "Estimation engine" section of
``benchmarks/README.md``. Timings are printed, never asserted: the test
suite holds no timed test.
"""

from __future__ import annotations

import argparse
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

STEPS = ("build design (encode strata and PSUs)", "mean and total with SE",
         "mean by a 10-level domain", "median with its interval",
         "200 bootstrap replicates of a mean")


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


def micropop_times(df: pd.DataFrame, repeat: int) -> list[float]:
    """Median times of :data:`STEPS` with micropop."""
    build = lambda: SurveyDesign(df, weights="weight", strata="stratum", psu="psu")  # noqa: E731
    des = build()
    funcs = [build,
             lambda: (des.mean("income"), des.total("income")),
             lambda: des.mean("income", by="domain"),
             lambda: des.quantile("income", 0.5),
             lambda: des.replicate("bootstrap", replicates=200, seed=1).mean("income")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [median_time(func, repeat) for func in funcs]


def svy_times(df: pd.DataFrame, repeat: int) -> list[float] | str:
    """Median times of :data:`STEPS` with svy (polars), or why it could not run."""
    # svy's bootstrap is Rao-Wu ("rao-wu"); R's and micropop's "bootstrap" is
    # R's bootweights: the work (200 replicate weights and a replicate SE) is the same
    try:
        import polars as pl
        import svy
    except ImportError as err:
        return f"not installed ({err.name})"
    frame = pl.from_pandas(df)
    build = lambda: svy.Sample(frame, svy.Design(stratum="stratum", psu="psu",  # noqa: E731
                                                 wgt="weight"))
    sample = build()
    est = sample.estimation

    def boot() -> object:
        reps = sample.weighting.create_bs_wgts(n_reps=200, kind="rao-wu", rstate=1)
        return reps.estimation.mean("income", method="replication")

    funcs = [build,
             lambda: (est.mean("income"), est.total("income")),
             lambda: est.mean("income", by="domain"),
             lambda: est.median("income"),
             boot]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [median_time(func, repeat) for func in funcs]


def samplics_times(df: pd.DataFrame, repeat: int) -> list[float] | str:
    """Median times of :data:`STEPS` with samplics (no design object: step 1 is 0)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from samplics import (
                PopParam,
                ReplicateEstimator,
                ReplicateWeight,
                RepMethod,
                TaylorEstimator,
            )
    except ImportError as err:
        return f"not installed ({err.name})"
    y, w = df["income"].to_numpy(), df["weight"].to_numpy()
    strata, psu, domain = df["stratum"].to_numpy(), df["psu"].to_numpy(), df["domain"].to_numpy()

    def taylor(param, **kw) -> object:
        return TaylorEstimator(param).estimate(y, w, stratum=strata, psu=psu, **kw)

    def boot() -> object:
        reps = ReplicateWeight(RepMethod.bootstrap, strat=True, nb_reps=200, rand_seed=1)
        rep_w = reps.replicate(w, psu, strata)
        return ReplicateEstimator(RepMethod.bootstrap, PopParam.mean).estimate(
            y, w, rep_w.iloc[:, -200:].to_numpy())

    funcs = [None,  # samplics has no design object: every call takes the columns
             lambda: (taylor(PopParam.mean), taylor(PopParam.total)),
             lambda: taylor(PopParam.mean, domain=domain),
             lambda: taylor(PopParam.median),
             boot]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [median_time(func, repeat) if func else "no design object" for func in funcs]


R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1]); repeat_n <- as.integer(args[2]); with_boot <- args[3] == "boot"
timed <- function(expr) median(replicate(repeat_n, system.time(eval(expr))[["elapsed"]]))
des <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = df)
set.seed(1)
cat(timed(quote(svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = df))),
    timed(quote({svymean(~income, des); svytotal(~income, des)})),
    timed(quote(svyby(~income, ~domain, des, svymean))),
    timed(quote(svyquantile(~income, des, 0.5, ci = TRUE))),
    if (with_boot) timed(quote(svymean(~income, as.svrepdesign(des, type = "bootstrap",
                                                               replicates = 200)))),
    "\n")
"""


def r_times(df: pd.DataFrame, repeat: int, boot: bool = True) -> list[float | str] | str:
    """Median times of :data:`STEPS` with R survey (needs Rscript).

    Without ``boot``, the bootstrap step is skipped (it takes minutes at full size).
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.csv"
        df.to_csv(path, index=False)
        try:
            out = subprocess.run(["Rscript", "-e", R_SCRIPT, str(path), str(repeat),
                                  "boot" if boot else "-"],
                                 capture_output=True, text=True, check=True)
        except (OSError, subprocess.CalledProcessError) as err:
            return f"failed ({err})"
    times: list[float | str] = [float(v) for v in out.stdout.split()]
    return times + ["not run (minutes)"] * (len(STEPS) - len(times))


def scaled_sample(rows: int, args: argparse.Namespace) -> pd.DataFrame:
    shrink = rows / args.rows
    return synthetic_sample(rows, max(int(args.strata * shrink), 1),
                            max(int(args.psus * shrink), 2))


def fmt(value: float | str) -> str:
    """Seconds to three decimals (a peer's note as it is)."""
    return value if isinstance(value, str) else f"{value:.3f}"


def ratio(theirs: list[float | str] | str, ours: list[float], i: int) -> str:
    if isinstance(theirs, str) or isinstance(theirs[i], str):
        return "–"
    return f"{theirs[i] / ours[i]:.1f}"


def table(args: argparse.Namespace) -> str:
    full = synthetic_sample(args.rows, args.strata, args.psus)
    small = scaled_sample(args.slice, args)
    half = scaled_sample(args.slice // 2, args)
    few = max(args.repeat // 2, 1)
    ours_full, svy_full = micropop_times(full, args.repeat), svy_times(full, args.repeat)
    ours, svy_small = micropop_times(small, args.repeat), svy_times(small, args.repeat)
    samplics_small = samplics_times(small, few)
    r_small, r_half = r_times(small, few), r_times(half, few)
    r_full = r_times(full, 1, boot=False)
    load = os.getloadavg()[0]
    n_small = f"{args.slice:,} rows, {small['stratum'].nunique():,} strata, " \
              f"{small['psu'].nunique():,} PSUs"
    lines = [
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas "
        f"{pd.__version__}, {platform.machine()}, {os.cpu_count()} cores shared with other "
        f"jobs (load {load:.1f} at the end of the run). Medians of {args.repeat} runs "
        f"({few} for R and samplics), seconds.",
        "",
        f"Full size ({args.rows:,} rows, {args.strata:,} strata, {args.psus:,} PSUs):",
        "",
        "| step | target | micropop | R survey (1 run) | R / micropop | svy | svy / micropop |",
        "|---|---|---|---|---|---|---|"]
    targets = ("< 0.3", "< 0.1", "< 0.3", "–", "< 2")
    for i, name in enumerate(STEPS):
        cells = [targets[i], fmt(ours_full[i])]
        for peer in (r_full, svy_full):
            cells += [peer if isinstance(peer, str) else fmt(peer[i]), ratio(peer, ours_full, i)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"Slice ({n_small}), the same work in every tool:", "",
              "| step | micropop | R survey | R / micropop | samplics | samplics / micropop "
              "| svy | svy / micropop | R on half the slice |",
              "|---|---|---|---|---|---|---|---|---|"]
    for i, name in enumerate(STEPS):
        cells = [fmt(ours[i])]
        for peer in (r_small, samplics_small, svy_small):
            cells += [peer if isinstance(peer, str) else fmt(peer[i]), ratio(peer, ours, i)]
        cells.append(r_half if isinstance(r_half, str) else fmt(r_half[i]))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--strata", type=int, default=2_000)
    parser.add_argument("--psus", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--slice", type=int, default=100_000,
                        help="rows of the slice on which R and samplics run")
    args = parser.parse_args()
    print(table(args))


if __name__ == "__main__":
    main()

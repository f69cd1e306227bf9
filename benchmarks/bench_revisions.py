"""Time micropop at two git revisions on the same data, to show a change costs nothing.

A refactoring must not slow the engine down. This script extracts each
revision's ``src/`` with ``git archive`` into a temporary folder and times
the same steps on the same seeded sample (``bench_estimation.synthetic_sample``:
1,000,000 rows, 2,000 strata, 40,000 PSUs by default) in a fresh Python
process per revision, alternating the revisions ``--rounds`` times so that
both see the same machine load. It prints, per step, the median over rounds
of each revision's median time and their ratio (head / base)::

    .venv/bin/python benchmarks/bench_revisions.py --base de62b58 [--head HEAD]
        [--rows 1000000] [--repeat 5] [--rounds 3]

Timings are printed, never asserted: the test suite holds no timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Runs in the child process, with the revision's ``src`` first on the path.
CHILD = r"""
import json, sys, warnings
import numpy as np
sys.path.insert(0, {bench!r})
from bench_estimation import synthetic_sample
from timing import median_time
import micropop as mp
from micropop.design import SurveyDesign

df = synthetic_sample({rows}, {strata}, {psus})
df["hours"] = np.random.default_rng(7).uniform(1, 20, len(df))
df["group"] = df["stratum"] % 5
build = lambda: SurveyDesign(df, weights="weight", strata="stratum", psu="psu")
des = build()
margins = {{name: (df.groupby(name)["weight"].sum() * 1.1).to_dict()
           for name in ("domain", "group")}}
steps = {{
    "build design": build,
    "mean and total": lambda: (des.mean("income"), des.total("income")),
    "mean by a 10-level domain": lambda: des.mean("income", by="domain"),
    "ratio": lambda: des.ratio("income", "hours"),
    "median with its interval": lambda: des.quantile("income", 0.5),
    "200 bootstrap replicates of a mean":
        lambda: des.replicate("bootstrap", replicates=200, seed=1).mean("income"),
    "gini with its SE": lambda: mp.gini(des, "income"),
    "rake to two margins": lambda: mp.weighting.rake(des, margins),
}}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(json.dumps({{name: median_time(f, {repeat}) for name, f in steps.items()}}))
"""


def extract(revision: str, into: Path) -> Path:
    """Write ``revision``'s ``src/`` under ``into`` and return that folder."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src"],
                             check=True, capture_output=True).stdout
    target = into / revision.replace("/", "_")
    target.mkdir()
    archive_path = target / "src.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def time_revision(src: Path, args: argparse.Namespace) -> dict[str, float]:
    """Median times of every step, in a fresh process importing micropop from ``src``."""
    code = CHILD.format(bench=str(ROOT / "benchmarks"), rows=args.rows, strata=args.strata,
                        psus=args.psus, repeat=args.repeat)
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="the revision before the change")
    parser.add_argument("--head", default="HEAD", help="the revision after it (default HEAD)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--strata", type=int, default=2_000)
    parser.add_argument("--psus", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {args.base: [], args.head: []}
    with tempfile.TemporaryDirectory() as tmp:
        sources = {rev: extract(rev, Path(tmp)) for rev in runs}
        for _ in range(args.rounds):
            for rev in runs:
                runs[rev].append(time_revision(sources[rev], args))
    steps = list(runs[args.base][0])
    print(f"{args.rows:,} rows, {args.strata:,} strata, {args.psus:,} PSUs; median of "
          f"{args.repeat} runs, median over {args.rounds} alternating rounds\n")
    print(f"| step | {args.base} (ms) | {args.head} (ms) | ratio |")
    print("|---|---:|---:|---:|")
    for step in steps:
        base = statistics.median(r[step] for r in runs[args.base]) * 1e3
        head = statistics.median(r[step] for r in runs[args.head]) * 1e3
        print(f"| {step} | {base:.1f} | {head:.1f} | {head / base:.2f} |")


if __name__ == "__main__":
    main()

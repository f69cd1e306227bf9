"""Time the delete-one jackknife (JK1) on 40,000 PSUs: factors held implicitly.

Builds an unstratified cluster sample of 1,000,000 rows in 40,000 PSUs
(seeded), then times ``des.replicate("jk1")`` followed by a mean with its
replicate SE, and measures the peak memory of that step with ``tracemalloc``
(numpy's allocations are traced) and the process's peak resident set
(``resource.getrusage``). The dense PSU x PSU factor matrix this replaces would
take 40,000**2 * 8 bytes = 12.8 GB. Issue #16's targets: under 1 s and under
1 GiB.

Run from the repository root::

    .venv/bin/python benchmarks/bench_jackknife.py [--rows 1000000] [--psus 40000] [--repeat 5]

It prints the Markdown table of the "Jackknife" section of
``benchmarks/README.md``. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from micropop.design import SurveyDesign


def sample(rows: int, psus: int) -> pd.DataFrame:
    """``rows`` rows in ``psus`` PSUs (every PSU sampled), a weight and a variable."""
    rng = np.random.default_rng(20261204)
    psu = rng.integers(0, psus, rows)
    psu[:psus] = np.arange(psus)
    return pd.DataFrame({"psu": psu, "stratum": psu % 2_000, "w": rng.uniform(1.0, 50.0, rows),
                         "y": rng.normal(1800.0, 400.0, rows)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--psus", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = sample(args.rows, args.psus)
    print(f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}; {args.rows:,} rows, {args.psus:,} PSUs, "
          f"median of {args.repeat} runs\n")
    print("| step | seconds | peak traced memory | process peak RSS | SE (linearised SE) |")
    print("|---|---|---|---|---|")
    for method, strata in (("jk1", None), ("jkn", "stratum")):
        des = SurveyDesign(data, weights="w", psu="psu", strata=strata)
        seconds, peak, se = _time(des, method, args.repeat)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
        where = "" if strata is None else ", 2,000 strata"
        print(f"| `replicate(\"{method}\")` + mean with its SE{where} | {seconds:.3f} | "
              f"{peak / 2**20:.0f} MiB | {rss / 2**20:.0f} MiB | "
              f"{se:.6f} ({float(des.mean('y').se[0]):.6f}) |")
    print(f"\nA dense factor matrix would take {args.psus**2 * 8 / 1e9:.1f} GB.")


def _time(des: SurveyDesign, method: str, repeat: int) -> tuple[float, int, float]:
    """Median seconds, traced peak bytes and the SE of making replicates + a mean."""
    def step() -> float:
        return float(des.replicate(method).mean("y").se[0])

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        se = step()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return float(np.median(times)), peak, se


if __name__ == "__main__":
    main()

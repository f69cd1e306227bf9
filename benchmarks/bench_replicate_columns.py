"""Time a Dask design with shipped replicate-weight columns (EU-SILC / ACS style).

Writes (to a temporary folder, removed afterwards) a Parquet survey of
``--rows`` rows in ``--files`` files, with full-sample weights ``w``, 80
replicate-weight columns ``repw1..repw80`` (bootstrap-like factors of 1,000
PSUs), a numeric ``y`` and a 10-level domain ``region``; then times on the
threaded scheduler (or ``--cluster``: ``LocalCluster(n_workers=2,
memory_limit="4GiB")``)::

    des = mp.ReplicateDesign(dd.read_parquet(folder), weights="w",
                             replicate_weights="^repw[0-9]+$", method="bootstrap")
    des.mean("y"); des.mean("y", by="region")

and reports seconds, rows per second, and the peak resident memory of this
process (``resource.getrusage``; with ``--cluster`` the workers' too). Issue
#16's target file is 20 million rows x 80 replicate columns.

Run from the repository root::

    .venv/bin/python benchmarks/bench_replicate_columns.py [--rows 2000000] [--files 20]

Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def write(folder: Path, rows: int, files: int, replicates: int = 80, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    factors = rng.poisson(1.0, (1000, replicates)).astype(float)
    per_file = -(-rows // files)
    for f in range(files):
        n = min(per_file, rows - f * per_file)
        psu = rng.integers(0, 1000, n)
        w = rng.uniform(50, 150, n)
        frame = pd.DataFrame({"w": w, "y": rng.normal(1000, 300, n),
                              "region": rng.integers(0, 10, n)})
        block = w[:, None] * factors[psu]
        frame = pd.concat([frame, pd.DataFrame(block, columns=[f"repw{r + 1}" for r in
                                                               range(replicates)])], axis=1)
        frame.to_parquet(folder / f"part{f:04d}.parquet", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--cluster", action="store_true")
    args = parser.parse_args()

    import dask.dataframe as dd

    import micropop as mp

    client = None
    if args.cluster:
        from distributed import Client, LocalCluster
        client = Client(LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="4GiB"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        write(folder, args.rows, args.files)
        print(f"wrote {args.rows:,} rows x 80 replicate columns in {args.files} files: "
              f"{sum(p.stat().st_size for p in folder.iterdir()) / 2**30:.2f} GiB, "
              f"{time.perf_counter() - start:.1f} s")
        steps = {}
        start = time.perf_counter()
        des = mp.ReplicateDesign(dd.read_parquet(str(folder)), weights="w",
                                 replicate_weights="^repw[0-9]+$", method="bootstrap")
        steps["design build (checks, degf)"] = time.perf_counter() - start
        start = time.perf_counter()
        est = des.mean("y")
        steps["replicate mean"] = time.perf_counter() - start
        start = time.perf_counter()
        des.mean("y", by="region")
        steps["replicate mean by a 10-level domain"] = time.perf_counter() - start
        print(f"mean {est.estimate[0]:.4f}, SE {est.se[0]:.4f}, df {est.df}")
        print("| step | seconds | rows per second |\n| --- | --- | --- |")
        for step, seconds in steps.items():
            print(f"| {step} | {seconds:.2f} | {args.rows / seconds:,.0f} |")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"peak resident memory of this process: {peak:.2f} GiB")
        if client is not None:
            client.close()


if __name__ == "__main__":
    main()

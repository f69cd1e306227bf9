"""Issue #16's Dask engine on larger-than-memory data: seconds, rows per second, peak memory.

Writes, to a temporary folder deleted at the end (never committed), a partitioned
Parquet survey (one file per block of strata, rows sorted by stratum and PSU as a
survey file usually is): ``--rows`` rows (default 100,000,000), 2,000 strata of
100 PSUs each (200,000 PSUs, uneven sizes), a weight, five numeric variables
(``y1`` lognormal incomes, ``y2``..``y5``), a 10-level domain, a 0/1 indicator,
three raking margins (13 regions, 10 sex x age bands, 4 education levels) and
``cluster`` (PSUs grouped by 5: 40,000 clusters, for an unstratified JK1); and a
``--replicate-rows`` file (default 20,000,000) with 80 replicate-weight columns
(successive-difference style factors per cluster, as the ACS). Everything is
drawn block by block with numpy (seed ``20261205``): the whole file is never in
memory.

Then, on ``distributed.LocalCluster(n_workers=2, threads_per_worker=1,
memory_limit="4GiB")`` with a ``Client``, it times each step once: building the
design, the mean, total and by-domain mean in one pass (``des.unit_design``,
then the three estimates on that in-memory per-unit design), each estimate in a
pass of its own, a proportion, raking to three margins and a mean after it, JK1
on 40,000 clusters, the 80-replicate file through ``mp.ReplicateDesign``, the
Gini and a quantile (those three are reported "not available" when this
revision of micropop refuses them on a Dask frame). The same steps then run in
memory (pandas designs) on ``--memory-rows`` rows (default 10,000,000), and on
Dask at that size too.

A thread samples the resident memory of this process and all its children
(the cluster's nanny and worker processes) every 0.2 s; each step reports the
largest sum seen during it, and the run its largest overall.

Run from the repository root (~15 minutes at full size, both cores, about
25 GB of disk)::

    .venv/bin/python benchmarks/bench_dask.py [--rows 100000000]
        [--replicate-rows 20000000] [--memory-rows 10000000]
        [--parts dask,replicate,memory,dask-small] [--profile] [--data DIR]

Develop with ``--rows 2000000 --replicate-rows 1000000 --memory-rows 1000000``.
Prints Markdown tables (those of ``benchmarks/README.md``); nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

import micropop as mp

SEED = 20261205
STRATA, PSUS_PER_STRATUM, CLUSTER_SIZE = 2_000, 100, 5
REPLICATES = 80
NUMERIC = ["y1", "y2", "y3", "y4", "y5"]
MARGINS = {"region": 13, "sexage": 10, "educ": 4}


# --- memory -----------------------------------------------------------------------------

class TreeMemory:
    """Samples the RSS of this process and all its children every ``interval`` seconds."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.process = psutil.Process(os.getpid())
        self.peak = 0
        self.window = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> int:
        total = 0
        for proc in [self.process, *self.process.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # a child that just ended
                pass
        self.peak = max(self.peak, total)
        self.window = max(self.window, total)
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def start(self) -> TreeMemory:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def reset_window(self) -> None:
        self.window = self.sample()


# --- data ----------------------------------------------------------------------------------

def _survey_block(rng: np.random.Generator, first: int, strata: int, rows: int) -> pd.DataFrame:
    """``rows`` rows of strata ``first``..``first + strata - 1``, sorted by stratum and PSU."""
    stratum = np.repeat(np.arange(first, first + strata, dtype=np.int32),
                        np.diff(np.linspace(0, rows, strata + 1).astype(np.int64)))
    local = rng.integers(0, PSUS_PER_STRATUM, rows, dtype=np.int32)
    psu = stratum * PSUS_PER_STRATUM + local
    psu.sort()  # within the block, strata in order too (psu = stratum * 100 + local)
    stratum = psu // PSUS_PER_STRATUM
    psu_weight = rng.uniform(50.0, 150.0, strata * PSUS_PER_STRATUM)
    w = psu_weight[psu - first * PSUS_PER_STRATUM] * rng.uniform(0.8, 1.2, rows)
    y1 = np.round(rng.lognormal(7.5, 0.8, rows), 2)
    frame = {"stratum": stratum, "psu": psu, "cluster": psu // CLUSTER_SIZE, "w": w,
             "y1": y1, "y2": rng.normal(40.0, 12.0, rows),
             "y3": np.round(rng.normal(35.0, 6.0, rows)),
             "y4": rng.uniform(0.0, 1.0, rows),
             "y5": 0.3 * y1 + rng.normal(0.0, 200.0, rows),
             "domain": rng.integers(0, 10, rows, dtype=np.int8),
             "employed": rng.uniform(0.0, 1.0, rows) < 0.62,
             "region": (stratum % MARGINS["region"]).astype(np.int8)}
    frame["sexage"] = rng.integers(0, MARGINS["sexage"], rows, dtype=np.int8)
    frame["educ"] = np.minimum(rng.poisson(1.2, rows), 3).astype(np.int8)
    return pd.DataFrame(frame)


def write_survey(folder: Path, rows: int, strata_per_file: int = 20) -> dict[str, Any]:
    """Write the survey file by file; return the population margins for raking."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    sums = {name: np.zeros(levels) for name, levels in MARGINS.items()}
    bounds = np.linspace(0, rows, STRATA + 1).astype(np.int64)
    for number, first in enumerate(range(0, STRATA, strata_per_file)):
        last = min(first + strata_per_file, STRATA)
        block = _survey_block(rng, first, last - first, int(bounds[last] - bounds[first]))
        for name, levels in MARGINS.items():
            sums[name] += np.bincount(block[name], weights=block["w"], minlength=levels)
        pq.write_table(pa.Table.from_pandas(block, preserve_index=False),
                       folder / f"part-{number:04d}.parquet")
    # Population margins a few percent off the sample's weighted counts, same total.
    total = sums["region"].sum()
    margins = {}
    for name, counts in sums.items():
        shifted = counts * rng.uniform(0.95, 1.05, len(counts))
        margins[name] = dict(enumerate(shifted * total / shifted.sum()))
    return margins


def write_replicate(folder: Path, rows: int, rows_per_file: int = 1_000_000) -> None:
    """``rows`` rows with a weight, 80 replicate weights, ``y1`` and a domain, file by file."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED + 1)
    clusters = STRATA * PSUS_PER_STRATUM // CLUSTER_SIZE
    # Successive-difference factors (ACS): 1 +- 2**-1.5 ... held per cluster.
    factors = 1.0 + rng.choice([-0.7071, 0.0, 0.7071], size=(REPLICATES, clusters))
    start = 0
    for number in range((rows + rows_per_file - 1) // rows_per_file):
        n = min(rows_per_file, rows - start)
        cluster = np.sort(rng.integers(0, clusters, n)) if n else np.zeros(0, np.int64)
        w = rng.uniform(50.0, 150.0, n)
        block = {"cluster": cluster.astype(np.int32), "w": w}
        reps = np.take(factors, cluster, axis=1)  # one contiguous row per replicate
        reps *= w
        for r in range(REPLICATES):
            block[f"rw{r + 1}"] = reps[r]
        block["y1"] = np.round(rng.lognormal(7.5, 0.8, n), 2)
        block["domain"] = rng.integers(0, 10, n, dtype=np.int8)
        pq.write_table(pa.table(block), folder / f"part-{number:04d}.parquet")
        start += n


# --- timing ---------------------------------------------------------------------------------

@dataclass
class Row:
    step: str
    rows: int
    seconds: float | None
    memory: int
    cores: int
    note: str = ""


@dataclass
class Bench:
    memory: TreeMemory
    rows: list[Row] = field(default_factory=list)
    section: str = ""
    #: time only the steps whose label holds one of these (all when empty); builds always
    only: tuple[str, ...] = ()
    #: (section, step) -> (estimates, SEs), to compare the engines on the same data
    estimates: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict)

    def time(self, step: str, rows: int, cores: int, func: Callable[[], Any],
             show: Callable[[Any], str] | None = None) -> Any:
        """Run ``func`` once, recording its seconds and the peak memory of the tree."""
        if self.only and not step.strip().startswith("build") and not any(
                word in step for word in self.only):
            return None
        self.memory.reset_window()
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = func()
        except Exception as err:  # noqa: BLE001 - reported, e.g. a feature not on main yet
            first = str(err).splitlines()[0][:140]
            refused = isinstance(err, (mp.errors.InMemoryOnlyError, mp.errors.DesignError))
            self.rows.append(Row(step, rows, None, self.memory.window, cores,
                                 f"{'not available' if refused else 'FAILED'}: "
                                 f"{type(err).__name__}: {first}"))
            print(f"  {step}: {self.rows[-1].note}", flush=True)
            return None
        seconds = time.perf_counter() - start
        self.memory.sample()
        if hasattr(result, "estimate") and hasattr(result, "se"):
            self.estimates[self.section, step.strip()] = (
                np.asarray(result.estimate, dtype=float), np.asarray(result.se, dtype=float))
        note = show(result) if show is not None else ""
        self.rows.append(Row(step, rows, seconds, self.memory.window, cores, note))
        print(f"  {step}: {seconds:.2f} s, {self.memory.window / 2**30:.2f} GiB {note}",
              flush=True)
        return result

    def table(self, title: str) -> str:
        lines = [f"\n{title}\n", "| step | rows | seconds | rows/s per core | "
                 "peak memory, process tree | note |", "|---|---:|---:|---:|---:|---|"]
        for row in self.rows:
            if row.seconds is None:
                lines.append(f"| {row.step} | {row.rows:,} | – | – | – | {row.note} |")
                continue
            rate = row.rows / row.seconds / row.cores
            lines.append(f"| {row.step} | {row.rows:,} | {row.seconds:.2f} | {rate:,.0f} | "
                         f"{row.memory / 2**30:.2f} GiB | {row.note} |")
        self.rows = []
        return "\n".join(lines)


def parity(bench: Bench, left: str, right: str) -> str:
    """The largest relative difference of estimates and SEs, step by step, of two sections."""
    lines = [f"\nThe same estimates, {left} against {right}: largest relative difference\n",
             "| step | estimates | SEs |", "|---|---:|---:|"]
    for (section, step), (est, se) in bench.estimates.items():
        other = bench.estimates.get((right, step))
        if section != left or other is None:
            continue
        gaps = [float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))
                for a, b in ((est, other[0]), (se, other[1]))]
        lines.append(f"| {step} | {gaps[0]:.1e} | {gaps[1]:.1e} |")
    return "\n".join(lines)


def _est(result: Any) -> str:
    frame = result.to_frame()
    first = frame.iloc[0]
    return f"{first['estimate']:.6g} (SE {first['se']:.4g})"


# --- the steps --------------------------------------------------------------------------------

def survey_steps(bench: Bench, data: Any, rows: int, cores: int, margins: dict[str, Any]
                 ) -> None:
    """The survey file's steps, on a Dask frame (``cores`` 2) or a pandas one (1)."""
    des = bench.time("build design (weights, 2,000 strata, 200,000 PSUs)", rows, cores,
                     lambda: mp.SurveyDesign(data, weights="w", strata="stratum", psu="psu"))
    if des is None:
        return
    dask = cores > 1
    if dask:
        table = bench.time("**one pass: per-unit design for mean, total, by-domain mean**",
                           rows, cores, lambda: des.unit_design(means=NUMERIC, keys=["domain"]))
        bench.time("  mean, total and by-domain mean with SEs on that design", rows, cores,
                   lambda: (table.mean(NUMERIC), table.total(NUMERIC),
                            table.mean("y1", by="domain"))[0], _est)
    else:
        bench.time("mean, total and by-domain mean with SEs", rows, cores,
                   lambda: (des.mean(NUMERIC), des.total(NUMERIC),
                            des.mean("y1", by="domain"))[0], _est)
    bench.time("mean of 5 variables", rows, cores, lambda: des.mean(NUMERIC), _est)
    bench.time("total of 5 variables", rows, cores, lambda: des.total(NUMERIC), _est)
    bench.time("mean of y1 by a 10-level domain", rows, cores,
               lambda: des.mean("y1", by="domain"), _est)
    bench.time("proportion employed (logit interval)", rows, cores,
               lambda: des.proportion("employed"), _est)
    raked = bench.time("rake to 3 margins (13 x 10 x 4)", rows, cores,
                       lambda: des.rake(margins))
    if raked is not None:
        bench.time("  mean of y1 on the raked design", rows, cores,
                   lambda: raked.mean("y1"), _est)
    target = bench.time("total of y2 (a calibration target: 1.01 times it)", rows, cores,
                        lambda: des.total("y2"), _est)
    if target is not None:
        calibrated = bench.time("calibrate to the total of y2 (linear, numeric)", rows, cores,
                                lambda: des.calibrate({"y2": 1.01 * float(target.estimate[0])}))
        if calibrated is not None:
            bench.time("  mean of y1 on the calibrated design", rows, cores,
                       lambda: calibrated.mean("y1"), _est)
    bench.time("gini of y1 with its SE", rows, cores, lambda: mp.gini(des, "y1"), _est)
    bench.time("median of y1 with its interval", rows, cores,
               lambda: des.quantile("y1", 0.5), _est)
    jk = bench.time("build unstratified design, 40,000 clusters", rows, cores,
                    lambda: mp.SurveyDesign(data, weights="w", psu="cluster"))
    if jk is not None:
        bench.time("  replicate(\"jk1\") + mean of y1 with its SE", rows, cores,
                   lambda: jk.replicate("jk1").mean("y1"), _est)


def profile_pass(bench: Bench, folder: Path, rows: int, client: Any) -> str:
    """What a pass costs, by dask task; the passes on fewer columns; read alone."""
    import dask.dataframe as dd
    import distributed

    from micropop.partitioned import passes

    data = dd.read_parquet(folder)
    keys = ["stratum", "psu", "domain"]
    needed = [*keys, "w", *NUMERIC]
    with distributed.get_task_stream(client) as stream:
        bench.time("  the pass's grouped sums alone (`passes.unit_table` on its 9 columns)",
                   rows, 2, lambda: passes.unit_table(data[needed], weights="w", keys=keys,
                                                      means=NUMERIC))
    bench.time("  the same on the whole frame (every column read, as the build's passes)",
               rows, 2, lambda: passes.unit_table(data, weights="w", keys=keys,
                                                  means=NUMERIC))
    bench.time("  build design on `dd.read_parquet(folder, columns=[stratum, psu, w])`", rows,
               2, lambda: mp.SurveyDesign(dd.read_parquet(folder, columns=["stratum", "psu",
                                                                           "w"]),
                                          weights="w", strata="stratum", psu="psu"))
    group = data[needed].assign(__complete=True)
    bench.time("  `groupby(4 keys).sum()` of the 9 columns, dask's default (a P2P shuffle)",
               rows, 2, lambda: group.groupby([*keys, "__complete"], sort=False).sum()
               .compute())
    bench.time("  the same with `split_out=1` (a tree reduction)", rows, 2,
               lambda: group.groupby([*keys, "__complete"], sort=False).sum(
                   split_out=1, split_every=8).compute())
    bench.time("  reading the 9 columns alone (`ddf[columns].sum()`)", rows, 2,
               lambda: data[needed].sum().compute())
    bench.time("  reading every column alone (`ddf.sum()`)", rows, 2,
               lambda: data.sum().compute())
    spent: dict[str, float] = {}
    for task in stream.data:
        key = task["key"][0] if isinstance(task["key"], tuple) else task["key"]
        prefix = str(key).rsplit("-", 1)[0]
        for period in task["startstops"]:
            name = f"{prefix} ({period['action']})"
            spent[name] = spent.get(name, 0.0) + period["stop"] - period["start"]
    lines = ["\nWorker seconds of the pass's grouped sums, by dask task (both workers "
             "added):\n", "| task | seconds |", "|---|---:|"]
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1])[:8]:
        lines.append(f"| {name} | {seconds:.1f} |")
    return "\n".join(lines)


def replicate_steps(bench: Bench, data: Any, rows: int, cores: int) -> None:
    """The 80-replicate file: build, mean, mean by domain."""
    des = bench.time("ReplicateDesign, 80 replicate weights", rows, cores,
                     lambda: mp.ReplicateDesign(data, weights="w",
                                                replicate_weights=[f"rw{r + 1}" for r in
                                                                   range(REPLICATES)],
                                                scale=4 / REPLICATES, rscales=[1.0] * REPLICATES,
                                                mse=True))
    if des is None:
        return
    bench.time("  mean of y1 with its replicate SE", rows, cores, lambda: des.mean("y1"), _est)
    bench.time("  mean of y1 by domain", rows, cores, lambda: des.mean("y1", by="domain"),
               _est)


def _written(folder: Path, write: Callable[[], Any]) -> Any:
    """``write()`` unless ``folder`` was written already (its result kept beside it)."""
    import pickle
    saved = folder.with_suffix(".pkl")
    if saved.exists():
        return pickle.loads(saved.read_bytes())
    result = write()
    saved.write_bytes(pickle.dumps(result))
    return result


def _files_for(folder: Path, rows: int) -> list[str]:
    """The first files of ``folder`` holding at least ``rows`` rows."""
    chosen, held = [], 0
    for path in sorted(folder.glob("*.parquet")):
        if held >= rows:
            break
        chosen.append(str(path))
        held += pq.ParquetFile(path).metadata.num_rows
    return chosen


# --- main ----------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--replicate-rows", type=int, default=20_000_000)
    parser.add_argument("--memory-rows", type=int, default=10_000_000)
    parser.add_argument("--memory-replicate-rows", type=int, default=1_000_000)
    parser.add_argument("--parts", default="dask,replicate,memory,dask-small")
    parser.add_argument("--folder", default=None,
                        help="where to make the temporary data folder (default: the system's)")
    parser.add_argument("--data", default=None,
                        help="write the data once to this folder and keep it (reused when "
                             "it exists; delete it yourself)")
    parser.add_argument("--only", default="",
                        help="comma-separated words: time only the steps whose label holds one")
    parser.add_argument("--write-only", action="store_true",
                        help="with --data: write the data, time nothing")
    parser.add_argument("--profile", action="store_true",
                        help="also break the one pass down (check pass, grouped sums by task)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    keep = args.data is not None
    root = (Path(args.data) if keep else
            Path(tempfile.mkdtemp(prefix="bench_dask_", dir=args.folder)))
    root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(root).free
    need = (args.rows * 70 + args.replicate_rows * 8 * (REPLICATES + 3)
            + args.memory_rows * 70) * 1.1
    if free < need and not any(root.iterdir()):
        raise SystemExit(f"{free / 1e9:.0f} GB free in {root}, {need / 1e9:.0f} GB needed: "
                         "pass smaller --rows / --replicate-rows")
    memory = TreeMemory().start()
    bench = Bench(memory, only=tuple(w for w in args.only.split(",") if w))
    try:
        _run(args, parts, root, bench)
    finally:
        memory.stop()
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    print(f"\nPeak memory of the process tree over the run: {memory.peak / 2**30:.2f} GiB")


def _run(args: argparse.Namespace, parts: set[str], root: Path, bench: Bench) -> None:
    import logging

    import dask
    import dask.dataframe as dd
    import distributed

    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)

    print(f"Python {platform.python_version()}, numpy {np.__version__}, pandas "
          f"{pd.__version__}, dask {dask.__version__}, pyarrow {pa.__version__}; "
          f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}", flush=True)
    big = root / f"survey_{args.rows}"
    small = root / f"survey_{args.memory_rows}"
    reps = root / f"replicate_{args.replicate_rows}"
    start = time.perf_counter()
    margins = small_margins = None
    if "dask" in parts:
        margins = _written(big, lambda: write_survey(big, args.rows))
    if {"memory", "dask-small"} & parts:
        small_margins = _written(small, lambda: write_survey(small, args.memory_rows))
    if "replicate" not in parts:  # only the in-memory replicate steps' rows
        reps = root / f"replicate_{args.memory_replicate_rows}"
    if "replicate" in parts or "memory" in parts:
        rep_rows = args.replicate_rows if "replicate" in parts else args.memory_replicate_rows
        _written(reps, lambda: write_replicate(reps, rep_rows))
    on_disk = sum(p.stat().st_size for p in root.rglob("*.parquet"))
    print(f"data written in {time.perf_counter() - start:.0f} s: {on_disk / 1e9:.1f} GB "
          "of Parquet", flush=True)
    if args.write_only:
        return

    if "memory" in parts:
        bench.section = "memory"
        rows = args.memory_rows
        frame = bench.time("read the Parquet folder (pandas)", rows, 1,
                           lambda: pd.read_parquet(small))
        survey_steps(bench, frame, rows, 1, small_margins)
        del frame
        files = _files_for(reps, args.memory_replicate_rows)
        frame = pd.read_parquet(files)
        replicate_steps(bench, frame, len(frame), 1)
        del frame
        print(bench.table(f"In memory (pandas designs), {rows:,} rows:"), flush=True)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="4GiB",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        if "dask" in parts:
            bench.section = "dask"
            assert margins is not None
            survey_steps(bench, dd.read_parquet(big), args.rows, 2, margins)
            breakdown = profile_pass(bench, big, args.rows, client) if args.profile else ""
            print(bench.table(f"Dask, {args.rows:,} rows:") + breakdown, flush=True)
        if "replicate" in parts:
            bench.section = "replicate"
            replicate_steps(bench, dd.read_parquet(reps), args.replicate_rows, 2)
            print(bench.table(f"Dask, {args.replicate_rows:,} rows x {REPLICATES} replicate "
                              "weights:"), flush=True)
        if "dask-small" in parts:
            bench.section = "dask-small"
            survey_steps(bench, dd.read_parquet(small), args.memory_rows, 2, small_margins)
            print(bench.table(f"Dask, {args.memory_rows:,} rows:"), flush=True)
            if "memory" in parts:
                print(parity(bench, "dask-small", "memory"), flush=True)


if __name__ == "__main__":
    main()

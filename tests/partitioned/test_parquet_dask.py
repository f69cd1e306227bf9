"""Dask designs on Parquet folders of wide files: dask's read fusion must not move rows.

When a pass reads few of many columns, dask's optimiser would read several
files in one partition; the engine numbers rows and names files by partition,
so every pass runs with that tuning off (:func:`micropop.partitioned.passes.as_partitioned`).
These tests write real Parquet files with many columns and check unclustered
designs (each row its own unit), quantiles, Gini, replicate-weight columns and
a refusal naming its file against the in-memory engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402

import micropop as mp  # noqa: E402
from micropop.errors import WeightError  # noqa: E402

RTOL = 1e-10
# dask 2026.8's Parquet reader calls reset_index(inplace=True), which pandas 3.1 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")


@pytest.fixture(autouse=True, scope="module")
def _sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


def wide(rows: int = 1200, extra: int = 40, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"h": np.repeat(np.arange(4), rows // 4),
                          "psu": np.repeat(np.arange(60), rows // 60),
                          "w": rng.uniform(1.0, 5.0, rows), "y": rng.lognormal(7, 0.5, rows),
                          "region": rng.choice(["nord", "sud"], rows)})
    for k in range(extra):  # columns no pass reads: the reads of few columns are narrow
        frame[f"extra{k}"] = rng.normal(size=rows)
    return frame


def written(frame: pd.DataFrame, folder, files: int = 12) -> str:
    bounds = np.linspace(0, len(frame), files + 1).astype(int)
    for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        frame.iloc[a:b].to_parquet(folder / f"part{i:02d}.parquet", index=False)
    return str(folder)


def same(ours, memory) -> None:
    np.testing.assert_allclose(ours.estimate, memory.estimate, rtol=RTOL)
    np.testing.assert_allclose(ours.se, memory.se, rtol=RTOL)


def test_narrow_passes_over_wide_files_match_memory(tmp_path):
    frame = wide()
    ddf = dd.read_parquet(written(frame, tmp_path))  # dask's reader, as users call it
    assert ddf.npartitions == 12
    for options in ({"strata": "h"}, {"strata": "h", "psu": "psu"}):
        memory = mp.SurveyDesign(frame, weights="w", **options)
        des = mp.SurveyDesign(ddf, weights="w", **options)
        same(des.mean("y"), memory.mean("y"))
        same(des.mean(["y", *[f"extra{k}" for k in range(20)]]),
             memory.mean(["y", *[f"extra{k}" for k in range(20)]]))
        same(des.quantile("y", [0.25, 0.5]), memory.quantile("y", [0.25, 0.5]))
        same(mp.gini(des, "y"), mp.gini(memory, "y"))
        same(des.replicate("bootstrap", replicates=20, seed=4).mean("y", by="region"),
             memory.replicate("bootstrap", replicates=20, seed=4).mean("y", by="region"))


def test_replicate_weight_columns_in_wide_files_match_memory(tmp_path):
    frame = wide(extra=10)
    rng = np.random.default_rng(2)
    factors = rng.poisson(1.0, (60, 30)).astype(float)
    for r in range(30):
        frame[f"rw{r}"] = frame["w"] * factors[frame["psu"], r]
    ddf = dd.read_parquet(written(frame, tmp_path))
    options = {"weights": "w", "replicate_weights": "^rw", "method": "bootstrap"}
    des, memory = mp.ReplicateDesign(ddf, **options), mp.ReplicateDesign(frame, **options)
    assert des.degf == memory.degf
    same(des.mean("y", by="region"), memory.mean("y", by="region"))


@pytest.mark.parametrize("reader", ["dask", "micropop"])
def test_a_bad_weight_names_its_partition_or_file_and_row(tmp_path, reader):
    frame = wide()
    frame.loc[1000, "w"] = -1.0  # file part10.parquet (rows 1000-1099), its row 1
    folder = written(frame, tmp_path)
    if reader == "dask":
        ddf, where = dd.read_parquet(folder), r"partition 11\b.*row 1\b"
    else:
        ddf, where = mp.read_survey(folder, engine="dask"), r"part10\.parquet.*row 1\b"
    with pytest.raises(WeightError, match=where):
        mp.SurveyDesign(ddf, weights="w", strata="h")

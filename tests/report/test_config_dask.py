"""``[survey] engine = "dask"``: the worker survey's files (a glob, a folder) read with
Dask, checked file by file, gathered in memory for the report, as a note says; the same
plan as the one file read in memory."""

from __future__ import annotations

import numpy as np
import pytest

import micropop as mp
from micropop.errors import ConfigError
from micropop.report.config import load_config

dask = pytest.importorskip("dask")

CUTS = [0, 120, 120, 400, 401, 650, 990, 1000]


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="sync"):
        yield


@pytest.fixture
def folder(tmp_path):
    data = mp.datasets.load_worker_survey()
    (tmp_path / "parts").mkdir()
    for k, (a, b) in enumerate(zip(CUTS[:-1], CUTS[1:], strict=True)):
        data.iloc[a:b].to_parquet(tmp_path / "parts" / f"part.{k}.parquet", index=False)
    data.to_parquet(tmp_path / "workers.parquet", index=False)
    return tmp_path


def _config(folder, survey: str, name: str = "analysis.toml"):
    path = folder / name
    path.write_text(survey + 'weights = "weight"\n[earnings]\nvariable = "earnings_month"\n'
                    'hours = "hours_week"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("file", ["parts/*.parquet", "parts"])
def test_dask_engine_reads_the_files_as_the_one_file(folder, file):
    lazy = load_config(_config(folder, f'[survey]\nfile = "{file}"\nengine = "dask"\n'))
    memory = load_config(_config(folder, '[survey]\nfile = "workers.parquet"\n', "one.toml"))
    assert len(lazy.workers.data) == 1000
    assert np.array_equal(lazy.workers.mean("earnings_month").se,
                          memory.workers.mean("earnings_month").se)
    (told,) = [n for n in lazy.read_notes if "Dask" in n]
    assert "7 files read with Dask" in told and "1,000 rows" in told
    assert "7 fichiers lus avec Dask" in told.fr


def test_dask_engine_errors_name_the_key_and_the_file(folder):
    mp.datasets.load_worker_survey().iloc[:5, :4].to_parquet(folder / "parts" / "part.9.parquet")
    with pytest.raises(ConfigError, match=r"\[survey\] file: .*part\.9\.parquet.*lacks"):
        load_config(_config(folder, '[survey]\nfile = "parts/*.parquet"\nengine = "dask"\n'))
    with pytest.raises(ConfigError, match=r"\[survey\] engine: 'spark' is not an engine"):
        load_config(_config(folder, '[survey]\nfile = "workers.parquet"\nengine = "spark"\n'))
    with pytest.raises(ConfigError, match=r"\[survey\] file: no file matches"):
        load_config(_config(folder, '[survey]\nfile = "none/*.csv"\nengine = "dask"\n'))

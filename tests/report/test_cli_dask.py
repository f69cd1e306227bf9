"""``micropop estimate ... --engine dask``: a folder or glob of Parquet files read lazily,
the same numbers as ``--engine pandas`` on the same rows in one file; dask's progress
bar only on a terminal with a local scheduler."""

from __future__ import annotations

import io
import sys

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop import cli
from micropop.cli import main

dask = pytest.importorskip("dask")

#: Uneven files, one of them empty, PSUs split across files.
CUTS = [0, 37, 37, 90, 150, 151, 260, 300]
DESIGN = ["--weights", "w", "--strata", "stratum", "--psu", "psu", "--format", "csv"]


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="sync"):
        yield


@pytest.fixture
def survey(tmp_path):
    rng = np.random.default_rng(16)
    n = CUTS[-1]
    df = pd.DataFrame({"stratum": rng.integers(1, 4, n), "psu": rng.integers(1, 9, n),
                       "w": np.round(rng.uniform(1, 30, n), 3),
                       "hours": np.round(rng.gamma(2.0, 6.0, n), 2),
                       "earnings": np.round(rng.gamma(3.0, 100.0, n), 2),
                       "sex": rng.choice(["female", "male"], n),
                       "microwork": rng.integers(0, 2, n)})
    df["psu"] = df["stratum"] * 100 + df["psu"]
    (tmp_path / "parts").mkdir()
    for k, (a, b) in enumerate(zip(CUTS[:-1], CUTS[1:], strict=True)):
        df.iloc[a:b].to_parquet(tmp_path / "parts" / f"part.{k}.parquet", index=False)
    df.to_parquet(tmp_path / "whole.parquet", index=False)
    return tmp_path


def _run(capsys, *args):
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize("statistic, extra", [
    ("mean", ["hours", "earnings"]),
    ("total", ["earnings", "--by", "sex"]),
    ("ratio", ["earnings", "hours"]),
    ("proportion", ["sex", "--category", "female"]),
    ("proportion", ["microwork"]),
    ("quantile", ["hours"]),
])
def test_dask_engine_gives_the_numbers_of_the_pandas_engine(survey, capsys, statistic, extra):
    status, lazy, err = _run(capsys, "estimate", statistic, *extra, "--data",
                             str(survey / "parts" / "*.parquet"), "--engine", "dask", *DESIGN)
    assert status == 0, err
    assert err == ""  # no progress bar in captured output
    status, memory, err = _run(capsys, "estimate", statistic, *extra, "--data",
                               str(survey / "whole.parquet"), *DESIGN)
    assert status == 0, err
    got, want = pd.read_csv(io.StringIO(lazy)), pd.read_csv(io.StringIO(memory))
    assert list(got.columns) == list(want.columns)
    numbers = want.select_dtypes("number").columns
    assert got[numbers].to_numpy() == pytest.approx(want[numbers].to_numpy(), rel=1e-10,
                                                 nan_ok=True)


@pytest.mark.parametrize("command", [["model", "hours ~ sex"]])
def test_in_memory_only_features_say_the_flag(survey, capsys, command):
    status, _, err = _run(capsys, *command, "--data", str(survey / "parts"), "--engine", "dask",
                          *DESIGN[:-2])
    assert status == 1
    assert "not offered on a Dask design" in err and "Use --engine pandas" in err


def test_engine_flag_is_checked(survey, capsys):
    status, _, err = _run(capsys, "estimate", "mean", "hours", "--dataset", "worker_survey",
                          "--weights", "weight", "--engine", "dask")
    assert status == 1 and "--engine dask applies to --data" in err
    with pytest.raises(SystemExit):
        main(["estimate", "mean", "hours", "--data", str(survey), "--engine", "spark"])
    capsys.readouterr()
    status, _, err = _run(capsys, "estimate", "mean", "hours", "--data",
                          str(survey / "nothing*.parquet"), "--engine", "dask", *DESIGN)
    assert status == 1 and "no file matches" in err


def test_progress_bar_only_on_a_terminal_without_a_client(monkeypatch):
    from dask.diagnostics.progress import ProgressBar

    assert not isinstance(cli._progress("dask"), ProgressBar)  # captured: not a terminal

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    assert not isinstance(cli._progress("pandas"), ProgressBar)
    monkeypatch.setitem(sys.modules, "distributed", None)  # no distributed: local scheduler
    bar = cli._progress("dask")
    assert isinstance(bar, ProgressBar)
    with bar:
        dask.delayed(sum)([1, 2]).compute()
    monkeypatch.undo()
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.setattr(distributed, "default_client", lambda: object())
    assert not isinstance(cli._progress("dask"), ProgressBar)  # a Client: its dashboard


def test_levels_of_a_dask_column(survey):
    with pytest.warns(mp.errors.MicropopWarning, match="not in the codebook"):
        ddf = mp.read_survey(survey / "parts", {"variables": {"sex": {
            "type": "categorical", "levels": ["male", "female", "other"]}}}, engine="dask")
    levels = cli._levels_of(ddf, "sex")
    assert list(levels.cat.categories) == ["male", "female", "other"]
    assert sorted(levels.astype(str)) == ["female", "male"]
    assert sorted(cli._levels_of(ddf, "microwork").tolist()) == [0, 1]

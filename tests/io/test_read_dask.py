"""read_survey(engine="dask"): a folder, a glob or a file of Parquet or CSV files read
lazily, one partition per file, to the same frame as the in-memory reader of the same
rows in one file; files that disagree refused before any data is read, naming the file;
codebook errors found in a partition naming the file and its data row."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.errors import (
    EmptyFileError,
    InvalidLevelError,
    MicropopWarning,
    MissingDependencyError,
    NonNumericError,
    OptionError,
    OutOfRangeError,
    PartitionError,
    SurveyFileNotFoundError,
    UnreadableFileError,
    UnsupportedFormatError,
)

dask = pytest.importorskip("dask")

CODEBOOK = {"id": "ident", "variables": {
    "ident": {"type": "integer"},
    "sex": {"type": "categorical", "levels": {"1": "female", "2": "male"}},
    "age": {"type": "integer", "range": [15, 99], "missing": {-1: "refused", 999: "unknown"}},
    "hours": {"type": "numeric", "missing": {-9: "not asked"}}}}
#: Uneven files, one of them empty (0 data rows), some of one row.
CUTS = [0, 1, 1, 9, 30, 31, 52, 60]


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="sync"):
        yield


def _survey(n: int = 60, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(15, 80, n)
    age[rng.random(n) < 0.1] = -1
    hours = np.round(rng.gamma(2.0, 5.0, n), 2)
    hours[rng.random(n) < 0.1] = -9
    return pd.DataFrame({"ident": np.arange(1, n + 1), "sex": rng.choice(["1", "2"], n),
                         "age": age, "hours": hours, "w": np.round(rng.uniform(1, 40, n), 3),
                         "region": rng.choice(["nord", "sud, côte", 'dit "est"', "d'ici"], n)})


def _write(df: pd.DataFrame, folder: Path, cuts: list[int], kind: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, (a, b) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
        path = folder / f"part.{k}.{kind}"
        if kind == "parquet":
            df.iloc[a:b].to_parquet(path, index=False)
        else:
            df.iloc[a:b].to_csv(path, index=False)
        paths.append(path)
    return paths


def _whole(df: pd.DataFrame, folder: Path, kind: str) -> pd.DataFrame:
    path = folder / f"whole.{kind}"
    if kind == "parquet":
        df.to_parquet(path, index=False)
    else:
        df.to_csv(path, index=False)
    with pytest.warns(MicropopWarning):
        return mp.read_survey(path, CODEBOOK)


def _same(lazy: pd.DataFrame, memory: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(lazy.reset_index(drop=True), memory.reset_index(drop=True))


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_seven_uneven_files_read_as_the_one_file(tmp_path, kind):
    df = _survey()
    files = _write(df, tmp_path / "parts", CUTS, kind)
    with pytest.warns(MicropopWarning, match="not in the codebook"):
        ddf = mp.read_survey(tmp_path / "parts", CODEBOOK, engine="dask")
    assert ddf.npartitions == 7
    assert mp.io.partition_files(ddf) == [str(p) for p in files]
    assert list(ddf.dtypes["sex"].categories) == ["female", "male"]  # known categories
    parts = [ddf.get_partition(i).compute() for i in range(ddf.npartitions)]
    assert [len(p) for p in parts] == list(np.diff(CUTS))
    assert all(list(p["sex"].cat.categories) == ["female", "male"] for p in parts)
    _same(ddf.compute(), _whole(df, tmp_path, kind))
    # a glob naming the same files, and a single file
    with pytest.warns(MicropopWarning):
        glob = mp.read_survey(str(tmp_path / "parts" / f"*.{kind}"), CODEBOOK, engine="dask")
    assert mp.io.partition_files(glob) == [str(p) for p in files]
    with pytest.warns(MicropopWarning):
        one = mp.read_survey(files[3], CODEBOOK, engine="dask")
    _same(one.compute(), _whole(df, tmp_path, kind).iloc[CUTS[3]:CUTS[4]])


def test_natural_order_and_files_that_are_not_data(tmp_path):
    df = _survey(24)
    cuts = list(range(0, 25, 2))  # 12 files: part.10 comes after part.9
    _write(df, tmp_path, cuts, "parquet")
    (tmp_path / "_SUCCESS").write_text("")
    (tmp_path / ".part.0.parquet.crc").write_text("")
    ddf = mp.read_survey(tmp_path, engine="dask")
    names = [Path(f).name for f in mp.io.partition_files(ddf)]
    assert names == [f"part.{k}.parquet" for k in range(12)]
    pd.testing.assert_frame_equal(ddf.compute().reset_index(drop=True), df)


def test_csv_options_apply_to_every_file(tmp_path):
    lines = ["id;hours", "1;12,5", "2;3"], ["id;hours"], ["id;hours", "3;0,25"]
    for k, text in enumerate(lines):
        data = ("Titre\n" + "\n".join(text) + "\n").encode("latin-1")
        if k == 2:
            (tmp_path / f"f{k}.csv.gz").write_bytes(gzip.compress(data))
        else:
            (tmp_path / f"f{k}.csv").write_bytes(data)
    ddf = mp.read_survey(tmp_path, sep=";", decimal=",", encoding="latin-1", skiprows=1,
                         engine="dask")
    out = ddf.compute()
    assert out["hours"].tolist() == [12.5, 3.0, 0.25]
    assert out["id"].tolist() == [1, 2, 3]


def test_a_large_csv_file_is_checked_by_its_first_lines(tmp_path):
    """Column names are read from the first 64 KiB; the rows after them when computed."""
    rows = "".join(f"{i},{i % 7}\n" for i in range(20_000))
    (tmp_path / "a.csv").write_text("id,x\n" + rows)
    (tmp_path / "b.csv.gz").write_bytes(gzip.compress(("id,x\n" + rows + "x,1\n").encode()))
    ddf = mp.read_survey(tmp_path, engine="dask")
    assert ddf.npartitions == 2
    with pytest.raises(NonNumericError, match=r"b\.csv\.gz'.*'id'.*data row 20001 \(file line"):
        ddf.compute()
    (tmp_path / "b.csv.gz").write_bytes(gzip.compress(("id,y\n" + rows).encode()))
    with pytest.raises(PartitionError, match=r"b\.csv\.gz'.*lacks column\(s\) 'x'"):
        mp.read_survey(tmp_path, engine="dask")


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_files_without_any_row_are_refused(tmp_path, kind):
    _write(_survey(), tmp_path, [0, 0, 0], kind)
    with pytest.raises(EmptyFileError, match="none of the 2 files holds a data row"):
        mp.read_survey(tmp_path, engine="dask")


def test_missing_values_in_some_parquet_files_only(tmp_path):
    """Whole numbers with NAs in one file read as floats, as in the one file."""
    def table(n: list, b: list) -> pa.Table:  # as Arrow writes them, without pandas' types
        return pa.table({"n": pa.array(n, pa.int64()), "b": pa.array(b, pa.bool_())})

    pq.write_table(table([1, 2], [True, False]), tmp_path / "a.parquet")
    pq.write_table(table([None, 4, 5], [None, True, True]), tmp_path / "b.parquet")
    out = mp.read_survey(tmp_path, engine="dask").compute().reset_index(drop=True)
    whole = tmp_path / "whole" / "all.parquet"
    whole.parent.mkdir()
    pq.write_table(table([1, 2, None, 4, 5], [True, False, None, True, True]), whole)
    expected = mp.read_survey(whole)
    assert expected.dtypes.astype(str).tolist() == ["float64", "object"]
    pd.testing.assert_frame_equal(out, expected)


def test_undeclared_categories_differ_between_files(tmp_path):
    pd.DataFrame({"c": pd.Categorical(["a", "b"])}).to_parquet(tmp_path / "1.parquet")
    pd.DataFrame({"c": pd.Categorical(["z"])}).to_parquet(tmp_path / "2.parquet")
    ddf = mp.read_survey(tmp_path, engine="dask")
    assert ddf.compute()["c"].astype(str).tolist() == ["a", "b", "z"]


# --- refused ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_a_column_missing_from_one_file_names_it(tmp_path, kind):
    files = _write(_survey(), tmp_path, CUTS, kind)
    bad = _survey().iloc[:3].drop(columns="hours")
    if kind == "parquet":
        bad.to_parquet(files[4], index=False)
    else:
        bad.to_csv(files[4], index=False)
    with pytest.raises(PartitionError, match=r"part\.4\..*lacks column\(s\) 'hours'"):
        mp.read_survey(tmp_path, engine="dask")


def test_a_column_of_another_type_in_one_parquet_file_names_it(tmp_path):
    files = _write(_survey(), tmp_path, CUTS, "parquet")
    bad = _survey().iloc[:3].astype({"age": str})
    bad.to_parquet(files[5], index=False)
    with pytest.raises(PartitionError, match=r"part\.5\.parquet.*'age' is stored as str"):
        mp.read_survey(tmp_path, engine="dask")


def test_a_csv_column_read_otherwise_in_one_file_names_it(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n2\n")
    (tmp_path / "b.csv").write_text("x\n3\n4.5\n")
    ddf = mp.read_survey(tmp_path, engine="dask")
    with pytest.raises(PartitionError, match=r"b\.csv'.*'x'.*eclare the column's type"):
        ddf.compute()
    (tmp_path / "b.csv").write_text("x\n3\n4\n\n")  # whole numbers: the same frame
    assert mp.read_survey(tmp_path, engine="dask").compute()["x"].tolist() == [1, 2, 3, 4]
    (tmp_path / "a.csv").write_text("x,y\nNA,1\n")  # no value in the first file: no type
    (tmp_path / "b.csv").write_text("x,y\nfoo,1\n")
    with pytest.raises(PartitionError, match=r"b\.csv'.*'x' reads as str, but as float64"):
        mp.read_survey(tmp_path, engine="dask").compute()
    with pytest.warns(MicropopWarning):
        text = mp.read_survey(tmp_path, {"variables": {"x": {"type": "string"}}}, engine="dask")
    assert text.compute()["x"].tolist()[1] == "foo"


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_a_codebook_violation_names_the_file_and_its_data_row(tmp_path, kind):
    df = _survey()
    df.loc[CUTS[3] + 2, "age"] = 120  # the third data row of part.3
    df.loc[CUTS[5], "sex"] = "9"  # the first of part.5
    _write(df, tmp_path, CUTS, kind)
    with pytest.warns(MicropopWarning):
        ddf = mp.read_survey(tmp_path, CODEBOOK, engine="dask")
    line = " \\(file line 4" if kind == "csv" else ""
    with pytest.raises(OutOfRangeError, match=rf"part\.3\.{kind}: column 'age'.*data row 3{line}"):
        ddf.get_partition(3).compute()
    with pytest.raises(InvalidLevelError, match=rf"part\.5\.{kind}: column 'sex'.*data row 1"):
        ddf.get_partition(5).compute()


def test_engine_dask_without_dask_names_the_extra(tmp_path, monkeypatch):
    _write(_survey(), tmp_path, [0, 5, 9], "parquet")
    for name in [m for m in sys.modules if m == "dask" or m.startswith("dask.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'micropop\[dask\]'"):
        mp.read_survey(tmp_path, engine="dask")


def test_bad_requests_are_refused(tmp_path):
    _write(_survey(), tmp_path / "p", [0, 5, 9], "parquet")
    with pytest.raises(OptionError, match="engine='spark'"):
        mp.read_survey(tmp_path / "p", engine="spark")
    with pytest.raises(OptionError, match="sep= applies to text files"):
        mp.read_survey(tmp_path / "p", sep=";", engine="dask")
    with pytest.raises(OptionError, match="return_codebook"):
        mp.read_survey(tmp_path / "p", engine="dask", return_codebook=True)
    with pytest.raises(SurveyFileNotFoundError, match="no file matches"):
        mp.read_survey(str(tmp_path / "p" / "*.csv"), engine="dask")
    with pytest.raises(SurveyFileNotFoundError, match="neither a file"):
        mp.read_survey(tmp_path / "nowhere", engine="dask")
    with pytest.raises(UnreadableFileError, match="holds folders"):
        mp.read_survey(tmp_path, engine="dask")
    pd.DataFrame({"a": [1]}).to_stata(tmp_path / "p" / "x.dta")
    with pytest.raises(UnsupportedFormatError, match=r"engine='dask' reads Parquet.*x\.dta"):
        mp.read_survey(tmp_path / "p" / "x.dta", engine="dask")
    (tmp_path / "p" / "x.dta").unlink()
    (tmp_path / "p" / "notes.csv").write_text("a\n1\n")
    with pytest.raises(UnsupportedFormatError, match="both Parquet files"):
        mp.read_survey(tmp_path / "p", engine="dask")
    (tmp_path / "p" / "notes.csv").unlink()
    (tmp_path / "p" / "part.1.parquet").write_bytes(b"PAR1 not a Parquet file")
    with pytest.raises(UnreadableFileError, match=r"part\.1\.parquet"):
        mp.read_survey(tmp_path / "p", engine="dask")
    (tmp_path / "e").mkdir()
    with pytest.raises(SurveyFileNotFoundError, match="holds no data file"):
        mp.read_survey(tmp_path / "e", engine="dask")


# --- the result does not depend on how the rows are split into files ---------------


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), kind=st.sampled_from(["parquet", "csv"]))
def test_any_split_reads_as_the_one_file(tmp_path_factory, data, kind):
    n = data.draw(st.integers(1, 40), label="rows")
    df = _survey(n, seed=data.draw(st.integers(0, 1000), label="seed"))
    inner = data.draw(st.lists(st.integers(0, n), min_size=1, max_size=8), label="cuts")
    cuts = [0, *sorted(inner), n]
    folder = tmp_path_factory.mktemp("split")
    _write(df, folder / "parts", cuts, kind)
    with pytest.warns(MicropopWarning):
        ddf = mp.read_survey(folder / "parts", CODEBOOK, engine="dask")
    assert ddf.npartitions == len(cuts) - 1
    _same(ddf.compute(), _whole(df, folder, kind))


def test_a_design_on_the_frame_names_the_file_of_a_bad_row(tmp_path):
    df = _survey()
    df.loc[CUTS[5] + 4, "w"] = -1.0  # the fifth data row of part.5
    _write(df, tmp_path, CUTS, "parquet")
    ddf = mp.read_survey(tmp_path, engine="dask")
    with pytest.raises(mp.errors.WeightError, match=r"file '.*part\.5\.parquet'\): row 5 "):
        mp.SurveyDesign(ddf, weights="w")

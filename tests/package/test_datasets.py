"""The dataset loaders of micropop.datasets."""

from __future__ import annotations

import pandas as pd
import pytest

from micropop import datasets
from micropop.errors import DatasetNotFoundError, MicropopError


def test_list_datasets():
    names = datasets.list_datasets()
    assert names[:5] == ["worker_survey", "population_survey", "population_truth",
                         "capture_histories", "platforms"]
    assert set(datasets.list_datasets("reference")) == {
        "insee_rp2018_sex_age", "insee_poverty_2015_2019", "education_attainment",
        "labour_market_2018", "smic_hourly"}
    with pytest.raises(ValueError):
        datasets.list_datasets("other")


@pytest.mark.parametrize("name", datasets.list_datasets())
def test_data_path_exists(name):
    path = datasets.data_path(name)
    assert path.is_file()
    assert path.suffix == ".csv"


def test_codebook_paths():
    for name in ("worker_survey", "population_survey"):
        assert datasets.data_path(name, codebook=True).is_file()
    with pytest.raises(DatasetNotFoundError, match="no codebook"):
        datasets.data_path("platforms", codebook=True)


def test_unknown_names_list_the_available_ones():
    with pytest.raises(DatasetNotFoundError) as err:
        datasets.load_reference("insee_2099")
    message = str(err.value)
    assert "insee_2099" in message
    for name in datasets.list_datasets("reference"):
        assert name in message
    assert isinstance(err.value, MicropopError) and isinstance(err.value, KeyError)
    with pytest.raises(DatasetNotFoundError, match="worker_survey"):
        datasets.data_path("no_such_dataset")
    with pytest.raises(DatasetNotFoundError):  # a dataset is not a reference table
        datasets.load_reference("worker_survey")


def test_load_worker_survey():
    df = datasets.load_worker_survey()
    assert df.shape == (1000, 34)
    for col in ("sex", "education", "age_band", "employment", "region", "frequency",
                "main_motive", "working_time"):
        assert isinstance(df[col].dtype, pd.CategoricalDtype), col
    assert df["education"].cat.ordered
    assert list(df["education"].cat.categories) == ["below_bac", "bac", "bac+2",
                                                    "above_bac+2"]
    assert not df["sex"].cat.ordered
    assert len(df["region"].cat.categories) == 13
    for col in ("age", "n_platforms", "hh_income_month", "foule_factory"):
        assert pd.api.types.is_integer_dtype(df[col]), col
    for col in ("weight", "earnings_month", "hours_week", "income_per_cu"):
        assert pd.api.types.is_float_dtype(df[col]), col
    assert df.isna().sum().sum() == 0


def test_load_population_survey():
    df = datasets.load_population_survey()
    assert len(df) > 1000
    assert isinstance(df["region"].dtype, pd.CategoricalDtype)
    assert isinstance(df["sex"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_float_dtype(df["weight"])


def test_load_population_truth_and_captures():
    truth = datasets.load_population_truth()
    assert list(truth.columns) == ["quantity", "domain", "value"]
    assert len(truth) > 0
    ch = datasets.load_capture_histories()
    assert "person_id" in ch.columns and ch.shape[1] >= 3
    lists = ch.drop(columns="person_id")
    assert lists.isin([0, 1]).all().all()
    assert (lists.sum(axis=1) >= 1).all()


def test_load_platforms():
    pf = datasets.load_platforms()
    assert pf.shape[0] == 10
    assert pf["platform_id"].is_unique
    for col in ("accounts_fr", "monthly_visitors_fr", "weekly_active_fr"):
        assert str(pf[col].dtype) == "Int64"
    assert int(pf["accounts_fr"].isna().sum()) == 3
    ws = datasets.load_worker_survey()
    assert set(pf["platform_id"]) <= set(ws.columns)


@pytest.mark.parametrize("name", datasets.list_datasets("reference"))
def test_load_reference(name):
    ref = datasets.load_reference(name)
    assert len(ref) > 0
    assert {"year", "source", "status"} <= set(ref.columns)


def test_reference_dtypes():
    ref = datasets.load_reference("insee_rp2018_sex_age")
    assert str(ref["men"].dtype) == "Int64"
    assert ref["age_max"].isna().sum() == 1  # the open "100+" band
    assert int(ref["total"].sum()) == 66732540


def test_missing_data_folder_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "_candidate_dirs",
                        lambda: [tmp_path / "_data", tmp_path / "data"])
    with pytest.raises(DatasetNotFoundError, match="data folder was not found") as err:
        datasets.load_platforms()
    assert str(tmp_path / "_data") in str(err.value)


def test_wheel_location_is_preferred(monkeypatch, tmp_path):
    packaged = tmp_path / "_data"
    packaged.mkdir()
    (packaged / "worker_survey.csv").write_text("id\n1\n", encoding="utf-8")
    checkout = datasets._candidate_dirs()[1]
    monkeypatch.setattr(datasets, "_candidate_dirs", lambda: [packaged, checkout])
    assert datasets.data_dir() == packaged

"""micropop's design matrices against R's ``model.frame`` + ``model.matrix`` (as glm builds them).

The numbers come from ``tests/reference/make_refs_formula.R`` (run by hand) and live in
``tests/reference/formula_refs.json``: column names must be identical, values agree to 1e-12.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd
import pytest

from micropop.datasets import load_worker_survey
from micropop.models.formula import model_frame
from support.paths import REFERENCE

REFS = json.loads((REFERENCE / "formula_refs.json").read_text(encoding="utf-8"))
TOL = 1e-12


@cache
def _fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "fixtures" / f"{name}.csv", encoding="utf-8")


def _data(case: dict) -> pd.DataFrame:
    df = _fixture(case["data"]).copy()
    for new, old in (case["copy"] or {}).items():
        df[new] = df[old]
    for col, levels in (case["ordered"] or {}).items():
        df[col] = pd.Categorical(df[col], categories=levels, ordered=True)
    for col, spec in (case["factors"] or {}).items():
        df[col] = pd.Categorical(df[col], categories=spec["levels"], ordered=spec["ordered"])
    return df


def test_the_goldens_are_there() -> None:
    assert len(REFS["cases"]) >= 15


def test_the_worker_fixture_is_the_demo_data() -> None:
    demo = load_worker_survey()
    fixture = _fixture("workers")
    for column in fixture.columns:
        expected = demo[column]
        if isinstance(expected.dtype, pd.CategoricalDtype):
            assert fixture[column].tolist() == expected.astype(str).tolist()
            spec = next(c for c in REFS["cases"] if c["id"] == "workers_region")["factors"]
            assert spec[column]["levels"] == list(expected.cat.categories)
            assert spec[column]["ordered"] == expected.cat.ordered
        else:
            np.testing.assert_allclose(fixture[column], expected.astype(float))


@pytest.mark.parametrize("case", REFS["cases"], ids=lambda c: c["id"])
def test_design_matrix_matches_r(case: dict) -> None:
    df = _data(case)
    mf = model_frame(df, case["formula"], na_rm=case["na_rm"])
    assert list(mf.X.columns) == case["columns"]
    assert (np.flatnonzero(mf.rows) + 1).tolist() == case["rows"]
    X = mf.X.to_numpy()
    np.testing.assert_allclose(X.sum(axis=0), case["column_sums"], rtol=TOL, atol=TOL)
    for at, values in zip(case["at"], case["values"], strict=True):
        np.testing.assert_allclose(X[at - 1], values, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(mf.y.sum(), case["y_sum"], rtol=TOL)
    np.testing.assert_allclose(mf.y[:5], case["y_first"], rtol=TOL, atol=TOL)

"""micropop.models.glm refuses bad input with a MicropopError naming it (right or refused)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.errors import (
    InfiniteValueError,
    MicropopError,
    MissingValuesError,
    ModelConvergenceError,
    NotADesignError,
    OptionError,
    RankDeficientError,
    ResidualDfError,
    ResponseSupportError,
)
from micropop.models import glm
from support.hostile import numbers, weights

N = 24


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    x = rng.normal(size=N)
    return pd.DataFrame({"x": x, "y": x + rng.normal(size=N), "w": rng.uniform(1, 3, N),
                         "z": (x + rng.normal(size=N) > 0).astype(float),
                         "h": np.repeat([1, 2], N // 2), "psu": np.arange(N) // 3})


@pytest.fixture(scope="module")
def des(df) -> SurveyDesign:
    return SurveyDesign(df, weights="w")


def _X(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"(Intercept)": 1.0, "x": df["x"]})


def test_unknown_family_and_link_list_the_choices(des, df) -> None:
    with pytest.raises(OptionError, match="unknown family 'logistic'.*quasibinomial"):
        glm(des, df["z"], _X(df), family="logistic")
    with pytest.raises(OptionError, match="unknown link 'sqrt'.*cloglog"):
        glm(des, df["z"], _X(df), family="binomial", link="sqrt")


@pytest.mark.parametrize(("family", "value", "words"), [
    ("poisson", -1.0, "response >= 0"), ("quasipoisson", -2.0, "response >= 0"),
    ("binomial", 1.5, "between 0 and 1"), ("quasibinomial", -0.5, "between 0 and 1"),
    ("Gamma", 0.0, "response > 0")])
def test_response_outside_the_support_names_the_rows(des, df, family, value, words) -> None:
    y = df["z"].to_numpy() + (2.0 if family == "Gamma" else 0.0)
    y[[4, 9]] = value
    with pytest.raises(ResponseSupportError, match=f"{words}.*data rows 5, 10"):
        glm(des, y, _X(df), family=family)


def test_perfect_separation_names_the_diverging_term(des, df) -> None:
    z = (df["x"] > 0).astype(float)
    with pytest.raises(ModelConvergenceError, match=r"separation.*iterations.*'x'"):
        glm(des, z, _X(df), family="binomial")


def test_no_convergence_names_the_iterations(des, df) -> None:
    with pytest.raises(ModelConvergenceError, match="no convergence after 1 iterations"):
        glm(des, df["z"], _X(df), family="quasibinomial", max_iter=1)


def test_aliased_columns_are_named(des, df) -> None:
    X = _X(df).assign(x2=2 * df["x"], ones=1.0)
    with pytest.raises(RankDeficientError, match="'x2', 'ones'.*aliased"):
        glm(des, df["y"], X)


def test_no_residual_degrees_of_freedom(df) -> None:
    des = SurveyDesign(df.assign(psu=np.arange(N) // 6), weights="w", strata="h", psu="psu",
                       nest=True)  # 4 PSUs in 2 strata: degf 2
    with pytest.raises(ResidualDfError, match="3 coefficients for a design with 2 degrees"):
        glm(des, df["y"], _X(df).assign(x2=df["x"] ** 2))
    assert glm(des, df["y"], _X(df)).df_resid == 1


@pytest.mark.parametrize(("value", "error", "word"), [
    (np.nan, MissingValuesError, "missing"), (np.inf, InfiniteValueError, "infinite")])
def test_nan_and_inf_name_the_column_and_rows(des, df, value, error, word) -> None:
    X = _X(df)
    X.loc[3, "x"] = value
    with pytest.raises(error, match=f"{word} values in 'x': data row 4"):
        glm(des, df["y"], X)
    y = df["y"].to_numpy().copy()
    y[[0, 7]] = value
    with pytest.raises(error, match=f"{word} values in the response: data rows 1, 8"):
        glm(des, y, _X(df))


def test_shapes_and_arguments(des, df) -> None:
    with pytest.raises(OptionError, match="y has 5 rows"):
        glm(des, df["y"][:5], _X(df)[:5])
    with pytest.raises(OptionError, match="X has shape"):
        glm(des, df["y"], _X(df)[:5])
    with pytest.raises(OptionError, match="names has 1 entries for 2 columns"):
        glm(des, df["y"], _X(df), names=["a"])
    with pytest.raises(OptionError, match="repeated column names 'a'"):
        glm(des, df["y"], _X(df), names=["a", "a"])
    with pytest.raises(OptionError, match="start has 3 values"):
        glm(des, df["y"], _X(df), start=[0.0, 1.0, 2.0])
    with pytest.raises(OptionError, match="max_iter"):
        glm(des, df["y"], _X(df), max_iter=0)
    with pytest.raises(NotADesignError):
        glm(df, df["y"], _X(df))  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(st.lists(numbers(), min_size=N, max_size=N), st.lists(weights(), min_size=N, max_size=N),
       st.sampled_from(["gaussian", "quasibinomial", "quasipoisson", "Gamma"]))
def test_hostile_values_are_right_or_refused(df, ys, ws, family) -> None:
    des = SurveyDesign(df.assign(w=ws), weights="w")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = glm(des, np.array(ys, dtype=float), _X(df), family=family)
        except MicropopError:
            return
    assert np.all(np.isfinite(fit.params))
    assert np.all(np.isfinite(fit.vcov))


def test_a_replicate_that_cannot_estimate_a_column_is_named(df) -> None:
    des = SurveyDesign(df, weights="w", psu="psu").replicate("jk1")
    rare = (df["psu"] == 0).astype(float)  # only in the first PSU, which replicate 1 drops
    with pytest.raises(RankDeficientError, match="replicate 1 cannot estimate 'rare'"):
        glm(des, df["y"], _X(df).assign(rare=rare))

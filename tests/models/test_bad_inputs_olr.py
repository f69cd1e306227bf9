"""micropop.models.olr refuses bad input with a MicropopError naming it (right or refused)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.errors import (
    FormulaError,
    MicropopError,
    MissingValuesError,
    ModelConvergenceError,
    NotADesignError,
    OptionError,
    OrdinalResponseError,
    RankDeficientError,
    ResidualDfError,
)
from micropop.models import model_frame, olr
from micropop.models._olr_fit import derivatives
from support.hostile import level_names, numbers, weights

N = 30
LEVELS = ["low", "mid", "high"]


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    x = rng.normal(size=N)
    codes = np.digitize(x + rng.logistic(size=N), [-0.7, 0.7])
    return pd.DataFrame({"x": x, "y": pd.Categorical.from_codes(codes, LEVELS, ordered=True),
                         "g": np.tile(["a", "b"], N // 2), "w": rng.uniform(1, 3, N),
                         "psu": np.arange(N) // 3})


@pytest.fixture(scope="module")
def des(df) -> SurveyDesign:
    return SurveyDesign(df, weights="w")


def _with(df: pd.DataFrame, **columns) -> SurveyDesign:
    return SurveyDesign(df.assign(**columns), weights="w")


@pytest.mark.parametrize("values, said", [
    (lambda y: y.astype(str), "dtype str|dtype object"),
    (lambda y: pd.Categorical(y.astype(str)), "an unordered categorical"),
    (lambda y: y.cat.codes.astype(float), "dtype float64"),
])
def test_a_response_that_is_not_ordered_is_refused_with_the_fix(df, values, said) -> None:
    with pytest.raises(OrdinalResponseError, match=f"'r' .*({said}).*not an ordered") as info:
        olr(_with(df, r=values(df["y"])), "r ~ x")
    assert "ordered=True" in info.value.hint and "type: ordered" in info.value.hint


def test_an_expression_as_response_is_refused(df) -> None:
    with pytest.raises(OrdinalResponseError, match="must be a column"):
        olr(_with(df, r=df["y"].cat.codes.astype(float)), "log(r + 1) ~ x")


def test_two_levels_are_refused(df) -> None:
    two = pd.Categorical.from_codes((df["x"] > 0).astype(int), ["no", "yes"], ordered=True)
    with pytest.raises(OrdinalResponseError, match="2 categories .*'no', 'yes'.*3 or more"):
        olr(_with(df, r=two), "r ~ x")


def test_an_empty_level_is_named(df) -> None:
    gap = pd.Categorical(df["y"].astype(str), categories=["low", "none", "mid", "high"],
                         ordered=True)
    with pytest.raises(OrdinalResponseError, match="level 'none' of the response 'r' has no row"):
        olr(_with(df, r=gap), "r ~ x")


def test_a_level_outside_the_domain_is_named(des, df) -> None:
    domain = des.subset(df["y"].to_numpy() != "high")
    with pytest.raises(OrdinalResponseError, match="'high'.*no row"):
        olr(domain, "y ~ x")


def test_missing_values_need_na_rm(df) -> None:
    holey = df["y"].copy()
    holey.iloc[[2, 5]] = np.nan
    with pytest.raises(MissingValuesError, match="'r' at data rows 3, 6"):
        olr(_with(df, r=holey), "r ~ x")
    fit = olr(_with(df, r=holey), "r ~ x", na_rm=True)
    assert fit.n == N - 2


def test_no_convergence_names_the_coefficients(df) -> None:
    separated = pd.Categorical.from_codes(np.digitize(df["x"], [-0.5, 0.5]), LEVELS,
                                          ordered=True)
    with pytest.raises(ModelConvergenceError, match="Newton iterations.*'x'"):
        olr(_with(df, r=separated), "r ~ x")
    with pytest.raises(ModelConvergenceError, match="after 1 Newton"):
        olr(_with(df, r=df["y"]), "r ~ x", max_iter=1)


def test_aliased_columns_are_refused(des, df) -> None:
    with pytest.raises(FormulaError, match="aliased"):
        olr(_with(df, c=3.0), "y ~ x + c")  # constant: aliased with the thresholds
    with pytest.raises(RankDeficientError, match="'gb'"):
        olr(des, "y ~ x + g", rows=(df["g"] == "a").to_numpy())  # constant in the domain


def test_options_are_checked(des, df) -> None:
    with pytest.raises(OptionError, match="'logistic', 'probit'"):
        olr(des, "y ~ x", method="cloglog")
    with pytest.raises(FormulaError, match="no intercept"):
        olr(des, "y ~ x - 1")
    with pytest.raises(OrdinalResponseError, match="ordinal=True"):
        olr(des, model_frame(df.assign(z=df["x"]), "z ~ x"))
    with pytest.raises(OptionError, match="start has 2 values"):
        olr(des, "y ~ x", start=[0.0, 1.0])
    with pytest.raises(OptionError, match="rows has 3 entries"):
        olr(des, "y ~ x", rows=[True, False, True])
    with pytest.raises(OptionError, match="formula or a ModelFrame"):
        olr(des, df["y"])  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="max_iter"):
        olr(des, "y ~ x", max_iter=0)
    with pytest.raises(NotADesignError):
        olr(df, "y ~ x")  # type: ignore[arg-type]


def test_no_residual_df_is_refused(df) -> None:
    des = SurveyDesign(df, weights="w", psu="psu")  # 10 PSUs: 9 degrees of freedom
    many = df.assign(**{f"v{k}": np.random.default_rng(k).normal(size=N) for k in range(9)})
    terms = " + ".join(f"v{k}" for k in range(9))
    with pytest.raises(ResidualDfError, match="9 coefficients"):
        olr(SurveyDesign(many, weights="w", psu="psu"), f"y ~ {terms}")
    assert olr(des, "y ~ x").df_resid == 8


def test_a_replicate_without_a_level_is_named(df) -> None:
    rare = df["y"].astype(str).where(df["psu"] != 0, "top")  # "top" only in PSU 0
    r = pd.Categorical(rare, categories=[*LEVELS, "top"], ordered=True)
    des = SurveyDesign(df.assign(r=r), weights="w", psu="psu").replicate("jk1")
    with pytest.raises(OrdinalResponseError, match="in replicate 1, the level 'top'"):
        olr(des, "r ~ x")


@settings(max_examples=40, deadline=None)
@given(st.lists(numbers(allow_nan=False, allow_infinity=False), min_size=N, max_size=N),
       st.lists(weights(), min_size=N, max_size=N),
       st.lists(st.integers(0, 3), min_size=N, max_size=N),
       st.lists(level_names(), min_size=4, max_size=4, unique=True),
       st.sampled_from(["logistic", "probit"]))
def test_hostile_values_are_right_or_refused(xs, ws, codes, labels, method) -> None:
    y = pd.Categorical.from_codes(codes, labels, ordered=True)
    data = pd.DataFrame({"x": np.array(xs, dtype=float), "y": y, "w": ws})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = olr(SurveyDesign(data, weights="w"), "y ~ x", method=method)
        except MicropopError:
            return
    assert np.all(np.isfinite(fit.params)) and np.all(np.diff(fit.zeta) > 0)
    assert np.all(np.isfinite(fit.vcov))
    X = data[["x"]].to_numpy()
    scores, _ = derivatives(fit.params, X, np.asarray(codes), np.asarray(ws, float), 3, method)
    gradient = np.abs(scores.sum(axis=0))
    assert np.all(gradient <= 1e-6 * (np.abs(scores).sum(axis=0) + 1e-300))

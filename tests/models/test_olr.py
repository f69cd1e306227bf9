"""micropop.models.olr: the ordinal model's API, its fit and its variance paths."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop.design import SurveyDesign
from micropop.models import OLRResult, model_frame, olr
from micropop.models._olr_fit import derivatives, loglik, newton


@pytest.fixture(scope="module")
def des() -> SurveyDesign:
    return SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


@pytest.fixture(scope="module")
def clustered() -> SurveyDesign:
    rng = np.random.default_rng(7)
    n = 240
    df = pd.DataFrame({"h": np.repeat([1, 2, 3], 80), "psu": np.repeat(np.arange(24), 10),
                       "x": rng.normal(size=n), "g": rng.choice(["a", "b", "c"], n),
                       "w": rng.uniform(1, 4, n)})
    latent = 0.8 * df["x"] + (df["g"] == "c") + rng.logistic(size=n)
    df["y"] = pd.Categorical(pd.cut(latent, [-np.inf, -1, 0.5, 2, np.inf],
                                    labels=["lo", "mid", "high", "top"]), ordered=True)
    return SurveyDesign(df, weights="w", strata="h", psu="psu")


def test_facade_and_function_agree(des) -> None:
    a = des.olr("frequency ~ hours_week + sex", method="probit")
    b = olr(des, "frequency ~ hours_week + sex", method="probit")
    np.testing.assert_array_equal(a.params, b.params)
    assert isinstance(a, OLRResult) and a.method == "probit"


def test_views_and_table(des) -> None:
    fit = des.olr("frequency ~ hours_week + sex")
    assert fit.n_coef == 2 and fit.n == 1000 and fit.df_resid == 997
    assert list(fit.coefficients.index) == ["hours_week", "sexmale"]
    assert list(fit.zeta.index) == ["weekly|monthly", "monthly|less_often"]
    assert fit.zeta.is_monotonic_increasing
    table = fit.to_frame(exp=True, level=0.9)
    np.testing.assert_allclose(table["estimate"], np.exp(fit.params))
    assert (table["ci_low"] < table["estimate"]).all()
    assert "(Intercept)" not in fit.model.X.columns and "(Intercept)" not in fit.model.terms
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.params = None
    assert fit.summary().startswith(fit.title) and "<table" in fit._repr_html_()


def test_the_fit_is_the_maximum(clustered) -> None:
    fit = olr(clustered, "y ~ x + g")
    frame = model_frame(clustered.data, "y ~ x + g", ordinal=True)
    X = frame.X.drop(columns="(Intercept)").to_numpy()
    w = clustered.full_weights
    scores, info = derivatives(fit.params, X, frame.y.astype(int), w, 3, "logistic")
    assert np.abs(scores.sum(axis=0)).max() < 1e-8 * np.abs(scores).sum()
    assert np.all(np.linalg.eigvalsh(info) > 0)
    assert loglik(fit.params, X, frame.y.astype(int), w, 3, "logistic") == pytest.approx(
        fit.loglik, rel=1e-12)
    for k in range(len(fit.params)):  # no better point nearby
        step = np.eye(len(fit.params))[k] * 1e-4
        assert loglik(fit.params + step, X, frame.y.astype(int), w, 3, "logistic") < fit.loglik


def test_weights_scale_leaves_everything(clustered) -> None:
    data = clustered.data.assign(w=clustered.data["w"] * 1000)
    scaled = SurveyDesign(data, weights="w", strata="h", psu="psu")
    a, b = olr(clustered, "y ~ x + g"), olr(scaled, "y ~ x + g")
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)
    np.testing.assert_allclose(a.vcov, b.vcov, rtol=1e-8)


def test_rows_is_the_subset_domain(clustered) -> None:
    by_rows = olr(clustered, "y ~ x", rows=(clustered.data["g"] != "a").to_numpy())
    by_subset = olr(clustered.subset("g != 'a'"), "y ~ x")
    np.testing.assert_allclose(by_rows.params, by_subset.params, rtol=1e-12)
    np.testing.assert_allclose(by_rows.vcov, by_subset.vcov, rtol=1e-10)
    assert by_rows.df_resid == by_subset.df_resid
    assert by_rows.rows.sum() == (clustered.data["g"] != "a").sum()


def test_start_and_warm_start_reach_the_same_fit(clustered) -> None:
    fit = olr(clustered, "y ~ x + g")
    again = olr(clustered, "y ~ x + g", start=fit.params)
    np.testing.assert_allclose(again.params, fit.params, rtol=1e-10)
    assert again.iterations <= 2


def test_replicate_design_refits_each_replicate(clustered) -> None:
    rep = clustered.replicate("jkn")
    fit = olr(rep, "y ~ x + g")
    np.testing.assert_allclose(fit.params, olr(clustered, "y ~ x + g").params, rtol=1e-10)
    frame = model_frame(clustered.data, "y ~ x + g", ordinal=True)
    X = frame.X.drop(columns="(Intercept)").to_numpy()
    weights = rep.weight_matrix()
    thetas = np.array([newton(X, frame.y.astype(int), weights[:, r], 4, "logistic").params
                       for r in range(weights.shape[1])])
    np.testing.assert_allclose(fit.vcov, rep.replicate_vcov(thetas, fit.params), rtol=1e-8)


def test_wald_test_of_a_factor(clustered) -> None:
    fit = olr(clustered, "y ~ x + g")
    test = fit.wald_test("~ g")
    index = [fit.names.index("gb"), fit.names.index("gc")]
    b = fit.params[index]
    chisq = b @ np.linalg.solve(fit.vcov[np.ix_(index, index)], b)
    assert test.df == 2 and test.ddf == fit.df_resid
    assert test.chisq == pytest.approx(chisq, rel=1e-12)


def test_ordered_codebook_column_is_accepted(des) -> None:
    data = des.data.assign(freq=des.data["frequency"].astype(str))
    data["freq"] = pd.Categorical(data["freq"], categories=["weekly", "monthly", "less_often"],
                                  ordered=True)
    fit = SurveyDesign(data, weights="weight").olr("freq ~ hours_week")
    assert fit.names[-2:] == ("weekly|monthly", "monthly|less_often")

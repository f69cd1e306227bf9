"""micropop.models.glm: inputs, domains, rows, ModelFrame-like objects and the result."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import micropop as mp
from micropop.design import SurveyDesign
from micropop.models import GLMResult, glm


def _sample(n: int = 120, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({
        "h": np.repeat([1, 2, 3], n // 3), "psu": np.arange(n) // 4,
        "w": rng.uniform(1, 5, n), "x": x, "g": rng.choice(["a", "b"], n),
        "y": 2 + 0.5 * x + rng.normal(size=n),
        "z": (rng.uniform(size=n) < 1 / (1 + np.exp(-x))).astype(float),
        "k": rng.poisson(np.exp(0.3 + 0.2 * x)).astype(float)})


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return _sample()


@pytest.fixture(scope="module")
def des(df) -> SurveyDesign:
    return SurveyDesign(df, weights="w", strata="h", psu="psu", nest=True)


def _X(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"(Intercept)": 1.0, "x": df["x"], "gb": (df["g"] == "b") * 1.0})


def test_domain_fit_keeps_the_design_and_equals_zero_weights(des, df) -> None:
    domain = des.subset("g == 'a'")
    fit = glm(domain, df["y"], _X(df)[["(Intercept)", "x"]])
    # the same fit from the full design with the rows flagged
    flagged = glm(des, df["y"][df["g"] == "a"], _X(df)[["(Intercept)", "x"]][df["g"] == "a"],
                  rows=(df["g"] == "a").to_numpy())
    np.testing.assert_allclose(fit.params, flagged.params, rtol=1e-12)
    np.testing.assert_allclose(fit.vcov, flagged.vcov, rtol=1e-10)
    assert fit.n == int((df["g"] == "a").sum())
    # the subset's own rows give the same fit as every row of the frame
    own = glm(domain, df["y"][df["g"] == "a"], _X(df)[["(Intercept)", "x"]][df["g"] == "a"])
    np.testing.assert_allclose(own.params, fit.params, rtol=1e-12)
    assert len(fit.fitted) == fit.n == int(fit.rows.sum())


def test_a_model_frame_like_object_plugs_in(des, df) -> None:
    @dataclass(frozen=True)
    class Frame:
        y: np.ndarray
        X: pd.DataFrame
        rows: np.ndarray

    keep = df["x"] > -1
    frame = Frame(df["y"][keep].to_numpy(), _X(df)[keep], keep.to_numpy())
    fit = glm(des, frame)
    direct = glm(des, df["y"][keep], _X(df)[keep], rows=keep.to_numpy())
    np.testing.assert_array_equal(fit.params, direct.params)
    assert fit.names == ("(Intercept)", "x", "gb")


def test_to_frame_t_intervals_and_odds_ratios(des, df) -> None:
    fit = glm(des, df["z"], _X(df), family="quasibinomial")
    table = fit.to_frame()
    assert list(table.columns) == ["estimate", "se", "t", "p", "ci_low", "ci_high"]
    assert table.index.name == "term"
    q = stats.t.ppf(0.975, fit.df_resid)
    np.testing.assert_allclose(table["ci_high"], fit.params + q * fit.se)
    np.testing.assert_allclose(table["p"], 2 * stats.t.sf(np.abs(fit.params / fit.se),
                                                          fit.df_resid))
    odds = fit.to_frame(exp=True, level=0.9)
    np.testing.assert_allclose(odds["estimate"], np.exp(fit.params))
    half = stats.t.ppf(0.95, fit.df_resid) * fit.se
    np.testing.assert_allclose(odds["ci_low"], np.exp(fit.params - half))
    assert fit.df_resid == des.degf + 1 - 3
    assert "quasibinomial" in fit.summary() and "<table" in fit._repr_html_()


def test_weights_scale_does_not_matter(df) -> None:
    fits = [glm(SurveyDesign(df.assign(w=df["w"] * s), weights="w", strata="h", psu="psu",
                             nest=True), df["k"], _X(df), family="quasipoisson")
            for s in (1.0, 2.0**-40, 2.0**40)]
    for other in fits[1:]:
        np.testing.assert_allclose(other.params, fits[0].params, rtol=1e-10)
        np.testing.assert_allclose(other.vcov, fits[0].vcov, rtol=1e-8)
        np.testing.assert_allclose(other.dispersion, fits[0].dispersion, rtol=1e-10)


def test_replicate_designs_refit_each_replicate(des, df) -> None:
    rep = des.replicate("jkn")
    fit = glm(rep, df["z"], _X(df), family="binomial")
    thetas = []
    for r in range(rep.n_replicates):
        w = rep.weight_matrix(None, np.array([r]))[:, 0]
        one = glm(SurveyDesign(df.assign(w=w), weights="w"), df["z"], _X(df), family="binomial")
        thetas.append(one.params)
    np.testing.assert_allclose(fit.vcov, rep.replicate_vcov(np.array(thetas), fit.params),
                               rtol=1e-8)
    assert fit.df_resid == rep.degf + 1 - 3


def test_a_raked_design_uses_its_calibration_residuals(df) -> None:
    des = SurveyDesign(df, weights="w")
    raked = des.rake({"g": {"a": 300.0, "b": 200.0}})
    X = _X(df)
    # gb is a raking margin: its coefficient's influence is projected out, so
    # the calibrated variance of a model on the margins alone is (near) zero
    fit = glm(raked, (df["g"] == "b") * 1.0, X[["(Intercept)"]])
    assert fit.vcov[0, 0] < 1e-20
    assert glm(des, (df["g"] == "b") * 1.0, X[["(Intercept)"]]).vcov[0, 0] > 1e-4


def test_every_family_and_link_fits(des, df) -> None:
    cases = [("gaussian", None, "y"), ("gaussian", "log", "y"), ("binomial", "probit", "z"),
             ("quasibinomial", "cloglog", "z"), ("poisson", None, "k"),
             ("quasipoisson", "identity", "k"), ("Gamma", "log", "y"), ("Gamma", None, "y")]
    for family, link, y in cases:
        response = df[y] + (3 if y == "y" and family == "Gamma" else 0)
        if family in ("quasipoisson",) and link == "identity":
            response = response + 1
        fit = glm(des, response, _X(df), family=family, link=link)
        assert isinstance(fit, GLMResult) and np.all(np.isfinite(fit.se)), (family, link)
        assert fit.family == family and fit.link == (link or fit.link)


def test_demo_data_logistic_model() -> None:
    pop = mp.datasets.load_population_survey()
    des = mp.SurveyDesign(pop, weights="weight", strata="region",
                          psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])
    X = pd.DataFrame({"(Intercept)": 1.0, "age": pop["age"].astype(float),
                      "sexmale": (pop["sex"] == "male").astype(float)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = glm(des, pop["microwork_12m"].astype(float), X, family="quasibinomial")
    assert fit.n == len(pop) and np.all(fit.se > 0)

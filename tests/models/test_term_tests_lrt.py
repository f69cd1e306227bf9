"""GLMResult.wald_test(method="LRT"): the working likelihood ratio test of terms (unit tests)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from micropop.design import SurveyDesign
from micropop.errors import ModelError, OptionError
from micropop.models import glm


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"grp": rng.choice(["a", "b", "c"], 80), "x": rng.normal(size=80),
                       "w": rng.uniform(1, 3, 80), "s": np.repeat([1, 2], 40)})
    df["y"] = df["x"] + (df["grp"] == "c") + rng.normal(size=80)
    df["z"] = (df["y"] > 0.5).astype(float)
    return df


@pytest.fixture(scope="module")
def design(data) -> SurveyDesign:
    return SurveyDesign(data, weights="w", strata="s")


def test_gaussian_statistic_is_the_drop_in_weighted_rss(data, design) -> None:
    fit = glm(design, "y ~ grp + x")
    small = glm(design, "y ~ x")
    w = data["w"].to_numpy() / data["w"].mean()
    y = data["y"].to_numpy()
    drop = np.sum(w * (y - small.fitted) ** 2) - np.sum(w * (y - fit.fitted) ** 2)
    test = fit.wald_test("grp", method="LRT")
    assert test.method == "LRT" and test.df == 2 and test.ddf == fit.df_resid
    assert math.isclose(test.chisq, drop, rel_tol=1e-10)
    assert test.statistic == test.chisq and len(test.lambdas) == 2
    assert 0 < test.p < 1 and "likelihood ratio" in repr(test)


def test_lambdas_are_the_eigenvalues_of_naive_inverse_times_vcov(design) -> None:
    fit = glm(design, "z ~ grp + x", family="quasibinomial")
    test = fit.wald_test(["grp", "x"], method="LRT", df=math.inf)
    k = [fit.names.index(c) for c in test.coefficients]
    both = np.linalg.solve(fit.naive_cov[np.ix_(k, k)], fit.vcov[np.ix_(k, k)])
    assert np.allclose(sorted(test.lambdas), sorted(np.linalg.eigvals(both).real))
    assert math.isinf(test.ddf) and test.chisq > 0
    assert fit.wald_test("x").lambdas == ()


def test_the_fit_keeps_its_inputs_and_its_table(design) -> None:
    fit = glm(design, "y ~ grp + x")
    assert fit.design is design and fit.X.shape == (80, 4) and fit.y.shape == (80,)
    assert math.isclose(fit.prior_weights.mean(), 1.0)
    assert "design" not in repr(fit) and list(fit.to_frame().columns)[0] == "estimate"


def test_a_fit_without_its_inputs_or_a_bad_method_is_refused(design) -> None:
    fit = glm(design, "y ~ grp + x")
    with pytest.raises(ModelError, match="does not keep the data"):
        dataclasses.replace(fit, X=None).wald_test("grp", method="LRT")
    with pytest.raises(OptionError, match="LRT"):
        fit.wald_test("grp", method="lrt ")

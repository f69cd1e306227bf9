"""Tests of association (chisq), Wilson and likelihood proportion intervals."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from micropop.design import SurveyDesign
from micropop.errors import DesignError, EmptyDomainError, MissingValuesError, OptionError
from micropop.estimation import goodness_of_fit


def make_df() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    n = 120
    return pd.DataFrame({
        "a": rng.choice(["x", "y", "z"], n), "b": rng.choice(["p", "q"], n),
        "w": rng.uniform(1, 5, n), "psu": np.repeat(np.arange(30), 4),
        "stratum": np.repeat(np.arange(6), 20)})


@pytest.fixture
def df() -> pd.DataFrame:
    return make_df()


def test_srs_chisq_is_pearson(df):
    """Equal weights, no clusters: the F and Chisq tests reduce to Pearson's."""
    des = SurveyDesign(df.assign(w=1.0), weights="w")
    table = pd.crosstab(df["a"], df["b"])
    pearson = stats.chi2_contingency(table, correction=False)[0]
    test = des.chisq("a", "b", statistic="Chisq")
    assert test.pearson == pytest.approx(pearson)
    assert test.statistic == pytest.approx(pearson) and test.ndf == 2
    assert np.isinf(test.ddf)
    assert test.table.loc["x", "p"] == pytest.approx(table.loc["x", "p"])
    # SRS with replacement: every generalised design effect is n / (n - 1)
    assert test.design_effects == pytest.approx([120 / 119] * 2)
    assert test.p_value == pytest.approx(stats.chi2.sf(pearson * 119 / 120, 2))


def test_chisq_result_is_immutable_and_tidy(df):
    des = SurveyDesign(df, weights="w", strata="stratum", psu="psu")
    test = des.chisq("a", "b")
    assert test.statistic_name == "F" and test.ddf == pytest.approx(test.ndf * des.degf)
    frame = test.to_frame()
    assert list(frame.columns) == ["statistic", "ndf", "ddf", "p_value", "method"]
    assert frame.index.tolist() == ["a ~ b"]
    assert "Rao & Scott" in test.summary() and "p-value" in repr(test)
    assert "<table" in test._repr_html_()
    with pytest.raises(dataclasses.FrozenInstanceError):
        test.statistic = 0.0
    wald, adjusted = des.chisq("a", "b", "Wald"), des.chisq("a", "b", "adjWald")
    assert adjusted.statistic == pytest.approx(
        wald.statistic * (des.degf - 2 + 1) / des.degf)
    rep = des.replicate("jkn")
    assert rep.chisq("a", "b").statistic > 0


def test_chisq_errors(df):
    des = SurveyDesign(df, weights="w")
    with pytest.raises(OptionError, match="statistic='bogus' is not one of the choices. "
                                          "Use one of .*'lincom', 'saddlepoint'"):
        des.chisq("a", "b", statistic="bogus")
    with pytest.raises(EmptyDomainError, match="column 'b' has 1 observed value"):
        des.subset("b == 'p'").chisq("a", "b")
    missing = SurveyDesign(df.assign(b=df["b"].where(df.index != 3)), weights="w")
    with pytest.raises(MissingValuesError, match="'b' missing in data row 4"):
        missing.chisq("a", "b")
    assert missing.chisq("a", "b", na_rm=True).statistic >= 0


@settings(max_examples=20, deadline=None)
@given(st.permutations(range(120)))
def test_chisq_is_invariant_to_row_order(order):
    df = make_df()
    des = SurveyDesign(df, weights="w", strata="stratum", psu="psu")
    again = SurveyDesign(df.iloc[list(order)], weights="w", strata="stratum", psu="psu")
    assert again.chisq("a", "b").statistic == pytest.approx(des.chisq("a", "b").statistic)


# --- proportion intervals -------------------------------------------------------------


@pytest.mark.parametrize("share", [0.05, 0.3, 0.75])
def test_wilson_on_srs_is_the_classic_interval(share):
    """Equal weights: n_eff = n - 1 (R's with-replacement SRS variance)."""
    n = 80
    hits = int(round(share * n))
    df = pd.DataFrame({"y": [1] * hits + [0] * (n - hits), "w": 3.0})
    est = SurveyDesign(df, weights="w").proportion("y", ci="wilson", df=np.inf)
    p = hits / n
    low, high = proportion_confint(p * (n - 1), n - 1, method="wilson")
    assert est.ci().to_numpy()[0] == pytest.approx([low, high])


def test_wilson_shrinks_with_the_design_effect():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"psu": np.repeat(np.arange(20), 10), "w": 1.0})
    df["y"] = (rng.random(20)[df["psu"]] + 0.3 * rng.random(200) > 0.8).astype(int)
    clustered = SurveyDesign(df, weights="w", psu="psu").proportion("y", ci="wilson")
    srs = SurveyDesign(df, weights="w").proportion("y", ci="wilson")
    width = lambda e: float(np.diff(e.ci().to_numpy()[0])[0])  # noqa: E731
    assert width(clustered) > width(srs)
    low, high = clustered.ci().to_numpy()[0]
    assert 0 <= low < clustered.estimate[0] < high <= 1


def test_likelihood_needs_a_linearised_design():
    df = pd.DataFrame({"y": [0, 1] * 20, "w": 1.0})
    rep = SurveyDesign(df, weights="w").replicate("jk1")
    with pytest.raises(DesignError, match="likelihood.*replicate"):
        rep.proportion("y", ci="likelihood")
    est = SurveyDesign(df, weights="w").proportion("y", ci="likelihood")
    low, high = est.ci().to_numpy()[0]
    assert low == pytest.approx(1 - high)  # symmetric around 0.5


# --- goodness of fit: extreme reference shares ----------------------------------------------


@pytest.mark.parametrize(("observed", "shares"), [
    ("aaaac", {"a": 1.0, "b": 2.0, "c": 2.522138351296734e-168}),  # covariance squares overflow
    ("aaaaa", {"a": 1.0, "b": 2.522138351296734e-168}),  # covariance squares vanish
], ids=["huge", "tiny"])
def test_goodness_of_fit_of_a_tiny_share_has_finite_corrections(observed, shares):
    # found by hypothesis: OverflowError and ZeroDivisionError before
    frame = pd.DataFrame({"g": pd.Categorical(list(observed), categories=["a", "b", "c"]),
                          "w": [1.0, 1.0, 1.0, 0.5, 0.5]})
    test = goodness_of_fit(SurveyDesign(frame, weights="w"), "g", shares)
    values = [test.pearson, test.scale, test.df, test.rs1_chisq, test.f, test.p_value,
              test.rs1_p, test.f_p]
    assert np.all(np.isfinite(values)) and 0 <= test.p_value <= 1
    assert test.df == pytest.approx(1.0)

"""Estimators and the Estimate result: API, bad input, textbook formulas, properties."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.errors import (
    EmptyDomainError,
    InfiniteValueError,
    InvalidLevelError,
    MicropopWarning,
    MissingColumnError,
    MissingValuesError,
    NotNumericVariableError,
)
from micropop.estimation import Estimate


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame({
        "y": [1.0, 2.0, 3.0, 4.0, 5.0, 7.0, 6.0, 9.0],
        "x": [2.0, 2.0, 4.0, 5.0, 5.0, 8.0, 6.0, 9.0],
        "w": [10.0, 10.0, 12.0, 12.0, 20.0, 20.0, 25.0, 25.0],
        "sex": pd.Categorical(["f", "m", "f", "f", "m", "m", "f", "m"],
                              categories=["m", "f", "x"]),
        "region": ["n", "s", "n", "s", "n", "s", "n", "s"],
        "stratum": ["a", "a", "a", "a", "b", "b", "b", "b"],
        "psu": [1, 1, 2, 2, 3, 3, 4, 4],
    }, index=[f"r{i}" for i in range(8)])


@pytest.fixture
def des(df) -> SurveyDesign:
    return SurveyDesign(df, weights="w", strata="stratum", psu="psu")


# --- the Estimate result ------------------------------------------------------


def test_estimate_is_immutable(des):
    est = des.mean(["y", "x"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.df = 3
    for array in (est.estimate, est.vcov, est.se, est.n):
        with pytest.raises(ValueError):
            array[0] = 0


def test_to_frame_columns_and_index(des):
    with pytest.warns(MicropopWarning, match="design effect of .*'x'"):  # 0/0, as R
        frame = des.mean(["y", "sex"], by="region", deff=True).to_frame()
    assert list(frame.columns) == ["estimate", "se", "ci_low", "ci_high", "df", "deff", "n"]
    assert frame.index.names == ["variable", "level", "domain"]
    assert frame.loc[("sex", "x", "n"), "estimate"] == 0.0  # an unobserved level: R keeps it
    assert (frame["n"] == 4).all() and (frame["df"] == 2).all()


def test_to_frame_without_deff_has_nan_deff(des):
    frame = des.total("y").to_frame()
    assert frame.index.name == "variable" and np.isnan(frame["deff"]).all()


def test_ci_normal_and_t(des):
    est = des.total("y")
    se, value = est.se[0], est.estimate[0]
    assert est.ci().iloc[0, 0] == pytest.approx(value - 1.959963984540054 * se)
    assert est.ci(0.9, "t").iloc[0, 1] == pytest.approx(value + 2.919985580355516 * se)
    with pytest.raises(ValueError, match="dist"):
        est.ci(dist="z")
    with pytest.raises(ValueError, match="level"):
        est.ci(level=95)


def test_summary_and_html(des):
    est = des.mean("y", deff=True)
    assert est.summary().startswith("Survey mean (Taylor linearisation), 95%")
    assert "deff" in repr(est) and "<table" in est._repr_html_()
    assert "deff" not in des.mean("y").summary()


def test_estimate_checks_shapes():
    with pytest.raises(ValueError, match="vcov"):
        Estimate("mean", pd.Index(["y"]), np.array([1.0]), np.zeros((2, 2)), 1, np.array([3]))


# --- textbook formulas -----------------------------------------------------------


def test_srs_mean_formula():
    rng = np.random.default_rng(1)
    y = rng.normal(size=30)
    des = SurveyDesign(pd.DataFrame({"y": y, "N": 300}), fpc="N")
    expected = np.sqrt((1 - 30 / 300) * y.var(ddof=1) / 30)
    assert des.mean("y").se[0] == pytest.approx(expected, rel=1e-12)
    assert des.total("y").se[0] == pytest.approx(300 * expected, rel=1e-12)


def test_stratified_total_formula(des, df):
    # with replacement, V = sum_h n_h/(n_h-1) sum_j (t_hj - tbar_h)^2 over PSU totals
    t = (df["w"] * df["y"]).groupby([df["stratum"], df["psu"]]).sum()
    expected = sum(2 / 1 * ((g - g.mean()) ** 2).sum() for _, g in t.groupby(level=0))
    assert des.total("y").vcov[0, 0] == pytest.approx(expected, rel=1e-12)


def test_domain_contrast_uses_the_covariance(des):
    est = des.mean("y", by="region")
    contrast = np.array([1.0, -1.0])
    var = contrast @ est.vcov @ contrast
    assert var != pytest.approx(est.se[0] ** 2 + est.se[1] ** 2)  # domains share PSUs
    assert var > 0


def test_contrasts(des):
    est = des.mean(["y", "x"], by="region")
    by_label = est.contrast({("y", "n"): 1, ("y", "s"): -1})
    by_vector = est.contrast([1, -1, 0, 0])
    np.testing.assert_allclose(by_label.vcov, by_vector.vcov)
    both = est.contrast([[1, -1, 0, 0], [0, 0, 1, -1]], names=["y: n - s", "x: n - s"])
    assert both.index.tolist() == ["y: n - s", "x: n - s"]
    assert both.estimate[0] == pytest.approx(est.estimate[0] - est.estimate[1])
    frame = both.to_frame()
    assert frame["n"].isna().all() and frame.index.name == "contrast"
    with pytest.raises(KeyError, match="'n'"):
        est.contrast({"n": 1})  # ambiguous: y and x both have domain n
    with pytest.raises(ValueError, match="one per estimate"):
        est.contrast([1, -1])
    with pytest.raises(ValueError, match="names"):
        est.contrast([1, -1, 0, 0], names=["a", "b"])


def test_categorical_mean_is_mean_of_indicators(des, df):
    shares = des.mean("sex")  # levels m, f, x in category order
    is_f = SurveyDesign(df.assign(f=(df["sex"] == "f").astype(float)), weights="w",
                        strata="stratum", psu="psu").mean("f")
    assert shares.estimate[1] == pytest.approx(is_f.estimate[0])
    assert shares.se[1] == pytest.approx(is_f.se[0])
    assert shares.estimate.sum() == pytest.approx(1.0)


def test_ratio_of_totals(des):
    est = des.ratio(["y", "x"], "x")
    totals = des.total(["y", "x"]).estimate
    assert est.estimate[0] == pytest.approx(totals[0] / totals[1])
    assert est.estimate[1] == pytest.approx(1.0) and est.se[1] == pytest.approx(0, abs=1e-12)
    assert list(est.index) == ["y/x", "x/x"]


# --- missing values, domains, bad input ------------------------------------------------


def test_missing_values_name_rows_unless_na_rm(df):
    df = df.assign(y=df["y"].where(df.index != "r2"))
    des = SurveyDesign(df, weights="w", strata="stratum", psu="psu")
    with pytest.raises(MissingValuesError,
                       match=r"'y' missing in data row 3 \(id r2\).*na_rm=True"):
        des.mean("y")
    kept = des.mean("y", na_rm=True)
    domain = des.subset(df["y"].notna()).mean("y")
    np.testing.assert_allclose(kept.vcov, domain.vcov)
    assert kept.n[0] == 7


def test_missing_by_values(df):
    df = df.assign(region=df["region"].where(df.index != "r0"))
    des = SurveyDesign(df, weights="w", strata="stratum", psu="psu")
    with pytest.raises(MissingValuesError, match=r"'region' missing in data row 1 \(id r0\)"):
        des.mean("y", by="region")
    assert des.mean("y", by="region", na_rm=True).n.tolist() == [3, 4]


def test_missing_outside_subset_is_ignored(df):
    df = df.assign(y=df["y"].where(df.index != "r0"))
    des = SurveyDesign(df, weights="w", strata="stratum", psu="psu")
    assert np.isfinite(des.subset("stratum == 'b'").mean("y").estimate).all()


def test_empty_domain(df):
    des = SurveyDesign(df.assign(w=df["w"].where(df["region"] == "s", 0.0)), weights="w",
                       strata="stratum", psu="psu")
    with pytest.raises(EmptyDomainError, match="no weight"):
        des.subset("region == 'n'").mean("y")
    assert des.mean("y", by="region").index.tolist() == [("y", "s")]  # R drops it too
    all_missing = SurveyDesign(df.assign(z=np.nan), weights="w", strata="stratum", psu="psu")
    with pytest.raises(EmptyDomainError, match="no row"):
        all_missing.mean("z", na_rm=True)


def test_non_numeric_variables(df, des):
    dated = SurveyDesign(df.assign(day=pd.Timestamp("2020-01-01")), weights="w",
                         strata="stratum", psu="psu")
    with pytest.raises(NotNumericVariableError, match="'day'"):
        dated.mean("day")
    with pytest.raises(NotNumericVariableError, match="'region' is categorical"):
        des.ratio("region", "x")
    with pytest.raises(MissingColumnError, match="'income'"):
        des.total("income")


def test_zero_denominator(des):
    with pytest.raises(EmptyDomainError, match="'zero'"):
        SurveyDesign(des.data.assign(zero=0.0), weights="w", strata="stratum",
                     psu="psu").ratio("y", "zero")


def test_deff_argument(des):
    with pytest.raises(ValueError, match="deff"):
        des.mean("y", deff="srs")


def test_deff_nan_with_unscaled_weights_warns(df):
    des = SurveyDesign(df.assign(w=0.5), weights="w", strata="stratum", psu="psu")
    with pytest.warns(UserWarning, match="scaled"):
        assert np.isnan(des.mean("y", deff=True).deff).all()


# --- properties ------------------------------------------------------------------------

samples = st.integers(min_value=6, max_value=40).flatmap(lambda n: st.tuples(
    st.lists(st.floats(-100, 100), min_size=n, max_size=n),
    st.lists(st.floats(0.5, 50), min_size=n, max_size=n),
    st.lists(st.integers(0, 1), min_size=n, max_size=n),
    st.randoms(use_true_random=False)))


def _frame(sample) -> pd.DataFrame:
    y, w, stratum, _ = sample
    n = len(y)
    return pd.DataFrame({"y": y, "w": w, "stratum": stratum,
                         "psu": [i // 2 + 100 * s for i, s in enumerate(stratum)],
                         "g": ["u" if i % 3 else "v" for i in range(n)]})


def _design(frame: pd.DataFrame, **kw) -> SurveyDesign:
    return SurveyDesign(frame, weights="w", strata="stratum", psu="psu",
                        lonely_psu="adjust", **kw)


@settings(max_examples=40, deadline=None)
@given(samples)
def test_row_order_does_not_matter(sample):
    frame = _frame(sample)
    order = list(range(len(frame)))
    sample[3].shuffle(order)
    a = _design(frame).mean("y", by="g")
    b = _design(frame.iloc[order]).mean("y", by="g")
    np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(a.se, b.se, rtol=1e-8, atol=1e-8)
    try:
        va, vb = a.vcov, b.vcov
    except InfiniteValueError:  # SEs near 1e-308: their squares are not doubles, .se holds
        return
    np.testing.assert_allclose(va, vb, rtol=1e-8, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(samples, st.floats(0.01, 1000))
def test_means_ignore_the_scale_of_weights(sample, factor):
    frame = _frame(sample)
    a = _design(frame).mean("y")
    b = _design(frame.assign(w=frame["w"] * factor)).mean("y")
    np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(a.se, b.se, rtol=1e-7, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(samples)
def test_total_of_a_constant_is_the_sum_of_weights(sample):
    frame = _frame(sample).assign(one=1.0)
    est = _design(frame).total("one")
    assert est.estimate[0] == pytest.approx(frame["w"].sum(), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(samples)
def test_a_census_has_no_variance(sample):
    frame = _frame(sample)
    n_psu = frame.groupby("stratum")["psu"].transform("nunique")
    est = _design(frame.assign(N=n_psu), fpc="N").total("y")
    assert est.se[0] == 0.0


# --- quantiles ---------------------------------------------------------------------------


def test_quantile_estimate_and_interval(des):
    with pytest.warns(UserWarning, match="beyond the data"):  # tiny sample: 0.25 bound
        est = des.quantile(["y", "x"], [0.25, 0.5, 0.75], df=np.inf)
    assert est.statistic == "quantile" and est.interval_level == 0.95
    assert est.index.names == ["variable", "level"]
    frame = est.to_frame()
    assert (frame["ci_low"] <= frame["estimate"]).all()
    assert np.isnan(est.vcov[0, 1]) and est.vcov[0, 0] == pytest.approx(est.se[0] ** 2)
    with pytest.raises(ValueError, match="level 0.95"):
        est.ci(level=0.9)
    assert "computed with the estimate" in est.summary()


def test_quantile_bad_arguments(des):
    with pytest.raises(ValueError, match="probabilities"):
        des.quantile("y", 50)
    with pytest.raises(ValueError, match="qrule='hf10'"):
        des.quantile("y", 0.5, qrule="hf10")
    with pytest.raises(NotNumericVariableError, match="'region'"):
        des.quantile("region", 0.5)


def test_quantile_ignores_zero_weights(df):
    zero = SurveyDesign(df.assign(w=df["w"].where(df.index != "r7", 0.0)), weights="w",
                        strata="stratum", psu="psu")
    dropped = SurveyDesign(df.drop(index="r7"), weights="w", strata="stratum", psu="psu")
    assert zero.quantile("y", 0.9).estimate[0] == dropped.quantile("y", 0.9).estimate[0]


@settings(max_examples=40, deadline=None)
@given(samples, st.floats(0.001, 1.0))
def test_equal_weight_quantiles_are_inverted_cdf(sample, p):
    frame = _frame(sample).assign(w=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = _design(frame).quantile("y", p, by="g", df=np.inf)
    expected = frame.groupby("g")["y"].apply(lambda v: np.quantile(v, p, method="inverted_cdf"))
    # as R, where the smallest value alone carries more than p, the second is returned
    second = frame.groupby("g")["y"].apply(lambda v: np.sort(v)[min(1, len(v) - 1)])
    size = frame.groupby("g").size()
    expected = np.where(p * size < 1, second, expected)
    np.testing.assert_allclose(est.estimate, expected)


@settings(max_examples=30, deadline=None)
@given(samples, st.sampled_from(["math", "school"]))
def test_quantiles_ignore_row_order(sample, qrule):
    # (the interpolating rules weight tied values by their order, in R as well)
    frame = _frame(sample)
    order = list(range(len(frame)))
    sample[3].shuffle(order)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = _design(frame).quantile("y", [0.1, 0.5, 0.9], by="g", qrule=qrule)
        b = _design(frame.iloc[order]).quantile("y", [0.1, 0.5, 0.9], by="g", qrule=qrule)
    np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-12)


# --- proportions -------------------------------------------------------------------------


def test_proportion_of_a_level_and_of_an_indicator(df, des):
    by_level = des.proportion("sex", level="f")
    indicator = SurveyDesign(df.assign(f=(df["sex"] == "f").astype(int)), weights="w",
                             strata="stratum", psu="psu").proportion("f", ci="mean")
    assert by_level.estimate[0] == pytest.approx(des.mean("sex").estimate[1])
    assert indicator.se[0] == pytest.approx(by_level.se[0])
    assert by_level.index.tolist() == [("sex", "f")]
    # a value in no row was a silent 0 with SE 0 (issue #11): now refused, naming those present
    with pytest.raises(InvalidLevelError, match=r"'z' is in no row .*present: 'f', 'm'"):
        des.proportion("sex", level="z")
    # a declared category that no row holds is a level: its share is 0, as des.mean("sex") says
    empty = des.proportion("sex", level="x", ci="mean")
    assert empty.estimate[0] == 0 == des.mean("sex").estimate[2] and empty.se[0] == 0


@pytest.mark.parametrize("method", ["logit", "xlogit", "asin", "beta"])
def test_proportion_intervals_stay_inside_0_1(des, method):
    est = des.proportion("sex", level="f", ci=method, df=np.inf)
    low, high = est.ci().iloc[0]
    assert 0 <= low < est.estimate[0] < high <= 1


def test_proportion_bad_input(des):
    with pytest.raises(NotNumericVariableError, match="0/1"):
        des.proportion("y")
    with pytest.raises(ValueError, match="ci='wald'"):
        des.proportion("sex", level="f", ci="wald")
    with pytest.raises(ValueError, match="conf_level"):
        des.proportion("sex", level="f", conf_level=95)

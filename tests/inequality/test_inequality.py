"""Unit tests of micropop.inequality: definitions, domains, influence functions, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import micropop.inequality as ineq
from micropop.design import SurveyDesign
from micropop.errors import (
    EmptyDomainError,
    InequalityError,
    InequalityParameterError,
    MicropopError,
    MissingColumnError,
    MissingValuesError,
    NegativeIncomeError,
    NotNumericVariableError,
    ZeroIncomeError,
)
from micropop.inequality._incomes import SortedIncomes as _Sorted
from micropop.inequality.concentration import _gini


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    rng = np.random.default_rng(20261128)
    n = 400
    return pd.DataFrame({
        "income": np.round(rng.lognormal(7.0, 0.8, n), 2),
        "w": rng.uniform(50, 150, n),
        "region": rng.choice(["north", "south", "west"], n),
        "stratum": np.repeat(["a", "b"], n // 2),
        "cluster": np.arange(n) // 4,
    })


@pytest.fixture(scope="module")
def des(sample) -> SurveyDesign:
    return SurveyDesign(sample, weights="w", strata="stratum", psu="cluster")


def _first(est) -> tuple[float, float]:
    return float(est.estimate[0]), float(est.se[0])


# --- definitions ---------------------------------------------------------------------


def test_gini_of_equal_incomes_is_zero():
    df = pd.DataFrame({"income": [5.0] * 6, "w": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]})
    assert ineq.gini(SurveyDesign(df, weights="w"), "income").estimate[0] == pytest.approx(0)


def test_gini_with_weights_equals_gini_of_expanded_rows():
    # laeken's formula does not change when a row of weight k becomes k rows of weight 1
    df = pd.DataFrame({"income": [3.0, 1.0, 7.0, 2.0], "w": [2.0, 1.0, 3.0, 1.0]})
    expanded = df.loc[df.index.repeat(df["w"].astype(int))].assign(w=1.0)
    weighted = ineq.gini(SurveyDesign(df, weights="w"), "income").estimate[0]
    plain = ineq.gini(SurveyDesign(expanded, weights="w"), "income").estimate[0]
    assert weighted == pytest.approx(plain, rel=1e-12)


@pytest.mark.parametrize("measure", ["gini", "qsr", "arpr", "rmpg", "top_share"])
def test_measures_do_not_depend_on_units_of_income_or_weights(sample, measure):
    base = SurveyDesign(sample, weights="w", psu="cluster")
    scaled = SurveyDesign(sample.assign(income=sample["income"] * 3.5, w=sample["w"] * 7),
                          weights="w", psu="cluster")
    fun = getattr(ineq, measure)
    ours, reference = _first(fun(scaled, "income")), _first(fun(base, "income"))
    assert ours[0] == pytest.approx(reference[0], rel=1e-9)
    # SEs with a kernel density depend on the weights' scale: convey's bandwidth
    # sd / N**0.2 uses the weight total N
    if measure in ("gini", "top_share"):
        assert ours[1] == pytest.approx(reference[1], rel=1e-9)


def test_arpt_scales_with_income(des, sample):
    doubled = SurveyDesign(sample.assign(income=sample["income"] * 2), weights="w",
                           strata="stratum", psu="cluster")
    np.testing.assert_allclose(_first(ineq.arpt(doubled, "income")),
                               2 * np.array(_first(ineq.arpt(des, "income"))), rtol=1e-9)


def test_arpt_uses_laekens_median_rule():
    # cumulative shares 0.25, 0.5, 0.75, 1: laeken takes the first share above 0.5
    df = pd.DataFrame({"income": [10.0, 20.0, 30.0, 40.0], "w": 1.0})
    est = ineq.arpt(SurveyDesign(df, weights="w"), "income", percent=1.0)
    assert est.estimate[0] == 30.0


def test_arpr_counts_strictly_below_the_threshold():
    df = pd.DataFrame({"income": [600.0, 600.0, 1000.0, 1000.0, 1000.0], "w": 1.0})
    # threshold 0.6 * 1000 = 600: nobody is strictly below it
    assert ineq.arpr(SurveyDesign(df, weights="w"), "income").estimate[0] == 0.0


def test_top_share_is_one_minus_the_lorenz_ordinate(des):
    top = ineq.top_share(des, "income", share=0.1)
    ordinate = ineq.lorenz(des, "income", shares=[0.9])
    assert top.estimate[0] == pytest.approx(1 - ordinate.estimate[0], rel=1e-12)
    assert top.se[0] == pytest.approx(ordinate.se[0], rel=1e-12)


def test_lorenz_is_increasing_and_indexed_by_share(des):
    est = ineq.lorenz(des, "income", shares=[0.2, 0.5, 0.8], by="region")
    frame = est.to_frame()
    assert frame.index.names == ["variable", "level", "domain"]
    for region in ["north", "south", "west"]:
        values = frame.xs(region, level="domain")["estimate"].to_numpy()
        assert np.all(np.diff(values) > 0) and 0 < values[0] and values[-1] < 1


def test_lorenz_of_equal_incomes_is_the_diagonal():
    df = pd.DataFrame({"income": [4.0] * 10, "w": 1.0})
    est = ineq.lorenz(SurveyDesign(df, weights="w"), "income", shares=[0.25, 0.5, 0.7])
    np.testing.assert_allclose(est.estimate, [0.25, 0.5, 0.7], rtol=1e-12)


def test_poverty_rate_is_the_mean_of_the_indicator(des, sample):
    ours = ineq.poverty_rate(des, "income", line=900.0, by="region")
    indicator = SurveyDesign(sample.assign(poor=(sample["income"] < 900).astype(float)),
                             weights="w", strata="stratum", psu="cluster")
    theirs = indicator.mean("poor", by="region")
    np.testing.assert_allclose(ours.estimate, theirs.estimate, rtol=1e-12)
    np.testing.assert_allclose(ours.se, theirs.se, rtol=1e-12)
    assert ours.statistic == "poverty_rate"


# --- domains --------------------------------------------------------------------------


@pytest.mark.parametrize("measure", ["gini", "qsr", "arpt", "top_share"])
def test_domain_estimates_equal_subset_estimates(des, measure):
    fun = getattr(ineq, measure)
    by = fun(des, "income", by="region").to_frame().droplevel("variable")
    for region in ["north", "south", "west"]:
        alone = fun(des.subset(f"region == '{region}'"), "income")
        np.testing.assert_allclose(by.loc[region, ["estimate", "se"]].astype(float),
                                   _first(alone), rtol=1e-10)


def test_arpr_by_domain_uses_the_whole_designs_threshold(des):
    line = float(ineq.arpt(des, "income").estimate[0])
    by = ineq.arpr(des, "income", by="region")
    fixed = ineq.poverty_rate(des, "income", line=line, by="region")
    np.testing.assert_allclose(by.estimate, fixed.estimate, rtol=1e-12)
    # the estimated threshold adds variance to the fixed-line proportion's
    assert not np.allclose(by.se, fixed.se)
    assert by.vcov.shape == (3, 3) and np.all(np.isfinite(by.vcov))


def test_na_rm_leaves_rows_out_like_a_subset(sample):
    holes = sample.assign(income=sample["income"].where(sample.index % 9 != 0))
    des = SurveyDesign(holes, weights="w", strata="stratum", psu="cluster")
    kept = des.subset(holes["income"].notna())
    for measure in ["gini", "arpr", "qsr"]:
        fun = getattr(ineq, measure)
        np.testing.assert_allclose(_first(fun(des, "income", na_rm=True)),
                                   _first(fun(kept, "income")), rtol=1e-10)


# --- influence functions -------------------------------------------------------------


def test_gini_influence_is_the_derivative_of_the_estimator():
    rng = np.random.default_rng(1)
    x, w = rng.lognormal(0, 1, 30), rng.uniform(1, 3, 30)

    def value(weights):
        s = _Sorted.build(x, weights, np.zeros(30, dtype=np.intp))
        return _gini(s)[0][0]

    s = _Sorted.build(x, w, np.zeros(30, dtype=np.intp))
    z = np.empty(30)
    z[s.rows] = np.ldexp(_gini(s)[1], -s.weight_exp)  # per weight, not per scaled weight
    step = 1e-6
    numeric = [(value(w + step * np.eye(30)[i]) - value(w - step * np.eye(30)[i])) / (2 * step)
               for i in range(30)]
    np.testing.assert_allclose(z, numeric, rtol=1e-5, atol=1e-9)


def test_influence_values_sum_to_zero(sample):
    # a linearised statistic's weighted influence values total zero
    x = sample["income"].to_numpy(float)
    s = _Sorted.build(x, sample["w"].to_numpy(float), np.zeros(len(x), dtype=np.intp))
    assert s.scatter(_gini(s)[1]).sum() == pytest.approx(0, abs=1e-12)


# --- bad input ---------------------------------------------------------------------------


def test_negative_incomes_are_refused_by_measures_that_need_non_negative_ones(sample):
    bad = sample.assign(income=sample["income"].where(~sample.index.isin([3, 17]), -5.0))
    des = SurveyDesign(bad, weights="w")
    for fun, name in [(ineq.gini, "Gini"), (ineq.qsr, "quintile share ratio"),
                      (ineq.lorenz, "Lorenz"), (ineq.top_share, "top income share")]:
        with pytest.raises(NegativeIncomeError, match=name) as info:
            fun(des, "income")
        message = str(info.value)
        assert "2 negative values" in message and "data rows 4, 18" in message
        assert "'income'" in message and "subset" in message
    # poverty measures accept negative incomes (losses), as laeken
    assert np.isfinite(ineq.arpr(des, "income").estimate[0])


def test_all_zero_incomes_are_refused_by_gini():
    df = pd.DataFrame({"income": [0.0] * 5, "w": 1.0})
    with pytest.raises(ZeroIncomeError, match="'income' is zero for everyone"):
        ineq.gini(SurveyDesign(df, weights="w"), "income")


def test_zero_incomes_of_the_poorest_fifth_are_refused_by_qsr():
    df = pd.DataFrame({"income": [0.0, 0.0, 0.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0],
                       "w": 1.0})
    with pytest.raises(ZeroIncomeError, match="S80/S20 is infinite"):
        ineq.qsr(SurveyDesign(df, weights="w"), "income")


def test_missing_incomes_are_counted_and_refused_without_na_rm(sample):
    holes = sample.assign(income=sample["income"].where(~sample.index.isin([4, 8, 15])))
    des = SurveyDesign(holes, weights="w")
    for fun in [ineq.gini, ineq.arpr, ineq.arpt, ineq.qsr, ineq.lorenz, ineq.rmpg]:
        with pytest.raises(MissingValuesError, match="3 missing values") as info:
            fun(des, "income")
        assert "data rows 5, 9, 16" in str(info.value) and "na_rm=True" in str(info.value)


@pytest.mark.parametrize("percent", [0.0, -0.6, 1.5, 60])
def test_percent_outside_zero_one_is_refused(des, percent):
    for fun in [ineq.arpt, ineq.arpr, ineq.rmpg]:
        with pytest.raises(InequalityParameterError,
                           match=r"percent=.* is out of range\. "
                                 r"Give percent as a fraction in \(0, 1\]"):
            fun(des, "income", percent=percent)


def test_percent_of_one_is_the_median(des, sample):
    est = ineq.arpt(des, "income", percent=1.0)
    median = ineq.arpt(des, "income", percent=0.5).estimate[0] * 2
    assert est.estimate[0] == pytest.approx(median)


@pytest.mark.parametrize("call", [
    lambda d: ineq.arpt(d, "income", order=1.0),
    lambda d: ineq.lorenz(d, "income", shares=[0.0, 0.5]),
    lambda d: ineq.lorenz(d, "income", shares=[1.0]),
    lambda d: ineq.top_share(d, "income", share=0.0),
    lambda d: ineq.poverty_rate(d, "income", line=float("nan")),
])
def test_other_parameters_out_of_range_are_refused(des, call):
    with pytest.raises(InequalityParameterError):
        call(des)


def test_rmpg_needs_poor_people_in_every_domain():
    df = pd.DataFrame({"income": [100.0, 1000.0, 1000.0, 1000.0, 1100.0, 1200.0],
                       "g": ["a", "a", "b", "b", "b", "b"], "w": 1.0})
    with pytest.raises(EmptyDomainError, match="no one is below the poverty threshold"):
        ineq.rmpg(SurveyDesign(df, weights="w"), "income", by="g")


def test_engine_errors_reach_the_user(des, sample):
    with pytest.raises(MissingColumnError):
        ineq.gini(des, "salary")
    labelled = SurveyDesign(sample.assign(income=sample["region"]), weights="w")
    with pytest.raises(NotNumericVariableError):
        ineq.arpr(labelled, "income")


def test_error_classes_are_micropop_errors():
    for cls in (NegativeIncomeError, ZeroIncomeError, InequalityParameterError):
        assert issubclass(cls, InequalityError) and issubclass(cls, MicropopError)
        assert issubclass(cls, ValueError)


def test_constant_incomes_leave_the_kernel_density_undefined():
    df = pd.DataFrame({"income": [900.0] * 4 + [100.0, 2000.0, 3000.0, 4000.0],
                       "g": ["a"] * 4 + ["b"] * 4, "w": 1.0})
    with pytest.raises(InequalityError, match="'income' takes a single value in 'a'"):
        ineq.arpr(SurveyDesign(df, weights="w"), "income", by="g")


def test_replicate_designs_give_replicate_standard_errors(des):
    est = ineq.gini(des.replicate("jkn"), "income", by="region")
    assert est.variance == "replicate weights (jkn)"
    assert np.all(est.se > 0)

"""des.var / cov / corr, des.ttest and chisq(statistic="lrt"): behaviour and bad inputs.

The numbers against R are in tests/golden/test_golden_svyvar.py; here, what holds
whatever the data (identities, invariances) and what is refused, by name.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micropop.design import ReplicateDesign, SurveyDesign
from micropop.errors import (
    ConstantVariableError,
    EmptyDomainError,
    GroupLevelsError,
    InfiniteValueError,
    MicropopError,
    MissingValuesError,
    NotNumericVariableError,
    OptionError,
)
from micropop.estimation.likelihood_ratio import likelihood_ratio
from support.hostile import design_frames

FAST = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def df() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 24
    return pd.DataFrame({
        "y": rng.normal(50, 10, n).round(3), "x": rng.uniform(1, 5, n).round(3),
        "b": rng.integers(0, 2, n), "g": list("éfk") * 8, "s": ["f", "m"] * 12,
        "w": rng.uniform(1, 40, n).round(2), "h": np.repeat(["a", "b", "c"], 8),
        "psu": np.tile(np.repeat([1, 2, 3, 4], 2), 3), "N": np.repeat([9.0, 12.0, 30.0], 8),
        "t": ["u"] * n, "const": 2.0})


@pytest.fixture
def des(df) -> SurveyDesign:
    return SurveyDesign(df, weights="w", strata="h", psu="psu", fpc="N", nest=True)


# --- var / cov / corr ---------------------------------------------------------------------


def test_var_is_the_diagonal_of_cov_and_corr_its_scaled_off_diagonal(des):
    var, cov, corr = des.var(["y", "x"]), des.cov(["y", "x"]), des.corr(["y", "x"])
    np.testing.assert_allclose(var.estimate, cov.estimate[[0, 3]], rtol=1e-14)
    np.testing.assert_allclose(var.vcov, cov.vcov[np.ix_([0, 3], [0, 3])], rtol=1e-14)
    r = cov.estimate[1] / np.sqrt(cov.estimate[0] * cov.estimate[3])
    np.testing.assert_allclose(corr.estimate, [r], rtol=1e-14)
    assert corr.index.tolist() == [("y", "x")] and corr.statistic == "correlation"
    assert cov.index.names == ["variable", "variable2"]


def test_var_without_design_is_the_weighted_sample_variance_n_over_n_minus_1(df):
    est = SurveyDesign(df.assign(w=1.0), weights="w").var("y")
    np.testing.assert_allclose(est.estimate, [df["y"].var(ddof=1)], rtol=1e-12)


def test_var_by_domain_equals_var_of_the_subset(des):
    by = des.var("y", by="s")
    for k, level in enumerate(["f", "m"]):
        alone = des.subset(f"s == '{level}'").var("y")
        np.testing.assert_allclose(by.estimate[k], alone.estimate[0], rtol=1e-12)
        np.testing.assert_allclose(by.se[k], alone.se[0], rtol=1e-10)


def test_corr_is_invariant_to_linear_changes_of_the_variables(des, df):
    base = des.corr(["y", "x"])
    moved = des.assign(y2=df["y"] * 3.5 - 100).corr(["y2", "x"])
    np.testing.assert_allclose(moved.estimate, base.estimate, rtol=1e-12)
    np.testing.assert_allclose(moved.se, base.se, rtol=1e-9)
    flipped = des.assign(y2=-df["y"]).corr(["y2", "x"])
    np.testing.assert_allclose(flipped.estimate, -base.estimate, rtol=1e-12)


def test_replicate_var_recomputes_the_means_of_each_replicate(df):
    factors = np.random.default_rng(2).uniform(0.5, 1.5, (len(df), 4))
    reps = {f"r{j}": df["w"] * factors[:, j] for j in range(4)}
    rep = ReplicateDesign(df.assign(**reps), weights="w", replicate_weights=list(reps),
                          method="jk1")
    n = len(df)

    def variance(w):
        mean = np.sum(w * df["y"]) / np.sum(w)
        return n / (n - 1) * np.sum(w * (df["y"] - mean) ** 2) / np.sum(w)

    full = variance(df["w"])
    thetas = np.array([variance(reps[name]) for name in reps])
    est = rep.var("y")
    np.testing.assert_allclose(est.estimate, [full], rtol=1e-12)
    np.testing.assert_allclose(est.vcov, [[3 / 4 * np.sum((thetas - thetas.mean()) ** 2)]],
                               rtol=1e-10)


def test_non_numeric_columns_are_refused_by_name(des):
    for call in (lambda: des.var("s"), lambda: des.cov(["y", "s"]),
                 lambda: des.corr(["s", "y"])):
        with pytest.raises(NotNumericVariableError, match="'s'"):
            call()


def test_missing_values_are_refused_without_na_rm_naming_the_rows(des, df):
    holed = des.assign(y=df["y"].where(df.index != 4))
    with pytest.raises(MissingValuesError, match="'y'.*row 5"):
        holed.var("y")
    assert np.isfinite(holed.var("y", na_rm=True).se).all()


def test_a_constant_variable_has_no_correlation(des):
    with pytest.raises(ConstantVariableError, match="'const'.*single value"):
        des.corr(["y", "const"])
    with pytest.raises(ConstantVariableError, match="'const'.*domain 'f'"):
        des.corr(["const", "y"], by="s")


def test_cov_and_corr_need_two_variables(des):
    for call in (des.cov, des.corr):
        with pytest.raises(OptionError, match="two or more"):
            call(["y"])
        with pytest.raises(OptionError, match="two or more"):
            call("y")


def test_a_domain_of_one_row_has_no_variance(df):
    des = SurveyDesign(df.assign(one=["solo"] + ["rest"] * (len(df) - 1)), weights="w")
    with pytest.raises(EmptyDomainError, match="'solo' has 1 sampled row"):
        des.var("y", by="one")


def test_squares_beyond_double_precision_are_refused(des, df):
    with pytest.raises(InfiniteValueError, match="squared deviations"):
        des.assign(y=df["y"] * 1e160).var("y")


# --- ttest ----------------------------------------------------------------------------------


def test_two_sample_ttest_is_the_difference_of_domain_means(des):
    test = des.ttest("y", "s")
    means = des.mean("y", by="s")
    diff = means.contrast({"m": 1, "f": -1})
    np.testing.assert_allclose(test.estimate, diff.estimate[0], rtol=1e-12)
    np.testing.assert_allclose(test.se, diff.se[0], rtol=1e-8)
    assert test.levels == ("f", "m") and test.df == des.degf - 1
    assert test.to_frame().index.tolist() == ["y: m - f"]


def test_one_sample_ttest_against_mu(des):
    test = des.ttest("y", mu=50)
    mean = des.mean("y")
    np.testing.assert_allclose(test.statistic, (mean.estimate[0] - 50) / mean.se[0],
                               rtol=1e-12)
    assert test.null_value == 50 and test.estimate_name == "mean"
    assert test.ci_low < mean.estimate[0] < test.ci_high
    assert test.summary().startswith("Design-based one-sample t-test")


def test_a_group_of_three_levels_is_refused_naming_them(des):
    with pytest.raises(GroupLevelsError, match=r"'g' has 3 levels.*'f', 'k', 'é'"):
        des.ttest("y", "g")
    with pytest.raises(GroupLevelsError, match=r"'t' has 1 level .*'u'"):
        des.ttest("y", "t")


def test_a_subset_to_two_levels_can_be_tested(des):
    test = des.subset("g != 'k'").ttest("y", "g")
    assert test.levels == ("f", "é")  # sorted, as R's factor


def test_ttest_bad_inputs_are_refused(des, df):
    with pytest.raises(NotNumericVariableError, match="'s'"):
        des.ttest("s", "b")
    with pytest.raises(OptionError, match="mu=3"):
        des.ttest("y", "s", mu=3)
    with pytest.raises(MissingValuesError, match="'s'"):
        des.assign(s=df["s"].where(df.index != 2)).ttest("y", "s")
    with pytest.raises(ConstantVariableError, match="'const'"):
        des.ttest("const", "s")
    with pytest.raises(MicropopError, match="level"):
        des.ttest("y", level=1.5)
    with pytest.raises(OptionError, match="not a column name"):
        des.ttest("y", ["s", "b"])
    with pytest.raises(OptionError, match="not a column name"):
        des.ttest(["y"])


# --- chisq(statistic="lrt") -------------------------------------------------------------------


def test_likelihood_ratio_of_a_table():
    table = np.array([[30.0, 10.0], [20.0, 40.0]])
    expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
    np.testing.assert_allclose(likelihood_ratio(table),
                               2 * np.sum(table * np.log(table / expected)), rtol=1e-14)
    assert likelihood_ratio(np.array([[5.0, 0.0], [5.0, 5.0]])) > 0  # an empty cell adds 0


def test_chisq_lrt_shares_the_pearson_tests_design_effects(des):
    pearson, lrt = des.chisq("g", "b"), des.chisq("g", "b", statistic="lrt")
    assert (lrt.ndf, lrt.ddf) == (pearson.ndf, pearson.ddf)
    np.testing.assert_allclose(lrt.statistic / pearson.statistic,
                               lrt.likelihood_ratio / lrt.pearson, rtol=1e-12)
    assert pearson.likelihood_ratio is None and lrt.method.startswith("Likelihood ratio")


# --- hostile designs -----------------------------------------------------------------------


@FAST
@given(frame=design_frames(value_nan=True, value_inf=True), data=st.data())
def test_every_new_statistic_is_right_or_refused(frame, data):
    try:
        design = SurveyDesign(frame.data, **frame.design_kwargs)
    except MicropopError:
        return
    if data.draw(st.booleans()):
        try:
            design = design.replicate("jkn" if frame.stratified else "jk1")
        except MicropopError:
            return
    by = data.draw(st.sampled_from([None, "g"]))
    na_rm = data.draw(st.booleans())
    calls = [lambda d: d.var(["y", "x"], by=by, na_rm=na_rm),
             lambda d: d.cov(["y", "x"], by=by, na_rm=na_rm),
             lambda d: d.corr(["y", "x"], by=by, na_rm=na_rm),
             lambda d: d.ttest("y", na_rm=na_rm),
             lambda d: d.ttest("y", "b", na_rm=na_rm),
             lambda d: d.chisq("g", "b", statistic="lrt")]
    for call in calls:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = call(design)
            except MicropopError:
                continue
        frame_ = result.to_frame().drop(columns=["deff", "n"], errors="ignore")
        numbers = frame_.select_dtypes("number").to_numpy(dtype=float)
        if "statistic" in frame_:  # a test of association
            assert np.isfinite([result.statistic, result.p_value]).all(), result
        else:
            assert np.isfinite(numbers).all(), frame_


def test_replicate_designs_take_the_same_calls(df):
    factors = np.random.default_rng(3).uniform(0.5, 1.5, (len(df), 5))
    reps = {f"r{j}": df["w"] * factors[:, j] for j in range(5)}
    rep = ReplicateDesign(df.assign(**reps), weights="w", replicate_weights=list(reps),
                          method="jk1")
    assert np.isfinite(rep.corr(["y", "x"], by="s").se).all()
    assert np.isfinite(rep.ttest("y", "s").p_value)

"""Bad inputs to the estimators: every number right or refused by name (issue #11)."""

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micropop.design import ReplicateDesign, SurveyDesign
from micropop.errors import (
    DesignError,
    EmptyDomainError,
    InfiniteValueError,
    InvalidLevelError,
    MicropopError,
    MicropopWarning,
    NotNumericVariableError,
    OptionError,
)
from support.hostile import design_frames, every_estimator_right_or_refused, scaled

FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def df() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 18
    return pd.DataFrame({
        "y": rng.normal(50, 10, n).round(3), "x": rng.uniform(1, 5, n).round(3),
        "b": rng.integers(0, 2, n), "g": list("éf") * 9,
        "w": rng.uniform(1, 40, n).round(2), "h": np.repeat(["a", "b", "c"], 6),
        "psu": np.tile(np.repeat([1, 2, 3], 2), 3), "N": np.repeat([9.0, 12.0, 30.0], 6)})


@pytest.fixture
def des(df) -> SurveyDesign:
    return SurveyDesign(df, weights="w", strata="h", psu="psu", fpc="N", nest=True)


# --- analysis columns ---------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_infinite_values_are_refused_naming_column_and_rows(des, bad):
    design = des.assign(y=lambda d: d["y"].where(d.index != 4, bad))
    for estimate in (lambda: design.mean("y"), lambda: design.total("y", by="g"),
                     lambda: design.ratio("y", "x"), lambda: design.quantile("y", 0.5)):
        with pytest.raises(InfiniteValueError, match=r"column 'y' has infinite values in "
                                                     r"data row 5 \(value: -?inf\)"):
            estimate()


def test_infinite_values_outside_a_subset_do_not_matter(des):
    design = des.assign(y=lambda d: d["y"].where(d.index != 0, np.inf))
    assert np.isfinite(design.subset(np.arange(18) > 0).mean("y").estimate).all()


def test_complex_values_are_refused(des):
    with pytest.raises(NotNumericVariableError, match="complex"):
        des.assign(z=np.ones(18) * 1j).mean("z")


def test_a_subset_of_zero_weights_is_an_empty_domain(df):
    design = SurveyDesign(df.assign(w=np.where(df.index < 3, 0.0, df["w"])), weights="w")
    with pytest.raises(EmptyDomainError, match="zero weight"):
        design.subset(np.arange(18) < 3).total("y")


def test_values_near_the_double_limit_give_the_mean_or_refuse_the_total(df):
    big = SurveyDesign(df.assign(y=1e308, w=1.0), weights="w")
    assert big.mean("y").estimate[0] == 1e308 and big.mean("y").se[0] == 0.0
    with pytest.raises(InfiniteValueError, match="estimate of 'y' is beyond double"):
        big.total("y")


def test_variables_given_twice_are_refused(des):
    with pytest.raises(OptionError, match="'y' twice"):
        des.mean(["y", "y"])
    with pytest.raises(OptionError, match="'g' twice"):
        des.mean("y", by=["g", "g"])


@pytest.mark.parametrize("na_rm", ["yes", None, 1.5])
def test_na_rm_must_be_true_or_false(des, na_rm):
    with pytest.raises(OptionError, match="na_rm"):
        des.mean("y", na_rm=na_rm)


# --- proportions: levels ------------------------------------------------------------------


@pytest.mark.parametrize("level", [1, 1.0, "1", " 1 ", np.int64(1), np.float32(1)])
def test_a_level_matches_a_0_1_column_however_it_is_written(des, level):
    expected = des.mean("b").estimate[0]
    assert des.proportion("b", level=level).estimate[0] == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("level", [True, "true", "True", 1, "1"])
def test_a_level_matches_a_boolean_column(des, level):
    design = des.assign(t=lambda d: d["b"] == 1)
    assert design.proportion("t", level=level).estimate[0] == pytest.approx(
        des.mean("b").estimate[0], rel=1e-15)


def test_a_number_matches_text_that_reads_as_it(des):
    design = des.assign(s=lambda d: d["b"].astype(str))
    assert design.proportion("s", level=1).estimate[0] == pytest.approx(
        des.mean("b").estimate[0], rel=1e-15)


@pytest.mark.parametrize("level", [2, "yes", np.nan, "z"])
def test_a_level_in_no_row_is_refused_naming_the_levels_present(des, level):
    with pytest.raises(InvalidLevelError, match=r"in no row of column 'b'.*present: 0, 1"):
        des.proportion("b", level=level)


def test_a_level_that_is_not_one_value_is_refused(des):
    with pytest.raises(OptionError, match="not one value"):
        des.proportion("b", level=[0, 1])


def test_a_level_absent_from_one_domain_warns_of_its_nan_interval(des):
    design = des.assign(c=lambda d: np.where(d["g"] == "f", "no", d["b"].astype(str)))
    with pytest.warns(MicropopWarning, match=r"interval of .*\('c', 'no', 'é'\).* is NaN"):
        est = design.proportion("c", level="no", by="g")
    assert est.to_frame().loc[("c", "no", "é"), "estimate"] == 0.0


def test_a_one_row_domain_warns_by_name(des):
    design = des.assign(d=lambda d: np.where(d.index == 0, "alone", "crowd"))
    with pytest.warns(MicropopWarning, match=r"\('b', '1', 'alone'\).* 0 degrees of freedom"):
        design.proportion("b", by="d")
    with pytest.warns(MicropopWarning, match=r"\('y', '0.5', 'alone'\).* 0 degrees"):
        design.quantile("y", 0.5, by="d")


# --- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize("quantiles", [[], "a", [0.5, None], [np.nan], [1.5], [[0.5]], True])
def test_bad_probabilities_are_refused(des, quantiles):
    with pytest.raises(OptionError, match="quantiles"):
        des.quantile("y", quantiles)


@pytest.mark.parametrize("df_value", [np.nan, -1, 0, "5"])
def test_bad_degrees_of_freedom_are_refused(des, df_value):
    with pytest.raises(OptionError, match="df="):
        des.quantile("y", 0.5, df=df_value)
    with pytest.raises(OptionError, match="df="):
        des.proportion("b", df=df_value)


@pytest.mark.parametrize("level", ["0.95", np.nan, 95, None, True])
def test_bad_coverage_is_refused(des, level):
    with pytest.raises(OptionError, match="conf_level"):
        des.proportion("b", conf_level=level)
    if level is not None:
        with pytest.raises(OptionError, match="level"):
            des.mean("y").ci(level=level)


def test_bad_contrasts_are_refused(des):
    with pytest.raises(OptionError, match="NaN or infinite"):
        des.mean("y", by="g").contrast([1, np.nan])


def test_non_text_variables_of_proportion_ratio_chisq_are_refused(des):
    with pytest.raises(OptionError, match="column name"):
        des.proportion(["b"])
    with pytest.raises(OptionError, match="column name"):
        des.ratio("y", 3)


def test_a_by_column_of_unorderable_values_is_refused(des):
    design = des.assign(L=lambda d: pd.Series([[i % 2] for i in range(18)], index=d.index))
    with pytest.raises(DesignError, match="by column 'L' holds values that cannot"):
        des.assign(L=design.data["L"]).mean("y", by="L")


# --- the weights' scale does not matter ---------------------------------------------------


def _statistics(design, *, quantile=True) -> dict:
    out = {"mean": design.mean(["y", "x"], by="g"), "ratio": design.ratio("y", "x"),
           "proportion": design.proportion("b", level=1),
           "total": design.total(["y", "b"], by="g")}
    if quantile:
        out["quantile"] = design.quantile("y", [0.25, 0.5])
    return out


def _compare(base: dict, other: dict, factor: float) -> None:
    for name, est in base.items():
        scale = factor if name == "total" else 1.0
        np.testing.assert_allclose(other[name].estimate, est.estimate * scale, rtol=1e-12,
                                   err_msg=name)
        # an SE at rounding level (a true 0) may come out as 0 or 1e-17 of the estimate
        noise = 1e-13 * np.max(np.abs(est.estimate * scale), initial=0.0)
        np.testing.assert_allclose(other[name].se, est.se * scale, rtol=1e-10, atol=noise,
                                   err_msg=name)
        if name != "total":
            np.testing.assert_allclose(other[name].ci().to_numpy(), est.ci().to_numpy(),
                                       rtol=1e-10, atol=noise, err_msg=name)


@pytest.mark.parametrize("factor", [1e-300, 1e300])
def test_estimates_are_invariant_and_totals_scale_with_the_weights(df, factor):
    def build(frame):
        return SurveyDesign(frame, weights="w", strata="h", psu="psu", fpc="N", nest=True)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MicropopWarning)
        base = _statistics(build(df))
        _compare(base, _statistics(build(df.assign(w=df["w"] * factor))), factor)


@pytest.mark.parametrize("factor", [1e-300, 1e300])
@pytest.mark.parametrize("method", ["jkn", "bootstrap"])
def test_replicate_estimates_are_invariant_and_totals_scale(df, factor, method):
    def build(frame):
        des = SurveyDesign(frame, weights="w", strata="h", psu="psu", fpc="N", nest=True)
        return des.replicate(method, **({"seed": 3} if method == "bootstrap" else {}))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MicropopWarning)
        base = _statistics(build(df))
        _compare(base, _statistics(build(df.assign(w=df["w"] * factor))), factor)


@pytest.mark.parametrize("factor", [1e-300, 1e300])
def test_shipped_replicate_weights_scale_too(df, factor):
    rep = SurveyDesign(df, weights="w", strata="h", psu="psu", nest=True).replicate("jkn")
    shipped = pd.concat([df, rep.replicate_weights], axis=1)

    def build(frame):
        return ReplicateDesign(frame, weights="w", replicate_weights="jkn[0-9]+",
                               method="jkn", rscales=rep.rscales)

    columns = [c for c in shipped.columns if c.startswith("jkn")]
    scaled_frame = shipped.assign(w=shipped["w"] * factor,
                                  **{c: shipped[c] * factor for c in columns})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MicropopWarning)
        _compare(_statistics(build(shipped)), _statistics(build(scaled_frame)), factor)


def test_a_covariance_beyond_double_range_is_refused_where_read(df):
    huge = SurveyDesign(df.assign(w=df["w"] * 1e300), weights="w").total("y")
    assert np.isfinite(huge.se).all() and np.isfinite(huge.ci().to_numpy()).all()
    with pytest.raises(InfiniteValueError, match="covariance .* beyond double precision"):
        _ = huge.vcov
    difference = huge.contrast([2.0])
    assert difference.se[0] == pytest.approx(2 * huge.se[0], rel=1e-14)


@FAST
@given(design_frames(extremes=False, zero_weights=True), st.sampled_from([1e-300, 1e300]))
def test_generated_designs_are_free_of_the_weights_scale(frame, factor):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            base = _statistics(SurveyDesign(frame.data, **frame.design_kwargs), quantile=False)
        except MicropopError:
            return
        try:
            other = _statistics(SurveyDesign(scaled(frame, factor).data,
                                             **frame.design_kwargs), quantile=False)
        except InfiniteValueError:  # a total beyond 1.8e308 once scaled up: refused
            assert factor > 1
            return
    _compare(base, other, factor)


# --- property: every estimator, any design, right or refused ------------------------------


@FAST
@given(design_frames(value_nan=False, value_inf=True, extremes=True), st.data())
def test_every_estimator_is_right_or_refused(frame, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            design = SurveyDesign(frame.data, **frame.design_kwargs,
                                  lonely_psu=data.draw(st.sampled_from(["fail", "adjust"])))
        except MicropopError:
            return
    every_estimator_right_or_refused(design, data.draw)


@settings(FAST, max_examples=20)
@given(design_frames(max_rows=10, extremes=True, design=False))
def test_srs_means_and_ses_are_those_of_exact_arithmetic(frame):
    y, w = frame.data["y"].to_numpy(), frame.data["w"].to_numpy()
    design = SurveyDesign(frame.data, weights="w")
    try:
        est = design.mean("y")
    except MicropopError:
        return
    exact_w = [Fraction(float(v)) for v in w]
    exact_y = [Fraction(float(v)) for v in y]
    tiny = Fraction(5e-324)  # a result below half of it rounds to 0
    total = sum(exact_w)
    mean = sum(a * b for a, b in zip(exact_w, exact_y, strict=True)) / total
    spread = sum(abs(a * b) for a, b in zip(exact_w, exact_y, strict=True)) / total
    assert abs(Fraction(float(est.estimate[0])) - mean) <= Fraction(1e-12) * spread + tiny
    n = len(w)  # every row a PSU, zero weights too (R keeps them in the design)
    pairs = zip(exact_w, exact_y, strict=True)
    var = Fraction(n, n - 1) * sum((a * (b - mean)) ** 2 for a, b in pairs
                                   ) / total**2 if n > 1 else Fraction(0)
    bound = Fraction(1e-9) * (spread + abs(mean))
    se = Fraction(float(est.se[0]))
    assert abs(se**2 - var) <= (bound + tiny) * (2 * se + bound + tiny) + Fraction(1e-9) * var


@FAST
@given(design_frames(value_nan=True, extremes=True), st.data())
def test_missing_values_are_refused_or_left_out(frame, data):
    design = SurveyDesign(frame.data, weights="w")
    na_rm = data.draw(st.booleans())
    try:
        est = design.mean("y", na_rm=na_rm)
    except MicropopError as err:
        assert not na_rm or "no row" in str(err) or "beyond" in str(err) \
            or "no weight" in str(err), err
        return
    observed = frame.data["y"].notna()
    assert na_rm or observed.all()
    assert est.n[0] == observed.sum()
    assert np.isfinite(est.estimate).all() and np.isfinite(est.se).all()


# --- results -------------------------------------------------------------------------------


def test_t_intervals_need_degrees_of_freedom(df):
    alone = SurveyDesign(df.assign(w=np.where(df.index == 0, 1.0, 0.0)), weights="w")
    est = alone.mean("y")
    assert est.df == 0 and est.ci().notna().all().all()
    with pytest.raises(OptionError, match="dist='t' needs degrees of freedom.*df=0"):
        est.ci(dist="t")


def test_contrast_coefficients_by_label_must_be_numbers(des):
    with pytest.raises(OptionError, match=r"coefficients\['f'\]='a' is not a number"):
        des.mean("y", by="g").contrast({"f": "a"})


def test_nan_design_effects_are_warned_by_name(des):
    design = des.assign(c=lambda d: np.where(d["g"] == "f", "only", "other"))
    with pytest.warns(MicropopWarning, match=r"design effect of .*\('c', 'only', 'é'\).* NaN"):
        design.total("c", by="g", deff=True)


def test_a_quantile_interval_whose_variance_overflows_is_refused_by_name():
    # found by the hostile two-phase test: an interval from -1 to 1e308 has an SE of about
    # 2e307, whose square (the Estimate's variance) is inf: refused, not an SE of inf
    df = pd.DataFrame({"y": [0.0] * 3 + [-1.0] * 4 + [1e308], "w": 1.0})
    des = SurveyDesign(df, weights="w")
    with pytest.raises(InfiniteValueError, match=r"variance .* of \('y', '0.5'\) is beyond"):
        des.quantile("y", 0.5)
    small = SurveyDesign(df.assign(y=df["y"].clip(upper=1e150)), weights="w")
    assert np.isfinite(small.quantile("y", 0.5).se).all()

"""Hostile input to weighting: every result meets its targets, or a MicropopError names why.

Examples first (one per kind of failure found in issue #11), then properties
over generated samples and margins: whatever hypothesis draws, a weighting
step either raises a :class:`MicropopError` or returns finite weights that meet
every target (checked here from the data, not from micropop's own margins),
non-negative where the method guarantees it.
"""

from __future__ import annotations

import unicodedata
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.errors import (
    ConvergenceError,
    InfeasibleBoundsError,
    LevelNotInSampleError,
    MarginLevelError,
    MarginTotalsError,
    MicropopError,
    MicropopWarning,
    OptionError,
    PopulationCountError,
    WeightError,
    WeightingError,
)
from micropop.weighting import sex_age_margins
from micropop.weighting._design import WeightingStep, weight_matrix, with_weights
from micropop.weighting.margins import level_label

SEX = {"f": 30, "m": 30}


@pytest.fixture()
def frame() -> pd.DataFrame:
    return pd.DataFrame({"sex": ["f", "f", "m", "m", "f", "m"],
                         "sex2": ["f", "f", "m", "m", "f", "m"],
                         "age": ["y", "o", "y", "o", "y", "y"],
                         "x": [1.5, 2.25, 3.0, 4.0, 5.0, 6.0],
                         "c": 2.0, "z": 0.0, "w": 10.0})


@pytest.fixture()
def des(frame) -> SurveyDesign:
    return SurveyDesign(frame, weights="w")


def totals(design: SurveyDesign, column: str) -> pd.Series:
    """Weighted counts of a column's levels, straight from the data."""
    return design.weights.groupby(design.data[column].to_numpy()).sum()


# --- collinear and inconsistent calibration targets ---------------------------------------


@pytest.mark.parametrize("method", ["linear", "raking", "logit"])
def test_collinear_margins_with_consistent_targets_are_met(des, method):
    bounds = (0.2, 5.0) if method == "logit" else None
    new = des.calibrate({"sex": {"f": 40, "m": 20}, "sex2": {"f": 40, "m": 20}, "age":
                         {"y": 35, "o": 25}, "c": 120}, method=method, bounds=bounds)
    assert totals(new, "sex").to_dict() == pytest.approx({"f": 40, "m": 20})
    assert totals(new, "age").to_dict() == pytest.approx({"y": 35, "o": 25})
    assert new.weight_summary().largest_residual < 1e-7
    assert np.isfinite(new.mean("x").se).all()


@pytest.mark.parametrize("method", ["linear", "raking"])
def test_collinear_margins_with_contradicting_targets_are_refused_by_name(des, method):
    with pytest.raises(MarginTotalsError, match=r"margins 'sex', 'sex2' contradict.*Drop the "
                                                r"redundant margin"):
        des.calibrate({"sex": SEX, "sex2": {"f": 20, "m": 40}}, method=method)
    with pytest.raises(MarginTotalsError, match=r"'sex', 'sex2' contradict"):
        des.rake({"sex": SEX, "sex2": {"f": 20, "m": 40}})


def test_a_cross_beside_its_own_margin_must_agree_with_it(des):
    cross = {("f", "y"): 15, ("f", "o"): 15, ("m", "y"): 20, ("m", "o"): 10}
    new = des.calibrate({("sex", "age"): cross, "sex": SEX})
    assert totals(new, "sex").to_dict() == pytest.approx(SEX)
    with pytest.raises(MarginTotalsError, match=r"'sex x age', 'sex'"):
        des.calibrate({("sex", "age"): cross, "sex": {"f": 25, "m": 35}})


def test_a_constant_numeric_column_fixes_its_own_total(des):
    new = des.calibrate({"sex": SEX, "c": 120})  # c = 2 in every row: total 2 x 60
    assert totals(new, "sex").to_dict() == pytest.approx(SEX)
    with pytest.raises(MarginTotalsError, match=r"'sex', 'c' contradict.*constant"):
        des.calibrate({"sex": SEX, "c": 100})


@pytest.mark.parametrize("total, column, message", [
    (-100, "x", r"total of 'x' is -100, but 'x' is never negative"),
    (0, "x", r"total of 'x' is 0, but 'x' is never negative"),
    (100, "z", r"total of 'z' is 100, but 'z' is never positive.*from 0 to 0"),
])
@pytest.mark.parametrize("with_sex", [False, True])
def test_a_numeric_total_no_positive_weights_can_reach_is_refused(des, total, column, message,
                                                                   with_sex):
    population = {**({"sex": SEX} if with_sex else {}), column: total}
    for method in ("linear", "raking"):
        with pytest.raises(PopulationCountError, match=message):
            des.calibrate(population, method=method)


def test_a_total_of_a_column_of_both_signs_may_be_negative():
    df = pd.DataFrame({"g": ["a", "a", "b", "b"], "x": [-3.0, 1.0, -2.0, 0.5], "w": 1.0})
    new = SurveyDesign(df, weights="w").calibrate({"g": {"a": 10, "b": 10}, "x": -20},
                                                  method="raking")
    assert new.weights @ df["x"] == pytest.approx(-20)
    assert (new.weights > 0).all()


def test_linear_calibration_names_its_negative_weights(des):
    with pytest.warns(MicropopWarning, match=r"gave 1 negative weight\(s\) in data row 1 \(value: "
                                             r"-0.2.*bounds=.*method='raking' or 'logit'"):
        new = des.calibrate({"sex": SEX, "x": 300})
    assert new.weights @ des.data["x"] == pytest.approx(300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        positive = des.calibrate({"sex": SEX, "x": 300}, method="raking")
    assert (positive.weights > 0).all()
    assert positive.weights @ des.data["x"] == pytest.approx(300)
    with pytest.raises(ConvergenceError, match=r"raking\) did not converge"):
        des.calibrate({"sex": SEX, "x": 400}, method="raking")  # above 30 x 5 + 30 x 6


# --- one reading of margins ---------------------------------------------------------------


@pytest.mark.parametrize("population, message", [
    ({1: 10, "1": 20, 2: 10}, r"level '1' twice \(as 1 and '1'\)"),
    ({1: 10, 1.0 + 1e-18: 20, 2: 10}, None),  # a float equal to 1 is the dict's same key
    (pd.Series([10, 20, 10], index=[1, 1, 2]), r"level '1' twice"),
    (pd.Series([10, 20, 10], index=[1.0, "1", 2]), r"level '1' twice \(as 1.0 and '1'\)"),
    (pd.DataFrame({"g": [1, 2, 2], "N": [10, 10, 5]}), r"level '2' twice"),
])
def test_a_level_given_twice_is_refused_by_name(population, message):
    des = SurveyDesign(pd.DataFrame({"g": [1, 1, 2, 2], "w": 1.0}), weights="w")
    if message is None:
        assert des.rake({"g": population}).weights.sum() == pytest.approx(30)
        return
    for weigh in (lambda: des.rake({"g": population}), lambda: des.poststratify("g", population),
                  lambda: des.calibrate({"g": population})):
        with pytest.raises(MarginLevelError, match=message):
            weigh()


def test_a_cross_level_given_twice_is_refused(des):
    with pytest.raises(MarginLevelError, match=r"level 'f.y' twice"):
        des.poststratify(["sex", "age"], pd.DataFrame({"sex": ["f", "f", "f", "m", "m"],
                                                       "age": ["y", "y", "o", "y", "o"],
                                                       "N": [1, 2, 3, 4, 5]}))


@pytest.mark.parametrize("count, shown", [("30", "'30'"), (True, "True"), (None, "None"),
                                          (np.nan, "nan"), (-1, "-1"), (0, "0"), (np.inf, "inf"),
                                          ([30], r"\[30\]")])
def test_a_count_that_is_not_a_positive_number_is_refused_by_level(des, count, shown):
    with pytest.raises(PopulationCountError, match=rf"'f' \({shown}\)"):
        des.rake({"sex": {"f": count, "m": 30}})


def test_counts_too_large_for_a_float_are_refused(des):
    with pytest.raises(PopulationCountError, match="more than a float can hold"):
        des.rake({"sex": {"f": 1e308, "m": 1e308}})


def test_a_column_mixing_kinds_of_values_is_refused_not_merged():
    for values in ([1, "1", 2, 2], [True, 1, False, "True"], [1.5, "a", "b", "b"]):
        des = SurveyDesign(pd.DataFrame({"g": pd.Series(values, dtype=object), "w": 1.0}),
                           weights="w")
        with pytest.raises(MarginLevelError, match=r"column 'g' mixes kinds.*astype\(str\)"):
            des.rake({"g": {"1": 10, "2": 10}})
        with pytest.raises(MarginLevelError, match="column 'g' mixes kinds"):
            des.adjust_nonresponse([True, True, True, True], by="g")


def test_levels_match_as_text_across_types_and_unicode_forms():
    nfc, nfd = unicodedata.normalize("NFC", "Élève"), unicodedata.normalize("NFD", "Élève")
    df = pd.DataFrame({"n": [1.0, 2.0, 2.0, 1.0], "u": [nfc, "x", nfc, "x"], "w": 1.0})
    des = SurveyDesign(df, weights="w")
    assert totals(des.rake({"n": {1: 10, 2: 30}}), "n").to_dict() == {1.0: 10, 2.0: 30}
    assert totals(des.rake({"u": {nfd: 10, "x": 30}}), "u").to_dict() == {nfc: 10, "x": 30}
    both = SurveyDesign(df.assign(u=[nfc, nfd, nfc, "x"]), weights="w")
    with pytest.raises(MarginLevelError, match=r"column 'u' holds .* one level 'Élève'"):
        both.rake({"u": {nfc: 10, "x": 30}})


def test_cross_levels_match_by_their_parts_not_their_joined_label():
    df = pd.DataFrame({"a": ["x.y", "x", "x.y"], "b": ["z", "y.z", "z"], "w": 1.0})
    new = SurveyDesign(df, weights="w").poststratify(["a", "b"], {("x", "y.z"): 30,
                                                                  ("x.y", "z"): 10})
    assert new.weights.tolist() == [5.0, 30.0, 5.0]


def test_empty_categories_need_no_count_but_cannot_be_given_one():
    df = pd.DataFrame({"g": pd.Categorical(["a", "a", "b"], categories=["a", "b", "c"]),
                       "w": 1.0})
    des = SurveyDesign(df, weights="w")
    assert des.rake({"g": {"a": 10, "b": 10}}).weights.sum() == pytest.approx(20)
    with pytest.raises(LevelNotInSampleError, match="'c'"):
        des.rake({"g": {"a": 10, "b": 10, "c": 5}})


def test_percentages_for_counts(des):
    with pytest.raises(MarginTotalsError, match=r"'sex' 100, 'age' 1\b.*percentages or shares"):
        des.rake({"sex": {"f": 50, "m": 50}, "age": {"y": 0.6, "o": 0.4}})
    with pytest.warns(MicropopWarning, match=r"'sex' counts a population of 1, fewer than "
                                             r"the 6 sampled rows.*shares or percentages"):
        des.rake({"sex": {"f": 0.52, "m": 0.48}})


def test_an_infinite_value_of_a_numeric_calibration_variable_is_named(frame):
    des = SurveyDesign(frame.assign(x=[1.0, np.inf, 2, 3, 4, 5]), weights="w")
    with pytest.raises(WeightingError, match=r"'x' is infinite in data row 2"):
        des.calibrate({"sex": SEX, "x": 200})


# --- options -------------------------------------------------------------------------------


BAD_NUMBERS = ["10", np.nan, True, None, -1, 0]


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_iteration_options_must_be_numbers_in_range(des, value):
    with pytest.raises(OptionError, match=r"max_iter="):
        des.rake({"sex": SEX}, max_iter=value)
    with pytest.raises(OptionError, match=r"epsilon="):
        des.rake({"sex": SEX}, epsilon=value)
    with pytest.raises(OptionError, match=r"max_iter="):
        des.calibrate({"sex": SEX}, method="raking", max_iter=value)
    with pytest.raises(OptionError, match=r"epsilon="):
        des.calibrate({"sex": SEX}, epsilon=value)
    with pytest.raises(OptionError, match=r"max_iter=2.5 is not a whole number"):
        des.rake({"sex": SEX}, max_iter=2.5)


@pytest.mark.parametrize("bounds, message", [
    ("ab", r"bounds='ab' is not a pair"), ((0.5, 2, 3), "is not a pair"), (5, "is not a pair"),
    ((np.nan, 2), r"bounds\[0\]=nan"), (("0.5", 2), r"bounds\[0\]='0.5'"),
    ((0.5, None), r"bounds\[1\]=None"), ({"low": 0.5, "high": 2}, "is not a pair"),
])
def test_calibration_bounds_must_be_a_pair_of_numbers(des, bounds, message):
    with pytest.raises(OptionError, match=message):
        des.calibrate({"sex": SEX}, bounds=bounds)


def test_calibration_bounds_may_be_infinite_on_one_side(des):
    new = des.calibrate({"sex": {"f": 40, "m": 20}}, bounds=(0, np.inf), method="raking")
    assert totals(new, "sex").to_dict() == pytest.approx({"f": 40, "m": 20})


@pytest.mark.parametrize("value", ["12", np.nan, None, True])
def test_trimming_bounds_must_be_numbers(des, value):
    with pytest.raises(OptionError, match=r"upper="):
        des.trim(upper=value)
    with pytest.raises(OptionError, match=r"lower="):
        des.trim(lower=value)


def test_flags_must_be_booleans(des):
    with pytest.raises(OptionError, match="strict='no'"):
        des.trim(upper=12, strict="no")
    with pytest.raises(OptionError, match="partial='yes'"):
        des.poststratify("sex", SEX, partial="yes")


# --- weights going in and coming out -------------------------------------------------------


@pytest.mark.parametrize("step", [
    lambda d: d.rake({"sex": SEX}), lambda d: d.poststratify("sex", SEX),
    lambda d: d.calibrate({"x": 50.0}), lambda d: d.trim(upper=5),
    lambda d: d.adjust_nonresponse([True] * 6), lambda d: d.weight_summary()])
def test_a_design_without_a_positive_weight_is_refused(frame, step):
    # all-zero weights are refused when the design is built; a subset can still weigh nothing
    with pytest.raises(WeightError, match="every value of weights column 'w' is zero"):
        SurveyDesign(frame.assign(w=0.0), weights="w")
    des = SurveyDesign(frame.assign(w=[0.0, 0, 1, 1, 0, 1]), weights="w").subset("sex == 'f'")
    with pytest.raises(WeightingError, match="no row with a positive weight"):
        step(des)


def test_a_step_giving_non_finite_or_negative_weights_is_refused(des):
    rows, weights = weight_matrix(des)
    step = WeightingStep("test step", (), 1, 0.0, weights[:, 0])
    for value, what in ((np.nan, "non-finite"), (np.inf, "non-finite"), (-1.0, "negative")):
        bad = weights.copy()
        bad[[1, 4], 0] = value
        with pytest.raises(WeightingError,
                           match=rf"test step gave {what} weights to data rows 2, 5"):
            with_weights(des, bad, step)


def test_a_step_missing_its_targets_is_refused_naming_margin_level_and_replicate(des):
    rep = des.replicate("jkn")
    raked = rep.rake({"sex": SEX})
    rows, weights = weight_matrix(raked)  # every column meets 30 per level
    step = WeightingStep("test", raked.weighting_steps[-1].margins, 1, 0.0, weights[:, 0])
    assert with_weights(rep, weights, step) is not None
    off = weights.copy()
    off[1, 3] *= 1.5  # row 1 is 'f': replicate 3 misses level 'f'
    with pytest.raises(ConvergenceError, match=r"test did not meet its targets: margin 'sex' "
                                               r"level 'f' reaches 35 against its target "
                                               r"30 in replicate 3"):
        with_weights(rep, off, step)


def test_negative_weights_left_by_linear_calibration_are_trimmed_not_scaled(des):
    with pytest.warns(MicropopWarning, match="1 negative weight"):
        calibrated = des.calibrate({"sex": SEX, "x": 300})
    summary = calibrated.weight_summary().statistics
    assert summary["n"] == 6 and summary["sum"] == pytest.approx(60)  # the negative one counts
    for step in (lambda d: d.rake({"sex": SEX}), lambda d: d.poststratify("sex", SEX),
                 lambda d: d.calibrate({"sex": SEX}, method="raking"),
                 lambda d: d.adjust_nonresponse([True] * 6)):
        with pytest.raises(WeightingError, match=r"negative weights in data row 1 \(value: -0.2.*"
                                                 r"trim\(lower=0\)"):
            step(calibrated)
    trimmed = calibrated.trim(lower=0)
    assert trimmed.weights.min() == 0 and trimmed.weights.sum() == pytest.approx(60)
    assert totals(trimmed.rake({"sex": SEX}), "sex").to_dict() == pytest.approx(SEX)


# --- replicates ----------------------------------------------------------------------------


@pytest.fixture()
def clusters() -> SurveyDesign:
    df = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3, 4, 4],
                       "sex": ["f", "m", "f", "m", "f", "m", "f", "x"],
                       "r": [True, True, True, False, True, False, False, True],
                       "w": 10.0, "y": np.arange(8.0)})
    return SurveyDesign(df, weights="w", psu="psu").replicate("jk1")


@pytest.mark.parametrize("step", [
    lambda d: d.rake({"sex": {"f": 40, "m": 30, "x": 10}}),
    lambda d: d.poststratify("sex", {"f": 40, "m": 30, "x": 10}),
    lambda d: d.calibrate({"sex": {"f": 40, "m": 30, "x": 10}}),
    lambda d: d.calibrate({"sex": {"f": 40, "m": 30, "x": 10}}, method="raking")])
def test_a_replicate_without_a_level_cannot_be_weighted_to_it(clusters, step):
    # replicate 4 drops PSU 4, the only one holding level 'x' (R: infinite weights, or stops)
    with pytest.raises(LevelNotInSampleError, match=r"replicate 4 keeps no row of margin 'sex' "
                                                    r"level 'x'.*Merge the level"):
        step(clusters)


def test_a_replicate_without_respondents_in_a_class_is_named(clusters):
    # class 'm' has its one respondent in PSU 1, its non-respondents in PSUs 2 and 3
    with pytest.raises(WeightingError, match=r"class 'm' has no respondent .* in replicate 1"):
        clusters.adjust_nonresponse("r", by="sex")


# --- trimming --------------------------------------------------------------------------------


def test_trimming_that_would_leave_negative_weights_is_refused():
    des = SurveyDesign(pd.DataFrame({"w": [0.01] * 4 + [6.0, 200.0]}), weights="w")
    with pytest.raises(WeightingError, match=r"negative weights in data row 5 \(value: -3.98.*"
                                             r"strict=True"):
        des.trim(lower=5)
    strict = des.trim(lower=5, strict=True).weights
    assert strict.min() >= 5 - 1e-9 and strict.sum() == pytest.approx(206.04)


def test_trimming_with_every_weight_outside_is_refused():
    des = SurveyDesign(pd.DataFrame({"w": [1.0, 100.0]}), weights="w")
    with pytest.raises(InfeasibleBoundsError, match="every weight lies outside"):
        des.trim(lower=40, upper=60)


def test_trimming_a_replicate_leaves_the_rows_it_drops_at_zero():
    df = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3], "w": [5.0, 10, 20, 30, 40, 50]})
    rep = SurveyDesign(df, weights="w", psu="psu").replicate("jk1")
    before = rep.replicate_weights.to_numpy()
    for strict in (False, True):
        after = rep.trim(lower=12, upper=80, strict=strict).replicate_weights.to_numpy()
        np.testing.assert_array_equal(after == 0, before == 0)  # R lifts them to 12
        np.testing.assert_allclose(after.sum(axis=0), before.sum(axis=0))
    with pytest.raises(InfeasibleBoundsError, match=r"total weight of replicate 1 210 of its 4 "
                                                    r"rows \(mean weight 52.5\)"):
        rep.trim(lower=12, upper=45)


# --- properties ------------------------------------------------------------------------------

LEVELS = st.sampled_from(["a", "b", "c"])
PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@st.composite
def samples(draw, zero_weights: bool = True) -> pd.DataFrame:
    n = draw(st.integers(3, 30))
    weight = st.floats(0.5, 50.0) | (st.just(0.0) if zero_weights else st.nothing())
    return pd.DataFrame({
        "g": draw(st.lists(LEVELS, min_size=n, max_size=n)),
        "h": draw(st.lists(st.sampled_from([1, 2]), min_size=n, max_size=n)),
        "x": draw(st.lists(st.floats(-5.0, 20.0, allow_nan=False), min_size=n, max_size=n)),
        "w": draw(st.lists(weight, min_size=n, max_size=n)),
    })


def counts(draw, levels, total=None) -> dict:
    values = draw(st.lists(st.floats(1.0, 1e5), min_size=len(levels), max_size=len(levels)))
    if total is not None:
        values = [v * total / sum(values) for v in values]
    return dict(zip(levels, values, strict=True))


def assert_met(design: SurveyDesign, margins: dict, rtol: float) -> None:
    """Every target met, from the data; the weights finite."""
    w = design.weights.to_numpy()
    assert np.isfinite(w).all()
    for column, target in margins.items():
        if isinstance(target, dict):
            got = totals(design, column)
            for level, count in target.items():
                assert got[level] == pytest.approx(count, rel=rtol, abs=rtol)
        else:
            assert w @ design.data[column].to_numpy() == pytest.approx(target, rel=rtol,
                                                                       abs=rtol * 10)


@PROPERTY
@given(data=st.data(), df=samples(), method=st.sampled_from(["rake", "poststratify", "linear",
                                                              "raking", "logit"]))
def test_weighting_meets_its_targets_or_says_why(data, df, method):
    try:
        des = SurveyDesign(df, weights="w")
    except WeightError:  # all-zero weights are refused when the design is built
        return
    total = data.draw(st.floats(50.0, 1e6))
    margins = {"g": counts(data.draw, sorted(set(df["g"])), total),
               "h": counts(data.draw, sorted(set(df["h"])), total)}
    if method in ("linear", "raking", "logit") and data.draw(st.booleans()):
        margins["x"] = data.draw(st.floats(-1e4, 1e5))
    bounds = (data.draw(st.floats(0.01, 0.9)), data.draw(st.floats(1.1, 50.0)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MicropopWarning)
            if method == "rake":
                new = des.rake(margins)
            elif method == "poststratify":
                margins = {"g": margins["g"]}
                new = des.poststratify("g", margins["g"])
            else:
                new = des.calibrate(margins, method=method,
                                    bounds=bounds if method == "logit" else None)
    except MicropopError:
        return
    assert_met(new, margins, rtol=1e-5)
    if method != "linear":
        assert (new.weights >= 0).all()


GOOD_COUNTS = st.floats(1.0, 1e4)
HOSTILE_COUNTS = st.sampled_from([0.0, -3.0, np.nan, np.inf, "7", True, None, [5]])
HOSTILE_LEVELS = st.sampled_from([1, 2, 1.0, 2.5, "1", True, False, None, np.nan, "é",
                                  unicodedata.normalize("NFD", "é")])


def hostile(draw, population: dict) -> dict:
    """``population`` with up to two levels added or recounted, from hostile keys and counts."""
    for _ in range(draw(st.integers(0, 2))):
        population[draw(LEVELS | HOSTILE_LEVELS)] = draw(GOOD_COUNTS | HOSTILE_COUNTS)
    return population


@PROPERTY
@given(data=st.data(), df=samples())
def test_hostile_margins_are_refused_or_met(data, df):
    levels = sorted(set(df["g"][df["w"] > 0]))
    assume(levels)
    population = hostile(data.draw, {level: data.draw(GOOD_COUNTS) for level in levels})
    try:
        des = SurveyDesign(df, weights="w")  # all-zero weights are refused here
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            new = des.rake({"g": population})
    except MicropopError:
        return
    assert_met(new, {"g": population}, rtol=1e-6)


@PROPERTY
@given(data=st.data(), n=st.integers(2, 12))
def test_hostile_level_columns_are_refused_or_met(data, n):
    values = LEVELS | LEVELS | LEVELS | HOSTILE_LEVELS.filter(lambda v: not pd.isna(v))
    column = data.draw(st.lists(values, min_size=n, max_size=n))
    population = hostile(data.draw, {value: data.draw(GOOD_COUNTS) for value in column})
    des = SurveyDesign(pd.DataFrame({"g": pd.Series(column, dtype=object), "w": 2.0}),
                       weights="w")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            new = des.poststratify("g", population)
    except MicropopError:
        return
    labels = np.array([level_label(v) for v in column])
    for key, count in population.items():
        assert new.weights[labels == level_label(key)].sum() == pytest.approx(count)
    assert new.weights.sum() == pytest.approx(sum(population.values()))


@PROPERTY
@given(df=samples(), lower=st.floats(-5.0, 30.0) | st.just(-np.inf),
       upper=st.floats(5.0, 60.0) | st.just(np.inf), strict=st.booleans())
def test_trimming_keeps_the_total_or_says_why(df, lower, upper, strict):
    try:
        des = SurveyDesign(df, weights="w")  # all-zero weights are refused here
        new = des.trim(lower=lower, upper=upper, strict=strict)
    except MicropopError:
        return
    w = new.weights.to_numpy()
    assert np.isfinite(w).all() and (w >= 0).all()
    assert w.sum() == pytest.approx(df["w"].sum(), rel=1e-9)
    positive = w[df["w"].to_numpy() > 0]
    if strict:
        assert positive.min() >= lower - 1e-9 * w.sum() and positive.max() <= upper + 1e-9 * w.sum()


@PROPERTY
@given(data=st.data(), df=samples())
def test_nonresponse_keeps_class_totals_or_says_why(data, df):
    responded = data.draw(st.lists(st.sampled_from([True, True, True, False]),
                                   min_size=len(df), max_size=len(df)))
    try:
        des = SurveyDesign(df, weights="w")  # all-zero weights are refused here
        new = des.adjust_nonresponse(responded, by=["g", "h"])
    except MicropopError:
        return
    before = df.groupby(["g", "h"])["w"].sum()
    after = new.weights.groupby([new.data["g"], new.data["h"]]).sum()
    pd.testing.assert_series_equal(after.reindex(before.index).fillna(0.0), before,
                                   check_names=False, rtol=1e-9)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), df=samples(zero_weights=False),
       method=st.sampled_from(["rake", "linear", "raking"]))
def test_every_replicate_meets_the_targets_or_is_named(data, df, method):
    df = df.assign(psu=np.arange(len(df)) % 4)
    assume(df["psu"].nunique() > 1)
    rep = SurveyDesign(df, weights="w", psu="psu").replicate("jk1")
    margins = {"g": counts(data.draw, sorted(set(df["g"])))}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MicropopWarning)
            new = (rep.rake(margins) if method == "rake"
                   else rep.calibrate(margins, method=method))
    except MicropopError as error:
        assert "replicate" in str(error) or not isinstance(error, LevelNotInSampleError)
        return
    reps = new.replicate_weights.to_numpy()
    assert np.isfinite(reps).all()
    g = df["g"].to_numpy()
    for level, count in margins["g"].items():
        np.testing.assert_allclose(reps[g == level].sum(axis=0), count, rtol=1e-5)


# --- the response indicator ----------------------------------------------------------------


def test_a_response_series_is_aligned_on_the_index_never_by_position():
    df = pd.DataFrame({"r": [True, True, False, True], "g": ["a", "a", "a", "b"],
                       "w": [10.0, 20.0, 30.0, 40.0]})
    des = SurveyDesign(df, weights="w")
    expected = des.adjust_nonresponse("r").weights.tolist()
    assert des.adjust_nonresponse(df["r"].iloc[::-1]).weights.tolist() == expected
    women = des.subset("g == 'a'")
    for responded in (df["r"], df["r"][df["g"] == "a"], df["r"].to_numpy(), [True, True, False]):
        assert women.adjust_nonresponse(responded).weights.tolist() == [20.0, 40.0]
    with pytest.raises(WeightingError, match=r"has no value for data rows 1, 2, 3, 4"):
        des.adjust_nonresponse(df["r"].set_axis([5, 6, 7, 8]))
    with pytest.raises(WeightingError, match=r"repeats index label\(s\) 0"):
        des.adjust_nonresponse(pd.Series(True, index=[0, 0, 1, 2]))
    with pytest.raises(WeightingError, match=r"has 5 values for 4 rows"):
        des.adjust_nonresponse([True] * 5)
    with pytest.raises(WeightingError,
                       match=r"True/False \(or 1/0\), not data row 4 \(value: yes\)"):
        des.adjust_nonresponse([True, True, False, "yes"])


# --- census margins ------------------------------------------------------------------------


@pytest.mark.parametrize("sexes, ages, options, error, message", [
    (["female", "male"], ["18-30", "25-44"], {}, MarginLevelError,
     r"'18-30' and '25-44' of column 'age_band' overlap \(ages 25 to 30"),
    (["female", "male"], ["18-24", "18 - 24"], {}, MarginLevelError, "overlap"),
    (["female", "male"], ["30-25", "25-44"], {}, MarginLevelError, "'30-25' .* runs backwards"),
    (["female", "male"], ["150-160", "25-44"], {}, MarginLevelError, "'150-160' .* holds no age"),
    (["female", "male"], ["18-24", "25-44"], {"age_range": (50, 60)}, MarginLevelError,
     r"'18-24' .* holds no age from 50 to 60"),
    (["female", "male"], ["18-24", "25-44"], {"age_range": ("18", 44)}, OptionError,
     r"age_range\[0\]='18'"),
    (["female", "male"], ["18-24", "25-44"], {"age_range": (np.nan, 44)}, OptionError, "nan"),
    (["female", "male"], ["18-24", "25-44"], {"age_range": (44, 18)}, OptionError,
     r"age_range\[1\]=18 is out of range"),
    (["female", "male"], ["18-24", "25-44"], {"age_range": 18}, OptionError, "not a pair"),
    (["female", "Female"], ["18-24", "25-44"], {}, MarginLevelError,
     r"'Female' and 'female' .* both read as the census's 'women'"),
    (["F", "H"], ["18-24", "25-44"], {"sex_labels": {"F": "woman", "H": "men"}}, WeightingError,
     r"maps 'F': 'woman' to no census column"),
    (["F", "H"], ["18-24", "25-44"], {"sex_labels": "FH"}, WeightingError, "not str"),
])
def test_census_margins_refuse_bands_that_overlap_or_hold_no_age(sexes, ages, options, error,
                                                                 message):
    df = pd.DataFrame({"sex": sexes, "age_band": ages})
    with pytest.raises(error, match=message):
        sex_age_margins(df, **options)


def test_census_margins_of_bands_cut_by_the_age_range_agree():
    df = pd.DataFrame({"sex": ["female", "male"], "age_band": ["18-24", "25-44"]})
    margins = sex_age_margins(df, age_range=(20, 30))
    assert sum(margins["sex"].values()) == pytest.approx(sum(margins["age_band"].values()))


@pytest.mark.parametrize("weigh, error, message", [
    (lambda d: d.poststratify([], SEX), WeightingError, "names no column"),
    (lambda d: d.rake({(): SEX}), WeightingError, "names no column"),
    (lambda d: d.adjust_nonresponse(None), WeightingError, "responded=None is neither"),
    (lambda d: d.adjust_nonresponse(np.ones((6, 1), bool)), WeightingError, r"shape \(6, 1\)"),
    (lambda d: d.rake({"sex": pd.Series(["30", "30"], index=["f", "m"])}), PopulationCountError,
     r"'f' \('30'\), 'm' \('30'\)"),
])
def test_arguments_of_the_wrong_shape_are_named(des, weigh, error, message):
    with pytest.raises(error, match=message):
        weigh(des)

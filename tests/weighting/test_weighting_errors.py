"""Bad input to weighting: each error names the margin, level or rows, and the fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from micropop.design import SurveyDesign
from micropop.errors import (
    ConvergenceError,
    DesignError,
    InfeasibleBoundsError,
    LevelNotInMarginError,
    LevelNotInSampleError,
    MarginTotalsError,
    MicropopError,
    MissingColumnError,
    NotCategoricalError,
    PopulationCountError,
    WeightingError,
    WeightingMissingError,
)


@pytest.fixture()
def des() -> SurveyDesign:
    df = pd.DataFrame({"sex": ["f", "f", "m", "m", "f", "m"],
                       "age": ["young", "old", "young", "old", "young", "young"],
                       "x": [1.5, 2.25, 3.0, 4.0, 5.0, 6.0],
                       "w": 10.0})
    return SurveyDesign(df, weights="w")


SEX = {"f": 30, "m": 30}


def test_population_level_absent_from_sample_is_named(des):
    with pytest.raises(LevelNotInSampleError, match=r"'x'.*no sampled row.*Merge"):
        des.rake({"sex": {"f": 20, "m": 20, "x": 20}})
    with pytest.raises(LevelNotInSampleError, match="partial=True"):
        des.poststratify("sex", {"f": 20, "m": 20, "x": 20})


def test_sample_level_absent_from_margin_names_level_and_rows(des):
    with pytest.raises(LevelNotInMarginError, match=r"'m'.*data rows 3, 4, 6"):
        des.calibrate({"sex": {"f": 60}})


def test_margins_with_different_totals(des):
    with pytest.raises(MarginTotalsError, match=r"'sex' 60.*'age' 70"):
        des.rake({"sex": SEX, "age": {"young": 40, "old": 30}})


def test_raking_that_does_not_converge_names_margin_residual_and_sweeps():
    # the cross has an empty cell (m, old): targets that need it are unreachable
    df = pd.DataFrame({"sex": ["f", "f", "m"], "age": ["young", "old", "young"], "w": 1.0})
    des = SurveyDesign(df, weights="w")
    margins = {"sex": {"f": 10, "m": 90}, "age": {"young": 10, "old": 90}}
    with pytest.raises(ConvergenceError, match=r"margin '(sex|age)' level '\w+'.*largest "
                                               r"residual.*of 3 sweeps still changed"):
        des.rake(margins, max_iter=3)
    # R's rake stops here silently: the sweeps settle, the margins are missed
    with pytest.raises(ConvergenceError, match=r"settled after \d+ sweeps without meeting"):
        des.rake(margins, max_iter=10_000)


def test_calibration_that_does_not_converge_names_margin_and_iterations():
    df = pd.DataFrame({"sex": ["f", "f", "m"], "age": ["young", "old", "young"], "w": 1.0})
    des = SurveyDesign(df, weights="w")
    with pytest.raises(ConvergenceError, match=r"raking\) did not converge in 5 iterations: "
                                               r"margin '\w+' level"):
        des.calibrate({"sex": {"f": 10, "m": 90}, "age": {"young": 10, "old": 90}},
                      method="raking", max_iter=5)


def test_infeasible_bounds(des):
    with pytest.raises(InfeasibleBoundsError, match=r"margin 'sex' level 'f' needs.*2"):
        des.calibrate({"sex": {"f": 60, "m": 30}}, bounds=(0.5, 1.5))
    with pytest.raises(InfeasibleBoundsError, match="finite bounds"):
        des.calibrate({"sex": SEX}, method="logit")
    with pytest.raises(InfeasibleBoundsError, match="low < 1 < high"):
        des.calibrate({"sex": SEX}, bounds=(1.2, 3))
    with pytest.raises(InfeasibleBoundsError, match="cannot hold the total weight"):
        des.trim(upper=5)


@pytest.mark.parametrize("count", [0, -5, np.nan])
def test_zero_negative_or_missing_population_counts(des, count):
    with pytest.raises(PopulationCountError, match=r"'m'"):
        des.poststratify("sex", {"f": 30, "m": count})


def test_numeric_total_must_be_finite(des):
    with pytest.raises(PopulationCountError, match="'x'"):
        des.calibrate({"sex": SEX, "x": np.inf})


def test_continuous_variable_where_a_margin_expects_categories(des):
    with pytest.raises(NotCategoricalError, match=r"'x' holds continuous.*pd.cut"):
        des.rake({"x": {1.5: 10, 2.25: 10}})


def test_a_number_for_a_categorical_margin(des):
    with pytest.raises(WeightingError, match="needs a population count per level"):
        des.calibrate({"sex": 60})
    with pytest.raises(WeightingError, match="count per level"):
        des.rake({"x": 60})


def test_missing_values_in_a_weighting_variable_say_how_many_rows():
    df = pd.DataFrame({"sex": ["f", None, "m", None], "w": 1.0})
    des = SurveyDesign(df, weights="w")
    with pytest.raises(WeightingMissingError,
                       match=r"'sex' is missing in 2 row\(s\): data rows 2, 4"):
        des.rake({"sex": SEX})
    with pytest.raises(WeightingMissingError, match="2 row"):
        des.adjust_nonresponse([True, None, True, None])


def test_nonresponse_class_without_respondents(des):
    with pytest.raises(WeightingError, match=r"class 'm' has no respondent"):
        des.adjust_nonresponse([True, True, False, False, True, False], by="sex")


def test_unknown_column_and_method(des):
    with pytest.raises(MissingColumnError, match="'region'"):
        des.rake({"region": {"a": 1}})
    with pytest.raises(WeightingError, match="method='probit'"):
        des.calibrate({"sex": SEX}, method="probit")
    with pytest.raises(WeightingError, match="non-empty dict"):
        des.rake({})


def test_every_weighting_error_is_a_micropop_error():
    for cls in (ConvergenceError, InfeasibleBoundsError, LevelNotInMarginError,
                LevelNotInSampleError, MarginTotalsError, NotCategoricalError,
                PopulationCountError, WeightingMissingError):
        assert issubclass(cls, WeightingError) and issubclass(cls, MicropopError)



@pytest.mark.parametrize("weigh", [lambda d: d.rake({"sex": SEX}),
                                   lambda d: d.poststratify("sex", SEX),
                                   lambda d: d.calibrate({"sex": SEX}, method="linear")],
                         ids=["rake", "poststratify", "calibrate"])
def test_replicating_a_weighted_design_is_refused_with_the_right_order(des, weigh):
    with pytest.raises(DesignError, match=r"re-weighted .*replicate design first, then weight it"):
        weigh(des).replicate("jkn")
    assert weigh(des.replicate("jkn")).mean("x").se[0] > 0  # the order R uses works

"""Bad inputs to designs: refused by name, or a design whose numbers are right (issue #11)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign, as_columns, data_rows
from micropop.errors import DesignError, MicropopError, OptionError, WeightError
from support.hostile import column_labels, design_frames, weights

FAST = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "w": 2.0, "h": list("aaabbb"),
                         "psu": [1, 1, 2, 3, 3, 4], "N": 10.0})


# --- weights ---------------------------------------------------------------------


def test_all_zero_weights_are_refused(df):
    with pytest.raises(WeightError, match="every value of weights column 'w' is zero"):
        SurveyDesign(df.assign(w=0.0), weights="w")


def test_probabilities_above_one_or_zero_are_refused_naming_rows(df):
    with pytest.raises(WeightError, match=r"probs column 'p' has values above 1 .* data rows? 2"):
        SurveyDesign(df.assign(p=[0.5, 2.0, 0.5, 0.5, 0.5, 0.5]), probs="p")
    with pytest.raises(WeightError, match=r"zero or negative .* data row 3 \(value: 0.0\)"):
        SurveyDesign(df.assign(p=[0.5, 0.5, 0.0, 0.5, 0.5, 0.5]), probs="p")


def test_true_false_weights_are_refused(df):
    with pytest.raises(WeightError, match="True/False"):
        SurveyDesign(df.assign(w=True), weights="w")


@pytest.mark.parametrize("bad, what", [(np.nan, "missing"), (np.inf, "infinite"),
                                       (-1.0, "negative")])
def test_bad_weights_name_the_data_row(df, bad, what):
    with pytest.raises(WeightError, match=f"{what}.*data row 4"):
        SurveyDesign(df.assign(w=[1.0, 1, 1, bad, 1, 1]), weights="w")


def test_rows_are_named_by_position_and_id(df):
    indexed = df.assign(w=[1.0, 1, -1, 1, 1, 1]).set_axis([f"r{i}" for i in range(6)])
    with pytest.raises(WeightError, match=r"data row 3 \(id r2\)"):
        SurveyDesign(indexed, weights="w")


# --- fpc -------------------------------------------------------------------------------


@pytest.mark.parametrize("given_weights", [None, "w"])
def test_an_fpc_of_zero_is_refused_naming_rows(df, given_weights):
    # derived weights were infinite; with weights, a fraction of 0 was taken as "no fpc"
    with pytest.raises(DesignError, match=r"fpc column 'N' has .*zero.* data rows 1, 2"):
        SurveyDesign(df.assign(N=0.0), weights=given_weights, strata="h", fpc="N")


# --- column labels -----------------------------------------------------------------------


def test_non_text_labels_are_refused_naming_them():
    with pytest.raises(DesignError, match="column labels 0, 1 are not text"):
        SurveyDesign(pd.DataFrame([[1.0, 2.0], [3.0, 4.0]]))


def test_repeated_labels_are_refused_naming_them(df):
    twice = pd.concat([df, df[["y"]]], axis=1)
    with pytest.raises(DesignError, match="several columns named 'y'"):
        SurveyDesign(twice, weights="w")


@FAST
@given(column_labels(3))
def test_any_labels_give_a_design_or_a_named_refusal(labels):
    frame = pd.DataFrame(np.ones((4, 3)), columns=pd.Index(labels, dtype=object))
    text = all(isinstance(label, str) for label in labels)
    distinct = len(set(map(repr, labels))) == len(labels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            des = SurveyDesign(frame)
    except DesignError as err:
        assert not (text and distinct)
        assert "not text" in str(err) or "several columns" in str(err)
    else:
        assert text and distinct
        assert des.total(labels[0]).estimate[0] == 4.0


@pytest.mark.parametrize("bad", [3, [1, "y"], ("y", None), b"y", {"y": 1}])
def test_column_arguments_that_are_not_names_are_refused(df, bad):
    with pytest.raises(OptionError, match="column name|not column names"):
        SurveyDesign(df, weights="w").mean(bad)


def test_as_columns_refuses_repeats_where_they_must_be_distinct():
    assert as_columns(["a", "a"], "fpc") == ["a", "a"]  # fpc=["N", "N"]: one column, two stages
    with pytest.raises(OptionError, match="'a' twice"):
        as_columns(["a", "a"], "by", distinct=True)


def test_strata_that_cannot_be_told_apart_are_refused(df):
    lists = pd.Series([["a"], ["a"], ["a"], ["b"], ["b"], ["b"]], dtype=object)
    with pytest.raises(DesignError, match="strata column 'h' holds values that cannot"):
        SurveyDesign(df.assign(h=lists), weights="w", strata="h")


def test_flags_must_be_true_or_false(df):
    with pytest.raises(OptionError, match="nest='yes'"):
        SurveyDesign(df, weights="w", nest="yes")


def test_data_rows_summarises_long_lists():
    text = data_rows(pd.RangeIndex(20), np.ones(20, dtype=bool))
    assert text == "data rows 1, 2, 3, 4, 5 and 15 more"


# --- generated designs ------------------------------------------------------------------


@FAST
@given(design_frames(extremes=True))
def test_generated_designs_are_built_or_refused_by_name(frame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            des = SurveyDesign(frame.data, **frame.design_kwargs)
        except MicropopError:
            return
    assert np.isfinite(des.weights).all() and (des.weights >= 0).all()
    assert (des.weights > 0).any() and des.degf >= 0


@FAST
@given(st.lists(st.one_of(weights(), st.sampled_from([np.nan, np.inf, -np.inf, -1.0, "x",
                                                      None])), min_size=2, max_size=8))
def test_any_weight_column_gives_a_design_or_a_weight_error(values):
    frame = pd.DataFrame({"y": 1.0, "w": pd.Series(values, dtype=object)})
    try:
        des = SurveyDesign(frame, weights="w")
    except WeightError as err:
        assert "data row" in str(err) or "every value" in str(err)
    else:
        numeric = pd.to_numeric(frame["w"], errors="coerce").to_numpy(dtype=float)
        assert np.isfinite(numeric).all() and (numeric >= 0).all() and (numeric > 0).any()
        assert np.array_equal(des.weights.to_numpy(), numeric)


# --- descriptive tables (micropop.describe) ----------------------------------------------


def test_shares_take_one_name_as_one_variable_and_refuse_bad_weights():
    from micropop.describe import shares
    from micropop.errors import DataValidationError
    frame = pd.DataFrame({"sex": ["f", "m", "f"], "w": [1.0, 2.0, 1.0]})
    assert shares(frame, "sex", weights="w").index.tolist() == [("sex", "f"), ("sex", "m")]
    with pytest.raises(DataValidationError, match="every weight of 'w' is zero"):
        shares(frame.assign(w=0.0), ["sex"], weights="w")
    with pytest.raises(DataValidationError, match="2 weights given for 3 rows"):
        shares(frame, ["sex"], weights=pd.Series([1.0, 2.0], name="w"))
    huge = shares(frame.assign(w=1e300), ["sex"], weights="w")
    assert huge["weighted_share"].tolist() == [2 / 3, 1 / 3]
    with pytest.raises(DataValidationError, match="weighted count .* beyond double"):
        shares(frame.assign(w=1e308), ["sex"], weights="w")  # 2e308 women


@pytest.mark.parametrize("edges", [[0, np.nan, 5], [0, np.inf], ["a", "b"], []])
def test_binned_refuses_edges_that_are_not_finite_increasing_numbers(edges):
    from micropop.describe import binned
    from micropop.errors import DataValidationError
    with pytest.raises(DataValidationError, match="edges"):
        binned(pd.Series([1.0, 2.0], name="v"), edges)


def test_binned_refuses_infinite_values():
    from micropop.describe import binned
    from micropop.errors import DataValidationError
    with pytest.raises(DataValidationError, match=r"infinite .* row 2 \(value: inf\)"):
        binned(pd.Series([1.0, np.inf], name="v"), [0, 1])

"""The model frame's data side: missing values, the response, factor levels, aliased columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from micropop.errors import FormulaError, InfiniteValueError, MissingValuesError
from micropop.models.formula import model_frame

#: One tuple a respondent: y, x, g, flag, yes, freq.
ROWS = [(1.0, 1.0, "b", True, "no", "weekly"), (2.0, 3.0, "a", False, "yes", "monthly"),
        (3.0, 2.0, "c", True, "yes", "rare"), (4.0, 5.0, "a", False, "no", "weekly"),
        (5.0, 4.0, "b", True, "no", "rare"), (6.0, 7.0, "c", True, "yes", "monthly"),
        (7.0, 6.0, "a", False, "no", "rare"), (9.0, 8.0, "b", False, "yes", "weekly")]


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame.from_records(ROWS, columns=["y", "x", "g", "flag", "yes", "freq"])


def test_missing_values_named_by_column_and_rows(df: pd.DataFrame) -> None:
    df.loc[[1, 4], "x"] = np.nan
    df.loc[6, "g"] = None
    with pytest.raises(MissingValuesError) as err:
        model_frame(df, "y ~ x + g")
    text = str(err.value)
    assert "column 'x' at data rows 2, 5" in text and "column 'g' at data row 7" in text
    assert "na_rm=True" in text
    mf = model_frame(df, "y ~ x + g", na_rm=True)
    assert mf.rows.tolist() == [True, False, True, True, False, True, False, True]
    assert list(mf.X.index) == [0, 2, 3, 5, 7]
    np.testing.assert_array_equal(mf.y, [1, 3, 4, 6, 9])


def test_unused_columns_do_not_count(df: pd.DataFrame) -> None:
    df.loc[0, "freq"] = None
    assert model_frame(df, "y ~ x").rows.all()


def test_unused_levels_are_dropped_as_glm(df: pd.DataFrame) -> None:
    df["g"] = pd.Categorical(df["g"], categories=["z", "c", "b", "a"])
    assert list(model_frame(df, "y ~ g").X.columns) == ["(Intercept)", "gb", "ga"]
    df.loc[[2, 5], "x"] = np.nan  # the rows of level c
    mf = model_frame(df, "y ~ g + x", na_rm=True)
    assert list(mf.X.columns) == ["(Intercept)", "ga", "x"]
    assert mf.levels == {"g": ["b", "a"]}


def test_text_levels_sorted_bool_false_true(df: pd.DataFrame) -> None:
    assert list(model_frame(df, "y ~ g + flag").X.columns) == [
        "(Intercept)", "gb", "gc", "flagTRUE"]
    assert list(model_frame(df, "y ~ C(g)").X.columns) == ["(Intercept)", "C(g)b", "C(g)c"]
    df["g"] = ["B", "a", "é", "a", "B", "é", "a", "B"]  # Python's order: code points
    assert list(model_frame(df, "y ~ g").X.columns) == ["(Intercept)", "ga", "gé"]


def test_numbers_as_categories(df: pd.DataFrame) -> None:
    df["n"] = [1, 2, 2, 3, 1, 3, 2, 1]
    assert list(model_frame(df, "y ~ C(n)").X.columns) == ["(Intercept)", "C(n)2", "C(n)3"]
    df["h"] = pd.Categorical([0.5, 1.0, 1.5, 0.5, 1.0, 1.5, 1.0, 0.5])
    assert list(model_frame(df, "y ~ h").X.columns) == ["(Intercept)", "h1", "h1.5"]


def test_ordered_categorical_polynomial_contrasts(df: pd.DataFrame) -> None:
    df["o"] = pd.Categorical(df["freq"], ["rare", "monthly", "weekly"], ordered=True)
    mf = model_frame(df, "y ~ o")
    assert list(mf.X.columns) == ["(Intercept)", "o.L", "o.Q"]
    np.testing.assert_allclose(mf.X.loc[2, ["o.L", "o.Q"]], [-np.sqrt(0.5), 1 / np.sqrt(6)])
    assert list(model_frame(df, "y ~ C(o, ref='weekly')").X.columns)[1:] == [
        'relevel(o, ref = "weekly")rare', 'relevel(o, ref = "weekly")monthly']
    assert list(model_frame(df, "y ~ C(o, treatment)").X.columns)[1:] == [
        "C(o, treatment)monthly", "C(o, treatment)weekly"]
    assert list(model_frame(df, "y ~ o - 1").X.columns) == ["orare", "omonthly", "oweekly"]


def test_response_coding(df: pd.DataFrame) -> None:
    np.testing.assert_array_equal(model_frame(df, "flag ~ x").y, df["flag"].astype(float))
    np.testing.assert_array_equal(model_frame(df, "yes ~ x").y, df["yes"] == "yes")
    np.testing.assert_array_equal(model_frame(df, "C(yes, ref='yes') ~ x").y, df["yes"] == "no")
    cat = pd.Categorical(df["yes"], categories=["yes", "no", "maybe"])
    df["cat"] = cat
    np.testing.assert_array_equal(model_frame(df, "cat ~ x").y, df["yes"] == "no")
    with pytest.raises(FormulaError, match=r"response freq .* 3 levels .*indicator"):
        model_frame(df, "freq ~ x")


def test_single_level_factor_refused(df: pd.DataFrame) -> None:
    df["one"] = "only"
    with pytest.raises(FormulaError, match="one .* single level .*'only'"):
        model_frame(df, "y ~ x + one")


def test_unknown_reference_level(df: pd.DataFrame) -> None:
    with pytest.raises(FormulaError, match="reference level 'd' .*Choose one of 'a', 'b', 'c'"):
        model_frame(df, "y ~ C(g, ref='d')")


def test_text_transform_refused(df: pd.DataFrame) -> None:
    with pytest.raises(FormulaError, match="log\\(g\\) .*needs numbers"):
        model_frame(df, "y ~ log(g)")


def test_mixed_text_column_refused(df: pd.DataFrame) -> None:
    df["m"] = ["a", 1, "b", "a", 2, "b", "a", "b"]
    with pytest.raises(FormulaError, match="'m' .*mixes text with int"):
        model_frame(df, "y ~ m")


def test_transforms_not_finite_named_by_rows(df: pd.DataFrame) -> None:
    df.loc[[3, 5], "x"] = [0.0, -1.0]
    with pytest.raises(FormulaError, match=r"log\(x\) .*data rows 4, 6 \(values: 0.0, -1.0\)"):
        model_frame(df, "y ~ log(x)")
    df.loc[3, "x"] = np.inf
    with pytest.raises(InfiniteValueError, match="'x' .*data row 4"):
        model_frame(df, "y ~ x")


def test_aliased_columns_named(df: pd.DataFrame) -> None:
    df["x2"] = 2 * df["x"] + 1
    with pytest.raises(FormulaError) as err:
        model_frame(df, "y ~ x + x2 + g")
    text = str(err.value)
    assert "'x2' (term 'x2') = 1*'(Intercept)' +2*'x'" in text and "NA coefficients" in text
    df["ga"] = (df["g"] == "a").astype(float)
    with pytest.raises(FormulaError, match=r"'ga' .*'\(Intercept\)'.*'gb'.*'gc'"):
        model_frame(df, "y ~ g + ga")
    with pytest.raises(FormulaError, match="aliased"):
        model_frame(df.iloc[:2], "y ~ x + g")  # fewer rows than columns


def test_no_rows_left(df: pd.DataFrame) -> None:
    df["x"] = np.nan
    with pytest.raises(FormulaError, match="no row has a value"):
        model_frame(df, "y ~ x", na_rm=True)


def test_index_kept(df: pd.DataFrame) -> None:
    df.index = [f"r{i}" for i in range(len(df))]
    mf = model_frame(df, "y ~ x")
    assert list(mf.X.index) == list(df.index)
    df.loc["r2", "x"] = np.nan
    with pytest.raises(MissingValuesError, match=r"data row 3 \(id r2\)"):
        model_frame(df, "y ~ x")

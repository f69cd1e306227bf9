"""Hostile inputs to micropop.earnings: every answer is right or a MicropopError.

Generated frames mix ordinary earnings, hours and household counts with zeros,
negatives, NaN, infinities, fractions and impossible values (more than 168
hours a week, households of 0 persons). Each indicator is either refused with
a MicropopError, or a share in [0, 1] equal to the weighted share computed
directly with numpy on the rows that should count; and it is refused exactly
when an input is unusable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop import earnings
from micropop.errors import (
    DesignError,
    EarningsError,
    EmptyDomainError,
    MicropopError,
    MissingValuesError,
    NegativeEarningsError,
    NotNumericVariableError,
    OptionError,
    ReferenceYearError,
    ZeroHoursError,
)

PAY = st.one_of(st.floats(0, 500), st.sampled_from([0.0, 0.0, 5.0, -1.0, np.nan, np.inf,
                                                     1e300, 1e-300]))
HOURS = st.one_of(st.floats(0.1, 60), st.sampled_from([0.0, -2.0, np.nan, np.inf, 200.0,
                                                       168.0, 1e-320]))
SIZE = st.one_of(st.integers(1, 6).map(float), st.sampled_from([0.0, 0.0, 2.5, -1.0, np.nan]))
CHILDREN = st.one_of(st.integers(0, 3).map(float), st.sampled_from([0.5, -1.0, np.nan]))
INCOME = st.one_of(st.floats(-500, 8000), st.sampled_from([np.nan, np.inf, 0.0]))


@st.composite
def frames(draw):
    n = draw(st.integers(2, 8))

    def column(strategy):
        return draw(st.lists(strategy, min_size=n, max_size=n))

    return pd.DataFrame({"pay": column(PAY), "hours": column(HOURS), "size": column(SIZE),
                         "children": column(CHILDREN), "income": column(INCOME),
                         "w": column(st.floats(0.5, 3.0))})


def answer(call):
    try:
        return call()
    except MicropopError as err:
        assert str(err).strip()
        return err


def share(w: np.ndarray, condition: np.ndarray, kept: np.ndarray) -> float:
    return float((w * condition)[kept].sum() / w[kept].sum())


ENGINE_REFUSALS = (EmptyDomainError, DesignError)  # nothing left to estimate


@settings(max_examples=60, deadline=None)
@given(df=frames(), na_rm=st.booleans())
def test_earnings_shares_are_direct_weighted_shares_or_refused(df, na_rm):
    pay, w = df["pay"].to_numpy(), df["w"].to_numpy()
    des = mp.SurveyDesign(df, weights="w")
    result = answer(lambda: earnings.earnings_shares(des, "pay", thresholds=[5, 20],
                                                     na_rm=na_rm))
    observed = ~np.isnan(pay)
    usable = (na_rm or observed.all()) and not np.any(np.isinf(pay) | (pay < 0))
    if isinstance(result, MicropopError):
        assert not usable or isinstance(result, ENGINE_REFUSALS), result
        return
    assert usable
    expected = [share(w, pay == 0, observed), share(w, pay < 5, observed),
                share(w, pay < 20, observed)]
    np.testing.assert_allclose(result.estimate, expected, rtol=1e-12, atol=1e-15)
    assert np.all(np.isfinite(result.se))


@settings(max_examples=60, deadline=None)
@given(df=frames(), na_rm=st.booleans(), zero_hours=st.sampled_from(["error", "exclude"]))
def test_minimum_wage_shares_are_direct_or_refused(df, na_rm, zero_hours):
    pay, hours, w = df["pay"].to_numpy(), df["hours"].to_numpy(), df["w"].to_numpy()
    des = mp.SurveyDesign(df, weights="w")
    result = answer(lambda: earnings.below_minimum_wage(des, 2019, "pay", "hours",
                                                        zero_hours=zero_hours, na_rm=na_rm))
    observed = ~np.isnan(pay) & ~np.isnan(hours)
    with np.errstate(all="ignore"):
        rate = pay / (hours * 52 / 12)
    usable = ((na_rm or observed.all())
              and not np.any(np.isinf(pay) | (pay < 0) | np.isinf(hours) | (hours < 0)
                             | (hours > 168))
              and (zero_hours == "exclude" or not np.any(hours == 0))
              and not np.any(np.isinf(rate[hours > 0])))
    if isinstance(result, MicropopError):
        assert not usable or isinstance(result, ENGINE_REFUSALS), result
        return
    assert usable, df
    kept = observed & (hours > 0)
    expected = share(w, rate < earnings.minimum_wage(2019), kept)
    assert result.estimate[0] == pytest.approx(expected, rel=1e-12, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(df=frames(), na_rm=st.booleans())
def test_poverty_shares_are_direct_or_refused(df, na_rm):
    income, size, children, w = (df[c].to_numpy() for c in ("income", "size", "children", "w"))
    des = mp.SurveyDesign(df, weights="w")
    result = answer(lambda: earnings.below_poverty_line(des, 2016, "income", "size",
                                                        "children", na_rm=na_rm))
    observed = ~np.isnan(income) & ~np.isnan(size) & ~np.isnan(children)
    # impossible households are refused even when a missing income leaves them out
    counts = ~np.isnan(size) & ~np.isnan(children)
    counts_ok = ~counts | ((size == np.floor(size)) & (children == np.floor(children))
                           & (size >= 1) & (children >= 0) & (size - children >= 1))
    counts_ok &= np.isnan(size) | ((size == np.floor(size)) & (size >= 1))
    counts_ok &= np.isnan(children) | ((children == np.floor(children)) & (children >= 0))
    usable = ((na_rm or observed.all()) and counts_ok.all()
              and not np.any(np.isinf(income)))
    if isinstance(result, MicropopError):
        assert not usable or isinstance(result, ENGINE_REFUSALS), result
        return
    assert usable, df
    units = 1 + 0.5 * (size - 1 - children) + 0.3 * children
    expected = share(w, income / units < earnings.poverty_line(2016), observed)
    assert result.estimate[0] == pytest.approx(expected, rel=1e-12, abs=1e-15)


# --- named refusals ---------------------------------------------------------------------


@pytest.fixture()
def frame() -> pd.DataFrame:
    return pd.DataFrame({"pay": [0.0, 3.0, 7.0, 15.0, 40.0, 100.0],
                         "hours": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                         "income": [900.0, 1200.0, 1500.0, 2000.0, 3000.0, 800.0],
                         "size": [1, 2, 3, 1, 4, 2], "children": [0, 1, 1, 0, 2, 0],
                         "w": 1.0}, index=[101, 102, 103, 104, 105, 106])


def _design(frame, **changes):
    return mp.SurveyDesign(frame.assign(**changes), weights="w")


def test_infinite_earnings_or_hours_are_refused_by_column_and_row(frame):
    with pytest.raises(EarningsError,
                       match=r"'pay' has 1 infinite value\(s\) in data row 3 \(id 103\)"):
        earnings.earnings_shares(_design(frame, pay=[0, 3, np.inf, 15, 40, 100.0]), "pay")
    with pytest.raises(EarningsError,
                       match=r"'hours' has 1 infinite value\(s\) in data row 2 \(id 102\)"):
        earnings.below_minimum_wage(_design(frame, hours=[1, np.inf, 3, 4, 5, 6.0]),
                                    earnings="pay", hours="hours")


def test_negative_or_impossible_hours_are_refused(frame):
    with pytest.raises(NegativeEarningsError, match=r"'hours' has 1 negative value\(s\) in "
                                                    r"data row 1 \(id 101\) \(value: -1.0\)"):
        earnings.hourly_earnings(_design(frame, hours=[-1, 2, 3, 4, 5, 6.0]), "pay", "hours")
    with pytest.raises(EarningsError,
                       match=r"'hours' has 1 value\(s\) above 168 in data row 6 \(id 106\)"):
        earnings.hourly_earnings(_design(frame, hours=[1, 2, 3, 4, 5, 170.0]), "pay", "hours")


def test_zero_hours_with_pay_are_an_explicit_choice(frame):
    des = _design(frame, hours=[1, 2, 0, 4, 5, 6.0])
    with pytest.raises(ZeroHoursError, match=r"0 in 1 row\(s\) \(data row 3 \(id 103\)\), "
                                             r"1 of them with earnings above 0"):
        earnings.below_minimum_wage(des, earnings="pay", hours="hours")
    est = earnings.below_minimum_wage(des, earnings="pay", hours="hours", zero_hours="exclude")
    assert est.n[0] == 5


def test_near_zero_hours_that_overflow_the_rate_are_refused(frame):
    with pytest.raises(EarningsError, match=r"hourly rate\(s\) of 'pay' / 'hours' overflow, "
                                            r"in data row 4 \(id 104\)"):
        earnings.hourly_earnings(_design(frame, hours=[1, 2, 3, 1e-320, 5, 6.0],
                                         pay=[0, 3, 7, 1e10, 40, 100.0]), "pay", "hours")


@pytest.mark.parametrize("year, error, text", [
    (2030, ReferenceYearError, "available years: 2018, 2019"),
    (2019.5, OptionError, "year=2019.5 is not a whole number"),
    ("2019", OptionError, "year='2019' is not a number"),
    (True, OptionError, "year=True is not a number"),
])
def test_years_outside_the_reference_tables(frame, year, error, text):
    with pytest.raises(error, match=text):
        earnings.below_minimum_wage(_design(frame), year=year, earnings="pay", hours="hours")
    with pytest.raises(error):
        earnings.poverty_line(year)


@pytest.mark.parametrize("change, text", [
    ({"size": [1, 0, 3, 1, 4, 2]}, r"'size' has 1 value\(s\) below 1 in data row 2 \(id 102\)"),
    ({"size": [1, 0, 3, 1, 4, 2], "children": [0, np.nan, 1, 0, 2, 0]},
     r"'size' has 1 value\(s\) below 1 in data row 2 \(id 102\)"),
    ({"children": [0, 2, 1, 0, 2, 0]},
     r"without a person aged 14 or more, .* in data row 2 \(id 102\)"),
    ({"size": [1, 2.5, 3, 1, 4, 2]},
     r"'size' has 1 fractional value\(s\) in data row 2 \(id 102\)"),
    ({"children": [0, 0.3, 1, 0, 2, 0]},
     r"'children' has 1 fractional value\(s\) in data row 2 \(id 102\)"),
    ({"size": [1, 2, 3, np.inf, 4, 2]},
     r"'size' has 1 infinite value\(s\) in data row 4 \(id 104\)"),
    ({"income": [900, 1200, -np.inf, 2000, 3000, 800]},
     r"'income' has 1 infinite value\(s\) in data row 3 \(id 103\)"),
])
def test_household_counts_must_be_whole_and_possible(frame, change, text):
    with pytest.raises(EarningsError, match=text):
        earnings.below_poverty_line(_design(frame, **change), 2016, "income", "size",
                                    "children")


def test_consumption_units_name_data_rows_and_their_ids():
    with pytest.raises(EarningsError, match=r"in data row 2 \(value: 2.5\)"):
        earnings.oecd_consumption_units([1, 2.5], [0, 0])
    with pytest.raises(EarningsError, match=r"in data row 2 \(id 11\)\."):
        earnings.oecd_consumption_units(pd.Series([1, 2], index=[10, 11]),
                                        pd.Series([0, 2], index=[10, 11]))
    with pytest.raises(EarningsError, match=r"'x'|value: x"):
        earnings.oecd_consumption_units([1, "x"], [0, 0])
    with pytest.raises(EarningsError, match="value: True"):
        earnings.oecd_consumption_units([True, 2], [0, 0])
    with pytest.raises(EarningsError, match="2 values and children_under14 1"):
        earnings.oecd_consumption_units([1, 2], [0])
    assert np.isnan(earnings.oecd_consumption_units([1, None], [0, 0])[1])


@pytest.mark.parametrize("column", [["a", "b", "c", "d", "e", "f"], [True, False] * 3])
def test_non_numeric_earnings_are_refused(frame, column):
    with pytest.raises(NotNumericVariableError, match="'pay' is"):
        earnings.earnings_shares(_design(frame, pay=column), "pay")


@pytest.mark.parametrize("thresholds, text", [
    ([5, 5.0], "thresholds lists 5 more than once"),
    ([-5], "thresholds=-5 is out of range"),
    ([0], "thresholds=0 is out of range"),
    ([np.nan], "thresholds=nan is not a number"),
    ("5", "thresholds='5' is not a number"),
    ([np.inf], "thresholds=inf is not finite"),
])
def test_thresholds_are_checked_by_name(frame, thresholds, text):
    with pytest.raises(OptionError, match=text):
        earnings.earnings_shares(_design(frame), "pay", thresholds=thresholds)


def test_close_thresholds_keep_their_own_rows(frame):
    # labels once collapsed two thresholds printing alike ({:g}) into one row
    est = earnings.earnings_shares(_design(frame), "pay", thresholds=[7.0, 7.000001])
    assert list(est.index) == ["pay = 0", "pay < 7", "pay < 7.000001"]
    np.testing.assert_allclose(est.estimate, [1 / 6, 2 / 6, 3 / 6])


def test_missing_household_counts_need_na_rm(frame):
    des = _design(frame, size=[1, 2, np.nan, 1, 4, 2])
    with pytest.raises(MissingValuesError,
                       match=r"'size' has 1 missing value\(s\), in data row 3 \(id 103\)"):
        earnings.below_poverty_line(des, 2016, "income", "size", "children")
    assert earnings.below_poverty_line(des, 2016, "income", "size", "children",
                                       na_rm=True).n[0] == 5


def test_one_column_and_a_true_or_false_na_rm(frame):
    with pytest.raises(OptionError, match=r"\['pay'\] is not one column"):
        earnings.earnings_shares(_design(frame), ["pay"])
    with pytest.raises(OptionError, match="na_rm='yes' is not one of the choices"):
        earnings.earnings_shares(_design(frame), "pay", na_rm="yes")
